// The bounded string and table functions (see bounded_lib.hpp): string.rep
// and the table library follow Lua 5.4.4's lstrlib.c/ltablib.c argument by
// argument and access by access (the order of __index/__newindex/__len
// calls is part of the behaviour), charging each element read or written,
// each comparison and each repetition as a step. The pattern functions
// live in bounded_pattern.cpp.
#include "core/lua/bounded_lib.hpp"

#include <climits>
#include <cstring>

#include "core/lua/bounded_pattern.hpp"
#include "core/lua/step_meter.hpp"

namespace kumo::lua {

namespace {

// --- string.rep ---

// lstrlib.c's MAXSIZE: results stay below INT_MAX bytes where size_t is
// wider than int.
constexpr std::size_t k_max_string_size =
    sizeof(std::size_t) < sizeof(int) ? ~std::size_t{0} : static_cast<std::size_t>(INT_MAX);

int bounded_rep(lua_State* L) {
  std::size_t l = 0;
  std::size_t lsep = 0;
  const char* s = luaL_checklstring(L, 1, &l);
  lua_Integer n = luaL_checkinteger(L, 2);
  const char* sep = luaL_optlstring(L, 3, "", &lsep);
  if (n <= 0) {
    lua_pushliteral(L, "");
    return 1;
  }
  if (l + lsep < l || l + lsep > k_max_string_size / static_cast<std::size_t>(n)) {
    return luaL_error(L, "resulting string too large");
  }
  std::size_t total = static_cast<std::size_t>(n) * l + static_cast<std::size_t>(n - 1) * lsep;
  luaL_Buffer b;
  char* p = luaL_buffinitsize(L, &b, total);
  StepMeter meter(L);
  while (n-- > 1) {
    // A step per copy even when nothing is copied: Lua's own loop runs n
    // times for string.rep('', n) too, and that is what kumod would do.
    meter.add_bytes(l + lsep);
    std::memcpy(p, s, l);
    p += l;
    if (lsep > 0) {
      std::memcpy(p, sep, lsep);
      p += lsep;
    }
  }
  std::memcpy(p, s, l);
  luaL_pushresultsize(&b, total);
  return 1;
}

// --- one pass over a string: charged before the pass ---
// Each is linear in memory the policy holds, yet a loop of them over a
// 100 MiB string runs a few instructions per call: minutes between two
// hook calls. Charging the bytes first stops such a loop within one call.

// lstrlib.c's getendpos: an optional end position, clipped to [0, len].
std::size_t end_position(lua_State* L, int arg, lua_Integer def, std::size_t len) {
  lua_Integer pos = luaL_optinteger(L, arg, def);
  if (pos > static_cast<lua_Integer>(len)) {
    return len;
  }
  if (pos >= 0) {
    return static_cast<std::size_t>(pos);
  }
  if (pos < -static_cast<lua_Integer>(len)) {
    return 0;
  }
  return len + static_cast<std::size_t>(pos) + 1;
}

int bounded_sub(lua_State* L) {
  std::size_t l = 0;
  const char* s = luaL_checklstring(L, 1, &l);
  std::size_t start = start_position(luaL_checkinteger(L, 2), l);
  std::size_t end = end_position(L, 3, -1, l);
  if (start <= end) {
    StepMeter(L).add_bytes(end - start + 1);
    lua_pushlstring(L, s + start - 1, (end - start) + 1);
  } else {
    lua_pushliteral(L, "");
  }
  return 1;
}

// [-0, +1, m] The string argument 1 with `convert` applied to each byte.
template <typename Convert>
int push_converted(lua_State* L, Convert convert) {
  std::size_t l = 0;
  const char* s = luaL_checklstring(L, 1, &l);
  StepMeter(L).add_bytes(l);
  luaL_Buffer b;
  char* p = luaL_buffinitsize(L, &b, l);
  for (std::size_t i = 0; i < l; i++) {
    p[i] = convert(s, l, i);
  }
  luaL_pushresultsize(&b, l);
  return 1;
}

// The "C" locale's toupper/tolower (see in_class in bounded_pattern.cpp).
int bounded_upper(lua_State* L) {
  return push_converted(L, [](const char* s, std::size_t, std::size_t i) {
    return (s[i] >= 'a' && s[i] <= 'z') ? static_cast<char>(s[i] - 'a' + 'A') : s[i];
  });
}

int bounded_lower(lua_State* L) {
  return push_converted(L, [](const char* s, std::size_t, std::size_t i) {
    return (s[i] >= 'A' && s[i] <= 'Z') ? static_cast<char>(s[i] - 'A' + 'a') : s[i];
  });
}

int bounded_reverse(lua_State* L) {
  return push_converted(L, [](const char* s, std::size_t l, std::size_t i) { return s[l - i - 1]; });
}

int bounded_byte(lua_State* L) {
  std::size_t l = 0;
  const char* s = luaL_checklstring(L, 1, &l);
  lua_Integer pi = luaL_optinteger(L, 2, 1);
  std::size_t posi = start_position(pi, l);
  std::size_t pose = end_position(L, 3, pi, l);
  if (posi > pose) {
    return 0;  // an empty interval: no values
  }
  if (pose - posi >= static_cast<std::size_t>(INT_MAX)) {
    return luaL_error(L, "string slice too long");
  }
  int n = static_cast<int>(pose - posi) + 1;
  luaL_checkstack(L, n, "string slice too long");
  StepMeter(L).add(static_cast<std::uint64_t>(n));
  for (int i = 0; i < n; i++) {
    lua_pushinteger(L, static_cast<unsigned char>(s[posi + static_cast<std::size_t>(i) - 1]));
  }
  return n;
}

// --- table functions ---

// What an argument must support to stand in for a table (ltablib.c's TAB_*).
enum TableUse : int { k_read = 1, k_write = 2, k_length = 4 };

// [-0, +1, -] Pushes metatable field `key`, raw; true when it is not nil.
// `n` is the metatable's distance from the top once the key is pushed.
bool has_metafield(lua_State* L, const char* key, int n) {
  lua_pushstring(L, key);
  return lua_rawget(L, -n) != LUA_TNIL;
}

// [-0, +0, v] A table, or a value whose metatable has the metamethods `uses`
// needs; anything else raises "table expected".
void check_table(lua_State* L, int arg, int uses) {
  if (lua_type(L, arg) == LUA_TTABLE) {
    return;
  }
  int n = 1;  // values to pop: the metatable and the fields tested
  if (lua_getmetatable(L, arg) && (!(uses & k_read) || has_metafield(L, "__index", ++n)) &&
      (!(uses & k_write) || has_metafield(L, "__newindex", ++n)) &&
      (!(uses & k_length) || has_metafield(L, "__len", ++n))) {
    lua_pop(L, n);
  } else {
    luaL_checktype(L, arg, LUA_TTABLE);  // raises
  }
}

// [-0, +0, e] aux_getn: the length of argument `arg` (which may call __len).
lua_Integer checked_length(lua_State* L, int arg, int uses) {
  check_table(L, arg, uses | k_length);
  return luaL_len(L, arg);
}

// Element reads and writes, one step each (each may run a metamethod, like
// a VM table instruction).
void get_element(StepMeter& meter, lua_State* L, int table, lua_Integer i) {
  meter.add(1);
  lua_geti(L, table, i);
}

void set_element(StepMeter& meter, lua_State* L, int table, lua_Integer i) {
  meter.add(1);
  lua_seti(L, table, i);
}

// [-1, +0, e] t[to] = t[from], the value passing through the stack.
void copy_element(StepMeter& meter, lua_State* L, int from_table, lua_Integer from, int to_table, lua_Integer to) {
  get_element(meter, L, from_table, from);
  set_element(meter, L, to_table, to);
}

int bounded_insert(lua_State* L) {
  lua_Integer e = checked_length(L, 1, k_read | k_write);
  e = luaL_intop(+, e, 1);  // the first empty slot
  StepMeter meter(L);
  lua_Integer pos = 0;
  switch (lua_gettop(L)) {
    case 2: pos = e; break;  // append
    case 3:
      pos = luaL_checkinteger(L, 2);
      luaL_argcheck(L, static_cast<lua_Unsigned>(pos) - 1u < static_cast<lua_Unsigned>(e), 2, "position out of bounds");
      for (lua_Integer i = e; i > pos; i--) {  // shift up
        copy_element(meter, L, 1, i - 1, 1, i);
      }
      break;
    default: return luaL_error(L, "wrong number of arguments to 'insert'");
  }
  set_element(meter, L, 1, pos);
  return 0;
}

int bounded_remove(lua_State* L) {
  lua_Integer size = checked_length(L, 1, k_read | k_write);
  lua_Integer pos = luaL_optinteger(L, 2, size);
  if (pos != size) {  // an explicit position must lie in [1, size + 1]
    luaL_argcheck(L, static_cast<lua_Unsigned>(pos) - 1u <= static_cast<lua_Unsigned>(size), 1,
                  "position out of bounds");
  }
  StepMeter meter(L);
  get_element(meter, L, 1, pos);  // the result
  for (; pos < size; pos++) {     // shift down
    copy_element(meter, L, 1, pos + 1, 1, pos);
  }
  lua_pushnil(L);
  set_element(meter, L, 1, pos);
  return 1;
}

int bounded_move(lua_State* L) {
  lua_Integer f = luaL_checkinteger(L, 2);
  lua_Integer e = luaL_checkinteger(L, 3);
  lua_Integer t = luaL_checkinteger(L, 4);
  int tt = !lua_isnoneornil(L, 5) ? 5 : 1;  // destination table
  check_table(L, 1, k_read);
  check_table(L, tt, k_write);
  if (e >= f) {
    luaL_argcheck(L, f > 0 || e < LUA_MAXINTEGER + f, 3, "too many elements to move");
    lua_Integer n = e - f + 1;
    luaL_argcheck(L, t <= LUA_MAXINTEGER - n + 1, 4, "destination wrap around");
    StepMeter meter(L);
    // Ascending when the ranges cannot overlap badly (better for rehashing).
    if (t > e || t <= f || (tt != 1 && !lua_compare(L, 1, tt, LUA_OPEQ))) {
      for (lua_Integer i = 0; i < n; i++) {
        copy_element(meter, L, 1, f + i, tt, t + i);
      }
    } else {
      for (lua_Integer i = n - 1; i >= 0; i--) {
        copy_element(meter, L, 1, f + i, tt, t + i);
      }
    }
  }
  lua_pushvalue(L, tt);
  return 1;
}

// [-0, +0, e] Appends t[i] (argument 1), which must be a string or number.
void add_field(StepMeter& meter, lua_State* L, luaL_Buffer* b, lua_Integer i) {
  get_element(meter, L, 1, i);
  if (!lua_isstring(L, -1)) {
    luaL_error(L, "invalid value (%s) at index %I in table for 'concat'", luaL_typename(L, -1),
               static_cast<LUAI_UACINT>(i));
  }
  meter.add_bytes(lua_rawlen(L, -1));
  luaL_addvalue(b);
}

int bounded_concat(lua_State* L) {
  luaL_Buffer b;
  lua_Integer last = checked_length(L, 1, k_read);
  std::size_t lsep = 0;
  const char* sep = luaL_optlstring(L, 2, "", &lsep);
  lua_Integer i = luaL_optinteger(L, 3, 1);
  last = luaL_optinteger(L, 4, last);
  luaL_buffinit(L, &b);
  StepMeter meter(L);
  for (; i < last; i++) {
    add_field(meter, L, &b, i);
    meter.add_bytes(lsep);
    luaL_addlstring(&b, sep, lsep);
  }
  if (i == last) {  // the last value, unless the range was empty
    add_field(meter, L, &b, i);
  }
  luaL_pushresult(&b);
  return 1;
}

int bounded_unpack(lua_State* L) {
  lua_Integer i = luaL_optinteger(L, 2, 1);
  lua_Integer e = luaL_opt(L, luaL_checkinteger, 3, luaL_len(L, 1));
  if (i > e) {
    return 0;
  }
  lua_Unsigned n = static_cast<lua_Unsigned>(e) - static_cast<lua_Unsigned>(i);  // count - 1, no overflow
  if (n >= static_cast<unsigned int>(INT_MAX) || !lua_checkstack(L, static_cast<int>(++n))) {
    return luaL_error(L, "too many results to unpack");
  }
  StepMeter meter(L);
  for (; i < e; i++) {  // stops before e: e + 1 may overflow
    get_element(meter, L, 1, i);
  }
  get_element(meter, L, 1, e);
  return static_cast<int>(n);
}

// --- table.sort: ltablib.c's quicksort, access for access ---

using SortIndex = unsigned int;  // ltablib.c's IdxT

// Intervals larger than this may use a "randomized" pivot (RANLIMIT).
constexpr SortIndex k_random_pivot_limit = 100;

// The "random" pivot seed after a badly unbalanced partition. Lua derives
// it from clock() and time(), so its choice is not reproducible; any value
// is one Lua could have drawn, and a fixed one keeps kumo-lint's reports
// identical from run to run.
constexpr unsigned int k_pivot_seed = 0x9e3779b9u;

class Sorter {
 public:
  // The array is argument 1, the order function (or nil) argument 2.
  Sorter(lua_State* L, StepMeter& meter) : m_L(L), m_meter(meter) {}

