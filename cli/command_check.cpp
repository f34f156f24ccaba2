#include "cli/command_check.hpp"

#include "cli/progress.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <sstream>
#include <thread>

#include "cli/color.hpp"
#include "cli/config_file.hpp"
#include "cli/errors.hpp"
#include "cli/input.hpp"
#include "core/pipeline/check.hpp"
#include "core/report/render.hpp"

namespace kumo::cli {

// Some 256 queues take about a millisecond: about what starting a worker
// thread and loading the policy in it costs.
constexpr std::size_t k_default_sequential_prefix = 256;

std::size_t default_jobs() { return std::max(1u, std::thread::hardware_concurrency()); }

CLI::App* add_check_command(CLI::App& app, CheckOptions& o) {
  CLI::App* cmd = app.add_subcommand("check",
                                     "Evaluate get_queue_config for sample queues, validate every key, "
                                     "print each queue's normalized config");
  cmd->add_option("policy", o.policies,
                  "The policy file (init.lua or a file that registers get_queue_config); several are checked one "
                  "after the other, each in its own Lua state; - reads it from standard input")
      ->required();
  cmd->add_option("-q,--queue", o.queues,
                  "A queue to evaluate, in KumoMTA's syntax campaign:tenant@domain!routing_domain (repeatable)");
  cmd->add_option("--queues-file", o.queues_file, "A file of queue names, one per line; # comments; - for stdin");
  add_format_option(cmd, o.format, FormatChoice::check);
  cmd->add_option("--fail-level", o.fail_level, "Exit 1 on findings at or above this severity")
      ->check(CLI::IsMember({"error", "warning"}));
  add_color_option(cmd, o.color);
  add_policy_run_flags(cmd, o.run);
  cmd->add_flag("--timeline", o.timeline, "Text: show every retry attempt, not just the summary line");
  cmd->add_flag("--hide-config", o.hide_config,
                "Text: leave out each queue's normalized config, keep the findings and retry summary");
  add_numeric_option(cmd, "--max-samples", o.max_samples,
                     "Without -q or --queues-file: evaluate at most this many default sample queues");
  add_numeric_option(cmd, "--jobs", o.jobs,
                     "Evaluate queues on this many threads, each loading the policy into its own Lua state (default: "
                     "the number of cores); the output is the same as with --jobs 1 unless a handler keeps state "
                     "across calls (KQ913)");
  cmd->add_flag("--explain-keys", o.explain_keys,
                "Text: after each config, where each key was set (a policy or data-file line, computed, or "
                "KumoMTA's default); JSON always has it, as \"provenance\"");
  // No -q: that is --queue.
  cmd->add_flag("--progress", o.progress,
                "Progress on stderr past one second even when it is not a terminal (a line every 5 s)");
  cmd->add_flag("--quiet", o.quiet,
                "Text: only the findings and the count (no queue headers, configs or retry summaries); a finding "
                "several queues share is one line naming them");
  cmd->add_option("--select", o.select,
                  "Report only these codes: a code (KQ203) or a family (KQ2); repeatable, or comma-separated")
      ->delimiter(',');
  cmd->add_option("--ignore", o.ignore,
                  "Never report these codes: a code (KQ203) or a family (KQ2); repeatable, or comma-separated")
      ->delimiter(',');
  cmd->add_flag("--show-suppressed", o.show_suppressed,
                "Text: also print the findings a `kumo-lint: disable` comment suppresses or --baseline holds, "
                "marked (suppressed) or (baselined)");
  cmd->add_option("--config-file", o.config_file,
                  "Settings for this check (a .kumo-lint.toml); by default the .kumo-lint.toml in the policy's "
                  "directory or the nearest parent, up to the repository root. Flags override it");
  cmd->add_flag("--no-config-file", o.no_config_file, "Ignore any .kumo-lint.toml");
  cmd->add_option("--baseline", o.baseline,
                  "An earlier `check --format json` output: findings it holds are baselined (counted, not failing "
                  "the run); only new findings fail it");
  add_simulation_options(cmd, o.simulation);
  return cmd;
}

namespace {

// The queues a run names (-q, then --queues-file), read afresh for each
// policy; `stdin_queues` holds standard input's names when several policies
// need them (it can be read once). `share` is set to tell how much of them
// was read, for the progress line.
std::optional<pipeline::QueueSource> queue_source(
    const CheckOptions& o, std::istream& in, const std::shared_ptr<std::vector<pipeline::QueueInput>>& stdin_queues,
    ShareRead& share) {
  if (o.queues.empty() && o.queues_file.empty()) {
    return std::nullopt;
  }
  auto listed = std::make_shared<std::vector<pipeline::QueueInput>>();
  for (const auto& name : o.queues) {
    listed->push_back(pipeline::QueueInput{name, std::nullopt});
  }
  auto index = std::make_shared<std::size_t>(0);
  std::shared_ptr<LineReader> file;
  if (o.queues_file == "-" && stdin_queues) {
    listed->insert(listed->end(), stdin_queues->begin(), stdin_queues->end());
  } else if (!o.queues_file.empty()) {
    file = std::make_shared<LineReader>(open_queue_file(o.queues_file, in));
  }
  share = [listed, index, file]() -> std::optional<double> {
    if (file) {
      return file->share_read();  // the -q names before it are read at once
    }
    return listed->empty() ? 1.0 : static_cast<double>(*index) / static_cast<double>(listed->size());
  };
  return [listed, index, file]() -> std::optional<pipeline::QueueInput> {
    if (*index < listed->size()) {
      return (*listed)[(*index)++];
    }
    return file ? file->next_queue() : std::nullopt;
  };
}

// --select and --ignore entries, upper-cased; an entry that matches no
// code is a usage error (a typo would otherwise silently select nothing).
std::vector<std::string> code_entries(const std::vector<std::string>& given, const char* flag) {
  std::vector<std::string> out;
  for (const auto& entry : given) {
    std::string code = entry;
    for (char& c : code) {
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    if (auto problem = pipeline::selection_entry_problem(code); !problem.empty()) {
      throw UsageError(std::string(flag) + ": " + problem);
    }
    out.push_back(std::move(code));
  }
  return out;
}

// Files in the CI formats are named as the repository knows them: relative
// to the working directory, and under --map-path's TO rather than the
// installed path the policy names.
report::ArtifactPaths artifact_paths(const lua::HostOptions& host) {
  report::ArtifactPaths paths;
  std::error_code ec;
  paths.working_directory = std::filesystem::current_path(ec).string();
  for (const auto& m : host.map_path) {
    paths.map_path.emplace_back(m.from, m.to);
  }
  return paths;
}

}  // namespace

// The options with what a config file sets for every flag not given.
CheckOptions apply_config_file(const CheckOptions& o, const ConfigFile& c) {
  CheckOptions out = o;
  auto fill = [&o](const char* flag, auto& target, const auto& value) {
    if (value && !(o.given && o.given(flag))) {
      target = *value;
    }
  };
  fill("--select", out.select, c.select);
  fill("--ignore", out.ignore, c.ignore);
  fill("--fail-level", out.fail_level, c.fail_level);
  fill("--lua-path", out.run.lua_path, c.lua_path);
  fill("--allow-read", out.run.allow_read, c.allow_read);
  fill("--map-path", out.run.map_path, c.map_path);
  fill("--env", out.run.env, c.env);
  fill("--dns", out.run.dns, c.dns);
  fill("--max-instructions", out.run.max_instructions, c.max_instructions);
  fill("--max-memory", out.run.max_memory_mib, c.max_memory);
  fill("--timeout", out.run.timeout_seconds, c.timeout);
  fill("--run-timeout", out.run.run_timeout_seconds, c.run_timeout);
  fill("--max-samples", out.max_samples, c.max_samples);
  fill("--jobs", out.jobs, c.jobs);
  // The file's queues stand in for the command line's only when it names none.
  if (o.queues.empty() && o.queues_file.empty()) {
    fill("--queue", out.queues, c.queues);
    fill("--queues-file", out.queues_file, c.queues_file);
  }
  if (!c.severity.empty()) {
    out.severity = c.severity;
  }
  return out;
}

CheckOptions with_config_file(const CheckOptions& o, const std::string& policy) {
  if (o.no_config_file) {
    return o;
  }
  std::optional<std::string> path = o.config_file.empty() ? find_config_file(policy) : o.config_file;
  return path ? apply_config_file(o, read_config_file(*path)) : o;
}

namespace {

diag::Severity severity_named(const std::string& level) {
  return level == "error" ? diag::Severity::error : level == "warning" ? diag::Severity::warning : diag::Severity::info;
}

}  // namespace

pipeline::CodeSelection code_selection(const CheckOptions& o) {
  pipeline::CodeSelection selection;
  selection.select = code_entries(o.select, "--select");
  selection.ignore = code_entries(o.ignore, "--ignore");
  for (const auto& [code, level] : o.severity) {
    if (level == "off") {
      selection.ignore.push_back(code);
    } else {
      selection.severity[code] = severity_named(level);
    }
  }
  return selection;
}

Command make_check_command() {
  auto options = std::make_shared<CheckOptions>();
  return {[options](CLI::App& app) {
            CLI::App* cmd = add_check_command(app, *options);
            options->given = [cmd](const std::string& flag) { return cmd->count(flag) > 0; };
            return cmd;
          },
          [options](std::istream& in, std::ostream& out, std::ostream& err) {
            return run_check_command(*options, in, out, err);
          }};
}

namespace {

// One policy of the run, ready to check: everything that can be wrong with
// the command line or an input file is found before any output.
struct PolicyCheck {
  CheckOptions options;  // with its config file's settings
  pipeline::CheckRequest request;
  ShareRead share_read;  // of its queue names, for the progress line; none for the default samples
};

// Standard input is one stream: it holds one policy or the queues file.
void check_stdin_use(const CheckOptions& o) {
  const auto from_stdin = std::count(o.policies.begin(), o.policies.end(), "-");
  if (from_stdin > 1) {
    throw UsageError("standard input (-) is given as a policy more than once");
  }
  if (from_stdin == 1 && o.queues_file == "-") {
    throw UsageError("standard input (-) cannot hold both the policy and --queues-file; give one of them as a file");
  }
}

std::vector<PolicyCheck> prepare_checks(const CheckOptions& given, std::istream& in, const report::Format format) {
  check_stdin_use(given);
  std::map<std::string, pipeline::Baseline> baselines;
  if (!given.baseline.empty()) {
    auto parsed = pipeline::Baseline::by_policy(read_text_file(given.baseline, "--baseline"));
    if (!parsed) {
      throw UsageError("--baseline " + given.baseline + " " + parsed.error());
    }
    baselines = std::move(*parsed);
  }
  std::vector<PolicyCheck> checks;
  std::shared_ptr<std::vector<pipeline::QueueInput>> stdin_queues;
  for (const auto& policy : given.policies) {
    PolicyCheck c{with_config_file(given, policy), {}};
    const CheckOptions& o = c.options;
    if (o.queues_file == "-" && given.policies.size() > 1 && !stdin_queues) {
      stdin_queues = std::make_shared<std::vector<pipeline::QueueInput>>();
      LineReader reader = open_queue_file("-", in);
      while (auto q = reader.next_queue()) {
        stdin_queues->push_back(std::move(*q));
      }
    }
    pipeline::CheckRequest& r = c.request;
    r.policy_path = policy == "-" ? k_stdin_name : policy;
    r.policy_source = policy == "-" ? read_policy_stdin(in) : read_policy_file(policy);
    r.host = host_options(o.run);
    r.queues = queue_source(o, in, stdin_queues, c.share_read);
    // Standard input streamed line by line may be typed or piped as it
    // comes: a result must not wait for the next line.
    r.read_ahead = r.queues && (o.queues_file != "-" || stdin_queues);
    r.timeline = o.simulation.timeline_options();
    r.selection = code_selection(o);
    r.baseline = pipeline::Baseline::for_policy(baselines, r.policy_path, given.policies.size());
    r.provenance = o.explain_keys || format == report::Format::json || format == report::Format::jsonl;
    r.max_samples = o.max_samples;
    r.jobs = o.jobs ? static_cast<std::size_t>(*o.jobs) : default_jobs();
    // Asked for: workers from the first queue. By default: only for runs
    // long enough to repay a thread and a load per worker.
    r.sequential_prefix = o.jobs ? 0 : k_default_sequential_prefix;
    checks.push_back(std::move(c));
  }
  return checks;
}

// The output's settings are the run's: the command line's, with the first
// policy's config file for the failure level JUnit shows; files are named
// under any policy's --map-path.
report::RenderOptions render_options(const std::vector<PolicyCheck>& checks, std::ostream& out) {
  const CheckOptions& o = checks.front().options;
  report::RenderOptions render;
  render.color = use_color(o.color, out);
  render.timeline_table = o.timeline;
  render.config = !o.hide_config;
  render.provenance = o.explain_keys;
  render.quiet = o.quiet;
  render.show_suppressed = o.show_suppressed;
  render.fail_level = severity_named(o.fail_level);
  render.policy_count = checks.size();
  for (const auto& c : checks) {
    render.with_baseline = render.with_baseline || c.request.baseline.has_value();
    const report::ArtifactPaths paths = artifact_paths(c.request.host);
    render.paths.working_directory = paths.working_directory;
    render.paths.map_path.insert(render.paths.map_path.end(), paths.map_path.begin(), paths.map_path.end());
  }
  return render;
}

// One policy's exit code, by its own --fail-level.
ExitCode exit_code_of(const report::Summary& s, const CheckOptions& o) {
  if (!s.policy_loaded) {
    return ExitCode::policy_error;
  }
  bool fails = s.errors > 0 || (o.fail_level == "warning" && s.warnings > 0);
  return fails ? ExitCode::findings : ExitCode::ok;
}

}  // namespace

ExitCode run_check_command(const CheckOptions& given, std::istream& in, std::ostream& out, std::ostream& err) {
  const report::Format format = report::format_named(given.format).value_or(report::Format::text);
  const std::vector<PolicyCheck> checks = prepare_checks(given, in, format);
  auto sink = report::make_sink(format, out, err, render_options(checks, out));
  ProgressSink progress(*sink, err, progress_style(given.progress, out, err), steady_seconds());
  std::vector<report::Summary> summaries;
  ExitCode worst = ExitCode::ok;
  for (const auto& c : checks) {
    progress.read_from(c.share_read);
    summaries.push_back(pipeline::run_check(c.request, progress));
    worst = std::max(worst, exit_code_of(summaries.back(), c.options));
  }
  progress.finish(report::combined(summaries));
  return worst;
}

}  // namespace kumo::cli
