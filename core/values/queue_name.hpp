// KumoMTA scheduled-queue names: `campaign:tenant@domain!routing_domain`
// (reference §7.1).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kumo::values {

struct QueueName {
  std::optional<std::string> campaign;
  std::optional<std::string> tenant;  // may be "" ("campaign:@d"), which is not nil
  std::string domain;
  std::optional<std::string> routing_domain;

  friend bool operator==(const QueueName&, const QueueName&) = default;
};

// The same, as views into the name it was parsed from.
struct QueueNameView {
  std::optional<std::string_view> campaign;
  std::optional<std::string_view> tenant;
  std::string_view domain;
  std::optional<std::string_view> routing_domain;
};

// --- Interface ---

// Parses exactly as QueueNameComponents::parse: first '@', then the first ':'
// of the prefix, then the first '!' of the domain part. Never fails.
QueueName parse_queue_name(std::string_view name);
// The same without copying (for a check that keeps nothing).
QueueNameView parse_queue_name_view(std::string_view name);

// Formats as KumoMTA does when the `queue` meta is unset; parse(format(q))
// gives q back for names KumoMTA itself would produce.
std::string format_queue_name(const QueueName& q);

}  // namespace kumo::values
