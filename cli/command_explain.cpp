#include "cli/command_explain.hpp"

#include "cli/shared_flags.hpp"

#include <algorithm>
#include <memory>

#include "core/explain/explain.hpp"
#include "core/explain/render_explain.hpp"
#include "core/report/render.hpp"

namespace kumo::cli {

namespace {

constexpr const char* k_classification_help =
    "Each VALUE is classified by the first rule that matches: contains '/' -> throttle spec; contains '@', '!' "
    "or ':' -> queue name; all digits -> duration in seconds; a domain (dot-separated labels, the last all "
    "letters) -> queue name; humantime text, or text that is blank, has whitespace or starts with a digit, '.', "
    "'+' or '-' -> duration; anything else -> queue name. explain exits 0 when every value is valid, 1 when any "
    "is invalid, 2 on a bad command line.";

}  // namespace

CLI::App* add_explain_command(CLI::App& app, ExplainOptions& o) {
  CLI::App* cmd = app.add_subcommand("explain",
                                     "Say what each value is (duration, throttle spec, queue name) "
                                     "and what KumoMTA makes of it");
  cmd->add_option("value", o.values, "A duration, throttle spec or queue name (one or more)")->required();
  add_format_option(cmd, o.format, FormatChoice::explain);
  cmd->footer(k_classification_help);
  return cmd;
}

ExitCode run_explain_command(const ExplainOptions& o, std::ostream& out) {
  const auto values = explain::explain_values(o.values);
  out << explain::render_explanations(values, report::format_named(o.format).value_or(report::Format::text));
  const bool any_invalid =
      std::any_of(values.begin(), values.end(), [](const explain::Explanation& e) { return !e.valid(); });
  return any_invalid ? ExitCode::findings : ExitCode::ok;
}

Command make_explain_command() {
  auto options = std::make_shared<ExplainOptions>();
  return {[options](CLI::App& app) { return add_explain_command(app, *options); },
          [options](std::istream&, std::ostream& out, std::ostream&) { return run_explain_command(*options, out); }};
}

}  // namespace kumo::cli
