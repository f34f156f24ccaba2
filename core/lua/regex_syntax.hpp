// KumoMTA's regular expressions (kumo.regex) are fancy-regex 0.16 patterns:
// the regex crate's syntax plus look-around, backreferences, atomic groups,
// possessive repeats, conditionals, \K and \G. kumo-lint matches them with
// PCRE2, so this file reads a pattern exactly as fancy-regex's parser does
// (same grammar, same quirks, same error text) and writes it out in PCRE2
// syntax with every construct spelled explicitly (no PCRE2 option or
// default decides a meaning): \w, \s, \d and \b carry Rust's Unicode
// definitions, ^ $ . follow the flags in force where they were written,
// group names become plain numbered groups.
//
// Pure C++ (no Lua): kumo_regex.cpp binds it.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/expected.hpp"

namespace kumo::lua::regex {

struct Translation {
  std::string pattern;  // PCRE2 syntax, ASCII only; compile with PCRE2_UTF and PCRE2_ALT_CIRCUMFLEX
  // The same with \G unable to match: fancy-regex's \G fails once the
  // search has stepped past an empty match. Empty unless has_continue.
  std::string pattern_without_continue;
  std::size_t captures_len = 1;  // groups, counting group 0 (the whole match)
  // The PCRE2 group that holds each group (the translation adds groups of
  // its own): groups[i] for group i, groups[0] == 0.
  std::vector<std::size_t> groups;
  // capture_names(): for each group index, its name (the last group of a
  // name owns it, as in fancy-regex's map).
  std::vector<std::optional<std::string>> names;
  // fancy-regex runs the pattern on its backtracking VM (look-around,
  // backreferences, word boundaries...), where its backtracking limit can
  // fail a search; other patterns run on the regex crate in linear time.
  bool backtracking = false;
  bool has_continue = false;  // \G
};

struct SyntaxError {
  // True: the message is KumoMTA's own (fancy-regex's Display). False:
  // KumoMTA would accept the pattern (or we cannot tell), but kumo-lint
  // cannot express it in PCRE2.
  bool kumo_error = true;
  std::string message;
};

// [pattern must be valid UTF-8]
util::Expected<Translation, SyntaxError> translate(std::string_view pattern);

// regex::escape (what kumo.regex.escape calls): a backslash before each of
// \ . + * ? ( ) | [ ] { } ^ $ # & - ~
std::string escape(std::string_view text);

// The PCRE2 callouts the translation writes, (?C"<body>,<start>") after
// each iteration of an X* or X+ that the regex crate would run: the
// iteration (captured by group <body>) must fail when it matched nothing,
// unless it began where group <start> marks the repeat's start.
// kumo_regex.cpp answers them.

// A replacement as fancy-regex's Expander reads it: $$ is a '$'; $name and
// ${name} name a group, where the name is the longest run of letters,
// digits and '_' ($1a names the group "1a"; ${1}a is group 1 then "a"); a
// name that is a number is the group of that index when no group has that
// name; any other '$' is itself.
struct TemplatePiece {
  bool group = false;     // false: text to copy
  std::string_view text;  // the text, or the group's name
};
std::vector<TemplatePiece> parse_template(std::string_view replacement);

// How many bytes of PCRE2 pattern a translation may write: a symmetric
// difference inside a character class repeats its operands, so nested
// ones could grow without bound.
inline constexpr std::size_t k_max_translation_bytes = 1u << 20;

}  // namespace kumo::lua::regex
