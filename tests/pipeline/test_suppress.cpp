// Suppression comments and code selection (core/pipeline/suppress.hpp):
// what each comment covers, what it reports when it covers nothing, and
// which codes --select and --ignore keep.
#include <catch2/catch.hpp>

#include "core/diag/codes.hpp"
#include "core/pipeline/suppress.hpp"
#include "core/util/utf8.hpp"

using kumo::diag::Diagnostic;
using kumo::pipeline::CodeSelection;
using kumo::pipeline::parse_suppressions;
using kumo::pipeline::Suppressor;

namespace {

Diagnostic finding(const std::string& code, const std::string& file, int line) {
  Diagnostic d;
  d.code = code;
  d.severity = kumo::diag::Severity::warning;
  d.message = "m";
  d.location = {file, line, 1};
  return d;
}

// "line:target codes..." for each comment, then "KQ916 line: message" for each problem.
std::vector<std::string> parsed(const std::string& text, const std::string& marker = "--") {
  auto p = parse_suppressions(text, marker, "p.lua");
  std::vector<std::string> out;
  for (const auto& c : p.comments) {
    std::string line = std::to_string(c.line) + ":" + std::to_string(c.column) + "->" + std::to_string(c.target_line);
    for (const auto& code : c.codes) {
      line += " " + code;
    }
    out.push_back(line);
  }
  for (const auto& d : p.problems) {
    out.push_back(d.code + " " + std::to_string(d.location.line) + ": " + d.message);
  }
  return out;
}

}  // namespace

TEST_CASE("suppress: a trailing comment covers its own line", "[suppress]") {
  CHECK(parsed("local a = 1\nmax_age = '3 days', -- kumo-lint: disable=KQ203,KQ101\n") ==
        std::vector<std::string>{"2:24->2 KQ203 KQ101"});
}

TEST_CASE("suppress: a comment alone covers the next line of code, past blanks and comments", "[suppress]") {
  CHECK(parsed("  -- kumo-lint: disable=KQ203\n\n-- why: the defaults\nx = 1\n") ==
        std::vector<std::string>{"1:6->4 KQ203"});
  CHECK(parsed("x = 1\n-- kumo-lint: disable=KQ203\n") == std::vector<std::string>{"2:4->-1 KQ203"});
}

TEST_CASE("suppress: disable-file covers the whole file, wherever it is", "[suppress]") {
  CHECK(parsed("x = 1\n--- kumo-lint: disable-file=KQ203 the defaults are what we want\n") ==
        std::vector<std::string>{"2:5->0 KQ203"});
}

TEST_CASE("suppress: codes are read case-insensitively, with blanks after commas, up to free text", "[suppress]") {
  CHECK(parsed("x = 1 -- kumo-lint: disable=kq203 , KQ101 because reasons\n") ==
        std::vector<std::string>{"1:10->1 KQ203 KQ101"});
}

TEST_CASE("suppress: TOML comments start with #", "[suppress]") {
  CHECK(parsed("[queue.'gmail.com']\nretry_interval = '5 minuts' # kumo-lint: disable=KQ003\n", "#") ==
        std::vector<std::string>{"2:31->2 KQ003"});
  CHECK(parsed("x = 1 -- kumo-lint: disable=KQ003\n", "#").empty());
  CHECK(parsed("{\"a\": \"# kumo-lint: disable=KQ003\"}", "").empty());
}

TEST_CASE("suppress: the tag must open a comment", "[suppress]") {
  CHECK(parsed("local s = 'kumo-lint: disable=KQ203'\n").empty());
  CHECK(parsed("x = 1 -- see kumo-lint: disable=KQ203\n").empty());
  // Prose about kumo-lint is not a directive, and not a malformed one.
  CHECK(parsed("-- run by\n-- kumo-lint: it checks the helpers\n").empty());
}

TEST_CASE("suppress: a malformed comment is KQ916 and suppresses nothing", "[suppress]") {
  auto out =
      parsed("x = 1 -- kumo-lint: disabel=KQ203\ny = 2 -- kumo-lint: disable=KQ2O3\nz = 3 -- kumo-lint: disable=\n");
  REQUIRE(out.size() == 3);
  CHECK(out[0] ==
        "KQ916 1: `kumo-lint: disabel=KQ203` is not a kumo-lint directive: write `kumo-lint: disable=CODES` for a line "
        "or `kumo-lint: disable-file=CODES` for the whole file");
  CHECK(out[1] ==
        "KQ916 2: `KQ2O3` in this kumo-lint comment is not a kumo-lint code (did you mean KQ203?); "
        "docs/diagnostics.md lists the codes");
  CHECK(out[2] ==
        "KQ916 3: this kumo-lint comment names no code: write the codes after `=`, separated by commas "
        "(`kumo-lint: disable=KQ203,KQ101`)");
}

