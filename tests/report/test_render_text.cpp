// The text writer's shared pieces (core/report/render.hpp QueueTextPieces):
// what queues share is rendered once, and a queue's text is the same
// whether its pieces were rendered for it or for a queue before it.
#include <catch2/catch.hpp>

#include <memory>
#include <span>
#include <sstream>

#include "core/report/render.hpp"
#include "core/simulate/retry_timeline.hpp"
#include "tests/support/sink_run.hpp"

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

TEST_CASE(
    "text renderer: a result laid out on a worker, its findings and logs written by the sink, reads as "
    "the sink's own",
    "[report][render_text]") {
  RenderOptions options;
  options.timeline_table = true;
  QueueReport with_findings = report_for_pieces("a.com", shared_timeline_of(60, 3600), 1);
  kumo::diag::Diagnostic finding;
  finding.code = "KQ203";
  finding.severity = kumo::diag::Severity::warning;
  finding.message = "last attempt at 1h";
  finding.location = {"policy.lua", 4, 5};
  with_findings.diagnostics = {finding, finding};
  with_findings.diagnostics[1].message = "another";
  with_findings.logs.push_back(kumo::lua::LogLine{{"policy.lua", 7, std::nullopt}, "info", "printed"});
  QueueReport plain = report_for_pieces("b.com", shared_timeline_of(600, 259200), 2);
  for (const QueueReport* r : {&with_findings, &plain}) {
    INFO(r->queue);
    std::ostringstream own_out, own_err, laid_out_out, laid_out_err;
    auto own = kumo::report::make_sink(kumo::report::Format::text, own_out, own_err, options);
    own->queue(*r);
    auto sink = kumo::report::make_sink(kumo::report::Format::text, laid_out_out, laid_out_err, options);
    auto renderer = sink->renderer();
    REQUIRE(renderer);
    // The worker lays it out with the findings it had; the sink writes the
    // findings it is given then (here the first only, as after a filter).
    QueueReport filtered = *r;
    kumo::report::BatchText batch{"text of the results before it\n", {}};
    const std::size_t begin = batch.text.size();
    const std::size_t findings_at = renderer->render(*r, batch);
    CHECK(batch.splices.empty());
    const kumo::report::RenderedQueue laid_out{std::string_view(batch.text).substr(begin), findings_at, {}};
    if (!filtered.diagnostics.empty()) {
      filtered.diagnostics.pop_back();
    }
    sink->rendered(filtered, laid_out);
    std::ostringstream expected_out, expected_err;
    kumo::report::make_sink(kumo::report::Format::text, expected_out, expected_err, options)->queue(filtered);
    CHECK(laid_out_out.str() == expected_out.str());
    CHECK(laid_out_err.str() == expected_err.str());
    CHECK((laid_out_out.str() != own_out.str() || r == &plain));
  }
}

