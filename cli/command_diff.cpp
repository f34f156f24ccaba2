#include "cli/command_diff.hpp"

#include <memory>

#include "cli/errors.hpp"
#include "cli/input.hpp"
#include "core/pipeline/diff.hpp"
#include "core/report/render.hpp"
#include "core/report/render_diff.hpp"
#include "core/util/text.hpp"

namespace kumo::cli {

CLI::App* add_diff_command(CLI::App& app, DiffOptions& o) {
  CLI::App* cmd = app.add_subcommand("diff",
                                     "Compare two policies (or a policy and an earlier `check --format json` output): "
                                     "per queue, the config keys, retry timeline and findings that changed");
  cmd->add_option("old", o.old_input, "The policy before the change, or a saved `check --format json` output")
      ->required();
  cmd->add_option("new", o.new_input, "The policy after the change, or a saved `check --format json` output")
      ->required();
  cmd->add_option("-q,--queue", o.queues,
                  "A queue to compare (repeatable); by default the union of both sides' sample queues");
  cmd->add_option("--queues-file", o.queues_file, "A file of queue names, one per line; # comments; - for stdin");
  add_table_format_option(cmd, o.format, report::diff_formats());
  add_policy_run_flags(cmd, o.run);
  add_numeric_option(cmd, "--max-samples", o.max_samples,
                     "Without -q or --queues-file: at most this many default sample queues per policy");
  add_simulation_options(cmd, o.simulation);
  cmd->footer("diff exits 0 when nothing differs and 1 when something does; 2 and 3 as below.");
  return cmd;
}

namespace {

// -q, then --queues-file, read once: both sides run on the same list.
std::optional<std::vector<pipeline::QueueInput>> listed_queues(const DiffOptions& o, std::istream& in) {
  if (o.queues.empty() && o.queues_file.empty()) {
    return std::nullopt;
  }
  std::vector<pipeline::QueueInput> out;
  for (const auto& name : o.queues) {
    out.push_back(pipeline::QueueInput{name, std::nullopt});
  }
  if (!o.queues_file.empty()) {
    LineReader reader = open_queue_file(o.queues_file, in);
    while (auto q = reader.next_queue()) {
      out.push_back(std::move(*q));
    }
  }
  return out;
}

// One side as given: a saved check document's results, or a policy to
// evaluate as `check` would.
std::variant<pipeline::CheckRequest, pipeline::DiffSide> side_input(const std::string& path, const DiffOptions& o) {
  std::string text = read_policy_file(path);
  if (pipeline::is_json_document(text)) {
    auto side = pipeline::side_from_check_document(text);
    if (!side) {
      throw UsageError(path + " " + side.error());
    }
    return std::move(*side);
  }
  pipeline::CheckRequest r;
  r.policy_path = path;
  r.policy_source = std::move(text);
  r.host = host_options(o.run);
  r.timeline = o.simulation.timeline_options();
  r.max_samples = o.max_samples;
  return r;
}

}  // namespace

ExitCode run_diff_command(const DiffOptions& o, std::istream& in, std::ostream& out, std::ostream& err) {
  const report::DiffFormat format = report::diff_format_named(o.format).value_or(report::DiffFormat::text);
  pipeline::DiffRequest request{o.old_input, o.new_input, side_input(o.old_input, o), side_input(o.new_input, o),
                                listed_queues(o, in)};
  const pipeline::DiffOutcome outcome = pipeline::run_diff(request);
  if (outcome.failed_policy) {
    for (const auto& d : outcome.load_findings) {
      err << report::format_diagnostic(d, false);
    }
    err << "kumo-lint: error: " << util::escape_for_terminal(*outcome.failed_policy)
        << " could not be loaded: nothing to compare\n";
    return ExitCode::policy_error;
  }
  out << report::render_diff(outcome.report, format);
  return outcome.report.differs() ? ExitCode::findings : ExitCode::ok;
}

Command make_diff_command() {
  auto options = std::make_shared<DiffOptions>();
  return {[options](CLI::App& app) { return add_diff_command(app, *options); },
          [options](std::istream& in, std::ostream& out, std::ostream& err) {
            return run_diff_command(*options, in, out, err);
          }};
}

}  // namespace kumo::cli
