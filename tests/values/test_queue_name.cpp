#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "core/values/queue_name.hpp"

using kumo::values::format_queue_name;
using kumo::values::parse_queue_name;
using kumo::values::QueueName;

namespace {

using Opt = std::optional<std::string>;

struct Row {
  const char* name;
  QueueName parsed;
};

// Reference §7.1: the parse examples from queue_name.rs tests, then the
// derived ones.
const std::vector<Row> k_rows = {
    {"foo.com", {std::nullopt, std::nullopt, "foo.com", std::nullopt}},
    {"tenant@foo.com", {std::nullopt, "tenant", "foo.com", std::nullopt}},
    {"campaign:@foo.com", {"campaign", "", "foo.com", std::nullopt}},
    {"campaign:tenant@foo.com", {"campaign", "tenant", "foo.com", std::nullopt}},
    {"campaign:tenant@foo.com!routing.com", {"campaign", "tenant", "foo.com", "routing.com"}},
    {"foo.com:2025", {std::nullopt, std::nullopt, "foo.com:2025", std::nullopt}},
    {"foo.com!routing.com:2025", {std::nullopt, std::nullopt, "foo.com", "routing.com:2025"}},
    {"tenant@foo.com!routing.com:2025", {std::nullopt, "tenant", "foo.com", "routing.com:2025"}},
    {"campaign:@foo.com!routing.com:2025", {"campaign", "", "foo.com", "routing.com:2025"}},
    {"campaign:tenant@foo.com!routing.com:2025", {"campaign", "tenant", "foo.com", "routing.com:2025"}},
    // Derived.
    {"a:b:t@d", {"a", "b:t", "d", std::nullopt}},
    {"x@y@z", {std::nullopt, "x", "y@z", std::nullopt}},
    {"@d", {std::nullopt, "", "d", std::nullopt}},
    {":@d", {"", "", "d", std::nullopt}},
    {"d!r!s", {std::nullopt, std::nullopt, "d", "r!s"}},
    {"d!", {std::nullopt, std::nullopt, "d", ""}},
    {"!r", {std::nullopt, std::nullopt, "", "r"}},
    {"t@", {std::nullopt, "t", "", std::nullopt}},
    {"", {std::nullopt, std::nullopt, "", std::nullopt}},
    {"c:t@d!r@x", {"c", "t", "d", "r@x"}},
    {"d!r@x", {std::nullopt, "d!r", "x", std::nullopt}},
    {"null", {std::nullopt, std::nullopt, "null", std::nullopt}},
    {"generator.kumomta.internal", {std::nullopt, std::nullopt, "generator.kumomta.internal", std::nullopt}},
};

}  // namespace

TEST_CASE("parse_queue_name splits like QueueNameComponents::parse", "[queue_name]") {
  for (const auto& row : k_rows) {
    INFO(row.name);
    const QueueName parsed = parse_queue_name(row.name);
    CHECK(parsed.campaign == row.parsed.campaign);
    CHECK(parsed.tenant == row.parsed.tenant);
    CHECK(parsed.domain == row.parsed.domain);
    CHECK(parsed.routing_domain == row.parsed.routing_domain);
  }
}

TEST_CASE("parse_queue_name_view splits the same, as views into the name", "[queue_name]") {
  for (const auto& row : k_rows) {
    const std::string name = row.name;
    INFO(name);
    const kumo::values::QueueNameView view = kumo::values::parse_queue_name_view(name);
    auto inside = [&name](std::string_view part) {
      return part.data() >= name.data() && part.data() + part.size() <= name.data() + name.size();
    };
    auto same = [&inside](const std::optional<std::string_view>& part, const Opt& expected) {
      return part.has_value() == expected.has_value() && (!part || (*part == *expected && inside(*part)));
    };
    CHECK(same(view.campaign, row.parsed.campaign));
    CHECK(same(view.tenant, row.parsed.tenant));
    CHECK(same(view.domain, row.parsed.domain));
    CHECK(same(view.routing_domain, row.parsed.routing_domain));
  }
}

