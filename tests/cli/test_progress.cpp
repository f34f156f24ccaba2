// Progress on stderr (cli/progress.hpp, report/progress.hpp): when it
// shows, how often, and that every call still reaches the real sink. The
// clock is moved by hand, so nothing here depends on how fast it runs.
#include <catch2/catch.hpp>

#include <sstream>

#include "cli/progress.hpp"
#include "core/report/progress.hpp"

using kumo::cli::ProgressSink;
using kumo::cli::ProgressStyle;

namespace {

struct CountingSink : kumo::report::ReportSink {
  int queues = 0;
  int finished = 0;
  int renderers_asked = 0;
  void begin(const std::string&) override {}
  void policy(const std::vector<kumo::diag::Diagnostic>&, const std::vector<kumo::lua::LogLine>&) override {}
  void queue(const kumo::report::QueueReport&) override { ++queues; }
  void rendered(const kumo::report::QueueReport&, const kumo::report::RenderedQueue& laid_out) override {
    written += laid_out.text;
  }
  std::unique_ptr<kumo::report::QueueRenderer> renderer() override {
    ++renderers_asked;
    return nullptr;
  }
  std::string written;
  void late(const std::vector<kumo::diag::Diagnostic>&) override {}
  void end(const kumo::report::Summary&) override {}
  void finish(const kumo::report::Summary&) override { ++finished; }
};

// Runs queues at the given times (seconds from the start) through a
// ProgressSink of `style`; returns what it wrote to stderr.
std::string progress_at(ProgressStyle style, const std::vector<double>& times, CountingSink& inner) {
  double now = 100;  // any fixed point: only differences count
  std::ostringstream err;
  ProgressSink sink(inner, err, style, [&now] { return now; });
  for (double t : times) {
    now = 100 + t;
    sink.queue(kumo::report::QueueReport{});
  }
  sink.finish(kumo::report::Summary{});
  return err.str();
}

}  // namespace

TEST_CASE("progress: the line counts queues with thousands grouped and gives the rate", "[progress]") {
  CHECK(kumo::report::progress_line(12345, 3.1) == "kumo-lint: 12,345 queues checked in 3.1s (3,982/s)");
  CHECK(kumo::report::progress_line(1, 1.0) == "kumo-lint: 1 queue checked in 1.0s (1/s)");
  CHECK(kumo::report::progress_line(999, 0) == "kumo-lint: 999 queues checked in 0.0s");
  CHECK(kumo::report::progress_line(12345, 3.1, 0.4199) ==
        "kumo-lint: 12,345 queues checked in 3.1s (3,982/s), 41% of the queue names read");
  CHECK(kumo::report::progress_line(10, 1.0, 0.9999) ==
        "kumo-lint: 10 queues checked in 1.0s (10/s), 99% of the queue names read");  // never 100% too soon
  CHECK(kumo::report::progress_line(10, 1.0, 1.0) ==
        "kumo-lint: 10 queues checked in 1.0s (10/s), 100% of the queue names read");
  CHECK(kumo::report::progress_line(1000000, 250) == "kumo-lint: 1,000,000 queues checked in 250.0s (4,000/s)");
}

TEST_CASE("progress: nothing in the first second, then a line rewritten at most 4 times a second, cleared at the end",
          "[progress]") {
  CountingSink inner;
  std::string err = progress_at(ProgressStyle::rewritten, {0.2, 0.9, 1.0, 1.1, 1.3, 2.0}, inner);
  CHECK(err ==
        "\rkumo-lint: 3 queues checked in 1.0s (3/s)\x1b[K"
        "\rkumo-lint: 5 queues checked in 1.3s (4/s)\x1b[K"
        "\rkumo-lint: 6 queues checked in 2.0s (3/s)\x1b[K"
        "\r\x1b[K");
  CHECK(inner.queues == 6);
  CHECK(inner.finished == 1);
}

TEST_CASE("progress: asked for in a log, a plain line every 5 seconds, never cleared", "[progress]") {
  CountingSink inner;
  std::string err = progress_at(ProgressStyle::logged, {0.5, 1.5, 3.0, 6.4, 6.6}, inner);
  CHECK(err ==
        "kumo-lint: 2 queues checked in 1.5s (1/s)\n"
        "kumo-lint: 5 queues checked in 6.6s (1/s)\n");
  CHECK(inner.queues == 5);
}

TEST_CASE("progress: none shows nothing, and a short run shows nothing in any style", "[progress]") {
  CountingSink inner;
  CHECK(progress_at(ProgressStyle::none, {0.5, 2.0, 30.0}, inner).empty());
  CHECK(progress_at(ProgressStyle::rewritten, {0.1, 0.5, 0.99}, inner).empty());
  CHECK(inner.queues == 6);
}

TEST_CASE("progress: streams other than the process's own get it only when --progress asks", "[progress]") {
  std::ostringstream out, err;
  CHECK(kumo::cli::progress_style(false, out, err) == ProgressStyle::none);
  CHECK(kumo::cli::progress_style(true, out, err) == ProgressStyle::logged);
}

TEST_CASE("progress: results laid out by a worker's renderer are passed on and counted", "[progress]") {
  CountingSink inner;
  double now = 100;
  std::ostringstream err;
  ProgressSink sink(inner, err, ProgressStyle::logged, [&now] { return now; });
  CHECK(sink.renderer() == nullptr);
  CHECK(inner.renderers_asked == 1);
  now = 102;
  sink.rendered(kumo::report::QueueReport{}, {"queue a.com: laid out elsewhere\n", 0});
  sink.queue(kumo::report::QueueReport{});
  CHECK(inner.written == "queue a.com: laid out elsewhere\n");
  CHECK(inner.queues == 1);
  CHECK(err.str() == "kumo-lint: 1 queue checked in 2.0s (1/s)\n");  // the rendered one was counted
}

TEST_CASE("progress: the share of queue names read comes from the current policy's reader", "[progress]") {
  CountingSink inner;
  double now = 100;
  std::ostringstream err;
  ProgressSink sink(inner, err, ProgressStyle::logged, [&now] { return now; });
  double share = 0.25;
  sink.read_from([&share]() -> std::optional<double> { return share; });
  now = 102;
  sink.queue(kumo::report::QueueReport{});
  sink.read_from(nullptr);  // a policy on its default samples: no share
  now = 108;
  sink.queue(kumo::report::QueueReport{});
  CHECK(err.str() ==
        "kumo-lint: 1 queue checked in 2.0s (1/s), 25% of the queue names read\n"
        "kumo-lint: 2 queues checked in 8.0s (0/s)\n");
}
