// Differential test of kumo-lint running KumoMTA's own queue.lua: for the
// queues of testdata/helpers/differential/queues.txt, the configs it prints
// through the real helper (reading testdata/helpers/etc/queues.toml) equal
// those of a hand-written policy returning the params queue.lua computes
// (expected.lua). Needs ../shared/kumomta (KumoMTA's helpers, never copied
// here): skipped without it.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "tests/support/run_cli.hpp"

using kumo::test::run_cli;

namespace {

bool have_helpers() {
  return std::filesystem::is_directory(std::filesystem::path(KUMO_LINT_SOURCE_DIR) / "../shared/kumomta/policy-extras");
}

nlohmann::json check_json(const std::string& policy, const std::string& queues_file, const std::string& toml_dir) {
  auto r = run_cli({"check", policy, "--format", "json", "--queues-file", queues_file, "--lua-path",
                    "../shared/kumomta", "--map-path", "/opt/kumomta/etc/policy=" + toml_dir});
  INFO(r.err);
  REQUIRE(r.exit_code != 2);
  return nlohmann::json::parse(r.out);
}

// Codes of the findings of one result, errors only.
std::vector<std::string> error_codes(const nlohmann::json& result) {
  std::vector<std::string> out;
  for (const auto& d : result["diagnostics"]) {
    if (d["severity"] == "error") {
      out.push_back(d["code"]);
    }
  }
  return out;
}

}  // namespace

TEST_CASE("queue.lua differential: configs through the real helper equal the hand-written params",
          "[helpers][differential]") {
  if (!have_helpers()) {
    WARN("skipped: ../shared/kumomta (KumoMTA's helpers) is not present");
    return;
  }
  const std::string queues = "testdata/helpers/differential/queues.txt";
  auto helper = check_json("testdata/helpers/queue_helper.lua", queues, "testdata/helpers/etc");
  auto expected = check_json("testdata/helpers/differential/expected.lua", queues, "testdata/helpers/etc");
  REQUIRE(helper["results"].size() == 10);
  REQUIRE(expected["results"].size() == helper["results"].size());
  for (std::size_t i = 0; i < helper["results"].size(); ++i) {
    const auto& got = helper["results"][i];
    const auto& want = expected["results"][i];
    INFO("queue " << got["queue"].get<std::string>());
    CHECK(got["queue"] == want["queue"]);
    CHECK(got["config"] == want["config"]);
    CHECK(error_codes(got) == error_codes(want));
  }
}

TEST_CASE("queue.lua differential: where the helper raises, the queue has an error instead of a config",
          "[helpers][differential]") {
  if (!have_helpers()) {
    WARN("skipped: ../shared/kumomta (KumoMTA's helpers) is not present");
    return;
  }
  auto helper = check_json("testdata/helpers/queue_helper.lua", "testdata/helpers/differential/queues.txt",
                           "testdata/helpers/differential/bad");
  for (const auto& result : helper["results"]) {
    INFO("queue " << result["queue"].get<std::string>());
    CHECK(result["config"].is_null());
    // queue.lua fails (KQ903), and the value that made it fail is placed in
    // queues.toml (KQ402).
    auto codes = error_codes(result);
    std::sort(codes.begin(), codes.end());
    CHECK(codes == std::vector<std::string>{"KQ402", "KQ903"});
  }
}
