#include "cli/shared_flags.hpp"

#include <filesystem>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "cli/color.hpp"
#include "cli/errors.hpp"
#include "cli/input.hpp"
#include "core/report/render.hpp"

namespace kumo::cli {

namespace {

constexpr std::uint64_t k_u64_max = std::numeric_limits<std::uint64_t>::max();

// Why each bound is what it is (docs/usage.md lists the same ranges):
// --max-instructions  10^12 is hours of Lua; more only postpones KQ908.
// --max-memory        64 GiB; MiB << 20 stays far inside size_t.
// --timeout           a day per call; finite, so the deadline arithmetic stays finite.
// --run-timeout       a week for a whole run, for the same reason.
// --attempt-duration  a year per attempt; the simulator clamps to chrono's range anyway.
// --seed              any 64-bit seed.
// --max-attempts-shown  the simulator lists (allocates) that many attempts;
//                       100000 is also where a seeded draw stops.
// --burst             10^12 messages; the preview is closed-form in 128 bits.
// --max-samples       default sample queues; a million is what --queues-file is for.
// --chart-width       a chart wider than 1000 columns is not readable.
// --jobs              each worker holds a Lua state of up to --max-memory; 256 is
//                     more cores than a CI runner has.
const std::vector<NumericFlag> k_numeric_flags = {
    {"--max-instructions", false, 1, 1'000'000'000'000, "instructions"},
    {"--max-memory", false, 1, 65536, "MiB"},
    {"--timeout", true, 0, 86400, "seconds"},
    {"--run-timeout", true, 0, 604800, "seconds"},
    {"--attempt-duration", false, 0, 31'536'000, "seconds"},
    {"--seed", false, 0, k_u64_max, ""},
    {"--max-attempts-shown", false, 1, 100'000, "attempts"},
    {"--burst", false, 1, 1'000'000'000'000, "messages"},
    {"--max-samples", false, 1, 1'000'000, "queues", "check"},
    {"--jobs", false, 1, 256, "threads", "check"},
    {"--chart-width", false, static_cast<std::uint64_t>(report::k_min_chart_width), 1000, "columns", "timeline"},
};

const NumericFlag& numeric_flag(std::string_view name) {
  for (const auto& f : k_numeric_flags) {
    if (f.name == name) {
      return f;
    }
  }
  throw std::logic_error("no numeric flag " + std::string(name));
}

[[noreturn]] void reject(const NumericFlag& f, const std::string& text) {
  throw UsageError(std::string(f.name) + " " + text + ": expected " + range_text(f));
}

std::uint64_t parse_integer(const NumericFlag& f, const std::string& text) {
  std::uint64_t value = 0;
  // from_chars takes no sign, no space and no base prefix, and reports overflow.
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || value < f.min || value > f.max) {
    reject(f, text);
  }
  return value;
}

double parse_decimal(const NumericFlag& f, const std::string& text) {
  double value = 0;
  // from_chars takes no '+', no space and no hex; it does take "-", "inf"
  // and "nan", which the range check refuses.
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || !std::isfinite(value) ||
      !(value > 0) || value > static_cast<double>(f.max)) {
    reject(f, text);
  }
  return value;
}

std::string help_with_range(const NumericFlag& f, const std::string& help) { return help + "; " + range_text(f); }

// A default shown in --help like CLI11's own: "60", not "60.000000".
std::string default_text(double value) {
  std::string text = std::to_string(value);
  text.erase(text.find_last_not_of('0') + 1);
  if (text.back() == '.') {
    text.pop_back();
  }
  return text;
}

CLI::Option* add_text_option(CLI::App* cmd, const NumericFlag& f, const std::function<void(const std::string&)>& assign,
                             const std::string& help) {
  CLI::Option* option = cmd->add_option_function<std::string>(std::string(f.name), assign, help_with_range(f, help));
  return option->type_name(f.decimal ? "NUMBER" : "INT");
}

}  // namespace

const std::vector<NumericFlag>& numeric_flags() { return k_numeric_flags; }

std::string range_text(const NumericFlag& f) {
  const std::string unit = f.unit.empty() ? "" : " (" + std::string(f.unit) + ")";
  if (f.decimal) {
    return "a number above 0 and at most " + std::to_string(f.max) + unit;
  }
  return "an integer from " + std::to_string(f.min) + " to " + std::to_string(f.max) + unit;
}

