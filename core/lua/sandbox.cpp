// The policy's standard library, built from an allow-list into fresh
// tables. Lua's own libraries are opened first, as the host's private copy;
// the policy then gets new tables holding only what it may use (some of it
// wrapped), and the registry's globals and loaded-modules tables are swapped
// for the policy's own. No original library table stays reachable from Lua
// code: not through package.loaded, require, _G, metatables (they are
// locked) or debug (only traceback and a getinfo without functions remain).
// The original functions that wrappers call live only as upvalues of C
// closures, which Lua code cannot read without debug.getupvalue.
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <regex>
#include <string_view>

#include "core/lua/bounded_lib.hpp"
#include "core/lua/bridge.hpp"
#include "core/lua/kumo_submodules.hpp"
#include "core/util/text.hpp"

namespace kumo::lua {

namespace fs = std::filesystem;
using diag::Code;

namespace {

// --- Paths: resolve, then confine --------------------------------------

bool is_under(const std::string& path, const std::string& root) {
  if (path == root) {
    return true;
  }
  return path.size() > root.size() && path.compare(0, root.size(), root) == 0 &&
         (root.back() == '/' || path[root.size()] == '/');
}

bool under_any(const std::string& path, const std::vector<std::string>& roots) {
  for (const auto& root : roots) {
    if (is_under(path, root)) {
      return true;
    }
  }
  return false;
}

std::string lexical_absolute(const std::string& path) {
  std::error_code ec;
  fs::path p = fs::absolute(path, ec);
  return ec ? std::string() : p.lexically_normal().string();
}

std::string short_path(const std::string& path) {
  constexpr std::size_t k_max = 512;
  return path.size() <= k_max ? path : path.substr(0, k_max) + "...";
}

// A path under a --map-path FROM, rewritten under its TO; any other unchanged.
std::string apply_path_map(const PolicyHost::State& st, const std::string& lexical) {
  for (const auto& m : st.options.map_path) {
    if (is_under(lexical, m.from)) {
      std::string to = lexical_absolute(m.to);
      return to.empty() ? lexical : lexical_absolute(to + lexical.substr(m.from.size()));
    }
  }
  return lexical;
}

}  // namespace

std::string shown_path(lua_State* L, const std::string& path) {
  std::string lexical = lexical_absolute(path);
  for (const auto& m : state_of(L).options.map_path) {
    if (!lexical.empty() && is_under(lexical, m.from)) {
      std::string to = m.to;
      while (to.size() > 1 && to.back() == '/') {
        to.pop_back();
      }
      std::string rest = lexical.substr(m.from.size());
      if (!rest.empty() && rest.front() != '/' && to.back() != '/') {
        rest.insert(rest.begin(), '/');
      }
      return to + rest;
    }
  }
  return path;
}

std::string checked_path(lua_State* L, int index, const char* what) {
  std::size_t len = 0;
  const char* path = luaL_checklstring(L, index, &len);
  if (len > k_max_path_bytes) {
    raise_pending(L, Code::sandbox_blocked,
                  std::string(what) + " of a " + std::to_string(len) +
                      "-byte path is blocked by kumo-lint's sandbox: paths are at most 4096 bytes");
  }
  if (std::string_view(path, len).find('\0') != std::string_view::npos) {
    // The checks would read one path and the kernel another (up to the NUL).
    raise_pending(L, Code::sandbox_blocked,
                  std::string(what) + " of a path holding a NUL byte is blocked by kumo-lint's sandbox");
  }
  return std::string(path, len);
}

void set_readable_roots(PolicyHost::State& st) {
  // require's directories, fixed now: the policy's, each --lua-path, then
  // KumoMTA's installed share directory when this machine has one.
  st.module_dirs = {st.policy_dir};
  st.module_dirs.insert(st.module_dirs.end(), st.options.lua_path.begin(), st.options.lua_path.end());
  std::error_code share_error;
  std::string share = st.options.kumomta_share.empty() ? "" : apply_path_map(st, st.options.kumomta_share);
  if (!share.empty() && fs::is_directory(share, share_error)) {
    st.module_dirs.push_back(share);
  }
  std::vector<std::string> roots = st.module_dirs;
  roots.insert(roots.end(), st.options.allow_read.begin(), st.options.allow_read.end());
  for (const auto& m : st.options.map_path) {
    roots.push_back(m.to);
  }
  st.readable_roots.clear();
  st.lexical_roots.clear();
  for (const auto& r : roots) {
    std::error_code ec;
    fs::path canonical = fs::canonical(r, ec);
    if (!ec) {
      st.readable_roots.push_back(canonical.string());
    }
    std::string lexical = lexical_absolute(r);
    if (!lexical.empty()) {
      st.lexical_roots.push_back(lexical);
    }
  }
}

ConfinedPath confine(const PolicyHost::State& st, const std::string& path) {
  ConfinedPath out;
  std::string lexical = lexical_absolute(path);
  if (!lexical.empty()) {
    lexical = apply_path_map(st, lexical);
  }
  // Outside every root as written: refused before the file system is even
  // asked, so a policy cannot probe which files exist elsewhere.
  if (lexical.empty() || !under_any(lexical, st.lexical_roots)) {
    out.status = ConfinedPath::Status::outside;
    return out;
  }
  struct stat info {};
  if (::stat(lexical.c_str(), &info) != 0) {
    out.status = ConfinedPath::Status::missing;
    return out;
  }
  std::error_code ec;
  fs::path real = fs::canonical(lexical, ec);
  if (ec || !under_any(real.string(), st.readable_roots)) {
    out.status = ConfinedPath::Status::outside;  // a symbolic link out of the readable directories
    return out;
  }
  if (!S_ISREG(info.st_mode)) {
    out.status = ConfinedPath::Status::not_regular;
    return out;
  }
  out.status = ConfinedPath::Status::ok;
  out.resolved = real.string();
  return out;
}

// Where kumod's packages install KumoMTA: policies name their data files
// there (queues.toml, sources.toml, shaping.toml).
constexpr const char* k_installed_root = "/opt/kumomta";

std::string require_readable(lua_State* L, const std::string& path, const char* what) {
  ConfinedPath c = confine(state_of(L), path);
  std::string call = std::string(what) + "(\"" + short_path(path) + "\")";
  switch (c.status) {
    case ConfinedPath::Status::ok: return c.resolved;
    case ConfinedPath::Status::missing: {
      std::string lexical = lexical_absolute(path);
      std::string mapped = lexical.empty() ? lexical : apply_path_map(state_of(L), lexical);
      raise_pending(L, Code::sandbox_blocked,
                    call + (mapped != lexical ? ": no such file (read as " + short_path(mapped) + ", by --map-path)"
                                              : ": no such file under the readable directories"));
    }
    case ConfinedPath::Status::not_regular:
      raise_pending(L, Code::sandbox_blocked,
                    call + " is blocked by kumo-lint's sandbox: not a regular file (a directory, FIFO or device)");
    case ConfinedPath::Status::outside: break;
  }
  std::string lexical = lexical_absolute(path);
  if (is_under(lexical, k_installed_root)) {
    // An installed path (queue_module:setup { '/opt/kumomta/etc/policy/queues.toml' }):
    // in a checkout the file lives elsewhere.
    std::string dir = fs::path(lexical).parent_path().string();
    raise_pending(L, Code::sandbox_blocked,
                  call +
                      ": an installed KumoMTA path that kumo-lint does not read; point it at your copy with "
                      "--map-path " +
                      short_path(dir) + "=DIR (DIR relative to the working directory)");
  }
  raise_pending(L, Code::sandbox_blocked,
                call +
                    " is blocked by kumo-lint's sandbox: policies may read files under their own directory, "
                    "--lua-path, --allow-read and --map-path only (after resolving .. and symbolic links)");
}

void push_file_contents(lua_State* L, const std::string& resolved, const char* what) {
  std::FILE* f = std::fopen(resolved.c_str(), "rb");
  if (f == nullptr) {
    luaL_error(L, "%s: cannot open %s", what, short_path(resolved).c_str());
  }
  struct Closer {
    std::FILE* f;
    ~Closer() { std::fclose(f); }
  } closer{f};
  // The contents grow in Lua's own memory, under --max-memory.
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  for (;;) {
    char* p = luaL_prepbuffsize(&b, 65536);
    std::size_t n = std::fread(p, 1, 65536, f);
    luaL_addsize(&b, n);
    charge_steps(L, n / 64 + 1);
    if (n < 65536) {
      break;
    }
  }
  luaL_pushresult(&b);
}

void add_side_diagnostic(PolicyHost::State& st, diag::Diagnostic d) {
  if (st.side_diagnostics.size() < k_max_side_findings) {
    st.side_diagnostics.push_back(std::move(d));
  }
}

void record_log(lua_State* L, const char* level, std::string text, std::size_t full_size) {
  auto& st = state_of(L);
  if (st.logs.size() >= k_max_log_lines) {
    ++st.dropped_logs;
    return;
  }
  text = util::cut_text(text, k_max_log_bytes, full_size);
  st.logs.push_back({current_location(L).value_or(diag::Location{}), level, std::move(text)});
}

namespace {

// --- Output: captured, never written to kumo-lint's own streams --------

// What a print-like call wrote: at most a little more than a log line
// keeps (a policy may print a 400 MB string: no copy of it is made
// outside Lua), and how long it really was.
struct Joined {
  std::string text;
  std::size_t full_size = 0;
};

// --- Determinism: no addresses, no clock, no unseeded randomness -------------

constexpr char k_object_ids[] = "kumo-lint.object_ids";

// The object's number in first-seen order (a weak table keeps them), so
// that "table: 0x..." reads the same on every run instead of an address.
lua_Integer object_id(lua_State* L, int index) {
  index = lua_absindex(L, index);
  if (lua_getfield(L, LUA_REGISTRYINDEX, k_object_ids) != LUA_TTABLE) {
    lua_pop(L, 1);
    lua_newtable(L);
    lua_createtable(L, 0, 1);
    lua_pushliteral(L, "k");
    lua_setfield(L, -2, "__mode");
    lua_setmetatable(L, -2);
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_REGISTRYINDEX, k_object_ids);
  }
  lua_pushvalue(L, index);
  lua_Integer id = 0;
  if (lua_rawget(L, -2) == LUA_TNUMBER) {
    id = lua_tointeger(L, -1);
    lua_pop(L, 2);
    return id;
  }
  lua_pop(L, 1);
  id = static_cast<lua_Integer>(++state_of(L).next_object_id);
  lua_pushvalue(L, index);
  lua_pushinteger(L, id);
  lua_rawset(L, -3);
  lua_pop(L, 1);
  return id;
}

bool has_identity(lua_State* L, int index) {
  int type = lua_type(L, index);
  return type == LUA_TTABLE || type == LUA_TFUNCTION || type == LUA_TUSERDATA || type == LUA_TTHREAD;
}

}  // namespace

