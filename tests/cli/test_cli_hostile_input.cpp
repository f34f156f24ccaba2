// The command line against hostile input: numeric flags out of range or
// malformed, special files as the policy or the queues file, over-long
// queue lines, and what --env lets a policy see. Run in-process.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "cli/errors.hpp"
#include "cli/shared_flags.hpp"
#include "tests/support/run_cli.hpp"
#include "tests/support/temp_dir.hpp"

namespace fs = std::filesystem;
using kumo::cli::numeric_flags;
using kumo::cli::UsageError;
using kumo::test::run_cli;
using kumo::test::TempDir;

namespace {

std::string usage_error(const std::string& message) { return "kumo-lint: error: " + message + "\n"; }

// Values no numeric flag accepts, whatever its range.
const std::vector<std::string> k_malformed = {"",    "-5",   "-0",   "+5",  " 5",
                                              "5 ",  "5x",   "0x10", "1e3", "nan",
                                              "inf", "-inf", "1.5.", "abc", "99999999999999999999999"};

}  // namespace

TEST_CASE("numeric flags: each range is declared once and shown in --help", "[cli][flags]") {
  const auto check_help = run_cli({"check", "--help"}).out;
  const auto timeline_help = run_cli({"timeline", "--help"}).out;
  for (const auto& f : numeric_flags()) {
    INFO(f.name);
    const std::string range = kumo::cli::range_text(f);
    if (f.only_in != "check") {
      CHECK(timeline_help.find(range) != std::string::npos);
    }
    if (f.only_in != "timeline") {
      CHECK(check_help.find(range) != std::string::npos);
    }
  }
  CHECK(check_help.find("an integer from 1 to 65536 (MiB)") != std::string::npos);
  CHECK(check_help.find("a number above 0 and at most 86400 (seconds)") != std::string::npos);
}

TEST_CASE("numeric flags: the bounds are accepted, one past them refused", "[cli][flags]") {
  for (const auto& f : numeric_flags()) {
    const std::string name(f.name);
    INFO(name);
    if (f.decimal) {
      CHECK(kumo::cli::parse_decimal_flag(name, std::to_string(f.max)) == static_cast<double>(f.max));
      CHECK(kumo::cli::parse_decimal_flag(name, "0.001") == 0.001);
      CHECK_THROWS_AS(kumo::cli::parse_decimal_flag(name, "0"), UsageError);
      CHECK_THROWS_AS(kumo::cli::parse_decimal_flag(name, std::to_string(f.max) + ".001"), UsageError);
      continue;
    }
    CHECK(kumo::cli::parse_integer_flag(name, std::to_string(f.min)) == f.min);
    CHECK(kumo::cli::parse_integer_flag(name, std::to_string(f.max)) == f.max);
    if (f.min > 0) {
      CHECK_THROWS_AS(kumo::cli::parse_integer_flag(name, std::to_string(f.min - 1)), UsageError);
    }
    if (f.max < std::numeric_limits<std::uint64_t>::max()) {
      CHECK_THROWS_AS(kumo::cli::parse_integer_flag(name, std::to_string(f.max + 1)), UsageError);
    } else {
      CHECK_THROWS_AS(kumo::cli::parse_integer_flag(name, "18446744073709551616"), UsageError);
    }
  }
}

TEST_CASE("numeric flags: malformed values are refused", "[cli][flags]") {
  for (const auto& f : numeric_flags()) {
    for (const auto& text : k_malformed) {
      INFO(f.name << " " << text);
      if (f.decimal && text == "1e3") {
        continue;  // an exponent is a fine way to write a decimal (and 1000 is in range)
      }
      if (f.decimal) {
        CHECK_THROWS_AS(kumo::cli::parse_decimal_flag(f.name, text), UsageError);
      } else {
        CHECK_THROWS_AS(kumo::cli::parse_integer_flag(f.name, text), UsageError);
      }
    }
  }
}

