// Lua 5.4's patterns, matched by a backtracking matcher that follows the
// algorithm of Lua 5.4.4's lstrlib.c step for step (so results, captures
// and error messages are the same), and that charges its work as steps:
// a backtracking pattern can take exponential time in one call, which the
// instruction hook alone never sees.
//
// Pointers: subjects and patterns are Lua strings, which always have a '\0'
// one past their end; like lstrlib.c, the matcher may read that byte (e.g.
// the character after a trailing '%' or the "next" subject byte at the end).
#include "core/lua/bounded_pattern.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <new>
#include <string_view>

#include "core/lua/step_meter.hpp"

namespace kumo::lua {

namespace {

constexpr int k_max_captures = 32;                     // LUA_MAXCAPTURES
constexpr int k_max_match_depth = 200;                 // MAXCCALLS: recursion of match
constexpr char k_escape = '%';                         // L_ESC
constexpr std::string_view k_specials = "^$*+?.([%-";  // not the '\0' terminator

// Capture lengths that are not lengths.
constexpr std::ptrdiff_t k_capture_unfinished = -1;
constexpr std::ptrdiff_t k_capture_position = -2;

int byte_value(char c) { return static_cast<unsigned char>(c); }

// Where a match stands. Plain data: gmatch keeps one in a userdata between
// calls of its iterator (an error leaves it as lstrlib.c would).
struct MatchState {
  const char* src_init;  // the subject
  const char* src_end;
  const char* p_end;  // end of the pattern
  int depth_left;     // recursion still allowed ("pattern too complex")
  int level;          // captures opened so far, finished or not
  struct {
    const char* init;
    std::ptrdiff_t len;  // or k_capture_unfinished / k_capture_position
  } capture[k_max_captures];
};

// Sets up `ms` for subject s and pattern p. The capture slots are left
// uninitialized, as lstrlib.c leaves them: only slots below `level` are
// read, and clearing 32 of them would cost more than a small match.
void prepare(MatchState& ms, const char* s, std::size_t ls, const char* p, std::size_t lp) {
  ms.src_init = s;
  ms.src_end = s + ls;
  ms.p_end = p + lp;
  ms.depth_left = k_max_match_depth;
  ms.level = 0;
}

// Character classes as the "C" locale defines them (bytes 128-255 in none).
// kumod, a Rust program, never calls setlocale, so its Lua classifies in the
// "C" locale; kumo-lint does not either, and os.setlocale is blocked. A
// table, because <cctype>'s functions are out-of-line calls in C++ and
// would make every class test several times slower than Lua's.
enum CharClass : std::uint16_t {
  k_alpha = 1 << 0,
  k_cntrl = 1 << 1,
  k_digit = 1 << 2,
  k_graph = 1 << 3,
  k_lower = 1 << 4,
  k_punct = 1 << 5,
  k_space = 1 << 6,
  k_upper = 1 << 7,
  k_alnum = 1 << 8,
  k_xdigit = 1 << 9,
};

constexpr std::array<std::uint16_t, 256> c_locale_classes() {
  std::array<std::uint16_t, 256> table{};
  for (int c = 0; c < 128; ++c) {
    bool lower = c >= 'a' && c <= 'z';
    bool upper = c >= 'A' && c <= 'Z';
    bool digit = c >= '0' && c <= '9';
    bool graph = c > ' ' && c < 127;
    std::uint16_t bits = 0;
    bits |= (lower || upper) ? k_alpha : 0;
    bits |= (c < ' ' || c == 127) ? k_cntrl : 0;
    bits |= digit ? k_digit : 0;
    bits |= graph ? k_graph : 0;
    bits |= lower ? k_lower : 0;
    bits |= (graph && !lower && !upper && !digit) ? k_punct : 0;
    bits |= (c == ' ' || (c >= '\t' && c <= '\r')) ? k_space : 0;
    bits |= upper ? k_upper : 0;
    bits |= (lower || upper || digit) ? k_alnum : 0;
    bits |= (digit || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) ? k_xdigit : 0;
    table[static_cast<std::size_t>(c)] = bits;
  }
  return table;
}

constexpr std::array<std::uint16_t, 256> k_char_classes = c_locale_classes();

bool is_lower_letter(int c) { return c >= 'a' && c <= 'z'; }
bool is_digit(int c) { return c >= '0' && c <= '9'; }

// Does character class letter `cl` (after '%') accept byte `c`? Upper-case
// letters complement; any other character stands for itself.
bool in_class(int c, int cl) {
  int letter = (cl >= 'A' && cl <= 'Z') ? cl - 'A' + 'a' : cl;
  bool res = false;
  switch (letter) {
    case 'a': res = k_char_classes[c] & k_alpha; break;
    case 'c': res = k_char_classes[c] & k_cntrl; break;
    case 'd': res = k_char_classes[c] & k_digit; break;
    case 'g': res = k_char_classes[c] & k_graph; break;
    case 'l': res = k_char_classes[c] & k_lower; break;
    case 'p': res = k_char_classes[c] & k_punct; break;
    case 's': res = k_char_classes[c] & k_space; break;
    case 'u': res = k_char_classes[c] & k_upper; break;
    case 'w': res = k_char_classes[c] & k_alnum; break;
    case 'x': res = k_char_classes[c] & k_xdigit; break;
    case 'z': res = (c == 0); break;  // deprecated, still accepted
    default: return cl == c;
  }
  return is_lower_letter(cl) ? res : !res;
}

// One match attempt's worker: the recursive matcher of lstrlib.c, with
// every recursion, every subject byte tried and every pattern byte scanned
// charged to the meter.
class Matcher {
 public:
  Matcher(MatchState& ms, lua_State* L, StepMeter& meter) : m_ms(ms), m_L(L), m_meter(meter) {}

