// The data files of KumoMTA's helpers (queues.toml for policy-extras/queue.lua,
// sources.toml for policy-extras/sources.lua), told apart by their shape and
// checked as the helper reads them. One entry point for the file loaders.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/diag/codes.hpp"
#include "core/diag/diagnostic.hpp"
#include "core/values/lua_value.hpp"

namespace kumo::config {

// Where the value at a key path of the data file was written; the file's
// own location (line 0) when the path is not known.
using DataLocator = std::function<diag::Location(const std::vector<std::string>& key_path)>;

// The findings for a parsed data file, whichever helper's shape it has
// (none when it has neither), each located by `where`.
std::vector<diag::Diagnostic> check_helper_data(const lua::Value& root, const DataLocator& where);

// --- Building blocks of the helpers' checkers ---

using DataPath = std::vector<std::string>;

// "[queue.'gmail.com'.'acme']": a non-empty path as its section is written.
// A TOML table (section or inline table) or a JSON object, as the value model holds it.
inline bool is_table(const lua::Value& v) { return v.kind == lua::Value::Kind::table; }

std::string data_section_label(const DataPath& path);

// "in [queue.'gmail.com'.'acme']", or "at the top level".
std::string data_section_name(const DataPath& path);

// A finding about the value at `at`, placed by `where`, its key the dotted path.
diag::Diagnostic data_finding(diag::Code code, const DataPath& at, std::string message, const DataLocator& where);

// A table of string keys, its entries ordered as read_value orders them.
lua::Value data_table(std::vector<std::pair<std::string, lua::Value>> entries);

}  // namespace kumo::config
