#include "cli/command_test.hpp"

#include <algorithm>
#include <memory>

#include "cli/command_check.hpp"
#include "cli/errors.hpp"
#include "cli/expectation_file.hpp"
#include "cli/input.hpp"
#include "core/pipeline/expectations.hpp"
#include "core/report/expectations.hpp"

namespace kumo::cli {

namespace {

// The check of one expectation file's policy: its settings, with the
// policy's .kumo-lint.toml under them (as `check` would run it).
pipeline::CheckRequest request_for(const ExpectationFile& f) {
  CheckOptions given;
  given.given = [](const std::string&) { return false; };
  CheckOptions o = apply_config_file(given, f.settings);
  const std::vector<std::string> set_here = f.settings_given;
  o.given = [set_here](const std::string& flag) {
    return std::find(set_here.begin(), set_here.end(), flag) != set_here.end();
  };
  o = with_config_file(o, f.policy);
  pipeline::CheckRequest r;
  r.policy_path = f.policy;
  try {
    r.policy_source = read_policy_file(f.policy);
  } catch (const UsageError& e) {
    throw UsageError(f.path + ":" + std::to_string(f.policy_line) + ": " + e.what());
  }
  r.host = host_options(o.run);
  r.timeline = SimulationFlags{}.timeline_options();
  r.selection = code_selection(o);
  return r;
}

}  // namespace

CLI::App* add_test_command(CLI::App& app, TestOptions& o) {
  CLI::App* cmd = app.add_subcommand("test",
                                     "Check expectation files: what a policy must do for given queues (config "
                                     "keys, retry attempts, expiry, findings)");
  cmd->add_option("file", o.files, "An expectation file (TOML; docs/usage.md, \"test\"); one or more")->required();
  add_table_format_option(cmd, o.format, report::expectation_formats());
  return cmd;
}

ExitCode run_test_command(const TestOptions& o, std::ostream& out) {
  // Every file is read and checked before anything runs: a typo in the
  // last one is exit 2 with no output.
  std::vector<ExpectationFile> files;
  std::vector<pipeline::CheckRequest> requests;
  for (const auto& path : o.files) {
    files.push_back(read_expectation_file(path));
    requests.push_back(request_for(files.back()));
  }
  std::vector<report::ExpectationFileResult> results;
  for (std::size_t i = 0; i < files.size(); ++i) {
    results.push_back(pipeline::run_expectations(requests[i], files[i].expectations, files[i].path));
  }
  out << report::render_expectations(
      results, report::expectation_format_named(o.format).value_or(report::ExpectationFormat::text));
  const report::ExpectationSummary s = report::summarize(results);
  return s.unloaded > 0 ? ExitCode::policy_error : s.failed > 0 ? ExitCode::findings : ExitCode::ok;
}

Command make_test_command() {
  auto options = std::make_shared<TestOptions>();
  return {[options](CLI::App& app) { return add_test_command(app, *options); },
          [options](std::istream&, std::ostream& out, std::ostream&) { return run_test_command(*options, out); }};
}

}  // namespace kumo::cli
