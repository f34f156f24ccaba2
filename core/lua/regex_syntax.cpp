// kumo.regex's translator: fancy-regex's analysis (src/analyze.rs: the
// errors it raises after parsing, which patterns need its backtracking VM)
// and the writing of the parsed pattern in PCRE2 10.42 syntax.
//
// Positions in error messages are byte offsets, as in fancy-regex.
#include "core/lua/regex_syntax.hpp"

#include <algorithm>
#include <charconv>
#include <optional>

#include "core/lua/regex_tree.hpp"

namespace kumo::lua::regex {

using namespace detail;

namespace {

// --- Analysis (fancy-regex's analyze and the compile-time checks) ---

struct Info {
  std::size_t min_size = 0;
  bool const_size = false;
  bool hard = false;  // needs the backtracking VM
  std::vector<Info> children;
};

class Analyzer {
 public:
  explicit Analyzer(const std::set<std::size_t>& backrefs) : m_backrefs(backrefs) {}

  // fancy-regex's order: the visit stops at its first error, then the
  // backreference checks run, then the visit's error is raised.
  Info analyze(const Node& root) {
    std::optional<Failure> visit_error;
    Info info;
    try {
      info = visit(root);
    } catch (const Failure& f) {
      visit_error = f;
    }
    if (m_backrefs.count(0) != 0) {
      compile_error("Invalid back reference to group 0");
    }
    if (!m_backrefs.empty() && *m_backrefs.rbegin() > m_group_ix - 1) {
      compile_error("Invalid back reference to group " + std::to_string(*m_backrefs.rbegin()));
    }
    if (visit_error) {
      throw *visit_error;
    }
    return info;
  }

 private:
  Info visit(const Node& n) {
    Info info;
    switch (n.kind) {
      case Node::Kind::empty:
      case Node::Kind::end_before_newlines:
        info.const_size = true;
        info.hard = n.kind == Node::Kind::end_before_newlines;  // a look-ahead in fancy-regex
        break;
      case Node::Kind::assertion:
        info.const_size = true;
        info.hard = n.assertion == Assertion::word || n.assertion == Assertion::not_word ||
                    n.assertion == Assertion::left_word || n.assertion == Assertion::right_word;
        break;
      case Node::Kind::any:
      case Node::Kind::literal:
      case Node::Kind::cls:
        info.min_size = 1;
        info.const_size = true;
        break;
      case Node::Kind::concat:
        info.const_size = true;
        for (const Node& c : n.children) {
          Info ci = visit(c);
          info.min_size += ci.min_size;
          info.const_size = info.const_size && ci.const_size;
          info.hard = info.hard || ci.hard;
          info.children.push_back(std::move(ci));
        }
        break;
      case Node::Kind::alt:
        for (std::size_t i = 0; i < n.children.size(); ++i) {
          Info ci = visit(n.children[i]);
          if (i == 0) {
            info.min_size = ci.min_size;
            info.const_size = ci.const_size;
          } else {
            info.const_size = info.const_size && ci.const_size && info.min_size == ci.min_size;
            info.min_size = std::min(info.min_size, ci.min_size);
          }
          info.hard = info.hard || ci.hard;
          info.children.push_back(std::move(ci));
        }
        break;
      case Node::Kind::group: {
        std::size_t group = m_group_ix++;
        Info ci = visit(n.children[0]);
        info.min_size = ci.min_size;
        info.const_size = ci.const_size;
        m_group_sizes[group] = {ci.min_size, ci.const_size};
        info.hard = ci.hard || m_backrefs.count(group) != 0;
        info.children.push_back(std::move(ci));
        break;
      }
      case Node::Kind::look:
        info.children.push_back(visit(n.children[0]));
        info.const_size = true;
        info.hard = true;
        break;
      case Node::Kind::repeat: {
        Info ci = visit(n.children[0]);
        info.min_size = ci.min_size * n.lo;  // wraps as fancy-regex's release build does
        info.const_size = ci.const_size && n.lo == n.hi;
        info.hard = ci.hard;
        info.children.push_back(std::move(ci));
        break;
      }
      case Node::Kind::backref:
        if (n.group == 0) {
          compile_error("Invalid back reference to group 0");
        }
        if (auto it = m_group_sizes.find(n.group); it != m_group_sizes.end()) {
          info.min_size = it->second.first;
          info.const_size = it->second.second;
        }
        info.hard = true;
        break;
      case Node::Kind::atomic: {
        Info ci = visit(n.children[0]);
        info.min_size = ci.min_size;
        info.const_size = ci.const_size;
        info.hard = true;
        info.children.push_back(std::move(ci));
        break;
      }
      case Node::Kind::keep_out:
      case Node::Kind::continue_at:
      case Node::Kind::backref_exists:
        info.const_size = true;
        info.hard = true;
        break;
      case Node::Kind::conditional: {
        Info cond = visit(n.children[0]);
        Info yes = visit(n.children[1]);
        Info no = visit(n.children[2]);
        info.min_size = cond.min_size + std::min(yes.min_size, no.min_size);
        info.const_size =
            cond.const_size && yes.const_size && no.const_size && cond.min_size + yes.min_size == no.min_size;
        info.hard = true;
        info.children = {std::move(cond), std::move(yes), std::move(no)};
        break;
      }
      case Node::Kind::subroutine: compile_error("Regex uses currently unimplemented feature: Subroutine Call");
      case Node::Kind::unresolved_subroutine:
        compile_error("Subroutine call target not found at position " + std::to_string(n.position) + ": " + n.name);
      case Node::Kind::backref_at_level:
        compile_error("Regex uses currently unimplemented feature: Backref at recursion level");
    }
    return info;
  }

