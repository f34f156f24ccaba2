// The Lua host: handler chain semantics (§7.3), the kumo model, the sandbox
// and the limits, driven through PolicyHost with small inline policies.
#include <catch2/catch.hpp>

#include <algorithm>

#include "core/config/serialize.hpp"
#include "core/lua/host.hpp"
#include "tests/support/loaded_policy.hpp"

using kumo::lua::HostOptions;
using kumo::lua::PolicyHost;
using kumo::test::first_code;
using kumo::test::k_kumo_prelude;
using kumo::test::LoadedPolicy;
using kumo::test::queue;
using kumo::values::QueueName;

namespace {}  // namespace

TEST_CASE("handlers run in order, a bare return passes the queue on", "[lua_host]") {
  LoadedPolicy p(k_kumo_prelude +
                 "kumo.on('get_queue_config', function(d) if d == 'a.com' then return "
                 "kumo.make_queue_config{max_age='1d'} end end)\n"
                 "kumo.on('get_queue_config', function(d) return kumo.make_queue_config{max_age='2d'} end)\n");
  REQUIRE(p.result.ok);
  auto a = p.host.evaluate(queue("a.com"));
  auto b = p.host.evaluate(queue("b.com"));
  REQUIRE(a.config);
  REQUIRE(b.config);
  CHECK(a.handler->index == 1);
  CHECK(b.handler->index == 2);
  CHECK(kumo::config::to_kumo_json(*b.config)["max_age"] == "2days");
}

TEST_CASE("an explicit nil does not fall through (KumoMTA converts nil and fails)", "[lua_host]") {
  LoadedPolicy p(k_kumo_prelude +
                 "kumo.on('get_queue_config', function() return nil end)\n"
                 "kumo.on('get_queue_config', function() return kumo.make_queue_config{} end)\n");
  auto ev = p.host.evaluate(queue("a.com"));
  CHECK_FALSE(ev.config);
  CHECK(first_code(ev) == "KQ904");
}

TEST_CASE("the handler receives tenant, campaign and routing domain, nil when absent", "[lua_host]") {
  LoadedPolicy p(k_kumo_prelude +
                 "kumo.on('get_queue_config', function(d, t, c, r)\n"
                 "  print(d, t, c, r)\n  return kumo.make_queue_config{}\nend)\n");
  auto ev = p.host.evaluate(QueueName{"camp", "", "d.com", "r.net"});
  REQUIRE(ev.logs.size() == 1);
  CHECK(ev.logs[0].text == "d.com\t\tcamp\tr.net");
  CHECK(ev.logs[0].location.line == 3);
}

TEST_CASE("a failed make_queue_config is reported key by key, even through pcall-free handlers", "[lua_host]") {
  LoadedPolicy p(
      k_kumo_prelude +
      "kumo.on('get_queue_config', function()\n  return kumo.make_queue_config{ max_age = 'x', strategy = 1 }\nend)\n");
  auto ev = p.host.evaluate(queue("a.com"));
  CHECK_FALSE(ev.config);
  REQUIRE(ev.diagnostics.size() == 2);
  CHECK(ev.diagnostics[0].location.line == 3);
}

TEST_CASE("make_queue_config raises KumoMTA's error text, which a policy can catch", "[lua_host]") {
  LoadedPolicy p(k_kumo_prelude +
                 "kumo.on('get_queue_config', function()\n"
                 "  local ok, err = pcall(kumo.make_queue_config, { max_age = true })\n"
                 "  print(err)\n  return kumo.make_queue_config{}\nend)\n");
  auto ev = p.host.evaluate(queue("a.com"));
  REQUIRE(ev.config);
  REQUIRE(ev.logs.size() == 1);
  CHECK(ev.logs[0].text ==
        "deserialize error: invalid type: boolean `true`, expected a duration, while processing {\"max_age\":true}");
}

