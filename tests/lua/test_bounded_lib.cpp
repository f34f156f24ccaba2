// The bounded string and table functions (core/lua/bounded_lib.hpp):
// differential tests against Lua 5.4's own functions (two plain states fed
// the same chunks; every result and error message must be equal), and the
// calls that used to hang, stopped by the budget through PolicyHost.
#include <catch2/catch.hpp>

#include <lua.hpp>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <limits>
#include <random>
#include <set>

#include "core/lua/bounded_lib.hpp"
#include "core/lua/bridge.hpp"
#include "core/lua/host.hpp"

using kumo::lua::PolicyHost;

namespace {

// A plain Lua state with the standard libraries, and the bounded functions
// installed in its string and table libraries when `bounded`. It carries a
// PolicyHost::State with no limits, which charge_steps needs.
class LibState {
 public:
  explicit LibState(bool bounded) : m_L(luaL_newstate()) {
    m_host.options.max_instructions = std::numeric_limits<std::uint64_t>::max();
    m_host.call_deadline = std::chrono::steady_clock::time_point::max();
    *static_cast<PolicyHost::State**>(lua_getextraspace(m_L)) = &m_host;
    luaL_openlibs(m_L);
    if (bounded) {
      lua_getglobal(m_L, "string");
      lua_getglobal(m_L, "table");
      kumo::lua::install_bounded_functions(m_L, lua_absindex(m_L, -2), lua_absindex(m_L, -1));
      lua_pop(m_L, 2);
    }
  }
  ~LibState() { lua_close(m_L); }
  LibState(const LibState&) = delete;
  LibState& operator=(const LibState&) = delete;

  // Runs `chunk`; describes its results, or its error message.
  std::string run(const std::string& chunk) {
    if (luaL_loadbufferx(m_L, chunk.data(), chunk.size(), "=case", "t") != LUA_OK) {
      std::string error = lua_tostring(m_L, -1);
      lua_settop(m_L, 0);
      return "does not compile: " + error;
    }
    std::string out;
    if (lua_pcall(m_L, 0, LUA_MULTRET, 0) != LUA_OK) {
      out = "error: " + describe(-1, 0);
    } else {
      for (int i = 1; i <= lua_gettop(m_L); ++i) {
        out += describe(i, 0) + "; ";
      }
    }
    lua_settop(m_L, 0);
    return out;
  }

  std::uint64_t steps() const { return m_host.instructions; }

 private:
  // A value as text: types, integer/float and every byte kept apart;
  // tables by content, their entries sorted.
  std::string describe(int index, int depth) {
    index = lua_absindex(m_L, index);
    switch (lua_type(m_L, index)) {
      case LUA_TNIL: return "nil";
      case LUA_TBOOLEAN: return lua_toboolean(m_L, index) ? "true" : "false";
      case LUA_TNUMBER: {
        if (lua_isinteger(m_L, index)) {
          return "int " + std::to_string(lua_tointeger(m_L, index));
        }
        char text[64];
        std::snprintf(text, sizeof text, "float %a", lua_tonumber(m_L, index));
        return text;
      }
      case LUA_TSTRING: {
        std::size_t len = 0;
        const char* s = lua_tolstring(m_L, index, &len);
        return "\"" + std::string(s, len) + "\"";
      }
      case LUA_TTABLE: {
        if (depth > 3) {
          return "{...}";
        }
        std::set<std::string> entries;
        lua_pushnil(m_L);
        while (lua_next(m_L, index) != 0) {
          entries.insert(describe(-2, depth + 1) + "=" + describe(-1, depth + 1));
          lua_pop(m_L, 1);
        }
        std::string out = "{";
        for (const auto& e : entries) {
          out += e + ", ";
        }
        return out + "}";
      }
      default: return luaL_typename(m_L, index);
    }
  }

  PolicyHost::State m_host;
  lua_State* m_L;
};

// Runs each chunk in a state with Lua's functions and one with the bounded
// ones; both must describe the same outcome.
class Differential {
 public:
  void check(const std::string& chunk) {
    INFO(chunk);
    std::string expected = m_original.run(chunk);
    CHECK(m_bounded.run(chunk) == expected);
    ++m_cases;
  }
  int cases() const { return m_cases; }
  std::uint64_t bounded_steps() const { return m_bounded.steps(); }

