// regex-syntax's character classes as fancy-regex hands them over: the
// class grammar (nesting, ranges, &&, --, ~~, [:ascii:] names) and the
// Unicode property names of \p{...}, each written as PCRE2 can read it.
#include "core/lua/regex_tree.hpp"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <algorithm>
#include <optional>

#include "core/util/utf8.hpp"

namespace kumo::lua::regex::detail {

ClassItem range_item(char32_t lo, char32_t hi) {
  ClassItem item;
  item.lo = lo;
  item.hi = hi;
  return item;
}

ClassItem member_item(std::string member) {
  ClassItem item;
  item.kind = ClassItem::Kind::member;
  item.member = std::move(member);
  return item;
}

ClassItem bracketed_item(bool negated, std::vector<ClassItem> items) {
  auto set = std::make_shared<ClassSet>();
  set->items = std::move(items);
  ClassItem item;
  item.kind = ClassItem::Kind::bracketed;
  item.negated = negated;
  item.set = std::move(set);
  return item;
}

ClassItem hex_digits(bool negated) {
  return bracketed_item(negated, {range_item('0', '9'), range_item('A', 'F'), range_item('a', 'f')});
}

// \d \s \w and their negations, with Rust's Unicode meaning.
ClassItem perl_class(char letter) {
  switch (letter) {
    case 'd': return member_item("\\p{Nd}");
    case 'D': return member_item("\\P{Nd}");
    case 's': return member_item("\\p{White_Space}");
    case 'S': return member_item("\\P{White_Space}");
    case 'w': return member_item(k_word_members);
    default: return bracketed_item(true, {member_item(k_word_members)});  // \W
  }
}

// regex-syntax's ASCII classes ([[:alpha:]]); nothing for an unknown name.
std::optional<std::vector<ClassItem>> ascii_class(std::string_view name) {
  using R = std::vector<ClassItem>;
  static const std::map<std::string_view, R> k_classes = {
      {"alnum", {range_item('0', '9'), range_item('A', 'Z'), range_item('a', 'z')}},
      {"alpha", {range_item('A', 'Z'), range_item('a', 'z')}},
      {"ascii", {range_item(0, 0x7F)}},
      {"blank", {range_item('\t', '\t'), range_item(' ', ' ')}},
      {"cntrl", {range_item(0, 0x1F), range_item(0x7F, 0x7F)}},
      {"digit", {range_item('0', '9')}},
      {"graph", {range_item('!', '~')}},
      {"lower", {range_item('a', 'z')}},
      {"print", {range_item(' ', '~')}},
      {"punct", {range_item('!', '/'), range_item(':', '@'), range_item('[', '`'), range_item('{', '~')}},
      {"space", {range_item('\t', '\r'), range_item(' ', ' ')}},
      {"upper", {range_item('A', 'Z')}},
      {"word", {range_item('0', '9'), range_item('A', 'Z'), range_item('a', 'z'), range_item('_', '_')}},
      {"xdigit", {range_item('0', '9'), range_item('A', 'F'), range_item('a', 'f')}},
  };
  auto it = k_classes.find(name);
  if (it == k_classes.end()) {
    return std::nullopt;
  }
  return it->second;
}

bool is_meta(char32_t c) {
  switch (c) {
    case '\\':
    case '.':
    case '+':
    case '*':
    case '?':
    case '(':
    case ')':
    case '|':
    case '[':
    case ']':
    case '{':
    case '}':
    case '^':
    case '$':
    case '#':
    case '&':
    case '-':
    case '~': return true;
    default: return false;
  }
}

namespace {

// regex-syntax's loose matching: ASCII only, lowercase, no space, '_' or
// '-', an "is" prefix ignored.
std::string normalize_property(std::string_view name) {
  std::size_t start = 0;
  bool had_is = name.size() >= 2 && (name[0] == 'i' || name[0] == 'I') && (name[1] == 's' || name[1] == 'S');
  if (had_is) {
    start = 2;
  }
  std::string out;
  for (std::size_t i = start; i < name.size(); ++i) {
    auto b = static_cast<unsigned char>(name[i]);
    if (b == ' ' || b == '_' || b == '-' || b > 0x7F) {
      continue;
    }
    out += static_cast<char>(b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b);
  }
  if (had_is && out == "c") {
    out = "isc";  // ISO_Comment's abbreviation, not "is" + C
  }
  return out;
}

// General categories by every alias regex-syntax accepts, as PCRE2 spells them.
std::optional<std::string_view> general_category(const std::string& norm) {
  // clang-format off
  static const std::map<std::string_view, std::string_view> k_categories = {
      {"c", "C"}, {"other", "C"}, {"cc", "Cc"}, {"control", "Cc"}, {"cntrl", "Cc"}, {"cf", "Cf"}, {"format", "Cf"},
      {"cn", "Cn"}, {"unassigned", "Cn"}, {"co", "Co"}, {"privateuse", "Co"}, {"cs", "Cs"}, {"surrogate", "Cs"},
      {"l", "L"}, {"letter", "L"}, {"lc", "L&"}, {"casedletter", "L&"}, {"ll", "Ll"}, {"lowercaseletter", "Ll"},
      {"lm", "Lm"}, {"modifierletter", "Lm"}, {"lo", "Lo"}, {"otherletter", "Lo"}, {"lt", "Lt"},
      {"titlecaseletter", "Lt"}, {"lu", "Lu"}, {"uppercaseletter", "Lu"}, {"m", "M"}, {"mark", "M"},
      {"combiningmark", "M"}, {"mc", "Mc"}, {"spacingmark", "Mc"}, {"me", "Me"}, {"enclosingmark", "Me"},
      {"mn", "Mn"}, {"nonspacingmark", "Mn"}, {"n", "N"}, {"number", "N"}, {"nd", "Nd"}, {"decimalnumber", "Nd"},
      {"digit", "Nd"}, {"nl", "Nl"}, {"letternumber", "Nl"}, {"no", "No"}, {"othernumber", "No"},
      {"p", "P"}, {"punctuation", "P"}, {"punct", "P"}, {"pc", "Pc"}, {"connectorpunctuation", "Pc"},
      {"pd", "Pd"}, {"dashpunctuation", "Pd"}, {"pe", "Pe"}, {"closepunctuation", "Pe"}, {"pf", "Pf"},
      {"finalpunctuation", "Pf"}, {"pi", "Pi"}, {"initialpunctuation", "Pi"}, {"po", "Po"},
      {"otherpunctuation", "Po"}, {"ps", "Ps"}, {"openpunctuation", "Ps"}, {"s", "S"}, {"symbol", "S"},
      {"sc", "Sc"}, {"currencysymbol", "Sc"}, {"sk", "Sk"}, {"modifiersymbol", "Sk"}, {"sm", "Sm"},
      {"mathsymbol", "Sm"}, {"so", "So"}, {"othersymbol", "So"}, {"z", "Z"}, {"separator", "Z"},
      {"zl", "Zl"}, {"lineseparator", "Zl"}, {"zp", "Zp"}, {"paragraphseparator", "Zp"}, {"zs", "Zs"},
      {"spaceseparator", "Zs"},
  };
  // clang-format on
  auto it = k_categories.find(norm);
  if (it == k_categories.end()) {
    return std::nullopt;
  }
  return it->second;
}

// True when PCRE2 knows \p{name} (scripts, binary properties). Only plain
// names are asked: PCRE2 reads some punctuation (\p{^Greek}, \p{L&}) that
// regex-syntax rejects.
bool pcre2_knows(const std::string& property) {
  auto plain = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  std::string_view name = property;
  if (name.starts_with("sc:")) {
    name.remove_prefix(3);
  } else if (name.starts_with("scx:")) {
    name.remove_prefix(4);
  }
  if (name.empty() || !std::all_of(name.begin(), name.end(), plain)) {
    return false;
  }
  std::string pattern = "\\p{" + property + "}";
  int code = 0;
  PCRE2_SIZE offset = 0;
  pcre2_code* compiled = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                                       PCRE2_UTF | PCRE2_UCP, &code, &offset, nullptr);
  if (compiled == nullptr) {
    return false;
  }
  pcre2_code_free(compiled);
  return true;
}

// Properties regex-syntax knows and PCRE2 10.42 does not.
bool unmodeled_property(const std::string& norm) {
  return norm == "age" || norm == "gcb" || norm == "graphemeclusterbreak" || norm == "sb" || norm == "sentencebreak" ||
         norm == "wb" || norm == "wordbreak";
}

struct UnicodeQuery {
  bool negated = false;
  std::string name, value;  // value empty: a single name (\pL, \p{Greek})
  bool by_value = false;
};

// regex-syntax's reading of the text after \p or \P (fancy-regex copied it).
UnicodeQuery read_unicode_query(std::string_view text) {
  UnicodeQuery q;
  q.negated = text[1] == 'P';
  std::string_view rest = text.substr(2);
  if (rest.empty() || rest[0] != '{') {
    q.name = std::string(rest);  // one letter (fancy-regex took one character)
    return q;
  }
  std::string_view inner = rest.substr(1, rest.size() - 2);
  auto split = [&](std::size_t at, std::size_t width) {
    q.by_value = true;
    q.name = std::string(inner.substr(0, at));
    q.value = std::string(inner.substr(at + width));
  };
  if (auto ne = inner.find("!="); ne != std::string_view::npos) {
    split(ne, 2);
    q.negated = !q.negated;
  } else if (auto colon = inner.find(':'); colon != std::string_view::npos) {
    split(colon, 1);
  } else if (auto eq = inner.find('='); eq != std::string_view::npos) {
    split(eq, 1);
  } else {
    q.name = std::string(inner);
  }
  return q;
}

ClassItem property_member(bool negated, const std::string& property) {
  return member_item(std::string(negated ? "\\P{" : "\\p{") + property + "}");
}

ClassItem named_property(bool negated, const std::string& norm) {
  if (norm != "cf" && norm != "sc" && norm != "lc" && !general_category(norm) && pcre2_knows(norm) && norm != "any" &&
      norm != "ascii") {
    return property_member(negated, norm);  // a binary property or a script
  }
  if (auto gc = general_category(norm)) {
    return property_member(negated, std::string(*gc));
  }
  if (norm == "any") {
    return bracketed_item(negated, {range_item(0, 0x10FFFF)});
  }
  if (norm == "ascii") {
    return bracketed_item(negated, {range_item(0, 0x7F)});
  }
  if (norm == "assigned") {
    return property_member(!negated, "Cn");
  }
  if (unmodeled_property(norm)) {
    not_expressible("kumo-lint cannot model the Unicode property \\p{" + norm + "} (PCRE2 lacks it)");
  }
  throw DelegateRejects{};
}

// regex-syntax's parse of a bracketed class over the tokens.
class ClassReader {
 public:
  explicit ClassReader(const std::vector<ClassToken>& tokens) : m_t(tokens) {}

