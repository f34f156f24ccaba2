#include "core/report/findings.hpp"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <functional>

#include "core/diag/codes.hpp"
#include "core/util/text.hpp"

#ifndef KUMO_LINT_VERSION
#error "KUMO_LINT_VERSION is defined by core/CMakeLists.txt from the project's VERSION"
#endif
#ifndef KUMO_LINT_HOMEPAGE
#error "KUMO_LINT_HOMEPAGE is defined by core/CMakeLists.txt"
#endif

namespace kumo::report {

namespace fs = std::filesystem;

const ToolInfo& tool_info() {
  static const ToolInfo info{"kumo-lint", KUMO_LINT_VERSION, KUMO_LINT_HOMEPAGE};
  return info;
}

std::string code_help_uri(std::string_view code) {
  std::string uri(tool_info().homepage);
  uri += "/blob/main/docs/diagnostics.md";
  if (const diag::CodeInfo* info = diag::find_code(code)) {
    uri += "#" + diag::docs_anchor(*info);
  }
  return uri;
}

namespace {

// `path` below `dir` (both lexically normal), as the part after it.
std::optional<fs::path> relative_below(const fs::path& path, const fs::path& dir) {
  fs::path rel = path.lexically_relative(dir);
  if (rel.empty() || *rel.begin() == "..") {
    return std::nullopt;
  }
  return rel;
}

fs::path mapped(const fs::path& path, const ArtifactPaths& paths) {
  for (const auto& [from, to] : paths.map_path) {
    if (auto rest = relative_below(path, fs::path(from).lexically_normal())) {
      return fs::path(to) / *rest;
    }
  }
  return path;
}

bool unreserved_in_path(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~' || c == '/';
}

std::string percent_encode_path(std::string_view path) {
  static constexpr char k_hex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : path) {
    if (unreserved_in_path(c)) {
      out += c;
    } else {
      const auto byte = static_cast<unsigned char>(c);
      out += '%';
      out += k_hex[byte >> 4];
      out += k_hex[byte & 0xf];
    }
  }
  return out;
}

// "x.lua:12: boom" -> "x.lua:: boom": what a message says, not where.
std::string without_line_numbers(std::string_view message) {
  std::string out;
  for (std::size_t i = 0; i < message.size(); ++i) {
    const bool digit = message[i] >= '0' && message[i] <= '9';
    if (digit && !out.empty() && (out.back() == ':')) {
      while (i + 1 < message.size() && message[i + 1] >= '0' && message[i + 1] <= '9') {
        ++i;
      }
      continue;
    }
    out += message[i];
  }
  return out;
}

// FNV-1a 64: small, fixed and the same on every platform (std::hash is not).
std::uint64_t fnv1a(std::uint64_t hash, std::string_view text) {
  for (char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  // A separator byte, so that ("ab", "c") and ("a", "bc") differ.
  hash ^= 0xff;
  return hash * 0x100000001b3ULL;
}

std::string escape_each(std::string_view text, std::string_view specials) {
  static constexpr char k_hex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    if (specials.find(c) == std::string_view::npos) {
      out += c;
    } else {
      out += '%';
      out += k_hex[static_cast<unsigned char>(c) >> 4];
      out += k_hex[static_cast<unsigned char>(c) & 0xf];
    }
  }
  return out;
}

}  // namespace

std::string artifact_path(const std::string& file, const ArtifactPaths& paths) {
  fs::path path = fs::path(file).lexically_normal();
  if (path.is_absolute()) {
    path = mapped(path, paths).lexically_normal();
  }
  if (path.is_absolute() && !paths.working_directory.empty()) {
    if (auto rel = relative_below(path, fs::path(paths.working_directory).lexically_normal())) {
      path = *rel;
    }
  }
  return path.generic_string();
}

std::string artifact_uri(const std::string& file, const ArtifactPaths& paths) {
  const std::string path = artifact_path(file, paths);
  if (fs::path(path).is_absolute()) {
    return "file://" + percent_encode_path(path);
  }
  return percent_encode_path(path);
}

const ArtifactNames::Names& ArtifactNames::of(const std::string& file) {
  if (auto it = m_names.find(file); it != m_names.end()) {
    return it->second;
  }
  if (m_names.size() >= k_max_names) {
    m_names.clear();
  }
  Names names{artifact_path(file, m_paths), artifact_uri(file, m_paths)};
  return m_names.emplace(file, std::move(names)).first->second;
}

