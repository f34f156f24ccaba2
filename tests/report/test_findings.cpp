// The pieces the CI formats share (core/report/findings.hpp), and the
// properties of those formats that goldens cannot show: fingerprints that
// survive a line shift, escaping that GitHub's runner undoes exactly, and
// which commands offer which formats.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>

#include <nlohmann/json.hpp>

#include "core/report/expectations.hpp"
#include "core/report/findings.hpp"
#include "core/report/render.hpp"
#include "core/report/render_diff.hpp"
#include "tests/support/run_cli.hpp"

using kumo::diag::Diagnostic;
using kumo::report::ArtifactPaths;
using kumo::test::run_cli;

namespace {

Diagnostic finding(const std::string& queue, int line = 4) {
  Diagnostic d;
  d.code = "KQ203";
  d.severity = kumo::diag::Severity::warning;
  d.message = "last attempt at 1h";
  d.location = {"policy.lua", line, 5};
  d.queue = queue;
  d.key = "max_age";
  return d;
}

// The fingerprints of a policy's SARIF results, with their start lines.
std::vector<std::pair<std::string, int>> sarif_fingerprints(const std::string& policy) {
  auto r = run_cli({"check", policy, "-q", "gmail.com", "-q", "bulk@gmail.com", "--format", "sarif"});
  std::vector<std::pair<std::string, int>> out;
  const auto log = nlohmann::json::parse(r.out);
  for (const auto& result : log["runs"][0]["results"]) {
    out.emplace_back(result["partialFingerprints"]["kumoLintFinding/v1"].get<std::string>(),
                     result["locations"][0]["physicalLocation"]["region"]["startLine"].get<int>());
  }
  return out;
}

}  // namespace

TEST_CASE("findings: GitHub's escaping, data and properties", "[report][findings]") {
  CHECK(kumo::report::github_escape_data("100% a\r\nb: c, d") == "100%25 a%0D%0Ab: c, d");
  CHECK(kumo::report::github_escape_property("100% a\r\nb: c, d") == "100%25 a%0D%0Ab%3A c%2C d");
  // Escaped once: a "%0A" the policy wrote stays text, not a line break.
  CHECK(kumo::report::github_escape_data("%0A") == "%250A");
}

TEST_CASE("findings: XML text stays well-formed whatever the policy wrote", "[report][findings]") {
  CHECK(kumo::report::xml_escape("a<b>&\"c'") == "a&lt;b&gt;&amp;&quot;c&apos;");
  // A control character is not allowed in XML 1.0, even as a reference.
  CHECK(kumo::report::xml_escape("x\x01y\xff") == "x\\x01y\\xff");
  CHECK(kumo::report::xml_escape_lines("a\x1b\nb&") == "a\\x1b\nb&amp;");
  // Nor are the noncharacters U+FFFE and U+FFFF, though they are UTF-8; U+FFFD is allowed.
  CHECK(kumo::report::xml_escape("a\xef\xbf\xbe b\xef\xbf\xbf c\xef\xbf\xbd") == "a\\u{fffe} b\\u{ffff} c\xef\xbf\xbd");
}

TEST_CASE("findings: artifact paths are relative to the working directory and follow --map-path",
          "[report][findings]") {
  ArtifactPaths paths;
  paths.working_directory = "/repo";
  paths.map_path = {{"/opt/kumomta/etc/policy", "deploy/policy"}};
  CHECK(kumo::report::artifact_path("./testdata/x.lua", paths) == "testdata/x.lua");
  CHECK(kumo::report::artifact_path("/repo/sub/../x.lua", paths) == "x.lua");
  CHECK(kumo::report::artifact_path("/opt/kumomta/etc/policy/queues.toml", paths) == "deploy/policy/queues.toml");
  CHECK(kumo::report::artifact_path("/opt/kumomta/etc/policyx/a.toml", paths) == "/opt/kumomta/etc/policyx/a.toml");
  CHECK(kumo::report::artifact_path("/elsewhere/y.lua", paths) == "/elsewhere/y.lua");
  CHECK(kumo::report::artifact_uri("dir/a b:c.lua", paths) == "dir/a%20b%3Ac.lua");
  CHECK(kumo::report::artifact_uri("/elsewhere/y.lua", paths) == "file:///elsewhere/y.lua");
}