TEST_CASE("numeric flags: every command refuses a bad value with exit 2 and the range", "[cli][flags]") {
  SECTION("the examples of the bug") {
    auto memory = run_cli({"check", kumo::test::k_example_policy, "--max-memory", "-5"});
    CHECK(memory.exit_code == 2);
    CHECK(memory.err == usage_error("--max-memory -5: expected an integer from 1 to 65536 (MiB)"));
    CHECK(memory.out.empty());
    auto instructions =
        run_cli({"check", kumo::test::k_example_policy, "--max-instructions", "99999999999999999999999"});
    CHECK(instructions.exit_code == 2);
    CHECK(instructions.err == usage_error("--max-instructions 99999999999999999999999: expected an integer from 1 "
                                          "to 1000000000000 (instructions)"));
    auto timeout = run_cli({"check", kumo::test::k_example_policy, "--timeout", "nan"});
    CHECK(timeout.exit_code == 2);
    CHECK(timeout.err == usage_error("--timeout nan: expected a number above 0 and at most 86400 (seconds)"));
  }
  SECTION("each flag of check and timeline") {
    for (const auto& f : numeric_flags()) {
      const std::string name(f.name);
      const std::string expected = usage_error(name + " -1: expected " + kumo::cli::range_text(f));
      INFO(name);
      if (f.only_in != "timeline") {
        auto check = run_cli({"check", kumo::test::k_example_policy, name, "-1"});
        CHECK(check.exit_code == 2);
        CHECK(check.err == expected);
      }
      if (f.only_in != "check") {
        auto timeline = run_cli({"timeline", name, "-1"});
        CHECK(timeline.exit_code == 2);
        CHECK(timeline.err == expected);
        auto joined = run_cli({"timeline", name + "=inf"});
        CHECK(joined.exit_code == 2);
      }
    }
  }
  SECTION("the bounds themselves run") {
    for (const auto& f : numeric_flags()) {
      INFO(f.name);
      if (f.only_in == "check") {
        CHECK(run_cli({"check", kumo::test::k_example_policy, "-q", "example.com", std::string(f.name),
                       std::to_string(f.max)})
                  .exit_code == 0);
        CHECK(run_cli({"check", kumo::test::k_example_policy, std::string(f.name), std::to_string(f.min)}).exit_code ==
              0);
        continue;
      }
      CHECK(run_cli({"timeline", std::string(f.name), std::to_string(f.max)}).exit_code == 0);
      if (!f.decimal) {
        CHECK(run_cli({"timeline", std::string(f.name), std::to_string(f.min)}).exit_code == 0);
      }
    }
    auto r = run_cli({"check", kumo::test::k_example_policy, "-q", "example.com", "--max-memory", "65536",
                      "--max-instructions", "1000000000000", "--timeout", "86400", "--max-attempts-shown", "100000",
                      "--burst", "1000000000000", "--seed", "18446744073709551615", "--attempt-duration", "31536000"});
    CHECK(r.exit_code == 0);
  }
}

TEST_CASE("a policy that is not a regular file is refused before it is opened", "[cli][input]") {
  TempDir dir;
  const fs::path fifo = dir.path / "policy.lua";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  // Opening the FIFO would block this test forever: stat comes first.
  auto r = run_cli({"check", fifo.string()});
  CHECK(r.exit_code == 2);
  CHECK(r.err == usage_error("policy file " + fifo.string() + " is not a regular file (a FIFO, device or socket)"));
  auto timeline = run_cli({"timeline", fifo.string(), "-q", "example.com"});
  CHECK(timeline.exit_code == 2);

  const fs::path device = dir.path / "zero.lua";
  fs::create_symlink("/dev/zero", device);
  auto followed = run_cli({"check", device.string()});
  CHECK(followed.exit_code == 2);
  CHECK(followed.err ==
        usage_error("policy file " + device.string() + " is not a regular file (a FIFO, device or socket)"));
}

TEST_CASE("a queues file that is not a regular file is refused", "[cli][input]") {
  TempDir dir;
  const fs::path fifo = dir.path / "queues.txt";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  auto r = run_cli({"check", kumo::test::k_example_policy, "--queues-file", fifo.string()});
  CHECK(r.exit_code == 2);
  CHECK(r.err == usage_error("queues file " + fifo.string() + " is not a regular file (a FIFO, device or socket)"));

  auto zero = run_cli({"check", kumo::test::k_example_policy, "--queues-file", "/dev/zero"});
  CHECK(zero.exit_code == 2);
  CHECK(zero.err == usage_error("queues file /dev/zero is not a regular file (a FIFO, device or socket)"));
}

