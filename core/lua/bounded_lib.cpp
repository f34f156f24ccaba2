#include "core/lua/bounded_lib.hpp"

namespace kumo::lua {

// Placeholder until the bounded library lands: the originals stay.
void install_bounded_functions(lua_State*, int, int) {}

}  // namespace kumo::lua