TEST_CASE(
    "json and jsonl renderers: results laid out in one batch on a worker, their findings written by the sink, "
    "make the sink's own document",
    "[report][render_text]") {
  using kumo::report::Format;
  kumo::diag::Diagnostic finding;
  finding.code = "KQ203";
  finding.severity = kumo::diag::Severity::warning;
  finding.message = "last attempt at 1h";
  finding.location = {"policy.lua", 4, 5};
  QueueReport with_findings = report_for_pieces("a.com", shared_timeline_of(600, 259200), 1);
  with_findings.config = kumo::config::SharedConfig(kumo::config::QueueConfig{});
  with_findings.diagnostics = {finding, finding};
  with_findings.diagnostics[1].message = "another";
  QueueReport plain = report_for_pieces("b.com", shared_timeline_of(600, 259200), 2);
  plain.config = with_findings.config;
  const std::vector<QueueReport> results = {with_findings, plain, with_findings};
  for (Format format : {Format::json, Format::jsonl}) {
    INFO(static_cast<int>(format));
    // The sink's own, given the filtered findings (the last one dropped).
    std::vector<QueueReport> filtered = results;
    for (auto& r : filtered) {
      if (!r.diagnostics.empty()) {
        r.diagnostics.pop_back();
      }
    }
    std::ostringstream expected_out, expected_err;
    auto own = kumo::report::make_sink(format, expected_out, expected_err, RenderOptions{});
    kumo::test::run_sink(*own, filtered);
    // Laid out with the findings they had, all in one buffer.
    std::ostringstream out, err;
    auto sink = kumo::report::make_sink(format, out, err, RenderOptions{});
    sink->begin("policy.lua");
    sink->policy({}, {});
    auto renderer = sink->renderer();
    REQUIRE(renderer);
    kumo::report::BatchText batch;
    struct At {
      std::size_t begin, findings_at, first_splice;
    };
    std::vector<At> at;
    for (const auto& r : results) {
      const At here{batch.text.size(), 0, batch.splices.size()};
      at.push_back(here);
      at.back().findings_at = renderer->render(r, batch);
    }
    // Texts of k_pass_through_bytes or more are spliced, not copied, and
    // held by the batch after the renderer's cache is gone: the timeline,
    // after a result's findings, and in JSON the config, before them (laid
    // out compact, a default config is shorter: copied).
    const bool config_spliced = format == Format::json;
    const std::size_t per_result = config_spliced ? 2 : 1;
    REQUIRE(batch.splices.size() == per_result * results.size());
    CHECK(batch.text.find("\"attempts\"") == std::string::npos);
    CHECK((batch.text.find("\"egress_pool\"") == std::string::npos) == config_spliced);
    renderer.reset();
    for (std::size_t i = 0; i < results.size(); ++i) {
      const bool last = i + 1 == results.size();
      const std::size_t end = last ? batch.text.size() : at[i + 1].begin;
      const std::size_t end_splice = last ? batch.splices.size() : at[i + 1].first_splice;
      if (results[i].diagnostics.empty()) {
        // None to write: the empty list laid out with the rest.
        CHECK(at[i].findings_at == kumo::report::RenderedQueue::k_no_findings);
      } else {
        if (config_spliced) {
          CHECK(batch.splices[at[i].first_splice].at < at[i].findings_at);
        }
        CHECK(batch.splices[at[i].first_splice + per_result - 1].at > at[i].findings_at);
      }
      const std::span<const kumo::report::Splice> splices(batch.splices);
      sink->rendered(filtered[i],
                     {std::string_view(batch.text).substr(at[i].begin, end - at[i].begin), at[i].findings_at,
                      splices.subspan(at[i].first_splice, end_splice - at[i].first_splice)});
    }
    sink->end({});
    sink->finish({});
    CHECK(out.str() == expected_out.str());
    CHECK(out.str().find("another") == std::string::npos);
    CHECK(out.str().find("last attempt at 1h") != std::string::npos);
  }
}

TEST_CASE("write_rendered: a laid-out result's splices go at their offsets, one at findings_at before the findings",
          "[report][render_text]") {
  auto text = [](std::string s) { return std::make_shared<const std::string>(std::move(s)); };
  const std::string laid_out_text = "abcdef";
  auto written = [&](std::vector<kumo::report::Splice> splices, std::size_t findings_at) {
    std::ostringstream out;
    const kumo::report::RenderedQueue q{laid_out_text, findings_at, splices};
    kumo::report::write_rendered(out, nullptr, q, [&out] { out << "[F]"; });
    return out.str();
  };
  CHECK(written({}, 3) == "abc[F]def");
  CHECK(written({{0, text("<0>")}}, 3) == "<0>abc[F]def");
  CHECK(written({{3, text("<3>")}}, 3) == "abc<3>[F]def");
  CHECK(written({{1, text("<1>")}, {1, text("<1b>")}, {4, text("<4>")}, {6, text("<6>")}}, 3) ==
        "a<1><1b>bc[F]d<4>ef<6>");
  // Offsets past the text (never laid out so) go at its end, as the findings do.
  CHECK(written({{2, text("<2>")}, {9, text("<9>")}}, 9) == "ab<2>cdef<9>[F]");
  CHECK(written({{9, text("<9>")}}, 0) == "[F]abcdef<9>");
}
