// KumoMTA's serde functions (kumo.serde.*, and the old names on kumo):
// value shapes, encoders' text and errors, file loading, hostile input.
// Expected texts follow the Rust crates KumoMTA uses (serde_json, toml 0.9,
// serde_yaml 0.9 over libyaml) and the examples in KumoMTA's docs.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "core/lua/host.hpp"

using kumo::lua::HostOptions;
using kumo::lua::PolicyHost;

namespace {

const std::string k_dir = KUMO_LINT_SOURCE_DIR "/testdata/serde";

struct Run {
  PolicyHost host;
  kumo::lua::LoadResult result;
  explicit Run(const std::string& body, HostOptions options = {}) : host(std::move(options)) {
    result = host.load(k_dir + "/inline.lua", "local kumo = require 'kumo'\n" + body);
  }
  // What the policy printed, one entry per print call.
  std::vector<std::string> printed() const {
    std::vector<std::string> out;
    for (const auto& l : result.logs) {
      out.push_back(l.text);
    }
    return out;
  }
  std::string first_code() const { return result.diagnostics.empty() ? "" : result.diagnostics.front().code; }
};

// Prints `expr` (a Lua expression) and returns what was printed.
std::string eval(const std::string& expr) {
  Run r("print(" + expr + ")\n");
  INFO(r.first_code());
  for (const auto& d : r.result.diagnostics) {
    INFO(d.message);
  }
  REQUIRE(r.result.ok);
  REQUIRE(r.printed().size() == 1);
  return r.printed()[0];
}

// The error a pcall'd call raises.
std::string serde_error_of(const std::string& call) {
  return eval("select(2, pcall(function() return " + call + " end))");
}

}  // namespace

TEST_CASE("serde functions live on kumo.serde, the old names stay on kumo, without yaml", "[kumo_serde]") {
  for (const char* name :
       {"json_load", "json_parse", "json_encode", "json_encode_pretty", "toml_load", "toml_parse", "toml_encode",
        "toml_encode_pretty", "toml_encode_pretty_compact", "yaml_load", "yaml_parse", "yaml_encode"}) {
    INFO(name);
    CHECK(eval(std::string("type(rawget(kumo.serde, '") + name + "'))") == "function");
  }
  for (const char* name : {"json_load", "json_parse", "json_encode", "json_encode_pretty", "toml_load", "toml_parse",
                           "toml_encode", "toml_encode_pretty"}) {
    INFO(name);
    CHECK(eval(std::string("type(rawget(kumo, '") + name + "'))") == "function");
  }
  for (const char* name : {"yaml_parse", "yaml_load", "yaml_encode", "toml_encode_pretty_compact"}) {
    INFO(name);
    CHECK(eval(std::string("rawget(kumo, '") + name + "')") == "nil");
  }
}

TEST_CASE("json_parse: comments are spaces, null is nil, numbers keep their kind", "[kumo_serde]") {
  CHECK(eval("kumo.serde.json_parse('{\"a\": 1 /* c */, // line\\n \"b\": 1.5 # shell\\n}').b") == "1.5");
  CHECK(eval("math.type(kumo.json_parse('{\"a\": 1}').a)") == "integer");
  CHECK(eval("math.type(kumo.json_parse('2.0'))") == "float");
  CHECK(eval("kumo.json_parse('null')") == "nil");
  CHECK(eval("#kumo.json_parse('[1, null, 3]')") == "3");
  CHECK(eval("kumo.json_parse('[1, null, 3]')[2]") == "nil");
  CHECK(eval("next(kumo.json_parse('{\"a\": null}'))") == "nil");
  // u64 past i64 becomes a float, as mlua converts it.
  CHECK(eval("math.type(kumo.json_parse('18446744073709551615'))") == "float");
  CHECK(eval("kumo.json_parse('\"\\\\u00e9\"')") == "\xC3\xA9");
}