  const std::set<std::size_t>& m_backrefs;
  std::size_t m_group_ix = 1;
  std::map<std::size_t, std::pair<std::size_t, bool>> m_group_sizes;
};

// fancy-regex compiles a look-behind only when it has a constant size
// (alternatives of different sizes are compiled one by one).
void check_lookbehinds(const Node& n, const Info& info) {
  if (n.kind == Node::Kind::look && (n.look == Look::behind || n.look == Look::behind_neg)) {
    const Node& inner = n.children[0];
    const Info& inner_info = info.children[0];
    bool ok = inner_info.const_size;
    if (!ok && inner.kind == Node::Kind::alt) {
      ok = std::all_of(inner_info.children.begin(), inner_info.children.end(),
                       [](const Info& alternative) { return alternative.const_size; });
    }
    if (!ok) {
      compile_error("Look-behind assertion without constant size");
    }
  }
  for (std::size_t i = 0; i < n.children.size() && i < info.children.size(); ++i) {
    check_lookbehinds(n.children[i], info.children[i]);
  }
}

// fancy-regex first rewrites a trailing positive look-ahead as ordinary
// matching (a(?=b) becomes (a)b with group 0 explicit), which can spare a
// pattern the backtracking VM.
bool needs_backtracking(const Node& root, const Info& info) {
  if (root.kind == Node::Kind::look && root.look == Look::ahead) {
    return info.children[0].hard;
  }
  if (root.kind == Node::Kind::concat && root.children.back().kind == Node::Kind::look &&
      root.children.back().look == Look::ahead) {
    for (std::size_t i = 0; i + 1 < info.children.size(); ++i) {
      if (info.children[i].hard) {
        return true;
      }
    }
    return info.children.back().children[0].hard;
  }
  return info.hard;
}

// --- Empty iterations: the regex crate's rule where it runs ---
//
// An unbounded repeat whose body can match empty differs between the two
// engines fancy-regex uses. The regex crate (a Thompson NFA) abandons an
// iteration that matched nothing, keeping the previous iteration's
// captures: (a*)* on "a" leaves group 1 = "a". fancy-regex's VM, like
// PCRE2, keeps the empty iteration and stops: group 1 = "". fancy-regex
// hands every part that needs no backtracking to the regex crate; this
// class follows its Compiler::visit to find the repeats that land there
// and need the regex crate's rule written into the PCRE2 pattern.
class RegexCrateRepeats {
 public:
  std::set<const Node*> found;

