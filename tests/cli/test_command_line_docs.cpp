// The man page and the shell completions are written by hand; these tests
// hold them to the command table (cli::command_line(), read from the parser
// run() builds), so a flag added, renamed or removed there fails here until
// the docs say the same.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cli/run.hpp"
#include "tests/support/run_cli.hpp"

using kumo::cli::CommandSpec;
using kumo::test::read_source_file;

namespace {

using Words = std::set<std::string>;

Words long_names_of(const CommandSpec& command) {
  Words names;
  for (const auto& option : command.options) {
    for (const auto& name : option.names) {
      if (name.rfind("--", 0) == 0) {
        names.insert(name);
      }
    }
  }
  return names;
}

Words short_names_of(const CommandSpec& command) {
  Words names;
  for (const auto& option : command.options) {
    for (const auto& name : option.names) {
      if (name.rfind("--", 0) != 0) {
        names.insert(name);
      }
    }
  }
  return names;
}

Words every_long_name(const std::vector<CommandSpec>& commands) {
  Words names;
  for (const auto& c : commands) {
    const Words mine = long_names_of(c);
    names.insert(mine.begin(), mine.end());
  }
  return names;
}

// Every long flag a text names: "--", a lowercase letter, then lowercase
// letters, digits and dashes, not inside a longer word.
Words long_flags_named_in(const std::string& text) {
  static const std::regex flag(R"((^|[^A-Za-z0-9_-])(--[a-z][a-z0-9-]*))");
  Words found;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), flag); it != std::sregex_iterator(); ++it) {
    found.insert((*it)[2].str());
  }
  return found;
}

// Whether `word` stands alone in `text` ("json" is not in "jsonl").
bool names_word(const std::string& text, const std::string& word) {
  const auto is_word_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'; };
  for (auto at = text.find(word); at != std::string::npos; at = text.find(word, at + 1)) {
    const bool starts = at == 0 || !is_word_char(text[at - 1]);
    const bool ends = at + word.size() == text.size() || !is_word_char(text[at + word.size()]);
    if (starts && ends) {
      return true;
    }
  }
  return false;
}

// The man page as a reader sees its words: roff's escaped dashes plain,
// font changes and no-hyphenation marks gone.
std::string man_page_words() {
  std::string text = read_source_file("docs/kumo-lint.1");
  text = std::regex_replace(text, std::regex(R"(\\f[BIRP])"), "");
  text = std::regex_replace(text, std::regex(R"(\\%)"), "");
  return std::regex_replace(text, std::regex(R"(\\-)"), "-");
}

// How a completion file says which lines belong to which subcommand.
enum class Blocks {
  case_arms,       // bash and zsh: an arm "check)" or "(check)" up to the next line indented no deeper
  fish_conditions  // fish: each line "-n '__fish_seen_subcommand_from check timeline'"
};

struct CompletionFile {
  std::string path;
  Blocks blocks;
};

const std::vector<CompletionFile> k_completion_files = {
    {"docs/completions/kumo-lint.bash", Blocks::case_arms},
    {"docs/completions/_kumo-lint", Blocks::case_arms},
    {"docs/completions/kumo-lint.fish", Blocks::fish_conditions},
};

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::string::size_type start = 0;
  while (start < text.size()) {
    const auto end = text.find('\n', start);
    lines.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    start = end == std::string::npos ? text.size() : end + 1;
  }
  return lines;
}

// fish names flags apart from their dashes ("complete ... -s f -l format"):
// written as typed ("-f --format"). Only in `complete` lines: `set -l` is
// fish's own.
std::string fish_flags_as_typed(const std::string& text) {
  std::string typed;
  for (const auto& line : lines_of(text)) {
    if (line.rfind("complete ", 0) != 0) {
      typed += line + "\n";
      continue;
    }
    const std::string longs = std::regex_replace(line, std::regex(R"(-l ([a-z][a-z0-9-]*))"), "--$1");
    typed += std::regex_replace(longs, std::regex(R"(-s ([A-Za-z])\b)"), "-$1") + "\n";
  }
  return typed;
}

std::size_t indentation(const std::string& line) { return line.find_first_not_of(' '); }

// Each subcommand's case arm, and in "" what is outside every arm.
std::map<std::string, std::string> case_arm_blocks(const std::string& text, const Words& commands) {
  static const std::regex arm(R"(^ *\(?([a-z]+)\)\s*$)");
  std::map<std::string, std::string> blocks;
  std::string current;
  std::size_t current_indent = 0;
  for (const auto& line : lines_of(text)) {
    std::smatch m;
    const bool blank = line.find_first_not_of(" \t") == std::string::npos;
    if (!current.empty() && !blank && indentation(line) <= current_indent) {
      current.clear();
    }
    if (std::regex_match(line, m, arm) && commands.count(m[1].str()) != 0) {
      current = m[1].str();
      current_indent = indentation(line);
    }
    blocks[current] += line + "\n";
  }
  return blocks;
}

// Each subcommand's lines, and in "" the lines that name none.
std::map<std::string, std::string> fish_condition_blocks(const std::string& text, const Words& commands) {
  static const std::regex condition(R"(-n '__fish_seen_subcommand_from ([a-z ]+)')");
  std::map<std::string, std::string> blocks;
  for (const auto& line : lines_of(text)) {
    std::smatch m;
    if (!std::regex_search(line, m, condition)) {
      blocks[""] += line + "\n";
      continue;
    }
    std::istringstream names(m[1].str());
    for (std::string name; names >> name;) {
      CHECK(commands.count(name) == 1);
      blocks[name] += line + "\n";
    }
  }
  return blocks;
}