TEST_CASE("config objects read back in serialized form", "[lua_host]") {
  LoadedPolicy p(k_kumo_prelude +
                 "local c = kumo.make_queue_config{ retry_interval = 90 }\n"
                 "print(c.retry_interval, c.max_age, c.egress_pool == nil)\n"
                 "local again = kumo.make_queue_config(c)\nprint(again.retry_interval)\n");
  REQUIRE(p.result.ok);
  REQUIRE(p.result.logs.size() == 2);
  CHECK(p.result.logs[0].text == "1m 30s\t7days\tfalse");
  CHECK(p.result.logs[1].text == "1m 30s");
}

TEST_CASE("kumo.on inside a handler is refused, as in KumoMTA", "[lua_host]") {
  LoadedPolicy p(k_kumo_prelude + "kumo.on('get_queue_config', function() kumo.on('init', function() end) end)\n");
  auto ev = p.host.evaluate(queue("a.com"));
  REQUIRE(first_code(ev) == "KQ903");
  CHECK(ev.diagnostics[0].message.find("from within the event handler 'get_queue_config'") != std::string::npos);
}

TEST_CASE("error objects that are not strings are reported, even when __tostring fails", "[lua_host]") {
  LoadedPolicy p(k_kumo_prelude +
                 "kumo.on('get_queue_config', function()\n"
                 "  error(setmetatable({}, { __tostring = function() error('nested') end }))\nend)\n");
  auto ev = p.host.evaluate(queue("a.com"));
  REQUIRE(first_code(ev) == "KQ903");
  CHECK(ev.diagnostics[0].message == "get_queue_config handler raised an error: (error object is a table value)");
  CHECK(ev.diagnostics[0].location.line == 3);
}

TEST_CASE("the sandbox blocks commands, writes and C modules at the calling line", "[lua_host]") {
  for (const char* call : {"os.execute('true')", "io.popen('ls')", "io.open('/tmp/kumo-lint-test', 'w')",
                           "os.remove('/tmp/x')", "package.loadlib('x', 'y')", "os.exit(1)", "io.read()"}) {
    LoadedPolicy p(k_kumo_prelude + "kumo.on('get_queue_config', function()\n  " + call + "\nend)\n");
    auto ev = p.host.evaluate(queue("a.com"));
    INFO(call);
    REQUIRE(first_code(ev) == "KQ910");
    CHECK(ev.diagnostics[0].location.line == 3);
  }
}

TEST_CASE("binary chunks are refused by load", "[lua_host]") {
  LoadedPolicy p(k_kumo_prelude + "local f, err = load(string.dump(function() end))\nprint(f, err)\n");
  REQUIRE(p.result.ok);
  CHECK(p.result.logs[0].text == "nil\tattempt to load a binary chunk (mode is 't')");
}

TEST_CASE("the instruction budget stops loops, also inside coroutines", "[lua_host]") {
  HostOptions options;
  options.max_instructions = 100000;
  LoadedPolicy p(k_kumo_prelude +
                     "kumo.on('get_queue_config', function()\n"
                     "  coroutine.wrap(function() while true do end end)()\nend)\n",
                 options);
  auto ev = p.host.evaluate(queue("a.com"));
  CHECK(first_code(ev) == "KQ908");
}

TEST_CASE("after a memory error the state recovers for the next queue", "[lua_host]") {
  HostOptions options;
  options.max_memory = 16u << 20;
  LoadedPolicy p(k_kumo_prelude +
                     "kumo.on('get_queue_config', function(d)\n"
                     "  if d == 'big.com' then local t = {} for i = 1, 1e8 do t[i] = i end end\n"
                     "  return kumo.make_queue_config{}\nend)\n",
                 options);
  CHECK(first_code(p.host.evaluate(queue("big.com"))) == "KQ909");
  auto next = p.host.evaluate(queue("small.com"));
  CHECK(next.config);
}

