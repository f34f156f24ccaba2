#include "cli/run.hpp"

#include <CLI/CLI.hpp>

#include <sstream>

#include "cli/command.hpp"
#include "cli/command_check.hpp"
#include "cli/command_diff.hpp"
#include "cli/command_explain.hpp"
#include "cli/command_test.hpp"
#include "cli/command_timeline.hpp"
#include "cli/errors.hpp"
#include "cli/exit_code.hpp"
#include "core/util/text.hpp"

namespace kumo::cli {

namespace {

constexpr const char* k_exit_codes_help =
    "Exit codes: 0 no error finding (with check --fail-level warning, no warning either); 1 findings; 2 bad "
    "command line or unreadable input file; 3 the policy could not be loaded; 4 internal error.";

// Every subcommand, in the order --help lists them.
std::vector<Command> command_table() {
  return {
      make_check_command(), make_timeline_command(), make_explain_command(), make_test_command(), make_diff_command(),
  };
}

// --help and --version (exit 0) or CLI11's message for a bad command line
// (exit 2). CLI11 quotes argument values in its messages: escaped.
int parse_error_exit(CLI::App& app, const CLI::ParseError& e, std::ostream& out, std::ostream& err) {
  std::ostringstream parser_out;
  std::ostringstream parser_err;
  const int code = app.exit(e, parser_out, parser_err);
  out << parser_out.str();
  err << util::escape_lines_for_terminal(parser_err.str());
  return code == 0 ? to_int(ExitCode::ok) : to_int(ExitCode::usage);
}

// The program's parser: its description, --version, the exit codes, and
// every command of the table as a subcommand (returned in the table's
// order). run() parses with it; command_line() describes it.
std::vector<CLI::App*> configure(CLI::App& app, std::vector<Command>& commands) {
  app.description("kumo-lint: validate KumoMTA queue configuration policies and preview what each queue will do");
  app.name("kumo-lint");
  app.footer(k_exit_codes_help);
  app.set_version_flag("--version", version_text());
  app.require_subcommand(1);
  std::vector<CLI::App*> subcommands;
  for (auto& c : commands) {
    // Subcommands inherit the app's footer (the exit codes); one that sets
    // its own (explain's classification rules) gets the exit codes after it.
    CLI::App* sub = c.add(app);
    if (sub->get_footer() != k_exit_codes_help) {
      sub->footer(sub->get_footer() + "\n\n" + k_exit_codes_help);
    }
    subcommands.push_back(sub);
  }
  return subcommands;
}

// The values an IsMember check allows, from the type CLI11 shows in --help
// ("TEXT:{text,json}"): CLI11 keeps a validator's set only in that text.
std::vector<std::string> choices_of(const CLI::Option& option) {
  const std::string type = option.get_type_name();
  const auto open = type.find(":{");
  const auto close = type.find('}', open);
  if (open == std::string::npos || close == std::string::npos) {
    return {};
  }
  std::vector<std::string> choices;
  std::istringstream list(type.substr(open + 2, close - open - 2));
  for (std::string choice; std::getline(list, choice, ',');) {
    choices.push_back(choice);
  }
  return choices;
}

CommandSpec describe(const CLI::App& app, std::string name) {
  CommandSpec spec{std::move(name), app.get_description(), {}};
  for (const CLI::Option* option : app.get_options()) {
    if (!option->nonpositional()) {
      continue;
    }
    OptionSpec o;
    for (const auto& s : option->get_snames()) {
      o.names.push_back("-" + s);
    }
    for (const auto& l : option->get_lnames()) {
      o.names.push_back("--" + l);
    }
    o.takes_value = option->get_type_size_max() != 0;
    o.choices = choices_of(*option);
    spec.options.push_back(std::move(o));
  }
  return spec;
}

}  // namespace

int run(const std::vector<std::string>& args, std::istream& in, std::ostream& out, std::ostream& err) {
  CLI::App app;
  std::vector<Command> commands = command_table();
  const std::vector<CLI::App*> subcommands = configure(app, commands);

  try {
    try {
      // CLI11's parse(vector) takes the arguments in reverse order (it pops
      // them off the back) and without the program name, which args[0] is.
      std::vector<std::string> reversed(args.rbegin(), args.rend() - (args.empty() ? 0 : 1));
      app.parse(reversed);
    } catch (const CLI::ParseError& e) {
      return parse_error_exit(app, e, out, err);
    }
    for (std::size_t i = 0; i < commands.size(); ++i) {
      if (subcommands[i]->parsed()) {
        return to_int(commands[i].run(in, out, err));
      }
    }
    return to_int(ExitCode::usage);
  } catch (const UsageError& e) {
    // Thrown while parsing (a numeric flag out of range) or running; the
    // message may quote a file name or a line of input: escaped.
    err << "kumo-lint: error: " << util::escape_for_terminal(e.what()) << "\n";
    return to_int(ExitCode::usage);
  } catch (const std::exception& e) {
    err << "kumo-lint: internal error: " << util::escape_for_terminal(e.what()) << "\n";
    return to_int(ExitCode::internal);
  }
}

std::vector<CommandSpec> command_line() {
  CLI::App app;
  std::vector<Command> commands = command_table();
  const std::vector<CLI::App*> subcommands = configure(app, commands);
  std::vector<CommandSpec> specs{describe(app, "")};
  for (const CLI::App* sub : subcommands) {
    specs.push_back(describe(*sub, sub->get_name()));
  }
  return specs;
}

std::string version_text() {
  return std::string("kumo-lint ") + KUMO_LINT_VERSION + " (models KumoMTA at commit " + KUMO_LINT_KUMOMTA_MODELED +
         ")";
}

}  // namespace kumo::cli
