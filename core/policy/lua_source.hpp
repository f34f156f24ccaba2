// Reading a policy's Lua source as text (never running it): its string
// literals, and where each key of a make_queue_config { ... } table
// constructor is written, so findings can point at the key's own line.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kumo::policy {

struct Token {
  enum class Kind { name, string, number, symbol, eof };
  Kind kind = Kind::eof;
  std::string text;  // a string literal's decoded value; otherwise the token's text
  int line = 0;
  int column = 0;  // 1-based byte column
};

struct KeyPosition {
  int line = 0;
  int column = 0;
};

// --- Interface ---

// Tokenizes Lua 5.4 source; comments and whitespace are dropped. Stops at
// the first malformed token (the compiler reports those), and after
// `max_tokens` (a token costs about 50 bytes here, and a 16 MiB policy can
// hold 8 million of them: what follows the limit is not read).
inline constexpr std::size_t k_max_tokens = 1'000'000;
std::vector<Token> tokenize(std::string_view source, std::size_t max_tokens = k_max_tokens);

// String literals that may name a queue's domain, in source order: every
// literal except a module name (`require 'policy-extras.queue'`) and the
// value of a named field (`ehlo_domain = 'mta1.example.com'`,
// `cfg.hostname = 'x'`), which configure something else.
std::vector<std::string> sample_literals(const std::vector<Token>& tokens);

// String literals compared (== or ~=) with a variable called `name`, in
// source order: `domain == 'x'` and `'x' ~= domain` both yield "x".
std::vector<std::string> compared_literals(const std::vector<Token>& tokens, std::string_view name);

// The string keys of table constructors assigned to a name that the code
// indexes with a variable called `name` (`POOLS[tenant]`, `T[domain]`), in
// source order: `local POOLS = { acme = 'p1', ['big corp'] = 'p2' }` with
// `POOLS[tenant]` yields "acme" and "big corp". Only the constructor's own
// keys, not those of tables nested in it.
std::vector<std::string> indexed_table_keys(const std::vector<Token>& tokens, std::string_view name);

// Where a field `key` is given the literal `value` in a table constructor
// or an assignment, in source order: `key = 'v'`, `['key'] = 'v'`,
// `t.key = 'v'` (a string literal's decoded text, a number or true/false as
// written). Each position is the literal's.
std::vector<KeyPosition> field_literals(const std::vector<Token>& tokens, std::string_view key, std::string_view value);

// Key paths ("protocol.smtp.mx_list[2].addr") of the table constructor
// passed to the call of `function_name` written on `line`, mapped to where
// each key (or list item) is written. Empty when the argument is not a
// literal table.
std::map<std::string, KeyPosition> constructor_keys(const std::vector<Token>& tokens, int line,
                                                    std::string_view function_name);

// The position of the longest prefix of `path` found in `keys`.
std::optional<KeyPosition> find_key(const std::map<std::string, KeyPosition>& keys, const std::string& path);

}  // namespace kumo::policy
