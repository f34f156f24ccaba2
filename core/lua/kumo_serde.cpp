// KumoMTA's serde functions (crates/mod-serde): JSON, TOML and YAML parsed
// into Lua values and Lua values encoded back, with the value shapes,
// classification and error texts kumod's Rust gives them.
//
// Shapes, as mlua builds them with KumoMTA's serialize_options: arrays carry
// the array mark, null becomes nil (a hole in an array, an absent key), TOML
// datetimes become { ["$__toml_private_datetime"] = "<RFC 3339 text>" }.
// Encoding first copies the value the way KumoMTA's materialize_to_lua_value
// does (tables rebuilt plain, objects read through __pairs), so the array
// mark is lost there: only a positive raw length makes a Lua table an array.
#include <toml++/toml.h>
#include <yaml.h>
#include <lua.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/config/helper_data.hpp"
#include "core/lua/bridge.hpp"
#include "core/lua/kumo_submodules.hpp"
#include "core/util/utf8.hpp"

namespace kumo::lua {

namespace {

// serde_json and serde_yaml refuse input nested deeper than this (their
// recursion limit); kumo-lint uses the same bound for TOML and for encoding
// Lua tables, whose copy and writers recurse on the C++ stack.
constexpr int k_max_depth = 128;

// A parse error quotes the text it was given (as KumoMTA's context does);
// policy-sized text is cut to this much so the message stays readable.
constexpr std::size_t k_max_quoted_text = 200;

// Work units: one per value built or written, one per this many bytes read.
constexpr std::size_t k_bytes_per_step = 16;
constexpr std::uint64_t k_step_batch = 4096;

[[noreturn]] void raise(lua_State* L, const std::string& message) {
  lua_pushlstring(L, message.data(), message.size());
  lua_error(L);
  throw std::logic_error("unreachable: lua_error returned");
}

// Counts work in batches, so a loop over a policy-sized input stays within
// --max-instructions and --timeout without a clock read per element.
class StepCounter {
 public:
  explicit StepCounter(lua_State* L) : m_L(L) {}
  ~StepCounter() { count_steps(m_L, m_pending); }
  StepCounter(const StepCounter&) = delete;
  StepCounter& operator=(const StepCounter&) = delete;
  void tick(std::uint64_t n = 1) {
    m_pending += n;
    if (m_pending >= k_step_batch) {
      std::uint64_t due = m_pending;
      m_pending = 0;
      charge_steps(m_L, due);
    }
  }

 private:
  lua_State* m_L;
  std::uint64_t m_pending = 0;
};

void charge_reading(lua_State* L, std::size_t bytes) { charge_steps(L, bytes / k_bytes_per_step + 1); }

std::string quoted_text(std::string_view text) {
  if (text.size() <= k_max_quoted_text) {
    return std::string(text);
  }
  return std::string(text.substr(0, k_max_quoted_text)) + "... (" + std::to_string(text.size() - k_max_quoted_text) +
         " more bytes)";
}

// The text argument of a *_parse function: mlua converts it to a Rust
// String, which takes strings and numbers and refuses invalid UTF-8.
std::string_view text_argument(lua_State* L, const char* fn) {
  int type = lua_type(L, 1);
  if (type != LUA_TSTRING && type != LUA_TNUMBER) {
    raise(L,
          std::string("bad argument #1 to '") + fn + "': error converting Lua " + luaL_typename(L, 1) + " to String");
  }
  std::size_t len = 0;
  const char* s = lua_tolstring(L, 1, &len);
  std::string_view text(s, len);
  if (!util::is_valid_utf8(text)) {
    raise(L, std::string("bad argument #1 to '") + fn +
                 "': error converting Lua string to String (invalid utf-8 sequence)");
  }
  return text;
}

// [-0, +1, e] Reads a data file the policy names, through the sandbox's one
// confined path check, onto the stack; returns its text and the path to
// show and to key positions by.
struct LoadedFile {
  std::string path;      // as the policy wrote it
  std::string resolved;  // canonical
  std::string_view text;
};

LoadedFile load_file(lua_State* L, const char* fn) {
  LoadedFile f;
  f.path = checked_path(L, 1, fn);
  f.resolved = require_readable(L, f.path, fn);
  push_file_contents(L, f.resolved, fn);
  state_of(L).data_file_names.emplace(f.resolved, shown_path(L, f.path));
  std::size_t len = 0;
  const char* s = lua_tolstring(L, -1, &len);
  f.text = std::string_view(s, len);
  return f;
}

// --- Number formatting as the Rust crates do it ---

// The shortest digits that read back as `v`, and the decimal exponent of
// the first one: v = 0.d1d2d3... * 10^point.
struct ShortestDigits {
  std::string digits;
  int point = 0;
};

ShortestDigits shortest_digits(double v) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, std::fabs(v), std::chars_format::scientific);
  std::string_view s(buf, static_cast<std::size_t>(res.ptr - buf));
  std::size_t e = s.find('e');
  ShortestDigits out;
  for (char c : s.substr(0, e)) {
    if (c != '.') {
      out.digits += c;
    }
  }
  int exp = 0;
  std::string_view es = s.substr(e + 1);
  if (!es.empty() && es[0] == '+') {
    es.remove_prefix(1);
  }
  std::from_chars(es.data(), es.data() + es.size(), exp);
  out.point = exp + 1;
  return out;
}

// ryu's format_finite (serde_json, serde_yaml): plain decimals from 1e-5 up
// to 1e16, exponent notation outside (1e16, 1.5e-7), always a '.' or 'e'.
std::string ryu_format(double v) {
  std::string out = std::signbit(v) ? "-" : "";
  if (v == 0) {
    return out + "0.0";
  }
  ShortestDigits d = shortest_digits(v);
  int length = static_cast<int>(d.digits.size());
  int kk = d.point;
  int k = kk - length;
  if (k >= 0 && kk <= 16) {
    return out + d.digits + std::string(static_cast<std::size_t>(k), '0') + ".0";
  }
  if (kk > 0 && kk <= 16) {
    return out + d.digits.substr(0, static_cast<std::size_t>(kk)) + "." + d.digits.substr(static_cast<std::size_t>(kk));
  }
  if (kk > -5 && kk <= 0) {
    return out + "0." + std::string(static_cast<std::size_t>(-kk), '0') + d.digits;
  }
  std::string mantissa = length == 1 ? d.digits : d.digits.substr(0, 1) + "." + d.digits.substr(1);
  return out + mantissa + "e" + std::to_string(kk - 1);
}

// Rust's Display for f64 (the toml crate's floats): the shortest digits,
// never in exponent notation.
std::string rust_display(double v) {
  char buf[400];
  auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  return std::string(buf, static_cast<std::size_t>(res.ptr - buf));
}

// --- Lua values copied for encoding ---

// A Lua value as KumoMTA's encoders see it after materialize_to_lua_value.
struct Datum {
  enum class Kind { nil, null, boolean, integer, floating, string, array, map };
  Kind kind = Kind::nil;
  bool boolean = false;
  std::int64_t integer = 0;
  double number = 0;
  std::string string;                            // bytes; not necessarily UTF-8
  std::vector<Datum> items;                      // array: 1..raw length, nil for holes
  std::vector<std::pair<Datum, Datum>> entries;  // map, in encoding order (see sort_key)
};

constexpr std::size_t k_datum_bytes = sizeof(Datum) + 16;

// The text a key sorts by: its JSON object key (serde_json's BTreeMap order
// for json_encode_pretty). KumoMTA's other encoders follow Lua's table order,
// which differs run to run; kumo-lint writes them in this same order.
std::string sort_key(const Datum& k) {
  switch (k.kind) {
    case Datum::Kind::string: return k.string;
    case Datum::Kind::integer: return std::to_string(k.integer);
    case Datum::Kind::floating: return ryu_format(k.number);
    case Datum::Kind::boolean: return k.boolean ? "true" : "false";
    default: return std::string();
  }
}

// Copies a Lua value for encoding, refusing what KumoMTA refuses: functions,
// threads, foreign userdata (no __pairs), light userdata other than null, a
// table that contains itself; nesting past k_max_depth is refused too.
class DatumReader {
 public:
  DatumReader(lua_State* L, HostMemory& memory, StepCounter& steps) : m_L(L), m_memory(memory), m_steps(steps) {}

  Datum read(int index, int depth) {
    index = lua_absindex(m_L, index);
    m_memory.charge(k_datum_bytes);
    m_steps.tick();
    Datum d;
    switch (lua_type(m_L, index)) {
      case LUA_TNIL: return d;
      case LUA_TBOOLEAN:
        d.kind = Datum::Kind::boolean;
        d.boolean = lua_toboolean(m_L, index) != 0;
        return d;
      case LUA_TNUMBER:
        if (lua_isinteger(m_L, index)) {
          d.kind = Datum::Kind::integer;
          d.integer = lua_tointeger(m_L, index);
        } else {
          d.kind = Datum::Kind::floating;
          d.number = lua_tonumber(m_L, index);
        }
        return d;
      case LUA_TSTRING: {
        std::size_t len = 0;
        const char* s = lua_tolstring(m_L, index, &len);
        m_memory.charge(len);
        d.kind = Datum::Kind::string;
        d.string.assign(s, len);
        return d;
      }
      case LUA_TLIGHTUSERDATA:
        if (lua_touserdata(m_L, index) == nullptr) {
          d.kind = Datum::Kind::null;
          return d;
        }
        raise(m_L, "cannot serialize <lightuserdata>");
      case LUA_TTABLE: return read_table(index, depth);
      case LUA_TUSERDATA: return read_object(index, depth);
      default: raise(m_L, std::string("cannot serialize <") + luaL_typename(m_L, index) + ">");
    }
  }

