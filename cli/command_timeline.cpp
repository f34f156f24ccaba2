#include "cli/command_timeline.hpp"

#include <algorithm>
#include <limits>
#include <memory>
#include <utility>

#include "cli/color.hpp"
#include "cli/errors.hpp"
#include "cli/input.hpp"
#include "core/pipeline/check.hpp"
#include "core/pipeline/timeline.hpp"
#include "core/simulate/retry_timeline.hpp"
#include "core/util/text.hpp"
#include "core/values/duration.hpp"

namespace kumo::cli {

namespace {

// Where settings-mode findings point: there is no file to name.
constexpr const char* k_settings_source = "--config";
constexpr const char* k_defaults_source = "(kumod defaults)";

// Keeps the one queue's result of run_check; prints policy output as `check` does.
class CaptureSink : public report::ReportSink {
 public:
  explicit CaptureSink(std::ostream& err) : m_err(err) {}

  void begin(const std::string&) override {}
  void policy(const std::vector<diag::Diagnostic>& diagnostics, const std::vector<lua::LogLine>& logs) override {
    print_logs(logs);
    m_diagnostics = diagnostics;
  }
  void queue(const report::QueueReport& r) override {
    print_logs(r.logs);
    m_report = r;
  }
  // Unused suppression comments: one queue's run says nothing about them.
  void late(const std::vector<diag::Diagnostic>&) override {}
  void end(const report::Summary&) override {}
  void finish(const report::Summary&) override {}

  // The findings shown with the timeline: those no comment suppresses.
  std::vector<diag::Diagnostic> diagnostics() const {
    std::vector<diag::Diagnostic> all = m_diagnostics;
    if (m_report) {
      all.insert(all.end(), m_report->diagnostics.begin(), m_report->diagnostics.end());
    }
    std::erase_if(all, [](const diag::Diagnostic& d) { return !diag::is_active(d); });
    return all;
  }
  const std::optional<report::QueueReport>& report() const { return m_report; }

 private:
  void print_logs(const std::vector<lua::LogLine>& logs) {
    for (const auto& l : logs) {
      m_err << report::format_log(l);
    }
  }

  std::ostream& m_err;
  std::vector<diag::Diagnostic> m_diagnostics;
  std::optional<report::QueueReport> m_report;
};

void check_mode(const TimelineCommandOptions& o) {
  if (!o.policy.empty() && !o.settings.empty()) {
    throw UsageError("give either a policy or --config settings, not both");
  }
  if (!o.policy.empty() && o.queue.empty()) {
    throw UsageError("timeline shows one queue: add -q NAME, e.g. -q gmail.com");
  }
  if (o.policy.empty() && !o.queue.empty()) {
    throw UsageError("-q " + o.queue + " needs a policy file to evaluate it");
  }
}

pipeline::Setting parse_setting(const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos) {
    throw UsageError("--config expects KEY=VALUE, got " + util::quoted(text));
  }
  pipeline::Setting s{text.substr(0, eq), text.substr(eq + 1)};
  const auto& keys = pipeline::timeline_setting_keys();
  if (std::find(keys.begin(), keys.end(), s.key) == keys.end()) {
    std::string message = "unknown --config key " + util::quoted(s.key);
    if (auto near = util::closest_match(s.key, keys)) {
      message += ", did you mean " + util::quoted(*near) + "?";
    }
    throw UsageError(message + " (keys: " + util::join(keys, ", ") + ")");
  }
  return s;
}

std::vector<pipeline::Setting> parse_settings(const std::vector<std::string>& texts) {
  std::vector<pipeline::Setting> settings;
  for (const auto& text : texts) {
    pipeline::Setting s = parse_setting(text);
    for (const auto& earlier : settings) {
      if (earlier.key == s.key) {
        throw UsageError("--config " + s.key + " is given twice");
      }
    }
    settings.push_back(std::move(s));
  }
  return settings;
}

report::TimelineResult settings_view(const TimelineCommandOptions& o) {
  const char* source = o.settings.empty() ? k_defaults_source : k_settings_source;
  pipeline::SettingsTimeline result =
      pipeline::timeline_from_settings(parse_settings(o.settings), o.simulation.timeline_options(), source);
  report::TimelineResult view;
  if (result.config) {
    view.settings = pipeline::retry_policy(*result.config);
  }
  view.timeline = std::move(result.timeline);
  view.diagnostics = std::move(result.diagnostics);
  return view;
}

report::TimelineResult policy_view(const TimelineCommandOptions& o, std::ostream& err) {
  pipeline::CheckRequest request;
  request.policy_path = o.policy;
  request.policy_source = read_policy_file(o.policy);
  request.host = host_options(o.run);
  auto queue = std::make_shared<std::optional<pipeline::QueueInput>>(pipeline::QueueInput{o.queue, std::nullopt});
  request.queues = [queue]() { return std::exchange(*queue, std::nullopt); };
  request.timeline = o.simulation.timeline_options();

  CaptureSink sink(err);
  report::Summary summary = pipeline::run_check(request, sink);
  report::TimelineResult view;
  view.queue = o.queue;
  view.diagnostics = sink.diagnostics();
  view.policy_loaded = summary.policy_loaded;
  if (const auto& r = sink.report(); r && r->config) {
    view.settings = pipeline::retry_policy(*r->config);
    if (r->timeline) {
      view.timeline = *r->timeline;
    }
  }
  return view;
}

report::TimelineTextOptions text_options(const TimelineCommandOptions& o, std::ostream& out) {
  report::TimelineTextOptions options;
  options.color = use_color(o.color, out);
  options.chart_width = o.chart_width;
  options.simulation = o.simulation.timeline_options();
  return options;
}

// The longest --spool-in age: a century, far past any max_age that matters,
// so age plus the next delay stays well inside 64 bits.
constexpr std::uint64_t k_max_spool_age_seconds = 100ull * 365 * 86400;

// --spool-in AGE: digits are seconds, anything else humantime (as --config).
values::Duration spool_age(const std::string& text) {
  const bool digits =
      !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
  values::Duration age;
  if (digits && text.size() <= 12) {
    age = values::Duration{std::stoull(text), 0};
  } else if (auto parsed = values::parse_humantime(text); parsed && !digits) {
    age = *parsed;
  } else {
    throw UsageError("--spool-in " + util::quoted(text) + ": " +
                     (digits ? std::string("too large") : parsed.error().message) +
                     "; give the message's age as seconds or a humantime duration, e.g. 2h");
  }
  if (age.seconds > k_max_spool_age_seconds) {
    throw UsageError("--spool-in " + util::quoted(text) + ": at most 100 years, e.g. 2h or 3days");
  }
  return age;
}

ExitCode exit_code(const report::TimelineResult& view) {
  if (!view.policy_loaded) {
    return ExitCode::policy_error;
  }
  const bool has_error = std::any_of(view.diagnostics.begin(), view.diagnostics.end(),
                                     [](const diag::Diagnostic& d) { return d.severity == diag::Severity::error; });
  return has_error || !view.timeline ? ExitCode::findings : ExitCode::ok;
}

}  // namespace

