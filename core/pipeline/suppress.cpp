#include "core/pipeline/suppress.hpp"

#include <algorithm>
#include <cctype>

#include "core/diag/codes.hpp"
#include "core/util/text.hpp"

namespace kumo::pipeline {

namespace {

constexpr std::string_view k_tag = "kumo-lint:";

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

std::string_view trim_left(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) {
    s.remove_prefix(1);
  }
  return s;
}

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    auto end = text.find('\n');
    lines.push_back(text.substr(0, end));
    if (end == std::string_view::npos) {
      break;
    }
    text.remove_prefix(end + 1);
  }
  return lines;
}

// A line a standalone comment does not cover: blank, or only a comment.
bool is_blank_or_comment(std::string_view line, std::string_view marker) {
  line = trim_left(line);
  return line.empty() || (!marker.empty() && line.substr(0, marker.size()) == marker);
}

// Where "kumo-lint:" starts a comment on this line (after the marker and
// blanks), and where that comment starts; npos when it does not.
std::pair<std::size_t, std::size_t> find_tag(std::string_view line, std::string_view marker) {
  for (auto pos = line.find(k_tag); pos != std::string_view::npos; pos = line.find(k_tag, pos + 1)) {
    std::size_t j = pos;
    while (j > 0 && is_blank(line[j - 1])) {
      --j;
    }
    if (j >= marker.size() && line.substr(j - marker.size(), marker.size()) == marker) {
      return {pos, j - marker.size()};
    }
  }
  return {std::string_view::npos, std::string_view::npos};
}

std::vector<std::string_view> all_codes() {
  std::vector<std::string_view> out;
  for (const auto& row : diag::code_table()) {
    out.push_back(row.code);
  }
  return out;
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

// The most of a comment's text a KQ916 message quotes.
constexpr std::size_t k_max_quoted_bytes = 80;

// "A,B , C  reason" → {"A", "B", "C"}: the codes, then free text.
std::vector<std::string> read_code_list(std::string_view rest) {
  std::vector<std::string> codes;
  while (true) {
    rest = trim_left(rest);
    std::size_t n = 0;
    while (n < rest.size() && std::isalnum(static_cast<unsigned char>(rest[n]))) {
      ++n;
    }
    if (n == 0) {
      break;
    }
    codes.push_back(upper(rest.substr(0, n)));
    rest = trim_left(rest.substr(n));
    if (rest.empty() || rest.front() != ',') {
      break;
    }
    rest.remove_prefix(1);
  }
  return codes;
}

diag::Diagnostic problem(const std::string& file, int line, int column, std::string message) {
  return diag::make_diagnostic(diag::Code::bad_suppression, std::move(message), diag::Location{file, line, column});
}

// The line a standalone comment on `index` (0-based) covers, 1-based; -1
// when no line after it holds code.
int next_code_line(const std::vector<std::string_view>& lines, std::size_t index, std::string_view marker) {
  for (std::size_t k = index + 1; k < lines.size(); ++k) {
    if (!is_blank_or_comment(lines[k], marker)) {
      return static_cast<int>(k + 1);
    }
  }
  return -1;
}

bool matches_entry(std::string_view code, std::string_view entry) { return code.substr(0, entry.size()) == entry; }

}  // namespace

bool CodeSelection::reports(std::string_view code) const {
  auto matches = [code](const std::string& entry) { return matches_entry(code, entry); };
  bool selected = select.empty() || std::any_of(select.begin(), select.end(), matches);
  return selected && std::none_of(ignore.begin(), ignore.end(), matches);
}

std::string selection_entry_problem(const std::string& entry) {
  auto codes = all_codes();
  bool any = !entry.empty() &&
             std::any_of(codes.begin(), codes.end(), [&entry](std::string_view c) { return matches_entry(c, entry); });
  if (any) {
    return "";
  }
  auto near = util::closest_match(entry, codes);
  return "`" + entry + "` matches no kumo-lint code" + (near ? " (did you mean " + *near + "?)" : "") +
         "; give a code such as KQ203 or a family such as KQ2 (docs/diagnostics.md lists them)";
}

std::string_view comment_marker_for(std::string_view file) {
  auto ends_with = [file](std::string_view suffix) {
    return file.size() >= suffix.size() && file.substr(file.size() - suffix.size()) == suffix;
  };
  if (ends_with(".toml") || ends_with(".yaml") || ends_with(".yml")) {
    return "#";
  }
  if (ends_with(".json")) {
    return "";
  }
  return "--";
}