 private:
  Datum read_table(int index, int depth) {
    if (depth >= k_max_depth) {
      raise(m_L, "cannot serialize a table nested deeper than " + std::to_string(k_max_depth) + " levels");
    }
    const void* identity = lua_topointer(m_L, index);
    if (!m_open.insert(identity).second) {
      raise(m_L, "recursive table detected");
    }
    luaL_checkstack(m_L, 4, "copying a table");
    Datum d;
    lua_Integer length = static_cast<lua_Integer>(lua_rawlen(m_L, index));
    if (length > 0) {
      d.kind = Datum::Kind::array;
      for (lua_Integer i = 1; i <= length; ++i) {
        lua_rawgeti(m_L, index, i);
        d.items.push_back(read(-1, depth + 1));
        lua_pop(m_L, 1);
      }
    } else {
      d.kind = Datum::Kind::map;
      lua_pushnil(m_L);
      while (lua_next(m_L, index) != 0) {
        Datum key = read(-2, depth + 1);
        Datum value = read(-1, depth + 1);
        d.entries.emplace_back(std::move(key), std::move(value));
        lua_pop(m_L, 1);
      }
      sort_entries(d);
    }
    m_open.erase(identity);
    return d;
  }

  void sort_entries(Datum& d) {
    std::vector<std::pair<std::string, std::size_t>> order;
    order.reserve(d.entries.size());
    for (std::size_t i = 0; i < d.entries.size(); ++i) {
      order.emplace_back(sort_key(d.entries[i].first), i);
    }
    std::sort(order.begin(), order.end());
    m_steps.tick(order.size());
    std::vector<std::pair<Datum, Datum>> sorted;
    sorted.reserve(order.size());
    for (const auto& o : order) {
      sorted.push_back(std::move(d.entries[o.second]));
    }
    d.entries = std::move(sorted);
  }

  // kumo objects are iterated through their __pairs into a plain table, as
  // materialize_to_lua_value does; other userdata cannot be encoded.
  Datum read_object(int index, int depth) {
    if (luaL_getmetafield(m_L, index, "__pairs") == LUA_TNIL) {
      raise(m_L, std::string("cannot materialize_to_lua_value UserData(") + luaL_typename(m_L, index) +
                     ") because it has no __pairs metamethod");
    }
    luaL_checkstack(m_L, 6, "copying an object");
    lua_pushvalue(m_L, index);
    lua_call(m_L, 1, 3);  // iterator, state, control
    lua_newtable(m_L);
    int table = lua_gettop(m_L);
    int iter = table - 3;
    for (;;) {
      lua_pushvalue(m_L, iter);
      lua_pushvalue(m_L, iter + 1);
      lua_pushvalue(m_L, iter + 2);
      lua_call(m_L, 2, 2);
      if (lua_isnil(m_L, -2)) {
        lua_pop(m_L, 2);
        break;
      }
      lua_pushvalue(m_L, -2);
      lua_replace(m_L, iter + 2);
      lua_settable(m_L, table);
      m_steps.tick();
    }
    Datum d = read(table, depth);
    lua_settop(m_L, iter - 1);
    return d;
  }

  lua_State* m_L;
  HostMemory& m_memory;
  StepCounter& m_steps;
  std::set<const void*> m_open;
};

// The argument to encode, copied.
Datum read_argument(lua_State* L, HostMemory& memory, StepCounter& steps) {
  lua_settop(L, 1);
  return DatumReader(L, memory, steps).read(1, 0);
}

// --- JSON ---

// json_comments' StripComments (KumoMTA strips before parsing): //, /* */
// and # comments outside strings become spaces, so positions are kept.
// False when a '/' starts no comment (the crate's "invalid data").
bool strip_json_comments(std::string& text) {
  enum class S { top, string, escape, slash, line, block, block_star } s = S::top;
  for (char& c : text) {
    switch (s) {
      case S::top:
        if (c == '"') {
          s = S::string;
        } else if (c == '/') {
          c = ' ';
          s = S::slash;
        } else if (c == '#') {
          c = ' ';
          s = S::line;
        }
        break;
      case S::string: s = c == '"' ? S::top : c == '\\' ? S::escape : S::string; break;
      case S::escape: s = S::string; break;
      case S::slash:
        if (c == '*') {
          s = S::block;
        } else if (c == '/') {
          s = S::line;
        } else {
          return false;
        }
        c = ' ';
        break;
      case S::line:
        if (c == '\n') {
          s = S::top;
        } else {
          c = ' ';
        }
        break;
      case S::block:
        s = c == '*' ? S::block_star : S::block;
        c = ' ';
        break;
      case S::block_star:
        s = c == '/' ? S::top : c == '*' ? S::block_star : S::block;
        c = ' ';
        break;
    }
  }
  return true;
}

// "line L column C" of byte `offset` (1-based; columns in bytes, as serde_json).
std::pair<std::size_t, std::size_t> line_column(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  std::size_t line = 1;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return {line, offset - line_start + 1};
}

// [-1, +1, m] Replaces the table on top by a copy whose array part holds
// exactly 1..n, as mlua sizes a sequence it builds: with holes (null
// elements), # then answers n, as in kumod.
void resize_array(lua_State* L, lua_Integer n) {
  luaL_checkstack(L, 3, "sizing an array");
  lua_createtable(L, static_cast<int>(std::min<lua_Integer>(n, 1 << 24)), 0);
  for (lua_Integer i = 1; i <= n; ++i) {
    lua_rawgeti(L, -2, i);
    lua_rawseti(L, -2, i);
  }
  lua_replace(L, -2);
}

// Builds Lua values straight from the parser's events (the document never
// exists as a C++ tree). serde_json's choices: null is nil, integers past
// i64 become floats, nesting stops at its recursion limit.
class JsonToLua {
 public:
  JsonToLua(lua_State* L, StepCounter& steps) : m_L(L), m_steps(steps), m_base(lua_gettop(L)) {}

  using number_integer_t = nlohmann::json::number_integer_t;
  using number_unsigned_t = nlohmann::json::number_unsigned_t;
  using number_float_t = nlohmann::json::number_float_t;
  using string_t = nlohmann::json::string_t;
  using binary_t = nlohmann::json::binary_t;

  bool null() {
    if (!m_frames.empty() && m_frames.back().array) {
      m_frames.back().hole = true;
    }
    return value([this] { lua_pushnil(m_L); });
  }
  bool boolean(bool b) {
    return value([&] { lua_pushboolean(m_L, b); });
  }
  bool number_integer(number_integer_t i) {
    return value([&] { lua_pushinteger(m_L, i); });
  }
  bool number_unsigned(number_unsigned_t u) {
    return value([&] {
      if (u > static_cast<number_unsigned_t>(std::numeric_limits<lua_Integer>::max())) {
        lua_pushnumber(m_L, static_cast<lua_Number>(u));
      } else {
        lua_pushinteger(m_L, static_cast<lua_Integer>(u));
      }
    });
  }
  bool number_float(number_float_t f, const string_t&) {
    return value([&] { lua_pushnumber(m_L, f); });
  }
  bool string(string_t& s) {
    return value([&] { lua_pushlstring(m_L, s.data(), s.size()); });
  }
  bool binary(binary_t&) {
    return value([this] { lua_pushnil(m_L); });
  }
  bool start_object(std::size_t) { return open(false); }
  bool key(string_t& k) {
    luaL_checkstack(m_L, 2, "parsing JSON");
    lua_pushlstring(m_L, k.data(), k.size());
    return true;
  }
  bool end_object() { return close(); }
  bool start_array(std::size_t) { return open(true); }
  bool end_array() {
    if (m_frames.back().hole) {
      resize_array(m_L, m_frames.back().next - 1);
    }
    luaL_setmetatable(m_L, k_array_mt);
    return close();
  }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& e) {
    lua_settop(m_L, m_base);
    m_error_offset = position == 0 ? 0 : position - 1;
    m_error = e.what();
    return false;
  }

  bool too_deep() const { return m_too_deep; }
  // The parser's own words, without its "[json.exception...] parse error
  // at line L, column C: " prefix, and the byte where it stopped.
  std::string message() const {
    std::size_t colon = m_error.find(": ");
    return colon == std::string::npos ? m_error : m_error.substr(colon + 2);
  }
  std::size_t error_offset() const { return m_error_offset; }

 private:
  template <class Push>
  bool value(Push push) {
    luaL_checkstack(m_L, 2, "parsing JSON");
    push();
    attach();
    m_steps.tick();
    return true;
  }

  bool open(bool array) {
    if (m_frames.size() + 1 >= static_cast<std::size_t>(k_max_depth)) {
      lua_settop(m_L, m_base);
      m_too_deep = true;
      return false;
    }
    luaL_checkstack(m_L, 3, "parsing JSON");
    lua_newtable(m_L);
    m_frames.push_back({array});
    m_steps.tick();
    return true;
  }

  bool close() {
    m_frames.pop_back();
    attach();
    return true;
  }

  // [-1 or -2, +0] Stores the value on top into the enclosing container.
  void attach() {
    if (m_frames.empty()) {
      return;
    }
    Frame& f = m_frames.back();
    if (f.array) {
      lua_rawseti(m_L, -2, f.next++);  // nil leaves a hole, as mlua's raw_seti
    } else {
      lua_rawset(m_L, -3);  // nil: the key is absent
    }
  }

  struct Frame {
    bool array;
    lua_Integer next = 1;
    bool hole = false;
  };
  lua_State* m_L;
  StepCounter& m_steps;
  int m_base;
  std::vector<Frame> m_frames;
  bool m_too_deep = false;
  std::string m_error;
  std::size_t m_error_offset = 0;
};

