// fancy-regex 0.16.2's parser (src/parse.rs), decision for decision: the
// same grammar, the same quirks (a bare (?i) is not scoped to its group, a
// '{' that does not start a repeat is a literal), the same errors at the
// same byte positions. Also fancy-regex's reading of replacement templates.
#include "core/lua/regex_tree.hpp"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <charconv>
#include <optional>
#include <tuple>

#include "core/util/utf8.hpp"

namespace kumo::lua::regex::detail {

namespace {

Node make(Node::Kind kind) {
  Node n;
  n.kind = kind;
  return n;
}

Node make_with(Node::Kind kind, Node child) {
  Node n = make(kind);
  n.children.push_back(std::move(child));
  return n;
}

Node literal(char32_t c, bool casei) {
  Node n = make(Node::Kind::literal);
  n.ch = c;
  n.casei = casei;
  return n;
}

Node assertion_node(Assertion a) {
  Node n = make(Node::Kind::assertion);
  n.assertion = a;
  return n;
}

Node class_node(ClassItem item, bool casei) {
  Node n = make(Node::Kind::cls);
  n.item = std::make_shared<const ClassItem>(std::move(item));
  n.casei = casei;
  return n;
}

// --- Helpers over the pattern's bytes ---

std::size_t codepoint_len(unsigned char b) {  // fancy-regex's, for valid UTF-8
  return b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
}

bool is_ascii_digit(unsigned char b) { return b >= '0' && b <= '9'; }
bool is_hex_digit(unsigned char b) { return is_ascii_digit(b) || ((b | 32) >= 'a' && (b | 32) <= 'f'); }

struct Decimal {
  std::size_t end;
  std::size_t value;
};

// Digits at ix read as a usize: nothing when there are none or they overflow.
std::optional<Decimal> parse_decimal(std::string_view s, std::size_t ix) {
  std::size_t end = ix;
  while (end < s.size() && is_ascii_digit(static_cast<unsigned char>(s[end]))) {
    ++end;
  }
  std::size_t value = 0;
  auto [ptr, ec] = std::from_chars(s.data() + ix, s.data() + end, value);
  if (end == ix || ec != std::errc{} || ptr != s.data() + end) {
    return std::nullopt;
  }
  return Decimal{end, value};
}

// Rust's char::is_alphanumeric (Alphabetic or Numeric), asked of PCRE2's
// Unicode tables for characters beyond ASCII.
bool is_unicode_alphanumeric(char32_t c) {
  static pcre2_code* const k_code = [] {
    int code = 0;
    PCRE2_SIZE offset = 0;
    const char pattern[] = "[\\p{Alphabetic}\\p{N}]";
    return pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern), sizeof pattern - 1, PCRE2_UTF, &code, &offset, nullptr);
  }();
  std::string text;
  util::append_utf8(text, c);
  pcre2_match_data* md = pcre2_match_data_create(1, nullptr);
  int rc = pcre2_match(k_code, reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(), 0, PCRE2_ANCHORED, md, nullptr);
  pcre2_match_data_free(md);
  return rc > 0;
}

bool is_id_char(char32_t c) {
  if (c < 0x80) {
    return c == '_' || (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'z');
  }
  return is_unicode_alphanumeric(c);
}

// fancy-regex's parse_id: an identifier between `open` and `close`,
// optionally (allow_relative) with a +n / -n recursion level.
struct ParsedId {
  std::string_view id;
  std::optional<std::int64_t> relative;
  std::size_t skip = 0;
};

std::optional<ParsedId> parse_id(std::string_view s, std::string_view open, std::string_view close,
                                 bool allow_relative) {
  if (!s.starts_with(open) || s.size() <= open.size() + close.size()) {
    return std::nullopt;
  }
  const std::size_t id_start = open.size();
  std::size_t id_len = 0;
  bool stopped = false;
  for (std::size_t i = id_start; i < s.size();) {
    std::size_t at = i;
    if (!is_id_char(util::next_char(s, i))) {
      id_len = at - id_start;
      stopped = true;
      break;
    }
  }
  if (!stopped && close.empty()) {
    id_len = s.size() - id_start;
  }
  const std::size_t id_end = id_start + id_len;
  if (id_len > 0 && s.substr(id_end).starts_with(close)) {
    return ParsedId{s.substr(id_start, id_len), std::nullopt, id_end + close.size()};
  }
  if (!allow_relative || id_end >= s.size()) {
    return std::nullopt;
  }
  const char sign = s[id_end];
  if (sign != '+' && sign != '-') {
    return std::nullopt;
  }
  auto amount = parse_decimal(s, id_end + 1);
  if (!amount || !s.substr(amount->end).starts_with(close)) {
    return std::nullopt;
  }
  if (amount->value == 0 && id_len == 0) {
    return std::nullopt;
  }
  auto signed_amount = static_cast<std::int64_t>(amount->value);
  return ParsedId{s.substr(id_start, id_len), sign == '-' ? -signed_amount : signed_amount, amount->end + close.size()};
}

