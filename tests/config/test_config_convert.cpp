// kumo.make_queue_config's table conversion, key by key (reference §0, §1, §5).
#include <catch2/catch.hpp>

#include "core/config/convert.hpp"
#include "core/config/egress.hpp"
#include "core/config/serde_text.hpp"
#include "core/config/serialize.hpp"
#include "tests/support/values.hpp"

using kumo::config::convert_queue_config;
using kumo::config::to_kumo_json;
using kumo::lua::Table;
using kumo::lua::Value;
using K = Value::Kind;

using kumo::test::boolean;
using kumo::test::codes;
using kumo::test::integer;
using kumo::test::list;
using kumo::test::map;
using kumo::test::null;
using kumo::test::number;
using kumo::test::str;

TEST_CASE("an empty table gives KumoMTA's defaults, serialized as KumoMTA does", "[convert]") {
  auto r = convert_queue_config(map({}));
  REQUIRE(r.config);
  CHECK(r.findings.empty());
  CHECK(to_kumo_json(*r.config).dump() ==
        R"({"egress_pool":null,"max_age":"7days","max_message_rate":null,"max_retry_interval":null,)"
        R"("protocol":{"smtp":{"mx_list":[],"treat_mx_list_as_secure":false}},"provider_name":null,)"
        R"("reap_interval":"10m","refresh_interval":"1m","refresh_strategy":"Ttl","retry_interval":"20m",)"
        R"("shrink_policy":[],"strategy":"SingletonTimerWheel","timerwheel_tick_interval":null})");
}

TEST_CASE("no argument and non-tables are rejected with KumoMTA's text", "[convert]") {
  auto r = convert_queue_config(Value{});
  CHECK_FALSE(r.config);
  CHECK(r.kumo_error == "invalid type: nil, expected table");
  CHECK(codes(r) == std::vector<std::string>{"KQ023"});
}

TEST_CASE("every problem is reported, each with serde's own wording as detail", "[convert]") {
  auto r = convert_queue_config(map({{"retry_intervall", str("10m")},
                                     {"egress_pool", integer(5)},
                                     {"max_message_rate", integer(10)},
                                     {"strategy", boolean(true)},
                                     {"refresh_strategy", map({{"Ttl", integer(1)}})}}));
  CHECK_FALSE(r.config);
  REQUIRE(r.findings.size() == 5);
  CHECK(r.findings[0].code == "KQ001");
  CHECK(r.findings[0].message == "unknown key \"retry_intervall\"; did you mean \"retry_interval\"?");
  CHECK(r.findings[0].detail ==
        "unknown field `retry_intervall`, expected one of `retry_interval`, `max_retry_interval`, `max_age`, "
        "`egress_pool`, `max_message_rate`, `protocol`, `reap_interval`, `refresh_interval`, "
        "`timerwheel_tick_interval`, `strategy`, `refresh_strategy`, `provider_name`, `shrink_policy`");
  CHECK(r.findings[1].detail == "invalid type: integer `5`, expected a string");
  CHECK(r.findings[1].key == "egress_pool");
  CHECK(r.findings[2].detail == "invalid type: integer `10`, expected a string");
  CHECK(r.findings[3].detail == "bad enum value");
  CHECK(r.findings[4].detail == "invalid type: newtype variant, expected unit variant");
  CHECK(r.kumo_error == r.findings[0].detail);
}

TEST_CASE("serde quotes an unexpected string as Rust's Debug does", "[convert]") {
  // serde's Unexpected::Str is `string {:?}`: controls and non-printable
  // characters are escaped, so kumod's text never holds a raw NUL or ESC.
  CHECK(kumo::config::serde_unexpected(str(std::string("a\0b\x01\x1b\"\\\n", 8))) ==
        "string \"a\\0b\\u{1}\\u{1b}\\\"\\\\\\n\"");
  CHECK(kumo::config::serde_unexpected(str("e\xcc\x81\xc2\xa0")) == "string \"e\\u{301}\\u{a0}\"");
  CHECK(kumo::config::serde_unexpected(str("\xff")) == "byte array");
}

TEST_CASE("enum values are case-sensitive, with a suggestion", "[convert]") {
  auto r = convert_queue_config(map({{"refresh_strategy", str("epoch")}}));
  REQUIRE(r.findings.size() == 1);
  CHECK(r.findings[0].message ==
        "refresh_strategy: unknown value \"epoch\"; expected \"Ttl\", \"Epoch\"; did you mean \"Epoch\"? (values are "
        "case-sensitive)");
  CHECK(r.findings[0].detail == "unknown variant `epoch`, expected `Ttl` or `Epoch`");
}