// [-0, +1, e] Parses JSON as KumoMTA does; `what` names the input in the
// error ("parsing <what> as json: ...").
void push_json_document(lua_State* L, std::string_view input, const std::string& what) {
  HostMemory buffer(L);
  buffer.charge(input.size() * 2);  // the comment-free copy and the parser's token buffer
  charge_reading(L, input.size());
  std::string text(input);
  if (!strip_json_comments(text)) {
    raise(L, "parsing " + what + " as json: invalid data");
  }
  StepCounter steps(L);
  JsonToLua builder(L, steps);
  int top = lua_gettop(L);
  if (nlohmann::json::sax_parse(text.begin(), text.end(), &builder)) {
    return;
  }
  lua_settop(L, top);
  if (builder.too_deep()) {
    raise(L, "parsing " + what + " as json: recursion limit exceeded");
  }
  auto [line, column] = line_column(text, builder.error_offset());
  raise(L, "parsing " + what + " as json: " + builder.message() + " at line " + std::to_string(line) + " column " +
               std::to_string(column));
}

int json_parse(lua_State* L) {
  std::string_view text = text_argument(L, "json_parse");
  push_json_document(L, text, quoted_text(text));
  return 1;
}

int json_load(lua_State* L) {
  LoadedFile f = load_file(L, "kumo.json_load");
  push_json_document(L, f.text, f.path);
  return 1;
}

void write_json_string(std::string& out, std::string_view s) {
  static constexpr char k_hex[] = "0123456789abcdef";
  out += '"';
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += k_hex[c >> 4];
          out += k_hex[c & 15];
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

// serde_json's writer: compact, or pretty with two-space indentation.
class JsonWriter {
 public:
  JsonWriter(lua_State* L, bool pretty, StepCounter& steps) : m_L(L), m_pretty(pretty), m_steps(steps) {}

  void write(const Datum& d, int depth) {
    m_steps.tick();
    switch (d.kind) {
      case Datum::Kind::nil:
      case Datum::Kind::null: m_out += "null"; break;
      case Datum::Kind::boolean: m_out += d.boolean ? "true" : "false"; break;
      case Datum::Kind::integer: m_out += std::to_string(d.integer); break;
      case Datum::Kind::floating: m_out += std::isfinite(d.number) ? ryu_format(d.number) : "null"; break;
      case Datum::Kind::string: write_string(d.string, depth); break;
      case Datum::Kind::array: write_array(d.items, depth); break;
      case Datum::Kind::map: write_map(d, depth); break;
    }
  }

  std::string take() { return std::move(m_out); }

 private:
  // A Lua string that is not UTF-8 is serialized as bytes: an array of numbers.
  void write_string(const std::string& s, int depth) {
    if (util::is_valid_utf8(s)) {
      write_json_string(m_out, s);
      return;
    }
    std::vector<Datum> bytes;
    for (char c : s) {
      Datum b;
      b.kind = Datum::Kind::integer;
      b.integer = static_cast<unsigned char>(c);
      bytes.push_back(b);
    }
    write_array(bytes, depth);
  }

  void newline(int depth) {
    if (m_pretty) {
      m_out += '\n';
      m_out.append(static_cast<std::size_t>(depth) * 2, ' ');
    }
  }

  void write_array(const std::vector<Datum>& items, int depth) {
    m_out += '[';
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (i > 0) {
        m_out += ',';
      }
      newline(depth + 1);
      write(items[i], depth + 1);
    }
    if (!items.empty()) {
      newline(depth);
    }
    m_out += ']';
  }

  // serde_json's map keys: strings, and numbers and booleans as their text.
  std::string key_text(const Datum& k) {
    switch (k.kind) {
      case Datum::Kind::string:
        if (util::is_valid_utf8(k.string)) {
          return k.string;
        }
        break;
      case Datum::Kind::integer: return std::to_string(k.integer);
      case Datum::Kind::boolean: return k.boolean ? "true" : "false";
      case Datum::Kind::floating:
        if (!std::isfinite(k.number)) {
          raise(m_L, "float key must be finite (got NaN or +/-inf)");
        }
        return ryu_format(k.number);
      default: break;
    }
    raise(m_L, "key must be a string");
  }

  void write_map(const Datum& d, int depth) {
    // Entries are sorted by key text; pretty output goes through a
    // serde_json map first, where a repeated key text keeps its last value.
    std::vector<std::pair<std::string, const Datum*>> entries;
    for (const auto& [k, v] : d.entries) {
      std::string key = key_text(k);
      if (m_pretty && !entries.empty() && entries.back().first == key) {
        entries.back().second = &v;
      } else {
        entries.emplace_back(std::move(key), &v);
      }
    }
    m_out += '{';
    for (std::size_t i = 0; i < entries.size(); ++i) {
      if (i > 0) {
        m_out += ',';
      }
      newline(depth + 1);
      write_json_string(m_out, entries[i].first);
      m_out += m_pretty ? ": " : ":";
      write(*entries[i].second, depth + 1);
    }
    if (!entries.empty()) {
      newline(depth);
    }
    m_out += '}';
  }

  lua_State* m_L;
  bool m_pretty;
  StepCounter& m_steps;
  std::string m_out;
};

// [-0, +1, m] Pushes encoded text, its size charged while it is built.
void push_encoded(lua_State* L, HostMemory& memory, const std::string& text) {
  memory.charge(text.size());
  lua_pushlstring(L, text.data(), text.size());
}

template <bool Pretty>
int json_encode(lua_State* L) {
  HostMemory memory(L);
  StepCounter steps(L);
  Datum d = read_argument(L, memory, steps);
  JsonWriter writer(L, Pretty, steps);
  writer.write(d, 0);
  push_encoded(L, memory, writer.take());
  return 1;
}

// --- TOML ---

// toml++ destroys (and builds) nested tables recursively: before parsing,
// a line is refused when it could nest more deeply than the C++ stack
// allows. Keys and table headers cannot span lines, so the dots outside
// strings on one line bound the nesting they add; inline nesting is bounded
// by the parser itself (TOML_MAX_NESTED_VALUES).
constexpr std::size_t k_max_toml_dots_per_line = 1000;

std::optional<std::size_t> toml_line_too_deep(std::string_view text) {
  std::size_t line = 1;
  std::size_t dots = 0;
  char quote = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\n') {
      ++line;
      dots = 0;
      quote = 0;  // a multi-line string only makes this count lower
      continue;
    }
    if (quote != 0) {
      if (c == '\\' && quote == '"') {
        ++i;
      } else if (c == quote) {
        quote = 0;
      }
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '#') {
      quote = '\n';  // a comment runs to the end of the line
    } else if (c == '.' && ++dots > k_max_toml_dots_per_line) {
      return line;
    }
  }
  return std::nullopt;
}

// toml++ keeps its tree in C++ memory: charged, before parsing, at this
// many bytes per byte of input (a value costs about 100 bytes; the
// smallest value takes two bytes of text, the common ones far more).
constexpr std::size_t k_toml_bytes_per_input_byte = 12;

// The toml crate's error frame: where, the line quoted with a caret, then
// what is wrong (toml++'s words).
std::string toml_error_text(std::string_view text, const toml::parse_error& e) {
  std::size_t line = e.source().begin.line;
  std::size_t column = e.source().begin.column;
  std::string content;
  std::size_t n = 1;
  std::size_t start = 0;
  while (n < line && start < text.size()) {
    std::size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) {
      break;
    }
    start = nl + 1;
    ++n;
  }
  if (n == line && start <= text.size()) {
    std::size_t end = text.find('\n', start);
    content = std::string(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (!content.empty() && content.back() == '\r') {
      content.pop_back();
    }
  }
  content = quoted_text(content);
  std::string num = std::to_string(line);
  std::string gutter(num.size() + 1, ' ');
  std::string out = "TOML parse error at line " + num + ", column " + std::to_string(column) + "\n";
  out += gutter + "|\n";
  out += num + " | " + content + "\n";
  out += gutter + "|" + std::string(column == 0 ? 1 : column, ' ') + "^\n";
  out += std::string(e.description()) + "\n";
  return out;
}

// toml_datetime's Display: RFC 3339, fractional seconds without trailing zeros.
std::string two(int v) { return (v < 10 ? "0" : "") + std::to_string(v); }

std::string format_toml_date(const toml::date& d) {
  std::string y = std::to_string(d.year);
  return std::string(y.size() < 4 ? 4 - y.size() : 0, '0') + y + "-" + two(d.month) + "-" + two(d.day);
}

std::string format_toml_time(const toml::time& t) {
  std::string out = two(t.hour) + ":" + two(t.minute) + ":" + two(t.second);
  if (t.nanosecond != 0) {
    std::string frac = std::to_string(t.nanosecond);
    frac = std::string(9 - std::min<std::size_t>(9, frac.size()), '0') + frac;
    frac.erase(frac.find_last_not_of('0') + 1);
    out += "." + frac;
  }
  return out;
}

