#include "core/config/queue_config.hpp"

#include <functional>
#include <type_traits>

namespace kumo::config {

namespace {

// Every field of a config goes into the hash: a field left out would not
// make results wrong (equality decides), only the caches slower. The
// static_assert below is the reminder to add a new key here.
class Hasher {
 public:
  std::size_t value() const { return m_hash; }

  void add(std::uint64_t v) {
    // FNV-1a over the 8 bytes' worth, folded: cheap and well spread for the
    // small integers (durations, enums, limits) a config is made of.
    m_hash = (m_hash ^ v) * 0x100000001b3ull;
    m_hash ^= m_hash >> 29;
  }
  void add(bool v) { add(static_cast<std::uint64_t>(v ? 1 : 2)); }
  void add(const std::string& s) { add(static_cast<std::uint64_t>(std::hash<std::string>{}(s))); }
  void add(const Duration& d) {
    add(d.seconds);
    add(static_cast<std::uint64_t>(d.nanos));
  }
  void add(const values::ThrottleSpec& t) {
    add(t.limit);
    add(t.period);
    add(t.max_burst);
    add(t.force_local);
  }
  template <typename T>
  void add(const std::optional<T>& v) {
    add(v.has_value());
    if (v) {
      add(*v);
    }
  }
  template <typename E>
  requires std::is_enum_v<E>
  void add(E e) { add(static_cast<std::uint64_t>(e)); }
  void add(std::uint32_t v) { add(static_cast<std::uint64_t>(v)); }

  void add(const Protocol& p) {
    add(static_cast<std::uint64_t>(p.index()));
    std::visit([this](const auto& variant) { add_protocol(variant); }, p);
  }

 private:
  void add_protocol(const SmtpProtocol& s) {
    add(static_cast<std::uint64_t>(s.mx_list.size()));
    for (const MxEntry& e : s.mx_list) {
      add(e.resolved);
      add(e.name);
      add(e.addr);
      add(e.is_secure);
    }
    add(s.treat_mx_list_as_secure);
  }
  void add_protocol(const MaildirProtocol& m) {
    add(m.maildir_path);
    add(m.dir_mode);
    add(m.file_mode);
  }
  void add_protocol(const LuaProtocol& l) {
    add(l.constructor);
    add(l.batch_size);
    add(l.min_batch_size);
    add(l.max_batch_latency);
  }
  void add_protocol(const XferProtocol& x) { add(x.target); }
  void add_protocol(InternalProtocol i) { add(i); }

  std::uint64_t m_hash = 0xcbf29ce484222325ull;
};

}  // namespace

// A new field changes the size: add it to the hash below, then update this.
static_assert(sizeof(QueueConfig) == 344, "QueueConfig changed: hash its new field in QueueConfigHash");

std::size_t QueueConfigHash::operator()(const QueueConfig& c) const {
  Hasher h;
  h.add(c.retry_interval);
  h.add(c.max_retry_interval);
  h.add(c.max_age);
  h.add(c.egress_pool);
  h.add(c.max_message_rate);
  h.add(c.protocol);
  h.add(c.reap_interval);
  h.add(c.refresh_interval);
  h.add(c.timerwheel_tick_interval);
  h.add(c.strategy);
  h.add(c.refresh_strategy);
  h.add(c.provider_name);
  h.add(static_cast<std::uint64_t>(c.shrink_policy.size()));
  for (const ShrinkPolicy& s : c.shrink_policy) {
    h.add(s.interval);
    h.add(s.policy);
  }
  return static_cast<std::size_t>(h.value());
}

}  // namespace kumo::config