TEST_CASE("a queues-file line over 64 KiB is a finding for that line, the run goes on", "[cli][input]") {
  TempDir dir;
  const fs::path queues = dir.path / "queues.txt";
  std::ofstream(queues) << "example.com\n# a comment\n" << std::string(70 << 10, 'a') << "\nnever.example.com\n";
  auto r = run_cli({"check", kumo::test::k_example_policy, "--queues-file", queues.string(), "--format", "json"});
  CHECK(r.exit_code == 1);
  const auto doc = nlohmann::json::parse(r.out);  // one whole document
  REQUIRE(doc["results"].size() == 3);
  CHECK(doc["results"][1]["diagnostics"][0]["code"] == "KQ911");
  CHECK(doc["results"][1]["diagnostics"][0]["message"] ==
        "a line longer than 64 KiB is not a queue name (the rest of the line was skipped)");
  CHECK(doc["results"][1]["diagnostics"][0]["file"] == queues.string());
  CHECK(doc["results"][1]["diagnostics"][0]["line"] == 3);
  CHECK(doc["results"][2]["queue"] == "never.example.com");

  SECTION("standard input that never ends a line (as from /dev/zero) stops 1 MiB past the cap") {
    auto zeros = run_cli({"check", kumo::test::k_example_policy, "--queues-file", "-", "--format", "json"},
                         std::string(4 << 20, '\0') + "\nnot.read.example.com\n");
    CHECK(zeros.exit_code == 1);
    const auto zdoc = nlohmann::json::parse(zeros.out);
    REQUIRE(zdoc["results"].size() == 1);
    CHECK(zdoc["results"][0]["diagnostics"][0]["message"] ==
          "a line longer than 64 KiB is not a queue name (no end of line within 1 MiB more: the rest of the input "
          "was not read)");
    CHECK(zdoc["results"][0]["diagnostics"][0]["file"] == "<stdin>");
    CHECK(zdoc["results"][0]["diagnostics"][0]["line"] == 1);
  }
  SECTION("a line of exactly 64 KiB is still read") {
    auto at_cap = run_cli({"check", kumo::test::k_example_policy, "--queues-file", "-", "--format", "json"},
                          std::string(64 << 10, 'a') + "\n");
    CHECK(at_cap.exit_code != 2);
    CHECK(at_cap.err.empty());
  }
}

TEST_CASE("check --env: the policy sees only the variables the command line names", "[cli][env]") {
  ::setenv("KUMO_LINT_TEST_PASSED", "passed-through", 1);
  ::setenv("KUMO_LINT_TEST_SECRET", "not-for-the-policy", 1);
  ::unsetenv("KUMO_LINT_TEST_UNSET");
  kumo::cli::PolicyRunFlags flags;
  flags.env = {"KUMO_LINT_TEST_PASSED", "KUMO_LINT_TEST_UNSET", "A=1", "B=", "C=x=y", "KUMO_LINT_TEST_SECRET=given"};
  const auto options = kumo::cli::host_options(flags);
  const std::map<std::string, std::string> expected = {{"KUMO_LINT_TEST_PASSED", "passed-through"},
                                                       {"A", "1"},
                                                       {"B", ""},
                                                       {"C", "x=y"},
                                                       {"KUMO_LINT_TEST_SECRET", "given"}};
  CHECK(options.env == expected);
  ::unsetenv("KUMO_LINT_TEST_PASSED");
  ::unsetenv("KUMO_LINT_TEST_SECRET");
}

TEST_CASE("check --env with an empty name is a usage error", "[cli][env]") {
  auto r = run_cli({"check", kumo::test::k_example_policy, "--env", "=x"});
  CHECK(r.exit_code == 2);
  CHECK(r.err == usage_error("--env =x: expected NAME=VALUE or NAME (a variable to pass through)"));
  CHECK(run_cli({"check", kumo::test::k_example_policy, "--env", ""}).exit_code == 2);
}

TEST_CASE("usage errors and parser messages are escaped like findings", "[cli][output]") {
  auto r = run_cli({"check", "no-such\x1b[2J\n.lua"});
  CHECK(r.exit_code == 2);
  CHECK(r.err == usage_error("policy file no-such\\x1b[2J\\n.lua does not exist"));
  auto parser = run_cli({"check", kumo::test::k_example_policy, "--format", "\x1b]0;title\x07"});
  CHECK(parser.exit_code == 2);
  CHECK(parser.err.find('\x1b') == std::string::npos);
  CHECK(parser.err.find("\\x1b]0;title\\x07") != std::string::npos);
}

TEST_CASE("a chunk name never becomes a finding's file: the policy line that ran the chunk does", "[cli][output]") {
  TempDir dir;
  const fs::path policy = dir.path / "policy.lua";
  // load(s, "@name") makes `name` the file of the locations inside s.
  std::ofstream(policy) << "local kumo = require 'kumo'\n"
                           "kumo.on('get_queue_config', function(domain)\n"
                           "  load('error(\"boom\")', '@' .. string.rep('n', 100000))()\n"
                           "end)\n";
  auto r = run_cli({"check", policy.string(), "-q", "example.com", "--format", "json"});
  CHECK(r.exit_code == 1);
  const auto doc = nlohmann::json::parse(r.out);
  const auto& finding = doc["results"][0]["diagnostics"][0];
  CHECK(finding["file"] == policy.string());
  CHECK(finding["line"] == 3);
}
