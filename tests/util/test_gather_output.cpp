// util::GatherOutput: kumo-lint's stdout when it is not a terminal. Text
// written and text lent come out in the order given, whole, however the
// pieces fall around its buffer and its limit of pieces per writev.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/report/render.hpp"
#include "core/report/splice.hpp"
#include "core/simulate/retry_timeline.hpp"
#include "core/util/gather_output.hpp"
#include "tests/support/sink_run.hpp"

using kumo::util::GatherOutput;

namespace {

// A temporary file, removed when done; what was written to it, read back.
class ScratchFile {
 public:
  ScratchFile() {
    const char* dir = std::getenv("TMPDIR");
    m_path = std::string(dir && *dir ? dir : "/tmp") + "/kumo-lint-gather-XXXXXX";
    m_fd = mkstemp(m_path.data());
    REQUIRE(m_fd >= 0);
  }
  ~ScratchFile() {
    close(m_fd);
    unlink(m_path.c_str());
  }
  ScratchFile(const ScratchFile&) = delete;
  ScratchFile& operator=(const ScratchFile&) = delete;

  int fd() const { return m_fd; }
  std::string contents() const {
    std::string text;
    char chunk[65536];
    ssize_t n = 0;
    off_t at = 0;
    while ((n = pread(m_fd, chunk, sizeof chunk, at)) > 0) {
      text.append(chunk, static_cast<std::size_t>(n));
      at += n;
    }
    return text;
  }

 private:
  std::string m_path;
  int m_fd = -1;
};

std::shared_ptr<const std::string> shared_text(std::string s) {
  return std::make_shared<const std::string>(std::move(s));
}

}  // namespace

TEST_CASE("GatherOutput: written and lent text comes out in order, across its buffer and its pieces per write",
          "[util]") {
  ScratchFile file;
  std::string expected;
  {
    GatherOutput gather(file.fd());
    std::ostream out(&gather);
    // Small writes between lent texts, more lent texts than one writev takes.
    for (std::size_t i = 0; i < 3 * GatherOutput::k_max_pieces; ++i) {
      const std::string own = "w" + std::to_string(i) + ",";
      out << own;
      expected += own;
      if (i % 3 != 2) {
        auto lent = shared_text(std::string(i % 7 + 1, static_cast<char>('a' + i % 26)));
        expected += *lent;
        gather.lend(std::move(lent));  // the caller's copy gone: the output holds it
      }
    }
    // Writes that fill the buffer past its end, one character at a time too.
    const std::string block(GatherOutput::k_buffer_bytes / 3 + 11, 'x');
    for (int i = 0; i < 4; ++i) {
      out << block;
      out.put('|');
      expected += block + "|";
    }
    // One write bigger than the buffer, between lent texts.
    gather.lend(shared_text("<before>"));
    const std::string huge(2 * GatherOutput::k_buffer_bytes + 5, 'h');
    out.write(huge.data(), static_cast<std::streamsize>(huge.size()));
    gather.lend(shared_text("<after>"));
    gather.lend(shared_text(""));  // nothing
    out << "end\n";
    expected += "<before>" + huge + "<after>end\n";
    out.flush();
    CHECK(out.good());
    CHECK(gather.ok());
    CHECK(file.contents() == expected);
    out << "after the flush";
    expected += "after the flush";
  }  // the rest written when it goes
  CHECK(file.contents() == expected);
}

TEST_CASE("GatherOutput: lent text is held until it is written, then let go", "[util]") {
  ScratchFile file;
  GatherOutput gather(file.fd());
  std::ostream out(&gather);
  auto text = shared_text(std::string(3000, 't'));
  out << "[";
  gather.lend(text);
  out << "]";
  CHECK(text.use_count() == 2);
  CHECK(file.contents().empty());
  out.flush();
  CHECK(text.use_count() == 1);
  CHECK(file.contents() == "[" + *text + "]");
}

TEST_CASE("GatherOutput: a lent view goes out in its place from where it lies, until pubsync writes it", "[util]") {
  ScratchFile file;
  GatherOutput gather(file.fd());
  std::ostream out(&gather);
  std::string batch = "first result|second result|";
  out << "[";
  gather.lend_view(std::string_view(batch).substr(0, 13));
  out << ",";
  gather.lend_view(std::string_view(batch).substr(13));
  gather.lend_view({});  // nothing
  out << "]";
  batch[0] = 'F';  // not copied: what lies there when written goes out
  CHECK(file.contents().empty());
  gather.pubsync();
  CHECK(file.contents() == "[First result|,second result|]");
  batch[0] = '?';  // written: the caller may reuse it
  CHECK(file.contents() == "[First result|,second result|]");
}

TEST_CASE(
    "SharedTextOut::write_view: lends long text to a GatherOutput until release(), copies short text and into "
    "any other stream",
    "[util][report]") {
  using kumo::report::SharedTextOut;
  std::string long_text(SharedTextOut::k_lend_view_bytes, 'L');
  const std::string short_text(SharedTextOut::k_lend_view_bytes - 1, 's');
  std::ostringstream copied;
  SharedTextOut(copied).write_view(long_text);
  SharedTextOut(copied).release();
  CHECK(copied.str() == long_text);
  ScratchFile file;
  GatherOutput gather(file.fd());
  std::ostream out(&gather);
  const SharedTextOut shared(out);
  shared.write_view(short_text);
  shared.write_view(long_text);
  const std::string expected = short_text + long_text;
  long_text[0] = 'l';  // lent: written as it lies at release()
  shared.release();
  CHECK(file.contents() == short_text + "l" + long_text.substr(1));
  long_text[1] = 'x';
  CHECK(file.contents().size() == expected.size());
  CHECK(file.contents()[short_text.size() + 1] == 'L');
}

