// kumo-lint's model of KumoMTA's `kumo` module: the constructors validate
// exactly as kumod does; configuration calls made from init are recorded
// and do nothing; anything not modeled raises a clear error when called.
#include <fstream>
#include <sstream>

#include "core/config/convert.hpp"
#include "core/config/egress.hpp"
#include "core/config/serialize.hpp"
#include "core/lua/bridge.hpp"
#include "core/lua/kumo_submodules.hpp"
#include "core/lua/rust_args.hpp"
#include "core/util/json.hpp"

namespace kumo::lua {

namespace {

using diag::Code;

// The KumoMTA build this model follows (reference snapshot).
constexpr const char* k_modeled_version = "2026.08.04-3ebc1e85";

// Events declared Multiple in KumoMTA; every other event takes one handler.
bool is_multiple_handler_event(const std::string& name) {
  static const char* const k_multiple[] = {
      "get_queue_config", "throttle_insert_ready_queue", "requeue_message", "should_enqueue_log_record", "pre_init",
      "validate_config",  "get_acl_definition"};
  for (const char* m : k_multiple) {
    if (name == m) {
      return true;
    }
  }
  return false;
}

// Event names are kept for the whole run: long ones are refused.
constexpr std::size_t k_max_event_name = 256;

// Real policies register a handful of handlers; each costs host memory.
constexpr std::size_t k_max_handlers = 10'000;

std::string format_location(const diag::Location& l) { return l.file + ":" + std::to_string(l.line); }

// kumo.on(name, fn)
int kumo_on(lua_State* L) {
  std::size_t event_len = 0;
  luaL_checklstring(L, 1, &event_len);
  if (event_len > k_max_event_name) {
    return luaL_error(L, "kumo.on: an event name of %d bytes; KumoMTA's are short words",
                      static_cast<int>(std::min<std::size_t>(event_len, INT32_MAX)));
  }
  std::string event = lua_tostring(L, 1);
  luaL_checktype(L, 2, LUA_TFUNCTION);
  auto& st = state_of(L);
  diag::Location here = current_location(L).value_or(diag::Location{st.policy_path, 0, std::nullopt});
  if (st.current_event && *st.current_event != "main") {
    return luaL_error(L,
                      "Attempting to register an event handler via kumo.on('%s', ...) from within the event "
                      "handler '%s'; register handlers at the top level of the policy",
                      event.c_str(), st.current_event->c_str());
  }
  if (st.handler_count >= k_max_handlers) {
    return luaL_error(L, "kumo.on: more than %d handlers registered; kumo-lint stops here (a loop around kumo.on?)",
                      static_cast<int>(k_max_handlers));
  }
  auto& list = st.handlers[event];
  if (!list.empty() && !is_multiple_handler_event(event)) {
    // KumoMTA raises here and refuses the policy; we report it and keep the
    // first handler so every queue can still be evaluated.
    auto d = diag::make_diagnostic(
        Code::duplicate_handler,
        event + " event already has a handler defined at " + format_location(list.front().location) +
            "; only one handler is allowed for this event (KumoMTA refuses to load the policy)",
        here);
    add_side_diagnostic(st, std::move(d));
    return 0;
  }
  lua_pushvalue(L, 2);
  list.push_back({luaL_ref(L, LUA_REGISTRYINDEX), here});
  ++st.handler_count;
  return 0;
}

// Fills each finding's location: the make_* call line (a key's own line is
// looked up later, when the source is known).
std::vector<diag::Diagnostic> locate(std::vector<diag::Diagnostic> findings, const diag::Location& where) {
  for (auto& d : findings) {
    d.location = where;
  }
  return findings;
}

// KumoMTA's error text for a rejected table: the table is quoted whole by
// kumod; here at most this much of it (the table is the policy's).
constexpr std::size_t k_max_quoted_table = 16 * 1024;

std::string deserialize_error(lua_State* L, const std::string& kumo_error, const Value& params) {
  HostMemory memory(L);
  std::string quoted = util::dump_json(value_to_json(params, &memory));
  if (quoted.size() > k_max_quoted_table) {
    std::size_t cut = quoted.size() - k_max_quoted_table;
    quoted.resize(k_max_quoted_table);
    quoted += "... (" + std::to_string(cut) + " more bytes cut)";
  }
  return "deserialize error: " + kumo_error + ", while processing " + quoted;
}

// At most this many rejected tables are remembered per call (the newest):
// the error that ends the call is one of the last.
constexpr std::size_t k_max_failures = 64;

template <class Result>
[[noreturn]] void raise_conversion_failure(lua_State* L, Result& result, const Value& params,
                                           const diag::Location& where) {
  auto& st = state_of(L);
  std::string message = deserialize_error(L, result.kumo_error, params);
  if (st.failures.size() >= k_max_failures) {
    st.failures.erase(st.failures.begin());
  }
  st.failures.push_back({message, locate(std::move(result.findings), where)});
  lua_pushlstring(L, message.data(), message.size());  // a key may hold a NUL byte
  lua_error(L);
  throw std::logic_error("unreachable");
}

// [-0, +0, -] Gives back the host memory an object held (user value 1).
void release_object_memory(lua_State* L) {
  lua_getiuservalue(L, 1, 1);
  release_host_memory(L, static_cast<std::size_t>(lua_tointeger(L, -1)));
  lua_pop(L, 1);
}

// [-1, +1, -] Records on the new object (top) the host memory it holds.
void hold_object_memory(lua_State* L, HostMemory& memory) {
  lua_pushinteger(L, static_cast<lua_Integer>(memory.keep()));
  lua_setiuservalue(L, -2, 1);
}

// The ConfigObject a metamethod was called on (luaL_checkudata, but with
// the metatable compared by address).
const ConfigObject& config_self(lua_State* L) {
  const ConfigObject* obj = to_config_object(L, 1);
  if (obj == nullptr) {
    luaL_typeerror(L, 1, k_queue_config_mt);
  }
  return *obj;
}

// Only an object that owns its ConfigObject has this metamethod; one that
// points at a shared one (push_shared_config_object) has none.
int config_gc(lua_State* L) {
  if (lua_getmetatable(L, 1) == 0 || lua_topointer(L, -1) != state_of(L).queue_config_mt) {
    return luaL_typeerror(L, 1, k_queue_config_mt);
  }
  lua_pop(L, 1);
  release_object_memory(L);
  static_cast<ConfigObject*>(lua_touserdata(L, 1))->~ConfigObject();
  return 0;
}

// cfg.key reads back the serialized form, as in KumoMTA.
int config_index(lua_State* L) {
  const ConfigObject& obj = config_self(L);
  const char* key = luaL_checkstring(L, 2);
  nlohmann::json j = config::to_kumo_json(*obj.config);
  auto it = j.find(key);
  if (it == j.end()) {
    lua_pushnil(L);
  } else {
    push_json(L, *it);
  }
  return 1;
}

int config_pairs(lua_State* L) {
  const ConfigObject& obj = config_self(L);
  lua_getglobal(L, "next");
  push_json(L, config::to_kumo_json(*obj.config));
  lua_pushnil(L);
  return 3;
}

int config_tostring(lua_State* L) {
  lua_pushstring(L, "QueueConfig");
  return 1;
}

// Converting a table makes findings of about the size of its copy (one per
// list entry at worst): charged before they exist, for the conversion only.
void reserve_for_conversion(HostMemory& reserve, const HostMemory& copy) { reserve.charge(copy.charged()); }

// The longest scalar kept for tracing a value to its literal.
constexpr std::size_t k_max_scalar_bytes = 256;

std::optional<std::string> scalar_text(const Value& v) {
  switch (v.kind) {
    case Value::Kind::string:
      if (v.string.size() <= k_max_scalar_bytes) {
        return v.string;
      }
      return std::nullopt;
    case Value::Kind::integer: return std::to_string(v.integer);
    case Value::Kind::boolean: return v.boolean ? "true" : "false";
    default: return std::nullopt;
  }
}

// The table's top-level string keys (bounded like the table itself: a
// QueueConfig has few keys, and unknown ones are kept for their findings).
ParamList param_values(const Value& params) {
  auto out = std::make_shared<std::vector<ParamValue>>();
  if (params.kind != Value::Kind::table) {
    return out;
  }
  for (const auto& e : params.table->entries) {
    if (e.key.kind == Value::Kind::string && out->size() < 256 && e.key.string.size() <= diag::k_max_name_bytes) {
      out->push_back({e.key.string, scalar_text(e.value)});
    }
  }
  return out;
}

// The config's C++ memory is charged (as its parameters' copy, a close
// upper bound) for as long as the object lives.
void push_config_object(lua_State* L, ConfigObject object, HostMemory& memory) {
  auto* obj = static_cast<ConfigObject*>(lua_newuserdatauv(L, sizeof(ConfigObject), 1));
  new (obj) ConfigObject(std::move(object));
  lua_rawgeti(L, LUA_REGISTRYINDEX, state_of(L).queue_config_mt_ref);
  lua_setmetatable(L, -2);
  hold_object_memory(L, memory);
}

// An object pointing at a config object the conversion cache owns: it holds
// no memory of its own beyond the pointer, so it has no __gc.
void push_shared_config_object(lua_State* L, const ConfigObject& object) {
  auto* slot = static_cast<const ConfigObject**>(lua_newuserdatauv(L, sizeof(const ConfigObject*), 0));
  *slot = &object;
  lua_rawgeti(L, LUA_REGISTRYINDEX, state_of(L).shared_config_mt_ref);
  lua_setmetatable(L, -2);
}

// The config object `entry` makes at `here`, made once per call site (up
// to ConversionCache::k_max_sites, within the cache's bytes); null past that.
const ConfigObject* shared_config_object(ConversionCache& cache, ConversionCache::Entry& entry,
                                         const SourceLine& here) {
  for (const auto& site : entry.sites) {
    if (site->location.line == here.line && site->location.file == *here.file) {
      return site.get();
    }
  }
  const std::size_t cost = sizeof(ConfigObject) + here.file->size() * (1 + entry.findings.size()) +
                           held_bytes(entry.findings);  // its findings' copies, located here
  if (entry.sites.size() >= ConversionCache::k_max_sites || cache.bytes + cost > ConversionCache::k_max_bytes) {
    return nullptr;
  }
  cache.bytes += cost;
  diag::Location where = location_of(here);
  entry.sites.push_back(std::make_unique<const ConfigObject>(
      ConfigObject{entry.config, locate(entry.findings, where), where, entry.params}));
  ++cache.shared_sites;
  return entry.sites.back().get();
}

// Pushes the config object `entry` makes at `here`: shared when it can be.
void push_converted(lua_State* L, ConversionCache::Entry& entry, const SourceLine& here, HostMemory& memory) {
  if (const ConfigObject* shared = shared_config_object(state_of(L).conversions, entry, here)) {
    push_shared_config_object(L, *shared);
    return;
  }
  diag::Location where = location_of(here);
  push_config_object(L, {entry.config, locate(entry.findings, where), where, entry.params}, memory);
}

// The cached conversion of the table at 1, if its content was converted
// before; charges what reading it would, so --max-memory sees no difference.
ConversionCache::Entry* cached_conversion(lua_State* L, HostMemory& memory, HostMemory& reserve) {
  auto& st = state_of(L);
  auto& cache = st.conversions;
  if (!st.options.cache_conversions) {
    return nullptr;
  }
  auto charge = encode_plain_value(L, 1, cache.key);
  // A copy that big also counts as instructions, charged as it goes: the
  // long way keeps that exact.
  if (!charge || *charge >= k_charge_step_bytes) {
    cache.key.clear();
    return nullptr;
  }
  auto it = cache.entries.find(cache.key.view());
  if (it == cache.entries.end()) {
    return nullptr;
  }
  memory.charge(*charge);
  reserve_for_conversion(reserve, memory);
  ++cache.hits;
  return &it->second;
}

// The new cache entry, or null when the table was not plain or the cache is full.
ConversionCache::Entry* remember_conversion(PolicyHost::State& st, config::SharedConfig config,
                                            std::vector<diag::Diagnostic> findings, std::size_t charge) {
  auto& cache = st.conversions;
  std::size_t cost = cache.key.size() * 2 + ConversionCache::k_entry_overhead;
  if (cache.key.empty() || cache.bytes + cost > ConversionCache::k_max_bytes) {
    return nullptr;
  }
  cache.bytes += cost;
  auto [it, added] =
      cache.entries.emplace(std::string(cache.key.view()),
                            ConversionCache::Entry{std::move(config), std::move(findings), st.last_params, charge, {}});
  cache.key.clear();
  return &it->second;
}

int make_queue_config(lua_State* L) {
  lua_settop(L, 1);
  HostMemory memory(L);
  HostMemory reserve(L);
  auto& st = state_of(L);
  const SourceLine here = current_line(L).value_or(SourceLine{&st.policy_path, 0});
  if (auto* hit = cached_conversion(L, memory, reserve)) {
    st.last_params = hit->params;
    push_converted(L, *hit, here, memory);
    return 1;
  }
  Value params = read_value(L, 1, memory);
  reserve_for_conversion(reserve, memory);
  config::ConversionResult result = config::convert_queue_config(params);
  st.last_params = param_values(params);
  if (!result.config) {
    raise_conversion_failure(L, result, params, location_of(here));
  }
  config::SharedConfig converted(std::move(*result.config));
  if (auto* entry = remember_conversion(st, converted, result.findings, memory.charged())) {
    push_converted(L, *entry, here, memory);
    return 1;
  }
  diag::Location where = location_of(here);
  push_config_object(L, {std::move(converted), locate(std::move(result.findings), where), where, st.last_params},
                     memory);
  return 1;
}

void lock(lua_State* L) { lock_metatable(L); }

// Userdata holding a C++ object of type T whose fields read back from Lua
// in serialized form, as KumoMTA's objects do (cfg.key, pairs(cfg)).
template <class T, nlohmann::json (*Serialize)(const T&), const char* Metatable>
struct SerializedObject {
  static T& self(lua_State* L) { return *static_cast<T*>(luaL_checkudata(L, 1, Metatable)); }

