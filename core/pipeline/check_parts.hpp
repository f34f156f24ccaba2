// The pieces of the `check` pipeline (core/pipeline/check.cpp) that hold
// state across queues: where a finding's key is written, the timelines of
// retry settings seen, the queue names seen, and the counting of findings.
// Declared here so that each is unit-tested on its own.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/lua/host.hpp"
#include "core/pipeline/check.hpp"
#include "core/policy/lua_source.hpp"
#include "core/report/report.hpp"
#include "core/util/bounded_cache.hpp"
#include "core/util/zeroed_words.hpp"

namespace kumo::pipeline {

// The sandbox compiles no chunk larger than this, and reads no larger file.
inline constexpr std::size_t k_max_source_bytes = 16u << 20;

// A file the policy read (its code or data), up to k_max_source_bytes; ""
// when it cannot be read.
std::string read_source_text(const std::string& resolved);

// Adds each finding to the summary's count of its severity, or to
// `suppressed` / `baselined` (in none of the others).
void count_findings(report::Summary& s, const std::vector<diag::Diagnostic>& diagnostics);

// Sorts findings (diag::diagnostic_less) and drops exact repeats.
void sort_unique(std::vector<diag::Diagnostic>& diagnostics);

// Finds each file's source once, to point findings at a key's own line.
// Files are tokenized only when a finding needs them, and at most
// k_max_held_tokens are kept for the whole run (a hostile policy could
// otherwise make kumo-lint hold gigabytes of tokens outside every limit):
// past that, findings keep the line they have.
class KeyLocator {
 public:
  KeyLocator(std::string policy_path, const std::string& policy_source, const lua::PolicyHost& host)
      : m_host(host), m_policy_path(std::move(policy_path)), m_policy_source(policy_source) {}

  void refine(diag::Diagnostic& d) {
    if (!d.key || d.key->empty() || d.location.line <= 0 || d.location.column) {
      return;  // a finding placed already (in a data file) keeps its place
    }
    // Findings come in runs from one make_queue_config call: the last
    // call's keys are at hand without building the map's key.
    if (m_last_keys == nullptr || m_last_line != d.location.line || m_last_file != d.location.file) {
      const auto& tokens = tokens_of(d.location.file);
      auto cache_key = d.location.file + ":" + std::to_string(d.location.line);
      auto it = m_keys.find(cache_key);
      if (it == m_keys.end()) {
        auto keys = policy::constructor_keys(tokens, d.location.line, "make_queue_config");
        it = m_keys.emplace(cache_key, std::move(keys)).first;
      }
      m_last_keys = &it->second;  // map nodes stay where they are
      m_last_file = d.location.file;
      m_last_line = d.location.line;
    }
    if (auto pos = policy::find_key(*m_last_keys, *d.key)) {
      d.location.line = pos->line;
      d.location.column = pos->column;
    }
  }

  // The tokens of a file the policy's code was compiled from; none for a
  // name that only a chunk name gave (never opened: it is the policy's).
  const std::vector<policy::Token>& tokens_of(const std::string& file) {
    auto it = m_tokens.find(file);
    if (it == m_tokens.end()) {
      std::size_t room = k_max_held_tokens - std::min(m_held, k_max_held_tokens);
      std::vector<policy::Token> tokens;
      if (room > 0) {
        tokens = file == m_policy_path ? policy::tokenize(m_policy_source, std::min(room, policy::k_max_tokens))
                                       : policy::tokenize(source_of(file), std::min(room, policy::k_max_tokens));
      }
      m_held += tokens.size();
      it = m_tokens.emplace(file, std::move(tokens)).first;
    }
    return it->second;
  }

 private:
  std::string source_of(const std::string& file) const {
    auto resolved = m_host.source_file(file);
    return resolved ? read_source_text(*resolved) : std::string();
  }

  static constexpr std::size_t k_max_held_tokens = 2 * policy::k_max_tokens;

  const lua::PolicyHost& m_host;
  std::string m_policy_path;
  const std::string& m_policy_source;
  std::size_t m_held = 0;
  std::map<std::string, std::vector<policy::Token>> m_tokens;
  std::map<std::string, std::map<std::string, policy::KeyPosition>> m_keys;
  const std::map<std::string, policy::KeyPosition>* m_last_keys = nullptr;  // m_keys' entry for:
  std::string m_last_file;
  int m_last_line = 0;
};

// The retry timeline of a config, and its findings located at the keys.
// Queues that share retry settings share their timeline, keyed by the
// settings the simulation reads, within a memory budget (util::BoundedCache).
class TimelineCache {
 public:
  explicit TimelineCache(simulate::TimelineOptions options) : m_options(std::move(options)) {}

