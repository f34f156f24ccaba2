// Generic text helpers. Nothing here knows about KumoMTA.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kumo::util {

// --- Interface ---

// Levenshtein distance between `a` and `b` (insert, delete, substitute).
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate nearest to `word` when it is a plausible misspelling (a
// distance of at most max(1, len/3)); ties go to the earlier candidate.
// A case-insensitive exact match always wins.
std::optional<std::string> closest_match(std::string_view word,
                                         const std::vector<std::string_view>& candidates);

// True when `text` is well-formed UTF-8 (no overlong forms, surrogates or
// code points past U+10FFFF), as Rust's str requires.
bool is_valid_utf8(std::string_view text);

// `text` in double quotes, with \ " and control bytes escaped (and, when the
// text is not UTF-8, every byte above 0x7f as \xNN), for messages.
std::string quoted(std::string_view text);

// "a, b, c" from a list, each item wrapped in `wrap` (e.g. "`").
std::string join(const std::vector<std::string_view>& items, std::string_view separator,
                 std::string_view wrap = "");

}  // namespace kumo::util