TEST_CASE("at the top level, calls kumo-lint cannot make degrade to neutral values with a KQ914 warning",
          "[lua_host]") {
  LoadedPolicy p(k_kumo_prelude +
                 "local mx = kumo.dns.lookup_mx('gmail.com')\n"
                 "print(#mx.hosts, mx.site_name, mx.domain_name, mx.is_mx)\n"
                 "local c = kumo.frobnicate { x = 1 }\nprint(type(c), type(c.field))\n"
                 "kumo.sleep(30)\nkumo.spawn_task { event_name = 'x', args = {} }\n"
                 "print(type(kumo.start_esmtp_listener), kumo.version)\n"
                 "for i = 1, 2 do kumo.dns.lookup_addr('a') end\n");
  REQUIRE(p.result.ok);
  REQUIRE(p.result.logs.size() == 3);
  CHECK(p.result.logs[0].text == "0\t\tgmail.com\tfalse");
  CHECK(p.result.logs[1].text == "table\ttable");
  CHECK(p.result.logs[2].text == "function\t2026.08.04-3ebc1e85");
  // lookup_mx, frobnicate, lookup_addr (once for its line); sleep and
  // spawn_task change nothing kumo-lint shows.
  REQUIRE(p.result.diagnostics.size() == 3);
  CHECK(p.result.diagnostics[0].code == "KQ914");
  CHECK(p.result.diagnostics[0].location.line == 2);
  CHECK(p.result.diagnostics[0].message ==
        "kumo.dns.lookup_mx needs DNS: kumo-lint cannot make this call, so it returned an answer with no MX hosts "
        "and loading went on; what the policy derives from it may differ from kumod's; pass --dns FILE to answer it");
  CHECK(p.result.diagnostics[1].message.rfind("kumo.frobnicate is not modeled by kumo-lint: kumo-lint cannot make "
                                              "this call, so it returned a stand-in object",
                                              0) == 0);
  CHECK(p.result.diagnostics[2].location.line == 9);
}

TEST_CASE("inside a handler such calls fail the queue, or warn when the policy catches the error", "[lua_host]") {
  LoadedPolicy p(k_kumo_prelude +
                 "kumo.on('get_queue_config', function(d)\n"
                 "  if d == 'caught.com' then\n"
                 "    local ok = pcall(kumo.dns.lookup_mx, d)\n"
                 "    return kumo.make_queue_config { provider_name = ok and 'x' or nil }\n"
                 "  end\n"
                 "  return kumo.make_queue_config { provider_name = kumo.dns.lookup_mx(d).site_name }\n"
                 "end)\n");
  REQUIRE(p.result.ok);
  auto failed = p.host.evaluate(queue("a.com"));
  CHECK_FALSE(failed.config);
  REQUIRE(failed.diagnostics.size() == 1);
  CHECK(failed.diagnostics[0].code == "KQ906");
  CHECK(failed.diagnostics[0].location.line == 7);
  auto caught = p.host.evaluate(queue("caught.com"));
  REQUIRE(caught.config);
  REQUIRE(caught.diagnostics.size() == 1);
  CHECK(caught.diagnostics[0].code == "KQ914");
  CHECK(caught.diagnostics[0].location.line == 4);
  CHECK(caught.diagnostics[0].message.rfind("kumo.dns.lookup_mx raised an error in the get_queue_config handler", 0) ==
        0);
}

TEST_CASE("require finds modules next to the policy", "[lua_host]") {
  LoadedPolicy p(k_kumo_prelude + "local t = require 'policies.ok.modules.tenants'\nprint(t.pools.marketing)\n");
  REQUIRE(p.result.ok);
  CHECK(p.result.logs[0].text == "pool-bulk");
}

TEST_CASE("a second handler for a single-handler event is reported at its line", "[lua_host]") {
  LoadedPolicy p(k_kumo_prelude + "kumo.on('init', function() end)\nkumo.on('init', function() end)\n");
  REQUIRE(p.result.ok);
  REQUIRE(p.result.diagnostics.size() == 1);
  CHECK(p.result.diagnostics[0].code == "KQ907");
  CHECK(p.result.diagnostics[0].location.line == 3);
}

