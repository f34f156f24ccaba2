#include "core/lua/bridge.hpp"
#include "core/lua/kumo_submodules.hpp"

#include <algorithm>
#include <cstring>
#include <set>

#include "core/config/serialize.hpp"

namespace kumo::lua {

PolicyHost::State& state_of(lua_State* L) { return **static_cast<PolicyHost::State**>(lua_getextraspace(L)); }

// The innermost frame running code from a file the sandbox compiled (the
// policy, a required module, a dofile'd file). Chunk names are the
// policy's to choose (load(s, "@src/app.c") would make findings point at
// any file, and CI problem matchers would believe them): a frame of a
// chunk not read from a file is passed over for the frame that called it.
std::optional<SourceLine> current_line(lua_State* L) {
  auto& st = state_of(L);
  lua_Debug ar;
  for (int level = 0; lua_getstack(L, level, &ar) != 0; ++level) {
    lua_getinfo(L, "Sl", &ar);
    if (ar.currentline <= 0 || ar.source == nullptr || ar.source[0] != '@') {
      continue;
    }
    std::string_view name(ar.source + 1, ar.srclen - 1);
    // Most calls come from the file the last one came from.
    if (st.last_source != nullptr && *st.last_source == name) {
      return SourceLine{st.last_source, ar.currentline};
    }
    if (name.size() > k_max_path_bytes) {
      continue;
    }
    if (auto it = st.source_files.find(name); it != st.source_files.end()) {
      st.last_source = &it->first;
      return SourceLine{st.last_source, ar.currentline};
    }
  }
  return std::nullopt;
}

std::optional<diag::Location> current_location(lua_State* L) {
  if (auto here = current_line(L)) {
    return location_of(*here);
  }
  return std::nullopt;
}

const ConfigObject* to_config_object(lua_State* L, int index) {
  if (lua_type(L, index) != LUA_TUSERDATA || lua_getmetatable(L, index) == 0) {
    return nullptr;
  }
  const void* mt = lua_topointer(L, -1);
  lua_pop(L, 1);
  const auto& st = state_of(L);
  if (mt == st.queue_config_mt) {
    return static_cast<const ConfigObject*>(lua_touserdata(L, index));
  }
  if (mt == st.shared_config_mt) {
    return *static_cast<const ConfigObject* const*>(lua_touserdata(L, index));
  }
  return nullptr;
}

void raise_pending(lua_State* L, diag::Code code, const std::string& message) {
  state_of(L).pending = PendingError{code, message};
  lua_pushstring(L, message.c_str());
  lua_error(L);
  throw std::logic_error("unreachable: lua_error returned");
}

bool degrade_at_top_level(lua_State* L, const OutsideCall& call) {
  auto& st = state_of(L);
  auto where = current_location(L).value_or(diag::Location{st.policy_path, 0, std::nullopt});
  if (!st.current_event) {
    if (st.degraded_reported.insert({where.file, where.line}).second) {
      add_side_diagnostic(
          st, diag::make_diagnostic(diag::Code::degraded_call,
                                    call.name + " " + call.needs +
                                        ": kumo-lint cannot make this call, so it returned " + call.neutral +
                                        " and loading went on; what the policy derives from it may "
                                        "differ from kumod's" +
                                        call.hint,
                                    where));
    }
    return true;
  }
  st.degraded_if_caught =
      diag::make_diagnostic(diag::Code::degraded_call,
                            call.name + " raised an error in the " + *st.current_event + " handler (it " + call.needs +
                                ") and the policy caught it: this result may differ from kumod's" + call.hint,
                            where);
  raise_pending(L, call.code_in_handler,
                call.name + " " + call.needs + ": kumo-lint cannot make this call inside the " + *st.current_event +
                    " handler, where its value decides the result" + call.hint);
}

namespace {

int kind_rank(Value::Kind k) {
  switch (k) {
    case Value::Kind::integer: return 0;
    case Value::Kind::floating: return 1;
    case Value::Kind::string: return 2;
    case Value::Kind::boolean: return 3;
    default: return 4;
  }
}

bool key_less(const TableEntry& a, const TableEntry& b) {
  int ra = kind_rank(a.key.kind);
  int rb = kind_rank(b.key.kind);
  if (ra != rb) {
    return ra < rb;
  }
  switch (a.key.kind) {
    case Value::Kind::integer: return a.key.integer < b.key.integer;
    case Value::Kind::floating: return a.key.number < b.key.number;
    case Value::Kind::string: return a.key.string < b.key.string;
    case Value::Kind::boolean: return a.key.boolean < b.key.boolean;
    default: return false;
  }
}

Value value_from_json(const nlohmann::json& j);

bool has_metatable(lua_State* L, int index, const char* name) {
  if (lua_getmetatable(L, index) == 0) {
    return false;
  }
  luaL_getmetatable(L, name);
  bool same = lua_rawequal(L, -1, -2) != 0;
  lua_pop(L, 2);
  return same;
}

constexpr int k_max_depth = 64;

// What a copied value costs in C++ memory, roughly (charged to --max-memory).
constexpr std::size_t k_value_bytes = sizeof(Value) + 16;
constexpr std::size_t k_entry_bytes = sizeof(TableEntry) + 16;
constexpr std::size_t k_table_bytes = sizeof(Table) + 64;

class Reader {
 public:
  Reader(lua_State* L, HostMemory& memory) : m_L(L), m_memory(memory) {}