TEST_CASE("json_parse errors quote the text and say where", "[kumo_serde]") {
  std::string e = serde_error_of("kumo.serde.json_parse('{\"a\": tru}')");
  CHECK(e.rfind("parsing {\"a\": tru} as json: ", 0) == 0);
  CHECK(e.find("at line 1 column") != std::string::npos);
  CHECK(serde_error_of("kumo.json_parse('[1] /x')") == "parsing [1] /x as json: invalid data");
  CHECK(eval("#kumo.json_parse('[1] /')") == "1");  // a '/' at the very end is only blanked
  CHECK(serde_error_of("kumo.json_parse({})") ==
        "bad argument #1 to 'json_parse': error converting Lua table to String");
  // serde_json's recursion limit: 127 levels parse, 128 do not.
  CHECK(eval("type(kumo.json_parse(string.rep('[', 127) .. string.rep(']', 127)))") == "table");
  CHECK(serde_error_of("kumo.json_parse(string.rep('[', 128) .. string.rep(']', 128))")
            .find("recursion limit exceeded") != std::string::npos);
}

TEST_CASE("json_encode: serde_json's text, only a positive length makes an array", "[kumo_serde]") {
  CHECK(eval("kumo.json_encode({b = 1, a = {1, 2, 'x'}, c = true})") == R"({"a":[1,2,"x"],"b":1,"c":true})");
  // The array mark is lost when KumoMTA copies the value before encoding.
  CHECK(eval("kumo.json_encode(kumo.json_parse('[]'))") == "{}");
  CHECK(eval("kumo.json_encode({})") == "{}");
  CHECK(eval("kumo.json_encode(1.0)") == "1.0");
  CHECK(eval("kumo.json_encode(1e20)") == "1e20");
  CHECK(eval("kumo.json_encode(1.5e-7)") == "1.5e-7");
  CHECK(eval("kumo.json_encode(0.0001)") == "0.0001");
  CHECK(eval("kumo.json_encode(123456.75)") == "123456.75");
  CHECK(eval("kumo.json_encode(0/0)") == "null");
  CHECK(eval("kumo.json_encode({[1] = 'a', [3] = 'c'})").size() > 0);
  CHECK(eval("kumo.json_encode({[10] = 'x', [9] = 'y', k = 'z'})") == R"({"10":"x","9":"y","k":"z"})");
  CHECK(eval("kumo.json_encode('a\"\\\\\\n\\1')") == R"("a\"\\\n\u0001")");
  CHECK(eval("kumo.json_encode('\\255')") == "[255]");
  CHECK(eval("kumo.json_encode(kumo.make_queue_config{}.egress_pool)") == "null");
  CHECK(eval("kumo.serde.json_encode_pretty({b = {}, a = {1, {c = 2}}})") ==
        "{\n  \"a\": [\n    1,\n    {\n      \"c\": 2\n    }\n  ],\n  \"b\": {}\n}");
  CHECK(serde_error_of("kumo.json_encode({f = print})") == "cannot serialize <function>");
  CHECK(serde_error_of("kumo.json_encode({[0/0 ~= 0/0 and 1.5 or 0] = 1, [1/0] = 2})") ==
        "float key must be finite (got NaN or +/-inf)");
}

TEST_CASE("json_encode reads kumo objects through __pairs, as materialize_to_lua_value does", "[kumo_serde]") {
  std::string out = eval("kumo.json_encode(kumo.make_queue_config{ max_age = '1d' })");
  CHECK(out.find("\"max_age\":\"1day\"") != std::string::npos);
  CHECK(serde_error_of("kumo.json_encode(io.open('" + k_dir + "/sample.json'))").find("has no __pairs metamethod") !=
        std::string::npos);
}

