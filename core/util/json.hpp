// JSON text that never throws: bytes that are not UTF-8 (a policy's print, a
// queue name from a file) become U+FFFD instead of aborting the document.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace kumo::util {

// nlohmann's dump with `indent` (-1: compact) and invalid UTF-8 replaced.
inline std::string dump_json(const nlohmann::json& value, int indent = -1) {
  return value.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace kumo::util