  static int gc(lua_State* L) {
    release_object_memory(L);
    self(L).~T();
    return 0;
  }

  static int index(lua_State* L) {
    nlohmann::json j = Serialize(self(L));
    auto it = j.find(luaL_checkstring(L, 2));
    if (it == j.end()) {
      lua_pushnil(L);
    } else {
      push_json(L, *it);
    }
    return 1;
  }

  static int pairs(lua_State* L) {
    nlohmann::json j = Serialize(self(L));
    lua_getglobal(L, "next");
    push_json(L, j);
    lua_pushnil(L);
    return 3;
  }

  // [-0, +1, m] Pushes a new object holding `value` and `memory`'s charge.
  static void push(lua_State* L, T value, HostMemory& memory) {
    auto* storage = static_cast<T*>(lua_newuserdatauv(L, sizeof(T), 1));
    new (storage) T(std::move(value));
    luaL_setmetatable(L, Metatable);
    hold_object_memory(L, memory);
  }

  // [-0, +0, m] Creates the metatable.
  static void register_metatable(lua_State* L) {
    luaL_newmetatable(L, Metatable);
    const luaL_Reg methods[] = {
        {"__gc", guarded<gc>}, {"__index", guarded<index>}, {"__pairs", guarded<pairs>}, {nullptr, nullptr}};
    luaL_setfuncs(L, methods, 0);
    lock(L);
    lua_pop(L, 1);
  }
};

nlohmann::json source_json(const config::EgressSource& s) { return s.serialized; }
using PoolObject = SerializedObject<config::EgressPool, config::egress_pool_to_kumo_json, k_egress_pool_mt>;
using SourceObject = SerializedObject<config::EgressSource, source_json, k_egress_source_mt>;

// kumo.make_egress_pool / make_egress_source: validate like kumod, raise its
// error on rejection, keep warnings for the report.
template <class Object, auto Convert>
int make_egress_object(lua_State* L) {
  lua_settop(L, 1);
  HostMemory memory(L);
  Value params = read_value(L, 1, memory);
  HostMemory reserve(L);
  reserve_for_conversion(reserve, memory);
  auto where = current_location(L).value_or(diag::Location{});
  auto result = Convert(params);
  if (!result.value) {
    raise_conversion_failure(L, result, params, where);
  }
  auto& st = state_of(L);
  for (auto& d : locate(std::move(result.findings), where)) {
    add_side_diagnostic(st, std::move(d));
  }
  Object::push(L, std::move(*result.value), memory);
  return 1;
}

// kumo.reject(code, message) and kumo.disconnect(...) raise, as in kumod.
int kumo_reject(lua_State* L) {
  lua_Integer code = luaL_checkinteger(L, 1);
  const char* message = luaL_checkstring(L, 2);
  return luaL_error(L, "%d %s", static_cast<int>(code), message);
}

template <const char* Level>
int kumo_log(lua_State* L) {
  record_arguments(L, Level, 1, " ", false);
  return 0;
}
constexpr char k_error[] = "error";
constexpr char k_warn[] = "warn";
constexpr char k_info[] = "info";
constexpr char k_debug[] = "debug";

// kumo.available_parallelism(): a fixed answer, not this machine's CPU
// count, so the output is the same wherever kumo-lint runs.
constexpr lua_Integer k_fixed_parallelism = 4;

int available_parallelism(lua_State* L) {
  lua_pushinteger(L, k_fixed_parallelism);
  return 1;
}

// Configuration calls a policy makes inside init: accepted, do nothing.
int recorded_noop(lua_State*) { return 0; }

// Fields of a stack frame KumoMTA leaves out (None) serialize as null.
nlohmann::json optional_text(const char* s) { return s ? nlohmann::json(s) : nlohmann::json(); }
nlohmann::json optional_line(int line) { return line >= 0 ? nlohmann::json(line) : nlohmann::json(); }

// At most this many frames are listed (recursion can make the stack deep).
constexpr int k_max_traceback_frames = 200;

// kumo.traceback(level): the frames from `level` up (1 is the caller), as
// KumoMTA lists them: a table per frame, absent fields null. typing.lua
// reads short_src, curr_line, source and what to place its errors.
int traceback(lua_State* L) {
  lua_Integer level = luaL_checkinteger(L, 1);
  luaL_argcheck(L, level >= 0, 1, "error converting Lua number to usize (out of range)");
  nlohmann::json frames = nlohmann::json::array();
  lua_Debug ar;
  for (int n = static_cast<int>(std::min<lua_Integer>(level, INT32_MAX));
       frames.size() < k_max_traceback_frames && lua_getstack(L, n, &ar) != 0; ++n) {
    lua_getinfo(L, "nSlt", &ar);
    frames.push_back({{"event", "Call"},
                      {"name", optional_text(ar.name)},
                      {"name_what", optional_text(ar.namewhat)},
                      {"source", optional_text(ar.source)},
                      {"short_src", ar.short_src},
                      {"line_defined", optional_line(ar.linedefined)},
                      {"last_line_defined", optional_line(ar.lastlinedefined)},
                      {"what", optional_text(ar.what)},
                      {"curr_line", optional_line(ar.currentline)},
                      {"is_tail_call", ar.istailcall != 0}});
  }
  push_json(L, frames);
  return 1;
}

// --- Calls kumo-lint cannot make ---------------------------------------------

// [-0, +1, m] An empty list, as kumod returns one (array-marked).
void push_empty_list(lua_State* L) {
  lua_newtable(L);
  luaL_setmetatable(L, k_array_mt);
}

// [-0, +1, m] lookup_mx's answer for a name with no MX hosts, in its shape.
void push_empty_mx(lua_State* L) {
  lua_createtable(L, 0, 7);
  push_empty_list(L);
  lua_setfield(L, -2, "hosts");
  lua_newtable(L);
  lua_setfield(L, -2, "by_pref");
  lua_pushliteral(L, "");
  lua_setfield(L, -2, "site_name");
  if (lua_type(L, 2) == LUA_TSTRING) {
    lua_pushvalue(L, 2);  // argument 1 (the stand-in itself is argument 0)
  } else {
    lua_pushliteral(L, "");
  }
  lua_setfield(L, -2, "domain_name");
  for (const char* flag : {"is_domain_literal", "is_secure", "is_mx"}) {
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, flag);
  }
}

void push_nothing(lua_State* L) { lua_pushnil(L); }

// --- Answers from --dns FILE ------------------------------------------------------

// The name asked (argument 1; the stand-in itself is argument 0), if a string.
std::optional<std::string> asked_name(lua_State* L) {
  if (lua_type(L, 2) != LUA_TSTRING) {
    return std::nullopt;
  }
  std::size_t len = 0;
  const char* s = lua_tolstring(L, 2, &len);
  return std::string(s, len);
}

// [-0, +1, m] A list of strings, array-marked as kumod's lists are.
void push_string_list(lua_State* L, const std::vector<std::string>& items) {
  lua_createtable(L, static_cast<int>(items.size()), 0);
  for (std::size_t i = 0; i < items.size(); ++i) {
    lua_pushlstring(L, items[i].data(), items[i].size());
    lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
  }
  luaL_setmetatable(L, k_array_mt);
}

const values::DnsRecords* fixture_records(lua_State* L) {
  const auto& zone = state_of(L).options.dns;
  auto name = asked_name(L);
  return zone && name ? zone->find(*name) : nullptr;
}

bool answer_mx(lua_State* L) {
  const auto& zone = state_of(L).options.dns;
  auto name = asked_name(L);
  auto mx = zone && name ? values::lookup_mx(*zone, *name) : std::nullopt;
  if (!mx) {
    return false;
  }
  lua_createtable(L, 0, 8);
  lua_pushstring(L, mx->domain_name.c_str());
  lua_setfield(L, -2, "domain_name");
  push_string_list(L, mx->hosts);
  lua_setfield(L, -2, "hosts");
  lua_pushstring(L, mx->site_name.c_str());
  lua_setfield(L, -2, "site_name");
  lua_createtable(L, 0, static_cast<int>(mx->by_pref.size()));
  for (const auto& [pref, hosts] : mx->by_pref) {
    push_string_list(L, hosts);
    lua_rawseti(L, -2, pref);
  }
  lua_setfield(L, -2, "by_pref");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "is_domain_literal");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "is_secure");
  lua_pushboolean(L, mx->is_mx);
  lua_setfield(L, -2, "is_mx");
  lua_pushliteral(L, "None");
  lua_setfield(L, -2, "mta_sts");
  return true;
}

