#include "core/lua/rust_args.hpp"

#include <cmath>

#include "core/util/utf8.hpp"

namespace kumo::lua {

namespace {

// mlua's Value::type_name (integers and floats are told apart).
const char* value_type(lua_State* L, int index) {
  switch (lua_type(L, index)) {
    case LUA_TBOOLEAN: return "boolean";
    case LUA_TLIGHTUSERDATA: return "lightuserdata";
    case LUA_TNUMBER: return lua_isinteger(L, index) ? "integer" : "number";
    case LUA_TSTRING: return "string";
    case LUA_TTABLE: return "table";
    case LUA_TFUNCTION: return "function";
    case LUA_TTHREAD: return "thread";
    case LUA_TUSERDATA: return "userdata";
    default: return "nil";  // nil, or an argument not passed
  }
}

std::string conversion_error(const char* from, const char* to, const std::string& message) {
  return std::string("error converting Lua ") + from + " to " + to + " (" + message + ")";
}

// The text of a string or number argument (numbers converted in place).
std::optional<std::string_view> coerce_string(lua_State* L, int index) {
  int type = lua_type(L, index);
  if (type != LUA_TSTRING && type != LUA_TNUMBER) {
    return std::nullopt;
  }
  std::size_t len = 0;
  const char* s = lua_tolstring(L, index, &len);
  return std::string_view(s, len);
}

// num-traits' float to usize: in range when greater than -1 and below 2^64
// (NaN never is), then truncated.
std::optional<std::size_t> float_to_usize(double f) {
  if (!(f > -1.0 && f < 18446744073709551616.0)) {
    return std::nullopt;
  }
  return static_cast<std::size_t>(f);
}

}  // namespace

void raise_rust_error(lua_State* L, const std::string& message) {
  lua_pushlstring(L, message.data(), message.size());
  lua_error(L);
  throw std::logic_error("unreachable: lua_error returned");
}

void bad_argument(lua_State* L, ArgSite site, const std::string& cause) {
  std::string message = "bad argument #" + std::to_string(site.index);
  if (site.method != nullptr) {
    message += std::string(" to `") + site.method + "`";
  }
  message += ": " + cause;
  raise_rust_error(L, message);
}

std::string_view rust_string(lua_State* L, ArgSite site) {
  const char* type = value_type(L, site.index);
  auto text = coerce_string(L, site.index);
  if (!text) {
    bad_argument(L, site, conversion_error(type, "String", "expected string or number"));
  }
  charge_steps(L, 1 + text->size() / 64);  // the UTF-8 check reads every byte
  if (auto e = util::find_utf8_error(*text)) {
    bad_argument(L, site, conversion_error("string", "String", util::describe(*e)));
  }
  return *text;
}

std::string_view rust_bytes(lua_State* L, ArgSite site) {
  const char* type = value_type(L, site.index);
  auto text = coerce_string(L, site.index);
  if (!text) {
    bad_argument(L, site, conversion_error(type, "string", "expected string or number"));
  }
  return *text;
}

std::size_t rust_usize(lua_State* L, ArgSite site) {
  const int index = site.index;
  const char* type = value_type(L, index);
  auto out_of_range = [&](const char* from) { bad_argument(L, site, conversion_error(from, "usize", "out of range")); };
  if (lua_type(L, index) == LUA_TNUMBER) {
    int integral = 0;
    lua_Integer i = lua_tointegerx(L, index, &integral);
    if (integral) {
      if (i < 0) {
        out_of_range("integer");
      }
      return static_cast<std::size_t>(i);
    }
    if (auto v = float_to_usize(lua_tonumber(L, index))) {
      return *v;
    }
    out_of_range("number");
  }
  if (lua_type(L, index) == LUA_TSTRING) {
    int ok = 0;
    lua_Integer i = lua_tointegerx(L, index, &ok);
    if (ok) {
      if (i < 0) {
        out_of_range("string");
      }
      return static_cast<std::size_t>(i);
    }
    lua_Number f = lua_tonumberx(L, index, &ok);
    if (ok) {
      if (auto v = float_to_usize(f)) {
        return *v;
      }
      out_of_range("string");
    }
  }
  bad_argument(L, site, conversion_error(type, "usize", "expected number or string coercible to number"));
}

std::optional<std::size_t> rust_optional_usize(lua_State* L, ArgSite site) {
  if (lua_isnoneornil(L, site.index)) {
    return std::nullopt;
  }
  return rust_usize(L, site);
}

void* rust_self(lua_State* L, const char* metatable, const char* type_name, const char* method) {
  std::string name = std::string(type_name) + "." + method;
  auto bad_self = [&](const std::string& cause) {
    raise_rust_error(L, "bad argument `self` to `" + name + "`: " + cause);
  };
  if (lua_gettop(L) == 0) {
    bad_self("error converting Lua missing argument to userdata");
  }
  if (void* p = luaL_testudata(L, 1, metatable)) {
    return p;
  }
  if (lua_type(L, 1) == LUA_TUSERDATA) {
    bad_self("userdata is not expected type");
  }
  bad_self(std::string("error converting Lua ") + lua_typename(L, lua_type(L, 1)) +
           " to userdata (expected userdata of type '" + type_name + "')");
  throw std::logic_error("unreachable: raise_rust_error returned");
}

}  // namespace kumo::lua