std::string format_toml_offset(const toml::time_offset& o) {
  if (o.minutes == 0) {
    return "Z";
  }
  int minutes = o.minutes < 0 ? -o.minutes : o.minutes;
  return std::string(o.minutes < 0 ? "-" : "+") + two(minutes / 60) + ":" + two(minutes % 60);
}

std::optional<std::string> toml_datetime_text(const toml::node& node) {
  if (const auto* d = node.as_date()) {
    return format_toml_date(d->get());
  }
  if (const auto* t = node.as_time()) {
    return format_toml_time(t->get());
  }
  if (const auto* dt = node.as_date_time()) {
    const toml::date_time& v = dt->get();
    std::string out = format_toml_date(v.date) + "T" + format_toml_time(v.time);
    if (v.offset) {
      out += format_toml_offset(*v.offset);
    }
    return out;
  }
  return std::nullopt;
}

constexpr std::size_t k_position_bytes = sizeof(DataPosition) + 32;

std::size_t position_bytes(const std::vector<std::string>& path) {
  std::size_t bytes = k_position_bytes;
  for (const auto& k : path) {
    bytes += k.size() + sizeof(std::string);
  }
  return bytes;
}

// Keeps a file's positions for the run (replacing those of an earlier load
// of the same file), with their charge to --max-memory.
void keep_positions(lua_State* L, const std::string& file, std::vector<DataPosition> positions, HostMemory& charge) {
  auto& st = state_of(L);
  auto old = st.data_positions.find(file);
  if (old != st.data_positions.end()) {
    std::size_t old_bytes = 0;
    for (const auto& p : old->second) {
      old_bytes += position_bytes(p.key_path);
    }
    st.data_positions_count -= old->second.size();
    st.data_positions_bytes -= old_bytes;
    release_host_memory(L, old_bytes);
  }
  st.data_positions_count += positions.size();
  st.data_positions[file] = std::move(positions);
  st.data_positions_bytes += charge.keep();
}

// Converts a parsed TOML document to Lua, in one walk that sees every node
// with its source position; with `positions`, records them by key path.
class TomlToLua {
 public:
  TomlToLua(lua_State* L, std::string prefix, StepCounter& steps, std::vector<DataPosition>* positions,
            HostMemory& memory)
      : m_L(L), m_prefix(std::move(prefix)), m_steps(steps), m_positions(positions), m_memory(memory) {}

  // [-0, +1, e]
  void push(const toml::node& node, int depth) {
    m_steps.tick();
    record(node);
    luaL_checkstack(m_L, 3, "converting TOML");
    if (const auto* table = node.as_table()) {
      push_table(*table, depth);
    } else if (const auto* array = node.as_array()) {
      push_array(*array, depth);
    } else if (const auto* s = node.as_string()) {
      const std::string& v = s->get();
      lua_pushlstring(m_L, v.data(), v.size());
    } else if (const auto* i = node.as_integer()) {
      lua_pushinteger(m_L, i->get());
    } else if (const auto* f = node.as_floating_point()) {
      lua_pushnumber(m_L, f->get());
    } else if (const auto* b = node.as_boolean()) {
      lua_pushboolean(m_L, b->get());
    } else if (auto text = toml_datetime_text(node)) {
      // toml_datetime serializes as a one-field struct; mlua makes a table.
      lua_createtable(m_L, 0, 1);
      lua_pushlstring(m_L, text->data(), text->size());
      lua_setfield(m_L, -2, "$__toml_private_datetime");
    } else {
      lua_pushnil(m_L);
    }
  }

 private:
  void check_depth(int depth) {
    if (depth >= k_max_depth) {
      raise(m_L, m_prefix + "TOML nested deeper than " + std::to_string(k_max_depth) + " levels");
    }
  }

  void push_table(const toml::table& table, int depth) {
    check_depth(depth);
    lua_createtable(m_L, 0, static_cast<int>(std::min<std::size_t>(table.size(), 1u << 16)));
    for (const auto& [key, value] : table) {
      m_path.emplace_back(key.str());
      push(value, depth + 1);
      set_key(key.str());
      m_path.pop_back();
    }
  }

  // [-1, +0] Stores the value on top under `key` in the table below it.
  void set_key(std::string_view key) {
    lua_pushlstring(m_L, key.data(), key.size());
    lua_insert(m_L, -2);
    lua_rawset(m_L, -3);
  }

  void push_array(const toml::array& array, int depth) {
    check_depth(depth);
    lua_createtable(m_L, static_cast<int>(std::min<std::size_t>(array.size(), 1u << 16)), 0);
    lua_Integer i = 1;
    for (const auto& item : array) {
      m_path.push_back(std::to_string(i));
      push(item, depth + 1);
      lua_rawseti(m_L, -2, i++);
      m_path.pop_back();
    }
    luaL_setmetatable(m_L, k_array_mt);
  }

  // The value as text when it is a short string, an integer or a boolean
  // (as Evaluation::params spells it), for tracing a config value to its line.
  static std::string scalar_of(const toml::node& node) {
    if (const auto* s = node.as_string(); s != nullptr && s->get().size() <= 256) {
      return s->get();
    }
    if (const auto* i = node.as_integer()) {
      return std::to_string(i->get());
    }
    if (const auto* b = node.as_boolean()) {
      return b->get() ? "true" : "false";
    }
    return "";
  }

  void record(const toml::node& node) {
    if (m_positions == nullptr || m_path.empty()) {
      return;
    }
    if (state_of(m_L).data_positions_count + m_positions->size() >= k_max_data_positions) {
      return;
    }
    m_memory.charge(position_bytes(m_path));
    const auto& begin = node.source().begin;
    std::string scalar = scalar_of(node);
    m_memory.charge(scalar.size());
    m_positions->push_back({m_path, begin.line, begin.column, node.is_table(), std::move(scalar)});
  }

  lua_State* m_L;
  std::string m_prefix;
  StepCounter& m_steps;
  std::vector<DataPosition>* m_positions;
  HostMemory& m_memory;
  std::vector<std::string> m_path;
};

// [-0, +1, e] Parses TOML as KumoMTA does; `what` names the input in the
// error. With `file`, records where each value was written, under it.
void push_toml_document(lua_State* L, std::string_view text, const std::string& what, const std::string* file) {
  std::string prefix = "parsing " + what + " as toml: ";
  charge_reading(L, text.size());
  if (auto line = toml_line_too_deep(text)) {
    raise(L, prefix + "line " + std::to_string(*line) + " nests more than " + std::to_string(k_max_toml_dots_per_line) +
                 " dotted keys; kumo-lint refuses it");
  }
  HostMemory tree(L);
  tree.charge(text.size() * k_toml_bytes_per_input_byte);
  toml::parse_result parsed = toml::parse(text, file != nullptr ? std::string_view(*file) : std::string_view());
  if (!parsed) {
    raise(L, prefix + toml_error_text(text, parsed.error()));
  }
  std::vector<DataPosition> positions;
  HostMemory position_memory(L);
  StepCounter steps(L);
  TomlToLua converter(L, prefix, steps, file != nullptr ? &positions : nullptr, position_memory);
  converter.push(parsed.table(), 0);
  if (file != nullptr) {
    keep_positions(L, *file, std::move(positions), position_memory);
  }
}

int toml_parse(lua_State* L) {
  std::string_view text = text_argument(L, "toml_parse");
  push_toml_document(L, text, quoted_text(text), nullptr);
  return 1;
}

// [-0, +0, e] When the table on top is a KumoMTA helper's data (queues.toml,
// sources.toml), its findings (config/helper_data.hpp), placed at the
// line and column of each value in the file as the policy named it.
void check_helper_data(lua_State* L, const LoadedFile& f) {
  HostMemory memory(L);
  Value root = read_value(L, -1, memory);
  auto& st = state_of(L);
  const std::vector<DataPosition>* positions = nullptr;
  if (auto it = st.data_positions.find(f.resolved); it != st.data_positions.end()) {
    positions = &it->second;
  }
  std::string shown = shown_path(L, f.path);
  auto where = [&](const std::vector<std::string>& path) {
    if (positions != nullptr) {
      for (const auto& p : *positions) {
        if (p.key_path == path) {
          return diag::Location{shown, static_cast<int>(p.line), static_cast<int>(p.column)};
        }
      }
    }
    return diag::Location{shown, 0, std::nullopt};
  };
  for (auto& d : config::check_helper_data(root, where)) {
    add_side_diagnostic(st, std::move(d));
  }
}

int toml_load(lua_State* L) {
  LoadedFile f = load_file(L, "kumo.toml_load");
  if (!util::is_valid_utf8(f.text)) {
    raise(L, "reading file " + f.path + ": stream did not contain valid UTF-8");
  }
  push_toml_document(L, f.text, f.path, &f.resolved);
  check_helper_data(L, f);
  return 1;
}

// toml_writer's choice of string form: plain "..." when nothing needs
// escaping, else '...', else multi-line forms, else escaped "...".
struct StringMetrics {
  int max_single = 0;
  int max_double = 0;
  bool escape_codes = false;
  bool backslash = false;
  bool newline = false;
};

StringMetrics measure(std::string_view s) {
  StringMetrics m;
  int singles = 0;
  int doubles = 0;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    singles = c == '\'' ? singles + 1 : 0;
    doubles = c == '"' ? doubles + 1 : 0;
    m.max_single = std::max(m.max_single, singles);
    m.max_double = std::max(m.max_double, doubles);
    if (c == '\\') {
      m.backslash = true;
    } else if (c == '\n') {
      m.newline = true;
    } else if (c != '\t' && (c <= 0x1f || c == 0x7f)) {
      m.escape_codes = true;
    }
  }
  return m;
}