template <std::vector<std::string> values::DnsRecords::*... Fields>
bool answer_list(lua_State* L) {
  const values::DnsRecords* records = fixture_records(L);
  if (records == nullptr) {
    return false;
  }
  std::vector<std::string> items;
  ((items.insert(items.end(), (records->*Fields).begin(), (records->*Fields).end())), ...);
  push_string_list(L, items);
  return true;
}

bool no_answer(lua_State*) { return false; }

// What a call kumo-lint cannot make returns at the top level, by name.
// `needs` says why it cannot be made; quiet calls only configure kumod's
// runtime (or, like sleep, change nothing kumo-lint shows) and need no
// warning. A name not listed returns a stand-in that can be called and
// indexed further.
struct NeutralCall {
  const char* name;
  const char* needs;
  const char* neutral;
  void (*push)(lua_State*);
  bool quiet;
  bool (*answer)(lua_State*) = no_answer;  // from --dns FILE, when it knows the name
};

const NeutralCall k_neutral_calls[] = {
    {"kumo.dns.lookup_mx", "needs DNS", "an answer with no MX hosts", push_empty_mx, false, answer_mx},
    {"kumo.dns.lookup_addr", "needs DNS", "an empty list of addresses", push_empty_list, false,
     answer_list<&values::DnsRecords::a, &values::DnsRecords::aaaa>},
    {"kumo.dns.lookup_txt", "needs DNS", "an empty list of records", push_empty_list, false,
     answer_list<&values::DnsRecords::txt>},
    {"kumo.dns.lookup_ptr", "needs DNS", "an empty list of names", push_empty_list, false,
     answer_list<&values::DnsRecords::ptr>},
    {"kumo.dns.rbl_lookup", "needs DNS", "nil (not listed)", push_nothing, false},
    {"kumo.dns.define_resolver", "", "", push_nothing, true},
    {"kumo.dns.configure_resolver", "", "", push_nothing, true},
    {"kumo.dns.configure_unbound_resolver", "", "", push_nothing, true},
    {"kumo.dns.load_resolv_conf", "", "", push_nothing, true},
    // kumod does not start tasks while it validates a policy either.
    {"kumo.spawn_task", "", "", push_nothing, true},
    {"kumo.spawn_thread_pool", "", "", push_nothing, true},
};

