// kumo.make_queue_config's conversion cache (core/lua/bridge.hpp
// ConversionCache): plain tables are keyed by their exact content, a hit
// gives what converting would (findings at the hit's own call), and every
// testdata policy reports the same with the cache as without it.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>

#include "core/lua/bridge.hpp"
#include "tests/support/evaluation_text.hpp"
#include "tests/support/loaded_policy.hpp"

using kumo::lua::HostOptions;
using kumo::test::describe;
using kumo::test::k_kumo_prelude;
using kumo::test::LoadedPolicy;
using kumo::test::queue;
using kumo::test::read_file;

namespace {

// The encodings of the values `expressions` evaluate to, in one Lua state
// (string hashes, and so the order of a table's entries, are per state);
// "not plain" for a value that is not.
std::vector<std::string> plain_encodings(const std::vector<std::string>& expressions) {
  lua_State* L = luaL_newstate();
  luaL_openlibs(L);
  std::vector<std::string> out;
  for (const auto& expression : expressions) {
    std::string bytes = "no value";
    if (luaL_dostring(L, ("return " + expression).c_str()) == LUA_OK) {
      int top = lua_gettop(L);
      kumo::lua::PlainBuffer buffer;
      bytes = kumo::lua::encode_plain_value(L, -1, buffer) ? std::string(buffer.view()) : "not plain";
      CHECK(lua_gettop(L) == top);  // the stack is as it was, plain or not
      lua_settop(L, 0);
    }
    out.push_back(bytes);
  }
  lua_close(L);
  return out;
}

std::string plain_encoding(const std::string& expression) { return plain_encodings({expression}).front(); }

bool same_plain_encoding(const std::string& a, const std::string& b) {
  auto both = plain_encodings({a, b});
  return both[0] == both[1];
}

std::size_t plain_charge(const std::string& expression) {
  lua_State* L = luaL_newstate();
  kumo::lua::PlainBuffer out;
  std::size_t charge = 0;
  if (luaL_dostring(L, ("return " + expression).c_str()) == LUA_OK) {
    charge = kumo::lua::encode_plain_value(L, -1, out).value_or(0);
  }
  lua_close(L);
  return charge;
}

HostOptions cache_test_options(bool cache_conversions) {
  HostOptions o;
  o.max_instructions = 2'000'000;
  o.max_memory = std::size_t{16} << 20;
  o.cache_conversions = cache_conversions;
  return o;
}

// Distinct queues and repeats (the repeats are the cache's hits); few, as
// every hostile policy runs twice per queue (and again under the sanitizers).
const char* const k_cache_test_queues[] = {"example.com", "c:t2@example.com!r.net", "example.com", "t1@example.com",
                                           "t1@example.com"};

// What a policy reports, loaded and evaluated for k_cache_test_queues in one host.
std::string evaluated_with_cache(const std::filesystem::path& path, bool cache_conversions, std::size_t& hits) {
  kumo::lua::PolicyHost host(cache_test_options(cache_conversions));
  auto loaded = host.load(path.string(), read_file(path));
  std::string out = describe(loaded.diagnostics);
  if (loaded.ok) {
    for (const char* name : k_cache_test_queues) {
      out += describe(host.evaluate(kumo::values::parse_queue_name(name)));
    }
  }
  hits += host.cached_conversions();
  return out;
}

// The policies that build queue configs and whose report depends neither
// on the wall clock nor on reaching a limit: the attacks on the budget and
// on memory have tests of their own (the watchdog's differential, and the
// --max-memory case here), and would only make this one slow.
bool converts_within_limits(const std::filesystem::path& policy) {
  auto args = policy;
  args.replace_extension(".args");
  std::string text = read_file(args);
  for (const char* flag : {"--timeout", "--run-timeout", "--max-instructions", "--max-memory"}) {
    if (text.find(flag) != std::string::npos) {
      return false;
    }
  }
  return read_file(policy).find("make_queue_config") != std::string::npos && policy.stem() != "wall_clock";
}

}  // namespace

