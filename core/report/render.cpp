#include "core/report/render.hpp"

#include "core/config/serialize.hpp"
#include "core/util/text.hpp"

namespace kumo::report {

std::unique_ptr<ReportSink> make_text_sink(std::ostream& out, std::ostream& err, RenderOptions options);
std::unique_ptr<ReportSink> make_json_sink(std::ostream& out);

namespace {

void cut_strings(nlohmann::json& value) {
  if (value.is_string()) {
    auto& text = value.get_ref<std::string&>();
    if (text.size() > diag::k_max_message_bytes) {
      text = util::cut_text(text, diag::k_max_message_bytes);
    }
  } else if (value.is_structured()) {
    for (auto& member : value) {
      cut_strings(member);
    }
  }
}

}  // namespace

nlohmann::json config_json(const config::QueueConfig& c) {
  nlohmann::json value = config::to_kumo_json(c);
  cut_strings(value);
  return value;
}

const std::vector<FormatInfo>& formats() {
  static const std::vector<FormatInfo> table = {
      {Format::text, "text", "gcc-style findings, then each queue's normalized config (default)"},
      {Format::json, "json", "one JSON document: results, diagnostics, logs, summary"},
  };
  return table;
}

std::unique_ptr<ReportSink> make_sink(Format format, std::ostream& out, std::ostream& err, RenderOptions options) {
  switch (format) {
    case Format::text: return make_text_sink(out, err, options);
    case Format::json: return make_json_sink(out);
  }
  return make_text_sink(out, err, options);
}

}  // namespace kumo::report
