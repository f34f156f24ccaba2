// kumo.make_egress_source: the proxy servers (kumo-address's
// ResolvableSocketAddr), the IP fields (Rust's IpAddr) and the suspension
// rules (SuspendOnFailure with kumo_api_types' Trigger), as kumod's serde
// types read them.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/config/egress.hpp"
#include "tests/support/values.hpp"

using kumo::config::convert_egress_source;
using kumo::lua::Table;
using kumo::lua::Value;
using K = Value::Kind;
using kumo::test::boolean;
using kumo::test::codes;
using kumo::test::integer;
using kumo::test::map;
using kumo::test::str;

namespace {

// make_egress_source { name = "s", <key> = <value> }.
kumo::config::Converted<kumo::config::EgressSource> source_with(const std::string& key, Value value) {
  return convert_egress_source(map({{"name", str("s")}, {key, std::move(value)}}));
}

}  // namespace

TEST_CASE("proxy servers accept IP, unix and host:port forms, serialized as kumod shows them", "[convert][egress]") {
  const std::vector<std::pair<std::string, std::string>> rows = {
      {"10.0.0.1:5000", "10.0.0.1:5000"}, {"[10.0.0.1]:25", "10.0.0.1:25"},           {"[::1]:100", "[::1]:100"},
      {"/some/path", "/some/path"},       {"mx.example.com:25", "mx.example.com:25"},
  };
  for (const auto& key : {"ha_proxy_server", "socks5_proxy_server"}) {
    for (const auto& [input, shown] : rows) {
      INFO(key << " = " << input);
      auto r = source_with(key, str(input));
      REQUIRE(r.value);
      CHECK(r.findings.empty());
      CHECK(r.value->serialized[key] == shown);
    }
  }
}

TEST_CASE("a proxy server kumod cannot parse is rejected with its text and KQ105", "[convert][egress]") {
  auto r = source_with("ha_proxy_server", str("proxy.example.com"));
  CHECK_FALSE(r.value);
  CHECK(codes(r) == std::vector<std::string>{"KQ105"});
  CHECK(r.findings[0].key == "ha_proxy_server");
  CHECK(r.kumo_error ==
        "failed to parse \"proxy.example.com\" as a resolvable socket address: not an IP socket (invalid socket "
        "address syntax); not a unix socket path (unix domain path must be absolute); not host:port (missing "
        ":port suffix)");

  // policy-extras/sources.lua's mod:test() looks for 'invalid hostname'.
  auto selftest = source_with("socks5_proxy_server", str("not a valid hostname:5000"));
  CHECK_FALSE(selftest.value);
  CHECK(selftest.kumo_error.find("invalid hostname") != std::string::npos);

  for (const auto* input : {"I have spaces:25", "::1:100", "mx.example.com:bogus"}) {
    INFO(input);
    CHECK(codes(source_with("socks5_proxy_server", str(input))) == std::vector<std::string>{"KQ105"});
  }

  auto number = source_with("socks5_proxy_server", integer(1080));
  CHECK(codes(number) == std::vector<std::string>{"KQ002"});
  CHECK(number.kumo_error == "invalid type: integer `1080`, expected a string");
}

TEST_CASE("source addresses use Rust's IpAddr grammar and Display", "[convert][egress]") {
  auto mapped = source_with("source_address", str("::FFFF:10.0.0.1"));
  REQUIRE(mapped.value);
  CHECK(mapped.value->serialized["source_address"] == "::ffff:10.0.0.1");

  auto bracketed = source_with("ha_proxy_source_address", str("[10.0.0.1]"));
  CHECK_FALSE(bracketed.value);
  CHECK(bracketed.kumo_error == "invalid IP address syntax");

  auto number = source_with("socks5_proxy_source_address", integer(5));
  CHECK_FALSE(number.value);
  CHECK(number.kumo_error == "invalid type: integer `5`, expected IP address");
}

// docs/reference/kumo/make_egress_source/suspend_when_*.md examples.
TEST_CASE("suspension rules accept kumod's SuspendOnFailure shapes", "[convert][egress]") {
  for (const auto* key : {"suspend_when_unplumbed", "suspend_when_proxy_unhealthy"}) {
    INFO(key);
    auto plain = source_with(key, map({{"duration", str("5m")}}));
    REQUIRE(plain.value);
    CHECK(plain.value->serialized[key] == nlohmann::json({{"trigger", "Immediate"}, {"duration", "5m"}}));

    auto immediate = source_with(key, map({{"trigger", str("Immediate")}, {"duration", str("5m")}}));
    REQUIRE(immediate.value);

    auto threshold =
        source_with(key, map({{"trigger", map({{"Threshold", str("3/1m")}})}, {"duration", integer(300)}}));
    REQUIRE(threshold.value);
    CHECK(threshold.findings.empty());
    CHECK(threshold.value->serialized[key]["duration"] == "5m");
  }
}

TEST_CASE("suspension rules are rejected as serde rejects them", "[convert][egress]") {
  struct Row {
    Value rule;
    const char* code;
    const char* kumo_error;
  };
  const std::vector<Row> rows = {
      {map({}), "KQ008", "missing field `duration`"},
      {map({{"trigger", str("Immediate")}}), "KQ008", "missing field `duration`"},
      {map({{"duration", str("5m")}, {"durration", str("5m")}}), "KQ001",
       "unknown field `durration`, expected `trigger` or `duration`"},
      {map({{"duration", str("5 minutes please")}}), "KQ003", nullptr},
      {map({{"trigger", str("immediate")}, {"duration", str("5m")}}), "KQ005",
       "unknown variant `immediate`, expected `Immediate` or `Threshold`"},
      {map({{"trigger", str("Threshold")}, {"duration", str("5m")}}), "KQ002",
       "invalid type: unit variant, expected newtype variant"},
      {map({{"trigger", map({{"Immediate", boolean(true)}})}, {"duration", str("5m")}}), "KQ002",
       "invalid type: newtype variant, expected unit variant"},
      {map({{"trigger", map({})}, {"duration", str("5m")}}), "KQ002",
       "invalid value: map, expected map with a single key"},
      {map({{"trigger", map({{"Threshold", str("3/1m")}, {"Immediate", str("x")}})}, {"duration", str("5m")}}), "KQ002",
       "invalid value: map, expected map with a single key"},
      {map({{"trigger", map({{"Treshold", str("3/1m")}})}, {"duration", str("5m")}}), "KQ005",
       "unknown variant `Treshold`, expected `Immediate` or `Threshold`"},
      {map({{"trigger", map({{"Threshold", integer(3)}})}, {"duration", str("5m")}}), "KQ002",
       "invalid type: integer `3`, expected a string"},
      {map({{"trigger", map({{"Threshold", str("3/fortnight")}})}, {"duration", str("5m")}}), "KQ301", nullptr},
      {map({{"trigger", integer(1)}, {"duration", str("5m")}}), "KQ002", "bad enum value"},
      {str("5m"), "KQ002", "invalid type: string \"5m\", expected struct SuspendOnFailure"},
  };
  for (const auto& row : rows) {
    auto r = source_with("suspend_when_unplumbed", row.rule);
    INFO(r.kumo_error);
    CHECK_FALSE(r.value);
    REQUIRE_FALSE(r.findings.empty());
    CHECK(r.findings[0].code == row.code);
    if (row.kumo_error != nullptr) {
      CHECK(r.kumo_error == row.kumo_error);
    }
  }
}
