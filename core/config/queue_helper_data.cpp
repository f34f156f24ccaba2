#include "core/config/queue_helper_data.hpp"

#include <algorithm>

#include "core/config/convert.hpp"
#include "core/diag/codes.hpp"
#include "core/util/text.hpp"

namespace kumo::config {

namespace {

using lua::Value;
using Path = DataPath;

// What a key of the helper's own (not a queue option) must hold.
enum class Want { string, boolean, string_list, table };

struct HelperKey {
  const char* name;
  Want want;
};

// queue.lua's typed records (QueueHelperConfig, DomainConfig,
// TenantWithCampaignConfig, CampaignConfig, TenantConfig): the keys each
// takes besides queue options.
constexpr HelperKey k_queues_top_keys[] = {{"scheduling_header", Want::string},
                                           {"tenant_header", Want::string},
                                           {"remove_tenant_header", Want::boolean},
                                           {"campaign_header", Want::string},
                                           {"remove_campaign_header", Want::boolean},
                                           {"default_tenant", Want::string},
                                           {"tenant", Want::table},
                                           {"queue", Want::table}};
constexpr HelperKey k_scope_keys[] = {{"overall_max_message_rate", Want::string}, {"routing_domain", Want::string}};
constexpr HelperKey k_tenant_keys[] = {
    {"overall_max_message_rate", Want::string}, {"require_authz", Want::string_list}, {"campaigns", Want::table}};

// Each helper key's home, for a key written at the wrong level.
struct KeyHome {
  const HelperKey* begin;
  const HelperKey* end;
  const char* where;
};
constexpr KeyHome k_key_homes[] = {
    {std::begin(k_queues_top_keys), std::end(k_queues_top_keys), "the top level of the file"},
    {std::begin(k_tenant_keys), std::end(k_tenant_keys), "a [tenant.'name'] section"},
    {std::begin(k_scope_keys), std::end(k_scope_keys), "a [queue.'domain'] section or its tenants and campaigns"},
};

// Where `key` belongs when it is one of the helper's keys, else nullptr.
const char* home_of(const std::string& key) {
  for (const auto& home : k_key_homes) {
    for (const HelperKey* h = home.begin; h != home.end; ++h) {
      if (key == h->name) {
        return home.where;
      }
    }
  }
  return nullptr;
}

// Where a key sits and what queue.lua does with a key it cannot place.
struct Scope {
  std::vector<HelperKey> helper_keys;
  bool takes_options = true;
  const char* unplaced_table = nullptr;  // a table under an unknown key is this (tenant, campaign), or an error
  const char* fate = nullptr;            // what queue.lua does with a key it cannot place
};

constexpr const char* k_refused = "queue.lua's type check refuses it, and merging the file fails for every queue";

const Scope& domain_scope() {
  static const Scope s{{std::begin(k_scope_keys), std::end(k_scope_keys)},
                       true,
                       "tenant",
                       "queue.lua takes it for a tenant, and merging the file fails for every queue"};
  return s;
}
const Scope& domain_tenant_scope() {
  static const Scope s{{std::begin(k_scope_keys), std::end(k_scope_keys)},
                       true,
                       "campaign",
                       "queue.lua takes it for a campaign, and merging the file fails for every queue"};
  return s;
}
const Scope& campaign_scope() {
  static const Scope s{{std::begin(k_scope_keys), std::end(k_scope_keys)}, true, nullptr, k_refused};
  return s;
}
const Scope& tenant_scope() {
  static const Scope s{{std::begin(k_tenant_keys), std::end(k_tenant_keys)}, true, nullptr, k_refused};
  return s;
}
const Scope& top_scope() {
  static const Scope s{{std::begin(k_queues_top_keys), std::end(k_queues_top_keys)}, false, nullptr, k_refused};
  return s;
}

std::string section_label(const Path& path) { return data_section_label(path); }
std::string section_name(const Path& path) { return data_section_name(path); }

// A TOML array: a table whose keys are all integers (an empty one is read
// as an empty section, which is what an empty TOML table also gives).
bool is_list(const Value& v) {
  return is_table(v) && !v.table->entries.empty() &&
         std::all_of(v.table->entries.begin(), v.table->entries.end(),
                     [](const auto& e) { return e.key.kind == Value::Kind::integer; });
}

// Why no queue can ever use [queue.'name'], or empty. kumod lowercases the
// recipient's domain before it names the queue (Message::get_queue_name),
// and kumo.domain_map matches labels exactly, with `*` a wildcard only as
// the whole first label.
std::string never_matches(const std::string& name) {
  if (name.empty() || name.find_first_of(" \t\r\n") != std::string::npos) {
    return "a domain holds no spaces";
  }
  std::string lower = name;
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  if (lower != name) {
    return "kumod lowercases the recipient's domain before it names the queue, and sections match it "
           "case-sensitively: write [queue.'" +
           lower + "']";
  }
  std::size_t star = name.find('*');
  if (star != std::string::npos &&
      (star != 0 || name.size() < 3 || name[1] != '.' || name.find('*', 1) != std::string::npos)) {
    return "`*` is a wildcard only as the whole first label (`*.example.com`); elsewhere it is a literal `*`, "
           "which no domain holds";
  }
  return "";
}

bool holds(const Value& v, Want want) {
  switch (want) {
    case Want::string: return v.kind == Value::Kind::string;
    case Want::boolean: return v.kind == Value::Kind::boolean;
    case Want::table: return is_table(v);
    case Want::string_list:
      return is_table(v) && std::all_of(v.table->entries.begin(), v.table->entries.end(), [](const auto& e) {
               return e.key.kind == Value::Kind::integer && e.value.kind == Value::Kind::string;
             });
  }
  return false;
}

const char* want_name(Want want) {
  switch (want) {
    case Want::string: return "a string";
    case Want::boolean: return "true or false";
    case Want::table: return "a table";
    case Want::string_list: return "a list of strings";
  }
  return "";
}

bool is_queue_option(const std::string& key) {
  const auto& keys = queue_config_keys();
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

// kumod's error for `key = value` alone, or empty when it accepts it.
std::string option_error(const std::string& key, const Value& value) {
  return convert_queue_config(data_table({{key, value}})).kumo_error;
}

class QueuesChecker {
 public:
  QueuesChecker(const DataLocator& where, std::vector<diag::Diagnostic>& out) : m_where(where), m_out(out) {}

  void check_scope(const Value& table, const Path& path, const Scope& scope) {
    for (const auto& e : table.table->entries) {
      if (e.key.kind != Value::Kind::string) {
        continue;  // TOML keys are strings; a JSON list has no keys to check
      }
      check_entry(e.key.string, e.value, path, scope);
    }
  }

  void check_top(const Value& root) {
    m_root = &root;
    check_scope(root, {}, top_scope());
    const Value* tenants = root.table->find("tenant");
    if (tenants != nullptr && is_table(*tenants)) {
      for (const auto& e : tenants->table->entries) {
        descend(e, {"tenant"}, tenant_scope());
      }
    }
    const Value* queues = root.table->find("queue");
    if (queues != nullptr && is_table(*queues)) {
      for (const auto& e : queues->table->entries) {
        check_domain_name(e);
        descend(e, {"queue"}, domain_scope());
      }
    }
    check_default_tenant(root, tenants);
  }

 private:
  void check_domain_name(const lua::TableEntry& e) {
    if (e.key.kind != Value::Kind::string || e.key.string == "default") {
      return;
    }
    std::string why = never_matches(e.key.string);
    if (!why.empty()) {
      add(diag::Code::helper_section_never_matches, {"queue", e.key.string},
          "[queue.'" + e.key.string + "'] never matches a queue: " + why);
    }
  }

  // [queue.'domain'.'tenant'] applies only to that tenant's queues, and
  // queue.lua refuses a message whose tenant (from the tenant header or
  // default_tenant) has no [tenant] section.
  void check_domain_tenant(const std::string& tenant, const Path& at) {
    const Value* tenants = m_root->table->find("tenant");
    if (tenants != nullptr && is_table(*tenants) && tenants->table->find(tenant) != nullptr) {
      return;
    }
    std::string text =
        section_label(at) + " is for tenant '" + tenant + "', which no [tenant.'" + tenant + "'] section defines";
    std::vector<std::string_view> known;
    if (tenants != nullptr && is_table(*tenants)) {
      for (const auto& t : tenants->table->entries) {
        if (t.key.kind == Value::Kind::string) {
          known.push_back(t.key.string);
        }
      }
    }
    if (auto near = util::closest_match(tenant, known)) {
      text += " (did you mean '" + *near + "'?)";
    }
    const Value* header = m_root->table->find("tenant_header");
    if (header != nullptr && header->kind == Value::Kind::string) {
      text +=
          ": queue.lua refuses a message whose " + header->string + " header names it, so the section never applies";
    } else {
      text += ": it applies only if the policy itself gives messages that tenant";
    }
    add(diag::Code::helper_tenant_undefined, at, text);
  }

  void descend(const lua::TableEntry& e, Path path, const Scope& scope) {
    if (e.key.kind != Value::Kind::string) {
      return;
    }
    path.push_back(e.key.string);
    if (!is_table(e.value)) {
      add(diag::Code::helper_data_bad_value, path,
          "`" + e.key.string + "` " + section_name(Path(path.begin(), path.end() - 1)) +
              " must be a table (a section), not a " + lua::kind_name(e.value.kind) + "; " + k_refused);
      return;
    }
    check_scope(e.value, path, scope);
  }

  void check_entry(const std::string& key, const Value& value, const Path& path, const Scope& scope) {
    Path at = path;
    at.push_back(key);
    for (const auto& h : scope.helper_keys) {
      if (key == h.name) {
        if (!holds(value, h.want)) {
          add(diag::Code::helper_data_bad_value, at,
              "`" + key + "` " + section_name(path) + " must be " + want_name(h.want) + ", not a " +
                  lua::kind_name(value.kind) + "; " + k_refused);
        } else if (key == "campaigns") {
          for (const auto& c : value.table->entries) {
            descend(c, at, campaign_scope());
          }
        }
        return;
      }
    }
    if (scope.takes_options && is_queue_option(key)) {
      std::string error = option_error(key, value);
      if (!error.empty()) {
        add(diag::Code::helper_data_bad_value, at,
            "`" + key + "` " + section_name(path) + " is a value kumod rejects (" + error + "); " + scope.fate);
      }
      return;
    }
    if (const char* home = home_of(key)) {
      bool taken_as_section = scope.unplaced_table != nullptr && is_table(value) && !is_list(value);
      add(diag::Code::helper_data_unknown_key, at,
          "`" + key + "` " + section_name(path) + " is a key of the queue helper, but it belongs in " + home + "; " +
              (taken_as_section ? std::string("queue.lua takes it for a ") + scope.unplaced_table + " named `" + key +
                                      "`, and its settings never apply"
                                : std::string(scope.fate)));
      return;
    }
    if (scope.unplaced_table != nullptr && is_table(value) && !is_list(value)) {
      bool is_tenant = scope.unplaced_table == std::string("tenant");
      if (is_tenant) {
        check_domain_tenant(key, at);
      }
      check_scope(value, at, is_tenant ? domain_tenant_scope() : campaign_scope());
      return;
    }
    add(diag::Code::helper_data_unknown_key, at, unknown_key_message(key, path, scope));
  }

  std::string unknown_key_message(const std::string& key, const Path& path, const Scope& scope) {
    std::vector<std::string_view> candidates;
    for (const auto& h : scope.helper_keys) {
      candidates.emplace_back(h.name);
    }
    if (scope.takes_options) {
      for (auto k : queue_config_keys()) {
        candidates.push_back(k);
      }
    }
    std::string text =
        "`" + key + "` " + section_name(path) + " is not " +
        (scope.takes_options ? "a queue option or a key of the queue helper" : "a key of the queue helper");
    if (auto near = util::closest_match(key, candidates)) {
      text += " (did you mean `" + *near + "`?)";
    }
    return text + "; " + scope.fate;
  }

  void check_default_tenant(const Value& root, const Value* tenants) {
    const Value* name = root.table->find("default_tenant");
    if (name == nullptr || name->kind != Value::Kind::string) {
      return;
    }
    bool defined = tenants != nullptr && is_table(*tenants) && tenants->table->find(name->string) != nullptr;
    if (!defined) {
      add(diag::Code::helper_default_tenant_undefined, {"default_tenant"},
          "default_tenant \"" + name->string + "\" has no [tenant.'" + name->string +
              "'] section: kumod rejects every message that has no tenant header (\"tenant '" + name->string +
              "' specified by default_tenant option is not defined in your queue config\")");
    }
  }

  void add(diag::Code code, const Path& at, std::string message) {
    m_out.push_back(data_finding(code, at, std::move(message), m_where));
  }

  const DataLocator& m_where;
  std::vector<diag::Diagnostic>& m_out;
  const Value* m_root = nullptr;
};

}  // namespace

bool is_queue_helper_data(const lua::Value& root) {
  if (!is_table(root)) {
    return false;
  }
  const Value* queue = root.table->find("queue");
  const Value* tenant = root.table->find("tenant");
  return (queue != nullptr && is_table(*queue)) || (tenant != nullptr && is_table(*tenant));
}

std::vector<diag::Diagnostic> check_queue_helper_data(const lua::Value& root, const DataLocator& where) {
  std::vector<diag::Diagnostic> out;
  if (is_queue_helper_data(root)) {
    QueuesChecker(where, out).check_top(root);
  }
  return out;
}

}  // namespace kumo::config