void push_stable_name(lua_State* L, int index, const char* kind) {
  char id[32];
  std::snprintf(id, sizeof id, ": 0x%08llx", static_cast<unsigned long long>(object_id(L, index)));
  lua_pushfstring(L, "%s%s", kind, id);
}

const char* stable_tolstring(lua_State* L, int index, std::size_t* len) {
  index = lua_absindex(L, index);
  if (!has_identity(L, index) || luaL_getmetafield(L, index, "__tostring") != LUA_TNIL) {
    if (has_identity(L, index)) {
      lua_pop(L, 1);
    }
    return luaL_tolstring(L, index, len);
  }
  int name_type = luaL_getmetafield(L, index, "__name");
  const char* kind = name_type == LUA_TSTRING ? lua_tostring(L, -1) : luaL_typename(L, index);
  push_stable_name(L, index, kind);
  if (name_type != LUA_TNIL) {
    lua_remove(L, -2);
  }
  return lua_tolstring(L, -1, len);
}

namespace {

int stable_tostring(lua_State* L) {
  luaL_checkany(L, 1);
  stable_tolstring(L, 1, nullptr);
  return 1;
}

// string.format with %s of an object and %p of anything naming it by its
// first-seen number, as tostring does: the original's addresses would
// change from run to run. Upvalue 1: the original format.
int stable_format(lua_State* L) {
  std::size_t len = 0;
  const char* fmt = luaL_checklstring(L, 1, &len);
  std::string rewritten;
  int arg = 1;
  for (std::size_t i = 0; i < len; ++i) {
    rewritten.push_back(fmt[i]);
    if (fmt[i] != '%') {
      continue;
    }
    if (i + 1 < len && fmt[i + 1] == '%') {
      rewritten.push_back(fmt[++i]);
      continue;
    }
    ++arg;
    std::size_t j = i + 1;
    while (j < len && std::strchr("-+ #0123456789.", fmt[j]) != nullptr) {
      rewritten.push_back(fmt[j++]);
    }
    if (j >= len) {
      break;
    }
    char conversion = fmt[j];
    i = j;
    if (conversion == 'p' && arg <= lua_gettop(L)) {
      conversion = 's';
      if (has_identity(L, arg) || lua_type(L, arg) == LUA_TSTRING) {
        push_stable_name(L, arg, luaL_typename(L, arg));
      } else {
        lua_pushliteral(L, "(null)");
      }
      lua_replace(L, arg);
    } else if (conversion == 's' && arg <= lua_gettop(L) && has_identity(L, arg)) {
      stable_tolstring(L, arg, nullptr);
      lua_replace(L, arg);
    }
    rewritten.push_back(conversion);
  }
  lua_pushlstring(L, rewritten.data(), rewritten.size());
  lua_replace(L, 1);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 1);
  return 1;
}

// pairs in a fixed order. Lua seeds its string hash from the clock and
// addresses, so plain pairs visits string keys in a different order on
// every run, and a policy whose result depends on that order ("the first
// pattern that matches") would give different configs from run to run.
// Keys are visited as kumo-lint sorts everywhere: numbers ascending,
// strings bytewise, booleans, then other objects in first-seen order. A
// key removed during the loop is skipped, as with next.
struct SortKey {
  int rank = 0;  // 0 number, 1 string, 2 boolean, 3 object
  double number = 0;
  lua_Integer integer = 0;
  bool is_integer = false;
  std::string_view text;
  lua_Integer id = 0;
  int slot = 0;  // index in the key array
};

bool sort_key_less(const SortKey& a, const SortKey& b) {
  if (a.rank != b.rank) {
    return a.rank < b.rank;
  }
  switch (a.rank) {
    case 0:
      if (a.is_integer && b.is_integer) {
        return a.integer < b.integer;
      }
      return a.number < b.number;
    case 1: return a.text < b.text;
    default: return a.id < b.id;
  }
}

// The iterator: upvalues 1 the table, 2 the sorted keys, 3 the position.
int sorted_next(lua_State* L) {
  lua_Integer position = lua_tointeger(L, lua_upvalueindex(3));
  lua_Integer count = static_cast<lua_Integer>(lua_rawlen(L, lua_upvalueindex(2)));
  while (position < count) {
    ++position;
    lua_rawgeti(L, lua_upvalueindex(2), position);
    lua_pushvalue(L, -1);
    if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL) {
      lua_pushinteger(L, position);
      lua_replace(L, lua_upvalueindex(3));
      return 2;
    }
    lua_pop(L, 2);
  }
  lua_pushinteger(L, position);
  lua_replace(L, lua_upvalueindex(3));
  lua_pushnil(L);
  return 1;
}

int sorted_pairs(lua_State* L) {
  if (luaL_getmetafield(L, 1, "__pairs") != LUA_TNIL) {
    lua_pushvalue(L, 1);
    lua_call(L, 1, 3);
    return 3;
  }
  luaL_checkany(L, 1);
  if (lua_type(L, 1) != LUA_TTABLE) {
    // As Lua's pairs: next, the value, nil; the loop's first call of next
    // raises "bad argument #1 to 'for iterator' (table expected, got ...)".
    lua_getfield(L, LUA_REGISTRYINDEX, "kumo-lint.next");
    lua_pushvalue(L, 1);
    lua_pushnil(L);
    return 3;
  }
  lua_settop(L, 1);
  lua_newtable(L);  // 2: the keys, in table order for now
  int n = 0;
  lua_pushnil(L);
  while (lua_next(L, 1) != 0) {
    lua_pop(L, 1);
    lua_pushvalue(L, -1);
    lua_rawseti(L, 2, ++n);
  }
  std::vector<SortKey> keys(static_cast<std::size_t>(n));
  for (int i = 1; i <= n; ++i) {
    SortKey& k = keys[static_cast<std::size_t>(i - 1)];
    k.slot = i;
    lua_rawgeti(L, 2, i);
    switch (lua_type(L, -1)) {
      case LUA_TNUMBER:
        k.is_integer = lua_isinteger(L, -1) != 0;
        k.integer = lua_tointeger(L, -1);
        k.number = lua_tonumber(L, -1);
        break;
      case LUA_TSTRING: {
        std::size_t len = 0;
        const char* text = lua_tolstring(L, -1, &len);  // anchored in the key array
        k.rank = 1;
        k.text = std::string_view(text, len);
        break;
      }
      case LUA_TBOOLEAN:
        k.rank = 2;
        k.id = lua_toboolean(L, -1);
        break;
      default: k.rank = 3; k.id = object_id(L, -1);
    }
    lua_pop(L, 1);
  }
  charge_steps(L, static_cast<std::uint64_t>(n) * 4 + 1);
  std::sort(keys.begin(), keys.end(), sort_key_less);
  lua_createtable(L, n, 0);  // 3: the keys, sorted
  for (int i = 0; i < n; ++i) {
    lua_rawgeti(L, 2, keys[static_cast<std::size_t>(i)].slot);
    lua_rawseti(L, 3, i + 1);
  }
  lua_pushvalue(L, 1);
  lua_pushvalue(L, 3);
  lua_pushinteger(L, 0);
  lua_pushcclosure(L, guarded<sorted_next>, 3);
  lua_pushvalue(L, 1);
  lua_pushnil(L);
  return 3;
}

