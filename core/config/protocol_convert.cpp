#include "core/config/protocol_convert.hpp"

#include <limits>

#include "core/config/serde_text.hpp"
#include "core/util/text.hpp"
#include "core/values/mx_address.hpp"

namespace kumo::config {

using diag::Code;
using lua::Value;
using K = lua::Value::Kind;

namespace {

constexpr std::string_view k_untagged_error = "data did not match any variant of untagged enum DeliveryProto";

// Variables minijinja can see when rendering maildir_path (reference §5).
const std::vector<std::string_view> k_maildir_variables = {"meta",
                                                           "queue",
                                                           "campaign",
                                                           "tenant",
                                                           "domain",
                                                           "routing_domain",
                                                           "local_part",
                                                           "domain_part",
                                                           "email",
                                                           "sender_local_part",
                                                           "sender_domain_part",
                                                           "sender_email"};

// Reads a Vec field inside the untagged buffer: only a sequence (raw length
// > 0 or the array mark) is a list; a literal {} is a map and fails.
const lua::Table* list_table(Converter& c, const std::string& key, const Value& v, std::string_view what) {
  if (c.reject_unsupported(key, v)) {
    return nullptr;
  }
  if (v.kind == K::table && is_sequence(*v.table)) {
    return v.table.get();
  }
  if (v.kind == K::table && v.table->entries.empty()) {
    c.reject(Code::empty_table_list, key,
             key +
                 ": a literal {} inside protocol is read as a map, not an empty list, and KumoMTA rejects it; "
                 "omit " +
                 key.substr(key.rfind('.') + 1) + " (the default is empty) or list at least one entry",
             serde_invalid_type(v, "a sequence"));
    return nullptr;
  }
  c.wrong_type(key, v, std::string("a list of ") + std::string(what), "a sequence");
  return nullptr;
}

std::optional<MxEntry> mx_name_entry(Converter& c, const std::string& key, const std::string& name) {
  values::MxName classified = values::classify_mx_name(name);
  if (classified.kind == values::MxNameKind::bad_literal) {
    c.flag(Code::suspicious_mx_name, key,
           key + ": " + util::quoted(name) + " will fail at delivery time: " + classified.problem);
  }
  return MxEntry{false, name, "", false};
}

const std::vector<std::string_view> k_resolved_fields = {"name", "addr", "is_secure"};

std::optional<MxEntry> mx_resolved_entry(Converter& c, const std::string& key, const lua::Table& t) {
  MxEntry entry{true, "", "", false};
  bool has_name = false;
  bool has_addr = false;
  for (auto& [path, value] : c.fields(key, t, k_resolved_fields, false)) {
    if (path == key + ".name") {
      has_name = true;
      if (auto s = c.string(path, *value)) {
        entry.name = *s;
      }
    } else if (path == key + ".addr") {
      has_addr = true;
      if (value->kind != K::string) {
        c.wrong_type(path, *value, "an IP address string such as \"10.0.0.1:25\"", "a string");
        continue;
      }
      auto addr = values::parse_mx_addr(value->string);
      if (!addr) {
        c.reject(Code::invalid_mx_addr, path, path + ": " + addr.error().message, std::string(k_untagged_error));
      } else {
        entry.addr = *addr;
      }
    } else if (value->kind != K::null) {
      if (auto b = c.boolean(path, *value)) {
        entry.is_secure = *b;
      }
    }
  }
  for (auto [present, field] : {std::pair{has_name, "name"}, std::pair{has_addr, "addr"}}) {
    if (!present) {
      c.reject(Code::missing_field, key,
               key + ": a {name, addr} entry needs " + field + "; use a plain string for a name resolved by DNS",
               std::string(k_untagged_error));
    }
  }
  return entry;
}

std::optional<MxEntry> mx_entry(Converter& c, const std::string& key, const Value& v) {
  if (c.reject_unsupported(key, v)) {
    return std::nullopt;
  }
  if (v.kind == K::string) {
    return mx_name_entry(c, key, v.string);
  }
  if (v.kind == K::table && !is_sequence(*v.table)) {
    return mx_resolved_entry(c, key, *v.table);
  }
  c.reject(Code::wrong_type, key,
           key + ": expected a host name string or a {name = ..., addr = ...} table, got " + describe_value(v),
           "data did not match any variant of untagged enum MxListEntry");
  return std::nullopt;
}

const std::vector<std::string_view> k_smtp_fields = {"mx_list", "treat_mx_list_as_secure"};

SmtpProtocol smtp_protocol(Converter& c, const std::string& key, const Value& v) {
  SmtpProtocol smtp;
  if (c.reject_unsupported(key, v)) {
    return smtp;
  }
  if (v.kind != K::table || is_sequence(*v.table)) {
    c.wrong_type(key, v, "a table { mx_list = {...}, treat_mx_list_as_secure = false }", "struct SmtpProtocol");
    return smtp;
  }
  bool secure_set = false;
  for (auto& [path, value] : c.fields(key, *v.table, k_smtp_fields, false)) {
    if (path == key + ".mx_list") {
      const lua::Table* list = list_table(c, path, *value, "host names or {name, addr} tables");
      if (list == nullptr) {
        continue;
      }
      for (std::int64_t i = 1; i <= list->raw_length; ++i) {
        static const Value nil;
        const Value* item = list->at(i);
        if (auto e = mx_entry(c, path + "[" + std::to_string(i) + "]", item ? *item : nil)) {
          smtp.mx_list.push_back(*e);
        }
        if (item == nullptr) {
          break;  // a hole rejects the list; lua_rawlen may be any border, even 2^62
        }
      }
    } else if (auto b = c.boolean(path, *value)) {
      smtp.treat_mx_list_as_secure = *b;
      secure_set = *b;
    }
  }
  if (secure_set && smtp.mx_list.empty() && !c.failed) {
    c.flag(Code::secure_without_mx_list, key + ".treat_mx_list_as_secure",
           key + ".treat_mx_list_as_secure has no effect without an mx_list");
  }
  return smtp;
}

void check_maildir_template(Converter& c, const std::string& key, const std::string& path) {
  std::size_t at = 0;
  while ((at = path.find("{{", at)) != std::string::npos) {
    std::size_t end = path.find("}}", at);
    if (end == std::string::npos) {
      c.flag(Code::maildir_template, key, key + ": unclosed \"{{\" at " + std::to_string(at));
      return;
    }
    std::string inner = path.substr(at + 2, end - at - 2);
    std::size_t first = inner.find_first_not_of(" \t");
    std::size_t last = inner.find_last_not_of(" \t");
    std::string expr = first == std::string::npos ? "" : inner.substr(first, last - first + 1);
    std::string name = expr.substr(0, expr.find_first_of(".[| ("));
    bool known = false;
    for (auto v : k_maildir_variables) {
      known = known || v == name;
    }
    if (!known) {
      std::string message = key + ": template variable " + util::quoted(name) + " does not exist";
      if (auto near = util::closest_match(name, k_maildir_variables)) {
        message += "; did you mean " + util::quoted(*near) + "?";
      } else {
        message += "; available: " + util::join(k_maildir_variables, ", ");
      }
      c.flag(Code::maildir_template, key, message);
    }
    at = end + 2;
  }
}

const std::vector<std::string_view> k_maildir_fields = {"maildir_path", "dir_mode", "file_mode"};

MaildirProtocol maildir_protocol(Converter& c, const std::string& key, const lua::Table& t) {
  MaildirProtocol m;
  for (const auto& e : t.entries) {
    if (e.key.kind != K::string) {
      continue;
    }
    std::string path = key + "." + e.key.string;
    if (e.key.string == "maildir_path") {
      if (auto s = c.string(path, e.value)) {
        m.maildir_path = *s;
        check_maildir_template(c, path, *s);
      }
    } else if (e.key.string == "dir_mode" || e.key.string == "file_mode") {
      if (e.value.kind == K::null) {
        continue;
      }
      auto n = c.unsigned_integer(path, e.value, std::numeric_limits<std::uint32_t>::max(), "u32");
      if (n) {
        (e.key.string == "dir_mode" ? m.dir_mode : m.file_mode) = static_cast<std::uint32_t>(*n);
      }
    }
  }
  return m;
}

const std::vector<std::string_view> k_lua_fields = {"constructor", "batch_size", "min_batch_size", "max_batch_latency"};

LuaProtocol lua_protocol(Converter& c, const std::string& key, const Value& v) {
  LuaProtocol p;
  if (c.reject_unsupported(key, v)) {
    return p;
  }
  if (v.kind != K::table || is_sequence(*v.table)) {
    c.wrong_type(key, v, "a table { constructor = \"make.webhook\" }", "struct LuaDeliveryProtocol");
    return p;
  }
  bool has_constructor = false;
  for (auto& [path, value] : c.fields(key, *v.table, k_lua_fields, true)) {
    std::string field = path.substr(key.size() + 1);
    if (field == "constructor") {
      has_constructor = true;
      if (auto s = c.string(path, *value)) {
        p.constructor = *s;
      }
    } else if (field == "max_batch_latency") {
      if (auto d = c.duration(path, *value)) {
        p.max_batch_latency = *d;
      }
    } else if (auto n = c.unsigned_integer(path, *value, std::numeric_limits<std::uint64_t>::max() >> 1, "usize")) {
      (field == "batch_size" ? p.batch_size : p.min_batch_size) = *n;
    }
  }
  if (!has_constructor) {
    c.reject(Code::missing_field, key, key + ": missing constructor (the event name that builds the sender)",
             "missing field `constructor`");
  }
  if (!c.failed && p.batch_size == 0) {
    c.flag(Code::batch_size, key + ".batch_size", key + ".batch_size is 0: no message can ever be dispatched");
  } else if (!c.failed && p.min_batch_size > p.batch_size) {
    c.flag(Code::batch_size, key + ".min_batch_size",
           key + ".min_batch_size (" + std::to_string(p.min_batch_size) + ") exceeds batch_size (" +
               std::to_string(p.batch_size) + "): a batch can never reach its minimum");
  }
  return p;
}

// A URL as the url crate would accept it, lower-casing scheme and host and
// giving special schemes an empty path of "/".
std::optional<std::string> normalize_url(const std::string& text) {
  std::size_t colon = text.find(':');
  if (colon == std::string::npos || colon == 0 || !std::isalpha(static_cast<unsigned char>(text[0]))) {
    return std::nullopt;
  }
  std::string scheme = text.substr(0, colon);
  for (char& ch : scheme) {
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '+' && ch != '-' && ch != '.') {
      return std::nullopt;
    }
    ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  }
  std::string rest = text.substr(colon + 1);
  if (scheme != "http" && scheme != "https") {
    return scheme + ":" + rest;
  }
  if (rest.rfind("//", 0) != 0) {
    return std::nullopt;
  }
  std::size_t host_end = rest.find_first_of("/?#", 2);
  std::string authority = rest.substr(2, host_end == std::string::npos ? std::string::npos : host_end - 2);
  std::string tail = host_end == std::string::npos ? "/" : rest.substr(host_end);
  if (tail[0] != '/') {
    tail = "/" + tail;
  }
  if (authority.empty() || authority.find(' ') != std::string::npos) {
    return std::nullopt;
  }
  for (char& ch : authority) {
    ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  }
  return scheme + "://" + authority + tail;
}

XferProtocol xfer_protocol(Converter& c, const std::string& key, const Value& v) {
  XferProtocol x;
  if (c.reject_unsupported(key, v)) {
    return x;
  }
  if (v.kind != K::table || is_sequence(*v.table)) {
    c.wrong_type(key, v, "a table { target = \"http://host:8008\" }", "struct XferProtocol");
    return x;
  }
  static const std::vector<std::string_view> fields = {"target"};
  bool has_target = false;
  for (auto& [path, value] : c.fields(key, *v.table, fields, false)) {
    has_target = true;
    if (auto s = c.string(path, *value)) {
      if (auto url = normalize_url(*s)) {
        x.target = *url;
      } else {
        c.reject(Code::invalid_xfer_target, path,
                 path + ": " + util::quoted(*s) + " is not a URL; write e.g. \"http://10.0.0.5:8008\"",
                 "relative URL without a base");
      }
    }
  }
  if (!has_target) {
    c.reject(Code::missing_field, key, key + ": missing target (the peer's http URL)", "missing field `target`");
  }
  return x;
}

// One attempt at a variant: its own findings, so that a failed attempt does
// not leak into the result when a later variant fits.
struct Attempt {
  bool tried = false;  // the table has this variant's distinguishing key
  Converter c;
  std::optional<Protocol> value;
};

void flag_extra_keys(Converter& c, const std::string& key, const lua::Table& t,
                     const std::vector<std::string_view>& used, std::string_view variant) {
  for (const auto& e : t.entries) {
    if (e.key.kind != K::string) {
      continue;
    }
    bool is_used = false;
    for (auto u : used) {
      is_used = is_used || u == e.key.string;
    }
    if (!is_used) {
      c.flag(Code::ignored_key, key + "." + e.key.string,
             key + ": key " + util::quoted(e.key.string) + " is ignored by the " + std::string(variant) +
                 " protocol (KumoMTA silently ignores it)");
    }
  }
}

std::vector<Attempt> try_variants(const std::string& key, const lua::Table& t) {
  std::vector<Attempt> attempts(4);
  if (const Value* smtp = t.find("smtp")) {
    attempts[0].tried = true;
    attempts[0].value = smtp_protocol(attempts[0].c, key + ".smtp", *smtp);
    flag_extra_keys(attempts[0].c, key, t, {"smtp"}, "smtp");
  }
  if (t.find("maildir_path") != nullptr) {
    attempts[1].tried = true;
    attempts[1].value = maildir_protocol(attempts[1].c, key, t);
    flag_extra_keys(attempts[1].c, key, t, k_maildir_fields, "maildir");
  }
  if (const Value* lua = t.find("custom_lua")) {
    attempts[2].tried = true;
    attempts[2].value = lua_protocol(attempts[2].c, key + ".custom_lua", *lua);
    flag_extra_keys(attempts[2].c, key, t, {"custom_lua"}, "custom_lua");
  }
  if (const Value* xfer = t.find("xfer")) {
    attempts[3].tried = true;
    attempts[3].value = xfer_protocol(attempts[3].c, key + ".xfer", *xfer);
    flag_extra_keys(attempts[3].c, key, t, {"xfer"}, "xfer");
  }
  return attempts;
}

void adopt(Converter& c, Converter& from) {
  for (auto& d : from.findings) {
    c.findings.push_back(std::move(d));
  }
}

void reject_no_variant(Converter& c, const std::string& key, const Value& v) {
  std::string message = key +
                        ": expected { smtp = {...} }, { maildir_path = \"...\" }, { custom_lua = {...} } "
                        "or { xfer = {...} }, got ";
  if (v.kind == K::table && !is_sequence(*v.table) && !v.table->entries.empty()) {
    std::vector<std::string_view> names;
    for (const auto& e : v.table->entries) {
      if (e.key.kind == K::string) {
        names.push_back(e.key.string);
      }
    }
    message += "a table with keys " + util::join(names, ", ");
    static const std::vector<std::string_view> k_discriminators = {"smtp", "maildir_path", "custom_lua", "xfer"};
    for (auto n : names) {
      if (auto near = util::closest_match(n, k_discriminators)) {
        message += "; did you mean " + util::quoted(*near) + " for " + util::quoted(n) + "?";
        break;
      }
    }
  } else if (v.kind == K::table && v.table->entries.empty()) {
    message += "an empty table; omit protocol to get the default smtp";
  } else {
    message += describe_value(v);
  }
  c.reject(Code::protocol_no_variant, key, message, std::string(k_untagged_error));
}

}  // namespace

