// UTF-8 as Rust's str sees it: the validation error Rust reports (its
// exact wording is what KumoMTA shows when a Lua string is not UTF-8),
// decoding of text already known to be valid, and Unicode White_Space.
// Nothing here knows about KumoMTA.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kumo::util {

// Where and how `text` stops being UTF-8, as core::str::Utf8Error says it:
// the valid prefix's length, and the length of the bad sequence (empty when
// the text ends in the middle of a character).
struct Utf8Error {
  std::size_t valid_up_to = 0;
  std::optional<std::size_t> error_len;
};

// The first error in `text`, or nothing when it is valid UTF-8.
std::optional<Utf8Error> find_utf8_error(std::string_view text);

// Utf8Error's Display: "invalid utf-8 sequence of 1 bytes from index 3" or
// "incomplete utf-8 byte sequence from index 3".
std::string describe(const Utf8Error& e);

// describe(find_utf8_error(text)), or nullopt when `text` is UTF-8.
std::optional<std::string> utf8_error(std::string_view text);

// True when `text` is well-formed UTF-8 (no overlong forms, surrogates or
// code points past U+10FFFF), as Rust's str requires.
bool is_valid_utf8(std::string_view text);

// One character read from text that need not be UTF-8.
struct Utf8Char {
  char32_t value = 0;      // the code point; the byte itself when !valid
  std::size_t length = 1;  // bytes it takes in the text
  bool valid = true;
};

// The character starting at text[i] (i < text.size()). Where the bytes there
// are not a well-formed character (a stray byte, a cut or overlong sequence,
// a surrogate, a value past U+10FFFF) the result is text[i] alone, invalid,
// 1 byte long: callers that show or skip bad bytes do so one byte at a time,
// so a bad sequence is never taken for a character, and nothing is lost.
Utf8Char decode_char(std::string_view text, std::size_t i);

// True for the bytes that continue a character, 10xxxxxx (never a boundary).
bool is_continuation_byte(unsigned char b);

// The character starting at text[i] (valid UTF-8 only), advancing i past it.
char32_t next_char(std::string_view text, std::size_t& i);
// The character ending just before text[i] (valid UTF-8 only), moving i to
// its first byte.
char32_t previous_char(std::string_view text, std::size_t& i);

// Appends `c` encoded as UTF-8.
void append_utf8(std::string& out, char32_t c);

// How many bytes at the start of `text` are ASCII (below 0x80).
std::size_t ascii_prefix_length(std::string_view text);

// Bytes in the UTF-8 form of the character whose first byte is `lead`.
std::size_t utf8_length(unsigned char lead);

// Unicode's White_Space property (char::is_whitespace in Rust): the
// characters Rust's trim and split_whitespace remove.
bool is_white_space(char32_t c);

// How many bytes Rust's str::trim_start removes from `text`: its leading
// White_Space (a byte that is not UTF-8 ends it).
std::size_t leading_whitespace(std::string_view text);

// Rust's u8::is_ascii_whitespace: space, \t, \n, \x0C and \r (not \x0B).
bool is_ascii_whitespace(unsigned char c);

}  // namespace kumo::util