TEST_CASE("durations accept integers, floats and humantime strings", "[convert]") {
  auto r = convert_queue_config(map({{"retry_interval", integer(90)},
                                     {"max_retry_interval", number(3600.5)},
                                     {"max_age", str("1.5d")},
                                     {"timerwheel_tick_interval", null()}}));
  REQUIRE(r.config);
  auto j = to_kumo_json(*r.config);
  CHECK(j["retry_interval"] == "1m 30s");
  CHECK(j["max_retry_interval"] == "1h 500ms");
  CHECK(j["max_age"] == "1day 12h");
  CHECK(j["timerwheel_tick_interval"].is_null());
}

TEST_CASE("a negative float duration would crash kumod", "[convert]") {
  auto r = convert_queue_config(map({{"max_age", number(-1.5)}}));
  CHECK_FALSE(r.config);
  CHECK(codes(r) == std::vector<std::string>{"KQ004"});
}

TEST_CASE("a null for a required duration is serde's Option value", "[convert]") {
  auto r = convert_queue_config(map({{"max_age", null()}}));
  REQUIRE(r.findings.size() == 1);
  CHECK(r.findings[0].detail == "invalid type: Option value, expected a duration");
}

TEST_CASE("throttles normalize, fast and zero rates are flagged but accepted", "[convert]") {
  auto ok = convert_queue_config(map({{"max_message_rate", str("1,000/hr")}}));
  REQUIRE(ok.config);
  CHECK(to_kumo_json(*ok.config)["max_message_rate"] == "1000/h");
  auto zero = convert_queue_config(map({{"max_message_rate", str("10/0s")}}));
  REQUIRE(zero.config);
  CHECK(codes(zero) == std::vector<std::string>{"KQ302"});
  auto fast = convert_queue_config(map({{"max_message_rate", str("2000/s")}}));
  REQUIRE(fast.config);
  CHECK(codes(fast) == std::vector<std::string>{"KQ303"});
  auto bad = convert_queue_config(map({{"max_message_rate", str("10/seconds")}}));
  CHECK_FALSE(bad.config);
  CHECK(bad.findings[0].detail == "unknown period quantity seconds");
}

TEST_CASE("shrink_policy: a key = value table silently becomes []", "[convert]") {
  auto r = convert_queue_config(map({{"shrink_policy", map({{"interval", str("1s")}, {"policy", str("NoShrink")}})}}));
  REQUIRE(r.config);
  CHECK(r.config->shrink_policy.empty());
  CHECK(codes(r) == std::vector<std::string>{"KQ007"});
  auto listed = convert_queue_config(
      map({{"shrink_policy", list({map({{"interval", str("1s")}, {"policy", str("NoShrink")}})})}}));
  REQUIRE(listed.config);
  CHECK(to_kumo_json(*listed.config)["shrink_policy"].dump() == R"([{"interval":"1s","policy":"NoShrink"}])");
}

