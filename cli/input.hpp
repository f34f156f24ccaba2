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

// The text of a policy file; throws UsageError when it is missing, a
// directory, unreadable, binary or too large.
std::string read_policy_file(const std::string& path);

// Queue names from a file (or stdin for "-"): one per line, surrounding
// whitespace trimmed, blank lines and # comments skipped.
class LineReader {
 public:
  LineReader(std::unique_ptr<std::istream> owned, std::istream* stream, std::string name);
  std::optional<std::string> next_queue();

 private:
  std::unique_ptr<std::istream> m_owned;
  std::istream* m_stream;
  std::string m_name;
};

LineReader open_queue_file(const std::string& path, std::istream& stdin_stream);

}  // namespace kumo::cli
