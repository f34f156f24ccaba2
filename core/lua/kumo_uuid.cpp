// kumo.uuid: KumoMTA's crates/mod-uuid (the uuid crate). Parsing is the
// crate's try_parse, exactly. New UUIDs cannot come from the clock, the
// random generator or the MAC address as in kumod: kumo-lint's output must
// be the same on every run, so they come from a documented deterministic
// sequence (docs/sandbox.md, "kumo.uuid"):
//
//   - n counts the UUIDs this Lua state has made, from 0;
//   - the "random" bits are SplitMix64 of k_seed + 2n and k_seed + 2n + 1;
//   - the clock reads k_epoch_unix_ms + n milliseconds;
//   - the node (MAC address) is k_node, a locally administered address;
//   - the clock sequence of v1 and v6 is n's low 14 bits.
//
// Version and variant bits are set as RFC 9562 requires.
#include "core/lua/kumo_submodules.hpp"

#include <array>
#include <cstdint>
#include <string>

#include "core/lua/rust_args.hpp"

namespace kumo::lua {

namespace {

constexpr char k_uuid_mt[] = "kumo-lint.WrappedUuid";
constexpr char k_sequence_key[] = "kumo-lint.uuid-sequence";
constexpr char k_uuid_type[] = "WrappedUuid";

constexpr std::uint64_t k_seed = 0x6b756d6f2d6c696eULL;          // "kumo-lin"
constexpr std::uint64_t k_epoch_unix_ms = 1'735'689'600'000ULL;  // 2025-01-01T00:00:00Z
constexpr std::array<std::uint8_t, 6> k_node = {0x02, 0x6b, 0x75, 0x6d, 0x6f, 0x00};
// 100-nanosecond intervals from 1582-10-15 (RFC 9562's epoch) to 1970-01-01.
constexpr std::uint64_t k_gregorian_offset = 0x01B21DD213814000ULL;

using Bytes = std::array<std::uint8_t, 16>;

struct WrappedUuid {
  Bytes bytes;
};

std::uint64_t splitmix64(std::uint64_t x) {
  std::uint64_t z = x + 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

void put_big_endian(Bytes& b, std::size_t at, std::size_t width, std::uint64_t value) {
  for (std::size_t i = 0; i < width; ++i) {
    b[at + i] = static_cast<std::uint8_t>(value >> (8 * (width - 1 - i)));
  }
}

Bytes random_bytes(std::uint64_t n) {
  Bytes b{};
  put_big_endian(b, 0, 8, splitmix64(k_seed + 2 * n));
  put_big_endian(b, 8, 8, splitmix64(k_seed + 2 * n + 1));
  return b;
}

// [-0, +0, m] The next number of this state's sequence.
std::uint64_t next_sequence(lua_State* L) {
  lua_getfield(L, LUA_REGISTRYINDEX, k_sequence_key);
  auto n = static_cast<std::uint64_t>(lua_tointeger(L, -1));  // nil (the first time) is 0
  lua_pop(L, 1);
  lua_pushinteger(L, static_cast<lua_Integer>(n + 1));
  lua_setfield(L, LUA_REGISTRYINDEX, k_sequence_key);
  return n;
}

void set_version_and_variant(Bytes& b, std::uint8_t version) {
  b[6] = static_cast<std::uint8_t>((b[6] & 0x0F) | (version << 4));
  b[8] = static_cast<std::uint8_t>((b[8] & 0x3F) | 0x80);
}

// The time-based fields of v1 and v6 share the clock sequence and node.
void put_clock_sequence_and_node(Bytes& b, std::uint64_t n) {
  put_big_endian(b, 8, 2, n & 0x3FFF);
  for (std::size_t i = 0; i < k_node.size(); ++i) {
    b[10 + i] = k_node[i];
  }
}

std::uint64_t gregorian_ticks(std::uint64_t n) { return (k_epoch_unix_ms + n) * 10'000 + k_gregorian_offset; }

Bytes make_v1(std::uint64_t n) {
  const std::uint64_t ts = gregorian_ticks(n);
  Bytes b{};
  put_big_endian(b, 0, 4, ts & 0xFFFFFFFF);
  put_big_endian(b, 4, 2, (ts >> 32) & 0xFFFF);
  put_big_endian(b, 6, 2, (ts >> 48) & 0x0FFF);
  put_clock_sequence_and_node(b, n);
  set_version_and_variant(b, 1);
  return b;
}

Bytes make_v6(std::uint64_t n) {
  const std::uint64_t ts = gregorian_ticks(n);
  Bytes b{};
  put_big_endian(b, 0, 4, (ts >> 28) & 0xFFFFFFFF);
  put_big_endian(b, 4, 2, (ts >> 12) & 0xFFFF);
  put_big_endian(b, 6, 2, ts & 0x0FFF);
  put_clock_sequence_and_node(b, n);
  set_version_and_variant(b, 6);
  return b;
}

Bytes make_v4(std::uint64_t n) {
  Bytes b = random_bytes(n);
  set_version_and_variant(b, 4);
  return b;
}

Bytes make_v7(std::uint64_t n) {
  Bytes b = random_bytes(n);
  put_big_endian(b, 0, 6, k_epoch_unix_ms + n);
  set_version_and_variant(b, 7);
  return b;
}

void push_uuid(lua_State* L, const Bytes& bytes) {
  new (lua_newuserdatauv(L, sizeof(WrappedUuid), 0)) WrappedUuid{bytes};
  luaL_setmetatable(L, k_uuid_mt);
}

template <Bytes (*Make)(std::uint64_t)>
int uuid_new(lua_State* L) {
  push_uuid(L, Make(next_sequence(L)));
  return 1;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if ((c | 32) >= 'a' && (c | 32) <= 'f') {
    return (c | 32) - 'a' + 10;
  }
  return -1;
}

// Pairs of hex digits from `text` at the given offsets into 16 bytes.
std::optional<Bytes> decode_hex(std::string_view text, const std::array<std::size_t, 16>& offsets) {
  Bytes b{};
  for (std::size_t i = 0; i < offsets.size(); ++i) {
    int hi = hex_value(text[offsets[i]]);
    int lo = hex_value(text[offsets[i] + 1]);
    if (hi < 0 || lo < 0) {
      return std::nullopt;
    }
    b[i] = static_cast<std::uint8_t>(hi * 16 + lo);
  }
  return b;
}

std::optional<Bytes> parse_hyphenated(std::string_view s) {
  if (s.size() != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-') {
    return std::nullopt;
  }
  return decode_hex(s, {0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34});
}

// The uuid crate's try_parse: simple (32 hex digits), hyphenated (36),
// braced ({...}, 38) and URN ("urn:uuid:...", 45); hex in either case.
std::optional<Bytes> parse_uuid(std::string_view s) {
  switch (s.size()) {
    case 32: return decode_hex(s, {0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30});
    case 36: return parse_hyphenated(s);
    case 38:
      if (s.front() == '{' && s.back() == '}') {
        return parse_hyphenated(s.substr(1, 36));
      }
      return std::nullopt;
    case 45:
      if (s.starts_with("urn:uuid:")) {
        return parse_hyphenated(s.substr(9));
      }
      return std::nullopt;
    default: return std::nullopt;
  }
}

// kumo.uuid.parse(TEXT)
int uuid_parse(lua_State* L) {
  auto parsed = parse_uuid(rust_string(L, {1}));
  if (!parsed) {
    raise_rust_error(L, "failed to parse a UUID");
  }
  push_uuid(L, *parsed);
  return 1;
}

std::string simple_form(const Bytes& b) {
  static constexpr char k_digits[] = "0123456789abcdef";
  std::string out;
  for (std::uint8_t byte : b) {
    out += k_digits[byte >> 4];
    out += k_digits[byte & 0x0F];
  }
  return out;
}

std::string hyphenated_form(const Bytes& b) {
  std::string s = simple_form(b);
  return s.substr(0, 8) + "-" + s.substr(8, 4) + "-" + s.substr(12, 4) + "-" + s.substr(16, 4) + "-" + s.substr(20);
}

const Bytes& uuid_at(lua_State* L) { return static_cast<WrappedUuid*>(luaL_checkudata(L, 1, k_uuid_mt))->bytes; }

// The fields: hyphenated, simple, braced, urn, bytes; anything else is nil.
int uuid_index(lua_State* L) {
  const Bytes& b = uuid_at(L);
  std::string key = lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : "";
  std::string value;
  if (key == "hyphenated") {
    value = hyphenated_form(b);
  } else if (key == "simple") {
    value = simple_form(b);
  } else if (key == "braced") {
    value = "{" + hyphenated_form(b) + "}";
  } else if (key == "urn") {
    value = "urn:uuid:" + hyphenated_form(b);
  } else if (key == "bytes") {
    value.assign(b.begin(), b.end());
  } else {
    lua_pushnil(L);
    return 1;
  }
  lua_pushlstring(L, value.data(), value.size());
  return 1;
}

int uuid_tostring(lua_State* L) {
  std::string text = hyphenated_form(uuid_at(L));
  lua_pushlstring(L, text.data(), text.size());
  return 1;
}

void register_uuid_metatable(lua_State* L) {
  luaL_newmetatable(L, k_uuid_mt);
  lua_pushcfunction(L, guarded<uuid_index>);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, guarded<uuid_tostring>);
  lua_setfield(L, -2, "__tostring");
  lua_pushstring(L, k_uuid_type);
  lua_setfield(L, -2, "__name");
  lock_metatable(L);
  lua_pop(L, 1);
}

}  // namespace

void open_kumo_uuid(lua_State* L, int kumo_index) {
  kumo_index = lua_absindex(L, kumo_index);
  register_uuid_metatable(L);
  const luaL_Reg functions[] = {{"parse", guarded<uuid_parse>},         {"new_v1", guarded<uuid_new<make_v1>>},
                                {"new_v4", guarded<uuid_new<make_v4>>}, {"new_v6", guarded<uuid_new<make_v6>>},
                                {"new_v7", guarded<uuid_new<make_v7>>}, {nullptr, nullptr}};
  push_module(L, "kumo.uuid", functions);
  lua_setfield(L, kumo_index, "uuid");
}

}  // namespace kumo::lua