 private:
  LibState m_original{false};
  LibState m_bounded{true};
  int m_cases = 0;
};

// A Lua string literal holding exactly `bytes`.
std::string lua_literal(const std::string& bytes) {
  std::string out = "\"";
  for (unsigned char c : bytes) {
    if (std::isalnum(c) || c == ' ') {
      out += static_cast<char>(c);
    } else {
      out += "\\" + std::to_string(c / 100) + std::to_string(c / 10 % 10) + std::to_string(c % 10);
    }
  }
  return out + "\"";
}

// Chunk collecting everything gmatch yields (each step's values packed).
std::string gmatch_chunk(const std::string& args) {
  return "local it = string.gmatch(" + args +
         ")\nlocal out = {}\nfor i = 1, 100 do\n  local r = table.pack(it())\n  if r.n == 0 then break end\n"
         "  out[i] = r\nend\nreturn out";
}

// Hand-written edge cases, one list per feature; each is a whole chunk.
// clang-format off
const std::vector<std::string> k_string_cases = {
    // find/match: init, anchors, plain find and the no-specials path
    "return string.find('hello', 'l')", "return string.find('hello', 'l', -2)", "return string.find('hello', 'l', -100)",
    "return string.find('hello', '', 10)", "return string.find('hello', '', 6)", "return string.find('hello', '', 7)",
    "return string.find('', '')", "return string.find('hello', 'lo', 0)", "return string.find('a.b', '.', 1, true)",
    "return string.find('a.b', '.', 2, 1)", "return string.find('a+b', 'a+b', 1, false)",
    "return string.find('a\\0b\\0c', '\\0c')", "return string.find('a\\0b', 'b\\0')", "return string.find('aXb', 'X', 1.0)",
    "return string.find('aXb', 'X', 1.5)", "return string.find('aXb', 'X', '2')", "return string.find(12345, 34)",
    "return string.find('abc', 'b', nil, true)", "return string.find('^ab', '^a')", "return string.find('ab^', 'b^')",
    "return string.find('ab', '^b')", "return string.match('abc', '^(a)(b)')", "return string.match('abc', 'c$')",
    "return string.match('ab$', 'b$')", "return string.match('a$b', '$b')", "return string.match('abc', '$')",
    "return string.match('hello world', '%w+', 6)", "return string.match('  x', '^%s*(.-)%s*$')",
    "return string.find()", "return string.find('a')", "return string.find('a', {})", "return string.match(nil, 'a')",
    "return string.find('a', 'a', {})", "return ('abc'):find('b')", "return string.find('abc', 'b', math.maxinteger)",
    "return string.find('abc', 'b', math.mininteger)", "return string.find(string.rep('ab', 50), string.rep('ab', 20) .. 'c', 1, true)",
    // captures, position captures, back references
    "return string.find('hello', '(l)(l)')", "return string.match('hello', '()ll()')", "return string.match('x', '()')",
    "return string.find('abcabc', '(abc)%1')", "return string.match('abab', '(a)(b)%2')", "return string.match('aa', '(a)%0')",
    "return string.match('aa', '(a)%2')", "return string.match('aa', '(a%1)')", "return string.match('aa', '()%1')",
    "return string.match('abc', '((a)(b))')", "return string.match('abc', '(a')", "return string.match('abc', 'a)')",
    "return string.match('abc', '(()')", "return string.find('abc', '(a')",
    "return string.match(string.rep('a', 40), string.rep('(a)', 32))", "return string.match(string.rep('a', 40), string.rep('(a)', 33))",
    "return string.match(string.rep('a', 40), string.rep('()', 32))",
    // classes, sets, %f, %b, %g
    "return string.match('x1 y2', '%a%d')", "return string.match('\\t\\n ', '%s+')", "return string.match('AbC', '%u%l%u')",
    "return string.match('a.b', '%p')", "return string.match('ff0Z', '%x+')", "return string.match('a\\0b', '%z')",
    "return string.match('a b\\1', '%g+')", "return string.match('a b', '%G')", "return string.match('a_1', '[%w_]+')",
    "return string.match('a]b', '[]]')", "return string.match('a]b', '[%]]')", "return string.match('a-b', '[a-]+')",
    "return string.match('a-b', '[-a]+')", "return string.match('abz', '[^a-y]')", "return string.match('^', '[^^]')",
    "return string.match('^', '[]^]')", "return string.match('abc', '[a-c-]+')", "return string.match('a', '[a')",
    "return string.match('a', '[a%')", "return string.match('a', '[%a')", "return string.match('a', '[')",
    "return string.match('a', '[^')", "return string.match('a', '%')", "return string.match('a', 'a%')",
    "return string.find('THE (quick) fox', '%f[%a]%a+')", "return string.find('THE (quick) fox', '%f[%l]%a+')",
    "return string.gsub('the cat sat', '%f[%w]%w+', 'X')", "return string.match('a', '%f[%z]')",
    "return string.match('ab', '%fa')", "return string.match('ab', '%f')", "return string.match('ab', '%f[a')",
    "return string.find('f(a(b)c)d', '%b()')", "return string.find('f(a(bc', '%b()')", "return string.find('x', '%b')",
    "return string.find('x', '%bx')", "return string.find('xx', '%bxx')", "return string.find('[[]]', '%b[]')",
    "return string.find('a', '%b\\0a')",
    // every byte against every class, and its complement
    "local all = {} for i = 0, 255 do all[i + 1] = string.char(i) end all = table.concat(all)\n"
    "local out = {} for c in ('acdglpsuwxzACDGLPSUWXZ.'):gmatch('.') do\n"
    "  out[c] = all:gsub('%' .. c, '') out['[' .. c] = all:gsub('[%' .. c .. ']', '') end return out",
    // repetition, backtracking, depth
    "return string.match('aaab', 'a-b')", "return string.match('aaab', 'a*')", "return string.match('aaab', 'a+b')",
    "return string.match('b', 'a+b')", "return string.match('ab', 'a?b')", "return string.match('b', 'a?b')",
    "return string.match('aaa', '^a-$')", "return string.match('<<a>>', '<(.-)>')", "return string.match('<<a>>', '<(.*)>')",
    "return string.match('a', '*')", "return string.match('a*', 'a*')", "return string.match('+', '+')",
    "return string.match(string.rep('a', 300), string.rep('a?', 150))",
    "return string.match(string.rep('a', 300), string.rep('a?', 250))",
    "return string.match(string.rep('a', 300), string.rep('(a)?', 250))",
    "return string.find(string.rep('a', 20), string.rep('a?', 20) .. string.rep('a', 20))",
    "return string.match(string.rep('a', 300), string.rep('a', 300))",
    // gmatch: init, empty matches, anchors
    gmatch_chunk("'hello world', '%a+'"), gmatch_chunk("'hello world', '%a+', 3"), gmatch_chunk("'hello', '', 4"),
    gmatch_chunk("'hello', 'l*'"), gmatch_chunk("'abc', ''"), gmatch_chunk("'abc', '', -1"), gmatch_chunk("'abc', '', 10"),
    gmatch_chunk("'abc', '.', -100"), gmatch_chunk("'a=1, b=2', '(%w+)=(%w+)'"), gmatch_chunk("'^a^a', '^a'"),
    gmatch_chunk("'abc', '()'"), gmatch_chunk("'abc', '(a'"), gmatch_chunk("'abc', '%'"), gmatch_chunk("'a,b,,c', '([^,]*)'"),
    gmatch_chunk("'abc', 'x*'"), "return string.gmatch()", "return string.gmatch('a', nil)",
    "local it = string.gmatch('ab', '(')  return pcall(it), pcall(it)",
    // gsub: replacement strings, tables, functions, counts
    "return string.gsub('hello world', 'o', '0')", "return string.gsub('hello world', 'o', '0', 1)",
    "return string.gsub('hello world', 'o', '0', 0)", "return string.gsub('hello world', 'o', '0', -1)",
    "return string.gsub('hello world', 'o', '0', 1.0)", "return string.gsub('hello world', 'o', '0', 1.5)",
    "return string.gsub('hello', '', '-')", "return string.gsub('hello', 'l*', '-')", "return string.gsub('abc', '^', '>')",
    "return string.gsub('abc', '^a', '>')", "return string.gsub('abc', '$', '<')", "return string.gsub('abc', '%w', '%0%0')",
    "return string.gsub('abc', '(%w)', '%1-')", "return string.gsub('abc', '%w', '%1')", "return string.gsub('abc', '%w', '%2')",
    "return string.gsub('abc', '(%w)', '%2')", "return string.gsub('abc', '()b', '%1')", "return string.gsub('abc', 'b', '%%')",
    "return string.gsub('abc', 'b', '%')", "return string.gsub('abc', 'b', '%x')", "return string.gsub('abc', 'b', 'x%')",
    "return string.gsub('abc', 'b', 5)", "return string.gsub('abc', 'b', 5.5)", "return string.gsub('abc', 'b')",
    "return string.gsub('abc', 'b', true)", "return string.gsub('abc', 'b', nil, 'x')", "return string.gsub('abc', 'b', {}, 'x')",
    "return string.gsub('abc', '%w', {a = 'A', b = false, c = 3})", "return string.gsub('abc', '(%w)(%w)', {a = 'X'})",
    "return string.gsub('abc', '%w', {a = {}})", "return string.gsub('abc', '()', {[1] = 'one'})",
    "return string.gsub('abc', '%w', function(c) return c:upper() end)",
    "return string.gsub('abc', '(%w)()', function(c, p) return p end)",
    "return string.gsub('abc', '%w', function() return nil end)", "return string.gsub('abc', '%w', function() return false end)",
    "return string.gsub('abc', '%w', function() return {} end)", "return string.gsub('abc', '%w', function() error('boom') end)",
    "return string.gsub('abc', '%w', setmetatable({}, {__index = function(_, k) return k .. k end}))",
    "return string.gsub('abc', '(', 'x')", "return string.gsub('a\\0b', '%z', 'Z')", "return string.gsub(123, 2, 9)",
    "return string.gsub('hello world', '(o)', '[%1%0]')", "return string.gsub('', '', 'x')", "return string.gsub('', 'x*', '%0')",
    // rep
    "return string.rep('ab', 3)", "return string.rep('ab', 3, ',')", "return string.rep('ab', 0)", "return string.rep('ab', -1)",
    "return string.rep('', 5, '')", "return string.rep('', 3, 'x')", "return string.rep('x', 1, ',')", "return string.rep('x', 2.0)",
    "return string.rep('x', 2.5)", "return string.rep('x')", "return string.rep('x', 1e10)", "return string.rep('x', 2^31, 'y')",
    "return string.rep('', math.maxinteger, 'xx')", "return string.rep(5, 2, 0)", "return string.rep('x', 3, {})",
    // sub, upper, lower, reverse, byte
    "return string.sub('hello', 2, 4)", "return string.sub('hello', -3)", "return string.sub('hello', 0)",
    "return string.sub('hello', 4, 2)", "return string.sub('hello', -100, 100)", "return string.sub('hello', 2, -100)",
    "return string.sub('hello', math.mininteger, math.maxinteger)", "return string.sub('hello')", "return string.sub('hello', 'x')",
    "return string.sub('hello', 1.5)", "return string.sub(12345, 2, 3)", "return ('hello'):sub(2)",
    "return string.upper('Hello, World! \\200\\255')", "return string.lower('Hello, World! \\200\\255')",
    "return string.upper(12.5)", "return string.lower()", "return string.reverse('hello\\0x')", "return string.reverse('')",
    "return string.reverse({})", "return string.byte('hello')", "return string.byte('hello', 2, 4)", "return string.byte('hello', -2)",
    "return string.byte('hello', 0)", "return string.byte('hello', 10)", "return string.byte('hello', 1, -1)",
    "return string.byte('hello', -100, 100)", "return string.byte('', 1)", "return string.byte('hello', 3, 2)",
    "return string.byte('h\\200', 1, 2)", "return string.byte('hello', 'x')", "return string.byte(string.rep('x', 2000000), 1, -1)",
    "return string.byte('x', math.mininteger, math.maxinteger)",
};
// clang-format on

// clang-format off
const std::vector<std::string> k_table_cases = {
    // insert
    "local t = {1, 2, 3} table.insert(t, 'x') return t", "local t = {1, 2, 3} table.insert(t, 1, 'x') return t",
    "local t = {1, 2, 3} table.insert(t, 4, 'x') return t", "local t = {1, 2, 3} table.insert(t, 5, 'x') return t",
    "local t = {1, 2, 3} table.insert(t, 0, 'x') return t", "local t = {} table.insert(t, -1, 'x') return t",
    "local t = {1} table.insert(t, 1, 2, 3) return t", "local t = {1} table.insert(t) return t",
    "return table.insert(nil, 1)", "return table.insert('abc', 1)", "local t = {1} table.insert(t, 'a', 2) return t",
    "local t = {1} table.insert(t, 1.0, 2) return t", "local t = {1} table.insert(t, 1.5, 2) return t",
    "local t = {1, 2} table.insert(t, 2, nil) return t",
    // remove
    "local t = {1, 2, 3} return table.remove(t), t", "local t = {1, 2, 3} return table.remove(t, 1), t",
    "local t = {1, 2, 3} return table.remove(t, 4), t", "local t = {1, 2, 3} return table.remove(t, 5), t",
    "local t = {} return table.remove(t), t", "local t = {} return table.remove(t, 0), t",
    "local t = {} return table.remove(t, -1), t", "local t = {[0] = 'z'} return table.remove(t, 0), t",
    "return table.remove(nil)", "local t = {1} return table.remove(t, 'x')",
    // move
    "return table.move({1, 2, 3}, 1, 3, 2)", "return table.move({1, 2, 3}, 2, 3, 1)", "return table.move({1, 2, 3}, 1, 3, 1, {})",
    "return table.move({1, 2, 3}, 3, 1, 1)", "return table.move({1, 2, 3}, 1, 3, 3)", "return table.move({1, 2, 3}, -1, 1, 5)",
    "return table.move({}, math.mininteger, 0, 1)", "return table.move({}, 1, math.maxinteger, 2)",
    "return table.move({}, 0, math.maxinteger, 1)", "local t = {1, 2} return table.move(t, 1, 2, 1, t)",
    "return table.move({1}, 1, 1)", "return table.move({1}, 1, 1, 1, 5)", "return table.move(1, 1, 1, 1)",
    // concat
    "return table.concat({1, 2, 3})", "return table.concat({1, 2, 3}, ', ')", "return table.concat({1, 2, 3}, ', ', 2)",
    "return table.concat({1, 2, 3}, ', ', 2, 3)", "return table.concat({1, 2, 3}, ', ', 3, 2)", "return table.concat({})",
    "return table.concat({1, {}, 3})", "return table.concat({1, 2, 3}, ', ', 1, 5)", "return table.concat({1.5, 2, 'x'}, 7)",
    "return table.concat({'a', 'b'}, {})", "return table.concat({'a'}, '', 0, 0)", "return table.concat({'a'}, '', 'x')",
    "return table.concat({[math.maxinteger] = 'a'}, '', math.maxinteger, math.maxinteger)",
    // unpack
    "return table.unpack({1, 2, 3})", "return table.unpack({1, 2, 3}, 2)", "return table.unpack({1, 2, 3}, 2, 5)",
    "return table.unpack({1, 2, 3}, 3, 2)", "return table.unpack({}, 1, 1e7)", "return table.unpack({}, math.mininteger, math.maxinteger)",
    "return table.unpack({}, math.maxinteger, math.maxinteger)", "return table.unpack('abc', 1, 1)", "return table.unpack()",
    // sort
    "local t = {3, 1, 2} table.sort(t) return t", "local t = {3, 1, 2} table.sort(t, function(a, b) return a > b end) return t",
    "local t = {'b', 'a', 'c'} table.sort(t, nil) return t", "local t = {3, 'a', 2} table.sort(t) return t",
    "local t = {3, 1, 2} table.sort(t, 1) return t", "table.sort(nil)", "local t = {1} table.sort(t, 1) return t",
    "local t = {3, 1, 2} table.sort(t, function() error('cmp') end) return t",
    "local t = {} for i = 1, 200 do t[i] = (i * 37) % 101 end table.sort(t) return t",
    // (an invalid order on fewer than 100 elements: Lua's random pivots only apply to longer ranges)
    "local t = {} for i = 1, 90 do t[i] = (i * 37) % 11 end table.sort(t, function(a, b) return a >= b end) return t",
    "local t = {} for i = 1, 50 do t[i] = {k = i % 7, i = i} end table.sort(t, function(a, b) return a.k < b.k end) "
    "local o = {} for i, v in ipairs(t) do o[i] = v.i end return o",
    "local t = {5, 4, 3, 2, 1} table.sort(t, function(a, b) return true end) return t",
    "local t = {} for i = 1, 300 do t[i] = i % 2 end table.sort(t, function(a, b) return true end) return t",
    "local t = setmetatable({}, {__len = function() return 2^31 end}) table.sort(t)",
    "local t = setmetatable({}, {__len = function() return 'x' end}) table.sort(t)",
    // proxies: the order of __index/__newindex/__len calls is behaviour too
};
// clang-format on

// A proxy table logging every metamethod call, over a real array of `n`.
std::string logged_proxy(int n) {
  return "local log, data = {}, {} for i = 1, " + std::to_string(n) +
         " do data[i] = (i * 7) % 5 end\n"
         "local t = setmetatable({}, {\n"
         "  __index = function(_, k) log[#log + 1] = 'get ' .. tostring(k) return data[k] end,\n"
         "  __newindex = function(_, k, v) log[#log + 1] = 'set ' .. tostring(k) .. '=' .. tostring(v) data[k] = v "
         "end,\n"
         "  __len = function() log[#log + 1] = 'len' return #data end})\n";
}

const std::vector<std::string> k_proxy_calls = {
    "table.insert(t, 'x')",    "table.insert(t, 2, 'x')",
    "table.remove(t)",         "table.remove(t, 1)",
    "table.move(t, 1, 3, 2)",  "table.move(t, 2, 4, 1)",
    "table.concat(t, ',')",    "table.unpack(t)",
    "table.sort(t)",           "table.sort(t, function(a, b) return a > b end)",
    "table.insert(t, 9, 'x')",
};

// Deterministic pseudo-random choices (std::mt19937 is specified exactly;
// the distributions are not, so they are avoided).
class Chooser {
 public:
  explicit Chooser(std::uint32_t seed) : m_engine(seed) {}
  std::size_t below(std::size_t n) { return m_engine() % n; }
  template <typename T>
  const T& pick(const std::vector<T>& items) {
    return items[below(items.size())];
  }

