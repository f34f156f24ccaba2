#include "cli/input.hpp"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <sstream>

#include "cli/errors.hpp"
#include "core/util/text.hpp"
#include "core/values/queue_name.hpp"

namespace kumo::cli {

namespace {

constexpr std::string_view k_blank = " \t\r";

std::string_view trimmed(std::string_view text) {
  const std::size_t first = text.find_first_not_of(k_blank);
  if (first == std::string_view::npos) {
    return {};
  }
  return text.substr(first, text.find_last_not_of(k_blank) - first + 1);
}

// The line before its comment: a '#' that begins it or follows a space or
// tab starts one; a '#' inside a word ("a#b") is kept.
std::string_view without_comment(std::string_view line) {
  for (std::size_t i = line.find('#'); i != std::string_view::npos; i = line.find('#', i + 1)) {
    if (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t') {
      return line.substr(0, i);
    }
  }
  return line;
}

// One pass (find_first_of would call memchr on its set for every byte).
bool has_blank(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) { return c == ' ' || c == '\t'; });
}

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

// Lua would load compiled bytecode; KumoMTA's policies are source.
std::string checked_policy_text(std::string text, const std::string& shown) {
  if (text.rfind("\x1bLua", 0) == 0) {
    throw UsageError("policy file " + shown + " is binary (compiled bytecode or not text); give the Lua source");
  }
  return text;
}

// The whole of `in`, at most 16 MiB, text (no NUL byte); `shown` names it in errors.
std::string read_capped_text(std::istream& in, const std::string& what, const std::string& shown) {
  std::string text;
  char buffer[65536];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    text.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (text.size() > k_max_policy_bytes) {
      throw UsageError(what + " " + shown + " is larger than 16 MiB; that is not a " + what);
    }
  }
  if (text.find('\0') != std::string::npos) {
    throw UsageError(what + " " + shown + " is binary (not text)");
  }
  return text;
}

}  // namespace

// Why `name` is not one queue name by KumoMTA's grammar
// (values::parse_queue_name), or nullopt. Campaign and tenant are used
// verbatim and may hold anything ("big corp@example.com" is tenant "big
// corp"); the domain and a routing domain are domains: never empty, never
// holding a space ("foo bar baz" is three words, not a domain).
std::optional<std::string> malformed_queue_name(const std::string& name) {
  static constexpr std::string_view k_form = "[campaign:][tenant@]domain[!routing_domain]";
  const values::QueueNameView q = values::parse_queue_name_view(name);
  if (has_blank(q.domain) || (q.routing_domain && has_blank(*q.routing_domain))) {
    return util::quoted(name) + " is not one queue name: its domain has a space; write one queue per line as " +
           std::string(k_form) + ", any comment after \" #\"";
  }
  if (q.domain.empty()) {
    return util::quoted(name) + " has no domain; write it as " + std::string(k_form) + ", e.g. \"tenant@example.com\"";
  }
  if (q.routing_domain && q.routing_domain->empty()) {
    return util::quoted(name) + " has no routing domain after '!'; write domain!routing_domain, or drop the '!'";
  }
  return std::nullopt;
}

std::string read_text_file(const std::string& path, const std::string& what) {
  require_regular_file(path, what.c_str());
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw UsageError("cannot read " + what + " " + path);
  }
  return read_capped_text(in, what, path);
}

std::string read_policy_file(const std::string& path) {
  return checked_policy_text(read_text_file(path, "policy file"), path);
}

std::string read_policy_stdin(std::istream& in) {
  return checked_policy_text(read_capped_text(in, "policy file", k_stdin_name), k_stdin_name);
}

LineReader::LineReader(std::unique_ptr<std::istream> owned, std::istream* stream, std::string file,
                       std::optional<std::uintmax_t> size)
    : m_owned(std::move(owned)), m_stream(stream), m_file(std::move(file)), m_size(size) {}

std::optional<double> LineReader::share_read() const {
  if (!m_size) {
    return std::nullopt;
  }
  const std::uintmax_t taken = m_lines_taken->load(std::memory_order_relaxed);
  return *m_size == 0 ? 1.0 : std::min(1.0, static_cast<double>(taken) / static_cast<double>(*m_size));
}

