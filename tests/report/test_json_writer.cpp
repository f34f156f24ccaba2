// JsonWriter (core/report/json_writer.hpp): the JSON sinks' direct writer
// must lay out and escape text exactly as util::dump_json (nlohmann) does,
// since the goldens and every saved document were written by it.
#include <catch2/catch.hpp>

#include <memory>
#include <sstream>

#include "core/report/json_writer.hpp"
#include "core/util/json.hpp"

using kumo::report::JsonWriter;
using nlohmann::json;

namespace {

std::string writer_layout(const json& value, int indent) {
  JsonWriter w(indent);
  w.value(value);
  return w.text();
}

std::string writer_escaped(std::string_view text) {
  std::string out;
  kumo::report::append_json_string(out, text);
  return out;
}

}  // namespace

TEST_CASE("json writer: strings are escaped as nlohmann escapes them", "[json_writer]") {
  CHECK(writer_escaped("plain text") == "\"plain text\"");
  CHECK(writer_escaped("quote \" and backslash \\") == R"("quote \" and backslash \\")");
  CHECK(writer_escaped("tab\tnew line\nreturn\r") == R"("tab\tnew line\nreturn\r")");
  CHECK(writer_escaped(std::string("\x01\x1b\x1f\x7f", 4)) == "\"\\u0001\\u001b\\u001f\x7f\"");
  CHECK(writer_escaped(std::string("nul \0 inside", 12)) == R"("nul \u0000 inside")");
  CHECK(writer_escaped("\b\f") == R"("\b\f")");
  // UTF-8 passes through as it is; nlohmann's ensure_ascii is off.
  CHECK(writer_escaped("caf\xc3\xa9 \xe2\x80\xae") == "\"caf\xc3\xa9 \xe2\x80\xae\"");
}

TEST_CASE("json writer: bytes that are not UTF-8 become U+FFFD as in dump_json", "[json_writer]") {
  for (const std::string& text : {std::string("bad \xff byte"), std::string("cut \xc3"), std::string("\xe2\x80 two"),
                                  std::string("\xc0\xaf overlong"), std::string("\xed\xa0\x80 surrogate")}) {
    INFO(text);
    CHECK(writer_escaped(text) == kumo::util::dump_json(json(text)));
    CHECK(writer_escaped(text).find("\xef\xbf\xbd") != std::string::npos);
  }
}

TEST_CASE("json writer: a tree is laid out as dump_json lays it out, indented and compact", "[json_writer]") {
  const json value = {{"empty_object", json::object()},
                      {"empty_array", json::array()},
                      {"nested", {{"list", {1, -2, "three", nullptr, true, false}}, {"deep", {{"x", {{"y", {}}}}}}}},
                      {"number", 0.5},
                      {"big", 18446744073709551615u},
                      {"text", "a\nb"}};
  CHECK(writer_layout(value, 2) == kumo::util::dump_json(value, 2));
  CHECK(writer_layout(value, -1) == kumo::util::dump_json(value));
  CHECK(writer_layout(json::array({json::object(), json::array({json::array()})}), 2) ==
        kumo::util::dump_json(json::array({json::object(), json::array({json::array()})}), 2));
}

TEST_CASE("json writer: deep members and long keys are laid out as dump_json lays them out", "[json_writer]") {
  // Members are laid out on the stack up to 64 columns of indentation and
  // 64-byte keys; past either, the long way. Both sides of each limit.
  json deep = {{"leaf", 1}, {std::string(64, 'k'), 2}, {std::string(65, 'l'), 3}};
  for (int level = 0; level < 40; ++level) {
    deep = {{"level" + std::to_string(level), deep}, {"after", level}};
  }
  CHECK(writer_layout(deep, 2) == kumo::util::dump_json(deep, 2));
  CHECK(writer_layout(deep, 4) == kumo::util::dump_json(deep, 4));
  CHECK(writer_layout(deep, -1) == kumo::util::dump_json(deep));
  CHECK(writer_layout(deep, 0) == kumo::util::dump_json(deep, 0));
}

TEST_CASE("json writer: members written in one go are laid out as key and value are", "[json_writer]") {
  // Short plain strings, integers and nulls take the one-append path; a
  // string to escape, one past 256 bytes, and anything past 64 columns of
  // indentation take key() and the value's own writer.
  const std::string long_text(257, 'x');
  const std::string edge_text(256, 'y');
  auto members = [&](JsonWriter& w, bool one_go) {
    w.begin_object();
    for (const std::string& text : {std::string("plain"), std::string(""), std::string("quote \" inside"),
                                    std::string("tab\there"), long_text, edge_text}) {
      if (one_go) {
        w.member("s", text);
      } else {
        w.key("s");
        w.string(text);
      }
    }
    for (std::int64_t n : {std::int64_t{0}, std::int64_t{-7}, std::int64_t{9223372036854775807}}) {
      if (one_go) {
        w.member("n", n);
      } else {
        w.key("n");
        w.integer(n);
      }
    }
    if (one_go) {
      w.null_member("z");
      w.optional_member("o", std::nullopt);
      w.optional_member("o", std::string("set"));
    } else {
      w.key("z");
      w.null();
      w.key("o");
      w.optional_string(std::nullopt);
      w.key("o");
      w.optional_string(std::string("set"));
    }
    w.end_object();
  };
  for (int indent : {-1, 0, 2, 4}) {
    for (int depth : {0, 1, 15, 16, 40}) {
      INFO("indent " << indent << ", depth " << depth);
      JsonWriter one_go(indent, depth);
      JsonWriter piece_by_piece(indent, depth);
      members(one_go, true);
      members(piece_by_piece, false);
      CHECK(one_go.text() == piece_by_piece.text());
    }
  }
  JsonWriter w(2);
  members(w, true);
  CHECK(json::parse(w.text()).size() == 4);  // valid JSON (repeated keys: the parse keeps one of each)
}

