// Progress on stderr for `check` runs longer than about a second: a line
// rewritten in place on a terminal, never in CI logs unless --progress asks
// (then a plain line every few seconds, since a log cannot rewrite one).
#pragma once

#include <unistd.h>

#include <chrono>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <ostream>

#include "core/report/report.hpp"

namespace kumo::cli {

// How the progress line is shown, if at all.
enum class ProgressStyle { none, rewritten, logged };

// Rewritten in place only on stderr itself, when a terminal, and when the
// output does not go to that screen too (its lines would land after the
// progress line; streamed text shows its own progress). --progress forces
// it elsewhere as plain lines.
inline ProgressStyle progress_style(bool forced, const std::ostream& out, const std::ostream& err) {
  bool err_terminal = &err == &std::cerr && isatty(STDERR_FILENO) != 0;
  bool out_terminal = &out == &std::cout && isatty(STDOUT_FILENO) != 0;
  if (err_terminal && !out_terminal) {
    return ProgressStyle::rewritten;
  }
  return forced ? ProgressStyle::logged : ProgressStyle::none;
}

// Seconds since some fixed point; tests pass a clock they move by hand.
using SecondsClock = std::function<double()>;
// The share (0 to 1) of the current policy's queue names read so far, when
// it is known (a queues file that is a regular file, or -q names only).
using ShareRead = std::function<std::optional<double>()>;
SecondsClock steady_seconds();

// Passes every call on to `inner`, counting the queues; past one second it
// writes the progress line to `err` (at most 4 times a second when
// rewritten, every 5 s when logged) and clears a rewritten line at the end.
class ProgressSink : public report::ReportSink {
 public:
  ProgressSink(report::ReportSink& inner, std::ostream& err, ProgressStyle style, SecondsClock clock);
  void begin(const std::string& policy_path) override { m_inner.begin(policy_path); }
  void policy(const std::vector<diag::Diagnostic>& diagnostics, const std::vector<lua::LogLine>& logs) override {
    m_inner.policy(diagnostics, logs);
  }
  void queue(const report::QueueReport& result) override;
  std::unique_ptr<report::QueueRenderer> renderer() override { return m_inner.renderer(); }
  void rendered(const report::QueueReport& result, const report::RenderedQueue& laid_out) override;
  void release_rendered() override;
  void late(const std::vector<diag::Diagnostic>& diagnostics) override { m_inner.late(diagnostics); }
  void end(const report::Summary& summary) override { m_inner.end(summary); }
  void finish(const report::Summary& total) override;
  // Where the line's share of queue names read comes from, from now on
  // (each policy reads its queue names afresh); none: not shown.
  void read_from(ShareRead share) { m_share = std::move(share); }

 private:
  void count_one();  // one more queue written: maybe show the line

  report::ReportSink& m_inner;
  std::ostream& m_err;
  ProgressStyle m_style;
  SecondsClock m_clock;
  ShareRead m_share;
  double m_start;
  double m_last_shown = 0;
  std::size_t m_done = 0;
  bool m_shown = false;
};

}  // namespace kumo::cli
