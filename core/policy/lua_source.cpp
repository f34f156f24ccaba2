#include "core/policy/lua_source.hpp"

#include <algorithm>

#include <cctype>
#include <set>

namespace kumo::policy {

namespace {

class Lexer {
 public:
  explicit Lexer(std::string_view s) : m_s(s) {}

  std::vector<Token> run(std::size_t max_tokens) {
    std::vector<Token> out;
    while (out.size() < max_tokens && skip_space_and_comments()) {
      std::optional<Token> t = next();
      if (!t) {
        break;
      }
      out.push_back(std::move(*t));
    }
    out.push_back(Token{Token::Kind::eof, "", m_line, column()});
    return out;
  }

 private:
  bool at_end() const { return m_pos >= m_s.size(); }
  char peek(std::size_t ahead = 0) const { return m_pos + ahead < m_s.size() ? m_s[m_pos + ahead] : '\0'; }
  int column() const { return static_cast<int>(m_pos - m_line_start) + 1; }

  void advance() {
    if (m_s[m_pos] == '\n') {
      ++m_line;
      m_line_start = m_pos + 1;
    }
    ++m_pos;
  }

  // Level of a long bracket "[==[" starting at m_pos, or -1.
  int long_bracket_level() const {
    if (peek() != '[') {
      return -1;
    }
    std::size_t i = 1;
    while (peek(i) == '=') {
      ++i;
    }
    return peek(i) == '[' ? static_cast<int>(i - 1) : -1;
  }

  // Consumes a long bracket body; returns its text or nullopt if unclosed.
  std::optional<std::string> long_bracket(int level) {
    for (int i = 0; i < level + 2; ++i) {
      advance();
    }
    if (peek() == '\r' || peek() == '\n') {
      advance();  // a first newline is skipped
    }
    std::string body;
    while (!at_end()) {
      if (peek() == ']') {
        std::size_t i = 1;
        while (peek(i) == '=') {
          ++i;
        }
        if (static_cast<int>(i - 1) == level && peek(i) == ']') {
          for (std::size_t k = 0; k <= i; ++k) {
            advance();
          }
          return body;
        }
      }
      body += peek();
      advance();
    }
    return std::nullopt;
  }

  bool skip_space_and_comments() {
    while (!at_end()) {
      if (std::isspace(static_cast<unsigned char>(peek()))) {
        advance();
      } else if (peek() == '-' && peek(1) == '-') {
        advance();
        advance();
        int level = long_bracket_level();
        if (level >= 0) {
          if (!long_bracket(level)) {
            return false;
          }
        } else {
          while (!at_end() && peek() != '\n') {
            advance();
          }
        }
      } else {
        return true;
      }
    }
    return false;
  }

  std::optional<Token> next() {
    Token t{Token::Kind::symbol, "", m_line, column()};
    char c = peek();
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      t.kind = Token::Kind::name;
      while (std::isalnum(static_cast<unsigned char>(peek())) || peek() == '_') {
        t.text += peek();
        advance();
      }
      return t;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) ||
        (c == '.' && std::isdigit(static_cast<unsigned char>(peek(1))))) {
      t.kind = Token::Kind::number;
      while (std::isalnum(static_cast<unsigned char>(peek())) || peek() == '.' ||
             ((peek() == '+' || peek() == '-') &&
              (std::tolower(m_s[m_pos - 1]) == 'e' || std::tolower(m_s[m_pos - 1]) == 'p'))) {
        t.text += peek();
        advance();
      }
      return t;
    }
    if (c == '"' || c == '\'') {
      return quoted_string(t);
    }
    int level = long_bracket_level();
    if (level >= 0) {
      auto body = long_bracket(level);
      if (!body) {
        return std::nullopt;
      }
      t.kind = Token::Kind::string;
      t.text = *body;
      return t;
    }
    static const char* const k_multi[] = {"...", "..", "==", "~=", "<=", ">=", "//", "::", "<<", ">>"};
    for (const char* m : k_multi) {
      if (m_s.substr(m_pos).rfind(m, 0) == 0) {
        t.text = m;
        for (std::size_t i = 0; m[i] != '\0'; ++i) {
          advance();
        }
        return t;
      }
    }
    t.text = std::string(1, c);
    advance();
    return t;
  }

