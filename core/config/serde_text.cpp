#include "core/config/serde_text.hpp"

#include <charconv>
#include <cmath>

#include "core/util/text.hpp"

namespace kumo::config {

bool is_sequence(const lua::Table& t) { return t.raw_length > 0 || t.array_marked; }

std::string rust_float(double value) {
  if (std::isnan(value)) {
    return "NaN";
  }
  if (std::isinf(value)) {
    return value < 0 ? "-inf" : "inf";
  }
  char buf[400];
  auto res = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed);
  return std::string(buf, res.ptr);
}

// serde prints floats in "invalid type" messages with a decimal point.
static std::string float_with_point(double value) {
  std::string s = rust_float(value);
  if (std::isfinite(value) && s.find('.') == std::string::npos) {
    s += ".0";
  }
  return s;
}

std::string serde_unexpected(const lua::Value& v) {
  using K = lua::Value::Kind;
  switch (v.kind) {
    case K::nil:
    case K::null: return "Option value";
    case K::boolean: return std::string("boolean `") + (v.boolean ? "true" : "false") + "`";
    case K::integer: return "integer `" + std::to_string(v.integer) + "`";
    case K::floating: return "floating point `" + float_with_point(v.number) + "`";
    case K::string:
      if (!util::is_valid_utf8(v.string)) {
        return "byte array";
      }
      return "string " + util::rust_debug_quote(v.string);
    case K::table: return is_sequence(*v.table) ? "sequence" : "map";
    case K::function:
    case K::userdata:
    case K::thread:
    case K::recursive_table: return kind_name(v.kind);
  }
  return "value";
}

std::string serde_invalid_type(const lua::Value& v, std::string_view expected) {
  return "invalid type: " + serde_unexpected(v) + ", expected " + std::string(expected);
}

std::string serde_one_of(const std::vector<std::string_view>& names) {
  if (names.size() == 1) {
    return "`" + std::string(names[0]) + "`";
  }
  if (names.size() == 2) {
    return "`" + std::string(names[0]) + "` or `" + std::string(names[1]) + "`";
  }
  return "one of " + util::join(names, ", ", "`");
}

std::string describe_value(const lua::Value& v) {
  using K = lua::Value::Kind;
  switch (v.kind) {
    case K::nil: return "nil";
    case K::null: return "the null sentinel";
    case K::boolean: return std::string("a boolean (") + (v.boolean ? "true" : "false") + ")";
    case K::integer: return "an integer (" + std::to_string(v.integer) + ")";
    case K::floating: return "a float (" + rust_float(v.number) + ")";
    case K::string: return "a string (" + util::quoted(v.string) + ")";
    case K::table: return is_sequence(*v.table) ? "a list table" : "a table";
    case K::function: return "a function";
    case K::userdata: return v.object_type.empty() ? "a userdata" : "a " + v.object_type + " object";
    case K::thread: return "a coroutine";
    case K::recursive_table: return "a recursive table";
  }
  return "a value";
}

}  // namespace kumo::config
