// kumo.regex: KumoMTA's fancy-regex wrapper (crates/mod-regex), matched
// here by PCRE2 on patterns that regex_syntax.cpp translates.
//
// Why PCRE2: its syntax is close to Rust's (look-around, backreferences,
// atomic groups and conditionals included), it bounds its own work and
// memory, and it calls back into us while it matches, so the work a hostile
// pattern makes it do is charged to the instruction budget as it happens
// (std::regex recurses per character and can overflow the stack).
//
// Searches follow fancy-regex's iteration exactly (where the next search
// starts after an empty match, which empty matches are skipped), since
// find_all, split and the replacements all depend on it.
#include "core/lua/kumo_submodules.hpp"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <charconv>
#include <cstdlib>
#include <map>
#include <memory>
#include <new>

#include "core/lua/regex_syntax.hpp"
#include "core/lua/rust_args.hpp"
#include "core/lua/step_meter.hpp"

namespace kumo::lua {

namespace {

constexpr char k_regex_mt[] = "kumo-lint.RegexWrap";
constexpr char k_contexts_key[] = "kumo-lint.pcre2";
constexpr char k_regex_type[] = "RegexWrap";  // mlua's name for KumoMTA's userdata

// fancy-regex's limits for its backtracking VM (backtrack_limit and
// MAX_STACK): PCRE2's nearest counters take them, for the patterns fancy-
// regex runs on that VM. The regex crate has no such limits, so other
// patterns get none beyond the instruction budget and the heap limit.
constexpr std::uint32_t k_backtrack_limit = 1'000'000;
constexpr std::uint32_t k_stack_limit = 1'000'000;
// PCRE2's backtracking memory for one search, in KiB (the allocations are
// also counted under --max-memory as they happen). Growing it is slow (the
// frames are copied each time it doubles), so it stays modest: a search
// that needs more is one kumo-lint cannot answer.
constexpr std::uint32_t k_heap_limit_kib = 16 * 1024;
// Each allocated byte is written at least once (frames are copied as the
// vector grows): counted as work.
constexpr std::size_t k_allocated_bytes_per_step = 8;

// The translator builds a tree and tokens for each pattern byte: charged
// up front, for the length of the compile; building them is work too
// (allocation-bound: about as slow as a few dozen instructions a byte).
constexpr std::size_t k_translation_bytes_per_byte = 192;
constexpr std::size_t k_translation_steps_per_byte = 64;

// PCRE2 calls back before each item it tries (PCRE2_AUTO_CALLOUT); the
// calls are counted as steps, and every this many the limits are read.
constexpr std::uint64_t k_callouts_per_check = 4096;
// One search may take this many steps (a tenth of a second or so). A
// pattern fancy-regex backtracks on would have hit its own limit long
// before; one it runs in linear time is beyond what PCRE2 can answer.
constexpr std::uint64_t k_max_search_steps = 10'000'000;
// What a search costs beyond PCRE2's own steps: the call, its setup, the
// result pushed to Lua (about 100 ns; a step is a few).
constexpr std::uint64_t k_steps_per_search = 16;

// --- PCRE2's memory, counted as the policy's ---

struct alignas(std::max_align_t) BlockHeader {
  std::size_t size;
};

// A refusal makes PCRE2 fail with "no memory"; the search then raises the
// memory limit (State::fatal), as HostMemory::charge does.
void* pcre2_allocate(PCRE2_SIZE size, void* data) {
  auto* st = static_cast<PolicyHost::State*>(data);
  if (st->memory_limited && st->memory_used + st->host_memory + size > st->options.max_memory) {
    if (!st->fatal) {
      st->fatal = memory_limit_error(*st);
    }
    return nullptr;
  }
  void* raw = std::malloc(sizeof(BlockHeader) + size);
  if (raw == nullptr) {
    return nullptr;
  }
  static_cast<BlockHeader*>(raw)->size = size;
  st->host_memory += size;
  st->instructions += size / k_allocated_bytes_per_step;  // checked at the next callout or charge
  return static_cast<char*>(raw) + sizeof(BlockHeader);
}

void pcre2_release(void* block, void* data) {
  if (block == nullptr) {
    return;
  }
  auto* st = static_cast<PolicyHost::State*>(data);
  auto* header = reinterpret_cast<BlockHeader*>(static_cast<char*>(block) - sizeof(BlockHeader));
  st->host_memory -= std::min(header->size, st->host_memory);
  std::free(header);
}

// One set of PCRE2 contexts per Lua state (they carry its State).
struct Contexts {
  pcre2_general_context* general = nullptr;
  pcre2_compile_context* compile = nullptr;
  pcre2_match_context* match = nullptr;
};

int contexts_gc(lua_State* L) {
  auto* c = static_cast<Contexts*>(lua_touserdata(L, 1));
  pcre2_match_context_free(c->match);
  pcre2_compile_context_free(c->compile);
  pcre2_general_context_free(c->general);
  *c = Contexts{};
  return 0;
}

void create_contexts(lua_State* L) {
  auto* c = new (lua_newuserdatauv(L, sizeof(Contexts), 0)) Contexts{};
  lua_createtable(L, 0, 2);
  lua_pushcfunction(L, guarded<contexts_gc>);
  lua_setfield(L, -2, "__gc");
  lock_metatable(L);
  lua_setmetatable(L, -2);
  lua_setfield(L, LUA_REGISTRYINDEX, k_contexts_key);
  c->general = pcre2_general_context_create(pcre2_allocate, pcre2_release, &state_of(L));
  c->compile = pcre2_compile_context_create(c->general);
  c->match = pcre2_match_context_create(c->general);
  if (c->general == nullptr || c->compile == nullptr || c->match == nullptr) {
    throw std::runtime_error("cannot create PCRE2 contexts");
  }
  pcre2_set_newline(c->compile, PCRE2_NEWLINE_LF);  // (?m) ^ and $ see only \n, as in Rust
  pcre2_set_parens_nest_limit(c->compile, 1000);    // translations nest deeper than the patterns
  pcre2_set_heap_limit(c->match, k_heap_limit_kib);
}

Contexts& contexts(lua_State* L) {
  lua_getfield(L, LUA_REGISTRYINDEX, k_contexts_key);
  auto* c = static_cast<Contexts*>(lua_touserdata(L, -1));
  lua_pop(L, 1);
  return *c;
}

// --- Compiled regexes ---

struct CompiledRegex {
  pcre2_code* code = nullptr;
  pcre2_code* without_continue = nullptr;  // for searches after a skipped empty match (\G fails)
  std::size_t captures_len = 1;
  std::vector<std::size_t> pcre2_groups;          // where each group's captures are (regex::Translation::groups)
  std::vector<std::optional<std::string>> names;  // by group index
  std::map<std::string, std::size_t> named_groups;
  bool backtracking = false;
  std::size_t held_memory = 0;  // HostMemory kept for the names
};

int regex_gc(lua_State* L) {
  auto* re = static_cast<CompiledRegex*>(luaL_checkudata(L, 1, k_regex_mt));
  pcre2_code_free(re->code);
  pcre2_code_free(re->without_continue);
  re->code = re->without_continue = nullptr;
  release_host_memory(L, re->held_memory);
  re->~CompiledRegex();
  return 0;
}

CompiledRegex& self(lua_State* L, const char* method) {
  return *static_cast<CompiledRegex*>(rust_self(L, k_regex_mt, k_regex_type, method));
}

// [-0, +0, v] Raises the limit State::fatal holds (memory), if any.
void raise_if_fatal(lua_State* L) { charge_steps(L, 0); }

pcre2_code* compile_pcre2(lua_State* L, const std::string& pattern) {
  constexpr std::uint32_t k_options =
      PCRE2_UTF | PCRE2_UCP | PCRE2_ALT_CIRCUMFLEX | PCRE2_AUTO_CALLOUT | PCRE2_NEVER_BACKSLASH_C | PCRE2_NO_UTF_CHECK;
  int error = 0;
  PCRE2_SIZE offset = 0;
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), k_options, &error,
                                   &offset, contexts(L).compile);
  if (code != nullptr) {
    return code;
  }
  raise_if_fatal(L);
  PCRE2_UCHAR text[256];
  pcre2_get_error_message(error, text, sizeof text);
  raise_pending(L, diag::Code::not_modeled,
                std::string("kumo.regex.compile: kumo-lint cannot model this pattern (PCRE2: ") +
                    reinterpret_cast<const char*>(text) + ")");
}