  std::optional<Token> quoted_string(Token t) {
    char quote = peek();
    advance();
    t.kind = Token::Kind::string;
    while (!at_end() && peek() != quote) {
      if (peek() == '\n') {
        return std::nullopt;
      }
      if (peek() == '\\') {
        advance();
        if (at_end()) {
          return std::nullopt;
        }
        t.text += escape();
        continue;
      }
      t.text += peek();
      advance();
    }
    if (at_end()) {
      return std::nullopt;
    }
    advance();
    return t;
  }

  // The decoded text of an escape after its backslash. Rare forms (\u{},
  // \x) decode well enough for literal scanning.
  std::string escape() {
    char e = peek();
    advance();
    switch (e) {
      case 'n': return "\n";
      case 't': return "\t";
      case 'r': return "\r";
      case 'a': return "\a";
      case 'b': return "\b";
      case 'f': return "\f";
      case 'v': return "\v";
      case 'z':
        while (!at_end() && std::isspace(static_cast<unsigned char>(peek()))) {
          advance();
        }
        return "";
      case 'x': {
        std::string hex;
        for (int i = 0; i < 2 && std::isxdigit(static_cast<unsigned char>(peek())); ++i) {
          hex += peek();
          advance();
        }
        return hex.empty() ? "" : std::string(1, static_cast<char>(std::stoi(hex, nullptr, 16)));
      }
      default:
        if (std::isdigit(static_cast<unsigned char>(e))) {
          std::string digits(1, e);
          for (int i = 0; i < 2 && std::isdigit(static_cast<unsigned char>(peek())); ++i) {
            digits += peek();
            advance();
          }
          return std::string(1, static_cast<char>(std::stoi(digits) & 0xff));
        }
        return std::string(1, e);
    }
  }

  std::string_view m_s;
  std::size_t m_pos = 0;
  std::size_t m_line_start = 0;
  int m_line = 1;
};

bool is_symbol(const Token& t, std::string_view s) { return t.kind == Token::Kind::symbol && t.text == s; }

// Walks one table constructor starting at tokens[i] == "{", recording every
// key and list item under `prefix`. Returns the index after its "}".
std::size_t walk_constructor(const std::vector<Token>& tokens, std::size_t i, const std::string& prefix,
                             std::map<std::string, KeyPosition>& out) {
  ++i;  // past "{"
  int item = 0;
  while (i < tokens.size() && tokens[i].kind != Token::Kind::eof && !is_symbol(tokens[i], "}")) {
    std::string path;
    const Token& start = tokens[i];
    if (start.kind == Token::Kind::name && i + 1 < tokens.size() && is_symbol(tokens[i + 1], "=")) {
      path = prefix.empty() ? start.text : prefix + "." + start.text;
      i += 2;
    } else if (is_symbol(start, "[") && i + 3 < tokens.size() && tokens[i + 1].kind == Token::Kind::string &&
               is_symbol(tokens[i + 2], "]") && is_symbol(tokens[i + 3], "=")) {
      path = prefix.empty() ? tokens[i + 1].text : prefix + "." + tokens[i + 1].text;
      i += 4;
    } else if (is_symbol(start, "[") && i + 3 < tokens.size() && tokens[i + 1].kind == Token::Kind::number &&
               is_symbol(tokens[i + 2], "]") && is_symbol(tokens[i + 3], "=")) {
      path = prefix + "[" + tokens[i + 1].text + "]";
      i += 4;
    } else {
      path = prefix + "[" + std::to_string(++item) + "]";
    }
    out.emplace(path, KeyPosition{start.line, start.column});
    // The value: a nested constructor is walked; anything else is skipped
    // to the next separator at this depth.
    int depth = 0;
    while (i < tokens.size() && tokens[i].kind != Token::Kind::eof) {
      const Token& t = tokens[i];
      if (depth == 0 && is_symbol(t, "{") &&
          (i == 0 || is_symbol(tokens[i - 1], "=") || is_symbol(tokens[i - 1], ",") || is_symbol(tokens[i - 1], "{") ||
           is_symbol(tokens[i - 1], ";"))) {
        i = walk_constructor(tokens, i, path, out);
        continue;
      }
      if (depth == 0 && (is_symbol(t, ",") || is_symbol(t, ";") || is_symbol(t, "}"))) {
        break;
      }
      if (is_symbol(t, "{") || is_symbol(t, "(") || is_symbol(t, "[")) {
        ++depth;
      } else if (is_symbol(t, "}") || is_symbol(t, ")") || is_symbol(t, "]")) {
        --depth;
      }
      ++i;
    }
    if (i < tokens.size() && (is_symbol(tokens[i], ",") || is_symbol(tokens[i], ";"))) {
      ++i;
    }
  }
  return i < tokens.size() ? i + 1 : i;
}

}  // namespace

