// The code table is the single source of truth: every code is unique,
// documented, and has a bad policy whose golden output shows it.
#include <catch2/catch.hpp>

#include <cctype>
#include <filesystem>
#include <set>

#include "core/diag/codes.hpp"
#include "tests/support/run_cli.hpp"

namespace fs = std::filesystem;

namespace {

std::string lowercase(std::string text) {
  for (char& c : text) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return text;
}

// A code is triggered when ANY text golden of a bad policy named after it
// (kq001_*.expected.txt) shows "[KQ001]": the answer must not depend on the
// order the directory lists them in.
bool any_bad_golden_shows(const std::string& code) {
  const std::string prefix = lowercase(code) + "_";
  for (const auto& e : fs::directory_iterator(fs::path(KUMO_LINT_SOURCE_DIR) / "testdata/policies/bad")) {
    const std::string name = e.path().filename().string();
    if (!name.starts_with(prefix) || !name.ends_with(".expected.txt")) {
      continue;
    }
    if (kumo::test::read_source_file("testdata/policies/bad/" + name).find("[" + code + "]") != std::string::npos) {
      return true;
    }
  }
  return false;
}

}  // namespace

TEST_CASE("every diagnostic code is unique, documented and has a triggering policy", "[codes]") {
  const std::string docs = kumo::test::read_source_file("docs/diagnostics.md");
  std::set<std::string> seen;
  for (const auto& info : kumo::diag::code_table()) {
    const std::string code(info.code);
    INFO(code);
    CHECK(seen.insert(code).second);
    // The heading carries the table's name, so the anchor SARIF's helpUri
    // points at (docs_anchor) is the one the heading really has.
    CHECK(docs.find("## " + code + " " + std::string(info.name) + "\n") != std::string::npos);
    CHECK(any_bad_golden_shows(code));
  }
}

TEST_CASE("a code's docs anchor is its heading as GitHub slugs it", "[codes]") {
  const auto& info = kumo::diag::code_info(kumo::diag::Code::retry_lifetime_unused);
  CHECK(kumo::diag::docs_anchor(info) == "kq203-retry-lifetime-unused");
  REQUIRE(kumo::diag::find_code("KQ203") == &info);
  CHECK(kumo::diag::find_code("KQ999") == nullptr);
}
