#include <catch2/catch.hpp>

#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "core/values/mx_address.hpp"

using kumo::values::classify_mx_name;
using kumo::values::MxNameKind;
using kumo::values::parse_mx_addr;

namespace {

struct NameRow {
  const char* entry;
  MxNameKind kind;
  const char* host;
  std::optional<std::uint16_t> port;
};

// Reference §5.1, with has_colon_port and resolve_a_or_aaaa applied as
// dns-resolver does.
const std::vector<NameRow> k_names = {
    {"smart.host.local", MxNameKind::dns_name, "smart.host.local", std::nullopt},
    {"smart.host.local:2025", MxNameKind::dns_name, "smart.host.local", 2025},
    {"mx:+25", MxNameKind::dns_name, "mx", 25},
    {"mx:0025", MxNameKind::dns_name, "mx", 25},
    {"mx:", MxNameKind::dns_name, "mx:", std::nullopt},
    {"mx:99999", MxNameKind::dns_name, "mx:99999", std::nullopt},
    {"mx:smtp", MxNameKind::dns_name, "mx:smtp", std::nullopt},
    {"[10.0.0.1]", MxNameKind::bracket_literal, "[10.0.0.1]", std::nullopt},
    {"[10.0.0.1]:2025", MxNameKind::bracket_literal, "[10.0.0.1]", 2025},
    {"[IPv6:::1]", MxNameKind::bracket_literal, "[IPv6:::1]", std::nullopt},
    {"[ipv6:2001:db8::1]", MxNameKind::bracket_literal, "[ipv6:2001:db8::1]", std::nullopt},
    {"[IPV6:2001:DB8::1]", MxNameKind::bracket_literal, "[IPV6:2001:DB8::1]", std::nullopt},
    {"[::1]", MxNameKind::bracket_literal, "[::1]", std::nullopt},
    {"[2001:db8::1]", MxNameKind::bracket_literal, "[2001:db8::1]", std::nullopt},
    // HostAddress inside the brackets also unwraps one more pair.
    {"[[10.0.0.1]]", MxNameKind::bracket_literal, "[[10.0.0.1]]", std::nullopt},
    {"10.0.0.1", MxNameKind::bare_ip, "10.0.0.1", std::nullopt},
    {"10.0.0.1:25", MxNameKind::bare_ip, "10.0.0.1", 25},
    {"::1", MxNameKind::bare_ip, "::1", std::nullopt},
    {"2001:db8::1", MxNameKind::bare_ip, "2001:db8::1", std::nullopt},
    {"/run/kumo.sock", MxNameKind::unix_path, "/run/kumo.sock", std::nullopt},
    {"/run/kumo.sock:25", MxNameKind::unix_path, "/run/kumo.sock", 25},
    {"[/run/kumo.sock]", MxNameKind::unix_path, "[/run/kumo.sock]", std::nullopt},
    // Rust refuses leading zeros, so this goes to DNS.
    {"010.0.0.1", MxNameKind::dns_name, "010.0.0.1", std::nullopt},
    {"10.0.0.1:25:25", MxNameKind::dns_name, "10.0.0.1:25:25", std::nullopt},
    {"[10.0.0.1", MxNameKind::bad_literal, "[10.0.0.1", std::nullopt},
    {"[10.0.0.1:25", MxNameKind::bad_literal, "[10.0.0.1", 25},
    {"[IPv6:::1]:25", MxNameKind::bad_literal, "[IPv6:::1]:25", std::nullopt},
    {"[999.0.0.1]", MxNameKind::bad_literal, "[999.0.0.1]", std::nullopt},
    {"[IPv6:10.0.0.1]", MxNameKind::bad_literal, "[IPv6:10.0.0.1]", std::nullopt},
    {"[mx.example.com]", MxNameKind::bad_literal, "[mx.example.com]", std::nullopt},
    {"[]", MxNameKind::bad_literal, "[]", std::nullopt},
    {"[", MxNameKind::bad_literal, "[", std::nullopt},
};

struct ProblemRow {
  const char* entry;
  const char* problem;
};

const std::vector<ProblemRow> k_problems = {
    {"[10.0.0.1", R"(the literal has no closing "]")"},
    {"[IPv6:::1]:25",
     R"(no port can follow an IPv6 literal in a string entry (the text before the last ":" has a ":"), so KumoMTA sees a literal with no closing "]"; use { name = ..., addr = "[v6]:port" })"},
    {"[999.0.0.1]", R"("999.0.0.1" inside the brackets is not an IP address)"},
    {"[IPv6:10.0.0.1]", R"("10.0.0.1" after "IPv6:" is not an IPv6 address)"},
};

