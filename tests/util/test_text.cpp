// The generic text helpers, exact outputs: the ones that keep
// policy-controlled text bounded (cut_text) and inert on a terminal
// (escape_for_terminal, quoted), and the ones behind "did you mean"
// (edit_distance, closest_match), UTF-8 checks and lists (join).
#include <catch2/catch.hpp>

#include <string>

#include "core/util/text.hpp"

using kumo::util::closest_match;
using kumo::util::cut_text;
using kumo::util::edit_distance;
using kumo::util::escape_for_terminal;
using kumo::util::escape_lines_for_terminal;
using kumo::util::is_valid_utf8;
using kumo::util::join;
using kumo::util::quoted;

TEST_CASE("cut_text keeps text that fits", "[util][text]") {
  CHECK(cut_text("", 100) == "");
  CHECK(cut_text(std::string(100, 'a'), 100) == std::string(100, 'a'));
}

TEST_CASE("cut_text keeps a prefix and says how much was cut", "[util][text]") {
  const std::string text(1000, 'a');
  // 100 - 40 bytes kept, 940 dropped; the whole is never over 100 bytes.
  const std::string cut = cut_text(text, 100);
  CHECK(cut == std::string(60, 'a') + "\u2026 (940 more bytes)");
  CHECK(cut.size() <= 100);
  CHECK(cut_text(cut, 100) == cut);  // cutting again changes nothing
}

TEST_CASE("cut_text never splits a UTF-8 character", "[util][text]") {
  // "é" is 2 bytes: 59 a's, then é straddling byte 60.
  const std::string text = std::string(59, 'a') + "\u00e9" + std::string(100, 'b');
  CHECK(cut_text(text, 100) == std::string(59, 'a') + "\u2026 (102 more bytes)");
  // A 4-byte character straddling the cut is dropped whole.
  const std::string emoji = std::string(58, 'a') + "\U0001F600" + std::string(100, 'b');
  CHECK(cut_text(emoji, 100) == std::string(58, 'a') + "\u2026 (104 more bytes)");
}

TEST_CASE("cut_text of a huge text is bounded", "[util][text]") {
  const std::string huge(20u << 20, 'x');
  const std::string cut = cut_text(huge, 4096);
  CHECK(cut.size() <= 4096);
  CHECK(cut.substr(4056) == "\u2026 (20967464 more bytes)");
}

TEST_CASE("escape_for_terminal leaves ordinary text alone", "[util][text]") {
  CHECK(escape_for_terminal("") == "");
  CHECK(escape_for_terminal("policy.lua:12: print: héllo wörld 日本 \\ \"q\" 😀") ==
        "policy.lua:12: print: héllo wörld 日本 \\ \"q\" 😀");
}

