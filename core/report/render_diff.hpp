// `kumo-lint diff`'s output formats: pure functions of a DiffReport.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/report/diff.hpp"
#include "core/util/named_rows.hpp"

namespace kumo::report {

enum class DiffFormat { text, json, markdown };

using DiffFormatInfo = util::NamedRow<DiffFormat>;

// Every format `diff` writes, declared once (its --format reads this).
const std::vector<DiffFormatInfo>& diff_formats();
// The row of diff_formats() called `name`; none for a name it does not have.
std::optional<DiffFormat> diff_format_named(std::string_view name);

// --- Pure renderers ---

// The report in `format`.
std::string render_diff(const DiffReport& report, DiffFormat format);

// "--- OLD" and "+++ NEW", then one block per queue that differs: its keys
// (old -> new), its retry timeline (old:, new:), its findings (fixed:,
// new:); then "kumo-lint diff: 1 changed, 0 added, 0 removed, 4 unchanged".
std::string diff_text(const DiffReport& report);
// {"format_version": 1, "old", "new", "queues": [{"queue", "status",
// "changes": [{"key", "old", "new"}], "timeline": {"old", "new"} or null,
// "findings": {"added", "removed"}}], "summary"}, keys sorted
// (schemas/diff.schema.json).
std::string diff_json(const DiffReport& report);
// A heading, the counts and one table row per change, for a pull-request
// comment.
std::string diff_markdown(const DiffReport& report);

// {"attempt_count", "expires_at_seconds", "expiry_reason", "last_attempt_seconds"}.
nlohmann::json timeline_digest_json(const TimelineDigest& digest);
// {"code", "file", "key", "line", "message", "severity"}.
nlohmann::json diff_finding_json(const DiffFinding& finding);

}  // namespace kumo::report
