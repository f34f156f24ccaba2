// queues.toml checked as queue.lua reads it: every finding names the key
// path, and its place comes from the locator (the TOML line and column).
#include <catch2/catch.hpp>

#include "core/config/queue_helper_data.hpp"
#include "tests/support/helper_data.hpp"
#include "tests/support/values.hpp"

using kumo::lua::Table;
using kumo::lua::Value;
using kumo::test::number;
using kumo::test::str;

namespace {

Value table(std::vector<std::pair<std::string, Value>> entries) { return kumo::config::data_table(std::move(entries)); }

std::vector<std::string> check_queues(const Value& root) {
  return kumo::test::helper_data_findings(root, "queues.toml");
}

}  // namespace

TEST_CASE("queue helper data: only files with a queue or tenant table are checked", "[queue_helper_data]") {
  CHECK_FALSE(kumo::config::is_queue_helper_data(table({{"source", table({})}})));
  CHECK_FALSE(kumo::config::is_queue_helper_data(table({{"queue", str("x")}})));
  CHECK(kumo::config::is_queue_helper_data(table({{"tenant", table({})}})));
  CHECK(check_queues(table({{"pool", table({})}})).empty());
}

TEST_CASE("queue helper data: a valid file has no findings", "[queue_helper_data]") {
  auto root = table({
      {"tenant_header", str("X-Tenant")},
      {"default_tenant", str("acme")},
      {"tenant", table({{"acme", table({{"egress_pool", str("p")},
                                        {"overall_max_message_rate", str("10/s")},
                                        {"campaigns", table({{"c", table({{"max_age", str("1d")}})}})}})}})},
      {"queue", table({{"default", table({{"max_age", str("2d")}})},
                       {"gmail.com", table({{"routing_domain", str("[10.0.0.1]")},
                                            {"acme", table({{"retry_interval", str("5m")},
                                                            {"welcome", table({{"max_age", str("1h")}})}})}})}})},
  });
  CHECK(check_queues(root).empty());
}

TEST_CASE("queue helper data: misspelt keys, at every level, with a suggestion", "[queue_helper_data]") {
  auto root = table({
      {"tenant_headr", str("X-Tenant")},
      {"tenant", table({{"acme", table({{"max_agee", str("1d")}})}})},
      {"queue", table({{"gmail.com", table({{"retry_intervall", str("5m")},
                                            {"acme", table({{"welcome", table({{"egress_pol", str("p")}})}})}})}})},
  });
  CHECK(check_queues(root) ==
        std::vector<std::string>{
            "KQ401 tenant_headr 1: `tenant_headr` at the top level is not a key of the queue helper (did you mean "
            "`tenant_header`?); queue.lua's type check refuses it, and merging the file fails for every queue",
            "KQ401 tenant.acme.max_agee 3: `max_agee` in [tenant.'acme'] is not a queue option or a key of the queue "
            "helper (did you mean `max_age`?); queue.lua's type check refuses it, and merging the file fails for "
            "every queue",
            "KQ401 queue.gmail.com.acme.welcome.egress_pol 5: `egress_pol` in [queue.'gmail.com'.'acme'.'welcome'] "
            "is not a queue option or a key of the queue helper (did you mean `egress_pool`?); queue.lua's type "
            "check refuses it, and merging the file fails for every queue",
            "KQ401 queue.gmail.com.retry_intervall 3: `retry_intervall` in [queue.'gmail.com'] is not a queue "
            "option or a key of the queue helper (did you mean `retry_interval`?); queue.lua takes it for a tenant, "
            "and merging the file fails for every queue",
        });
}

TEST_CASE("queue helper data: values kumod or the helper rejects", "[queue_helper_data]") {
  Value three = Value::make_integer(3);
  auto root = table({
      {"remove_tenant_header", str("yes")},
      {"tenant", table({{"acme", table({{"require_authz", str("daniel")}})}})},
      {"queue",
       table({{"gmail.com", table({{"retry_interval", str("5 minuts")}, {"acme", table({{"shrink_policy", three}})}})},
              {"yahoo.com", str("oops")}})},
  });
  auto found = check_queues(root);
  REQUIRE(found.size() == 5);
  CHECK(found[0] ==
        "KQ402 remove_tenant_header 1: `remove_tenant_header` at the top level must be true or false, "
        "not a string; queue.lua's type check refuses it, and merging the file fails for every queue");
  CHECK(found[1].rfind("KQ402 tenant.acme.require_authz 3: `require_authz` in [tenant.'acme'] must be a list of "
                       "strings, not a string",
                       0) == 0);
  CHECK(found[2].rfind("KQ402 queue.gmail.com.acme.shrink_policy 4: `shrink_policy` in [queue.'gmail.com'.'acme'] "
                       "is a value kumod rejects (invalid type: integer `3`, expected a sequence); queue.lua takes it "
                       "for a campaign",
                       0) == 0);
  CHECK(found[3].rfind("KQ402 queue.gmail.com.retry_interval 3: `retry_interval` in [queue.'gmail.com'] is a value "
                       "kumod rejects (",
                       0) == 0);
  CHECK(found[4].rfind("KQ402 queue.yahoo.com 2: `yahoo.com` in [queue] must be a table (a section), not a string",
                       0) == 0);
}

