#include "core/config/serialize.hpp"

namespace kumo::config {

namespace {

using nlohmann::json;

json duration_json(const Duration& d) { return values::format_humantime(d); }

template <class T, class F>
json optional_json(const std::optional<T>& v, F to_json) {
  return v ? json(to_json(*v)) : json(nullptr);
}

json mx_entry_json(const MxEntry& e) {
  if (!e.resolved) {
    return e.name;
  }
  json out = {{"name", e.name}, {"addr", e.addr}};
  if (e.is_secure) {
    out["is_secure"] = true;  // serde skips it when false
  }
  return out;
}

struct ProtocolJson {
  json operator()(const SmtpProtocol& s) const {
    json list = json::array();
    for (const auto& e : s.mx_list) {
      list.push_back(mx_entry_json(e));
    }
    return {{"smtp", {{"mx_list", list}, {"treat_mx_list_as_secure", s.treat_mx_list_as_secure}}}};
  }
  json operator()(const MaildirProtocol& m) const {
    auto mode = [](std::uint32_t v) { return json(v); };
    return {{"maildir_path", m.maildir_path},
            {"dir_mode", optional_json(m.dir_mode, mode)},
            {"file_mode", optional_json(m.file_mode, mode)}};
  }
  json operator()(const LuaProtocol& l) const {
    return {{"custom_lua",
             {{"constructor", l.constructor},
              {"batch_size", l.batch_size},
              {"min_batch_size", l.min_batch_size},
              {"max_batch_latency", duration_json(l.max_batch_latency)}}}};
  }
  json operator()(const XferProtocol& x) const { return {{"xfer", {{"target", x.target}}}}; }
  // serde writes unit variants of an untagged enum as null.
  json operator()(InternalProtocol) const { return nullptr; }
};

}  // namespace

json protocol_to_kumo_json(const Protocol& p) { return std::visit(ProtocolJson{}, p); }

json to_kumo_json(const QueueConfig& q) {
  json shrink = json::array();
  for (const auto& s : q.shrink_policy) {
    shrink.push_back({{"interval", duration_json(s.interval)}, {"policy", memory_policy_name(s.policy)}});
  }
  return {
      {"retry_interval", duration_json(q.retry_interval)},
      {"max_retry_interval", optional_json(q.max_retry_interval, duration_json)},
      {"max_age", duration_json(q.max_age)},
      {"egress_pool", optional_json(q.egress_pool, [](const std::string& s) { return s; })},
      {"max_message_rate", optional_json(q.max_message_rate, values::format_throttle)},
      {"protocol", protocol_to_kumo_json(q.protocol)},
      {"reap_interval", duration_json(q.reap_interval)},
      {"refresh_interval", duration_json(q.refresh_interval)},
      {"timerwheel_tick_interval", optional_json(q.timerwheel_tick_interval, duration_json)},
      {"strategy", strategy_name(q.strategy)},
      {"refresh_strategy", refresh_strategy_name(q.refresh_strategy)},
      {"provider_name", optional_json(q.provider_name, [](const std::string& s) { return s; })},
      {"shrink_policy", shrink},
  };
}

}  // namespace kumo::config