enum class TomlQuote { none, literal, basic, ml_literal, ml_basic };

void write_toml_quoted(std::string& out, std::string_view s, TomlQuote q, bool newline) {
  static constexpr char k_hex[] = "0123456789ABCDEF";
  const char* delim = q == TomlQuote::literal      ? "'"
                      : q == TomlQuote::basic      ? "\""
                      : q == TomlQuote::ml_literal ? "'''"
                      : q == TomlQuote::ml_basic   ? "\"\"\""
                                                   : "";
  bool ml = q == TomlQuote::ml_literal || q == TomlQuote::ml_basic;
  out += delim;
  if (newline && ml) {
    out += '\n';
  }
  if (q != TomlQuote::basic && q != TomlQuote::ml_basic) {
    out += s;
    out += delim;
    return;
  }
  int max_quotes = ml ? 2 : 0;
  int quotes = 0;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c == '"') {
      if (++quotes > max_quotes) {
        out += "\\\"";
        quotes = 0;
        continue;
      }
    } else {
      quotes = 0;
    }
    switch (c) {
      case 0x08: out += "\\b"; continue;
      case 0x09: out += "\\t"; continue;
      case 0x0a:
        if (!ml) {
          out += "\\n";
          continue;
        }
        break;
      case 0x0c: out += "\\f"; continue;
      case 0x0d: out += "\\r"; continue;
      case 0x5c: out += "\\\\"; continue;
      default:
        if (c != '"' && (c <= 0x1f || c == 0x7f)) {
          out += "\\u00";
          out += k_hex[c >> 4];
          out += k_hex[c & 15];
          continue;
        }
    }
    out += ch;
  }
  out += delim;
}

void write_toml_string(std::string& out, std::string_view s) {
  StringMetrics m = measure(s);
  TomlQuote q;
  if (!m.escape_codes && !m.backslash && m.max_double == 0 && !m.newline) {
    q = TomlQuote::basic;
  } else if (!m.escape_codes && m.max_single == 0 && !m.newline) {
    q = TomlQuote::literal;
  } else if (!m.escape_codes && !m.backslash && m.max_double <= 2) {
    q = TomlQuote::ml_basic;
  } else if (!m.escape_codes && m.max_single <= 2) {
    q = TomlQuote::ml_literal;
  } else {
    q = m.newline ? TomlQuote::ml_basic : TomlQuote::basic;
  }
  write_toml_quoted(out, s, q, m.newline);
}

std::string toml_key(std::string_view s) {
  bool bare = !s.empty();
  bool single = false;
  bool dbl = false;
  bool backslash = false;
  bool codes = false;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (!(std::isalnum(c) != 0 && c < 0x80) && c != '-' && c != '_') {
      bare = false;
    }
    single |= c == '\'';
    dbl |= c == '"';
    backslash |= c == '\\';
    codes |= c != '\t' && (c <= 0x1f || c == 0x7f);
  }
  std::string out;
  if (bare) {
    return std::string(s);
  }
  TomlQuote q = !codes && !backslash && !dbl ? TomlQuote::basic
                : !codes && !single          ? TomlQuote::literal
                                             : TomlQuote::basic;
  write_toml_quoted(out, s, q, false);
  return out;
}

// The toml crate's document serializer: key/value lines in a table's body,
// sub-tables as [a.b] sections and arrays of tables as [[a]] sections, in
// the order they were met; a section that holds only sections is left out.
class TomlWriter {
 public:
  enum class Mode { plain, pretty, pretty_compact };

  TomlWriter(lua_State* L, Mode mode, StepCounter& steps) : m_L(L), m_mode(mode), m_steps(steps) {}

  std::string document(const Datum& d) {
    if (d.kind != Datum::Kind::map) {
      fail(unsupported(d));
    }
    std::size_t root = new_table(std::nullopt, false);
    write_table(root, d, 0);
    std::string out;
    bool first = true;
    for (const auto& t : m_tables) {
      bool required = !t.path ? !t.body.empty() : (t.array || !t.body.empty() || !t.has_children);
      if (!required) {
        continue;
      }
      if (!first) {
        out += '\n';
      }
      first = false;
      if (t.path) {
        out += t.array ? "[[" : "[";
        for (std::size_t i = 0; i < t.path->size(); ++i) {
          out += (i > 0 ? "." : "") + (*t.path)[i];
        }
        out += t.array ? "]]\n" : "]\n";
      }
      out += t.body;
    }
    return out;
  }

 private:
  struct Section {
    std::optional<std::vector<std::string>> path;
    std::string body;
    bool has_children = false;
    bool array = false;
  };
  enum class Strategy { value, table, array_of_tables, skip };

  [[noreturn]] void fail(const std::string& message) { raise(m_L, message); }

  static std::string unsupported(const Datum& d) {
    switch (d.kind) {
      case Datum::Kind::nil: return "unsupported unit type";
      case Datum::Kind::null: return "unsupported None value";
      case Datum::Kind::boolean: return "unsupported bool type";
      case Datum::Kind::integer: return "unsupported i64 type";
      case Datum::Kind::floating: return "unsupported f64 type";
      case Datum::Kind::string:
        return util::is_valid_utf8(d.string) ? "unsupported str type" : "unsupported bytes type";
      default: return "unsupported array type";
    }
  }

  Strategy strategy(const Datum& d) const {
    switch (d.kind) {
      case Datum::Kind::null: return Strategy::skip;
      case Datum::Kind::map:
        return m_mode == Mode::pretty_compact && d.entries.empty() ? Strategy::value : Strategy::table;
      case Datum::Kind::array: {
        if (d.items.empty()) {
          return Strategy::value;
        }
        for (const auto& item : d.items) {
          if (item.kind != Datum::Kind::map) {
            return Strategy::value;
          }
        }
        return Strategy::array_of_tables;
      }
      default: return Strategy::value;
    }
  }

  std::size_t new_table(std::optional<std::vector<std::string>> path, bool array) {
    m_tables.push_back({std::move(path), std::string(), false, array});
    return m_tables.size() - 1;
  }

  std::size_t child_table(std::size_t parent, const std::string& key, bool array) {
    m_tables[parent].has_children = true;
    std::vector<std::string> path = m_tables[parent].path.value_or(std::vector<std::string>{});
    path.push_back(key);
    return new_table(std::move(path), array);
  }

  std::string key_text(const Datum& k) {
    switch (k.kind) {
      case Datum::Kind::string:
        if (util::is_valid_utf8(k.string)) {
          return toml_key(k.string);
        }
        break;
      case Datum::Kind::integer: return toml_key(std::to_string(k.integer));
      case Datum::Kind::boolean: return k.boolean ? "true" : "false";
      default: break;
    }
    fail("map key was not a string");
  }

  void write_table(std::size_t table, const Datum& d, int depth) {
    for (const auto& [k, v] : d.entries) {
      m_steps.tick();
      std::string key = key_text(k);
      switch (strategy(v)) {
        case Strategy::skip: break;
        case Strategy::value: {
          std::string line = key + " = ";
          write_value(line, v, depth + 1);
          m_tables[table].body += line + "\n";
          break;
        }
        case Strategy::table: write_table(child_table(table, key, false), v, depth + 1); break;
        case Strategy::array_of_tables:
          m_tables[table].has_children = true;
          for (const auto& item : v.items) {
            write_table(child_table(table, key, true), item, depth + 1);
          }
          break;
      }
    }
  }

  void write_value(std::string& out, const Datum& d, int depth) {
    m_steps.tick();
    switch (d.kind) {
      case Datum::Kind::nil: fail("unsupported unit type");
      case Datum::Kind::null: fail("unsupported None value");
      case Datum::Kind::boolean: out += d.boolean ? "true" : "false"; break;
      case Datum::Kind::integer: out += std::to_string(d.integer); break;
      case Datum::Kind::floating: write_float(out, d.number); break;
      case Datum::Kind::string:
        if (util::is_valid_utf8(d.string)) {
          write_toml_string(out, d.string);
        } else {
          write_bytes(out, d.string, depth);
        }
        break;
      case Datum::Kind::array: write_array(out, d.items, depth); break;
      case Datum::Kind::map: write_inline_table(out, d, depth); break;
    }
  }

  static void write_float(std::string& out, double v) {
    if (std::isnan(v)) {
      out += "nan";  // the toml crate drops a NaN's sign
    } else if (std::isinf(v)) {
      out += v < 0 ? "-inf" : "inf";
    } else if (v == 0) {
      out += std::signbit(v) ? "-0.0" : "0.0";
    } else {
      std::string s = rust_display(v);
      out += s;
      if (std::fmod(v, 1.0) == 0) {
        out += ".0";
      }
    }
  }

  // Bytes (a Lua string that is not UTF-8) serialize as an array of numbers.
  void write_bytes(std::string& out, const std::string& s, int depth) {
    std::vector<Datum> bytes;
    for (char c : s) {
      Datum b;
      b.kind = Datum::Kind::integer;
      b.integer = static_cast<unsigned char>(c);
      bytes.push_back(b);
    }
    write_array(out, bytes, depth);
  }