struct AddrRow {
  const char* addr;
  const char* display;
};

// Expected values (all rows checked) from running kumo-address's parsing logic (std-only copy of
// host.rs, socket.rs and host_or_socket.rs) under rustc 1.95.
const std::vector<AddrRow> k_addrs = {
    {"10.0.0.1", "10.0.0.1"},
    {"10.0.0.1:25", "10.0.0.1:25"},
    {"[10.0.0.1]", "10.0.0.1"},
    {"[10.0.0.1]:25", "10.0.0.1:25"},
    {"::1", "::1"},
    {"[::1]", "::1"},
    {"[::1]:100", "[::1]:100"},
    {"/some/path", "/some/path"},
    {"/run/kumo.sock", "/run/kumo.sock"},
    {"255.255.255.255:2025", "255.255.255.255:2025"},
    {"[10.0.0.1]:+25", "10.0.0.1:25"},
    {"[10.0.0.1]:0025", "10.0.0.1:25"},
    {"10.0.0.1:0025", "10.0.0.1:25"},
    {"[::1%3]:25", "[::1%3]:25"},
    {"[::1%0]:25", "[::1]:25"},
    {"::ffff:10.0.0.1", "::ffff:10.0.0.1"},
    {"[::FFFF:10.0.0.1]:25", "[::ffff:10.0.0.1]:25"},
    {"::1.2.3.4", "::102:304"},
    {"2001:DB8:0:0:0:0:0:1", "2001:db8::1"},
    {"2001:db8::0:1", "2001:db8::1"},
    {"[2001:db8:0:0:1:0:0:1]:587", "[2001:db8::1:0:0:1]:587"},
    {"fe80:0:0:0:0:0:0:1", "fe80::1"},
    {"1:0:0:0:0:0:0:0", "1::"},
    {"0:0:0:0:0:0:0:0", "::"},
    {"[0:0:0:0:0:0:0:0]:0", "[::]:0"},
    {"[10.0.0.1]:65535", "10.0.0.1:65535"},
    {"::1:25", "::1:25"},
    {"/", "/"},
    {"//", "//"},
    {"/a b", "/a b"},
    {"::", "::"},
    {"[::]:25", "[::]:25"},
    {"1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"},
    {"0.0.0.0:0", "0.0.0.0:0"},
    {"0:1:0:0:1:0:0:0", "0:1:0:0:1::"},
    {"1:0:0:2:0:0:0:3", "1:0:0:2::3"},
    {"1:0:0:2:0:0:3:4", "1::2:0:0:3:4"},
    {"0001::", "1::"},
    {"ABCD::EF", "abcd::ef"},
};

