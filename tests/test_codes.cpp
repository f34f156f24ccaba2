// The code table is the single source of truth: every code is unique,
// documented, and has a bad policy whose golden output shows it.
#include <catch2/catch.hpp>

#include <filesystem>
#include <set>

#include "core/diag/codes.hpp"
#include "tests/support/run_cli.hpp"

namespace fs = std::filesystem;

TEST_CASE("every diagnostic code is unique, documented and has a triggering policy", "[codes]") {
  const std::string docs = kumo::test::read_source_file("docs/diagnostics.md");
  std::set<std::string> seen;
  for (const auto& info : kumo::diag::code_table()) {
    const std::string code(info.code);
    INFO(code);
    CHECK(seen.insert(code).second);
    CHECK(docs.find("## " + code + " ") != std::string::npos);
    std::string lower = code;
    for (char& c : lower) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    bool triggered = false;
    for (const auto& e : fs::directory_iterator(fs::path(KUMO_LINT_SOURCE_DIR) / "testdata/policies/bad")) {
      const std::string name = e.path().filename().string();
      if (name.rfind(lower + "_", 0) == 0 && name.size() > 13 &&
          name.compare(name.size() - 13, 13, ".expected.txt") == 0) {
        auto text = kumo::test::read_source_file("testdata/policies/bad/" + name);
        triggered = text.find("[" + code + "]") != std::string::npos;
      }
    }
    CHECK(triggered);
  }
}
