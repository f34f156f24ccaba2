// A whole run of a sink over results, as run_check drives it: begin, the
// policy (no findings, no logs), each result, the policy's end, the finish.
#pragma once

#include <string>
#include <vector>

#include "core/report/render.hpp"

namespace kumo::test {

inline void run_sink(report::ReportSink& sink, const std::vector<report::QueueReport>& results,
                     const std::string& policy = "policy.lua") {
  sink.begin(policy);
  sink.policy({}, {});
  for (const auto& r : results) {
    sink.queue(r);
  }
  sink.end({});
  sink.finish({});
}

}  // namespace kumo::test