  void pattern(const Node& root, const Info& info, bool backtracking) {
    if (!backtracking) {
      delegated(root, info);  // the whole pattern runs on the regex crate
    } else if (trailing_lookahead(root)) {
      rewritten_root(root, info);
    } else {
      visit(root, info, false);
    }
  }

 private:
  static bool trailing_lookahead(const Node& root) {
    return (root.kind == Node::Kind::look && root.look == Look::ahead) ||
           (root.kind == Node::Kind::concat && root.children.back().kind == Node::Kind::look &&
            root.children.back().look == Look::ahead);
  }

  // A part the regex crate runs: every repeat in it follows its rule.
  void delegated(const Node& n, const Info& info) {
    if (n.kind == Node::Kind::repeat && n.hi == k_unbounded && n.lo <= 1 && info.children[0].min_size == 0) {
      found.insert(&n);
    }
    for (std::size_t i = 0; i < n.children.size() && i < info.children.size(); ++i) {
      delegated(n.children[i], info.children[i]);
    }
  }

  void visit(const Node& n, const Info& info, bool hard) {
    if (!hard && !info.hard) {
      delegated(n, info);
      return;
    }
    switch (n.kind) {
      case Node::Kind::concat: {
        std::vector<Part> parts;
        for (std::size_t i = 0; i < n.children.size(); ++i) {
          parts.push_back({&n.children[i], &info.children[i]});
        }
        concat(parts, hard);
        break;
      }
      case Node::Kind::alt:
      case Node::Kind::conditional:
        for (std::size_t i = 0; i < n.children.size(); ++i) {
          visit(n.children[i], info.children[i], hard);
        }
        break;
      case Node::Kind::group: visit(n.children[0], info.children[0], hard); break;
      case Node::Kind::repeat:
        visit(n.children[0], info.children[0], n.lo == 0 && n.hi == 1 ? hard : hard || info.hard);
        break;
      case Node::Kind::atomic: visit(n.children[0], info.children[0], false); break;
      case Node::Kind::look: lookaround(n, info); break;
      default: break;  // no repeat inside
    }
  }

  void lookaround(const Node& n, const Info& info) {
    const Node& inner = n.children[0];
    const Info& inner_info = info.children[0];
    const bool behind = n.look == Look::behind || n.look == Look::behind_neg;
    if (behind && inner.kind == Node::Kind::alt && !inner_info.const_size) {
      for (std::size_t i = 0; i < inner.children.size(); ++i) {
        visit(inner.children[i], inner_info.children[i], false);  // compiled one by one
      }
    } else {
      visit(inner, inner_info, false);
    }
  }

  struct Part {
    const Node* node;
    const Info* info;
  };

  // compile_concat: a leading run of constant-size easy parts and a
  // trailing run of easy parts (constant-size ones only when `hard`) go to
  // the regex crate; the parts between are compiled with hard set.
  void concat(const std::vector<Part>& parts, bool hard) {
    auto [prefix_end, suffix_begin] = split(parts, hard);
    for (std::size_t i = 0; i < parts.size(); ++i) {
      if (i < prefix_end || i >= suffix_begin) {
        delegated(*parts[i].node, *parts[i].info);
      } else {
        visit(*parts[i].node, *parts[i].info, true);
      }
    }
  }

  static std::pair<std::size_t, std::size_t> split(const std::vector<Part>& parts, bool hard) {
    std::size_t prefix_end = 0;
    while (prefix_end < parts.size() && parts[prefix_end].info->const_size && !parts[prefix_end].info->hard) {
      ++prefix_end;
    }
    std::size_t suffix_begin = parts.size();
    while (suffix_begin > prefix_end) {
      const Info& c = *parts[suffix_begin - 1].info;
      if (c.hard || (hard && !c.const_size)) {
        break;
      }
      --suffix_begin;
    }
    return {prefix_end, suffix_begin};
  }

