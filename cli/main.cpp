#include <iostream>

#include "cli/run.hpp"

int main(int argc, char** argv) {
  return kumo::cli::run(std::vector<std::string>(argv, argv + argc), std::cin, std::cout, std::cerr);
}