[[noreturn]] void raise_syntax_error(lua_State* L, const regex::SyntaxError& e) {
  if (e.kumo_error) {
    raise_rust_error(L, e.message);
  }
  raise_pending(L, diag::Code::not_modeled, "kumo.regex.compile: " + e.message);
}

// kumo.regex.compile(PATTERN)
int regex_compile(lua_State* L) {
  std::string_view pattern = rust_string(L, {1});
  charge_steps(L, 1 + pattern.size() * k_translation_steps_per_byte);
  HostMemory scratch(L);
  scratch.charge(pattern.size() * k_translation_bytes_per_byte);
  auto translation = regex::translate(pattern);
  if (!translation) {
    raise_syntax_error(L, translation.error());
  }
  const regex::Translation& t = *translation;
  scratch.charge(t.pattern.size() + t.pattern_without_continue.size());
  charge_steps(L, 1 + t.pattern.size() + t.pattern_without_continue.size());  // PCRE2's compile
  auto* re = new (lua_newuserdatauv(L, sizeof(CompiledRegex), 0)) CompiledRegex{};
  luaL_setmetatable(L, k_regex_mt);
  re->code = compile_pcre2(L, t.pattern);
  if (t.has_continue) {
    re->without_continue = compile_pcre2(L, t.pattern_without_continue);
  }
  HostMemory held(L);
  held.charge(t.names.size() * (sizeof(std::optional<std::string>) + sizeof(std::size_t)));
  for (std::size_t i = 0; i < t.names.size(); ++i) {
    if (t.names[i]) {
      held.charge(2 * (t.names[i]->size() + 64));
      re->named_groups[*t.names[i]] = i;
    }
  }
  re->names = t.names;
  re->pcre2_groups = t.groups;
  re->captures_len = t.captures_len;
  re->backtracking = t.backtracking;
  re->held_memory = held.keep();
  return 1;
}

