#include "core/util/text.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <utility>

namespace kumo::util {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // One row of the classic dynamic-programming table is enough.
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) {
    row[j] = j;
  }
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      std::size_t substitute = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      row[j] = std::min({above + 1, row[j - 1] + 1, substitute});
      diagonal = above;
    }
  }
  return row[b.size()];
}

static bool equal_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::optional<std::string> closest_match(std::string_view word, const std::vector<std::string_view>& candidates) {
  for (auto candidate : candidates) {
    if (equal_ignoring_case(word, candidate)) {
      return std::string(candidate);
    }
  }
  const std::size_t allowed = std::max<std::size_t>(1, word.size() / 3);
  std::optional<std::string> best;
  std::size_t best_distance = allowed + 1;
  for (auto candidate : candidates) {
    // The distance is at least the difference in length: a long word (a
    // policy's text, unbounded) costs nothing against short candidates.
    std::size_t gap = word.size() > candidate.size() ? word.size() - candidate.size() : candidate.size() - word.size();
    if (gap >= best_distance) {
      continue;
    }
    std::size_t d = edit_distance(word, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = std::string(candidate);
    }
  }
  return best;
}

namespace {

constexpr const char* k_hex = "0123456789abcdef";

void append_byte_escape(std::string& out, unsigned char byte) {
  out += "\\x";
  out += k_hex[byte >> 4];
  out += k_hex[byte & 15];
}

// Characters a terminal acts on, or that reorder or break the line they are
// in, although they are valid UTF-8 (see escape_for_terminal).
bool is_invisible_control(char32_t c) {
  return (c >= 0x80 && c <= 0x9F) || c == 0x2028 || c == 0x2029 || (c >= 0x202A && c <= 0x202E) ||
         (c >= 0x2066 && c <= 0x2069);
}

void append_code_point_escape(std::string& out, char32_t c) {
  std::string digits;
  for (; c != 0; c >>= 4) {
    digits.insert(digits.begin(), k_hex[c & 15]);
  }
  out += "\\u{" + digits + "}";
}

// Characters Rust's Debug formatting shows as \u{..}: controls, the
// separators other than ' ' (Zs, Zl, Zp), format characters (Cf), private
// use, and combining marks (Grapheme_Extend) in the common blocks. Checked
// against rustc 1.95 on U+0000..U+024F, the Arabic and punctuation blocks;
// rarer scripts' marks and most unassigned code points are not tracked.
bool rust_debug_escapes(char32_t v) {
  if (v < 0x20 || (v >= 0x7F && v <= 0x9F)) {
    return true;
  }
  static constexpr std::array<std::pair<char32_t, char32_t>, 38> k_ranges{{
      {0xA0, 0xA0},        {0xAD, 0xAD},       {0x300, 0x36F},     {0x378, 0x379},   {0x483, 0x489},
      {0x591, 0x5BD},      {0x5BF, 0x5BF},     {0x5C1, 0x5C2},     {0x5C4, 0x5C5},   {0x5C7, 0x5C7},
      {0x600, 0x605},      {0x610, 0x61A},     {0x61C, 0x61C},     {0x64B, 0x65F},   {0x670, 0x670},
      {0x6D6, 0x6DD},      {0x6DF, 0x6E4},     {0x6E7, 0x6E8},     {0x6EA, 0x6ED},   {0x70F, 0x70F},
      {0x1680, 0x1680},    {0x180E, 0x180E},   {0x1AB0, 0x1AFF},   {0x1DC0, 0x1DFF}, {0x2000, 0x200F},
      {0x2028, 0x202F},    {0x205F, 0x206F},   {0x20D0, 0x20F0},   {0x3000, 0x3000}, {0xE000, 0xF8FF},
      {0xFE00, 0xFE0F},    {0xFE20, 0xFE2F},   {0xFEFF, 0xFEFF},   {0xFFF0, 0xFFFB}, {0xE0000, 0xE0FFF},
      {0xF0000, 0x10FFFF}, {0x1D173, 0x1D17A}, {0x110BD, 0x110BD},
  }};
  return std::any_of(k_ranges.begin(), k_ranges.end(),
                     [v](const auto& range) { return v >= range.first && v <= range.second; });
}

// The escape char::escape_debug gives a character by name, if it has one
// (' is not among them: a str's Debug leaves it alone).
const char* rust_named_escape(char32_t c) {
  switch (c) {
    case U'\t': return "\\t";
    case U'\r': return "\\r";
    case U'\n': return "\\n";
    case U'\0': return "\\0";
    case U'"': return "\\\"";
    case U'\\': return "\\\\";
    default: return nullptr;
  }
}

void append_control_escape(std::string& out, unsigned char byte) {
  switch (byte) {
    case '\t': out += "\\t"; break;
    case '\n': out += "\\n"; break;
    case '\r': out += "\\r"; break;
    default: append_byte_escape(out, byte); break;
  }
}

}  // namespace

std::string rust_debug_quote(std::string_view text) {
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size();) {
    const Utf8Char c = decode_char(text, i);
    if (const char* named = c.valid ? rust_named_escape(c.value) : nullptr) {
      out += named;
    } else if (c.valid && rust_debug_escapes(c.value)) {
      append_code_point_escape(out, c.value);
    } else {
      out.append(text.substr(i, c.length));
    }
    i += c.length;
  }
  out += '"';
  return out;
}

