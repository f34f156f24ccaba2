// ha_proxy_server and socks5_proxy_server of kumo.make_egress_source:
// kumo-address's ResolvableSocketAddr, whose host:port form checks the host
// with hickory-proto 0.26's Name::from_str_relaxed.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/util/expected.hpp"
#include "core/values/value_error.hpp"

namespace kumo::values {

// The verdict of Name::from_str_relaxed on a host name.
struct HostnameCheck {
  // hickory's error text; empty when the name is accepted.
  std::string error;
  // Accepted only because a label holds non-ASCII text, which hickory
  // passes through IDNA (UTS 46) first; kumo-lint does not model IDNA, so
  // such names are taken as kumod would take a valid IDN.
  bool idna_unchecked = false;
};

// --- Interface ---

// Name::from_str_relaxed: labels of letters, digits, '-' (not first), '_'
// and '*' (first), at most 63 bytes, 255 in all, with \. and \DDD escapes.
HostnameCheck check_hostname(std::string_view host);

// ResolvableSocketAddr::from_str: an IP socket address, an absolute unix
// path or host:port. The value is its Display form ("10.0.0.1:25",
// "[::1]:100", "/run/proxy", "mx.example.com:25"). On failure kumo_message
// is kumod's error text: "failed to parse \"x\" as a resolvable socket
// address: not an IP socket (...); not a unix socket path (...); not
// host:port (...)".
util::Expected<std::string, ValueError> parse_resolvable_socket_addr(std::string_view text);

}  // namespace kumo::values
