// run_check's ways of spreading queues over threads (core/pipeline/check.cpp):
// one thread, workers from the first queue, and the default of a prefix on
// the calling thread with workers for the rest. The output is the same.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/pipeline/check.hpp"
#include "core/report/render.hpp"
#include "core/util/gather_output.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

// Stateless but for KQ913's detection of a global written by the handler,
// reported once per line wherever the workers meet it; a third of the
// queues fail conversion (KQ003).
const char* const k_check_run_policy = R"(local kumo = require 'kumo'
kumo.on('get_queue_config', function(domain, tenant)
  last_domain = domain
  if tenant == 'bad' then
    return kumo.make_queue_config { max_age = 'soon' }
  end
  return kumo.make_queue_config { retry_interval = '20m', max_age = '1 day', egress_pool = tenant }
end)
)";

// Prints on each Lua state's first call: how many states evaluated queues.
const char* const k_state_printing_policy = R"(local kumo = require 'kumo'
kumo.on('get_queue_config', function(domain)
  if not seen then
    seen = true
    print('first call of this state')
  end
  return kumo.make_queue_config {}
end)
)";

std::vector<std::string> check_run_queue_names() {
  std::vector<std::string> names;
  const char* const tenants[] = {"a", "b", "bad"};
  for (int i = 0; i < 700; ++i) {
    names.push_back(std::string(tenants[i % 3]) + "@d" + std::to_string(i % 40) + ".example.com");
  }
  names.push_back("a@d0.example.com");  // a repeat, skipped
  names.push_back("not a queue");       // refused, reported
  return names;
}

// The JSON and text a run writes with these thread settings; with `file`,
// through a util::GatherOutput on it (kumo-lint's stdout when it is not a
// terminal, which the JSON sinks lend their cached text to), read back.
std::string checked_with_threads(std::size_t jobs, std::size_t sequential_prefix, kumo::report::Format format,
                                 const char* policy = k_check_run_policy,
                                 const kumo::report::RenderOptions& options = {}, bool read_ahead = false,
                                 const std::filesystem::path* file = nullptr) {
  kumo::pipeline::CheckRequest request;
  request.policy_path = "policy.lua";
  request.policy_source = policy;
  request.read_ahead = read_ahead;
  request.jobs = jobs;
  request.sequential_prefix = sequential_prefix;
  auto names = check_run_queue_names();
  std::size_t next = 0;
  request.queues = [names, next]() mutable -> std::optional<kumo::pipeline::QueueInput> {
    if (next == names.size()) {
      return std::nullopt;
    }
    return kumo::pipeline::QueueInput{names[next++], std::nullopt};
  };
  std::ostringstream err;
  if (file != nullptr) {
    const int fd = ::open(file->c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    REQUIRE(fd >= 0);
    {
      kumo::util::GatherOutput gather(fd);
      std::ostream out(&gather);
      auto sink = kumo::report::make_sink(format, out, err, options);
      auto summary = kumo::pipeline::run_check(request, *sink);
      sink->finish(summary);
    }  // everything written, then the sink and its caches go
    ::close(fd);
    std::ifstream in(*file, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {}) + err.str();
  }
  std::ostringstream out;
  auto sink = kumo::report::make_sink(format, out, err, options);
  auto summary = kumo::pipeline::run_check(request, *sink);
  sink->finish(summary);
  return out.str() + err.str();
}

// k_check_run_policy with its queues given by the test, read ahead or not.
kumo::pipeline::CheckRequest check_run_request(bool read_ahead) {
  kumo::pipeline::CheckRequest request;
  request.policy_path = "policy.lua";
  request.policy_source = k_check_run_policy;
  request.read_ahead = read_ahead;
  return request;
}

}  // namespace

