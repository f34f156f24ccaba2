// kumo.time and kumo.sleep: KumoMTA's mod-time, with its Time and
// TimeDelta objects (core/values/datetime.hpp holds their chrono
// arithmetic and formats) and its Timer.
//
// Deterministic by construction: kumo-lint's clock is fixed (k_fixed_now,
// the clock os.time reads), so kumo.time.now() is always
// 2026-01-01T00:00:00Z, `elapsed` and timers measure no time, and sleep
// returns at once (kumod's sleep only delays).
//
// Errors read as kumod's do: mlua's conversion messages for arguments
// ("bad argument #2 to `Time.format`: ..."), chrono's parse errors, and
// mod-time's own texts. Where kumod panics instead (a negative float
// duration, %#z, an RFC 2822 year past 9999) kumo-lint raises an error that
// says so.
#include <cmath>
#include <limits>

#include "core/lua/kumo_submodules.hpp"
#include "core/lua/step_meter.hpp"
#include "core/util/text.hpp"
#include "core/values/datetime.hpp"
#include "core/values/duration.hpp"

namespace kumo::lua {

namespace {

using values::TimeDelta;
using values::UtcTime;

constexpr char k_time_mt[] = "kumo-lint.Time";
constexpr char k_delta_mt[] = "kumo-lint.TimeDelta";
constexpr char k_timer_mt[] = "kumo-lint.Timer";

// --- mlua's argument conversions ---------------------------------------------

[[noreturn]] void raise(lua_State* L, const std::string& message) {
  luaL_error(L, "%s", message.c_str());
  throw std::logic_error("unreachable: luaL_error returned");
}

// "bad argument #2 to `Time.format`" (plain functions name no target).
std::string bad_argument(int position, const char* target) {
  std::string text = "bad argument #" + std::to_string(position);
  return target != nullptr ? text + " to `" + target + "`" : text;
}

// The type names mlua's Value reports: integers and floats differ.
const char* value_type_name(lua_State* L, int index) {
  switch (lua_type(L, index)) {
    case LUA_TNUMBER: return lua_isinteger(L, index) ? "integer" : "number";
    case LUA_TLIGHTUSERDATA: return "lightuserdata";
    case LUA_TNONE: return "nil";  // mlua reads missing arguments as nil
    default: return luaL_typename(L, index);
  }
}

// A String argument, read in place (a number is converted to its text in
// its stack slot): it must be UTF-8. Valid while the argument is on the stack.
std::string_view string_arg(lua_State* L, int index, int position, const char* target) {
  const int type = lua_type(L, index);
  if (type != LUA_TSTRING && type != LUA_TNUMBER) {
    raise(L, bad_argument(position, target) + ": error converting Lua " + value_type_name(L, index) +
                 " to String (expected string or number)");
  }
  std::size_t len = 0;
  const char* text = lua_tolstring(L, index, &len);
  const std::string_view value(text, len);
  StepMeter(L).add_bytes(len);
  if (auto error = util::utf8_error(value)) {
    raise(L, bad_argument(position, target) + ": error converting Lua string to String (" + *error + ")");
  }
  return value;
}

// An integer argument of Rust type `rust_type` in [low, high]: floats are
// truncated (when in range), strings read as Lua reads numbers.
std::int64_t integer_arg(lua_State* L, int index, int position, const char* rust_type, std::int64_t low,
                         std::int64_t high) {
  auto out_of_range = [&](const char* from) -> std::int64_t {
    raise(L,
          bad_argument(position, nullptr) + ": error converting Lua " + from + " to " + rust_type + " (out of range)");
  };
  auto from_float = [&](double n, const char* from) {
    // num-traits' cast: truncation, if the value lies strictly inside (low - 1, high + 1).
    if (!(n > static_cast<double>(low) - 1.0 && n < static_cast<double>(high) + 1.0)) {
      return out_of_range(from);
    }
    return static_cast<std::int64_t>(n);
  };
  int is_integer = 0;
  const lua_Integer i = lua_tointegerx(L, index, &is_integer);
  if (is_integer != 0) {
    const char* from = lua_type(L, index) == LUA_TNUMBER ? "integer" : value_type_name(L, index);
    return i >= low && i <= high ? i : out_of_range(from);
  }
  int is_number = 0;
  const lua_Number n = lua_tonumberx(L, index, &is_number);
  if (is_number == 0) {
    raise(L, bad_argument(position, nullptr) + ": error converting Lua " + value_type_name(L, index) + " to " +
                 rust_type + " (expected number or string coercible to number)");
  }
  return from_float(n, value_type_name(L, index));
}

double float_arg(lua_State* L, int index, int position) {
  int is_number = 0;
  const lua_Number n = lua_tonumberx(L, index, &is_number);
  if (is_number == 0) {
    raise(L, bad_argument(position, nullptr) + ": error converting Lua " + value_type_name(L, index) +
                 " to f64 (expected number or string coercible to number)");
  }
  return n;
}

// --- The objects -----------------------------------------------------------

struct TimeObject {
  UtcTime time;
};
struct DeltaObject {
  TimeDelta delta;
};
struct TimerObject {
  bool running = true;
};

template <class T>
void push_object(lua_State* L, const char* metatable, T value) {
  auto* object = static_cast<T*>(lua_newuserdatauv(L, sizeof(T), 0));
  new (object) T(value);  // trivially destructible: no __gc needed
  luaL_setmetatable(L, metatable);
}

void push_time(lua_State* L, const UtcTime& t) { push_object(L, k_time_mt, TimeObject{t}); }
void push_delta(lua_State* L, const TimeDelta& d) { push_object(L, k_delta_mt, DeltaObject{d}); }

// mlua's message when a value is not the userdata a method needs; `kind`
// is the short type name ("Time").
std::string not_userdata_of(lua_State* L, int index, const char* kind) {
  if (lua_type(L, index) != LUA_TUSERDATA) {
    return std::string("error converting Lua ") + luaL_typename(L, index) +
           " to userdata (expected userdata of type '" + kind + "')";
  }
  return "userdata is not expected type";
}

// The `self` of a method or metamethod named `target` ("Time.format").
template <class T>
T& self_arg(lua_State* L, const char* metatable, const char* kind, const char* target) {
  const std::string prefix = std::string("bad argument `self` to `") + target + "`: ";
  if (lua_gettop(L) == 0) {
    raise(L, prefix + "error converting Lua missing argument to userdata");
  }
  if (auto* object = static_cast<T*>(luaL_testudata(L, 1, metatable))) {
    return *object;
  }
  raise(L, prefix + not_userdata_of(L, 1, kind));
}

// A Time or TimeDelta argument of a metamethod (UserDataRef in mlua).
template <class T>
T& object_arg(lua_State* L, int index, const char* metatable, const char* kind, const char* target) {
  if (auto* object = static_cast<T*>(luaL_testudata(L, index, metatable))) {
    return *object;
  }
  raise(L, bad_argument(index, target) + ": " + not_userdata_of(L, index, kind));
}

UtcTime& self_time(lua_State* L, const char* target) { return self_arg<TimeObject>(L, k_time_mt, "Time", target).time; }
TimeDelta& self_delta(lua_State* L, const char* target) {
  return self_arg<DeltaObject>(L, k_delta_mt, "TimeDelta", target).delta;
}

// The fixed clock's now.
UtcTime fixed_now() { return *values::from_timestamp(k_fixed_now, 0); }

// mlua's __index for a userdata without a field or method of that name.
[[noreturn]] void unknown_field(lua_State* L) {
  if (lua_type(L, 2) != LUA_TSTRING && lua_type(L, 2) != LUA_TNUMBER) {
    raise(L, std::string("attempt to concatenate a ") + luaL_typename(L, 2) + " value (local 'key')");
  }
  lua_pushvalue(L, 2);
  std::string key = lua_tostring(L, -1);
  lua_pop(L, 1);
  raise(L, "attempt to get an unknown field '" + key + "'");
}

// The field name at index 2, or "" for a key of another type.
std::string_view key_arg(lua_State* L) {
  std::size_t len = 0;
  const char* key = lua_type(L, 2) == LUA_TSTRING ? lua_tolstring(L, 2, &len) : "";
  return {key, len};
}

// --- crashes ---------------------------------------------------------------

// Where kumod panics (the process dies), kumo-lint raises KQ004 for a
// duration and a plain error otherwise; both name the panic.
[[noreturn]] void duration_panic(lua_State* L, const char* function, const std::string& panic) {
  raise_pending(L, diag::Code::duration_crashes_kumod,
                std::string(function) + ": kumod panics on this duration (\"" + panic + "\")");
}

[[noreturn]] void panics(lua_State* L, const std::string& what, const std::string& panic) {
  raise(L, what + ": kumod panics here (\"" + panic + "\")");
}

// --- TimeDelta ---------------------------------------------------------------

// format_duration(to_std()?): negative spans have no text.
std::string delta_human(lua_State* L, const TimeDelta& d) {
  auto std_duration = d.to_duration();
  if (!std_duration) {
    raise(L, std::string(values::k_delta_out_of_range));
  }
  return values::format_humantime(*std_duration);
}

void push_optional_integer(lua_State* L, std::optional<std::int64_t> v) {
  if (v) {
    lua_pushinteger(L, *v);
  } else {
    lua_pushnil(L);
  }
}

int delta_index(lua_State* L) {
  const TimeDelta& d = self_delta(L, "TimeDelta.__index");
  const std::string_view key = key_arg(L);
  if (key == "seconds") {
    lua_pushnumber(L, d.as_seconds());
  } else if (key == "nanoseconds") {
    push_optional_integer(L, d.nanoseconds());
  } else if (key == "milliseconds") {
    lua_pushinteger(L, d.milliseconds());
  } else if (key == "microseconds") {
    push_optional_integer(L, d.microseconds());
  } else if (key == "human") {
    lua_pushstring(L, delta_human(L, d).c_str());
  } else {
    unknown_field(L);
  }
  return 1;
}

int delta_tostring(lua_State* L) {
  lua_pushstring(L, delta_human(L, self_delta(L, "TimeDelta.__tostring")).c_str());
  return 1;
}

int delta_eq(lua_State* L) {
  const TimeDelta& a = self_delta(L, "TimeDelta.__eq");
  lua_pushboolean(L, a == object_arg<DeltaObject>(L, 2, k_delta_mt, "TimeDelta", "TimeDelta.__eq").delta);
  return 1;
}

template <std::optional<TimeDelta> (*Op)(const TimeDelta&, const TimeDelta&)>
int delta_arith(lua_State* L, const char* target) {
  const TimeDelta a = self_delta(L, target);
  auto result = Op(a, object_arg<DeltaObject>(L, 2, k_delta_mt, "TimeDelta", target).delta);
  if (!result) {
    raise(L, "time would overflow");
  }
  push_delta(L, *result);
  return 1;
}
int delta_add(lua_State* L) { return delta_arith<values::checked_add>(L, "TimeDelta.__add"); }
int delta_sub(lua_State* L) { return delta_arith<values::checked_sub>(L, "TimeDelta.__sub"); }

// --- Time ------------------------------------------------------------------

// Formatted text straight into Lua's memory (under --max-memory), its
// work charged like the other string functions.
class LuaBufferSink final : public values::FormatSink {
 public:
  explicit LuaBufferSink(lua_State* L) : m_meter(L) { luaL_buffinit(L, &m_buffer); }
  void append(std::string_view text) override {
    m_meter.add_bytes(text.size());
    luaL_addlstring(&m_buffer, text.data(), text.size());
  }
  void push() { luaL_pushresult(&m_buffer); }