  void write_array(std::string& out, const std::vector<Datum>& items, int depth) {
    // Pretty output puts each element of an array of two or more on its
    // own line, indented four spaces whatever the nesting.
    bool multiline = m_mode == Mode::pretty && items.size() >= 2;
    out += '[';
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (multiline) {
        out += "\n    ";
      } else if (i > 0) {
        out += ", ";
      }
      write_value(out, items[i], depth + 1);
      if (multiline) {
        out += ',';
      }
    }
    if (multiline && !items.empty()) {
      out += '\n';
    }
    out += ']';
  }

  void write_inline_table(std::string& out, const Datum& d, int depth) {
    out += '{';
    bool seen = false;
    for (const auto& [k, v] : d.entries) {
      if (v.kind == Datum::Kind::null) {
        continue;  // None values are left out of inline tables
      }
      std::string key = key_text(k);
      if (seen) {
        out += ',';
      }
      seen = true;
      out += ' ' + key + " = ";
      write_value(out, v, depth + 1);
    }
    if (seen) {
      out += ' ';
    }
    out += '}';
  }

  lua_State* m_L;
  Mode m_mode;
  StepCounter& m_steps;
  std::vector<Section> m_tables;
};

template <TomlWriter::Mode Mode>
int toml_encode(lua_State* L) {
  HostMemory memory(L);
  StepCounter steps(L);
  Datum d = read_argument(L, memory, steps);
  TomlWriter writer(L, Mode, steps);
  push_encoded(L, memory, writer.document(d));
  return 1;
}

// --- YAML ---

// A parser event kept for the document (serde_yaml loads a document's
// events before building values, so that aliases can be replayed).
struct YamlEvent {
  enum class Type { scalar, alias, sequence, mapping, end } type = Type::end;
  std::string value;  // scalar text
  std::string tag;
  bool plain = false;      // plain (unquoted, not block) scalar
  std::size_t target = 0;  // alias: index of the anchored event
  yaml_mark_t mark{};
};

constexpr std::size_t k_yaml_event_bytes = sizeof(YamlEvent) + 32;

std::string yaml_mark_text(const yaml_mark_t& m) {
  if (m.line != 0 || m.column != 0) {
    return "line " + std::to_string(m.line + 1) + " column " + std::to_string(m.column + 1);
  }
  return "position " + std::to_string(m.index);
}

// serde_yaml's rendering of a libyaml error.
std::string yaml_parser_error(const yaml_parser_t& p) {
  std::string out = p.problem != nullptr ? p.problem : "unknown error";
  if (p.problem_mark.line != 0 || p.problem_mark.column != 0) {
    out += " at " + yaml_mark_text(p.problem_mark);
  } else if (p.problem_offset != 0) {
    out += " at position " + std::to_string(p.problem_offset);
  }
  if (p.context != nullptr) {
    out += std::string(", ") + p.context;
    const auto& c = p.context_mark;
    if ((c.line != 0 || c.column != 0) && (c.line != p.problem_mark.line || c.column != p.problem_mark.column)) {
      out += " at " + yaml_mark_text(c);
    }
  }
  return out;
}

struct YamlParser {
  yaml_parser_t parser;
  YamlParser(std::string_view text) {
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  }
  ~YamlParser() { yaml_parser_delete(&parser); }
  YamlParser(const YamlParser&) = delete;
  YamlParser& operator=(const YamlParser&) = delete;
};

struct YamlEventGuard {
  yaml_event_t event;
  ~YamlEventGuard() { yaml_event_delete(&event); }
};

class YamlDocument {
 public:
  YamlDocument(lua_State* L, std::string prefix) : m_L(L), m_prefix(std::move(prefix)), m_memory(L), m_steps(L) {}

  // Reads the first document's events; a second document is refused, as
  // serde_yaml refuses it. False when the stream holds no document.
  bool load(std::string_view text) {
    YamlParser p(text);
    int depth = 0;
    bool in_document = false;
    bool done = false;
    while (!done) {
      YamlEventGuard e;
      if (yaml_parser_parse(&p.parser, &e.event) == 0) {
        // After a whole document, serde_yaml sees the error as a second one.
        fail(m_had_document && !in_document
                 ? "deserializing from YAML containing more than one document is not supported"
                 : yaml_parser_error(p.parser));
      }
      m_steps.tick();
      switch (e.event.type) {
        case YAML_STREAM_START_EVENT: break;
        case YAML_DOCUMENT_START_EVENT:
          if (!m_events.empty() || m_had_document) {
            fail("deserializing from YAML containing more than one document is not supported");
          }
          in_document = true;
          break;
        case YAML_DOCUMENT_END_EVENT:
          in_document = false;
          m_had_document = true;
          break;
        case YAML_STREAM_END_EVENT: done = true; break;
        case YAML_ALIAS_EVENT: add_alias(e.event); break;
        case YAML_SCALAR_EVENT: add_scalar(e.event); break;
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT:
          // serde_yaml stops at this depth when it builds values; stopping
          // here keeps libyaml's own stacks small too.
          if (++depth > k_max_depth) {
            fail("recursion limit exceeded at " + yaml_mark_text(e.event.start_mark));
          }
          add_collection(e.event);
          break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
          --depth;
          add({YamlEvent::Type::end, {}, {}, false, 0, e.event.start_mark}, 0);
          break;
        default: break;
      }
    }
    return m_had_document;
  }

  // [-0, +1, e] Builds the document's value.
  void push() {
    std::size_t pos = 0;
    m_path.clear();
    push_value(pos, 0);
  }

 private:
  [[noreturn]] void fail(const std::string& message) { raise(m_L, m_prefix + message); }

  void add(YamlEvent e, std::size_t extra_bytes) {
    m_memory.charge(k_yaml_event_bytes + extra_bytes);
    m_events.push_back(std::move(e));
  }

  void anchor(const yaml_char_t* name) {
    if (name != nullptr) {
      m_anchors[reinterpret_cast<const char*>(name)] = m_events.size();
    }
  }

  static std::string tag_of(const yaml_char_t* tag) { return tag != nullptr ? reinterpret_cast<const char*>(tag) : ""; }

  void add_alias(const yaml_event_t& e) {
    auto it = m_anchors.find(reinterpret_cast<const char*>(e.data.alias.anchor));
    if (it == m_anchors.end()) {
      fail("unknown anchor at " + yaml_mark_text(e.start_mark));
    }
    add({YamlEvent::Type::alias, {}, {}, false, it->second, e.start_mark}, 0);
  }

  void add_scalar(const yaml_event_t& e) {
    anchor(e.data.scalar.anchor);
    YamlEvent ev{YamlEvent::Type::scalar,
                 std::string(reinterpret_cast<const char*>(e.data.scalar.value), e.data.scalar.length),
                 tag_of(e.data.scalar.tag),
                 e.data.scalar.style == YAML_PLAIN_SCALAR_STYLE,
                 0,
                 e.start_mark};
    std::size_t bytes = ev.value.size() + ev.tag.size();
    add(std::move(ev), bytes);
  }

  void add_collection(const yaml_event_t& e) {
    bool sequence = e.type == YAML_SEQUENCE_START_EVENT;
    anchor(sequence ? e.data.sequence_start.anchor : e.data.mapping_start.anchor);
    std::string tag = tag_of(sequence ? e.data.sequence_start.tag : e.data.mapping_start.tag);
    std::size_t bytes = tag.size();
    add({sequence ? YamlEvent::Type::sequence : YamlEvent::Type::mapping, {}, std::move(tag), false, 0, e.start_mark},
        bytes);
  }

  // serde_yaml reports a value's error with its path: a.b[0].
  [[noreturn]] void fail_at(const std::string& message, const yaml_mark_t& mark) {
    std::string path;
    for (const auto& p : m_path) {
      path += (path.empty() || p.front() == '[' ? "" : ".") + p;
    }
    fail((path.empty() ? "" : path + ": ") + message + " at " + yaml_mark_text(mark));
  }

  // Follows an alias, as serde_yaml replays the anchored events, counting
  // replays against its repetition limit (100 per event of the document).
  std::size_t resolve(std::size_t pos) {
    while (m_events[pos].type == YamlEvent::Type::alias) {
      if (++m_jumps > m_events.size() * 100) {
        fail("repetition limit exceeded");
      }
      pos = m_events[pos].target;
    }
    return pos;
  }

  // [-0, +1, e] The value starting at `pos`; leaves `pos` after it.
  void push_value(std::size_t& pos, int depth) {
    luaL_checkstack(m_L, 4, "building YAML values");
    m_steps.tick();
    if (m_events[pos].type == YamlEvent::Type::alias) {
      std::size_t target = resolve(pos);
      ++pos;
      push_value(target, depth);
      return;
    }
    const YamlEvent& e = m_events[pos];
    // A local tag (!name) asks serde_yaml for an enum, which JSON values lack.
    if (!e.tag.empty() && e.tag[0] == '!') {
      fail_at("invalid type: enum, expected any valid JSON value", e.mark);
    }
    switch (e.type) {
      case YamlEvent::Type::scalar:
        ++pos;
        push_scalar(e);
        break;
      case YamlEvent::Type::sequence: push_sequence(pos, depth); break;
      case YamlEvent::Type::mapping: push_mapping(pos, depth); break;
      default:
        lua_pushnil(m_L);
        ++pos;
        break;
    }
  }

  void push_sequence(std::size_t& pos, int depth) {
    if (depth >= k_max_depth) {
      fail("recursion limit exceeded at " + yaml_mark_text(m_events[pos].mark));
    }
    ++pos;
    lua_newtable(m_L);
    lua_Integer i = 1;
    bool hole = false;
    while (m_events[pos].type != YamlEvent::Type::end) {
      m_path.push_back("[" + std::to_string(i - 1) + "]");
      push_value(pos, depth + 1);
      hole |= lua_isnil(m_L, -1);
      lua_rawseti(m_L, -2, i++);
      m_path.pop_back();
    }
    ++pos;
    if (hole) {
      resize_array(m_L, i - 1);
    }
    luaL_setmetatable(m_L, k_array_mt);
  }