TEST_CASE("run_check: a prefix on the calling thread, then workers, gives what one thread gives", "[check_run][jobs]") {
  for (auto format : {kumo::report::Format::text, kumo::report::Format::json}) {
    const std::string one_thread = checked_with_threads(1, 0, format);
    CHECK(one_thread.find("KQ003") != std::string::npos);
    CHECK(one_thread.find("KQ913") != std::string::npos);
    CHECK(checked_with_threads(3, 0, format) == one_thread);     // workers from the first queue
    CHECK(checked_with_threads(3, 10, format) == one_thread);    // ten queues here, the rest on workers
    CHECK(checked_with_threads(3, 5000, format) == one_thread);  // a run shorter than the prefix: no worker
    // Queues read one ahead (with the repeat skipped the same way).
    for (std::size_t jobs : {1, 3}) {
      CHECK(checked_with_threads(jobs, 10, format, k_check_run_policy, {}, true) == one_thread);
    }
  }
}

TEST_CASE("run_check: JSON, jsonl and text through a gathering stdout with workers are what one thread writes",
          "[check_run][jobs]") {
  // The workers' renderers refer to their caches' timelines (over 512
  // bytes) instead of copying them, and the stream is lent them and each
  // batch's laid-out text: they must still be there when written, after
  // the batch that held them is reused and after the workers and their
  // caches have gone at the end of the run.
  kumo::test::TempDir dir;
  const std::filesystem::path file = dir.path / "out.json";
  for (auto format : {kumo::report::Format::json, kumo::report::Format::jsonl, kumo::report::Format::text}) {
    INFO(static_cast<int>(format));
    const std::string one_thread = checked_with_threads(1, 0, format);
    CHECK(one_thread.find(format == kumo::report::Format::text ? "attempt" : "\"attempts\"") != std::string::npos);
    for (int round = 0; round < 5; ++round) {
      CHECK(checked_with_threads(3, 0, format, k_check_run_policy, {}, false, &file) == one_thread);
      CHECK(checked_with_threads(2, 10, format, k_check_run_policy, {}, true, &file) == one_thread);
    }
  }
}

namespace {

// Notes how many queue names had been read when each result came.
class ReadsAtResult : public kumo::report::ReportSink {
 public:
  explicit ReadsAtResult(const std::size_t& reads) : m_reads(reads) {}
  std::vector<std::size_t> reads_at_result;

  void begin(const std::string&) override {}
  void policy(const std::vector<kumo::diag::Diagnostic>&, const std::vector<kumo::lua::LogLine>&) override {}
  void queue(const kumo::report::QueueReport&) override { reads_at_result.push_back(m_reads); }
  void late(const std::vector<kumo::diag::Diagnostic>&) override {}
  void end(const kumo::report::Summary&) override {}
  void finish(const kumo::report::Summary&) override {}

 private:
  const std::size_t& m_reads;
};

}  // namespace

TEST_CASE(
    "run_check: queue names are read one ahead, and results handed over in groups, only when the request allows it",
    "[check_run]") {
  // Standard input may be typed line by line: a result must not wait for
  // the next line. A file is read one ahead, and the calling thread's
  // results reach the sink k_results_held at a time.
  constexpr std::size_t held = kumo::pipeline::k_results_held;
  // A repeat of the first name (skipped), then enough names for two full
  // groups and a part of one.
  std::vector<std::string> names = {"a@one.example.com", "a@one.example.com"};
  for (std::size_t i = 0; i < 2 * held + 3; ++i) {
    names.push_back("t@d" + std::to_string(i) + ".example.com");
  }
  // Result j (from 1) is the name on line 1 for j = 1, on line j + 1 after.
  auto line_of = [](std::size_t j) { return j == 1 ? j : j + 1; };
  const std::size_t results = names.size() - 1;
  for (bool read_ahead : {false, true}) {
    INFO("read_ahead " << read_ahead);
    kumo::pipeline::CheckRequest request = check_run_request(read_ahead);
    std::size_t reads = 0;
    request.queues = [&names, &reads]() -> std::optional<kumo::pipeline::QueueInput> {
      ++reads;
      if (reads > names.size()) {
        return std::nullopt;
      }
      return kumo::pipeline::QueueInput{names[reads - 1], std::nullopt};
    };
    ReadsAtResult sink(reads);
    kumo::pipeline::run_check(request, sink);
    std::vector<std::size_t> expected;
    for (std::size_t j = 1; j <= results; ++j) {
      if (!read_ahead) {
        expected.push_back(line_of(j));  // right after its own line
        continue;
      }
      // A full group goes when its last was evaluated, the line after it
      // read; the rest once the end was read (one read past the last line).
      const std::size_t group_end = (j + held - 1) / held * held;
      expected.push_back(group_end <= results ? line_of(group_end) + 1 : names.size() + 1);
    }
    REQUIRE(expected.size() == 2 * held + 4);
    CHECK(expected[0] == (read_ahead ? held + 2 : 1));
    CHECK(sink.reads_at_result == expected);
  }
}