std::string cut_text(std::string_view text, std::size_t max_bytes) { return cut_text(text, max_bytes, text.size()); }

std::string cut_text(std::string_view text, std::size_t max_bytes, std::size_t full_size) {
  full_size = std::max(full_size, text.size());
  if (full_size <= max_bytes) {
    return std::string(text);
  }
  std::size_t kept = std::min(text.size(), max_bytes > k_min_cut_bytes ? max_bytes - k_min_cut_bytes : 0);
  // Back up to the start of a character (at most 3 bytes for valid UTF-8;
  // in bytes that are not UTF-8, any boundary will do).
  auto inside_character = [&] { return is_continuation_byte(static_cast<unsigned char>(text[kept])); };
  for (std::size_t back = 0; back < 3 && kept > 0 && kept < text.size() && inside_character(); ++back) {
    --kept;
  }
  const std::size_t dropped = full_size - kept;
  return std::string(text.substr(0, kept)) + "\u2026 (" + std::to_string(dropped) +
         (dropped == 1 ? " more byte)" : " more bytes)");
}

namespace {

// Sixteen bytes at a time: queue names, keys and values are asked about on
// every queue and nearly always pass. GCC's vector extension, so each test
// is a few SSE2 instructions on x86-64 and plain code elsewhere.
using Bytes16 = unsigned char __attribute__((vector_size(16)));

// The bytes of `v` that are not printable ASCII (0x20 to 0x7e), as 0xff.
Bytes16 unprintable(Bytes16 v) { return (v < 0x20) | (v > 0x7e); }

bool any_set(Bytes16 v) {
  std::uint64_t halves[2];
  std::memcpy(halves, &v, sizeof halves);
  return (halves[0] | halves[1]) != 0;
}

// Whether `bad` marks no byte of `text`: 16 bytes at a time, the last ones
// filled up with 'A' (which no test here marks).
template <typename Bad>
bool all_pass(std::string_view text, Bad bad) {
  std::size_t i = 0;
  for (; i + 16 <= text.size(); i += 16) {
    Bytes16 v;
    std::memcpy(&v, text.data() + i, 16);
    if (any_set(bad(v))) {
      return false;
    }
  }
  if (i == text.size()) {
    return true;
  }
  Bytes16 v = {'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A'};
  std::memcpy(&v, text.data() + i, text.size() - i);
  return !any_set(bad(v));
}

}  // namespace

bool is_printable_ascii(std::string_view text) { return all_pass(text, unprintable); }

bool is_list_item_plain(std::string_view text) {
  return all_pass(text, [](Bytes16 v) { return unprintable(v) | (v == ' ') | (v == ',') | (v == '(') | (v == ')'); });
}

bool is_json_plain(std::string_view text) {
  return all_pass(text, [](Bytes16 v) { return unprintable(v) | (v == '"') | (v == '\\'); });
}

void append_for_terminal(std::string& out, std::string_view text) {
  if (is_printable_ascii(text)) {
    out.append(text);
  } else {
    out += escape_for_terminal(text);
  }
}

std::string escape_for_terminal(std::string_view text) {
  // Most text is printable ASCII, which needs no escape: one scan, one copy.
  if (is_printable_ascii(text)) {
    return std::string(text);
  }
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    auto byte = static_cast<unsigned char>(text[i]);
    const Utf8Char cp = decode_char(text, i);
    if (!cp.valid) {
      append_byte_escape(out, byte);
      ++i;
      continue;
    }
    if (byte < 0x20) {
      append_control_escape(out, byte);
    } else if (byte == 0x7f) {
      append_byte_escape(out, byte);
    } else if (is_invisible_control(cp.value)) {
      append_code_point_escape(out, cp.value);
    } else {
      out.append(text.substr(i, cp.length));
    }
    i += cp.length;
  }
  return out;
}

std::string escape_lines_for_terminal(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t start = 0;
  for (std::size_t nl = text.find('\n'); nl != std::string_view::npos; nl = text.find('\n', start)) {
    out += escape_for_terminal(text.substr(start, nl - start));
    out += '\n';
    start = nl + 1;
  }
  out += escape_for_terminal(text.substr(start));
  return out;
}

std::string quoted(std::string_view text) {
  const bool escape_high = !is_valid_utf8(text);  // keep text UTF-8 for terminals and JSON
  std::string out = "\"";
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20 || byte == 0x7f || (escape_high && byte >= 0x80)) {
      out += "\\x";
      out += k_hex[byte >> 4];
      out += k_hex[byte & 15];
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

std::string join(const std::vector<std::string_view>& items, std::string_view separator, std::string_view wrap) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) {
      out += separator;
    }
    out += wrap;
    out += items[i];
    out += wrap;
  }
  return out;
}

std::string with_thousands(std::uint64_t value) {
  std::string digits = std::to_string(value);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) {
      out += ',';
    }
    out += digits[i];
  }
  return out;
}

}  // namespace kumo::util
