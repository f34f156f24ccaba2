#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/values/resolvable_address.hpp"

using kumo::values::check_hostname;
using kumo::values::parse_resolvable_socket_addr;

namespace {

// The three reasons of kumo-address's ResolvableAddressParseError, joined
// the way its Display joins them.
std::string resolvable_error(const std::string& input, const std::string& unix, const std::string& hostname) {
  return "failed to parse \"" + input + "\" as a resolvable socket address: " +
         "not an IP socket (invalid socket address syntax); not a unix socket path (" + unix + "); not host:port (" +
         hostname + ")";
}

const std::string k_relative = "unix domain path must be absolute";

}  // namespace

// crates/kumo-address/src/resolvable.rs tests: parse_literal_v4,
// parse_literal_v6, parse_unix, parse_hostname, display_roundtrip.
TEST_CASE("ResolvableSocketAddr accepts what kumo-address accepts, in Display form", "[values][resolvable]") {
  const std::vector<std::pair<std::string, std::string>> rows = {
      {"10.0.0.1:25", "10.0.0.1:25"},
      {"[10.0.0.1]:25", "10.0.0.1:25"},
      {"[::1]:100", "[::1]:100"},
      {"/some/path", "/some/path"},
      {"mx.example.com:25", "mx.example.com:25"},
      // Beyond the Rust tests: the same parsers' documented rules.
      {"10.0.0.1:5000", "10.0.0.1:5000"},
      {"[fe80::1%2]:25", "[fe80::1%2]:25"},
      {"mx.example.com:+025", "mx.example.com:25"},
      {"mx.example.com.:25", "mx.example.com.:25"},
      {"_socks._tcp.example:1080", "_socks._tcp.example:1080"},
      {"proxy_1.example:1080", "proxy_1.example:1080"},
      {"*.example:1080", "*.example:1080"},
      {"localhost:1080", "localhost:1080"},
      {"010.0.0.1:25", "010.0.0.1:25"},  // not an IP to Rust, but a valid host name
  };
  for (const auto& [input, shown] : rows) {
    INFO(input);
    auto parsed = parse_resolvable_socket_addr(input);
    REQUIRE(parsed);
    CHECK(*parsed == shown);
  }
}

// reject_bogus_hostname, reject_missing_port, reject_bad_port,
// reject_unbracketed_v6_with_port: kumod's exact texts.
TEST_CASE("ResolvableSocketAddr rejects with kumo-address's error text", "[values][resolvable]") {
  const std::vector<std::pair<std::string, std::string>> rows = {
      {"I have spaces:25", "invalid hostname \"I have spaces\": unrecognized char:  "},
      {"mx.example.com", "missing :port suffix"},
      {"mx.example.com:bogus", "invalid port \"bogus\""},
      {"::1:100", "invalid hostname \"::1\": Malformed label: ::1"},
      {"fe80::1:100", "invalid hostname \"fe80::1\": Malformed label: fe80::1"},
      // sources.lua's own self-test value.
      {"not a valid hostname:5000", "invalid hostname \"not a valid hostname\": unrecognized char:  "},
      {"proxy.example.com", "missing :port suffix"},
      {"proxy.example.com:70000", "invalid port \"70000\""},
      {":1080", "invalid hostname \"\": hostname is empty"},
      {"-proxy.example:1080", "invalid hostname \"-proxy.example\": Malformed label: -proxy"},
      {"a..b:25", "invalid hostname \"a..b\": Malformed label: "},
      {"[10.0.0.1]:bogus", "invalid port \"bogus\""},
      {"[::1%eth0]:25", "invalid hostname \"[::1%eth0]\": Malformed label: [::1%eth0]"},
  };
  for (const auto& [input, hostname] : rows) {
    INFO(input);
    auto parsed = parse_resolvable_socket_addr(input);
    REQUIRE_FALSE(parsed);
    CHECK(parsed.error().kumo_message == resolvable_error(input, k_relative, hostname));
    CHECK_FALSE(parsed.error().message.empty());
  }
}

TEST_CASE("an absolute path no sockaddr_un can hold reports std's reason", "[values][resolvable]") {
  const std::string long_path = "/" + std::string(107, 'p');
  auto parsed = parse_resolvable_socket_addr(long_path);
  REQUIRE_FALSE(parsed);
  CHECK(parsed.error().kumo_message ==
        resolvable_error(long_path, "path must be shorter than SUN_LEN", "missing :port suffix"));
  CHECK(parse_resolvable_socket_addr("/" + std::string(106, 'p')));

  const std::string with_nul("/run/a\0b", 8);
  auto nul = parse_resolvable_socket_addr(with_nul);
  REQUIRE_FALSE(nul);
  CHECK(nul.error().kumo_message ==
        resolvable_error("/run/a\\0b", "paths must not contain interior null bytes", "missing :port suffix"));
}

TEST_CASE("an unbracketed IPv6 address with a port is explained", "[values][resolvable]") {
  auto parsed = parse_resolvable_socket_addr("::1:100");
  REQUIRE_FALSE(parsed);
  CHECK(parsed.error().message == "an IPv6 address with a port must be bracketed: [::1]:100");
}

// hickory-proto 0.26.1 Name::from_str_relaxed, via rr/domain/name.rs and
// label.rs.
TEST_CASE("host names are checked as hickory's from_str_relaxed checks them", "[values][resolvable]") {
  CHECK(check_hostname("example.com").error.empty());
  CHECK(check_hostname("EXAMPLE.com.").error.empty());
  CHECK(check_hostname(".").error.empty());
  CHECK(check_hostname("a\\.b.example").error.empty());
  CHECK(check_hostname("a\\065b.example").error.empty());
  CHECK(check_hostname(std::string(63, 'a')).error.empty());
  CHECK(check_hostname(std::string(64, 'a')).error == "decoding error: label bytes exceed 63: 64");
  CHECK(check_hostname("a\\9b").error == "illegal char: 9");
  CHECK(check_hostname("a\\0x").error == "unrecognized char: x");
  CHECK(check_hostname("tab\there").error == "unrecognized char: \t");
  CHECK(check_hostname(".example").error == "Malformed label: ");
  CHECK(check_hostname("a*.example").error == "Malformed label: a*");

  // 4 labels of 63 bytes: 1 + 4 * 64 = 257 > 255 when the fourth is added.
  const std::string label(63, 'a');
  CHECK(check_hostname(label + "." + label + "." + label + "." + label).error ==
        "decoding error: name label data exceed 255: 257");
}

TEST_CASE("non-ASCII host names are left to IDNA unless another label already fails", "[values][resolvable]") {
  auto idn = check_hostname("bücher.example");
  CHECK(idn.error.empty());
  CHECK(idn.idna_unchecked);
  // '_' inside a label is fine for from_ascii but not for the IDNA path,
  // which is the only one a non-ASCII name can pass.
  CHECK(check_hostname("a_b.bücher.example").error == "Malformed label: bücher");
  CHECK(check_hostname("bücher.exa mple").error == "Malformed label: bücher");
}
