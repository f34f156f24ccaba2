// util/utf8's lenient decoder: the one every caller that shows or skips text
// that may not be UTF-8 goes through (escape_for_terminal, the humantime
// parser, the Rust-style quoters).
#include <catch2/catch.hpp>

#include <string>

#include "core/util/utf8.hpp"

using kumo::util::decode_char;
using kumo::util::Utf8Char;

namespace {

bool same(const Utf8Char& c, char32_t value, std::size_t length, bool valid) {
  return c.value == value && c.length == length && c.valid == valid;
}

}  // namespace

TEST_CASE("decode_char reads one well-formed character", "[util][utf8]") {
  const std::string text = "a\u00e9\u65e5\U0001F600";
  CHECK(same(decode_char(text, 0), U'a', 1, true));
  CHECK(same(decode_char(text, 1), 0xE9, 2, true));
  CHECK(same(decode_char(text, 3), 0x65E5, 3, true));
  CHECK(same(decode_char(text, 6), 0x1F600, 4, true));
  CHECK(same(decode_char(std::string("\0", 1), 0), 0, 1, true));
  CHECK(same(decode_char("\U0010FFFF", 0), 0x10FFFF, 4, true));
}

TEST_CASE("decode_char gives a bad sequence back one byte at a time", "[util][utf8]") {
  CHECK(same(decode_char("\xff", 0), 0xFF, 1, false));              // never a lead byte
  CHECK(same(decode_char("\x80", 0), 0x80, 1, false));              // a stray continuation
  CHECK(same(decode_char("\xc3", 0), 0xC3, 1, false));              // cut short
  CHECK(same(decode_char("\xe2\x82(", 0), 0xE2, 1, false));         // bad third byte
  CHECK(same(decode_char("\xc0\xaf", 0), 0xC0, 1, false));          // overlong '/'
  CHECK(same(decode_char("\xe0\x80\xaf", 0), 0xE0, 1, false));      // overlong '/'
  CHECK(same(decode_char("\xed\xa0\x80", 0), 0xED, 1, false));      // surrogate U+D800
  CHECK(same(decode_char("\xf4\x90\x80\x80", 0), 0xF4, 1, false));  // past U+10FFFF
  CHECK(same(decode_char("\xf5\x80\x80\x80", 0), 0xF5, 1, false));  // past U+10FFFF
  // The byte after a bad lead is read on its own, as the next call sees it.
  CHECK(same(decode_char("\xc3(", 1), U'(', 1, true));
}

TEST_CASE("decode_char agrees with find_utf8_error on every lead and second byte", "[util][utf8]") {
  for (int lead = 0; lead < 256; ++lead) {
    for (int second = 0; second < 256; ++second) {
      // Enough continuation bytes after the pair for any lead.
      std::string text{static_cast<char>(lead), static_cast<char>(second), '\x80', '\x80'};
      const Utf8Char c = decode_char(text, 0);
      const std::size_t width = kumo::util::utf8_length(static_cast<unsigned char>(lead));
      const bool well_formed = width != 0 && !kumo::util::find_utf8_error(text.substr(0, width));
      INFO("lead " << lead << " second " << second);
      REQUIRE(c.valid == well_formed);
      REQUIRE(c.length == (well_formed ? width : 1));
    }
  }
}

TEST_CASE("is_continuation_byte is 10xxxxxx", "[util][utf8]") {
  CHECK(kumo::util::is_continuation_byte(0x80));
  CHECK(kumo::util::is_continuation_byte(0xBF));
  CHECK_FALSE(kumo::util::is_continuation_byte(0x7F));
  CHECK_FALSE(kumo::util::is_continuation_byte(0xC0));
}

TEST_CASE("ascii_prefix_length and find_utf8_error: every byte at every place around a word boundary", "[util][utf8]") {
  using kumo::util::ascii_prefix_length;
  using kumo::util::find_utf8_error;
  for (std::size_t length = 1; length <= 19; ++length) {
    for (std::size_t at = 0; at < length; ++at) {
      for (int b = 0; b < 256; ++b) {
        std::string text(length, 'a');
        text[at] = static_cast<char>(b);
        INFO("length " << length << ", byte " << b << " at " << at);
        CHECK(ascii_prefix_length(text) == (b < 0x80 ? length : at));
        // A lone byte of 0x80 or more is never a whole character.
        auto error = find_utf8_error(text);
        CHECK(error.has_value() == (b >= 0x80));
        if (error) {
          CHECK(error->valid_up_to == at);
        }
      }
    }
  }
  // A valid character past the first word: the word loop stops there and
  // the rest is read one character at a time.
  CHECK_FALSE(find_utf8_error("abcdefghij\u00e9klmnopqrstu\u65e5v").has_value());
  CHECK(find_utf8_error("abcdefghij\u00e9klmnopqrstu\xE6\x97v")->valid_up_to == 23);
  CHECK(ascii_prefix_length("") == 0);
}