  // fancy-regex compiles a(?=b) as Concat[Group0(a), b]: group 0 holds the
  // parts before the look-ahead, the look-ahead's inside follows.
  void rewritten_root(const Node& root, const Info& info) {
    std::vector<Part> rest;
    const Node* inner = nullptr;
    const Info* inner_info = nullptr;
    if (root.kind == Node::Kind::look) {
      inner = &root.children[0];
      inner_info = &info.children[0];
    } else {
      for (std::size_t i = 0; i + 1 < root.children.size(); ++i) {
        rest.push_back({&root.children[i], &info.children[i]});
      }
      inner = &root.children.back().children[0];
      inner_info = &info.children.back().children[0];
    }
    Info group0;
    group0.const_size = std::all_of(rest.begin(), rest.end(), [](const Part& p) { return p.info->const_size; });
    group0.hard = std::any_of(rest.begin(), rest.end(), [](const Part& p) { return p.info->hard; });
    std::vector<Part> top = {{nullptr, &group0}, {inner, inner_info}};
    auto [prefix_end, suffix_begin] = split(top, false);
    const bool group0_easy = 0 < prefix_end || 0 >= suffix_begin;
    for (const Part& p : rest) {
      if (group0_easy) {
        delegated(*p.node, *p.info);
      }
    }
    if (!group0_easy) {
      concat(rest, true);
    }
    if (1 < prefix_end || 1 >= suffix_begin) {
      delegated(*inner, *inner_info);
    } else {
      visit(*inner, *inner_info, true);
    }
  }
};

// --- Writing PCRE2 ---

// Writes a parsed pattern as PCRE2. PCRE2 numbers capture groups itself,
// and the translation adds groups of its own (empty-iteration checks), so a
// first pass learns where each of fancy-regex's groups lands and a second
// writes backreferences with those numbers.
class Writer {
 public:
  struct Setup {
    bool continue_fails = false;                             // \G as (*FAIL)
    const std::set<const Node*>* checked_repeats = nullptr;  // the regex crate's empty-iteration rule
    const std::vector<std::size_t>* groups = nullptr;        // PCRE2 group of each group (second pass)
  };

  explicit Writer(Setup setup) : m_setup(setup) {}

  std::string take() { return std::move(m_out); }
  const std::vector<std::size_t>& groups() const { return m_groups; }

  // Precedence as in fancy-regex's to_str: 0 anywhere, 1 an alternative,
  // 2 an item of a concatenation, 3 the operand of a repeat.
  void node(const Node& n, int precedence) {
    switch (n.kind) {
      case Node::Kind::empty: break;
      case Node::Kind::any: put(n.newline ? "(?s:.)" : "[^\\n]"); break;
      case Node::Kind::assertion: assertion(n.assertion); break;
      case Node::Kind::literal: casei_wrapped(n.casei, [&] { character(n.ch); }); break;
      case Node::Kind::concat: sequence(n.children, precedence > 1, "", 2); break;
      case Node::Kind::alt: sequence(n.children, precedence > 0, "|", 1); break;
      case Node::Kind::group: group(n); break;
      case Node::Kind::look: wrapped(look_opening(n.look), n.children[0]); break;
      case Node::Kind::repeat: repeat(n, precedence); break;
      case Node::Kind::cls: casei_wrapped(n.casei, [&] { class_item(*n.item); }); break;
      case Node::Kind::backref: casei_wrapped(n.casei, [&] { put("\\g{" + pcre2_group(n.group) + "}"); }); break;
      case Node::Kind::atomic: wrapped("(?>", n.children[0]); break;
      case Node::Kind::keep_out: put("\\K"); break;
      case Node::Kind::continue_at: put(m_setup.continue_fails ? "(*FAIL)" : "\\G"); break;
      case Node::Kind::backref_exists: put("(?(" + pcre2_group(n.group) + ")|(*FAIL))"); break;
      case Node::Kind::conditional: conditional(n); break;
      case Node::Kind::end_before_newlines: put("(?=\\n*\\z)"); break;
      case Node::Kind::subroutine:
      case Node::Kind::unresolved_subroutine:
      case Node::Kind::backref_at_level: break;  // refused by the analysis
    }
  }