// Rust's Ipv6Addr Display over pseudo-random zero-heavy addresses (xorshift,
// generated once with rustc 1.95; the input is the uncompressed uppercase form).
const std::vector<AddrRow> k_ipv6_display = {
    {"E0BF:9026:FFFF:FFFF:0:FFFF:0:FFFF", "e0bf:9026:ffff:ffff:0:ffff:0:ffff"},
    {"0:0:0:0:0:0:0:0", "::"},
    {"0:0:76D0:0:0:826:2ED7:0", "::76d0:0:0:826:2ed7:0"},
    {"0:0:0:0:0:FFFF:FF7F:8DBE", "::ffff:255.127.141.190"},
    {"0:0:0:0:0:8E0D:FFFF:19A4", "::8e0d:ffff:19a4"},
    {"0:841E:0:E1EA:EE02:0:0:FFFF", "0:841e:0:e1ea:ee02::ffff"},
    {"0:B2AF:0:0:0:0:0:0", "0:b2af::"},
    {"0:0:0:0:0:FFFF:7E3:7BCB", "::ffff:7.227.123.203"},
    {"0:0:7188:0:0:0:0:0", "0:0:7188::"},
    {"8C81:0:0:9868:D239:0:0:0", "8c81:0:0:9868:d239::"},
    {"0:0:DBB0:0:0:81F0:F61:85A8", "::dbb0:0:0:81f0:f61:85a8"},
    {"0:0:0:0:0:FFFF:CB08:DA17", "::ffff:203.8.218.23"},
    {"0:0:FFFF:0:0:4446:0:ABE6", "::ffff:0:0:4446:0:abe6"},
    {"0:0:0:0:0:FFFF:3DC8:989A", "::ffff:61.200.152.154"},
    {"0:489:E235:5BDA:7EED:0:0:4360", "0:489:e235:5bda:7eed::4360"},
    {"0:6E7E:C32B:0:0:0:0:0", "0:6e7e:c32b::"},
    {"0:755C:2753:0:0:47BB:FFFF:0", "0:755c:2753::47bb:ffff:0"},
    {"0:0:0:0:0:110B:0:0", "::110b:0:0"},
    {"0:0:0:0:0:FFFF:88FF:388E", "::ffff:136.255.56.142"},
    {"EBFE:0:8097:0:0:0:941E:167C", "ebfe:0:8097::941e:167c"},
    {"0:4D98:91B:0:FFFF:ACAA:FFFF:FFFF", "0:4d98:91b:0:ffff:acaa:ffff:ffff"},
    {"0:9F25:CD39:0:0:1C0B:D96A:0", "0:9f25:cd39::1c0b:d96a:0"},
    {"0:0:0:0:0:BE99:0:C130", "::be99:0:c130"},
    {"92F3:0:0:0:0:0:0:781C", "92f3::781c"},
    {"0:0:0:0:0:FFFF:F0AC:9899", "::ffff:240.172.152.153"},
    {"0:0:0:0:0:FFFF:43DA:F581", "::ffff:67.218.245.129"},
    {"DD05:0:0:0:0:0:0:0", "dd05::"},
    {"8CEC:FFFF:E9E0:0:FA04:E400:FFFF:0", "8cec:ffff:e9e0:0:fa04:e400:ffff:0"},
    {"0:0:0:0:FFFF:A668:0:FFFF", "::ffff:a668:0:ffff"},
    {"5E53:AAB:0:0:0:0:1FF7:FFFF", "5e53:aab::1ff7:ffff"},
    {"0:0:0:85CB:C8C3:6A3B:0:0", "::85cb:c8c3:6a3b:0:0"},
    {"0:0:0:0:0:FFFF:4FBA:794C", "::ffff:79.186.121.76"},
    {"0:0:0:FFFF:0:0:E194:DE4A", "::ffff:0:0:e194:de4a"},
    {"0:0:0:0:2D39:0:0:5BB3", "::2d39:0:0:5bb3"},
    {"0:FFFF:0:5579:0:0:CF1:413E", "0:ffff:0:5579::cf1:413e"},
    {"0:0:FFFF:0:0:0:0:0", "0:0:ffff::"},
    {"0:0:0:18C4:0:CEF:0:0", "::18c4:0:cef:0:0"},
    {"0:0:0:0:0:FFFF:CBE3:E728", "::ffff:203.227.231.40"},
    {"0:0:937E:0:0:FFFF:0:0", "::937e:0:0:ffff:0:0"},
    {"0:0:0:104F:FFFF:0:0:0", "::104f:ffff:0:0:0"},
};

const std::vector<const char*> k_rejected_addrs = {
    "10.0.0.1:+25",
    "[::1%3]",
    "mx.example.com",
    "mx.example.com:25",
    "localhost",
    "[mx.example.com]",
    "010.0.0.1",
    "10.0.0.1:99999",
    "[10.0.0.1]:bogus",
    "[10.0.0.1]:",
    "[10.0.0.1",
    "10.0.0.1]",
    "hello there",
    "",
    "run/sock",
    "[/some/path]",
    "[/some/path]:25",
    "1.2.3",
    "256.0.0.1",
    "10.0.0.1:25:25",
    "[::1]]:25",
    "[[::1]]",
    "[[10.0.0.1]]:25",
    "1::2:3:4:5:6:7:8",
    "00001::",
    "1:::2",
    ":::",
    "1.2.3.4.5",
    "fe80::1%2",
    "[::1]:65536",
    "::ffff:1.2.3.04",
};

struct MessageRow {
  std::string addr;
  std::string message;
};

const std::vector<MessageRow> k_messages = {
    {"mx.example.com",
     R"("mx.example.com" is a hostname; addr must be an IP address (e.g. "10.0.0.1" or "10.0.0.1:25") or an absolute unix socket path; put hostnames in "name" or use a plain string entry)"},
    {"mx.example.com:25",
     R"("mx.example.com:25" is a hostname; addr must be an IP address (e.g. "10.0.0.1" or "10.0.0.1:25") or an absolute unix socket path; put hostnames in "name" or use a plain string entry)"},
    {"",
     R"(addr is empty; addr must be an IP address (e.g. "10.0.0.1" or "10.0.0.1:25") or an absolute unix socket path)"},
    {"010.0.0.1", R"("010.0.0.1" has an IPv4 part with a leading zero, which KumoMTA rejects (write "10" not "010"))"},
    {"10.0.0.1:99999", R"("10.0.0.1:99999" has port 99999, which is above 65535)"},
    {"run/sock", R"("run/sock" is a relative path; a unix socket path must start with "/")"},
    {"/" + std::string(107, 'a'),
     "\"/" + std::string(107, 'a') + "\" is 108 bytes long; a unix socket path must be shorter than 108 bytes"},
    {std::string("/a\0b", 4), R"("/a\x00b" contains a NUL byte, which a unix socket path cannot hold)"},
    {"hello there", R"("hello there" is not an IP address, IP:port, [IP]:port or absolute unix socket path)"},
};

