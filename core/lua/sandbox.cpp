// The policy's standard library: an allow-list over Lua's own libraries.
// Output never reaches kumo-lint's stdout; loading is text-only; commands,
// file writes and C modules are refused with a diagnostic at the call.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/lua/bridge.hpp"

namespace kumo::lua {

namespace {

void record_log(lua_State* L, const char* level, std::string text) {
  auto& st = state_of(L);
  st.logs.push_back({current_location(L).value_or(diag::Location{}), level, std::move(text)});
}

// [-0, +0, e] The arguments joined the way print joins them.
std::string joined_arguments(lua_State* L, const char* separator) {
  std::string out;
  int n = lua_gettop(L);
  for (int i = 1; i <= n; ++i) {
    std::size_t len = 0;
    const char* s = luaL_tolstring(L, i, &len);  // may call __tostring, which may raise: fine here
    if (i > 1) {
      out += separator;
    }
    out.append(s, len);
    lua_pop(L, 1);
  }
  return out;
}

int captured_print(lua_State* L) {
  record_log(L, "print", joined_arguments(L, "\t"));
  return 0;
}

int captured_io_write(lua_State* L) {
  std::string out;
  int n = lua_gettop(L);
  for (int i = 1; i <= n; ++i) {
    std::size_t len = 0;
    const char* s = luaL_checklstring(L, i, &len);
    out.append(s, len);
  }
  record_log(L, "print", out);
  return 0;
}

// A function the sandbox refuses; its upvalue names it and says why.
int blocked(lua_State* L) {
  std::string what = lua_tostring(L, lua_upvalueindex(1));
  raise_pending(L, diag::Code::sandbox_blocked, what + " is blocked by kumo-lint's sandbox: " +
                                                    lua_tostring(L, lua_upvalueindex(2)));
}

void block(lua_State* L, const char* table, const char* name, const char* why) {
  lua_getglobal(L, table);
  std::string qualified = std::string(table) + "." + name;
  lua_pushstring(L, qualified.c_str());
  lua_pushstring(L, why);
  lua_pushcclosure(L, blocked, 2);
  lua_setfield(L, -2, name);
  lua_pop(L, 1);
}

// load/loadfile with the mode forced to text: Lua does not verify binary
// chunks, and crafted bytecode can crash the interpreter.
int text_only_load(lua_State* L) {
  int n = lua_gettop(L);
  if (n < 3) {
    lua_settop(L, 3);
  }
  lua_pushstring(L, "t");
  lua_replace(L, 3);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, std::max(n, 3), LUA_MULTRET);
  return lua_gettop(L);
}

int text_only_loadfile(lua_State* L) {
  int n = lua_gettop(L);
  if (n < 2) {
    lua_settop(L, 2);
  }
  lua_pushstring(L, "t");
  lua_replace(L, 2);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, std::max(n, 2), LUA_MULTRET);
  return lua_gettop(L);
}

int text_only_dofile(lua_State* L) {
  const char* name = luaL_optstring(L, 1, nullptr);
  lua_settop(L, 1);
  if (luaL_loadfilex(L, name, "t") != LUA_OK) {
    return lua_error(L);
  }
  lua_call(L, 0, LUA_MULTRET);
  return lua_gettop(L) - 1;
}

void wrap_with_original(lua_State* L, const char* name, lua_CFunction wrapper) {
  lua_getglobal(L, name);
  lua_pushcclosure(L, wrapper, 1);
  lua_setglobal(L, name);
}

void restrict_package(lua_State* L) {
  auto& st = state_of(L);
  std::string path = st.policy_dir + "/?.lua;" + st.policy_dir + "/?/init.lua";
  for (const auto& dir : st.options.lua_path) {
    path += ";" + dir + "/?.lua;" + dir + "/?/init.lua";
  }
  lua_getglobal(L, "package");
  lua_pushstring(L, path.c_str());
  lua_setfield(L, -2, "path");
  lua_pushstring(L, "");
  lua_setfield(L, -2, "cpath");
  // Keep only the preload and Lua-source searchers: no C modules.
  lua_getfield(L, -1, "searchers");
  lua_pushnil(L);
  lua_rawseti(L, -2, 4);
  lua_pushnil(L);
  lua_rawseti(L, -2, 3);
  lua_pop(L, 1);
  lua_pop(L, 1);
  block(L, "package", "loadlib", "policies cannot load C libraries");
}

// io.open for reading only; policies read their own data files.
int read_only_open(lua_State* L) {
  const char* name = luaL_checkstring(L, 1);
  std::string mode = luaL_optstring(L, 2, "r");
  if (mode != "r" && mode != "rb") {
    raise_pending(L, diag::Code::sandbox_blocked,
                  "io.open(\"" + std::string(name) + "\", \"" + mode +
                      "\") is blocked by kumo-lint's sandbox: policies may only open files for reading");
  }
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_pushstring(L, name);
  lua_pushstring(L, mode.c_str());
  lua_call(L, 2, LUA_MULTRET);
  return lua_gettop(L) - 2;
}

void restrict_io(lua_State* L) {
  lua_getglobal(L, "io");
  lua_getfield(L, -1, "open");
  lua_pushcclosure(L, read_only_open, 1);
  lua_setfield(L, -2, "open");
  lua_pushcfunction(L, captured_io_write);
  lua_setfield(L, -2, "write");
  lua_pop(L, 1);
  const char* no_process = "policies cannot run commands";
  block(L, "io", "popen", no_process);
  block(L, "io", "output", "policy output is captured, not written to files");
  block(L, "io", "tmpfile", "policies cannot create files");
  block(L, "io", "read", "standard input belongs to kumo-lint (it may carry --queues-file -)");
  block(L, "io", "input", "standard input belongs to kumo-lint; use io.open(path):read() instead");
}

void restrict_os(lua_State* L) {
  block(L, "os", "execute", "policies cannot run commands");
  block(L, "os", "exit", "policies cannot end kumo-lint");
  block(L, "os", "remove", "policies cannot delete files");
  block(L, "os", "rename", "policies cannot rename files");
  block(L, "os", "tmpname", "policies cannot create files");
  block(L, "os", "setlocale", "a locale change would alter kumo-lint's own number formatting");
}

void restrict_debug(lua_State* L) {
  // Only traceback and getinfo: the rest could remove the instruction
  // budget hook or reach into kumo-lint's own upvalues.
  lua_getglobal(L, "debug");
  lua_newtable(L);
  lua_getfield(L, -2, "traceback");
  lua_setfield(L, -2, "traceback");
  lua_getfield(L, -2, "getinfo");
  lua_setfield(L, -2, "getinfo");
  lua_setglobal(L, "debug");
  lua_pop(L, 1);
}

}  // namespace

void open_sandbox(lua_State* L) {
  luaL_openlibs(L);
  lua_pushcfunction(L, captured_print);
  lua_setglobal(L, "print");
  wrap_with_original(L, "load", text_only_load);
  wrap_with_original(L, "loadfile", text_only_loadfile);
  lua_pushcfunction(L, text_only_dofile);
  lua_setglobal(L, "dofile");
  restrict_package(L);
  restrict_io(L);
  restrict_os(L);
  restrict_debug(L);
}

}  // namespace kumo::lua