TEST_CASE("toml_parse: tables, arrays, integers and floats, datetimes as toml's private struct", "[kumo_serde]") {
  const std::string doc =
      "'a = 1\\nb = 2.0\\nc = [1, \"x\"]\\nwhen = 1979-05-27T07:32:00.5-07:00\\nday = 1979-05-27\\n"
      "[t]\\ns = \"hi\"\\n[[arr]]\\nk = true\\n'";
  Run r("local v = kumo.serde.toml_parse(" + doc +
        ")\n"
        "print(math.type(v.a), math.type(v.b), #v.c, v.c[2], v.t.s, #v.arr, v.arr[1].k)\n"
        "print(v.when['$__toml_private_datetime'], v.day['$__toml_private_datetime'])\n");
  REQUIRE(r.result.ok);
  REQUIRE(r.printed().size() == 2);
  CHECK(r.printed()[0] == "integer\tfloat\t2\tx\thi\t1\ttrue");
  CHECK(r.printed()[1] == "1979-05-27T07:32:00.5-07:00\t1979-05-27");
  CHECK(eval("kumo.toml_parse('x = 07:32:00').x['$__toml_private_datetime']") == "07:32:00");
}

TEST_CASE("toml_parse errors show the line, column and a caret, as the toml crate does", "[kumo_serde]") {
  std::string e = serde_error_of("kumo.serde.toml_parse('a = 1\\nb = \\n')");
  CHECK(e.rfind("parsing a = 1\nb = \n as toml: TOML parse error at line 2, column ", 0) == 0);
  CHECK(e.find("\n  |\n2 | b = \n  |") != std::string::npos);
  CHECK(e.find('^') != std::string::npos);
  CHECK(serde_error_of("kumo.toml_parse('a = 1\\na = 2')").find("line 2") != std::string::npos);
}

TEST_CASE("toml_encode: the toml crate's document layout", "[kumo_serde]") {
  CHECK(eval("kumo.serde.toml_encode({b = 'x', a = 1, c = {d = true}, e = {1, 2}, f = {{g = 1}, {g = 2}}})") ==
        "a = 1\nb = \"x\"\ne = [1, 2]\n\n[c]\nd = true\n\n[[f]]\ng = 1\n\n[[f]]\ng = 2\n");
  CHECK(eval("kumo.toml_encode_pretty({e = {1, 2}, s = {'one'}})") == "e = [\n    1,\n    2,\n]\ns = [\"one\"]\n");
  CHECK(eval("kumo.toml_encode({a = {b = {c = 1}}})") == "[a.b]\nc = 1\n");
  CHECK(eval("kumo.toml_encode({a = {}, b = 1})") == "b = 1\n\n[a]\n");
  CHECK(eval("kumo.serde.toml_encode_pretty_compact({a = {}, b = 1, c = {d = {}}})") ==
        "a = {}\nb = 1\n\n[c]\nd = {}\n");
  CHECK(eval("kumo.toml_encode({x = {1.0, 0.5, 1e300 / 1e280, -0.0, 1/0, 0/0}})") ==
        "x = [1.0, 0.5, 100000000000000000000.0, -0.0, inf, nan]\n");
  CHECK(eval("kumo.toml_encode({['a b'] = 'it\\'s', ['q\"'] = 'say \"hi\"', m = 'l1\\nl2'})") ==
        "\"a b\" = \"it's\"\nm = \"\"\"\nl1\nl2\"\"\"\n'q\"' = 'say \"hi\"'\n");
  CHECK(eval("kumo.toml_encode({t = {{1, {a = 1}}}})") == "t = [[1, { a = 1 }]]\n");
  CHECK(serde_error_of("kumo.toml_encode('x')") == "unsupported str type");
  CHECK(serde_error_of("kumo.toml_encode({1, 2})") == "unsupported array type");
  CHECK(serde_error_of("kumo.toml_encode({a = {1, nil, 3}})") == "unsupported unit type");
  CHECK(serde_error_of("kumo.toml_encode({[1.5] = 1})") == "map key was not a string");
}

TEST_CASE("toml round trip of a parsed document", "[kumo_serde]") {
  CHECK(eval("kumo.toml_encode(kumo.toml_parse('[q]\\nmax_age = \"1d\"\\nn = [1, 2]\\n'))") ==
        "[q]\nmax_age = \"1d\"\nn = [1, 2]\n");
}