namespace {

// Fails on its `fail_at`-th result, as a sink whose output breaks would.
class FailingSink : public kumo::report::ReportSink {
 public:
  explicit FailingSink(std::size_t fail_at) : m_fail_at(fail_at) {}
  std::size_t results = 0;

  void begin(const std::string&) override {}
  void policy(const std::vector<kumo::diag::Diagnostic>&, const std::vector<kumo::lua::LogLine>&) override {}
  void queue(const kumo::report::QueueReport&) override {
    if (++results == m_fail_at) {
      throw std::runtime_error("output broke at result " + std::to_string(results));
    }
  }
  void late(const std::vector<kumo::diag::Diagnostic>&) override {}
  void end(const kumo::report::Summary&) override {}
  void finish(const kumo::report::Summary&) override {}

 private:
  std::size_t m_fail_at;
};

}  // namespace

TEST_CASE("run_check: every result before a failing queue source reaches the sink, held or from workers",
          "[check_run][jobs]") {
  // Line N cannot be read: the run ends with the failure, but every queue
  // read before it is evaluated and written: held on the calling thread,
  // or in batches the workers still had (they collect on their own, so
  // stopping short would write a different number each run).
  for (std::size_t jobs : {1, 3}) {
    for (std::size_t failing_line : {5, 300}) {
      for (bool read_ahead : {false, true}) {
        INFO("jobs " << jobs << ", failing line " << failing_line << ", read_ahead " << read_ahead);
        kumo::pipeline::CheckRequest request = check_run_request(read_ahead);
        request.jobs = jobs;
        request.sequential_prefix = 0;
        std::size_t reads = 0;
        request.queues = [&reads, failing_line]() -> std::optional<kumo::pipeline::QueueInput> {
          if (++reads == failing_line) {
            throw std::runtime_error("cannot read line " + std::to_string(failing_line));
          }
          return kumo::pipeline::QueueInput{"t@d" + std::to_string(reads) + ".example.com", std::nullopt};
        };
        // Counts, never fails, and reads nothing the reading thread writes:
        // workers collect too.
        FailingSink sink(0);
        CHECK_THROWS_WITH(kumo::pipeline::run_check(request, sink), "cannot read line " + std::to_string(failing_line));
        // Read one ahead, the line before the failing one was read with
        // it, and never evaluated.
        CHECK(sink.results == failing_line - (read_ahead ? 2 : 1));
      }
    }
  }
}

TEST_CASE("run_check: a sink that fails under workers ends the run there, with nothing written after",
          "[check_run][jobs]") {
  // Results are collected by whichever worker finds them ready: the failure
  // is kept, no later result reaches the sink, and run_check throws it on
  // the calling thread. Repeated: which thread collects varies per run.
  const auto names = check_run_queue_names();
  auto run = [&names](bool read_ahead, FailingSink& sink) {
    kumo::pipeline::CheckRequest request = check_run_request(read_ahead);
    request.jobs = 3;
    request.sequential_prefix = 0;
    std::size_t next = 0;
    request.queues = [&names, next]() mutable -> std::optional<kumo::pipeline::QueueInput> {
      if (next == names.size()) {
        return std::nullopt;
      }
      return kumo::pipeline::QueueInput{names[next++], std::nullopt};
    };
    kumo::pipeline::run_check(request, sink);
  };
  FailingSink whole(0);  // never fails
  run(false, whole);
  const std::size_t results = whole.results;
  REQUIRE(results == 121);  // 120 distinct names and the refused one
  for (int round = 0; round < 20; ++round) {
    for (std::size_t fail_at : {std::size_t{1}, std::size_t{40}, std::size_t{100}, results}) {
      INFO("round " << round << ", failing at " << fail_at);
      FailingSink sink(fail_at);
      CHECK_THROWS_WITH(run(round % 2 == 1, sink), "output broke at result " + std::to_string(fail_at));
      CHECK(sink.results == fail_at);
    }
  }
}