TEST_CASE("findings: a line is always reported, 1 when none is known", "[report][findings]") {
  CHECK(kumo::report::reported_line({"policy.lua", 12, 5}) == 12);
  CHECK(kumo::report::reported_line({"policy.lua", 0, std::nullopt}) == 1);
}

TEST_CASE("findings: a fingerprint names what, not where", "[report][findings]") {
  const std::string a = kumo::report::finding_fingerprint(finding("gmail.com", 4), "policy.lua");
  CHECK(a.size() == 16);
  CHECK(kumo::report::finding_fingerprint(finding("gmail.com", 40), "policy.lua") == a);
  CHECK(kumo::report::finding_fingerprint(finding("yahoo.com", 4), "policy.lua") != a);
  CHECK(kumo::report::finding_fingerprint(finding("gmail.com", 4), "other.lua") != a);
  Diagnostic quoted_line = finding("gmail.com");
  quoted_line.message = "policy.lua:12: boom";
  Diagnostic moved = quoted_line;
  moved.message = "policy.lua:13: boom";
  CHECK(kumo::report::finding_fingerprint(quoted_line, "policy.lua") ==
        kumo::report::finding_fingerprint(moved, "policy.lua"));
}

TEST_CASE("findings: identical findings of several queues are one group naming the first queues",
          "[report][findings]") {
  kumo::report::FindingGroups groups;
  for (const char* q : {"gmail.com", "outlook.com", "yahoo.com", "a b", "e.com"}) {
    groups.add(finding(q));
  }
  Diagnostic other = finding("gmail.com");
  other.message = "another message";
  groups.add(other);
  std::vector<kumo::report::FindingGroup> sorted;
  groups.drain([&](const kumo::report::FindingGroup& g) { sorted.push_back(g); });
  REQUIRE(sorted.size() == 2);
  CHECK(sorted[1].queue_count == 5);
  CHECK(kumo::report::queues_note(sorted[1]) == "(5 queues: gmail.com, outlook.com, yahoo.com, …)");
  CHECK(kumo::report::queues_note(sorted[0]) == "(queue gmail.com)");
  kumo::report::FindingGroup two{finding("a b"), 2, {"a b", "x,y"}};
  CHECK(kumo::report::queues_note(two) == "(2 queues: \"a\\x20b\", \"x,y\")");
}

TEST_CASE("check --quiet: findings and the count only, a shared finding once", "[report][cli]") {
  auto r = run_cli(
      {"check", "testdata/policies/bad/kq203_shared_by_queues.lua", "-q", "gmail.com", "-q", "yahoo.com", "--quiet"});
  CHECK(r.exit_code == 0);
  CHECK(r.out ==
        "testdata/policies/bad/kq203_shared_by_queues.lua:13:5: warning: last attempt at 3days 13h of "
        "max_age=7days (the next retry would be at 7days 2h 20m): consider max_retry_interval [KQ203] "
        "(2 queues: gmail.com, yahoo.com)\n"
        "kumo-lint: 2 queues, 0 errors, 2 warnings\n");
}

TEST_CASE("check's text finding lines match the gcc problem matcher's pattern", "[report][cli]") {
  static const std::regex k_gcc(R"(^(.*?):(\d+):(\d*):?\s+(?:fatal\s+)?(warning|error):\s+(.*)$)");
  auto r =
      run_cli({"check", "testdata/policies/bad/kq203_shared_by_queues.lua", "-q", "bulk@gmail.com", "--hide-config"});
  std::istringstream lines(r.out);
  int findings = 0;
  for (std::string line; std::getline(lines, line);) {
    std::smatch m;
    if (line.find("[KQ") != std::string::npos) {
      INFO(line);
      REQUIRE(std::regex_match(line, m, k_gcc));
      CHECK(m[1] == "testdata/policies/bad/kq203_shared_by_queues.lua");
      ++findings;
    }
  }
  CHECK(findings == 2);
}