  void push_mapping(std::size_t& pos, int depth) {
    if (depth >= k_max_depth) {
      fail("recursion limit exceeded at " + yaml_mark_text(m_events[pos].mark));
    }
    ++pos;
    lua_newtable(m_L);
    while (m_events[pos].type != YamlEvent::Type::end) {
      std::string key = key_at(pos);
      lua_pushlstring(m_L, key.data(), key.size());
      m_path.push_back(key);
      push_value(pos, depth + 1);
      m_path.pop_back();
      lua_rawset(m_L, -3);  // a null value leaves the key out; a repeated key keeps the last
    }
    ++pos;
  }

  // A mapping key is read as a string (serde_json's map keys): any scalar
  // gives its text; a collection is refused.
  std::string key_at(std::size_t& pos) {
    std::size_t at = resolve(pos);
    const YamlEvent& e = m_events[at];
    if (e.type != YamlEvent::Type::scalar) {
      fail_at(std::string("invalid type: ") + (e.type == YamlEvent::Type::sequence ? "sequence" : "map") +
                  ", expected a string key",
              e.mark);
    }
    ++pos;  // the scalar, or the alias standing for it
    return e.value;
  }

  void push_scalar(const YamlEvent& e) {
    static const std::string k_core = "tag:yaml.org,2002:";
    const std::string& v = e.value;
    if (e.tag == k_core + "bool") {
      auto b = yaml_bool(v);
      if (!b) {
        fail_at("invalid value: string \"" + v + "\", expected a boolean", e.mark);
      }
      lua_pushboolean(m_L, *b);
    } else if (e.tag == k_core + "int") {
      if (!push_yaml_int(v, e)) {
        fail_at("invalid value: string \"" + v + "\", expected an integer", e.mark);
      }
    } else if (e.tag == k_core + "float") {
      auto f = yaml_float(v);
      if (!f) {
        fail_at("invalid value: string \"" + v + "\", expected a float", e.mark);
      }
      push_float(*f);
    } else if (e.tag == k_core + "null") {
      if (!yaml_null(v)) {
        fail_at("invalid value: string \"" + v + "\", expected null", e.mark);
      }
      lua_pushnil(m_L);
    } else if (e.tag.empty() && e.plain) {
      push_untagged(e);
    } else {
      lua_pushlstring(m_L, v.data(), v.size());
    }
  }

  // A plain scalar resolves as serde_yaml resolves it: null, bool, integer,
  // float, else string.
  void push_untagged(const YamlEvent& e) {
    const std::string& v = e.value;
    if (v.empty() || yaml_null(v)) {
      lua_pushnil(m_L);
    } else if (auto b = yaml_bool(v)) {
      lua_pushboolean(m_L, *b);
    } else if (push_yaml_int(v, e)) {
      // pushed
    } else if (auto f = digits_but_not_number(v) ? std::nullopt : yaml_float(v)) {
      push_float(*f);
    } else {
      lua_pushlstring(m_L, v.data(), v.size());
    }
  }

  // serde_json keeps no NaN or infinity: they become null, so nil.
  void push_float(double f) {
    if (std::isfinite(f)) {
      lua_pushnumber(m_L, f);
    } else {
      lua_pushnil(m_L);
    }
  }

  bool push_yaml_int(const std::string& v, const YamlEvent& e);

 public:
  static bool yaml_null(std::string_view v) { return v == "null" || v == "Null" || v == "NULL" || v == "~"; }
  static std::optional<bool> yaml_bool(std::string_view v) {
    if (v == "true" || v == "True" || v == "TRUE") {
      return true;
    }
    if (v == "false" || v == "False" || v == "FALSE") {
      return false;
    }
    return std::nullopt;
  }
  // Leading zeros then digits make a string in YAML 1.2 ("0123").
  static bool digits_but_not_number(std::string_view v) {
    if (!v.empty() && (v[0] == '-' || v[0] == '+')) {
      v.remove_prefix(1);
    }
    return v.size() > 1 && v[0] == '0' &&
           std::all_of(v.begin() + 1, v.end(), [](char c) { return c >= '0' && c <= '9'; });
  }
  static std::optional<double> yaml_float(std::string_view v);

 private:
  lua_State* m_L;
  std::string m_prefix;
  HostMemory m_memory;
  StepCounter m_steps;
  std::vector<YamlEvent> m_events;
  std::map<std::string, std::size_t> m_anchors;
  std::vector<std::string> m_path;
  std::size_t m_jumps = 0;
  bool m_had_document = false;
};

// Rust's from_str_radix: an optional sign ('-' only when signed), then at
// least one digit of the radix, nothing else.
struct RustInt {
  bool negative = false;
  std::uint64_t magnitude = 0;
  bool beyond_64 = false;  // only a 128-bit Rust integer holds it
};

std::optional<RustInt> from_str_radix(std::string_view s, int radix, bool is_signed) {
  RustInt r;
  if (!s.empty() && (s[0] == '+' || (is_signed && s[0] == '-'))) {
    r.negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) {
    return std::nullopt;
  }
  double approx = 0;  // to tell 128-bit values from larger ones
  for (char c : s) {
    int d = c >= '0' && c <= '9'   ? c - '0'
            : c >= 'a' && c <= 'z' ? c - 'a' + 10
            : c >= 'A' && c <= 'Z' ? c - 'A' + 10
                                   : 99;
    if (d >= radix) {
      return std::nullopt;
    }
    approx = approx * radix + d;
    std::uint64_t next = 0;
    if (__builtin_mul_overflow(r.magnitude, static_cast<std::uint64_t>(radix), &next) ||
        __builtin_add_overflow(next, static_cast<std::uint64_t>(d), &next)) {
      r.beyond_64 = true;
    }
    r.magnitude = next;
  }
  if (approx >= std::ldexp(1.0, r.negative ? 127 : 128)) {
    return std::nullopt;  // no Rust integer type holds it
  }
  return r;
}

// serde_yaml's parse_unsigned_int / parse_negative_int, over 128 bits.
std::optional<RustInt> yaml_integer(std::string_view v) {
  std::string_view unpositive = v;
  if (!unpositive.empty() && unpositive[0] == '+') {
    unpositive.remove_prefix(1);
  }
  static const std::pair<const char*, int> k_prefixes[] = {{"0x", 16}, {"0o", 8}, {"0b", 2}};
  for (const auto& [prefix, radix] : k_prefixes) {
    if (unpositive.substr(0, 2) == prefix) {
      std::string_view rest = unpositive.substr(2);
      if (!rest.empty() && (rest[0] == '+' || rest[0] == '-')) {
        return std::nullopt;
      }
      if (auto r = from_str_radix(rest, radix, false)) {
        return r;
      }
    }
  }
  bool signed_text = !unpositive.empty() && (unpositive[0] == '+' || unpositive[0] == '-');
  if (!signed_text && !YamlDocument::digits_but_not_number(v)) {
    if (auto r = from_str_radix(unpositive, 10, false)) {
      return r;
    }
  }
  for (const auto& [prefix, radix] : k_prefixes) {
    if (v.size() > 3 && v[0] == '-' && v.substr(1, 2) == prefix) {
      std::string_view rest = v.substr(3);
      if (!rest.empty() && (rest[0] == '+' || rest[0] == '-')) {
        continue;
      }
      if (auto r = from_str_radix(rest, radix, false)) {
        r->negative = true;
        return r;
      }
    }
  }
  if (YamlDocument::digits_but_not_number(v)) {
    return std::nullopt;
  }
  if (!v.empty() && v[0] == '-') {
    return from_str_radix(v, 10, true);
  }
  return std::nullopt;
}

bool YamlDocument::push_yaml_int(const std::string& v, const YamlEvent& e) {
  auto r = yaml_integer(v);
  if (!r) {
    return false;
  }
  constexpr auto k_i64_max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (!r->negative) {
    if (r->beyond_64) {
      fail_at("invalid type: integer `" + v + "` as u128, expected any valid JSON value", e.mark);
    }
    if (r->magnitude <= k_i64_max) {
      lua_pushinteger(m_L, static_cast<lua_Integer>(r->magnitude));
    } else {
      lua_pushnumber(m_L, static_cast<lua_Number>(r->magnitude));  // u64 past i64: mlua makes it a float
    }
  } else if (!r->beyond_64 && r->magnitude <= k_i64_max + 1) {
    // -(2^63) included: negate in unsigned arithmetic, then reinterpret.
    lua_pushinteger(m_L, static_cast<lua_Integer>(0 - r->magnitude));
  } else {
    fail_at("invalid type: integer `" + v + "` as i128, expected any valid JSON value", e.mark);
  }
  return true;
}