// os.time and os.date read the fixed clock (k_fixed_now), in UTC.
int fixed_time(lua_State* L) {
  if (lua_isnoneornil(L, 1)) {
    lua_pushinteger(L, k_fixed_now);
    return 1;
  }
  lua_settop(L, 1);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, 1, 1);
  return 1;
}

int fixed_date(lua_State* L) {
  lua_settop(L, 2);
  if (lua_isnil(L, 2)) {
    lua_pushinteger(L, k_fixed_now);
    lua_replace(L, 2);
  }
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, 2, 1);
  return 1;
}

int fixed_clock(lua_State* L) {
  lua_pushnumber(L, 0);
  return 1;
}

// math.randomseed() with no argument would seed from the clock: it seeds
// with kumo-lint's fixed seed instead (the one the state starts with).
constexpr lua_Integer k_fixed_seed = 0;

int fixed_randomseed(lua_State* L) {
  if (lua_gettop(L) == 0) {
    lua_pushinteger(L, k_fixed_seed);
  }
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 0);
  return 0;
}

// [-0, +0, e] Arguments from `first` on, joined with `separator`: any value
// through tostring (print), or strings and numbers only (io.write, warn).
Joined join_arguments(lua_State* L, int first, std::string_view separator, bool strings_only) {
  Joined out;
  auto append = [&out](std::string_view piece) {
    out.full_size += piece.size();
    if (out.text.size() <= k_max_log_bytes) {
      out.text.append(piece.substr(0, k_max_log_bytes + 1 - out.text.size()));
    }
  };
  int n = lua_gettop(L);
  for (int i = first; i <= n; ++i) {
    std::size_t len = 0;
    const char* s = strings_only ? luaL_checklstring(L, i, &len) : stable_tolstring(L, i, &len);
    if (i > first) {
      append(separator);
    }
    append(std::string_view(s, len));
    if (!strings_only) {
      lua_pop(L, 1);
    }
  }
  return out;
}

void record_joined(lua_State* L, const char* level, Joined joined) {
  record_log(L, level, std::move(joined.text), joined.full_size);
}

}  // namespace

void record_arguments(lua_State* L, const char* level, int first, std::string_view separator, bool strings_only) {
  record_joined(L, level, join_arguments(L, first, separator, strings_only));
}

