// Handler calls without the per-instruction count (core/lua/watchdog.hpp):
// a call that outlives its grace runs again, counted, so every report is
// the one a fully counted run gives. The attacks here are the ways a
// policy could keep running unhooked: a loop in the handler, in a
// coroutine made while unhooked, inside a pcall that would swallow the stop.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/lua/host.hpp"
#include "core/lua/watchdog.hpp"
#include "tests/support/evaluation_text.hpp"
#include "tests/support/loaded_policy.hpp"

using kumo::lua::HostOptions;
using kumo::test::describe;
using kumo::test::k_kumo_prelude;
using kumo::test::LoadedPolicy;
using kumo::test::queue;
using kumo::test::read_file;

namespace {

// A budget small enough for runaway code to be stopped quickly, large
// enough that calls start unhooked.
constexpr std::uint64_t k_budget = 10'000'000;

HostOptions options_with(bool unhooked_calls) {
  HostOptions o;
  o.max_instructions = k_budget;
  o.unhooked_calls = unhooked_calls;
  return o;
}

// The hostile policies that attack the instruction budget (their
// arguments set it), less those whose report depends on the wall clock,
// and two that take seconds at this budget (a resume or a pcall per
// iteration): the coroutine and pcall cases below attack the same paths.
bool attacks_the_budget(const std::filesystem::path& policy) {
  if (policy.stem() == "coroutine_loop" || policy.stem() == "nested_pcall") {
    return false;
  }
  auto args = policy;
  args.replace_extension(".args");
  std::string text = read_file(args);
  return text.find("--max-instructions") != std::string::npos && text.find("--timeout") == std::string::npos &&
         text.find("--run-timeout") == std::string::npos && policy.stem() != "wall_clock";
}

std::string evaluated(const std::string& path, bool unhooked_calls, std::size_t& reruns) {
  kumo::lua::PolicyHost host(options_with(unhooked_calls));
  auto loaded = host.load(path, read_file(path));
  std::string out = describe(loaded.diagnostics);
  if (loaded.ok) {
    for (const char* domain : {"example.com", "second.example.com"}) {
      out += describe(host.evaluate(queue(domain)));
    }
  }
  reruns += host.counted_reruns();
  return out;
}

}  // namespace

TEST_CASE("watchdog: the grace is the time the budget takes at four times the fastest speed seen", "[watchdog]") {
  using std::chrono::milliseconds;
  CHECK(kumo::lua::unhooked_grace(100'000'000) == milliseconds(25));
  CHECK(kumo::lua::unhooked_grace(8'000'000) == kumo::lua::k_min_grace);
  CHECK(kumo::lua::unhooked_grace(1'000'000) < kumo::lua::k_min_grace);  // such budgets count every call
}

TEST_CASE("watchdog: every hostile policy against the budget gets the same report unhooked as counted", "[watchdog]") {
  const std::filesystem::path dir = KUMO_LINT_SOURCE_DIR "/testdata/policies/hostile";
  std::vector<std::filesystem::path> policies;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".lua" && attacks_the_budget(entry.path())) {
      policies.push_back(entry.path());
    }
  }
  std::sort(policies.begin(), policies.end());
  REQUIRE(policies.size() > 15);
  std::size_t reruns = 0;
  std::size_t counted_reruns = 0;
  for (const auto& policy : policies) {
    INFO(policy.filename().string());
    std::string unhooked = evaluated(policy.string(), true, reruns);
    std::string counted = evaluated(policy.string(), false, counted_reruns);
    CHECK(unhooked == counted);
  }
  CHECK(counted_reruns == 0);
  CHECK(reruns > 0);  // the runaway loops were stopped unhooked, then counted: the path was taken
}

TEST_CASE("watchdog: a stopped call runs again with the host as before it, and the state it kept", "[watchdog]") {
  // The first attempt loops for ever; it is stopped, and the counted run
  // finds LOOPED set: it returns a config. Counted from the start, the
  // same call would spend its budget. This is the documented price of a
  // handler that keeps state across calls.
  LoadedPolicy p(k_kumo_prelude +
                     "kumo.on('get_queue_config', function(domain)\n"
                     "  print('before ' .. tostring({}))\n"
                     "  if not LOOPED then\n"
                     "    LOOPED = true\n"
                     "    while true do end\n"
                     "  end\n"
                     "  return kumo.make_queue_config {}\n"
                     "end)\n",
                 options_with(true));
  REQUIRE(p.result.ok);
  auto ev = p.host.evaluate(queue("example.com"));
  CHECK(p.host.counted_reruns() == 1);
  CHECK(ev.config);
  REQUIRE(ev.logs.size() == 1);                          // the stopped attempt's line is gone
  CHECK(ev.logs[0].text == "before table: 0x00000001");  // and so is the object number it took
  REQUIRE(ev.diagnostics.size() == 1);
  CHECK(ev.diagnostics[0].code == "KQ913");  // written by the stopped attempt only, still reported
  CHECK(ev.diagnostics[0].location.line == 5);
}

TEST_CASE("watchdog: a coroutine made while unhooked is counted when a later call resumes it", "[watchdog]") {
  // A thread starts with its creator's hooks: made by an unhooked call it
  // would have none, and the watchdog's signal reaches only the main thread.
  HostOptions o = options_with(true);
  o.timeout_seconds = 20;  // if it ever ran uncounted: a KQ912 after 20 s, not a hang
  LoadedPolicy p(k_kumo_prelude +
                     "local co\n"
                     "kumo.on('get_queue_config', function(domain)\n"
                     "  if not co then co = coroutine.create(function() while true do end end) end\n"
                     "  local w = coroutine.wrap(function() if domain == 'b.com' then while true do end end end)\n"
                     "  if domain == 'a.com' then coroutine.resume(co) end\n"
                     "  w()\n"
                     "  return kumo.make_queue_config {}\n"
                     "end)\n",
                 o);
  REQUIRE(p.result.ok);
  auto first = p.host.evaluate(queue("c.com"));  // makes co, unhooked
  CHECK(first.config);
  CHECK(p.host.counted_reruns() == 0);

  // co's own count stops the unhooked attempt; the counted run again then
  // finds co dead (it is state the handler keeps) and goes on.
  auto a = p.host.evaluate(queue("a.com"));
  INFO(describe(a));
  CHECK(p.host.counted_reruns() == 1);
  CHECK(a.config);

  // A coroutine made and resumed in the same call: stopped, then counted.
  auto b = p.host.evaluate(queue("b.com"));
  INFO(describe(b));
  CHECK(p.host.counted_reruns() == 2);
  CHECK_FALSE(b.config);
  CHECK(kumo::test::first_code(b) == "KQ908");
}

TEST_CASE("watchdog: pcall cannot swallow the stop", "[watchdog]") {
  LoadedPolicy p(k_kumo_prelude +
                     "kumo.on('get_queue_config', function(domain)\n"
                     "  for i = 1, 3 do pcall(function() while true do end end) end\n"
                     "  return kumo.make_queue_config {}\n"
                     "end)\n",
                 options_with(true));
  auto ev = p.host.evaluate(queue("example.com"));
  CHECK_FALSE(ev.config);
  CHECK(kumo::test::first_code(ev) == "KQ908");
  CHECK(p.host.counted_reruns() == 1);
}
