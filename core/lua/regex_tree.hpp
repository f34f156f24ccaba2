// Internal to the kumo.regex translator (regex_class.cpp, regex_parse.cpp,
// regex_syntax.cpp): fancy-regex's expression tree, regex-syntax's class
// sets, and the errors both raise. No Lua, no PCRE2.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/lua/regex_syntax.hpp"

namespace kumo::lua::regex::detail {

// --- Errors ---

struct Failure {
  SyntaxError error;
};

[[noreturn]] inline void parse_error(std::size_t ix, const std::string& what) {
  throw Failure{{true, "Parsing error at position " + std::to_string(ix) + ": " + what}};
}

[[noreturn]] inline void compile_error(const std::string& what) {
  throw Failure{{true, "Error compiling regex: " + what}};
}

[[noreturn]] inline void not_expressible(const std::string& what) { throw Failure{{false, what}}; }

// What KumoMTA reports for anything the regex crate's own parser rejects in
// the parts fancy-regex delegates to it (the detail stays in the error's
// source, which KumoMTA does not print).
inline constexpr const char* k_delegate_error = "Error compiling regex: Regex error: error parsing pattern 0";

inline constexpr std::size_t k_max_recursion = 64;  // fancy-regex's MAX_RECURSION (group nesting)
inline constexpr std::size_t k_nest_limit = 250;    // regex-syntax's default nest limit
inline constexpr std::size_t k_max_pcre2_repeat = 65535;
inline constexpr std::size_t k_unbounded = SIZE_MAX;

// --- Character classes (regex-syntax's class sets) ---

struct ClassSet;

// One item of a class union: a range (a single character when lo == hi),
// a PCRE2 member usable inside [...] (\p{Nd}), or a bracketed class.
struct ClassItem {
  enum class Kind { range, member, bracketed };
  Kind kind = Kind::range;
  char32_t lo = 0, hi = 0;
  std::string member;
  bool negated = false;
  std::shared_ptr<const ClassSet> set;
};

struct ClassSet {
  enum class Kind { union_of, intersection, difference, symmetric_difference };
  Kind kind = Kind::union_of;
  std::vector<ClassItem> items;
  std::shared_ptr<const ClassSet> lhs, rhs;
};

// Rust's \w: Alphabetic, marks, decimal digits, connector punctuation and
// the joiners (UTS#18's word class, which regex-syntax follows).
inline constexpr const char* k_word_members = "\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\p{Join_Control}";

// Signals a class the regex crate rejects; fancy-regex reports it only
// after its own parse and analysis (see Parser::m_delegate_error).
struct DelegateRejects {};

ClassItem range_item(char32_t lo, char32_t hi);
ClassItem member_item(std::string member);
ClassItem bracketed_item(bool negated, std::vector<ClassItem> items);
// \h and \H (fancy-regex's hex digits).
ClassItem hex_digits(bool negated);
// \d \s \w and their negations, with Rust's Unicode meaning.
ClassItem perl_class(char letter);
// The text \p... or \P... fancy-regex copied: the class the regex crate
// makes of it (throws DelegateRejects, or Failure when PCRE2 lacks it).
ClassItem unicode_class(std::string_view text);
// regex-syntax's meta characters (what regex::escape escapes).
bool is_meta(char32_t c);

// fancy-regex reads a class's escapes itself, then hands the text to the
// regex crate; a token is what the regex crate sees for one piece.
struct ClassToken {
  enum class Kind { raw, literal, escape_class, bracket_class };
  Kind kind = Kind::raw;
  char32_t ch = 0;
  std::shared_ptr<const ClassItem> item;  // escape_class (\d, \p...), bracket_class (\h, \H)
};

// regex-syntax's parse of a bracketed class over the tokens, the first of
// which is its '['. Throws DelegateRejects.
ClassItem read_class(const std::vector<ClassToken>& tokens);

// --- The expression tree (fancy-regex's Expr) ---

enum class Assertion { start_text, end_text, start_line, end_line, left_word, right_word, word, not_word };
enum class Look { ahead, ahead_neg, behind, behind_neg };

struct Node {
  enum class Kind {
    empty,
    any,
    assertion,
    literal,
    concat,
    alt,
    group,
    look,
    repeat,
    cls,
    backref,
    atomic,
    keep_out,
    continue_at,
    backref_exists,
    conditional,
    end_before_newlines,
    subroutine,
    unresolved_subroutine,
    backref_at_level
  };
  Kind kind = Kind::empty;
  bool casei = false;    // literal, cls, backref
  bool newline = false;  // any
  bool greedy = true;    // repeat
  char32_t ch = 0;       // literal
  Assertion assertion = Assertion::start_text;
  Look look = Look::ahead;
  std::size_t lo = 0, hi = 0;             // repeat
  std::size_t group = 0;                  // backref, backref_exists, subroutine
  std::size_t position = 0;               // unresolved_subroutine
  std::string name;                       // unresolved_subroutine
  std::vector<Node> children;             // concat, alt; one child: group, look, repeat, atomic; three: conditional
  std::shared_ptr<const ClassItem> item;  // cls
};

// What fancy-regex's parser leaves behind.
struct ParsedPattern {
  Node root;
  std::map<std::string, std::size_t> named_groups;
  std::set<std::size_t> backrefs;
  std::size_t group_count = 0;
  // A part handed to the regex crate is invalid: reported after fancy-regex's
  // own parse and analysis errors, as KumoMTA would.
  bool delegate_error = false;
};

// [pattern: valid UTF-8] Throws Failure.
ParsedPattern parse_pattern(std::string_view pattern);

}  // namespace kumo::lua::regex::detail