ParsedSuppressions parse_suppressions(std::string_view text, std::string_view comment_marker, const std::string& file) {
  ParsedSuppressions out;
  if (comment_marker.empty()) {
    return out;
  }
  const auto lines = split_lines(text);
  const auto codes = all_codes();
  for (std::size_t i = 0; i < lines.size(); ++i) {
    auto [tag, comment_start] = find_tag(lines[i], comment_marker);
    if (tag == std::string_view::npos) {
      continue;
    }
    const int line = static_cast<int>(i + 1);
    const int column = static_cast<int>(tag + 1);
    std::string_view rest = trim_left(lines[i].substr(tag + k_tag.size()));
    // A directive is `word=...`; prose that mentions kumo-lint ("run by
    // kumo-lint: it checks ...") is not one, and is left alone.
    std::size_t word = 0;
    while (word < rest.size() && (std::isalpha(static_cast<unsigned char>(rest[word])) || rest[word] == '-')) {
      ++word;
    }
    if (word == 0 || word >= rest.size() || rest[word] != '=') {
      continue;
    }
    const std::size_t eq = word;
    std::string_view verb = rest.substr(0, eq);
    if (verb != "disable" && verb != "disable-file") {
      // The comment is the policy's: its first word, cut on a character.
      std::string shown = util::cut_text(rest.substr(0, rest.find_first_of(" \t")), k_max_quoted_bytes);
      out.problems.push_back(problem(file, line, column,
                                     "`kumo-lint: " + shown +
                                         "` is not a kumo-lint directive: write `kumo-lint: disable=CODES` "
                                         "for a line or `kumo-lint: disable-file=CODES` for the whole file"));
      continue;
    }
    SuppressionComment c;
    c.line = line;
    c.column = column;
    bool standalone = trim_left(lines[i].substr(0, comment_start)).empty();
    c.target_line = verb == "disable-file" ? 0 : standalone ? next_code_line(lines, i, comment_marker) : line;
    for (auto& code : read_code_list(rest.substr(eq + 1))) {
      if (diag::find_code(code) != nullptr) {
        c.codes.push_back(std::move(code));
        continue;
      }
      auto near = util::closest_match(code, codes);
      out.problems.push_back(problem(
          file, line, column,
          "`" + util::cut_text(code, k_max_quoted_bytes) + "` in this kumo-lint comment is not a kumo-lint code" +
              (near ? " (did you mean " + *near + "?)" : "") + "; docs/diagnostics.md lists the codes"));
    }
    if (c.codes.empty()) {
      if (read_code_list(rest.substr(eq + 1)).empty()) {
        out.problems.push_back(problem(file, line, column,
                                       "this kumo-lint comment names no code: write the codes after `=`, "
                                       "separated by commas (`kumo-lint: disable=KQ203,KQ101`)"));
      }
      continue;
    }
    out.comments.push_back(std::move(c));
  }
  return out;
}

void Suppressor::add_file(const std::vector<std::string>& names, std::string_view text,
                          std::string_view comment_marker) {
  if (names.empty() || knows(names.front())) {
    return;
  }
  File f;
  f.name = names.front();
  auto parsed = parse_suppressions(text, comment_marker, f.name);
  f.comments = std::move(parsed.comments);
  f.problems = std::move(parsed.problems);
  for (const auto& c : f.comments) {
    f.used.emplace_back(c.codes.size(), false);
  }
  for (const auto& name : names) {
    m_by_name.emplace(name, m_files.size());
  }
  m_files.push_back(std::move(f));
}

void Suppressor::apply_severity(diag::Diagnostic& d) const {
  if (auto it = m_selection.severity.find(d.code); it != m_selection.severity.end()) {
    d.severity = it->second;
  }
}

bool Suppressor::suppress(const diag::Diagnostic& d) {
  auto it = m_by_name.find(d.location.file);
  if (it == m_by_name.end()) {
    return false;
  }
  File& f = m_files[it->second];
  bool hit = false;
  for (std::size_t ci = 0; ci < f.comments.size(); ++ci) {
    const auto& c = f.comments[ci];
    if (c.target_line != 0 && (d.location.line <= 0 || c.target_line != d.location.line)) {
      continue;
    }
    for (std::size_t k = 0; k < c.codes.size(); ++k) {
      if (c.codes[k] == d.code) {
        f.used[ci][k] = true;
        hit = true;
      }
    }
  }
  return hit;
}

void Suppressor::apply(std::vector<diag::Diagnostic>& diagnostics) {
  std::erase_if(diagnostics, [this](const diag::Diagnostic& d) { return !m_selection.reports(d.code); });
  for (auto& d : diagnostics) {
    apply_severity(d);
    if (!d.suppressed && suppress(d)) {
      d.suppressed = true;
    }
  }
}

std::vector<diag::Diagnostic> Suppressor::leftovers(bool include_unused) const {
  std::vector<diag::Diagnostic> out;
  for (const auto& f : m_files) {
    out.insert(out.end(), f.problems.begin(), f.problems.end());
    if (!include_unused) {
      continue;
    }
    for (std::size_t ci = 0; ci < f.comments.size(); ++ci) {
      const auto& c = f.comments[ci];
      for (std::size_t k = 0; k < c.codes.size(); ++k) {
        if (f.used[ci][k]) {
          continue;
        }
        const std::string& code = c.codes[k];
        std::string message =
            c.target_line < 0
                ? "this comment suppresses " + code + " on the next line of code, but none follows it: remove it"
                : "this comment suppresses " + code + ", but no " + code + " finding was reported " +
                      (c.target_line == 0 ? std::string("in this file") : "on line " + std::to_string(c.target_line)) +
                      " in this run: remove " + code + " from it if the finding is gone for good";
        out.push_back(diag::make_diagnostic(diag::Code::unused_suppression, std::move(message),
                                            diag::Location{f.name, c.line, c.column}));
      }
    }
  }
  std::erase_if(out, [this](const diag::Diagnostic& d) { return !m_selection.reports(d.code); });
  for (auto& d : out) {
    apply_severity(d);
  }
  std::sort(out.begin(), out.end(), diag::diagnostic_less);
  return out;
}

}  // namespace kumo::pipeline
