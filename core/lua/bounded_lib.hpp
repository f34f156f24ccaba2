// Internal to core/lua: the standard library functions whose running time
// the policy controls, replaced by equivalents that count their work
// against --max-instructions and check the --timeout as they go. The
// instruction hook only sees Lua code: one call into Lua's own C library
// (a backtracking pattern, string.rep('', 1e18), table.move over 1e12
// slots) could otherwise run for hours between two hook calls.
#pragma once

#include <lua.hpp>

namespace kumo::lua {

// [-0, +0, m] Replaces, in the library tables at absolute stack indices
// `string_table` and `table_table`, every function listed in
// bounded_lib.cpp's table with its bounded equivalent: same results, same
// errors, same metamethod calls as Lua 5.4.4's. The originals are not kept
// anywhere the policy could reach them.
void install_bounded_functions(lua_State* L, int string_table, int table_table);

}  // namespace kumo::lua
