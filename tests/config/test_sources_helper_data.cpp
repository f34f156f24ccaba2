// sources.toml checked as sources.lua reads it: every finding names the key
// path, and its place comes from the locator (the TOML line and column).
#include <catch2/catch.hpp>

#include "core/config/helper_data.hpp"
#include "core/config/sources_helper_data.hpp"
#include "tests/support/helper_data.hpp"
#include "tests/support/values.hpp"

using kumo::config::data_table;
using kumo::lua::Value;
using kumo::test::number;
using kumo::test::str;

namespace {

std::vector<std::string> check_sources(const Value& root) {
  return kumo::test::helper_data_findings(root, "sources.toml");
}

const std::string k_fate =
    "; sources.lua's type check refuses it: loading the file fails, and so does every egress source and pool it "
    "defines";

}  // namespace

TEST_CASE("sources helper data: only files with a source or pool table are checked", "[sources_helper_data]") {
  CHECK_FALSE(kumo::config::is_sources_helper_data(data_table({{"queue", data_table({})}})));
  CHECK_FALSE(kumo::config::is_sources_helper_data(data_table({{"source", str("x")}})));
  CHECK(kumo::config::is_sources_helper_data(data_table({{"pool", data_table({})}})));
  CHECK(check_sources(data_table({{"sources", data_table({})}})).empty());
}

TEST_CASE("sources helper data: a valid file has no findings", "[sources_helper_data]") {
  auto root = data_table({
      {"source", data_table({{"ip-1", data_table({{"source_address", str("10.0.0.1")},
                                                  {"ehlo_domain", str("mta1.example.com")},
                                                  {"ha_proxy_server", str("10.0.0.9:5000")}})}})},
      {"pool", data_table({{"empty", data_table({})},
                           {"main", data_table({{"ip-1", data_table({{"weight", Value::make_integer(2)}})}})}})},
  });
  CHECK(check_sources(root).empty());
}

TEST_CASE("sources helper data: misspelt keys at every level, with a suggestion", "[sources_helper_data]") {
  auto root = data_table({
      {"sourc", data_table({})},
      {"source", data_table({{"ip-1", data_table({{"source_adress", str("10.0.0.1")}})}})},
      {"pool", data_table({{"main", data_table({{"ip-1", data_table({{"wieght", Value::make_integer(2)}})}})}})},
  });
  CHECK(check_sources(root) ==
        std::vector<std::string>{
            "KQ401 pool.main.ip-1.wieght 4: `wieght` in [pool.'main'.'ip-1'] is not a key of a pool entry (did you "
            "mean `weight`?) (an entry takes only `weight`)" +
                k_fate,
            "KQ401 sourc 1: `sourc` at the top level is not a key of the sources helper (did you mean `source`?)" +
                k_fate,
            "KQ401 source.ip-1.source_adress 3: `source_adress` in [source.'ip-1'] is not an egress source option "
            "(did you mean `source_address`?)" +
                k_fate,
        });
}

TEST_CASE("sources helper data: values kumod rejects", "[sources_helper_data]") {
  auto root = data_table({
      {"source", data_table({{"ip-1", data_table({{"source_address", str("10.0.0.300")},
                                                  {"socks5_proxy_server", str("not a valid hostname:5000")}})},
                             {"ip-2", str("10.0.0.2")}})},
      {"pool", data_table({{"main", data_table({{"ip-1", data_table({{"weight", str("2")}})},
                                                {"ip-2", data_table({{"weight", number(1.5)}})}})}})},
  });
  auto found = check_sources(root);
  REQUIRE(found.size() == 5);
  CHECK(found[0].rfind("KQ402 pool.main.ip-1.weight 4: `weight` in [pool.'main'.'ip-1'] is a value kumod rejects "
                       "(invalid type: string \"2\", expected u32)",
                       0) == 0);
  CHECK(found[1].rfind("KQ402 pool.main.ip-2.weight 4: `weight` in [pool.'main'.'ip-2'] is a value kumod rejects "
                       "(invalid type: floating point `1.5`, expected u32)",
                       0) == 0);
  CHECK(found[2].rfind("KQ402 source.ip-1.socks5_proxy_server 3: `socks5_proxy_server` in [source.'ip-1'] is a value "
                       "kumod rejects (",
                       0) == 0);
  CHECK(found[2].find("invalid hostname") != std::string::npos);
  CHECK(found[3].rfind("KQ402 source.ip-1.source_address 3: `source_address` in [source.'ip-1'] is a value kumod "
                       "rejects (invalid IP address syntax)",
                       0) == 0);
  CHECK(found[4] == "KQ402 source.ip-2 2: `ip-2` in [source] must be a table (a section), not a string" + k_fate);
}
