// ResolvableSocketAddr (crates/kumo-address/src/resolvable.rs) and the host
// name check it borrows from hickory-proto 0.26.1 (rr/domain/name.rs and
// label.rs). The IP and unix-path forms reuse mx_address.cpp's model of
// kumo-address's SocketAddress, so there is one Rust IP grammar in the tree.
#include "core/values/resolvable_address.hpp"

#include "core/util/text.hpp"

#include <cstddef>
#include <cstdint>

#include "core/util/utf8.hpp"
#include "core/values/duration.hpp"
#include "core/values/mx_address.hpp"

namespace kumo::values {
namespace {

constexpr std::size_t k_max_label_bytes = 63;
constexpr std::size_t k_max_name_bytes = 255;

bool is_ascii(std::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      return false;
    }
  }
  return true;
}

bool is_ascii_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

// Rust's char::is_control: general category Cc.
bool is_control(char32_t c) { return c < 0x20 || (c >= 0x7F && c <= 0x9F); }

std::string char_text(char32_t c) {
  std::string out;
  util::append_utf8(out, c);
  return out;
}

// hickory's is_safe_ascii(c, is_first, for_encoding = false).
bool is_safe_label_char(char c, bool is_first) {
  return is_ascii_alnum(c) || (c == '-' && !is_first) || c == '_' || (c == '*' && is_first) || c == '.';
}

// Label::from_ascii: the error hickory raises for one label, if any.
std::optional<std::string> ascii_label_error(const std::string& label) {
  if (label.size() > k_max_label_bytes) {
    return "decoding error: label bytes exceed 63: " + std::to_string(label.size());
  }
  if (label == "*") {
    return std::nullopt;
  }
  bool safe = !label.empty() && is_ascii(label);
  for (std::size_t i = 0; safe && i < label.size(); ++i) {
    safe = is_safe_label_char(label[i], i == 0);
  }
  if (!safe) {
    return "Malformed label: " + label;
  }
  return std::nullopt;
}

// Whether an ASCII label that from_ascii accepts would also pass
// Label::from_utf8 (UTS 46 with the STD3 deny list: letters, digits and
// '-' only, unless the label starts with '_' or is the wildcard).
bool passes_idna_path(const std::string& label) {
  if (label == "*" || label.starts_with('_')) {
    return true;
  }
  for (char c : label) {
    if (!is_ascii_alnum(c) && c != '-' && c != '.') {
      return false;
    }
  }
  return true;
}

// from_str_relaxed tries from_utf8 (IDNA) and, when that fails, from_ascii,
// reporting from_ascii's error. For an all-ASCII name from_ascii alone
// decides. A label with non-ASCII text always fails from_ascii, so such a
// name stands or falls with IDNA: its other labels must pass the stricter
// IDNA path; the non-ASCII labels themselves are given the benefit of the
// doubt. The scan keeps going past a non-ASCII label to find a certain
// failure, but reports the first error from_ascii would.
class NameScan {
 public:
  void fail(std::string error, bool certain) {
    if (error_.empty()) {
      error_ = std::move(error);
    }
    certain_ = certain_ || certain;
  }

  bool certain() const { return certain_; }

  void end_label(const std::string& label) {
    if (auto error = ascii_label_error(label)) {
      const bool ascii = is_ascii(label);
      saw_non_ascii_ = saw_non_ascii_ || !ascii;
      fail(*error, ascii);
      return;
    }
    fails_idna_path_ = fails_idna_path_ || !passes_idna_path(label);
    // Punycode changes the lengths of non-ASCII labels, so the total is
    // only known while every label so far was ASCII.
    if (!saw_non_ascii_) {
      const std::size_t new_len = labels_ + bytes_ + 1 + label.size() + 1;
      if (new_len > k_max_name_bytes) {
        fail("decoding error: name label data exceed 255: " + std::to_string(new_len), true);
        return;
      }
    }
    ++labels_;
    bytes_ += label.size();
  }

  HostnameCheck verdict() const {
    if (error_.empty()) {
      return {};
    }
    if (certain_ || fails_idna_path_) {
      return {error_, false};
    }
    return {"", true};
  }

 private:
  std::string error_;
  bool certain_ = false;
  bool saw_non_ascii_ = false;
  bool fails_idna_path_ = false;
  std::size_t labels_ = 0;
  std::size_t bytes_ = 0;
};

bool is_ascii_digit(char32_t c) { return c >= '0' && c <= '9'; }

