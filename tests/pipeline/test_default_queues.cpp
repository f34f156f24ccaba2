// The default sample queues: built-in ones first, then literals from the
// policy, sorted, without repeats, and never more than 1000.
#include <catch2/catch.hpp>

#include "core/pipeline/check.hpp"

using kumo::pipeline::default_queues;

TEST_CASE("default queues: built-in first, then compared and domain-like literals, sorted", "[default_queues]") {
  auto queues = default_queues(
      "if domain == 'b.example.com' then end\n"
      "if tenant == 'acme' then end\n"
      "local x = 'a.example.com'; local y = 'b.example.com'; local f = 'policy.lua'\n",
      {});
  REQUIRE(queues.size() == 9);
  CHECK(queues[0] == "gmail.com");
  CHECK(queues[6] == "a.example.com");
  CHECK(queues[7] == "acme@gmail.com");
  CHECK(queues[8] == "b.example.com");
}

TEST_CASE("default queues stop at 1000, whatever the policy holds", "[default_queues]") {
  std::string source = "local domains = {";
  for (int i = 0; i < 50'000; ++i) {
    source += "'d" + std::to_string(i) + ".example.com',";
  }
  source += "}\n";
  auto queues = default_queues(source, {});
  REQUIRE(queues.size() == 1000);
  CHECK(queues[6] == "d0.example.com");
  CHECK(queues[7] == "d1.example.com");
  CHECK(queues[8] == "d10.example.com");
}

TEST_CASE("default queues: --max-samples sets the cap, built-in ones first", "[default_queues]") {
  std::string source = "if domain == 'b.example.com' or domain == 'a.example.com' then end\n";
  CHECK(default_queues(source, {}, 2) == std::vector<std::string>{"gmail.com", "outlook.com"});
  auto seven = default_queues(source, {}, 7);
  REQUIRE(seven.size() == 7);
  CHECK(seven[6] == "a.example.com");
}
