// Times simulate_retries: the defaults (9 attempts) against a 1s schedule
// with 604,801 attempts, which costs the same because the tail is closed form.
// Usage: kumo_lint_bench_timeline [ITERATIONS]
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string>

#include "core/simulate/retry_timeline.hpp"

namespace {

struct Case {
  const char* name;
  kumo::simulate::RetryPolicy policy;
};

// Mean nanoseconds per call; the attempt count is summed so the calls cannot
// be optimized away.
double ns_per_call(const kumo::simulate::RetryPolicy& policy, long iterations, std::uint64_t& sink) {
  const auto start = std::chrono::steady_clock::now();
  for (long i = 0; i < iterations; ++i) {
    sink += kumo::simulate::simulate_retries(policy).attempt_count.value_or(0);
  }
  const auto elapsed = std::chrono::steady_clock::now() - start;
  return static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count()) /
         static_cast<double>(iterations);
}

}  // namespace

int main(int argc, char** argv) {
  const long iterations = argc > 1 ? std::atol(argv[1]) : 20'000;
  const Case cases[] = {
      {"defaults (20m, none, 7days)", kumo::simulate::RetryPolicy{}},
      {"retry_interval=1s max_retry_interval=1s max_age=7days",
       kumo::simulate::RetryPolicy{{1, 0}, kumo::values::Duration{1, 0}, {604800, 0}}},
  };
  std::uint64_t sink = 0;
  for (const auto& c : cases) {
    ns_per_call(c.policy, iterations / 10 + 1, sink);  // warm up
    const double ns = ns_per_call(c.policy, iterations, sink);
    const auto attempts = kumo::simulate::simulate_retries(c.policy).attempt_count.value_or(0);
    std::cout << c.name << ": " << attempts << " attempts, " << static_cast<long>(ns) << " ns per call (" << iterations
              << " calls)\n";
  }
  return sink == 0 ? 1 : 0;
}