TEST_CASE("kumo.json_parse marks arrays, so an empty mx_list from JSON is a list", "[lua_host]") {
  LoadedPolicy p(
      k_kumo_prelude +
      "kumo.on('get_queue_config', function()\n"
      "  return kumo.make_queue_config{ protocol = { smtp = { mx_list = kumo.json_parse('[]') } } }\nend)\n");
  CHECK(p.host.evaluate(queue("a.com")).config);
}

TEST_CASE("kumo.time.parse_duration follows the duration grammar", "[lua_host]") {
  LoadedPolicy p(k_kumo_prelude +
                 "local d = kumo.time.parse_duration('1h 30m')\nprint(d.seconds, tostring(d), d.milliseconds)\n"
                 "print(pcall(kumo.time.parse_duration, '10 minuts'))\n");
  REQUIRE(p.result.ok);
  CHECK(p.result.logs[0].text == "5400.0\t1h 30m\t5400000");
  CHECK(p.result.logs[1].text.rfind("false\t", 0) == 0);
}

TEST_CASE("egress pool and source objects read back in serialized form", "[lua_host]") {
  LoadedPolicy p(k_kumo_prelude +
                 "local p = kumo.make_egress_pool { name = 'p', entries = { { name = 's1', weight = 2 } }, ttl = 90 }\n"
                 "print(p.name, p.ttl, p.entries[1].name, p.entries[1].weight)\n"
                 "local s = kumo.make_egress_source { name = 's1', source_address = '10.0.0.1', remote_port = 2525 }\n"
                 "print(s.name, s.source_address, s.remote_port, s.ttl, s.ehlo_domain == nil)\n");
  REQUIRE(p.result.ok);
  CHECK(p.result.logs[0].text == "p\t1m 30s\ts1\t2");
  CHECK(p.result.logs[1].text == "s1\t10.0.0.1\t2525\t1m\tfalse");
}

TEST_CASE("a key holding a NUL byte is reported as the unknown key it is, not cut at the NUL", "[lua_host]") {
  LoadedPolicy p(k_kumo_prelude +
                 "kumo.on('get_queue_config', function() return kumo.make_queue_config { ['a\\0b'] = 1 } end)\n");
  auto ev = p.host.evaluate(queue("x.com"));
  CHECK_FALSE(ev.config);
  CHECK(first_code(ev) == "KQ001");
}

TEST_CASE("egress pool resolutions are kept by name, within a byte budget", "[lua_host]") {
  // The pool is the tenant, so every tenant names a pool of its own; the
  // pool handler says when it runs, and fails with a long message.
  LoadedPolicy p(k_kumo_prelude +
                 "kumo.on('get_egress_pool', function(name) print('resolving ' .. name) "
                 "error(string.rep('x', 3000)) end)\n"
                 "kumo.on('get_queue_config', function(domain, tenant) "
                 "return kumo.make_queue_config{egress_pool = tenant} end)\n");
  REQUIRE(p.result.ok);
  auto of_tenant = [&](const std::string& tenant) {
    return p.host.evaluate(QueueName{std::nullopt, tenant, "example.com", std::nullopt});
  };
  auto resolved = [](const kumo::lua::Evaluation& ev) {
    return std::any_of(ev.logs.begin(), ev.logs.end(),
                       [](const auto& line) { return line.text.rfind("resolving ", 0) == 0; });
  };
  auto first = of_tenant("t0");
  CHECK(resolved(first));
  REQUIRE(first_code(first) == "KQ101");
  auto again = of_tenant("t0");
  CHECK_FALSE(resolved(again));  // kept
  CHECK(again.diagnostics == first.diagnostics);

  // Pools enough to pass the budget (each holds a 3 KB message and a 900
  // byte name): the resolutions start over instead of growing with them.
  const std::string padding(900, 'p');
  for (int i = 1; i <= 1200; ++i) {
    auto ev = of_tenant(padding + std::to_string(i));
    REQUIRE(first_code(ev) == "KQ101");
  }
  auto after = of_tenant("t0");
  CHECK(resolved(after));  // resolved again: the same findings
  CHECK(after.diagnostics == first.diagnostics);
}