std::vector<Token> tokenize(std::string_view source, std::size_t max_tokens) { return Lexer(source).run(max_tokens); }

namespace {

// `require 'x'`, `require "x"`, `require('x')`: token i is the literal.
bool is_module_name(const std::vector<Token>& tokens, std::size_t i) {
  auto is_require = [&](std::size_t j) { return tokens[j].kind == Token::Kind::name && tokens[j].text == "require"; };
  return (i >= 1 && is_require(i - 1)) || (i >= 2 && is_symbol(tokens[i - 1], "(") && is_require(i - 2));
}

// `{ key = 'x' }`, `t.key = 'x'`: token i is the literal.
bool is_named_field_value(const std::vector<Token>& tokens, std::size_t i) {
  if (i < 3 || !is_symbol(tokens[i - 1], "=") || tokens[i - 2].kind != Token::Kind::name) {
    return false;
  }
  const Token& before = tokens[i - 3];
  return is_symbol(before, "{") || is_symbol(before, ",") || is_symbol(before, ";") || is_symbol(before, ".");
}

}  // namespace

std::vector<std::string> sample_literals(const std::vector<Token>& tokens) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (tokens[i].kind == Token::Kind::string && !is_module_name(tokens, i) && !is_named_field_value(tokens, i)) {
      out.push_back(tokens[i].text);
    }
  }
  return out;
}

std::vector<std::string> compared_literals(const std::vector<Token>& tokens, std::string_view name) {
  std::vector<std::string> out;
  auto is_name = [&](const Token& t) { return t.kind == Token::Kind::name && t.text == name; };
  auto is_comparison = [](const Token& t) { return is_symbol(t, "==") || is_symbol(t, "~="); };
  for (std::size_t i = 0; i + 2 < tokens.size(); ++i) {
    if (!is_comparison(tokens[i + 1])) {
      continue;
    }
    if (is_name(tokens[i]) && tokens[i + 2].kind == Token::Kind::string) {
      out.push_back(tokens[i + 2].text);
    } else if (tokens[i].kind == Token::Kind::string && is_name(tokens[i + 2])) {
      out.push_back(tokens[i].text);
    }
  }
  return out;
}

namespace {

// The string keys at the top level of the constructor opening at tokens[open].
void top_level_keys(const std::vector<Token>& tokens, std::size_t open, std::vector<std::string>& out) {
  int depth = 0;
  for (std::size_t i = open; i < tokens.size(); ++i) {
    const Token& t = tokens[i];
    if (is_symbol(t, "{") || is_symbol(t, "(") || is_symbol(t, "[")) {
      bool bracket_key = depth == 1 && is_symbol(t, "[") && i + 3 < tokens.size() &&
                         tokens[i + 1].kind == Token::Kind::string && is_symbol(tokens[i + 2], "]") &&
                         is_symbol(tokens[i + 3], "=");
      if (bracket_key) {
        out.push_back(tokens[i + 1].text);
        i += 3;
        continue;
      }
      ++depth;
    } else if (is_symbol(t, "}") || is_symbol(t, ")") || is_symbol(t, "]")) {
      if (--depth == 0) {
        return;
      }
    } else if (depth == 1 && t.kind == Token::Kind::name && i + 1 < tokens.size() && is_symbol(tokens[i + 1], "=") &&
               (is_symbol(tokens[i - 1], "{") || is_symbol(tokens[i - 1], ",") || is_symbol(tokens[i - 1], ";"))) {
      out.push_back(t.text);
    }
  }
}

}  // namespace

