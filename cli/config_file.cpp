#include "cli/config_file.hpp"
#include "cli/config_file_toml.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <string_view>

#include "cli/errors.hpp"
#include "cli/input.hpp"
#include "cli/shared_flags.hpp"
#include "core/diag/codes.hpp"
#include "core/util/text.hpp"

namespace kumo::cli {

namespace fs = std::filesystem;

namespace {

// Where a setting was written, for errors.
struct Place {
  const std::string& file;
  const toml::source_region& at;
  std::string prefix() const { return file + ":" + std::to_string(at.begin.line) + ": "; }
};

[[noreturn]] void fail(const Place& p, const std::string& message) { throw UsageError(p.prefix() + message); }

std::string string_value(const toml::node& v, const Place& p, std::string_view key) {
  auto s = v.value<std::string>();
  if (!s || !v.is_string()) {
    fail(p, std::string(key) + " must be a string");
  }
  return *s;
}

std::vector<std::string> string_list(const toml::node& v, const Place& p, std::string_view key) {
  const toml::array* a = v.as_array();
  if (a == nullptr) {
    fail(p, std::string(key) + " must be a list of strings, e.g. [\"KQ203\"]");
  }
  std::vector<std::string> out;
  for (const auto& item : *a) {
    out.push_back(string_value(item, p, key));
  }
  return out;
}

// A number as its flag would take it, checked by that flag's own row.
std::string number_text(const toml::node& v, const Place& p, std::string_view key) {
  if (auto i = v.value_exact<std::int64_t>()) {
    return std::to_string(*i);
  }
  if (auto d = v.value_exact<double>()) {
    return std::to_string(*d);
  }
  fail(p, std::string(key) + " must be a number");
}

// A path the file writes relative to its own directory, as the working
// directory sees it.
std::string rebased(const std::string& path, const fs::path& dir) {
  if (path.empty() || fs::path(path).is_absolute() || dir.empty() || dir == ".") {
    return path;
  }
  return (dir / path).lexically_normal().string();
}

using Setter = std::function<void(ConfigFile&, const toml::node&, const Place&, const fs::path& dir)>;

struct CheckKey {
  std::string_view name;
  Setter set;
};

template <class T>
Setter numeric(std::optional<T> ConfigFile::*field, std::string_view flag, bool decimal) {
  return [field, flag, decimal](ConfigFile& c, const toml::node& v, const Place& p, const fs::path&) {
    const std::string text = number_text(v, p, flag.substr(2));
    try {
      if constexpr (std::is_same_v<T, double>) {
        c.*field = parse_decimal_flag(flag, text);
      } else {
        (void)decimal;
        c.*field = parse_integer_flag(flag, text);
      }
    } catch (const UsageError& e) {
      fail(p, std::string(flag.substr(2)) + " = " + text + ": " +
                  std::string(e.what()).substr(std::string(e.what()).find(':') + 2));
    }
  };
}

Setter list(std::optional<std::vector<std::string>> ConfigFile::*field, bool paths) {
  return [field, paths](ConfigFile& c, const toml::node& v, const Place& p, const fs::path& dir) {
    auto values = string_list(v, p, "this key");
    if (paths) {
      for (auto& value : values) {
        value = rebased(value, dir);
      }
    }
    c.*field = std::move(values);
  };
}

// map-path entries are FROM=TO: only TO is a path relative to the file.
void set_map_path(ConfigFile& c, const toml::node& v, const Place& p, const fs::path& dir) {
  auto values = string_list(v, p, "map-path");
  for (auto& value : values) {
    auto eq = value.find('=');
    if (eq != std::string::npos) {
      value = value.substr(0, eq + 1) + rebased(value.substr(eq + 1), dir);
    }
  }
  c.map_path = std::move(values);
}

// The keys of [check], declared once: each is the check flag of that name.
const std::vector<CheckKey>& check_keys() {
  static const std::vector<CheckKey> keys = {
      {"select", list(&ConfigFile::select, false)},
      {"ignore", list(&ConfigFile::ignore, false)},
      {"fail-level",
       [](ConfigFile& c, const toml::node& v, const Place& p, const fs::path&) {
         std::string level = string_value(v, p, "fail-level");
         if (level != "error" && level != "warning") {
           fail(p, "fail-level = \"" + level + "\": expected \"error\" or \"warning\"");
         }
         c.fail_level = level;
       }},
      {"queues", list(&ConfigFile::queues, false)},
      {"queues-file", [](ConfigFile& c, const toml::node& v, const Place& p,
                         const fs::path& dir) { c.queues_file = rebased(string_value(v, p, "queues-file"), dir); }},
      {"lua-path", list(&ConfigFile::lua_path, true)},
      {"allow-read", list(&ConfigFile::allow_read, true)},
      {"map-path", set_map_path},
      {"env", list(&ConfigFile::env, false)},
      {"dns", [](ConfigFile& c, const toml::node& v, const Place& p,
                 const fs::path& dir) { c.dns = rebased(string_value(v, p, "dns"), dir); }},
      {"max-instructions", numeric(&ConfigFile::max_instructions, "--max-instructions", false)},
      {"max-memory", numeric(&ConfigFile::max_memory, "--max-memory", false)},
      {"max-samples", numeric(&ConfigFile::max_samples, "--max-samples", false)},
      {"jobs", numeric(&ConfigFile::jobs, "--jobs", false)},
      {"timeout", numeric(&ConfigFile::timeout, "--timeout", true)},
      {"run-timeout", numeric(&ConfigFile::run_timeout, "--run-timeout", true)},
  };
  return keys;
}

std::string did_you_mean(std::string_view key, const std::vector<std::string_view>& candidates) {
  auto near = util::closest_match(key, candidates);
  return near ? " (did you mean `" + *near + "`?)" : "";
}

}  // namespace

void read_check_keys(ConfigFile& c, const toml::table& t, const fs::path& dir, const CheckKeyFilter& filter) {
  std::vector<std::string_view> names = filter.also;
  for (const auto& k : check_keys()) {
    if (filter.only.empty() || std::find(filter.only.begin(), filter.only.end(), k.name) != filter.only.end()) {
      names.push_back(k.name);
    }
  }
  for (const auto& [key, value] : t) {
    if (std::find(filter.also.begin(), filter.also.end(), key.str()) != filter.also.end()) {
      continue;
    }
    Place p{c.path, key.source()};
    auto it = std::find_if(check_keys().begin(), check_keys().end(),
                           [&key](const CheckKey& k) { return k.name == key.str(); });
    if (it == check_keys().end() || std::find(names.begin(), names.end(), key.str()) == names.end()) {
      fail(p, "unknown key `" + std::string(key.str()) + "` " + std::string(filter.where) +
                  did_you_mean(key.str(), names));
    }
    it->set(c, value, p, dir);
  }
}

namespace {

void read_severity_table(ConfigFile& c, const toml::table& t) {
  std::vector<std::string_view> codes;
  for (const auto& row : diag::code_table()) {
    codes.push_back(row.code);
  }
  for (const auto& [key, value] : t) {
    Place p{c.path, key.source()};
    const std::string code(key.str());
    if (diag::find_code(code) == nullptr) {
      fail(p, "`" + code + "` in [severity] is not a kumo-lint code" + did_you_mean(code, codes));
    }
    std::string level = string_value(value, p, code);
    if (level != "error" && level != "warning" && level != "info" && level != "off") {
      fail(p, code + " = \"" + level + "\": expected \"error\", \"warning\", \"info\" or \"off\"");
    }
    c.severity[code] = level;
  }
}

}  // namespace

std::optional<std::string> find_config_file(const std::string& policy_path) {
  std::error_code ec;
  fs::path cwd = fs::current_path(ec);
  fs::path dir = fs::absolute(fs::path(policy_path), ec).parent_path();
  for (int depth = 0; !dir.empty() && depth < 256; ++depth) {
    fs::path candidate = dir / k_config_file_name;
    if (fs::is_regular_file(candidate, ec)) {
      fs::path shown = candidate.lexically_relative(cwd);
      return (shown.empty() || *shown.begin() == ".." ? candidate : shown).string();
    }
    if (fs::exists(dir / ".git", ec) || dir == dir.parent_path()) {
      break;
    }
    dir = dir.parent_path();
  }
  return std::nullopt;
}

ConfigFile read_config_file(const std::string& path) {
  ConfigFile c;
  c.path = path;
  const std::string text = read_text_file(path, "config file");
  toml::parse_result parsed = toml::parse(text, path);
  if (!parsed) {
    const auto& e = parsed.error();
    throw UsageError(path + ":" + std::to_string(e.source().begin.line) + ": " + std::string(e.description()));
  }
  const fs::path dir = fs::path(path).parent_path();
  std::vector<std::string_view> sections = {"check", "severity"};
  for (const auto& [key, value] : parsed.table()) {
    Place p{c.path, key.source()};
    const toml::table* t = value.as_table();
    if (key.str() == "check" && t != nullptr) {
      read_check_keys(c, *t, dir, {{}, {}, "in [check]"});
    } else if (key.str() == "severity" && t != nullptr) {
      read_severity_table(c, *t);
    } else {
      fail(p, "unknown key `" + std::string(key.str()) + "`: a config file has the sections [check] and [severity]" +
                  did_you_mean(key.str(), sections));
    }
  }
  return c;
}

}  // namespace kumo::cli
