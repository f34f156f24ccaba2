// Output that must be complete before it is written (a JUnit header counts
// every test case; checkstyle, --quiet and GitHub annotations sort or merge
// findings) held within a memory budget: past it, bytes go to an unnamed
// temporary file, and sorted runs are merged back from it. Memory then stays
// flat however many queues a run has. If no temporary file can be made or
// written, everything stays in memory: the output is the same, only the
// memory bound is lost.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kumo::util {

// An unnamed temporary file in $TMPDIR or /tmp (gone when closed, or when
// the process ends), made on first use.
class TempFile {
 public:
  TempFile() = default;
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  TempFile(TempFile&& other) noexcept;
  TempFile& operator=(TempFile&& other) noexcept;
  ~TempFile();

  // Appends `bytes`; how many were written: all of them, unless the file
  // could not be made or the disk is full (then none, from then on).
  std::size_t append(std::string_view bytes);
  std::size_t size() const { return m_size; }
  // Up to `n` bytes from `offset` into `buffer`; how many were read.
  std::size_t read_at(std::size_t offset, char* buffer, std::size_t n) const;

 private:
  std::FILE* m_file = nullptr;
  std::size_t m_size = 0;
  bool m_failed = false;
  mutable bool m_unflushed = false;
};

// Bytes appended in order and written out once: held in memory up to the
// budget, then in a TempFile.
class SpillBuffer {
 public:
  explicit SpillBuffer(std::size_t budget_bytes) : m_budget(budget_bytes) {}

  void append(std::string_view bytes);
  // How many bytes were appended.
  std::size_t size() const { return m_file.size() + m_memory.size(); }
  // Bytes [from, to) of what was appended.
  void write_to(std::ostream& out, std::size_t from, std::size_t to) const;
  void write_to(std::ostream& out) const { write_to(out, 0, size()); }

 private:
  std::size_t m_budget;
  TempFile m_file;       // what was spilled, first
  std::string m_memory;  // then this
};

// Little-endian fixed-width integers and length-prefixed texts, for records
// that only this process writes and reads back.
void put_u64(std::string& out, std::uint64_t value);
void put_text(std::string& out, std::string_view text);

// Reads what put_u64 and put_text wrote. Past the end it yields 0 and ""
// (a record is only ever read by the code that wrote it).
class ByteReader {
 public:
  explicit ByteReader(std::string_view bytes) : m_in(bytes) {}
  std::uint64_t u64();
  std::string text();

 private:
  std::string_view m_in;
};

// Records in sorted runs, each written whole to a TempFile (or kept in
// memory when it cannot be), and read back as one sorted sequence.
class SortedRuns {
 public:
  // A run: `records` concatenated as put_text wrote them, in order.
  void add_run(std::string records);
  bool empty() const { return m_runs.empty(); }
  std::size_t run_count() const { return m_runs.size(); }

  // Calls `each(T&&)` for every record of every run, decoded by
  // `decode(std::string_view) -> T`, in the order of `less(const T&, const
  // T&)`; equal records come in the order of their runs.
  template <typename T, typename Decode, typename Less, typename Each>
  void merge(Decode decode, Less less, Each each) const;

 private:
  struct Run {
    std::size_t offset = 0;  // in m_file
    std::size_t size = 0;
    std::string memory;  // the run itself, when the file could not take it
    bool in_memory = false;
  };

  // Reads one run's records in order, 64 KiB of the file at a time.
  class Cursor {
   public:
    Cursor(const SortedRuns& runs, const Run& run) : m_runs(runs), m_run(run) {}
    // The next record, valid until the following call; false at the end.
    bool next(std::string_view& record);

   private:
    bool fill(std::size_t n);  // at least n unread bytes in m_chunk
    const SortedRuns& m_runs;
    const Run& m_run;
    std::size_t m_read = 0;  // of the run, consumed into m_chunk
    std::string m_chunk;
    std::size_t m_pos = 0;  // in m_chunk
  };

  TempFile m_file;
  std::vector<Run> m_runs;
};

template <typename T, typename Decode, typename Less, typename Each>
void SortedRuns::merge(Decode decode, Less less, Each each) const {
  std::vector<Cursor> cursors;
  cursors.reserve(m_runs.size());
  for (const Run& run : m_runs) {
    cursors.emplace_back(*this, run);
  }
  struct Head {
    T value;
    std::size_t run;
  };
  // Whether a comes after b: a greater record or, on a tie, a later run.
  auto after = [&less](const Head& a, const Head& b) {
    if (less(a.value, b.value)) {
      return false;
    }
    return less(b.value, a.value) || a.run > b.run;
  };
  std::vector<Head> heads;  // a heap: front() is the least
  std::string_view record;
  for (std::size_t i = 0; i < cursors.size(); ++i) {
    if (cursors[i].next(record)) {
      heads.push_back(Head{decode(record), i});
      std::push_heap(heads.begin(), heads.end(), after);
    }
  }
  while (!heads.empty()) {
    std::pop_heap(heads.begin(), heads.end(), after);
    Head head = std::move(heads.back());
    heads.pop_back();
    if (cursors[head.run].next(record)) {
      heads.push_back(Head{decode(record), head.run});
      std::push_heap(heads.begin(), heads.end(), after);
    }
    each(std::move(head.value));
  }
}

}  // namespace kumo::util
