#include "core/config/egress.hpp"

#include <arpa/inet.h>

#include <limits>

#include "core/config/converter.hpp"
#include "core/config/serde_text.hpp"

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

const std::vector<std::string_view> k_source_fields = {
    "name", "ehlo_domain", "source_address", "remote_port", "ha_proxy_server", "ha_proxy_source_address",
    "socks5_proxy_server", "socks5_proxy_source_address", "socks5_proxy_username", "socks5_proxy_password",
    "suspend_when_unplumbed", "suspend_when_proxy_unhealthy", "ttl"};

bool is_ip(const std::string& s) {
  unsigned char buf[16];
  return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

// Checks one optional field; returns its serialized value (null when unset
// or rejected).
nlohmann::json source_field(Converter& c, const std::string& field, const Value& v) {
  if (v.kind == K::null) {
    return nullptr;  // every field but name and ttl is optional
  }
  if (field == "source_address" || field == "ha_proxy_source_address" || field == "socks5_proxy_source_address") {
    auto s = c.string(field, v);
    if (s && !is_ip(*s)) {
      c.reject(Code::wrong_type, field, field + ": " + *s + " is not an IP address (no port, no brackets)",
               "invalid IP address syntax");
    }
    return s ? nlohmann::json(*s) : nlohmann::json(nullptr);
  }
  if (field == "remote_port") {
    auto port = c.unsigned_integer(field, v, 65535, "u16");
    return port ? nlohmann::json(*port) : nlohmann::json(nullptr);
  }
  if (field == "ttl") {
    auto d = c.duration(field, v);
    return values::format_humantime(d.value_or(values::Duration{60, 0}));
  }
  if (field == "socks5_proxy_password" || field == "suspend_when_unplumbed" ||
      field == "suspend_when_proxy_unhealthy") {
    if (v.kind != K::table && !(field == "socks5_proxy_password" && v.kind == K::string)) {
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

nlohmann::json egress_pool_to_kumo_json(const EgressPool& pool) {
  nlohmann::json entries = nlohmann::json::array();
  for (const auto& e : pool.entries) {
    entries.push_back({{"name", e.name}, {"weight", e.weight}});
  }
  return {{"name", pool.name}, {"entries", entries}, {"ttl", values::format_humantime(pool.ttl)}};
}

}  // namespace kumo::config
