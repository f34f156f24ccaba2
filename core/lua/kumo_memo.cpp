// KumoMTA's memoized values: kumo.memoize and kumo.domain_map.
//
// In kumod a value that crosses a memoize cache or a domain map is copied
// out of Lua (a "CacheValue") and handed back as a read-through object:
// tables come back as userdata with __index/__newindex/__len/__pairs, not
// as tables. queue.lua depends on this (its data is memoized and its
// queues are a domain map), so kumo-lint models it: a frozen value is a
// plain `Value` (values/lua_value.hpp), shared between the objects that read it.
// Iteration is in key order (integers, then strings bytewise) where kumod
// iterates a HashMap: kumo-lint's output never depends on hash order.
#include <list>
#include <map>

#include "core/lua/kumo_submodules.hpp"
#include "core/lua/rust_args.hpp"
#include "core/util/json.hpp"
#include "core/values/duration.hpp"

namespace kumo::lua {

namespace {

constexpr char k_memo_table_mt[] = "kumo-lint.MemoizedTable";
constexpr char k_domain_map_mt[] = "kumo-lint.DomainMap";
constexpr char k_memo_cache_mt[] = "kumo-lint.MemoizeCache";

// --- Freezing: Lua value -> CacheValue -------------------------------------

// Why a value cannot be memoized, or nullopt. Keys must be integers or
// strings; functions, threads and foreign objects have no cached form.
std::optional<std::string> unfreezable(const Value& v) {
  switch (v.kind) {
    case Value::Kind::function: return "unsupported value type `function`";
    case Value::Kind::thread: return "unsupported value type `thread`";
    case Value::Kind::recursive_table: return "recursive table";
    case Value::Kind::userdata:
      if (v.native) {
        return std::nullopt;
      }
      return v.object_type.empty() ? "unsupported value type `userdata`"
                                   : "a " + v.object_type + " object cannot be memoized (it has no __memoize method)";
    case Value::Kind::table:
      for (const auto& e : v.table->entries) {
        if (e.key.kind != Value::Kind::integer && e.key.kind != Value::Kind::string) {
          return std::string("table key of type ") + kind_name(e.key.kind) +
                 " cannot be used as a key in a memoizable table";
        }
        if (auto why = unfreezable(e.value)) {
          return why;
        }
      }
      return std::nullopt;
    default: return std::nullopt;
  }
}

// [-0, +0, e] The CacheValue of the Lua value at `index`, charged to `memory`.
Value freeze(lua_State* L, int index, HostMemory& memory) {
  Value v = read_value(L, index, memory);
  if (auto why = unfreezable(v)) {
    luaL_error(L, "%s", why->c_str());
  }
  return v;
}

// --- MemoizedTable --------------------------------------------------------

// The userdata kumod returns for a cached table: shares the frozen table
// until written to (then copies its top level, as kumod's unshare does).
struct MemoTable {
  std::shared_ptr<const Table> table;
};

MemoTable& memo_table(lua_State* L, int index) {
  return *static_cast<MemoTable*>(luaL_checkudata(L, index, k_memo_table_mt));
}

struct DomainTrie;
void push_domain_map(lua_State* L, std::shared_ptr<DomainTrie> trie, std::size_t charge);

}  // namespace

void push_frozen(lua_State* L, const Value& v) {
  luaL_checkstack(L, 2, "memoized value");
  switch (v.kind) {
    case Value::Kind::null: lua_pushlightuserdata(L, nullptr); return;
    case Value::Kind::boolean: lua_pushboolean(L, v.boolean); return;
    case Value::Kind::integer: lua_pushinteger(L, v.integer); return;
    case Value::Kind::floating: lua_pushnumber(L, v.number); return;
    case Value::Kind::string: lua_pushlstring(L, v.string.data(), v.string.size()); return;
    case Value::Kind::table: {
      auto* t = static_cast<MemoTable*>(lua_newuserdatauv(L, sizeof(MemoTable), 0));
      new (t) MemoTable{v.table};
      luaL_setmetatable(L, k_memo_table_mt);
      return;
    }
    case Value::Kind::userdata:
      if (v.native) {
        // A domain map: a new object sharing the trie (copied on write).
        push_domain_map(L, std::const_pointer_cast<DomainTrie>(std::static_pointer_cast<const DomainTrie>(v.native)),
                        0);
        return;
      }
      [[fallthrough]];
    default: lua_pushnil(L);
  }
}

std::optional<Value> memoized_value(lua_State* L, int index) {
  if (auto* t = static_cast<MemoTable*>(luaL_testudata(L, index, k_memo_table_mt))) {
    Value v;
    v.kind = Value::Kind::table;
    v.table = t->table;
    return v;
  }
  return std::nullopt;
}

namespace {

// A table key as kumod's MapKey reads it: integers and strings only.
std::optional<Value> map_key(lua_State* L, int index) {
  if (lua_type(L, index) == LUA_TNUMBER && lua_isinteger(L, index)) {
    return Value::make_integer(lua_tointeger(L, index));
  }
  if (lua_type(L, index) == LUA_TSTRING) {
    std::size_t len = 0;
    const char* s = lua_tolstring(L, index, &len);
    return Value::make_string(std::string(s, len));
  }
  return std::nullopt;
}

bool same_key(const Value& a, const Value& b) {
  return a.kind == b.kind && (a.kind == Value::Kind::integer ? a.integer == b.integer : a.string == b.string);
}

bool key_before(const Value& a, const Value& b) {
  if (a.kind != b.kind) {
    return a.kind == Value::Kind::integer;
  }
  return a.kind == Value::Kind::integer ? a.integer < b.integer : a.string < b.string;
}

const Value* find_entry(const Table& t, const Value& key) {
  if (key.kind == Value::Kind::integer) {
    return t.at(key.integer);
  }
  auto it = std::lower_bound(t.entries.begin(), t.entries.end(), key,
                             [](const TableEntry& e, const Value& k) { return key_before(e.key, k); });
  return it != t.entries.end() && same_key(it->key, key) ? &it->value : nullptr;
}

int memo_index(lua_State* L) {
  auto& t = memo_table(L, 1);
  auto key = map_key(L, 2);
  const Value* found = key ? find_entry(*t.table, *key) : nullptr;
  if (found == nullptr) {
    lua_pushnil(L);
  } else {
    push_frozen(L, *found);
  }
  return 1;
}

// Writing unshares: the table is copied and the entry set. A nil value is
// stored as JSON null, as kumod converts it.
int memo_newindex(lua_State* L) {
  auto& t = memo_table(L, 1);
  auto key = map_key(L, 2);
  if (!key) {
    return luaL_error(L, "invalid key type while trying to call __newindex and assign a value");
  }
  HostMemory memory(L);
  Value value = lua_isnil(L, 3) ? Value{} : freeze(L, 3, memory);
  if (value.kind == Value::Kind::nil) {
    value.kind = Value::Kind::null;
  }
  auto copy = std::make_shared<Table>(*t.table);
  charge_steps(L, copy->entries.size());
  auto it = std::lower_bound(copy->entries.begin(), copy->entries.end(), *key,
                             [](const TableEntry& e, const Value& k) { return key_before(e.key, k); });
  if (it != copy->entries.end() && same_key(it->key, *key)) {
    it->value = std::move(value);
  } else {
    copy->entries.insert(it, TableEntry{*key, std::move(value)});
  }
  t.table = std::move(copy);
  return 0;
}

int memo_len(lua_State* L) {
  lua_pushinteger(L, static_cast<lua_Integer>(memo_table(L, 1).table->entries.size()));
  return 1;
}

// The iterator __pairs returns: its upvalue counts the entries handed out.
int memo_next(lua_State* L) {
  auto& t = memo_table(L, 1);
  lua_Integer i = lua_tointeger(L, lua_upvalueindex(1));
  if (i < 0 || static_cast<std::size_t>(i) >= t.table->entries.size()) {
    lua_pushnil(L);
    return 1;
  }
  lua_pushinteger(L, i + 1);
  lua_replace(L, lua_upvalueindex(1));
  const auto& e = t.table->entries[static_cast<std::size_t>(i)];
  push_frozen(L, e.key);
  push_frozen(L, e.value);
  return 2;
}

int memo_pairs(lua_State* L) {
  memo_table(L, 1);
  lua_pushinteger(L, 0);
  lua_pushcclosure(L, guarded<memo_next>, 1);
  lua_pushvalue(L, 1);
  lua_pushnil(L);
  return 3;
}

int memo_gc(lua_State* L) {
  memo_table(L, 1).~MemoTable();
  return 0;
}

int memo_tostring(lua_State* L) {
  lua_pushfstring(L, "MemoizedTable: %p", lua_topointer(L, 1));
  return 1;
}

// --- DomainMap ----------------------------------------------------------------

// Labels are matched right to left: "mail.example.com" walks com, example,
// mail. A label with no exact child falls back to that level's "*" child
// and stops there: "*.example.com" matches a.example.com and
// a.b.example.com but not example.com; an intermediate node made for a
// longer key hides the wildcard (kumod's own tests pin this).
struct DomainTrie {
  struct Node {
    std::optional<Value> value;
    std::map<std::string, Node> children;
  };
  std::map<std::string, Node> top;

