#include <unistd.h>

#include <iostream>
#include <optional>

#include "cli/run.hpp"
#include "core/util/gather_output.hpp"

int main(int argc, char** argv) {
  // Output to a file or a pipe goes out in writes of 256 KiB or more rather
  // than stdio's 4 KiB ones (a million queues of text is 700 MB, and a
  // system call per few queues was a tenth of a run), and the JSON sinks
  // lend it their cached text instead of copying it (util::GatherOutput).
  // A terminal keeps stdio's line buffering, so progress and logs on
  // stderr stay in step with it.
  std::optional<kumo::util::GatherOutput> gathered;
  std::streambuf* const stdout_buffer = std::cout.rdbuf();
  if (!isatty(STDOUT_FILENO)) {
    gathered.emplace(STDOUT_FILENO);
    std::cout.rdbuf(&*gathered);
  }
  const int status = kumo::cli::run(std::vector<std::string>(argv, argv + argc), std::cin, std::cout, std::cerr);
  std::cout.flush();
  std::cout.rdbuf(stdout_buffer);  // before `gathered` goes: std::cout is flushed again at exit
  return status;
}