std::uint64_t parse_integer_flag(std::string_view name, const std::string& text) {
  return parse_integer(numeric_flag(name), text);
}

double parse_decimal_flag(std::string_view name, const std::string& text) {
  return parse_decimal(numeric_flag(name), text);
}

// Each option keeps the text CLI11 collected and converts it in its callback:
// CLI11's own conversion would let "-5" wrap around and "nan" through.
CLI::Option* add_numeric_option(CLI::App* cmd, std::string_view name, std::uint64_t& target, const std::string& help) {
  const NumericFlag& f = numeric_flag(name);
  return add_text_option(
             cmd, f, [&target, &f](const std::string& text) { target = parse_integer(f, text); }, help)
      ->default_str(std::to_string(target));
}

CLI::Option* add_numeric_option(CLI::App* cmd, std::string_view name, std::optional<std::uint64_t>& target,
                                const std::string& help) {
  const NumericFlag& f = numeric_flag(name);
  return add_text_option(
      cmd, f, [&target, &f](const std::string& text) { target = parse_integer(f, text); }, help);
}

CLI::Option* add_numeric_option(CLI::App* cmd, std::string_view name, int& target, const std::string& help) {
  const NumericFlag& f = numeric_flag(name);
  return add_text_option(
             cmd, f, [&target, &f](const std::string& text) { target = static_cast<int>(parse_integer(f, text)); },
             help)
      ->default_str(std::to_string(target));
}

CLI::Option* add_numeric_option(CLI::App* cmd, std::string_view name, std::optional<double>& target,
                                const std::string& help) {
  const NumericFlag& f = numeric_flag(name);
  return add_text_option(
      cmd, f, [&target, &f](const std::string& text) { target = parse_decimal(f, text); }, help);
}

CLI::Option* add_numeric_option(CLI::App* cmd, std::string_view name, double& target, const std::string& help) {
  const NumericFlag& f = numeric_flag(name);
  return add_text_option(
             cmd, f, [&target, &f](const std::string& text) { target = parse_decimal(f, text); }, help)
      ->default_str(default_text(target));
}

namespace {

bool format_offered(const report::FormatInfo& f, FormatChoice choice) {
  switch (choice) {
    case FormatChoice::check: return f.users.check;
    case FormatChoice::timeline: return f.users.timeline;
    case FormatChoice::explain: return f.users.explain;
  }
  return false;
}

}  // namespace

void add_format_option(CLI::App* cmd, std::string& format, FormatChoice choice) {
  std::vector<std::string> names;
  std::string help = "Output format:";
  for (const auto& f : report::formats()) {
    if (!format_offered(f, choice)) {
      continue;
    }
    names.emplace_back(f.name);
    help += std::string(names.size() == 1 ? " " : "; ") + std::string(f.name) + " (" + std::string(f.description) + ")";
  }
  cmd->add_option("-f,--format", format, help)->check(CLI::IsMember(names))->capture_default_str();
}

void add_color_option(CLI::App* cmd, std::string& color) {
  const std::vector<std::string> settings(k_color_settings.begin(), k_color_settings.end());
  cmd->add_option("--color", color,
                  "Color severities: auto (standard output is a terminal and NO_COLOR is unset), "
                  "always, never")
      ->check(CLI::IsMember(settings));
}

simulate::TimelineOptions SimulationFlags::timeline_options() const {
  simulate::TimelineOptions t;
  t.attempt_duration_seconds = attempt_duration;
  t.seed = seed;
  t.max_attempts_shown = static_cast<std::size_t>(max_attempts_shown);
  t.burst = burst;
  return t;
}

void add_simulation_options(CLI::App* cmd, SimulationFlags& f) {
  add_numeric_option(cmd, "--attempt-duration", f.attempt_duration,
                     "Seconds each delivery attempt takes before failing");
  add_numeric_option(cmd, "--seed", f.seed, "Draw one reproducible jitter realization instead of the envelope");
  add_numeric_option(cmd, "--max-attempts-shown", f.max_attempts_shown,
                     "Attempts listed before the periodic tail is summarized");
  add_numeric_option(cmd, "--burst", f.burst, "Messages due together for the max_message_rate preview");
}

