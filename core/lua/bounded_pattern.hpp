// Internal to core/lua: Lua 5.4's pattern-matching functions, with the
// matcher's work charged as steps (step_meter.hpp). Installed by
// install_bounded_functions (bounded_lib.cpp) in place of the originals.
#pragma once

#include <lua.hpp>

#include <cstddef>

namespace kumo::lua {

// Same arguments, results and error messages as Lua 5.4.4's string.find,
// string.match, string.gmatch and string.gsub.
int bounded_find(lua_State* L);
int bounded_match(lua_State* L);
int bounded_gmatch(lua_State* L);
int bounded_gsub(lua_State* L);

// lstrlib.c's posrelatI: a start position (negative counts back from the
// end), clipped to [1, inf).
std::size_t start_position(lua_Integer pos, std::size_t len);

}  // namespace kumo::lua
