#include "core/report/json_writer.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>

#include "core/util/gather_output.hpp"
#include "core/util/json.hpp"
#include "core/util/text.hpp"

namespace kumo::report {

void append_json_string(std::string& out, std::string_view text) {
  if (util::is_json_plain(text)) {
    // A queue's names, a finding's message: short; quoted on the stack and
    // appended once (three appends cost more than the copy).
    constexpr std::size_t k_stack_bytes = 256;
    if (text.size() <= k_stack_bytes) {
      char quoted[k_stack_bytes + 2];
      quoted[0] = '"';
      std::memcpy(quoted + 1, text.data(), text.size());
      quoted[text.size() + 1] = '"';
      out.append(quoted, text.size() + 2);
      return;
    }
    out += '"';
    out += text;
    out += '"';
    return;
  }
  // Escapes, UTF-8 checks and U+FFFD replacement are nlohmann's own: the
  // rare text that needs them is dumped by it, so both writers agree.
  out += util::dump_json(nlohmann::json(std::string(text)));
}

void JsonWriter::new_line() {
  if (m_indent < 0) {
    return;
  }
  m_out += '\n';
  m_out.append(indent_width(), ' ');
}

// Separates an array's elements (an object's members are separated by key()).
void JsonWriter::before_value() {
  if (m_after_key || m_empty.empty()) {
    m_after_key = false;
    return;
  }
  if (m_empty.back() == 0) {
    m_out += ',';
  }
  m_empty.back() = 0;
  new_line();
}

void JsonWriter::open(char bracket) {
  before_value();
  m_out += bracket;
  m_empty.push_back(1);
  ++m_depth;
}

// nlohmann writes an empty container as "{}" or "[]", on one line.
void JsonWriter::close(char bracket) {
  --m_depth;
  if (m_empty.back() == 0) {
    new_line();
  }
  m_empty.pop_back();
  m_out += bracket;
}

void JsonWriter::begin_object() { open('{'); }
void JsonWriter::end_object() { close('}'); }
void JsonWriter::begin_array() { open('['); }
void JsonWriter::end_array() { close(']'); }

void JsonWriter::any_key(std::string_view name) {
  if (util::is_json_plain(name)) {
    plain_key(name);
    return;
  }
  if (m_empty.back() == 0) {
    m_out += ',';
  }
  m_empty.back() = 0;
  m_after_key = true;
  new_line();
  append_json_string(m_out, name);
  m_out += m_indent < 0 ? ":" : ": ";
}

namespace {

// What goes before a member's key: its comma, then its line's indentation
// (cut from here), built on the stack and appended in one go. Copied 16
// bytes at a time, so the spaces run on past the longest cut.
constexpr std::size_t k_max_pad = 64;
constexpr std::size_t k_block = 16;
constexpr std::size_t k_lead_bytes = 2 + k_max_pad + k_block;
constexpr std::array<char, k_lead_bytes> k_lead = [] {
  std::array<char, k_lead_bytes> lead{};
  lead.fill(' ');
  lead[0] = ',';
  lead[1] = '\n';
  return lead;
}();
constexpr std::size_t k_max_inline_key = 64;
// What lay_out_key writes at most (it copies the indentation in whole blocks).
constexpr std::size_t k_max_key_layout = k_lead_bytes + 4 + k_max_inline_key;
// A string member's value laid out with its key, at most; longer ones the long way.
constexpr std::size_t k_max_inline_value = 256;

}  // namespace

bool JsonWriter::key_fits(std::string_view name) const {
  return indent_width() <= k_max_pad && name.size() <= k_max_inline_key;
}

bool JsonWriter::take_comma() {
  const bool comma = m_empty.back() == 0;
  m_empty.back() = 0;
  return comma;
}

inline char* JsonWriter::lay_out_key(char* p, std::string_view name, bool comma) const {
  if (m_indent >= 0 || comma) {
    // ",\n" and the indentation, or its tail; just "," without indentation.
    const std::size_t pad = indent_width();
    const std::size_t from = comma ? 0 : 1;
    const std::size_t count = m_indent < 0 ? 1 : 2 + pad - from;
    for (std::size_t i = 0; i < count; i += k_block) {
      std::memcpy(p + i, k_lead.data() + from + i, k_block);  // a fixed size: two moves, no call
    }
    p += count;
  }
  *p++ = '"';
  for (char c : name) {
    *p++ = c;
  }
  *p++ = '"';
  *p++ = ':';
  if (m_indent >= 0) {
    *p++ = ' ';
  }
  return p;
}

// Some 20 members per result: one append each, of bytes laid out here.
void JsonWriter::plain_key(std::string_view name) {
  if (!key_fits(name)) {
    if (take_comma()) {
      m_out += ',';
    }
    m_after_key = true;
    new_line();
    m_out += '"';
    m_out += name;
    m_out += m_indent < 0 ? "\":" : "\": ";
    return;
  }
  char bytes[k_max_key_layout];
  const bool comma = take_comma();
  m_after_key = true;
  char* end = lay_out_key(bytes, name, comma);
  m_out.append(bytes, static_cast<std::size_t>(end - bytes));
}

void JsonWriter::member(LiteralKey name, std::string_view value) {
  if (value.size() > k_max_inline_value || !key_fits(name.text()) || !util::is_json_plain(value)) {
    key(name);
    string(value);
    return;
  }
  char bytes[k_max_key_layout + 2 + k_max_inline_value];
  char* p = lay_out_key(bytes, name.text(), take_comma());
  *p++ = '"';
  std::memcpy(p, value.data(), value.size());
  p += value.size();
  *p++ = '"';
  m_out.append(bytes, static_cast<std::size_t>(p - bytes));
}

void JsonWriter::member(LiteralKey name, std::int64_t value) {
  if (!key_fits(name.text())) {
    key(name);
    integer(value);
    return;
  }
  char bytes[k_max_key_layout + 24];
  char* p = lay_out_key(bytes, name.text(), take_comma());
  p = std::to_chars(p, bytes + sizeof bytes, value).ptr;
  m_out.append(bytes, static_cast<std::size_t>(p - bytes));
}

void JsonWriter::null_member(LiteralKey name) {
  if (!key_fits(name.text())) {
    key(name);
    null();
    return;
  }
  char bytes[k_max_key_layout + 4];
  char* p = lay_out_key(bytes, name.text(), take_comma());
  std::memcpy(p, "null", 4);
  m_out.append(bytes, static_cast<std::size_t>(p + 4 - bytes));
}

void JsonWriter::optional_member(LiteralKey name, const std::optional<std::string>& value) {
  if (value) {
    member(name, std::string_view(*value));
  } else {
    null_member(name);
  }
}

void JsonWriter::string(std::string_view text) {
  before_value();
  append_json_string(m_out, text);
}

void JsonWriter::optional_string(const std::optional<std::string>& text) {
  if (text) {
    string(*text);
  } else {
    null();
  }
}

void JsonWriter::integer(std::int64_t n) {
  before_value();
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, n).ptr;
  m_out.append(digits, end);
}

