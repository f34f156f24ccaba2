// Arguments as KumoMTA's Rust functions receive them through mlua 0.11:
// the same coercions (a number where a string is expected becomes its Lua
// text; a string where an integer is expected is converted by Lua's rules)
// and the same "bad argument" text when a conversion fails, so a policy
// that passes the wrong thing sees the error kumod would raise.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/lua/bridge.hpp"

namespace kumo::lua {

// A byte range [start, end) of a string, as Rust's match and find methods
// return them.
struct Span {
  std::size_t start = 0, end = 0;
};

// [-0, +1, m] Pushes `text` (any bytes) as a Lua string.
inline void push_text(lua_State* L, std::string_view text) { lua_pushlstring(L, text.data(), text.size()); }

// Where an argument sits: its stack index (mlua counts from 1, self
// included) and, for a method, "Type.method" (mlua names methods in its
// messages, never plain functions).
struct ArgSite {
  int index;
  const char* method = nullptr;
};

// [-0, +0, v] Raises `message` as KumoMTA's Rust functions fail: the text
// alone, with no "chunk:line:" in front (luaL_error would add the caller's
// position; mlua adds none).
[[noreturn]] void raise_rust_error(lua_State* L, const std::string& message);

// [-0, +0, v] Raises mlua's BadArgument text for the argument at `site`.
[[noreturn]] void bad_argument(lua_State* L, ArgSite site, const std::string& cause);

// [-0, +0, v] A Rust String: a Lua string that is valid UTF-8, or a number
// (as Lua writes it; the argument's slot then holds that text).
std::string_view rust_string(lua_State* L, ArgSite site);

// [-0, +0, v] An mlua::String: any bytes, or a number as text.
std::string_view rust_bytes(lua_State* L, ArgSite site);

// [-0, +0, v] A usize: an integer (or integral float) from 0 up, a float
// truncated toward zero, or a string Lua converts to one of those.
std::size_t rust_usize(lua_State* L, ArgSite site);

// [-0, +0, v] An Option<usize>: nil (or nothing) is none.
std::optional<std::size_t> rust_optional_usize(lua_State* L, ArgSite site);

// [-0, +0, v] The userdata `self` of a method of the Rust type `type_name`
// whose metatable is registered as `metatable`; raises mlua's text when a
// method is called with `.` instead of `:` or on another value.
void* rust_self(lua_State* L, const char* metatable, const char* type_name, const char* method);

}  // namespace kumo::lua
