// --dns FILE: the record grammar, and lookup_mx/site names as KumoMTA
// computes them (the gmail.com example from KumoMTA's lookup_mx docs).
#include <catch2/catch.hpp>

#include "core/values/dns_fixture.hpp"

using namespace kumo::values;

TEST_CASE("dns fixture: dig's answer lines, with or without TTL and class", "[dns_fixture]") {
  auto zone = parse_dns_fixture(
      "; comment\n"
      "Gmail.COM. 300 IN MX 10 ALT1.gmail-smtp-in.l.google.com.\n"
      "gmail.com MX 5 gmail-smtp-in.l.google.com   # trailing comment\n"
      "\n"
      "host A 10.0.0.1\nhost AAAA ::1\nx TXT \"a b\" \"c\"\n1.0.0.10.in-addr.arpa PTR host.\n");
  REQUIRE(zone);
  const DnsRecords* gmail = zone->find("GMAIL.com.");
  REQUIRE(gmail != nullptr);
  REQUIRE(gmail->mx.size() == 2);
  CHECK(gmail->mx[0] == std::pair<std::uint16_t, std::string>{10, "alt1.gmail-smtp-in.l.google.com."});
  CHECK(gmail->mx[1].second == "gmail-smtp-in.l.google.com.");
  CHECK(zone->find("host")->a == std::vector<std::string>{"10.0.0.1"});
  CHECK(zone->find("host")->aaaa == std::vector<std::string>{"::1"});
  CHECK(zone->find("x")->txt == std::vector<std::string>{"a bc"});
  CHECK(zone->find("1.0.0.10.in-addr.arpa")->ptr == std::vector<std::string>{"host."});
}

TEST_CASE("dns fixture: a bad line is refused with its number", "[dns_fixture]") {
  CHECK(parse_dns_fixture("a A 1.2.3.4\nb MX ten x.\n").error() ==
        "2: MX takes a preference (0-65535) and a host name");
  CHECK(parse_dns_fixture("a CNAME b.\n").error() == "1: unknown record type CNAME (MX, A, AAAA, TXT or PTR)");
  CHECK(parse_dns_fixture("a\n").error() == "1: expected NAME [TTL] [IN] TYPE DATA");
  CHECK(parse_dns_fixture("a TXT \"open\n").error() == "1: a quoted string is not closed");
  CHECK(parse_dns_fixture("a MX 70000 b.\n").error() == "1: MX takes a preference (0-65535) and a host name");
}

TEST_CASE("lookup_mx: hosts by preference, site name factored as KumoMTA does", "[dns_fixture]") {
  auto zone = parse_dns_fixture(
      "gmail.com MX 30 alt3.gmail-smtp-in.l.google.com.\n"
      "gmail.com MX 40 alt4.gmail-smtp-in.l.google.com.\n"
      "gmail.com MX 5 gmail-smtp-in.l.google.com.\n"
      "gmail.com MX 10 alt1.gmail-smtp-in.l.google.com.\n"
      "gmail.com MX 20 alt2.gmail-smtp-in.l.google.com.\n"
      "same.example MX 10 b.mx.example.\nsame.example MX 10 a.mx.example.\n"
      "implicit.example A 192.0.2.1\n");
  REQUIRE(zone);
  auto mx = lookup_mx(*zone, "gmail.com");
  REQUIRE(mx);
  CHECK(mx->domain_name == "gmail.com.");
  CHECK(mx->site_name == "(alt1|alt2|alt3|alt4)?.gmail-smtp-in.l.google.com");
  CHECK(mx->hosts == std::vector<std::string>{"gmail-smtp-in.l.google.com.", "alt1.gmail-smtp-in.l.google.com.",
                                              "alt2.gmail-smtp-in.l.google.com.", "alt3.gmail-smtp-in.l.google.com.",
                                              "alt4.gmail-smtp-in.l.google.com."});
  CHECK(mx->is_mx);
  auto same = lookup_mx(*zone, "same.example");
  REQUIRE(same);
  CHECK(same->hosts == std::vector<std::string>{"a.mx.example.", "b.mx.example."});
  CHECK(same->site_name == "(a|b).mx.example");
  auto implicit = lookup_mx(*zone, "implicit.example");
  REQUIRE(implicit);
  CHECK_FALSE(implicit->is_mx);
  CHECK(implicit->hosts == std::vector<std::string>{"implicit.example."});
  CHECK(implicit->site_name == "implicit.example");
  CHECK_FALSE(lookup_mx(*zone, "unknown.example"));
}

TEST_CASE("factor_names: positions from the right, ? where a name is shorter", "[dns_fixture]") {
  CHECK(factor_names({"mx1.a.example.", "mx2.b.example."}) == "(mx1|mx2).(a|b).example");
  CHECK(factor_names({"example.com.", "mx.example.com."}) == "mx?.example.com");
  CHECK(factor_names({"MX.Example.COM"}) == "mx.example.com");
  CHECK(factor_names({}).empty());
}
