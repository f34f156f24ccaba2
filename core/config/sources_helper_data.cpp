#include "core/config/sources_helper_data.hpp"

#include <algorithm>
#include <string_view>

#include "core/config/egress.hpp"
#include "core/diag/codes.hpp"
#include "core/util/text.hpp"

namespace kumo::config {

namespace {

using lua::Value;

constexpr const char* k_fate =
    "sources.lua's type check refuses it: loading the file fails, and so does every egress source and pool it "
    "defines";

// SourcesHelperConfig's fields, and PoolSourceEntry's.
const std::vector<std::string_view> k_sources_top_keys = {"pool", "source"};
const std::vector<std::string_view> k_pool_entry_keys = {"weight"};

std::string did_you_mean(const std::string& key, const std::vector<std::string_view>& candidates) {
  auto near = util::closest_match(key, candidates);
  return near ? " (did you mean `" + *near + "`?)" : "";
}

class SourcesChecker {
 public:
  SourcesChecker(const DataLocator& where, std::vector<diag::Diagnostic>& out) : m_where(where), m_out(out) {}

  void check_top(const Value& root) {
    for (const auto& e : root.table->entries) {
      if (e.key.kind != Value::Kind::string) {
        continue;
      }
      const std::string& key = e.key.string;
      if (std::find(k_sources_top_keys.begin(), k_sources_top_keys.end(), key) == k_sources_top_keys.end()) {
        add(diag::Code::helper_data_unknown_key, {key},
            "`" + key + "` at the top level is not a key of the sources helper" +
                did_you_mean(key, k_sources_top_keys) + "; " + k_fate);
      } else if (!must_be_section(e.value, {key})) {
        continue;
      } else if (key == "source") {
        for_each_section(e.value, {key}, [this](const Value& v, const DataPath& at) { check_source(v, at); });
      } else {
        for_each_section(e.value, {key}, [this](const Value& pool, const DataPath& at) {
          for_each_section(pool, at, [this](const Value& v, const DataPath& entry) { check_pool_entry(v, entry); });
        });
      }
    }
  }

 private:
  template <class Visit>
  void for_each_section(const Value& table, const DataPath& path, Visit visit) {
    for (const auto& e : table.table->entries) {
      if (e.key.kind != Value::Kind::string) {
        continue;
      }
      DataPath at = path;
      at.push_back(e.key.string);
      if (must_be_section(e.value, at)) {
        visit(e.value, at);
      }
    }
  }

  bool must_be_section(const Value& v, const DataPath& at) {
    if (is_table(v)) {
      return true;
    }
    DataPath parent(at.begin(), at.end() - 1);
    add(diag::Code::helper_data_bad_value, at,
        "`" + at.back() + "` " + data_section_name(parent) + " must be a table (a section), not a " +
            lua::kind_name(v.kind) + "; " + k_fate);
    return false;
  }

  // Each key as sources.lua tries it: kumo.make_egress_source of that key
  // alone (with a name, which it requires).
  void check_source(const Value& source, const DataPath& path) {
    const auto& keys = egress_source_keys();
    for (const auto& e : source.table->entries) {
      if (e.key.kind != Value::Kind::string) {
        continue;
      }
      const std::string& key = e.key.string;
      DataPath at = path;
      at.push_back(key);
      if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
        add(diag::Code::helper_data_unknown_key, at,
            "`" + key + "` " + data_section_name(path) + " is not an egress source option" + did_you_mean(key, keys) +
                "; " + k_fate);
        continue;
      }
      Value params = key == "name" ? data_table({{key, e.value}})
                                   : data_table({{key, e.value}, {"name", Value::make_string("dummy")}});
      report_rejection(convert_egress_source(params).kumo_error, key, path, at);
    }
  }

  // A pool entry as kumod takes it: {name, weight} in make_egress_pool.
  void check_pool_entry(const Value& entry, const DataPath& path) {
    for (const auto& e : entry.table->entries) {
      if (e.key.kind != Value::Kind::string) {
        continue;
      }
      const std::string& key = e.key.string;
      DataPath at = path;
      at.push_back(key);
      if (key != "weight") {
        add(diag::Code::helper_data_unknown_key, at,
            "`" + key + "` " + data_section_name(path) + " is not a key of a pool entry" +
                did_you_mean(key, k_pool_entry_keys) + " (an entry takes only `weight`); " + k_fate);
        continue;
      }
      auto list = std::make_shared<lua::Table>();
      list->entries.push_back(
          {Value::make_integer(1), data_table({{"name", Value::make_string(path.back())}, {"weight", e.value}})});
      list->raw_length = 1;
      Value entries;
      entries.kind = Value::Kind::table;
      entries.table = list;
      Value pool = data_table({{"name", Value::make_string(path[1])}, {"entries", entries}});
      report_rejection(convert_egress_pool(pool).kumo_error, key, path, at);
    }
  }

  void report_rejection(const std::string& error, const std::string& key, const DataPath& path, const DataPath& at) {
    if (!error.empty()) {
      add(diag::Code::helper_data_bad_value, at,
          "`" + key + "` " + data_section_name(path) + " is a value kumod rejects (" + error + "); " + k_fate);
    }
  }

  void add(diag::Code code, const DataPath& at, std::string message) {
    m_out.push_back(data_finding(code, at, std::move(message), m_where));
  }

  const DataLocator& m_where;
  std::vector<diag::Diagnostic>& m_out;
};

}  // namespace

bool is_sources_helper_data(const lua::Value& root) {
  if (!is_table(root)) {
    return false;
  }
  const Value* source = root.table->find("source");
  const Value* pool = root.table->find("pool");
  return (source != nullptr && is_table(*source)) || (pool != nullptr && is_table(*pool));
}

std::vector<diag::Diagnostic> check_sources_helper_data(const lua::Value& root, const DataLocator& where) {
  std::vector<diag::Diagnostic> out;
  if (is_sources_helper_data(root)) {
    SourcesChecker(where, out).check_top(root);
  }
  return out;
}

}  // namespace kumo::config