  // Forgets the captures of the previous attempt.
  void restart() { m_ms.level = 0; }

  // The end of the match of pattern `p` at subject position `s`, or null.
  const char* match(const char* s, const char* p);

  // [-0, +n, e] Pushes the captures (or the whole match s..e when there are
  // none and s is not null); returns how many.
  int push_captures(const char* s, const char* e);

  // [-0, +0|1, e] Capture `i` (the whole match s..e for i == 0 without
  // captures): its text in *cap and its length, or k_capture_position with
  // the position pushed.
  std::ptrdiff_t capture_text(int i, const char* s, const char* e, const char** cap);

  // [-0, +1, e] Pushes capture `i` (as capture_text).
  void push_capture(int i, const char* s, const char* e);

  StepMeter& meter() { return m_meter; }

 private:
  const char* leave(const char* result) {
    ++m_ms.depth_left;
    return result;
  }
  const char* class_end(const char* p);
  bool in_bracket_class(int c, const char* p, const char* ec);
  bool single_match(const char* s, const char* p, const char* ep);
  const char* match_balance(const char* s, const char* p);
  const char* max_expand(const char* s, const char* p, const char* ep);
  const char* min_expand(const char* s, const char* p, const char* ep);
  const char* start_capture(const char* s, const char* p, std::ptrdiff_t what);
  const char* end_capture(const char* s, const char* p);
  const char* match_capture(const char* s, int l);
  int capture_to_close();
  int checked_capture_index(int l);

