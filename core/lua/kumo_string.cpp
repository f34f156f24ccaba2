// kumo.string: KumoMTA's crates/mod-string, which hands its arguments to
// Rust's str methods. Those methods' exact behaviour is modeled: an empty
// pattern matches at every character boundary (split('abc', '') is
// {'', 'a', 'b', 'c', ''}), rsplit finds matches from the right,
// whitespace is Unicode's White_Space (split_ascii_whitespace's is not
// quite ASCII's: \x0B is not in it), and so on.
//
// Pattern search is linear (Knuth-Morris-Pratt): the policy controls both
// the text and the pattern, and a quadratic search would let one call run
// for hours below the instruction budget's notice.
#include "core/lua/kumo_submodules.hpp"

#include <string>
#include <vector>

#include "core/lua/rust_args.hpp"
#include "core/lua/step_meter.hpp"
#include "core/util/utf8.hpp"

namespace kumo::lua {

namespace {

// The non-overlapping occurrences of `needle` in `hay`, from the left or
// (reverse) from the right, as Rust's StrSearcher yields them.
class Occurrences {
 public:
  Occurrences(lua_State* L, std::string_view hay, std::string_view needle, bool reverse)
      : m_meter(L), m_memory(L), m_hay(hay), m_needle(needle), m_reverse(reverse), m_cursor(reverse ? hay.size() : 0) {
    if (!needle.empty()) {
      m_memory.charge(needle.size() * sizeof(std::size_t));
      build_failure_table();
    }
  }

  std::optional<Span> next() { return m_needle.empty() ? next_empty() : next_occurrence(); }

 private:
  // The needle's byte k, read from the end when searching backwards.
  char needle_at(std::size_t k) const { return m_reverse ? m_needle[m_needle.size() - 1 - k] : m_needle[k]; }

  void build_failure_table() {
    m_fail.assign(m_needle.size(), 0);
    for (std::size_t i = 1, k = 0; i < m_needle.size(); ++i) {
      while (k > 0 && needle_at(i) != needle_at(k)) {
        k = m_fail[k - 1];
      }
      if (needle_at(i) == needle_at(k)) {
        ++k;
      }
      m_fail[i] = k;
    }
    m_meter.add(m_needle.size() / 8);
  }

  std::optional<Span> next_occurrence() {
    const std::size_t m = m_needle.size();
    std::size_t matched = 0;
    std::size_t scanned = 0;
    while (m_reverse ? m_cursor > 0 : m_cursor < m_hay.size()) {
      char c = m_reverse ? m_hay[m_cursor - 1] : m_hay[m_cursor];
      m_reverse ? --m_cursor : ++m_cursor;
      while (matched > 0 && c != needle_at(matched)) {
        matched = m_fail[matched - 1];
      }
      if (c == needle_at(matched)) {
        ++matched;
      }
      if (++scanned % 4096 == 0) {
        m_meter.add(4096 / 8);
      }
      if (matched == m) {
        m_meter.add(scanned % 4096 / 8 + 1);
        return m_reverse ? Span{m_cursor, m_cursor + m} : Span{m_cursor - m, m_cursor};
      }
    }
    m_meter.add(scanned % 4096 / 8 + 1);
    return std::nullopt;
  }

  // An empty needle matches at every character boundary, ends included.
  std::optional<Span> next_empty() {
    if (m_empty_done) {
      return std::nullopt;
    }
    m_meter.add(1);
    std::size_t at = m_cursor;
    if (m_reverse ? at == 0 : at == m_hay.size()) {
      m_empty_done = true;
    } else if (m_reverse) {
      util::previous_char(m_hay, m_cursor);
    } else {
      util::next_char(m_hay, m_cursor);
    }
    return Span{at, at};
  }

