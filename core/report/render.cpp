#include "core/report/render.hpp"

namespace kumo::report {

std::unique_ptr<ReportSink> make_text_sink(std::ostream& out, std::ostream& err, RenderOptions options);
std::unique_ptr<ReportSink> make_json_sink(std::ostream& out);

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
