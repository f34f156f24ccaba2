// The policy's standard library: an allow-list over Lua's own libraries.
// Output never reaches kumo-lint's stdout; loading is text-only; commands,
// file writes and C modules are refused with a diagnostic at the call.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/lua/bounded_lib.hpp"
#include "core/lua/bridge.hpp"

namespace kumo::lua {

namespace {

std::string canonical(const std::string& path) {
  std::error_code ec;
  auto p = std::filesystem::weakly_canonical(std::filesystem::absolute(path, ec), ec);
  return ec ? std::string() : p.string();
}

}  // namespace

void record_log(lua_State* L, const char* level, std::string text) {
  auto& st = state_of(L);
  if (st.logs.size() >= k_max_log_lines) {
    ++st.dropped_logs;
    return;
  }
  if (text.size() > k_max_log_bytes) {
    text.resize(k_max_log_bytes);
    text += "... (cut at " + std::to_string(k_max_log_bytes) + " bytes)";
  }
  st.logs.push_back({current_location(L).value_or(diag::Location{}), level, std::move(text)});
}

bool may_read(const PolicyHost::State& st, const std::string& path) {
  std::string wanted = canonical(path);
  if (wanted.empty()) {
    return false;
  }
  for (const auto& root : st.readable_roots) {
    if (wanted == root || (wanted.size() > root.size() && wanted.compare(0, root.size(), root) == 0 &&
                           (root.back() == '/' || wanted[root.size()] == '/'))) {
      return true;
    }
  }
  return false;
}

void require_readable(lua_State* L, const std::string& path, const char* what) {
  if (!may_read(state_of(L), path)) {
    raise_pending(L, diag::Code::sandbox_blocked,
                  std::string(what) + "(\"" + path +
                      "\") is blocked by kumo-lint's sandbox: policies may read files under their own directory, "
                      "--lua-path and --allow-read only");
  }
}

void set_readable_roots(PolicyHost::State& st) {
  std::vector<std::string> roots = {st.policy_dir};
  roots.insert(roots.end(), st.options.lua_path.begin(), st.options.lua_path.end());
  roots.insert(roots.end(), st.options.allow_read.begin(), st.options.allow_read.end());
  for (const auto& r : roots) {
    std::string c = canonical(r);
    if (!c.empty()) {
      st.readable_roots.push_back(c);
    }
  }
}

namespace {


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

// Calls the original function (upvalue 1) with its arguments, the one at
// `mode_index` forced to "t": Lua does not verify binary chunks, and
// crafted bytecode can crash the interpreter.
int call_with_text_mode(lua_State* L, int mode_index) {
  int n = std::max(lua_gettop(L), mode_index);
  lua_settop(L, n);
  lua_pushstring(L, "t");
  lua_replace(L, mode_index);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, n, LUA_MULTRET);
  return lua_gettop(L);
}

// load(chunk, name, mode, env)
int text_only_load(lua_State* L) { return call_with_text_mode(L, 3); }

// loadfile(name, mode, env), under the readable roots.
int text_only_loadfile(lua_State* L) {
  if (const char* name = lua_tostring(L, 1)) {
    require_readable(L, name, "loadfile");
  }
  return call_with_text_mode(L, 2);
}

int text_only_dofile(lua_State* L) {
  const char* name = luaL_optstring(L, 1, nullptr);
  if (name == nullptr) {
    raise_pending(L, diag::Code::sandbox_blocked,
                  "dofile() without a file name reads standard input, which belongs to kumo-lint");
  }
  require_readable(L, name, "dofile");
  lua_settop(L, 1);
  if (luaL_loadfilex(L, name, "t") != LUA_OK) {
    return lua_error(L);
  }
  lua_call(L, 0, LUA_MULTRET);
  return lua_gettop(L) - 1;
}

// setmetatable without __gc: Lua 5.4 turns debug hooks off while a
// finalizer runs, so a looping __gc could never be stopped by the budget.
int setmetatable_without_gc(lua_State* L) {
  if (lua_type(L, 2) == LUA_TTABLE) {
    lua_pushliteral(L, "__gc");
    bool has_gc = lua_rawget(L, 2) != LUA_TNIL;
    lua_pop(L, 1);
    if (has_gc) {
      raise_pending(L, diag::Code::sandbox_blocked,
                    "setmetatable with a __gc finalizer is blocked by kumo-lint's sandbox: Lua cannot interrupt a "
                    "finalizer, so one could hang the linter");
    }
  }
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 1);
  return 1;
}

void wrap_with_original(lua_State* L, const char* name, lua_CFunction wrapper) {
  lua_getglobal(L, name);
  lua_pushcclosure(L, wrapper, 1);
  lua_setglobal(L, name);
}

