// libFuzzer target: the real path, a Lua policy whose get_queue_config
// handler returns kumo.make_queue_config(<table>), loaded in a PolicyHost
// with small limits and evaluated for one queue.
//
// First byte even: the rest of the bytes drive a generator that writes the
// table as Lua source and, alongside, the lua::Value that bridge.cpp should
// read from it (the model). Properties:
//   * the generated policy compiles and loads;
//   * no crash, hang or escaping C++ exception;
//   * the config is empty exactly when an error-severity KQ0xx/KQ3xx/KQ9xx
//     diagnostic is present, with one exception: KQ017 (max_age beyond
//     chrono) is an error KumoMTA itself accepts, so it may stand beside a
//     config; KQ1xx errors (unresolved egress_pool, missing custom_lua
//     constructor) are reference checks made on an accepted config;
//   * when the model is exact (every table has a single border, so
//     lua_rawlen is determined, and no key is assigned twice), the config
//     equals convert_queue_config(model): the Lua reader agrees with the
//     model, including nested config objects read back in serialized form.
// First byte odd (below 0x80): the rest is raw Lua, the body of the
// handler; the only properties are no crash, no hang, no escaping exception,
// a failed load has an error diagnostic, and an empty config comes with an
// error diagnostic.
// First byte 0x80 or above: the rest is a whole policy file (top level,
// kumo.on registrations, requires), loaded as default_policy_path() (a file
// in testdata/policies/hostile/, so relative requires resolve there) with
// small limits, and evaluated for one queue, or two when bit 0 is set; the
// properties are those of raw Lua. The committed corpus uses 0x00 and 0x01,
// which keep their meaning; testdata/policies/hostile/*.lua are the seeds of
// this mode (replay_main.cpp prefixes 0x81).
// Every mode: no file named /tmp/kumo-lint-hostile-* appears (the hostile
// cases aim there).
#include <cctype>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <set>
#include <string>
#include <system_error>

#include "core/config/convert.hpp"
#include "core/config/serialize.hpp"
#include "core/lua/host.hpp"
#include "tests/fuzz/fuzz_check.hpp"
#include "tests/fuzz/fuzz_lua_tables.hpp"
#include "tests/fuzz/fuzz_policy.hpp"

#ifndef KUMO_LINT_SOURCE_DIR
#define KUMO_LINT_SOURCE_DIR "."
#endif

namespace kumo::fuzz {

namespace {
std::string& policy_path() {
  static std::string path = default_policy_path();
  return path;
}
PolicyStats& stats() {
  static PolicyStats s;
  return s;
}
}  // namespace

void set_policy_path(std::string path) { policy_path() = std::move(path); }

const std::string& default_policy_path() {
  static const std::string path = KUMO_LINT_SOURCE_DIR "/testdata/policies/hostile/fuzz_input.lua";
  return path;
}

const PolicyStats& policy_stats() { return stats(); }

}  // namespace kumo::fuzz

namespace {

using kumo::fuzz::ByteReader;
using kumo::lua::Value;
using K = Value::Kind;

constexpr int k_max_depth = 6;
constexpr int k_max_entries = 8;

struct Model {
  bool exact = true;    // the Value below is exactly what Lua will hold
  bool raises = false;  // a nested make_queue_config rejects its table
};

std::string lua_string(std::string_view s) {
  std::string out = "\"";
  for (unsigned char ch : s) {
    if (std::isalnum(ch) || ch == ' ' || ch == '_' || ch == '.' || ch == '/' || ch == ':' || ch == '-' || ch == '{' ||
        ch == '}' || ch == '[' || ch == ']' || ch == '@') {
      out.push_back(static_cast<char>(ch));
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\%03u", ch);
      out += buf;
    }
  }
  return out + "\"";
}

bool is_identifier(std::string_view s) {
  static const char* const keywords[] = {"and",      "break",  "do",   "else", "elseif", "end",  "false", "for",
                                         "function", "goto",   "if",   "in",   "local",  "nil",  "not",   "or",
                                         "repeat",   "return", "then", "true", "until",  "while"};
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) {
    return false;
  }
  for (unsigned char ch : s) {
    if (!std::isalnum(ch) && ch != '_') {
      return false;
    }
  }
  for (const char* k : keywords) {
    if (s == k) {
      return false;
    }
  }
  return true;
}

