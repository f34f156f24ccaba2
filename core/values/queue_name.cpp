// Scheduled-queue names, reference §7.1; mirrors QueueNameComponents in
// KumoMTA's crates/message/src/queue_name.rs.
#include "core/values/queue_name.hpp"

namespace kumo::values {
namespace {

// "domain!routing_domain": the first '!' splits; later ones stay in the
// routing domain.
void split_routing_domain(std::string_view domain_part, QueueName& out) {
  const auto bang = domain_part.find('!');
  if (bang == std::string_view::npos) {
    out.domain = std::string(domain_part);
    return;
  }
  out.domain = std::string(domain_part.substr(0, bang));
  out.routing_domain = std::string(domain_part.substr(bang + 1));
}

}  // namespace

QueueName parse_queue_name(std::string_view name) {
  QueueName out;
  const auto at = name.find('@');
  if (at == std::string_view::npos) {
    split_routing_domain(name, out);
    return out;
  }
  const std::string_view prefix = name.substr(0, at);
  const auto colon = prefix.find(':');
  if (colon == std::string_view::npos) {
    out.tenant = std::string(prefix);
  } else {
    out.campaign = std::string(prefix.substr(0, colon));
    out.tenant = std::string(prefix.substr(colon + 1));
  }
  split_routing_domain(name.substr(at + 1), out);
  return out;
}

std::string format_queue_name(const QueueName& q) {
  std::string out;
  if (q.campaign) {
    // KumoMTA writes "c:@domain" when there is no tenant, so a campaign
    // always comes back with a (possibly empty) tenant.
    out = *q.campaign + ":" + q.tenant.value_or("") + "@";
  } else if (q.tenant) {
    out = *q.tenant + "@";
  }
  out += q.domain;
  if (q.routing_domain) {
    out += "!" + *q.routing_domain;
  }
  return out;
}

}  // namespace kumo::values
