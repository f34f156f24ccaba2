// The state shared by every field conversion of one make_queue_config call:
// the findings so far and whether KumoMTA would reject the table.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/diag/codes.hpp"
#include "core/values/duration.hpp"
#include "core/values/lua_value.hpp"

namespace kumo::config {

class Converter {
 public:
  std::vector<diag::Diagnostic> findings;
  bool failed = false;     // KumoMTA would reject the table
  std::string kumo_error;  // KumoMTA's message for the first rejection

  // A problem KumoMTA itself rejects; `kumo_detail` is its wording.
  void reject(diag::Code code, std::string key, std::string message, std::string kumo_detail);
  // A finding of ours about a value KumoMTA accepts.
  void flag(diag::Code code, std::string key, std::string message);

  // Rejects `v` as the wrong type; `expected_ours` is for people,
  // `expected_serde` is serde's "expected ..." phrase.
  void wrong_type(const std::string& key, const lua::Value& v, std::string_view expected_ours,
                  std::string_view expected_serde);
  // Rejects functions, coroutines and foreign userdata; true if it did.
  bool reject_unsupported(const std::string& key, const lua::Value& v);

  // Each reads one value of a Rust type the way serde does, or rejects it.
  std::optional<values::Duration> duration(const std::string& key, const lua::Value& v);
  std::optional<std::string> string(const std::string& key, const lua::Value& v);
  std::optional<bool> boolean(const std::string& key, const lua::Value& v);
  std::optional<std::uint64_t> unsigned_integer(const std::string& key, const lua::Value& v, std::uint64_t max,
                                                std::string_view rust_type);
  // Index of the unit variant named by `v` in `names`.
  std::optional<std::size_t> variant(const std::string& key, const lua::Value& v,
                                     const std::vector<std::string_view>& names);

  // The string-keyed entries of a struct table, as (path, value) pairs.
  // Non-string keys are rejected; unknown keys are rejected when
  // `deny_unknown`, else flagged as silently ignored.
  std::vector<std::pair<std::string, const lua::Value*>> fields(const std::string& where, const lua::Table& t,
                                                                const std::vector<std::string_view>& known,
                                                                bool deny_unknown);
};

}  // namespace kumo::config
