// Flags shared by several commands, each group declared once: output
// format and color, how a policy runs (module paths, sandbox, limits), and
// how a retry timeline is simulated.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/lua/host.hpp"
#include "core/simulate/retry_timeline.hpp"

namespace kumo::cli {

// The valid values of one numeric flag. Every numeric flag of every command
// is a row of numeric_flags(); its parser, its --help text and its usage
// error all read the row, so a range is written down once. The ranges keep
// each value well inside what it feeds (e.g. --max-memory MiB << 20 fits a
// size_t; --max-attempts-shown is how many attempts are materialized).
struct NumericFlag {
  std::string_view name;  // "--max-memory"
  bool decimal;           // a finite decimal number in (0, max], else an integer in [min, max]
  std::uint64_t min;
  std::uint64_t max;
  std::string_view unit;  // "MiB", or empty
  // The one command of check and timeline that takes it ("check", "timeline"), or empty: both. (diff takes
  // --max-samples too; its own tests cover it.)
  std::string_view only_in = {};
};

// Every numeric flag, declared once.
const std::vector<NumericFlag>& numeric_flags();

// "an integer from 1 to 65536 (MiB)", "a number above 0 and at most 86400 (seconds)".
std::string range_text(const NumericFlag& flag);

// The value of `text` for the flag named `name`: digits only (no sign, no
// spaces, nothing after) within the range, or for a decimal flag a finite
// number within it. Throws UsageError "--max-memory -5: expected an integer
// from 1 to 65536 (MiB)" otherwise.
std::uint64_t parse_integer_flag(std::string_view name, const std::string& text);
double parse_decimal_flag(std::string_view name, const std::string& text);

// Adds the numeric option `name` (a row of numeric_flags()) bound to
// `target`, its range appended to `help` and its default shown.
CLI::Option* add_numeric_option(CLI::App* cmd, std::string_view name, std::uint64_t& target, const std::string& help);
CLI::Option* add_numeric_option(CLI::App* cmd, std::string_view name, std::optional<std::uint64_t>& target,
                                const std::string& help);
CLI::Option* add_numeric_option(CLI::App* cmd, std::string_view name, int& target, const std::string& help);
CLI::Option* add_numeric_option(CLI::App* cmd, std::string_view name, double& target, const std::string& help);
CLI::Option* add_numeric_option(CLI::App* cmd, std::string_view name, std::optional<double>& target,
                                const std::string& help);

struct PolicyRunFlags {
  std::vector<std::string> lua_path;
  std::vector<std::string> allow_read;
  std::vector<std::string> map_path;  // FROM=TO
  std::string dns;                    // --dns FILE
  std::vector<std::string> env;       // NAME=VALUE, or NAME: the real environment's NAME
  std::uint64_t max_instructions = 100'000'000;
  std::uint64_t max_memory_mib = 512;
  double timeout_seconds = 60;                // per load and per handler call
  std::optional<double> run_timeout_seconds;  // the whole run; none by default
};

// The command whose --format is added: it offers the rows of
// report::formats() whose `users` name it.
enum class FormatChoice { check, timeline, explain };

// --format NAME: the names and the help text come from report::formats().
void add_format_option(CLI::App* cmd, std::string& format, FormatChoice choice);

// --format NAME for a command with a table of its own (diff's, test's):
// rows with a `name` and a `description`, the first the default.
template <typename Table>
void add_table_format_option(CLI::App* cmd, std::string& format, const Table& table) {
  std::vector<std::string> names;
  std::string help = "Output format:";
  for (const auto& f : table) {
    names.emplace_back(f.name);
    help += std::string(names.size() == 1 ? " " : "; ") + std::string(f.name) + " (" + std::string(f.description) + ")";
  }
  cmd->add_option("-f,--format", format, help)->check(CLI::IsMember(names))->capture_default_str();
}

// --color auto|always|never.
void add_color_option(CLI::App* cmd, std::string& color);

struct SimulationFlags {
  std::uint64_t attempt_duration = 0;
  std::optional<std::uint64_t> seed;
  std::uint64_t max_attempts_shown = 50;
  std::uint64_t burst = simulate::k_default_burst;

  // The simulator's options they mean.
  simulate::TimelineOptions timeline_options() const;
};

// Adds --attempt-duration, --seed, --max-attempts-shown and --burst.
void add_simulation_options(CLI::App* cmd, SimulationFlags& flags);

// Adds --lua-path, --allow-read, --env, --max-instructions, --max-memory,
// --timeout and --run-timeout to `cmd`.
void add_policy_run_flags(CLI::App* cmd, PolicyRunFlags& flags);

// The host options they mean. os.getenv in the policy answers only from
// HostOptions::env: `--env NAME=VALUE` sets NAME, `--env NAME` copies the
// real environment's NAME now (an unset NAME stays unset: the policy sees
// nil). Throws UsageError for an empty NAME.
lua::HostOptions host_options(const PolicyRunFlags& flags);

}  // namespace kumo::cli
