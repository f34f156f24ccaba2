#include "cli/command_check.hpp"

#include <filesystem>
#include <fstream>
#include <cctype>
#include <limits>
#include <memory>
#include <sstream>

#include "cli/color.hpp"
#include "cli/config_file.hpp"
#include "cli/errors.hpp"
#include "cli/input.hpp"
#include "core/pipeline/check.hpp"
#include "core/report/render.hpp"

namespace kumo::cli {

CLI::App* add_check_command(CLI::App& app, CheckOptions& o) {
  CLI::App* cmd = app.add_subcommand("check", "Evaluate get_queue_config for sample queues, validate every key, "
                                              "print each queue's normalized config");
  cmd->add_option("policy", o.policy, "The policy file (init.lua or a file that registers get_queue_config)")
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
  cmd->add_flag("--explain-keys", o.explain_keys,
                "Text: after each config, where each key was set (a policy or data-file line, computed, or "
                "KumoMTA's default); JSON always has it, as \"provenance\"");
  // No -q: that is --queue.
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

std::optional<pipeline::QueueSource> queue_source(const CheckOptions& o, std::istream& in) {
  if (o.queues.empty() && o.queues_file.empty()) {
    return std::nullopt;
  }
  auto listed = std::make_shared<std::vector<std::string>>(o.queues);
  auto index = std::make_shared<std::size_t>(0);
  std::shared_ptr<LineReader> file;
  if (!o.queues_file.empty()) {
    file = std::make_shared<LineReader>(open_queue_file(o.queues_file, in));
  }
  return [listed, index, file]() -> std::optional<pipeline::QueueInput> {
    if (*index < listed->size()) {
      return pipeline::QueueInput{(*listed)[(*index)++], std::nullopt};
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

namespace {

// The options with what the config file sets for every flag not given.
CheckOptions with_config_file(const CheckOptions& o) {
  if (o.no_config_file) {
    return o;
  }
  std::optional<std::string> path = o.config_file.empty() ? find_config_file(o.policy) : o.config_file;
  if (!path) {
    return o;
  }
  const ConfigFile c = read_config_file(*path);
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
  fill("--max-samples", out.max_samples, c.max_samples);
  // The file's queues stand in for the command line's only when it names none.
  if (o.queues.empty() && o.queues_file.empty()) {
    fill("--queue", out.queues, c.queues);
    fill("--queues-file", out.queues_file, c.queues_file);
  }
  out.severity = c.severity;
  return out;
}

diag::Severity severity_named(const std::string& level) {
  return level == "error" ? diag::Severity::error : level == "warning" ? diag::Severity::warning : diag::Severity::info;
}

}  // namespace

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

ExitCode run_check_command(const CheckOptions& given, std::istream& in, std::ostream& out, std::ostream& err) {
  const CheckOptions o = with_config_file(given);
  pipeline::CheckRequest request;
  request.policy_path = o.policy;
  request.policy_source = read_policy_file(o.policy);
  request.host = host_options(o.run);
  request.queues = queue_source(o, in);
  request.timeline = o.simulation.timeline_options();
  request.selection.select = code_entries(o.select, "--select");
  request.selection.ignore = code_entries(o.ignore, "--ignore");
  for (const auto& [code, level] : o.severity) {
    if (level == "off") {
      request.selection.ignore.push_back(code);
    } else {
      request.selection.severity[code] = severity_named(level);
    }
  }
  if (!o.baseline.empty()) {
    auto baseline = pipeline::Baseline::from_json(read_text_file(o.baseline, "--baseline"));
    if (!baseline) {
      throw UsageError("--baseline " + o.baseline + " " + baseline.error());
    }
    request.baseline = std::move(*baseline);
  }

  report::Format format = report::Format::text;
  for (const auto& f : report::formats()) {
    if (f.name == o.format) {
      format = f.id;
    }
  }
  report::RenderOptions render;
  render.color = use_color(o.color, out);
  render.timeline_table = o.timeline;
  render.config = !o.hide_config;
  render.provenance = o.explain_keys;
  request.provenance = o.explain_keys || format == report::Format::json;
  request.max_samples = o.max_samples;
  render.quiet = o.quiet;
  render.show_suppressed = o.show_suppressed;
  render.with_baseline = request.baseline.has_value();
  render.fail_level = o.fail_level == "warning" ? diag::Severity::warning : diag::Severity::error;
  render.paths = artifact_paths(request.host);
  auto sink = report::make_sink(format, out, err, render);
  report::Summary summary = pipeline::run_check(request, *sink);
  if (!summary.policy_loaded) {
    return ExitCode::policy_error;
  }
  bool fails = summary.errors > 0 || (o.fail_level == "warning" && summary.warnings > 0);
  return fails ? ExitCode::findings : ExitCode::ok;
}

}  // namespace kumo::cli