// kumo.regex.escape(TEXT)
int regex_escape(lua_State* L) {
  std::string_view text = rust_string(L, {1});
  HostMemory memory(L);
  memory.charge(2 * text.size());
  std::string escaped = regex::escape(text);
  lua_pushlstring(L, escaped.data(), escaped.size());
  return 1;
}

// --- Searching ---

enum class Found { match, none, backtrack_limit, stack_limit };

struct CalloutBudget {
  PolicyHost::State* st;
  std::uint64_t pending = 0;  // steps not yet counted
  std::uint64_t total = 0;    // steps counted for this search
  bool too_long = false;      // past k_max_search_steps
};

// The translation's empty-iteration check (regex_syntax.hpp): 1 fails
// the iteration, 0 lets it stand.
int check_iteration(const pcre2_callout_block& block) {
  const char* text = reinterpret_cast<const char*>(block.callout_string);
  const char* end = text + block.callout_string_length;
  std::size_t body = 0, start = 0;
  const char* comma = std::from_chars(text, end, body).ptr;
  std::from_chars(comma + 1, end, start);
  const PCRE2_SIZE* ov = block.offset_vector;
  if (body >= block.capture_top || ov[2 * body] != ov[2 * body + 1]) {
    return 0;  // it consumed something
  }
  return start < block.capture_top && ov[2 * start] == ov[2 * body] ? 0 : 1;
}

// Counts PCRE2's steps; stops the search once the budget or the timeout is
// reached (the caller then raises it), since one search can run for ever.
int count_callout(pcre2_callout_block* block, void* data) {
  auto& budget = *static_cast<CalloutBudget*>(data);
  if (++budget.pending < k_callouts_per_check) {
    return block->callout_string_length > 0 ? check_iteration(*block) : 0;
  }
  PolicyHost::State& st = *budget.st;
  st.instructions += budget.pending;
  budget.total += budget.pending;
  budget.pending = 0;
  if (budget.total > k_max_search_steps) {
    budget.too_long = true;
    return PCRE2_ERROR_CALLOUT;
  }
  if (limit_reached(st)) {
    return PCRE2_ERROR_CALLOUT;
  }
  return block->callout_string_length > 0 ? check_iteration(*block) : 0;
}

struct MatchDataFree {
  void operator()(pcre2_match_data* md) const { pcre2_match_data_free(md); }
};