// --- The parser (fancy-regex's Parser) ---

enum Flag : unsigned {
  k_casei = 1,
  k_multi = 2,
  k_dotnl = 4,
  k_swap_greed = 8,
  k_ignore_space = 16,
};

using Parsed = std::pair<std::size_t, Node>;

class Parser {
 public:
  explicit Parser(std::string_view re) : m_re(re) {}

  Node parse() {
    auto [ix, expr] = parse_re(0, 0);
    if (ix < m_re.size()) {
      parse_error(ix, "General parsing error: end of string not reached");
    }
    if (m_has_unresolved) {
      resolve_subroutines(expr);
    }
    return std::move(expr);
  }

  const std::map<std::string, std::size_t>& named_groups() const { return m_named_groups; }
  const std::set<std::size_t>& backrefs() const { return m_backrefs; }
  std::size_t group_count() const { return m_curr_group; }
  bool delegate_error() const { return m_delegate_error; }

 private:
  unsigned char byte(std::size_t ix) const { return static_cast<unsigned char>(m_re[ix]); }
  bool at(std::size_t ix, std::string_view text) const {
    return ix <= m_re.size() && m_re.substr(ix).starts_with(text);
  }
  bool flag(unsigned f) const { return (m_flags & f) == f; }
  void update_flag(unsigned f, bool neg) { m_flags = neg ? m_flags & ~f : m_flags | f; }

  Parsed parse_re(std::size_t ix, std::size_t depth) {
    auto [next, child] = parse_branch(ix, depth);
    ix = optional_whitespace(next);
    if (at(ix, "|")) {
      Node alt = make(Node::Kind::alt);
      alt.children.push_back(std::move(child));
      while (at(ix, "|")) {
        auto [after, branch] = parse_branch(ix + 1, depth);
        alt.children.push_back(std::move(branch));
        ix = optional_whitespace(after);
      }
      return {ix, std::move(alt)};
    }
    // fancy-regex checks this only where no alternation was seen.
    if (m_numeric_backrefs && !m_named_groups.empty()) {
      compile_error("Numbered backref/call not allowed because named group was used, use a named backref instead");
    }
    return {ix, std::move(child)};
  }

  Parsed parse_branch(std::size_t ix, std::size_t depth) {
    std::vector<Node> children;
    while (ix < m_re.size()) {
      auto [next, child] = parse_piece(ix, depth);
      if (next == ix) {
        break;
      }
      if (child.kind != Node::Kind::empty) {
        children.push_back(std::move(child));
      }
      ix = next;
    }
    if (children.empty()) {
      return {ix, make(Node::Kind::empty)};
    }
    if (children.size() == 1) {
      return {ix, std::move(children.front())};
    }
    Node concat = make(Node::Kind::concat);
    concat.children = std::move(children);
    return {ix, std::move(concat)};
  }

  static bool repeatable(const Node& n) {
    switch (n.kind) {
      case Node::Kind::look:
      case Node::Kind::empty:
      case Node::Kind::assertion:
      case Node::Kind::keep_out:
      case Node::Kind::continue_at:
      case Node::Kind::backref_exists:
      case Node::Kind::end_before_newlines:  // \Z is a look-ahead in fancy-regex
        return false;
      default: return true;
    }
  }