  static std::vector<std::string> labels_right_to_left(std::string_view pattern) {
    std::vector<std::string> labels;
    std::size_t end = pattern.size();
    while (true) {
      std::size_t dot = pattern.rfind('.', end == 0 ? std::string_view::npos : end - 1);
      if (end == 0) {
        dot = std::string_view::npos;
      }
      std::size_t begin = dot == std::string_view::npos ? 0 : dot + 1;
      labels.emplace_back(pattern.substr(begin, end - begin));
      if (dot == std::string_view::npos) {
        break;
      }
      end = dot;
    }
    return labels;
  }

  void insert(std::string_view pattern, Value value) {
    auto* level = &top;
    auto labels = labels_right_to_left(pattern);
    for (std::size_t i = 0; i < labels.size(); ++i) {
      Node& node = (*level)[labels[i]];
      if (i + 1 == labels.size()) {
        node.value = std::move(value);
        return;
      }
      level = &node.children;
    }
  }

  const Value* get(std::string_view pattern) const {
    const auto* level = &top;
    auto labels = labels_right_to_left(pattern);
    for (std::size_t i = 0; i < labels.size(); ++i) {
      auto it = level->find(labels[i]);
      if (it == level->end()) {
        auto wild = level->find("*");
        return wild != level->end() && wild->second.value ? &*wild->second.value : nullptr;
      }
      if (i + 1 == labels.size()) {
        return it->second.value ? &*it->second.value : nullptr;
      }
      level = &it->second.children;
    }
    return nullptr;
  }
};

struct DomainMapObject {
  std::shared_ptr<DomainTrie> trie;
  std::size_t charged = 0;  // host memory this object holds
};

DomainMapObject& domain_map(lua_State* L, int index) {
  return *static_cast<DomainMapObject*>(luaL_checkudata(L, index, k_domain_map_mt));
}

void push_domain_map(lua_State* L, std::shared_ptr<DomainTrie> trie, std::size_t charge) {
  auto* m = static_cast<DomainMapObject*>(lua_newuserdatauv(L, sizeof(DomainMapObject), 0));
  new (m) DomainMapObject{std::move(trie), charge};
  luaL_setmetatable(L, k_domain_map_mt);
}

// A key as mlua reads a String argument (rust_args.hpp).
std::string domain_key(lua_State* L, int index) { return std::string(rust_string(L, ArgSite{index})); }

int domain_map_index(lua_State* L) {
  auto& m = domain_map(L, 1);
  std::string key = domain_key(L, 2);
  charge_steps(L, key.size());
  const Value* found = m.trie->get(key);
  if (found == nullptr) {
    lua_pushnil(L);
  } else {
    push_frozen(L, *found);
  }
  return 1;
}

int domain_map_newindex(lua_State* L) {
  auto& m = domain_map(L, 1);
  std::string key = domain_key(L, 2);
  HostMemory memory(L);
  Value value = freeze(L, 3, memory);
  if (m.trie.use_count() > 1) {
    m.trie = std::make_shared<DomainTrie>(*m.trie);
  }
  charge_steps(L, key.size());
  m.trie->insert(key, std::move(value));
  m.charged += memory.keep();
  return 0;
}

int domain_map_gc(lua_State* L) {
  auto& m = domain_map(L, 1);
  release_host_memory(L, m.charged);
  m.~DomainMapObject();
  return 0;
}

int domain_map_tostring(lua_State* L) {
  lua_pushfstring(L, "DomainMap: %p", lua_topointer(L, 1));
  return 1;
}

// kumo.domain_map.new([table]): every key a domain pattern ("*.x.com"
// for a wildcard), every value frozen.
int domain_map_new(lua_State* L) {
  auto trie = std::make_shared<DomainTrie>();
  HostMemory memory(L);
  if (!lua_isnoneornil(L, 1)) {
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_pushnil(L);
    while (lua_next(L, 1) != 0) {
      lua_pushvalue(L, -2);
      std::string key = domain_key(L, -1);
      lua_pop(L, 1);
      Value value = freeze(L, -1, memory);
      charge_steps(L, key.size());
      trie->insert(key, std::move(value));
      lua_pop(L, 1);
    }
  }
  push_domain_map(L, std::move(trie), memory.keep());
  return 1;
}

// --- kumo.memoize ---------------------------------------------------------------

// A cache of one memoized function: results by the JSON text of the
// arguments, least recently used evicted past `capacity`. kumo-lint has no
// clock, so entries never expire (ttl is validated, not applied).
struct MemoCache {
  struct Entry {
    std::vector<Value> results;
    // Findings the call left (KQ914: a degraded call inside it): a cached
    // result is as doubtful on every use, so each hit reports them again.
    std::vector<diag::Diagnostic> findings;
    std::size_t charged = 0;
    std::list<std::string>::iterator age;
  };
  std::size_t capacity = 0;
  std::map<std::string, Entry> entries;
  std::list<std::string> by_age;  // most recent first
  std::size_t charged = 0;
};

MemoCache& memo_cache(lua_State* L, int index) {
  return *static_cast<MemoCache*>(luaL_checkudata(L, index, k_memo_cache_mt));
}

int memo_cache_gc(lua_State* L) {
  auto& c = memo_cache(L, 1);
  release_host_memory(L, c.charged);
  c.~MemoCache();
  return 0;
}

// [-0, +n, e] Pushes a cached result as kumod returns it: nothing cached
// is nil, one value is itself, several come back as one list.
int push_results(lua_State* L, const std::vector<Value>& results) {
  if (results.empty()) {
    lua_pushnil(L);
  } else if (results.size() == 1) {
    push_frozen(L, results.front());
  } else {
    lua_createtable(L, static_cast<int>(results.size()), 0);
    for (std::size_t i = 0; i < results.size(); ++i) {
      push_frozen(L, results[i]);
      lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
    }
  }
  return 1;
}

std::string cache_key(lua_State* L, int first, int last) {
  HostMemory memory(L);
  nlohmann::json args = nlohmann::json::array();
  for (int i = first; i <= last; ++i) {
    Value v = read_value(L, i, memory);
    if (auto why = unfreezable(v)) {
      luaL_error(L, "%s", why->c_str());
    }
    args.push_back(value_to_json(v, &memory));
  }
  return util::dump_json(args);
}

// The memoized function: upvalue 1 the function, 2 its cache.
int memoized_call(lua_State* L) {
  int nargs = lua_gettop(L);
  auto& cache = memo_cache(L, lua_upvalueindex(2));
  std::string key = cache_key(L, 1, nargs);
  auto& st = state_of(L);
  if (auto it = cache.entries.find(key); it != cache.entries.end()) {
    cache.by_age.splice(cache.by_age.begin(), cache.by_age, it->second.age);
    for (const auto& d : it->second.findings) {
      add_side_diagnostic(st, d);
    }
    return push_results(L, it->second.results);
  }
  std::size_t findings_before = st.side_diagnostics.size();
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, nargs, LUA_MULTRET);
  int nresults = lua_gettop(L);
  HostMemory memory(L);
  std::vector<Value> results;
  for (int i = 1; i <= nresults; ++i) {
    results.push_back(freeze(L, i, memory));
  }
  lua_settop(L, 0);
  auto& c = memo_cache(L, lua_upvalueindex(2));  // the call may have run a collection: re-read
  if (c.capacity > 0) {
    if (c.entries.size() >= c.capacity) {
      auto oldest = c.entries.find(c.by_age.back());
      release_host_memory(L, oldest->second.charged);
      c.charged -= std::min(c.charged, oldest->second.charged);
      c.entries.erase(oldest);
      c.by_age.pop_back();
    }
    memory.charge(key.size());
    std::size_t charged = memory.keep();
    c.by_age.push_front(key);
    std::vector<diag::Diagnostic> findings;
    for (std::size_t i = std::min(findings_before, st.side_diagnostics.size()); i < st.side_diagnostics.size(); ++i) {
      findings.push_back(st.side_diagnostics[i]);
    }
    c.entries[key] = MemoCache::Entry{results, std::move(findings), charged, c.by_age.begin()};
    c.charged += charged;
  }
  return push_results(L, results);
}

// MemoizeParams, as kumod reads them (deny_unknown_fields).
struct MemoizeParams {
  std::size_t capacity = 0;
};

const char* const k_memoize_fields[] = {"ttl",
                                        "capacity",
                                        "name",
                                        "invalidate_with_epoch",
                                        "retry_on_populate_timeout",
                                        "populate_timeout",
                                        "allow_stale_reads"};

std::string expected_fields() {
  std::string out;
  for (const char* f : k_memoize_fields) {
    out += std::string(out.empty() ? "" : ", ") + "`" + f + "`";
  }
  return out;
}

[[noreturn]] void memoize_error(lua_State* L, const std::string& what, const Value& params) {
  HostMemory memory(L);
  std::string quoted = util::dump_json(value_to_json(params, &memory));
  luaL_error(L, "%s, while processing %s", what.c_str(), quoted.c_str());
  throw std::logic_error("unreachable");
}

bool valid_duration(const Value& v) {
  if (v.kind == Value::Kind::string) {
    return values::parse_humantime(v.string).has_value();
  }
  return v.kind == Value::Kind::integer && v.integer >= 0;
}

MemoizeParams read_memoize_params(lua_State* L, int index) {
  HostMemory memory(L);
  Value params = read_value(L, index, memory);
  if (params.kind != Value::Kind::table) {
    memoize_error(L, std::string("invalid type: ") + kind_name(params.kind) + ", expected struct MemoizeParams",
                  params);
  }
  for (const auto& e : params.table->entries) {
    bool known = false;
    for (const char* f : k_memoize_fields) {
      known = known || (e.key.kind == Value::Kind::string && e.key.string == f);
    }
    if (!known) {
      memoize_error(L,
                    "unknown field `" + (e.key.kind == Value::Kind::string ? e.key.string : "?") +
                        "`, expected one of " + expected_fields(),
                    params);
    }
  }
  MemoizeParams out;
  for (const char* required : {"ttl", "capacity", "name"}) {
    if (params.table->find(required) == nullptr) {
      memoize_error(L, std::string("missing field `") + required + "`", params);
    }
  }
  if (!valid_duration(*params.table->find("ttl"))) {
    memoize_error(L, "ttl: not a valid duration", params);
  }
  const Value& capacity = *params.table->find("capacity");
  if (capacity.kind != Value::Kind::integer || capacity.integer < 0) {
    memoize_error(L, "capacity: expected a non-negative integer (usize)", params);
  }
  if (params.table->find("name")->kind != Value::Kind::string) {
    memoize_error(L, "name: invalid type, expected a string", params);
  }
  // Memory is bounded by --max-memory; a huge capacity costs nothing upfront.
  out.capacity = static_cast<std::size_t>(capacity.integer);
  return out;
}

int memoize(lua_State* L) {
  luaL_checktype(L, 1, LUA_TFUNCTION);
  MemoizeParams params = read_memoize_params(L, 2);
  lua_settop(L, 1);
  auto* cache = static_cast<MemoCache*>(lua_newuserdatauv(L, sizeof(MemoCache), 0));
  new (cache) MemoCache{};
  cache->capacity = params.capacity;
  luaL_setmetatable(L, k_memo_cache_mt);
  lua_pushcclosure(L, guarded<memoized_call>, 2);
  return 1;
}

void register_metatable(lua_State* L, const char* name, const luaL_Reg* methods) {
  luaL_newmetatable(L, name);
  luaL_setfuncs(L, methods, 0);
  lock_metatable(L);
  lua_pop(L, 1);
}

}  // namespace

