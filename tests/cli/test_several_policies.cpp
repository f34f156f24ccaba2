// `check a.lua b.lua ...` and `check -` (cli/command_check.cpp): each policy
// in its own Lua state against the same queues, the worst exit code, one
// document, standard input as a policy, and each policy's own config file
// and baseline entries. The formats' shapes are pinned by
// testdata/several's goldens.
#include <catch2/catch.hpp>

#include <fstream>

#include <nlohmann/json.hpp>

#include "tests/support/run_cli.hpp"
#include "tests/support/temp_dir.hpp"

using kumo::test::read_source_file;
using kumo::test::run_cli;
using kumo::test::TempDir;

namespace {

const std::string k_clean_policy = "testdata/examples/policy.lua";
const std::string k_failing_policy = "testdata/policies/bad/kq101_egress_pool_unresolved.lua";

std::size_t count_of(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) {
    ++n;
  }
  return n;
}

// A directory holding `policy` as init.lua and `config` as its .kumo-lint.toml.
struct PolicyInOwnDir {
  std::filesystem::path policy;
  PolicyInOwnDir(const std::filesystem::path& root, const std::string& name, const std::string& config) {
    std::filesystem::create_directories(root / name);
    policy = root / name / "init.lua";
    std::filesystem::copy_file(std::filesystem::path(KUMO_LINT_SOURCE_DIR) / k_failing_policy, policy);
    std::ofstream(root / name / ".kumo-lint.toml") << config;
  }
};

}  // namespace

TEST_CASE("several policies: each is checked and the exit code is the worst", "[several]") {
  auto clean_and_failing = run_cli({"check", k_clean_policy, k_failing_policy, "-q", "gmail.com", "--quiet"});
  CHECK(clean_and_failing.exit_code == 1);
  CHECK(count_of(clean_and_failing.out, "policy testdata/") == 2);
  CHECK(clean_and_failing.out.find("kumo-lint: 2 policies, 2 queues, 1 error, 1 warning\n") != std::string::npos);

  TempDir dir;
  const std::string broken = (dir.path / "broken.lua").string();
  std::ofstream(broken) << "local kumo = require 'kumo'\nkumo.on('get_queue_config', function(\n";
  // A policy that does not load is exit 3 whatever the others found; the
  // others are still checked and reported.
  auto with_broken = run_cli({"check", k_failing_policy, broken, "-q", "gmail.com", "--quiet"});
  CHECK(with_broken.exit_code == 3);
  CHECK(with_broken.out.find("[KQ101]") != std::string::npos);
  CHECK(with_broken.out.find("kumo-lint: the policy could not be loaded; 0 queues") != std::string::npos);
  CHECK(with_broken.out.find("kumo-lint: not every policy could be loaded; 2 policies, 1 queue,") != std::string::npos);

  auto both_clean = run_cli({"check", k_clean_policy, k_clean_policy, "-q", "gmail.com"});
  CHECK(both_clean.exit_code == 0);
}

TEST_CASE("several policies: a policy that cannot be read stops the run before any output", "[several]") {
  auto r = run_cli({"check", k_clean_policy, "testdata/no-such-policy.lua", "-q", "gmail.com", "--format", "json"});
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK(r.err.find("testdata/no-such-policy.lua does not exist") != std::string::npos);
}

TEST_CASE("several policies: JSON is one document, a policy object per policy and the total", "[several]") {
  auto r =
      run_cli({"check", k_clean_policy, k_failing_policy, "-q", "gmail.com", "-q", "yahoo.com", "--format", "json"});
  const auto doc = nlohmann::json::parse(r.out);
  REQUIRE(doc["policies"].size() == 2);
  CHECK(doc["policies"][0]["policy"] == k_clean_policy);
  CHECK(doc["policies"][1]["policy"] == k_failing_policy);
  CHECK(doc["policies"][1]["results"].size() == 2);
  CHECK(doc["policies"][1]["summary"]["errors"] == 2);
  CHECK(doc["summary"]["policies"] == 2);
  CHECK(doc["summary"]["queues"] == 4);
  CHECK(doc["summary"]["errors"] == 2);
  CHECK(doc.find("policy") == doc.end());
}