TEST_CASE("json writer: values written one at a time nest like a tree", "[json_writer]") {
  JsonWriter w(2);
  w.begin_object();
  w.key("a");
  w.begin_array();
  w.integer(-7);
  w.begin_object();
  w.end_object();
  w.optional_string(std::nullopt);
  w.end_array();
  w.key("b");
  w.optional_string(std::string("x"));
  w.key("c");
  w.boolean(false);
  w.end_object();
  CHECK(w.text() == kumo::util::dump_json(json{{"a", {-7, json::object(), nullptr}}, {"b", "x"}, {"c", false}}, 2));
}

TEST_CASE("json writer: text nested at a depth is what the whole tree would hold there", "[json_writer]") {
  const json inner = {{"k", {1, 2}}};
  JsonWriter w(2);
  w.begin_object();
  w.key("outer");
  w.raw(w.nested_text(inner));
  w.end_object();
  CHECK(w.text() == kumo::util::dump_json(json{{"outer", inner}}, 2));
}

TEST_CASE("json writer: a document written in pieces moves each piece to the stream", "[json_writer]") {
  std::ostringstream out;
  JsonWriter w(2);
  w.begin_array();
  w.write_to(out);
  CHECK(w.text().empty());
  w.string("one");
  w.write_to(out);
  w.string("two");
  w.end_array();
  w.write_to(out);
  CHECK(out.str() == kumo::util::dump_json(json{"one", "two"}, 2));
}

TEST_CASE("json writer: keys that need escaping and keys that do not are laid out alike, at any depth",
          "[json_writer]") {
  // any_key() (what value() writes an object's keys with) copies plain
  // keys without escaping them; the rest go through nlohmann's escaping. Both must give dump_json's layout, commas and
  // all.
  const json value = {{"plain", {{"deeper", {{"x", 1}, {"tab\there", 2}}}, {"quote\"d", "v"}}},
                      {"caf\xc3\xa9", {{"", nullptr}}},
                      {"back\\slash", json::array()}};
  CHECK(writer_layout(value, 2) == kumo::util::dump_json(value, 2));
  CHECK(writer_layout(value, 4) == kumo::util::dump_json(value, 4));
  CHECK(writer_layout(value, -1) == kumo::util::dump_json(value));
}

TEST_CASE("json writer: a nested writer's text is what the whole tree would hold there", "[json_writer]") {
  const json inner = {{"k", {{"a", 1}, {"b", {true}}}}};
  JsonWriter w(2);
  w.begin_object();
  w.key("first");
  w.integer(1);
  w.key("outer");
  JsonWriter nested = w.nested();
  nested.value(inner);
  w.raw(nested.text());
  w.end_object();
  CHECK(w.text() == kumo::util::dump_json(json{{"first", 1}, {"outer", inner}}, 2));
}

TEST_CASE("json writer: raw text passed through to the stream keeps its place among the rest", "[json_writer]") {
  // A large nested value (written with raw) between small members, twice:
  // the bytes are the same whether the large text is copied into the
  // buffer or written straight to the stream.
  json big = json::array();
  for (int i = 0; i < 200; ++i) {
    big.push_back({{"attempt", i}, {"at", "10m"}});
  }
  auto write = [&](JsonWriter& w, std::ostream& out) {
    w.begin_array();
    for (int round = 0; round < 2; ++round) {
      w.begin_object();
      w.key("queue");
      w.string("q" + std::to_string(round));
      w.key("timeline");
      const kumo::report::SharedText text = std::make_shared<const std::string>(w.nested_member().nested_text(big));
      REQUIRE(text->size() >= JsonWriter::k_pass_through_bytes);
      w.raw(text);
      w.key("small");
      w.raw("1");
      w.end_object();
      w.write_to(out);
    }
    w.end_array();
    w.write_to(out);
  };
  std::ostringstream copied;
  JsonWriter plain(2);
  write(plain, copied);
  std::ostringstream passed;
  JsonWriter through(2);
  through.pass_through(&passed);
  write(through, passed);
  CHECK(passed.str() == copied.str());
  CHECK(json::parse(passed.str()).at(1).at("timeline") == big);
}

TEST_CASE("JsonWriter: how a stream takes shared text is given for the pass-through stream only", "[json_writer]") {
  std::ostringstream passed;
  std::ostringstream other;
  JsonWriter w(2);
  CHECK(w.shared_out_for(passed) == nullptr);  // none set
  w.pass_through(&passed);
  CHECK(w.shared_out_for(passed) != nullptr);
  CHECK(w.shared_out_for(other) == nullptr);
  w.pass_through(nullptr);
  CHECK(w.shared_out_for(passed) == nullptr);
}
