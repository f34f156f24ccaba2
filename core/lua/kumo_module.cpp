// kumo-lint's model of KumoMTA's `kumo` module: the constructors validate
// exactly as kumod does; configuration calls made from init are recorded
// and do nothing; anything not modeled raises a clear error when called.
#include <fstream>
#include <sstream>

#include "core/util/json.hpp"
#include "core/config/convert.hpp"
#include "core/config/egress.hpp"
#include "core/config/serialize.hpp"
#include "core/lua/bridge.hpp"
#include "core/lua/kumo_submodules.hpp"
#include "core/values/duration.hpp"

namespace kumo::lua {

namespace {

using diag::Code;

// The KumoMTA build this model follows (reference snapshot).
constexpr const char* k_modeled_version = "2026.08.04-3ebc1e85";

// Events declared Multiple in KumoMTA; every other event takes one handler.
bool is_multiple_handler_event(const std::string& name) {
  static const char* const k_multiple[] = {"get_queue_config",           "throttle_insert_ready_queue",
                                           "requeue_message",            "should_enqueue_log_record",
                                           "pre_init",                   "validate_config",
                                           "get_acl_definition"};
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
  lua_pushstring(L, message.c_str());
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

int config_gc(lua_State* L) {
  release_object_memory(L);
  static_cast<ConfigObject*>(luaL_checkudata(L, 1, k_queue_config_mt))->~ConfigObject();
  return 0;
}

// cfg.key reads back the serialized form, as in KumoMTA.
int config_index(lua_State* L) {
  auto* obj = static_cast<ConfigObject*>(luaL_checkudata(L, 1, k_queue_config_mt));
  const char* key = luaL_checkstring(L, 2);
  nlohmann::json j = config::to_kumo_json(obj->config);
  auto it = j.find(key);
  if (it == j.end()) {
    lua_pushnil(L);
  } else {
    push_json(L, *it);
  }
  return 1;
}

int config_pairs(lua_State* L) {
  auto* obj = static_cast<ConfigObject*>(luaL_checkudata(L, 1, k_queue_config_mt));
  lua_getglobal(L, "next");
  push_json(L, config::to_kumo_json(obj->config));
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

// The config's C++ memory is charged (as its parameters' copy, a close
// upper bound) for as long as the object lives.
int make_queue_config(lua_State* L) {
  lua_settop(L, 1);
  HostMemory memory(L);
  Value params = read_value(L, 1, memory);
  HostMemory reserve(L);
  reserve_for_conversion(reserve, memory);
  auto where = current_location(L).value_or(diag::Location{state_of(L).policy_path, 0, std::nullopt});
  config::ConversionResult result = config::convert_queue_config(params);
  if (!result.config) {
    raise_conversion_failure(L, result, params, where);
  }
  auto* obj = static_cast<ConfigObject*>(lua_newuserdatauv(L, sizeof(ConfigObject), 1));
  new (obj) ConfigObject{std::move(*result.config), locate(std::move(result.findings), where), where};
  luaL_setmetatable(L, k_queue_config_mt);
  hold_object_memory(L, memory);
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

int json_parse(lua_State* L) {
  std::size_t len = 0;
  const char* text = luaL_checklstring(L, 1, &len);
  if (!push_parsed_json(L, std::string_view(text, len))) {
    return luaL_error(L, "json_parse: invalid JSON");
  }
  return 1;
}

int json_load(lua_State* L) {
  std::string path = checked_path(L, 1, "kumo.json_load");
  std::string resolved = require_readable(L, path, "kumo.json_load");
  push_file_contents(L, resolved, "kumo.json_load");
  std::size_t len = 0;
  const char* text = lua_tolstring(L, -1, &len);
  if (!push_parsed_json(L, std::string_view(text, len))) {
    return luaL_error(L, "json_load: %s is not valid JSON", path.c_str());
  }
  return 1;
}

int json_encode_with(lua_State* L, int indent) {
  HostMemory memory(L);
  Value v = read_value(L, 1, memory);
  std::string text = util::dump_json(value_to_json(v, &memory), indent);
  memory.charge(text.size());
  lua_pushlstring(L, text.data(), text.size());
  return 1;
}
int json_encode(lua_State* L) { return json_encode_with(L, -1); }
int json_encode_pretty(lua_State* L) { return json_encode_with(L, 2); }

int time_delta_tostring(lua_State* L) {
  lua_getfield(L, 1, "human");
  return 1;
}

// kumo.time.parse_duration: integers may be negative here (chrono), unlike
// config durations (reference §2.3).
int parse_duration(lua_State* L) {
  int type = lua_type(L, 1);
  values::Duration d{};
  bool negative = false;
  if (type == LUA_TNUMBER && lua_isinteger(L, 1)) {
    lua_Integer s = lua_tointeger(L, 1);
    negative = s < 0;
    d = values::Duration{negative ? static_cast<std::uint64_t>(-(s + 1)) + 1 : static_cast<std::uint64_t>(s), 0};
  } else if (type == LUA_TNUMBER || type == LUA_TSTRING) {
    auto parsed = type == LUA_TNUMBER ? values::duration_from_float(lua_tonumber(L, 1))
                                      : values::parse_humantime(lua_tostring(L, 1));
    if (!parsed) {
      return luaL_error(L, "%s", parsed.error().kumo_message.c_str());
    }
    d = *parsed;
  } else {
    return luaL_error(L, "invalid duration value");
  }
  double sign = negative ? -1.0 : 1.0;
  lua_createtable(L, 0, 5);
  lua_pushnumber(L, sign * (static_cast<double>(d.seconds) + d.nanos / 1e9));
  lua_setfield(L, -2, "seconds");
  auto whole = [&](double scale) {
    return static_cast<lua_Integer>(sign * (static_cast<double>(d.seconds) * scale + d.nanos / (1e9 / scale)));
  };
  lua_pushinteger(L, whole(1e9));
  lua_setfield(L, -2, "nanoseconds");
  lua_pushinteger(L, whole(1e6));
  lua_setfield(L, -2, "microseconds");
  lua_pushinteger(L, whole(1e3));
  lua_setfield(L, -2, "milliseconds");
  std::string human = values::format_humantime(d);
  lua_pushstring(L, human.c_str());
  lua_setfield(L, -2, "human");
  lua_createtable(L, 0, 1);
  lua_pushcfunction(L, guarded<time_delta_tostring>);
  lua_setfield(L, -2, "__tostring");
  lua_setmetatable(L, -2);
  return 1;
}

// kumo.memoize(fn, params): kumo-lint is hermetic, so caching adds nothing;
// the function itself is returned.
int memoize(lua_State* L) {
  luaL_checktype(L, 1, LUA_TFUNCTION);
  lua_settop(L, 1);
  return 1;
}

// Configuration calls a policy makes inside init: accepted, do nothing.
int recorded_noop(lua_State*) { return 0; }

int traceback(lua_State* L) {
  luaL_traceback(L, L, nullptr, 1);
  return 1;
}

// A function of kumo that kumo-lint does not model; its upvalue is its name.
int not_modeled_call(lua_State* L) {
  std::string name = lua_tostring(L, lua_upvalueindex(1));
  raise_pending(L, Code::not_modeled,
                name + " is not modeled by kumo-lint; it cannot be evaluated outside kumod (keep such calls out of "
                       "get_queue_config, or report the need)");
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
  lua_pushcclosure(L, [](lua_State* L2) -> int {
    // __call receives the stand-in table first.
    lua_pushvalue(L2, lua_upvalueindex(1));
    lua_insert(L2, 1);
    lua_call(L2, lua_gettop(L2) - 1, LUA_MULTRET);
    return lua_gettop(L2);
  }, 1);
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
  lua_pop(L, 1);
  PoolObject::register_metatable(L);
  SourceObject::register_metatable(L);
  luaL_newmetatable(L, k_array_mt);
  lock(L);
  lua_pop(L, 1);
}


const char* const k_recorded_calls[] = {
    "start_esmtp_listener", "start_http_listener", "define_spool", "suspend_delivery_when_spool_unhealthy",
    "configure_local_logs", "configure_log_hook", "configure_log_disposition_hook", "configure_bounce_classifier",
    "configure_accounting_db_path", "set_diagnostic_log_filter", "set_config_monitor_globs",
    "eval_config_monitor_globs", "bump_config_epoch", "configure_redis_throttles", "set_max_spare_lua_contexts",
    "set_max_lua_context_use_count", "set_max_lua_context_age", "set_lua_gc_on_put", "set_lruttl_cache_capacity",
    "set_memory_hard_limit", "set_memory_soft_limit", "set_memory_low_thresh", "set_httpinject_threads",
    "set_httpinject_recipient_rate_limit", "set_smtpsrv_threads", "set_qmaint_threads",
    "set_ready_qmaint_threads", "set_readyq_threads", "set_spoolin_threads", "set_logging_threads",
    "set_timeq_spawn_reinsertion", "validation_failed", "enable_memory_callstack_tracking"};

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
  const luaL_Reg functions[] = {{"on", guarded<kumo_on>},
                                {"make_queue_config", guarded<make_queue_config>},
                                {"make_egress_pool", guarded<make_egress_object<PoolObject, config::convert_egress_pool>>},
                                {"make_egress_source", guarded<make_egress_object<SourceObject, config::convert_egress_source>>},
                                {"reject", guarded<kumo_reject>},
                                {"disconnect", guarded<kumo_reject>},
                                {"log_error", guarded<kumo_log<k_error>>},
                                {"log_warn", guarded<kumo_log<k_warn>>},
                                {"log_info", guarded<kumo_log<k_info>>},
                                {"log_debug", guarded<kumo_log<k_debug>>},
                                {"json_parse", guarded<json_parse>},
                                {"json_load", guarded<json_load>},
                                {"json_encode", guarded<json_encode>},
                                {"json_encode_pretty", guarded<json_encode_pretty>},
                                {"memoize", guarded<memoize>},
                                {"traceback", guarded<traceback>},
                                {nullptr, nullptr}};
  set_functions(L, functions);
  for (const char* name : k_recorded_calls) {
    lua_pushcfunction(L, guarded<recorded_noop>);
    lua_setfield(L, -2, name);
  }
  lua_pushstring(L, k_modeled_version);
  lua_setfield(L, -2, "version");

  const luaL_Reg serde[] = {{"json_parse", guarded<json_parse>},
                            {"json_load", guarded<json_load>},
                            {"json_encode", guarded<json_encode>},
                            {"json_encode_pretty", guarded<json_encode_pretty>},
                            {nullptr, nullptr}};
  push_module(L, "kumo.serde", serde);
  lua_setfield(L, -2, "serde");
  const luaL_Reg time[] = {{"parse_duration", guarded<parse_duration>}, {nullptr, nullptr}};
  push_module(L, "kumo.time", time);
  lua_setfield(L, -2, "time");
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
