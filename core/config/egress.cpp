#include "core/config/egress.hpp"

#include <limits>

#include "core/config/converter.hpp"
#include "core/config/serde_text.hpp"
#include "core/util/text.hpp"
#include "core/values/mx_address.hpp"
#include "core/values/resolvable_address.hpp"
#include "core/values/throttle.hpp"

namespace kumo::config {

using diag::Code;
using lua::Value;
using K = lua::Value::Kind;

namespace {

template <class T>
Converted<T> finish(Converter& c, T value) {
  Converted<T> out;
  if (!c.failed) {
    out.value = std::move(value);
  }
  out.findings = std::move(c.findings);
  out.kumo_error = std::move(c.kumo_error);
  return out;
}

bool is_struct_table(Converter& c, const Value& params, std::string_view what) {
  if (params.kind == K::table && !is_sequence(*params.table)) {
    return true;
  }
  c.reject(Code::not_a_table, "",
           std::string(what) + " expects a table of key = value settings, got " + describe_value(params),
           params.kind == K::nil ? "invalid type: nil, expected table" : serde_invalid_type(params, "a map"));
  return false;
}

void require_name(Converter& c, bool present, std::string_view what) {
  if (!present) {
    c.reject(Code::missing_field, "name", std::string(what) + ": missing name", "missing field `name`");
  }
}

const std::vector<std::string_view> k_pool_fields = {"name", "entries", "ttl"};
const std::vector<std::string_view> k_entry_fields = {"name", "weight"};

void pool_entry(Converter& c, const std::string& key, const Value& v, EgressPool& pool) {
  if (v.kind != K::table || is_sequence(*v.table)) {
    c.wrong_type(key, v, "a table { name = \"source\", weight = 1 }", "struct EgressPoolEntry");
    return;
  }
  EgressPoolEntry entry;
  bool has_name = false;
  for (auto& [path, value] : c.fields(key, *v.table, k_entry_fields, true)) {
    if (path == key + ".name") {
      has_name = true;
      if (auto s = c.string(path, *value)) {
        entry.name = *s;
      }
    } else if (auto n = c.unsigned_integer(path, *value, std::numeric_limits<std::uint32_t>::max(), "u32")) {
      entry.weight = static_cast<std::uint32_t>(*n);
    }
  }
  if (!has_name) {
    c.reject(Code::missing_field, key, key + ": missing name (the source's name)", "missing field `name`");
  }
  pool.entries.push_back(entry);
}

void pool_entries(Converter& c, const std::string& key, const Value& v, EgressPool& pool) {
  if (v.kind != K::table) {
    c.wrong_type(key, v, "a list of { name = ..., weight = ... } tables", "a sequence");
    return;
  }
  if (!is_sequence(*v.table)) {
    if (!v.table->entries.empty()) {
      c.flag(Code::map_becomes_empty_list, key,
             key + ": this is a key = value table, not a list; KumoMTA silently reads it as [] (no sources)");
    }
    return;
  }
  for (std::int64_t i = 1; i <= v.table->raw_length; ++i) {
    static const Value nil;
    const Value* item = v.table->at(i);
    pool_entry(c, key + "[" + std::to_string(i) + "]", item ? *item : nil, pool);
    if (item == nullptr) {
      break;  // a hole rejects the list; lua_rawlen may be any border, even 2^62
    }
  }
}

const std::vector<std::string_view> k_source_fields = {"name",
                                                       "ehlo_domain",
                                                       "source_address",
                                                       "remote_port",
                                                       "ha_proxy_server",
                                                       "ha_proxy_source_address",
                                                       "socks5_proxy_server",
                                                       "socks5_proxy_source_address",
                                                       "socks5_proxy_username",
                                                       "socks5_proxy_password",
                                                       "suspend_when_unplumbed",
                                                       "suspend_when_proxy_unhealthy",
                                                       "ttl"};

// A string for a Rust type read through its FromStr visitor, whose serde
// "expected" phrase is `expected_serde` ("IP address", "a string").
std::optional<std::string> text_value(Converter& c, const std::string& key, const Value& v, std::string_view ours,
                                      std::string_view expected_serde) {
  if (c.reject_unsupported(key, v)) {
    return std::nullopt;
  }
  if (v.kind != K::string || serde_unexpected(v) == "byte array") {
    c.wrong_type(key, v, ours, expected_serde);
    return std::nullopt;
  }
  return v.string;
}

// source_address and the proxies' source addresses: Rust's IpAddr, through
// serde's FromStr visitor. Serialized in Rust's Display form.
nlohmann::json ip_field(Converter& c, const std::string& key, const Value& v) {
  auto s = text_value(c, key, v, "an IP address string", "IP address");
  if (!s) {
    return nullptr;
  }
  if (auto ip = values::parse_rust_ip_addr(*s)) {
    return *ip;
  }
  c.reject(Code::wrong_type, key, key + ": " + *s + " is not an IP address (no port, no brackets)",
           "invalid IP address syntax");
  return nullptr;
}

// ha_proxy_server and socks5_proxy_server: kumo-address's
// ResolvableSocketAddr, a String converted with TryFrom.
nlohmann::json proxy_server_field(Converter& c, const std::string& key, const Value& v) {
  auto s = text_value(c, key, v, "a \"host:port\" string", "a string");
  if (!s) {
    return nullptr;
  }
  auto address = values::parse_resolvable_socket_addr(*s);
  if (!address) {
    c.reject(Code::invalid_proxy_server, key, key + ": " + util::quoted(*s) + ": " + address.error().message,
             address.error().kumo_message);
    return nullptr;
  }
  return *address;
}

const std::vector<std::string_view> k_suspend_fields = {"trigger", "duration"};
const std::vector<std::string_view> k_trigger_names = {"Immediate", "Threshold"};
constexpr std::string_view k_trigger_ours = "\"Immediate\" or { Threshold = \"N/period\" }";

// The newtype payload of Trigger::Threshold: a ThrottleSpec string.
nlohmann::json threshold(Converter& c, const std::string& key, const Value& v) {
  auto s = text_value(c, key, v, "a throttle string such as \"3/1m\"", "a string");
  if (!s) {
    return nullptr;
  }
  auto spec = values::parse_throttle(*s);
  if (!spec) {
    c.reject(Code::invalid_throttle, key, key + ": " + spec.error().message, spec.error().kumo_message);
    return nullptr;
  }
  return {{"Threshold", values::format_throttle(*spec)}};
}

void unknown_trigger(Converter& c, const std::string& key, const std::string& name) {
  std::string message = key + ": unknown trigger " + util::quoted(name) + "; expected " + std::string(k_trigger_ours);
  if (auto near = util::closest_match(name, k_trigger_names)) {
    message += "; did you mean " + util::quoted(*near) + "? (values are case-sensitive)";
  }
  c.reject(Code::unknown_variant, key, message,
           "unknown variant `" + name + "`, expected " + serde_one_of(k_trigger_names));
}

// A one-key table read as an externally tagged enum (mlua's
// deserialize_enum): the key names the variant, the value is its payload.
nlohmann::json tagged_trigger(Converter& c, const std::string& key, const lua::Table& t) {
  if (t.entries.size() != 1) {
    c.reject(Code::wrong_type, key,
             key + ": expected " + std::string(k_trigger_ours) + ", got a table with " +
                 std::to_string(t.entries.size()) + " entries",
             "invalid value: map, expected map with a single key");
    return nullptr;
  }
  const auto& [name_value, payload] = t.entries.front();
  std::string name;
  if (name_value.kind == K::string) {
    name = name_value.string;
  } else if (name_value.kind == K::integer) {
    name = std::to_string(name_value.integer);  // mlua coerces a number key to a String
  } else {
    c.wrong_type(key, name_value, std::string(k_trigger_ours), "a string");
    return nullptr;
  }
  if (name == "Threshold") {
    return threshold(c, key + ".Threshold", payload);
  }
  if (name == "Immediate") {
    c.reject(Code::wrong_type, key, key + ": Immediate takes no value; write trigger = \"Immediate\"",
             "invalid type: newtype variant, expected unit variant");
    return nullptr;
  }
  unknown_trigger(c, key, name);
  return nullptr;
}

// kumo_api_types::shaping::Trigger.
nlohmann::json trigger(Converter& c, const std::string& key, const Value& v) {
  if (c.reject_unsupported(key, v)) {
    return nullptr;
  }
  if (v.kind == K::table) {
    return tagged_trigger(c, key, *v.table);
  }
  if (v.kind != K::string) {
    c.reject(Code::wrong_type, key, key + ": expected " + std::string(k_trigger_ours) + ", got " + describe_value(v),
             "bad enum value");
    return nullptr;
  }
  if (v.string == "Immediate") {
    return "Immediate";
  }
  if (v.string == "Threshold") {
    c.reject(Code::wrong_type, key, key + ": Threshold needs its rate: trigger = { Threshold = \"3/1m\" }",
             "invalid type: unit variant, expected newtype variant");
    return nullptr;
  }
  unknown_trigger(c, key, v.string);
  return nullptr;
}

// SuspendOnFailure: { trigger = <Trigger, default Immediate>, duration =
// <required duration> }, unknown keys denied.
nlohmann::json suspend_rule(Converter& c, const std::string& key, const Value& v) {
  if (c.reject_unsupported(key, v)) {
    return nullptr;
  }
  if (v.kind != K::table || is_sequence(*v.table)) {
    c.wrong_type(key, v, "a table { duration = \"5m\", trigger = ... }", "struct SuspendOnFailure");
    return nullptr;
  }
  nlohmann::json rule = {{"trigger", "Immediate"}, {"duration", nullptr}};
  bool has_duration = false;
  for (auto& [path, value] : c.fields(key, *v.table, k_suspend_fields, true)) {
    if (path == key + ".trigger") {
      rule["trigger"] = trigger(c, path, *value);
    } else {
      has_duration = true;
      if (auto d = c.duration(path, *value)) {
        rule["duration"] = values::format_humantime(*d);
      }
    }
  }
  if (!has_duration) {
    c.reject(Code::missing_field, key, key + ": missing duration (how long the source stays suspended)",
             "missing field `duration`");
  }
  return rule;
}

// Checks one optional field; returns its serialized value (null when unset
// or rejected).
nlohmann::json source_field(Converter& c, const std::string& field, const Value& v) {
  if (v.kind == K::null) {
    return nullptr;  // every field but name and ttl is optional
  }
  if (field == "source_address" || field == "ha_proxy_source_address" || field == "socks5_proxy_source_address") {
    return ip_field(c, field, v);
  }
  if (field == "ha_proxy_server" || field == "socks5_proxy_server") {
    return proxy_server_field(c, field, v);
  }
  if (field == "suspend_when_unplumbed" || field == "suspend_when_proxy_unhealthy") {
    return suspend_rule(c, field, v);
  }
  if (field == "remote_port") {
    auto port = c.unsigned_integer(field, v, 65535, "u16");
    return port ? nlohmann::json(*port) : nlohmann::json(nullptr);
  }
  if (field == "ttl") {
    auto d = c.duration(field, v);
    return values::format_humantime(d.value_or(values::Duration{60, 0}));
  }
  if (field == "socks5_proxy_password") {
    if (v.kind != K::table && v.kind != K::string) {
      c.wrong_type(field, v, "a table", "a map");
      return nullptr;
    }
    return v.kind == K::string ? nlohmann::json(v.string) : nlohmann::json("<table>");
  }
  auto s = c.string(field, v);
  return s ? nlohmann::json(*s) : nlohmann::json(nullptr);
}

}  // namespace

Converted<EgressPool> convert_egress_pool(const Value& params) {
  Converter c;
  EgressPool pool;
  if (!is_struct_table(c, params, "kumo.make_egress_pool")) {
    return finish(c, pool);
  }
  bool has_name = false;
  for (auto& [key, value] : c.fields("", *params.table, k_pool_fields, true)) {
    if (key == "name") {
      has_name = true;
      if (auto s = c.string(key, *value)) {
        pool.name = *s;
      }
    } else if (key == "entries") {
      pool_entries(c, key, *value, pool);
    } else if (auto d = c.duration(key, *value)) {
      pool.ttl = *d;
    }
  }
  require_name(c, has_name, "kumo.make_egress_pool");
  return finish(c, pool);
}

Converted<EgressSource> convert_egress_source(const Value& params) {
  Converter c;
  EgressSource source;
  if (!is_struct_table(c, params, "kumo.make_egress_source")) {
    return finish(c, source);
  }
  for (auto field : k_source_fields) {
    source.serialized[std::string(field)] = nullptr;
  }
  source.serialized["ttl"] = "1m";
  bool has_name = false;
  for (auto& [key, value] : c.fields("", *params.table, k_source_fields, true)) {
    if (key == "name") {
      has_name = true;
      if (auto s = c.string(key, *value)) {
        source.name = *s;
        source.serialized["name"] = *s;
      }
    } else {
      source.serialized[key] = source_field(c, key, *value);
    }
  }
  require_name(c, has_name, "kumo.make_egress_source");
  return finish(c, source);
}

const std::vector<std::string_view>& egress_source_keys() { return k_source_fields; }

nlohmann::json egress_pool_to_kumo_json(const EgressPool& pool) {
  nlohmann::json entries = nlohmann::json::array();
  for (const auto& e : pool.entries) {
    entries.push_back({{"name", e.name}, {"weight", e.weight}});
  }
  return {{"name", pool.name}, {"entries", entries}, {"ttl", values::format_humantime(pool.ttl)}};
}

}  // namespace kumo::config
