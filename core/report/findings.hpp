// What every renderer that is read by another program (a CI problem matcher,
// code scanning, a test report viewer) needs to say about one finding: the
// line to show, the file as an artifact of the repository, a fingerprint
// that survives edits, escaping for the target syntax, and identical
// findings of several queues merged into one. Pure functions and a plain
// container; no I/O.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "core/diag/diagnostic.hpp"
#include "core/util/spill.hpp"

namespace kumo::report {

// The tool as other programs name it (SARIF's tool.driver).
struct ToolInfo {
  std::string_view name;
  std::string_view version;   // the CMake project's VERSION
  std::string_view homepage;  // KUMO_LINT_HOMEPAGE (CMake cache variable)
};
const ToolInfo& tool_info();

// docs/diagnostics.md's section for `code` ("KQ001") on the homepage.
std::string code_help_uri(std::string_view code);

// How a finding's file is named to tools that open it in the repository.
struct ArtifactPaths {
  std::string working_directory;  // absolute; files under it are named relative to it. Empty: as given
  std::vector<std::pair<std::string, std::string>> map_path;  // --map-path: FROM (absolute) -> TO
};

// `file` as the repository knows it: a file under a --map-path FROM is
// named under its TO; an absolute path under the working directory is made
// relative; the result is lexically normal with '/' separators. Anything
// else (a path outside the working directory) stays absolute.
std::string artifact_path(const std::string& file, const ArtifactPaths& paths);

// artifact_path as an RFC 3986 URI reference: relative paths percent-encoded
// (':' too, so that no segment reads as a scheme), absolute ones "file://...".
std::string artifact_uri(const std::string& file, const ArtifactPaths& paths);

// artifact_path and artifact_uri of findings' files, remembered per name
// for a format that writes them per finding: findings come from a few
// files, and mapping a name takes std::filesystem's lexical work. Holds at
// most k_max_names (then starts over).
class ArtifactNames {
 public:
  struct Names {
    std::string path;
    std::string uri;
  };
  static constexpr std::size_t k_max_names = 256;

  explicit ArtifactNames(ArtifactPaths paths) : m_paths(std::move(paths)) {}
  // Valid until the next call.
  const Names& of(const std::string& file);

 private:
  ArtifactPaths m_paths;
  std::map<std::string, Names, std::less<>> m_names;
};

// The line a line-oriented format shows: the finding's own, else 1. The
// pipeline already places a finding at the call that produced its config
// when it knows no better; a line of 0 is left only where nothing is known
// (the built-in default config, a chunk name that is not a file, a queue
// name from the command line).
int reported_line(const diag::Location& location);

// "note" for info, else the severity's name: the word gcc and the problem
// matchers built on its output know.
std::string_view gcc_severity(diag::Severity s);

// A fingerprint of what the finding is, not where: FNV-1a 64 of code,
// artifact path, queue, key and message with the digits of every ":N"
// removed (a message that quotes "file.lua:12:" keeps its fingerprint when
// lines move), as 16 hex digits. Identical findings in one file get the
// same value; sarif numbers them (":1", ":2" in output order).
std::string finding_fingerprint(const diag::Diagnostic& d, const std::string& artifact);

// GitHub's workflow command escaping: in data (the message) '%' -> %25,
// CR -> %0D, LF -> %0A; in a property value also ':' -> %3A, ',' -> %2C.
std::string github_escape_data(std::string_view text);
std::string github_escape_property(std::string_view text);

// Text for an XML attribute value or element content: control characters,
// bytes that are not UTF-8 and the like escaped as for a terminal
// (util::escape_for_terminal, so the document stays well-formed XML 1.0
// whatever the policy wrote; also U+FFFE and U+FFFF, which XML excludes, as
// \u{fffe} and \u{ffff}), then & < > " ' as entities.
std::string xml_escape(std::string_view text);
// The same for element content of several lines: each line escaped, the
// newlines kept.
std::string xml_escape_lines(std::string_view text);

// Queues named when a finding is shown once for several of them; the rest
// are counted: "(9 queues: gmail.com, outlook.com, yahoo.com, …)".
inline constexpr std::size_t k_queues_listed = 3;

// One finding as it occurs in one or more queues.
struct FindingGroup {
  diag::Diagnostic finding;         // the first occurrence
  std::size_t queue_count = 0;      // queues it occurs in (0: a policy-level finding)
  std::vector<std::string> queues;  // the first k_queues_listed of them, in run order
};

// A queue name as typed when it is one plain word (no space, comma or
// parenthesis, nothing to escape); else quoted, escaped for the terminal,
// and with its spaces shown as \x20. The policy (a literal it compares with
// `domain`) or its queues file chooses the name, and a queue header like
// `queue x.lua:1:1: error: fake` must not read as a finding.
std::string display_queue_name(const std::string& name);
// The same, appended to `out`.
void append_queue_name(std::string& out, const std::string& name);

// "" for no queue, "(queue gmail.com)", "(2 queues: gmail.com, yahoo.com)",
// "(9 queues: gmail.com, outlook.com, yahoo.com, …)"; names escaped for
// display_queue_name.
std::string queues_note(const FindingGroup& group);

// In a run of several policies, how a format without a place for the
// policy names it in a finding's message: "(policy testdata/a.lua)"; "" in
// a run of one. Policies may share a module or a data file, so the file a
// finding is in does not say which policy's run it came from.
std::string policy_note(const std::string& policy_path, std::size_t policy_count);

// A finding as bytes and back, exactly (util::put_text records): how
// findings held for sorting are spilled to a temporary file.
void append_encoded(std::string& out, const diag::Diagnostic& d);
diag::Diagnostic decode_finding(util::ByteReader& in);

// Merges findings that are the same finding of different queues: same
// code, severity, file, line, column, message and kumod detail (the key
// path is not compared: at one position it is the same key). Groups are
// held in memory up to a budget, then spilled as a sorted run
// (util::SortedRuns) and merged back by drain(): memory stays flat however
// many distinct findings a run has.
class FindingGroups {
 public:
  static constexpr std::size_t k_default_budget = std::size_t{8} << 20;

  explicit FindingGroups(std::size_t budget_bytes = k_default_budget) : m_budget(budget_bytes) {}

  void add(const diag::Diagnostic& d);
  // Every group, ordered by file, line, column, code, message
  // (diag::diagnostic_less), then emptied.
  void drain(const std::function<void(const FindingGroup&)>& each);

 private:
  using Key = std::tuple<std::string, int, std::optional<int>, std::string, std::string, std::string, int, bool>;
  static Key key_of(const diag::Diagnostic& d);
  void spill();

  std::map<Key, FindingGroup> m_groups;
  std::size_t m_budget;
  std::size_t m_held = 0;  // an estimate of the bytes m_groups holds
  util::SortedRuns m_runs;
};

}  // namespace kumo::report
