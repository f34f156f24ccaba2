// Converter: the serde rules every field conversion shares (queue config,
// protocol, egress tables): reading a Lua value as a Rust type, rejecting
// it in serde's words, and the struct-table walk with unknown keys.
#include "core/config/converter.hpp"

#include <cmath>
#include <limits>

#include "core/config/serde_text.hpp"
#include "core/util/text.hpp"

namespace kumo::config {

using diag::Code;
using lua::Value;
using K = lua::Value::Kind;

void Converter::reject(Code code, std::string key, std::string message, std::string kumo_detail) {
  diag::Diagnostic d = diag::make_diagnostic(code, std::move(message), {});
  d.key = std::move(key);
  if (!failed) {
    kumo_error = kumo_detail;
  }
  failed = true;
  d.detail = std::move(kumo_detail);
  findings.push_back(std::move(d));
}

void Converter::flag(Code code, std::string key, std::string message) {
  diag::Diagnostic d = diag::make_diagnostic(code, std::move(message), {});
  d.key = std::move(key);
  findings.push_back(std::move(d));
}

void Converter::wrong_type(const std::string& key, const Value& v, std::string_view expected_ours,
                           std::string_view expected_serde) {
  reject(Code::wrong_type, key, key + ": expected " + std::string(expected_ours) + ", got " + describe_value(v),
         serde_invalid_type(v, expected_serde));
}

bool Converter::reject_unsupported(const std::string& key, const Value& v) {
  if (v.kind == K::function || v.kind == K::thread || v.kind == K::recursive_table ||
      (v.kind == K::userdata && v.object_type.empty())) {
    reject(Code::unsupported_value, key, key + ": " + describe_value(v) + " cannot be part of a config",
           v.kind == K::recursive_table ? std::string("recursive table detected")
                                        : std::string("unsupported value type `") + kind_name(v.kind) + "`");
    return true;
  }
  return false;
}

std::optional<values::Duration> Converter::duration(const std::string& key, const Value& v) {
  if (reject_unsupported(key, v)) {
    return std::nullopt;
  }
  util::Expected<values::Duration, values::ValueError> parsed = values::Duration{};
  switch (v.kind) {
    case K::integer: parsed = values::duration_from_integer(v.integer); break;
    case K::floating: parsed = values::duration_from_float(v.number); break;
    case K::string: parsed = values::duration_from_string(v.string); break;
    default: wrong_type(key, v, "a duration such as \"20m\" or a number of seconds", "a duration"); return std::nullopt;
  }
  if (!parsed) {
    const auto& e = parsed.error();
    reject(e.crashes_kumod ? Code::duration_crashes_kumod : Code::invalid_duration, key, key + ": " + e.message,
           e.kumo_message);
    return std::nullopt;
  }
  return *parsed;
}

std::optional<std::string> Converter::string(const std::string& key, const Value& v) {
  if (reject_unsupported(key, v)) {
    return std::nullopt;
  }
  if (v.kind != K::string || serde_unexpected(v) == "byte array") {
    wrong_type(key, v, "a string", "a string");
    return std::nullopt;
  }
  return v.string;
}

std::optional<std::uint64_t> Converter::unsigned_integer(const std::string& key, const Value& v, std::uint64_t max,
                                                         std::string_view rust_type) {
  if (reject_unsupported(key, v)) {
    return std::nullopt;
  }
  if (v.kind == K::integer && v.integer >= 0 && static_cast<std::uint64_t>(v.integer) <= max) {
    return static_cast<std::uint64_t>(v.integer);
  }
  std::string ours = "a whole number from 0 to " + std::to_string(max);
  if (v.kind == K::floating) {
    ours += " written as a Lua integer (" + rust_float(std::trunc(v.number)) +
            ", not a float; use math.tointeger or // instead of /)";
  }
  if (v.kind == K::integer) {
    reject(Code::wrong_type, key, key + ": " + std::to_string(v.integer) + " is out of range; expected " + ours,
           "invalid value: integer `" + std::to_string(v.integer) + "`, expected " + std::string(rust_type));
    return std::nullopt;
  }
  wrong_type(key, v, ours, rust_type);
  return std::nullopt;
}

std::optional<bool> Converter::boolean(const std::string& key, const Value& v) {
  if (reject_unsupported(key, v)) {
    return std::nullopt;
  }
  if (v.kind != K::boolean) {
    wrong_type(key, v, "true or false", "a boolean");
    return std::nullopt;
  }
  return v.boolean;
}

std::optional<std::size_t> Converter::variant(const std::string& key, const Value& v,
                                              const std::vector<std::string_view>& names) {
  if (reject_unsupported(key, v)) {
    return std::nullopt;
  }
  if (v.kind == K::string) {
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (v.string == names[i]) {
        return i;
      }
    }
    std::string message =
        key + ": unknown value " + util::quoted(v.string) + "; expected " + util::join(names, ", ", "\"");
    if (auto near = util::closest_match(v.string, names)) {
      message += "; did you mean " + util::quoted(*near) + "? (values are case-sensitive)";
    }
    reject(Code::unknown_variant, key, message, "unknown variant `" + v.string + "`, expected " + serde_one_of(names));
    return std::nullopt;
  }
  std::string detail = "bad enum value";
  if (v.kind == K::table) {
    detail = "invalid type: newtype variant, expected unit variant";
  } else if (v.kind == K::null) {
    detail = serde_invalid_type(v, "a string");
  }
  reject(Code::wrong_type, key,
         key + ": expected one of " + util::join(names, ", ", "\"") + " (a string), got " + describe_value(v), detail);
  return std::nullopt;
}

std::vector<std::pair<std::string, const Value*>> Converter::fields(const std::string& where, const lua::Table& t,
                                                                    const std::vector<std::string_view>& known,
                                                                    bool deny_unknown) {
  std::vector<std::pair<std::string, const Value*>> out;
  for (const auto& e : t.entries) {
    if (e.key.kind != K::string) {
      std::string key_text = e.key.kind == K::integer ? "[" + std::to_string(e.key.integer) + "]"
                                                      : std::string("[") + kind_name(e.key.kind) + "]";
      reject(Code::non_string_key, where.empty() ? key_text : where + key_text,
             (where.empty() ? std::string("the config table") : where) + " has " +
                 (e.key.kind == K::integer ? "an " : "a ") + kind_name(e.key.kind) + " key " + key_text +
                 "; only name = value pairs are allowed (did you write a list where a table of keys belongs?)",
             "invalid type: " + serde_unexpected(e.key) + ", expected field identifier");
      continue;
    }
    const std::string& name = e.key.string;
    std::string path = where.empty() ? name : where + "." + name;
    bool is_known = false;
    for (auto k : known) {
      is_known = is_known || k == name;
    }
    if (!is_known) {
      std::string message = "unknown key " + util::quoted(name);
      if (!where.empty()) {
        message += " in " + where;
      }
      if (auto near = util::closest_match(name, known)) {
        message += "; did you mean " + util::quoted(*near) + "?";
      } else {
        message += "; known keys: " + util::join(known, ", ");
      }
      if (deny_unknown) {
        reject(Code::unknown_key, path, message, "unknown field `" + name + "`, expected " + serde_one_of(known));
      } else {
        flag(Code::ignored_key, path, message + " (KumoMTA silently ignores it)");
      }
      continue;
    }
    out.emplace_back(path, &e.value);
  }
  return out;
}

}  // namespace kumo::config