  // auxsort: sorts a[lo .. up].
  void sort(SortIndex lo, SortIndex up, unsigned int rnd);

 private:
  void get(SortIndex i) { get_element(m_meter, m_L, 1, i); }
  // [-2, +0, e] a[i] = top, a[j] = the value below it.
  void set2(SortIndex i, SortIndex j) {
    set_element(m_meter, m_L, 1, i);
    set_element(m_meter, m_L, 1, j);
  }
  bool less(int a, int b);
  SortIndex partition(SortIndex lo, SortIndex up);

  lua_State* m_L;
  StepMeter& m_meter;
};

// sort_comp: is the value at stack index `a` (negative) before the one at `b`?
bool Sorter::less(int a, int b) {
  m_meter.add(1);
  if (lua_isnil(m_L, 2)) {
    return lua_compare(m_L, a, b, LUA_OPLT);
  }
  lua_pushvalue(m_L, 2);
  lua_pushvalue(m_L, a - 1);  // - 1: the function was pushed
  lua_pushvalue(m_L, b - 2);  // - 2: the function and a
  lua_call(m_L, 2, 1);
  bool result = lua_toboolean(m_L, -1);
  lua_pop(m_L, 1);
  return result;
}

// With the pivot P on top of the stack and a[lo] <= P == a[up - 1] <= a[up]:
// partitions a[lo + 1 .. up - 2] around P; returns P's final index.
SortIndex Sorter::partition(SortIndex lo, SortIndex up) {
  SortIndex i = lo;      // incremented before first use
  SortIndex j = up - 1;  // decremented before first use
  for (;;) {
    for (get(++i); less(-1, -2); get(++i)) {  // while a[i] < P
      if (i == up - 1) {
        luaL_error(m_L, "invalid order function for sorting");  // a[i] < P == a[up - 1]
      }
      lua_pop(m_L, 1);
    }
    for (get(--j); less(-3, -1); get(--j)) {  // while P < a[j]
      if (j < i) {
        luaL_error(m_L, "invalid order function for sorting");
      }
      lua_pop(m_L, 1);
    }
    if (j < i) {  // nothing out of place: put P at i
      lua_pop(m_L, 1);
      set2(up - 1, i);
      return i;
    }
    set2(i, j);
  }
}

// choosePivot: a middle element (2nd-3rd quarter) "randomized" by rnd.
SortIndex random_pivot(SortIndex lo, SortIndex up, unsigned int rnd) {
  SortIndex r4 = (up - lo) / 4;
  return rnd % (r4 * 2) + (lo + r4);
}

void Sorter::sort(SortIndex lo, SortIndex up, unsigned int rnd) {
  while (lo < up) {  // the loop is the tail call on the larger half
    get(lo);
    get(up);
    if (less(-1, -2)) {  // a[up] < a[lo]?
      set2(lo, up);
    } else {
      lua_pop(m_L, 2);
    }
    if (up - lo == 1) {
      return;
    }
    SortIndex p = (up - lo < k_random_pivot_limit || rnd == 0) ? (lo + up) / 2 : random_pivot(lo, up, rnd);
    get(p);
    get(lo);
    if (less(-2, -1)) {  // a[p] < a[lo]?
      set2(p, lo);
    } else {
      lua_pop(m_L, 1);
      get(up);
      if (less(-1, -2)) {  // a[up] < a[p]?
        set2(p, up);
      } else {
        lua_pop(m_L, 2);
      }
    }
    if (up - lo == 2) {
      return;
    }
    get(p);  // the pivot
    lua_pushvalue(m_L, -1);
    get(up - 1);
    set2(p, up - 1);  // swap the pivot with a[up - 1]
    p = partition(lo, up);
    SortIndex smaller = 0;
    if (p - lo < up - p) {
      sort(lo, p - 1, rnd);
      smaller = p - lo;
      lo = p + 1;
    } else {
      sort(p + 1, up, rnd);
      smaller = up - p;
      up = p - 1;
    }
    if ((up - lo) / 128 > smaller) {  // too unbalanced: change pivots
      rnd = k_pivot_seed;
    }
  }
}

int bounded_sort(lua_State* L) {
  lua_Integer n = checked_length(L, 1, k_read | k_write);
  if (n > 1) {
    luaL_argcheck(L, n < INT_MAX, 1, "array too big");
    if (!lua_isnoneornil(L, 2)) {
      luaL_checktype(L, 2, LUA_TFUNCTION);
    }
    lua_settop(L, 2);
    StepMeter meter(L);
    Sorter(L, meter).sort(1, static_cast<SortIndex>(n), 0);
  }
  return 0;
}

// --- the replacements ---

enum class Library { string, table };

struct BoundedFunction {
  Library library;
  const char* name;
  lua_CFunction function;
};

// Every function replaced, and what the original can do in one call.
// Not replaced: string.len, char, format, pack, packsize, unpack, dump and
// table.pack (one pass over their arguments or format, at most ~10^6 stack
// slots); the utf8 library, whose len/offset/codepoint make one pass over a
// string like string.byte (install_bounded_functions is not given it).
constexpr BoundedFunction k_bounded_functions[] = {
    // Backtracking patterns take exponential time; plain find is O(n * m).
    {Library::string, "find", guarded<bounded_find>},
    {Library::string, "match", guarded<bounded_match>},
    {Library::string, "gmatch", guarded<bounded_gmatch>},
    // Also rescans a long replacement string at each of many empty matches.
    {Library::string, "gsub", guarded<bounded_gsub>},
    // string.rep('', 1e18) loops 1e18 times without allocating anything.
    {Library::string, "rep", guarded<bounded_rep>},
    // One pass over a string per call, a few VM instructions per loop turn.
    {Library::string, "sub", guarded<bounded_sub>},
    {Library::string, "upper", guarded<bounded_upper>},
    {Library::string, "lower", guarded<bounded_lower>},
    {Library::string, "reverse", guarded<bounded_reverse>},
    {Library::string, "byte", guarded<bounded_byte>},
    // Shift every element; __len may claim any length.
    {Library::table, "insert", guarded<bounded_insert>},
    {Library::table, "remove", guarded<bounded_remove>},
    // table.move(t, 1, 1e12, 2) copies 1e12 slots.
    {Library::table, "move", guarded<bounded_move>},
    // An __index returning '' makes any range cheap in memory.
    {Library::table, "concat", guarded<bounded_concat>},
    // Up to a million reads (and __index calls) per call.
    {Library::table, "unpack", guarded<bounded_unpack>},
    // n log n comparisons over up to 2^31 elements.
    {Library::table, "sort", guarded<bounded_sort>},
};

}  // namespace

void install_bounded_functions(lua_State* L, int string_table, int table_table) {
  for (const auto& f : k_bounded_functions) {
    lua_pushcfunction(L, f.function);
    lua_setfield(L, f.library == Library::string ? string_table : table_table, f.name);
  }
}

}  // namespace kumo::lua
