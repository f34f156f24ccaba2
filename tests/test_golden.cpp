// End-to-end golden files: every policy under testdata/policies/{ok,bad,hostile},
// testdata/several and testdata/examples is checked in-process and its whole output compared
// with committed files next to it:
//   <case>.expected.txt   required: a case without one fails, so a policy
//                         added without its golden cannot pass unchecked.
//                         For bad/ it is run with --hide-config (findings,
//                         no config dumps); the others hold the whole output.
//   <case>.expected.json  optional: compared when present (the JSON output
//                         is schema-checked for every case anyway, by ctest's
//                         schemas_validate_check_output).
//   <case>.expected.quiet.txt, .expected.jsonl, .expected.sarif, .expected.github.txt,
//   .expected.junit.xml, .expected.checkstyle.xml
//                         optional, like .expected.json: the same run with
//                         --quiet or in that --format (k_optional_goldens).
// The text output of the hostile ones must also be safe for a terminal.
//
// Update mode: UPDATE_GOLDENS=1 writes every missing .expected.txt and every
// golden whose content changed instead of comparing them (the other checks
// still run); review the diff before committing. An optional golden is never
// created: add an empty file first to opt a case in.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "core/report/render.hpp"
#include "tests/support/golden.hpp"
#include "tests/support/run_cli.hpp"
#include "tests/support/temp_dir.hpp"

namespace fs = std::filesystem;
using kumo::test::check_golden;
using kumo::test::Golden;
using kumo::test::read_source_file;
using kumo::test::run_cli;
using kumo::test::transcript;

namespace {

std::vector<std::string> case_args(const fs::path& policy) {
  fs::path args_file = fs::path(KUMO_LINT_SOURCE_DIR) / fs::path(policy).replace_extension(".args");
  if (!fs::exists(args_file)) {
    return {"-q", "example.com"};
  }
  std::vector<std::string> args;
  std::ifstream in(args_file);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) {
      args.push_back(line);
    }
  }
  return args;
}

