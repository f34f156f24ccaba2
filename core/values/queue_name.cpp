// Scheduled-queue names, reference §7.1; mirrors QueueNameComponents in
// KumoMTA's crates/message/src/queue_name.rs.
#include "core/values/queue_name.hpp"

namespace kumo::values {
QueueNameView parse_queue_name_view(std::string_view name) {
  QueueNameView out;
  std::string_view domain_part = name;
  if (const auto at = name.find('@'); at != std::string_view::npos) {
    const std::string_view prefix = name.substr(0, at);
    if (const auto colon = prefix.find(':'); colon != std::string_view::npos) {
      out.campaign = prefix.substr(0, colon);
      out.tenant = prefix.substr(colon + 1);
    } else {
      out.tenant = prefix;
    }
    domain_part = name.substr(at + 1);
  }
  // "domain!routing_domain": the first '!' splits; later ones stay in the
  // routing domain.
  if (const auto bang = domain_part.find('!'); bang != std::string_view::npos) {
    out.domain = domain_part.substr(0, bang);
    out.routing_domain = domain_part.substr(bang + 1);
  } else {
    out.domain = domain_part;
  }
  return out;
}

namespace {

std::optional<std::string> owned(const std::optional<std::string_view>& part) {
  return part ? std::optional<std::string>(*part) : std::nullopt;
}

}  // namespace

QueueName parse_queue_name(std::string_view name) {
  const QueueNameView v = parse_queue_name_view(name);
  return QueueName{owned(v.campaign), owned(v.tenant), std::string(v.domain), owned(v.routing_domain)};
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