TEST_CASE("format_queue_name writes KumoMTA's four shapes", "[queue_name]") {
  CHECK(format_queue_name({"c", "t", "domain", std::nullopt}) == "c:t@domain");
  CHECK(format_queue_name({"c", std::nullopt, "domain", std::nullopt}) == "c:@domain");
  CHECK(format_queue_name({std::nullopt, "t", "domain", std::nullopt}) == "t@domain");
  CHECK(format_queue_name({std::nullopt, std::nullopt, "domain", std::nullopt}) == "domain");
  CHECK(format_queue_name({"c", "t", "domain", "routing"}) == "c:t@domain!routing");
  CHECK(format_queue_name({"c", std::nullopt, "domain", "routing"}) == "c:@domain!routing");
  CHECK(format_queue_name({std::nullopt, "t", "domain", "routing"}) == "t@domain!routing");
  CHECK(format_queue_name({std::nullopt, std::nullopt, "domain", "routing"}) == "domain!routing");
  CHECK(format_queue_name({"c", "", "domain", std::nullopt}) == "c:@domain");
}

TEST_CASE("a campaign without a tenant comes back with an empty tenant", "[queue_name]") {
  const QueueName q{"c", std::nullopt, "d", std::nullopt};
  const QueueName back = parse_queue_name(format_queue_name(q));
  CHECK(back.campaign == Opt("c"));
  CHECK(back.tenant == Opt(""));
}

TEST_CASE("every reference name re-formats to itself", "[queue_name]") {
  for (const auto& row : k_rows) {
    INFO(row.name);
    CHECK(format_queue_name(parse_queue_name(row.name)) == row.name);
  }
}

namespace {

// A random string over `alphabet`, possibly empty.
std::string random_text(std::mt19937_64& rng, std::string_view alphabet, std::size_t max_size) {
  std::string out;
  const std::size_t size = rng() % (max_size + 1);
  for (std::size_t i = 0; i < size; ++i) {
    out += alphabet[rng() % alphabet.size()];
  }
  return out;
}

}  // namespace

TEST_CASE("parse inverts format for names KumoMTA produces", "[queue_name]") {
  // Meta values are free text except for the separators that parsing
  // splits on: '@' anywhere before the domain, ':' in a campaign, '!' in a
  // domain. The domain is a lower-cased address domain.
  std::mt19937_64 rng(0x6b756d6f);
  const std::string_view campaign_chars = "abcXYZ019-_. !";
  const std::string_view tenant_chars = "abcXYZ019-_. !:";
  const std::string_view domain_chars = "abc019-.:[]";
  const std::string_view routing_chars = "abc019-.:!";
  for (int i = 0; i < 3000; ++i) {
    QueueName q;
    if (rng() % 2 == 0) {
      q.campaign = random_text(rng, campaign_chars, 8);
      q.tenant = random_text(rng, tenant_chars, 8);  // KumoMTA writes "c:@d" for none
    } else if (rng() % 2 == 0) {
      q.tenant = random_text(rng, campaign_chars, 8);  // a ':' would start a campaign
    }
    q.domain = random_text(rng, domain_chars, 12);
    if (rng() % 2 == 0) {
      q.routing_domain = random_text(rng, routing_chars, 12);
    }
    const std::string name = format_queue_name(q);
    INFO(name);
    CHECK(parse_queue_name(name) == q);
    CHECK(format_queue_name(parse_queue_name(name)) == name);
  }
}

TEST_CASE("format inverts parse for any text", "[queue_name]") {
  std::mt19937_64 rng(42);
  for (int i = 0; i < 3000; ++i) {
    const std::string name = random_text(rng, "ab:@!.", 12);
    INFO(name);
    CHECK(format_queue_name(parse_queue_name(name)) == name);
  }
}