void JsonWriter::boolean(bool b) {
  before_value();
  m_out += b ? "true" : "false";
}

void JsonWriter::null() {
  before_value();
  m_out += "null";
}

void JsonWriter::value(const nlohmann::json& v) {
  if (v.is_object()) {
    begin_object();
    for (const auto& item : v.items()) {
      any_key(item.key());
      value(item.value());
    }
    end_object();
  } else if (v.is_array()) {
    begin_array();
    for (const auto& element : v) {
      value(element);
    }
    end_array();
  } else if (v.is_string()) {
    string(v.get_ref<const std::string&>());
  } else {
    // Numbers (nlohmann's float format), booleans, null.
    before_value();
    m_out += util::dump_json(v);
  }
}

void JsonWriter::raw(std::string_view text) {
  before_value();
  m_out += text;
}

void JsonWriter::raw(const SharedText& text) {
  if (text->size() < k_pass_through_bytes || (m_splices == nullptr && m_pass_through == nullptr)) {
    raw(std::string_view(*text));
    return;
  }
  before_value();
  if (m_splices != nullptr) {
    m_splices->push_back({m_out.size() - m_splice_base, text});
    return;
  }
  write_to(*m_pass_through);
  m_shared_out->write(text);
}

std::string JsonWriter::nested_text(const nlohmann::json& v) const {
  JsonWriter writer = nested();
  writer.value(v);
  return std::move(writer.m_out);
}

void JsonWriter::write_to(std::ostream& out) {
  util::write_text(out, m_out);  // without ostream::write's sentry: a result is written in several pieces
  m_out.clear();
}

}  // namespace kumo::report