namespace {

int captured_print(lua_State* L) {
  record_joined(L, "print", join_arguments(L, 1, "\t", false));
  return 0;
}

int captured_warn(lua_State* L) {
  luaL_checkstring(L, 1);
  Joined text = join_arguments(L, 1, "", true);
  if (!text.text.empty() && text.text[0] == '@') {
    return 0;  // a control message ("@on", "@off"), as Lua's own warn
  }
  record_joined(L, "warn", std::move(text));
  return 0;
}

// io.write(...) and io.stdout:write(...): captured like print; returns the
// stand-in stream (upvalue 1) so calls can be chained.
int captured_io_write(lua_State* L) {
  record_joined(L, "print", join_arguments(L, 1, "", true));
  lua_pushvalue(L, lua_upvalueindex(1));
  return 1;
}

int captured_stream_write(lua_State* L) {
  record_joined(L, "print", join_arguments(L, 2, "", true));
  lua_settop(L, 1);
  return 1;
}

int stream_noop(lua_State* L) {
  lua_settop(L, 1);
  return 1;
}

// --- Refused functions ---------------------------------------------------

// A function the sandbox refuses; upvalues: its name and why.
int blocked(lua_State* L) {
  std::string what = lua_tostring(L, lua_upvalueindex(1));
  raise_pending(L, Code::sandbox_blocked,
                what + " is blocked by kumo-lint's sandbox: " + lua_tostring(L, lua_upvalueindex(2)));
}

// --- io.popen: degraded, never run ------------------------------------------

// The stand-in process's output and position live in its methods' shared
// upvalue table: [1] the text, [2] the next byte (1-based), [3] the exit status.
constexpr int k_out_text = 1, k_out_pos = 2, k_out_status = 3;

int returns_self(lua_State* L) {
  lua_settop(L, 1);
  return 1;
}

int returns_nothing(lua_State* L) {
  lua_pushnil(L);
  return 1;
}

// [-0, +1, m] The next piece of output for `format` ("l", "L", "a", or a
// byte count), nil at the end (but "" for "a"), advancing the position.
void push_output_piece(lua_State* L, const char* format, lua_Integer count) {
  int state = lua_upvalueindex(1);
  lua_rawgeti(L, state, k_out_text);
  std::size_t len = 0;
  const char* text = lua_tolstring(L, -1, &len);
  lua_rawgeti(L, state, k_out_pos);
  auto pos = static_cast<std::size_t>(lua_tointeger(L, -1) - 1);
  lua_pop(L, 1);
  if (format[0] == '*') {
    ++format;
  }
  std::size_t end = pos;
  if (count >= 0) {
    end = std::min(len, pos + static_cast<std::size_t>(count));
  } else if (format[0] == 'a') {
    end = len;
  } else {
    end = std::min(len, std::string_view(text, len).find('\n', pos));
  }
  if (pos >= len && format[0] != 'a') {
    lua_pop(L, 1);
    lua_pushnil(L);
    return;
  }
  bool keep_newline = format[0] == 'L';
  std::size_t next = end < len && format[0] != 'a' && count < 0 ? end + 1 : end;
  lua_pushlstring(L, text + pos, (keep_newline ? next : end) - pos);
  lua_remove(L, -2);
  lua_pushinteger(L, static_cast<lua_Integer>(next + 1));
  lua_rawseti(L, state, k_out_pos);
}

int process_read(lua_State* L) {
  if (lua_type(L, 2) == LUA_TNUMBER) {
    push_output_piece(L, "", std::max<lua_Integer>(0, lua_tointeger(L, 2)));
  } else {
    push_output_piece(L, luaL_optstring(L, 2, "l"), -1);
  }
  return 1;
}

int process_next_line(lua_State* L) {
  push_output_piece(L, "l", -1);
  return 1;
}

int process_lines(lua_State* L) {
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_pushcclosure(L, guarded<process_next_line>, 1);
  return 1;
}

// close(): true when the command exited 0; nil, "exit", status otherwise.
int process_close(lua_State* L) {
  lua_rawgeti(L, lua_upvalueindex(1), k_out_status);
  lua_Integer status = lua_tointeger(L, -1);
  if (status == 0) {
    lua_pushboolean(L, 1);
  } else {
    lua_pushnil(L);
  }
  lua_pushliteral(L, "exit");
  lua_pushinteger(L, status);
  return 3;
}

// [-0, +1, m] A stand-in for the file io.popen returns, for a command that
// printed `output` and exited with `status`.
void push_finished_process(lua_State* L, const std::string& output, int status) {
  lua_newtable(L);
  lua_createtable(L, 0, 2);
  lua_createtable(L, 0, 7);
  lua_createtable(L, 3, 0);
  lua_pushlstring(L, output.data(), output.size());
  lua_rawseti(L, -2, k_out_text);
  lua_pushinteger(L, 1);
  lua_rawseti(L, -2, k_out_pos);
  lua_pushinteger(L, status);
  lua_rawseti(L, -2, k_out_status);
  const luaL_Reg methods[] = {{"lines", guarded<process_lines>},  {"read", guarded<process_read>},
                              {"close", guarded<process_close>},  {"write", guarded<returns_self>},
                              {"flush", guarded<returns_self>},   {"setvbuf", guarded<returns_self>},
                              {"seek", guarded<returns_nothing>}, {nullptr, nullptr}};
  luaL_setfuncs(L, methods, 1);
  lua_setfield(L, -2, "__index");
  lock_metatable(L);
  lua_setmetatable(L, -2);
}

// `getent ahostsv4|ahostsv6|ahosts|hosts NAME` answered from --dns FILE
// as glibc's getent prints it (docker_utils.lua resolves service names
// this way), or nullopt for any other command or an unknown name.
std::optional<std::string> getent_from_fixture(const PolicyHost::State& st, std::string_view command) {
  static const std::regex k_getent(R"(^\s*getent\s+(ahostsv4|ahostsv6|ahosts|hosts)\s+([A-Za-z0-9._-]+)\s*$)");
  std::cmatch m;
  if (!st.options.dns || command.size() > 1024 ||
      !std::regex_match(command.data(), command.data() + command.size(), m, k_getent)) {
    return std::nullopt;
  }
  const values::DnsRecords* records = st.options.dns->find(m[2].str());
  if (records == nullptr) {
    return std::nullopt;
  }
  std::string database = m[1].str();
  std::vector<std::string> addresses;
  if (database != "ahostsv6") {
    addresses.insert(addresses.end(), records->a.begin(), records->a.end());
  }
  if (database != "ahostsv4") {
    addresses.insert(addresses.end(), records->aaaa.begin(), records->aaaa.end());
  }
  if (addresses.empty()) {
    return std::nullopt;
  }
  std::string out;
  char line[512];
  for (std::size_t i = 0; i < addresses.size(); ++i) {
    if (database == "hosts") {
      std::snprintf(line, sizeof line, "%-15s %s\n", addresses[i].c_str(), m[2].str().c_str());
      out += line;
      continue;
    }
    std::string canonical = i == 0 ? m[2].str() : "";  // getent names the host on its first line only
    std::snprintf(line, sizeof line, "%-15s STREAM %s\n%-15s DGRAM  \n%-15s RAW    \n", addresses[i].c_str(),
                  canonical.c_str(), addresses[i].c_str(), addresses[i].c_str());
    out += line;
  }
  return out;
}

// io.popen never runs a command. `getent` of a name in --dns FILE prints
// the fixture's addresses; any other command at the top level returns a
// stand-in for a command that was not found (with a KQ914 warning), so a
// module that probes the system while loading (docker_utils.lua) degrades
// instead of making the policy unloadable.
int degraded_popen(lua_State* L) {
  std::size_t len = 0;
  const char* command = luaL_checklstring(L, 1, &len);
  if (auto output = getent_from_fixture(state_of(L), std::string_view(command, len))) {
    charge_steps(L, output->size() / 16 + 1);
    push_finished_process(L, *output, 0);
    return 1;
  }
  std::string shown = util::cut_text(std::string(command, std::min<std::size_t>(len, 200)), 80, len);
  degrade_at_top_level(L, OutsideCall{"io.popen('" + shown + "')", "runs a command",
                                      "a command that printed nothing and exited with status 127 (as on a "
                                      "system without it)",
                                      Code::sandbox_blocked, ""});
  push_finished_process(L, "", 127);
  return 1;
}

// Every function the sandbox refuses by name, and why (docs/sandbox.md
// lists them): installed in the policy's library tables by install_refused.
struct Refused {
  const char* library;
  const char* name;
  const char* why;
};
constexpr Refused k_refused[] = {
    {"io", "output", "policy output is captured, not written to files"},
    {"io", "tmpfile", "policies cannot create files"},
    {"io", "read", "standard input belongs to kumo-lint (it may carry --queues-file -)"},
    {"io", "input", "standard input belongs to kumo-lint; use io.open(path):read() instead"},
    {"os", "execute", "policies cannot run commands"},
    {"os", "exit", "policies cannot end kumo-lint"},
    {"os", "remove", "policies cannot delete files"},
    {"os", "rename", "policies cannot rename files"},
    {"os", "tmpname", "policies cannot create files"},
    {"os", "setlocale", "a locale change would alter kumo-lint's own number formatting"},
    {"package", "loadlib", "policies cannot load C libraries"},
    {"package", "searchpath", "it would probe files outside the readable directories"},
};

// [-0, +0, m] table[name] = a function that refuses, naming `qualified`.
void set_blocked(lua_State* L, int table, const char* name, const std::string& qualified, const char* why) {
  table = lua_absindex(L, table);
  lua_pushstring(L, qualified.c_str());
  lua_pushstring(L, why);
  lua_pushcclosure(L, guarded<blocked>, 2);
  lua_setfield(L, table, name);
}

// [-0, +0, m] The refused functions of `library` into its table at `table`.
void install_refused(lua_State* L, int table, std::string_view library) {
  for (const auto& r : k_refused) {
    if (library == r.library) {
      set_blocked(L, table, r.name, std::string(r.library) + "." + r.name, r.why);
    }
  }
}

// --- Limits no Lua code may catch ------------------------------------------

// When a limit was reached during this call, raises it again: pcall,
// xpcall, coroutine.resume/close and load must not swallow it.
void rethrow_if_fatal(lua_State* L) {
  auto& st = state_of(L);
  if (st.fatal) {
    raise_pending(L, st.fatal->code, st.fatal->message);
  }
}

// A memory error caught by a protected call still ends the handler call.
void note_memory_error(lua_State* L, int status) {
  auto& st = state_of(L);
  if (status == LUA_ERRMEM && !st.fatal) {
    st.fatal = memory_limit_error(st);
  }
}

// The policy caught an error: whatever special code it carried is void.
void forget_caught_error(lua_State* L) {
  auto& st = state_of(L);
  st.pending.reset();
  if (st.degraded_if_caught) {
    add_side_diagnostic(st, std::move(*st.degraded_if_caught));
    st.degraded_if_caught.reset();
  }
}

int finish_pcall(lua_State* L, int status, lua_KContext extra) {
  if (status != LUA_OK && status != LUA_YIELD) {
    note_memory_error(L, status);
    rethrow_if_fatal(L);
    forget_caught_error(L);
    lua_pushboolean(L, 0);
    lua_pushvalue(L, -2);
    return 2;
  }
  return lua_gettop(L) - static_cast<int>(extra);
}

// pcall(f, ...), as Lua's own (yieldable), but a limit error passes through.
int sandbox_pcall(lua_State* L) {
  luaL_checkany(L, 1);
  lua_pushboolean(L, 1);
  lua_insert(L, 1);
  int status = lua_pcallk(L, lua_gettop(L) - 2, LUA_MULTRET, 0, 0, finish_pcall);
  return finish_pcall(L, status, 0);
}

// The message handler xpcall installs around the policy's own: once a limit
// is reached the policy's handler is not called at all (it could loop).
int guarded_message_handler(lua_State* L) {
  if (state_of(L).fatal) {
    return 1;
  }
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 1);
  return 1;
}

// xpcall(f, msgh, ...)
int sandbox_xpcall(lua_State* L) {
  int n = lua_gettop(L);
  luaL_checktype(L, 2, LUA_TFUNCTION);
  lua_pushvalue(L, 2);
  lua_pushcclosure(L, guarded<guarded_message_handler>, 1);
  lua_replace(L, 2);
  lua_pushboolean(L, 1);
  lua_pushvalue(L, 1);
  lua_rotate(L, 3, 2);
  int status = lua_pcallk(L, n - 2, LUA_MULTRET, 2, 2, finish_pcall);
  return finish_pcall(L, status, 2);
}

// Calls the original (upvalue 1) with every argument, then re-raises a
// limit error it may have turned into a return value (load, io.close).
// [-0, +r, e] Calls the original (upvalue 1) with every argument, leaving
// only its results.
void call_original(lua_State* L) {
  int n = lua_gettop(L);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, n, LUA_MULTRET);
}

int call_original_then_rethrow(lua_State* L) {
  call_original(L);
  rethrow_if_fatal(L);
  return lua_gettop(L);
}

// coroutine.resume(co, ...) and coroutine.close(co): the original (upvalue
// 1), but an error that ended the coroutine because of a limit goes on.
int resume_or_close(lua_State* L) {
  lua_State* co = lua_tothread(L, 1);
  call_original(L);
  if (co != nullptr) {
    note_memory_error(L, lua_status(co));
  }
  rethrow_if_fatal(L);
  if (lua_gettop(L) >= 1 && lua_isboolean(L, 1) && !lua_toboolean(L, 1)) {
    forget_caught_error(L);
  }
  return lua_gettop(L);
}