 private:
  std::mt19937 m_engine;
};

std::string random_subject(Chooser& c) {
  static const std::string alphabet = "aaabb()x. %-]";
  std::string s;
  for (std::size_t n = c.below(10); n > 0; --n) {
    s += alphabet[c.below(alphabet.size())];
  }
  return s;
}

std::string random_pattern(Chooser& c) {
  static const std::vector<std::string> items = {
      "a",   "b",    "x",     ".",      "%a", "%d", "%s",  "%W",  "%.", "%%", "[ab]", "[^a]", "[a-b]", "[%a.]",
      "[]]", "%b()", "%f[a]", "%f[^a]", "(",  ")",  "()",  "%1",  "%2", "*",  "+",    "-",    "?",     "$",
      "^",   "%",    "[",     "a*",     "b-", ".-", "(a)", "(.)", "[",  "%g", " ",    "%z",
  };
  std::string p = c.below(4) == 0 ? "^" : "";
  for (std::size_t n = 1 + c.below(5); n > 0; --n) {
    p += c.pick(items);
  }
  return p;
}

std::string random_replacement(Chooser& c) {
  static const std::vector<std::string> items = {"%0", "%1", "%2", "x", "%%", "%", "%x", "<", "", "%3"};
  std::string r;
  for (std::size_t n = c.below(4); n > 0; --n) {
    r += c.pick(items);
  }
  return r;
}

std::string random_init(Chooser& c) {
  static const std::vector<std::string> inits = {"nil", "1", "2", "0", "-1", "-3", "5", "12", "-20"};
  return c.pick(inits);
}

// The chunks exercising one random (subject, pattern, init, replacement).
std::vector<std::string> random_chunks(Chooser& c) {
  std::string s = lua_literal(random_subject(c));
  std::string p = lua_literal(random_pattern(c));
  std::string init = random_init(c);
  std::string r = lua_literal(random_replacement(c));
  std::string max = c.below(3) == 0 ? std::to_string(static_cast<int>(c.below(4))) : "nil";
  return {
      "return string.find(" + s + ", " + p + ", " + init + ")",
      "return string.find(" + s + ", " + p + ", " + init + ", true)",
      "return string.match(" + s + ", " + p + ", " + init + ")",
      gmatch_chunk(s + ", " + p + ", " + init),
      "return string.gsub(" + s + ", " + p + ", " + r + ", " + max + ")",
      "return string.gsub(" + s + ", " + p + ", {a = 'A', b = false, x = 1, ['('] = {}}, " + max + ")",
      "return string.gsub(" + s + ", " + p + ", function(...) return select('#', ...) .. table.concat({...}, '|') end)",
  };
}

// The policy for the budget tests: `body` runs inside get_queue_config.
std::string policy_running(const std::string& body) {
  return "local kumo = require 'kumo'\n"
         "kumo.on('get_queue_config', function()\n" +
         body + "\n  return kumo.make_queue_config{}\nend)\n";
}

std::string first_code_after(const std::string& body, std::uint64_t max_instructions) {
  kumo::lua::HostOptions options;
  options.max_instructions = max_instructions;
  PolicyHost host(options);
  auto loaded = host.load(KUMO_LINT_SOURCE_DIR "/testdata/inline.lua", policy_running(body));
  REQUIRE(loaded.diagnostics.empty());
  auto ev = host.evaluate(kumo::values::QueueName{std::nullopt, std::nullopt, "example.com", std::nullopt});
  return ev.diagnostics.empty() ? "" : ev.diagnostics.front().code;
}

}  // namespace