  Parsed parse_piece(std::size_t ix, std::size_t depth) {
    auto [next, child] = parse_atom(ix, depth);
    ix = optional_whitespace(next);
    if (ix >= m_re.size()) {
      return {ix, std::move(child)};
    }
    std::size_t lo = 0, hi = 0;
    switch (byte(ix)) {
      case '?':
        lo = 0;
        hi = 1;
        break;
      case '*':
        lo = 0;
        hi = k_unbounded;
        break;
      case '+':
        lo = 1;
        hi = k_unbounded;
        break;
      case '{': {
        auto repeat = parse_repeat(ix);
        if (!repeat) {
          return {ix, std::move(child)};  // not a repeat: '{' is a literal
        }
        ix = repeat->end - 1;
        lo = repeat->lo;
        hi = repeat->hi;
        break;
      }
      default: return {ix, std::move(child)};
    }
    if (!repeatable(child)) {
      parse_error(ix, "Target of repeat operator is invalid");
    }
    ix = optional_whitespace(ix + 1);
    bool greedy = true;
    if (ix < m_re.size() && byte(ix) == '?') {
      greedy = false;
      ++ix;
    }
    if (flag(k_swap_greed)) {
      greedy = !greedy;
    }
    Node node = make_with(Node::Kind::repeat, std::move(child));
    node.lo = lo;
    node.hi = hi;
    node.greedy = greedy;
    if (ix < m_re.size() && byte(ix) == '+') {
      ++ix;
      node = make_with(Node::Kind::atomic, std::move(node));
    }
    return {ix, std::move(node)};
  }

  struct Repeat {
    std::size_t end, lo, hi;
  };

  // {n}, {n,}, {n,m}, {,m}; nothing when the text is not a repeat (any
  // failure, even an unclosed comment inside, makes '{' a literal).
  std::optional<Repeat> parse_repeat(std::size_t ix) const {
    try {
      ix = optional_whitespace(ix + 1);
    } catch (const Failure&) {
      return std::nullopt;
    }
    if (ix == m_re.size()) {
      return std::nullopt;
    }
    std::size_t end = ix;
    std::size_t lo = 0;
    if (byte(ix) != ',') {
      auto d = parse_decimal(m_re, ix);
      if (!d) {
        return std::nullopt;
      }
      end = d->end;
      lo = d->value;
    }
    try {
      ix = optional_whitespace(end);
      if (ix == m_re.size()) {
        return std::nullopt;
      }
      end = ix;
      std::size_t hi = lo;
      if (byte(ix) == ',') {
        end = optional_whitespace(ix + 1);
        if (auto d = parse_decimal(m_re, end)) {
          end = d->end;
          hi = d->value;
        } else {
          hi = k_unbounded;
        }
      } else if (byte(ix) != '}') {
        return std::nullopt;
      }
      ix = optional_whitespace(end);
      if (ix == m_re.size() || byte(ix) != '}') {
        return std::nullopt;
      }
      return Repeat{ix + 1, lo, hi};
    } catch (const Failure&) {
      return std::nullopt;
    }
  }

  Parsed parse_atom(std::size_t ix, std::size_t depth) {
    ix = optional_whitespace(ix);
    if (ix == m_re.size()) {
      return {ix, make(Node::Kind::empty)};
    }
    switch (byte(ix)) {
      case '.': {
        Node any = make(Node::Kind::any);
        any.newline = flag(k_dotnl);
        return {ix + 1, std::move(any)};
      }
      case '^': return {ix + 1, assertion_node(flag(k_multi) ? Assertion::start_line : Assertion::start_text)};
      case '$': return {ix + 1, assertion_node(flag(k_multi) ? Assertion::end_line : Assertion::end_text)};
      case '(': return parse_group(ix, depth);
      case '\\': return parse_escape(ix, false);
      case '+':
      case '*':
      case '?':
      case '|':
      case ')': return {ix, make(Node::Kind::empty)};
      case '[': return parse_class(ix);
      default: {
        std::size_t next = ix;
        char32_t c = util::next_char(m_re, next);
        return {next, literal(c, flag(k_casei))};
      }
    }
  }

  Parsed parse_named_backref(std::size_t ix, std::string_view open, std::string_view close, bool allow_relative) {
    auto ref = parse_reference(ix, open, close, allow_relative);
    if (ref.group) {
      m_backrefs.insert(*ref.group);
      Node n = make(ref.relative ? Node::Kind::backref_at_level : Node::Kind::backref);
      n.group = *ref.group;
      n.casei = flag(k_casei);
      return {ref.end, std::move(n)};
    }
    parse_error(ix, "Invalid group name in back reference: " + std::string(ref.name));
  }

