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

// The character starting at text[i] (valid UTF-8 only), advancing i past it.
char32_t next_char(std::string_view text, std::size_t& i);
// The character ending just before text[i] (valid UTF-8 only), moving i to
// its first byte.
char32_t previous_char(std::string_view text, std::size_t& i);

// Appends `c` encoded as UTF-8.
void append_utf8(std::string& out, char32_t c);

// Bytes in the UTF-8 form of the character whose first byte is `lead`.
std::size_t utf8_length(unsigned char lead);

// Unicode's White_Space property (char::is_whitespace in Rust): the
// characters Rust's trim and split_whitespace remove.
bool is_white_space(char32_t c);

// Rust's u8::is_ascii_whitespace: space, \t, \n, \x0C and \r (not \x0B).
bool is_ascii_whitespace(unsigned char c);

}  // namespace kumo::util
