// Output to a file descriptor (kumo-lint's stdout when it is not a
// terminal) that can be lent text instead of copying it. What is written
// is buffered, as a filebuf buffers it; text lent with lend() stays where
// it lies and goes out in its place, in the same writev as the buffered
// text around it. A JSON result is mostly text its sink has cached (a
// config's timeline, some 8 KB, the same for every queue with that
// config): copying it into a buffer was a fifth of a JSON run's
// instructions, and with --jobs a copy of memory another core had written.
#pragma once

#include <sys/uio.h>

#include <cstddef>
#include <memory>
#include <ostream>
#include <streambuf>
#include <string>
#include <string_view>
#include <vector>

namespace kumo::util {

class GatherOutput final : public std::streambuf {
 public:
  // Writes to `fd`, which it does not own.
  explicit GatherOutput(int fd);
  ~GatherOutput() override;  // writes what is pending
  GatherOutput(const GatherOutput&) = delete;
  GatherOutput& operator=(const GatherOutput&) = delete;

  // `text` goes out here, after what was written before it, uncopied: held
  // until it is written.
  void lend(std::shared_ptr<const std::string> text);
  // The same for text its caller keeps where it lies until the next
  // pubsync() (which writes everything pending): nothing is held.
  void lend_view(std::string_view text);
  // Whether every write so far succeeded (a failed one drops what was pending,
  // as a full disk drops what stdio could not write).
  bool ok() const { return !m_failed; }

  static constexpr std::size_t k_buffer_bytes = 256u << 10;
  // Pieces (runs of buffered text and lent texts) gathered before they are
  // written: one writev each (IOV_MAX is 1024 on Linux).
  static constexpr std::size_t k_max_pieces = 1024;

 protected:
  int_type overflow(int_type c) override;
  std::streamsize xsputn(const char* s, std::streamsize n) override;
  int sync() override;

 private:
  // The buffered text since the last piece becomes a piece.
  void close_run();
  // Writes every piece, in order, and empties the buffer.
  bool write_pending();
  bool write_all(iovec* pieces, std::size_t count);

  int m_fd;
  std::unique_ptr<char[]> m_buffer;
  std::size_t m_run_start = 0;  // where the buffered text not yet in a piece starts
  std::vector<iovec> m_pieces;
  std::vector<std::shared_ptr<const std::string>> m_lent;
  bool m_failed = false;
};

// `text` written to `out` as out.write() writes it, without the sentry
// write() builds per call (which costs more than a short write does): nothing
// is written to a stream that has failed, and a short write fails it.
void write_text(std::ostream& out, std::string_view text);

}  // namespace kumo::util
