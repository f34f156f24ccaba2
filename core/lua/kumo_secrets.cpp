// kumo.secrets.load(source), with KumoMTA's KeySource forms: a file path
// (read through the sandbox's one path check, so only fixtures under the
// readable directories, never a real secret store), { key_data = ... },
// and Vault or an event, which need the outside world and degrade.
#include "core/lua/kumo_submodules.hpp"
#include "core/util/json.hpp"

namespace kumo::lua {

namespace {

// key_data is serde_bytes: a string, or a list of byte values.
bool push_key_data(lua_State* L, const Value& data) {
  if (data.kind == Value::Kind::string) {
    lua_pushlstring(L, data.string.data(), data.string.size());
    return true;
  }
  if (data.kind != Value::Kind::table) {
    return false;
  }
  std::string bytes;
  for (const auto& e : data.table->entries) {
    if (e.value.kind != Value::Kind::integer || e.value.integer < 0 || e.value.integer > 255) {
      return false;
    }
    bytes.push_back(static_cast<char>(e.value.integer));
  }
  lua_pushlstring(L, bytes.data(), bytes.size());
  return true;
}

int secrets_load(lua_State* L) {
  if (lua_type(L, 1) == LUA_TSTRING) {
    std::string path = checked_path(L, 1, "kumo.secrets.load");
    push_file_contents(L, require_readable(L, path, "kumo.secrets.load"), "kumo.secrets.load");
    return 1;
  }
  HostMemory memory(L);
  Value source = read_value(L, 1, memory);
  if (source.kind == Value::Kind::table) {
    if (const Value* data = source.table->find("key_data"); data != nullptr && push_key_data(L, *data)) {
      return 1;
    }
    if (source.table->find("vault_mount") != nullptr && source.table->find("vault_path") != nullptr) {
      degrade_at_top_level(L, OutsideCall{"kumo.secrets.load (Vault)", "needs HashiCorp Vault", "an empty secret",
                                          diag::Code::not_modeled,
                                          "; give kumo-lint a fixture instead: { key_data = '...' } or a file path"});
      lua_pushliteral(L, "");
      return 1;
    }
    if (source.table->find("event_name") != nullptr) {
      degrade_at_top_level(L, OutsideCall{"kumo.secrets.load (event)", "is not modeled by kumo-lint", "an empty secret",
                                          diag::Code::not_modeled, ""});
      lua_pushliteral(L, "");
      return 1;
    }
  }
  std::string quoted = util::dump_json(value_to_json(source, &memory));
  return luaL_error(L, "data did not match any variant of untagged enum KeySource, while processing %s",
                    quoted.c_str());
}

}  // namespace

void open_kumo_secrets(lua_State* L, int kumo_index) {
  kumo_index = lua_absindex(L, kumo_index);
  const luaL_Reg fns[] = {{"load", guarded<secrets_load>}, {nullptr, nullptr}};
  push_module(L, "kumo.secrets", fns);
  lua_setfield(L, kumo_index, "secrets");
}

}  // namespace kumo::lua
