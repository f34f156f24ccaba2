// kumo.make_egress_pool and kumo.make_egress_source tables (reference §6),
// accepted and rejected as KumoMTA does.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/diag/diagnostic.hpp"
#include "core/values/duration.hpp"
#include "core/values/lua_value.hpp"

namespace kumo::config {

struct EgressPoolEntry {
  std::string name;
  std::uint32_t weight = 1;
};

struct EgressPool {
  std::string name;
  std::vector<EgressPoolEntry> entries;
  values::Duration ttl{60, 0};
};

struct EgressSource {
  std::string name;
  // Every field in KumoMTA's serialized form (unset optionals null, ttl as
  // humantime), for reading the object back from Lua.
  nlohmann::json serialized;
};

template <class T>
struct Converted {
  std::optional<T> value;  // empty when KumoMTA would reject the table
  std::vector<diag::Diagnostic> findings;
  std::string kumo_error;
};

// --- Interface ---

Converted<EgressPool> convert_egress_pool(const lua::Value& params);
Converted<EgressSource> convert_egress_source(const lua::Value& params);

// The keys make_egress_source takes (EgressSource's fields).
const std::vector<std::string_view>& egress_source_keys();

// The pool as KumoMTA serializes it: {name, entries: [{name, weight}], ttl}.
nlohmann::json egress_pool_to_kumo_json(const EgressPool& pool);

}  // namespace kumo::config