bool LineReader::fill() {
  if (m_pos < m_end) {
    return true;
  }
  m_pos = 0;
  m_end = 0;
  if (m_stopped) {
    return false;
  }
  std::streambuf* buffer = m_stream->rdbuf();
  // in_avail() is what can be read without waiting; when it says nothing,
  // one byte is waited for (the end of the input, or the next name).
  std::streamsize ready = buffer->in_avail();
  if (ready <= 0) {
    int c = buffer->sbumpc();
    if (c == std::char_traits<char>::eof()) {
      return false;
    }
    m_chunk[m_end++] = static_cast<char>(c);
    ++m_taken;
    ready = buffer->in_avail();
  }
  if (ready > 0) {
    auto room = static_cast<std::streamsize>(m_chunk.size() - m_end);
    const auto got = static_cast<std::size_t>(buffer->sgetn(m_chunk.data() + m_end, std::min(ready, room)));
    m_end += got;
    m_taken += got;
  }
  return m_end > 0;
}

bool LineReader::next_line() {
  if (!fill()) {
    return false;
  }
  ++m_line_number;
  Line& line = m_line;
  line.text.clear();
  line.too_long = false;
  line.endless = false;
  std::size_t skipped = 0;
  while (fill()) {
    const char* start = m_chunk.data() + m_pos;
    const auto* end_of_line = static_cast<const char*>(std::memchr(start, '\n', m_end - m_pos));
    const std::size_t n = end_of_line != nullptr ? static_cast<std::size_t>(end_of_line - start) : m_end - m_pos;
    const std::size_t kept = std::min(n, k_max_queue_line_bytes - std::min(k_max_queue_line_bytes, line.text.size()));
    line.text.append(start, kept);
    if (n > kept) {
      if (skipped + (n - kept) > k_max_skipped_bytes) {
        line.endless = true;
        m_stopped = true;
        m_pos = m_end;
        break;
      }
      skipped += n - kept;
      line.too_long = true;  // read on to the end of the line, keeping nothing
    }
    m_pos += n;
    if (end_of_line != nullptr) {
      ++m_pos;
      break;
    }
  }
  line.too_long = line.too_long || line.endless;
  return true;
}

std::optional<pipeline::QueueInput> LineReader::next_queue() {
  std::optional<pipeline::QueueInput> queue = read_queue();
  const std::uintmax_t unread = m_end - m_pos;  // read into the chunk, not yet taken
  m_lines_taken->store(m_taken - std::min(m_taken, unread), std::memory_order_relaxed);
  return queue;
}

std::optional<pipeline::QueueInput> LineReader::read_queue() {
  while (next_line()) {
    const Line* line = &m_line;
    auto here = [this] { return diag::Location{m_file, static_cast<int>(m_line_number), std::nullopt}; };
    if (line->too_long) {
      return pipeline::QueueInput{
          line->text,
          "a line longer than " + std::to_string(k_max_queue_line_bytes >> 10) + " KiB is not a queue name " +
              (line->endless ? "(no end of line within 1 MiB more: the rest of the input was not read)"
                             : "(the rest of the line was skipped)"),
          here()};
    }
    std::string name(trimmed(without_comment(line->text)));
    if (name.empty()) {
      continue;
    }
    std::optional<std::string> problem = malformed_queue_name(name);
    // Where the line is, for a name that can be reported: a problem here,
    // or one evaluation finds (text that is not printable ASCII).
    std::optional<diag::Location> source;
    if (problem || !util::is_printable_ascii(name)) {
      source = here();
    }
    return pipeline::QueueInput{std::move(name), std::move(problem), std::move(source)};
  }
  return std::nullopt;
}

LineReader open_queue_file(const std::string& path, std::istream& stdin_stream) {
  if (path == "-") {
    return LineReader(nullptr, &stdin_stream, k_stdin_name);
  }
  require_regular_file(path, "queues file");
  auto file = std::make_unique<std::ifstream>(path, std::ios::binary);
  if (!*file) {
    throw UsageError("cannot read queues file " + path);
  }
  std::istream* raw = file.get();
  std::error_code ignored;  // a size that cannot be had only hides the share in the progress line
  const std::uintmax_t size = std::filesystem::file_size(path, ignored);
  return LineReader(std::move(file), raw, path,
                    size != static_cast<std::uintmax_t>(-1) ? std::optional(size) : std::nullopt);
}

}  // namespace kumo::cli
