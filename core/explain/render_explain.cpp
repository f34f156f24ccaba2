#include "core/explain/render_explain.hpp"
#include "core/util/json.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/util/text.hpp"

namespace kumo::explain {

namespace {

using nlohmann::json;

constexpr std::uint64_t k_nanos_per_second = 1'000'000'000;

// Up to three decimals, or three significant digits below 1, without
// trailing zeros: 0.278, 16.667, 24000, 0.0000116.
std::string format_number(double v) {
  if (!std::isfinite(v)) {
    return v > 0 ? "inf" : "nan";
  }
  int decimals = 3;
  if (v > 0 && v < 1) {
    decimals = std::min(12, 2 - static_cast<int>(std::floor(std::log10(v))));
  }
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, v);
  std::string text = buffer;
  if (text.find('.') != std::string::npos) {
    text.erase(text.find_last_not_of('0') + 1);
    if (text.back() == '.') {
      text.pop_back();
    }
  }
  return text;
}

// "9420", "4.2", "0.000000017": exact, from the integer parts.
std::string format_seconds(values::Duration d) {
  std::string text = std::to_string(d.seconds);
  if (d.nanos == 0) {
    return text;
  }
  std::string nanos = std::to_string(d.nanos);
  nanos.insert(0, 9 - nanos.size(), '0');
  nanos.erase(nanos.find_last_not_of('0') + 1);
  return text + "." + nanos;
}

std::string format_interval_ns(std::uint64_t ns) {
  const values::Duration d{ns / k_nanos_per_second, static_cast<std::uint32_t>(ns % k_nanos_per_second)};
  return values::format_humantime(d);
}

// An argument as text output shows it: quoted, with anything a terminal
// would act on escaped (util::quoted leaves C1 and bidirectional controls).
std::string shown(const std::string& text) { return util::escape_for_terminal(util::quoted(text)); }

std::string optional_text(const std::optional<std::string>& value) { return value ? shown(*value) : "nil"; }

json optional_json(const std::optional<std::string>& value) { return value ? json(*value) : json(nullptr); }

std::string header(const Explanation& e) {
  const std::string_view label = kind_info(e.kind).label;
  return shown(e.input) + ": " + (e.valid() ? "" : "invalid ") + std::string(label) + "\n";
}

std::string error_text(const values::ValueError& error) {
  std::string out = "  error: " + util::escape_for_terminal(error.message) + "\n";
  if (!error.kumo_message.empty()) {
    out += "  kumod says: " + util::escape_for_terminal(error.kumo_message) + "\n";
  }
  if (error.crashes_kumod) {
    out += "  warning: kumod panics on this value instead of rejecting it\n";
  }
  return out;
}

std::string duration_text(const Explanation& e, const DurationFacts& f) {
  std::string out = "  seconds: " + format_seconds(f.duration) + "\n";
  out += "  canonical: " + f.canonical + "\n";
  if (f.integer_seconds) {
    // humantime wants a unit: the same digits as a Lua string are rejected.
    out += "  note: seconds as a Lua number; as a string kumod needs a unit, e.g. " + shown(e.input + "s") + "\n";
  }
  return out;
}

std::string burst_text(const ThrottleFacts& f) {
  const std::string burst = std::to_string(f.explanation.burst);
  return "  burst: " + burst + (f.explanation.explicit_burst ? " (max_burst)" : " (implied: the limit)") + "\n";
}

std::string rate_text(const values::ThrottleExplanation& x) {
  return "  rate: " + format_number(x.per_second) + "/s, " + format_number(x.per_minute) + "/m, " +
         format_number(x.per_hour) + "/h, " + format_number(x.per_day) + "/d\n";
}

std::string local_gcra_text(const values::ThrottleExplanation& x) {
  std::string out = "  local GCRA: emission interval " + format_interval_ns(x.emission_interval_ns) + ", " +
                    std::to_string(x.local_immediate_events) +
                    (x.local_immediate_events == 1 ? " immediate event" : " immediate events") + " from a cold start\n";
  if (x.zero_rate) {
    out +=
        "  warning: the emission interval truncates to 0ns: every throttle call fails with "
        "\"Zero rates are not supported\"\n";
  } else if (x.never_delays_locally) {
    out += "  warning: the emission interval is under 1ms: the local throttle never delays a message\n";
  }
  return out;
}

std::string throttle_text(const ThrottleFacts& f) {
  const values::ThrottleSpec& s = f.spec;
  std::string out = "  canonical: " + f.canonical + "\n";
  out += "  limit: " + std::to_string(s.limit) + " per " + std::to_string(s.period) + "s (" +
         values::format_humantime(values::Duration{s.period, 0}) + ")\n";
  out += burst_text(f);
  if (s.force_local) {
    out += "  backend: local (the local: prefix bypasses redis)\n";
  }
  out += rate_text(f.explanation);
  out += "  nominal interval: " + format_number(f.explanation.interval_seconds) + "s\n";
  out += local_gcra_text(f.explanation);
  if (f.kumo_explain_panic) {
    out += "  kumod explain: panics: " + *f.kumo_explain_panic +
           " (the interval, period / limit, is 2^64 seconds or more); throttle:explain() kills kumod\n";
    return out;
  }
  // throttle:explain()'s text as kumod prints it, figures rounded its own
  // way (1000/h shows as 1,001/h), where the rate line above is exact:
  // labelled, so the two never read as a disagreement.
  out += "  kumod explain (verbatim, rounded as kumod rounds; the rate line above is exact):\n";
  for (const auto& line : f.kumo_explain) {
    out += "    " + line + "\n";
  }
  return out;
}

std::string queue_name_text(const values::QueueName& q) {
  return "  campaign: " + optional_text(q.campaign) + "\n" + "  tenant: " + optional_text(q.tenant) + "\n" +
         "  domain: " + shown(q.domain) + "\n" + "  routing_domain: " + optional_text(q.routing_domain) + "\n";
}

json error_json(const values::ValueError& error) {
  return {{"message", error.message},
          {"kumo_message", error.kumo_message},
          {"position", error.position ? json(*error.position) : json(nullptr)},
          {"crashes_kumod", error.crashes_kumod}};
}

void add_duration_json(json& out, const DurationFacts& f) {
  out["seconds"] = f.duration.seconds;
  out["nanos"] = f.duration.nanos;
  out["canonical"] = f.canonical;
  out["integer_seconds"] = f.integer_seconds;
}

void add_throttle_json(json& out, const ThrottleFacts& f) {
  const values::ThrottleExplanation& x = f.explanation;
  out["canonical"] = f.canonical;
  out["limit"] = f.spec.limit;
  out["period_seconds"] = f.spec.period;
  out["max_burst"] = f.spec.max_burst ? json(*f.spec.max_burst) : json(nullptr);
  out["force_local"] = f.spec.force_local;
  out["burst"] = x.burst;
  out["explicit_burst"] = x.explicit_burst;
  out["rate"] = {
      {"per_second", x.per_second}, {"per_minute", x.per_minute}, {"per_hour", x.per_hour}, {"per_day", x.per_day}};
  out["interval_seconds"] = x.interval_seconds;
  out["local_gcra"] = {{"emission_interval_ns", x.emission_interval_ns},
                       {"immediate_events", x.local_immediate_events},
                       {"zero_rate", x.zero_rate},
                       {"never_delays", x.never_delays_locally}};
  out["kumo_explain"] = f.kumo_explain;
  out["kumo_explain_panic"] = f.kumo_explain_panic ? json(*f.kumo_explain_panic) : json(nullptr);
}

void add_queue_name_json(json& out, const values::QueueName& q) {
  out["campaign"] = optional_json(q.campaign);
  out["tenant"] = optional_json(q.tenant);
  out["domain"] = q.domain;
  out["routing_domain"] = optional_json(q.routing_domain);
}

}  // namespace

