#include "cli/run.hpp"

namespace kumo::cli {

int run(const std::vector<std::string>&, std::ostream&, std::ostream&) { return 0; }

}  // namespace kumo::cli
