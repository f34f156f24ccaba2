// The text helpers that keep policy-controlled text bounded (cut_text) and
// inert on a terminal (escape_for_terminal): exact outputs.
#include <catch2/catch.hpp>

#include <string>

#include "core/util/text.hpp"

using kumo::util::cut_text;
using kumo::util::escape_for_terminal;
using kumo::util::escape_lines_for_terminal;

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
  CHECK(escape_for_terminal("\u0085") == "\\u{85}");  // NEL
  CHECK(escape_for_terminal("\u009b2J") == "\\u{9b}2J");  // CSI
  CHECK(escape_for_terminal("a\u2028b\u2029c") == "a\\u{2028}b\\u{2029}c");
  CHECK(escape_for_terminal("\u202a\u202b\u202c\u202d\u202e") == "\\u{202a}\\u{202b}\\u{202c}\\u{202d}\\u{202e}");
  CHECK(escape_for_terminal("\u2066\u2067\u2068\u2069") == "\\u{2066}\\u{2067}\\u{2068}\\u{2069}");
  // Neighbours that are ordinary characters stay.
  CHECK(escape_for_terminal("\u00a0\u2027\u202f\u2065\u206a") == "\u00a0\u2027\u202f\u2065\u206a");
}

TEST_CASE("escape_for_terminal shows bytes that are not UTF-8 as \\xNN", "[util][text]") {
  CHECK(escape_for_terminal("a\xff" "b") == "a\\xffb");
  CHECK(escape_for_terminal("\xc3") == "\\xc3");                  // truncated sequence
  CHECK(escape_for_terminal("\xc0\xaf") == "\\xc0\\xaf");         // overlong '/'
  CHECK(escape_for_terminal("\xed\xa0\x80") == "\\xed\\xa0\\x80");  // a surrogate
  CHECK(escape_for_terminal("\xc2\x9b") == "\\u{9b}");            // well-formed C1 CSI
}

TEST_CASE("escape_lines_for_terminal keeps newlines and escapes within lines", "[util][text]") {
  CHECK(escape_lines_for_terminal("a\x1b\nb\r\n\n") == "a\\x1b\nb\\r\n\n");
  CHECK(escape_lines_for_terminal("no newline") == "no newline");
}
