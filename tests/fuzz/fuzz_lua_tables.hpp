// Shared by fuzz_convert and fuzz_policy: a byte reader, the dictionary the
// generated tables draw their strings from, and lua::Value helpers that
// mirror what core/lua/bridge.cpp builds (entry order, JSON read-back).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/values/lua_value.hpp"

namespace kumo::fuzz {

// Reads the fuzzer's bytes front to back; past the end every read is 0, so
// any input decodes to something and a short input to something small.
class ByteReader {
 public:
  ByteReader(const std::uint8_t* data, std::size_t size) : m_data(data), m_size(size) {}
  std::uint8_t byte() { return m_pos < m_size ? m_data[m_pos++] : 0; }
  bool done() const { return m_pos >= m_size; }
  // Up to `max` raw bytes, length from the next byte.
  std::string bytes(std::size_t max) {
    std::size_t n = byte() % (max + 1);
    std::string out;
    while (n-- > 0 && !done()) {
      out.push_back(static_cast<char>(byte()));
    }
    return out;
  }
  std::int64_t int64() {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) {
      v = (v << 8) | byte();
    }
    return static_cast<std::int64_t>(v);
  }

 private:
  const std::uint8_t* m_data;
  std::size_t m_size;
  std::size_t m_pos = 0;
};

// Every QueueConfig key, nested field name, enum variant (also mis-cased),
// duration, throttle and address a config table is likely to hold.
inline const std::vector<std::string_view>& dictionary() {
  // clang-format off
  static const std::vector<std::string_view> words = {
      // QueueConfig keys
      "retry_interval", "max_retry_interval", "max_age", "egress_pool", "max_message_rate", "protocol",
      "reap_interval", "refresh_interval", "timerwheel_tick_interval", "strategy", "refresh_strategy",
      "provider_name", "shrink_policy",
      // nested fields
      "smtp", "mx_list", "treat_mx_list_as_secure", "maildir_path", "dir_mode", "file_mode", "custom_lua",
      "constructor", "batch_size", "min_batch_size", "max_batch_latency", "xfer", "target", "interval", "policy",
      "name", "addr", "is_secure", "entries", "weight", "ttl", "ehlo_domain", "source_address", "remote_port",
      "socks5_proxy_password", "suspend_when_unplumbed",
      // enum variants, some mis-cased
      "TimerWheel", "SkipList", "SingletonTimerWheel", "SingletonTimerWheelV2", "timerwheel", "Ttl", "Epoch",
      "ttl", "EPOCH", "ShrinkDataAndMeta", "ShrinkData", "NoShrink", "shrinkdata",
      // durations
      "20m", "1h 30m", "0s", "0", "1.5s", "10 minutes", "1y", "300000000y", "5", "-1s", "2h3m4s5ns", "1ms",
      "  1m", "1m ", "1 fortnight", "",
      // throttles
      "100/h", "10/s", "local:5/m", "0/s", "5000/s", "1/0s", "100/hr", "2/3m", "local:local:1/s", "10/min",
      "1/1y", "/s",
      // addresses and names
      "10.0.0.1", "10.0.0.1:25", "[::1]:2525", "::1", "[10.0.0.1]", "mx.example.com", "/var/run/sock",
      "unix:/tmp/s", "http://10.0.0.5:8008", "HTTPS://Host/x", "http:/x", "mailto:a@b",
      // templates and other strings
      "/var/mail/{{ domain }}", "/m/{{ meta.x }}/{{ nope }}", "/m/{{", "make.webhook", "pool-a", "unspecified",
  };
  // clang-format on
  return words;
}

inline const std::vector<std::int64_t>& edge_integers() {
  static const std::vector<std::int64_t> ints = {0,
                                                 1,
                                                 -1,
                                                 2,
                                                 5,
                                                 60,
                                                 420,
                                                 65535,
                                                 65536,
                                                 4294967295,
                                                 4294967296,
                                                 9223372036854775,  // i64::MAX / 1000
                                                 9223372036854776,
                                                 std::numeric_limits<std::int64_t>::min(),
                                                 std::numeric_limits<std::int64_t>::max()};
  return ints;
}

