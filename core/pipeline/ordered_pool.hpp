// Jobs handed to worker threads in input order, their results handed back
// in the same order (check --jobs N): one thread submits jobs, any number
// of workers take and deliver them, and results are collected in order (by
// the submitter, or by whichever thread holds the user's collecting lock).
// At most `window` jobs are submitted and not yet collected, so what is held stays flat
// however many jobs a run has; the submitter collects before it submits
// past the window (waiting with wait_until_ready). A worker's exception
// comes out of try_collect() for its job.
// Unit-tested alone (tests/pipeline/test_ordered_pool.cpp).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

namespace kumo::pipeline {

template <class Job, class Result>
class OrderedPool {
 public:
  explicit OrderedPool(std::size_t window) : m_slots(window == 0 ? 1 : window) {}

  // --- The submitting thread ---

  // Jobs submitted and not yet collected; submit() requires fewer than window().
  std::size_t in_flight() const {
    std::lock_guard lock(m_mutex);
    return m_submitted - m_collected;
  }
  std::size_t window() const { return m_slots.size(); }

  void submit(Job job) {
    {
      std::lock_guard lock(m_mutex);
      if (m_submitted - m_collected >= m_slots.size()) {
        throw std::logic_error("OrderedPool::submit past the window: collect first");
      }
      m_jobs.emplace_back(m_submitted++, std::move(job));
    }
    m_job_ready.notify_one();
  }

  // The oldest job's result if a worker has delivered it, else nullopt:
  // never waits. For collecting from more than one thread, the caller
  // keeps its collections in order itself, as Workers does under its
  // collecting lock.
  std::optional<Result> try_collect() {
    std::lock_guard lock(m_mutex);
    if (m_collected == m_submitted) {
      return std::nullopt;
    }
    Slot& slot = m_slots[m_collected % m_slots.size()];
    if (!slot.ready()) {
      return std::nullopt;
    }
    m_result_ready.notify_one();  // room for the submitter, if it waits in wait_until_ready
    return take_collected(slot);
  }

  // Waits until fewer than `in_flight` jobs are out, or the oldest one's
  // result is delivered (for try_collect to take): the one wait of the
  // submitting thread, made without holding the collecting lock.
  void wait_until_ready(std::size_t in_flight) {
    std::unique_lock lock(m_mutex);
    m_result_ready.wait(lock, [this, in_flight] {
      if (m_submitted - m_collected < in_flight) {
        return true;
      }
      return m_slots[m_collected % m_slots.size()].ready();
    });
  }

  // Whether another worker would help: more jobs wait than workers are
  // idle or about to start taking them.
  bool wants_worker() const {
    std::lock_guard lock(m_mutex);
    return m_jobs.size() > m_idle + m_starting;
  }

  // A worker was started; it calls started() or gave_up() before taking.
  void worker_starting() {
    std::lock_guard lock(m_mutex);
    ++m_starting;
  }

  // Workers' take() returns nullopt from now on (jobs not taken are dropped).
  void close() {
    {
      std::lock_guard lock(m_mutex);
      m_closed = true;
      m_jobs.clear();
    }
    m_job_ready.notify_all();
  }

  // --- Worker threads ---

  void started() { leave_starting(); }
  void gave_up() { leave_starting(); }

  // The next job in submission order with its index, or nullopt once closed.
  std::optional<std::pair<std::size_t, Job>> take() {
    std::unique_lock lock(m_mutex);
    ++m_idle;
    m_job_ready.wait(lock, [this] { return m_closed || !m_jobs.empty(); });
    --m_idle;
    return take_next();
  }

  // The next job, as take() gives it, if one waits: never waits (for the
  // submitting thread, which evaluates a job itself rather than idle).
  std::optional<std::pair<std::size_t, Job>> try_take() {
    std::lock_guard lock(m_mutex);
    return take_next();
  }

  void deliver(std::size_t index, Result result) {
    {
      std::lock_guard lock(m_mutex);
      m_slots[index % m_slots.size()].result.emplace(std::move(result));
    }
    m_result_ready.notify_one();  // only the submitting thread waits for results
  }

  void fail(std::size_t index, std::exception_ptr error) {
    {
      std::lock_guard lock(m_mutex);
      m_slots[index % m_slots.size()].error = std::move(error);
    }
    m_result_ready.notify_one();
  }

 private:
  void leave_starting() {
    std::lock_guard lock(m_mutex);
    --m_starting;
  }

  // A job's result waits here, at its index modulo the window, until collected.
  struct Slot {
    std::optional<Result> result;
    std::exception_ptr error;

    bool ready() const { return result.has_value() || static_cast<bool>(error); }
  };

  // The oldest job waiting, or nullopt when none waits or the pool is
  // closed; m_mutex held.
  std::optional<std::pair<std::size_t, Job>> take_next() {
    if (m_closed || m_jobs.empty()) {
      return std::nullopt;
    }
    std::pair<std::size_t, Job> next = std::move(m_jobs.front());
    m_jobs.pop_front();
    return next;
  }

  // The head slot's result or error, taken; m_mutex held.
  Result take_collected(Slot& slot) {
    ++m_collected;
    if (slot.error) {
      std::exception_ptr error = std::exchange(slot.error, nullptr);
      std::rethrow_exception(error);
    }
    Result result = std::move(*slot.result);
    slot.result.reset();
    return result;
  }

  mutable std::mutex m_mutex;
  std::condition_variable m_job_ready;
  std::condition_variable m_result_ready;
  std::deque<std::pair<std::size_t, Job>> m_jobs;
  std::vector<Slot> m_slots;
  std::size_t m_submitted = 0;
  std::size_t m_collected = 0;
  std::size_t m_idle = 0;
  std::size_t m_starting = 0;
  bool m_closed = false;
};

}  // namespace kumo::pipeline