const NeutralCall* find_neutral(const std::string& name) {
  for (const auto& n : k_neutral_calls) {
    if (name == n.name) {
      return &n;
    }
  }
  return nullptr;
}

// Why a kumo.* function of this name cannot be called here.
constexpr const char* k_not_modeled = "is not modeled by kumo-lint";

std::string needs_for(const std::string& name) {
  for (const char* prefix : {"kumo.dns.", "kumo.http.", "kumo.redis.", "kumo.amqp.", "kumo.kafka.", "kumo.nats.",
                             "kumo.sqlite.", "kumo.api.", "kumo.aws."}) {
    if (name.rfind(prefix, 0) == 0) {
      return "needs the outside world";
    }
  }
  return k_not_modeled;
}

void push_not_modeled(lua_State* L, const std::string& name);

// A function of kumo that kumo-lint cannot call; its upvalue is its name.
int not_modeled_call(lua_State* L) {
  std::string name = lua_tostring(L, lua_upvalueindex(1));
  const NeutralCall* neutral = find_neutral(name);
  if (neutral != nullptr && neutral->quiet) {
    return 0;
  }
  if (neutral != nullptr && neutral->answer(L)) {
    charge_steps(L, 64);
    return 1;
  }
  OutsideCall call{name, neutral ? neutral->needs : needs_for(name), neutral ? neutral->neutral : "a stand-in object",
                   Code::not_modeled, ""};
  if (neutral != nullptr && neutral->answer != no_answer) {  // --dns could have answered it
    call.hint = state_of(L).options.dns ? "; the name is not in the --dns file" : "; pass --dns FILE to answer it";
  }
  if (call.needs == k_not_modeled) {
    call.hint = " (keep such calls out of get_queue_config, or report the need)";
  }
  degrade_at_top_level(L, call);
  if (neutral != nullptr) {
    neutral->push(L);
  } else {
    push_not_modeled(L, name + "()");
  }
  return 1;
}

