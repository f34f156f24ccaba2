// Building the value model (what the bridge copies out of Lua) by hand, for
// the tests of the converters and data-file checkers.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/values/lua_value.hpp"

namespace kumo::test {

inline lua::Value str(std::string s) { return lua::Value::make_string(std::move(s)); }

inline lua::Value integer(std::int64_t i) { return lua::Value::make_integer(i); }

// A Lua float.
inline lua::Value number(double d) {
  lua::Value v;
  v.kind = lua::Value::Kind::floating;
  v.number = d;
  return v;
}

inline lua::Value boolean(bool b) {
  lua::Value v;
  v.kind = lua::Value::Kind::boolean;
  v.boolean = b;
  return v;
}

// kumo.json_null.
inline lua::Value null() {
  lua::Value v;
  v.kind = lua::Value::Kind::null;
  return v;
}

// A Lua table with string keys (a map) in the given order.
inline lua::Value map(std::vector<std::pair<std::string, lua::Value>> entries) {
  auto t = std::make_shared<lua::Table>();
  for (auto& [k, v] : entries) {
    t->entries.push_back({str(k), v});
  }
  lua::Value v;
  v.kind = lua::Value::Kind::table;
  v.table = t;
  return v;
}

// A Lua sequence {a, b, ...}; `marked` as if made by kumo.json_parse.
inline lua::Value list(std::vector<lua::Value> items, bool marked = false) {
  auto t = std::make_shared<lua::Table>();
  std::int64_t i = 1;
  for (auto& item : items) {
    t->entries.push_back({integer(i++), item});
  }
  t->raw_length = static_cast<std::int64_t>(items.size());
  t->array_marked = marked;
  lua::Value v;
  v.kind = lua::Value::Kind::table;
  v.table = t;
  return v;
}

// The codes of a result's findings, in order.
template <class Result>
std::vector<std::string> codes(const Result& r) {
  std::vector<std::string> out;
  for (const auto& d : r.findings) {
    out.push_back(d.code);
  }
  return out;
}

}  // namespace kumo::test
