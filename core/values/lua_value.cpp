#include "core/values/lua_value.hpp"

namespace kumo::lua {

const char* kind_name(Value::Kind kind) {
  switch (kind) {
    case Value::Kind::nil: return "nil";
    case Value::Kind::null: return "null";
    case Value::Kind::boolean: return "boolean";
    case Value::Kind::integer: return "integer";
    case Value::Kind::floating: return "float";
    case Value::Kind::string: return "string";
    case Value::Kind::table: return "table";
    case Value::Kind::function: return "function";
    case Value::Kind::userdata: return "userdata";
    case Value::Kind::thread: return "thread";
    case Value::Kind::recursive_table: return "table";
  }
  return "value";
}

}  // namespace kumo::lua