// coroutine.create(f): the original (upvalue 1), and the new coroutine
// counted (hook_coroutine).
int create_counted(lua_State* L) {
  call_original(L);
  if (lua_State* co = lua_tothread(L, 1)) {
    hook_coroutine(co);
  }
  return lua_gettop(L);
}

// coroutine.wrap(f): the original (upvalue 1), and the coroutine it made
// (its function's first upvalue) counted.
int wrap_counted(lua_State* L) {
  call_original(L);
  if (lua_getupvalue(L, 1, 1) != nullptr) {
    if (lua_State* co = lua_tothread(L, -1)) {
      hook_coroutine(co);
    }
    lua_pop(L, 1);
  }
  return lua_gettop(L);
}

// --- Work the instruction count does not see ---------------------------------

// Calls the original (upvalue 1) after charging the work it is about to do:
// one step per 16 bytes of its string arguments (utf8.len, string.format,
// tonumber, rawequal ... each walk their strings once). The charge comes
// first, so the clock is read before every call: a loop of such calls on
// a 200 MB string overshoots the limits by one call at most.
int charged_by_string_size(lua_State* L) {
  std::uint64_t bytes = 0;
  for (int i = 1, n = lua_gettop(L); i <= n; ++i) {
    if (lua_type(L, i) == LUA_TSTRING) {
      std::size_t len = 0;
      lua_tolstring(L, i, &len);
      bytes += len;
    }
  }
  charge_steps(L, 1 + bytes / 16);
  call_original(L);
  return lua_gettop(L);
}

// collectgarbage: a full collection walks the whole heap.
int charged_collectgarbage(lua_State* L) {
  const char* option = luaL_optstring(L, 1, "collect");
  if (std::string_view(option) == "collect" || std::string_view(option) == "step") {
    const auto& st = state_of(L);
    charge_steps(L, 1 + (st.memory_used + st.host_memory) / 64);
  }
  return call_original_then_rethrow(L);
}

// [-0, +0, m] Wraps each named function of the table at `table` with
// charged_by_string_size.
void charge_by_string_size(lua_State* L, int table, std::initializer_list<const char*> names) {
  table = lua_absindex(L, table);
  for (const char* name : names) {
    if (lua_getfield(L, table, name) == LUA_TFUNCTION) {
      lua_pushcclosure(L, guarded<charged_by_string_size>, 1);
      lua_setfield(L, table, name);
    } else {
      lua_pop(L, 1);
    }
  }
}

// --- Loading code: text only -----------------------------------------------

// Sources larger than this are not compiled (the policy file has the same
// cap): compiling is not interruptible by the instruction budget.
constexpr std::size_t k_max_chunk_bytes = 16u << 20;

// load(chunk, name, mode, env): the original (upvalue 1) with mode forced
// to "t" (Lua does not verify binary chunks; crafted bytecode can crash the
// interpreter), a size cap, and limit errors passed through.
int text_only_load(lua_State* L) {
  std::size_t len = 0;
  if (lua_type(L, 1) == LUA_TSTRING && (lua_tolstring(L, 1, &len), len > k_max_chunk_bytes)) {
    raise_pending(L, Code::sandbox_blocked,
                  "load of a " + std::to_string(len) +
                      "-byte chunk is blocked by kumo-lint's sandbox: chunks are limited to 16 MiB");
  }
  lua_settop(L, std::max(lua_gettop(L), 3));
  lua_pushliteral(L, "t");
  lua_replace(L, 3);
  return call_original_then_rethrow(L);
}

// Where luaL_loadfilex starts compiling a file's text: past a UTF-8
// byte-order mark, then at the newline ending a first line that starts
// with '#' (a Unix "#!" line; the newline stays, so line numbers do too).
// kumod's require, dofile and loadfile are Lua's own, which read files so;
// the policy file itself kumod compiles from a string (mlua's load), which
// skips neither (PolicyHost::load does the same).
std::size_t loadfile_text_start(std::string_view text) {
  std::size_t start = text.starts_with("\xEF\xBB\xBF") ? 3 : 0;
  if (start < text.size() && text[start] == '#') {
    const std::size_t newline = text.find('\n', start);
    start = newline == std::string_view::npos ? text.size() : newline;
  }
  return start;
}

// [-0, +1, e] Compiles the file at `path` (confined) as text, as
// luaL_loadfilex reads it (loadfile_text_start), the chunk named as the
// policy wrote the path; leaves the function, or the compile error message,
// on top. Refuses files over the chunk cap; a limit reached while compiling
// is raised.
int compile_confined_file(lua_State* L, const std::string& path, const char* what) {
  std::string resolved = require_readable(L, path, what);
  push_file_contents(L, resolved, what);
  std::size_t len = 0;
  const char* text = lua_tolstring(L, -1, &len);
  if (len > k_max_chunk_bytes) {
    raise_pending(L, Code::sandbox_blocked,
                  std::string(what) + "(\"" + short_path(path) + "\"): the file is larger than 16 MiB");
  }
  const std::size_t start = loadfile_text_start(std::string_view(text, len));
  std::string chunk_name = "@" + path;
  int status = luaL_loadbufferx(L, text + start, len - start, chunk_name.c_str(), "t");
  lua_remove(L, -2);
  state_of(L).source_files[path] = resolved;
  if (status != LUA_OK) {
    rethrow_if_fatal(L);
  }
  return status;
}

// [-0, +1, e] The same, raising the compile error.
void load_confined_file(lua_State* L, const std::string& path, const char* what) {
  if (compile_confined_file(L, path, what) != LUA_OK) {
    lua_error(L);
  }
}

// loadfile(name, mode, env): nil plus the message on a compile error, as Lua.
int sandbox_loadfile(lua_State* L) {
  if (lua_isnoneornil(L, 1)) {
    raise_pending(L, Code::sandbox_blocked,
                  "loadfile() without a file name reads standard input, which belongs to kumo-lint");
  }
  std::string path = checked_path(L, 1, "loadfile");
  bool has_env = !lua_isnone(L, 3);
  if (compile_confined_file(L, path, "loadfile") != LUA_OK) {
    lua_pushnil(L);
    lua_insert(L, -2);
    return 2;
  }
  if (has_env) {
    lua_pushvalue(L, 3);
    if (lua_setupvalue(L, -2, 1) == nullptr) {
      lua_pop(L, 1);
    }
  }
  return 1;
}

int sandbox_dofile(lua_State* L) {
  if (lua_isnoneornil(L, 1)) {
    raise_pending(L, Code::sandbox_blocked,
                  "dofile() without a file name reads standard input, which belongs to kumo-lint");
  }
  std::string path = checked_path(L, 1, "dofile");
  lua_settop(L, 0);
  load_confined_file(L, path, "dofile");
  lua_call(L, 0, LUA_MULTRET);
  return lua_gettop(L);
}

// setmetatable without __gc: Lua 5.4 turns debug hooks off while a
// finalizer runs, so a looping __gc could never be stopped by the budget.
int setmetatable_without_gc(lua_State* L) {
  if (lua_type(L, 2) == LUA_TTABLE) {
    lua_pushliteral(L, "__gc");
    bool has_gc = lua_rawget(L, 2) != LUA_TNIL;
    lua_pop(L, 1);
    if (has_gc) {
      raise_pending(L, Code::sandbox_blocked,
                    "setmetatable with a __gc finalizer is blocked by kumo-lint's sandbox: Lua cannot interrupt a "
                    "finalizer, so one could hang the linter");
    }
  }
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 1);
  return 1;
}

// --- require ---------------------------------------------------------------

// package.searchers[1]: package.preload[name].
int preload_searcher(lua_State* L) {
  const char* name = luaL_checkstring(L, 1);
  lua_getfield(L, lua_upvalueindex(1), "preload");
  if (lua_type(L, -1) != LUA_TTABLE) {
    lua_pushliteral(L, "no field package.preload");
    return 1;
  }
  if (lua_getfield(L, -1, name) == LUA_TNIL) {
    lua_pushfstring(L, "no field package.preload['%s']", name);
    return 1;
  }
  lua_pushliteral(L, ":preload:");
  return 2;
}

