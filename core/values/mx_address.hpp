// `protocol.smtp.mx_list` entries (reference §5.1).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/util/expected.hpp"
#include "core/values/value_error.hpp"

namespace kumo::values {

// How KumoMTA will treat a string (`Name`) entry at connection time.
enum class MxNameKind {
  dns_name,         // resolved for A/AAAA
  bracket_literal,  // "[10.0.0.1]", "[IPv6:...]", "[::1]"
  bare_ip,          // "10.0.0.1", "::1": no DNS
  unix_path,        // absolute path: a unix socket
  bad_literal,      // "[" without a closing "]", or not an IP inside: fails at delivery
};

struct MxName {
  MxNameKind kind = MxNameKind::dns_name;
  std::string host;                   // the part before ":PORT" (brackets kept)
  std::optional<std::uint16_t> port;  // from a trailing ":PORT" (has_colon_port)
  std::string problem;                // for bad_literal: what is wrong
};

// --- Interface ---

// Classifies a string entry as KumoMTA would at delivery time. KumoMTA does
// no validation at config time beyond "is a string".
// Faithful quirks: "[/path]" is a unix_path (KumoMTA lower-cases it);
// "[IPv6:...]:25" is a bad_literal (has_colon_port refuses a label holding
// ':'); an absolute path that no unix socket can have (NUL, >= 108 bytes)
// goes to DNS in KumoMTA and is reported here as bad_literal.
MxName classify_mx_name(std::string_view entry);

// Parses the `addr` of a `{name, addr}` entry as HostOrSocketAddress: an IP,
// IP:port, [ip], [ip]:port, [v6]:port, or an absolute unix path. A hostname
// is rejected. The value is the canonical display form KumoMTA serializes
// (e.g. "10.0.0.1", "10.0.0.1:25", "[::1]:25", "/run/sock"). On failure
// `kumo_message` is the untagged-enum error kumod reports for the protocol
// table: "data did not match any variant of untagged enum DeliveryProto".
util::Expected<std::string, ValueError> parse_mx_addr(std::string_view addr);

// Rust's `str::parse::<u16>()`: optional '+', decimal digits, no overflow.
std::optional<std::uint16_t> parse_rust_u16(std::string_view text);

// Rust's IpAddr::from_str (std::net's grammar, not inet_pton's): the
// address's Display form, or nothing when Rust rejects the text.
std::optional<std::string> parse_rust_ip_addr(std::string_view text);

// kumo-address's SocketAddress::from_str: "[ip]:port" for either family,
// Rust's SocketAddr ("a.b.c.d:port", "[v6%scope]:port"), or an absolute
// unix path that fits a sockaddr_un. The Display form, or nothing.
std::optional<std::string> parse_kumo_socket_address(std::string_view text);

}  // namespace kumo::values