// The searcher for Lua modules: the directories fixed at start (policy
// directory, --lua-path), whatever the policy later sets package.path to,
// and text chunks only.
int lua_module_searcher(lua_State* L) {
  const char* name = luaL_checkstring(L, 1);
  lua_pushvalue(L, lua_upvalueindex(2));  // the original package.searchpath
  lua_pushstring(L, name);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_call(L, 2, 2);
  if (lua_isnil(L, -2)) {
    return 1;  // the "no file ..." message
  }
  lua_pop(L, 1);
  const char* file = lua_tostring(L, -1);
  if (luaL_loadfilex(L, file, "t") != LUA_OK) {
    return luaL_error(L, "error loading module '%s' from file '%s':\n\t%s", name, file, lua_tostring(L, -1));
  }
  lua_pushstring(L, file);
  return 2;
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
  // Keep the preload searcher, replace the Lua-source one, drop the C ones.
  lua_getfield(L, -1, "searchers");
  lua_pushnil(L);
  lua_rawseti(L, -2, 4);
  lua_pushnil(L);
  lua_rawseti(L, -2, 3);
  lua_pushstring(L, path.c_str());
  lua_getfield(L, -3, "searchpath");
  lua_pushcclosure(L, lua_module_searcher, 2);
  lua_rawseti(L, -2, 2);
  lua_pop(L, 1);
  lua_pop(L, 1);
  block(L, "package", "loadlib", "policies cannot load C libraries");
}

// io.open for reading only, under the readable roots; policies read their
// own data files.
int read_only_open(lua_State* L) {
  const char* name = luaL_checkstring(L, 1);
  std::string mode = luaL_optstring(L, 2, "r");
  if (mode != "r" && mode != "rb") {
    raise_pending(L, diag::Code::sandbox_blocked,
                  "io.open(\"" + std::string(name) + "\", \"" + mode +
                      "\") is blocked by kumo-lint's sandbox: policies may only open files for reading");
  }
  require_readable(L, name, "io.open");
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_pushstring(L, name);
  lua_pushstring(L, mode.c_str());
  lua_call(L, 2, LUA_MULTRET);
  return lua_gettop(L) - 2;
}

// io.lines(name) reads a file: the same roots as io.open. io.lines() with
// no name would read standard input.
int restricted_lines(lua_State* L) {
  if (lua_isnoneornil(L, 1)) {
    raise_pending(L, diag::Code::sandbox_blocked,
                  "io.lines() without a file name reads standard input, which belongs to kumo-lint");
  }
  require_readable(L, luaL_checkstring(L, 1), "io.lines");
  int n = lua_gettop(L);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, n, LUA_MULTRET);
  return lua_gettop(L);
}

void restrict_io(lua_State* L) {
  lua_getglobal(L, "io");
  lua_getfield(L, -1, "open");
  lua_pushcclosure(L, read_only_open, 1);
  lua_setfield(L, -2, "open");
  lua_pushcfunction(L, captured_io_write);
  lua_setfield(L, -2, "write");
  lua_getfield(L, -1, "lines");
  lua_pushcclosure(L, restricted_lines, 1);
  lua_setfield(L, -2, "lines");
  lua_pop(L, 1);
  const char* no_process = "policies cannot run commands";
  block(L, "io", "popen", no_process);
  block(L, "io", "output", "policy output is captured, not written to files");
  block(L, "io", "tmpfile", "policies cannot create files");
  block(L, "io", "read", "standard input belongs to kumo-lint (it may carry --queues-file -)");
  block(L, "io", "input", "standard input belongs to kumo-lint; use io.open(path):read() instead");
}

// os.getenv: --env KEY=VALUE first, then the real environment.
int sandboxed_getenv(lua_State* L) {
  const char* name = luaL_checkstring(L, 1);
  const auto& env = state_of(L).options.env;
  auto it = env.find(name);
  if (it != env.end()) {
    lua_pushlstring(L, it->second.data(), it->second.size());
    return 1;
  }
  const char* value = std::getenv(name);
  if (value == nullptr) {
    lua_pushnil(L);
  } else {
    lua_pushstring(L, value);
  }
  return 1;
}

void restrict_os(lua_State* L) {
  lua_getglobal(L, "os");
  lua_pushcfunction(L, sandboxed_getenv);
  lua_setfield(L, -2, "getenv");
  lua_pop(L, 1);
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
  // One call into Lua's C library can run for hours between two hook calls.
  lua_getglobal(L, "string");
  lua_getglobal(L, "table");
  install_bounded_functions(L, lua_absindex(L, -2), lua_absindex(L, -1));
  lua_pop(L, 2);
  lua_pushcfunction(L, captured_print);
  lua_setglobal(L, "print");
  wrap_with_original(L, "load", text_only_load);
  wrap_with_original(L, "loadfile", text_only_loadfile);
  wrap_with_original(L, "setmetatable", setmetatable_without_gc);
  lua_pushcfunction(L, text_only_dofile);
  lua_setglobal(L, "dofile");
  restrict_package(L);
  restrict_io(L);
  restrict_os(L);
  restrict_debug(L);
}

}  // namespace kumo::lua