std::vector<fs::path> policies_in(const std::string& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(fs::path(KUMO_LINT_SOURCE_DIR) / dir)) {
    if (e.path().extension() == ".lua") {
      out.push_back(fs::path(dir) / e.path().filename());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// What a policy controls must not act on the terminal or forge a finding:
// no control byte but '\n' on either stream, and every line that a CI
// problem matcher takes for a finding (the gcc pattern GitHub's and
// others' matchers use) names the policy, the case's queues file or "queue
// names" (where KQ911 points for a -q name).
void check_terminal_safe(const fs::path& policy, const kumo::test::CliResult& text) {
  for (const std::string* stream : {&text.out, &text.err}) {
    const auto unsafe = std::find_if(stream->begin(), stream->end(), [](char c) {
      const auto byte = static_cast<unsigned char>(c);
      return (byte < 0x20 && byte != '\n') || byte == 0x7f;
    });
    INFO("at byte " << (unsafe - stream->begin()) << " of " << (stream == &text.out ? "stdout" : "stderr"));
    CHECK(unsafe == stream->end());
  }
  static const std::regex k_finding(R"(^(.*?):(\d+):(\d*):?\s+(?:fatal\s+)?(warning|error|note):\s+(.*)$)");
  std::istringstream lines(text.out);
  for (std::string line; std::getline(lines, line);) {
    std::smatch m;
    if (std::regex_search(line, m, k_finding)) {
      INFO(line);
      const std::string where = m[1].str();
      // The policy's files, or the case's own queues file (--queues-file, which the user names).
      const std::string queues_file = fs::path(policy).replace_extension(".queues").string();
      CHECK((where.rfind(policy.string(), 0) == 0 || where == queues_file || where == "queue names"));
    }
  }
}

// The opt-in goldens beyond .expected.json: one per output format other
// programs read, and --quiet text. Each is the case's own run plus `args`.
struct OptionalGolden {
  std::string suffix;
  std::vector<std::string> args;
};

const std::vector<OptionalGolden> k_optional_goldens = {
    {".expected.quiet.txt", {"--quiet"}},           {".expected.jsonl", {"--format", "jsonl"}},
    {".expected.sarif", {"--format", "sarif"}},     {".expected.github.txt", {"--format", "github"}},
    {".expected.junit.xml", {"--format", "junit"}}, {".expected.checkstyle.xml", {"--format", "checkstyle"}},
};

// How a directory's cases are run. The bad policies' text goldens hold only
// findings (--hide-config): each shows one code, and a config dump in ~60
// of them would make every new config key rewrite them all. The valid,
// example and hostile ones keep the whole output.
struct GoldenDir {
  std::string dir;
  bool hostile = false;
  bool hide_config = false;
};

void check_goldens(const GoldenDir& spec) {
  for (const auto& policy : policies_in(spec.dir)) {
    DYNAMIC_SECTION(policy.string()) {
      std::vector<std::string> args = {"check", policy.string(), "--color", "never"};
      auto extra = case_args(policy);
      args.insert(args.end(), extra.begin(), extra.end());
      std::vector<std::string> text_args = args;
      if (spec.hide_config) {
        text_args.push_back("--hide-config");
      }
      auto text = run_cli(text_args);
      if (spec.hostile) {
        check_terminal_safe(policy, text);
      }
      check_golden(fs::path(policy).replace_extension(".expected.txt"), transcript(text_args, text), Golden::required);
      args.push_back("--format");
      args.push_back("json");
      auto json = run_cli(args);
      check_golden(fs::path(policy).replace_extension(".expected.json"), transcript(args, json), Golden::optional);
      args.pop_back();
      args.pop_back();
      for (const auto& golden : k_optional_goldens) {
        const fs::path expected = fs::path(policy).replace_extension(golden.suffix);
        if (fs::exists(fs::path(KUMO_LINT_SOURCE_DIR) / expected)) {
          std::vector<std::string> golden_args = args;
          golden_args.insert(golden_args.end(), golden.args.begin(), golden.args.end());
          check_golden(expected, transcript(golden_args, run_cli(golden_args)), Golden::optional);
        }
      }
      args.push_back("--format");
      args.push_back("json");
      // The same input must give byte-identical output.
      CHECK(run_cli(args).out == json.out);
    }
  }
}

}  // namespace

TEST_CASE("golden: valid policies", "[golden]") { check_goldens({.dir = "testdata/policies/ok"}); }

TEST_CASE("golden: one bad policy per diagnostic", "[golden]") {
  check_goldens({.dir = "testdata/policies/bad", .hide_config = true});
}

TEST_CASE("golden: the README example policy", "[golden]") { check_goldens({.dir = "testdata/examples"}); }

TEST_CASE("golden: several policies in one run", "[golden]") {
  // Each case's .args names the other policies (kept in a subdirectory, so
  // that they are not cases of their own).
  check_goldens({.dir = "testdata/several"});
}

TEST_CASE("golden: policies built on KumoMTA's shipped helpers", "[golden]") {
  // The helpers (queue.lua, sources.lua, ...) are KumoMTA's, read from
  // ../shared/kumomta through --lua-path, never copied here.
  if (!fs::is_directory(fs::path(KUMO_LINT_SOURCE_DIR) / "../shared/kumomta/policy-extras")) {
    WARN("skipped: ../shared/kumomta (KumoMTA's helpers) is not present");
    return;
  }
  check_goldens({.dir = "testdata/helpers"});
}

TEST_CASE("golden: hostile policies are contained, and nothing they attempt happens", "[golden]") {
  // Each hostile policy that tries to run a command or write a file aims at
  // /tmp/kumo-lint-hostile-*: none of those may exist afterwards.
  auto attempted = [] {
    std::vector<std::string> found;
    for (const auto& e : fs::directory_iterator(fs::temp_directory_path())) {
      if (e.path().filename().string().rfind("kumo-lint-hostile-", 0) == 0) {
        found.push_back(e.path().string());
      }
    }
    return found;
  };
  for (const auto& leftover : attempted()) {
    fs::remove(leftover);
  }
  check_goldens({.dir = "testdata/policies/hostile", .hostile = true});
  CHECK(attempted().empty());
}

namespace {

// The formats check writes, as arguments (text is the default).
std::vector<std::vector<std::string>> check_format_args() {
  std::vector<std::vector<std::string>> out;
  for (const auto& f : kumo::report::formats()) {
    if (f.users.check) {
      out.push_back({"--format", std::string(f.name)});
    }
  }
  return out;
}

// Runs `args` with --jobs 1 and with --jobs `jobs` in each of `formats`
// and compares the whole transcripts.
void check_jobs_identical(const std::vector<std::string>& args, const std::string& jobs,
                          const std::vector<std::vector<std::string>>& formats) {
  for (const auto& format : formats) {
    std::vector<std::string> run = args;
    run.insert(run.end(), format.begin(), format.end());
    std::vector<std::string> one = run;
    one.insert(one.end(), {"--jobs", "1"});
    run.insert(run.end(), {"--jobs", jobs});
    INFO(format.back());
    auto sequential = run_cli(one);
    auto parallel = run_cli(run);
    CHECK(parallel.out == sequential.out);
    CHECK(parallel.err == sequential.err);
    CHECK(parallel.exit_code == sequential.exit_code);
  }
}

// The cases whose output --jobs could reorder in any format: those with
// many queues and findings.
std::vector<std::string> every_format_dirs() {
  std::vector<std::string> dirs = {"testdata/policies/ok", "testdata/examples", "testdata/several"};
  if (fs::is_directory(fs::path(KUMO_LINT_SOURCE_DIR) / "../shared/kumomta/policy-extras")) {
    dirs.push_back("testdata/helpers");
  }
  return dirs;
}

// One or two queues each, many of them spending a whole budget: text shows
// any reordering, and every format at once would take minutes (twice,
// under the sanitizers).
const std::vector<std::string> k_text_only_dirs = {"testdata/policies/bad", "testdata/policies/hostile"};

void check_dirs_jobs_identical(const std::vector<std::string>& dirs,
                               const std::vector<std::vector<std::string>>& formats) {
  for (const auto& dir : dirs) {
    for (const auto& policy : policies_in(dir)) {
      DYNAMIC_SECTION(policy.string()) {
        std::vector<std::string> args = {"check", policy.string(), "--color", "never"};
        auto extra = case_args(policy);
        args.insert(args.end(), extra.begin(), extra.end());
        check_jobs_identical(args, "2", formats);
      }
    }
  }
}

// The case's arguments without the queues it names.
std::vector<std::string> args_without_queues(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "-q" || args[i] == "--queue" || args[i] == "--queues-file") {
      ++i;
      continue;
    }
    out.push_back(args[i]);
  }
  return out;
}

}  // namespace

