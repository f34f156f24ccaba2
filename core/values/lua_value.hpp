// A Lua value copied out of the interpreter into plain C++, so that code
// outside core/lua never touches a lua_State. Tables keep what serde needs
// to decide "sequence or map": the raw length and the array metatable mark.
// It lives in core/values, which core/lua and core/config both depend on,
// because both own it: core/lua makes these values, core/config reads them.
// Still namespace kumo::lua: it is the model of a Lua value, and its users
// (every conversion) know it as lua::Value. No Lua header here.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace kumo::lua {

struct Table;

struct Value {
  enum class Kind {
    nil,
    null,  // kumo's JSON null sentinel (light userdata NULL)
    boolean,
    integer,
    floating,  // a float (Lua's number subtype; integers are `integer`)
    string,
    table,
    function,
    userdata,  // a foreign userdata; kumo objects are materialized as tables
    thread,    // a coroutine
    // A table serde refuses: one that holds itself, or nests deeper than
    // the reader follows. Its contents are not read.
    recursive_table,
  };

  Kind kind = Kind::nil;
  bool boolean = false;
  std::int64_t integer = 0;
  double number = 0;
  std::string string;  // bytes, not necessarily UTF-8
  std::shared_ptr<const Table> table;
  std::string object_type;
  // A kumo object kept by value where kumod keeps it (a DomainMap inside a
  // memoized value); opaque outside core/lua.
  std::shared_ptr<const void> native;  // for userdata and materialized kumo objects, e.g. "QueueConfig"

  static Value make_string(std::string s) {
    Value v;
    v.kind = Kind::string;
    v.string = std::move(s);
    return v;
  }
  static Value make_integer(std::int64_t i) {
    Value v;
    v.kind = Kind::integer;
    v.integer = i;
    return v;
  }
  bool is_nil() const { return kind == Kind::nil; }
};

struct TableEntry {
  Value key;
  Value value;
};

struct Table {
  // Every non-nil entry, ordered: integer keys ascending, then strings
  // bytewise, then anything else by kind. Never Lua's own pairs() order.
  std::vector<TableEntry> entries;
  // lua_rawlen: > 0 makes serde read the table as a sequence of 1..n.
  std::int64_t raw_length = 0;
  // Carries mlua's array metatable (tables made by kumo.json_parse and
  // friends): a sequence even when empty.
  bool array_marked = false;

  // The value under string key `name`, or nullptr.
  const Value* find(std::string_view name) const {
    for (const auto& e : entries) {
      if (e.key.kind == Value::Kind::string && e.key.string == name) {
        return &e.value;
      }
    }
    return nullptr;
  }
  // The value under integer key `i`, or nullptr.
  const Value* at(std::int64_t i) const {
    // Integer keys sort first, so in a sequence key i sits at i - 1: walking
    // a long list 1..n stays linear instead of quadratic.
    if (i >= 1 && static_cast<std::uint64_t>(i) <= entries.size()) {
      const auto& e = entries[static_cast<std::size_t>(i - 1)];
      if (e.key.kind == Value::Kind::integer && e.key.integer == i) {
        return &e.value;
      }
    }
    for (const auto& e : entries) {
      if (e.key.kind == Value::Kind::integer && e.key.integer == i) {
        return &e.value;
      }
    }
    return nullptr;
  }
};

// "nil", "boolean", "integer", "float", "string", "table", ... as a Lua user
// would call it.
const char* kind_name(Value::Kind kind);

}  // namespace kumo::lua
