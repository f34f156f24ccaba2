// End-to-end goldens of `kumo-lint diff` (testdata/diff): each case's
// `<case>.args` (one argument per line, after "diff") is run in every
// format and compared with `<case>.expected.txt`, `.expected.json` and
// `.expected.md`, all three required.
//
// The saved check documents some cases compare (testdata/diff/saved/*.json)
// are goldens too: each is `kumo-lint check` with its `.args`, so a change to
// check's output shows up there first, and UPDATE_GOLDENS=1 rewrites them
// with the cases that read them.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>

#include "tests/support/golden.hpp"
#include "tests/support/run_cli.hpp"

namespace fs = std::filesystem;
using kumo::test::args_in_file;
using kumo::test::check_golden;
using kumo::test::run_cli;
using kumo::test::transcript;

namespace {

// The files of `dir` (under the source directory) with extension `ext`, sorted.
std::vector<fs::path> diff_files_in(const std::string& dir, const std::string& ext) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(fs::path(KUMO_LINT_SOURCE_DIR) / dir)) {
    if (e.path().extension() == ext) {
      out.push_back(fs::path(dir) / e.path().filename());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

struct DiffGolden {
  std::string suffix;
  std::vector<std::string> args;
};

const std::vector<DiffGolden> k_diff_goldens = {
    {".expected.txt", {}},
    {".expected.json", {"--format", "json"}},
    {".expected.md", {"--format", "markdown"}},
};

}  // namespace

TEST_CASE("golden: saved check documents that diff cases compare", "[golden][diff]") {
  for (const auto& args_file : diff_files_in("testdata/diff/saved", ".args")) {
    DYNAMIC_SECTION(args_file.string()) {
      std::vector<std::string> args = {"check"};
      const auto extra = args_in_file(args_file);
      args.insert(args.end(), extra.begin(), extra.end());
      args.insert(args.end(), {"--format", "json"});
      check_golden(fs::path(args_file).replace_extension(".json"), run_cli(args).out, kumo::test::Golden::required);
    }
  }
}

TEST_CASE("golden: diff in every format", "[golden][diff]") {
  const auto cases = diff_files_in("testdata/diff", ".args");
  REQUIRE_FALSE(cases.empty());
  for (const auto& args_file : cases) {
    DYNAMIC_SECTION(args_file.string()) {
      std::vector<std::string> args = {"diff"};
      const auto extra = args_in_file(args_file);
      args.insert(args.end(), extra.begin(), extra.end());
      for (const auto& golden : k_diff_goldens) {
        std::vector<std::string> run_args = args;
        run_args.insert(run_args.end(), golden.args.begin(), golden.args.end());
        const auto result = run_cli(run_args);
        check_golden(fs::path(args_file).replace_extension(golden.suffix), transcript(run_args, result),
                     kumo::test::Golden::required);
        // The same input must give byte-identical output.
        CHECK(run_cli(run_args).out == result.out);
      }
    }
  }
}
