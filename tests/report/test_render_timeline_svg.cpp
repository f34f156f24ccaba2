// `timeline --format svg`: the golden pictures under testdata/timeline, the
// escaping of what a policy names, the axis ticks, label skipping and stacked
// panels. Well-formedness and rendering are checked outside C++, by
// tests/check_svg.py (python3's XML parser, rsvg-convert when installed).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "core/report/render.hpp"
#include "core/simulate/retry_timeline.hpp"
#include "tests/support/run_cli.hpp"

namespace fs = std::filesystem;
using kumo::report::timeline_tick_label;
using kumo::report::timeline_tick_step;

namespace {

constexpr std::int64_t k_hour = 3600;
constexpr std::int64_t k_day = 86400;
constexpr std::int64_t k_month = 2'630'016;
constexpr std::int64_t k_year = 31'557'600;

// testdata/timeline/<case>.args: the arguments after `timeline`, one a line.
std::vector<std::string> svg_case_args(const fs::path& args_file) {
  std::vector<std::string> args = {"timeline"};
  std::ifstream in(args_file);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) {
      args.push_back(line);
    }
  }
  return args;
}

// Compares with the golden, or writes it under UPDATE_GOLDENS=1.
void check_svg_golden(const fs::path& golden, const std::string& actual) {
  const char* update = std::getenv("UPDATE_GOLDENS");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream(golden, std::ios::binary) << actual;
    return;
  }
  INFO("golden " << golden.string() << "; UPDATE_GOLDENS=1 writes it");
  REQUIRE(fs::exists(golden));
  std::ifstream in(golden, std::ios::binary);
  const std::string expected((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(expected == actual);
}

kumo::report::TimelineResult settings_result(std::uint64_t retry, std::uint64_t max_age) {
  kumo::report::TimelineResult r;
  r.settings = kumo::simulate::RetryPolicy{{retry, 0}, std::nullopt, {max_age, 0}};
  r.timeline = kumo::simulate::simulate_retries(*r.settings);
  return r;
}

}  // namespace

TEST_CASE("timeline --format svg matches each golden picture under testdata/timeline", "[report][svg]") {
  const fs::path dir = fs::path(KUMO_LINT_SOURCE_DIR) / "testdata" / "timeline";
  std::vector<fs::path> cases;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".args") {
      cases.push_back(e.path());
    }
  }
  std::sort(cases.begin(), cases.end());
  REQUIRE(cases.size() >= 3);
  for (const auto& args_file : cases) {
    INFO(args_file.filename().string());
    const auto r = kumo::test::run_cli(svg_case_args(args_file));
    CHECK(r.err.empty());
    CHECK(r.exit_code == 0);
    check_svg_golden(fs::path(args_file).replace_extension(".expected.svg"), r.out);
  }
}

TEST_CASE("the golden pictures show jitter bands, the expiry, max_age and the rate strip", "[report][svg]") {
  const std::string svg = kumo::test::read_source_file("testdata/timeline/jitter_rate.expected.svg");
  CHECK(svg.find("fill=\"#6baed6\" fill-opacity=\"0.45\"") != std::string::npos);  // a jitter band
  CHECK(svg.find(">expires at 3h, after attempt 19 (jitter decides") != std::string::npos);
  CHECK(svg.find(">max_age 3h<") != std::string::npos);
  CHECK(svg.find(">max_message_rate 10/h<") != std::string::npos);
  CHECK(svg.find("<polyline") != std::string::npos);  // the burst's promotion curve
  CHECK(svg.find(">max_age 3h: 61 expire untried<") != std::string::npos);
}

TEST_CASE("timeline_svg escapes a hostile queue name into well-formed text", "[report][svg]") {
  kumo::report::TimelineResult r = settings_result(1200, 7 * k_day);
  r.queue = "a&b<c>\"d'e\x1b[31m\xff\xef\xbf\xbe]]></text><script>";
  const std::string svg = kumo::report::timeline_svg({r}, {});
  CHECK(svg.find(">queue a&amp;b&lt;c&gt;&quot;d&apos;e\\x1b[31m\\xff") != std::string::npos);
  CHECK(svg.find("<script") == std::string::npos);
  CHECK(svg.find("]]>") == std::string::npos);
  CHECK(svg.find("\xef\xbf\xbe") == std::string::npos);  // U+FFFE is not an XML character
  const auto control = std::find_if(svg.begin(), svg.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return (byte < 0x20 && byte != '\n') || byte == 0x7f;
  });
  CHECK(control == svg.end());
}

