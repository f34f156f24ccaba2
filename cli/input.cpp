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
}

}  // namespace

std::string read_policy_file(const std::string& path) {
  require_regular_file(path, "policy file");
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw UsageError("cannot read policy file " + path);
  }
  std::string text;
  char buffer[65536];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    text.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (text.size() > k_max_policy_bytes) {
      throw UsageError("policy file " + path + " is larger than 16 MiB; that is not a policy");
    }
  }
  if (text.find('\0') != std::string::npos || text.rfind("\x1bLua", 0) == 0) {
    throw UsageError("policy file " + path + " is binary (compiled bytecode or not text); give the Lua source");
  }
  return text;
}

LineReader::LineReader(std::unique_ptr<std::istream> owned, std::istream* stream, std::string name)
    : m_owned(std::move(owned)), m_stream(stream), m_name(std::move(name)) {}

std::optional<std::string> LineReader::next_queue() {
  std::string line;
  while (std::getline(*m_stream, line)) {
    std::size_t first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') {
      continue;
    }
    std::size_t last = line.find_last_not_of(" \t\r");
    return line.substr(first, last - first + 1);
  }
  return std::nullopt;
}

LineReader open_queue_file(const std::string& path, std::istream& stdin_stream) {
  if (path == "-") {
    return LineReader(nullptr, &stdin_stream, "standard input");
  }
  require_regular_file(path, "queues file");
  auto file = std::make_unique<std::ifstream>(path, std::ios::binary);
  if (!*file) {
    throw UsageError("cannot read queues file " + path);
  }
  std::istream* raw = file.get();
  return LineReader(std::move(file), raw, path);
}

}  // namespace kumo::cli