  // [-0, +0, e]
  Value read(int index, int depth) {
    index = lua_absindex(m_L, index);
    Value v;
    switch (lua_type(m_L, index)) {
      case LUA_TNIL: return v;
      case LUA_TBOOLEAN:
        v.kind = Value::Kind::boolean;
        v.boolean = lua_toboolean(m_L, index) != 0;
        return v;
      case LUA_TNUMBER:
        if (lua_isinteger(m_L, index)) {
          v.kind = Value::Kind::integer;
          v.integer = lua_tointeger(m_L, index);
        } else {
          v.kind = Value::Kind::floating;
          v.number = lua_tonumber(m_L, index);
        }
        return v;
      case LUA_TSTRING: {
        std::size_t len = 0;
        const char* s = lua_tolstring(m_L, index, &len);
        m_memory.charge(k_value_bytes + len);
        v.kind = Value::Kind::string;
        v.string.assign(s, len);
        return v;
      }
      case LUA_TLIGHTUSERDATA:
        v.kind = lua_touserdata(m_L, index) == nullptr ? Value::Kind::null : Value::Kind::userdata;
        return v;
      case LUA_TTABLE: return read_table(index, depth);
      case LUA_TFUNCTION: v.kind = Value::Kind::function; return v;
      case LUA_TTHREAD: v.kind = Value::Kind::thread; return v;
      case LUA_TUSERDATA: return read_userdata(index);
      default: return v;
    }
  }

 private:
  Value read_userdata(int index) {
    if (auto* obj = to_config_object(m_L, index)) {
      Value v = value_from_json(config::to_kumo_json(*obj->config));
      v.object_type = "QueueConfig";
      return v;
    }
    if (auto memoized = memoized_value(m_L, index)) {
      return *memoized;
    }
    if (auto map = domain_map_value(m_L, index)) {
      return *map;
    }
    Value v;
    v.kind = Value::Kind::userdata;
    if (has_metatable(m_L, index, k_egress_pool_mt)) {
      v.object_type = "EgressPool";
    } else if (has_metatable(m_L, index, k_egress_source_mt)) {
      v.object_type = "EgressSource";
    }
    return v;
  }

  Value read_table(int index, int depth) {
    const void* identity = lua_topointer(m_L, index);
    Value v;
    if (depth > k_max_depth || m_open.count(identity) != 0) {
      // serde refuses recursive tables; a nesting this deep is treated the same.
      v.kind = Value::Kind::recursive_table;
      return v;
    }
    m_open.insert(identity);
    m_memory.charge(k_table_bytes);
    auto table = std::make_shared<Table>();
    table->raw_length = static_cast<std::int64_t>(lua_rawlen(m_L, index));
    table->array_marked = has_metatable(m_L, index, k_array_mt);
    luaL_checkstack(m_L, 3, "reading a table");
    lua_pushnil(m_L);
    while (lua_next(m_L, index) != 0) {
      // stack: key, value. Never lua_tolstring a key in place: it would
      // confuse lua_next; read() copies without converting.
      m_memory.charge(k_entry_bytes);
      TableEntry e;
      e.key = read(-2, depth + 1);
      e.value = read(-1, depth + 1);
      table->entries.push_back(std::move(e));
      lua_pop(m_L, 1);
    }
    std::sort(table->entries.begin(), table->entries.end(), key_less);
    m_open.erase(identity);
    v.kind = Value::Kind::table;
    v.table = std::move(table);
    return v;
  }

