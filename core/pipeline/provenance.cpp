#include "core/pipeline/provenance.hpp"

#include "core/config/convert.hpp"

namespace kumo::pipeline {

namespace {

bool domain_matches(const std::string& section, const std::string& domain) {
  if (section == domain) {
    return true;
  }
  if (section.size() > 2 && section.compare(0, 2, "*.") == 0) {
    std::string suffix = section.substr(1);  // ".example.com"
    return domain.size() > suffix.size() && domain.compare(domain.size() - suffix.size(), suffix.size(), suffix) == 0;
  }
  return false;
}

// How closely the section holding a value (its key path without the key)
// fits the queue, in queue.lua's merge order (queue.default, the domain,
// the tenant, the tenant within the domain, its campaign), or -1 when the
// section cannot apply to the queue. Other files' sections fit with 0.
int section_fit(const std::vector<std::string>& section, const values::QueueName& q) {
  auto is = [&](std::size_t i, const std::optional<std::string>& want) { return want && section[i] == *want; };
  if (section.empty() || (section[0] != "queue" && section[0] != "tenant")) {
    return 0;
  }
  if (section.size() < 2) {
    return -1;
  }
  if (section[0] == "tenant") {
    return section.size() == 2 && is(1, q.tenant) ? 3 : -1;
  }
  if (section[1] == "default") {
    return section.size() == 2 ? 1 : -1;
  }
  if (!domain_matches(section[1], q.domain)) {
    return -1;
  }
  switch (section.size()) {
    case 2: return 2;
    case 3: return is(2, q.tenant) ? 4 : -1;
    case 4: return is(2, q.tenant) && is(3, q.campaign) ? 5 : -1;
    default: return -1;
  }
}

std::string top_key(const std::string& path) { return path.substr(0, path.find_first_of(".[")); }

// Bounds the lookup caches: values come from the policy, and a policy may
// compute a different one for each of a million queues.
constexpr std::size_t k_max_cached = 4096;

}  // namespace

ValueTracer::ValueTracer(const lua::PolicyHost& host, std::string policy_path, TokensOf tokens_of)
    : m_host(host), m_policy_path(std::move(policy_path)), m_tokens_of(std::move(tokens_of)) {}

const std::vector<ValueTracer::DataCandidate>* ValueTracer::data_candidates(const std::string& key,
                                                                            const std::string& value) {
  std::size_t total = 0;
  std::vector<std::string> files = m_host.data_files();
  for (const auto& file : files) {
    const auto* positions = m_host.data_positions(file);
    total += positions != nullptr ? positions->size() : 0;
  }
  if (total != m_indexed_positions) {
    m_data_index.clear();
    for (const auto& file : files) {
      const auto* positions = m_host.data_positions(file);
      for (const auto& p : positions != nullptr ? *positions : std::vector<lua::DataPosition>{}) {
        if (!p.is_table && !p.key_path.empty() && !p.scalar.empty()) {
          m_data_index[{p.key_path.back(), p.scalar}].push_back(
              {{p.key_path.begin(), p.key_path.end() - 1},
               diag::Location{m_host.data_file_name(file), static_cast<int>(p.line), static_cast<int>(p.column)}});
        }
      }
    }
    m_indexed_positions = total;
  }
  auto it = m_data_index.find({key, value});
  return it == m_data_index.end() ? nullptr : &it->second;
}

ValueTracer::DataMatch ValueTracer::in_data_files(const std::string& key, const std::string& value,
                                                  const values::QueueName& queue) {
  const auto* candidates = data_candidates(key, value);
  if (candidates == nullptr) {
    return {};
  }
  std::optional<diag::Location> best;
  int best_fit = -1;
  for (const auto& c : *candidates) {
    int fit = section_fit(c.section, queue);
    if (fit > best_fit) {
      best_fit = fit;
      best = c.location;
    }
  }
  return {best, true};
}

std::optional<diag::Location> ValueTracer::in_sources(const std::string& key, const std::string& value,
                                                      const diag::Location& call) {
  auto cached = m_literal_cache.find({call.file, key, value});
  if (cached != m_literal_cache.end()) {
    return cached->second;
  }
  std::vector<std::string> files{m_policy_path};
  if (!call.file.empty() && call.file != m_policy_path) {
    files.push_back(call.file);
  }
  std::optional<diag::Location> at;
  for (const auto& file : files) {
    auto found = policy::field_literals(m_tokens_of(file), key, value);
    if (!found.empty()) {
      at = diag::Location{file, found.front().line, found.front().column};
      break;
    }
  }
  if (m_literal_cache.size() < k_max_cached) {
    m_literal_cache.emplace(std::make_tuple(call.file, key, value), at);
  }
  return at;
}

const std::map<std::string, policy::KeyPosition>& ValueTracer::call_keys(const diag::Location& call) {
  auto key = std::make_pair(call.file, call.line);
  auto it = m_call_keys.find(key);
  if (it == m_call_keys.end()) {
    if (m_call_keys.size() >= k_max_cached) {
      m_call_keys.clear();
    }
    it = m_call_keys.emplace(key, policy::constructor_keys(m_tokens_of(call.file), call.line, "make_queue_config"))
             .first;
  }
  return it->second;
}

ValueTracer::Traced ValueTracer::trace(const lua::ParamValue& param, const diag::Location& call,
                                       const values::QueueName& queue) {
  using From = report::KeyOrigin::From;
  if (call.line > 0) {
    const auto& keys = call_keys(call);
    if (auto it = keys.find(param.key); it != keys.end()) {
      return {
          report::KeyOrigin{param.key, From::policy, diag::Location{call.file, it->second.line, it->second.column}}};
    }
  }
  if (!param.scalar) {
    return {};
  }
  const DataMatch data = in_data_files(param.key, *param.scalar, queue);
  if (data.at) {
    return {report::KeyOrigin{param.key, From::data, data.at}, true};
  }
  if (auto at = in_sources(param.key, *param.scalar, call)) {
    return {report::KeyOrigin{param.key, From::policy, at}, data.by_queue};
  }
  return {std::nullopt, data.by_queue};
}

namespace {

// The answering call's parameter named `key`, if it had one.
const lua::ParamValue* param_named(const lua::Evaluation& ev, std::string_view key) {
  if (!ev.params) {
    return nullptr;
  }
  auto it = std::find_if(ev.params->begin(), ev.params->end(), [&](const auto& p) { return p.key == key; });
  return it == ev.params->end() ? nullptr : &*it;
}

}  // namespace

report::Provenance ValueTracer::provenance(const lua::Evaluation& ev, const values::QueueName& queue) {
  using From = report::KeyOrigin::From;
  if (!ev.config) {
    return nullptr;
  }
  // The same call with the same keys (a conversion cache hit hands out one
  // list of keys) traces alike, unless a value matched a data file's,
  // where the queue picks the section; what the policy has read is the
  // same as when it was kept.
  const std::size_t files_read = m_host.files_read_count();
  if (ev.params && ev.config_location) {
    auto it = m_memo.find(ev.params.get());
    if (it != m_memo.end() && it->second.call == *ev.config_location && it->second.files_read == files_read) {
      return it->second.origins;
    }
  }
  bool by_queue = false;
  std::vector<report::KeyOrigin> out;
  for (auto key : config::queue_config_keys()) {
    const lua::ParamValue* param = param_named(ev, key);
    if (!ev.config_location || param == nullptr) {
      out.push_back({std::string(key), From::kumo_default, std::nullopt});
      continue;
    }
    Traced traced = trace(*param, *ev.config_location, queue);
    by_queue = by_queue || traced.by_queue;
    if (traced.origin) {
      out.push_back(std::move(*traced.origin));
    } else {
      out.push_back({std::string(key), From::computed, ev.config_location});
    }
  }
  report::cut_policy_text(out);
  auto origins = std::make_shared<const std::vector<report::KeyOrigin>>(std::move(out));
  if (ev.params && ev.config_location && !by_queue) {
    if (m_memo.size() >= k_max_cached) {
      m_memo.clear();
    }
    m_memo[ev.params.get()] = Memo{ev.params, *ev.config_location, files_read, origins};
  }
  return origins;
}

void ValueTracer::place_at_origin(diag::Diagnostic& d, const lua::Evaluation& ev, const values::QueueName& queue) {
  if (!d.key || d.location.line <= 0 || d.location.column) {
    return;  // placed already, or nowhere to start from
  }
  std::string key = top_key(*d.key);
  const lua::ParamValue* param = param_named(ev, key);
  if (param == nullptr || !param->scalar) {
    return;
  }
  std::optional<diag::Location> at = in_data_files(key, *param->scalar, queue).at;
  if (!at) {
    at = in_sources(key, *param->scalar, d.location);
  }
  if (at && *at != d.location) {
    d.message += " (passed to make_queue_config at " + d.location.file + ":" + std::to_string(d.location.line) + ")";
    d.location = *at;
  }
}

}  // namespace kumo::pipeline
