#include "core/explain/explain.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <cstdlib>

namespace kumo::explain {

namespace {

bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }
bool is_alpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }

bool contains_any(std::string_view text, std::string_view chars) {
  return text.find_first_of(chars) != std::string_view::npos;
}

bool all_digits(std::string_view text) { return !text.empty() && std::all_of(text.begin(), text.end(), is_digit); }

bool is_label(std::string_view label) {
  return !label.empty() &&
         std::all_of(label.begin(), label.end(), [](char c) { return is_alpha(c) || is_digit(c) || c == '-'; });
}

// "gmail.com", "163.com", "mx-1.example.net"; not "4.2s" or "1.5h", whose
// last label is not all letters.
bool looks_like_domain(std::string_view text) {
  const auto last_dot = text.rfind('.');
  if (last_dot == std::string_view::npos) {
    return false;
  }
  const std::string_view tld = text.substr(last_dot + 1);
  if (tld.empty() || !std::all_of(tld.begin(), tld.end(), is_alpha)) {
    return false;
  }
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto dot = std::min(text.find('.', start), text.size());
    if (!is_label(text.substr(start, dot - start))) {
      return false;
    }
    start = dot + 1;
  }
  return true;
}

// Text a duration is more likely than a name: humantime's own mistakes
// ("20 minuts", "-5s", ".5s") and blank input.
bool looks_like_duration(std::string_view text) {
  if (text.empty() || contains_any(text, " \t\n\r\f\v")) {
    return true;
  }
  const char first = text.front();
  return is_digit(first) || first == '.' || first == '+' || first == '-';
}

// A bare number is a Lua number of seconds: an integer when it fits in one,
// otherwise Lua reads it as a float (which kumod converts, or panics on).
util::Expected<values::Duration, values::ValueError> duration_from_digits(std::string_view digits) {
  std::int64_t seconds = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), seconds);
  if (ec == std::errc() && end == digits.data() + digits.size()) {
    return values::duration_from_integer(seconds);
  }
  return values::duration_from_float(std::strtod(std::string(digits).c_str(), nullptr));
}

void explain_duration(Explanation& e) {
  const bool integer_seconds = all_digits(e.input);
  auto parsed = integer_seconds ? duration_from_digits(e.input) : values::duration_from_string(e.input);
  if (!parsed) {
    e.error = parsed.error();
    return;
  }
  e.duration = DurationFacts{*parsed, values::format_humantime(*parsed), integer_seconds};
}

void explain_throttle(Explanation& e) {
  auto parsed = values::parse_throttle(e.input);
  if (!parsed) {
    e.error = parsed.error();
    return;
  }
  auto panic = values::explain_throttle_panic(*parsed);
  e.throttle = ThrottleFacts{*parsed, values::format_throttle(*parsed), values::explain_throttle(*parsed),
                             panic ? std::vector<std::string>{} : values::explain_throttle_lines(*parsed), panic};
}

}  // namespace

const std::vector<KindInfo>& kinds() {
  static const std::vector<KindInfo> table = {
      {ValueKind::duration, "duration", "duration"},
      {ValueKind::throttle, "throttle", "throttle spec"},
      {ValueKind::queue_name, "queue_name", "queue name"},
  };
  return table;
}

const KindInfo& kind_info(ValueKind kind) {
  for (const auto& k : kinds()) {
    if (k.id == kind) {
      return k;
    }
  }
  return kinds().front();
}

ValueKind classify(std::string_view input) {
  if (contains_any(input, "/")) {
    return ValueKind::throttle;
  }
  if (contains_any(input, "@!:")) {
    return ValueKind::queue_name;
  }
  if (all_digits(input)) {
    return ValueKind::duration;
  }
  if (looks_like_domain(input)) {
    return ValueKind::queue_name;
  }
  if (values::parse_humantime(input) || looks_like_duration(input)) {
    return ValueKind::duration;
  }
  return ValueKind::queue_name;
}

Explanation explain_value(std::string_view input) {
  Explanation e;
  e.input = std::string(input);
  e.kind = classify(input);
  switch (e.kind) {
    case ValueKind::duration: explain_duration(e); break;
    case ValueKind::throttle: explain_throttle(e); break;
    case ValueKind::queue_name: e.queue_name = values::parse_queue_name(input); break;
  }
  return e;
}

std::vector<Explanation> explain_values(const std::vector<std::string>& inputs) {
  std::vector<Explanation> out;
  out.reserve(inputs.size());
  for (const auto& input : inputs) {
    out.push_back(explain_value(input));
  }
  return out;
}

}  // namespace kumo::explain
