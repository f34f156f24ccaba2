#include "cli/expectation_file.hpp"

#include <algorithm>
#include <filesystem>

#include "cli/config_file_toml.hpp"
#include "cli/errors.hpp"
#include "cli/input.hpp"
#include "core/config/convert.hpp"
#include "core/diag/codes.hpp"
#include "core/util/text.hpp"

namespace kumo::cli {

namespace fs = std::filesystem;

namespace {

// The policy's run settings an expectation file may give: the [check] keys
// that decide what the policy does. Output and queue keys have no meaning
// here (the queues are the blocks').
const std::vector<std::string_view> k_setting_keys = {
    "lua-path",   "allow-read", "map-path",    "env",    "dns",    "max-instructions",
    "max-memory", "timeout",    "run-timeout", "select", "ignore",
};

struct Where {
  const std::string& file;
  int line;
};

[[noreturn]] void fail_at(const Where& w, const std::string& message) {
  throw UsageError(w.file + ":" + std::to_string(w.line) + ": " + message);
}

int line_of(const toml::node& n) { return static_cast<int>(n.source().begin.line); }

std::string did_you_mean(std::string_view word, const std::vector<std::string_view>& candidates) {
  auto near = util::closest_match(word, candidates);
  return near ? " (did you mean `" + *near + "`?)" : "";
}

// A TOML value as the JSON KumoMTA serializes: strings, numbers, booleans,
// lists and tables. Dates and times have no JSON form.
nlohmann::json to_json(const toml::node& n, const Where& w, const std::string& key) {
  if (auto s = n.as_string()) {
    return s->get();
  }
  if (auto i = n.as_integer()) {
    return i->get();
  }
  if (auto f = n.as_floating_point()) {
    return f->get();
  }
  if (auto b = n.as_boolean()) {
    return b->get();
  }
  if (auto a = n.as_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& item : *a) {
      out.push_back(to_json(item, w, key));
    }
    return out;
  }
  if (auto t = n.as_table()) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [k, v] : *t) {
      out[std::string(k.str())] = to_json(v, w, key + "." + std::string(k.str()));
    }
    return out;
  }
  fail_at(w, key + ": a date or time has no value in a queue config; write the value as KumoMTA serializes it");
}

// A config key's expectation, one per value written: a table's leaves each
// on their own line (protocol.smtp.mx_list = [...]).
void add_key_leaves(pipeline::Expectation& e, const std::string& path, const toml::node& v, const std::string& file) {
  if (const toml::table* t = v.as_table()) {
    for (const auto& [k, child] : *t) {
      add_key_leaves(e, path + "." + std::string(k.str()), child, file);
    }
    return;
  }
  const Where w{file, line_of(v)};
  e.keys.push_back({path, to_json(v, w, path), w.line});
}

std::vector<std::string_view> block_words() {
  std::vector<std::string_view> words = pipeline::expectation_words();
  const auto& keys = config::queue_config_keys();
  words.insert(words.end(), keys.begin(), keys.end());
  return words;
}

void read_word(pipeline::Expectation& e, std::string_view word, const toml::node& v, const Where& w) {
  const std::string name(word);
  if (word == "attempts") {
    auto n = v.value_exact<std::int64_t>();
    if (!n || *n < 0) {
      fail_at(w, "attempts must be a whole number of delivery attempts, e.g. attempts = 9");
    }
    e.attempts = static_cast<std::uint64_t>(*n);
    e.attempts_line = w.line;
  } else if (word == "expires_after") {
    auto text = v.value_exact<std::string>();
    if (!text) {
      fail_at(w, "expires_after must be a duration string, e.g. expires_after = \"3days\"");
    }
    auto d = values::parse_humantime(*text);
    if (!d) {
      fail_at(w, "expires_after: " + d.error().message);
    }
    e.expires_after = pipeline::Expectation::Expiry{*d, *text, w.line};
  } else if (word == "findings") {
    const toml::array* a = v.as_array();
    if (a == nullptr) {
      fail_at(w, "findings must be a list of codes, e.g. findings = [\"KQ203\"]");
    }
    std::vector<std::string> codes;
    for (const auto& item : *a) {
      auto code = item.value_exact<std::string>();
      if (!code || diag::find_code(*code) == nullptr) {
        std::vector<std::string_view> known;
        for (const auto& row : diag::code_table()) {
          known.push_back(row.code);
        }
        fail_at(w, "findings: " + (code ? util::quoted(*code) : std::string("a non-string")) +
                       " is not a kumo-lint code" + (code ? did_you_mean(*code, known) : ""));
      }
      codes.push_back(*code);
    }
    e.findings = std::move(codes);
    e.findings_line = w.line;
  } else if (word == "no_findings") {
    auto b = v.value_exact<bool>();
    if (!b) {
      fail_at(w, "no_findings must be true or false");
    }
    e.no_findings = *b;
    e.no_findings_line = w.line;
  } else {
    add_key_leaves(e, name, v, w.file);
  }
}

