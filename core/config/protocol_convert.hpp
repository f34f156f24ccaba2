// The untagged `protocol` value (reference §5): variants tried in KumoMTA's
// order, the first that fits wins. Unlike KumoMTA's bare "did not match any
// variant", the findings say which variant was meant and what is wrong.
#pragma once

#include <optional>
#include <string>

#include "core/config/converter.hpp"
#include "core/config/queue_config.hpp"

namespace kumo::config {

// Converts `v` (the value under `key`) into a Protocol, or records why not.
std::optional<Protocol> convert_protocol(Converter& c, const std::string& key, const lua::Value& v);

}  // namespace kumo::config