 private:
  // A group of the pattern: numbered in order of its '(' by both engines,
  // unless it is inside a copy written only to be tested (no captures).
  void group(const Node& n) {
    if (m_copies > 0) {
      wrapped("(?:", n.children[0]);
      return;
    }
    m_groups.push_back(++m_pcre2_groups);
    wrapped("(", n.children[0]);
  }

  std::string pcre2_group(std::size_t group) const {
    if (m_setup.groups != nullptr && group < m_setup.groups->size()) {
      return std::to_string((*m_setup.groups)[group]);
    }
    return std::to_string(group);  // first pass: the number does not matter yet
  }

  void put(std::string_view text) {
    if (m_out.size() + text.size() > k_max_translation_bytes) {
      not_expressible("the pattern is too large for kumo-lint once written for PCRE2");
    }
    m_out += text;
  }

  void character(char32_t c) {
    if (c < 0x80 && ((c | 32) >= 'a' && (c | 32) <= 'z')) {
      put(std::string(1, static_cast<char>(c)));
    } else if (c >= '0' && c <= '9') {
      put(std::string(1, static_cast<char>(c)));
    } else {
      char buf[16];
      auto [end, ec] = std::to_chars(buf, buf + sizeof buf, static_cast<std::uint32_t>(c), 16);
      put("\\x{" + std::string(buf, end) + "}");
    }
  }

  template <class Body>
  void casei_wrapped(bool casei, Body body) {
    if (casei) {
      put("(?i:");
    }
    body();
    if (casei) {
      put(")");
    }
  }

  void wrapped(std::string_view opening, const Node& child) {
    put(opening);
    node(child, 0);
    put(")");
  }

  void sequence(const std::vector<Node>& children, bool group, std::string_view separator, int precedence) {
    if (group) {
      put("(?:");
    }
    for (std::size_t i = 0; i < children.size(); ++i) {
      if (i > 0) {
        put(separator);
      }
      node(children[i], precedence);
    }
    if (group) {
      put(")");
    }
  }

  static std::string_view look_opening(Look look) {
    switch (look) {
      case Look::ahead: return "(?=";
      case Look::ahead_neg: return "(?!";
      case Look::behind: return "(?<=";
      case Look::behind_neg: return "(?<!";
    }
    return "(?=";
  }

// GCC 12 at -O2 (not in a unity build) warns that the inlined
// std::string concatenations below copy out of bounds (-Warray-bounds,
// -Wstringop-overflow): a known false positive of its basic_string
// inlining. Only this function is exempt, and only from GCC.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Warray-bounds"
#pragma GCC diagnostic ignored "-Wstringop-overflow"
#endif
  void assertion(Assertion a) {
    // Rust's word boundaries use Rust's \w, which PCRE2's \b does not.
    const std::string w = std::string("[") + k_word_members + "]";
    switch (a) {
      case Assertion::start_text: put("\\A"); break;
      case Assertion::end_text: put("\\z"); break;
      case Assertion::start_line: put("(?m:^)"); break;
      case Assertion::end_line: put("(?m:$)"); break;
      case Assertion::left_word: put("(?:(?<!" + w + ")(?=" + w + "))"); break;
      case Assertion::right_word: put("(?:(?<=" + w + ")(?!" + w + "))"); break;
      case Assertion::word: put("(?:(?<=" + w + ")(?!" + w + ")|(?<!" + w + ")(?=" + w + "))"); break;
      case Assertion::not_word: put("(?:(?<=" + w + ")(?=" + w + ")|(?<!" + w + ")(?!" + w + "))"); break;
    }
  }
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