  ClassItem read() { return bracketed(0); }

 private:
  bool eof() const { return m_pos >= m_t.size(); }
  bool raw_at(std::size_t at, char32_t c) const {
    return at < m_t.size() && m_t[at].kind == ClassToken::Kind::raw && m_t[at].ch == c;
  }
  bool raw(char32_t c) const { return raw_at(m_pos, c); }
  void advance() {
    ++m_pos;
    if (eof()) {
      throw DelegateRejects{};  // unclosed class
    }
  }

  ClassItem bracketed(std::size_t depth) {
    if (depth >= k_nest_limit) {
      throw DelegateRejects{};
    }
    advance();  // '['
    bool negated = false;
    if (raw('^')) {
      negated = true;
      advance();
    }
    std::vector<ClassItem> items;
    while (raw('-')) {
      items.push_back(range_item('-', '-'));
      advance();
    }
    if (items.empty() && raw(']')) {
      items.push_back(range_item(']', ']'));
      advance();
    }
    std::shared_ptr<ClassSet> lhs;
    ClassSet::Kind pending = ClassSet::Kind::union_of;
    std::size_t ops = 0;
    for (;;) {
      if (eof()) {
        throw DelegateRejects{};
      }
      const ClassToken& t = m_t[m_pos];
      if (raw('[')) {
        if (auto ascii = ascii_item()) {
          items.push_back(std::move(*ascii));
        } else {
          items.push_back(bracketed(depth + 1 + ops));
        }
      } else if (t.kind == ClassToken::Kind::bracket_class) {
        items.push_back(*t.item);
        ++m_pos;
      } else if (raw(']')) {
        ++m_pos;
        return finish(negated, fold(lhs, pending, std::move(items)));
      } else if (auto op = operator_here()) {
        lhs = fold(lhs, pending, std::move(items));
        items.clear();
        pending = *op;
        if (depth + ++ops >= k_nest_limit) {
          throw DelegateRejects{};
        }
        m_pos += 2;
      } else {
        items.push_back(range());
      }
    }
  }