std::string kind_name(MxNameKind kind) {
  switch (kind) {
    case MxNameKind::dns_name: return "dns_name";
    case MxNameKind::bracket_literal: return "bracket_literal";
    case MxNameKind::bare_ip: return "bare_ip";
    case MxNameKind::unix_path: return "unix_path";
    case MxNameKind::bad_literal: return "bad_literal";
  }
  return "?";
}

}  // namespace

TEST_CASE("classify_mx_name follows dns-resolver", "[mx]") {
  for (const auto& row : k_names) {
    INFO(row.entry);
    const auto name = classify_mx_name(row.entry);
    CHECK(kind_name(name.kind) == kind_name(row.kind));
    CHECK(name.host == row.host);
    CHECK(name.port == row.port);
    CHECK(name.problem.empty() == (row.kind != MxNameKind::bad_literal));
  }
}

TEST_CASE("classify_mx_name says what is wrong with a bad literal", "[mx]") {
  for (const auto& row : k_problems) {
    INFO(row.entry);
    CHECK(classify_mx_name(row.entry).problem == row.problem);
  }
  const auto too_long = classify_mx_name("/" + std::string(200, 'x'));
  CHECK(too_long.kind == MxNameKind::bad_literal);
  CHECK_THAT(too_long.problem, Catch::Contains("must be shorter than 108 bytes"));
}

TEST_CASE("parse_mx_addr accepts what HostOrSocketAddress accepts", "[mx]") {
  for (const auto& row : k_addrs) {
    INFO(row.addr);
    auto parsed = parse_mx_addr(row.addr);
    REQUIRE(parsed.has_value());
    CHECK(*parsed == row.display);
  }
  const std::string longest = "/" + std::string(106, 'a');
  CHECK(parse_mx_addr(longest).has_value());
}

TEST_CASE("parse_mx_addr displays IPv6 as Rust does", "[mx]") {
  for (const auto& row : k_ipv6_display) {
    INFO(row.addr);
    auto parsed = parse_mx_addr(row.addr);
    REQUIRE(parsed.has_value());
    CHECK(*parsed == row.display);
  }
}

TEST_CASE("parse_mx_addr rejects what HostOrSocketAddress rejects", "[mx]") {
  for (const char* addr : k_rejected_addrs) {
    INFO(addr);
    auto parsed = parse_mx_addr(addr);
    REQUIRE_FALSE(parsed.has_value());
    CHECK(parsed.error().kumo_message == "data did not match any variant of untagged enum DeliveryProto");
    CHECK_FALSE(parsed.error().message.empty());
  }
}

TEST_CASE("parse_mx_addr explains rejections", "[mx]") {
  for (const auto& row : k_messages) {
    INFO(row.addr);
    auto parsed = parse_mx_addr(row.addr);
    REQUIRE_FALSE(parsed.has_value());
    CHECK(parsed.error().message == row.message);
  }
}

TEST_CASE("parse_mx_addr output is a fixed point", "[mx]") {
  std::mt19937_64 rng(0x6d78);
  for (int i = 0; i < 3000; ++i) {
    std::string addr;
    const auto shape = rng() % 4;
    if (shape < 2) {
      addr = std::to_string(rng() % 256) + "." + std::to_string(rng() % 256) + "." + std::to_string(rng() % 256) + "." +
             std::to_string(rng() % 256);
    } else {
      for (int g = 0; g < 8; ++g) {
        if (g > 0) {
          addr += ':';
        }
        const auto r = rng();
        char group[8];
        std::snprintf(group, sizeof group, "%x", static_cast<unsigned>(r % 0x10000));
        addr += r % 2 == 0 ? "0" : group;
      }
      if (shape == 3) {
        addr = "[" + addr + "]";
      }
    }
    if (rng() % 2 == 0) {
      addr = (shape < 2 && rng() % 2 == 0 ? "[" + addr + "]" : addr) + ":" + std::to_string(rng() % 65536);
      if (shape == 2) {
        addr = "[" + addr.substr(0, addr.rfind(':')) + "]" + addr.substr(addr.rfind(':'));
      }
    }
    INFO(addr);
    auto first = parse_mx_addr(addr);
    REQUIRE(first.has_value());
    auto second = parse_mx_addr(*first);
    REQUIRE(second.has_value());
    CHECK(*second == *first);
  }
}