int not_modeled_index(lua_State* L);

// [-0, +1, m] A stand-in for kumo.<name>: callable (raises), and indexing
// it yields further stand-ins (kumo.dns.lookup_mx).
void push_not_modeled(lua_State* L, const std::string& name) {
  lua_newtable(L);
  lua_pushstring(L, name.c_str());
  lua_setfield(L, -2, "__kumo_lint_name");
  lua_createtable(L, 0, 2);
  lua_pushstring(L, name.c_str());
  lua_pushcclosure(L, guarded<not_modeled_call>, 1);
  lua_pushcclosure(
      L,
      [](lua_State* L2) -> int {
        // __call receives the stand-in table first.
        lua_pushvalue(L2, lua_upvalueindex(1));
        lua_insert(L2, 1);
        lua_call(L2, lua_gettop(L2) - 1, LUA_MULTRET);
        return lua_gettop(L2);
      },
      1);
  lua_setfield(L, -2, "__call");
  lua_pushcfunction(L, guarded<not_modeled_index>);
  lua_setfield(L, -2, "__index");
  lock(L);
  lua_setmetatable(L, -2);
}

int not_modeled_index(lua_State* L) {
  lua_getfield(L, 1, "__kumo_lint_name");
  std::string prefix = lua_isstring(L, -1) ? lua_tostring(L, -1) : "kumo";
  std::string key = lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : "?";
  push_not_modeled(L, prefix + "." + key);
  return 1;
}

