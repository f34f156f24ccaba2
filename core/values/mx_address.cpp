// mx_list entries, reference §5.1. KumoMTA leans on Rust's std::net parsers
// (crates/kumo-address, crates/dns-resolver), so this file carries a small
// re-implementation of them: the exact accept/reject rules of IpAddr and
// SocketAddr parsing, and Ipv6Addr's canonical display. glibc's inet_pton and
// inet_ntop differ in ways that matter here (inet_ntop writes "::1.2.3.4" for
// IPv4-compatible addresses where Rust writes "::102:304"), so we don't use
// them.
#include "core/values/mx_address.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <limits>
#include <utility>

#include "core/util/text.hpp"

namespace kumo::values {
namespace {

// What KumoMTA reports: the untagged DeliveryProto swallows the address error.
constexpr std::string_view k_untagged_error = "data did not match any variant of untagged enum DeliveryProto";

// sizeof(sockaddr_un::sun_path) on Linux; Rust requires len < this.
constexpr std::size_t k_sun_path_size = 108;

// --- Rust's std::net parser -------------------------------------------------

// A cursor with Rust's `read_atomically` discipline: a failed read restores
// the position.
class Cursor {
 public:
  explicit Cursor(std::string_view text) : m_text(text) {}

  bool at_end() const { return m_pos == m_text.size(); }
  std::size_t position() const { return m_pos; }
  void rewind(std::size_t pos) { m_pos = pos; }

  bool eat(char c) {
    if (m_pos < m_text.size() && m_text[m_pos] == c) {
      ++m_pos;
      return true;
    }
    return false;
  }

  // Rust's read_number: a run of digits in `radix`, at most `max_digits`
  // when given, no leading zero unless allowed, value at most `max_value`.
  std::optional<std::uint64_t> read_number(unsigned radix, std::size_t max_digits, bool allow_zero_prefix,
                                           std::uint64_t max_value) {
    const std::size_t start = m_pos;
    std::uint64_t value = 0;
    std::size_t count = 0;
    bool overflow = false;
    while (m_pos < m_text.size()) {
      const int digit = digit_value(m_text[m_pos], radix);
      if (digit < 0) {
        break;
      }
      ++m_pos;
      ++count;
      if (!overflow) {
        value = value * radix + static_cast<std::uint64_t>(digit);
        overflow = value > max_value;
      }
    }
    const bool leading_zero = count > 1 && m_text[start] == '0';
    if (count == 0 || count > max_digits || overflow || (leading_zero && !allow_zero_prefix)) {
      m_pos = start;
      return std::nullopt;
    }
    return value;
  }