  Parsed parse_named_subroutine_call(std::size_t ix, std::string_view open, std::string_view close,
                                     bool allow_relative) {
    auto ref = parse_reference(ix, open, close, allow_relative);
    if (ref.relative) {
      parse_error(ix, "Could not parse group name");
    }
    if (ref.group) {
      Node n = make(Node::Kind::subroutine);
      n.group = *ref.group;
      return {ref.end, std::move(n)};
    }
    Node n = make(Node::Kind::unresolved_subroutine);
    n.name = std::string(ref.name);
    n.position = ix;
    m_has_unresolved = true;
    return {ref.end, std::move(n)};
  }

  struct Reference {
    std::size_t end;
    std::optional<std::size_t> group;
    std::string_view name;
    std::optional<std::int64_t> relative;
  };

  Reference parse_reference(std::size_t ix, std::string_view open, std::string_view close, bool allow_relative) {
    auto parsed = parse_id(m_re.substr(ix), open, close, allow_relative);
    if (!parsed) {
      parse_error(ix, "Could not parse group name");
    }
    auto relative = parsed->relative;
    std::optional<std::size_t> group;
    if (auto named = m_named_groups.find(std::string(parsed->id)); named != m_named_groups.end()) {
      group = named->second;
    } else if (auto number = parse_decimal(parsed->id, 0); number && number->end == parsed->id.size()) {
      group = number->value;
    } else if (relative && parsed->id.empty()) {
      std::int64_t step = *relative < 0 ? *relative + 1 : *relative;
      relative.reset();
      auto current = static_cast<std::int64_t>(m_curr_group);
      if (current + step >= 0) {
        group = static_cast<std::size_t>(current + step);
      }
    }
    return {ix + parsed->skip, group, parsed->id, relative};
  }

  std::size_t parse_group_number(std::size_t ix) const {
    auto d = parse_decimal(m_re, ix);
    // fancy-regex protects its bit set against huge numbers.
    if (!d || d->value >= m_re.size() / 2) {
      parse_error(ix, "Invalid back reference");
    }
    return d->value;
  }

  Parsed parse_numbered_backref(std::size_t ix) {
    std::size_t group = parse_group_number(ix);
    std::size_t end = parse_decimal(m_re, ix)->end;
    m_numeric_backrefs = true;
    m_backrefs.insert(group);
    Node n = make(Node::Kind::backref);
    n.group = group;
    n.casei = flag(k_casei);
    return {end, std::move(n)};
  }

  Parsed parse_numbered_subroutine_call(std::size_t ix) {
    std::size_t group = parse_group_number(ix);
    std::size_t end = parse_decimal(m_re, ix)->end;
    m_numeric_backrefs = true;
    Node n = make(Node::Kind::subroutine);
    n.group = group;
    return {end, std::move(n)};
  }

  // ix is at the backslash.
  Parsed parse_escape(std::size_t ix, bool in_class) {
    if (ix + 1 >= m_re.size()) {
      parse_error(ix, "Backslash without following character");
    }
    const unsigned char b = byte(ix + 1);
    const std::size_t end = ix + 1 + codepoint_len(b);
    const bool out = !in_class;
    if (is_ascii_digit(b)) {
      return parse_numbered_backref(ix + 1);
    }
    if (b == 'k' && out) {
      return at(end, "'") ? parse_named_backref(end, "'", "'", true) : parse_named_backref(end, "<", ">", true);
    }
    if (b == 'A' && out) {
      return {end, assertion_node(Assertion::start_text)};
    }
    if (b == 'z' && out) {
      return {end, assertion_node(Assertion::end_text)};
    }
    if (b == 'Z' && out) {
      return {end, make(Node::Kind::end_before_newlines)};
    }
    if ((b == 'b' || b == 'B') && out) {
      if (at(end, "{")) {
        parse_error(ix, std::string("Invalid escape: \\") + static_cast<char>(b));  // \b{start} etc.
      }
      return {end, assertion_node(b == 'b' ? Assertion::word : Assertion::not_word)};
    }
    if (b == '<' && out) {
      return {end, assertion_node(Assertion::left_word)};
    }
    if (b == '>' && out) {
      return {end, assertion_node(Assertion::right_word)};
    }
    switch (b | 32) {
      case 'd':
      case 's':
      case 'w': return {end, class_node(perl_class(static_cast<char>(b)), flag(k_casei))};
      case 'h': return {end, class_node(hex_digits(b == 'H'), false)};
      default: break;
    }
    if (b == 'x' || b == 'u' || b == 'U') {
      return parse_hex(end, b == 'x' ? 2 : b == 'u' ? 4 : 8);
    }
    if ((b | 32) == 'p' && end != m_re.size()) {
      return parse_unicode_escape(ix, end);
    }
    if (b == 'K' && out) {
      return {end, make(Node::Kind::keep_out)};
    }
    if (b == 'G' && out) {
      return {end, make(Node::Kind::continue_at)};
    }
    if (b == 'O' && out) {
      Node any = make(Node::Kind::any);
      any.newline = true;
      return {end, std::move(any)};
    }
    if (b == 'g' && out) {
      if (end == m_re.size()) {
        parse_error(ix, "Invalid escape: \\g");
      }
      if (is_ascii_digit(byte(end))) {
        return parse_numbered_subroutine_call(end);
      }
      return byte(end) == '\'' ? parse_named_subroutine_call(end, "'", "'", true)
                               : parse_named_subroutine_call(end, "<", ">", true);
    }
    return {end, escaped_literal(ix, b)};
  }