Words subcommand_names(const std::vector<CommandSpec>& commands) {
  Words names;
  for (const auto& c : commands) {
    if (!c.name.empty()) {
      names.insert(c.name);
    }
  }
  return names;
}

// Every value a --format of any command takes.
Words every_format(const std::vector<CommandSpec>& commands) {
  Words formats;
  for (const auto& c : commands) {
    for (const auto& option : c.options) {
      if (std::find(option.names.begin(), option.names.end(), "--format") != option.names.end()) {
        formats.insert(option.choices.begin(), option.choices.end());
      }
    }
  }
  return formats;
}

// One subcommand's part of a completion file offers exactly its flags and,
// for a flag with a fixed set of values, those values (in its part or in
// the file's shared part); no format another command has and it lacks.
void check_completion_block(const CommandSpec& command, const std::string& block, const std::string& shared,
                            const Words& formats) {
  INFO("command " << command.name);
  CHECK(long_flags_named_in(block) == long_names_of(command));
  for (const auto& name : short_names_of(command)) {
    CHECK(names_word(block, name));
  }
  Words own_formats;
  for (const auto& option : command.options) {
    for (const auto& choice : option.choices) {
      INFO("value " << choice << " of " << option.names.back());
      CHECK((names_word(block, choice) || names_word(shared, choice)));
    }
    if (std::find(option.names.begin(), option.names.end(), "--format") != option.names.end()) {
      own_formats.insert(option.choices.begin(), option.choices.end());
    }
  }
  for (const auto& format : formats) {
    if (own_formats.count(format) == 0) {
      INFO("format " << format << " is not " << command.name << "'s");
      CHECK_FALSE(names_word(block, format));
    }
  }
}

}  // namespace

TEST_CASE("the command line's description lists every subcommand and its flags", "[cli][docs]") {
  const auto commands = kumo::cli::command_line();
  REQUIRE(commands.size() >= 4);
  CHECK(commands[0].name.empty());
  CHECK(long_names_of(commands[0]) == Words{"--help", "--version"});
  CHECK(commands[1].name == "check");
  CHECK(long_names_of(commands[1]).count("--fail-level") == 1);
  const auto& format = *std::find_if(commands[1].options.begin(), commands[1].options.end(),
                                     [](const auto& o) { return o.names.back() == "--format"; });
  CHECK(format.names == std::vector<std::string>{"-f", "--format"});
  CHECK(format.takes_value);
  CHECK(std::find(format.choices.begin(), format.choices.end(), "sarif") != format.choices.end());
}

TEST_CASE("the man page documents every subcommand, flag and format, and no other flag", "[cli][docs]") {
  const auto commands = kumo::cli::command_line();
  const std::string man = man_page_words();
  for (const auto& command : commands) {
    INFO("command " << (command.name.empty() ? "kumo-lint" : command.name));
    if (!command.name.empty()) {
      std::string heading = ".SH " + command.name + " OPTIONS";
      std::transform(heading.begin() + 4, heading.end(), heading.begin() + 4, ::toupper);
      CHECK(man.find(heading + "\n") != std::string::npos);
    }
    for (const auto& option : command.options) {
      for (const auto& name : option.names) {
        INFO("option " << name);
        CHECK(names_word(man, name));
      }
      for (const auto& choice : option.choices) {
        INFO("value " << choice << " of " << option.names.back());
        CHECK(names_word(man, choice));
      }
    }
  }
  const Words known = every_long_name(commands);
  for (const auto& flag : long_flags_named_in(man)) {
    INFO("the man page names " << flag);
    CHECK(known.count(flag) == 1);
  }
}

TEST_CASE("each shell completion offers exactly each subcommand's flags and values", "[cli][docs]") {
  const auto file = GENERATE(from_range(k_completion_files));
  INFO(file.path);
  const auto commands = kumo::cli::command_line();
  const Words names = subcommand_names(commands);
  std::string text = read_source_file(file.path);
  if (file.blocks == Blocks::fish_conditions) {
    text = fish_flags_as_typed(text);
  }
  auto blocks = file.blocks == Blocks::case_arms ? case_arm_blocks(text, names) : fish_condition_blocks(text, names);

  const Words known = every_long_name(commands);
  for (const auto& flag : long_flags_named_in(text)) {
    INFO("the file names " << flag);
    CHECK(known.count(flag) == 1);
  }
  for (const auto& option : commands[0].options) {
    CHECK(names_word(blocks[""], option.names.back()));
  }
  const Words formats = every_format(commands);
  for (const auto& command : commands) {
    if (!command.name.empty()) {
      CHECK(names_word(blocks[""], command.name));
      check_completion_block(command, blocks[command.name], blocks[""], formats);
    }
  }
}

TEST_CASE("the version text names the version and the KumoMTA commit it models", "[cli]") {
  const auto r = kumo::test::run_cli({"--version"});
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK_THAT(r.out, Catch::Matches(
                        R"(kumo-lint \d+\.\d+\.\d+ \(models KumoMTA at commit [0-9a-f]{12} of \d{4}-\d{2}-\d{2}\)\n)"));
  CHECK(r.out == kumo::cli::version_text() + "\n");
}
