#include "core/util/zeroed_words.hpp"

#include <sys/mman.h>

#include <new>
#include <utility>

namespace kumo::util {

ZeroedWords::ZeroedWords(std::size_t count) : m_count(count) {
  if (count == 0) {
    return;
  }
  // Anonymous memory comes zero-filled and untouched: asking for huge pages
  // before the first write lets the first faults map them.
  void* p = mmap(nullptr, count * sizeof(std::uint64_t), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) {
    throw std::bad_alloc();
  }
  (void)madvise(p, count * sizeof(std::uint64_t), MADV_HUGEPAGE);  // a hint: refused, it changes nothing
  m_words = static_cast<std::uint64_t*>(p);
}

ZeroedWords::~ZeroedWords() {
  if (m_words != nullptr) {
    munmap(m_words, m_count * sizeof(std::uint64_t));
  }
}

ZeroedWords::ZeroedWords(ZeroedWords&& other) noexcept
    : m_words(std::exchange(other.m_words, nullptr)), m_count(std::exchange(other.m_count, 0)) {}

ZeroedWords& ZeroedWords::operator=(ZeroedWords&& other) noexcept {
  if (this != &other) {
    ZeroedWords old(std::move(*this));
    m_words = std::exchange(other.m_words, nullptr);
    m_count = std::exchange(other.m_count, 0);
  }
  return *this;
}

}  // namespace kumo::util