  StepMeter m_meter;
  HostMemory m_memory;
  std::string_view m_hay, m_needle;
  bool m_reverse;
  std::size_t m_cursor;
  bool m_empty_done = false;
  std::vector<std::size_t> m_fail;
};

// Rust's split / rsplit / splitn / rsplitn with a &str pattern, into a new
// array-like table: pieces in the order the iterator yields them.
void push_split(lua_State* L, std::string_view s, std::string_view pattern, bool reverse,
                std::optional<std::size_t> limit) {
  lua_createtable(L, 0, 0);
  lua_Integer n = 0;
  Occurrences found(L, s, pattern, reverse);
  std::size_t start = 0, end = s.size();
  bool finished = false;
  std::size_t count = limit.value_or(0);
  for (;;) {
    if (limit) {
      if (count == 0) {
        break;
      }
      if (--count == 0) {  // the last piece is all that is left
        if (!finished) {
          push_text(L, s.substr(start, end - start));
          lua_rawseti(L, -2, ++n);
        }
        break;
      }
    }
    if (finished) {
      break;
    }
    std::string_view piece;
    if (auto m = found.next()) {
      piece = reverse ? s.substr(m->end, end - m->end) : s.substr(start, m->start - start);
      (reverse ? end : start) = reverse ? m->start : m->end;
    } else {
      finished = true;
      piece = s.substr(start, end - start);
    }
    push_text(L, piece);
    lua_rawseti(L, -2, ++n);
  }
}

// kumo.string.split(STRING, PATTERN)
int string_split(lua_State* L) {
  auto s = rust_string(L, {1});
  auto pattern = rust_string(L, {2});
  push_split(L, s, pattern, false, std::nullopt);
  return 1;
}

// kumo.string.rsplit(STRING, PATTERN)
int string_rsplit(lua_State* L) {
  auto s = rust_string(L, {1});
  auto pattern = rust_string(L, {2});
  push_split(L, s, pattern, true, std::nullopt);
  return 1;
}

// kumo.string.splitn(STRING, LIMIT, PATTERN)
int string_splitn(lua_State* L) {
  auto s = rust_string(L, {1});
  auto limit = rust_usize(L, {2});
  auto pattern = rust_string(L, {3});
  push_split(L, s, pattern, false, limit);
  return 1;
}

// kumo.string.rsplitn(STRING, LIMIT, PATTERN)
int string_rsplitn(lua_State* L) {
  auto s = rust_string(L, {1});
  auto limit = rust_usize(L, {2});
  auto pattern = rust_string(L, {3});
  push_split(L, s, pattern, true, limit);
  return 1;
}

// Rust's replacen (count: at most that many, from the left; no count: all,
// as replace).
int push_replaced(lua_State* L, std::string_view s, std::string_view from, std::string_view to,
                  std::optional<std::size_t> count) {
  Occurrences found(L, s, from, false);
  StepMeter meter(L);
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  std::size_t last = 0;
  for (std::size_t done = 0; !count || done < *count; ++done) {
    auto m = found.next();
    if (!m) {
      break;
    }
    luaL_addlstring(&b, s.data() + last, m->start - last);
    luaL_addlstring(&b, to.data(), to.size());
    meter.add_bytes(m->start - last + to.size());
    last = m->end;
  }
  luaL_addlstring(&b, s.data() + last, s.size() - last);
  luaL_pushresult(&b);
  return 1;
}

// kumo.string.replace(STRING, FROM, TO)
int string_replace(lua_State* L) {
  auto s = rust_string(L, {1});
  auto from = rust_string(L, {2});
  auto to = rust_string(L, {3});
  return push_replaced(L, s, from, to, std::nullopt);
}

// kumo.string.replacen(STRING, FROM, TO, COUNT)
int string_replacen(lua_State* L) {
  auto s = rust_string(L, {1});
  auto from = rust_string(L, {2});
  auto to = rust_string(L, {3});
  auto count = rust_usize(L, {4});
  return push_replaced(L, s, from, to, count);
}

// The words of `s` between runs of White_Space (ascii: Rust's
// u8::is_ascii_whitespace), empty words dropped.
void push_words(lua_State* L, std::string_view s, bool ascii) {
  StepMeter meter(L);
  meter.add_bytes(s.size());
  lua_createtable(L, 0, 0);
  lua_Integer n = 0;
  auto word = [&](std::size_t start, std::size_t end) {
    if (end > start) {
      push_text(L, s.substr(start, end - start));
      lua_rawseti(L, -2, ++n);
      meter.add(1);
    }
  };
  std::size_t word_start = 0;
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t at = i;
    const bool space = ascii ? util::is_ascii_whitespace(static_cast<unsigned char>(s[i++]))
                             : util::is_white_space(util::next_char(s, i));
    if (space) {
      word(word_start, at);
      word_start = i;
    }
  }
  word(word_start, s.size());
}

// kumo.string.split_whitespace(STRING)
int string_split_whitespace(lua_State* L) {
  push_words(L, rust_string(L, {1}), false);
  return 1;
}

// kumo.string.split_ascii_whitespace(STRING)
int string_split_ascii_whitespace(lua_State* L) {
  push_words(L, rust_string(L, {1}), true);
  return 1;
}

std::string_view trim_start(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t next = i;
    if (!util::is_white_space(util::next_char(s, next))) {
      break;
    }
    i = next;
  }
  return s.substr(i);
}

