#include "cli/input.hpp"

#include <filesystem>
#include <sstream>

#include "cli/errors.hpp"

namespace kumo::cli {

namespace {

void require_regular_file(const std::string& path, const char* what) {
  std::error_code ec;
  auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) {
    throw UsageError(std::string(what) + " " + path + " does not exist");
  }
  if (std::filesystem::is_directory(status)) {
    throw UsageError(std::string(what) + " " + path + " is a directory, not a file");
  }
  // A FIFO blocks the open (or the read) forever, /dev/zero never ends and
  // /dev/stdin is whatever CI pipes in: only regular files are read.
  if (!std::filesystem::is_regular_file(status)) {
    throw UsageError(std::string(what) + " " + path + " is not a regular file (a FIFO, device or socket)");
  }
}

}  // namespace

std::string read_text_file(const std::string& path, const std::string& what) {
  require_regular_file(path, what.c_str());
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw UsageError("cannot read " + what + " " + path);
  }
  std::string text;
  char buffer[65536];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    text.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (text.size() > k_max_policy_bytes) {
      throw UsageError(what + " " + path + " is larger than 16 MiB; that is not a " + what);
    }
  }
  if (text.find('\0') != std::string::npos) {
    throw UsageError(what + " " + path + " is binary (not text)");
  }
  return text;
}

std::string read_policy_file(const std::string& path) {
  std::string text = read_text_file(path, "policy file");
  if (text.rfind("\x1bLua", 0) == 0) {
    throw UsageError("policy file " + path + " is binary (compiled bytecode or not text); give the Lua source");
  }
  return text;
}

LineReader::LineReader(std::unique_ptr<std::istream> owned, std::istream* stream, std::string name)
    : m_owned(std::move(owned)), m_stream(stream), m_name(std::move(name)) {}

std::optional<LineReader::Line> LineReader::next_line() {
  std::streambuf* buffer = m_stream->rdbuf();
  Line line;
  int c = m_stopped ? std::char_traits<char>::eof() : buffer->sbumpc();
  if (c == std::char_traits<char>::eof()) {
    return std::nullopt;
  }
  ++m_line_number;
  std::size_t skipped = 0;
  for (; c != std::char_traits<char>::eof() && c != '\n'; c = buffer->sbumpc()) {
    if (line.text.size() < k_max_queue_line_bytes) {
      line.text += static_cast<char>(c);
    } else if (++skipped > k_max_skipped_bytes) {
      line.endless = true;
      m_stopped = true;
      break;
    } else {
      line.too_long = true;  // read on to the end of the line, keeping nothing
    }
  }
  line.too_long = line.too_long || line.endless;
  return line;
}

std::optional<pipeline::QueueInput> LineReader::next_queue() {
  while (std::optional<Line> line = next_line()) {
    if (line->too_long) {
      return pipeline::QueueInput{
          line->text, m_name + " line " + std::to_string(m_line_number) + " is longer than " +
                          std::to_string(k_max_queue_line_bytes >> 10) + " KiB; that is not a queue name " +
                          (line->endless ? "(no end of line within 1 MiB more: the rest of the input was not read)"
                                         : "(the rest of the line was skipped)")};
    }
    const std::string& text = line->text;
    std::size_t first = text.find_first_not_of(" \t\r");
    if (first == std::string::npos || text[first] == '#') {
      continue;
    }
    std::size_t last = text.find_last_not_of(" \t\r");
    return pipeline::QueueInput{text.substr(first, last - first + 1), std::nullopt};
  }
  return std::nullopt;
}

LineReader open_queue_file(const std::string& path, std::istream& stdin_stream) {
  if (path == "-") {
    return LineReader(nullptr, &stdin_stream, "queues file - (standard input)");
  }
  require_regular_file(path, "queues file");
  auto file = std::make_unique<std::ifstream>(path, std::ios::binary);
  if (!*file) {
    throw UsageError("cannot read queues file " + path);
  }
  std::istream* raw = file.get();
  return LineReader(std::move(file), raw, "queues file " + path);
}

}  // namespace kumo::cli
