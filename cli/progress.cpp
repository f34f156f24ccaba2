#include "cli/progress.hpp"

#include "core/report/progress.hpp"

namespace kumo::cli {

namespace {

constexpr double k_quiet_start = 1.0;     // shorter runs show nothing
constexpr double k_rewrite_every = 0.25;  // on a terminal
constexpr double k_log_every = 5.0;       // in a log, a line each time

}  // namespace

SecondsClock steady_seconds() {
  return [] { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); };
}

ProgressSink::ProgressSink(report::ReportSink& inner, std::ostream& err, ProgressStyle style, SecondsClock clock)
    : m_inner(inner), m_err(err), m_style(style), m_clock(std::move(clock)), m_start(m_clock()) {}

void ProgressSink::queue(const report::QueueReport& result) {
  m_inner.queue(result);
  count_one();
}

void ProgressSink::rendered(const report::QueueReport& result, const report::RenderedQueue& laid_out) {
  m_inner.rendered(result, laid_out);
  count_one();
}

void ProgressSink::release_rendered() { m_inner.release_rendered(); }

void ProgressSink::count_one() {
  ++m_done;
  if (m_style == ProgressStyle::none) {
    return;
  }
  double now = m_clock() - m_start;
  double every = m_style == ProgressStyle::rewritten ? k_rewrite_every : k_log_every;
  if (now < k_quiet_start || (m_shown && now - m_last_shown < every)) {
    return;
  }
  std::string line = report::progress_line(m_done, now, m_share ? m_share() : std::nullopt);
  if (m_style == ProgressStyle::rewritten) {
    m_err << '\r' << line << "\x1b[K" << std::flush;  // \x1b[K: clear what a longer line left
  } else {
    m_err << line << '\n' << std::flush;
  }
  m_shown = true;
  m_last_shown = now;
}

void ProgressSink::finish(const report::Summary& total) {
  if (m_shown && m_style == ProgressStyle::rewritten) {
    m_err << "\r\x1b[K" << std::flush;
  }
  m_inner.finish(total);
}

}  // namespace kumo::cli
