// Reading the user's input files, with the checks that turn a bad file into
// a usage error (exit 2) instead of a crash or a hang.
#pragma once

#include <fstream>
#include <istream>
#include <memory>
#include <optional>
#include <string>

namespace kumo::cli {

// Policy files above this size are refused: no real policy comes close.
inline constexpr std::size_t k_max_policy_bytes = 16u << 20;

// A queues-file line longer than this ends the run: queue names are short,
// and a line is held in memory whole, so /dev/zero must not be one line.
inline constexpr std::size_t k_max_queue_line_bytes = 64u << 10;

// The text of a policy file; throws UsageError when it is missing, a
// directory or any other file that is not a regular file (checked before it
// is opened: opening a FIFO would block), unreadable, binary or too large.
std::string read_policy_file(const std::string& path);

// Queue names from a file (or stdin for "-"): one per line, surrounding
// whitespace trimmed, blank lines and # comments skipped. Throws UsageError,
// naming the file and line, for a line longer than k_max_queue_line_bytes.
class LineReader {
 public:
  LineReader(std::unique_ptr<std::istream> owned, std::istream* stream, std::string name);
  std::optional<std::string> next_queue();

 private:
  // The next line without its '\n', read at most one byte past the cap.
  std::optional<std::string> next_line();

  std::unique_ptr<std::istream> m_owned;
  std::istream* m_stream;
  std::string m_name;
  std::size_t m_line_number = 0;
};

// Throws UsageError when `path` (other than "-") is missing or not a regular file.
LineReader open_queue_file(const std::string& path, std::istream& stdin_stream);

}  // namespace kumo::cli