// package.searchers[2]: Lua files under the directories fixed at start
// (the policy's directory, then each --lua-path; `?.lua` and `?/init.lua`),
// whatever the policy later sets package.path to; every candidate is
// resolved and confined like any other file read, and loaded as text.
int lua_file_searcher(lua_State* L) {
  std::string name = checked_path(L, 1, "require");
  std::string relative = name;
  for (char& c : relative) {
    if (c == '.') {
      c = '/';
    }
  }
  auto& st = state_of(L);
  std::string tried;
  for (const auto& dir : st.module_dirs) {
    for (const char* pattern : {"/?.lua", "/?/init.lua"}) {
      std::string candidate = dir + pattern;
      candidate.replace(candidate.find('?'), 1, relative);
      ConfinedPath c = confine(st, candidate);
      if (c.status == ConfinedPath::Status::missing) {
        tried += std::string(tried.empty() ? "" : "\n\t") + "no file '" + short_path(candidate) + "'";
        continue;
      }
      load_confined_file(L, candidate, "require");
      lua_pushstring(L, candidate.c_str());
      return 2;
    }
  }
  if (name.rfind("policy-extras.", 0) == 0) {
    tried += "\n\tKumoMTA's helpers are installed in " + st.options.kumomta_share +
             "/policy-extras; on a machine without them, give their parent directory with --lua-path DIR";
  }
  lua_pushstring(L, tried.c_str());
  return 1;
}

// require(name), as Lua's own: package.loaded (the registry's table, which
// is the policy's own), then each of package.searchers (upvalue 1 is the
// policy's package table).
int sandbox_require(lua_State* L) {
  const char* name = luaL_checkstring(L, 1);
  lua_settop(L, 1);
  luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);  // 2
  if (lua_getfield(L, 2, name) != LUA_TNIL && lua_toboolean(L, -1)) {
    return 1;
  }
  lua_pop(L, 1);
  if (lua_getfield(L, lua_upvalueindex(1), "searchers") != LUA_TTABLE) {  // 3
    return luaL_error(L, "'package.searchers' must be a table");
  }
  luaL_Buffer msg;
  luaL_buffinit(L, &msg);
  for (int i = 1;; ++i) {
    luaL_addstring(&msg, "\n\t");
    if (lua_rawgeti(L, 3, i) == LUA_TNIL) {
      lua_pop(L, 1);
      luaL_buffsub(&msg, 2);
      luaL_pushresult(&msg);
      return luaL_error(L, "module '%s' not found:%s", name, lua_tostring(L, -1));
    }
    lua_pushstring(L, name);
    lua_call(L, 1, 2);
    if (lua_isfunction(L, -2)) {
      break;
    }
    if (lua_isstring(L, -2)) {
      lua_pop(L, 1);
      luaL_addvalue(&msg);
    } else {
      lua_pop(L, 2);
      luaL_buffsub(&msg, 2);
    }
  }
  // stack: ..., loader, data
  int loader = lua_gettop(L) - 1;
  lua_pushvalue(L, loader);
  lua_pushstring(L, name);
  lua_pushvalue(L, loader + 1);
  lua_call(L, 2, 1);
  if (!lua_isnil(L, -1)) {
    lua_setfield(L, 2, name);
  } else {
    lua_pop(L, 1);
  }
  if (lua_getfield(L, 2, name) == LUA_TNIL) {
    lua_pushboolean(L, 1);
    lua_copy(L, -1, -2);
    lua_setfield(L, 2, name);
  }
  lua_rotate(L, -2, 1);
  return 2;
}

// --- io --------------------------------------------------------------------

// Files a policy may hold open at once: each holds a descriptor and a
// buffer outside Lua's memory, and a policy that never closes them (with
// the collector stopped) would exhaust both.
constexpr int k_max_open_files = 64;
constexpr char k_open_files[] = "kumo-lint.open_files";  // weak-keyed registry set of handles

// How many handles in the set are still open (a closed one has no closef).
int count_open_files(lua_State* L, int set) {
  int open = 0;
  lua_pushnil(L);
  while (lua_next(L, set) != 0) {
    lua_pop(L, 1);
    auto* stream = static_cast<luaL_Stream*>(luaL_testudata(L, -1, LUA_FILEHANDLE));
    open += stream != nullptr && stream->closef != nullptr ? 1 : 0;
  }
  return open;
}

// Refuses a new file while k_max_open_files are open (after collecting the
// garbage, which closes the unreachable ones).
void check_open_files(lua_State* L, const std::string& path, const char* what) {
  luaL_getsubtable(L, LUA_REGISTRYINDEX, k_open_files);
  int set = lua_gettop(L);
  if (count_open_files(L, set) >= k_max_open_files) {
    lua_gc(L, LUA_GCCOLLECT);
    if (count_open_files(L, set) >= k_max_open_files) {
      raise_pending(L, Code::sandbox_blocked,
                    std::string(what) + "(\"" + short_path(path) + "\") is blocked by kumo-lint's sandbox: " +
                        std::to_string(k_max_open_files) + " files are already open; close files after reading them");
    }
  }
  lua_pop(L, 1);
}

// [-0, +0, m] Adds the handle at `index` (if it is one) to the open set.
void track_open_file(lua_State* L, int index) {
  if (luaL_testudata(L, index, LUA_FILEHANDLE) == nullptr) {
    return;
  }
  index = lua_absindex(L, index);
  luaL_getsubtable(L, LUA_REGISTRYINDEX, k_open_files);
  lua_pushvalue(L, index);
  lua_pushboolean(L, 1);
  lua_rawset(L, -3);
  lua_pop(L, 1);
}

// [-0, +0, m] The weak-keyed set of open handles.
void create_open_file_set(lua_State* L) {
  luaL_getsubtable(L, LUA_REGISTRYINDEX, k_open_files);
  lua_createtable(L, 0, 1);
  lua_pushliteral(L, "k");
  lua_setfield(L, -2, "__mode");
  lua_setmetatable(L, -2);
  lua_pop(L, 1);
}

// io.open for reading only, under the readable roots: the original
// (upvalue 1) opens the resolved path, so the file read is the one checked.
int read_only_open(lua_State* L) {
  std::string name = checked_path(L, 1, "io.open");
  std::string mode = luaL_optstring(L, 2, "r");
  lua_settop(L, 2);  // results follow the two arguments
  if (mode != "r" && mode != "rb") {
    raise_pending(L, Code::sandbox_blocked,
                  "io.open(\"" + short_path(name) + "\", \"" + mode +
                      "\") is blocked by kumo-lint's sandbox: policies may only open files for reading");
  }
  if (confine(state_of(L), name).status == ConfinedPath::Status::missing) {
    // As Lua's io.open: a missing file is a failure the policy can test.
    lua_pushnil(L);
    lua_pushfstring(L, "%s: No such file or directory", name.c_str());
    lua_pushinteger(L, 2);
    return 3;
  }
  std::string resolved = require_readable(L, name, "io.open");
  check_open_files(L, name, "io.open");
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_pushstring(L, resolved.c_str());
  lua_pushstring(L, mode.c_str());
  lua_call(L, 2, LUA_MULTRET);
  track_open_file(L, 3);
  return lua_gettop(L) - 2;
}

// io.lines(name, ...) reads a file: the same roots as io.open. io.lines()
// with no name would read standard input.
int restricted_lines(lua_State* L) {
  if (lua_isnoneornil(L, 1)) {
    raise_pending(L, Code::sandbox_blocked,
                  "io.lines() without a file name reads standard input, which belongs to kumo-lint");
  }
  std::string path = checked_path(L, 1, "io.lines");
  std::string resolved = require_readable(L, path, "io.lines");
  check_open_files(L, path, "io.lines");
  lua_pushstring(L, resolved.c_str());
  lua_replace(L, 1);
  int n = lua_gettop(L);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, n, LUA_MULTRET);
  // io.lines returns the iterator, two nils and the file (to-be-closed).
  if (lua_gettop(L) >= 4) {
    track_open_file(L, 4);
  }
  return lua_gettop(L);
}

// io.close(file): without a file it would close kumo-lint's standard output.
int restricted_close(lua_State* L) {
  if (lua_isnoneornil(L, 1)) {
    raise_pending(L, Code::sandbox_blocked,
                  "io.close() without a file would close kumo-lint's own output; close the file you opened");
  }
  return call_original_then_rethrow(L);
}

// [-0, +1, m] A stand-in for io.stdout or io.stderr: write is captured like
// print; reading is refused.
void push_output_stream(lua_State* L, const char* name) {
  lua_createtable(L, 0, 6);
  lua_pushcfunction(L, guarded<captured_stream_write>);
  lua_setfield(L, -2, "write");
  for (const char* noop : {"flush", "setvbuf", "close"}) {
    lua_pushcfunction(L, guarded<stream_noop>);
    lua_setfield(L, -2, noop);
  }
  for (const char* reader : {"read", "lines", "seek"}) {
    set_blocked(L, -1, reader, std::string("io.") + name + ":" + reader, "policy output is captured, not a file");
  }
}

