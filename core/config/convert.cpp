#include "core/config/convert.hpp"

#include <functional>
#include <limits>

#include "core/config/converter.hpp"
#include "core/config/protocol_convert.hpp"
#include "core/config/serde_text.hpp"
#include "core/diag/codes.hpp"
#include "core/util/text.hpp"
#include "core/values/throttle.hpp"

namespace kumo::config {

using diag::Code;
using lua::Value;
using K = lua::Value::Kind;

// --- QueueConfig keys: one row each ---

namespace {

using Setter = std::function<void(Converter&, const std::string& key, const Value&, QueueConfig&)>;

struct KeySpec {
  std::string_view name;
  Setter set;
};

template <class T>
void assign(std::optional<T> v, T& slot) {
  if (v) {
    slot = std::move(*v);
  }
}

void set_required_duration(Converter& c, const std::string& key, const Value& v, Duration& slot) {
  if (v.kind == K::null) {
    c.wrong_type(key, v, "a duration such as \"20m\" or a number of seconds", "a duration");
    return;
  }
  assign(c.duration(key, v), slot);
}

void set_optional_duration(Converter& c, const std::string& key, const Value& v, std::optional<Duration>& slot) {
  if (v.kind == K::null) {
    slot.reset();
    return;
  }
  if (auto d = c.duration(key, v)) {
    slot = *d;
  }
}

void set_optional_string(Converter& c, const std::string& key, const Value& v, std::optional<std::string>& slot) {
  if (v.kind == K::null) {
    slot.reset();
    return;
  }
  if (auto s = c.string(key, v)) {
    slot = *s;
  }
}

void set_throttle(Converter& c, const std::string& key, const Value& v, QueueConfig& q) {
  if (v.kind == K::null) {
    q.max_message_rate.reset();
    return;
  }
  if (c.reject_unsupported(key, v)) {
    return;
  }
  if (v.kind != K::string) {
    c.wrong_type(key, v, "a throttle string such as \"100/h\" (KumoMTA rejects numbers)", "a string");
    return;
  }
  auto spec = values::parse_throttle(v.string);
  if (!spec) {
    c.reject(Code::invalid_throttle, key, key + ": " + spec.error().message, spec.error().kumo_message);
    return;
  }
  q.max_message_rate = *spec;
  auto explained = values::explain_throttle(*spec);
  std::string shown = util::quoted(v.string);
  if (explained.zero_rate) {
    c.flag(Code::zero_rate_throttle, key,
           key + ": " + shown +
               " has an emission interval of 0ns (period / limit); every throttle check fails with "
               "\"Zero rates are not supported\" and messages cannot leave the scheduled queue");
  } else if (explained.never_delays_locally) {
    c.flag(Code::throttle_too_fast, key,
           key + ": " + shown +
               " is faster than 1000 per second; on the local throttle backend the computed delay rounds "
               "to 0 and the rate is never enforced");
  }
}

template <class E>
void set_enum(Converter& c, const std::string& key, const Value& v, E& slot,
              const std::vector<std::string_view>& names) {
  if (auto i = c.variant(key, v, names)) {
    slot = static_cast<E>(*i);
  }
}

const std::vector<std::string_view> k_strategy_names = {"TimerWheel", "SkipList", "SingletonTimerWheel",
                                                        "SingletonTimerWheelV2"};
const std::vector<std::string_view> k_refresh_names = {"Ttl", "Epoch"};
const std::vector<std::string_view> k_memory_names = {"ShrinkDataAndMeta", "ShrinkData", "NoShrink"};
const std::vector<std::string_view> k_shrink_fields = {"interval", "policy"};

void set_shrink_entry(Converter& c, const std::string& key, const Value& v, QueueConfig& q) {
  if (c.reject_unsupported(key, v)) {
    return;
  }
  if (v.kind != K::table || is_sequence(*v.table)) {
    c.wrong_type(key, v, "a table {interval = <duration>, policy = \"ShrinkData\"}", "struct QueueShrinkPolicy");
    return;
  }
  ShrinkPolicy entry;
  bool has_interval = false;
  bool has_policy = false;
  for (auto& [path, value] : c.fields(key, *v.table, k_shrink_fields, true)) {
    if (path == key + ".interval") {
      has_interval = true;
      set_required_duration(c, path, *value, entry.interval);
    } else {
      has_policy = true;
      set_enum(c, path, *value, entry.policy, k_memory_names);
    }
  }
  for (auto [present, name] : {std::pair{has_interval, "interval"}, std::pair{has_policy, "policy"}}) {
    if (!present) {
      c.reject(Code::missing_field, key,
               key + ": missing " + std::string(name) + " (both interval and policy are required)",
               std::string("missing field `") + name + "`");
    }
  }
  q.shrink_policy.push_back(entry);
}

void set_shrink_policy(Converter& c, const std::string& key, const Value& v, QueueConfig& q) {
  if (c.reject_unsupported(key, v)) {
    return;
  }
  if (v.kind != K::table) {
    c.wrong_type(key, v, "a list of {interval = ..., policy = ...} tables", "a sequence");
    return;
  }
  const lua::Table& t = *v.table;
  if (!is_sequence(t)) {
    if (!t.entries.empty()) {
      c.flag(Code::map_becomes_empty_list, key,
             key +
                 ": this is a key = value table, not a list; KumoMTA silently reads it as [] (no policy). "
                 "Wrap each entry in braces: shrink_policy = { { interval = ..., policy = ... } }");
    }
    return;
  }
  for (std::int64_t i = 1; i <= t.raw_length; ++i) {
    const Value* item = t.at(i);
    static const Value nil;
    set_shrink_entry(c, key + "[" + std::to_string(i) + "]", item ? *item : nil, q);
    if (item == nullptr) {
      break;  // a hole rejects the list; lua_rawlen may be any border, even 2^62
    }
  }
}

const std::vector<KeySpec>& key_table() {
  static const std::vector<KeySpec> table = {
      {"retry_interval", [](Converter& c, const std::string& k, const Value& v,
                            QueueConfig& q) { set_required_duration(c, k, v, q.retry_interval); }},
      {"max_retry_interval", [](Converter& c, const std::string& k, const Value& v,
                                QueueConfig& q) { set_optional_duration(c, k, v, q.max_retry_interval); }},
      {"max_age", [](Converter& c, const std::string& k, const Value& v,
                     QueueConfig& q) { set_required_duration(c, k, v, q.max_age); }},
      {"egress_pool", [](Converter& c, const std::string& k, const Value& v,
                         QueueConfig& q) { set_optional_string(c, k, v, q.egress_pool); }},
      {"max_message_rate", set_throttle},
      {"protocol",
       [](Converter& c, const std::string& k, const Value& v, QueueConfig& q) {
         if (auto p = convert_protocol(c, k, v)) {
           q.protocol = std::move(*p);
         }
       }},
      {"reap_interval", [](Converter& c, const std::string& k, const Value& v,
                           QueueConfig& q) { set_required_duration(c, k, v, q.reap_interval); }},
      {"refresh_interval", [](Converter& c, const std::string& k, const Value& v,
                              QueueConfig& q) { set_required_duration(c, k, v, q.refresh_interval); }},
      {"timerwheel_tick_interval", [](Converter& c, const std::string& k, const Value& v,
                                      QueueConfig& q) { set_optional_duration(c, k, v, q.timerwheel_tick_interval); }},
      {"strategy", [](Converter& c, const std::string& k, const Value& v,
                      QueueConfig& q) { set_enum(c, k, v, q.strategy, k_strategy_names); }},
      {"refresh_strategy", [](Converter& c, const std::string& k, const Value& v,
                              QueueConfig& q) { set_enum(c, k, v, q.refresh_strategy, k_refresh_names); }},
      {"provider_name", [](Converter& c, const std::string& k, const Value& v,
                           QueueConfig& q) { set_optional_string(c, k, v, q.provider_name); }},
      {"shrink_policy", set_shrink_policy},
  };
  return table;
}

// chrono's TimeDelta holds i64 milliseconds; get_max_age unwraps the
// conversion, so anything larger panics at the first expiry check.
constexpr std::uint64_t k_max_chrono_seconds = std::numeric_limits<std::int64_t>::max() / 1000;

void check_cross_field(Converter& c, const QueueConfig& q) {
  if (q.max_age.seconds > k_max_chrono_seconds ||
      (q.max_age.seconds == k_max_chrono_seconds && q.max_age.nanos >= 807'000'000)) {
    c.flag(Code::max_age_overflow, "max_age",
           "max_age: " + values::format_humantime(q.max_age) +
               " is beyond what kumod can represent (about 292 million years); kumod panics at the first "
               "expiry check");
  }
  if (q.timerwheel_tick_interval && q.strategy != QueueStrategy::TimerWheel) {
    c.flag(Code::tick_without_timerwheel, "timerwheel_tick_interval",
           std::string("timerwheel_tick_interval has no effect with strategy = \"") + strategy_name(q.strategy) +
               "\"; it is only used when strategy = \"TimerWheel\"");
  }
  if (q.strategy == QueueStrategy::TimerWheel && q.timerwheel_tick_interval &&
      *q.timerwheel_tick_interval == Duration{}) {
    c.flag(Code::zero_tick, "timerwheel_tick_interval",
           "timerwheel_tick_interval is 0 with strategy = \"TimerWheel\": the queue maintainer spins without "
           "pause; leave it unset (retry_interval/20, clamped to 1s..1m)");
  }
}

}  // namespace

const std::vector<std::string_view>& queue_config_keys() {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> out;
    for (const auto& k : key_table()) {
      out.push_back(k.name);
    }
    return out;
  }();
  return names;
}

