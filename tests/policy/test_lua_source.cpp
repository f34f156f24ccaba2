// Reading Lua source as text: literals, comparisons, table-constructor keys.
#include <catch2/catch.hpp>

#include "core/policy/lua_source.hpp"

using namespace kumo::policy;

TEST_CASE("tokenize skips comments and decodes string literals", "[lua_source]") {
  auto tokens = tokenize("-- a comment 'x'\n--[==[ long\n 'y' ]==]\nlocal s = \"a\\tb\" .. [[\nlong]] .. 'c\\65'\n");
  auto literals = sample_literals(tokens);
  CHECK(literals == std::vector<std::string>{"a\tb", "long", "cA"});
  CHECK(tokens[0].text == "local");
  CHECK(tokens[0].line == 4);
}

TEST_CASE("sample_literals leaves out module names and named field values", "[lua_source]") {
  auto tokens = tokenize(
      "local q = require 'policy-extras.queue'\nlocal s = require('policy-extras.sources')\n"
      "local t = { ['gmail.com'] = { ehlo_domain = 'mta.example.com' }, 'list.example.com' }\n"
      "t.hostname = 'host.example.com'\nlocal d = 'local.example.com'\n"
      "if domain == 'cmp.example.com' then f('arg.example.com') end\n");
  CHECK(sample_literals(tokens) == std::vector<std::string>{"gmail.com", "list.example.com", "local.example.com",
                                                            "cmp.example.com", "arg.example.com"});
}

TEST_CASE("compared_literals finds both sides of == and ~=", "[lua_source]") {
  auto tokens = tokenize("if domain == 'a.com' or 'b.com' ~= domain or tenant == 'x' then end");
  CHECK(compared_literals(tokens, "domain") == std::vector<std::string>{"a.com", "b.com"});
  CHECK(compared_literals(tokens, "tenant") == std::vector<std::string>{"x"});
}

TEST_CASE("constructor_keys maps nested key paths and list items to positions", "[lua_source]") {
  const char* source =
      "return kumo.make_queue_config {\n"
      "  retry_interval = '1m',\n"
      "  protocol = { smtp = {\n"
      "    mx_list = { 'a', { name = 'b', addr = '10.0.0.1' } },\n"
      "  } },\n"
      "  ['max_age'] = f({ 1, 2 }),\n"
      "  [5] = 'x',\n"
      "}\n";
  auto keys = constructor_keys(tokenize(source), 1, "make_queue_config");
  CHECK(keys.at("retry_interval").line == 2);
  CHECK(keys.at("retry_interval").column == 3);
  CHECK(keys.at("protocol.smtp").line == 3);
  CHECK(keys.at("protocol.smtp.mx_list[1]").line == 4);
  CHECK(keys.at("protocol.smtp.mx_list[2].addr").column == 36);
  CHECK(keys.at("max_age").line == 6);
  CHECK(keys.at("[5]").line == 7);
  CHECK(keys.count("max_age[1]") == 0);
  CHECK(find_key(keys, "protocol.smtp.mx_list[2].addr.x")->column == 36);
  CHECK_FALSE(find_key(keys, "egress_pool"));
}

TEST_CASE("constructor_keys is empty when the argument is not a literal table", "[lua_source]") {
  CHECK(constructor_keys(tokenize("return kumo.make_queue_config(params)"), 1, "make_queue_config").empty());
}

TEST_CASE("tokenize stops after max_tokens, then ends with eof", "[lua_source]") {
  auto tokens = kumo::policy::tokenize("a = 1 b = 2 c = 3", 4);
  REQUIRE(tokens.size() == 5);
  CHECK(tokens[3].text == "b");
  CHECK(tokens[4].kind == kumo::policy::Token::Kind::eof);
}

TEST_CASE("field_literals finds a key given a literal value, in every spelling", "[lua_source]") {
  auto tokens = tokenize(
      "local D = {\n"
      "  ['gmail.com'] = { retry_interval = '5 minuts', max_age = 3 },\n"
      "  ['yahoo.com'] = { ['retry_interval'] = \"5 minuts\" },\n"
      "}\n"
      "p.retry_interval = '5 minuts'\n"
      "p.retry_interval = '5 minuts' .. suffix\n"
      "if retry_interval == '5 minuts' then end\n"
      "x = { retry_interval = '10m', enabled = true }\n");
  auto at = [](const std::vector<KeyPosition>& found) {
    std::vector<std::pair<int, int>> out;
    for (const auto& p : found) {
      out.emplace_back(p.line, p.column);
    }
    return out;
  };
  CHECK(at(field_literals(tokens, "retry_interval", "5 minuts")) ==
        std::vector<std::pair<int, int>>{{2, 38}, {3, 42}, {5, 20}});
  CHECK(at(field_literals(tokens, "max_age", "3")) == std::vector<std::pair<int, int>>{{2, 60}});
  CHECK(at(field_literals(tokens, "enabled", "true")) == std::vector<std::pair<int, int>>{{8, 41}});
  CHECK(field_literals(tokens, "retry_interval", "5m").empty());
}

TEST_CASE("indexed_table_keys: the keys of tables looked up by tenant or campaign", "[lua_source]") {
  auto tokens = tokenize(
      "local TENANT_POOLS = {\n"
      "  acme = 'pool-1', ['big corp'] = { egress_pool = 'pool-2', nested = { inner = 1 } },\n"
      "}\n"
      "local OTHER = { ignored = 1 }\n"
      "cfg.TENANT_POOLS = { not_this = 1 }\n"
      "local function f(domain, tenant, campaign)\n"
      "  local p = TENANT_POOLS[tenant] or OTHER[domain]\n"
      "end\n");
  CHECK(indexed_table_keys(tokens, "tenant") == std::vector<std::string>{"acme", "big corp"});
  CHECK(indexed_table_keys(tokens, "campaign").empty());
  CHECK(indexed_table_keys(tokens, "domain") == std::vector<std::string>{"ignored"});
}
