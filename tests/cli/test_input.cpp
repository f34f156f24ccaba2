// The queues file as LineReader reads it: names, comments, and the lines
// that are reported instead of evaluated.
#include <catch2/catch.hpp>

#include <sstream>

#include "cli/input.hpp"

namespace {

using kumo::pipeline::QueueInput;

// Every item a queues file named `file` with `text` yields: a name, or
// "problem: ", the line's file:line (where KQ911 is placed) and the problem's text.
std::vector<std::string> queue_inputs(const std::string& text, const std::string& file = "queues.txt") {
  auto stream = std::make_unique<std::istringstream>(text);
  std::istream* raw = stream.get();
  kumo::cli::LineReader reader(std::move(stream), raw, file);
  std::vector<std::string> out;
  while (std::optional<QueueInput> input = reader.next_queue()) {
    if (!input->problem) {
      out.push_back(input->source ? input->name + " at " + std::to_string(input->source->line) : input->name);
      continue;
    }
    REQUIRE(input->source);
    const std::string at = input->source->file + ":" + std::to_string(input->source->line) + ": ";
    out.push_back("problem: " + at + *input->problem);
  }
  return out;
}

}  // namespace

TEST_CASE("queues file: names are trimmed, blank lines and comment lines skipped", "[cli][input]") {
  CHECK(queue_inputs("# header\n\n  a.example.com \t\r\n\t# indented comment\nb.example.com") ==
        std::vector<std::string>{"a.example.com", "b.example.com"});
}

TEST_CASE("queues file: a name that evaluation may report carries its line, others none", "[cli][input]") {
  // Control characters and bytes that are not printable ASCII are checked
  // when the queue is evaluated (KQ911, placed at this line).
  CHECK(queue_inputs("a.example.com\nb\x01.example.com\ncaf\xc3\xa9.example\n") ==
        std::vector<std::string>{"a.example.com", "b\x01.example.com at 2", "caf\xc3\xa9.example at 3"});
}

TEST_CASE("queues file: a comment after a name is not part of it", "[cli][input]") {
  CHECK(queue_inputs("gmail.com # note\nc:t@d.example.com!r.example.com\t# campaign queue\nyahoo.com #\n") ==
        std::vector<std::string>{"gmail.com", "c:t@d.example.com!r.example.com", "yahoo.com"});
  // A '#' inside a word starts no comment: the name is what was written.
  CHECK(queue_inputs("tenant#1@example.com\n") == std::vector<std::string>{"tenant#1@example.com"});
}

TEST_CASE("queues file: a tenant or campaign may hold spaces, as KumoMTA uses them verbatim", "[cli][input]") {
  CHECK(queue_inputs("big corp@example.com\nspring sale:big corp@example.com # note\n@example.com\nc:@example.com\n") ==
        std::vector<std::string>{"big corp@example.com", "spring sale:big corp@example.com", "@example.com",
                                 "c:@example.com"});
}

TEST_CASE("queues file: a line that is not one queue name is reported at its file and line", "[cli][input]") {
  CHECK(queue_inputs("ok.example.com\nfoo bar baz\ntenant@gmail.com extra # note\n") ==
        std::vector<std::string>{
            "ok.example.com",
            "problem: queues.txt:2: \"foo bar baz\" is not one queue name: its domain has a space; write one "
            "queue per line as [campaign:][tenant@]domain[!routing_domain], any comment after \" #\"",
            "problem: queues.txt:3: \"tenant@gmail.com extra\" is not one queue name: its domain has a space; write "
            "one queue per line as [campaign:][tenant@]domain[!routing_domain], any comment after \" #\""});
  CHECK(queue_inputs("d.example.com!r.example.com more\n")[0].starts_with(
      "problem: queues.txt:1: \"d.example.com!r.example.com more\" is not one queue name: its domain has a space"));
}

TEST_CASE("queues file: an empty domain or routing domain is reported", "[cli][input]") {
  CHECK(queue_inputs("tenant@\nc:t@ # no domain\n!r.example.com\nd.example.com!\n", "<stdin>") ==
        std::vector<std::string>{
            "problem: <stdin>:1: \"tenant@\" has no domain; write it as [campaign:][tenant@]domain[!routing_domain], "
            "e.g. "
            "\"tenant@example.com\"",
            "problem: <stdin>:2: \"c:t@\" has no domain; write it as [campaign:][tenant@]domain[!routing_domain], e.g. "
            "\"tenant@example.com\"",
            "problem: <stdin>:3: \"!r.example.com\" has no domain; write it as "
            "[campaign:][tenant@]domain[!routing_domain], e.g. \"tenant@example.com\"",
            "problem: <stdin>:4: \"d.example.com!\" has no routing domain after '!'; write domain!routing_domain, or "
            "drop the '!'"});
}