// [-0, +1, m] A stand-in for io.stdin: every use is refused.
void push_input_stream(lua_State* L) {
  lua_createtable(L, 0, 6);
  for (const char* method : {"read", "lines", "seek", "write", "setvbuf", "flush", "close"}) {
    set_blocked(L, -1, method, std::string("io.stdin:") + method,
                "standard input belongs to kumo-lint (it may carry --queues-file -)");
  }
}

// --- os and debug ------------------------------------------------------------

// os.getenv: only what --env gave; the real environment (which in CI holds
// secrets) is never consulted here.
int sandboxed_getenv(lua_State* L) {
  const char* name = luaL_checkstring(L, 1);
  const auto& env = state_of(L).options.env;
  auto it = env.find(name);
  if (it == env.end()) {
    lua_pushnil(L);
  } else {
    lua_pushlstring(L, it->second.data(), it->second.size());
  }
  return 1;
}

// debug.getinfo without the 'f' option: the function at a stack level may
// be one of the host's originals (the pcall or sort a wrapper called).
int getinfo_without_functions(lua_State* L) {
  bool other_thread = lua_type(L, 1) == LUA_TTHREAD && lua_tothread(L, 1) != L;
  int level_index = lua_type(L, 1) == LUA_TTHREAD ? 2 : 1;
  int what_index = level_index + 1;
  if (!other_thread && lua_isinteger(L, level_index)) {
    // This wrapper is one more frame between the caller and the original.
    lua_pushinteger(L, lua_tointeger(L, level_index) + 1);
    lua_replace(L, level_index);
  }
  std::string what = luaL_optstring(L, what_index, "flnSrtu");
  std::erase(what, 'f');
  lua_settop(L, std::max(lua_gettop(L), what_index));
  lua_pushstring(L, what.c_str());
  lua_replace(L, what_index);
  lua_settop(L, what_index);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, what_index, 1);
  return 1;
}

// --- Building the environment --------------------------------------------------

// [-0, +1, m] A new table holding `names` copied from the table at `from`.
void push_copy(lua_State* L, int from, std::initializer_list<const char*> names) {
  from = lua_absindex(L, from);
  lua_createtable(L, 0, static_cast<int>(names.size()));
  for (const char* name : names) {
    lua_getfield(L, from, name);
    lua_setfield(L, -2, name);
  }
}

// [-0, +0, m] table[name] = C closure of `fn` with the original
// original_table[name] as its upvalue.
void wrap_field(lua_State* L, int table, int original_table, const char* name, lua_CFunction fn) {
  table = lua_absindex(L, table);
  lua_getfield(L, original_table, name);
  lua_pushcclosure(L, fn, 1);
  lua_setfield(L, table, name);
}

// [-0, +0, e] math.random starts from kumo-lint's fixed seed (Lua seeds
// it from the clock), and randomseed() without an argument returns to it.
void seed_random_fixed(lua_State* L, int env) {
  lua_getfield(L, env, "math");
  int math = lua_gettop(L);
  lua_getfield(L, math, "randomseed");
  lua_pushinteger(L, k_fixed_seed);
  lua_call(L, 1, 0);
  wrap_field(L, math, math, "randomseed", guarded<fixed_randomseed>);
  lua_pop(L, 1);
}

// The base library: everything but print, load*, dofile, require (wrapped
// below) and nothing else.
void build_base(lua_State* L, int env, int original_g) {
  for (const char* name : {"assert", "error", "ipairs", "next", "rawequal", "rawget", "rawlen", "rawset", "select",
                           "tonumber", "type", "getmetatable", "collectgarbage", "_VERSION"}) {
    lua_getfield(L, original_g, name);
    lua_setfield(L, env, name);
  }
  lua_pushcfunction(L, guarded<stable_tostring>);
  lua_setfield(L, env, "tostring");
  lua_pushcfunction(L, guarded<sorted_pairs>);
  lua_setfield(L, env, "pairs");
  lua_pushcfunction(L, guarded<captured_print>);
  lua_setfield(L, env, "print");
  lua_pushcfunction(L, guarded<captured_warn>);
  lua_setfield(L, env, "warn");
  lua_pushcfunction(L, guarded<sandbox_pcall>);
  lua_setfield(L, env, "pcall");
  lua_pushcfunction(L, guarded<sandbox_xpcall>);
  lua_setfield(L, env, "xpcall");
  wrap_field(L, env, original_g, "load", guarded<text_only_load>);
  wrap_field(L, env, original_g, "setmetatable", guarded<setmetatable_without_gc>);
  lua_pushcfunction(L, guarded<sandbox_loadfile>);
  lua_setfield(L, env, "loadfile");
  lua_pushcfunction(L, guarded<sandbox_dofile>);
  lua_setfield(L, env, "dofile");
  lua_pushvalue(L, env);
  lua_setfield(L, env, "_G");
}

void build_libraries(lua_State* L, int env, int loaded) {
  lua_getfield(L, loaded, "string");
  push_copy(L, -1,
            {"byte", "char", "dump", "find", "format", "gmatch", "gsub", "len", "lower", "match", "pack", "packsize",
             "rep", "reverse", "sub", "unpack", "upper"});
  lua_setfield(L, env, "string");
  lua_pop(L, 1);
  lua_getfield(L, loaded, "table");
  push_copy(L, -1, {"concat", "insert", "move", "pack", "remove", "sort", "unpack"});
  lua_setfield(L, env, "table");
  lua_pop(L, 1);
  lua_getfield(L, loaded, "math");
  push_copy(L, -1, {"abs", "ceil",       "cos", "deg",        "exp",  "floor", "fmod", "huge",   "log",
                    "max", "maxinteger", "min", "mininteger", "modf", "pi",    "rad",  "random", "randomseed",
                    "sin", "sqrt",       "tan", "tointeger",  "type", "ult",   "acos", "asin",   "atan"});
  lua_setfield(L, env, "math");
  lua_pop(L, 1);
  lua_getfield(L, loaded, "utf8");
  push_copy(L, -1, {"char", "charpattern", "codepoint", "codes", "len", "offset"});
  lua_setfield(L, env, "utf8");
  lua_pop(L, 1);
  lua_getfield(L, loaded, "coroutine");
  int co = lua_gettop(L);
  push_copy(L, co, {"isyieldable", "running", "status", "yield"});
  wrap_field(L, -1, co, "create", guarded<create_counted>);
  wrap_field(L, -1, co, "wrap", guarded<wrap_counted>);
  wrap_field(L, -1, co, "resume", guarded<resume_or_close>);
  wrap_field(L, -1, co, "close", guarded<resume_or_close>);
  lua_setfield(L, env, "coroutine");
  lua_pop(L, 1);
}

void build_io(lua_State* L, int env, int loaded) {
  lua_getfield(L, loaded, "io");
  int io = lua_gettop(L);
  push_copy(L, io, {"type"});
  int t = lua_gettop(L);
  wrap_field(L, t, io, "open", guarded<read_only_open>);
  wrap_field(L, t, io, "lines", guarded<restricted_lines>);
  wrap_field(L, t, io, "close", guarded<restricted_close>);
  push_output_stream(L, "stdout");
  lua_pushvalue(L, -1);
  lua_setfield(L, t, "stdout");
  lua_pushcclosure(L, guarded<captured_io_write>, 1);
  lua_setfield(L, t, "write");
  push_output_stream(L, "stderr");
  lua_setfield(L, t, "stderr");
  push_input_stream(L);
  lua_setfield(L, t, "stdin");
  install_refused(L, t, "io");
  lua_pushcfunction(L, guarded<degraded_popen>);
  lua_setfield(L, t, "popen");
  lua_setfield(L, env, "io");
  lua_pop(L, 1);
}

void build_os(lua_State* L, int env, int loaded) {
  lua_getfield(L, loaded, "os");
  int original = lua_gettop(L);
  push_copy(L, -1, {"difftime"});
  int t = lua_gettop(L);
  wrap_field(L, t, original, "time", guarded<fixed_time>);
  wrap_field(L, t, original, "date", guarded<fixed_date>);
  lua_pushcfunction(L, guarded<fixed_clock>);
  lua_setfield(L, t, "clock");
  lua_pushcfunction(L, guarded<sandboxed_getenv>);
  lua_setfield(L, t, "getenv");
  install_refused(L, t, "os");
  lua_setfield(L, env, "os");
  lua_pop(L, 1);
}

// Only traceback and a getinfo that never returns functions: the rest of
// debug could remove the instruction hook or reach the host's originals.
void build_debug(lua_State* L, int env, int loaded) {
  lua_getfield(L, loaded, "debug");
  int debug = lua_gettop(L);
  push_copy(L, debug, {"traceback"});
  wrap_field(L, -1, debug, "getinfo", guarded<getinfo_without_functions>);
  lua_setfield(L, env, "debug");
  lua_pop(L, 1);
}