ConversionResult convert_queue_config(const Value& params) {
  Converter c;
  QueueConfig q;
  if (params.kind != K::table || is_sequence(*params.table)) {
    std::string detail =
        params.kind == K::nil ? "invalid type: nil, expected table" : serde_invalid_type(params, "struct QueueConfig");
    c.reject(Code::not_a_table, "",
             "kumo.make_queue_config expects a table of key = value settings, got " + describe_value(params) +
                 "; write kumo.make_queue_config { retry_interval = \"20m\" }",
             detail);
    return {std::nullopt, std::move(c.findings), std::move(c.kumo_error)};
  }
  for (auto& [key, value] : c.fields("", *params.table, queue_config_keys(), true)) {
    for (const auto& spec : key_table()) {
      if (spec.name == key) {
        spec.set(c, key, *value, q);
      }
    }
  }
  if (!c.failed) {
    check_cross_field(c, q);
  }
  ConversionResult result;
  if (!c.failed) {
    result.config = std::move(q);
  }
  result.findings = std::move(c.findings);
  result.kumo_error = std::move(c.kumo_error);
  return result;
}

const char* strategy_name(QueueStrategy s) { return k_strategy_names[static_cast<std::size_t>(s)].data(); }
const char* refresh_strategy_name(RefreshStrategy s) { return k_refresh_names[static_cast<std::size_t>(s)].data(); }
const char* memory_policy_name(MemoryReductionPolicy p) { return k_memory_names[static_cast<std::size_t>(p)].data(); }

}  // namespace kumo::config