TEST_CASE("run_check: workers start only once the prefix is done, and --jobs counts the calling thread",
          "[check_run][jobs]") {
  auto states = [](std::size_t prefix, std::size_t jobs = 3) {
    std::string out = checked_with_threads(jobs, prefix, kumo::report::Format::text, k_state_printing_policy);
    std::size_t count = 0;
    for (auto at = out.find("first call of this state"); at != std::string::npos;
         at = out.find("first call of this state", at + 1)) {
      ++count;
    }
    return count;
  };
  CHECK(states(5000) == 1);  // the calling thread's state alone
  // --jobs N: N threads evaluate in all, the calling thread among them (it
  // loaded the policy and evaluated the prefix), so never more states. (A
  // short run may not need its worker at all: the calling thread takes
  // every waiting batch at the end, maybe before the worker has loaded.)
  for (int round = 0; round < 5; ++round) {
    CHECK(states(0) <= 3);
    CHECK(states(10) <= 3);
    CHECK(states(0, 2) <= 2);
    CHECK(states(10, 2) <= 2);
  }
}

TEST_CASE("run_check: with --jobs 2 the calling thread evaluates beside its one worker", "[check_run][jobs]") {
  // 20,000 queues are more than the window holds (2 threads x 4 batches
  // of at most 512): the calling thread, finding it full, evaluates a
  // waiting batch itself instead of waiting, and the worker has long
  // loaded before the calling thread alone could finish them: both
  // threads' states run the handler, and no third (--jobs counts the
  // calling thread).
  kumo::pipeline::CheckRequest request = check_run_request(false);
  request.policy_source = k_state_printing_policy;
  request.jobs = 2;
  request.sequential_prefix = 0;
  std::size_t next = 0;
  request.queues = [&next]() -> std::optional<kumo::pipeline::QueueInput> {
    if (next == 20000) {
      return std::nullopt;
    }
    return kumo::pipeline::QueueInput{"d" + std::to_string(next++) + ".example.com", std::nullopt};
  };
  std::ostringstream out;
  std::ostringstream err;
  auto sink = kumo::report::make_sink(kumo::report::Format::text, out, err, {});
  const auto summary = kumo::pipeline::run_check(request, *sink);
  CHECK(summary.queues == 20000);
  std::size_t states = 0;
  const std::string text = err.str();  // where the text sink writes what the policy prints
  for (auto at = text.find("first call of this state"); at != std::string::npos;
       at = text.find("first call of this state", at + 1)) {
    ++states;
  }
  CHECK(states == 2);
}

TEST_CASE("run_check: the formats that hold findings write the same when they spill to a file", "[check_run][spill]") {
  // 702 queues whose findings repeat (KQ101 per pool, KQ003, KQ913): with
  // nothing held in memory every finding goes to its own run in the
  // temporary file, with 2,000 bytes a few dozen at a time.
  using kumo::report::Format;
  for (auto [format, quiet] : {std::pair{Format::text, true}, std::pair{Format::github, false},
                               std::pair{Format::junit, false}, std::pair{Format::checkstyle, false}}) {
    kumo::report::RenderOptions options;
    options.quiet = quiet;
    const std::string held = checked_with_threads(1, 0, format, k_check_run_policy, options);
    INFO(static_cast<int>(format));
    CHECK(held.find("KQ003") != std::string::npos);
    for (std::size_t hold : {std::size_t{0}, std::size_t{2000}}) {
      options.hold_bytes = hold;
      CHECK(checked_with_threads(1, 0, format, k_check_run_policy, options) == held);
    }
  }
}