TEST_CASE("queues file: line numbers count blank and comment lines", "[cli][input]") {
  const auto inputs = queue_inputs("# a\n\nx.example.com\n\n# b\ny@\n");
  REQUIRE(inputs.size() == 2);
  CHECK(inputs[1].starts_with("problem: queues.txt:6: \"y@\" has no domain"));
}

namespace {

// A stream that holds one byte at a time, like a pipe written slowly: the
// reader must wait for bytes, never for a whole chunk.
class OneByteAtATime : public std::streambuf {
 public:
  explicit OneByteAtATime(std::string text) : m_text(std::move(text)) {}

 protected:
  int_type underflow() override {
    if (m_next == m_text.size()) {
      return traits_type::eof();
    }
    m_byte = m_text[m_next++];
    setg(&m_byte, &m_byte, &m_byte + 1);
    return traits_type::to_int_type(m_byte);
  }

 private:
  std::string m_text;
  std::size_t m_next = 0;
  char m_byte = 0;
};

}  // namespace

TEST_CASE("queues file: lines across the read buffer's edges are read whole", "[cli][input]") {
  std::string text;
  std::vector<std::string> names;
  for (int i = 0; i < 12000; ++i) {  // about 200 KiB: several 64 KiB reads
    names.push_back("t" + std::to_string(i) + "@d" + std::to_string(i * 7) + ".example.com");
    text += names.back() + (i % 2 == 0 ? "\n" : "  # a comment\n");
  }
  text += "last.example.com";  // no end of line
  names.push_back("last.example.com");
  CHECK(queue_inputs(text) == names);
}

TEST_CASE("queues file: the cap on a line's length holds wherever the line falls", "[cli][input]") {
  const std::string at_cap(kumo::cli::k_max_queue_line_bytes, 'a');
  auto inputs = queue_inputs("x.com\n" + at_cap + "\n" + at_cap + "a\ny.com\n");
  REQUIRE(inputs.size() == 4);
  CHECK(inputs[0] == "x.com");
  CHECK(inputs[1].find("longer than") == std::string::npos);  // at the cap: read, then judged as a name
  CHECK(inputs[2] ==
        "problem: queues.txt:3: a line longer than 64 KiB is not a queue name (the rest of the line was skipped)");
  CHECK(inputs[3] == "y.com");
}

TEST_CASE("queues file: a stream that holds one byte at a time gives the same names", "[cli][input]") {
  const std::string text = "a.com\n\n# comment\nt@b.com  # note\nc:t@d.com!r.net";
  auto buffer = std::make_unique<OneByteAtATime>(text);
  auto stream = std::make_unique<std::istream>(buffer.get());
  std::istream* raw = stream.get();
  kumo::cli::LineReader reader(std::move(stream), raw, "queues.txt");
  std::vector<std::string> names;
  while (auto input = reader.next_queue()) {
    names.push_back(input->name);
  }
  CHECK(names == queue_inputs(text));
  CHECK(names == std::vector<std::string>{"a.com", "t@b.com", "c:t@d.com!r.net"});
}

TEST_CASE("queues file: the share read counts the names taken, not the bytes buffered", "[cli][input]") {
  // 4,000 names of 19 bytes, more than one 64 KiB read: if buffered
  // bytes counted, so the share moves only as names are taken.
  std::string text;
  for (int i = 0; i < 4000; ++i) {
    std::string name = "d" + std::to_string(100000 + i) + ".example.co";  // 18 bytes and '\n'
    text += name + "\n";
  }
  auto stream = std::make_unique<std::istringstream>(text);
  std::istream* raw = stream.get();
  kumo::cli::LineReader reader(std::move(stream), raw, "queues.txt", text.size());
  CHECK(reader.share_read() == Approx(0.0));
  REQUIRE(reader.next_queue());
  CHECK(reader.share_read() == Approx(1.0 / 4000));
  for (int i = 1; i < 2000; ++i) {
    REQUIRE(reader.next_queue());
  }
  CHECK(reader.share_read() == Approx(0.5));
  while (reader.next_queue()) {
  }
  CHECK(reader.share_read() == Approx(1.0));

  auto unsized = std::make_unique<std::istringstream>(text);  // standard input: no size
  raw = unsized.get();
  kumo::cli::LineReader from_stdin(std::move(unsized), raw, "<stdin>");
  REQUIRE(from_stdin.next_queue());
  CHECK_FALSE(from_stdin.share_read());
}

TEST_CASE("queues file: opened by path, its size is known", "[cli][input]") {
  std::istringstream unused;
  auto reader =
      kumo::cli::open_queue_file(KUMO_LINT_SOURCE_DIR "/testdata/policies/bad/kq911_queues_file_lines.queues", unused);
  CHECK(reader.share_read() == Approx(0.0));
  while (reader.next_queue()) {
  }
  CHECK(reader.share_read() == Approx(1.0));
}