TEST_CASE("bounded string functions match Lua's on hand-written edge cases", "[bounded_lib]") {
  Differential d;
  for (const auto& chunk : k_string_cases) {
    d.check(chunk);
  }
  CHECK(d.bounded_steps() > 0);
}

TEST_CASE("bounded table functions match Lua's, metamethod calls included", "[bounded_lib]") {
  Differential d;
  for (const auto& chunk : k_table_cases) {
    d.check(chunk);
  }
  for (const auto& call : k_proxy_calls) {
    for (int n : {0, 1, 3, 6}) {
      d.check(logged_proxy(n) + "local r = table.pack(pcall(function() return " + call + " end))\nreturn r, log, data");
    }
  }
}

TEST_CASE("bounded pattern functions match Lua's on seeded random inputs", "[bounded_lib]") {
  Differential d;
  Chooser chooser(20240611);
  for (int i = 0; i < 3000; ++i) {
    for (const auto& chunk : random_chunks(chooser)) {
      d.check(chunk);
    }
  }
  CHECK(d.cases() == 3000 * 7);
}

TEST_CASE("a gmatch iterator keeps its depth limit after an error (Lua 5.4.4 loses it)", "[bounded_lib]") {
  LibState bounded(true);
  std::string too_complex = "error: \"case:2: pattern too complex\"";
  CHECK(bounded.run("local it = string.gmatch(string.rep('a', 300), string.rep('a?', 250))\n"
                    "local ok, e = pcall(it) assert(e == 'pattern too complex') return it()") == too_complex);
}