TEST_CASE("conversion cache: equal content encodes equal, any difference encodes differently", "[conversion_cache]") {
  CHECK(same_plain_encoding("{ a = 1, b = 'x' }", "{ a = 1, b = 'x' }"));
  CHECK(same_plain_encoding("{ a = { 'p', 'q' } }", "{ a = { 'p', 'q' } }"));
  CHECK_FALSE(same_plain_encoding("{ a = 1 }", "{ a = 1.0 }"));  // Lua 5.4 tells integers from floats; so does serde
  CHECK_FALSE(same_plain_encoding("{ a = 1 }", "{ a = '1' }"));
  CHECK_FALSE(same_plain_encoding("{ a = true }", "{ a = false }"));
  CHECK_FALSE(same_plain_encoding("{ a = 'x' }", "{ a = 'x', b = 'y' }"));
  CHECK_FALSE(same_plain_encoding("{ a = { 'p' } }", "{ a = { 'p', 'q' } }"));
  CHECK_FALSE(same_plain_encoding("{ ['a\\0b'] = 1 }", "{ ['a'] = 1 }"));  // lengths, not terminators
  CHECK_FALSE(same_plain_encoding("{ a = 'ab', b = '' }", "{ a = 'a', b = 'b' }"));
  CHECK_FALSE(same_plain_encoding("{ [1] = 'x' }", "{ ['1'] = 'x' }"));
  CHECK_FALSE(same_plain_encoding("{ a = {} }", "{ a = { {} } }"));
}

TEST_CASE("conversion cache: what read_value treats specially is not plain", "[conversion_cache]") {
  CHECK(plain_encoding("setmetatable({}, {})") == "not plain");
  CHECK(plain_encoding("{ a = setmetatable({}, { __index = function() return 1 end }) }") == "not plain");
  CHECK(plain_encoding("{ f = print }") == "not plain");
  CHECK(plain_encoding("{ co = coroutine.create(print) }") == "not plain");
  CHECK(plain_encoding("{ a = io.stdout }") == "not plain");
  CHECK(plain_encoding("(function() local t = {} t.self = t return t end)()") == "not plain");  // cycles nest too deep
  CHECK(plain_encoding("{{{{{{{{{{}}}}}}}}}}") == "not plain");
  CHECK(plain_encoding("{ s = string.rep('x', 10000) }") == "not plain");  // keys stay small
  // Every byte counts toward the 8 KiB: 18 per entry of a list (its index
  // and its integer, 9 each), so 450 fit and 460 do not.
  CHECK(plain_encoding("(function() local t = {} for i = 1, 450 do t[i] = i end return t end)()") != "not plain");
  CHECK(plain_encoding("(function() local t = {} for i = 1, 460 do t[i] = i end return t end)()") == "not plain");
  CHECK(plain_encoding("{{{{{{{{}}}}}}}}") != "not plain");
  CHECK(plain_encoding("'a string'") != "not plain");
}

TEST_CASE("conversion cache: the charge is read_value's for the same value", "[conversion_cache]") {
  // Reader charges each table, each entry, and each string with its bytes.
  const std::size_t table = plain_charge("{}");
  const std::size_t one_int = plain_charge("{ [1] = 2 }");
  const std::size_t entry = one_int - table;
  const std::size_t empty_string = plain_charge("''");
  CHECK(table > 0);
  CHECK(entry > 0);
  CHECK(plain_charge("{ [1] = 2, [2] = 3 }") == table + 2 * entry);
  CHECK(plain_charge("'abc'") == empty_string + 3);
  CHECK(plain_charge("{ ab = 'xyz' }") == table + entry + 2 * empty_string + 5);
  CHECK(plain_charge("{ a = {} }") == 2 * table + entry + empty_string + 1);
}