  // \n \t ... or an escaped character; letters that mean nothing are errors
  // (in a class, the assertion letters fall through to here as literals).
  Node escaped_literal(std::size_t ix, unsigned char b) const {
    switch (b) {
      case 'a': return literal(0x07, false);
      case 'b': return literal(0x08, false);
      case 'f': return literal(0x0C, false);
      case 'n': return literal('\n', false);
      case 'r': return literal('\r', false);
      case 't': return literal('\t', false);
      case 'v': return literal(0x0B, false);
      case 'e': return literal(0x1B, false);
      default: break;
    }
    const bool letter = (b | 32) >= 'a' && (b | 32) <= 'z';
    const bool kept = b == 'k' || b == 'A' || b == 'z' || b == 'b' || b == 'B' || b == 'K' || b == 'G';
    std::size_t next = ix + 1;
    char32_t c = util::next_char(m_re, next);
    if (letter && !kept) {
      std::string text = "\\";
      util::append_utf8(text, c);
      parse_error(ix, "Invalid escape: " + text);
    }
    return literal(c, false);  // fancy-regex: an escaped character is never case-insensitive
  }

  // ix is after \x, \u or \U.
  Parsed parse_hex(std::size_t ix, std::size_t digits) const {
    if (ix >= m_re.size()) {
      parse_error(ix, "Invalid hex escape");
    }
    std::size_t end = 0;
    std::string_view hex;
    bool fixed = ix + digits <= m_re.size();
    for (std::size_t k = 0; fixed && k < digits; ++k) {
      fixed = is_hex_digit(byte(ix + k));
    }
    if (fixed) {
      hex = m_re.substr(ix, digits);
      end = ix + digits;
    } else if (byte(ix) == '{') {
      std::size_t start = ix + 1, stop = start;
      for (;;) {
        if (stop == m_re.size()) {
          parse_error(ix, "Invalid hex escape");
        }
        if (stop > start && byte(stop) == '}') {
          break;
        }
        if (!is_hex_digit(byte(stop)) || stop >= start + 8) {
          parse_error(ix, "Invalid hex escape");
        }
        ++stop;
      }
      hex = m_re.substr(start, stop - start);
      end = stop + 1;
    } else {
      parse_error(ix, "Invalid hex escape");
    }
    std::uint64_t value = 0;
    std::from_chars(hex.data(), hex.data() + hex.size(), value, 16);
    if (value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) {
      parse_error(ix, "Invalid codepoint for hex or unicode escape");
    }
    return {end, literal(static_cast<char32_t>(value), flag(k_casei))};
  }

  // \pL or \p{...}: the text is the regex crate's to read.
  Parsed parse_unicode_escape(std::size_t ix, std::size_t end) {
    const unsigned char first = byte(end);
    end += codepoint_len(first);
    if (first == '{') {
      for (;;) {
        if (end == m_re.size()) {
          parse_error(ix, "Unicode escape not closed");
        }
        const unsigned char b = byte(end);
        end += codepoint_len(b);
        if (b == '}') {
          break;
        }
      }
    }
    return {end, delegated_class(m_re.substr(ix, end - ix), flag(k_casei))};
  }