TEST_CASE("timeline_tick_step picks the smallest human step with at most ten intervals", "[report][svg]") {
  CHECK(timeline_tick_step(0) == 1);
  CHECK(timeline_tick_step(10) == 1);
  CHECK(timeline_tick_step(11) == 2);
  CHECK(timeline_tick_step(90) == 10);
  CHECK(timeline_tick_step(3 * k_hour) == 30 * 60);
  CHECK(timeline_tick_step(9 * k_hour) == k_hour);
  CHECK(timeline_tick_step(3 * k_day) == 12 * k_hour);
  CHECK(timeline_tick_step(7 * k_day) == k_day);
  CHECK(timeline_tick_step(30 * k_day) == 7 * k_day);
  CHECK(timeline_tick_step(395 * k_day) == 2 * k_month);
  CHECK(timeline_tick_step(100 * k_year) == 10 * k_year);
  CHECK(timeline_tick_step(std::numeric_limits<std::int64_t>::max()) > std::numeric_limits<std::int64_t>::max() / 11);
}

TEST_CASE("timeline_tick_label reads as humantime, or counts months and years on such axes", "[report][svg]") {
  CHECK(timeline_tick_label(0, k_day) == "0s");
  CHECK(timeline_tick_label(36 * k_hour, 12 * k_hour) == "1day 12h");
  CHECK(timeline_tick_label(30 * 60, 30 * 60) == "30m");
  CHECK(timeline_tick_label(k_month, k_month) == "1month");
  CHECK(timeline_tick_label(12 * k_month, 2 * k_month) == "12months");
  CHECK(timeline_tick_label(20 * k_year, 10 * k_year) == "20years");
}

TEST_CASE("timeline_svg labels a wait only where it fits between its marks", "[report][svg]") {
  // kumod's defaults: 20m between the first two attempts is 2px of a 7-day axis.
  const std::string svg = kumo::report::timeline_svg({settings_result(1200, 7 * k_day)}, {});
  CHECK(svg.find(">20m<") == std::string::npos);
  CHECK(svg.find(">1day 18h 40m<") != std::string::npos);
  CHECK(svg.find(">10h 40m<") != std::string::npos);
}

TEST_CASE("timeline_svg stacks one panel per result, in order, deterministically", "[report][svg]") {
  kumo::report::TimelineResult first = settings_result(1200, 7 * k_day);
  first.queue = "gmail.com";
  kumo::report::TimelineResult second = settings_result(600, 3 * k_hour);
  second.queue = "yahoo.com";
  const std::string svg = kumo::report::timeline_svg({first, second}, {});
  CHECK(svg == kumo::report::timeline_svg({first, second}, {}));
  CHECK(svg.find("<g transform=\"translate(0,0)\">") != std::string::npos);
  const auto gmail = svg.find(">queue gmail.com<");
  const auto yahoo = svg.find(">queue yahoo.com<");
  REQUIRE(gmail != std::string::npos);
  REQUIRE(yahoo != std::string::npos);
  CHECK(gmail < yahoo);
  std::size_t groups = 0;
  for (auto at = svg.find("<g transform="); at != std::string::npos; at = svg.find("<g transform=", at + 1)) {
    ++groups;
  }
  CHECK(groups == 2);
}

TEST_CASE("timeline_svg draws a result without a timeline as its findings only", "[report][svg]") {
  kumo::report::TimelineResult rejected;
  rejected.queue = "bad.example";
  CHECK(kumo::report::timeline_svg({rejected}, {}).find(">no timeline: kumod would reject this queue config<") !=
        std::string::npos);
  kumo::report::TimelineResult unloaded;
  unloaded.policy_loaded = false;
  const std::string svg = kumo::report::timeline_svg({unloaded}, {});
  CHECK(svg.find("no timeline") == std::string::npos);
  CHECK(svg.rfind("</svg>\n") == svg.size() - 7);
}