TEST_CASE("protocol: KumoMTA's untagged variants", "[convert]") {
  SECTION("an empty table or a string matches no variant") {
    for (const Value& v : {map({}), str("smtp")}) {
      auto r = convert_queue_config(map({{"protocol", v}}));
      CHECK_FALSE(r.config);
      CHECK(codes(r) == std::vector<std::string>{"KQ009"});
      CHECK(r.kumo_error == "data did not match any variant of untagged enum DeliveryProto");
    }
  }
  SECTION("a literal {} for mx_list is a map and fails; a JSON array works") {
    auto literal = convert_queue_config(map({{"protocol", map({{"smtp", map({{"mx_list", map({})}})}})}}));
    CHECK_FALSE(literal.config);
    CHECK(codes(literal) == std::vector<std::string>{"KQ011"});
    auto marked = convert_queue_config(map({{"protocol", map({{"smtp", map({{"mx_list", list({}, true)}})}})}}));
    CHECK(marked.config);
  }
  SECTION("smtp wins over maildir_path, which is ignored") {
    auto r = convert_queue_config(map({{"protocol", map({{"maildir_path", str("/m")}, {"smtp", map({})}})}}));
    REQUIRE(r.config);
    CHECK(std::holds_alternative<kumo::config::SmtpProtocol>(r.config->protocol));
    CHECK(codes(r) == std::vector<std::string>{"KQ010"});
  }
  SECTION("an invalid smtp falls through to a valid maildir, as serde does") {
    auto r = convert_queue_config(map({{"protocol", map({{"maildir_path", str("/m")}, {"smtp", str("x")}})}}));
    REQUIRE(r.config);
    CHECK(std::holds_alternative<kumo::config::MaildirProtocol>(r.config->protocol));
  }
  SECTION("maildir modes must be Lua integers") {
    auto r = convert_queue_config(map({{"protocol", map({{"maildir_path", str("/m")}, {"dir_mode", number(509.0)}})}}));
    CHECK_FALSE(r.config);
    CHECK(r.findings[0].key == "protocol.dir_mode");
  }
  SECTION("mx_list entries: names and {name, addr}") {
    auto r = convert_queue_config(
        map({{"protocol", map({{"smtp", map({{"mx_list", list({str("a.example.com:2525"),
                                                               map({{"name", str("b")},
                                                                    {"addr", str("[::1]:25")},
                                                                    {"is_secure", boolean(true)}})})}})}})}}));
    REQUIRE(r.config);
    CHECK(to_kumo_json(*r.config)["protocol"].dump() ==
          R"({"smtp":{"mx_list":["a.example.com:2525",{"addr":"[::1]:25","is_secure":true,"name":"b"}],)"
          R"("treat_mx_list_as_secure":false}})");
  }
  SECTION("custom_lua denies unknown keys and needs a constructor") {
    auto r = convert_queue_config(map({{"protocol", map({{"custom_lua", map({{"constructr", str("x")}})}})}}));
    CHECK_FALSE(r.config);
    CHECK(codes(r) == std::vector<std::string>{"KQ001", "KQ008"});
    CHECK(r.findings[0].message == "unknown key \"constructr\" in protocol.custom_lua; did you mean \"constructor\"?");
  }
  SECTION("the null sentinel selects an internal variant") {
    auto r = convert_queue_config(map({{"protocol", null()}}));
    REQUIRE(r.config);
    CHECK(to_kumo_json(*r.config)["protocol"].is_null());
    CHECK(codes(r) == std::vector<std::string>{"KQ020"});
  }
}

TEST_CASE("functions inside a config are unsupported values", "[convert]") {
  Value f;
  f.kind = K::function;
  auto r = convert_queue_config(map({{"egress_pool", f}}));
  REQUIRE(r.findings.size() == 1);
  CHECK(r.findings[0].detail == "unsupported value type `function`");
}

// Found by tests/fuzz/fuzz_convert: lua_rawlen may return any border, and a
// table such as {[1] = x, [2^62] = y} built with doubling keys can report a
// huge one. The list readers walked every index up to it, one finding per
// hole; the first hole already rejects the table, so they stop there.
TEST_CASE("a list with a huge border and holes is rejected once, without walking to the border", "[convert]") {
  auto holey = [](Value first) {
    auto t = std::make_shared<Table>();
    t->entries.push_back({integer(1), first});
    t->entries.push_back({integer(std::int64_t{1} << 62), str("x")});
    t->raw_length = std::int64_t{1} << 62;
    Value v;
    v.kind = K::table;
    v.table = t;
    return v;
  };
  auto shrink = convert_queue_config(
      map({{"shrink_policy", holey(map({{"interval", str("1s")}, {"policy", str("NoShrink")}}))}}));
  CHECK_FALSE(shrink.config);
  CHECK(codes(shrink) == std::vector<std::string>{"KQ002"});
  CHECK(shrink.findings[0].key == "shrink_policy[2]");

  auto mx =
      convert_queue_config(map({{"protocol", map({{"smtp", map({{"mx_list", holey(str("mx.example.com"))}})}})}}));
  CHECK_FALSE(mx.config);
  CHECK(codes(mx) == std::vector<std::string>{"KQ002"});

  auto pool =
      kumo::config::convert_egress_pool(map({{"name", str("p")}, {"entries", holey(map({{"name", str("s")}}))}}));
  CHECK_FALSE(pool.value);
  REQUIRE(pool.findings.size() == 1);
  CHECK(pool.findings[0].key == "entries[2]");
}

// Found while triaging fuzz_policy: a policy may build a 100,000-entry list
// within the default instruction budget, and looking each item up by a linear
// scan made the list readers (and the error message's JSON) quadratic:
// minutes for one make_queue_config. Table::at is O(1) on a sequence now.
TEST_CASE("a very long list is read in linear time", "[convert]") {
  std::vector<Value> items(100000, integer(1));
  auto r = convert_queue_config(map({{"shrink_policy", list(items)}}));
  CHECK_FALSE(r.config);
  CHECK(r.findings.size() == items.size());
  CHECK(r.findings.back().key == "shrink_policy[100000]");
}
