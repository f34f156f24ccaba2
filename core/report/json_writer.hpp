// JSON text written straight into a buffer, value by value, in the layout
// util::dump_json gives (the same escaping, two-space indent or compact):
// the JSON sinks write a result without building a tree for it and without
// re-indenting text dumped elsewhere.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/report/splice.hpp"

namespace kumo::report {

// A member's key written in kumo-lint's own code ("campaign"): checked
// when kumo-lint is compiled to need no escaping, so it is written with no
// test per character (a result has some 20).
class LiteralKey {
 public:
  template <std::size_t N>
  consteval LiteralKey(const char (&text)[N]) : m_text(text, N - 1) {  // NOLINT: a literal converts implicitly
    for (char c : m_text) {
      if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') {  // (a byte above 0x7f is negative)
        throw "a literal JSON key must be printable ASCII without '\"' or '\\'";
      }
    }
  }
  std::string_view text() const { return m_text; }

 private:
  std::string_view m_text;
};

class JsonWriter {
 public:
  // `indent`: spaces per level, or -1 for compact text (no spaces, no line
  // breaks). `depth`: the level the first value sits at (its members one
  // deeper), for text that goes inside a document written elsewhere.
  explicit JsonWriter(int indent = -1, int depth = 0) : m_indent(indent), m_depth(depth) {}
  // The same, writing on after `text` (a buffer other text was laid out in).
  JsonWriter(int indent, int depth, std::string text) : m_out(std::move(text)), m_indent(indent), m_depth(depth) {}

  // Containers; a member's key comes first, through key().
  void begin_object();
  void end_object();
  void begin_array();
  void end_array();
  void key(LiteralKey name) { plain_key(name.text()); }
  // A member with its value, laid out in one go when both are short and
  // need no escaping (most of a result's): key() and then the value else.
  void member(LiteralKey name, std::string_view value);
  void member(LiteralKey name, std::int64_t value);
  void null_member(LiteralKey name);
  // The string, or null.
  void optional_member(LiteralKey name, const std::optional<std::string>& value);
  // A key from elsewhere (a config's, a policy's), escaped as it needs.
  void any_key(std::string_view name);

  // Scalars.
  void string(std::string_view text);
  void optional_string(const std::optional<std::string>& text);
  void integer(std::int64_t n);
  void boolean(bool b);
  void null();
  // A whole tree, laid out as dump_json lays it out at this depth.
  void value(const nlohmann::json& v);
  // Text already laid out for this place (what nested_text gave).
  void raw(std::string_view text);
  // The same, from a render cache: spliced, not copied, when splice_into()
  // asked for it and the text is big enough.
  void raw(const SharedText& text);
  // `v` as value() would write it where the next value goes: cached by
  // callers and written with raw().
  // An empty writer for text that goes where this one's next value goes
  // (same indent and depth), to be written later with raw().
  JsonWriter nested() const { return JsonWriter(m_indent, m_depth); }
  // The same, for a member's value inside the object written next.
  JsonWriter nested_member() const { return JsonWriter(m_indent, m_depth + 1); }
  std::string nested_text(const nlohmann::json& v) const;

  // The text written so far; write_to() moves it to a stream and empties
  // the buffer (the layout state stays: a document is written in pieces).
  const std::string& text() const { return m_out; }
  std::string take_text() { return std::exchange(m_out, {}); }
  void write_to(std::ostream& out);
  // From now on, shared raw() text of k_pass_through_bytes or more goes
  // straight to `out` (after what was written before it; lent when `out`
  // can take it, SharedTextOut) instead of being copied into the buffer
  // first: a cached timeline is about 8 KB, written per queue.
  void pass_through(std::ostream* out) {
    m_pass_through = out;
    m_shared_out.reset();
    if (out != nullptr) {
      m_shared_out.emplace(*out);
    }
  }
  // From now on, shared raw() text of k_pass_through_bytes or more is not
  // copied into the buffer but added to `splices`, at its offset in the
  // buffer less `base` (a worker's renderer: the sink writes it later).
  void splice_into(std::vector<Splice>* splices, std::size_t base) {
    m_splices = splices;
    m_splice_base = base;
  }
  // Below it a text is copied (twice with --jobs: into the batch, then the
  // output). At 1024, the bench's provenance laid out compact (1,023
  // bytes) and its configs laid out indented (about 570) were copied; at
  // 512 they are spliced: 1M queues, --jobs 2, wall over the bare loop's,
  // jsonl 0.99 -> 0.93, JSON 0.93 -> 0.90; --jobs 1 jsonl (200k) 1.72 -> 1.65.
  static constexpr std::size_t k_pass_through_bytes = 512;
  // How `out` takes shared text, when it is the pass-through stream (found
  // once, when it was set); null otherwise.
  const SharedTextOut* shared_out_for(const std::ostream& out) const {
    return m_pass_through == &out && m_shared_out ? &*m_shared_out : nullptr;
  }
  // The level of the next value (what nested() starts from).
  int depth() const { return m_depth; }

 private:
  void plain_key(std::string_view name);
  // Spaces before a value on its own line at the current depth (none compact).
  std::size_t indent_width() const {
    return m_indent < 0 ? 0 : static_cast<std::size_t>(m_indent) * static_cast<std::size_t>(m_depth);
  }
  // Whether a member's key can be laid out on the stack (lay_out_key).
  bool key_fits(std::string_view name) const;
  // Whether the member being written follows another (it needs a comma).
  bool take_comma();
  // Writes at `p` what goes before a member's value: a comma if `comma`,
  // the line's indentation, the quoted key and its colon. Returns the end.
  [[gnu::always_inline]] char* lay_out_key(char* p, std::string_view name, bool comma) const;
  void before_value();
  void open(char bracket);
  void close(char bracket);
  void new_line();

  std::string m_out;
  int m_indent;
  int m_depth;
  std::vector<char> m_empty;  // per open container: nothing written in it yet (bytes, not bits: read per key)
  bool m_after_key = false;
  std::ostream* m_pass_through = nullptr;
  std::optional<SharedTextOut> m_shared_out;  // m_pass_through's, found once
  std::vector<Splice>* m_splices = nullptr;
  std::size_t m_splice_base = 0;
};

// `text` as a JSON string (quoted) the way dump_json escapes it: '"', '\\'
// and control characters escaped (\n, \u001b, ...), other bytes as they
// are, bytes that are not UTF-8 replaced by U+FFFD.
void append_json_string(std::string& out, std::string_view text);

}  // namespace kumo::report