std::optional<Value> domain_map_value(lua_State* L, int index) {
  if (auto* m = static_cast<DomainMapObject*>(luaL_testudata(L, index, k_domain_map_mt))) {
    Value v;
    v.kind = Value::Kind::userdata;
    v.object_type = "DomainMap";
    v.native = m->trie;
    return v;
  }
  return std::nullopt;
}

void open_kumo_memo(lua_State* L, int kumo_index) {
  kumo_index = lua_absindex(L, kumo_index);
  const luaL_Reg memo_methods[] = {{"__index", guarded<memo_index>},
                                   {"__newindex", guarded<memo_newindex>},
                                   {"__len", guarded<memo_len>},
                                   {"__pairs", guarded<memo_pairs>},
                                   {"__gc", guarded<memo_gc>},
                                   {"__tostring", guarded<memo_tostring>},
                                   {nullptr, nullptr}};
  register_metatable(L, k_memo_table_mt, memo_methods);
  const luaL_Reg map_methods[] = {{"__index", guarded<domain_map_index>},
                                  {"__newindex", guarded<domain_map_newindex>},
                                  {"__gc", guarded<domain_map_gc>},
                                  {"__tostring", guarded<domain_map_tostring>},
                                  {nullptr, nullptr}};
  register_metatable(L, k_domain_map_mt, map_methods);
  const luaL_Reg cache_methods[] = {{"__gc", guarded<memo_cache_gc>}, {nullptr, nullptr}};
  register_metatable(L, k_memo_cache_mt, cache_methods);

  lua_pushcfunction(L, guarded<memoize>);
  lua_setfield(L, kumo_index, "memoize");
  const luaL_Reg domain_map_fns[] = {{"new", guarded<domain_map_new>}, {nullptr, nullptr}};
  push_module(L, "kumo.domain_map", domain_map_fns);
  lua_setfield(L, kumo_index, "domain_map");
}

}  // namespace kumo::lua