TEST_CASE("yaml_parse: serde_yaml's scalar resolution into JSON values", "[kumo_serde]") {
  Run r(
      "local v = kumo.serde.yaml_parse([[\n"
      "int: 0x1F\nneg: -12\nfloat: 1.5\nzero: 0123\nyes: true\nno: 'true'\nnothing: ~\nempty:\n"
      "inf: .inf\nlist: [a, 2]\nanchor: &x {k: v}\nalias: *x\n1: one\n]])\n"
      "print(v.int, v.neg, math.type(v.float), v.zero, v.yes, v.no, v.nothing, v.empty, v.inf, #v.list,\n"
      "      v.alias.k, v['1'], math.type(v.list[2]))\n");
  REQUIRE(r.result.ok);
  REQUIRE(r.printed().size() == 1);
  CHECK(r.printed()[0] == "31\t-12\tfloat\t0123\ttrue\ttrue\tnil\tnil\tnil\t2\tv\tone\tinteger");
  CHECK(eval("kumo.serde.yaml_parse('')") == "nil");
  CHECK(
      serde_error_of("kumo.serde.yaml_parse('a: 1\\n---\\nb: 2\\n')") ==
      "parsing a: 1\n---\nb: 2\n as yaml: deserializing from YAML containing more than one document is not supported");
  CHECK(serde_error_of("kumo.serde.yaml_parse('a: [1\\n')").find(" at line ") != std::string::npos);
  CHECK(serde_error_of("kumo.serde.yaml_parse('!thing x')").find("invalid type: enum") != std::string::npos);
  CHECK(serde_error_of("kumo.serde.yaml_parse('? [1]\\n: x\\n')").find("expected a string key") != std::string::npos);
}

TEST_CASE("yaml_encode: serde_yaml's text", "[kumo_serde]") {
  CHECK(eval("kumo.serde.yaml_encode({b = {'x', 'y'}, a = 1})") == "a: 1\nb:\n- x\n- y\n");
  CHECK(eval("kumo.serde.yaml_encode({s = 'true', n = '12', z = '0123', e = '', m = 'l1\\nl2', f = 2.5})") ==
        "e: ''\nf: 2.5\nm: |-\n  l1\n  l2\nn: '12'\ns: 'true'\nz: '0123'\n");
  CHECK(eval("kumo.serde.yaml_encode({})") == "{}\n");
  CHECK(eval("kumo.serde.yaml_encode({a = kumo.make_queue_config{}.egress_pool, b = 0/0})") == "a: null\nb: .nan\n");
  CHECK(serde_error_of("kumo.serde.yaml_encode('\\255')") ==
        "serialization and deserialization of bytes in YAML is not implemented");
}

TEST_CASE("*_load read through the sandbox's path check", "[kumo_serde]") {
  Run r("print(kumo.toml_load('" + k_dir +
        "/sample.toml').queue['gmail.com'].max_age)\n"
        "print(kumo.serde.yaml_load('" +
        k_dir +
        "/sample.yaml').name)\n"
        "print(kumo.json_load('" +
        k_dir + "/sample.json').list[2])\n");
  REQUIRE(r.result.ok);
  CHECK(r.printed() == std::vector<std::string>{"10m", "sample", "2"});
  Run blocked("kumo.serde.toml_load('/etc/passwd')\n");
  CHECK_FALSE(blocked.result.ok);
  CHECK(blocked.first_code() == "KQ910");
}

TEST_CASE("toml_load records where each value was written", "[kumo_serde]") {
  Run r("kumo.toml_load('" + k_dir + "/sample.toml')\n");
  REQUIRE(r.result.ok);
  auto resolved = std::filesystem::canonical(k_dir + "/sample.toml").string();
  const auto* positions = r.host.data_positions(resolved);
  REQUIRE(positions != nullptr);
  const kumo::lua::DataPosition* max_age = nullptr;
  for (const auto& p : *positions) {
    if (p.key_path == std::vector<std::string>{"queue", "gmail.com", "max_age"}) {
      max_age = &p;
    }
  }
  REQUIRE(max_age != nullptr);
  CHECK(max_age->line == 3);
  CHECK(max_age->column == 11);
  CHECK(r.host.data_positions("/nowhere.toml") == nullptr);
}