TEST_CASE("queue helper data: default_tenant must name a [tenant] section", "[queue_helper_data]") {
  auto undefined = table({{"default_tenant", str("nobody")}, {"tenant", table({{"acme", table({})}})}});
  CHECK(check_queues(undefined) ==
        std::vector<std::string>{"KQ403 default_tenant 1: default_tenant \"nobody\" has no [tenant.'nobody'] "
                                 "section: kumod rejects every message that has no tenant header (\"tenant 'nobody' "
                                 "specified by default_tenant option is not defined in your queue config\")"});
  CHECK(check_queues(table({{"default_tenant", str("acme")}, {"tenant", table({{"acme", table({})}})}})).empty());
}

TEST_CASE("queue helper data: a domain section no queue can match", "[queue_helper_data]") {
  auto root = table({{"queue", table({{"Gmail.com", table({})},
                                      {"*.example.net", table({})},
                                      {"mail.*.example.org", table({})},
                                      {"yahoo.com ", table({})},
                                      {"default", table({})},
                                      {"outlook.com", table({})}})}});
  CHECK(check_queues(root) ==
        std::vector<std::string>{
            "KQ404 queue.Gmail.com 2: [queue.'Gmail.com'] never matches a queue: kumod lowercases the recipient's "
            "domain before it names the queue, and sections match it case-sensitively: write [queue.'gmail.com']",
            "KQ404 queue.mail.*.example.org 2: [queue.'mail.*.example.org'] never matches a queue: `*` is a wildcard "
            "only as the whole first label (`*.example.com`); elsewhere it is a literal `*`, which no domain holds",
            "KQ404 queue.yahoo.com  2: [queue.'yahoo.com '] never matches a queue: a domain holds no spaces",
        });
}

TEST_CASE("queue helper data: a domain's tenant section for a tenant with no [tenant] section", "[queue_helper_data]") {
  auto with_header = table(
      {{"tenant_header", str("X-Tenant")},
       {"tenant", table({{"acme", table({})}})},
       {"queue", table({{"gmail.com", table({{"acmee", table({{"max_age", str("1d")}})}, {"acme", table({})}})}})}});
  CHECK(check_queues(with_header) ==
        std::vector<std::string>{
            "KQ405 queue.gmail.com.acmee 3: [queue.'gmail.com'.'acmee'] is for tenant 'acmee', which no "
            "[tenant.'acmee'] section defines (did you mean 'acme'?): queue.lua refuses a message whose X-Tenant "
            "header names it, so the section never applies"});
  auto without_header = table({{"queue", table({{"gmail.com", table({{"bulk", table({})}})}})}});
  CHECK(check_queues(without_header) ==
        std::vector<std::string>{"KQ405 queue.gmail.com.bulk 3: [queue.'gmail.com'.'bulk'] is for tenant 'bulk', "
                                 "which no [tenant.'bulk'] section defines: it applies only if the policy itself "
                                 "gives messages that tenant"});
}

TEST_CASE("queue helper data: a helper key at the wrong level says where it belongs", "[queue_helper_data]") {
  auto list = std::make_shared<Table>();
  list->entries.push_back({Value::make_integer(1), str("daniel")});
  list->raw_length = 1;
  Value authz;
  authz.kind = Value::Kind::table;
  authz.table = list;
  auto root = table(
      {{"default_tenant", str("acme")},
       {"tenant", table({{"acme", table({{"default_tenant", str("x")}})}})},
       {"queue",
        table({{"gmail.com", table({{"require_authz", authz}, {"campaigns", table({{"welcome", table({})}})}})}})}});
  CHECK(check_queues(root) ==
        std::vector<std::string>{
            "KQ401 tenant.acme.default_tenant 3: `default_tenant` in [tenant.'acme'] is a key of the queue helper, "
            "but it belongs in the top level of the file; queue.lua's type check refuses it, and merging the file "
            "fails for every queue",
            "KQ401 queue.gmail.com.campaigns 3: `campaigns` in [queue.'gmail.com'] is a key of the queue helper, but "
            "it belongs in a [tenant.'name'] section; queue.lua takes it for a tenant named `campaigns`, and its "
            "settings never apply",
            "KQ401 queue.gmail.com.require_authz 3: `require_authz` in [queue.'gmail.com'] is a key of the queue "
            "helper, but it belongs in a [tenant.'name'] section; queue.lua takes it for a tenant, and merging the "
            "file fails for every queue",
        });
}

TEST_CASE("queue helper data: a throttle kumod cannot parse, in a campaign", "[queue_helper_data]") {
  auto root =
      table({{"tenant", table({{"acme", table({})}})},
             {"queue",
              table({{"gmail.com",
                      table({{"acme", table({{"welcome", table({{"max_message_rate", str("100/minutez")}})}})}})}})}});
  auto found = check_queues(root);
  REQUIRE(found.size() == 1);
  CHECK(found[0].rfind("KQ402 queue.gmail.com.acme.welcome.max_message_rate 5: `max_message_rate` in "
                       "[queue.'gmail.com'.'acme'.'welcome'] is a value kumod rejects (",
                       0) == 0);
  CHECK(found[0].find("minutez") != std::string::npos);
}