int reported_line(const diag::Location& location) { return location.line > 0 ? location.line : 1; }

std::string_view gcc_severity(diag::Severity s) { return s == diag::Severity::info ? "note" : diag::severity_name(s); }

std::string finding_fingerprint(const diag::Diagnostic& d, const std::string& artifact) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  hash = fnv1a(hash, d.code);
  hash = fnv1a(hash, artifact);
  hash = fnv1a(hash, d.queue.value_or(""));
  hash = fnv1a(hash, d.key.value_or(""));
  hash = fnv1a(hash, without_line_numbers(d.message));
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, hash >>= 4) {
    out[static_cast<std::size_t>(i)] = k_hex[hash & 0xf];
  }
  return out;
}

std::string github_escape_data(std::string_view text) { return escape_each(text, "%\r\n"); }

std::string github_escape_property(std::string_view text) { return escape_each(text, "%\r\n:,"); }

namespace {

// U+FFFE and U+FFFF are valid UTF-8 that a terminal shows, but no XML 1.0
// character: written as escape_for_terminal writes what it escapes. In the
// valid UTF-8 escape_for_terminal returns, EF BF BE/BF is always one of them.
std::string_view xml_noncharacter(std::string_view text, std::size_t i) {
  if (text.substr(i, 3) == "\xef\xbf\xbe") {
    return "\\u{fffe}";
  }
  if (text.substr(i, 3) == "\xef\xbf\xbf") {
    return "\\u{ffff}";
  }
  return {};
}

std::string xml_entities(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (const std::string_view escaped = xml_noncharacter(text, i); !escaped.empty()) {
      out += escaped;
      i += 2;
      continue;
    }
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace

std::string xml_escape(std::string_view text) { return xml_entities(util::escape_for_terminal(text)); }

std::string xml_escape_lines(std::string_view text) { return xml_entities(util::escape_lines_for_terminal(text)); }

namespace {

// Printable ASCII but for space, ',' and '(' ')' (which would read as the
// end of the name in a list of queues), or non-ASCII text that the terminal
// escaping leaves as it is.
bool displays_as_is(const std::string& name) {
  if (name.empty()) {
    return false;
  }
  return util::is_list_item_plain(name) ||
         (name.find_first_of(" ,()") == std::string::npos && util::escape_for_terminal(name) == name);
}

}  // namespace

void append_queue_name(std::string& out, const std::string& name) {
  if (displays_as_is(name)) {
    out += name;
  } else {
    out += display_queue_name(name);
  }
}

std::string display_queue_name(const std::string& name) {
  if (displays_as_is(name)) {
    return name;
  }
  std::string out;
  for (char c : util::escape_for_terminal(util::quoted(name))) {
    out += c == ' ' ? std::string("\\x20") : std::string(1, c);
  }
  return out;
}

std::string policy_note(const std::string& policy_path, std::size_t policy_count) {
  return policy_count > 1 ? "(policy " + util::escape_for_terminal(policy_path) + ")" : "";
}

std::string queues_note(const FindingGroup& group) {
  if (group.queue_count == 0) {
    return "";
  }
  if (group.queue_count == 1) {
    return "(queue " + display_queue_name(group.queues.front()) + ")";
  }
  std::string out = "(" + std::to_string(group.queue_count) + " queues: ";
  for (std::size_t i = 0; i < group.queues.size(); ++i) {
    out += (i == 0 ? "" : ", ") + display_queue_name(group.queues[i]);
  }
  return out + (group.queue_count > group.queues.size() ? ", …)" : ")");
}

void append_encoded(std::string& out, const diag::Diagnostic& d) {
  util::put_text(out, d.code);
  util::put_u64(out, static_cast<std::uint64_t>(d.severity));
  util::put_text(out, d.message);
  util::put_text(out, d.location.file);
  util::put_u64(out, static_cast<std::uint64_t>(static_cast<std::int64_t>(d.location.line)));
  util::put_u64(out, d.location.column ? 1 : 0);
  util::put_u64(out, static_cast<std::uint64_t>(static_cast<std::int64_t>(d.location.column.value_or(0))));
  for (const auto* text : {&d.queue, &d.key}) {
    util::put_u64(out, text->has_value() ? 1 : 0);
    util::put_text(out, text->value_or(""));
  }
  util::put_text(out, d.detail);
  util::put_u64(out, (d.suppressed ? 1 : 0) | (d.baselined ? 2 : 0));
}

diag::Diagnostic decode_finding(util::ByteReader& in) {
  diag::Diagnostic d;
  d.code = in.text();
  d.severity = static_cast<diag::Severity>(in.u64());
  d.message = in.text();
  d.location.file = in.text();
  d.location.line = static_cast<int>(static_cast<std::int64_t>(in.u64()));
  const bool has_column = in.u64() != 0;
  const int column = static_cast<int>(static_cast<std::int64_t>(in.u64()));
  if (has_column) {
    d.location.column = column;
  }
  for (auto* text : {&d.queue, &d.key}) {
    const bool has = in.u64() != 0;
    std::string value = in.text();
    if (has) {
      *text = std::move(value);
    }
  }
  d.detail = in.text();
  const std::uint64_t flags = in.u64();
  d.suppressed = (flags & 1) != 0;
  d.baselined = (flags & 2) != 0;
  return d;
}

namespace {

// The fields FindingGroups::Key copies, in its order, by reference.
auto group_fields(const diag::Diagnostic& d) {
  return std::make_tuple(std::cref(d.location.file), d.location.line, std::cref(d.location.column), std::cref(d.code),
                         std::cref(d.message), std::cref(d.detail), static_cast<int>(d.severity), d.queue.has_value());
}

bool same_group(const FindingGroup& a, const FindingGroup& b) {
  return group_fields(a.finding) == group_fields(b.finding);
}

}  // namespace

FindingGroups::Key FindingGroups::key_of(const diag::Diagnostic& d) { return Key(group_fields(d)); }

void FindingGroups::add(const diag::Diagnostic& d) {
  auto [it, inserted] = m_groups.try_emplace(key_of(d));
  FindingGroup& group = it->second;
  if (inserted) {
    group.finding = d;
    // The key and the finding each copy the texts; map nodes and strings.
    m_held += 768 + 2 * (d.location.file.size() + d.message.size() + d.detail.size() + d.code.size()) +
              d.queue.value_or("").size() + d.key.value_or("").size();
  }
  if (d.queue) {
    ++group.queue_count;
    if (group.queues.size() < k_queues_listed) {
      group.queues.push_back(*d.queue);
      m_held += d.queue->size() + 32;
    }
  }
  if (m_held > m_budget) {
    spill();
  }
}

namespace {

void append_group(std::string& out, const FindingGroup& group) {
  std::string record;
  append_encoded(record, group.finding);
  util::put_u64(record, group.queue_count);
  util::put_u64(record, group.queues.size());
  for (const auto& q : group.queues) {
    util::put_text(record, q);
  }
  util::put_text(out, record);
}

FindingGroup decode_group(std::string_view record) {
  util::ByteReader in(record);
  FindingGroup group;
  group.finding = decode_finding(in);
  group.queue_count = static_cast<std::size_t>(in.u64());
  const std::uint64_t listed = std::min<std::uint64_t>(in.u64(), k_queues_listed);
  for (std::uint64_t i = 0; i < listed; ++i) {
    group.queues.push_back(in.text());
  }
  return group;
}

}  // namespace

void FindingGroups::spill() {
  std::string run;
  for (const auto& [key, group] : m_groups) {
    append_group(run, group);
  }
  m_runs.add_run(std::move(run));
  m_groups.clear();
  m_held = 0;
}

void FindingGroups::drain(const std::function<void(const FindingGroup&)>& each) {
  if (m_runs.empty()) {
    for (const auto& [key, group] : m_groups) {
      each(group);
    }
    m_groups.clear();
    m_held = 0;
    return;
  }
  spill();
  // Runs come in the order findings were added: merging a group of a later
  // run into an earlier one's keeps the first finding and the first queues.
  std::optional<FindingGroup> pending;
  m_runs.merge<FindingGroup>(
      decode_group,
      [](const FindingGroup& a, const FindingGroup& b) { return group_fields(a.finding) < group_fields(b.finding); },
      [&](FindingGroup&& group) {
        if (pending && same_group(*pending, group)) {
          pending->queue_count += group.queue_count;
          for (auto& q : group.queues) {
            if (pending->queues.size() < k_queues_listed) {
              pending->queues.push_back(std::move(q));
            }
          }
          return;
        }
        if (pending) {
          each(*pending);
        }
        pending = std::move(group);
      });
  if (pending) {
    each(*pending);
  }
  m_runs = util::SortedRuns();
}

}  // namespace kumo::report
