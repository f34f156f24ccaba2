// The plain Lua value model moved to core/values/lua_value.hpp. This path
// stays only while core/lua/bridge.hpp, being changed on another branch,
// includes it; switch that include and delete this file.
#pragma once

#include "core/values/lua_value.hpp"