std::string_view trim_end(std::string_view s) {
  std::size_t end = s.size();
  while (end > 0) {
    std::size_t at = end;
    if (!util::is_white_space(util::previous_char(s, at))) {
      break;
    }
    end = at;
  }
  return s.substr(0, end);
}

// kumo.string.trim(STRING), trim_start, trim_end: Unicode White_Space.
template <std::string_view (*Trim)(std::string_view)>
int string_trim(lua_State* L) {
  auto s = rust_string(L, {1});
  charge_steps(L, 1 + s.size() / 8);
  push_text(L, Trim(s));
  return 1;
}

std::string_view trim_both(std::string_view s) { return trim_end(trim_start(s)); }

// kumo.string.starts_with(STRING, PREFIX) and ends_with: bytes, no UTF-8 needed.
template <bool AtEnd>
int string_affix(lua_State* L) {
  auto s = rust_bytes(L, {1});
  auto affix = rust_bytes(L, {2});
  charge_steps(L, 1 + affix.size() / 64);
  lua_pushboolean(L, AtEnd ? s.ends_with(affix) : s.starts_with(affix));
  return 1;
}

// bstr's trim_end on bytes: trailing White_Space characters go; a byte
// that is not part of valid UTF-8 stops the trim.
std::size_t trimmed_end(std::string_view bytes) {
  std::size_t end = bytes.size();
  while (end > 0) {
    std::size_t start = end - 1;
    while (start > 0 && end - start < 4 && (static_cast<unsigned char>(bytes[start]) & 0xC0) == 0x80) {
      --start;
    }
    std::string_view last = bytes.substr(start, end - start);
    if (util::utf8_length(static_cast<unsigned char>(last[0])) != last.size() || util::find_utf8_error(last)) {
      break;
    }
    std::size_t i = 0;
    if (!util::is_white_space(util::next_char(last, i))) {
      break;
    }
    end = start;
  }
  return end;
}