  std::optional<ClassSet::Kind> operator_here() const {
    if (raw('&') && raw_at(m_pos + 1, '&')) {
      return ClassSet::Kind::intersection;
    }
    if (raw('-') && raw_at(m_pos + 1, '-')) {
      return ClassSet::Kind::difference;
    }
    if (raw('~') && raw_at(m_pos + 1, '~')) {
      return ClassSet::Kind::symmetric_difference;
    }
    return std::nullopt;
  }

  static std::shared_ptr<ClassSet> fold(const std::shared_ptr<ClassSet>& lhs, ClassSet::Kind pending,
                                        std::vector<ClassItem> items) {
    auto rhs = std::make_shared<ClassSet>();
    rhs->items = std::move(items);
    if (!lhs) {
      return rhs;
    }
    auto op = std::make_shared<ClassSet>();
    op->kind = pending;
    op->lhs = lhs;
    op->rhs = rhs;
    return op;
  }

  static ClassItem finish(bool negated, std::shared_ptr<ClassSet> set) {
    ClassItem item;
    item.kind = ClassItem::Kind::bracketed;
    item.negated = negated;
    item.set = std::move(set);
    return item;
  }

  // [:name:] or [:^name:] at a '[' (a bad name makes it a nested class).
  std::optional<ClassItem> ascii_item() {
    std::size_t at = m_pos + 1;
    if (!raw_at(at, ':')) {
      return std::nullopt;
    }
    ++at;
    bool negated = false;
    if (raw_at(at, '^')) {
      negated = true;
      ++at;
    }
    std::string name;
    for (; at < m_t.size() && !is_colon(at); ++at) {
      const ClassToken& t = m_t[at];
      if (t.kind == ClassToken::Kind::raw || (t.kind == ClassToken::Kind::literal && !is_meta(t.ch))) {
        util::append_utf8(name, t.ch);
      } else {
        return std::nullopt;  // the regex crate sees a backslash or a bracket: not a name
      }
    }
    if (!is_colon(at) || !raw_at(at + 1, ']')) {
      return std::nullopt;
    }
    auto items = ascii_class(name);
    if (!items) {
      return std::nullopt;
    }
    m_pos = at + 2;
    return bracketed_item(negated, std::move(*items));
  }

