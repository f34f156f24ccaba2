#include "core/util/gather_output.hpp"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace kumo::util {

GatherOutput::GatherOutput(int fd) : m_fd(fd), m_buffer(new char[k_buffer_bytes]) {
  setp(m_buffer.get(), m_buffer.get() + k_buffer_bytes);
  m_pieces.reserve(k_max_pieces);
  m_lent.reserve(k_max_pieces);
}

GatherOutput::~GatherOutput() { write_pending(); }

void GatherOutput::lend(std::shared_ptr<const std::string> text) {
  if (!text || text->empty()) {
    return;
  }
  lend_view(*text);  // may write what is pending first: held after that
  m_lent.push_back(std::move(text));
}

void GatherOutput::lend_view(std::string_view text) {
  if (text.empty()) {
    return;
  }
  if (m_pieces.size() + 2 > k_max_pieces) {
    write_pending();
  }
  close_run();
  m_pieces.push_back({const_cast<char*>(text.data()), text.size()});
}

GatherOutput::int_type GatherOutput::overflow(int_type c) {
  if (!write_pending()) {
    return traits_type::eof();
  }
  if (!traits_type::eq_int_type(c, traits_type::eof())) {
    *pptr() = traits_type::to_char_type(c);
    pbump(1);
  }
  return traits_type::not_eof(c);
}

std::streamsize GatherOutput::xsputn(const char* s, std::streamsize n) {
  const auto size = static_cast<std::size_t>(n);
  if (size > static_cast<std::size_t>(epptr() - pptr())) {
    if (!write_pending()) {
      return 0;
    }
    if (size >= k_buffer_bytes) {
      // Bigger than the buffer: written from where it lies.
      iovec piece{const_cast<char*>(s), size};
      return write_all(&piece, 1) ? n : 0;
    }
  }
  std::memcpy(pptr(), s, size);
  pbump(static_cast<int>(n));
  return n;
}

int GatherOutput::sync() { return write_pending() ? 0 : -1; }

void GatherOutput::close_run() {
  const auto end = static_cast<std::size_t>(pptr() - pbase());
  if (end > m_run_start) {
    m_pieces.push_back({pbase() + m_run_start, end - m_run_start});
    m_run_start = end;
  }
}

bool GatherOutput::write_pending() {
  close_run();
  const bool written = m_pieces.empty() || write_all(m_pieces.data(), m_pieces.size());
  m_pieces.clear();
  m_lent.clear();
  m_run_start = 0;
  setp(m_buffer.get(), m_buffer.get() + k_buffer_bytes);
  return written;
}

// writev may write less than asked (a signal, a pipe's capacity): the rest
// is written on from where it stopped.
bool GatherOutput::write_all(iovec* pieces, std::size_t count) {
  if (m_failed) {
    return false;
  }
  while (count > 0) {
    const ssize_t written = ::writev(m_fd, pieces, static_cast<int>(std::min(count, k_max_pieces)));
    if (written < 0 && errno == EINTR) {
      continue;
    }
    if (written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      // A descriptor its reader made non-blocking (stdio gives up here and
      // loses the output): wait until it takes more.
      pollfd ready{m_fd, POLLOUT, 0};
      if (::poll(&ready, 1, -1) >= 0 || errno == EINTR) {
        continue;
      }
    }
    if (written <= 0) {  // an error, or no progress on pieces that are never empty
      m_failed = true;
      return false;
    }
    auto left = static_cast<std::size_t>(written);
    while (count > 0 && left >= pieces->iov_len) {
      left -= pieces->iov_len;
      ++pieces;
      --count;
    }
    if (count > 0) {
      pieces->iov_base = static_cast<char*>(pieces->iov_base) + left;
      pieces->iov_len -= left;
    }
  }
  return true;
}

void write_text(std::ostream& out, std::string_view text) {
  if (text.empty() || !out.good()) {
    return;
  }
  const auto n = static_cast<std::streamsize>(text.size());
  if (out.rdbuf()->sputn(text.data(), n) != n) {
    out.setstate(std::ios::badbit);
  }
}

}  // namespace kumo::util