// The policy's package table: fixed search, no C loaders.
void build_package(lua_State* L, int env, int loaded, int policy_loaded) {
  lua_getfield(L, loaded, "package");
  int original = lua_gettop(L);
  push_copy(L, original, {"config"});
  int t = lua_gettop(L);
  auto& st = state_of(L);
  std::string path;
  for (const auto& dir : st.module_dirs) {
    path += (path.empty() ? "" : ";") + dir + "/?.lua;" + dir + "/?/init.lua";
  }
  lua_pushstring(L, path.c_str());
  lua_setfield(L, t, "path");
  lua_pushliteral(L, "");
  lua_setfield(L, t, "cpath");
  lua_pushvalue(L, policy_loaded);
  lua_setfield(L, t, "loaded");
  lua_newtable(L);
  lua_setfield(L, t, "preload");
  lua_createtable(L, 2, 0);
  lua_pushvalue(L, t);
  lua_pushcclosure(L, guarded<preload_searcher>, 1);
  lua_rawseti(L, -2, 1);
  lua_pushcfunction(L, guarded<lua_file_searcher>);
  lua_rawseti(L, -2, 2);
  lua_setfield(L, t, "searchers");
  install_refused(L, t, "package");
  lua_pushvalue(L, t);
  lua_pushcclosure(L, guarded<sandbox_require>, 1);
  lua_setfield(L, env, "require");
  lua_setfield(L, env, "package");
  lua_pop(L, 1);
}

// Strings index the policy's string table (so the bounded pattern
// functions serve ("x"):find too); the metatable itself is locked.
void rebind_string_metatable(lua_State* L, int env) {
  lua_pushliteral(L, "");
  lua_getmetatable(L, -1);
  lua_getfield(L, env, "string");
  lua_setfield(L, -2, "__index");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_pop(L, 2);
}

void lock_registry_metatable(lua_State* L, const char* name) {
  if (luaL_getmetatable(L, name) == LUA_TTABLE) {
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
  }
  lua_pop(L, 1);
}

// --- State shared across queues ---------------------------------------------

// KQ913 once per file:line: a handler assigned a global or a kumo field.
void report_shared_write(lua_State* L, const char* what, int key) {
  auto& st = state_of(L);
  std::optional<diag::Location> where = current_location(L);
  if (!st.current_event || !where || !st.shared_state_reported.insert({where->file, where->line}).second) {
    return;
  }
  std::string name = lua_type(L, key) == LUA_TSTRING ? lua_tostring(L, key) : luaL_typename(L, key);
  if (name.size() > 64) {
    name = name.substr(0, 64) + "...";
  }
  add_side_diagnostic(
      st,
      diag::make_diagnostic(
          Code::shared_state,
          "the " + *st.current_event + " handler assigns " + what + name +
              ": the value is kept for later queues in this run, and in kumod it depends on which of its pooled Lua "
              "contexts serves the queue; keep per-queue values in locals",
          *where));
}

// __newindex of a watched table; upvalues: the backing table, a label.
int watched_newindex(lua_State* L) {
  report_shared_write(L, lua_tostring(L, lua_upvalueindex(2)), 2);
  lua_settop(L, 3);
  lua_rawset(L, lua_upvalueindex(1));
  return 0;
}

// __pairs of a watched table; upvalues: the backing table, next.
int watched_pairs(lua_State* L) {
  lua_pushvalue(L, lua_upvalueindex(2));
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_pushnil(L);
  return 3;
}

// [-0, +0, m] Moves the table's entries and metatable into a backing table
// and leaves the table empty, reading through to it: every assignment then
// passes watched_newindex, whether the key existed or not.
void watch_table(lua_State* L, int index, const char* label) {
  index = lua_absindex(L, index);
  lua_newtable(L);
  int backing = lua_gettop(L);
  if (lua_getmetatable(L, index) != 0) {
    lua_setmetatable(L, backing);
  }
  lua_pushnil(L);
  while (lua_next(L, index) != 0) {
    lua_pushvalue(L, -2);
    lua_insert(L, -2);
    lua_rawset(L, backing);
  }
  // Clear after copying: assigning existing fields during lua_next is fine,
  // but clearing is done in a second pass over the backing table's keys.
  lua_pushnil(L);
  while (lua_next(L, backing) != 0) {
    lua_pop(L, 1);
    lua_pushvalue(L, -1);
    lua_pushnil(L);
    lua_rawset(L, index);
  }
  lua_createtable(L, 0, 4);
  lua_pushvalue(L, backing);
  lua_setfield(L, -2, "__index");
  lua_pushvalue(L, backing);
  lua_pushstring(L, label);
  lua_pushcclosure(L, guarded<watched_newindex>, 2);
  lua_setfield(L, -2, "__newindex");
  lua_pushvalue(L, backing);
  lua_getfield(L, LUA_REGISTRYINDEX, "kumo-lint.next");
  lua_pushcclosure(L, guarded<watched_pairs>, 2);
  lua_setfield(L, -2, "__pairs");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_setmetatable(L, index);
  lua_pop(L, 1);
}

}  // namespace

void watch_shared_state(lua_State* L) {
  // The globals, unless the policy gave them a metatable of its own (a
  // "strict" module): its __index/__newindex keep their meaning.
  lua_pushglobaltable(L);
  if (lua_getmetatable(L, -1) == 0) {
    watch_table(L, -1, "the global ");
  } else {
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  // The kumo module, as kumo-lint made it (a policy may have swapped it).
  if (lua_getfield(L, LUA_REGISTRYINDEX, k_kumo_module) == LUA_TTABLE) {
    watch_table(L, -1, "kumo.");
  }
  lua_pop(L, 1);
}

void open_sandbox(lua_State* L) {
  // os.date and os.time read the fixed clock in UTC, whatever this
  // machine's time zone (kumo-lint itself never reads local time).
  static const bool utc = [] {
    ::setenv("TZ", "UTC0", 1);
    ::tzset();
    return true;
  }();
  (void)utc;
  // The host's private copy of the standard library.
  luaL_openlibs(L);
  lua_pushglobaltable(L);
  int original_g = lua_gettop(L);
  lua_getfield(L, original_g, "next");
  lua_setfield(L, LUA_REGISTRYINDEX, "kumo-lint.next");
  luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
  int loaded = lua_gettop(L);

  // The policy's: new tables only.
  lua_newtable(L);
  int env = lua_gettop(L);
  lua_newtable(L);
  int policy_loaded = lua_gettop(L);
  build_base(L, env, original_g);
  build_libraries(L, env, loaded);
  build_io(L, env, loaded);
  build_os(L, env, loaded);
  build_debug(L, env, loaded);
  build_package(L, env, loaded, policy_loaded);
  lua_getfield(L, env, "string");
  lua_getfield(L, env, "table");
  install_bounded_functions(L, lua_absindex(L, -2), lua_absindex(L, -1));
  lua_pop(L, 1);
  charge_by_string_size(L, -1, {"format", "pack", "unpack", "packsize"});
  lua_pop(L, 1);
  lua_getfield(L, env, "string");
  wrap_field(L, -1, -1, "format", guarded<stable_format>);
  lua_pop(L, 1);
  seed_random_fixed(L, env);
  lua_getfield(L, env, "utf8");
  charge_by_string_size(L, -1, {"len", "codepoint", "offset", "char"});
  lua_pop(L, 1);
  lua_getfield(L, env, "os");
  charge_by_string_size(L, -1, {"date"});
  lua_pop(L, 1);
  charge_by_string_size(L, env, {"tonumber", "rawequal", "load"});
  wrap_field(L, env, original_g, "collectgarbage", guarded<charged_collectgarbage>);
  for (const char* name : {"string", "table", "math", "utf8", "coroutine", "io", "os", "debug", "package"}) {
    lua_getfield(L, env, name);
    lua_setfield(L, policy_loaded, name);
  }
  lua_pushvalue(L, env);
  lua_setfield(L, policy_loaded, "_G");

  rebind_string_metatable(L, env);
  lock_registry_metatable(L, LUA_FILEHANDLE);
  create_open_file_set(L);

  // Swap: from now on globals and require see only the policy's tables.
  lua_pushvalue(L, env);
  lua_rawseti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
  lua_pushvalue(L, policy_loaded);
  lua_setfield(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
  lua_settop(L, original_g - 1);
}

}  // namespace kumo::lua
