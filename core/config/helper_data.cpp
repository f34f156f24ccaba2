#include "core/config/helper_data.hpp"

#include <algorithm>

#include "core/config/queue_helper_data.hpp"
#include "core/config/sources_helper_data.hpp"
#include "core/diag/codes.hpp"

namespace kumo::config {

namespace {

struct HelperShape {
  bool (*matches)(const lua::Value& root);
  std::vector<diag::Diagnostic> (*check)(const lua::Value& root, const DataLocator& where);
};

// A file with both shapes is checked as both: each helper then also
// reports the other's top-level keys, which it refuses.
constexpr HelperShape k_helper_shapes[] = {
    {is_queue_helper_data, check_queue_helper_data},
    {is_sources_helper_data, check_sources_helper_data},
};

}  // namespace

std::string data_section_label(const DataPath& path) {
  std::string out = "[" + path.front();
  for (std::size_t i = 1; i < path.size(); ++i) {
    out += ".'" + path[i] + "'";
  }
  return out + "]";
}

std::string data_section_name(const DataPath& path) {
  return path.empty() ? "at the top level" : "in " + data_section_label(path);
}

diag::Diagnostic data_finding(diag::Code code, const DataPath& at, std::string message, const DataLocator& where) {
  auto d = diag::make_diagnostic(code, std::move(message), where(at));
  std::string key;
  for (const auto& part : at) {
    key += (key.empty() ? "" : ".") + part;
  }
  d.key = key;
  return d;
}

lua::Value data_table(std::vector<std::pair<std::string, lua::Value>> entries) {
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  auto table = std::make_shared<lua::Table>();
  for (auto& [key, value] : entries) {
    table->entries.push_back({lua::Value::make_string(key), std::move(value)});
  }
  lua::Value v;
  v.kind = lua::Value::Kind::table;
  v.table = table;
  return v;
}

std::vector<diag::Diagnostic> check_helper_data(const lua::Value& root, const DataLocator& where) {
  std::vector<diag::Diagnostic> out;
  for (const auto& shape : k_helper_shapes) {
    if (shape.matches(root)) {
      auto found = shape.check(root, where);
      out.insert(out.end(), std::make_move_iterator(found.begin()), std::make_move_iterator(found.end()));
    }
  }
  return out;
}

}  // namespace kumo::config
