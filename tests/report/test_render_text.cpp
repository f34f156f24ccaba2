// The text writer's shared pieces (core/report/render.hpp QueueTextPieces):
// what queues share is rendered once, and a queue's text is the same
// whether its pieces were rendered for it or for a queue before it.
#include <catch2/catch.hpp>

#include <memory>

#include "core/report/render.hpp"
#include "core/simulate/retry_timeline.hpp"

using kumo::report::QueueReport;
using kumo::report::QueueTextPieces;
using kumo::report::RenderOptions;

namespace {

std::shared_ptr<const kumo::simulate::Timeline> shared_timeline_of(std::uint64_t retry_interval,
                                                                   std::uint64_t max_age) {
  kumo::simulate::RetryPolicy policy;
  policy.retry_interval = kumo::values::Duration{retry_interval, 0};
  policy.max_age = kumo::values::Duration{max_age, 0};
  return std::make_shared<const kumo::simulate::Timeline>(kumo::simulate::simulate_retries(policy));
}

QueueReport report_for_pieces(std::string queue, std::shared_ptr<const kumo::simulate::Timeline> timeline,
                              int handler) {
  QueueReport r;
  r.queue = std::move(queue);
  r.timeline = std::move(timeline);
  r.handler = kumo::lua::HandlerRef{handler, kumo::diag::Location{"policy.lua", 10 * handler, std::nullopt}};
  return r;
}

}  // namespace

TEST_CASE("text pieces: a queue's text is the same rendered alone or after others that share its pieces",
          "[report][render_text]") {
  RenderOptions options;
  options.config = false;
  for (bool table : {false, true}) {
    options.timeline_table = table;
    auto short_schedule = shared_timeline_of(60, 3600);
    auto long_schedule = shared_timeline_of(600, 259200);
    const std::vector<QueueReport> reports = {
        report_for_pieces("a.com", short_schedule, 1), report_for_pieces("b.com", long_schedule, 1),
        report_for_pieces("c.com", short_schedule, 2), report_for_pieces("d.com", long_schedule, 2),
        report_for_pieces("e.com", shared_timeline_of(60, 3600), 1)};  // equal schedule, another object
    QueueTextPieces pieces(table);
    for (const auto& r : reports) {
      std::string shared;
      kumo::report::append_queue_text(shared, r, options, pieces);
      INFO(r.queue);
      CHECK(shared == kumo::report::format_queue_text(r, options));
    }
    CHECK(kumo::report::format_queue_text(reports[0], options) !=
          kumo::report::format_queue_text(report_for_pieces("a.com", long_schedule, 1), options));
    CHECK(kumo::report::format_queue_text(reports[0], options).find("handler #1 (policy.lua:10)") != std::string::npos);
  }
}