TEST_CASE("conversion cache: a hit is located at its own call and counted", "[conversion_cache]") {
  LoadedPolicy p(
      k_kumo_prelude +
      "local function a() return kumo.make_queue_config { max_message_rate = '2000/s', max_age = '1d' } end\n"
      "local function b() return kumo.make_queue_config { max_message_rate = '2000/s', max_age = '1d' } end\n"
      "kumo.on('get_queue_config', function(d) if d == 'a.com' then return a() end return b() end)\n");
  REQUIRE(p.result.ok);
  auto first = p.host.evaluate(queue("a.com"));
  auto other_call = p.host.evaluate(queue("b.com"));
  auto again = p.host.evaluate(queue("a.com"));
  CHECK(p.host.cached_conversions() == 2);
  REQUIRE(first.diagnostics.size() == 1);
  CHECK(first.diagnostics[0].code == "KQ303");
  CHECK(first.diagnostics[0].location.line == 2);
  CHECK(first.config_location->line == 2);
  REQUIRE(other_call.diagnostics.size() == 1);
  CHECK(other_call.diagnostics[0].location.line == 3);
  CHECK(other_call.config_location->line == 3);
  CHECK(describe(again) == describe(first));
  REQUIRE(again.params);
  REQUIRE(first.params);
  CHECK(*again.params == *first.params);
  CHECK(*again.config == *first.config);
  // A hit hands out the config and keys the miss made, not copies.
  CHECK(&*again.config == &*first.config);
  CHECK(again.params == first.params);
  // One shared config object per call site of the table, made on its first
  // call there (line 2's miss, line 3's first hit), reused after.
  CHECK(p.host.shared_config_objects() == 2);
  CHECK(describe(p.host.evaluate(queue("b.com"))) == describe(other_call));
  CHECK(p.host.shared_config_objects() == 2);
}

TEST_CASE("conversion cache: a shared config object reads back as an owned one does", "[conversion_cache]") {
  // The same table twice at one line (a shared object, then the same one
  // again) and once with a metatable (not plain: owned). Each must
  // index, iterate, print, hide its metatable and convert inside another
  // table the same way; the handler raises if one differs.
  LoadedPolicy p(k_kumo_prelude +
                 "local function make(meta) return kumo.make_queue_config(setmetatable({ max_age = '1d', "
                 "retry_interval = '5m' }, meta)) end\n"
                 "local function shape(cfg)\n"
                 "  local keys = {}\n"
                 "  for k, v in pairs(cfg) do keys[#keys + 1] = k end\n"
                 "  table.sort(keys)\n"
                 "  return table.concat(keys, ',') .. '|' .. tostring(cfg.max_age) .. '|' .. tostring(cfg) .. '|' .. "
                 "tostring(getmetatable(cfg)) .. '|' .. type(cfg)\n"
                 "end\n"
                 "kumo.on('get_queue_config', function(d)\n"
                 "  local a, b = make(nil), make(nil)\n"
                 "  local owned = make({})\n"
                 "  assert(shape(a) == shape(b), shape(b))\n"
                 "  assert(shape(a) == shape(owned), shape(a) .. ' vs ' .. shape(owned))\n"
                 "  return a\n"
                 "end)\n");
  REQUIRE(p.result.ok);
  auto ev = p.host.evaluate(queue("a.com"));
  INFO(describe(ev));
  CHECK(ev.config);
  CHECK(ev.diagnostics.empty());
  CHECK(p.host.shared_config_objects() == 1);
  CHECK(p.host.cached_conversions() == 1);
}

TEST_CASE("conversion cache: past a few call sites a table's objects are owned, and all are located at their own call",
          "[conversion_cache]") {
  // Ten call sites of one table with a finding (KQ303): the first eight
  // sites get a shared object, the last two their own.
  std::string source = k_kumo_prelude + "local F = {}\n";
  for (int i = 0; i < 10; ++i) {
    source +=
        "F[" + std::to_string(i) + "] = function() return kumo.make_queue_config { max_message_rate = '2000/s' } end\n";
  }
  source += "kumo.on('get_queue_config', function(d) return F[tonumber(d:match('^(%d+)'))]() end)\n";
  LoadedPolicy p(source);
  REQUIRE(p.result.ok);
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 10; ++i) {
      auto ev = p.host.evaluate(queue(std::to_string(i) + ".example"));
      INFO(describe(ev));
      REQUIRE(ev.diagnostics.size() == 1);
      CHECK(ev.diagnostics[0].code == "KQ303");
      CHECK(ev.diagnostics[0].location.line == 3 + i);
      REQUIRE(ev.config_location);
      CHECK(ev.config_location->line == 3 + i);
    }
  }
  CHECK(p.host.shared_config_objects() == kumo::lua::ConversionCache::k_max_sites);
  CHECK(p.host.cached_conversions() == 19);
}