  MatchState& m_ms;
  lua_State* m_L;
  StepMeter& m_meter;
};

int Matcher::checked_capture_index(int l) {
  l -= '1';
  if (l < 0 || l >= m_ms.level || m_ms.capture[l].len == k_capture_unfinished) {
    return luaL_error(m_L, "invalid capture index %%%d", l + 1);
  }
  return l;
}

int Matcher::capture_to_close() {
  for (int level = m_ms.level - 1; level >= 0; --level) {
    if (m_ms.capture[level].len == k_capture_unfinished) {
      return level;
    }
  }
  return luaL_error(m_L, "invalid pattern capture");
}

// The end of the single-character class starting at `p` (before any suffix).
const char* Matcher::class_end(const char* p) {
  switch (*p++) {
    case k_escape:
      if (p == m_ms.p_end) {
        luaL_error(m_L, "malformed pattern (ends with '%%')");
      }
      return p + 1;
    case '[': {
      const char* const start = p;
      if (*p == '^') {
        p++;
      }
      do {  // look for the ']' that closes the set, skipping escapes like '%]'
        if (p == m_ms.p_end) {
          luaL_error(m_L, "malformed pattern (missing ']')");
        }
        if (*(p++) == k_escape && p < m_ms.p_end) {
          p++;
        }
      } while (*p != ']');
      m_meter.add(static_cast<std::uint64_t>(p - start));
      return p + 1;
    }
    default: return p;
  }
}

// Is `c` in the set [...] spanning p .. ec (ec at its ']')?
bool Matcher::in_bracket_class(int c, const char* p, const char* ec) {
  bool member = true;
  if (*(p + 1) == '^') {
    member = false;
    p++;
  }
  const char* const start = p;
  bool found = false;
  while (!found && ++p < ec) {
    if (*p == k_escape) {
      p++;
      found = in_class(c, byte_value(*p));
    } else if (*(p + 1) == '-' && p + 2 < ec) {
      p += 2;
      found = byte_value(*(p - 2)) <= c && c <= byte_value(*p);
    } else {
      found = byte_value(*p) == c;
    }
  }
  m_meter.add(static_cast<std::uint64_t>(p - start));
  return found ? member : !member;
}

bool Matcher::single_match(const char* s, const char* p, const char* ep) {
  if (s >= m_ms.src_end) {
    return false;
  }
  m_meter.add(1);
  int c = byte_value(*s);
  switch (*p) {
    case '.': return true;
    case k_escape: return in_class(c, byte_value(*(p + 1)));
    case '[': return in_bracket_class(c, p, ep - 1);
    default: return byte_value(*p) == c;
  }
}

// %bxy: a balanced run from x to its matching y.
const char* Matcher::match_balance(const char* s, const char* p) {
  if (p >= m_ms.p_end - 1) {
    luaL_error(m_L, "malformed pattern (missing arguments to '%%b')");
  }
  if (*s != *p) {
    return nullptr;
  }
  const char open = *p;
  const char close = *(p + 1);
  const char* const start = s;
  int depth = 1;
  while (++s < m_ms.src_end) {
    if (*s == close) {
      if (--depth == 0) {
        m_meter.add(static_cast<std::uint64_t>(s - start));
        return s + 1;
      }
    } else if (*s == open) {
      depth++;
    }
  }
  m_meter.add(static_cast<std::uint64_t>(s - start));
  return nullptr;  // the subject ends unbalanced
}

// '*' (and '+' after its first match): as many repetitions as possible,
// then fewer until the rest of the pattern matches.
const char* Matcher::max_expand(const char* s, const char* p, const char* ep) {
  std::ptrdiff_t i = 0;
  while (single_match(s + i, p, ep)) {
    i++;
  }
  for (; i >= 0; i--) {
    if (const char* res = match(s + i, ep + 1)) {
      return res;
    }
  }
  return nullptr;
}

// '-': as few repetitions as possible.
const char* Matcher::min_expand(const char* s, const char* p, const char* ep) {
  for (;;) {
    if (const char* res = match(s, ep + 1)) {
      return res;
    }
    if (!single_match(s, p, ep)) {
      return nullptr;
    }
    s++;
  }
}

const char* Matcher::start_capture(const char* s, const char* p, std::ptrdiff_t what) {
  int level = m_ms.level;
  if (level >= k_max_captures) {
    luaL_error(m_L, "too many captures");
  }
  m_ms.capture[level].init = s;
  m_ms.capture[level].len = what;
  m_ms.level = level + 1;
  const char* res = match(s, p);
  if (res == nullptr) {
    m_ms.level--;  // undo the capture
  }
  return res;
}

const char* Matcher::end_capture(const char* s, const char* p) {
  int l = capture_to_close();
  m_ms.capture[l].len = s - m_ms.capture[l].init;
  const char* res = match(s, p);
  if (res == nullptr) {
    m_ms.capture[l].len = k_capture_unfinished;  // undo the close
  }
  return res;
}

// %1-%9: the text of an earlier capture again. A position capture's length
// converts to a huge size, so it never matches (as in lstrlib.c).
const char* Matcher::match_capture(const char* s, int l) {
  l = checked_capture_index(l);
  auto len = static_cast<std::size_t>(m_ms.capture[l].len);
  if (static_cast<std::size_t>(m_ms.src_end - s) < len) {
    return nullptr;
  }
  m_meter.add_bytes(len);
  return std::memcmp(m_ms.capture[l].init, s, len) == 0 ? s + len : nullptr;
}

// lstrlib.c's `match`: tail calls become `continue` (its `goto init`),
// every other way out goes through leave() to restore the depth.
const char* Matcher::match(const char* s, const char* p) {
  if (m_ms.depth_left-- == 0) {
    luaL_error(m_L, "pattern too complex");
  }
  m_meter.add(1);
  while (p != m_ms.p_end) {
    switch (*p) {
      case '(':
        if (*(p + 1) == ')') {
          return leave(start_capture(s, p + 2, k_capture_position));
        }
        return leave(start_capture(s, p + 1, k_capture_unfinished));
      case ')': return leave(end_capture(s, p + 1));
      case '$':
        if (p + 1 == m_ms.p_end) {  // only special as the pattern's last character
          return leave(s == m_ms.src_end ? s : nullptr);
        }
        break;
      case k_escape:
        switch (*(p + 1)) {
          case 'b':
            s = match_balance(s, p + 2);
            if (s == nullptr) {
              return leave(nullptr);
            }
            p += 4;
            continue;
          case 'f': {
            p += 2;
            if (*p != '[') {
              luaL_error(m_L, "missing '[' after '%%f' in pattern");
            }
            const char* ep = class_end(p);
            char previous = (s == m_ms.src_init) ? '\0' : *(s - 1);
            if (in_bracket_class(byte_value(previous), p, ep - 1) || !in_bracket_class(byte_value(*s), p, ep - 1)) {
              return leave(nullptr);
            }
            p = ep;
            continue;
          }
          case '0':
          case '1':
          case '2':
          case '3':
          case '4':
          case '5':
          case '6':
          case '7':
          case '8':
          case '9':
            s = match_capture(s, byte_value(*(p + 1)));
            if (s == nullptr) {
              return leave(nullptr);
            }
            p += 2;
            continue;
          default: break;
        }
        break;
      default: break;
    }
    // A single-character class with an optional suffix.
    const char* ep = class_end(p);
    if (!single_match(s, p, ep)) {
      if (*ep == '*' || *ep == '?' || *ep == '-') {  // may match zero times
        p = ep + 1;
        continue;
      }
      return leave(nullptr);
    }
    switch (*ep) {
      case '?':
        if (const char* res = match(s + 1, ep + 1)) {
          return leave(res);
        }
        p = ep + 1;
        continue;
      case '+': return leave(max_expand(s + 1, p, ep));
      case '*': return leave(max_expand(s, p, ep));
      case '-': return leave(min_expand(s, p, ep));
      default:
        s++;
        p = ep;
        continue;
    }
  }
  return leave(s);
}

std::ptrdiff_t Matcher::capture_text(int i, const char* s, const char* e, const char** cap) {
  if (i >= m_ms.level) {
    if (i != 0) {
      luaL_error(m_L, "invalid capture index %%%d", i + 1);
    }
    *cap = s;
    return e - s;
  }
  std::ptrdiff_t len = m_ms.capture[i].len;
  *cap = m_ms.capture[i].init;
  if (len == k_capture_unfinished) {
    luaL_error(m_L, "unfinished capture");
  } else if (len == k_capture_position) {
    lua_pushinteger(m_L, (m_ms.capture[i].init - m_ms.src_init) + 1);
  }
  return len;
}

void Matcher::push_capture(int i, const char* s, const char* e) {
  const char* cap = nullptr;
  std::ptrdiff_t len = capture_text(i, s, e, &cap);
  if (len != k_capture_position) {
    m_meter.add_bytes(static_cast<std::size_t>(len));
    lua_pushlstring(m_L, cap, static_cast<std::size_t>(len));
  }
}

int Matcher::push_captures(const char* s, const char* e) {
  int count = (m_ms.level == 0 && s != nullptr) ? 1 : m_ms.level;
  luaL_checkstack(m_L, count, "too many captures");
  for (int i = 0; i < count; i++) {
    push_capture(i, s, e);
  }
  return count;
}

bool has_specials(StepMeter& meter, const char* p, std::size_t lp) {
  meter.add_bytes(lp);
  return std::string_view(p, lp).find_first_of(k_specials) != std::string_view::npos;
}

// The first bytes of [a, a + n) and [b, b + n) are equal? Compared in
// chunks so the work charged is the work done up to the first difference.
bool equal_bytes(StepMeter& meter, const char* a, const char* b, std::size_t n) {
  constexpr std::size_t k_chunk = 4096;
  for (std::size_t done = 0; done < n; done += k_chunk) {
    std::size_t len = std::min(k_chunk, n - done);
    meter.add_bytes(len);
    if (std::memcmp(a + done, b + done, len) != 0) {
      return false;
    }
  }
  return true;
}

// lmemfind: the first occurrence of s2 in s1, by memchr for its first byte
// and a comparison of the rest, as Lua does; O(l1 * l2) at worst, charged.
const char* find_plain(StepMeter& meter, const char* s1, std::size_t l1, const char* s2, std::size_t l2) {
  if (l2 == 0) {
    return s1;  // the empty string is everywhere
  }
  if (l2 > l1) {
    return nullptr;
  }
  l2--;      // the first byte is found by memchr
  l1 -= l2;  // s2 cannot start after that
  while (l1 > 0) {
    const auto* init = static_cast<const char*>(std::memchr(s1, *s2, l1));
    meter.add_bytes(init == nullptr ? l1 : static_cast<std::size_t>(init - s1));
    if (init == nullptr) {
      return nullptr;
    }
    init++;
    if (equal_bytes(meter, init, s2 + 1, l2)) {
      return init - 1;
    }
    l1 -= static_cast<std::size_t>(init - s1);
    s1 = init;
  }
  return nullptr;
}

// string.find and string.match (str_find_aux).
int find_or_match(lua_State* L, bool find) {
  std::size_t ls = 0;
  std::size_t lp = 0;
  const char* s = luaL_checklstring(L, 1, &ls);
  const char* p = luaL_checklstring(L, 2, &lp);
  std::size_t init = start_position(luaL_optinteger(L, 3, 1), ls) - 1;
  if (init > ls) {  // starts after the subject's end
    lua_pushnil(L);
    return 1;
  }
  StepMeter meter(L);
  if (find && (lua_toboolean(L, 4) || !has_specials(meter, p, lp))) {
    if (const char* found = find_plain(meter, s + init, ls - init, p, lp)) {
      lua_pushinteger(L, (found - s) + 1);
      lua_pushinteger(L, static_cast<lua_Integer>(found - s) + static_cast<lua_Integer>(lp));
      return 2;
    }
  } else {
    const char* s1 = s + init;
    bool anchor = (*p == '^');
    if (anchor) {
      p++;
      lp--;
    }
    MatchState ms;
    prepare(ms, s, ls, p, lp);
    Matcher matcher(ms, L, meter);
    do {
      matcher.restart();
      if (const char* res = matcher.match(s1, p)) {
        if (find) {
          lua_pushinteger(L, (s1 - s) + 1);
          lua_pushinteger(L, res - s);
          return matcher.push_captures(nullptr, nullptr) + 2;
        }
        return matcher.push_captures(s1, res);
      }
    } while (s1++ < ms.src_end && !anchor);
  }
  lua_pushnil(L);  // not found
  return 1;
}

// gmatch's iterator state, in a userdata upvalue next to the subject and
// the pattern (which keep the pointers alive).
struct GmatchState {
  const char* src;        // where the next search starts
  const char* p;          // the pattern
  const char* lastmatch;  // end of the last match: an empty match there is skipped
  MatchState ms;
};

// An error escaping the matcher (a bad pattern, "pattern too complex", the
// budget) skips the depth restores on the way out. Lua 5.4.4 leaves the
// counter spent in gmatch's state, and the same iterator's next call then
// recurses without limit, into a C stack overflow; restoring it on every
// exit keeps the 200 limit (the only divergence, and only after an error).
class DepthRestorer {
 public:
  explicit DepthRestorer(MatchState& ms) : m_ms(ms), m_depth(ms.depth_left) {}
  ~DepthRestorer() { m_ms.depth_left = m_depth; }
  DepthRestorer(const DepthRestorer&) = delete;
  DepthRestorer& operator=(const DepthRestorer&) = delete;

