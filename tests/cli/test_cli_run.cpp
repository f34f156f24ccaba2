// The command line as users and CI jobs meet it: exit codes, input files,
// formats. Run in-process through cli::run.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "tests/support/run_cli.hpp"

using kumo::test::run_cli;

namespace {}  // namespace

TEST_CASE("no subcommand is a usage error", "[cli]") {
  auto r = run_cli({});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("A subcommand is required") != std::string::npos);
}

TEST_CASE("check --help exits 0 and documents the exit codes", "[cli]") {
  auto r = run_cli({"check", "--help"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("Exit codes: 0 no error finding") != std::string::npos);
  CHECK(r.out.find("--queues-file") != std::string::npos);
}

TEST_CASE("an unknown flag is a usage error", "[cli]") {
  auto r = run_cli({"check", kumo::test::k_example_policy, "--no-such-flag"});
  CHECK(r.exit_code == 2);
}

TEST_CASE("a bad --format value is a usage error", "[cli]") {
  auto r = run_cli({"check", kumo::test::k_example_policy, "--format", "yaml"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("yaml") != std::string::npos);
}

TEST_CASE("unreadable policy inputs exit 2 with a clear message", "[cli]") {
  SECTION("missing") {
    auto r = run_cli({"check", "testdata/no-such-policy.lua"});
    CHECK(r.exit_code == 2);
    CHECK(r.err == "kumo-lint: error: policy file testdata/no-such-policy.lua does not exist\n");
    CHECK(r.out.empty());
  }
  SECTION("a directory") {
    auto r = run_cli({"check", "testdata"});
    CHECK(r.exit_code == 2);
    CHECK(r.err == "kumo-lint: error: policy file testdata is a directory, not a file\n");
  }
  SECTION("a missing queues file") {
    auto r = run_cli({"check", kumo::test::k_example_policy, "--queues-file", "testdata/none.txt"});
    CHECK(r.exit_code == 2);
    CHECK(r.err == "kumo-lint: error: queues file testdata/none.txt does not exist\n");
  }
}

TEST_CASE("queues come from flags, then the queues file, in order, each once", "[cli]") {
  auto r =
      run_cli({"check", kumo::test::k_example_policy, "-q", "b.example.com", "--queues-file", "-", "--format", "json"},
              "# comment\n\n  a.example.com  \nb.example.com\nc:t@d.example.com!r.example.com\n");
  CHECK(r.exit_code == 0);
  auto doc = nlohmann::json::parse(r.out);
  REQUIRE(doc["results"].size() == 3);
  CHECK(doc["results"][0]["queue"] == "b.example.com");
  CHECK(doc["results"][1]["queue"] == "a.example.com");
  CHECK(doc["results"][2]["queue"] == "c:t@d.example.com!r.example.com");
  CHECK(doc["results"][2]["campaign"] == "c");
  CHECK(doc["results"][2]["tenant"] == "t");
  CHECK(doc["results"][2]["domain"] == "d.example.com");
  CHECK(doc["results"][2]["routing_domain"] == "r.example.com");
  CHECK(doc["summary"]["queues"] == 3);
}

TEST_CASE("check: --fail-level warning turns warnings into exit 1", "[cli]") {
  const std::string policy = "testdata/policies/bad/kq203_retry_lifetime_unused.lua";
  CHECK(run_cli({"check", policy, "-q", "example.com"}).exit_code == 0);
  CHECK(run_cli({"check", policy, "-q", "example.com", "--fail-level", "warning"}).exit_code == 1);
}

TEST_CASE("a policy that cannot load exits 3, and JSON stays one document", "[cli]") {
  auto r = run_cli({"check", "testdata/policies/bad/kq901_policy_syntax.lua", "--format", "json"});
  CHECK(r.exit_code == 3);
  auto doc = nlohmann::json::parse(r.out);
  CHECK(doc["results"].empty());
  CHECK(doc["summary"]["policy_loaded"] == false);
  CHECK(doc["diagnostics"][0]["code"] == "KQ901");
  CHECK(doc["diagnostics"][0]["line"] == 5);
}

TEST_CASE("what the policy prints never reaches stdout in JSON mode", "[cli]") {
  auto r = run_cli({"check", "testdata/policies/ok/multiple_handlers.lua", "-q", "example.com", "--format", "json"});
  CHECK(r.exit_code == 0);
  auto doc = nlohmann::json::parse(r.out);
  auto logs = doc["results"][0]["logs"];
  REQUIRE(logs.size() == 1);
  CHECK(logs[0]["text"] == "default handler for\texample.com\tnil");
  CHECK(logs[0]["line"] == 42);
  CHECK(r.err.empty());
}

TEST_CASE("check: --color always marks severities, never leaves them plain", "[cli]") {
  const std::string policy = "testdata/policies/bad/kq001_unknown_key.lua";
  auto plain = run_cli({"check", policy, "-q", "example.com", "--color", "never"});
  auto colored = run_cli({"check", policy, "-q", "example.com", "--color", "always"});
  CHECK(plain.out.find("\x1b[") == std::string::npos);
  CHECK(colored.out.find("\x1b[1;31merror\x1b[0m:") != std::string::npos);
}

TEST_CASE("check: --hide-config leaves out only the config dumps", "[cli]") {
  const std::vector<std::string> args = {"check", "testdata/policies/bad/kq201_retry_never_retried.lua", "-q",
                                         "example.com"};
  auto full = run_cli(args);
  auto hidden_args = args;
  hidden_args.push_back("--hide-config");
  auto hidden = run_cli(hidden_args);
  CHECK(hidden.exit_code == full.exit_code);
  CHECK(full.out.find("\"retry_interval\": \"2h\"") != std::string::npos);
  CHECK(hidden.out ==
        "queue example.com: handler #1 (testdata/policies/bad/kq201_retry_never_retried.lua:2)\n"
        "testdata/policies/bad/kq201_retry_never_retried.lua:4:5: warning: the first retry would be at 2h, "
        "after max_age=1h: a failed message is never retried (retry_interval=2h) [KQ201]\n"
        "  retries: 1 attempt; expires at 0s of max_age=1h\n"
        "kumo-lint: 1 queue, 0 errors, 1 warning\n");
  // Text only: a JSON reader picks its fields itself.
  auto json_args = args;
  json_args.insert(json_args.end(), {"--format", "json"});
  auto hidden_json_args = json_args;
  hidden_json_args.push_back("--hide-config");
  CHECK(run_cli(hidden_json_args).out == run_cli(json_args).out);
}

TEST_CASE("check: --timeline shows every attempt in text", "[cli]") {
  auto r =
      run_cli({"check", "testdata/policies/bad/kq203_retry_lifetime_unused.lua", "-q", "example.com", "--timeline"});
  CHECK(r.out.find("    9        3days 13h ") != std::string::npos);
  CHECK(r.out.find("expired after attempt 9 at 3days 13h: Next delivery time would be 7days 2h 20m after "
                   "creation, which exceeds max_age=7days") != std::string::npos);
}

TEST_CASE("check: --lua-path finds modules, --allow-read opens data, --env answers os.getenv", "[cli]") {
  const std::string policy = "testdata/lua_path/policy/uses_lua_path.lua";
  SECTION("without the flags the module is not found") {
    auto r = run_cli({"check", policy, "-q", "vip@a.example.com"});
    CHECK(r.exit_code == 3);
    CHECK(r.out.find("module 'shared_pools' not found") != std::string::npos);
  }
  SECTION("with --lua-path but no --allow-read the data file is refused") {
    auto r = run_cli({"check", policy, "-q", "vip@a.example.com", "--lua-path", "testdata/lua_path/lib"});
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("uses_lua_path.lua:7: error: kumo.json_load(\"testdata/lua_path/data.json\") is blocked") !=
          std::string::npos);
    CHECK(r.out.find("and symbolic links) [KQ910]\n") != std::string::npos);
  }
  SECTION("with all three") {
    auto r = run_cli({"check", policy, "-q", "vip@a.example.com", "--lua-path", "testdata/lua_path/lib", "--allow-read",
                      "testdata/lua_path/data.json", "--env", "KUMO_LINT_TEST_RETRY=5m", "--format", "json"});
    auto doc = nlohmann::json::parse(r.out);
    auto config = doc["results"][0]["config"];
    CHECK(config["egress_pool"] == "pool-vip");
    CHECK(config["max_age"] == "2days");
    CHECK(config["retry_interval"] == "5m");
    // The pool has no entries: KQ104, a warning, so the run still passes.
    CHECK(doc["results"][0]["diagnostics"][0]["code"] == "KQ104");
    CHECK(r.exit_code == 0);
  }
  SECTION("an --env without a name is a usage error") {
    auto r = run_cli({"check", policy, "--env", "=5m"});
    CHECK(r.exit_code == 2);
    CHECK(r.err == "kumo-lint: error: --env =5m: expected NAME=VALUE or NAME (a variable to pass through)\n");
  }
}

TEST_CASE("check: --select and --ignore choose the codes reported, and a typo in them is a usage error", "[cli]") {
  // The example's only warnings are KQ203 (KumoMTA's default retry settings).
  auto all = run_cli({"check", kumo::test::k_example_policy, "--quiet", "--fail-level", "warning"});
  CHECK(all.exit_code == 1);
  auto ignored =
      run_cli({"check", kumo::test::k_example_policy, "--quiet", "--fail-level", "warning", "--ignore", "kq203"});
  CHECK(ignored.exit_code == 0);
  CHECK(ignored.out.find("[KQ203]") == std::string::npos);
  auto family =
      run_cli({"check", kumo::test::k_example_policy, "--quiet", "--select", "KQ9,KQ1", "--fail-level", "warning"});
  CHECK(family.exit_code == 0);
  auto typo = run_cli({"check", kumo::test::k_example_policy, "--ignore", "KQ2O3"});
  CHECK(typo.exit_code == 2);
  CHECK(typo.err ==
        "kumo-lint: error: --ignore: `KQ2O3` matches no kumo-lint code (did you mean KQ203?); give a code "
        "such as KQ203 or a family such as KQ2 (docs/diagnostics.md lists them)\n");
}

TEST_CASE("check: a --baseline that is not kumo-lint's JSON output is a usage error", "[cli]") {
  auto r = run_cli({"check", kumo::test::k_example_policy, "--baseline", "testdata/examples/policy.expected.txt"});
  CHECK(r.exit_code == 2);
  CHECK(r.err ==
        "kumo-lint: error: --baseline testdata/examples/policy.expected.txt is not a JSON document; give the "
        "output of `kumo-lint check --format json`\n");
}