void add_policy_run_flags(CLI::App* cmd, PolicyRunFlags& f) {
  cmd->add_option("--lua-path", f.lua_path,
                  "Another directory for require, also readable (repeatable); /opt/kumomta/share (KumoMTA's "
                  "policy-extras) is searched after these when it exists");
  cmd->add_option("--allow-read", f.allow_read,
                  "A file or directory the policy may read besides its own directory (repeatable)");
  cmd->add_option("--map-path", f.map_path,
                  "FROM=TO (repeatable): reads under the absolute directory FROM, a path the policy names as "
                  "installed (/opt/kumomta/etc/policy), come from the directory TO (relative to the working "
                  "directory) instead; TO becomes readable")
      ->type_name("FROM=TO");
  cmd->add_option("--dns", f.dns,
                  "DNS answers for kumo.dns.lookup_* (and getent through io.popen), one record per line as dig "
                  "prints them: NAME [TTL] [IN] MX|A|AAAA|TXT|PTR DATA; without it those calls degrade (KQ914)")
      ->type_name("FILE");
  cmd->add_option("--env", f.env,
                  "What os.getenv sees, nothing else (repeatable): NAME=VALUE, or NAME to pass the real "
                  "environment's NAME through");
  add_numeric_option(cmd, "--max-instructions", f.max_instructions,
                     "Lua instruction budget for loading and for each handler call");
  add_numeric_option(cmd, "--max-memory", f.max_memory_mib, "Memory limit of the Lua state");
  add_numeric_option(cmd, "--timeout", f.timeout_seconds,
                     "Wall-clock limit in seconds for loading the policy and for each handler call");
  add_numeric_option(cmd, "--run-timeout", f.run_timeout_seconds,
                     "Wall-clock limit in seconds for the whole run, all queues (default: none); queues after it "
                     "are reported KQ912 unevaluated");
}

namespace {

// --map-path FROM=TO: FROM absolute (it names where kumod would find the
// file), TO any directory; both normalized so a mapping matches however
// the policy spells the path.
lua::HostOptions::PathMap parse_path_map(const std::string& entry) {
  const auto eq = entry.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == entry.size()) {
    throw UsageError("--map-path " + entry + ": expected FROM=TO, e.g. /opt/kumomta/etc/policy=deploy/policy");
  }
  std::filesystem::path from(entry.substr(0, eq));
  if (!from.is_absolute()) {
    throw UsageError("--map-path " + entry + ": FROM must be an absolute directory, as the policy names it");
  }
  std::string to = entry.substr(eq + 1);
  std::error_code ec;
  if (!std::filesystem::is_directory(to, ec)) {
    throw UsageError("--map-path " + entry + ": TO (" + to + ") is not a directory");
  }
  std::string normalized = from.lexically_normal().string();
  while (normalized.size() > 1 && normalized.back() == '/') {
    normalized.pop_back();
  }
  return {normalized, to};
}

}  // namespace

lua::HostOptions host_options(const PolicyRunFlags& f) {
  lua::HostOptions o;
  o.lua_path = f.lua_path;
  o.allow_read = f.allow_read;
  for (const auto& entry : f.map_path) {
    o.map_path.push_back(parse_path_map(entry));
  }
  if (!f.dns.empty()) {
    auto zone = values::parse_dns_fixture(read_text_file(f.dns, "DNS file"));
    if (!zone) {
      throw UsageError("--dns " + f.dns + ":" + zone.error());
    }
    o.dns = std::make_shared<const values::DnsZone>(std::move(*zone));
  }
  for (const auto& entry : f.env) {
    const auto eq = entry.find('=');
    const std::string name = entry.substr(0, eq);
    if (name.empty()) {
      throw UsageError("--env " + entry + ": expected NAME=VALUE or NAME (a variable to pass through)");
    }
    if (eq != std::string::npos) {
      o.env[name] = entry.substr(eq + 1);
    } else if (const char* real = std::getenv(name.c_str())) {
      // Read now, so the sandbox never needs the real environment: the
      // policy sees exactly the variables the command line names.
      o.env[name] = real;
    }
  }
  o.max_instructions = f.max_instructions;
  o.max_memory = static_cast<std::size_t>(f.max_memory_mib) << 20;
  o.timeout_seconds = f.timeout_seconds;
  o.run_timeout_seconds = f.run_timeout_seconds;
  return o;
}

}  // namespace kumo::cli