pipeline::Expectation read_block(const toml::table& t, const std::string& file) {
  pipeline::Expectation e;
  e.line = line_of(t);
  const Where block{file, e.line};
  const toml::node* queue = t.get("queue");
  if (queue == nullptr || !queue->is_string()) {
    fail_at(block, "an [[expect]] block names its queue: queue = \"tenant@example.com\"");
  }
  e.queue = *queue->value<std::string>();
  if (auto problem = malformed_queue_name(e.queue)) {
    fail_at({file, line_of(*queue)}, "queue " + *problem);
  }
  const std::vector<std::string_view> words = block_words();
  for (const auto& [key, value] : t) {
    const Where w{file, static_cast<int>(key.source().begin.line)};
    if (key.str() == "queue") {
      continue;
    }
    if (std::find(words.begin(), words.end(), key.str()) == words.end()) {
      fail_at(w, "unknown key `" + std::string(key.str()) + "` in [[expect]]: a block takes a queue config key, " +
                     "attempts, expires_after, findings or no_findings" + did_you_mean(key.str(), words));
    }
    read_word(e, key.str(), value, w);
  }
  if (e.keys.empty() && !e.attempts && !e.expires_after && !e.findings && !e.no_findings) {
    fail_at(block, "this [[expect]] block for " + util::quoted(e.queue) +
                       " expects nothing: add a config key (egress_pool = \"pool-2\"), attempts, expires_after, "
                       "findings or no_findings = true");
  }
  if (e.findings && e.no_findings) {
    fail_at({file, e.no_findings_line}, "give findings or no_findings = true, not both");
  }
  return e;
}

std::string rebased(const std::string& path, const fs::path& dir) {
  if (fs::path(path).is_absolute() || dir.empty()) {
    return path;
  }
  return (dir / path).lexically_normal().string();
}

}  // namespace

ExpectationFile read_expectation_file(const std::string& path) {
  ExpectationFile f;
  f.path = path;
  f.settings.path = path;
  const std::string text = read_text_file(path, "expectation file");
  toml::parse_result parsed = toml::parse(text, path);
  if (!parsed) {
    const auto& e = parsed.error();
    throw UsageError(path + ":" + std::to_string(e.source().begin.line) + ": " + std::string(e.description()));
  }
  const toml::table& top = parsed.table();
  const fs::path dir = fs::path(path).parent_path();
  const toml::node* policy = top.get("policy");
  if (policy == nullptr || !policy->is_string()) {
    fail_at({path, policy ? line_of(*policy) : 1}, "an expectation file names its policy: policy = \"init.lua\"");
  }
  f.policy = rebased(*policy->value<std::string>(), dir);
  f.policy_line = line_of(*policy);
  read_check_keys(f.settings, top, dir,
                  {k_setting_keys,
                   {"policy", "expect"},
                   "in an expectation file: it takes policy, the policy's settings (lua-path, env, map-path, ...) "
                   "and [[expect]] blocks"});
  for (const auto& [key, value] : top) {
    if (key.str() != "policy" && key.str() != "expect") {
      f.settings_given.push_back("--" + std::string(key.str()));
    }
  }
  const toml::node* expect = top.get("expect");
  const toml::array* blocks = expect ? expect->as_array() : nullptr;
  if (blocks == nullptr || blocks->empty() || !blocks->is_array_of_tables()) {
    fail_at({path, expect ? line_of(*expect) : f.policy_line},
            "an expectation file holds [[expect]] blocks, each with a queue and what it must do");
  }
  for (const auto& block : *blocks) {
    f.expectations.push_back(read_block(*block.as_table(), path));
  }
  return f;
}

}  // namespace kumo::cli
