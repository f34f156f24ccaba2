#include "core/util/spill.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <string>

namespace kumo::util {

namespace {

constexpr std::size_t k_chunk_bytes = std::size_t{64} << 10;

// A file with no name in $TMPDIR (else /tmp), as sort(1) spills: O_TMPFILE
// where the file system has it, else a unique name removed at once.
std::FILE* unnamed_temporary_file() {
  const char* env = std::getenv("TMPDIR");
  const std::string dir = env != nullptr && *env != '\0' ? env : "/tmp";
  int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0) {
    std::string name = dir + "/kumo-lint.XXXXXX";
    fd = ::mkostemp(name.data(), O_CLOEXEC);
    if (fd < 0) {
      return nullptr;
    }
    ::unlink(name.c_str());
  }
  std::FILE* file = ::fdopen(fd, "w+b");
  if (file == nullptr) {
    ::close(fd);
  }
  return file;
}

}  // namespace

TempFile::TempFile(TempFile&& other) noexcept
    : m_file(std::exchange(other.m_file, nullptr)),
      m_size(other.m_size),
      m_failed(other.m_failed),
      m_unflushed(other.m_unflushed) {}

TempFile& TempFile::operator=(TempFile&& other) noexcept {
  if (this != &other) {
    if (m_file != nullptr) {
      std::fclose(m_file);
    }
    m_file = std::exchange(other.m_file, nullptr);
    m_size = other.m_size;
    m_failed = other.m_failed;
    m_unflushed = other.m_unflushed;
  }
  return *this;
}

TempFile::~TempFile() {
  if (m_file != nullptr) {
    std::fclose(m_file);
  }
}

std::size_t TempFile::append(std::string_view bytes) {
  if (m_failed || bytes.empty()) {
    return 0;
  }
  if (m_file == nullptr && (m_file = unnamed_temporary_file()) == nullptr) {
    m_failed = true;
    return 0;
  }
  const std::size_t written = std::fwrite(bytes.data(), 1, bytes.size(), m_file);
  m_size += written;
  m_unflushed = true;
  if (written != bytes.size()) {
    m_failed = true;  // what was written stays readable; nothing more is tried
  }
  return written;
}

std::size_t TempFile::read_at(std::size_t offset, char* buffer, std::size_t n) const {
  if (m_file == nullptr || offset >= m_size) {
    return 0;
  }
  if (m_unflushed) {
    std::fflush(m_file);
    m_unflushed = false;
  }
  n = std::min(n, m_size - offset);
  std::size_t done = 0;
  while (done < n) {
    const ssize_t got = ::pread(fileno(m_file), buffer + done, n - done, static_cast<off_t>(offset + done));
    if (got <= 0) {
      break;
    }
    done += static_cast<std::size_t>(got);
  }
  return done;
}

void SpillBuffer::append(std::string_view bytes) {
  m_memory.append(bytes);
  if (m_memory.size() > m_budget) {
    // The file holds what comes first: only a prefix may move to it.
    m_memory.erase(0, m_file.append(m_memory));
  }
}

void SpillBuffer::write_to(std::ostream& out, std::size_t from, std::size_t to) const {
  to = std::min(to, size());
  std::string chunk;
  while (from < std::min(to, m_file.size())) {
    chunk.resize(std::min(k_chunk_bytes, std::min(to, m_file.size()) - from));
    const std::size_t got = m_file.read_at(from, chunk.data(), chunk.size());
    if (got == 0) {
      return;  // the file cannot be read back: what follows would be out of place
    }
    out.write(chunk.data(), static_cast<std::streamsize>(got));
    from += got;
  }
  if (from < to) {
    out.write(m_memory.data() + (from - m_file.size()), static_cast<std::streamsize>(to - from));
  }
}

void put_u64(std::string& out, std::uint64_t value) {
  char bytes[8];
  for (char& b : bytes) {
    b = static_cast<char>(value & 0xff);
    value >>= 8;
  }
  out.append(bytes, sizeof bytes);
}

void put_text(std::string& out, std::string_view text) {
  put_u64(out, text.size());
  out.append(text);
}

std::uint64_t ByteReader::u64() {
  if (m_in.size() < 8) {
    m_in = {};
    return 0;
  }
  std::uint64_t value = 0;
  for (int i = 7; i >= 0; --i) {
    value = (value << 8) | static_cast<unsigned char>(m_in[static_cast<std::size_t>(i)]);
  }
  m_in.remove_prefix(8);
  return value;
}

std::string ByteReader::text() {
  const std::uint64_t n = u64();
  const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(n, m_in.size()));
  std::string out(m_in.substr(0, take));
  m_in.remove_prefix(take);
  return out;
}

void SortedRuns::add_run(std::string records) {
  Run run;
  run.offset = m_file.size();
  run.size = records.size();
  if (m_file.append(records) != records.size()) {
    // Kept whole in memory; any part the file took is never read.
    run.memory = std::move(records);
    run.in_memory = true;
  }
  m_runs.push_back(std::move(run));
}

bool SortedRuns::Cursor::fill(std::size_t n) {
  if (m_chunk.size() - m_pos >= n) {
    return true;
  }
  m_chunk.erase(0, m_pos);
  m_pos = 0;
  const std::size_t want = std::min(std::max(n - m_chunk.size(), k_chunk_bytes), m_run.size - m_read);
  const std::size_t old = m_chunk.size();
  m_chunk.resize(old + want);
  const std::size_t got = m_runs.m_file.read_at(m_run.offset + m_read, m_chunk.data() + old, want);
  m_chunk.resize(old + got);
  m_read += got;
  return m_chunk.size() >= n;
}

bool SortedRuns::Cursor::next(std::string_view& record) {
  if (m_run.in_memory) {
    if (m_pos >= m_run.memory.size()) {
      return false;
    }
    ByteReader length(std::string_view(m_run.memory).substr(m_pos, 8));
    const std::size_t n = static_cast<std::size_t>(length.u64());
    record = std::string_view(m_run.memory).substr(m_pos + 8, n);
    m_pos += 8 + n;
    return true;
  }
  if (!fill(8)) {
    return false;
  }
  const std::size_t n = static_cast<std::size_t>(ByteReader(std::string_view(m_chunk).substr(m_pos, 8)).u64());
  if (!fill(8 + n)) {
    return false;  // a run cut short (the file could not be read back): its end
  }
  record = std::string_view(m_chunk).substr(m_pos + 8, n);
  m_pos += 8 + n;
  return true;
}

}  // namespace kumo::util
