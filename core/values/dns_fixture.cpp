#include "core/values/dns_fixture.hpp"

#include <algorithm>
#include <charconv>
#include <sstream>

namespace kumo::values {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c); });
  return out;
}

// A name as the zone keys it: lowercase, without the root's trailing dot.
std::string zone_key(std::string_view name) {
  if (!name.empty() && name.back() == '.') {
    name.remove_suffix(1);
  }
  return lower(name);
}

std::string fully_qualified(std::string_view name) { return zone_key(name) + "."; }

// Splits a line into fields; a double-quoted field (TXT data) keeps its
// spaces. A ';' or '#' outside quotes starts a comment.
util::Expected<std::vector<std::string>, std::string> fields_of(std::string_view line) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < line.size()) {
    char c = line[i];
    if (c == ' ' || c == '\t' || c == '\r') {
      ++i;
    } else if (c == ';' || c == '#') {
      break;
    } else if (c == '"') {
      std::size_t end = line.find('"', i + 1);
      if (end == std::string_view::npos) {
        return util::unexpected(std::string("a quoted string is not closed"));
      }
      out.emplace_back(line.substr(i + 1, end - i - 1));
      i = end + 1;
    } else {
      std::size_t end = line.find_first_of(" \t\r;#", i);
      end = end == std::string_view::npos ? line.size() : end;
      out.emplace_back(line.substr(i, end - i));
      i = end;
    }
  }
  return out;
}

bool is_number(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Adds one record (`fields` after NAME, TTL and CLASS) to `records`.
std::optional<std::string> add_record(DnsRecords& records, const std::string& type,
                                      const std::vector<std::string>& data) {
  if (type == "MX") {
    std::uint16_t pref = 0;
    if (data.size() != 2 || !is_number(data[0]) ||
        std::from_chars(data[0].data(), data[0].data() + data[0].size(), pref).ec != std::errc()) {
      return "MX takes a preference (0-65535) and a host name";
    }
    records.mx.emplace_back(pref, fully_qualified(data[1]));
    return std::nullopt;
  }
  if (data.size() != 1 && type != "TXT") {
    return type + " takes one value";
  }
  if (type == "A") {
    records.a.push_back(data[0]);
  } else if (type == "AAAA") {
    records.aaaa.push_back(data[0]);
  } else if (type == "PTR") {
    records.ptr.push_back(fully_qualified(data[0]));
  } else if (type == "TXT") {
    std::string joined;
    for (const auto& d : data) {
      joined += d;
    }
    records.txt.push_back(joined);
  } else {
    return "unknown record type " + type + " (MX, A, AAAA, TXT or PTR)";
  }
  return std::nullopt;
}

}  // namespace

const DnsRecords* DnsZone::find(std::string_view name) const {
  auto it = names.find(zone_key(name));
  return it == names.end() ? nullptr : &it->second;
}

util::Expected<DnsZone, std::string> parse_dns_fixture(std::string_view text) {
  DnsZone zone;
  std::size_t line_number = 0;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    end = end == std::string_view::npos ? text.size() : end;
    ++line_number;
    auto fields = fields_of(text.substr(start, end - start));
    start = end + 1;
    auto fail = [&](const std::string& why) { return util::unexpected(std::to_string(line_number) + ": " + why); };
    if (!fields) {
      return fail(fields.error());
    }
    if (fields->empty()) {
      if (end == text.size()) {
        break;
      }
      continue;
    }
    std::size_t i = 1;
    if (i < fields->size() && is_number((*fields)[i])) {
      ++i;  // TTL
    }
    if (i < fields->size() && (*fields)[i] == "IN") {
      ++i;  // CLASS
    }
    if (i + 1 >= fields->size()) {
      return fail("expected NAME [TTL] [IN] TYPE DATA");
    }
    std::vector<std::string> data(fields->begin() + static_cast<std::ptrdiff_t>(i) + 1, fields->end());
    if (auto problem = add_record(zone.names[zone_key((*fields)[0])], (*fields)[i], data)) {
      return fail(*problem);
    }
    if (end == text.size()) {
      break;
    }
  }
  return zone;
}

std::string factor_names(const std::vector<std::string>& hosts) {
  std::vector<std::vector<std::string>> split;
  std::size_t longest = 0;
  for (const auto& host : hosts) {
    std::vector<std::string> labels;
    std::string name = zone_key(host);
    std::size_t pos = 0;
    bool valid = !name.empty();
    while (valid) {
      std::size_t dot = name.find('.', pos);
      std::string label = name.substr(pos, dot == std::string::npos ? std::string::npos : dot - pos);
      valid = !label.empty();
      labels.push_back(label);
      if (dot == std::string::npos) {
        break;
      }
      pos = dot + 1;
    }
    if (!valid) {
      continue;  // not a name KumoMTA can qualify: left out, as it does
    }
    std::reverse(labels.begin(), labels.end());
    longest = std::max(longest, labels.size());
    split.push_back(std::move(labels));
  }
  // Per position from the right: the distinct labels in first-seen order,
  // "?" where a name has no label there.
  std::vector<std::vector<std::string>> elements;
  auto add = [&elements](const std::string& label, std::size_t i) {
    if (i >= elements.size()) {
      elements.push_back({label});
    } else if (std::find(elements[i].begin(), elements[i].end(), label) == elements[i].end()) {
      elements[i].push_back(label);
    }
  };
  for (const auto& labels : split) {
    for (std::size_t i = 0; i < labels.size(); ++i) {
      add(labels[i], i);
    }
    for (std::size_t i = labels.size(); i < longest; ++i) {
      add("?", i);
    }
  }
  std::vector<std::string> parts;
  for (auto& element : elements) {
    bool optional = std::find(element.begin(), element.end(), "?") != element.end();
    std::erase(element, "?");
    std::string text;
    if (element.size() == 1) {
      text = element[0];
    } else {
      text = "(";
      for (std::size_t i = 0; i < element.size(); ++i) {
        text += (i ? "|" : "") + element[i];
      }
      text += ")";
    }
    parts.push_back(text + (optional ? "?" : ""));
  }
  std::reverse(parts.begin(), parts.end());
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    out += (i ? "." : "") + parts[i];
  }
  return out;
}

std::optional<MailExchanger> lookup_mx(const DnsZone& zone, std::string_view domain) {
  const DnsRecords* records = zone.find(domain);
  if (records == nullptr) {
    return std::nullopt;
  }
  MailExchanger mx;
  mx.domain_name = fully_qualified(domain);
  if (records->mx.empty()) {
    if (records->a.empty() && records->aaaa.empty()) {
      return std::nullopt;
    }
    // No MX: the domain's own addresses are its implicit MX.
    mx.is_mx = false;
    mx.by_pref[1] = {mx.domain_name};
  } else {
    for (const auto& [pref, host] : records->mx) {
      mx.by_pref[pref].push_back(host);
    }
    for (auto& [pref, list] : mx.by_pref) {
      std::sort(list.begin(), list.end());
    }
  }
  for (const auto& [pref, list] : mx.by_pref) {
    mx.hosts.insert(mx.hosts.end(), list.begin(), list.end());
  }
  mx.site_name = factor_names(mx.hosts);
  return mx;
}

}  // namespace kumo::values