// serde_yaml's parse_f64: .inf/.nan spellings, else Rust's float syntax
// (digits with an optional point and exponent), finite values only.
std::optional<double> YamlDocument::yaml_float(std::string_view v) {
  std::string_view unpositive = v;
  if (!unpositive.empty() && unpositive[0] == '+') {
    unpositive.remove_prefix(1);
    if (!unpositive.empty() && (unpositive[0] == '+' || unpositive[0] == '-')) {
      return std::nullopt;
    }
  }
  if (unpositive == ".inf" || unpositive == ".Inf" || unpositive == ".INF") {
    return std::numeric_limits<double>::infinity();
  }
  if (v == "-.inf" || v == "-.Inf" || v == "-.INF") {
    return -std::numeric_limits<double>::infinity();
  }
  if (v == ".nan" || v == ".NaN" || v == ".NAN") {
    return std::numeric_limits<double>::quiet_NaN();
  }
  std::string_view body = unpositive;
  bool negative = !body.empty() && body[0] == '-';
  if (negative) {
    body.remove_prefix(1);
  }
  // Rust's grammar: digits [. digits] or . digits, then [e [sign] digits].
  std::size_t i = 0;
  std::size_t mantissa_digits = 0;
  while (i < body.size() && std::isdigit(static_cast<unsigned char>(body[i])) != 0) {
    ++i;
    ++mantissa_digits;
  }
  if (i < body.size() && body[i] == '.') {
    ++i;
    while (i < body.size() && std::isdigit(static_cast<unsigned char>(body[i])) != 0) {
      ++i;
      ++mantissa_digits;
    }
  }
  if (mantissa_digits == 0) {
    return std::nullopt;
  }
  if (i < body.size() && (body[i] == 'e' || body[i] == 'E')) {
    ++i;
    if (i < body.size() && (body[i] == '+' || body[i] == '-')) {
      ++i;
    }
    std::size_t exp_digits = 0;
    while (i < body.size() && std::isdigit(static_cast<unsigned char>(body[i])) != 0) {
      ++i;
      ++exp_digits;
    }
    if (exp_digits == 0) {
      return std::nullopt;
    }
  }
  if (i != body.size()) {
    return std::nullopt;
  }
  std::string text(body);
  if (text[0] == '.') {
    text.insert(0, "0");
  }
  double out = std::strtod(text.c_str(), nullptr);
  if (!std::isfinite(out)) {
    return std::nullopt;
  }
  return negative ? -out : out;
}

// [-0, +1, e] Parses YAML as KumoMTA does (serde_yaml into JSON values).
void push_yaml_document(lua_State* L, std::string_view text, const std::string& what) {
  charge_reading(L, text.size());
  YamlDocument doc(L, "parsing " + what + " as yaml: ");
  if (!doc.load(text)) {
    lua_pushnil(L);  // no document: null
    return;
  }
  doc.push();
}

int yaml_parse(lua_State* L) {
  std::string_view text = text_argument(L, "yaml_parse");
  push_yaml_document(L, text, quoted_text(text));
  return 1;
}

int yaml_load(lua_State* L) {
  LoadedFile f = load_file(L, "kumo.serde.yaml_load");
  push_yaml_document(L, f.text, f.path);
  return 1;
}

// The scalar style serde_yaml asks libyaml for: text that would read back
// as another type is single-quoted, multi-line text is a literal block.
yaml_scalar_style_t yaml_string_style(std::string_view s) {
  if (s.find('\n') != std::string_view::npos) {
    return YAML_LITERAL_SCALAR_STYLE;
  }
  if (s.empty() || YamlDocument::yaml_null(s) || YamlDocument::yaml_bool(s) || yaml_integer(s) ||
      YamlDocument::digits_but_not_number(s) || YamlDocument::yaml_float(s)) {
    return YAML_SINGLE_QUOTED_SCALAR_STYLE;
  }
  return YAML_ANY_SCALAR_STYLE;
}

int yaml_write(void* data, unsigned char* buffer, std::size_t size) {
  static_cast<std::string*>(data)->append(reinterpret_cast<const char*>(buffer), size);
  return 1;
}

// serde_yaml's serializer: libyaml's emitter (unicode on, no line width),
// one implicit document.
class YamlWriter {
 public:
  YamlWriter(lua_State* L, StepCounter& steps) : m_L(L), m_steps(steps) {
    yaml_emitter_initialize(&m_emitter);
    yaml_emitter_set_unicode(&m_emitter, 1);
    yaml_emitter_set_width(&m_emitter, -1);
    yaml_emitter_set_output(&m_emitter, yaml_write, &m_out);
  }
  ~YamlWriter() { yaml_emitter_delete(&m_emitter); }
  YamlWriter(const YamlWriter&) = delete;
  YamlWriter& operator=(const YamlWriter&) = delete;

  std::string document(const Datum& d) {
    yaml_event_t e;
    yaml_stream_start_event_initialize(&e, YAML_UTF8_ENCODING);
    emit(e);
    yaml_document_start_event_initialize(&e, nullptr, nullptr, nullptr, 1);
    emit(e);
    write(d);
    yaml_document_end_event_initialize(&e, 1);
    emit(e);
    yaml_stream_end_event_initialize(&e);
    emit(e);
    yaml_emitter_flush(&m_emitter);
    return std::move(m_out);
  }

 private:
  void emit(yaml_event_t& e) {
    if (yaml_emitter_emit(&m_emitter, &e) == 0) {
      raise(m_L, m_emitter.problem != nullptr ? m_emitter.problem : "emitter error");
    }
  }

  void scalar(std::string_view text, yaml_scalar_style_t style) {
    yaml_event_t e;
    yaml_scalar_event_initialize(&e, nullptr, nullptr, reinterpret_cast<yaml_char_t*>(const_cast<char*>(text.data())),
                                 static_cast<int>(text.size()), 1, 1, style);
    emit(e);
  }

  void write(const Datum& d) {
    m_steps.tick();
    switch (d.kind) {
      case Datum::Kind::nil:
      case Datum::Kind::null: scalar("null", YAML_PLAIN_SCALAR_STYLE); break;
      case Datum::Kind::boolean: scalar(d.boolean ? "true" : "false", YAML_PLAIN_SCALAR_STYLE); break;
      case Datum::Kind::integer: scalar(std::to_string(d.integer), YAML_PLAIN_SCALAR_STYLE); break;
      case Datum::Kind::floating: scalar(float_text(d.number), YAML_PLAIN_SCALAR_STYLE); break;
      case Datum::Kind::string:
        if (!util::is_valid_utf8(d.string) ||
            d.string.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
          raise(m_L, "serialization and deserialization of bytes in YAML is not implemented");
        }
        scalar(d.string, yaml_string_style(d.string));
        break;
      case Datum::Kind::array: {
        yaml_event_t e;
        yaml_sequence_start_event_initialize(&e, nullptr, nullptr, 1, YAML_ANY_SEQUENCE_STYLE);
        emit(e);
        for (const auto& item : d.items) {
          write(item);
        }
        yaml_sequence_end_event_initialize(&e);
        emit(e);
        break;
      }
      case Datum::Kind::map: {
        yaml_event_t e;
        yaml_mapping_start_event_initialize(&e, nullptr, nullptr, 1, YAML_ANY_MAPPING_STYLE);
        emit(e);
        for (const auto& [k, v] : d.entries) {
          write(k);
          write(v);
        }
        yaml_mapping_end_event_initialize(&e);
        emit(e);
        break;
      }
    }
  }

  static std::string float_text(double v) {
    if (std::isnan(v)) {
      return ".nan";
    }
    if (std::isinf(v)) {
      return v > 0 ? ".inf" : "-.inf";
    }
    return ryu_format(v);
  }

  lua_State* m_L;
  StepCounter& m_steps;
  yaml_emitter_t m_emitter;
  std::string m_out;
};

int yaml_encode(lua_State* L) {
  HostMemory memory(L);
  StepCounter steps(L);
  Datum d = read_argument(L, memory, steps);
  std::string text;
  {
    YamlWriter writer(L, steps);
    text = writer.document(d);
  }
  push_encoded(L, memory, text);
  return 1;
}

using Pretty = TomlWriter::Mode;

}  // namespace

void open_kumo_serde(lua_State* L, int kumo_index) {
  kumo_index = lua_absindex(L, kumo_index);
  // The names KumoMTA keeps on kumo itself for older policies.
  const luaL_Reg on_kumo[] = {{"json_load", guarded<json_load>},
                              {"json_parse", guarded<json_parse>},
                              {"json_encode", guarded<json_encode<false>>},
                              {"json_encode_pretty", guarded<json_encode<true>>},
                              {"toml_load", guarded<toml_load>},
                              {"toml_parse", guarded<toml_parse>},
                              {"toml_encode", guarded<toml_encode<Pretty::plain>>},
                              {"toml_encode_pretty", guarded<toml_encode<Pretty::pretty>>},
                              {nullptr, nullptr}};
  lua_pushvalue(L, kumo_index);
  luaL_setfuncs(L, on_kumo, 0);
  lua_pop(L, 1);

  const luaL_Reg serde[] = {{"json_load", guarded<json_load>},
                            {"json_parse", guarded<json_parse>},
                            {"json_encode", guarded<json_encode<false>>},
                            {"json_encode_pretty", guarded<json_encode<true>>},
                            {"toml_load", guarded<toml_load>},
                            {"toml_parse", guarded<toml_parse>},
                            {"toml_encode", guarded<toml_encode<Pretty::plain>>},
                            {"toml_encode_pretty", guarded<toml_encode<Pretty::pretty>>},
                            {"toml_encode_pretty_compact", guarded<toml_encode<Pretty::pretty_compact>>},
                            {"yaml_load", guarded<yaml_load>},
                            {"yaml_parse", guarded<yaml_parse>},
                            {"yaml_encode", guarded<yaml_encode>},
                            {nullptr, nullptr}};
  push_module(L, "kumo.serde", serde);
  lua_setfield(L, kumo_index, "serde");
}

}  // namespace kumo::lua