TEST_CASE("escape_for_terminal escapes C0 controls and DEL", "[util][text]") {
  CHECK(escape_for_terminal("a\tb\nc\rd") == "a\\tb\\nc\\rd");
  CHECK(escape_for_terminal("\x1b[2J\x07\x01\x7f") == "\\x1b[2J\\x07\\x01\\x7f");
  CHECK(escape_for_terminal(std::string("a\0b", 3)) == "a\\x00b");
  // An OSC 8 hyperlink: ESC ] 8 ;; url ESC \ .
  CHECK(escape_for_terminal("\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\") ==
        "\\x1b]8;;http://x\\x1b\\link\\x1b]8;;\\x1b\\");
}

TEST_CASE("escape_for_terminal escapes C1, separators and bidi controls", "[util][text]") {
  CHECK(escape_for_terminal("\u0085") == "\\u{85}");      // NEL
  CHECK(escape_for_terminal("\u009b2J") == "\\u{9b}2J");  // CSI
  CHECK(escape_for_terminal("a\u2028b\u2029c") == "a\\u{2028}b\\u{2029}c");
  CHECK(escape_for_terminal("\u202a\u202b\u202c\u202d\u202e") == "\\u{202a}\\u{202b}\\u{202c}\\u{202d}\\u{202e}");
  CHECK(escape_for_terminal("\u2066\u2067\u2068\u2069") == "\\u{2066}\\u{2067}\\u{2068}\\u{2069}");
  // Neighbours that are ordinary characters stay.
  CHECK(escape_for_terminal("\u00a0\u2027\u202f\u2065\u206a") == "\u00a0\u2027\u202f\u2065\u206a");
}

TEST_CASE("escape_for_terminal shows bytes that are not UTF-8 as hex escapes", "[util][text]") {
  CHECK(escape_for_terminal("a\xff"
                            "b") == "a\\xffb");
  CHECK(escape_for_terminal("\xc3") == "\\xc3");                    // truncated sequence
  CHECK(escape_for_terminal("\xc0\xaf") == "\\xc0\\xaf");           // overlong '/'
  CHECK(escape_for_terminal("\xed\xa0\x80") == "\\xed\\xa0\\x80");  // a surrogate
  CHECK(escape_for_terminal("\xc2\x9b") == "\\u{9b}");              // well-formed C1 CSI
}

TEST_CASE("escape_lines_for_terminal keeps newlines and escapes within lines", "[util][text]") {
  CHECK(escape_lines_for_terminal("a\x1b\nb\r\n\n") == "a\\x1b\nb\\r\n\n");
  CHECK(escape_lines_for_terminal("no newline") == "no newline");
}

TEST_CASE("cut_text of a prefix counts what was cut from the full size", "[util][text]") {
  // The caller kept 100 bytes of a 5000-byte text.
  CHECK(cut_text(std::string(100, 'a'), 100, 5000) == std::string(60, 'a') + "\u2026 (4940 more bytes)");
  // A full size smaller than the text given is the text's own size.
  CHECK(cut_text("abc", 100, 1) == "abc");
}

TEST_CASE("edit_distance counts insertions, deletions and substitutions", "[util][text]") {
  CHECK(edit_distance("", "") == 0);
  CHECK(edit_distance("", "abc") == 3);
  CHECK(edit_distance("abc", "") == 3);
  CHECK(edit_distance("max_age", "max_age") == 0);
  CHECK(edit_distance("retry_intervall", "retry_interval") == 1);  // a deletion
  CHECK(edit_distance("max_ag", "max_age") == 1);                  // an insertion
  CHECK(edit_distance("max_axe", "max_age") == 1);                 // a substitution
  CHECK(edit_distance("kitten", "sitting") == 3);
  CHECK(edit_distance("sitting", "kitten") == 3);  // symmetric
}

TEST_CASE("closest_match suggests a plausible misspelling only", "[util][text]") {
  const std::vector<std::string_view> keys = {"retry_interval", "max_retry_interval", "max_age"};
  CHECK(closest_match("retry_intervall", keys) == "retry_interval");
  CHECK(closest_match("max_agee", keys) == "max_age");
  // max(1, 11 / 3) = 3 edits allowed for "max_retries", and every key is further.
  CHECK(closest_match("max_retries", keys) == std::nullopt);
  CHECK(closest_match("anything", {}) == std::nullopt);
}

TEST_CASE("closest_match: a case-insensitive exact match wins, ties go to the earlier candidate", "[util][text]") {
  CHECK(closest_match("MAX_AGE", {"max_agx", "max_age"}) == "max_age");
  CHECK(closest_match("ab", {"xb", "ax"}) == "xb");
  // Short words still allow one edit.
  CHECK(closest_match("ab", {"abc"}) == "abc");
  CHECK(closest_match("ab", {"abcd"}) == std::nullopt);
}

TEST_CASE("is_valid_utf8 accepts what Rust's str accepts", "[util][text]") {
  CHECK(is_valid_utf8(""));
  CHECK(is_valid_utf8("plain ascii"));
  CHECK(is_valid_utf8("h\u00e9llo \u65e5\u672c \U0001F600 \U0010FFFF"));
  CHECK_FALSE(is_valid_utf8("\xff"));              // never a lead byte
  CHECK_FALSE(is_valid_utf8("\xc3"));              // truncated
  CHECK_FALSE(is_valid_utf8("\xc3("));             // bad continuation
  CHECK_FALSE(is_valid_utf8("\xc0\xaf"));          // overlong '/'
  CHECK_FALSE(is_valid_utf8("\xed\xa0\x80"));      // surrogate U+D800
  CHECK_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // past U+10FFFF
}

TEST_CASE("quoted escapes quotes, backslashes and control bytes", "[util][text]") {
  CHECK(quoted("") == "\"\"");
  CHECK(quoted("max_age") == "\"max_age\"");
  CHECK(quoted("a\"b\\c") == "\"a\\\"b\\\\c\"");
  CHECK(quoted("tab\there\n\x7f") == "\"tab\\x09here\\x0a\\x7f\"");
  // Valid UTF-8 is kept as it is.
  CHECK(quoted("h\u00e9") == "\"h\u00e9\"");
}

TEST_CASE("quoted escapes every high byte of text that is not UTF-8", "[util][text]") {
  // One invalid byte makes the whole text escaped, é included, so the
  // result is always UTF-8.
  CHECK(quoted("h\u00e9\xff") == "\"h\\xc3\\xa9\\xff\"");
}

TEST_CASE("join separates and wraps items", "[util][text]") {
  CHECK(join({}, ", ") == "");
  CHECK(join({"a"}, ", ") == "a");
  CHECK(join({"a", "b", "c"}, ", ") == "a, b, c");
  CHECK(join({"max_age", "protocol"}, ", ", "`") == "`max_age`, `protocol`");
}

TEST_CASE("utf8_error reads as Rust's Utf8Error", "[util][text]") {
  using kumo::util::utf8_error;
  CHECK_FALSE(utf8_error("ok \u00e9"));
  CHECK(utf8_error("\xff") == "invalid utf-8 sequence of 1 bytes from index 0");
  CHECK(utf8_error("hello\xc3") == "incomplete utf-8 byte sequence from index 5");
  CHECK(utf8_error("\xe0\x80\x80") == "invalid utf-8 sequence of 1 bytes from index 0");  // overlong
  CHECK(utf8_error("\xed\xa0\x80") == "invalid utf-8 sequence of 1 bytes from index 0");  // surrogate
  CHECK(utf8_error("\xe2\x82\x28") == "invalid utf-8 sequence of 2 bytes from index 0");
  CHECK(utf8_error("\xf0\x90\x80\x28") == "invalid utf-8 sequence of 3 bytes from index 0");
  CHECK(utf8_error("\xf4\x90\x80\x80") == "invalid utf-8 sequence of 1 bytes from index 0");  // past U+10FFFF
  CHECK(utf8_error("ab\xf0\x9f\x98") == "incomplete utf-8 byte sequence from index 2");
}

TEST_CASE("leading_whitespace is Rust's trim_start: Unicode White_Space", "[util][text]") {
  using kumo::util::leading_whitespace;
  CHECK(leading_whitespace("") == 0);
  CHECK(leading_whitespace(" \t\r\n\v\fx ") == 6);
  CHECK(leading_whitespace("\u00a0\u3000\u2028x") == 8);
  CHECK(leading_whitespace("\u200bx") == 0);  // zero width space is not White_Space
  CHECK(leading_whitespace(" \xff") == 1);
}

TEST_CASE("rust_debug_quote is Rust's Debug for str", "[util][text]") {
  using kumo::util::rust_debug_quote;
  CHECK(rust_debug_quote("") == "\"\"");
  CHECK(rust_debug_quote("20m") == "\"20m\"");
  // named escapes; ' stays as it is in a str (only a char's Debug escapes it)
  CHECK(rust_debug_quote("say \"hi\"\\\t\r\n") == "\"say \\\"hi\\\"\\\\\\t\\r\\n\"");
  CHECK(rust_debug_quote(std::string("\0x", 2)) == "\"\\0x\"");
  CHECK(rust_debug_quote("it's") == "\"it's\"");
  // other controls, DEL and C1 as \u{..}, lowercase, no leading zeros
  CHECK(rust_debug_quote("\x01\x1b\x7f\xc2\x85") == "\"\\u{1}\\u{1b}\\u{7f}\\u{85}\"");
  // non-printable (NBSP, soft hyphen, bidi controls) and Grapheme_Extend
  CHECK(rust_debug_quote("\xc2\xa0\xc2\xad\xe2\x80\xae") == "\"\\u{a0}\\u{ad}\\u{202e}\"");
  CHECK(rust_debug_quote("e\xcc\x81") == "\"e\\u{301}\"");
  // printable non-ASCII is kept
  CHECK(rust_debug_quote("5\xc2\xb5s h\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80") ==
        "\"5\xc2\xb5s h\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80\"");
}

TEST_CASE("with_thousands groups digits by three from the right", "[util][text]") {
  CHECK(kumo::util::with_thousands(0) == "0");
  CHECK(kumo::util::with_thousands(999) == "999");
  CHECK(kumo::util::with_thousands(1000) == "1,000");
  CHECK(kumo::util::with_thousands(240000) == "240,000");
  CHECK(kumo::util::with_thousands(18446744073709551615u) == "18,446,744,073,709,551,615");
}

namespace {

// `test` against `expected` for every byte value at every place of texts of
// 1 to 34 bytes (two of the 16-byte blocks the tests read, and a tail),
// the other bytes taken from `fillers` by place (bytes next to the ones
// that fail, so a test that reads a neighbour by mistake shows).
template <typename Test, typename Expected>
void check_every_byte_at_every_place(Test test, Expected expected, std::string_view fillers) {
  CHECK(test(""));
  for (std::size_t length = 1; length <= 34; ++length) {
    for (std::size_t at = 0; at < length; ++at) {
      std::string text(length, fillers[at % fillers.size()]);
      for (int b = 0; b < 256; ++b) {
        text[at] = static_cast<char>(b);
        if (test(text) != expected(b)) {
          FAIL_CHECK("length " << length << ", byte " << b << " at " << at);
        }
      }
    }
  }
}

}  // namespace

TEST_CASE("is_printable_ascii: every byte at every place around a block boundary", "[util][text]") {
  // '~' (0x7e) is the last printable byte.
  check_every_byte_at_every_place(
      kumo::util::is_printable_ascii, [](int b) { return b >= 0x20 && b < 0x7f; }, "~");
}

TEST_CASE("is_list_item_plain: every byte at every place around a block boundary", "[util][text]") {
  const std::string_view excluded = " ,()";
  // Neighbours of the excluded bytes: '!' of ' ', '+' and '-' of ',', '\'' and '*' of '(' ')'.
  check_every_byte_at_every_place(
      kumo::util::is_list_item_plain,
      [excluded](int b) {
        return b >= 0x20 && b < 0x7f && excluded.find(static_cast<char>(b)) == std::string_view::npos;
      },
      "!+-'*");
}

TEST_CASE("is_json_plain: every byte at every place around a block boundary", "[util][text]") {
  // '!' and '#' sit on either side of '"', '[' and ']' of '\\'.
  check_every_byte_at_every_place(
      kumo::util::is_json_plain, [](int b) { return b >= 0x20 && b < 0x7f && b != '"' && b != '\\'; }, "!#[]");
}
