// --color: the decision is a pure function of the setting and where the
// output goes, so these hold the same in a terminal and under ctest.
#include <catch2/catch.hpp>

#include <iostream>
#include <sstream>

#include "cli/color.hpp"
#include "tests/support/run_cli.hpp"

using kumo::cli::color_decision;
using kumo::cli::ColorContext;
using kumo::test::run_cli;

namespace {

// A terminal on stdout without NO_COLOR: the situation in which `auto`
// colors, when the output really goes to std::cout.
constexpr ColorContext k_terminal_cout{.writes_to_std_cout = true, .stdout_is_terminal = true, .no_color = false};

}  // namespace

TEST_CASE("color: auto colors std::cout on a terminal without NO_COLOR", "[color]") {
  CHECK(color_decision("auto", k_terminal_cout));
}

TEST_CASE("color: auto never colors a string stream, even with a terminal on stdout", "[color]") {
  ColorContext string_stream = k_terminal_cout;
  string_stream.writes_to_std_cout = false;
  CHECK_FALSE(color_decision("auto", string_stream));
}

TEST_CASE("color: auto leaves std::cout plain when it is no terminal or NO_COLOR is set", "[color]") {
  ColorContext piped = k_terminal_cout;
  piped.stdout_is_terminal = false;
  CHECK_FALSE(color_decision("auto", piped));
  ColorContext no_color = k_terminal_cout;
  no_color.no_color = true;
  CHECK_FALSE(color_decision("auto", no_color));
}

TEST_CASE("color: always and never ignore where the output goes", "[color]") {
  for (const ColorContext& context : {ColorContext{}, k_terminal_cout}) {
    CHECK(color_decision("always", context));
    CHECK_FALSE(color_decision("never", context));
  }
}

TEST_CASE("color: use_color with auto is false for a string stream in this process", "[color]") {
  // Whatever stdout is right now (a terminal when run by hand).
  std::ostringstream out;
  CHECK_FALSE(kumo::cli::use_color("auto", out));
  CHECK(kumo::cli::use_color("always", out));
}

TEST_CASE("color: check and timeline --color auto write no escapes to a string stream", "[color]") {
  const auto check =
      run_cli({"check", "testdata/policies/bad/kq001_unknown_key.lua", "-q", "example.com", "--color", "auto"});
  CHECK(check.out.find(": error: ") != std::string::npos);
  CHECK(check.out.find('\x1b') == std::string::npos);
  const auto timeline =
      run_cli({"timeline", "--config", "max_age=2h", "--config", "max_message_rate=10/h", "--color", "auto"});
  CHECK(timeline.out.find("[KQ304]") != std::string::npos);
  CHECK(timeline.out.find('\x1b') == std::string::npos);
}