  lua_State* m_L;
  HostMemory& m_memory;
  std::set<const void*> m_open;
};

Value value_from_json(const nlohmann::json& j) {
  Value v;
  switch (j.type()) {
    case nlohmann::json::value_t::null: v.kind = Value::Kind::null; break;
    case nlohmann::json::value_t::boolean:
      v.kind = Value::Kind::boolean;
      v.boolean = j.get<bool>();
      break;
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
      v.kind = Value::Kind::integer;
      v.integer = j.get<std::int64_t>();
      break;
    case nlohmann::json::value_t::number_float:
      v.kind = Value::Kind::floating;
      v.number = j.get<double>();
      break;
    case nlohmann::json::value_t::string:
      v.kind = Value::Kind::string;
      v.string = j.get<std::string>();
      break;
    case nlohmann::json::value_t::array: {
      auto t = std::make_shared<Table>();
      t->array_marked = true;
      t->raw_length = static_cast<std::int64_t>(j.size());
      std::int64_t i = 1;
      for (const auto& item : j) {
        t->entries.push_back({Value::make_integer(i++), value_from_json(item)});
      }
      v.kind = Value::Kind::table;
      v.table = std::move(t);
      break;
    }
    case nlohmann::json::value_t::object: {
      auto t = std::make_shared<Table>();
      for (const auto& [k, item] : j.items()) {
        t->entries.push_back({Value::make_string(k), value_from_json(item)});
      }
      v.kind = Value::Kind::table;
      v.table = std::move(t);
      break;
    }
    default: break;
  }
  return v;
}

// Writes a plain value's exact content as bytes, each value self-delimiting
// (a tag, then a fixed-size payload or a length and the bytes; a table is
// its raw length, its entries in lua_next order, then an end tag), and sums
// what Reader would charge for the same value. Anything Reader treats
// specially (metatables, userdata, functions, deep or cyclic nesting) is
// not plain: the caller reads it the long way.
class PlainEncoder {
 public:
  PlainEncoder(lua_State* L, PlainBuffer& out) : m_L(L), m_out(out) {}

  std::size_t charge() const { return m_charge; }

  // [-0, +0, -] Leaves the stack as it was only when it returns true; the
  // caller restores it otherwise.
  bool encode(int index, int depth) {
    switch (lua_type(m_L, index)) {
      case LUA_TBOOLEAN: return put_tag(lua_toboolean(m_L, index) != 0 ? 'B' : 'b');
      case LUA_TNUMBER:
        if (lua_isinteger(m_L, index)) {
          return put_tagged('i', lua_tointeger(m_L, index));
        }
        return put_tagged('f', lua_tonumber(m_L, index));
      case LUA_TSTRING: {
        std::size_t len = 0;
        const char* s = lua_tolstring(m_L, index, &len);
        m_charge += k_value_bytes + len;
        return put_tagged('s', len, std::string_view(s, len));
      }
      case LUA_TTABLE: return encode_table(index, depth);
      default: return false;
    }
  }

 private:
  static constexpr int k_max_plain_depth = 8;

  // The tag, `size` bytes of `payload`, then `tail` (a string's bytes),
  // written in place; false when they would pass the buffer's end.
  bool put(char tag, const void* payload, std::size_t size, std::string_view tail) {
    char* p = m_out.reserve(1 + size + tail.size());
    if (p == nullptr) {
      return false;
    }
    *p = tag;
    if (size > 0) {
      std::memcpy(p + 1, payload, size);
    }
    if (!tail.empty()) {  // memcpy from a null pointer is undefined, even for no bytes
      std::memcpy(p + 1 + size, tail.data(), tail.size());
    }
    m_out.commit(1 + size + tail.size());
    return true;
  }

  bool put_tag(char tag) { return put(tag, nullptr, 0, {}); }

  template <class T>
  bool put_tagged(char tag, T payload, std::string_view tail = {}) {
    return put(tag, &payload, sizeof(T), tail);
  }

  bool encode_table(int index, int depth) {
    index = lua_absindex(m_L, index);  // the stack grows below it as entries are read
    if (depth > k_max_plain_depth || lua_getmetatable(m_L, index) != 0 || lua_checkstack(m_L, 3) == 0) {
      return false;  // a metatable pushed above is dropped by the caller's restore
    }
    m_charge += k_table_bytes;
    if (!put_tagged('T', static_cast<std::int64_t>(lua_rawlen(m_L, index)))) {
      return false;
    }
    lua_pushnil(m_L);
    while (lua_next(m_L, index) != 0) {
      m_charge += k_entry_bytes;
      if (!encode(-2, depth + 1) || !encode(-1, depth + 1)) {
        return false;
      }
      lua_pop(m_L, 1);
    }
    return put_tag('e');
  }

