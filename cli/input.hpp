// Reading the user's input files, with the checks that turn a bad file into
// a usage error (exit 2) instead of a crash or a hang.
#pragma once

#include "core/pipeline/check.hpp"

#include <atomic>
#include <cstdint>
#include <fstream>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kumo::cli {

// Policy files above this size are refused: no real policy comes close.
inline constexpr std::size_t k_max_policy_bytes = 16u << 20;

// A queues-file line longer than this is not a queue name: it is reported
// (KQ911, as "FILE:LINE: ...") and the rest of it skipped unread into
// memory, so /dev/zero cannot be one line.
inline constexpr std::size_t k_max_queue_line_bytes = 64u << 10;
// How far past the cap a line is skipped looking for its end; beyond this
// the input is taken to have no more lines (standard input fed from
// /dev/zero) and reading stops.
inline constexpr std::size_t k_max_skipped_bytes = 1u << 20;

// The text of a policy file; throws UsageError when it is missing, a
// directory or any other file that is not a regular file (checked before it
// is opened: opening a FIFO would block), unreadable, binary or too large.
std::string read_policy_file(const std::string& path);

// How standard input is named where a file name would be: a policy given
// as "-", a queues file given as "-".
inline constexpr const char* k_stdin_name = "<stdin>";

// The policy from standard input (`check -`), with read_policy_file's checks.
std::string read_policy_stdin(std::istream& in);

// The text of another input file (`what`, e.g. "DNS file"), with the same
// checks and the same 16 MiB cap.
std::string read_text_file(const std::string& path, const std::string& what);

// Why `name` is not one queue name ("tenant@", a space in the domain, an
// empty routing domain), or nullopt: the rule a queues-file line and an
// expectation file's queue are read by.
std::optional<std::string> malformed_queue_name(const std::string& name);

// Queue names from a file (or stdin for "-"): one per line, surrounding
// whitespace trimmed, blank lines and # comments skipped (a comment starts
// at a '#' that begins the line or follows a space or tab, so
// "gmail.com # note" is gmail.com). A line that is still not one queue
// name, or is longer than k_max_queue_line_bytes, comes back as a problem
// for that line ("FILE:LINE: what is wrong; how to fix it"), which the
// pipeline reports as KQ911 without evaluating it.
class LineReader {
 public:
  // `file` names the input in problems: its path, or "<stdin>".
  // `size`: the input's length in bytes, when known (a regular file).
  LineReader(std::unique_ptr<std::istream> owned, std::istream* stream, std::string file,
             std::optional<std::uintmax_t> size = std::nullopt);
  std::optional<pipeline::QueueInput> next_queue();
  // The share of the input taken so far (0 to 1), when its size is known.
  // Safe to ask from another thread than the one reading (with --jobs, the
  // progress line is written by whichever thread collects a result).
  std::optional<double> share_read() const;

 private:
  struct Line {
    std::string text;       // without its '\n'; at most the cap
    bool too_long = false;  // the rest was skipped
    bool endless = false;   // no end of line within k_max_skipped_bytes: reading stopped
  };
  // Reads the next line into m_line (its buffer kept from line to line);
  // false at the end of the input.
  bool next_line();
  bool fill();  // false at the end of the input
  std::optional<pipeline::QueueInput> read_queue();

  std::unique_ptr<std::istream> m_owned;
  std::istream* m_stream;
  std::string m_file;
  std::optional<std::uintmax_t> m_size;
  std::uintmax_t m_taken = 0;  // bytes read from the stream, so far
  // Bytes taken as lines, as of the last next_queue(): what share_read()
  // tells, written by the reading thread alone (boxed: LineReader moves).
  std::unique_ptr<std::atomic<std::uintmax_t>> m_lines_taken = std::make_unique<std::atomic<std::uintmax_t>>(0);
  std::size_t m_line_number = 0;
  bool m_stopped = false;  // an endless line ended the input
  // Bytes read and not yet taken: lines are cut out of them with memchr,
  // not read a byte at a time. Only what the stream already holds is
  // taken, so names piped in one at a time are checked as they come.
  std::vector<char> m_chunk = std::vector<char>(64u << 10);
  std::size_t m_pos = 0;
  std::size_t m_end = 0;
  Line m_line;
};

// Throws UsageError when `path` (other than "-") is missing or not a regular file.
LineReader open_queue_file(const std::string& path, std::istream& stdin_stream);

}  // namespace kumo::cli
