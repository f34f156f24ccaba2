// KumoMTA's own error wording, as serde and mlua produce it, so that a
// diagnostic can quote exactly what kumod would log (its `detail`).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/values/lua_value.hpp"

namespace kumo::config {

// serde's description of an unexpected value: "integer `5`",
// "floating point `1.5`", "string \"x\"", "boolean `true`", "map",
// "sequence", "Option value", "byte array".
std::string serde_unexpected(const lua::Value& v);

// "invalid type: <unexpected>, expected <expected>".
std::string serde_invalid_type(const lua::Value& v, std::string_view expected);

// serde's OneOf list: "`a`", "`a` or `b`", "one of `a`, `b`, `c`".
std::string serde_one_of(const std::vector<std::string_view>& names);

// A float as Rust's Display prints it: shortest round-trip, never an
// exponent ("1000", "0.5", "inf", "NaN").
std::string rust_float(double value);

// What a user would call the value's type, for our own messages: "a boolean
// (true)", "an integer (5)", "a float (1.5)", "a string (\"x\")", "a table".
std::string describe_value(const lua::Value& v);

// True when serde would read `t` as a sequence rather than a map: a raw
// length > 0 or mlua's array mark.
bool is_sequence(const lua::Table& t);

}  // namespace kumo::config
