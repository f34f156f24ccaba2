// An inline policy loaded in its own host, for the tests of the sandbox and
// of kumo's functions.
#pragma once

#include <optional>
#include <string>
#include <utility>

#include "core/lua/host.hpp"
#include "core/values/queue_name.hpp"

namespace kumo::test {

// What most inline policies start with.
inline const std::string k_kumo_prelude = "local kumo = require 'kumo'\n";

struct LoadedPolicy {
  lua::PolicyHost host;
  lua::LoadResult result;
  explicit LoadedPolicy(const std::string& source, lua::HostOptions options = {},
                        const std::string& path = KUMO_LINT_SOURCE_DIR "/testdata/inline.lua")
      : host(std::move(options)) {
    result = host.load(path, source);
  }
  // The text of the first finding of the top level, or "" when it loaded.
  std::string load_error() const { return result.diagnostics.empty() ? "" : result.diagnostics.front().message; }
  std::string load_code() const { return result.diagnostics.empty() ? "" : result.diagnostics.front().code; }
};

// The queue for `domain` with no tenant, campaign or routing domain.
inline values::QueueName queue(std::string domain) {
  return values::QueueName{std::nullopt, std::nullopt, std::move(domain), std::nullopt};
}

// The code of an evaluation's first finding, or "".
inline std::string first_code(const lua::Evaluation& ev) {
  return ev.diagnostics.empty() ? "" : ev.diagnostics.front().code;
}

}  // namespace kumo::test
