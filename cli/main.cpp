#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "cli/run.hpp"

int main(int argc, char** argv) {
  // Output to a file or a pipe goes out in 256 KiB writes rather than
  // stdio's 4 KiB ones: a million queues of text is 700 MB, and a write
  // system call per few queues was a tenth of a run. A terminal keeps its
  // line buffering, so progress and logs on stderr stay in step with it.
  static char buffer[1 << 18];
  if (!isatty(STDOUT_FILENO)) {
    std::setvbuf(stdout, buffer, _IOFBF, sizeof buffer);
  }
  return kumo::cli::run(std::vector<std::string>(argv, argv + argc), std::cin, std::cout, std::cerr);
}
