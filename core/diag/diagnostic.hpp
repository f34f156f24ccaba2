// A finding about the user's policy: data, never an exception.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <tuple>

namespace kumo::diag {

enum class Severity { error, warning, info };

// "error", "warning", "info".
const char* severity_name(Severity s);

// Where a finding points. line 0 means unknown and is never made up.
struct Location {
  std::string file;
  int line = 0;
  std::optional<int> column;

  friend bool operator==(const Location&, const Location&) = default;
};

struct Diagnostic {
  std::string code;  // stable, e.g. "KQ001"; see codes.hpp
  Severity severity = Severity::error;
  std::string message;  // lowercase, no trailing period, offending value quoted
  Location location;
  std::optional<std::string> queue;  // the sample queue it concerns, if any
  std::optional<std::string> key;    // config key path, e.g. "protocol.smtp.mx_list[2]"
  std::string detail;                // KumoMTA's own wording, when it differs; else empty
  // Covered by a `kumo-lint: disable` comment: kept in the results (JSON,
  // SARIF show it), never counted against the run.
  bool suppressed = false;
  // In the --baseline file given: an old finding, counted apart, never
  // failing the run.
  bool baselined = false;

  friend bool operator==(const Diagnostic&, const Diagnostic&) = default;
};

// a == b but for their queues (the same finding for another queue): every
// member above but `queue`; a member added there is added here. Not
// operator== on a copy: it runs per finding written (report/render_json.cpp).
inline bool same_but_queue(const Diagnostic& a, const Diagnostic& b) {
  return a.code == b.code && a.severity == b.severity && a.message == b.message && a.location == b.location &&
         a.key == b.key && a.detail == b.detail && a.suppressed == b.suppressed && a.baselined == b.baselined;
}

// Neither suppressed nor baselined: a finding that counts against the run.
inline bool is_active(const Diagnostic& d) { return !d.suppressed && !d.baselined; }

// How much policy-controlled text a finding may carry (docs/sandbox.md,
// "Output"): a policy chooses its error() messages, its chunk names (with
// load(s, name)), its table keys and its queue names, and any of them can
// be megabytes long.
inline constexpr std::size_t k_max_message_bytes = 4096;  // message and detail
inline constexpr std::size_t k_max_name_bytes = 1024;     // file names, queue names, key paths

// Cuts each text field of `d` to its limit with util::cut_text (which says
// how much was cut). Cutting twice changes nothing.
void cut_policy_text(Diagnostic& d);
void cut_policy_text(Location& l);

// Total order for output: file, line, column, code, message, queue, key.
bool diagnostic_less(const Diagnostic& a, const Diagnostic& b);

}  // namespace kumo::diag