// kumod calls the policy's get_egress_path_config handlers
// (config::async_call_callback); with none registered that call fails, as
// a call of any unregistered single-handler event does. queue.lua makes this
// call inside pcall to find a provider name, so a policy without the shaping
// helper gets kumod's answer (no provider), not a stand-in. A registered
// handler returns kumo.make_egress_path's EgressPathConfig, which kumo-lint
// does not model: that case degrades like any unmodelled call.
int invoke_get_egress_path_config(lua_State* L) {
  for (int i = 1; i <= 3; ++i) {
    rust_string(L, ArgSite{i});
  }
  const auto& handlers = state_of(L).handlers;
  auto it = handlers.find("get_egress_path_config");
  if (it == handlers.end() || it->second.empty()) {
    raise_rust_error(L, "Event get_egress_path_config has not been registered");
  }
  lua_pushstring(L, "kumo.invoke_get_egress_path_config");
  lua_pushcclosure(L, guarded<not_modeled_call>, 1);
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 1);
  return 1;
}

int kumo_index(lua_State* L) {
  std::string key = lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : "?";
  push_not_modeled(L, "kumo." + key);
  return 1;
}

void set_functions(lua_State* L, const luaL_Reg* functions) { luaL_setfuncs(L, functions, 0); }

void register_metatables(lua_State* L) {
  luaL_newmetatable(L, k_queue_config_mt);
  const luaL_Reg config_methods[] = {{"__gc", guarded<config_gc>},
                                     {"__index", guarded<config_index>},
                                     {"__pairs", guarded<config_pairs>},
                                     {"__tostring", guarded<config_tostring>},
                                     {nullptr, nullptr}};
  set_functions(L, config_methods);
  lock(L);
  auto& st = state_of(L);
  st.queue_config_mt = lua_topointer(L, -1);
  st.queue_config_mt_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  // The shared objects' metatable: the same but for __gc, and the same
  // name in type errors (it is not registered under it).
  lua_createtable(L, 0, 5);
  set_functions(L, config_methods + 1);
  lua_pushstring(L, k_queue_config_mt);
  lua_setfield(L, -2, "__name");
  lock(L);
  st.shared_config_mt = lua_topointer(L, -1);
  st.shared_config_mt_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  PoolObject::register_metatable(L);
  SourceObject::register_metatable(L);
  luaL_newmetatable(L, k_array_mt);
  lock(L);
  lua_pop(L, 1);
}