std::vector<std::string> indexed_table_keys(const std::vector<Token>& tokens, std::string_view name) {
  std::set<std::string> indexed;
  for (std::size_t i = 0; i + 3 < tokens.size(); ++i) {
    if (tokens[i].kind == Token::Kind::name && is_symbol(tokens[i + 1], "[") &&
        tokens[i + 2].kind == Token::Kind::name && tokens[i + 2].text == name && is_symbol(tokens[i + 3], "]")) {
      indexed.insert(tokens[i].text);
    }
  }
  std::vector<std::string> out;
  for (std::size_t i = 0; i + 2 < tokens.size(); ++i) {
    if (tokens[i].kind == Token::Kind::name && indexed.count(tokens[i].text) != 0 && is_symbol(tokens[i + 1], "=") &&
        is_symbol(tokens[i + 2], "{") && (i == 0 || !is_symbol(tokens[i - 1], "."))) {
      top_level_keys(tokens, i + 2, out);
    }
  }
  return out;
}

std::map<std::string, KeyPosition> constructor_keys(const std::vector<Token>& tokens, int line,
                                                    std::string_view function_name) {
  std::map<std::string, KeyPosition> out;
  // Tokens are in source order: start at the line's first token, so finding
  // keys for many lines of a large policy does not rescan it each time.
  auto first =
      std::lower_bound(tokens.begin(), tokens.end(), line, [](const Token& t, int wanted) { return t.line < wanted; });
  for (auto i = static_cast<std::size_t>(first - tokens.begin()); i + 1 < tokens.size() && tokens[i].line == line;
       ++i) {
    if (tokens[i].kind != Token::Kind::name || tokens[i].text != function_name) {
      continue;
    }
    std::size_t open = i + 1;
    if (is_symbol(tokens[open], "(") && open + 1 < tokens.size()) {
      ++open;
    }
    if (is_symbol(tokens[open], "{")) {
      walk_constructor(tokens, open, "", out);
      return out;
    }
  }
  return out;
}

std::optional<KeyPosition> find_key(const std::map<std::string, KeyPosition>& keys, const std::string& path) {
  std::string p = path;
  while (!p.empty()) {
    auto it = keys.find(p);
    if (it != keys.end()) {
      return it->second;
    }
    std::size_t cut = p.find_last_of(".[");
    if (cut == std::string::npos) {
      break;
    }
    p.resize(cut);
  }
  return std::nullopt;
}

std::vector<KeyPosition> field_literals(const std::vector<Token>& tokens, std::string_view key,
                                        std::string_view value) {
  auto is = [&](std::size_t i, Token::Kind kind, std::string_view text) {
    return i < tokens.size() && tokens[i].kind == kind && tokens[i].text == text;
  };
  auto literal_matches = [&](const Token& t) {
    bool literal = t.kind == Token::Kind::string || t.kind == Token::Kind::number ||
                   (t.kind == Token::Kind::name && (t.text == "true" || t.text == "false"));
    return literal && t.text == value;
  };
  std::vector<KeyPosition> out;
  for (std::size_t i = 0; i + 2 < tokens.size(); ++i) {
    std::size_t eq = 0;
    if (tokens[i].kind == Token::Kind::name && tokens[i].text == key) {
      eq = i + 1;  // key = v, t.key = v
    } else if (is(i, Token::Kind::symbol, "[") && is(i + 1, Token::Kind::string, key) &&
               is(i + 2, Token::Kind::symbol, "]")) {
      eq = i + 3;  // ['key'] = v
    } else {
      continue;
    }
    if (is(eq, Token::Kind::symbol, "=") && eq + 1 < tokens.size() && literal_matches(tokens[eq + 1]) &&
        !(eq + 2 < tokens.size() && tokens[eq + 2].kind == Token::Kind::symbol &&
          (tokens[eq + 2].text == ".." || tokens[eq + 2].text == "(" || tokens[eq + 2].text == "["))) {
      out.push_back({tokens[eq + 1].line, tokens[eq + 1].column});
    }
  }
  return out;
}

}  // namespace kumo::policy