CLI::App* add_timeline_command(CLI::App& app, TimelineCommandOptions& o) {
  CLI::App* cmd = app.add_subcommand("timeline", "Show one queue's retry schedule: every attempt, the expiry, a chart");
  cmd->add_option("policy", o.policy, "The policy file; omit it to use --config settings or kumod's defaults");
  cmd->add_option("-q,--queue", o.queue, "The queue to evaluate (required with a policy), e.g. tenant@gmail.com");
  cmd->add_option("--config", o.settings,
                  "KEY=VALUE instead of a policy (repeatable): retry_interval, max_retry_interval or max_age "
                  "(digits are seconds, anything else humantime), or max_message_rate (a throttle spec)");
  add_format_option(cmd, o.format, FormatChoice::timeline);
  add_color_option(cmd, o.color);
  add_policy_run_flags(cmd, o.run);
  add_simulation_options(cmd, o.simulation);
  add_numeric_option(cmd, "--chart-width", o.chart_width, "Columns of the chart's time axis");
  cmd->add_option("--spool-in", o.spool_in,
                  "Also show what kumod does at restart with a spooled message of this age (seconds, or humantime "
                  "such as 2h): the attempts it infers were made and when it retries, or that it expires it")
      ->type_name("AGE");
  return cmd;
}

ExitCode run_timeline_command(const TimelineCommandOptions& o, std::ostream& out, std::ostream& err) {
  check_mode(o);
  const std::optional<values::Duration> age =
      o.spool_in.empty() ? std::nullopt : std::optional<values::Duration>(spool_age(o.spool_in));
  report::TimelineResult view = o.policy.empty() ? settings_view(o) : policy_view(o, err);
  if (age && view.settings) {
    view.spool_in = report::SpoolInResult{*age, simulate::spool_in(*view.settings, *age)};
  }
  const auto format = report::format_named(o.format);
  if (format == report::Format::json) {
    out << report::timeline_document(view);
  } else if (format == report::Format::svg) {
    out << report::timeline_svg({view}, o.simulation.timeline_options());
  } else {
    out << report::timeline_text(view, text_options(o, out));
  }
  return exit_code(view);
}

Command make_timeline_command() {
  auto options = std::make_shared<TimelineCommandOptions>();
  return {[options](CLI::App& app) { return add_timeline_command(app, *options); },
          [options](std::istream&, std::ostream& out, std::ostream& err) {
            return run_timeline_command(*options, out, err);
          }};
}

}  // namespace kumo::cli