  Node delegated_class(std::string_view text, bool casei) {
    try {
      return class_node(unicode_class(text), casei);
    } catch (const DelegateRejects&) {
      m_delegate_error = true;
      return class_node(member_item("\\p{Any}"), casei);  // never used: the pattern fails
    }
  }

  Parsed parse_class(std::size_t ix) {
    std::vector<ClassToken> tokens;
    auto raw = [&](char32_t c) { tokens.push_back({ClassToken::Kind::raw, c, nullptr}); };
    raw('[');
    ++ix;
    if (ix < m_re.size() && byte(ix) == '^') {
      raw('^');
      ++ix;
    }
    if (ix < m_re.size() && byte(ix) == ']') {
      raw(']');
      ++ix;
    }
    for (int nest = 1;;) {
      if (ix == m_re.size()) {
        parse_error(ix, "Invalid character class");
      }
      const unsigned char b = byte(ix);
      if (b == '\\') {
        ix = class_escape(ix, tokens);
        continue;
      }
      std::size_t next = ix;
      char32_t c = util::next_char(m_re, next);
      raw(c);
      ix = next;
      if (b == '[') {
        ++nest;
      } else if (b == ']' && --nest == 0) {
        break;
      }
    }
    const bool casei = flag(k_casei);
    try {
      return {ix, class_node(read_class(tokens), casei)};
    } catch (const DelegateRejects&) {
      m_delegate_error = true;
      return {ix, class_node(member_item("\\p{Any}"), casei)};  // never used: the pattern fails
    }
  }

  // An escape inside a class, read by fancy-regex: a literal or a class.
  std::size_t class_escape(std::size_t ix, std::vector<ClassToken>& tokens) {
    auto [end, node] = parse_escape(ix, true);
    if (node.kind == Node::Kind::literal) {
      tokens.push_back({ClassToken::Kind::literal, node.ch, nullptr});
    } else if (node.kind == Node::Kind::cls) {
      const bool bracket = (byte(ix + 1) | 32) == 'h';  // fancy-regex writes \h as a nested [...]
      tokens.push_back({bracket ? ClassToken::Kind::bracket_class : ClassToken::Kind::escape_class, 0, node.item});
    } else {
      parse_error(ix, "Invalid character class");
    }
    return end;
  }

  Parsed parse_group(std::size_t ix, std::size_t depth) {
    ++depth;
    if (depth >= k_max_recursion) {
      parse_error(ix, "Pattern too deeply nested");
    }
    ix = optional_whitespace(ix + 1);
    std::optional<Look> look;
    std::size_t skip = 0;
    bool atomic = false;
    if (at(ix, "?=")) {
      look = Look::ahead, skip = 2;
    } else if (at(ix, "?!")) {
      look = Look::ahead_neg, skip = 2;
    } else if (at(ix, "?<=")) {
      look = Look::behind, skip = 3;
    } else if (at(ix, "?<!")) {
      look = Look::behind_neg, skip = 3;
    } else if (at(ix, "?<") || at(ix, "?'")) {
      const bool angle = at(ix, "?<");
      skip = named_group(ix, 1, angle ? "<" : "'", angle ? ">" : "'");
    } else if (at(ix, "?P<")) {
      skip = named_group(ix, 2, "<", ">");
    } else if (at(ix, "?P=")) {
      return parse_named_backref(ix + 3, "", ")", false);
    } else if (at(ix, "?>")) {
      atomic = true, skip = 2;
    } else if (at(ix, "?(")) {
      return parse_conditional(ix + 2, depth);
    } else if (at(ix, "?P>")) {
      return parse_named_subroutine_call(ix + 3, "", ")", false);
    } else if (at(ix, "?")) {
      return parse_flags(ix, depth);
    } else {
      ++m_curr_group;
    }
    auto [next, child] = parse_re(ix + skip, depth);
    std::size_t after = check_for_close_paren(next);
    if (look) {
      Node n = make_with(Node::Kind::look, std::move(child));
      n.look = *look;
      return {after, std::move(n)};
    }
    return {after, make_with(atomic ? Node::Kind::atomic : Node::Kind::group, std::move(child))};
  }