// Searches of one regex in one haystack.
class Searcher {
 public:
  Searcher(lua_State* L, const CompiledRegex& re, std::string_view haystack)
      : m_L(L), m_re(re), m_haystack(haystack), m_contexts(contexts(L)) {
    m_md.reset(pcre2_match_data_create_from_pattern(re.code, m_contexts.general));
    if (!m_md) {
      raise_if_fatal(L);
      throw std::bad_alloc();
    }
  }

  std::size_t size() const { return m_haystack.size(); }
  std::string_view haystack() const { return m_haystack; }

  // fancy-regex's find_from_pos: the first match starting at or after
  // `pos`, with the text before pos still visible to look-behind. After a
  // skipped empty match, fancy-regex's \G cannot match.
  Found find_at(std::size_t pos, bool skipped_empty) {
    pcre2_code* code = skipped_empty && m_re.without_continue != nullptr ? m_re.without_continue : m_re.code;
    CalloutBudget budget{&state_of(m_L)};
    pcre2_set_callout(m_contexts.match, count_callout, &budget);
    pcre2_set_match_limit(m_contexts.match, m_re.backtracking ? k_backtrack_limit : UINT32_MAX);
    pcre2_set_depth_limit(m_contexts.match, m_re.backtracking ? k_stack_limit : UINT32_MAX);
    int rc = pcre2_match(code, reinterpret_cast<PCRE2_SPTR>(m_haystack.data()), m_haystack.size(), pos,
                         PCRE2_NO_UTF_CHECK, m_md.get(), m_contexts.match);
    const std::size_t reached = rc > 0 ? end(0) : m_haystack.size();
    count_steps(m_L, budget.pending + k_steps_per_search + (reached - std::min(reached, pos)) / k_bytes_per_step);
    charge_steps(m_L, 0);  // raises the budget, the timeout or the memory limit when reached
    if (rc > 0) {
      return Found::match;
    }
    switch (rc) {
      case PCRE2_ERROR_NOMATCH: return Found::none;
      case PCRE2_ERROR_CALLOUT:
        if (budget.too_long) {
          return limit(Found::backtrack_limit, "step");
        }
        break;
      case PCRE2_ERROR_MATCHLIMIT: return limit(Found::backtrack_limit, "backtracking count");
      case PCRE2_ERROR_DEPTHLIMIT: return limit(Found::stack_limit, "backtracking depth");
      case PCRE2_ERROR_HEAPLIMIT:
        raise_pending(m_L, diag::Code::not_modeled,
                      "kumo.regex: this search needs more than the 16 MiB of backtracking memory kumo-lint allows "
                      "PCRE2 (KumoMTA's engines work differently); kumo-lint cannot tell its result");
      default: break;
    }
    PCRE2_UCHAR text[256];
    pcre2_get_error_message(rc, text, sizeof text);
    luaL_error(m_L, "kumo-lint internal error: PCRE2 search failed: %s", reinterpret_cast<const char*>(text));
    return Found::none;
  }

  // Group `group` of the pattern (not PCRE2's numbering).
  bool has(std::size_t group) const { return ovector()[2 * slot(group)] != PCRE2_UNSET; }
  std::size_t start(std::size_t group) const { return ovector()[2 * slot(group)]; }
  std::size_t end(std::size_t group) const { return ovector()[2 * slot(group) + 1]; }
  std::string_view group_text(std::size_t group) const {
    return m_haystack.substr(start(group), end(group) - start(group));
  }

 private:
  const PCRE2_SIZE* ovector() const { return pcre2_get_ovector_pointer(m_md.get()); }
  std::size_t slot(std::size_t group) const { return m_re.pcre2_groups[group]; }

  // A PCRE2 limit: fancy-regex's own error when its VM would run the
  // pattern; otherwise KumoMTA's linear-time engine would have answered.
  Found limit(Found kumo_error, const char* what) {
    if (m_re.backtracking) {
      return kumo_error;
    }
    raise_pending(m_L, diag::Code::not_modeled,
                  std::string("kumo.regex: PCRE2 reached its ") + what +
                      " limit on this search, which KumoMTA runs in linear time; kumo-lint cannot tell its result");
  }