inline const std::vector<double>& edge_floats() {
  static const std::vector<double> floats = {-1.5,
                                             0.5,
                                             1.5,
                                             0.0,
                                             -0.0,
                                             1e300,
                                             -1e300,
                                             1e-10,
                                             4294967296.0,
                                             9.2233720368547758e18,
                                             std::numeric_limits<double>::quiet_NaN(),
                                             std::numeric_limits<double>::infinity(),
                                             -std::numeric_limits<double>::infinity()};
  return floats;
}

// The entry order core/lua/bridge.cpp gives a read table: integer keys
// ascending, then floats, strings bytewise, booleans, anything else.
inline int key_rank(lua::Value::Kind k) {
  switch (k) {
    case lua::Value::Kind::integer: return 0;
    case lua::Value::Kind::floating: return 1;
    case lua::Value::Kind::string: return 2;
    case lua::Value::Kind::boolean: return 3;
    default: return 4;
  }
}

inline bool key_less(const lua::TableEntry& a, const lua::TableEntry& b) {
  int ra = key_rank(a.key.kind);
  int rb = key_rank(b.key.kind);
  if (ra != rb) {
    return ra < rb;
  }
  switch (a.key.kind) {
    case lua::Value::Kind::integer: return a.key.integer < b.key.integer;
    case lua::Value::Kind::floating: return a.key.number < b.key.number;
    case lua::Value::Kind::string: return a.key.string < b.key.string;
    case lua::Value::Kind::boolean: return a.key.boolean < b.key.boolean;
    default: return false;
  }
}

inline bool same_key(const lua::Value& a, const lua::Value& b) {
  if (a.kind != b.kind) {
    return false;
  }
  switch (a.kind) {
    case lua::Value::Kind::integer: return a.integer == b.integer;
    case lua::Value::Kind::floating: return a.number == b.number;
    case lua::Value::Kind::string: return a.string == b.string;
    case lua::Value::Kind::boolean: return a.boolean == b.boolean;
    default: return false;
  }
}

// Every border of a table (lua_rawlen may return any of them): 0 when t[1]
// is nil, and each positive k with t[k] present and t[k+1] absent.
inline std::vector<std::int64_t> borders(const lua::Table& t) {
  auto present = [&](std::int64_t k) { return t.at(k) != nullptr; };
  std::vector<std::int64_t> out;
  if (!present(1)) {
    out.push_back(0);
  }
  for (const auto& e : t.entries) {
    if (e.key.kind == lua::Value::Kind::integer && e.key.integer > 0 &&
        (e.key.integer == std::numeric_limits<std::int64_t>::max() || !present(e.key.integer + 1))) {
      out.push_back(e.key.integer);
    }
  }
  return out;
}

// A JSON value as Lua sees a KumoMTA object read back through __index or
// __pairs (mlua's serde): objects become maps, arrays array-marked
// sequences, null the null sentinel. Same as bridge.cpp's value_from_json.
inline lua::Value value_from_json(const nlohmann::json& j) {
  using K = lua::Value::Kind;
  lua::Value v;
  switch (j.type()) {
    case nlohmann::json::value_t::null: v.kind = K::null; break;
    case nlohmann::json::value_t::boolean:
      v.kind = K::boolean;
      v.boolean = j.get<bool>();
      break;
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
      v.kind = K::integer;
      v.integer = j.get<std::int64_t>();
      break;
    case nlohmann::json::value_t::number_float:
      v.kind = K::floating;
      v.number = j.get<double>();
      break;
    case nlohmann::json::value_t::string:
      v.kind = K::string;
      v.string = j.get<std::string>();
      break;
    case nlohmann::json::value_t::array: {
      auto t = std::make_shared<lua::Table>();
      t->array_marked = true;
      t->raw_length = static_cast<std::int64_t>(j.size());
      std::int64_t i = 1;
      for (const auto& item : j) {
        t->entries.push_back({lua::Value::make_integer(i++), value_from_json(item)});
      }
      v.kind = K::table;
      v.table = std::move(t);
      break;
    }
    case nlohmann::json::value_t::object: {
      auto t = std::make_shared<lua::Table>();
      for (const auto& [k, item] : j.items()) {
        t->entries.push_back({lua::Value::make_string(k), value_from_json(item)});
      }
      v.kind = K::table;
      v.table = std::move(t);
      break;
    }
    default: break;
  }
  return v;
}

}  // namespace kumo::fuzz