TEST_CASE("the shipped shaping.toml loads and round-trips", "[kumo_serde]") {
  const std::string shaping = KUMO_LINT_SOURCE_DIR "/../shared/kumomta/policy-extras/shaping.toml";
  if (!std::filesystem::exists(shaping)) {
    WARN("skipped: " << shaping << " is absent");
    return;
  }
  HostOptions options;
  options.allow_read = {shaping};
  Run r(
      "local function count(t) local n = 0 for _ in pairs(t) do n = n + 1 end return n end\n"
      "local v = kumo.toml_load('" +
          shaping +
          "')\n"
          "local again = kumo.toml_parse(kumo.toml_encode(v))\n"
          "print(count(v), count(again), count(v.default or {}), count(again.default or {}))\n"
          "print(kumo.json_encode(v) == kumo.json_encode(again))\n",
      options);
  REQUIRE(r.result.ok);
  REQUIRE(r.printed().size() == 2);
  auto counts = r.printed()[0];
  CHECK(counts.substr(0, counts.find('\t')) != "0");
  auto tab = counts.find('\t');
  auto tab2 = counts.find('\t', tab + 1);
  CHECK(counts.substr(0, tab) == counts.substr(tab + 1, tab2 - tab - 1));
  CHECK(r.printed()[1] == "true");
}

TEST_CASE("hostile input: deep nesting, cycles and size are refused, not crashed on", "[kumo_serde]") {
  CHECK(serde_error_of("kumo.toml_parse('a = ' .. string.rep('[', 200) .. string.rep(']', 200))").find("as toml") !=
        std::string::npos);
  CHECK(serde_error_of("kumo.toml_parse('[' .. string.rep('a.', 5000) .. 'b]')").find("dotted keys") !=
        std::string::npos);
  CHECK(serde_error_of("kumo.toml_parse('[' .. string.rep('a.', 200) .. 'b]')").find("nested deeper than 128") !=
        std::string::npos);
  CHECK(serde_error_of("kumo.serde.yaml_parse(string.rep('[', 100000))").find("recursion limit exceeded") !=
        std::string::npos);
  // An alias inside its own anchor replays itself until the recursion limit.
  CHECK(serde_error_of("kumo.serde.yaml_parse('a: &a [*a]')") ==
        "parsing a: &a [*a] as yaml: recursion limit exceeded at line 1 column 4");
  CHECK(serde_error_of("kumo.serde.yaml_parse('a: *b')") == "parsing a: *b as yaml: unknown anchor at line 1 column 4");
  CHECK(eval("#kumo.serde.yaml_parse('[1, ~, 3]')") == "3");
  // A billion laughs: replays are bounded by serde_yaml's repetition limit.
  std::string laughs = "'a: &a [x,x,x,x,x,x,x,x,x,x]\\n";
  for (char c = 'b'; c <= 'j'; ++c) {
    std::string prev(1, static_cast<char>(c - 1));
    laughs += std::string(1, c) + ": &" + c + " [*" + prev + ",*" + prev + ",*" + prev + ",*" + prev + ",*" + prev +
              ",*" + prev + ",*" + prev + ",*" + prev + ",*" + prev + ",*" + prev + "]\\n";
  }
  laughs += "'";
  CHECK(serde_error_of("kumo.serde.yaml_parse(" + laughs + ")").find("repetition limit exceeded") != std::string::npos);
  CHECK(serde_error_of("(function() local t = {} t.self = t return kumo.json_encode(t) end)()") ==
        "recursive table detected");
  CHECK(serde_error_of("(function() local t = {} t[1] = {t} return kumo.toml_encode({a = t}) end)()") ==
        "recursive table detected");
  CHECK(serde_error_of("(function() local t = {} for i = 1, 300 do t = {t} end return kumo.serde.yaml_encode(t) end)()")
            .find("nested deeper than 128") != std::string::npos);

  HostOptions small;
  small.max_memory = 16u << 20;
  Run big("kumo.toml_parse('x = [' .. string.rep('1,', 2000000) .. ']')\n", small);
  CHECK_FALSE(big.result.ok);
  CHECK(big.first_code() == "KQ909");
}