  lua_State* m_L;
  PlainBuffer& m_out;
  std::size_t m_charge = 0;
};

}  // namespace

Value read_value(lua_State* L, int index, HostMemory& memory) { return Reader(L, memory).read(index, 0); }

std::optional<std::size_t> encode_plain_value(lua_State* L, int index, PlainBuffer& out) {
  out.clear();
  int top = lua_gettop(L);
  PlainEncoder encoder(L, out);
  if (!encoder.encode(index, 0)) {
    lua_settop(L, top);
    out.clear();
    return std::nullopt;
  }
  return encoder.charge();
}

Value read_value(lua_State* L, int index) {
  HostMemory memory(L);
  return read_value(L, index, memory);
}

namespace {

// JSON nested deeper than this is refused: pushing it recurses on the C++ stack.
constexpr int k_max_json_depth = 200;
// A JSON tree node, roughly (charged to --max-memory while it exists).
constexpr std::size_t k_json_node_bytes = sizeof(nlohmann::json) + 48;

void push_json_at(lua_State* L, const nlohmann::json& value, int depth);

}  // namespace

void push_json(lua_State* L, const nlohmann::json& value) { push_json_at(L, value, 0); }

namespace {

void push_json_at(lua_State* L, const nlohmann::json& value, int depth) {
  if (depth > k_max_json_depth) {
    luaL_error(L, "JSON nested deeper than %d levels", k_max_json_depth);
  }
  luaL_checkstack(L, 3, "pushing JSON");
  switch (value.type()) {
    case nlohmann::json::value_t::null: lua_pushlightuserdata(L, nullptr); break;
    case nlohmann::json::value_t::boolean: lua_pushboolean(L, value.get<bool>()); break;
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned: lua_pushinteger(L, value.get<lua_Integer>()); break;
    case nlohmann::json::value_t::number_float: lua_pushnumber(L, value.get<double>()); break;
    case nlohmann::json::value_t::string: {
      const auto& s = value.get_ref<const std::string&>();
      lua_pushlstring(L, s.data(), s.size());
      break;
    }
    case nlohmann::json::value_t::array: {
      lua_createtable(L, static_cast<int>(value.size()), 0);
      lua_Integer i = 1;
      for (const auto& item : value) {
        push_json_at(L, item, depth + 1);
        lua_rawseti(L, -2, i++);
      }
      luaL_setmetatable(L, k_array_mt);
      break;
    }
    case nlohmann::json::value_t::object:
      lua_createtable(L, 0, static_cast<int>(value.size()));
      for (const auto& [k, item] : value.items()) {
        push_json_at(L, item, depth + 1);
        lua_setfield(L, -2, k.c_str());
      }
      break;
    default: lua_pushnil(L); break;
  }
}

}  // namespace

nlohmann::json value_to_json(const Value& v, HostMemory* memory) {
  if (memory != nullptr) {
    memory->charge(k_json_node_bytes + (v.kind == Value::Kind::string ? v.string.size() : 0));
  }
  switch (v.kind) {
    case Value::Kind::nil:
    case Value::Kind::null: return nullptr;
    case Value::Kind::boolean: return v.boolean;
    case Value::Kind::integer: return v.integer;
    case Value::Kind::floating: return v.number;
    case Value::Kind::string: return v.string;
    case Value::Kind::table: {
      const Table& t = *v.table;
      if (t.raw_length > 0 || t.array_marked) {
        nlohmann::json arr = nlohmann::json::array();
        for (std::int64_t i = 1; i <= t.raw_length; ++i) {
          // A border far past the entries (t[1], t[2], t[4], ... t[2^40])
          // is a hole per index: each costs memory, so the limit stops it.
          const Value* item = t.at(i);
          if (item == nullptr && memory != nullptr) {
            memory->charge(k_json_node_bytes);
          }
          arr.push_back(item ? value_to_json(*item, memory) : nlohmann::json(nullptr));
        }
        return arr;
      }
      nlohmann::json obj = nlohmann::json::object();
      for (const auto& e : t.entries) {
        std::string key = e.key.kind == Value::Kind::string    ? e.key.string
                          : e.key.kind == Value::Kind::integer ? std::to_string(e.key.integer)
                                                               : kind_name(e.key.kind);
        if (memory != nullptr) {
          memory->charge(k_json_node_bytes + key.size());
        }
        obj[key] = value_to_json(e.value, memory);
      }
      return obj;
    }
    default: return std::string("<") + kind_name(v.kind) + ">";
  }
}

}  // namespace kumo::lua
