#include "core/pipeline/baseline.hpp"

#include <cctype>

#include <nlohmann/json.hpp>

#include "core/util/text.hpp"

namespace kumo::pipeline {

namespace {

std::string string_or_empty(const nlohmann::json& object, const char* field) {
  auto it = object.find(field);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool flag(const nlohmann::json& object, const char* field) {
  auto it = object.find(field);
  return it != object.end() && it->is_boolean() && it->get<bool>();
}

}  // namespace

std::string without_line_numbers(const std::string& message) {
  std::string out;
  out.reserve(message.size());
  for (std::size_t i = 0; i < message.size(); ++i) {
    out += message[i];
    if (message[i] == ':' && i + 1 < message.size() && std::isdigit(static_cast<unsigned char>(message[i + 1]))) {
      out += '#';
      while (i + 1 < message.size() && std::isdigit(static_cast<unsigned char>(message[i + 1]))) {
        ++i;
      }
    }
  }
  return out;
}

Baseline::Key Baseline::key_of(const std::string& code, const std::string& queue, const std::string& key,
                               const std::string& message) {
  return {code, queue, key, without_line_numbers(message)};
}

namespace {

constexpr const char* k_not_json = "is not a JSON document; give the output of `kumo-lint check --format json`";
constexpr const char* k_not_check_output =
    "is JSON but not `kumo-lint check --format json` output (no format_version and diagnostics)";

// A run of several policies: {"format_version", "policies": [{"policy",
// "diagnostics", ...}], "summary"}.
bool is_several_policies(const nlohmann::json& doc) {
  auto policies = doc.find("policies");
  return doc.find("format_version") != doc.end() && policies != doc.end() && policies->is_array();
}

// format_version 1 listed every finding, the queues' too, in the top-level
// "diagnostics" (users keep such files as baselines); from 2 on that list
// holds only the policy's own findings and each result holds its queue's.
bool findings_in_results(const nlohmann::json& doc) {
  auto version = doc.find("format_version");
  return !(version != doc.end() && version->is_number_integer() && version->get<int>() == 1);
}

}  // namespace

util::Expected<Baseline, std::string> Baseline::from_document(const nlohmann::json& doc, bool with_results) {
  auto diagnostics = doc.find("diagnostics");
  if (diagnostics == doc.end() || !diagnostics->is_array()) {
    return util::unexpected(std::string(k_not_check_output));
  }
  Baseline b;
  b.take(*diagnostics);
  auto results = doc.find("results");
  if (with_results && results != doc.end() && results->is_array()) {
    for (const auto& result : *results) {
      auto in_result = result.is_object() ? result.find("diagnostics") : result.end();
      if (in_result != result.end() && in_result->is_array()) {
        b.take(*in_result);
      }
    }
  }
  return b;
}

void Baseline::take(const nlohmann::json& diagnostics) {
  for (const auto& d : diagnostics) {
    if (!d.is_object() || flag(d, "suppressed") || flag(d, "baselined")) {
      continue;
    }
    ++m_left[key_of(string_or_empty(d, "code"), string_or_empty(d, "queue"), string_or_empty(d, "key"),
                    string_or_empty(d, "message"))];
    ++m_count;
  }
}

util::Expected<Baseline, std::string> Baseline::from_json(const std::string& text) {
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return util::unexpected(std::string(k_not_json));
  }
  if (doc.find("format_version") == doc.end()) {
    return util::unexpected(std::string(k_not_check_output));
  }
  return from_document(doc, findings_in_results(doc));
}

util::Expected<std::map<std::string, Baseline>, std::string> Baseline::by_policy(const std::string& text) {
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return util::unexpected(std::string(k_not_json));
  }
  std::map<std::string, Baseline> out;
  if (!is_several_policies(doc)) {
    auto one = from_json(text);
    if (!one) {
      return util::unexpected(one.error());
    }
    out.emplace(string_or_empty(doc, "policy"), std::move(*one));
    return out;
  }
  for (const auto& policy : doc["policies"]) {
    if (!policy.is_object()) {
      return util::unexpected(std::string(k_not_check_output));
    }
    auto one = from_document(policy, findings_in_results(doc));
    if (!one) {
      return util::unexpected(one.error());
    }
    out[string_or_empty(policy, "policy")].merge(*one);
  }
  return out;
}

std::optional<Baseline> Baseline::for_policy(const std::map<std::string, Baseline>& baselines,
                                             const std::string& policy_path, std::size_t policies_in_run) {
  if (baselines.empty()) {
    return std::nullopt;
  }
  if (baselines.size() == 1 && policies_in_run == 1) {
    return baselines.begin()->second;
  }
  auto it = baselines.find(policy_path);
  return it != baselines.end() ? it->second : Baseline{};
}

void Baseline::merge(const Baseline& other) {
  for (const auto& [key, count] : other.m_left) {
    m_left[key] += count;
  }
  m_count += other.m_count;
}

void Baseline::apply(std::vector<diag::Diagnostic>& diagnostics) {
  if (m_left.empty()) {
    return;
  }
  for (auto& d : diagnostics) {
    if (d.suppressed || d.baselined) {
      continue;
    }
    // The baseline holds messages as they were written: cut to the limit.
    const std::string message =
        d.message.size() > diag::k_max_message_bytes ? util::cut_text(d.message, diag::k_max_message_bytes) : d.message;
    auto it = m_left.find(key_of(d.code, d.queue.value_or(""), d.key.value_or(""), message));
    if (it != m_left.end() && it->second > 0) {
      --it->second;
      d.baselined = true;
    }
  }
}

}  // namespace kumo::pipeline