TEST_CASE("sarif: fingerprints survive a line shift, the lines move", "[report][cli]") {
  const auto dir = std::filesystem::temp_directory_path() / "kumo_lint_fingerprints";
  std::filesystem::create_directories(dir);
  const std::string source = kumo::test::read_source_file("testdata/policies/bad/kq203_shared_by_queues.lua");
  std::ofstream(dir / "a.lua") << source;
  std::ofstream(dir / "b.lua") << "-- one more line\n" << source;
  // Both named a.lua, at the same relative place, so only the lines differ.
  const auto before = sarif_fingerprints((dir / "a.lua").string());
  std::filesystem::rename(dir / "b.lua", dir / "a.lua");
  const auto after = sarif_fingerprints((dir / "a.lua").string());
  std::filesystem::remove_all(dir);
  REQUIRE(before.size() == 3);
  REQUIRE(after.size() == before.size());
  for (std::size_t i = 0; i < before.size(); ++i) {
    CHECK(after[i].first == before[i].first);
    CHECK(after[i].second == before[i].second + 1);
  }
}

TEST_CASE("each command's --format offers the formats whose row names it, and refuses the others", "[report][cli]") {
  for (const auto& f : kumo::report::formats()) {
    INFO(f.name);
    const std::string name(f.name);
    auto check = run_cli({"check", "testdata/examples/policy.lua", "-q", "gmail.com", "--format", name});
    CHECK(check.exit_code == (f.users.check ? 0 : 2));
    auto timeline = run_cli({"timeline", "--format", name});
    CHECK(timeline.exit_code == (f.users.timeline ? 0 : 2));
    auto explain = run_cli({"explain", "10m", "--format", name});
    CHECK(explain.exit_code == (f.users.explain ? 0 : 2));
  }
  auto help = run_cli({"check", "--help"});
  CHECK(help.out.find("sarif (SARIF 2.1.0") != std::string::npos);
}

TEST_CASE("diff's and test's --format offer the rows of their own tables, and refuse the others", "[report][cli]") {
  for (const auto& f : kumo::report::diff_formats()) {
    INFO(f.name);
    auto diff = run_cli({"diff", "testdata/diff/old.lua", "testdata/diff/new.lua", "--format", std::string(f.name)});
    CHECK(diff.exit_code != 2);
    CHECK(kumo::report::diff_format_named(f.name) == f.id);
  }
  for (const auto& f : kumo::report::expectation_formats()) {
    INFO(f.name);
    auto test = run_cli({"test", "testdata/expect/passing.toml", "--format", std::string(f.name)});
    CHECK(test.exit_code == 0);
    CHECK(kumo::report::expectation_format_named(f.name) == f.id);
  }
  CHECK(run_cli({"diff", "testdata/diff/old.lua", "testdata/diff/new.lua", "--format", "sarif"}).exit_code == 2);
  CHECK(run_cli({"test", "testdata/expect/passing.toml", "--format", "json"}).exit_code == 2);
  CHECK_FALSE(kumo::report::expectation_format_named("json"));
  CHECK(run_cli({"test", "--help"}).out.find("junit (JUnit XML") != std::string::npos);
}

TEST_CASE("format_named finds each format by its --format name and nothing else", "[report]") {
  for (const auto& f : kumo::report::formats()) {
    INFO(f.name);
    CHECK(kumo::report::format_named(f.name) == f.id);
  }
  CHECK_FALSE(kumo::report::format_named("JSON").has_value());
  CHECK_FALSE(kumo::report::format_named("").has_value());
}

TEST_CASE("findings: a finding encoded for spilling decodes to the same finding", "[report][findings]") {
  Diagnostic full = finding("a b");
  full.detail = "kumod's own words";
  full.suppressed = true;
  Diagnostic bare;  // no column, queue or key; a negative line stays what it was
  bare.code = "KQ001";
  bare.severity = kumo::diag::Severity::info;
  bare.message = std::string("with a \0 byte", 13);
  bare.location = {"", -1, std::nullopt};
  bare.baselined = true;
  Diagnostic empty_texts = finding("");
  empty_texts.key = "";
  empty_texts.location.column = 0;
  for (const Diagnostic& d : {full, bare, empty_texts}) {
    std::string bytes;
    kumo::report::append_encoded(bytes, d);
    kumo::util::ByteReader in(bytes);
    CHECK(kumo::report::decode_finding(in) == d);
  }
}