  lua_State* m_L;
  const CompiledRegex& m_re;
  std::string_view m_haystack;
  Contexts& m_contexts;
  std::unique_ptr<pcre2_match_data, MatchDataFree> m_md;
};

enum class Step { match, done, backtrack_limit, stack_limit };

// fancy-regex's Matches (find_iter) and CaptureMatches (captures_iter):
// after an empty match the next search starts one character later, and an
// empty match right where the previous match ended is skipped.
class Matches {
 public:
  // `find_iter`: true for Matches, which tells the search about a skipped
  // empty match; CaptureMatches does not.
  Matches(Searcher& searcher, bool find_iter) : m_s(searcher), m_find_iter(find_iter) {}

  Step next(Span& out) {
    for (;;) {
      if (m_last_end > m_s.size()) {
        return Step::done;
      }
      const bool skipped = m_find_iter && m_has_last_match && m_last_end > m_last_match;
      Found found = m_s.find_at(m_last_end, skipped);
      if (found == Found::backtrack_limit || found == Found::stack_limit) {
        m_last_end = m_s.size() + 1;
        return found == Found::backtrack_limit ? Step::backtrack_limit : Step::stack_limit;
      }
      if (found == Found::none) {
        return Step::done;
      }
      Span m{m_s.start(0), m_s.end(0)};
      if (m.start == m.end) {
        m_last_end = next_char_boundary(m.end);
        if (m_has_last_match && m_last_match == m.end) {
          continue;
        }
      } else {
        m_last_end = m.end;
      }
      m_has_last_match = true;
      m_last_match = m.end;
      out = m;
      return Step::match;
    }
  }

 private:
  std::size_t next_char_boundary(std::size_t i) const {
    if (i >= m_s.size()) {
      return i + 1;
    }
    const auto b = static_cast<unsigned char>(m_s.haystack()[i]);
    return i + (b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4);
  }

  Searcher& m_s;
  bool m_find_iter;
  std::size_t m_last_end = 0;
  // Where the previous match ended, once there is one (no std::optional:
  // GCC 12 warns falsely about it here).
  bool m_has_last_match = false;
  std::size_t m_last_match = 0;
};

const char* runtime_error_text(bool backtracking_limit) {
  return backtracking_limit ? "Max limit for backtracking count exceeded" : "Max stack size exceeded for backtracking";
}

// [-0, +0, v] fancy-regex's runtime error, as KumoMTA passes it on.
[[noreturn]] void raise_runtime(lua_State* L, bool backtracking_limit) {
  raise_rust_error(L, std::string("Error executing regex: ") + runtime_error_text(backtracking_limit));
}

// regex:captures(HAYSTACK): group index → text and group name → text for
// the groups that took part in the first match; nil when nothing matches.
int regex_captures(lua_State* L) {
  const CompiledRegex& re = self(L, "captures");
  Searcher s(L, re, rust_string(L, {2, "RegexWrap.captures"}));
  Found found = s.find_at(0, false);
  if (found == Found::none) {
    lua_pushnil(L);
    return 1;
  }
  if (found != Found::match) {
    raise_runtime(L, found == Found::backtrack_limit);
  }
  StepMeter meter(L);
  lua_createtable(L, 0, 0);
  for (std::size_t i = 0; i < re.captures_len; ++i) {
    meter.add(1);
    if (!s.has(i)) {
      continue;
    }
    push_text(L, s.group_text(i));
    lua_rawseti(L, -2, static_cast<lua_Integer>(i));
    if (re.names[i]) {
      push_text(L, *re.names[i]);
      push_text(L, s.group_text(i));
      lua_rawset(L, -3);
    }
  }
  return 1;
}

// regex:is_match(HAYSTACK)
int regex_is_match(lua_State* L) {
  const CompiledRegex& re = self(L, "is_match");
  Searcher s(L, re, rust_string(L, {2, "RegexWrap.is_match"}));
  Found found = s.find_at(0, false);
  if (found == Found::backtrack_limit || found == Found::stack_limit) {
    raise_runtime(L, found == Found::backtrack_limit);
  }
  lua_pushboolean(L, found == Found::match);
  return 1;
}

