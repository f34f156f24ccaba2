// Text a renderer on a worker thread (check --jobs) did not copy into its
// batch but refers to: a piece of a render cache, such as a config's JSON
// timeline (some 8 KB, the same for every queue with that config). Copying
// it into the batch and then again into the output was most of a parallel
// JSON run's time; the sink writes it from the cache's own string instead.
#pragma once

#include <cstddef>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace kumo::util {
class GatherOutput;
}

namespace kumo::report {

// A render cache's text, shared: the cache may drop its entry while a batch
// that refers to it is still in flight.
using SharedText = std::shared_ptr<const std::string>;

// Shared text written to a stream: lent, not copied, when the stream
// writes to a util::GatherOutput (kumo-lint's stdout when it is not a
// terminal), copied into any other. Which of the two is found once, when
// it is made, not for every text (a result writes two).
class SharedTextOut {
 public:
  explicit SharedTextOut(std::ostream& out);
  void write(const SharedText& text) const;
  // Text that stays where it lies until release(): lent the same way when
  // it is long enough to be worth a piece of its own, else copied.
  void write_view(std::string_view text) const;
  // Writes out what write_view() lent, before its text is reused.
  void release() const;
  static constexpr std::size_t k_lend_view_bytes = 128;

 private:
  std::ostream* m_out;
  util::GatherOutput* m_lend_to;
};

// `text` written to `out` once, as SharedTextOut writes it.
void write_shared(std::ostream& out, const SharedText& text);

struct Splice {
  std::size_t at = 0;  // where the text goes, from the start of its result's laid-out text
  SharedText text;
};

// What a worker lays a batch of results out in: their text, one buffer for
// the batch, and the pieces spliced into it, in order.
struct BatchText {
  std::string text;
  std::vector<Splice> splices;

  void clear() {
    text.clear();
    splices.clear();
  }
};

}  // namespace kumo::report
