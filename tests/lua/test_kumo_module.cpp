// kumo.domain_map, kumo.memoize, kumo.make_throttle, kumo.secrets: the kumo
// functions helpers call, with vectors from KumoMTA's own tests.
#include <catch2/catch.hpp>

#include "tests/support/printed.hpp"

using kumo::test::printed;

TEST_CASE("domain_map: exact keys, wildcards one level or more, intermediate nodes hide the wildcard", "[kumo_memo]") {
  auto out = printed(
      "local m = kumo.domain_map.new { ['*.example.com'] = 42, ['example.com'] = 24,\n"
      "  ['omg.wtf.woot.example.com'] = 128 }\n"
      "print(m['foo.com'], m['example.com'], m['lemon.example.com'], m['lemon.cake.example.com'])\n"
      "print(m['woot.example.com'], m['wtf.woot.example.com'], m['omg.wtf.woot.example.com'])\n"
      "print(m['EXAMPLE.COM'], m['com'])\n");
  REQUIRE(out.size() == 3);
  CHECK(out[0] == "nil\t24\t42\t42");
  CHECK(out[1] == "nil\tnil\t128");
  CHECK(out[2] == "nil\tnil");  // labels match case-sensitively, as in kumod
}

TEST_CASE("domain_map: assignment adds keys, values are frozen copies", "[kumo_memo]") {
  auto out = printed(
      "local src = { max_age = '1d' }\n"
      "local m = kumo.domain_map.new { ['a.com'] = src }\n"
      "src.max_age = '2d'\n"
      "m['*.b.com'] = { x = { 1, 2 } }\n"
      "local a = m['a.com']\n"
      "print(type(a), a.max_age, m['c.b.com'].x[2], #m['c.b.com'].x, kumo.domain_map.new()['x'])\n"
      "print(pcall(function() return m[{}] end))\n");
  REQUIRE(out.size() == 2);
  CHECK(out[0] == "userdata\t1d\t2\t2\tnil");
  CHECK(out[1] == "false\tbad argument #2: error converting Lua table to String (expected string or number)");
}

TEST_CASE("memoized tables: read through, write unshares, pairs in key order, len counts entries", "[kumo_memo]") {
  auto out = printed(
      "local m = kumo.domain_map.new { d = { b = 2, a = 1, [1] = 'x', [3] = 'y' } }\n"
      "local t = m.d\n"
      "local keys = {}\n"
      "for k, v in pairs(t) do keys[#keys + 1] = tostring(k) .. '=' .. tostring(v) end\n"
      "print(table.concat(keys, ' '), #t)\n"
      "t.c = nil\n"
      "print(t.c, m.d.c, #t)\n"
      "local s = kumo.domain_map.new { d = { b = 2, a = 1 } }.d\n"
      "s.c = nil\n"
      "print(kumo.json_encode(s))\n");
  REQUIRE(out.size() == 3);
  CHECK(out[0] == "1=x 3=y a=1 b=2\t4");
  // A nil assignment stores JSON null (kumod converts nil to a CacheValue);
  // the map's own copy is unchanged.
  CHECK(out[1] == "userdata: (nil)\tnil\t5");
  CHECK(out[2] == "{\"a\":1,\"b\":2,\"c\":null}");
}

TEST_CASE("memoize: one call per distinct arguments, several results come back as one list", "[kumo_memo]") {
  auto out = printed(
      "local calls = 0\n"
      "local f = kumo.memoize(function(a, b) calls = calls + 1; return a, { b = b } end,\n"
      "  { name = 'test', ttl = '1 minute', capacity = 2 })\n"
      "local r = f(1, 'x'); f(1, 'x'); f(2, 'x'); f(3, 'x'); f(1, 'x')\n"
      "print(calls, type(r), r[1], r[2].b)\n"
      "local g = kumo.memoize(function() end, { name = 'g', ttl = 60, capacity = 1 })\n"
      "print(g())\n");
  REQUIRE(out.size() == 2);
  // 1 (miss), 1 (hit), 2, 3 (evicts 1), 1 (miss again): 4 calls.
  CHECK(out[0] == "4\ttable\t1\tx");
  CHECK(out[1] == "nil");
}