// regex:find(HAYSTACK): the first match's text, or nil.
int regex_find(lua_State* L) {
  const CompiledRegex& re = self(L, "find");
  Searcher s(L, re, rust_string(L, {2, "RegexWrap.find"}));
  Found found = s.find_at(0, false);
  if (found == Found::none) {
    lua_pushnil(L);
    return 1;
  }
  if (found != Found::match) {
    raise_runtime(L, found == Found::backtrack_limit);
  }
  push_text(L, s.group_text(0));
  return 1;
}

// regex:find_all(HAYSTACK): every non-overlapping match, in order.
int regex_find_all(lua_State* L) {
  const CompiledRegex& re = self(L, "find_all");
  Searcher s(L, re, rust_string(L, {2, "RegexWrap.find_all"}));
  Matches matches(s, true);
  lua_createtable(L, 0, 0);
  lua_Integer n = 0;
  Span m;
  for (Step step; (step = matches.next(m)) != Step::done;) {
    if (step != Step::match) {
      raise_runtime(L, step == Step::backtrack_limit);
    }
    push_text(L, s.haystack().substr(m.start, m.end - m.start));
    lua_rawseti(L, -2, ++n);
  }
  return 1;
}

// regex:split(HAYSTACK): the text between matches (KumoMTA's own split,
// over find_iter): always one more piece than there are matches.
int regex_split(lua_State* L) {
  const CompiledRegex& re = self(L, "split");
  Searcher s(L, re, rust_string(L, {2, "RegexWrap.split"}));
  Matches matches(s, true);
  lua_createtable(L, 0, 0);
  lua_Integer n = 0;
  std::size_t last = 0;
  Span m;
  for (Step step; (step = matches.next(m)) != Step::done;) {
    if (step != Step::match) {
      raise_runtime(L, step == Step::backtrack_limit);
    }
    push_text(L, s.haystack().substr(last, m.start - last));
    lua_rawseti(L, -2, ++n);
    last = m.end;
  }
  push_text(L, s.haystack().substr(last));
  lua_rawseti(L, -2, ++n);
  return 1;
}

// A replacement template with its group names looked up once: a named
// group (if it took part in the match) wins, then the group whose index
// the name spells.
struct Expansion {
  struct Piece {
    std::string_view text;  // copied when no group is named
    bool group = false;
    std::optional<std::size_t> named, numbered;
  };
  std::vector<Piece> pieces;
};

Expansion resolve(const CompiledRegex& re, std::string_view replacement) {
  Expansion e;
  for (const auto& piece : regex::parse_template(replacement)) {
    Expansion::Piece p{piece.text, piece.group, std::nullopt, std::nullopt};
    if (piece.group) {
      if (auto it = re.named_groups.find(std::string(piece.text)); it != re.named_groups.end()) {
        p.named = it->second;
      }
      std::size_t number = 0;
      auto [end, ec] = std::from_chars(piece.text.data(), piece.text.data() + piece.text.size(), number);
      if (ec == std::errc{} && end == piece.text.data() + piece.text.size() && number < re.captures_len) {
        p.numbered = number;
      }
    }
    e.pieces.push_back(p);
  }
  return e;
}

// Appends the expansion for the current match; returns the bytes added.
std::size_t append_expansion(luaL_Buffer* b, const Searcher& s, const Expansion& e) {
  std::size_t added = 0;
  for (const auto& piece : e.pieces) {
    std::string_view text = piece.text;
    if (piece.group) {
      if (piece.named && s.has(*piece.named)) {
        text = s.group_text(*piece.named);
      } else if (piece.numbered && s.has(*piece.numbered)) {
        text = s.group_text(*piece.numbered);
      } else {
        text = {};
      }
    }
    luaL_addlstring(b, text.data(), text.size());
    added += text.size();
  }
  return added;
}