  // (?<name>, (?'name' or (?P<name>: a capture group that has a name.
  std::size_t named_group(std::size_t ix, std::size_t prefix, std::string_view open, std::string_view close) {
    ++m_curr_group;
    auto parsed = parse_id(m_re.substr(ix + prefix), open, close, false);
    if (!parsed) {
      parse_error(ix, "Could not parse group name");
    }
    m_named_groups[std::string(parsed->id)] = m_curr_group;
    return parsed->skip + prefix;
  }

  std::size_t check_for_close_paren(std::size_t ix) const {
    ix = optional_whitespace(ix);
    if (ix == m_re.size()) {
      parse_error(ix, "Opening parenthesis without closing parenthesis");
    }
    if (byte(ix) != ')') {
      parse_error(ix, "General parsing error: expected close paren");
    }
    return ix + 1;
  }

  // ix is at the '?' of (?flags) or (?flags:...).
  Parsed parse_flags(std::size_t ix, std::size_t depth) {
    const std::size_t start = ix + 1;
    auto unknown = [&](std::size_t end) {
      std::size_t after = end + codepoint_len(byte(end));
      parse_error(start, "Unknown group flag: (?" + std::string(m_re.substr(start, after - start)));
    };
    bool neg = false;
    const unsigned old_flags = m_flags;
    for (ix = start;; ++ix) {
      ix = optional_whitespace(ix);
      if (ix == m_re.size()) {
        parse_error(ix, "Opening parenthesis without closing parenthesis");
      }
      switch (byte(ix)) {
        case 'i': update_flag(k_casei, neg); break;
        case 'm': update_flag(k_multi, neg); break;
        case 's': update_flag(k_dotnl, neg); break;
        case 'U': update_flag(k_swap_greed, neg); break;
        case 'x': update_flag(k_ignore_space, neg); break;
        case 'u':
          if (neg) {
            parse_error(ix, "Disabling Unicode not supported");
          }
          break;
        case '-':
          if (neg) {
            unknown(ix);
          }
          neg = true;
          break;
        case ')':
          if (ix == start || (neg && ix == start + 1)) {
            unknown(ix);
          }
          return {ix + 1, make(Node::Kind::empty)};  // the flags stay set: fancy-regex does not scope them
        case ':': {
          if (neg && ix == start + 1) {
            unknown(ix);
          }
          auto [next, child] = parse_re(ix + 1, depth);
          if (next == m_re.size()) {
            parse_error(next, "Opening parenthesis without closing parenthesis");
          }
          if (byte(next) != ')') {
            parse_error(next, "General parsing error: expected close paren");
          }
          m_flags = old_flags;
          return {next + 1, std::move(child)};
        }
        default: unknown(ix);
      }
    }
  }

  // ix is after "(?(".
  Parsed parse_conditional(std::size_t ix, std::size_t depth) {
    if (ix >= m_re.size()) {
      parse_error(ix, "Opening parenthesis without closing parenthesis");
    }
    const unsigned char b = byte(ix);
    std::size_t next = 0;
    Node condition;
    if (b == '\'') {
      std::tie(next, condition) = parse_named_backref(ix, "'", "')", true);
    } else if (b == '<') {
      std::tie(next, condition) = parse_named_backref(ix, "<", ">)", true);
    } else if (b == '+' || b == '-' || is_ascii_digit(b)) {
      std::tie(next, condition) = parse_named_backref(ix, "", ")", true);
    } else {
      auto [after, cond] = parse_re(ix, depth);
      next = check_for_close_paren(after);
      condition = std::move(cond);
    }
    auto [end, child] = parse_re(next, depth);
    if (end == next) {
      if (condition.kind == Node::Kind::backref) {
        Node exists = make(Node::Kind::backref_exists);
        exists.group = condition.group;
        return {check_for_close_paren(end), std::move(exists)};
      }
      parse_error(end,
                  "General parsing error: expected conditional to be a backreference or at least an "
                  "expression for when the condition is true");
    }
    Node if_true, if_false;
    if (child.kind == Node::Kind::alt) {
      if_true = std::move(child.children.front());
      child.children.erase(child.children.begin());
      if (child.children.size() == 1) {
        if_false = std::move(child.children.front());
      } else {
        if_false = std::move(child);
      }
    } else {
      if_true = std::move(child);
    }
    if (condition.kind == Node::Kind::backref) {
      std::size_t group = condition.group;
      condition = make(Node::Kind::backref_exists);
      condition.group = group;
    }
    std::size_t after = check_for_close_paren(end);
    if (if_true.kind == Node::Kind::empty && if_false.kind == Node::Kind::empty) {
      return {after, std::move(condition)};
    }
    Node n = make(Node::Kind::conditional);
    n.children.push_back(std::move(condition));
    n.children.push_back(std::move(if_true));
    n.children.push_back(std::move(if_false));
    return {after, std::move(n)};
  }