 private:
  StepMeter m_meter;
  luaL_Buffer m_buffer;
};

int time_format(lua_State* L) {
  const UtcTime t = self_time(L, "Time.format");
  const std::string_view format = string_arg(L, 2, 2, "Time.format");
  lua_settop(L, 2);
  LuaBufferSink sink(L);
  if (auto unsupported = values::format_strftime(t, format, sink)) {
    // chrono reads %#z (for parsing only) but cannot format it.
    panics(L, "Time:format with " + *unsupported, "a Display implementation returned an error unexpectedly: Error");
  }
  sink.push();
  return 1;
}

void push_time_field(lua_State* L, const UtcTime& t, std::string_view key) {
  const values::CivilTime c = values::civil(t);
  const std::pair<std::string_view, std::int64_t> k_numbers[] = {
      {"year", c.year},
      {"month", c.month},
      {"day", c.day},
      {"hour", c.hour},
      {"minute", c.minute},
      {"second", c.second},
      {"unix_timestamp", values::unix_timestamp(t)},
      {"unix_timestamp_millis", values::unix_timestamp_millis(t)}};
  for (const auto& [name, value] : k_numbers) {
    if (key == name) {
      lua_pushinteger(L, value);
      return;
    }
  }
  if (key == "rfc3339") {
    lua_pushstring(L, values::to_rfc3339(t).c_str());
  } else if (key == "rfc2822") {
    auto text = values::to_rfc2822(t);
    if (!text) {
      panics(L, "Time.rfc2822 of a time in the year " + std::to_string(c.year) + " (RFC 2822 years are 0 to 9999)",
             "date cannot be represented by RFC 2822");
    }
    lua_pushstring(L, text->c_str());
  } else if (key == "elapsed") {
    push_delta(L, values::time_since(fixed_now(), t));
  } else if (key == "format") {
    lua_pushcfunction(L, guarded<time_format>);
  } else {
    unknown_field(L);
  }
}

int time_index(lua_State* L) {
  push_time_field(L, self_time(L, "Time.__index"), key_arg(L));
  return 1;
}

int time_tostring(lua_State* L) {
  lua_pushstring(L, values::display_utc(self_time(L, "Time.__tostring")).c_str());
  return 1;
}

int time_eq(lua_State* L) {
  const UtcTime& a = self_time(L, "Time.__eq");
  lua_pushboolean(L, a == object_arg<TimeObject>(L, 2, k_time_mt, "Time", "Time.__eq").time);
  return 1;
}

int time_add(lua_State* L) {
  const UtcTime t = self_time(L, "Time.__add");
  auto sum = values::checked_add(t, object_arg<DeltaObject>(L, 2, k_delta_mt, "TimeDelta", "Time.__add").delta);
  if (!sum) {
    raise(L, "time would overflow");
  }
  push_time(L, *sum);
  return 1;
}

// Why a value is neither a Time nor a TimeDelta, in mlua's words (its
// from_lua names the full Rust type).
std::string not_time_or_delta(lua_State* L, int index) {
  if (lua_type(L, index) == LUA_TUSERDATA) {
    return "could not represent argument as either Time (userdata is not expected type) or TimeDelta (userdata is "
           "not expected type";
  }
  const std::string from = std::string("error converting Lua ") + value_type_name(L, index) +
                           " to userdata (expected userdata of type mod_time::";
  // mod-time's message lacks its closing parenthesis.
  return "could not represent argument as either Time (" + from + "Time)) or TimeDelta (" + from + "TimeDelta)";
}

// Time - Time is the TimeDelta between them; Time - TimeDelta a Time.
int time_sub(lua_State* L) {
  const UtcTime t = self_time(L, "Time.__sub");
  if (auto* other = static_cast<TimeObject*>(luaL_testudata(L, 2, k_time_mt))) {
    push_delta(L, values::time_since(t, other->time));
    return 1;
  }
  auto* delta = static_cast<DeltaObject*>(luaL_testudata(L, 2, k_delta_mt));
  if (delta == nullptr) {
    raise(L, not_time_or_delta(L, 2));
  }
  auto difference = values::checked_sub(t, delta->delta);
  if (!difference) {
    raise(L, "time would overflow");
  }
  push_time(L, *difference);
  return 1;
}

// --- Timer -----------------------------------------------------------------

// done (and __close): the seconds since the timer started the first time,
// on the fixed clock 0.0; nil afterwards.
int timer_done_named(lua_State* L, const char* target) {
  auto& timer = self_arg<TimerObject>(L, k_timer_mt, "Timer", target);
  if (!timer.running) {
    lua_pushnil(L);
    return 1;
  }
  timer.running = false;
  lua_pushnumber(L, 0.0);
  return 1;
}
int timer_done(lua_State* L) { return timer_done_named(L, "Timer.done"); }
int timer_close(lua_State* L) { return timer_done_named(L, "Timer.__close"); }

int timer_index(lua_State* L) {
  self_arg<TimerObject>(L, k_timer_mt, "Timer", "Timer.__index");
  if (key_arg(L) != "done") {
    unknown_field(L);
  }
  lua_pushcfunction(L, guarded<timer_done>);
  return 1;
}

// --- kumo.time functions -------------------------------------------------------

int now(lua_State* L) {
  push_time(L, fixed_now());
  return 1;
}

// Rust's `as` from f64: truncation, saturating at the bounds, NaN as 0.
template <class Int>
Int saturating_cast(double v) {
  if (std::isnan(v)) {
    return 0;
  }
  if (v <= static_cast<double>(std::numeric_limits<Int>::min())) {
    return std::numeric_limits<Int>::min();
  }
  if (v >= static_cast<double>(std::numeric_limits<Int>::max())) {
    return std::numeric_limits<Int>::max();
  }
  return static_cast<Int>(v);
}

int from_unix_timestamp(lua_State* L) {
  std::optional<UtcTime> t;
  if (lua_isinteger(L, 1)) {
    t = values::from_timestamp(lua_tointeger(L, 1), 0);
  } else if (lua_type(L, 1) == LUA_TNUMBER) {
    // mod-time truncates: -1.5 is -1 s and no (negative) fraction.
    const double n = lua_tonumber(L, 1);
    const double whole = std::trunc(n);
    t = values::from_timestamp(saturating_cast<std::int64_t>(whole), saturating_cast<std::uint32_t>((n - whole) * 1e9));
  } else {
    raise(L, "timestamp must be either an integer or floating point number of seconds");
  }
  if (!t) {
    raise(L, "invalid timestamp");
  }
  push_time(L, *t);
  return 1;
}

int with_ymd_hms(lua_State* L) {
  constexpr std::int64_t k_u32_max = std::numeric_limits<std::uint32_t>::max();
  const auto year = static_cast<std::int32_t>(
      integer_arg(L, 1, 1, "i32", std::numeric_limits<std::int32_t>::min(), std::numeric_limits<std::int32_t>::max()));
  std::uint32_t rest[5] = {};
  for (int i = 0; i < 5; ++i) {
    rest[i] = static_cast<std::uint32_t>(integer_arg(L, i + 2, i + 2, "u32", 0, k_u32_max));
  }
  auto t = values::from_ymd_hms(year, rest[0], rest[1], rest[2], rest[3], rest[4]);
  if (!t) {
    raise(L, "time cannot be represented due to a gap in local time");
  }
  push_time(L, *t);
  return 1;
}

template <util::Expected<UtcTime, std::string> (*Parse)(std::string_view)>
int parse_time(lua_State* L) {
  const std::string_view text = string_arg(L, 1, 1, nullptr);
  StepMeter(L).add_bytes(text.size());  // the parse reads it once more
  auto t = Parse(text);
  if (!t) {
    raise(L, t.error());
  }
  push_time(L, *t);
  return 1;
}

// chrono's TimeDelta from a std Duration, which must not pass its bound.
TimeDelta delta_from(lua_State* L, const values::Duration& d) {
  auto delta = TimeDelta::from_duration(d);
  if (!delta) {
    raise(L, std::string(values::k_delta_out_of_range));
  }
  return *delta;
}

TimeDelta delta_from_text(lua_State* L) {
  std::size_t len = 0;
  const char* bytes = lua_tolstring(L, 1, &len);
  const std::string_view text(bytes, len);
  if (auto error = util::utf8_error(text)) {
    raise(L, "error converting Lua string to &str (" + *error + ")");
  }
  StepMeter(L).add_bytes(len);
  auto parsed = values::parse_humantime(text);
  if (!parsed) {
    if (parsed.error().crashes_kumod) {
      duration_panic(L, "kumo.time.parse_duration", parsed.error().kumo_message);
    }
    raise(L, parsed.error().kumo_message);
  }
  return delta_from(L, *parsed);
}

// Integers may be negative (seconds, TimeDelta's range); floats convert
// like Duration::from_secs_f64, which panics when negative; strings are
// humantime durations.
int parse_duration(lua_State* L) {
  std::optional<TimeDelta> delta;
  if (lua_isinteger(L, 1)) {
    delta = TimeDelta::from_seconds(lua_tointeger(L, 1));
    if (!delta) {
      raise(L, "seconds out of range");
    }
  } else if (lua_type(L, 1) == LUA_TNUMBER) {
    auto d = values::duration_from_float(lua_tonumber(L, 1));
    if (!d) {
      duration_panic(L, "kumo.time.parse_duration", d.error().kumo_message);
    }
    delta = delta_from(L, *d);
  } else if (lua_type(L, 1) == LUA_TSTRING) {
    delta = delta_from_text(L);
  } else {
    raise(L, "invalid duration value");
  }
  push_delta(L, *delta);
  return 1;
}

int start_timer(lua_State* L) {
  string_arg(L, 1, 1, nullptr);  // the label of kumod's latency histogram
  push_object(L, k_timer_mt, TimerObject{});
  return 1;
}

// Returns at once: kumod's sleep only waits, and kumo-lint's clock stands
// still. The seconds still convert as kumod converts them.
int sleep(lua_State* L) {
  auto d = values::duration_from_float(float_arg(L, 1, 1));
  if (!d) {
    duration_panic(L, "kumo.time.sleep", d.error().kumo_message);
  }
  return 0;
}

void register_metatable(lua_State* L, const char* registry_name, const char* type_name, const luaL_Reg* methods) {
  luaL_newmetatable(L, registry_name);
  luaL_setfuncs(L, methods, 0);
  lua_pushstring(L, type_name);  // tostring and errors name mlua's type
  lua_setfield(L, -2, "__name");
  lock_metatable(L);
  lua_pop(L, 1);
}

}  // namespace

void open_kumo_time(lua_State* L, int kumo_index) {
  kumo_index = lua_absindex(L, kumo_index);
  const luaL_Reg time_methods[] = {{"__index", guarded<time_index>}, {"__tostring", guarded<time_tostring>},
                                   {"__eq", guarded<time_eq>},       {"__add", guarded<time_add>},
                                   {"__sub", guarded<time_sub>},     {nullptr, nullptr}};
  register_metatable(L, k_time_mt, "Time", time_methods);
  const luaL_Reg delta_methods[] = {{"__index", guarded<delta_index>}, {"__tostring", guarded<delta_tostring>},
                                    {"__eq", guarded<delta_eq>},       {"__add", guarded<delta_add>},
                                    {"__sub", guarded<delta_sub>},     {nullptr, nullptr}};
  register_metatable(L, k_delta_mt, "TimeDelta", delta_methods);
  const luaL_Reg timer_methods[] = {
      {"__index", guarded<timer_index>}, {"__close", guarded<timer_close>}, {nullptr, nullptr}};
  register_metatable(L, k_timer_mt, "Timer", timer_methods);

  const luaL_Reg functions[] = {{"now", guarded<now>},
                                {"from_unix_timestamp", guarded<from_unix_timestamp>},
                                {"with_ymd_hms", guarded<with_ymd_hms>},
                                {"parse_rfc3339", guarded<parse_time<values::parse_rfc3339>>},
                                {"parse_rfc2822", guarded<parse_time<values::parse_rfc2822>>},
                                {"parse_duration", guarded<parse_duration>},
                                {"start_timer", guarded<start_timer>},
                                {"sleep", guarded<sleep>},
                                {nullptr, nullptr}};
  push_module(L, "kumo.time", functions);
  lua_setfield(L, kumo_index, "time");
  // kumo.sleep is the same function (deprecated in favour of kumo.time.sleep).
  lua_pushcfunction(L, guarded<sleep>);
  lua_setfield(L, kumo_index, "sleep");
}

}  // namespace kumo::lua