std::optional<Protocol> convert_protocol(Converter& c, const std::string& key, const Value& v) {
  if (v.kind == K::null) {
    c.flag(Code::internal_protocol, key,
           key +
               ": the null sentinel selects KumoMTA's internal HttpInjectionGenerator protocol, which is not "
               "for user queues; omit protocol for the default smtp");
    return Protocol{InternalProtocol::HttpInjectionGenerator};
  }
  if (c.reject_unsupported(key, v)) {
    return std::nullopt;
  }
  if (v.kind != K::table || is_sequence(*v.table)) {
    reject_no_variant(c, key, v);
    return std::nullopt;
  }
  std::vector<Attempt> attempts = try_variants(key, *v.table);
  for (auto& a : attempts) {
    if (a.tried && !a.c.failed) {
      adopt(c, a.c);
      return a.value;
    }
  }
  for (auto& a : attempts) {
    if (a.tried) {
      // The first variant the table was meant as explains the failure;
      // KumoMTA itself only says the generic untagged-enum message.
      for (auto& d : a.c.findings) {
        if (d.severity == diag::Severity::error) {
          d.detail = std::string(k_untagged_error);
        }
      }
      adopt(c, a.c);
      c.failed = true;
      if (c.kumo_error.empty()) {
        c.kumo_error = std::string(k_untagged_error);
      }
      return std::nullopt;
    }
  }
  reject_no_variant(c, key, v);
  return std::nullopt;
}

}  // namespace kumo::config