// fancy-regex's try_replacen: at most `limit` matches (0: all) replaced.
// The next match is searched (and its error raised) before the limit is
// checked, as there. KumoMTA's replace unwraps the result: there a search
// error is a panic of kumod's thread, not a Lua error.
int replace_matches(lua_State* L, const CompiledRegex& re, std::string_view haystack, std::size_t limit,
                    std::string_view replacement, const char* method_for_panic) {
  const bool expand = replacement.find('$') != std::string_view::npos;
  HostMemory memory(L);
  Expansion expansion;
  if (expand) {
    memory.charge(replacement.size() * (sizeof(Expansion::Piece) + sizeof(regex::TemplatePiece)));
    expansion = resolve(re, replacement);
  }
  Searcher s(L, re, haystack);
  Matches matches(s, !expand);  // the expanding path iterates captures
  Span m;
  Step step = matches.next(m);
  if (step == Step::done) {
    push_text(L, haystack);
    return 1;
  }
  StepMeter meter(L);
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  std::size_t last = 0;
  for (std::size_t i = 0; step != Step::done; ++i, step = matches.next(m)) {
    if (step != Step::match) {
      if (method_for_panic != nullptr) {
        raise_rust_error(L, std::string("RegexWrap.") + method_for_panic +
                                ": KumoMTA panics here (fancy-regex's replace unwraps the search's error): called "
                                "`Result::unwrap()` on an `Err` value: RuntimeError(" +
                                (step == Step::backtrack_limit ? "BacktrackLimitExceeded" : "StackOverflow") + ")");
      }
      raise_runtime(L, step == Step::backtrack_limit);
    }
    if (limit > 0 && i >= limit) {
      break;
    }
    luaL_addlstring(&b, haystack.data() + last, m.start - last);
    std::size_t added = replacement.size();
    if (expand) {
      added = append_expansion(&b, s, expansion);
      meter.add(expansion.pieces.size());
    } else {
      luaL_addlstring(&b, replacement.data(), replacement.size());
    }
    meter.add_bytes(m.start - last + added);
    last = m.end;
  }
  luaL_addlstring(&b, haystack.data() + last, haystack.size() - last);
  luaL_pushresult(&b);
  return 1;
}

// regex:replace(TEXT, REPLACEMENT): the first match only.
int regex_replace(lua_State* L) {
  const CompiledRegex& re = self(L, "replace");
  std::string_view haystack = rust_string(L, {2, "RegexWrap.replace"});
  std::string_view replacement = rust_string(L, {3, "RegexWrap.replace"});
  return replace_matches(L, re, haystack, 1, replacement, "replace");
}

// regex:replace_all(TEXT, REPLACEMENT)
int regex_replace_all(lua_State* L) {
  const CompiledRegex& re = self(L, "replace_all");
  std::string_view haystack = rust_string(L, {2, "RegexWrap.replace_all"});
  std::string_view replacement = rust_string(L, {3, "RegexWrap.replace_all"});
  return replace_matches(L, re, haystack, 0, replacement, nullptr);
}

// regex:replacen(TEXT, LIMIT, REPLACEMENT): LIMIT 0 replaces all.
int regex_replacen(lua_State* L) {
  const CompiledRegex& re = self(L, "replacen");
  std::string_view haystack = rust_string(L, {2, "RegexWrap.replacen"});
  std::size_t limit = rust_usize(L, {3, "RegexWrap.replacen"});
  std::string_view replacement = rust_string(L, {4, "RegexWrap.replacen"});
  return replace_matches(L, re, haystack, limit, replacement, nullptr);
}

void register_regex_metatable(lua_State* L) {
  luaL_newmetatable(L, k_regex_mt);
  const luaL_Reg methods[] = {{"captures", guarded<regex_captures>},
                              {"is_match", guarded<regex_is_match>},
                              {"find", guarded<regex_find>},
                              {"find_all", guarded<regex_find_all>},
                              {"replace", guarded<regex_replace>},
                              {"replace_all", guarded<regex_replace_all>},
                              {"replacen", guarded<regex_replacen>},
                              {"split", guarded<regex_split>},
                              {nullptr, nullptr}};
  luaL_newlib(L, methods);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, guarded<regex_gc>);
  lua_setfield(L, -2, "__gc");
  lua_pushstring(L, k_regex_type);
  lua_setfield(L, -2, "__name");
  lock_metatable(L);
  lua_pop(L, 1);
}

}  // namespace

void open_kumo_regex(lua_State* L, int kumo_index) {
  kumo_index = lua_absindex(L, kumo_index);
  create_contexts(L);
  register_regex_metatable(L);
  const luaL_Reg functions[] = {
      {"compile", guarded<regex_compile>}, {"escape", guarded<regex_escape>}, {nullptr, nullptr}};
  push_module(L, "kumo.regex", functions);
  lua_setfield(L, kumo_index, "regex");
}

}  // namespace kumo::lua
