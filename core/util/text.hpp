// Generic text helpers. Nothing here knows about KumoMTA.
#pragma once

#include <cstdint>

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Its callers quote and cut text that may not be UTF-8; utf8.hpp is how all
// of them read it (is_valid_utf8, utf8_error, leading_whitespace, ...).
#include "core/util/utf8.hpp"

namespace kumo::util {

// --- Interface ---

// Levenshtein distance between `a` and `b` (insert, delete, substitute).
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate nearest to `word` when it is a plausible misspelling (a
// distance of at most max(1, len/3)); ties go to the earlier candidate.
// A case-insensitive exact match always wins.
std::optional<std::string> closest_match(std::string_view word, const std::vector<std::string_view>& candidates);

// `text` in double quotes, with \ " and control bytes escaped (and, when the
// text is not UTF-8, every byte above 0x7f as \xNN), for messages.
std::string quoted(std::string_view text);

// `text` as Rust's `{:?}` prints a str (Debug for str, which serde's
// Unexpected::Str uses, so it is how kumod quotes a string in "invalid
// value"/"invalid type" errors): in double quotes, with \" \\ \n \r \t \0
// escaped, other controls, separators other than ' ', format characters,
// private use and combining marks (Grapheme_Extend) as \u{hex}, and ' as
// it is. For UTF-8 text, as a Rust str always is (a byte that is not UTF-8
// is copied as it is).
std::string rust_debug_quote(std::string_view text);

// `text` when it is at most `max_bytes` long; else its longest prefix that
// ends on a UTF-8 character boundary and leaves room for a note saying how
// much was cut, then the note: "abc… (12345 more bytes)". The result is
// never longer than `max_bytes` (for max_bytes >= k_min_cut_bytes), so
// cutting it again changes nothing. Policy-controlled text (an error()
// message, a chunk name, a queue name) is cut with this before it reaches
// a report, so one hostile value cannot make the output unbounded.
std::string cut_text(std::string_view text, std::size_t max_bytes);
// The same for `text` that is only the first bytes of a text `full_size`
// bytes long (a caller that never copied the rest): the note counts from
// the full size.
std::string cut_text(std::string_view text, std::size_t max_bytes, std::size_t full_size);

// The room cut_text needs for its note ("… (" + 20 digits + " more bytes)").
inline constexpr std::size_t k_min_cut_bytes = 40;

// `text` made safe to interpolate into one line of terminal output: every
// byte or character that a terminal, a log viewer or a CI problem matcher
// would act on instead of showing is written as an escape, so a finding is
// always exactly one line and looks like what it says. Escaped are C0
// controls (\t \n \r by name, the others as \xNN, e.g. ESC as \x1b), DEL
// (\x7f), bytes that are not UTF-8 (\xNN each), and, written \u{hex} (U+202E is \u{202e}), the
// C1 controls U+0080-U+009F, the line and paragraph separators U+2028 and
// U+2029, and the bidirectional controls U+202A-U+202E and U+2066-U+2069
// (Trojan-source reordering). Everything else, including a backslash, is
// copied as it is.
// True when every byte is printable ASCII (0x20 to 0x7e): text that every
// escape here leaves as it is.
bool is_printable_ascii(std::string_view text);
// The same, and holding no space, ',', '(' or ')': text that reads as one
// item of a list written "(a, b, c)".
bool is_list_item_plain(std::string_view text);
std::string escape_for_terminal(std::string_view text);
// The same, appended to `out` (printable ASCII without a copy of its own).
void append_for_terminal(std::string& out, std::string_view text);
// Printable ASCII with neither '"' nor '\\': text a JSON string holds as it
// is (nlohmann escapes nothing else in it).
bool is_json_plain(std::string_view text);

// escape_for_terminal for each line of `text`, keeping its newlines: for
// multi-line text whose line structure is kumo-lint's own (a rendered
// config, a command-line parser's message).
std::string escape_lines_for_terminal(std::string_view text);

// 1234567 → "1,234,567" (num-format's en locale, which kumod's explain
// uses; also kumo-lint's own counts).
std::string with_thousands(std::uint64_t value);

// "a, b, c" from a list, each item wrapped in `wrap` (e.g. "`").
std::string join(const std::vector<std::string_view>& items, std::string_view separator, std::string_view wrap = "");

}  // namespace kumo::util
