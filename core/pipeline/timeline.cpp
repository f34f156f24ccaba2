#include "core/pipeline/timeline.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <limits>
#include <memory>

#include "core/config/convert.hpp"
#include "core/pipeline/check.hpp"

namespace kumo::pipeline {

namespace {

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A throttle spec is always a string; "100" must reach the converter as the
// string kumod would reject, not as an integer (an integer is a type error).
lua::Value value_of(const Setting& s) {
  return s.key == "max_message_rate" ? lua::Value::make_string(s.value) : setting_value(s.value);
}

// A string-keyed Lua table; entries sorted bytewise, as lua::Table requires.
lua::Value table_of(const std::vector<Setting>& settings) {
  auto table = std::make_shared<lua::Table>();
  for (const auto& s : settings) {
    table->entries.push_back({lua::Value::make_string(s.key), value_of(s)});
  }
  std::sort(table->entries.begin(), table->entries.end(),
            [](const lua::TableEntry& a, const lua::TableEntry& b) { return a.key.string < b.key.string; });
  lua::Value v;
  v.kind = lua::Value::Kind::table;
  v.table = std::move(table);
  return v;
}

}  // namespace

const std::vector<std::string_view>& timeline_setting_keys() {
  static const std::vector<std::string_view> keys = {"retry_interval", "max_retry_interval", "max_age",
                                                     "max_message_rate"};
  return keys;
}

lua::Value setting_value(std::string_view text) {
  if (!all_digits(text)) {
    return lua::Value::make_string(std::string(text));
  }
  const std::string digits(text);
  errno = 0;
  char* end = nullptr;
  const unsigned long long n = std::strtoull(digits.c_str(), &end, 10);
  if (errno == 0 && n <= static_cast<unsigned long long>(std::numeric_limits<std::int64_t>::max())) {
    return lua::Value::make_integer(static_cast<std::int64_t>(n));
  }
  lua::Value v;
  v.kind = lua::Value::Kind::floating;
  v.number = std::strtod(digits.c_str(), nullptr);
  return v;
}

SettingsTimeline timeline_from_settings(const std::vector<Setting>& settings, const simulate::TimelineOptions& options,
                                        const std::string& source) {
  config::ConversionResult converted = config::convert_queue_config(table_of(settings));
  SettingsTimeline out;
  out.diagnostics = std::move(converted.findings);
  out.config = std::move(converted.config);
  if (out.config) {
    TimelineResult result = evaluate_timeline(*out.config, options);
    out.timeline = std::move(result.timeline);
    out.diagnostics.insert(out.diagnostics.end(), result.findings.begin(), result.findings.end());
  }
  for (auto& d : out.diagnostics) {
    d.location = diag::Location{source, 0, std::nullopt};
  }
  std::stable_sort(out.diagnostics.begin(), out.diagnostics.end(), diag::diagnostic_less);
  return out;
}

}  // namespace kumo::pipeline
