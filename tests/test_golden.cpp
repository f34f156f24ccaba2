// End-to-end golden files: every policy under testdata/policies/{ok,bad,hostile}
// is checked in-process and its whole output compared with the committed
// <case>.expected.txt (and <case>.expected.json when present); the text
// output of the hostile ones must also be safe for a terminal.
// UPDATE_GOLDENS=1 rewrites them; review the diff before committing.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "tests/support/run_cli.hpp"

namespace fs = std::filesystem;
using kumo::test::read_source_file;
using kumo::test::run_cli;

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

std::string transcript(const std::vector<std::string>& args, const kumo::test::CliResult& r) {
  std::string command = "$ kumo-lint";
  for (const auto& a : args) {
    command += " " + a;
  }
  return command + "\n" + r.out + "--- stderr\n" + r.err + "--- exit " + std::to_string(r.exit_code) + "\n";
}

void compare_or_update(const fs::path& expected_relative, const std::string& actual, bool create) {
  fs::path expected = fs::path(KUMO_LINT_SOURCE_DIR) / expected_relative;
  bool update = std::getenv("UPDATE_GOLDENS") != nullptr;
  if (!fs::exists(expected) && !(update && create)) {
    return;
  }
  if (update) {
    std::ofstream(expected, std::ios::binary) << actual;
    return;
  }
  CHECK(read_source_file(expected_relative.string()) == actual);
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
// no control byte but '\n' on either stream, and every line that looks like
// a finding ("...: error[KQ...]: ") names the policy (or "queue names", where
// KQ911 points).
void check_terminal_safe(const fs::path& policy, const kumo::test::CliResult& text) {
  for (const std::string* stream : {&text.out, &text.err}) {
    const auto unsafe = std::find_if(stream->begin(), stream->end(), [](char c) {
      const auto byte = static_cast<unsigned char>(c);
      return (byte < 0x20 && byte != '\n') || byte == 0x7f;
    });
    INFO("at byte " << (unsafe - stream->begin()) << " of " << (stream == &text.out ? "stdout" : "stderr"));
    CHECK(unsafe == stream->end());
  }
  static const std::regex k_finding(R"(^ *(.*?): (error|warning|info|note)\[[^\]]*\]: )");
  std::istringstream lines(text.out);
  for (std::string line; std::getline(lines, line);) {
    std::smatch m;
    if (std::regex_search(line, m, k_finding)) {
      INFO(line);
      const std::string where = m[1].str();
      CHECK((where.rfind(policy.string(), 0) == 0 || where == "queue names"));
    }
  }
}

void check_goldens(const std::string& dir, bool hostile = false) {
  for (const auto& policy : policies_in(dir)) {
    DYNAMIC_SECTION(policy.string()) {
      std::vector<std::string> args = {"check", policy.string(), "--color", "never"};
      auto extra = case_args(policy);
      args.insert(args.end(), extra.begin(), extra.end());
      auto text = run_cli(args);
      if (hostile) {
        check_terminal_safe(policy, text);
      }
      compare_or_update(fs::path(policy).replace_extension(".expected.txt"), transcript(args, text), true);
      args.push_back("--format");
      args.push_back("json");
      auto json = run_cli(args);
      compare_or_update(fs::path(policy).replace_extension(".expected.json"), transcript(args, json), false);
      // The same input must give byte-identical output.
      CHECK(run_cli(args).out == json.out);
    }
  }
}

}  // namespace

TEST_CASE("golden: valid policies", "[golden]") { check_goldens("testdata/policies/ok"); }

TEST_CASE("golden: one bad policy per diagnostic", "[golden]") { check_goldens("testdata/policies/bad"); }

TEST_CASE("golden: the README example policy", "[golden]") { check_goldens("testdata/examples"); }

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
  check_goldens("testdata/policies/hostile", /*hostile=*/true);
  CHECK(attempted().empty());
}