// kumo_wrap::wrap_impl: words (split on ASCII whitespace) fill lines
// below SOFT bytes; a word longer than HARD is cut every HARD bytes;
// breaks are "\r\n\t".
std::string wrap(std::string_view text, std::size_t soft, std::size_t hard, StepMeter& meter) {
  std::string result, line;
  auto flush = [&] {
    if (!result.empty()) {
      result += '\t';
    }
    result += line;
    result += "\r\n";
    line.clear();
  };
  std::size_t i = 0;
  while (i <= text.size()) {
    std::size_t start = i;
    while (i < text.size() && !util::is_ascii_whitespace(static_cast<unsigned char>(text[i]))) {
      ++i;
    }
    std::string_view word = text.substr(start, i - start);
    ++i;  // past the whitespace byte (or the end)
    meter.add_bytes(word.size());
    if (word.empty()) {
      continue;
    }
    if (line.size() + word.size() < soft) {
      if (!line.empty()) {
        line += ' ';
      }
      line += word;
      continue;
    }
    if (!line.empty()) {
      flush();
    }
    if (word.size() <= hard) {
      line += word;
      continue;
    }
    for (char c : word) {
      line += c;
      if (line.size() >= hard) {
        flush();
      }
    }
  }
  if (!line.empty()) {
    if (!result.empty()) {
      result += '\t';
    }
    result += line;
  }
  return result;
}

// kumo.string.wrap(TEXT, SOFT_LIMIT, HARD_LIMIT)
int string_wrap(lua_State* L) {
  auto text = rust_bytes(L, {1});
  std::size_t soft = rust_optional_usize(L, {2}).value_or(75);
  std::size_t hard = rust_optional_usize(L, {3}).value_or(900);
  HostMemory memory(L);
  memory.charge(8 * (text.size() + 4));  // the result and the line: at most four times the text each
  StepMeter meter(L);
  std::string wrapped = wrap(text, soft, hard, meter);
  push_text(L, std::string_view(wrapped).substr(0, trimmed_end(wrapped)));
  return 1;
}

// Functions KumoMTA has that need what kumo-lint lacks; the argument is
// still converted first, as there.
template <const char* Name, const char* Why>
int string_not_modeled(lua_State* L) {
  rust_string(L, {1});
  raise_pending(L, diag::Code::not_modeled,
                std::string("kumo.string.") + Name + " is not modeled by kumo-lint: " + Why);
}

constexpr char k_psl_domain[] = "psl_domain";
constexpr char k_psl_suffix[] = "psl_suffix";
constexpr char k_psl_why[] =
    "it needs the Public Suffix List KumoMTA compiles in, which kumo-lint does not ship (keep such calls out of "
    "get_queue_config, or report the need)";
constexpr char k_eval_template[] = "eval_template";
constexpr char k_template_why[] = "it runs KumoMTA's template engines (minijinja, handlebars)";
constexpr char k_normalize[] = "normalize_smtp_response";
constexpr char k_normalize_why[] = "it needs KumoMTA's word dictionary";

}  // namespace

void open_kumo_string(lua_State* L, int kumo_index) {
  kumo_index = lua_absindex(L, kumo_index);
  const luaL_Reg functions[] = {{"replace", guarded<string_replace>},
                                {"replacen", guarded<string_replacen>},
                                {"rsplit", guarded<string_rsplit>},
                                {"rsplitn", guarded<string_rsplitn>},
                                {"starts_with", guarded<string_affix<false>>},
                                {"ends_with", guarded<string_affix<true>>},
                                {"split", guarded<string_split>},
                                {"splitn", guarded<string_splitn>},
                                {"split_whitespace", guarded<string_split_whitespace>},
                                {"split_ascii_whitespace", guarded<string_split_ascii_whitespace>},
                                {"trim", guarded<string_trim<trim_both>>},
                                {"trim_end", guarded<string_trim<trim_end>>},
                                {"trim_start", guarded<string_trim<trim_start>>},
                                {"wrap", guarded<string_wrap>},
                                {"psl_domain", guarded<string_not_modeled<k_psl_domain, k_psl_why>>},
                                {"psl_suffix", guarded<string_not_modeled<k_psl_suffix, k_psl_why>>},
                                {"eval_template", guarded<string_not_modeled<k_eval_template, k_template_why>>},
                                {"normalize_smtp_response", guarded<string_not_modeled<k_normalize, k_normalize_why>>},
                                {nullptr, nullptr}};
  push_module(L, "kumo.string", functions);
  lua_setfield(L, kumo_index, "string");
}

}  // namespace kumo::lua
