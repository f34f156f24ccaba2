// Bounded replacements for the string and table library functions whose
// running time the policy controls (pattern matching, string.rep,
// table.move/insert/remove/concat/sort): the same results as Lua 5.4's
// own, with their work counted by charge_steps.
#pragma once

#include <lua.hpp>

namespace kumo::lua {

// Replaces those functions in the tables at the absolute stack indices
// `string_table` and `table_table`.
void install_bounded_functions(lua_State* L, int string_table, int table_table);

}  // namespace kumo::lua
