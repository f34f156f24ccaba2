// --color auto|always|never, the same for every command.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <string>

namespace kumo::cli {

// True for "always", and for "auto" on a terminal without NO_COLOR.
inline bool use_color(const std::string& mode) {
  if (mode != "auto") {
    return mode == "always";
  }
  return std::getenv("NO_COLOR") == nullptr && isatty(STDOUT_FILENO) != 0;
}

}  // namespace kumo::cli
