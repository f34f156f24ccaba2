#include "core/util/utf8.hpp"

#include <cstdint>
#include <cstring>

namespace kumo::util {

namespace {

// The second byte a lead byte allows: narrower than 80..BF for E0 (no
// overlong forms), ED (no surrogates), F0 (no overlong) and F4 (nothing past
// U+10FFFF). Rust reports a bad second byte as a 1-byte error.
bool second_byte_ok(unsigned char lead, unsigned char second) {
  switch (lead) {
    case 0xE0: return second >= 0xA0 && second <= 0xBF;
    case 0xED: return second >= 0x80 && second <= 0x9F;
    case 0xF0: return second >= 0x90 && second <= 0xBF;
    case 0xF4: return second >= 0x80 && second <= 0x8F;
    default: return is_continuation_byte(second);
  }
}

// The error at text[i] (i < text.size()) as Utf8Error reports it, or nothing
// when a well-formed character starts there. Each further byte: missing →
// incomplete; not allowed → an error as long as the bytes read so far.
std::optional<Utf8Error> error_at(std::string_view text, std::size_t i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  const std::size_t width = utf8_length(lead);
  if (width == 0) {
    return Utf8Error{i, 1};
  }
  for (std::size_t k = 1; k < width; ++k) {
    if (i + k >= text.size()) {
      return Utf8Error{i, std::nullopt};
    }
    bool ok = k == 1 ? second_byte_ok(lead, byte(i + 1)) : is_continuation_byte(byte(i + k));
    if (!ok) {
      return Utf8Error{i, k};
    }
  }
  return std::nullopt;
}

}  // namespace

std::size_t ascii_prefix_length(std::string_view text) {
  constexpr std::uint64_t k_high_bits = 0x8080808080808080u;
  std::size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, text.data() + i, 8);
    if ((word & k_high_bits) != 0) {
      break;
    }
  }
  while (i < text.size() && static_cast<unsigned char>(text[i]) < 0x80) {
    ++i;
  }
  return i;
}

bool is_continuation_byte(unsigned char b) { return (b & 0xC0) == 0x80; }

std::size_t utf8_length(unsigned char lead) {
  if (lead < 0x80) {
    return 1;
  }
  if (lead >= 0xC2 && lead <= 0xDF) {
    return 2;
  }
  if (lead >= 0xE0 && lead <= 0xEF) {
    return 3;
  }
  if (lead >= 0xF0 && lead <= 0xF4) {
    return 4;
  }
  return 0;  // never a lead byte
}

std::optional<Utf8Error> find_utf8_error(std::string_view text) {
  // ASCII is valid a word at a time: queue names, keys and most values are
  // ASCII, and this runs on each of them per queue.
  std::size_t start = ascii_prefix_length(text);
  for (std::size_t i = start; i < text.size(); i += utf8_length(static_cast<unsigned char>(text[i]))) {
    if (auto e = error_at(text, i)) {
      return e;
    }
  }
  return std::nullopt;
}

std::optional<std::string> utf8_error(std::string_view text) {
  if (auto e = find_utf8_error(text)) {
    return describe(*e);
  }
  return std::nullopt;
}

bool is_valid_utf8(std::string_view text) { return !find_utf8_error(text); }

Utf8Char decode_char(std::string_view text, std::size_t i) {
  if (error_at(text, i)) {
    return {static_cast<unsigned char>(text[i]), 1, false};
  }
  std::size_t end = i;
  const char32_t c = next_char(text, end);
  return {c, end - i, true};
}

std::string describe(const Utf8Error& e) {
  if (e.error_len) {
    return "invalid utf-8 sequence of " + std::to_string(*e.error_len) + " bytes from index " +
           std::to_string(e.valid_up_to);
  }
  return "incomplete utf-8 byte sequence from index " + std::to_string(e.valid_up_to);
}

char32_t next_char(std::string_view text, std::size_t& i) {
  const auto lead = static_cast<unsigned char>(text[i]);
  const std::size_t width = utf8_length(lead);
  if (width <= 1) {
    ++i;
    return lead;
  }
  char32_t c = lead & (0x7F >> width);
  for (std::size_t k = 1; k < width; ++k) {
    c = (c << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
  }
  i += width;
  return c;
}

char32_t previous_char(std::string_view text, std::size_t& i) {
  std::size_t start = i - 1;
  while (start > 0 && is_continuation_byte(static_cast<unsigned char>(text[start]))) {
    --start;
  }
  std::size_t at = start;
  char32_t c = next_char(text, at);
  i = start;
  return c;
}

void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

bool is_white_space(char32_t c) {
  // PropList.txt's White_Space, unchanged since Unicode 6.3.
  switch (c) {
    case 0x20:
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000: return true;
    default: return (c >= 0x09 && c <= 0x0D) || (c >= 0x2000 && c <= 0x200A);
  }
}

std::size_t leading_whitespace(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const Utf8Char c = decode_char(text, i);
    if (!c.valid || !is_white_space(c.value)) {
      break;
    }
    i += c.length;
  }
  return i;
}

bool is_ascii_whitespace(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\x0C' || c == '\r'; }

}  // namespace kumo::util