  // Spaces and # comments under (?x), and (?#...) comments anywhere.
  std::size_t optional_whitespace(std::size_t ix) const {
    for (;;) {
      if (ix >= m_re.size()) {
        return ix;
      }
      const unsigned char b = byte(ix);
      if (b == '#' && flag(k_ignore_space)) {
        auto nl = m_re.find('\n', ix);
        if (nl == std::string_view::npos) {
          return m_re.size();
        }
        ix = nl + 1;
      } else if ((b == ' ' || b == '\r' || b == '\n' || b == '\t') && flag(k_ignore_space)) {
        ++ix;
      } else if (at(ix, "(?#")) {
        for (ix += 3;;) {
          if (ix >= m_re.size()) {
            parse_error(ix, "Opening parenthesis without closing parenthesis");
          }
          if (byte(ix) == ')') {
            ++ix;
            break;
          }
          ix += byte(ix) == '\\' ? 2 : 1;
        }
      } else {
        return ix;
      }
    }
  }

  void resolve_subroutines(Node& n) {
    if (n.kind == Node::Kind::unresolved_subroutine) {
      if (auto it = m_named_groups.find(n.name); it != m_named_groups.end()) {
        n.kind = Node::Kind::subroutine;
        n.group = it->second;
      }
      return;
    }
    for (Node& child : n.children) {
      resolve_subroutines(child);
    }
  }

  std::string_view m_re;
  unsigned m_flags = 0;
  std::map<std::string, std::size_t> m_named_groups;
  std::set<std::size_t> m_backrefs;
  bool m_numeric_backrefs = false;
  std::size_t m_curr_group = 0;
  bool m_has_unresolved = false;
  // A part handed to the regex crate is invalid: reported after fancy-regex's
  // own parse and analysis errors, as KumoMTA would.
  bool m_delegate_error = false;
};

}  // namespace

ParsedPattern parse_pattern(std::string_view pattern) {
  Parser parser(pattern);
  ParsedPattern parsed;
  parsed.root = parser.parse();
  parsed.named_groups = parser.named_groups();
  parsed.backrefs = parser.backrefs();
  parsed.group_count = parser.group_count();
  parsed.delegate_error = parser.delegate_error();
  return parsed;
}

}  // namespace kumo::lua::regex::detail

namespace kumo::lua::regex {

namespace {

// After a '$': ${name}, else the longest name written bare.
std::optional<detail::ParsedId> template_name(std::string_view tail) {
  if (auto braced = detail::parse_id(tail, "{", "}", false)) {
    return braced;
  }
  return detail::parse_id(tail, "", "", false);
}

}  // namespace

std::vector<TemplatePiece> parse_template(std::string_view replacement) {
  std::vector<TemplatePiece> pieces;
  auto text = [&](std::string_view t) {
    if (!pieces.empty() && !pieces.back().group && pieces.back().text.data() + pieces.back().text.size() == t.data()) {
      pieces.back().text = std::string_view(pieces.back().text.data(), pieces.back().text.size() + t.size());
    } else {
      pieces.push_back({false, t});
    }
  };
  for (std::size_t i = 0; i < replacement.size();) {
    if (replacement[i] != '$') {
      std::size_t next = i;
      util::next_char(replacement, next);
      text(replacement.substr(i, next - i));
      i = next;
      continue;
    }
    std::string_view tail = replacement.substr(i + 1);
    if (tail.starts_with('$')) {
      text(replacement.substr(i + 1, 1));
      i += 2;
    } else if (auto id = template_name(tail)) {
      pieces.push_back({true, id->id});
      i += 1 + id->skip;
    } else {
      text(replacement.substr(i, 1));  // a lone '$'
      ++i;
    }
  }
  return pieces;
}

}  // namespace kumo::lua::regex