const char* const k_recorded_calls[] = {"start_esmtp_listener",
                                        "start_http_listener",
                                        "define_spool",
                                        "suspend_delivery_when_spool_unhealthy",
                                        "configure_local_logs",
                                        "configure_log_hook",
                                        "configure_log_disposition_hook",
                                        "configure_bounce_classifier",
                                        "configure_accounting_db_path",
                                        "set_diagnostic_log_filter",
                                        "set_config_monitor_globs",
                                        "eval_config_monitor_globs",
                                        "bump_config_epoch",
                                        "configure_redis_throttles",
                                        "set_max_spare_lua_contexts",
                                        "set_max_lua_context_use_count",
                                        "set_max_lua_context_age",
                                        "set_lua_gc_on_put",
                                        "set_lruttl_cache_capacity",
                                        "set_memory_hard_limit",
                                        "set_memory_soft_limit",
                                        "set_memory_low_thresh",
                                        "set_httpinject_threads",
                                        "set_httpinject_recipient_rate_limit",
                                        "set_smtpsrv_threads",
                                        "set_qmaint_threads",
                                        "set_ready_qmaint_threads",
                                        "set_readyq_threads",
                                        "set_spoolin_threads",
                                        "set_logging_threads",
                                        "set_timeq_spawn_reinsertion",
                                        "validation_failed",
                                        "enable_memory_callstack_tracking"};

}  // namespace

