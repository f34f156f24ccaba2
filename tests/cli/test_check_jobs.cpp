// check --jobs N beyond what the golden test holds (every testdata case is
// byte-identical with --jobs 1 and 2, tests/test_golden.cpp): a handler
// that keeps state across calls still gets KQ913 once per line, at the
// first queue in input order.
#include <catch2/catch.hpp>

#include <fstream>
#include <string>

#include "tests/support/run_cli.hpp"
#include "tests/support/temp_dir.hpp"

using kumo::test::run_cli;

namespace {

// A handler that keeps state across calls (KQ913): it counts its calls in a
// global and prints on each Lua state's first call, so a run shows how many
// states evaluated queues.
const char* const k_counting_policy = R"(local kumo = require 'kumo'
kumo.on('get_queue_config', function(domain)
  calls = (calls or 0) + 1
  if calls == 1 then
    print('first call of this state: ' .. domain)
  end
  return kumo.make_queue_config { retry_interval = '20m', max_retry_interval = '2h', max_age = '1 day' }
end)
)";

std::size_t occurrences(const std::string& text, const std::string& what) {
  std::size_t count = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) {
    ++count;
  }
  return count;
}

}  // namespace

TEST_CASE("check --jobs: a handler that keeps state gets KQ913 once, at the first queue in input order",
          "[cli][jobs]") {
  kumo::test::TempDir tmp;
  const std::string queues = (tmp.path / "queues.txt").string();
  {
    std::ofstream out(queues);
    for (int i = 0; i < 2000; ++i) {
      out << "d" << i << ".example.com\n";
    }
  }
  const std::string policy = (tmp.path / "policy.lua").string();
  std::ofstream(policy) << k_counting_policy;
  for (const std::string jobs : {"1", "4"}) {
    INFO("--jobs " << jobs);
    auto r = run_cli({"check", policy, "--queues-file", queues, "--hide-config", "--color", "never", "--jobs", jobs});
    INFO("Lua states that evaluated queues: " << occurrences(r.out + r.err, "first call of this state"));
    CHECK(r.exit_code == 0);
    CHECK(occurrences(r.out, "[KQ913]") == 1);
    const auto first_queue = r.out.find("queue d0.example.com:");
    const auto finding = r.out.find("[KQ913]");
    const auto second_queue = r.out.find("queue d1.example.com:");
    CHECK(first_queue < finding);
    CHECK(finding < second_queue);
    CHECK(r.out.find("kumo-lint: 2000 queues, 0 errors, 1 warning") != std::string::npos);
  }
}

TEST_CASE("check --jobs: the config file's jobs is taken, and refused out of range", "[cli][jobs]") {
  kumo::test::TempDir tmp;
  const std::string policy = std::string(KUMO_LINT_SOURCE_DIR) + "/testdata/examples/policy.lua";
  const auto config = tmp.path / "kumo-lint.toml";
  std::ofstream(config) << "[check]\njobs = 3\n";
  auto taken = run_cli({"check", policy, "--config-file", config.string(), "--quiet"});
  auto sequential = run_cli({"check", policy, "--no-config-file", "--quiet", "--jobs", "1"});
  CHECK(taken.out == sequential.out);
  CHECK(taken.exit_code == sequential.exit_code);
  std::ofstream(config) << "[check]\njobs = 0\n";
  auto refused = run_cli({"check", policy, "--config-file", config.string()});
  CHECK(refused.exit_code == 2);
  CHECK(refused.err ==
        "kumo-lint: error: " + config.string() + ":2: jobs = 0: expected an integer from 1 to 256 (threads)\n");
}
