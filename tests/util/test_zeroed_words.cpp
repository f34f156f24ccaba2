// util::ZeroedWords: the OS-backed array under the table of queue names seen.
#include <catch2/catch.hpp>

#include <utility>

#include "core/util/zeroed_words.hpp"

using kumo::util::ZeroedWords;

TEST_CASE("ZeroedWords: zero-filled at any size, huge-page sized too, and writable throughout", "[util]") {
  for (std::size_t count : {std::size_t{1}, std::size_t{64}, std::size_t{511}, std::size_t{1} << 19}) {
    INFO(count);
    ZeroedWords words(count);
    REQUIRE(words.size() == count);
    bool all_zero = true;
    for (std::size_t i = 0; i < count; ++i) {
      all_zero = all_zero && words[i] == 0;
      words[i] = i + 1;
    }
    CHECK(all_zero);
    CHECK(words[0] == 1);
    CHECK(words[count - 1] == count);
  }
}

TEST_CASE("ZeroedWords: moving hands the words over and leaves the source empty", "[util]") {
  ZeroedWords empty;
  CHECK(empty.size() == 0);
  ZeroedWords a(100);
  a[99] = 7;
  ZeroedWords b(std::move(a));
  CHECK(a.size() == 0);  // NOLINT(bugprone-use-after-move): the moved-from state is specified
  CHECK(b.size() == 100);
  CHECK(b[99] == 7);
  ZeroedWords c(3);
  c = std::move(b);
  CHECK(c.size() == 100);
  CHECK(c[99] == 7);
  c = ZeroedWords(2);
  CHECK(c.size() == 2);
  CHECK(c[1] == 0);
}
