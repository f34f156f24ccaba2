// `kumo-lint test`: expectation files (cli/expectation_file.cpp) run
// against their policy. Passing and failing files have goldens in
// testdata/expect/; each kind of malformed file is a usage error naming its
// line, pinned here.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "tests/support/golden.hpp"
#include "tests/support/run_cli.hpp"
#include "tests/support/temp_dir.hpp"

using kumo::test::run_cli;

namespace {

void check_run_golden(const std::vector<std::string>& args, const std::string& golden) {
  kumo::test::check_golden(golden, kumo::test::transcript(args, run_cli(args)), kumo::test::Golden::required);
}

// `kumo-lint test` on an expectation file holding `text`, next to a copy of
// testdata/expect/policy.lua.
kumo::test::CliResult run_expectations(const std::string& text) {
  kumo::test::TempDir dir;
  std::filesystem::copy_file(std::filesystem::path(KUMO_LINT_SOURCE_DIR) / "testdata/expect/policy.lua",
                             dir.path / "policy.lua");
  std::ofstream(dir.path / "t.toml") << text;
  auto r = run_cli({"test", (dir.path / "t.toml").string()});
  // Name the file as the tests below expect it, wherever the temp dir is.
  for (std::string* stream : {&r.out, &r.err}) {
    for (auto at = stream->find(dir.path.string()); at != std::string::npos; at = stream->find(dir.path.string())) {
      stream->replace(at, dir.path.string().size(), "DIR");
    }
  }
  return r;
}

}  // namespace

TEST_CASE("test: every expectation holds, exit 0", "[cli][test_command]") {
  check_run_golden({"test", "testdata/expect/passing.toml"}, "testdata/expect/passing.expected.txt");
}

TEST_CASE("test: a line per failed expectation, exit 1, in text and JUnit", "[cli][test_command]") {
  check_run_golden({"test", "testdata/expect/failing.toml", "testdata/expect/passing.toml"},
                   "testdata/expect/failing.expected.txt");
  check_run_golden({"test", "--format", "junit", "testdata/expect/failing.toml", "testdata/expect/passing.toml"},
                   "testdata/expect/failing.expected.junit.xml");
}

TEST_CASE("test: a policy that does not load is exit 3, its error named", "[cli][test_command]") {
  kumo::test::TempDir dir;
  std::ofstream(dir.path / "broken.lua") << "local x = \n";
  std::ofstream(dir.path / "t.toml") << "policy = 'broken.lua'\n[[expect]]\nqueue = 'gmail.com'\nattempts = 1\n";
  auto r = run_cli({"test", (dir.path / "t.toml").string()});
  CHECK(r.exit_code == 3);
  CHECK(r.out.find("t.toml: policy " + (dir.path / "broken.lua").string() + " did not load: ") != std::string::npos);
  CHECK(r.out.find("[KQ901]") != std::string::npos);
  CHECK(r.out.find("kumo-lint test: 1 file, 0 expectations, 0 failed, 1 policy not loaded\n") != std::string::npos);
}

TEST_CASE("test: a malformed expectation file is exit 2 naming its line, with nothing run", "[cli][test_command]") {
  struct Case {
    std::string text;
    std::string error;
  };
  const std::vector<Case> cases = {
      {"policy = 'policy.lua'\n[[expect]]\nqueue = 'gmail.com'\negress_pol = 'x'\n",
       "DIR/t.toml:4: unknown key `egress_pol` in [[expect]]: a block takes a queue config key, attempts, "
       "expires_after, findings or no_findings (did you mean `egress_pool`?)"},
      {"policy = 'policy.lua'\n[[expect]]\nqueue = 'tenant@'\nattempts = 1\n",
       "DIR/t.toml:3: queue \"tenant@\" has no domain; write it as [campaign:][tenant@]domain[!routing_domain], e.g. "
       "\"tenant@example.com\""},
      {"[[expect]]\nqueue = 'gmail.com'\nattempts = 1\n",
       "DIR/t.toml:1: an expectation file names its policy: policy = \"init.lua\""},
      {"policy = 'policy.lua'\n",
       "DIR/t.toml:1: an expectation file holds [[expect]] blocks, each with a queue and "
       "what it must do"},
      {"policy = 'policy.lua'\n[[expect]]\nqueue = 'gmail.com'\n",
       "DIR/t.toml:2: this [[expect]] block for \"gmail.com\" expects nothing: add a config key (egress_pool = "
       "\"pool-2\"), attempts, expires_after, findings or no_findings = true"},
      {"policy = 'policy.lua'\n[[expect]]\nqueue = 'gmail.com'\nfindings = ['KQ2O3']\n",
       "DIR/t.toml:4: findings: \"KQ2O3\" is not a kumo-lint code (did you mean `KQ203`?)"},
      {"policy = 'policy.lua'\n[[expect]]\nqueue = 'gmail.com'\nexpires_after = '3 dayz'\n",
       "DIR/t.toml:4: expires_after: \"3 dayz\": unknown unit \"dayz\" at 2; did you mean \"days\"?"},
      {"policy = 'policy.lua'\n[[expect]]\nqueue = 'gmail.com'\nattempts = -1\n",
       "DIR/t.toml:4: attempts must be a whole number of delivery attempts, e.g. attempts = 9"},
      {"policy = 'policy.lua'\nqueues = ['x.com']\n[[expect]]\nqueue = 'gmail.com'\nattempts = 1\n",
       "DIR/t.toml:2: unknown key `queues` in an expectation file: it takes policy, the policy's settings (lua-path, "
       "env, map-path, ...) and [[expect]] blocks"},
      {"policy = 'missing.lua'\n[[expect]]\nqueue = 'gmail.com'\nattempts = 1\n",
       "DIR/t.toml:1: policy file DIR/missing.lua does not exist"},
      {"policy = 'policy.lua'\n[[expect]\n", "DIR/t.toml:2: "},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    auto r = run_expectations(c.text);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(r.err.rfind("kumo-lint: error: " + c.error, 0) == 0);
  }
}

TEST_CASE("test: the file's settings run the policy, and its .kumo-lint.toml fills the rest", "[cli][test_command]") {
  kumo::test::TempDir dir;
  std::filesystem::create_directories(dir.path / "lib");
  std::ofstream(dir.path / "lib/pools.lua") << "return { gmail = 'pool-9' }\n";
  std::ofstream(dir.path / "init.lua") << "local kumo = require 'kumo'\nlocal pools = require 'pools'\n"
                                          "kumo.on('get_queue_config', function(domain)\n"
                                          "  return kumo.make_queue_config { max_age = os.getenv('AGE') }\nend)\n";
  std::ofstream(dir.path / ".kumo-lint.toml") << "[check]\nenv = ['AGE=2days']\nlua-path = ['nowhere']\n";
  std::ofstream(dir.path / "t.toml") << "policy = 'init.lua'\nlua-path = ['lib']\n"
                                        "[[expect]]\nqueue = 'gmail.com'\nmax_age = '48h'\n";
  auto r = run_cli({"test", (dir.path / "t.toml").string()});
  CHECK(r.err.empty());
  CHECK(r.out == "kumo-lint test: 1 file, 1 expectation, 0 failed\n");
  CHECK(r.exit_code == 0);
}
