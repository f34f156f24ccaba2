// --dns FILE: the DNS answers kumo-lint gives a policy instead of asking a
// resolver. One record per line, as `dig` prints its answer section:
//
//   ; comments start with ';' or '#'
//   gmail.com.            3600 IN MX 5 gmail-smtp-in.l.google.com.
//   gmail.com             MX 10 alt1.gmail-smtp-in.l.google.com
//   kumod-1               A 10.0.1.5
//   example.com           TXT "v=spf1 -all"
//
// NAME [TTL] [CLASS] TYPE DATA; TYPE is MX, A, AAAA, TXT or PTR. Names are
// case-insensitive and the trailing dot is optional.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/util/expected.hpp"

namespace kumo::values {

struct DnsRecords {
  std::vector<std::pair<std::uint16_t, std::string>> mx;  // preference, exchange (lowercase, fully qualified)
  std::vector<std::string> a, aaaa, txt, ptr;
};

struct DnsZone {
  std::map<std::string, DnsRecords> names;  // lowercase, no trailing dot

  const DnsRecords* find(std::string_view name) const;
};

// The fixture's records, or "LINE: what is wrong" for the first bad line.
util::Expected<DnsZone, std::string> parse_dns_fixture(std::string_view text);

// KumoMTA's MailExchanger for `domain` from the zone (kumo.dns.lookup_mx):
// MX hosts grouped and sorted by preference, each group sorted by name; a
// name with addresses but no MX is its own implicit MX (is_mx false).
// nullopt when the zone knows nothing of the name.
struct MailExchanger {
  std::string domain_name;  // fully qualified, lowercase ("gmail.com.")
  std::vector<std::string> hosts;
  std::string site_name;
  std::map<std::uint16_t, std::vector<std::string>> by_pref;
  bool is_mx = true;
};
std::optional<MailExchanger> lookup_mx(const DnsZone& zone, std::string_view domain);

// KumoMTA's site name for a list of hosts: the labels compared from the
// right, each position written once or as an alternation, "?" where some
// names are shorter, e.g. "(alt1|alt2|alt3|alt4)?.gmail-smtp-in.l.google.com".
std::string factor_names(const std::vector<std::string>& hosts);

}  // namespace kumo::values
