// util::Expected (a stand-in for C++23 std::expected) and util::dump_json,
// the two small generic helpers everything else builds on.
#include <catch2/catch.hpp>

#include <string>

#include "core/util/expected.hpp"
#include "core/util/json.hpp"

using kumo::util::Expected;
using kumo::util::unexpected;

TEST_CASE("Expected holds a value or an error, never both", "[util][expected]") {
  Expected<int, std::string> value = 42;
  REQUIRE(value.has_value());
  CHECK(static_cast<bool>(value));
  CHECK(*value == 42);

  Expected<int, std::string> error = unexpected(std::string("not a duration"));
  REQUIRE_FALSE(error.has_value());
  CHECK_FALSE(static_cast<bool>(error));
  CHECK(error.error() == "not a duration");
}

TEST_CASE("Expected tells a value from an error of the same type", "[util][expected]") {
  // Why Unexpected exists: with T == E, only the wrapper says which it is.
  Expected<std::string, std::string> value = std::string("1h");
  Expected<std::string, std::string> error = unexpected(std::string("1 hour?"));
  CHECK(value.has_value());
  CHECK(value->size() == 2);
  CHECK_FALSE(error.has_value());
  CHECK(error.error() == "1 hour?");
}

TEST_CASE("Expected moves its value out", "[util][expected]") {
  Expected<std::string, int> value = std::string(100, 'x');
  const std::string moved = std::move(value).value();
  CHECK(moved.size() == 100);
}

TEST_CASE("dump_json replaces bytes that are not UTF-8 instead of throwing", "[util][json]") {
  const nlohmann::json value = {{"text", "ok\xff"}};
  CHECK(kumo::util::dump_json(value) == "{\"text\":\"ok\xef\xbf\xbd\"}");
  CHECK(kumo::util::dump_json(nlohmann::json::array({1, 2}), 2) == "[\n  1,\n  2\n]");
}
