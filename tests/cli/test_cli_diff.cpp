// `kumo-lint diff OLD NEW` (cli/command_diff.cpp): exit codes, and a saved
// `check --format json` output compared with a policy. The outputs' shapes
// are pinned by testdata/diff's goldens.
#include <catch2/catch.hpp>

#include <fstream>

#include "tests/support/run_cli.hpp"
#include "tests/support/temp_dir.hpp"

using kumo::test::run_cli;
using kumo::test::TempDir;

namespace {

const std::string k_diff_old = "testdata/diff/old.lua";
const std::string k_diff_new = "testdata/diff/new.lua";

// `check POLICY ARGS --format json` saved in `dir`.
std::string saved_check(const TempDir& dir, const std::string& policy, std::vector<std::string> args = {}) {
  std::vector<std::string> check = {"check", policy, "--format", "json"};
  check.insert(check.end(), args.begin(), args.end());
  const auto r = run_cli(check);
  const std::string path = (dir.path / "saved.json").string();
  std::ofstream(path) << r.out;
  return path;
}

}  // namespace

TEST_CASE("diff: a policy against itself differs nowhere and exits 0", "[diff][cli]") {
  const auto r = run_cli({"diff", k_diff_old, k_diff_old});
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(r.out.find(": changed") == std::string::npos);
  CHECK(r.out.find("0 changed, 0 added, 0 removed") != std::string::npos);
}

TEST_CASE("diff: two policies that differ exit 1", "[diff][cli]") {
  const auto r = run_cli({"diff", k_diff_old, k_diff_new, "-q", "bulk.example.com"});
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("bulk.example.com: changed") != std::string::npos);
}

TEST_CASE("diff: a missing file, a bad format or a JSON document that is no check output exit 2", "[diff][cli]") {
  CHECK(run_cli({"diff", k_diff_old, "testdata/diff/no-such.lua"}).exit_code == 2);
  CHECK(run_cli({"diff", k_diff_old}).exit_code == 2);
  CHECK(run_cli({"diff", k_diff_old, k_diff_new, "--format", "sarif"}).exit_code == 2);
  TempDir dir;
  const std::string other_json = (dir.path / "other.json").string();
  std::ofstream(other_json) << R"({"name": "not a check output"})";
  const auto r = run_cli({"diff", k_diff_old, other_json});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("is JSON but not `kumo-lint check --format json` output") != std::string::npos);
}

TEST_CASE("diff: a policy that cannot be loaded exits 3 with its findings", "[diff][cli]") {
  TempDir dir;
  const std::string broken = (dir.path / "broken.lua").string();
  std::ofstream(broken) << "local x = \n";
  const auto r = run_cli({"diff", k_diff_old, broken});
  CHECK(r.exit_code == 3);
  CHECK(r.out.empty());
  CHECK(r.err.find("[KQ901]") != std::string::npos);
  CHECK(r.err.find("could not be loaded") != std::string::npos);
}

TEST_CASE("diff: a saved check output against the policy it came from differs nowhere", "[diff][cli]") {
  TempDir dir;
  const std::string saved = saved_check(dir, k_diff_old);
  const auto r = run_cli({"diff", saved, k_diff_old});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("0 changed, 0 added, 0 removed") != std::string::npos);
  // Either way round, and with the queues named.
  CHECK(run_cli({"diff", k_diff_old, saved, "-q", "bulk.example.com"}).exit_code == 0);
}

TEST_CASE("diff: a saved check output against a changed policy shows the change", "[diff][cli]") {
  TempDir dir;
  const std::string saved = saved_check(dir, k_diff_old, {"-q", "bulk.example.com"});
  const auto r = run_cli({"diff", saved, k_diff_new, "-q", "bulk.example.com", "-q", "other.example.com"});
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("bulk.example.com: changed") != std::string::npos);
  // The saved run did not have it: added.
  CHECK(r.out.find("other.example.com: added") != std::string::npos);
}
