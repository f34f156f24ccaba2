#include "core/diag/codes.hpp"

namespace kumo::diag {

namespace {

using S = Severity;

constexpr std::array<CodeInfo, static_cast<std::size_t>(Code::count_)> k_codes = {{
    // --- KQ0xx keys and values ---
    {Code::unknown_key, "KQ001", "unknown-key", S::error, "a key that QueueConfig (or a nested struct) does not have"},
    {Code::wrong_type, "KQ002", "wrong-type", S::error, "a value of the wrong type for its key"},
    {Code::invalid_duration, "KQ003", "invalid-duration", S::error, "a duration that KumoMTA cannot parse"},
    {Code::duration_crashes_kumod, "KQ004", "duration-crashes-kumod", S::error,
     "a negative, NaN, infinite or huge float duration: kumod panics"},
    {Code::unknown_variant, "KQ005", "unknown-variant", S::error,
     "an enum value that is not one of its variants (case-sensitive)"},
    {Code::non_string_key, "KQ006", "non-string-key", S::error,
     "a table key that is not a string where field names are expected"},
    {Code::map_becomes_empty_list, "KQ007", "map-becomes-empty-list", S::warning,
     "a key = value table where a list is expected: KumoMTA silently reads it as []"},
    {Code::missing_field, "KQ008", "missing-field", S::error, "a required field is absent"},
    {Code::protocol_no_variant, "KQ009", "protocol-no-variant", S::error,
     "protocol matches none of smtp, maildir, custom_lua, xfer"},
    {Code::ignored_key, "KQ010", "ignored-key", S::warning, "a key KumoMTA accepts and silently ignores"},
    {Code::empty_table_list, "KQ011", "empty-table-list", S::error,
     "a literal {} where protocol expects a list: KumoMTA rejects it"},
    {Code::invalid_mx_addr, "KQ012", "invalid-mx-addr", S::error,
     "an mx_list addr that is not an IP address or unix socket path"},
    {Code::suspicious_mx_name, "KQ013", "suspicious-mx-name", S::warning,
     "an mx_list name that will fail at delivery time"},
    {Code::unsupported_value, "KQ014", "unsupported-value", S::error,
     "a function, coroutine, userdata or recursive table inside a config"},
    {Code::tick_without_timerwheel, "KQ015", "tick-without-timerwheel", S::warning,
     "timerwheel_tick_interval has no effect unless strategy is TimerWheel"},
    {Code::zero_tick, "KQ016", "zero-tick", S::warning, "timerwheel_tick_interval of 0 with TimerWheel: a busy loop"},
    {Code::max_age_overflow, "KQ017", "max-age-overflow", S::error,
     "max_age beyond chrono range: kumod panics at the first expiry check"},
    {Code::secure_without_mx_list, "KQ018", "secure-without-mx-list", S::warning,
     "treat_mx_list_as_secure without an mx_list has no effect"},
    {Code::maildir_template, "KQ019", "maildir-template", S::warning,
     "maildir_path uses a template variable that does not exist"},
    {Code::internal_protocol, "KQ020", "internal-protocol", S::warning, "protocol selects an internal-only variant"},
    {Code::invalid_xfer_target, "KQ021", "invalid-xfer-target", S::error, "xfer target is not a URL"},
    {Code::batch_size, "KQ022", "batch-size", S::warning, "custom_lua batch sizes that cannot work as written"},
    {Code::not_a_table, "KQ023", "not-a-table", S::error, "kumo.make_queue_config was not given a key = value table"},
    // --- KQ1xx references ---
    {Code::egress_pool_unresolved, "KQ101", "egress-pool-unresolved", S::error,
     "egress_pool cannot be resolved the way kumod resolves it at queue creation"},
    {Code::egress_source_unresolved, "KQ102", "egress-source-unresolved", S::error,
     "a source of the egress pool cannot be resolved"},
    {Code::constructor_missing, "KQ103", "constructor-missing", S::error,
     "a custom_lua constructor event has no kumo.on handler"},
    {Code::empty_pool, "KQ104", "empty-pool", S::warning, "an egress pool with no usable (weight > 0) entries"},
    {Code::invalid_proxy_server, "KQ105", "invalid-proxy-server", S::error,
     "an egress source's ha_proxy_server or socks5_proxy_server that is not IP:port, host:port or a unix path"},
    // --- KQ2xx retry schedule ---
    {Code::retry_never_retried, "KQ201", "retry-never-retried", S::warning,
     "the first retry would exceed max_age: a failed message is never retried"},
    {Code::retry_fixed_interval, "KQ202", "retry-fixed-interval", S::info,
     "max_retry_interval is below retry_interval: every retry waits max_retry_interval"},
    {Code::retry_lifetime_unused, "KQ203", "retry-lifetime-unused", S::warning,
     "retry doubling expires messages long before max_age: most of max_age is unused"},
    {Code::retry_cap_within_jitter, "KQ204", "retry-cap-within-jitter", S::warning,
     "max_retry_interval is within the retry jitter: some retries are immediate"},
    {Code::retry_too_many_attempts, "KQ205", "retry-too-many-attempts", S::warning,
     "more than 10000 delivery attempts per message before expiry"},
    {Code::retry_zero_delay, "KQ206", "retry-zero-delay", S::error,
     "retry delay truncates to 0s: kumod retries without pause and hangs at spool-in"},
    {Code::retry_zero_max_age, "KQ207", "retry-zero-max-age", S::warning,
     "max_age is 0s: every message expires at its first transient failure"},
    // --- KQ3xx throttles ---
    {Code::invalid_throttle, "KQ301", "invalid-throttle", S::error, "a throttle spec that KumoMTA cannot parse"},
    {Code::zero_rate_throttle, "KQ302", "zero-rate-throttle", S::warning,
     "a throttle whose emission interval is 0: every throttle call fails at run time"},
    {Code::throttle_too_fast, "KQ303", "throttle-too-fast", S::warning,
     "a throttle faster than 1000/s never delays on the local backend"},
    {Code::rate_expires_untried, "KQ304", "rate-expires-untried", S::warning,
     "max_message_rate defers part of a burst until max_age: those messages expire untried"},
    // --- KQ4xx data files of KumoMTA's helpers ---
    {Code::helper_data_unknown_key, "KQ401", "helper-data-unknown-key", S::error,
     "a helper's data file (queues.toml, sources.toml) holds a key the helper does not take there"},
    {Code::helper_data_bad_value, "KQ402", "helper-data-bad-value", S::error,
     "a helper's data file (queues.toml, sources.toml) holds a value kumod or the helper rejects"},
    {Code::helper_default_tenant_undefined, "KQ403", "helper-default-tenant-undefined", S::error,
     "queues.toml's default_tenant names a tenant it does not define"},
    {Code::helper_section_never_matches, "KQ404", "helper-section-never-matches", S::warning,
     "a [queue.'domain'] section of queues.toml that no queue's domain can match"},
    {Code::helper_tenant_undefined, "KQ405", "helper-tenant-undefined", S::warning,
     "a [queue.'domain'.'tenant'] section of queues.toml for a tenant it does not define"},
    // --- KQ9xx loading and running ---
    {Code::policy_syntax, "KQ901", "policy-syntax", S::error, "the policy file does not compile"},
    {Code::policy_top_level, "KQ902", "policy-top-level", S::error, "the policy raised an error while loading"},
    {Code::handler_raised, "KQ903", "handler-raised", S::error, "a get_queue_config handler raised an error"},
    {Code::handler_bad_return, "KQ904", "handler-bad-return", S::error,
     "a get_queue_config handler returned something other than kumo.make_queue_config(...)"},
    {Code::default_config, "KQ905", "default-config", S::info,
     "no handler answered: KumoMTA uses the built-in default config"},
    {Code::not_modeled, "KQ906", "not-modeled", S::error, "a kumo.* function that kumo-lint does not model was called"},
    {Code::duplicate_handler, "KQ907", "duplicate-handler", S::error, "a second kumo.on for a single-handler event"},
    {Code::instruction_budget, "KQ908", "instruction-budget", S::error, "Lua code ran past the instruction budget"},
    {Code::memory_limit, "KQ909", "memory-limit", S::error, "Lua code allocated past the memory limit"},
    {Code::sandbox_blocked, "KQ910", "sandbox-blocked", S::error, "the policy called a function the sandbox blocks"},
    {Code::invalid_queue_name, "KQ911", "invalid-queue-name", S::error,
     "a sample queue name that is not valid UTF-8, holds control characters, or is a queues-file line that is not one "
     "queue name"},
    {Code::timeout, "KQ912", "timeout", S::error,
     "a call reached its wall-clock --timeout, or the run its --run-timeout"},
    {Code::shared_state, "KQ913", "shared-state", S::warning,
     "a handler assigns a global or a kumo field: state shared across queues"},
    {Code::degraded_call, "KQ914", "degraded-call", S::warning,
     "a call kumo-lint cannot make (DNS, HTTP, a command, an unmodeled kumo function) returned a neutral value"},
    {Code::unused_suppression, "KQ915", "unused-suppression", S::warning,
     "a kumo-lint: disable comment that suppressed nothing in this run"},
    {Code::bad_suppression, "KQ916", "bad-suppression", S::warning,
     "a kumo-lint: comment that is not a directive kumo-lint knows, or names no kumo-lint code"},
}};

constexpr bool table_in_enum_order() {
  for (std::size_t i = 0; i < k_codes.size(); ++i) {
    if (static_cast<std::size_t>(k_codes[i].id) != i) {
      return false;
    }
  }
  return true;
}
static_assert(table_in_enum_order(), "k_codes rows must follow the Code enum order");

}  // namespace

const std::array<CodeInfo, static_cast<std::size_t>(Code::count_)>& code_table() { return k_codes; }

const CodeInfo& code_info(Code c) { return k_codes[static_cast<std::size_t>(c)]; }

const CodeInfo* find_code(std::string_view code) {
  for (const auto& info : k_codes) {
    if (info.code == code) {
      return &info;
    }
  }
  return nullptr;
}

std::string docs_anchor(const CodeInfo& info) {
  std::string anchor;
  for (char c : std::string(info.code) + "-" + std::string(info.name)) {
    anchor += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  return anchor;
}

Diagnostic make_diagnostic(Code c, std::string message, Location location) {
  Diagnostic d;
  d.code = std::string(code_info(c).code);
  d.severity = code_info(c).severity;
  d.message = std::move(message);
  d.location = std::move(location);
  // Here, where most findings are made, so that a huge error() message is
  // cut before it is copied, sorted and kept.
  cut_policy_text(d);
  return d;
}

}  // namespace kumo::diag
