// Findings the user has accepted: `kumo-lint: disable=` comments in the
// file a finding points at, and the codes a run reports at all (--select,
// --ignore). Suppressed findings stay in the results, marked, so JSON and
// SARIF can show them and the summary can count them; dropped codes are
// not reported at all. docs/usage.md, "Suppressing findings".
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/diag/diagnostic.hpp"

namespace kumo::pipeline {

// Which codes a run reports. An entry is a code ("KQ203") or a prefix of
// codes ("KQ2", a family). A code is reported when some `select` entry
// matches it (or `select` is empty) and no `ignore` entry does.
struct CodeSelection {
  std::vector<std::string> select;
  std::vector<std::string> ignore;
  std::map<std::string, diag::Severity> severity;  // per code, instead of its default ([severity] of the config file)

  bool reports(std::string_view code) const;
};

// The problem with a --select or --ignore entry ("KQ99 matches no
// kumo-lint code"), or "" when it names at least one code.
std::string selection_entry_problem(const std::string& entry);

// One `kumo-lint: disable=A,B` or `kumo-lint: disable-file=A` comment.
struct SuppressionComment {
  int line = 0;         // where it is written (1-based)
  int column = 0;       // of "kumo-lint:" (1-based)
  int target_line = 0;  // the line it covers; 0: the whole file
  std::vector<std::string> codes;
};

struct ParsedSuppressions {
  std::vector<SuppressionComment> comments;
  std::vector<diag::Diagnostic> problems;  // KQ916, located in the file
};

// The suppression comments of a file's text. `comment_marker` starts a
// comment: "--" in Lua, "#" in TOML and YAML. A comment after code covers
// its own line; a comment alone on its line covers the next line that
// holds more than blanks and comments.
ParsedSuppressions parse_suppressions(std::string_view text, std::string_view comment_marker, const std::string& file);

// How comments start in a file, by its extension: "#" for .toml, .yaml
// and .yml, "" for .json (no comments), "--" otherwise (Lua).
std::string_view comment_marker_for(std::string_view file);

// Applies a run's selection and the suppression comments of the files its
// findings point at, and reports the comments that suppressed nothing.
class Suppressor {
 public:
  explicit Suppressor(CodeSelection selection) : m_selection(std::move(selection)) {}

  // Reads the suppression comments of a file (`names`: every name findings
  // in it may carry; `comment_marker` as for parse_suppressions).
  void add_file(const std::vector<std::string>& names, std::string_view text, std::string_view comment_marker);
  // Whether a file of this name was added.
  bool knows(const std::string& name) const { return m_by_name.count(name) != 0; }

  // Drops the findings whose code the selection does not report, and marks
  // `suppressed` those a comment covers.
  void apply(std::vector<diag::Diagnostic>& diagnostics);

  // KQ916 for each malformed comment, then KQ915 for each code of a comment
  // that suppressed nothing (when `include_unused`); the selection applies
  // to both. Sorted.
  std::vector<diag::Diagnostic> leftovers(bool include_unused) const;

 private:
  struct File {
    std::string name;
    std::vector<SuppressionComment> comments;
    std::vector<std::vector<bool>> used;  // per comment, per code
    std::vector<diag::Diagnostic> problems;
  };
  bool suppress(const diag::Diagnostic& d);
  // The severity the selection gives d's code, if it gives one.
  void apply_severity(diag::Diagnostic& d) const;

  CodeSelection m_selection;
  std::vector<File> m_files;
  std::map<std::string, std::size_t> m_by_name;
};

}  // namespace kumo::pipeline