 private:
  static int digit_value(char c, unsigned radix) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (radix == 16 && c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (radix == 16 && c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  std::string_view m_text;
  std::size_t m_pos = 0;
};

constexpr std::size_t k_unlimited = std::numeric_limits<std::size_t>::max();

using Ipv4 = std::array<std::uint8_t, 4>;
using Ipv6 = std::array<std::uint16_t, 8>;

std::optional<Ipv4> read_ipv4(Cursor& cursor) {
  const std::size_t start = cursor.position();
  Ipv4 octets{};
  for (std::size_t i = 0; i < octets.size(); ++i) {
    if (i > 0 && !cursor.eat('.')) {
      cursor.rewind(start);
      return std::nullopt;
    }
    auto octet = cursor.read_number(10, 3, false, 255);
    if (!octet) {
      cursor.rewind(start);
      return std::nullopt;
    }
    octets[i] = static_cast<std::uint8_t>(*octet);
  }
  return octets;
}

// Rust's read_separator: the separator (except before the first item), then
// the item, both or neither.
template <class Read>
auto read_separated(Cursor& cursor, std::size_t index, Read read) -> decltype(read(cursor)) {
  const std::size_t start = cursor.position();
  if (index > 0 && !cursor.eat(':')) {
    return std::nullopt;
  }
  auto item = read(cursor);
  if (!item) {
    cursor.rewind(start);
  }
  return item;
}

// Rust's read_groups: up to `limit` colon-separated groups, where a dotted
// IPv4 may stand for the last two. Returns (groups read, ended with IPv4).
std::pair<std::size_t, bool> read_ipv6_groups(Cursor& cursor, std::uint16_t* groups, std::size_t limit) {
  for (std::size_t i = 0; i < limit; ++i) {
    if (i + 1 < limit) {
      if (auto v4 = read_separated(cursor, i, read_ipv4)) {
        groups[i] = static_cast<std::uint16_t>(((*v4)[0] << 8) | (*v4)[1]);
        groups[i + 1] = static_cast<std::uint16_t>(((*v4)[2] << 8) | (*v4)[3]);
        return {i + 2, true};
      }
    }
    auto group = read_separated(cursor, i, [](Cursor& c) { return c.read_number(16, 4, true, 0xffff); });
    if (!group) {
      return {i, false};
    }
    groups[i] = static_cast<std::uint16_t>(*group);
  }
  return {limit, false};
}

std::optional<Ipv6> read_ipv6(Cursor& cursor) {
  const std::size_t start = cursor.position();
  Ipv6 head{};
  const auto [head_size, head_ipv4] = read_ipv6_groups(cursor, head.data(), 8);
  if (head_size == 8) {
    return head;
  }
  // A dotted IPv4 can only end the address, and "::" must follow a short head.
  if (head_ipv4 || !cursor.eat(':') || !cursor.eat(':')) {
    cursor.rewind(start);
    return std::nullopt;
  }
  // "::" stands for at least one zero group.
  std::array<std::uint16_t, 7> tail{};
  const auto [tail_size, tail_ipv4] = read_ipv6_groups(cursor, tail.data(), 8 - (head_size + 1));
  (void)tail_ipv4;
  std::copy_n(tail.begin(), tail_size, head.begin() + static_cast<std::ptrdiff_t>(8 - tail_size));
  return head;
}

template <class T>
std::optional<T> whole(std::string_view text, std::optional<T> (*read)(Cursor&)) {
  Cursor cursor(text);
  auto value = read(cursor);
  if (!value || !cursor.at_end()) {
    return std::nullopt;
  }
  return value;
}

std::optional<Ipv4> parse_ipv4(std::string_view text) { return whole<Ipv4>(text, read_ipv4); }
std::optional<Ipv6> parse_ipv6(std::string_view text) { return whole<Ipv6>(text, read_ipv6); }

std::string format_ipv4(const Ipv4& ip) {
  return std::to_string(ip[0]) + "." + std::to_string(ip[1]) + "." + std::to_string(ip[2]) + "." +
         std::to_string(ip[3]);
}

std::string hex_groups(const Ipv6& ip, std::size_t from, std::size_t to) {
  static const char* const k_hex = "0123456789abcdef";
  std::string out;
  for (std::size_t i = from; i < to; ++i) {
    if (i > from) {
      out += ':';
    }
    std::string group;
    std::uint16_t value = ip[i];
    do {
      group.insert(group.begin(), k_hex[value & 15]);
      value = static_cast<std::uint16_t>(value >> 4);
    } while (value != 0);
    out += group;
  }
  return out;
}

// Rust's Ipv6Addr Display (RFC 5952): "::ffff:a.b.c.d" for IPv4-mapped,
// otherwise lowercase hex with the first longest run of 2+ zero groups as "::".
std::string format_ipv6(const Ipv6& ip) {
  const bool mapped = std::all_of(ip.begin(), ip.begin() + 5, [](auto g) { return g == 0; }) && ip[5] == 0xffff;
  if (mapped) {
    return "::ffff:" + format_ipv4({static_cast<std::uint8_t>(ip[6] >> 8), static_cast<std::uint8_t>(ip[6] & 0xff),
                                    static_cast<std::uint8_t>(ip[7] >> 8), static_cast<std::uint8_t>(ip[7] & 0xff)});
  }
  std::size_t best_start = 0;
  std::size_t best_length = 0;
  for (std::size_t i = 0; i < ip.size();) {
    std::size_t j = i;
    while (j < ip.size() && ip[j] == 0) {
      ++j;
    }
    if (j - i > best_length) {
      best_start = i;
      best_length = j - i;
    }
    i = j == i ? i + 1 : j;
  }
  if (best_length > 1) {
    return hex_groups(ip, 0, best_start) + "::" + hex_groups(ip, best_start + best_length, 8);
  }
  return hex_groups(ip, 0, 8);
}

// An IpAddr as parsed by Rust: which family, and its Display form.
struct Ip {
  bool v6 = false;
  std::string text;
};

std::optional<Ip> parse_ip(std::string_view text) {
  if (auto v4 = parse_ipv4(text)) {
    return Ip{false, format_ipv4(*v4)};
  }
  if (auto v6 = parse_ipv6(text)) {
    return Ip{true, format_ipv6(*v6)};
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::uint16_t> parse_rust_u16(std::string_view text) {
  if (text.starts_with('+')) {
    text.remove_prefix(1);
  }
  if (text.empty()) {
    return std::nullopt;
  }
  std::uint32_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    value = value * 10 + static_cast<std::uint32_t>(c - '0');
    if (value > 0xffff) {
      return std::nullopt;
    }
  }
  return static_cast<std::uint16_t>(value);
}

namespace {

std::string socket_text(const Ip& ip, std::uint16_t port) {
  return ip.v6 ? "[" + ip.text + "]:" + std::to_string(port) : ip.text + ":" + std::to_string(port);
}

// Rust's SocketAddr::from_str: "a.b.c.d:port" or "[v6(%scope)?]:port"; the
// port allows leading zeros but no sign.
std::optional<std::string> parse_rust_socket_addr(std::string_view text) {
  Cursor v4(text);
  if (auto ip = read_ipv4(v4); ip && v4.eat(':')) {
    auto port = v4.read_number(10, k_unlimited, true, 0xffff);
    if (port && v4.at_end()) {
      return format_ipv4(*ip) + ":" + std::to_string(*port);
    }
  }
  Cursor v6(text);
  if (!v6.eat('[')) {
    return std::nullopt;
  }
  auto ip = read_ipv6(v6);
  if (!ip) {
    return std::nullopt;
  }
  std::optional<std::uint64_t> scope;
  if (v6.eat('%')) {
    scope = v6.read_number(10, k_unlimited, true, 0xffffffff);
    if (!scope) {
      return std::nullopt;
    }
  }
  if (!v6.eat(']') || !v6.eat(':')) {
    return std::nullopt;
  }
  auto port = v6.read_number(10, k_unlimited, true, 0xffff);
  if (!port || !v6.at_end()) {
    return std::nullopt;
  }
  // SocketAddrV6 shows a non-zero scope id.
  const std::string scope_text = scope && *scope != 0 ? "%" + std::to_string(*scope) : "";
  return "[" + format_ipv6(*ip) + scope_text + "]:" + std::to_string(*port);
}

// --- kumo-address -----------------------------------------------------------

// UnixSocketAddr::from_pathname after Path::is_relative: absolute, no NUL,
// shorter than sun_path.
bool is_valid_unix_path(std::string_view text) {
  return text.starts_with('/') && text.find('\0') == std::string_view::npos && text.size() < k_sun_path_size;
}

// A parsed kumo-address value: an IP or a unix path, in Display form.
struct HostValue {
  std::optional<Ip> ip;  // unset: a unix path
  std::string text;
};

// HostAddress::from_str: an IP, a bracketed IP, or an absolute unix path.
std::optional<HostValue> parse_host_address(std::string_view text) {
  if (auto ip = parse_ip(text)) {
    return HostValue{ip, ip->text};
  }
  if (text.size() >= 2 && text.starts_with('[') && text.ends_with(']')) {
    if (auto ip = parse_ip(text.substr(1, text.size() - 2))) {
      return HostValue{ip, ip->text};
    }
  }
  if (is_valid_unix_path(text)) {
    return HostValue{std::nullopt, std::string(text)};
  }
  return std::nullopt;
}

// SocketAddress::from_str: "[ip]:port" for either family first, then
// Rust's SocketAddr, then an absolute unix path.
std::optional<std::string> parse_socket_address(std::string_view text) {
  if (text.starts_with('[')) {
    const auto close = text.find(']');
    if (close != std::string_view::npos && text.substr(close).starts_with("]:")) {
      auto port = parse_rust_u16(text.substr(close + 2));
      auto host = parse_host_address(text.substr(1, close - 1));
      if (port && host && host->ip) {
        return socket_text(*host->ip, *port);
      }
    }
  }
  if (auto socket = parse_rust_socket_addr(text)) {
    return socket;
  }
  if (is_valid_unix_path(text)) {
    return std::string(text);
  }
  return std::nullopt;
}

// HostOrSocketAddress::from_str.
std::optional<std::string> parse_host_or_socket(std::string_view text) {
  if (auto socket = parse_socket_address(text)) {
    return socket;
  }
  if (auto host = parse_host_address(text)) {
    return host->text;
  }
  return std::nullopt;
}

// --- dns-resolver -----------------------------------------------------------

// has_colon_port: the text after the last ':' is a u16 and the text before
// it has no ':' (so "::1" is not "::" plus port 1).
std::optional<std::pair<std::string_view, std::uint16_t>> has_colon_port(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    return std::nullopt;
  }
  const std::string_view label = text.substr(0, colon);
  if (label.find(':') != std::string_view::npos) {
    return std::nullopt;
  }
  auto port = parse_rust_u16(text.substr(colon + 1));
  if (!port) {
    return std::nullopt;
  }
  return std::pair{label, *port};
}

std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

MxName bad_literal(MxName name, std::string problem) {
  name.kind = MxNameKind::bad_literal;
  name.problem = std::move(problem);
  return name;
}

// resolve_a_or_aaaa's "[...]" branch; `name` holds host and port already.
MxName classify_bracketed(MxName name) {
  const std::string_view host = name.host;
  if (!host.ends_with(']') || host.size() < 2) {
    if (host.find("]:") != std::string_view::npos) {
      return bad_literal(std::move(name),
                         "no port can follow an IPv6 literal in a string entry (the text before "
                         "the last \":\" has a \":\"), so KumoMTA sees a literal with no closing "
                         "\"]\"; use { name = ..., addr = \"[v6]:port\" }");
    }
    return bad_literal(std::move(name), "the literal has no closing \"]\"");
  }
  // KumoMTA lower-cases the literal, which also makes "IPv6:" case-insensitive.
  const std::string lowered = ascii_lower(host);
  const std::string_view literal = std::string_view(lowered).substr(1, lowered.size() - 2);
  if (literal.starts_with("ipv6:")) {
    if (!parse_ipv6(literal.substr(5))) {
      return bad_literal(std::move(name),
                         util::quoted(host.substr(6, host.size() - 7)) + " after \"IPv6:\" is not an IPv6 address");
    }
    name.kind = MxNameKind::bracket_literal;
    return name;
  }
  auto value = parse_host_address(literal);
  if (!value) {
    return bad_literal(std::move(name),
                       util::quoted(host.substr(1, host.size() - 2)) + " inside the brackets is not an IP address");
  }
  // "[/path]" is accepted too: a unix socket at the lower-cased path.
  name.kind = value->ip ? MxNameKind::bracket_literal : MxNameKind::unix_path;
  return name;
}

// --- parse_mx_addr messages -------------------------------------------------

bool is_hostname_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '.' || c == '_';
}

// "mx.example.com" or "mx.example.com:25": something DNS would resolve.
bool looks_like_hostname(std::string_view text) {
  if (auto colon = text.rfind(':'); colon != std::string_view::npos) {
    text = text.substr(0, colon);
  }
  const bool has_letter =
      std::any_of(text.begin(), text.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; });
  return has_letter && std::all_of(text.begin(), text.end(), is_hostname_char);
}

bool has_leading_zero_octet(std::string_view text) {
  if (auto colon = text.rfind(':'); colon != std::string_view::npos) {
    text = text.substr(0, colon);
  }
  if (text.starts_with('[') && text.ends_with(']')) {
    text = text.substr(1, text.size() - 2);
  }
  std::size_t start = 0;
  while (start <= text.size()) {
    auto dot = text.find('.', start);
    std::string_view part = text.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (part.size() > 1 && part.front() == '0' &&
        std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return true;
    }
    if (dot == std::string_view::npos) {
      break;
    }
    start = dot + 1;
  }
  return false;
}

// A trailing ":digits" whose value does not fit a port.
std::optional<std::string_view> out_of_range_port(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    return std::nullopt;
  }
  const std::string_view digits = text.substr(colon + 1);
  const bool all_digits =
      !digits.empty() && std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (all_digits && !parse_rust_u16(digits)) {
    return digits;
  }
  return std::nullopt;
}

std::string explain_bad_addr(std::string_view addr) {
  const std::string shown = util::quoted(addr);
  const std::string accepted =
      "addr must be an IP address (e.g. \"10.0.0.1\" or \"10.0.0.1:25\") or an absolute unix "
      "socket path";
  if (addr.empty()) {
    return "addr is empty; " + accepted;
  }
  if (addr.starts_with('/')) {
    if (addr.find('\0') != std::string_view::npos) {
      return shown + " contains a NUL byte, which a unix socket path cannot hold";
    }
    return shown + " is " + std::to_string(addr.size()) +
           " bytes long; a unix socket path must be shorter than 108 bytes";
  }
  if (auto port = out_of_range_port(addr)) {
    return shown + " has port " + std::string(*port) + ", which is above 65535";
  }
  if (has_leading_zero_octet(addr)) {
    return shown +
           " has an IPv4 part with a leading zero, which KumoMTA rejects (write \"10\" "
           "not \"010\")";
  }
  if (looks_like_hostname(addr)) {
    return shown + " is a hostname; " + accepted + "; put hostnames in \"name\" or use a plain string entry";
  }
  if (addr.find('/') != std::string_view::npos) {
    return shown + " is a relative path; a unix socket path must start with \"/\"";
  }
  return shown + " is not an IP address, IP:port, [IP]:port or absolute unix socket path";
}

}  // namespace

MxName classify_mx_name(std::string_view entry) {
  MxName name;
  name.host = std::string(entry);
  if (auto split = has_colon_port(entry)) {
    name.host = std::string(split->first);
    name.port = split->second;
  }
  if (name.host.starts_with('[')) {
    return classify_bracketed(std::move(name));
  }
  if (auto value = parse_host_address(name.host)) {
    name.kind = value->ip ? MxNameKind::bare_ip : MxNameKind::unix_path;
    return name;
  }
  if (name.host.starts_with('/')) {
    // Not a usable socket path, so KumoMTA looks it up in DNS, which fails.
    return bad_literal(std::move(name), explain_bad_addr(name.host));
  }
  name.kind = MxNameKind::dns_name;
  return name;
}

util::Expected<std::string, ValueError> parse_mx_addr(std::string_view addr) {
  if (auto value = parse_host_or_socket(addr)) {
    return *value;
  }
  return util::unexpected(ValueError{explain_bad_addr(addr), std::string(k_untagged_error), std::size_t{0}, false});
}

std::optional<std::string> parse_rust_ip_addr(std::string_view text) {
  if (auto ip = parse_ip(text)) {
    return ip->text;
  }
  return std::nullopt;
}

std::optional<std::string> parse_kumo_socket_address(std::string_view text) { return parse_socket_address(text); }

}  // namespace kumo::values