  void repeat(const Node& n, int precedence) {
    if (n.lo > n.hi) {
      throw Failure{{true, k_delegate_error}};
    }
    if (n.lo > k_max_pcre2_repeat || (n.hi != k_unbounded && n.hi > k_max_pcre2_repeat)) {
      not_expressible("kumo-lint cannot model a repetition count above " + std::to_string(k_max_pcre2_repeat) +
                      " (PCRE2's limit)");
    }
    if (m_setup.checked_repeats != nullptr && m_setup.checked_repeats->count(&n) != 0) {
      checked_repeat(n);
      return;
    }
    if (precedence > 2) {
      put("(?:");
    }
    node(n.children[0], 3);
    if (n.lo == 0 && n.hi == 1) {
      put("?");
    } else if (n.lo == 0 && n.hi == k_unbounded) {
      put("*");
    } else if (n.lo == 1 && n.hi == k_unbounded) {
      put("+");
    } else if (n.lo == n.hi) {
      put("{" + std::to_string(n.lo) + "}");
    } else {
      put("{" + std::to_string(n.lo) + "," + (n.hi == k_unbounded ? "" : std::to_string(n.hi)) + "}");
    }
    if (!n.greedy) {
      put("?");
    }
    if (precedence > 2) {
      put(")");
    }
  }

  // X* or X+ under the regex crate's rule (it compiles X* as (X+)?): each
  // iteration is captured by a group of our own, and a callout
  // (kumo_regex.cpp) fails an iteration that matched nothing unless it is
  // the first, which starts where the repeat started (an empty group marks
  // that place). After an empty first iteration PCRE2 stops, as the NFA does.
  void checked_repeat(const Node& n) {
    const std::string start = std::to_string(++m_pcre2_groups);
    const std::string body = std::to_string(++m_pcre2_groups);
    put("(?:()(?:(");
    node(n.children[0], 0);
    put(")(?C\"" + body + "," + start + "\"))");
    put(n.lo == 1 ? "+" : "*");
    if (!n.greedy) {
      put("?");
    }
    put(")");
  }

  // fancy-regex: when the condition matches (once, atomically) the true
  // branch follows it; otherwise the false branch runs from the start.
  void conditional(const Node& n) {
    const Node& cond = n.children[0];
    if (cond.kind == Node::Kind::backref_exists) {
      put("(?(" + std::to_string(cond.group) + ")");
      node(n.children[1], 1);
      put("|");
      node(n.children[2], 1);
      put(")");
      return;
    }
    put("(?:(?>");
    node(cond, 0);
    put(")");
    node(n.children[1], 1);
    put("|(?!");
    ++m_copies;  // a second copy of the condition: its groups are not groups
    node(cond, 0);
    --m_copies;
    put(")");
    node(n.children[2], 1);
    put(")");
  }

  // --- classes: each written as something that matches one character ---

  void class_item(const ClassItem& item) {
    if (item.kind == ClassItem::Kind::bracketed) {
      set(*item.set, item.negated);
    } else {
      put("[");
      member(item);
      put("]");
    }
  }

  static bool flat(const ClassSet& s) {
    if (s.kind != ClassSet::Kind::union_of) {
      return false;
    }
    return std::all_of(s.items.begin(), s.items.end(), [](const ClassItem& item) {
      return item.kind != ClassItem::Kind::bracketed || (!item.negated && flat(*item.set));
    });
  }

  static bool empty_flat(const ClassSet& s) {
    return std::all_of(s.items.begin(), s.items.end(), [](const ClassItem& item) {
      return item.kind == ClassItem::Kind::bracketed && empty_flat(*item.set);
    });
  }

  void member(const ClassItem& item) {
    switch (item.kind) {
      case ClassItem::Kind::range:
        character(item.lo);
        if (item.hi != item.lo) {
          put("-");
          character(item.hi);
        }
        break;
      case ClassItem::Kind::member: put(item.member); break;
      case ClassItem::Kind::bracketed:
        for (const ClassItem& inner : item.set->items) {
          member(inner);
        }
        break;
    }
  }

