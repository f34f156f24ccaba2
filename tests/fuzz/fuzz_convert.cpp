// libFuzzer target: the Lua-table → config conversion (reference §1, §5,
// §6). The bytes decode to a lua::Value tree (see decode_value), which goes
// through convert_queue_config, convert_egress_pool and convert_egress_source.
// Properties:
//   * no crash, no sanitizer report;
//   * a result holds a config exactly when kumo_error is empty (KumoMTA
//     accepted the table), and a rejected table has an error finding;
//   * an accepted QueueConfig serializes (to_kumo_json, dumped with invalid
//     UTF-8 replaced), and its serialized form read back as Lua sees a
//     config object (__pairs: objects → maps, arrays → array-marked
//     sequences, null → the null sentinel) converts again to an equal
//     config with the same serialized form: KumoMTA's own round trip;
//   * the same round trip for an accepted EgressPool.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include "core/config/convert.hpp"
#include "core/config/egress.hpp"
#include "core/config/serialize.hpp"
#include "tests/fuzz/fuzz_check.hpp"
#include "tests/fuzz/fuzz_lua_tables.hpp"

namespace {

using kumo::fuzz::ByteReader;
using kumo::lua::Value;
using K = Value::Kind;

constexpr int k_max_depth = 6;
constexpr int k_max_entries = 8;

Value decode_value(ByteReader& in, int depth);

Value string_value(ByteReader& in) {
  const auto& words = kumo::fuzz::dictionary();
  return Value::make_string(std::string(words[in.byte() % words.size()]));
}

// A table: up to 8 entries with keys from the dictionary, positional
// (next free index) or explicit integer keys, rarely float or boolean keys;
// nil values are dropped and duplicate keys keep the first, as a Lua table
// holds each key once. raw_length is one of the table's borders, chosen by
// a byte (lua_rawlen returns some border); the array mark is rare.
Value decode_table(ByteReader& in, int depth) {
  auto t = std::make_shared<kumo::lua::Table>();
  const int n = in.byte() % (k_max_entries + 1);
  std::int64_t next_index = 1;
  for (int i = 0; i < n && !in.done(); ++i) {
    const std::uint8_t k = in.byte();
    Value key;
    switch (k % 10) {
      case 0:
      case 1:
      case 2:
      case 3: key = string_value(in); break;
      case 4:
      case 5:
      case 6: key = Value::make_integer(next_index++); break;
      case 7: {
        static const std::int64_t ints[] = {0, 1, 2, 3, 4, -1, 100, std::numeric_limits<std::int64_t>::max()};
        key = Value::make_integer(ints[in.byte() % 8]);
        break;
      }
      case 8:
        key.kind = K::floating;
        key.number = k & 0x10 ? 0.5 : -1.5;
        break;
      default:
        if (k & 0x10) {
          key.kind = K::boolean;
          key.boolean = (k & 0x20) != 0;
        } else {
          key = Value::make_string(in.bytes(12));
        }
    }
    Value value = decode_value(in, depth + 1);
    if (value.is_nil()) {
      continue;
    }
    bool duplicate = false;
    for (const auto& e : t->entries) {
      duplicate = duplicate || kumo::fuzz::same_key(e.key, key);
    }
    if (!duplicate) {
      t->entries.push_back({std::move(key), std::move(value)});
    }
  }
  std::sort(t->entries.begin(), t->entries.end(), kumo::fuzz::key_less);
  const auto borders = kumo::fuzz::borders(*t);
  const std::uint8_t shape = in.byte();
  t->raw_length = borders[shape % borders.size()];
  t->array_marked = (shape & 0xE0) == 0xE0;
  Value v;
  v.kind = K::table;
  v.table = std::move(t);
  return v;
}

// One byte picks the kind; at the depth limit a table becomes a string.
Value decode_value(ByteReader& in, int depth) {
  const std::uint8_t b = in.byte();
  Value v;
  switch (b % 16) {
    case 0: return v;  // nil
    case 1: v.kind = K::null; return v;
    case 2:
      v.kind = K::boolean;
      v.boolean = (b & 0x10) != 0;
      return v;
    case 3: {
      const auto& ints = kumo::fuzz::edge_integers();
      return Value::make_integer(ints[in.byte() % ints.size()]);
    }
    case 4: return Value::make_integer(b & 0x10 ? in.int64() : static_cast<std::int8_t>(in.byte()));
    case 5: {
      const auto& floats = kumo::fuzz::edge_floats();
      v.kind = K::floating;
      v.number = floats[in.byte() % floats.size()];
      return v;
    }
    case 6:
    case 7:
    case 8: return string_value(in);
    case 9: return Value::make_string(in.bytes(24));
    case 10:
    case 11:
    case 12:
      if (depth < k_max_depth) {
        return decode_table(in, depth);
      }
      return string_value(in);
    case 13: v.kind = K::function; return v;
    case 14:
      v.kind = K::userdata;
      if (b & 0x10) {
        v.object_type = "EgressPool";  // a kumo object that is not a config
      }
      return v;
    default: v.kind = (b & 0x10) ? K::recursive_table : K::thread; return v;
  }
}

std::string dump(const nlohmann::json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

template <class Result>
void check_accepted_iff_no_kumo_error(bool accepted, const Result& r, const char* what, std::string_view input) {
  kumo::fuzz::require(accepted == r.kumo_error.empty(), what, input);
  bool has_error = false;
  for (const auto& d : r.findings) {
    has_error = has_error || d.severity == kumo::diag::Severity::error;
  }
  kumo::fuzz::require(accepted || has_error, "a rejected table has an error finding", input);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace kumo::config;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  ByteReader in(data, size);
  // The top level is a table unless the first byte says otherwise.
  const Value params = (size > 0 && data[0] >= 0xF0) ? decode_value(in, 0) : decode_table(in, 0);

  const ConversionResult r = convert_queue_config(params);
  static const bool debug = std::getenv("KUMO_FUZZ_DEBUG") != nullptr;
  if (debug) {  // replaying one input: show what it became
    std::fprintf(stderr, "config: %s\n", r.config ? dump(to_kumo_json(*r.config)).c_str() : r.kumo_error.c_str());
  }
  check_accepted_iff_no_kumo_error(r.config.has_value(), r, "config present <=> kumo_error empty", input);
  if (r.config) {
    const nlohmann::json j = to_kumo_json(*r.config);
    const std::string text = dump(j);
    kumo::fuzz::require(!text.empty(), "to_kumo_json dumps", input);
    const ConversionResult again = convert_queue_config(kumo::fuzz::value_from_json(j));
    if (!again.config) {
      std::fprintf(stderr, "serialized: %s\nkumo_error: %s\n", text.c_str(), again.kumo_error.c_str());
    }
    kumo::fuzz::require(again.config.has_value(), "the serialized config converts again", input);
    if (!(*again.config == *r.config)) {
      std::fprintf(stderr, "first:  %s\nsecond: %s\n", text.c_str(), dump(to_kumo_json(*again.config)).c_str());
    }
    kumo::fuzz::require(*again.config == *r.config, "re-converting the serialized config gives the same config", input);
    kumo::fuzz::require(to_kumo_json(*again.config) == j, "the serialized form is a fixed point", input);
  }

  const auto pool = convert_egress_pool(params);
  check_accepted_iff_no_kumo_error(pool.value.has_value(), pool, "pool present <=> kumo_error empty", input);
  if (pool.value) {
    const nlohmann::json j = egress_pool_to_kumo_json(*pool.value);
    (void)dump(j);
    const auto again = convert_egress_pool(kumo::fuzz::value_from_json(j));
    kumo::fuzz::require(again.value.has_value(), "the serialized pool converts again", input);
    kumo::fuzz::require(egress_pool_to_kumo_json(*again.value) == j, "the pool round trip is a fixed point", input);
  }

  const auto source = convert_egress_source(params);
  check_accepted_iff_no_kumo_error(source.value.has_value(), source, "source present <=> kumo_error empty", input);
  if (source.value) {
    (void)dump(source.value->serialized);
  }
  return 0;
}
