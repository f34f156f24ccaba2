// .kumo-lint.toml (cli/config_file.hpp): where it is found, what it sets,
// that flags override it, and that a mistake in it is a usage error naming
// its line.
#include <catch2/catch.hpp>

#include <fstream>

#include "tests/support/run_cli.hpp"
#include "tests/support/temp_dir.hpp"

using kumo::test::last_line;
using kumo::test::run_cli;
using kumo::test::TempDir;

namespace {

// A repository (a .git directory) with the example policy at deploy/init.lua
// and `config` as its root .kumo-lint.toml (none when empty).
struct Repository {
  TempDir dir;
  std::string policy;
  explicit Repository(const std::string& config) {
    std::filesystem::create_directories(dir.path / ".git");
    std::filesystem::create_directories(dir.path / "deploy");
    std::filesystem::copy_file(std::filesystem::path(KUMO_LINT_SOURCE_DIR) / "testdata/examples/policy.lua",
                               dir.path / "deploy/init.lua");
    if (!config.empty()) {
      std::ofstream(dir.path / ".kumo-lint.toml") << config;
    }
    policy = (dir.path / "deploy/init.lua").string();
  }
};

}  // namespace

// The example policy's only warnings are KQ203, for smarthost.example.com,
// maildir.example.com and webhook.

TEST_CASE("config file: found in a parent directory up to the repository root, and applied", "[config_file]") {
  Repository repo("[check]\nfail-level = \"warning\"\nqueues = [\"smarthost.example.com\", \"maildir.example.com\"]\n");
  auto r = run_cli({"check", repo.policy, "--quiet"});
  CHECK(last_line(r.out) == "kumo-lint: 2 queues, 0 errors, 2 warnings");
  CHECK(r.exit_code == 1);  // fail-level warning, from the file
}

TEST_CASE("config file: flags override it, and --no-config-file ignores it", "[config_file]") {
  Repository repo("[check]\nfail-level = \"warning\"\nignore = [\"KQ203\"]\nqueues = [\"gmail.com\"]\n");
  auto from_file = run_cli({"check", repo.policy, "--quiet"});
  CHECK(last_line(from_file.out) == "kumo-lint: 1 queue, 0 errors, 0 warnings");
  CHECK(from_file.exit_code == 0);
  auto overridden = run_cli({"check", repo.policy, "--quiet", "--fail-level", "error", "--ignore", "KQ101", "-q",
                             "smarthost.example.com", "-q", "maildir.example.com"});
  CHECK(last_line(overridden.out) == "kumo-lint: 2 queues, 0 errors, 2 warnings");
  CHECK(overridden.exit_code == 0);
  auto ignored = run_cli({"check", repo.policy, "--quiet", "--no-config-file"});
  CHECK(last_line(ignored.out) == "kumo-lint: 12 queues, 0 errors, 3 warnings");
}

TEST_CASE("config file: [severity] raises, lowers or turns off a code", "[config_file]") {
  Repository raised("[check]\nqueues = [\"smarthost.example.com\"]\n[severity]\nKQ203 = \"error\"\n");
  auto r = run_cli({"check", raised.policy, "--quiet"});
  CHECK(last_line(r.out) == "kumo-lint: 1 queue, 1 error, 0 warnings");
  CHECK(r.exit_code == 1);
  Repository off("[check]\nqueues = [\"smarthost.example.com\"]\n[severity]\nKQ203 = \"off\"\n");
  CHECK(last_line(run_cli({"check", off.policy, "--quiet"}).out) == "kumo-lint: 1 queue, 0 errors, 0 warnings");
  Repository info("[check]\nqueues = [\"smarthost.example.com\"]\n[severity]\nKQ203 = \"info\"\n");
  CHECK(last_line(run_cli({"check", info.policy, "--quiet"}).out) ==
        "kumo-lint: 1 queue, 0 errors, 0 warnings, 1 note");
}

TEST_CASE("config file: the search stops at the repository root", "[config_file]") {
  Repository repo("");
  // A config file above the repository (in the temp dir's parent would be
  // shared; make a nested repository instead) is not read.
  std::filesystem::create_directories(repo.dir.path / "inner/.git");
  std::filesystem::copy_file(repo.policy, repo.dir.path / "inner/init.lua");
  std::ofstream(repo.dir.path / ".kumo-lint.toml") << "[check]\nqueues = [\"gmail.com\"]\n";
  auto r = run_cli({"check", (repo.dir.path / "inner/init.lua").string(), "--quiet"});
  CHECK(last_line(r.out) == "kumo-lint: 12 queues, 0 errors, 3 warnings");
}

TEST_CASE("config file: mistakes are usage errors naming the line, with a did-you-mean", "[config_file]") {
  struct Row {
    std::string config;
    std::string error;
  };
  const std::vector<Row> rows = {
      {"[check]\nignor = [\"KQ1\"]\n", ":2: unknown key `ignor` in [check] (did you mean `ignore`?)\n"},
      {"[chek]\n",
       ":1: unknown key `chek`: a config file has the sections [check] and [severity] (did you mean `check`?)\n"},
      {"[check]\nmax-memory = 0\n", ":2: max-memory = 0: expected an integer from 1 to 65536 (MiB)\n"},
      {"[check]\nfail-level = \"note\"\n", ":2: fail-level = \"note\": expected \"error\" or \"warning\"\n"},
      {"[check]\nselect = \"KQ1\"\n", ":2: this key must be a list of strings, e.g. [\"KQ203\"]\n"},
      {"[severity]\nKQ2O3 = \"off\"\n", ":2: `KQ2O3` in [severity] is not a kumo-lint code (did you mean `KQ203`?)\n"},
      {"[severity]\nKQ203 = \"fatal\"\n",
       ":2: KQ203 = \"fatal\": expected \"error\", \"warning\", \"info\" or \"off\"\n"},
  };
  for (const auto& row : rows) {
    INFO(row.config);
    Repository repo(row.config);
    auto r = run_cli({"check", repo.policy});
    CHECK(r.exit_code == 2);
    const std::string prefix = "kumo-lint: error: " + (repo.dir.path / ".kumo-lint.toml").string();
    CHECK(r.err == prefix + row.error);
  }
}

TEST_CASE("config file: --config-file names one explicitly, and --select entries in it are checked", "[config_file]") {
  Repository repo("");
  std::ofstream(repo.dir.path / "ci.toml") << "[check]\nselect = [\"KQ9\"]\nqueues = [\"gmail.com\"]\n";
  auto r = run_cli({"check", repo.policy, "--quiet", "--config-file", (repo.dir.path / "ci.toml").string()});
  CHECK(last_line(r.out) == "kumo-lint: 1 queue, 0 errors, 0 warnings");
  std::ofstream(repo.dir.path / "bad.toml") << "[check]\nselect = [\"KQ99\"]\n";
  auto bad = run_cli({"check", repo.policy, "--config-file", (repo.dir.path / "bad.toml").string()});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("--select: `KQ99` matches no kumo-lint code") != std::string::npos);
}