 private:
  MatchState& m_ms;
  int m_depth;
};

int gmatch_step(lua_State* L) {
  auto* gm = static_cast<GmatchState*>(lua_touserdata(L, lua_upvalueindex(3)));
  DepthRestorer restore(gm->ms);
  StepMeter meter(L);
  Matcher matcher(gm->ms, L, meter);
  for (const char* src = gm->src; src <= gm->ms.src_end; src++) {
    matcher.restart();
    const char* e = matcher.match(src, gm->p);
    if (e != nullptr && e != gm->lastmatch) {
      gm->src = gm->lastmatch = e;
      return matcher.push_captures(src, e);
    }
  }
  return 0;  // no more matches
}

// [-0, +0, e] add_s: the replacement string (argument 3) with %0-%9 and %%
// expanded, appended to `b`.
void add_expanded_template(Matcher& matcher, lua_State* L, luaL_Buffer* b, const char* s, const char* e) {
  std::size_t l = 0;
  const char* news = lua_tolstring(L, 3, &l);
  matcher.meter().add_bytes(l);
  const char* p = nullptr;
  while ((p = static_cast<const char*>(std::memchr(news, k_escape, l))) != nullptr) {
    luaL_addlstring(b, news, static_cast<std::size_t>(p - news));
    p++;  // skip the '%'
    if (*p == k_escape) {
      luaL_addchar(b, *p);
    } else if (*p == '0') {
      matcher.meter().add_bytes(static_cast<std::size_t>(e - s));
      luaL_addlstring(b, s, static_cast<std::size_t>(e - s));
    } else if (is_digit(byte_value(*p))) {
      const char* cap = nullptr;
      std::ptrdiff_t len = matcher.capture_text(*p - '1', s, e, &cap);
      if (len == k_capture_position) {
        luaL_addvalue(b);  // the position capture_text pushed
      } else {
        matcher.meter().add_bytes(static_cast<std::size_t>(len));
        luaL_addlstring(b, cap, static_cast<std::size_t>(len));
      }
    } else {
      luaL_error(L, "invalid use of '%c' in replacement string", k_escape);
    }
    l -= static_cast<std::size_t>(p + 1 - news);
    news = p + 1;
  }
  luaL_addlstring(b, news, l);
}

// [-0, +0, e] add_value: the replacement of match s..e appended to `b`;
// false when the replacement kept the original text (nil or false from a
// table or function).
bool add_replacement(Matcher& matcher, lua_State* L, luaL_Buffer* b, const char* s, const char* e, int repl_type) {
  switch (repl_type) {
    case LUA_TFUNCTION: {
      lua_pushvalue(L, 3);
      int n = matcher.push_captures(s, e);
      lua_call(L, n, 1);
      break;
    }
    case LUA_TTABLE:
      matcher.push_capture(0, s, e);
      lua_gettable(L, 3);
      break;
    default:  // a number or a string
      add_expanded_template(matcher, L, b, s, e);
      return true;
  }
  if (!lua_toboolean(L, -1)) {
    lua_pop(L, 1);
    matcher.meter().add_bytes(static_cast<std::size_t>(e - s));
    luaL_addlstring(b, s, static_cast<std::size_t>(e - s));  // keep the original text
    return false;
  }
  if (!lua_isstring(L, -1)) {
    luaL_error(L, "invalid replacement value (a %s)", luaL_typename(L, -1));
  }
  luaL_addvalue(b);
  return true;
}

}  // namespace

std::size_t start_position(lua_Integer pos, std::size_t len) {
  if (pos > 0) {
    return static_cast<std::size_t>(pos);
  }
  if (pos == 0 || pos < -static_cast<lua_Integer>(len)) {
    return 1;
  }
  return len + static_cast<std::size_t>(pos) + 1;
}

int bounded_find(lua_State* L) { return find_or_match(L, true); }

int bounded_match(lua_State* L) { return find_or_match(L, false); }

int bounded_gmatch(lua_State* L) {
  std::size_t ls = 0;
  std::size_t lp = 0;
  const char* s = luaL_checklstring(L, 1, &ls);
  const char* p = luaL_checklstring(L, 2, &lp);
  std::size_t init = start_position(luaL_optinteger(L, 3, 1), ls) - 1;
  lua_settop(L, 2);  // the subject and pattern stay alive as upvalues
  void* block = lua_newuserdatauv(L, sizeof(GmatchState), 0);
  if (init > ls) {
    init = ls + 1;  // past the end: no match, and no overflow in s + init
  }
  auto* gm = new (block) GmatchState;
  gm->src = s + init;
  gm->p = p;
  gm->lastmatch = nullptr;
  prepare(gm->ms, s, ls, p, lp);
  lua_pushcclosure(L, guarded<gmatch_step>, 3);
  return 1;
}

int bounded_gsub(lua_State* L) {
  std::size_t srcl = 0;
  std::size_t lp = 0;
  const char* src = luaL_checklstring(L, 1, &srcl);
  const char* p = luaL_checklstring(L, 2, &lp);
  const char* lastmatch = nullptr;
  int repl_type = lua_type(L, 3);
  lua_Integer max_replacements = luaL_optinteger(L, 4, static_cast<lua_Integer>(srcl) + 1);
  bool anchor = (*p == '^');
  lua_Integer n = 0;
  bool changed = false;
  luaL_argexpected(
      L, repl_type == LUA_TNUMBER || repl_type == LUA_TSTRING || repl_type == LUA_TFUNCTION || repl_type == LUA_TTABLE,
      3, "string/function/table");
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  if (anchor) {
    p++;
    lp--;
  }
  StepMeter meter(L);
  MatchState ms;
  prepare(ms, src, srcl, p, lp);
  Matcher matcher(ms, L, meter);
  while (n < max_replacements) {
    matcher.restart();
    const char* e = matcher.match(src, p);
    if (e != nullptr && e != lastmatch) {
      n++;
      changed = add_replacement(matcher, L, &b, src, e, repl_type) || changed;
      src = lastmatch = e;
    } else if (src < ms.src_end) {
      luaL_addchar(&b, *src++);  // no match here: keep one character
    } else {
      break;
    }
    if (anchor) {
      break;
    }
  }
  if (!changed) {
    lua_pushvalue(L, 1);  // the original string
  } else {
    meter.add_bytes(static_cast<std::size_t>(ms.src_end - src));
    luaL_addlstring(&b, src, static_cast<std::size_t>(ms.src_end - src));
    luaL_pushresult(&b);
  }
  lua_pushinteger(L, n);
  return 2;
}

}  // namespace kumo::lua
