// The seams of the `kumo` module model: kumo_module.cpp builds the module
// and calls each submodule's opener; each submodule (kumo.regex,
// kumo.string, kumo.serde ...) lives in its own file.
#pragma once

#include "core/lua/bridge.hpp"

namespace kumo::lua {

// [-0, +0, -] Locks the metatable on top: getmetatable answers false and
// setmetatable refuses, so a policy can neither call __gc by hand (a use
// after free) nor replace it (a finalizer that loops).
void lock_metatable(lua_State* L);

// [-0, +1, m] A submodule table holding `functions`; indexing a name it
// lacks yields a stand-in that explains itself when called (kumo.dns.x).
void push_module(lua_State* L, const char* name, const luaL_Reg* functions);

// [-0, +0, e] kumo.memoize and kumo.domain_map (kumo_memo.cpp), set on the
// kumo table at `kumo_index`.
void open_kumo_memo(lua_State* L, int kumo_index);

// [-0, +0, e] kumo.time (Time, TimeDelta, timers on kumo-lint's fixed
// clock) and kumo.sleep (kumo_time.cpp), set on the kumo table at `kumo_index`.
void open_kumo_time(lua_State* L, int kumo_index);

// [-0, +1, m] Pushes a memoized (frozen) value as kumod hands it back:
// tables as read-through MemoizedTable objects.
void push_frozen(lua_State* L, const Value& v);

// The frozen value of a MemoizedTable or DomainMap object at `index`
// (read_value materializes them, as kumod does for a userdata with
// __pairs), or nullopt for any other value.
std::optional<Value> memoized_value(lua_State* L, int index);
std::optional<Value> domain_map_value(lua_State* L, int index);
// [-0, +0, m] Sets KumoMTA's serde functions (JSON, TOML, YAML) on the
// kumo table at `kumo_index`, old names included, and builds kumo.serde.
void open_kumo_serde(lua_State* L, int kumo_index);

// [-0, +0, e] kumo.make_throttle (kumo_throttle.cpp).
void open_kumo_throttle(lua_State* L, int kumo_index);

// [-0, +0, e] kumo.secrets (kumo_secrets.cpp).
void open_kumo_secrets(lua_State* L, int kumo_index);

// [-0, +0, m] Each sets its submodule as a field of the kumo table at
// `kumo_index`: kumo.regex (kumo_regex.cpp), kumo.string (kumo_string.cpp),
// kumo.uuid (kumo_uuid.cpp).
void open_kumo_regex(lua_State* L, int kumo_index);
void open_kumo_string(lua_State* L, int kumo_index);
void open_kumo_uuid(lua_State* L, int kumo_index);

}  // namespace kumo::lua
