// --color auto|always|never, the same for every command.
#pragma once

#include <unistd.h>

#include <array>
#include <cstdlib>
#include <iostream>
#include <string_view>

namespace kumo::cli {

// The values of --color, declared once.
inline constexpr std::array<std::string_view, 3> k_color_settings = {"auto", "always", "never"};

// Everything `auto` depends on besides the setting, gathered so that the
// decision itself is a pure function tests can call for any situation,
// including a terminal they cannot create.
struct ColorContext {
  bool writes_to_std_cout = false;  // the output stream is std::cout itself
  bool stdout_is_terminal = false;  // isatty(STDOUT_FILENO)
  bool no_color = false;            // NO_COLOR is set
};

// "always" colors and "never" does not. "auto" colors only output that goes
// to std::cout when standard output is a terminal and NO_COLOR is unset:
// asking about stdout alone would color text bound for a string stream (or
// a file) whenever the process happens to run in a terminal.
constexpr bool color_decision(std::string_view setting, const ColorContext& context) {
  if (setting != "auto") {
    return setting == "always";
  }
  return context.writes_to_std_cout && context.stdout_is_terminal && !context.no_color;
}

// The decision for output written to `out` by this process.
inline bool use_color(std::string_view setting, const std::ostream& out) {
  ColorContext context;
  context.writes_to_std_cout = &out == &std::cout;
  context.stdout_is_terminal = isatty(STDOUT_FILENO) != 0;
  context.no_color = std::getenv("NO_COLOR") != nullptr;
  return color_decision(setting, context);
}

}  // namespace kumo::cli