TEST_CASE("several policies: one queues file from standard input serves every policy", "[several]") {
  auto r = run_cli({"check", k_clean_policy, k_failing_policy, "--queues-file", "-", "--quiet"},
                   "gmail.com\nyahoo.com # two queues\n");
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("[KQ101] (2 queues: gmail.com, yahoo.com)") != std::string::npos);
  CHECK(r.out.find("kumo-lint: 2 policies, 4 queues,") != std::string::npos);
}

TEST_CASE("check -: the policy from standard input, named <stdin>", "[several]") {
  auto r = run_cli({"check", "-", "-q", "gmail.com", "--quiet"}, read_source_file(k_failing_policy));
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("<stdin>:4:5: error: egress_pool \"pool-a\"") != std::string::npos);

  auto mixed =
      run_cli({"check", k_clean_policy, "-", "-q", "gmail.com", "--quiet"}, read_source_file(k_failing_policy));
  CHECK(mixed.exit_code == 1);
  CHECK(mixed.out.find("policy <stdin>\n") != std::string::npos);

  auto binary = run_cli({"check", "-", "-q", "gmail.com"}, std::string("\x1bLua\x54", 5));
  CHECK(binary.exit_code == 2);
  CHECK(binary.err.find("policy file <stdin> is binary") != std::string::npos);
}

TEST_CASE("check -: standard input holds one policy, or the queues file, not both", "[several]") {
  auto twice = run_cli({"check", "-", "-"});
  CHECK(twice.exit_code == 2);
  CHECK(twice.err.find("standard input (-) is given as a policy more than once") != std::string::npos);
  auto both = run_cli({"check", "-", "--queues-file", "-"});
  CHECK(both.exit_code == 2);
  CHECK(both.err.find("cannot hold both the policy and --queues-file") != std::string::npos);
}

TEST_CASE("several policies: each reads the .kumo-lint.toml of its own directory", "[several]") {
  TempDir root;
  std::filesystem::create_directories(root.path / ".git");
  PolicyInOwnDir quiet(root.path, "quiet", "[check]\nignore = [\"KQ101\", \"KQ203\"]\n");
  PolicyInOwnDir strict(root.path, "strict", "[check]\nfail-level = \"warning\"\nignore = [\"KQ101\"]\n");
  // quiet/ ignores everything its policy has; strict/ fails on its KQ203 warning.
  auto r = run_cli({"check", quiet.policy.string(), strict.policy.string(), "-q", "gmail.com", "--quiet"});
  CHECK(r.exit_code == 1);
  CHECK(count_of(r.out, "[KQ203]") == 1);
  CHECK(count_of(r.out, "[KQ101]") == 0);
  auto alone = run_cli({"check", quiet.policy.string(), "-q", "gmail.com"});
  CHECK(alone.exit_code == 0);
}

TEST_CASE("several policies: a baseline of several holds each policy's own findings", "[several]") {
  TempDir dir;
  const std::string baseline = (dir.path / "baseline.json").string();
  std::ofstream(baseline)
      << run_cli({"check", k_clean_policy, k_failing_policy, "-q", "gmail.com", "--format", "json"}).out;
  auto again =
      run_cli({"check", k_clean_policy, k_failing_policy, "-q", "gmail.com", "--baseline", baseline, "--quiet"});
  CHECK(again.exit_code == 0);
  CHECK(again.out.find("kumo-lint: 2 policies, 2 queues, 0 errors, 0 warnings, 2 baselined\n") != std::string::npos);

  // Entries are matched by policy: the same findings in another policy are new.
  const std::string copy = (dir.path / "copy.lua").string();
  std::filesystem::copy_file(std::filesystem::path(KUMO_LINT_SOURCE_DIR) / k_failing_policy, copy);
  auto other = run_cli({"check", k_clean_policy, copy, "-q", "gmail.com", "--baseline", baseline, "--quiet"});
  CHECK(other.exit_code == 1);
  CHECK(other.out.find("kumo-lint: 2 policies, 2 queues, 1 error, 1 warning\n") != std::string::npos);

  // A baseline of one policy applies to a run of one, whatever its name now.
  std::ofstream(baseline) << run_cli({"check", k_failing_policy, "-q", "gmail.com", "--format", "json"}).out;
  auto moved = run_cli({"check", "-", "-q", "gmail.com", "--baseline", baseline}, read_source_file(k_failing_policy));
  CHECK(moved.exit_code == 0);
}