TEST_CASE("memoize: parameters are checked as kumod reads them", "[kumo_memo]") {
  auto out = printed(
      "print(pcall(kumo.memoize, print, { name = 'x', ttl = '1m' }))\n"
      "print(pcall(kumo.memoize, print, { name = 'x', ttl = '1m', capacity = 1, typo = true }))\n"
      "print(pcall(kumo.memoize, print, { name = 'x', ttl = 'soon', capacity = 1 }))\n"
      "local f = kumo.memoize(function(x) return x end, { name = 'x', ttl = '1m', capacity = 1 })\n"
      "print(pcall(f, print))\n");
  REQUIRE(out.size() == 4);
  CHECK(out[0] == "false\tmissing field `capacity`, while processing {\"name\":\"x\",\"ttl\":\"1m\"}");
  CHECK(out[1].rfind("false\tunknown field `typo`, expected one of `ttl`, `capacity`, `name`", 0) == 0);
  CHECK(out[2].rfind("false\tttl: not a valid duration", 0) == 0);
  CHECK(out[3] == "false\tunsupported value type `function`");
}

TEST_CASE("make_throttle: the spec is parsed as kumod does, explain is kumod's text", "[kumo_throttle]") {
  auto out = printed(
      "local t = kumo.make_throttle('t', '100/h')\n"
      "print(t:explain())\n"
      "print(pcall(kumo.make_throttle, 't', '100/fortnight'))\n"
      "local slept = t:sleep_if_throttled()\n"
      "print(slept, t:throttle().throttled)\n");
  REQUIRE(out.size() == 5);
  CHECK(out[0] ==
        "100/h\nimplied burst rate 100 every 36s, or: 3/s, 167/m, 10,000/h, 240,000/d in that period.\n"
        "overall rate 0.028/s, 2/m, 100/h, 2,400/d");
  CHECK(out[1].rfind("false\t", 0) == 0);
  CHECK(out[2] == "false\tfalse");
  // The counters are kumod's: at the top level each call degrades (KQ914).
  CHECK(out[3].rfind("KQ914: throttle:sleep_if_throttled() of lua-user-throttle-t needs kumod's throttle counters",
                     0) == 0);
  CHECK(out[4].rfind("KQ914: throttle:throttle() of lua-user-throttle-t", 0) == 0);
}

TEST_CASE("secrets.load: files through the sandbox, key_data, Vault degraded", "[kumo_secrets]") {
  auto out = printed(
      "print(kumo.secrets.load { key_data = 'k1' }, kumo.secrets.load { key_data = { 104, 105 } })\n"
      "print(#kumo.secrets.load '" KUMO_LINT_SOURCE_DIR
      "/testdata/examples/policy.lua' > 0)\n"
      "print(pcall(kumo.secrets.load, '/etc/shadow'))\n"
      "print(pcall(kumo.secrets.load, { nope = 1 }))\n"
      "local v = kumo.secrets.load { vault_mount = 'secret', vault_path = 'dkim/example.com' }\n"
      "print(v == '', kumo.available_parallelism())\n");
  REQUIRE(out.size() == 6);
  CHECK(out[0] == "k1\thi");
  CHECK(out[2].rfind("false\tkumo.secrets.load(\"/etc/shadow\") is blocked by kumo-lint's sandbox", 0) == 0);
  CHECK(out[3] ==
        "false\t"
        "data did not match any variant of untagged enum KeySource, while processing "
        "{\"nope\":1}");
  CHECK(out[4] == "true\t4");
  CHECK(out[5].rfind("KQ914: kumo.secrets.load (Vault) needs HashiCorp Vault", 0) == 0);
}

TEST_CASE("invoke_get_egress_path_config: with no handler registered the call fails as in kumod", "[kumo_module]") {
  auto out = printed(
      "print(pcall(kumo.invoke_get_egress_path_config, 'gmail.com', 'unspecified', 'site'))\n"
      "print(pcall(kumo.invoke_get_egress_path_config, 'gmail.com', 'unspecified', {}))\n");
  REQUIRE(out.size() == 2);
  CHECK(out[0] == "false\tEvent get_egress_path_config has not been registered");
  CHECK(out[1].rfind("false\tbad argument #3: error converting Lua table to String", 0) == 0);
}
