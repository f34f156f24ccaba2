// kumo.make_throttle(name, spec): the spec is parsed as kumod parses it and
// explain() is kumod's text; the methods that consult the shared throttle
// counters (throttle, sleep_if_throttled, delay_message_if_throttled) need
// kumod's throttle backend, so they degrade like any outside-world call:
// "not throttled" at the top level, an error inside a handler.
#include "core/lua/kumo_submodules.hpp"
#include "core/lua/rust_args.hpp"
#include "core/values/throttle.hpp"

namespace kumo::lua {

namespace {

constexpr char k_throttle_mt[] = "kumo-lint.UserThrottle";

struct UserThrottle {
  std::string name;  // "lua-user-throttle-" + the policy's name
  values::ThrottleSpec spec;
};

UserThrottle& user_throttle(lua_State* L) { return *static_cast<UserThrottle*>(luaL_checkudata(L, 1, k_throttle_mt)); }

int make_throttle(lua_State* L) {
  std::string name(rust_string(L, ArgSite{1}));
  std::string text(rust_string(L, ArgSite{2}));
  charge_steps(L, text.size() + name.size());
  auto spec = values::parse_throttle(text);
  if (!spec) {
    return luaL_error(L, "%s", spec.error().kumo_message.c_str());
  }
  auto* t = static_cast<UserThrottle*>(lua_newuserdatauv(L, sizeof(UserThrottle), 0));
  new (t) UserThrottle{"lua-user-throttle-" + name, *spec};
  luaL_setmetatable(L, k_throttle_mt);
  return 1;
}

int throttle_explain(lua_State* L) {
  std::string text;
  for (const auto& line : values::explain_throttle_lines(user_throttle(L).spec)) {
    text += (text.empty() ? "" : "\n") + line;
  }
  lua_pushlstring(L, text.data(), text.size());
  return 1;
}

// [-0, +0, e] The degrade rule for a method that needs the backend.
void needs_backend(lua_State* L, const char* method, const char* neutral) {
  degrade_at_top_level(L, OutsideCall{std::string("throttle:") + method + "() of " + user_throttle(L).name,
                                      "needs kumod's throttle counters", neutral, diag::Code::not_modeled, ""});
}

// throttle(): kumod's ThrottleResult, here for a throttle with room left.
int throttle_throttle(lua_State* L) {
  needs_backend(L, "throttle", "a result that is not throttled");
  const auto& spec = user_throttle(L).spec;
  lua_createtable(L, 0, 5);
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "throttled");
  lua_pushinteger(L, static_cast<lua_Integer>(std::min<std::uint64_t>(spec.limit, INT64_MAX)));
  lua_setfield(L, -2, "limit");
  lua_pushinteger(L, static_cast<lua_Integer>(std::min<std::uint64_t>(spec.limit, INT64_MAX)));
  lua_setfield(L, -2, "remaining");
  return 1;
}

template <const char* Method>
int returns_not_throttled(lua_State* L) {
  needs_backend(L, Method, "false (not throttled)");
  lua_pushboolean(L, 0);
  return 1;
}
constexpr char k_sleep[] = "sleep_if_throttled";
constexpr char k_delay[] = "delay_message_if_throttled";

int throttle_gc(lua_State* L) {
  user_throttle(L).~UserThrottle();
  return 0;
}

}  // namespace

void open_kumo_throttle(lua_State* L, int kumo_index) {
  kumo_index = lua_absindex(L, kumo_index);
  luaL_newmetatable(L, k_throttle_mt);
  lua_createtable(L, 0, 4);
  const luaL_Reg methods[] = {{"explain", guarded<throttle_explain>},
                              {"throttle", guarded<throttle_throttle>},
                              {"sleep_if_throttled", guarded<returns_not_throttled<k_sleep>>},
                              {"delay_message_if_throttled", guarded<returns_not_throttled<k_delay>>},
                              {nullptr, nullptr}};
  luaL_setfuncs(L, methods, 0);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, guarded<throttle_gc>);
  lua_setfield(L, -2, "__gc");
  lock_metatable(L);
  lua_pop(L, 1);
  lua_pushcfunction(L, guarded<make_throttle>);
  lua_setfield(L, kumo_index, "make_throttle");
}

}  // namespace kumo::lua
