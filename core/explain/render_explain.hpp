// Explanations to text or JSON. Pure functions: they return strings and
// never print.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/explain/explain.hpp"
#include "core/report/render.hpp"

namespace kumo::explain {

// --- Pure renderers ---

// One value: a header line (the quoted input, its kind, "invalid" when it
// is), then indented facts or the error.
std::string format_explanation_text(const Explanation& e);
// Every value, separated by blank lines.
std::string format_explanations_text(const std::vector<Explanation>& values);

// One value as a JSON object: input, kind, valid, error (null when valid)
// and, when valid, the fields of its kind (docs/usage.md lists them).
nlohmann::json explanation_json(const Explanation& e);
// {"format_version":1,"values":[...]}, indented by 2, with a final newline.
std::string format_explanations_json(const std::vector<Explanation>& values);

// Dispatches on `format` (the --format names come from report::formats()).
std::string render_explanations(const std::vector<Explanation>& values, report::Format format);

}  // namespace kumo::explain