TEST_CASE("suppress: KQ916 quotes at most 80 bytes of the comment, cut on a character boundary", "[suppress]") {
  std::string long_word;
  for (int i = 0; i < 100; ++i) {
    long_word += "\xC3\xA9";  // é, two bytes each: a byte cut would split one
  }
  auto out = parsed("x = 1 -- kumo-lint: disabel=" + long_word + "\ny = 2 -- kumo-lint: disable=KQ" +
                    std::string(100000, '9') + "\n");
  REQUIRE(out.size() == 2);
  const std::string head = "KQ916 1: `kumo-lint: ";
  REQUIRE(out[0].rfind(head, 0) == 0);
  std::string quoted = out[0].substr(head.size(), out[0].find('`', head.size()) - head.size());
  CHECK(quoted.size() <= 80);
  CHECK(quoted.rfind("disabel=\xC3\xA9", 0) == 0);
  CHECK(quoted.find(" more bytes)") != std::string::npos);
  CHECK(kumo::util::is_valid_utf8(quoted));
  CHECK(out[1].size() < 300);
  CHECK(out[1].find("more bytes)` in this kumo-lint comment is not a kumo-lint code;") != std::string::npos);
}

TEST_CASE("suppress: a covered finding is marked, others and other files are not", "[suppress]") {
  Suppressor s(CodeSelection{});
  s.add_file({"p.lua"}, "a = 1 -- kumo-lint: disable=KQ203\nb = 2\n", "--");
  std::vector<Diagnostic> ds = {finding("KQ203", "p.lua", 1), finding("KQ101", "p.lua", 1),
                                finding("KQ203", "p.lua", 2), finding("KQ203", "q.lua", 1)};
  s.apply(ds);
  CHECK(ds[0].suppressed);
  CHECK_FALSE(ds[1].suppressed);
  CHECK_FALSE(ds[2].suppressed);
  CHECK_FALSE(ds[3].suppressed);
  CHECK(s.leftovers(true).empty());
}

TEST_CASE("suppress: a file is known by each of its names", "[suppress]") {
  Suppressor s(CodeSelection{});
  s.add_file({"etc/queues.toml", "/abs/etc/queues.toml"}, "# kumo-lint: disable-file=KQ003\n", "#");
  std::vector<Diagnostic> ds = {finding("KQ003", "/abs/etc/queues.toml", 7)};
  s.apply(ds);
  CHECK(ds[0].suppressed);
}

TEST_CASE("suppress: a file-wide comment covers findings with no line, a line comment does not", "[suppress]") {
  Suppressor s(CodeSelection{});
  s.add_file({"p.lua"}, "-- kumo-lint: disable-file=KQ906\nx = 1 -- kumo-lint: disable=KQ101\n", "--");
  std::vector<Diagnostic> ds = {finding("KQ906", "p.lua", 0), finding("KQ101", "p.lua", 0)};
  s.apply(ds);
  CHECK(ds[0].suppressed);
  CHECK_FALSE(ds[1].suppressed);
}

TEST_CASE("suppress: each code of a comment that suppressed nothing is KQ915 at the comment", "[suppress]") {
  Suppressor s(CodeSelection{});
  s.add_file({"p.lua"},
             "a = 1 -- kumo-lint: disable=KQ203,KQ101\n-- kumo-lint: disable-file=KQ906\n-- kumo-lint: disable=KQ001\n",
             "--");
  std::vector<Diagnostic> ds = {finding("KQ203", "p.lua", 1)};
  s.apply(ds);
  auto left = s.leftovers(true);
  REQUIRE(left.size() == 3);
  CHECK(left[0].code == "KQ915");
  CHECK(left[0].severity == kumo::diag::Severity::warning);
  CHECK(left[0].location == kumo::diag::Location{"p.lua", 1, 10});
  CHECK(left[0].message ==
        "this comment suppresses KQ101, but no KQ101 finding was reported on line 1 in this run: "
        "remove KQ101 from it if the finding is gone for good");
  CHECK(left[1].message ==
        "this comment suppresses KQ906, but no KQ906 finding was reported in this file in this "
        "run: remove KQ906 from it if the finding is gone for good");
  CHECK(left[2].message == "this comment suppresses KQ001 on the next line of code, but none follows it: remove it");
  CHECK(s.leftovers(false).empty());
}

TEST_CASE("suppress: --select keeps a family, --ignore drops a code, before comments are matched", "[suppress]") {
  CodeSelection only_retry{{"KQ2"}, {"KQ203"}};
  CHECK(only_retry.reports("KQ201"));
  CHECK_FALSE(only_retry.reports("KQ203"));
  CHECK_FALSE(only_retry.reports("KQ101"));
  CHECK(CodeSelection{}.reports("KQ101"));

  Suppressor s(only_retry);
  s.add_file({"p.lua"}, "a = 1 -- kumo-lint: disable=KQ203\nb = 2 -- kumo-lint: disable=KQ101\n", "--");
  std::vector<Diagnostic> ds = {finding("KQ203", "p.lua", 1), finding("KQ101", "p.lua", 2),
                                finding("KQ201", "p.lua", 2)};
  s.apply(ds);
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].code == "KQ201");
  // Comments for codes the run does not report are not called unused.
  CHECK(s.leftovers(true).empty());
}

TEST_CASE("suppress: a --select or --ignore entry must match some code", "[suppress]") {
  CHECK(kumo::pipeline::selection_entry_problem("KQ2").empty());
  CHECK(kumo::pipeline::selection_entry_problem("KQ203").empty());
  CHECK(kumo::pipeline::selection_entry_problem("KQ2O3") ==
        "`KQ2O3` matches no kumo-lint code (did you mean KQ203?); give a code such as KQ203 or a family such as KQ2 "
        "(docs/diagnostics.md lists them)");
  CHECK_FALSE(kumo::pipeline::selection_entry_problem("").empty());
}