std::string lua_integer(std::int64_t i) {
  if (i == std::numeric_limits<std::int64_t>::min()) {
    return "0x8000000000000000";  // hex integers wrap; the decimal would be a float
  }
  return std::to_string(i);
}

std::string lua_float(double d) {
  if (std::isnan(d)) {
    return "(0/0)";
  }
  if (std::isinf(d)) {
    return d < 0 ? "(-1/0)" : "(1/0)";
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", d);
  std::string s = buf;
  if (s.find_first_of(".en") == std::string::npos) {
    s += ".0";  // keep it a float
  }
  return s;
}

Value gen_value(ByteReader& in, int depth, std::string& src, Model& m);

Value object_value(const kumo::config::QueueConfig& cfg) {
  Value v = kumo::fuzz::value_from_json(kumo::config::to_kumo_json(cfg));
  v.object_type = "QueueConfig";
  return v;
}

// A table constructor. Positional items take the next index even when nil;
// an explicit key already used is not written again; an explicit integer
// key that a later positional item also fills makes the model inexact (the
// manual leaves the order of constructor assignments undefined).
Value gen_table(ByteReader& in, int depth, std::string& src, Model& m) {
  auto t = std::make_shared<kumo::lua::Table>();
  src += "{";
  const int n = in.byte() % (k_max_entries + 1);
  std::int64_t next_index = 1;
  for (int i = 0; i < n && !in.done(); ++i) {
    const std::uint8_t k = in.byte();
    Value key;
    std::string key_src;
    bool positional = false;
    switch (k % 10) {
      case 0:
      case 1:
      case 2:
      case 3: {
        const auto& words = kumo::fuzz::dictionary();
        key = Value::make_string(std::string(words[in.byte() % words.size()]));
        key_src = is_identifier(key.string) ? key.string : "[" + lua_string(key.string) + "]";
        break;
      }
      case 4:
      case 5:
      case 6:
        positional = true;
        key = Value::make_integer(next_index++);
        break;
      case 7: {
        static const std::int64_t ints[] = {0, 1, 2, 3, 4, -1, 100, std::numeric_limits<std::int64_t>::max()};
        key = Value::make_integer(ints[in.byte() % 8]);
        key_src = "[" + lua_integer(key.integer) + "]";
        break;
      }
      case 8:
        key.kind = K::floating;
        key.number = k & 0x10 ? 0.5 : -1.5;
        key_src = "[" + lua_float(key.number) + "]";
        break;
      default:
        if (k & 0x10) {
          key.kind = K::boolean;
          key.boolean = (k & 0x20) != 0;
          key_src = key.boolean ? "[true]" : "[false]";
        } else {
          key = Value::make_string(in.bytes(12));
          key_src = "[" + lua_string(key.string) + "]";
        }
    }
    bool duplicate = false;
    for (const auto& e : t->entries) {
      duplicate = duplicate || kumo::fuzz::same_key(e.key, key);
    }
    // A positional item (even nil) already took this index: Lua stores
    // positional items last, so the explicit key would be overwritten.
    duplicate = duplicate || (!positional && key.kind == K::integer && key.integer >= 1 && key.integer < next_index);
    if (duplicate && !positional) {
      continue;
    }
    if (duplicate) {
      m.exact = false;
    }
    if (!positional) {
      src += key_src + " = ";
    }
    Value value = gen_value(in, depth + 1, src, m);
    src += ", ";
    if (!value.is_nil() && !duplicate) {
      t->entries.push_back({std::move(key), std::move(value)});
    }
  }
  src += "}";
  // fuzz_convert's shape byte (border, array mark): read and ignored, so
  // one input decodes to the same table in both targets; here Lua itself
  // decides the border.
  (void)in.byte();
  std::sort(t->entries.begin(), t->entries.end(), kumo::fuzz::key_less);
  const auto borders = kumo::fuzz::borders(*t);
  m.exact = m.exact && borders.size() == 1;
  t->raw_length = borders.front();
  Value v;
  v.kind = K::table;
  v.table = std::move(t);
  return v;
}

Value gen_value(ByteReader& in, int depth, std::string& src, Model& m) {
  const std::uint8_t b = in.byte();
  Value v;
  switch (b % 16) {
    case 0: src += "nil"; return v;
    // An unset optional field reads back as the null sentinel (kumo.json_parse('null') is nil).
    case 1:
      src += "kumo.make_queue_config{}.egress_pool";
      v.kind = K::null;
      return v;
    case 2:
      v.kind = K::boolean;
      v.boolean = (b & 0x10) != 0;
      src += v.boolean ? "true" : "false";
      return v;
    case 3:
    case 4: {
      const auto& ints = kumo::fuzz::edge_integers();
      v = Value::make_integer(b % 16 == 3 ? ints[in.byte() % ints.size()] : static_cast<std::int8_t>(in.byte()));
      src += lua_integer(v.integer);
      return v;
    }
    case 5: {
      const auto& floats = kumo::fuzz::edge_floats();
      v.kind = K::floating;
      v.number = floats[in.byte() % floats.size()];
      src += lua_float(v.number);
      return v;
    }
    case 6:
    case 7:
    case 8: {
      const auto& words = kumo::fuzz::dictionary();
      v = Value::make_string(std::string(words[in.byte() % words.size()]));
      src += lua_string(v.string);
      return v;
    }
    case 9:
      v = Value::make_string(in.bytes(24));
      src += lua_string(v.string);
      return v;
    case 10:
    case 11:
    case 12:
      if (depth < k_max_depth) {
        return gen_table(in, depth, src, m);
      }
      src += "\"20m\"";
      return Value::make_string("20m");
    case 13:
      src += "function() end";
      v.kind = K::function;
      return v;
    case 14: {
      // json_parse: '[]' is an array-marked empty table, '{}' a plain one.
      auto t = std::make_shared<kumo::lua::Table>();
      t->array_marked = (b & 0x10) != 0;
      src += t->array_marked ? "kumo.json_parse('[]')" : "kumo.json_parse('{}')";
      v.kind = K::table;
      v.table = std::move(t);
      return v;
    }
    default: {
      // A config object as a value: read back in serialized form.
      if (depth >= k_max_depth) {
        src += "nil";
        return v;
      }
      src += "kumo.make_queue_config(";
      Model inner;
      Value params = gen_table(in, depth, src, inner);
      src += ")";
      m.exact = m.exact && inner.exact;
      m.raises = m.raises || inner.raises;
      auto r = kumo::config::convert_queue_config(params);
      if (!r.config) {
        m.raises = true;
        return v;
      }
      return object_value(*r.config);
    }
  }
}

bool code_in(const std::string& code, char hundreds) { return code.size() == 5 && code[2] == hundreds; }

void check(const kumo::lua::Evaluation& ev, bool strict, std::string_view input) {
  bool has_error = false;
  bool unexplained_error = false;  // an error that should not stand beside a config
  for (const auto& d : ev.diagnostics) {
    if (d.severity != kumo::diag::Severity::error) {
      continue;
    }
    const bool conversion_or_run = code_in(d.code, '0') || code_in(d.code, '3') || code_in(d.code, '9');
    has_error = has_error || conversion_or_run;
    unexplained_error = unexplained_error || (conversion_or_run && d.code != "KQ017");
  }
  if (!ev.config && !has_error) {
    std::fprintf(stderr, "no config and no error diagnostic (%zu diagnostics)\n", ev.diagnostics.size());
  }
  kumo::fuzz::require(static_cast<bool>(ev.config) || has_error, "an empty config comes with an error diagnostic",
                      input);
  if (strict && ev.config && unexplained_error) {
    for (const auto& d : ev.diagnostics) {
      std::fprintf(stderr, "%s %s\n", d.code.c_str(), d.message.c_str());
    }
  }
  kumo::fuzz::require(!strict || !ev.config || !unexplained_error,
                      "a config comes with no KQ0xx/KQ3xx/KQ9xx error but KQ017", input);
}

// Names in /tmp starting with kumo-lint-hostile-: the hostile policies try
// to write, append, exec and popen there.
std::set<std::string> hostile_tmp_files() {
  std::set<std::string> out;
  std::error_code ec;
  for (std::filesystem::directory_iterator it("/tmp", ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (name.rfind("kumo-lint-hostile-", 0) == 0) {
      out.insert(std::move(name));
    }
  }
  return out;
}

// Files that were there before the first input are left alone (a stale
// one from an older, broken build); any other is a sandbox escape.
void check_tmp(std::string_view input) {
  static const std::set<std::string> before = [] {
    auto names = hostile_tmp_files();
    for (const auto& n : names) {
      std::fprintf(stderr, "fuzz_policy: /tmp/%s was there before the first input; it is ignored\n", n.c_str());
    }
    return names;
  }();
  bool created = false;
  for (const auto& n : hostile_tmp_files()) {
    if (!before.count(n)) {
      std::fprintf(stderr, "the policy created /tmp/%s\n", n.c_str());
      created = true;
    }
  }
  kumo::fuzz::require(!created, "no file /tmp/kumo-lint-hostile-* is created", input);
}

bool has_error(const std::vector<kumo::diag::Diagnostic>& diagnostics) {
  for (const auto& d : diagnostics) {
    if (d.severity == kumo::diag::Severity::error) {
      return true;
    }
  }
  return false;
}

void check_load(const kumo::lua::LoadResult& loaded, std::string_view input) {
  kumo::fuzz::require(loaded.ok || has_error(loaded.diagnostics), "a failed load has an error diagnostic", input);
}

void debug_print(const std::string& source, const kumo::lua::LoadResult& loaded, const kumo::lua::Evaluation* ev) {
  static const bool debug = std::getenv("KUMO_FUZZ_DEBUG") != nullptr;
  if (!debug) {  // replaying one input: show what it became
    return;
  }
  if (!loaded.ok) {
    std::fprintf(stderr, "%s-> (not loaded)\n", source.c_str());
    for (const auto& d : loaded.diagnostics) {
      std::fprintf(stderr, "   %s %s\n", d.code.c_str(), d.message.c_str());
    }
    return;
  }
  std::fprintf(stderr, "%s-> %s\n", source.c_str(),
               ev->config ? kumo::config::to_kumo_json(*ev->config).dump().c_str() : "(no config)");
  for (const auto& d : ev->diagnostics) {
    std::fprintf(stderr, "   %s %s\n", d.code.c_str(), d.message.c_str());
  }
}

// A whole policy file, as `kumo-lint check` runs it with small limits.
int run_policy(const std::uint8_t* data, std::size_t size, std::string_view input) {
  auto& st = kumo::fuzz::stats();
  ++st.policy;
  const std::string source(reinterpret_cast<const char*>(data) + 1, size - 1);
  kumo::lua::HostOptions options;
  options.max_instructions = 1'000'000;
  options.max_memory = 16u << 20;
  options.timeout_seconds = 1;
  kumo::lua::PolicyHost host(options);
  const auto loaded = host.load(kumo::fuzz::policy_path(), source);
  check_load(loaded, input);
  if (!loaded.ok) {
    debug_print(source, loaded, nullptr);
    return 0;
  }
  ++st.loaded;
  const char* queues[] = {"example.com", "campaign:tenant@second.example.com"};
  const int n = (data[0] & kumo::fuzz::k_policy_two_queues) ? 2 : 1;
  for (int i = 0; i < n; ++i) {
    const auto ev = host.evaluate(kumo::values::parse_queue_name(queues[i]));
    ++st.evaluations;
    st.configs += static_cast<bool>(ev.config);
    debug_print(source, loaded, &ev);
    check(ev, false, input);
  }
  return 0;
}

int run(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (size > 0 && data[0] >= kumo::fuzz::k_policy_mode) {
    return run_policy(data, size, input);
  }
  const bool raw = size > 0 && (data[0] & 1) != 0;
  auto& st = kumo::fuzz::stats();
  ++(raw ? st.raw : st.generated);
  std::string source =
      "local kumo = require 'kumo'\nkumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)\n";
  Value model;
  Model m;
  if (raw) {
    source.append(reinterpret_cast<const char*>(data) + 1, size - 1);
    source += "\nend)\n";
  } else {
    ByteReader in(data, size);
    (void)in.byte();
    std::string table_src;
    model = gen_table(in, 0, table_src, m);
    source += "  return kumo.make_queue_config(" + table_src + ")\nend)\n";
  }

  kumo::lua::HostOptions options;
  options.max_instructions = 1'000'000;
  options.max_memory = 32u << 20;
  options.timeout_seconds = 1;
  kumo::lua::PolicyHost host(options);
  const auto loaded = host.load("fuzz.lua", source);
  if (!raw && !loaded.ok) {
    std::fprintf(stderr, "generated policy:\n%s\n", source.c_str());
    for (const auto& d : loaded.diagnostics) {
      std::fprintf(stderr, "%s %s\n", d.code.c_str(), d.message.c_str());
    }
  }
  kumo::fuzz::require(raw || loaded.ok, "a generated policy loads", input);
  check_load(loaded, input);
  if (!loaded.ok) {
    debug_print(source, loaded, nullptr);
    return 0;
  }
  ++st.loaded;
  const auto ev = host.evaluate(kumo::values::parse_queue_name("campaign:tenant@example.com"));
  ++st.evaluations;
  st.configs += static_cast<bool>(ev.config);
  debug_print(source, loaded, &ev);
  if (std::getenv("KUMO_FUZZ_DEBUG") != nullptr && !raw) {
    std::fprintf(stderr, "model: exact=%d raises=%d\n", m.exact, m.raises);
  }
  check(ev, !raw, input);
  if (raw) {
    return 0;
  }
  if (m.raises) {
    kumo::fuzz::require(!static_cast<bool>(ev.config), "a rejected nested config fails the handler", input);
    return 0;
  }
  if (!m.exact) {
    return 0;
  }
  const auto expected = kumo::config::convert_queue_config(model);
  if (static_cast<bool>(expected.config) != static_cast<bool>(ev.config) ||
      (expected.config && !(*expected.config == *ev.config))) {
    std::fprintf(
        stderr, "generated policy:\n%s\nmodel: %s\nhost:  %s\n", source.c_str(),
        expected.config ? kumo::config::to_kumo_json(*expected.config).dump().c_str() : expected.kumo_error.c_str(),
        ev.config ? kumo::config::to_kumo_json(*ev.config).dump().c_str() : "(no config)");
  }
  kumo::fuzz::require(static_cast<bool>(expected.config) == static_cast<bool>(ev.config),
                      "the host accepts exactly what the model converts", input);
  kumo::fuzz::require(!expected.config || *expected.config == *ev.config, "the host's config equals the model's",
                      input);
  return 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    run(data, size);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "C++ exception escaped: %s\n", e.what());
    std::abort();
  } catch (...) {
    // lua5.4-c++ raises Lua errors as exceptions of its own type.
    std::fprintf(stderr, "a non-std exception escaped\n");
    std::abort();
  }
  check_tmp(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
