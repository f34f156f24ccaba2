// Every diagnostic kumo-lint can emit, declared once. The docs
// (docs/diagnostics.md), the SARIF rules and the tests read this table.
// Codes are stable: never renumber, only add.
//   KQ0xx  keys, types and values of a queue config
//   KQ1xx  references: egress pools and sources, custom_lua constructors
//   KQ2xx  retry schedule and max_age
//   KQ3xx  throttles (max_message_rate)
//   KQ4xx  data files of KumoMTA's helpers (queues.toml)
//   KQ9xx  loading and running the policy
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

#include "core/diag/diagnostic.hpp"

namespace kumo::diag {

enum class Code : std::size_t {
  // --- KQ0xx keys and values ---
  unknown_key,
  wrong_type,
  invalid_duration,
  duration_crashes_kumod,
  unknown_variant,
  non_string_key,
  map_becomes_empty_list,
  missing_field,
  protocol_no_variant,
  ignored_key,
  empty_table_list,
  invalid_mx_addr,
  suspicious_mx_name,
  unsupported_value,
  tick_without_timerwheel,
  zero_tick,
  max_age_overflow,
  secure_without_mx_list,
  maildir_template,
  internal_protocol,
  invalid_xfer_target,
  batch_size,
  not_a_table,
  // --- KQ1xx references ---
  egress_pool_unresolved,
  egress_source_unresolved,
  constructor_missing,
  empty_pool,
  invalid_proxy_server,
  // --- KQ2xx retry schedule ---
  retry_never_retried,      // KQ201
  retry_fixed_interval,     // KQ202
  retry_lifetime_unused,    // KQ203
  retry_cap_within_jitter,  // KQ204
  retry_too_many_attempts,  // KQ205
  retry_zero_delay,         // KQ206
  retry_zero_max_age,       // KQ207
  // --- KQ3xx throttles ---
  invalid_throttle,
  zero_rate_throttle,
  throttle_too_fast,
  rate_expires_untried,
  // --- KQ4xx data files of KumoMTA's helpers ---
  helper_data_unknown_key,
  helper_data_bad_value,
  helper_default_tenant_undefined,
  helper_section_never_matches,
  helper_tenant_undefined,
  // --- KQ9xx loading and running ---
  policy_syntax,
  policy_top_level,
  handler_raised,
  handler_bad_return,
  default_config,
  not_modeled,
  duplicate_handler,
  instruction_budget,
  memory_limit,
  sandbox_blocked,
  invalid_queue_name,
  timeout,
  shared_state,
  degraded_call,
  unused_suppression,
  bad_suppression,
  count_  // keep last
};

struct CodeInfo {
  Code id;
  std::string_view code;     // "KQ001"
  std::string_view name;     // "unknown-key": docs/diagnostics.md's heading is "## KQ001 unknown-key"
  Severity severity;         // default severity
  std::string_view summary;  // one line for docs and SARIF rules
};

// The table, in Code order.
const std::array<CodeInfo, static_cast<std::size_t>(Code::count_)>& code_table();

const CodeInfo& code_info(Code c);

// The row whose code is `code` ("KQ001"), or nullptr.
const CodeInfo* find_code(std::string_view code);

// The anchor of the code's section in docs/diagnostics.md as GitHub and
// most Markdown renderers derive it from the heading: "kq001-unknown-key".
std::string docs_anchor(const CodeInfo& info);

// A diagnostic of kind `c` with its default severity.
Diagnostic make_diagnostic(Code c, std::string message, Location location);

}  // namespace kumo::diag
