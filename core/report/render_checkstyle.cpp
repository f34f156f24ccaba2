// --format checkstyle: Checkstyle's XML report, which reviewdog, Jenkins'
// warnings-ng and many editors read:
//   <checkstyle version="4.3"><file name="F"><error line="L" column="C"
//     severity="error" message="..." source="kumo-lint.KQnnn"/></file></checkstyle>
// One <file> per file with findings (the policy's always, so a clean run
// still names what was checked), files sorted by name; one <error> per
// finding and queue, its message naming the queue.
#include <algorithm>
#include <optional>
#include <set>

#include "core/report/render.hpp"

namespace kumo::report {

namespace {

std::string error_message(const diag::Diagnostic& d, const std::string& policy) {
  std::string text = d.message;
  if (d.queue) {
    text += " (queue " + display_queue_name(*d.queue) + ")";
  }
  if (!policy.empty()) {
    text += " " + policy;
  }
  if (!d.detail.empty() && d.detail != d.message) {
    // Our line break, kept in the attribute as a character reference.
    return xml_escape(text) + "&#10;" + xml_escape("kumod: " + d.detail);
  }
  return xml_escape(text);
}

std::string error_xml(const diag::Diagnostic& d, const std::string& policy) {
  std::string out = "    <error line=\"" + std::to_string(reported_line(d.location)) + "\"";
  if (d.location.line > 0 && d.location.column) {
    out += " column=\"" + std::to_string(*d.location.column) + "\"";
  }
  return out + " severity=\"" + diag::severity_name(d.severity) + "\" message=\"" + error_message(d, policy) +
         "\" source=\"kumo-lint." + xml_escape(d.code) + "\"/>\n";
}

// A finding as checkstyle holds it until the end: its file (as the
// repository names it) and the note of the policy whose run found it.
struct Held {
  std::string file;
  diag::Diagnostic finding;
  std::string policy;
};

bool held_less(const Held& a, const Held& b) {
  if (a.file != b.file) {
    return a.file < b.file;
  }
  return diag::diagnostic_less(a.finding, b.finding);
}

void append_held(std::string& run, const Held& h) {
  std::string record;
  util::put_text(record, h.file);
  append_encoded(record, h.finding);
  util::put_text(record, h.policy);
  util::put_text(run, record);
}

Held decode_held(std::string_view record) {
  util::ByteReader in(record);
  Held h;
  h.file = in.text();
  h.finding = decode_finding(in);
  h.policy = in.text();
  return h;
}

class CheckstyleSink : public ReportSink {
 public:
  CheckstyleSink(std::ostream& out, std::ostream& err, RenderOptions options)
      : m_out(out), m_err(err), m_options(std::move(options)) {}

  void begin(const std::string& policy_path) override {
    m_policy_files.insert(artifact_path(policy_path, m_options.paths));
    m_policy = policy_note(policy_path, m_options.policy_count);
  }

  void policy(const std::vector<diag::Diagnostic>& diagnostics, const std::vector<lua::LogLine>& logs) override {
    take(diagnostics, logs);
  }

  void queue(const QueueReport& r) override { take(r.diagnostics, r.logs); }

  void late(const std::vector<diag::Diagnostic>& diagnostics) override { take(diagnostics, {}); }

  void end(const Summary&) override {}

  // Files of every policy, each once (policies may share modules), sorted
  // by name; in each, its findings sorted, those at one place in run order.
  void finish(const Summary&) override {
    m_out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<checkstyle version=\"4.3\">\n";
    auto next_policy_file = m_policy_files.begin();
    std::optional<std::string> open_file;
    auto open = [&](const std::string& file) {
      // Policy files without findings come in their place, empty.
      for (; next_policy_file != m_policy_files.end() && *next_policy_file <= file; ++next_policy_file) {
        if (*next_policy_file != file) {
          m_out << "  <file name=\"" << xml_escape(*next_policy_file) << "\">\n  </file>\n";
        }
      }
      m_out << "  <file name=\"" << xml_escape(file) << "\">\n";
      open_file = file;
    };
    each_sorted([&](Held&& h) {
      if (open_file != h.file) {
        if (open_file) {
          m_out << "  </file>\n";
        }
        open(h.file);
      }
      m_out << error_xml(h.finding, h.policy);
    });
    if (open_file) {
      m_out << "  </file>\n";
    }
    for (; next_policy_file != m_policy_files.end(); ++next_policy_file) {
      m_out << "  <file name=\"" << xml_escape(*next_policy_file) << "\">\n  </file>\n";
    }
    m_out << "</checkstyle>\n";
  }

 private:
  void take(const std::vector<diag::Diagnostic>& diagnostics, const std::vector<lua::LogLine>& logs) {
    for (const auto& l : logs) {
      m_err << format_log(l);
    }
    for (const auto& d : diagnostics) {
      if (diag::is_active(d)) {
        m_held.push_back(Held{m_artifacts.of(d.location.file).path, d, m_policy});
        const Held& h = m_held.back();
        m_held_bytes += 512 + h.file.size() + d.location.file.size() + d.message.size() + d.detail.size() +
                        d.queue.value_or("").size() + d.key.value_or("").size() + h.policy.size();
        if (m_held_bytes > m_options.hold_bytes) {
          spill();
        }
      }
    }
  }

  // The findings held so far, sorted, as a run in the temporary file.
  void spill() {
    std::stable_sort(m_held.begin(), m_held.end(), held_less);
    std::string run;
    for (const auto& h : m_held) {
      append_held(run, h);
    }
    m_runs.add_run(std::move(run));
    m_held.clear();
    m_held_bytes = 0;
  }

  // Every finding in output order: one stable sort of all of them.
  template <typename Each>
  void each_sorted(Each each) {
    if (m_runs.empty()) {
      std::stable_sort(m_held.begin(), m_held.end(), held_less);
      for (auto& h : m_held) {
        each(std::move(h));
      }
    } else {
      spill();
      m_runs.merge<Held>(decode_held, held_less, each);
    }
  }

  std::ostream& m_out;
  std::ostream& m_err;
  RenderOptions m_options;
  std::set<std::string> m_policy_files;  // as artifact paths: shown even without findings
  ArtifactNames m_artifacts{m_options.paths};
  std::string m_policy;          // the current policy's note
  std::vector<Held> m_held;      // findings not yet spilled, in run order
  std::size_t m_held_bytes = 0;  // an estimate of what m_held holds
  util::SortedRuns m_runs;
};

}  // namespace

std::unique_ptr<ReportSink> make_checkstyle_sink(std::ostream& out, std::ostream& err, RenderOptions options) {
  return std::make_unique<CheckstyleSink>(out, err, std::move(options));
}

}  // namespace kumo::report