  // ':' as the regex crate reads it (an escaped ':' is the same character).
  bool is_colon(std::size_t at) const {
    return at < m_t.size() && m_t[at].ch == ':' &&
           (m_t[at].kind == ClassToken::Kind::raw || m_t[at].kind == ClassToken::Kind::literal);
  }

  bool is_char(const ClassToken& t) const {
    return t.kind == ClassToken::Kind::raw || t.kind == ClassToken::Kind::literal;
  }

  ClassItem range() {
    const ClassToken& first = m_t[m_pos];
    advance();
    if (!raw('-') || raw_at(m_pos + 1, ']') || raw_at(m_pos + 1, '-')) {
      return is_char(first) ? range_item(first.ch, first.ch) : *first.item;
    }
    advance();  // '-'
    const ClassToken& last = m_t[m_pos];
    ++m_pos;
    if (!is_char(first) || !is_char(last) || first.ch > last.ch) {
      throw DelegateRejects{};
    }
    return range_item(first.ch, last.ch);
  }

  const std::vector<ClassToken>& m_t;
  std::size_t m_pos = 0;
};

}  // namespace

ClassItem unicode_class(std::string_view text) {
  UnicodeQuery q = read_unicode_query(text);
  if (!q.by_value) {
    if (q.name == "\\") {
      throw DelegateRejects{};
    }
    return named_property(q.negated, normalize_property(q.name));
  }
  std::string name = normalize_property(q.name);
  std::string value = normalize_property(q.value);
  if (name == "gc" || name == "generalcategory") {
    if (auto gc = general_category(value)) {
      return property_member(q.negated, std::string(*gc));
    }
    throw DelegateRejects{};
  }
  const bool script = name == "sc" || name == "script";
  const bool extensions = name == "scx" || name == "scriptextensions";
  if ((script || extensions) && pcre2_knows((script ? "sc:" : "scx:") + value)) {
    return property_member(q.negated, (script ? "sc:" : "scx:") + value);
  }
  if (unmodeled_property(name)) {
    not_expressible("kumo-lint cannot model the Unicode property \\p{" + std::string(q.name) +
                    "=...} (PCRE2 lacks it)");
  }
  throw DelegateRejects{};
}

ClassItem read_class(const std::vector<ClassToken>& tokens) { return ClassReader(tokens).read(); }

}  // namespace kumo::lua::regex::detail
