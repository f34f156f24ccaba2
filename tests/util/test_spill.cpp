// Output held within a memory budget (core/util/spill.hpp): what is spilled
// to the temporary file reads back exactly, in order, and sorted runs merge
// into the order one sort of everything would give.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <sstream>

#include "core/util/spill.hpp"

using kumo::util::ByteReader;
using kumo::util::SortedRuns;
using kumo::util::SpillBuffer;

namespace {

// A run of `records` (already in order), as SortedRuns::add_run takes it.
std::string run_of(const std::vector<std::string>& records) {
  std::string run;
  for (const auto& r : records) {
    kumo::util::put_text(run, r);
  }
  return run;
}

std::vector<std::string> merged(const SortedRuns& runs) {
  std::vector<std::string> out;
  runs.merge<std::string>([](std::string_view r) { return std::string(r); },
                          [](const std::string& a, const std::string& b) { return a.substr(0, 1) < b.substr(0, 1); },
                          [&](std::string&& r) { out.push_back(std::move(r)); });
  return out;
}

}  // namespace

TEST_CASE("spill: a buffer past its budget writes out everything appended, in order", "[util][spill]") {
  for (std::size_t budget : {std::size_t{0}, std::size_t{7}, std::size_t{1} << 20}) {
    SpillBuffer buffer(budget);
    std::string expected;
    for (int i = 0; i < 500; ++i) {
      const std::string piece =
          "piece " + std::to_string(i) + std::string(static_cast<std::size_t>(i % 13), 'x') + "\n";
      buffer.append(piece);
      expected += piece;
    }
    buffer.append(std::string(200'000, 'y'));  // more than one 64 KiB chunk read back
    expected += std::string(200'000, 'y');
    std::ostringstream out;
    buffer.write_to(out);
    CHECK(out.str() == expected);
    CHECK(buffer.size() == expected.size());
    for (auto [from, to] : {std::pair<std::size_t, std::size_t>{10, 5000}, {0, 0}, {70'000, 210'000}}) {
      std::ostringstream part;  // a range, across the file and memory
      buffer.write_to(part, from, to);
      CHECK(part.str() == expected.substr(from, to - from));
    }
  }
}

TEST_CASE("spill: records read back as written, and nothing past the end", "[util][spill]") {
  std::string bytes;
  kumo::util::put_u64(bytes, 0);
  kumo::util::put_u64(bytes, 0xfedcba9876543210ULL);
  kumo::util::put_text(bytes, std::string("a\0b", 3));
  kumo::util::put_text(bytes, "");
  ByteReader in(bytes);
  CHECK(in.u64() == 0);
  CHECK(in.u64() == 0xfedcba9876543210ULL);
  CHECK(in.text() == std::string("a\0b", 3));
  CHECK(in.text().empty());
  CHECK(in.u64() == 0);  // past the end
  CHECK(in.text().empty());
  std::string cut;
  kumo::util::put_text(cut, "abcdef");
  cut.resize(cut.size() - 2);
  CHECK(ByteReader(cut).text() == "abcd");  // a length past the end takes what is there
}

TEST_CASE("spill: sorted runs merge in order, equal records in the order of their runs", "[util][spill]") {
  SortedRuns runs;
  CHECK(merged(runs).empty());
  // Ordered by their first letter; the digit says which run each came from.
  runs.add_run(run_of({"a1", "c1", "c1'", "e1"}));
  runs.add_run(run_of({}));
  runs.add_run(run_of({"a3", "b3", "c3", "f3"}));
  runs.add_run(run_of({std::string("d4") + std::string(150'000, 'z')}));  // a record across 64 KiB reads
  CHECK(runs.run_count() == 4);
  const auto out = merged(runs);
  REQUIRE(out.size() == 9);
  CHECK(out[0] == "a1");
  CHECK(out[1] == "a3");
  CHECK(out[2] == "b3");
  CHECK(out[3] == "c1");
  CHECK(out[4] == "c1'");
  CHECK(out[5] == "c3");
  CHECK(out[6].substr(0, 2) == "d4");
  CHECK(out[6].size() == 150'002);
  CHECK(out[7] == "e1");
  CHECK(out[8] == "f3");
  CHECK(merged(runs) == out);  // merging reads the runs; it does not use them up
}

TEST_CASE("spill: with no temporary file to be had, everything stays in memory, the same", "[util][spill]") {
  const char* old = std::getenv("TMPDIR");
  const std::string saved = old != nullptr ? old : "";
  ::setenv("TMPDIR", "/nonexistent/kumo-lint-test", 1);
  SpillBuffer buffer(0);
  buffer.append("first ");
  buffer.append("second");
  std::ostringstream out;
  buffer.write_to(out);
  buffer.write_to(out, 3, 9);
  SortedRuns runs;
  runs.add_run(run_of({"b1"}));
  runs.add_run(run_of({"a2", "b2"}));
  const auto records = merged(runs);
  if (old != nullptr) {
    ::setenv("TMPDIR", saved.c_str(), 1);
  } else {
    ::unsetenv("TMPDIR");
  }
  CHECK(out.str() == "first secondst sec");
  CHECK(records == std::vector<std::string>{"a2", "b1", "b2"});
}