TEST_CASE("pattern matching charges its work as steps", "[bounded_lib]") {
  LibState bounded(true);
  bounded.run("return string.find(string.rep('a', 12), string.rep('a?', 12) .. string.rep('a', 12))");
  std::uint64_t backtracking = bounded.steps();
  CHECK(backtracking > 4096);  // 2^12 ways to backtrack
  bounded.run("return string.find('abc', 'b')");
  CHECK(bounded.steps() > backtracking);  // even a tiny call is counted
}

TEST_CASE("calls into the C library that used to run for hours stop at the budget", "[bounded_lib]") {
  const std::vector<std::string> bodies = {
      "string.find(string.rep('a', 40), string.rep('a?', 40) .. string.rep('a', 40))",
      "local s = 'a' for i = 1, 20 do s = s .. s end\n"
      "string.find(s, s:sub(1, 1 << 19) .. 'b', 1, true)",
      "string.rep('', 1e18)",
      "string.rep('', 1e18, '')",
      "string.gsub(string.rep('x', 100000), '', ('%0'):rep(100000))",
      "for _ in string.gmatch(string.rep('a', 40), string.rep('a?', 40) .. string.rep('a', 40)) do end",
      "local s = 'a' for i = 1, 20 do s = s .. s end\nfor i = 1, 1e6 do local u = s:upper() end",
      "local s = 'a' for i = 1, 20 do s = s .. s end\nfor i = 1, 1e6 do local u = s:sub(2) end",
      "table.move({}, 1, 1e12, 2)",
      "local t = {} for i = 1, 100000 do t[i] = i end\nfor i = 1, 1e6 do table.insert(t, 1, i) end",
      "table.insert(setmetatable({}, {__len = function() return 1e15 end}), 1, 'x')",
      "table.remove(setmetatable({}, {__len = function() return 1e15 end}), 1)",
      "table.concat(setmetatable({}, {__index = tostring}), '', 1, 1e12)",
      "local t = {} for i = 1, 100000 do t[i] = -i end table.sort(t)",
  };
  for (const auto& body : bodies) {
    INFO(body);
    CHECK(first_code_after(body, 1'000'000) == "KQ908");
  }
}
