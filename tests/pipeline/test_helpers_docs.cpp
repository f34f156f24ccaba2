// KumoMTA's own documented setup, run by kumo-lint: the queues.toml of the
// queue-management guide and the sources.toml of the sending-IPs guide,
// taken from ../shared/kumomta/docs at test time (never copied here), read
// through the real queue.lua and sources.lua. Skipped without ../shared.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>

#include <nlohmann/json.hpp>

#include "tests/support/run_cli.hpp"
#include "tests/support/temp_dir.hpp"

namespace fs = std::filesystem;
using kumo::test::run_cli;

namespace {

const fs::path k_shared = fs::path(KUMO_LINT_SOURCE_DIR) / "../shared/kumomta";

// The first {% call toml_data() %} ... {% endcall %} block of a guide page.
std::string first_toml_block(const fs::path& page) {
  std::ifstream in(page);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string open = "{% call toml_data() %}\n";
  auto begin = text.find(open);
  auto end = text.find("{% endcall %}", begin);
  REQUIRE(begin != std::string::npos);
  REQUIRE(end != std::string::npos);
  return text.substr(begin + open.size(), end - begin - open.size());
}

void write(const fs::path& file, const std::string& text) { std::ofstream(file) << text; }

}  // namespace

TEST_CASE("the guides' queues.toml and sources.toml through queue.lua and sources.lua", "[helpers][docs]") {
  if (!fs::is_directory(k_shared / "docs") || !fs::is_directory(k_shared / "policy-extras")) {
    WARN("skipped: ../shared/kumomta (KumoMTA's helpers and guides) is not present");
    return;
  }
  kumo::test::TempDir etc;
  write(etc.path / "queues.toml", first_toml_block(k_shared / "docs/queuemanagement.md"));
  write(etc.path / "sources.toml", first_toml_block(k_shared / "docs/sendingips.md"));
  auto r = run_cli({"check", "testdata/helpers/sources_and_queues.lua", "--format", "json", "--lua-path",
                    "../shared/kumomta", "--map-path", "/opt/kumomta/etc/policy=" + etc.path.string()});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  auto doc = nlohmann::json::parse(r.out);

  std::map<std::string, nlohmann::json> configs;
  for (const auto& result : doc["results"]) {
    INFO(result["queue"]);
    for (const auto& d : result["diagnostics"]) {
      CHECK(d["severity"] != "error");
    }
    configs[result["queue"]] = result["config"];
  }
  // The guide's sections are sampled by default.
  for (const char* q : {"gmail.com", "my.own.hostname", "mytenant@gmail.com", "default-tenant@gmail.com",
                        "welcome-campaign:mytenant@gmail.com"}) {
    INFO(q);
    REQUIRE(configs.count(q) == 1);
    CHECK(configs[q]["refresh_strategy"] == "Epoch");
  }
  // [queue.default] < [queue.'gmail.com'] < [tenant.'mytenant'] < the
  // (empty) [queue.'gmail.com'.'mytenant'] and its campaign.
  CHECK(configs["gmail.com"]["max_age"] == "22h");
  CHECK(configs["gmail.com"]["retry_interval"] == "17m");
  CHECK(configs["gmail.com"]["egress_pool"].is_null());
  CHECK(configs["mytenant@gmail.com"]["max_age"] == "10h");
  CHECK(configs["mytenant@gmail.com"]["retry_interval"] == "17m");
  CHECK(configs["mytenant@gmail.com"]["egress_pool"] == "pool-2");
  CHECK(configs["welcome-campaign:mytenant@gmail.com"] == configs["mytenant@gmail.com"]);
  CHECK(configs["default-tenant@gmail.com"]["egress_pool"] == "pool-1");
  CHECK(configs["default-tenant@gmail.com"]["max_age"] == "22h");
  // routing_domain is the helper's key, not a queue option: only the default applies.
  CHECK(configs["my.own.hostname"]["max_age"] == "1day");
  CHECK(configs["outlook.com"]["max_age"] == "1day");
}