std::string format_explanation_text(const Explanation& e) {
  std::string out = header(e);
  if (e.error) {
    return out + error_text(*e.error);
  }
  if (e.duration) {
    out += duration_text(e, *e.duration);
  }
  if (e.throttle) {
    out += throttle_text(*e.throttle);
  }
  if (e.queue_name) {
    out += queue_name_text(*e.queue_name);
  }
  return out;
}

std::string format_explanations_text(const std::vector<Explanation>& values) {
  std::string out;
  for (const auto& e : values) {
    out += (out.empty() ? "" : "\n") + format_explanation_text(e);
  }
  return out;
}

json explanation_json(const Explanation& e) {
  json out = {{"input", e.input},
              {"kind", std::string(kind_info(e.kind).name)},
              {"valid", e.valid()},
              {"error", e.error ? error_json(*e.error) : json(nullptr)}};
  if (e.duration) {
    add_duration_json(out, *e.duration);
  }
  if (e.throttle) {
    add_throttle_json(out, *e.throttle);
  }
  if (e.queue_name) {
    add_queue_name_json(out, *e.queue_name);
  }
  return out;
}

std::string format_explanations_json(const std::vector<Explanation>& values) {
  json list = json::array();
  for (const auto& e : values) {
    list.push_back(explanation_json(e));
  }
  const json doc = {{"format_version", 1}, {"values", list}};
  // Arguments need not be UTF-8; replace bad bytes rather than throw.
  return util::dump_json(doc, 2) + "\n";
}

std::string render_explanations(const std::vector<Explanation>& values, report::Format format) {
  switch (format) {
    case report::Format::text: return format_explanations_text(values);
    case report::Format::json: return format_explanations_json(values);
    case report::Format::jsonl:
    case report::Format::sarif:
    case report::Format::github:
    case report::Format::junit:
    case report::Format::checkstyle:
    case report::Format::svg: break;  // explain's --format never offers them
  }
  return format_explanations_text(values);
}

}  // namespace kumo::explain