TEST_CASE("GatherOutput: a descriptor that cannot be written fails the stream, without a crash", "[util]") {
  ScratchFile file;
  const int read_only = open("/dev/null", O_RDONLY);
  REQUIRE(read_only >= 0);
  {
    GatherOutput gather(read_only);
    std::ostream out(&gather);
    out << "lost";
    gather.lend(shared_text(std::string(2000, 'l')));
    out.flush();
    CHECK_FALSE(gather.ok());
    CHECK(out.bad());
    const std::string big(GatherOutput::k_buffer_bytes + 1, 'b');
    out.clear();
    out.write(big.data(), static_cast<std::streamsize>(big.size()));
    CHECK(out.bad());
  }
  close(read_only);
}

TEST_CASE("write_shared: lends to a GatherOutput, copies into any other stream", "[util][report]") {
  auto text = shared_text(std::string(1500, 's'));
  std::ostringstream copied;
  kumo::report::write_shared(copied, text);
  CHECK(copied.str() == *text);
  CHECK(text.use_count() == 1);
  ScratchFile file;
  GatherOutput gather(file.fd());
  std::ostream out(&gather);
  kumo::report::write_shared(out, text);
  CHECK(text.use_count() == 2);  // lent, not copied
  out.flush();
  CHECK(file.contents() == *text);
}

TEST_CASE("GatherOutput: a non-blocking pipe whose reader is slow still gets every byte", "[util]") {
  // A reader (a parent process) may set the pipe non-blocking: a write to
  // a full pipe then fails with EAGAIN, where stdio drops the output.
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  REQUIRE(fcntl(fds[1], F_SETFL, fcntl(fds[1], F_GETFL) | O_NONBLOCK) == 0);
  std::string received;
  std::thread reader([&received, in = fds[0]] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // let the pipe fill first
    char chunk[4096];
    ssize_t n = 0;
    while ((n = read(in, chunk, sizeof chunk)) > 0) {
      received.append(chunk, static_cast<std::size_t>(n));
    }
  });
  std::string expected;
  {
    GatherOutput gather(fds[1]);
    std::ostream out(&gather);
    for (int i = 0; i < 200; ++i) {  // some 1.4 MB, the pipe holds 64 KiB
      out << "line " << i << "\n";
      expected += "line " + std::to_string(i) + "\n";
      auto lent = shared_text(std::string(7000, static_cast<char>('a' + i % 26)));
      expected += *lent;
      gather.lend(std::move(lent));
    }
    out.flush();
    CHECK(gather.ok());
  }
  close(fds[1]);
  reader.join();
  close(fds[0]);
  CHECK(received.size() == expected.size());
  CHECK(received == expected);
}

TEST_CASE("json and jsonl sinks: lending their cached text to a GatherOutput writes the bytes a string stream gets",
          "[util][report]") {
  kumo::simulate::RetryPolicy policy;
  policy.retry_interval = kumo::values::Duration{600, 0};
  policy.max_age = kumo::values::Duration{259200, 0};
  auto timeline = std::make_shared<const kumo::simulate::Timeline>(kumo::simulate::simulate_retries(policy));
  const kumo::config::SharedConfig config(kumo::config::QueueConfig{});
  std::vector<kumo::report::QueueReport> results(3);
  for (std::size_t i = 0; i < results.size(); ++i) {
    results[i].queue = "q" + std::to_string(i) + "@example.com";
    results[i].parts.domain = "example.com";
    results[i].config = config;  // one config: its timeline (over 1 KiB) cached once, lent three times
    results[i].timeline = timeline;
  }
  for (auto format : {kumo::report::Format::json, kumo::report::Format::jsonl}) {
    INFO(static_cast<int>(format));
    auto write_all = [&](std::ostream& out) {
      std::ostringstream err;
      auto sink = kumo::report::make_sink(format, out, err, {});
      kumo::test::run_sink(*sink, results);
      out.flush();
    };
    std::ostringstream copied;
    write_all(copied);
    ScratchFile file;
    GatherOutput gather(file.fd());
    std::ostream lent(&gather);
    write_all(lent);
    CHECK(file.contents() == copied.str());
    CHECK(copied.str().find("\"attempts\"") != std::string::npos);
  }
}

namespace {

// Takes at most `room` bytes in all, then refuses.
class ShortBuffer : public std::streambuf {
 public:
  explicit ShortBuffer(std::size_t room) : m_room(room) {}
  std::string taken;

 protected:
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    const auto k = std::min(static_cast<std::size_t>(n), m_room - taken.size());
    taken.append(s, k);
    return static_cast<std::streamsize>(k);
  }
  int_type overflow(int_type) override { return traits_type::eof(); }

 private:
  std::size_t m_room;
};

}  // namespace

TEST_CASE("write_text: writes as ostream::write does, fails on a short write, writes nothing after", "[util]") {
  std::ostringstream whole;
  kumo::util::write_text(whole, "abc");
  kumo::util::write_text(whole, "");
  kumo::util::write_text(whole, "de");
  CHECK(whole.str() == "abcde");
  CHECK(whole.good());

  ShortBuffer buffer(4);
  std::ostream out(&buffer);
  kumo::util::write_text(out, "abc");
  CHECK(out.good());
  kumo::util::write_text(out, "def");  // one byte fits
  CHECK(out.bad());
  kumo::util::write_text(out, "g");  // a failed stream takes nothing more
  CHECK(buffer.taken == "abcd");
}