  void set(const ClassSet& s, bool negated) {
    if (flat(s)) {
      if (empty_flat(s)) {
        put(negated ? "[\\x{0}-\\x{10ffff}]" : "[^\\x{0}-\\x{10ffff}]");
        return;
      }
      put(negated ? "[^" : "[");
      for (const ClassItem& item : s.items) {
        member(item);
      }
      put("]");
      return;
    }
    if (negated) {
      put("(?:(?!");
      positive(s);
      put(")(?s:.))");
    } else {
      positive(s);
    }
  }

  // A set that is not one flat bracket: unions become alternations, set
  // operations become look-aheads over one character.
  void positive(const ClassSet& s) {
    switch (s.kind) {
      case ClassSet::Kind::union_of: union_alternatives(s); break;
      case ClassSet::Kind::intersection:
        put("(?:(?=");
        set(*s.lhs, false);
        put(")");
        set(*s.rhs, false);
        put(")");
        break;
      case ClassSet::Kind::difference:
        put("(?:(?!");
        set(*s.rhs, false);
        put(")");
        set(*s.lhs, false);
        put(")");
        break;
      case ClassSet::Kind::symmetric_difference:
        put("(?:(?!");
        set(*s.rhs, false);
        put(")");
        set(*s.lhs, false);
        put("|(?!");
        set(*s.lhs, false);
        put(")");
        set(*s.rhs, false);
        put(")");
        break;
    }
  }

  void union_alternatives(const ClassSet& s) {
    std::vector<const ClassItem*> simple, complex;
    for (const ClassItem& item : s.items) {
      bool is_flat = item.kind != ClassItem::Kind::bracketed || (!item.negated && flat(*item.set));
      (is_flat ? simple : complex).push_back(&item);
    }
    put("(?:");
    bool first = true;
    if (!simple.empty()) {
      put("[");
      for (const ClassItem* item : simple) {
        member(*item);
      }
      put("]");
      first = false;
    }
    for (const ClassItem* item : complex) {
      if (!first) {
        put("|");
      }
      set(*item->set, item->negated);
      first = false;
    }
    put(")");
  }

  Setup m_setup;
  std::string m_out;
  std::vector<std::size_t> m_groups{0};  // PCRE2 group of each group; group 0 is the match
  std::size_t m_pcre2_groups = 0;
  int m_copies = 0;
};

bool contains(const Node& n, Node::Kind kind) {
  if (n.kind == kind) {
    return true;
  }
  return std::any_of(n.children.begin(), n.children.end(), [&](const Node& c) { return contains(c, kind); });
}

}  // namespace

util::Expected<Translation, SyntaxError> translate(std::string_view pattern) {
  try {
    ParsedPattern parsed = parse_pattern(pattern);
    const Node& root = parsed.root;
    Analyzer analyzer(parsed.backrefs);
    Info info = analyzer.analyze(root);
    if (parsed.delegate_error) {
      return util::unexpected(SyntaxError{true, k_delegate_error});
    }
    check_lookbehinds(root, info);
    Translation t;
    t.captures_len = parsed.group_count + 1;
    t.names.resize(t.captures_len);
    for (const auto& [name, index] : parsed.named_groups) {
      t.names[index] = name;
    }
    t.backtracking = needs_backtracking(root, info);
    t.has_continue = contains(root, Node::Kind::continue_at);
    RegexCrateRepeats repeats;
    repeats.pattern(root, info, t.backtracking);
    Writer::Setup setup{false, &repeats.found, nullptr};
    Writer numbering(setup);
    numbering.node(root, 0);
    t.groups = numbering.groups();
    setup.groups = &t.groups;
    Writer writer(setup);
    writer.node(root, 0);
    t.pattern = writer.take();
    if (t.has_continue) {
      setup.continue_fails = true;
      Writer without(setup);
      without.node(root, 0);
      t.pattern_without_continue = without.take();
    }
    return t;
  } catch (const Failure& f) {
    return util::unexpected(f.error);
  }
}

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (is_meta(static_cast<unsigned char>(c))) {
      out += '\\';
    }
    out += c;
  }
  return out;
}

}  // namespace kumo::lua::regex