TEST_CASE("conversion cache: a table changed between calls is converted again", "[conversion_cache]") {
  LoadedPolicy p(k_kumo_prelude +
                 "local T = { max_age = '1d' }\n"
                 "kumo.on('get_queue_config', function(d)\n"
                 "  if d == 'b.com' then T.max_age = 'nonsense' end\n"
                 "  return kumo.make_queue_config(T)\nend)\n");
  REQUIRE(p.result.ok);
  CHECK(p.host.evaluate(queue("a.com")).config);
  auto changed = p.host.evaluate(queue("b.com"));
  CHECK_FALSE(changed.config);
  CHECK(describe(changed).find("KQ003") != std::string::npos);
  CHECK(p.host.cached_conversions() == 0);
}

TEST_CASE("conversion cache: --max-memory sees the same charges with the cache as without", "[conversion_cache]") {
  // Configs kept alive hold memory (an owned one its charge, a shared one
  // its userdata): the policy keeps one per call until the limit stops it,
  // in the same call either way.
  const std::string policy = k_kumo_prelude +
                             "KEPT = {}\n"
                             "kumo.on('get_queue_config', function(d)\n"
                             "  for i = 1, 200000 do\n"
                             "    KEPT[#KEPT + 1] = kumo.make_queue_config { max_age = '1d', egress_pool = 'p' }\n"
                             "  end\n"
                             "  return kumo.make_queue_config {}\nend)\n";
  auto run = [&](bool cache) {
    HostOptions o = cache_test_options(cache);
    o.max_memory = std::size_t{8} << 20;
    o.max_instructions = 50'000'000;
    // Counted from the first instruction: an attempt stopped at its 12 ms
    // grace would run again with KEPT already full (docs/sandbox.md, what a
    // handler that keeps state sees), which timing decides.
    o.unhooked_calls = false;
    LoadedPolicy p(policy, o);
    REQUIRE(p.result.ok);
    auto ev = p.host.evaluate(queue("a.com"));
    if (cache) {
      CHECK(p.host.cached_conversions() > 1000);
    } else {
      CHECK(p.host.cached_conversions() == 0);
    }
    return describe(ev);
  };
  const std::string cached = run(true);
  CHECK(cached.find("KQ909") != std::string::npos);
  // At the handler's line (3) either way: where in it the limit is reached
  // (a host charge on line 5, or Lua's allocator) varied run to run.
  CHECK(cached.find("inline.lua:3 ") != std::string::npos);
  CHECK(cached == run(false));
}

TEST_CASE("conversion cache: every testdata policy reports the same with the cache as without", "[conversion_cache]") {
  std::vector<std::filesystem::path> policies;
  for (const char* dir : {"ok", "bad", "hostile"}) {
    for (const auto& entry :
         std::filesystem::directory_iterator(std::filesystem::path(KUMO_LINT_SOURCE_DIR "/testdata/policies") / dir)) {
      if (entry.path().extension() == ".lua" && converts_within_limits(entry.path())) {
        policies.push_back(entry.path());
      }
    }
  }
  policies.push_back(KUMO_LINT_SOURCE_DIR "/testdata/examples/policy.lua");
  std::sort(policies.begin(), policies.end());
  REQUIRE(policies.size() > 80);
  std::size_t hits = 0;
  std::size_t hits_off = 0;
  for (const auto& policy : policies) {
    INFO(policy.string());
    CHECK(evaluated_with_cache(policy, true, hits) == evaluated_with_cache(policy, false, hits_off));
  }
  CHECK(hits > 100);  // the cache answered: the comparison covers hits
  CHECK(hits_off == 0);
}
