// The typed queue configuration KumoMTA builds from kumo.make_queue_config
// (reference §1, §5). Defaults are KumoMTA's.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/values/duration.hpp"
#include "core/values/throttle.hpp"

namespace kumo::config {

using values::Duration;

enum class QueueStrategy { TimerWheel, SkipList, SingletonTimerWheel, SingletonTimerWheelV2 };
enum class RefreshStrategy { Ttl, Epoch };
enum class MemoryReductionPolicy { ShrinkDataAndMeta, ShrinkData, NoShrink };

struct ShrinkPolicy {
  Duration interval;
  MemoryReductionPolicy policy = MemoryReductionPolicy::ShrinkDataAndMeta;

  friend bool operator==(const ShrinkPolicy&, const ShrinkPolicy&) = default;
};

// One `mx_list` entry: a name resolved at connection time, or a
// pre-resolved {name, addr[, is_secure]}.
struct MxEntry {
  bool resolved = false;
  std::string name;  // the string entry itself, or the `name` field
  std::string addr;  // canonical address display, when resolved
  bool is_secure = false;

  friend bool operator==(const MxEntry&, const MxEntry&) = default;
};

struct SmtpProtocol {
  std::vector<MxEntry> mx_list;
  bool treat_mx_list_as_secure = false;

  friend bool operator==(const SmtpProtocol&, const SmtpProtocol&) = default;
};

struct MaildirProtocol {
  std::string maildir_path;
  std::optional<std::uint32_t> dir_mode;
  std::optional<std::uint32_t> file_mode;

  friend bool operator==(const MaildirProtocol&, const MaildirProtocol&) = default;
};

struct LuaProtocol {
  std::string constructor;
  std::uint64_t batch_size = 1;
  std::uint64_t min_batch_size = 1;
  Duration max_batch_latency;

  friend bool operator==(const LuaProtocol&, const LuaProtocol&) = default;
};

struct XferProtocol {
  std::string target;  // normalized URL

  friend bool operator==(const XferProtocol&, const XferProtocol&) = default;
};

// The internal unit variants; from Lua only the null sentinel reaches the
// first of them.
enum class InternalProtocol { HttpInjectionGenerator, DeferredSmtpInjection, Null };

using Protocol = std::variant<SmtpProtocol, MaildirProtocol, LuaProtocol, XferProtocol, InternalProtocol>;

struct QueueConfig {
  Duration retry_interval{1200, 0};
  std::optional<Duration> max_retry_interval;
  Duration max_age{604800, 0};
  std::optional<std::string> egress_pool;
  std::optional<values::ThrottleSpec> max_message_rate;
  Protocol protocol = SmtpProtocol{};
  Duration reap_interval{600, 0};
  Duration refresh_interval{60, 0};
  std::optional<Duration> timerwheel_tick_interval;
  QueueStrategy strategy = QueueStrategy::SingletonTimerWheel;
  RefreshStrategy refresh_strategy = RefreshStrategy::Ttl;
  std::optional<std::string> provider_name;
  std::vector<ShrinkPolicy> shrink_policy;

  friend bool operator==(const QueueConfig&, const QueueConfig&) = default;
};

// A hash over every field, for caches keyed by a config's value (equal
// configs render alike); with operator== it makes QueueConfig a key of
// std::unordered_map.
struct QueueConfigHash {
  std::size_t operator()(const QueueConfig& c) const;
};

// A converted config that many queues share: the conversion cache hands
// out one per distinct make_queue_config table, and the caches keyed by
// config (timelines, rendered text) compare it by address before value,
// with its hash computed once. Immutable; empty when there is no config.
class SharedConfig {
 public:
  SharedConfig() = default;
  explicit SharedConfig(QueueConfig config)
      : m_held(std::make_shared<const Held>(Held{QueueConfigHash{}(config), std::move(config)})) {}

  explicit operator bool() const { return m_held != nullptr; }
  const QueueConfig& operator*() const { return m_held->config; }
  const QueueConfig* operator->() const { return &m_held->config; }
  std::size_t hash() const { return m_held ? m_held->hash : 0; }

  // Equal configs, whether or not they are the same object.
  friend bool operator==(const SharedConfig& a, const SharedConfig& b) {
    if (a.m_held == b.m_held) {
      return true;
    }
    return a.m_held && b.m_held && a.m_held->hash == b.m_held->hash && a.m_held->config == b.m_held->config;
  }

 private:
  struct Held {
    std::size_t hash;
    QueueConfig config;
  };
  std::shared_ptr<const Held> m_held;
};

struct SharedConfigHash {
  std::size_t operator()(const SharedConfig& c) const { return c.hash(); }
};

// Variant names exactly as KumoMTA spells them.
const char* strategy_name(QueueStrategy s);
const char* refresh_strategy_name(RefreshStrategy s);
const char* memory_policy_name(MemoryReductionPolicy p);

}  // namespace kumo::config
