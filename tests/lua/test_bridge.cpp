// core/lua/bridge.hpp's guarded<>: what reaches Lua from a C++ body that
// throws, or (debug builds) that miscounts its results.
#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>

#include "core/lua/bridge.hpp"

namespace {

int throws_runtime_error(lua_State*) { throw std::runtime_error("table of pools is corrupt"); }

[[maybe_unused]] int claims_three_results(lua_State* L) {
  lua_pushinteger(L, 1);
  return 3;  // one value pushed, no arguments: two of the three are not there
}

int returns_its_argument(lua_State* L) {
  lua_settop(L, 1);
  return 1;
}

// Calls global `f` through `chunk` in a fresh state; the error text, or "" on success.
std::string guarded_call_error(lua_CFunction f, const char* chunk) {
  lua_State* L = luaL_newstate();
  lua_pushcfunction(L, f);
  lua_setglobal(L, "f");
  std::string error;
  if (luaL_dostring(L, chunk) != LUA_OK) {
    error = lua_tostring(L, -1);
  }
  lua_close(L);
  return error;
}

}  // namespace

TEST_CASE("guarded: a C++ exception becomes a Lua error naming an internal error", "[bridge]") {
  CHECK(guarded_call_error(kumo::lua::guarded<throws_runtime_error>, "f()") ==
        "[string \"f()\"]:1: kumo-lint internal error: table of pools is corrupt");
  CHECK(guarded_call_error(kumo::lua::guarded<returns_its_argument>, "if f(7) ~= 7 then error('wrong result') end")
            .empty());
}

TEST_CASE("guarded: more results claimed than left on the stack is an internal error in debug builds", "[bridge]") {
#ifdef NDEBUG
  WARN("skipped: the result count is checked only in debug builds (the sanitizer build runs this)");
#else
  CHECK(guarded_call_error(kumo::lua::guarded<claims_three_results>, "f()") ==
        "[string \"f()\"]:1: kumo-lint internal error: a C function returned 3 results with 1 values on its stack");
#endif
}