  // A queue's timeline, shared, and its findings (not yet located).
  struct Shared {
    std::shared_ptr<const simulate::Timeline> timeline;
    std::vector<diag::Diagnostic> findings;
  };

  // By the config object first (most queues share one: SharedConfig
  // compares by address), then by the settings the simulation reads.
  const Shared& get(const config::SharedConfig& c) {
    return m_by_config.get(
        c, [this](const config::SharedConfig& k) { return by_settings(*k); },
        [](const Shared& r) { return k_held_config_bytes + findings_bytes(r); });
  }

 private:
  static constexpr std::size_t k_budget_bytes = 16u << 20;
  // What a key's config holds, roughly (its strings and lists).
  static constexpr std::size_t k_held_config_bytes = sizeof(config::QueueConfig) + 512;

  static std::size_t findings_bytes(const Shared& r) { return r.findings.size() * (sizeof(diag::Diagnostic) + 256); }

  const Shared& by_settings(const config::QueueConfig& c) {
    // Keyed by the keys the timeline and the rate preview read, the rest
    // left at their defaults: configs that differ elsewhere share it.
    config::QueueConfig key;
    key.retry_interval = c.retry_interval;
    key.max_retry_interval = c.max_retry_interval;
    key.max_age = c.max_age;
    key.max_message_rate = c.max_message_rate;
    return m_entries.get(
        key,
        [this](const config::QueueConfig& k) {
          TimelineResult r = evaluate_timeline(k, m_options);
          return Shared{std::make_shared<const simulate::Timeline>(std::move(r.timeline)), std::move(r.findings)};
        },
        [](const Shared& r) { return r.timeline->attempts.size() * sizeof(simulate::Attempt) + findings_bytes(r); });
  }

  simulate::TimelineOptions m_options;
  util::BoundedCache<config::QueueConfig, Shared, config::QueueConfigHash> m_entries{k_budget_bytes};
  util::BoundedCache<config::SharedConfig, Shared, config::SharedConfigHash> m_by_config{k_budget_bytes};
};

// Remembers which queue names were seen, in 8 to 16 bytes each: a 64-bit
// fingerprint per name in an open-addressing table. Two different names
// share a fingerprint with probability ~n^2/2^65 (3e-8 for a million names);
// the second would then be skipped as a duplicate.
class SeenNames {
 public:
  // True the first time `name` is offered.
  bool insert(const std::string& name) { return insert(fingerprint(name)); }
  // The same, by the name's fingerprint.
  bool insert(std::uint64_t f) {
    if ((m_count + 1) * 2 > m_slots.size()) {
      grow();
    }
    return place(f);
  }

  static std::uint64_t fingerprint(const std::string& name) {
    const std::uint64_t f = std::hash<std::string>{}(name);
    return f == 0 ? 1 : f;  // 0 marks an empty slot
  }
  // Starts reading the slot where `f` goes into the cache, for an insert
  // a little later: a table of millions of names misses it every time.
  void prefetch(std::uint64_t f) const {
    if (m_slots.size() != 0) {
      __builtin_prefetch(m_slots.data() + (f & (m_slots.size() - 1)));
    }
  }

 private:
  bool place(std::uint64_t f) {
    std::size_t mask = m_slots.size() - 1;
    for (std::size_t i = f & mask;; i = (i + 1) & mask) {
      if (m_slots[i] == f) {
        return false;
      }
      if (m_slots[i] == 0) {
        m_slots[i] = f;
        ++m_count;
        return true;
      }
    }
  }

  void grow() {
    util::ZeroedWords old = std::move(m_slots);
    m_slots = util::ZeroedWords(old.size() == 0 ? 64 : old.size() * 2);
    m_count = 0;
    for (std::size_t i = 0; i < old.size(); ++i) {
      if (old[i] != 0) {
        place(old[i]);
      }
    }
  }

  util::ZeroedWords m_slots;  // huge pages where the OS has them: read at random
  std::size_t m_count = 0;
};

}  // namespace kumo::pipeline