TEST_CASE("findings: groups spilled past their budget drain as groups held in memory do", "[report][findings]") {
  // Findings of 40 lines and 3 messages over 500 queues, in a scrambled
  // order; with a budget of 0 every finding is a run of its own, with 20 KB
  // a few dozen.
  std::vector<Diagnostic> findings;
  for (int i = 0; i < 500; ++i) {
    Diagnostic d = finding("q" + std::to_string((i * 37) % 500) + ".example", 1 + (i * 7) % 40);
    d.message = "message " + std::to_string(i % 3);
    if (i % 11 == 0) {
      d.queue.reset();  // a policy-level finding, a group of its own
    }
    findings.push_back(d);
  }
  auto drained = [&](std::size_t budget) {
    kumo::report::FindingGroups groups(budget);
    for (const auto& d : findings) {
      groups.add(d);
    }
    std::vector<std::string> out;
    groups.drain([&](const kumo::report::FindingGroup& g) {
      out.push_back(g.finding.location.file + ":" + std::to_string(g.finding.location.line) + " " + g.finding.message +
                    " " + g.finding.queue.value_or("-") + " " + kumo::report::queues_note(g));
    });
    return out;
  };
  const auto in_memory = drained(kumo::report::FindingGroups::k_default_budget);
  CHECK(in_memory.size() > 100);
  CHECK(drained(0) == in_memory);
  CHECK(drained(20'000) == in_memory);
  kumo::report::FindingGroups reused(0);
  reused.add(findings[0]);
  reused.drain([](const kumo::report::FindingGroup&) {});
  std::size_t after = 0;
  reused.drain([&](const kumo::report::FindingGroup&) { ++after; });
  CHECK(after == 0);  // drained is empty
}

TEST_CASE("display_queue_name: a name is shown as it is only when it reads as one name", "[report][findings]") {
  using kumo::report::display_queue_name;
  // Printable ASCII without space, ',', '(' or ')': as it is.
  CHECK(display_queue_name("camp:tenant@example.com!mx.example.net") == "camp:tenant@example.com!mx.example.net");
  CHECK(display_queue_name("a~b") == "a~b");
  // Printable non-ASCII that terminal escaping keeps: as it is.
  CHECK(display_queue_name("t\xc3\xa9nant@ex\xc3\xa4mple.com") == "t\xc3\xa9nant@ex\xc3\xa4mple.com");
  // Anything that would read as the end of the name, or not print: quoted,
  // escaped, and a space written \x20.
  for (const std::string name : {"a b@example.com", "a,b@example.com", "(a)@example.com", "a\x7f@example.com",
                                 "a\t@example.com", "a\xc3@example.com", "a\xe2\x80\xae@example.com", ""}) {
    INFO(name);
    const std::string shown = display_queue_name(name);
    CHECK(shown.front() == '"');
    CHECK(shown.back() == '"');
    CHECK(shown.find(' ') == std::string::npos);
    std::string appended = "queue ";
    kumo::report::append_queue_name(appended, name);
    CHECK(appended == "queue " + shown);
  }
  CHECK(display_queue_name("a b") == "\"a\\x20b\"");
  CHECK(display_queue_name("a,b") == "\"a,b\"");
}

TEST_CASE("ArtifactNames: the same path and URI as artifact_path and artifact_uri, past its bound too",
          "[report][findings]") {
  ArtifactPaths paths;
  paths.working_directory = "/repo";
  paths.map_path = {{"/opt/kumomta/etc/policy", "deploy/policy"}};
  kumo::report::ArtifactNames names(paths);
  std::vector<std::string> files = {"./testdata/x.lua", "/repo/sub/../x.lua", "/opt/kumomta/etc/policy/queues.toml",
                                    "/elsewhere/y.lua", "dir/a b:c.lua"};
  for (std::size_t i = 0; i < kumo::report::ArtifactNames::k_max_names + 10; ++i) {
    files.push_back("/repo/generated/f" + std::to_string(i) + ".lua");
  }
  for (int round = 0; round < 2; ++round) {  // the second round finds the first names again, or anew
    for (const auto& file : files) {
      INFO(file);
      const auto& n = names.of(file);
      CHECK(n.path == kumo::report::artifact_path(file, paths));
      CHECK(n.uri == kumo::report::artifact_uri(file, paths));
    }
  }
  CHECK(names.of("/repo/sub/../x.lua").path == "x.lua");
  CHECK(names.of("/opt/kumomta/etc/policy/queues.toml").uri == "deploy/policy/queues.toml");
}
