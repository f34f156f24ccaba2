#include "core/report/report.hpp"

#include "core/util/text.hpp"

namespace kumo::report {

namespace {

void cut_name(std::string& name) {
  if (name.size() > diag::k_max_name_bytes) {
    name = util::cut_text(name, diag::k_max_name_bytes);
  }
}

void cut_name(std::optional<std::string>& name) {
  if (name) {
    cut_name(*name);
  }
}

}  // namespace

Summary combined(const std::vector<Summary>& each) {
  Summary total;
  total.policies = 0;
  for (const Summary& s : each) {
    total.queues += s.queues;
    total.errors += s.errors;
    total.warnings += s.warnings;
    total.infos += s.infos;
    total.suppressed += s.suppressed;
    total.baselined += s.baselined;
    total.policy_loaded = total.policy_loaded && s.policy_loaded;
    total.policies += s.policies;
  }
  return total;
}

void cut_policy_text(std::vector<diag::Diagnostic>& diagnostics) {
  for (auto& d : diagnostics) {
    diag::cut_policy_text(d);
  }
}

void cut_policy_text(std::vector<lua::LogLine>& logs) {
  for (auto& l : logs) {
    diag::cut_policy_text(l.location);
  }
}

void cut_policy_text(QueueReport& r) {
  cut_name(r.queue);
  cut_name(r.parts.campaign);
  cut_name(r.parts.tenant);
  cut_name(r.parts.domain);
  cut_name(r.parts.routing_domain);
  if (r.handler) {
    diag::cut_policy_text(r.handler->location);
  }
  cut_policy_text(r.diagnostics);
  cut_policy_text(r.logs);
}

void cut_policy_text(std::vector<KeyOrigin>& provenance) {
  for (auto& o : provenance) {
    if (o.location) {
      diag::cut_policy_text(*o.location);
    }
  }
}

const char* origin_name(KeyOrigin::From from) {
  switch (from) {
    case KeyOrigin::From::policy: return "policy";
    case KeyOrigin::From::data: return "data";
    case KeyOrigin::From::computed: return "computed";
    case KeyOrigin::From::kumo_default: return "default";
  }
  return "default";
}

}  // namespace kumo::report