// from_encoded_str's escape states: after '\', after '\d', after '\dd'.
enum class Escape { none, first, second, third };

// One octal digit of a \DDD escape; 8 and 9 are "illegal".
std::optional<std::uint32_t> octal_digit(char32_t c, NameScan& scan) {
  if (c > '7') {
    scan.fail("illegal char: " + char_text(c), true);
    return std::nullopt;
  }
  return static_cast<std::uint32_t>(c - '0');
}

}  // namespace

HostnameCheck check_hostname(std::string_view host) {
  if (host == ".") {
    return {};
  }
  NameScan scan;
  std::string label;
  Escape state = Escape::none;
  std::uint32_t octal = 0;
  for (std::size_t i = 0; i < host.size() && !scan.certain();) {
    const char32_t ch = util::next_char(host, i);
    if (state == Escape::none) {
      if (ch == '.') {
        scan.end_label(label);
        label.clear();
      } else if (ch == '\\') {
        state = Escape::first;
      } else if (!is_control(ch) && !util::is_white_space(ch)) {
        util::append_utf8(label, ch);
      } else {
        scan.fail("unrecognized char: " + char_text(ch), true);
      }
    } else if (!is_ascii_digit(ch)) {
      if (state != Escape::first) {
        scan.fail("unrecognized char: " + char_text(ch), true);
      }
      util::append_utf8(label, ch);  // "\x" is a literal x
      state = Escape::none;
    } else if (auto digit = octal_digit(ch, scan)) {
      octal = state == Escape::first ? *digit : octal * 8 + *digit;
      if (state == Escape::first) {
        state = Escape::second;
      } else if (state == Escape::second) {
        state = Escape::third;
      } else {
        util::append_utf8(label, static_cast<char32_t>(octal));
        state = Escape::none;
      }
    }
  }
  if (!scan.certain() && !label.empty()) {
    scan.end_label(label);
  }
  return scan.verdict();
}

namespace {

// UnixSocketAddr::from_pathname's refusal, or kumo-address's own for a
// relative path (std's io::Error texts).
std::string unix_path_error(std::string_view text) {
  if (!text.starts_with('/')) {
    return "unix domain path must be absolute";
  }
  if (text.find('\0') != std::string_view::npos) {
    return "paths must not contain interior null bytes";
  }
  return "path must be shorter than SUN_LEN";
}

struct HostPortError {
  std::string kumo;  // HostnamePortParseError's Display
  std::string ours;
};

std::optional<HostPortError> host_port_error(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    return HostPortError{"missing :port suffix",
                         "no :port; write host:port, ip:port, [ipv6]:port or an absolute unix socket path"};
  }
  const std::string_view host = text.substr(0, colon);
  const std::string_view port = text.substr(colon + 1);
  if (!parse_rust_u16(port)) {
    return HostPortError{"invalid port " + util::rust_debug_quote(port),
                         "port " + util::rust_debug_quote(port) + " is not a whole number from 0 to 65535"};
  }
  if (host.empty()) {
    return HostPortError{"invalid hostname \"\": hostname is empty", "the host before :port is empty"};
  }
  const HostnameCheck check = check_hostname(host);
  if (check.error.empty()) {
    return std::nullopt;
  }
  std::string ours = util::rust_debug_quote(host) + " is not a valid host name (" + check.error + ")";
  if (parse_rust_ip_addr(host)) {
    ours = "an IPv6 address with a port must be bracketed: [" + std::string(host) + "]:" + std::string(port);
  }
  return HostPortError{"invalid hostname " + util::rust_debug_quote(host) + ": " + check.error, ours};
}

}  // namespace

util::Expected<std::string, ValueError> parse_resolvable_socket_addr(std::string_view text) {
  if (auto socket = parse_kumo_socket_address(text)) {
    return *socket;
  }
  auto error = host_port_error(text);
  if (!error) {
    const auto colon = text.rfind(':');
    const auto port = parse_rust_u16(text.substr(colon + 1));
    return std::string(text.substr(0, colon)) + ":" + std::to_string(*port);
  }
  std::string kumo = "failed to parse " + util::rust_debug_quote(text) +
                     " as a resolvable socket address: not an IP socket (invalid socket address syntax); "
                     "not a unix socket path (" +
                     unix_path_error(text) + "); not host:port (" + error->kumo + ")";
  return util::unexpected(ValueError{std::move(error->ours), std::move(kumo), std::nullopt, false});
}

}  // namespace kumo::values