TEST_CASE("golden: every good and example case gives the same output with --jobs 2 as with --jobs 1, in every format",
          "[golden][jobs]") {
  check_dirs_jobs_identical(every_format_dirs(), check_format_args());
}

TEST_CASE("golden: every bad and hostile case gives the same text with --jobs 2 as with --jobs 1", "[golden][jobs]") {
  check_dirs_jobs_identical(k_text_only_dirs, {{"--format", "text"}});
}

// Workers lay out JSON results too, the sink writing each one's findings
// (filtered by suppression comments, --select and --baseline in the bad
// cases) into the laid-out text.
TEST_CASE("golden: every bad case gives the same JSON with --jobs 2 as with --jobs 1", "[golden][jobs]") {
  check_dirs_jobs_identical({"testdata/policies/bad"}, {{"--format", "json"}});
}

TEST_CASE("golden: many queues, repeated and bad ones among them, give the same output on 4 threads as on one",
          "[golden][jobs]") {
  kumo::test::TempDir tmp;
  const fs::path queues = fs::path(tmp.path) / "queues.txt";
  {
    std::ofstream out(queues);
    const char* const domains[] = {"gmail.com", "example.com", "outlook.com", "yahoo.com", "example.net"};
    for (int i = 0; i < 300; ++i) {
      out << "t" << i % 7 << "@" << domains[i % 5] << "\n";
      out << "c" << i << ":t" << i % 3 << "@" << domains[(i + 2) % 5] << "\n";
      if (i % 50 == 0) {
        out << "not a queue name\n" << domains[i % 5] << "\n";
      }
    }
  }
  for (const std::string dir : {"testdata/policies/ok", "testdata/examples"}) {
    for (const auto& policy : policies_in(dir)) {
      DYNAMIC_SECTION(policy.string()) {
        std::vector<std::string> args = {"check", policy.string(), "--color", "never"};
        auto extra = args_without_queues(case_args(policy));
        args.insert(args.end(), extra.begin(), extra.end());
        args.insert(args.end(), {"--queues-file", queues.string()});
        check_jobs_identical(
            args, "4", {{"--format", "text"}, {"--format", "json"}, {"--format", "jsonl"}, {"--format", "sarif"}});
      }
    }
  }
}