void lock_metatable(lua_State* L) {
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
}

void push_module(lua_State* L, const char* name, const luaL_Reg* functions) {
  lua_newtable(L);
  set_functions(L, functions);
  lua_pushstring(L, name);
  lua_setfield(L, -2, "__kumo_lint_name");
  lua_createtable(L, 0, 1);
  lua_pushcfunction(L, guarded<not_modeled_index>);
  lua_setfield(L, -2, "__index");
  lock(L);
  lua_setmetatable(L, -2);
}

void open_kumo(lua_State* L) {
  register_metatables(L);
  lua_newtable(L);
  const luaL_Reg functions[] = {
      {"on", guarded<kumo_on>},
      {"make_queue_config", guarded<make_queue_config>},
      {"make_egress_pool", guarded<make_egress_object<PoolObject, config::convert_egress_pool>>},
      {"make_egress_source", guarded<make_egress_object<SourceObject, config::convert_egress_source>>},
      {"invoke_get_egress_path_config", guarded<invoke_get_egress_path_config>},
      {"reject", guarded<kumo_reject>},
      {"disconnect", guarded<kumo_reject>},
      {"log_error", guarded<kumo_log<k_error>>},
      {"log_warn", guarded<kumo_log<k_warn>>},
      {"log_info", guarded<kumo_log<k_info>>},
      {"log_debug", guarded<kumo_log<k_debug>>},
      {"traceback", guarded<traceback>},
      {"available_parallelism", guarded<available_parallelism>},
      {nullptr, nullptr}};
  set_functions(L, functions);
  for (const char* name : k_recorded_calls) {
    lua_pushcfunction(L, guarded<recorded_noop>);
    lua_setfield(L, -2, name);
  }
  lua_pushstring(L, k_modeled_version);
  lua_setfield(L, -2, "version");

  open_kumo_serde(L, lua_gettop(L));
  open_kumo_time(L, -1);
  open_kumo_memo(L, -1);
  open_kumo_throttle(L, -1);
  open_kumo_secrets(L, -1);
  open_kumo_regex(L, -1);
  open_kumo_string(L, -1);
  open_kumo_uuid(L, -1);

  // Anything else is a stand-in that explains itself when called.
  lua_createtable(L, 0, 1);
  lua_pushcfunction(L, guarded<kumo_index>);
  lua_setfield(L, -2, "__index");
  lock(L);
  lua_setmetatable(L, -2);

  lua_pushvalue(L, -1);
  lua_setfield(L, LUA_REGISTRYINDEX, k_kumo_module);
  lua_pushvalue(L, -1);
  lua_setglobal(L, "kumo");
  luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
  lua_insert(L, -2);
  lua_setfield(L, -2, "kumo");
  lua_pop(L, 1);
}

}  // namespace kumo::lua
