// The errors that end a run, caught once in run().
#pragma once

#include <stdexcept>
#include <string>

namespace kumo::cli {

// Bad input from the user: a flag value or a file we cannot read (exit 2).
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace kumo::cli
