// The sandbox from the policy's side: what the allow-listed environment
// offers, what it refuses, and that Lua's own semantics hold for what it
// offers (pcall, xpcall, coroutines, io.open), driven through PolicyHost.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "core/lua/host.hpp"
#include "tests/support/loaded_policy.hpp"
#include "tests/support/temp_dir.hpp"

namespace fs = std::filesystem;
using kumo::lua::HostOptions;
using kumo::lua::PolicyHost;
using kumo::test::k_kumo_prelude;
using kumo::test::LoadedPolicy;
using kumo::test::queue;
using kumo::test::TempDir;
using kumo::values::QueueName;

namespace {

// A policy whose top level ends with error(<expression>): the message is
// the expression's value.
std::string top_level_value(const std::string& expression, HostOptions options = {}) {
  LoadedPolicy p(k_kumo_prelude + "error(tostring(" + expression + "), 0)\n", std::move(options));
  REQUIRE_FALSE(p.result.ok);
  std::string m = p.load_error();
  const std::string prefix = "the policy's top level raised an error: ";
  return m.rfind(prefix, 0) == 0 ? m.substr(prefix.size()) : m;
}

}  // namespace

TEST_CASE("sandbox: the standard library names lead to the policy's own tables", "[sandbox]") {
  CHECK(top_level_value("require('string') == string and package.loaded.table == table") == "true");
  CHECK(top_level_value("require('debug').sethook") == "nil");
  CHECK(top_level_value("package.loaded.debug.getupvalue") == "nil");
  CHECK(top_level_value("debug.getregistry") == "nil");
  CHECK(top_level_value("package.loaded._G == _G") == "true");
  CHECK(top_level_value("getmetatable('')") == "false");
  CHECK(top_level_value("getmetatable(kumo.make_queue_config{})") == "false");
  CHECK(top_level_value("debug.getinfo(1).func") == "nil");
  CHECK(top_level_value("debug.getinfo(1, 'Sl').currentline") == "2");
  CHECK(top_level_value("('%d'):format(7) .. ('abc'):upper()") == "7ABC");
}

TEST_CASE("sandbox: io.stdout and io.stderr print where print prints, io.stdin is refused", "[sandbox]") {
  LoadedPolicy p(k_kumo_prelude + "io.stdout:write('a', 1):write('b')\nio.stderr:write('c')\nio.write('d')\n");
  REQUIRE(p.result.ok);
  REQUIRE(p.result.logs.size() == 4);
  CHECK(p.result.logs[0].text == "a1");
  CHECK(p.result.logs[1].text == "b");
  CHECK(p.result.logs[2].text == "c");
  CHECK(p.result.logs[3].text == "d");
  LoadedPolicy q(k_kumo_prelude + "io.stdin:read('a')\n");
  CHECK(q.load_code() == "KQ910");
}

TEST_CASE("sandbox: pcall, xpcall and coroutines keep Lua's semantics for ordinary errors", "[sandbox]") {
  CHECK(top_level_value("select(2, pcall(error, 'x', 0))") == "x");
  CHECK(top_level_value("select('#', pcall(function() return 1, 2, 3 end))") == "4");
  CHECK(top_level_value("select(2, xpcall(function() error('x', 0) end, function(m) return 'handled ' .. m end))") ==
        "handled x");
  CHECK(top_level_value("select(3, xpcall(function(a, b) return a, b end, print, 'p', 'q'))") == "q");
  // Yielding across pcall needs the continuation Lua's own pcall has.
  CHECK(top_level_value("coroutine.wrap(function() pcall(coroutine.yield, 'y') end)()") == "y");
  CHECK(top_level_value("select(2, coroutine.resume(coroutine.create(function() error('c', 0) end)))") == "c");
}

TEST_CASE("sandbox: a caught sandbox refusal does not relabel a later error", "[sandbox]") {
  LoadedPolicy p(k_kumo_prelude +
                 "kumo.on('get_queue_config', function()\n"
                 "  pcall(os.execute, 'true')\n"
                 "  error('plain failure')\nend)\n");
  auto ev = p.host.evaluate(queue("a.com"));
  REQUIRE(ev.diagnostics.size() == 1);
  CHECK(ev.diagnostics[0].code == "KQ903");
}

TEST_CASE("sandbox: limits pass through every catching function", "[sandbox]") {
  HostOptions small;
  small.max_instructions = 100'000;
  for (const char* body :
       {"while true do pcall(function() while true do end end) end",
        "while true do xpcall(function() while true do end end, function() while true do end end) end",
        "while true do coroutine.resume(coroutine.create(function() while true do end end)) end",
        "while true do coroutine.wrap(function() pcall(function() while true do end end) end)() end",
        "while true do load(function() while true do end end) end"}) {
    INFO(body);
    LoadedPolicy p(k_kumo_prelude + "kumo.on('get_queue_config', function() " + body + " end)\n", small);
    auto ev = p.host.evaluate(queue("a.com"));
    REQUIRE_FALSE(ev.diagnostics.empty());
    CHECK(ev.diagnostics[0].code == "KQ908");
  }
}

TEST_CASE("sandbox: io.open with one argument returns the file", "[sandbox]") {
  CHECK(top_level_value("io.open('" KUMO_LINT_SOURCE_DIR "/testdata/inline_data.txt') ~= nil") == "false");
  CHECK(top_level_value("io.type(io.open('" KUMO_LINT_SOURCE_DIR "/testdata/examples/policy.lua'))") == "file");
  CHECK(top_level_value("#io.open('" KUMO_LINT_SOURCE_DIR "/testdata/examples/policy.lua'):read('a') > 0") == "true");
}

TEST_CASE("sandbox: files are resolved, then confined, special files are refused", "[sandbox]") {
  TempDir dir;
  std::ofstream(dir.path / "data.txt") << "inside";
  fs::create_symlink(dir.path / "data.txt", dir.path / "inside_link.txt");
  fs::create_symlink("/proc/version", dir.path / "outside_link.txt");
  REQUIRE(::mkfifo((dir.path / "fifo.txt").c_str(), 0600) == 0);
  HostOptions options;
  options.allow_read = {dir.path.string()};
  auto read = [&](const std::string& name) {
    return top_level_value(
        "select(2, pcall(function() return io.open('" + (dir.path / name).string() + "'):read('a') end))", options);
  };
  CHECK(read("data.txt") == "inside");
  CHECK(read("inside_link.txt") == "inside");
  CHECK(read("outside_link.txt").find("blocked by kumo-lint's sandbox") != std::string::npos);
  CHECK(read("fifo.txt").find("not a regular file") != std::string::npos);
  CHECK(read("missing.txt").find("attempt to index a nil value") != std::string::npos);
  CHECK(top_level_value("select(2, pcall(io.open, '/etc/kumo-lint-no-such-file'))", options)
            .find("blocked by kumo-lint's sandbox") != std::string::npos);
}

TEST_CASE("sandbox: os.getenv sees only --env, never the real environment", "[sandbox]") {
  ::setenv("KUMO_LINT_TEST_SECRET", "s3cret", 1);
  CHECK(top_level_value("os.getenv('KUMO_LINT_TEST_SECRET')") == "nil");
  HostOptions options;
  options.env["KUMO_LINT_TEST_SECRET"] = "given";
  CHECK(top_level_value("os.getenv('KUMO_LINT_TEST_SECRET')", options) == "given");
  ::unsetenv("KUMO_LINT_TEST_SECRET");
}

TEST_CASE("sandbox: at most 64 files are open at once, closed and collected ones do not count", "[sandbox]") {
  const std::string file = KUMO_LINT_SOURCE_DIR "/testdata/examples/policy.lua";
  LoadedPolicy closed(k_kumo_prelude + "for i = 1, 500 do io.open('" + file +
                      "'):close() end\n"
                      "for i = 1, 500 do for line in io.lines('" +
                      file +
                      "') do end end\n"
                      "for i = 1, 500 do local f = io.open('" +
                      file + "') end\n");
  CHECK(closed.result.ok);
  LoadedPolicy kept(k_kumo_prelude + "local keep = {}\nfor i = 1, 65 do keep[i] = io.open('" + file + "') end\n");
  CHECK(kept.load_code() == "KQ910");
  CHECK(kept.load_error().find("64 files are already open") != std::string::npos);
}

TEST_CASE("sandbox: compiling counts against --max-memory", "[sandbox]") {
  HostOptions options;
  options.max_memory = 8u << 20;
  std::string source = k_kumo_prelude + "local t = {\n";
  for (int i = 0; i < 200'000; ++i) {
    source += "  { a = " + std::to_string(i) + ", b = 'x" + std::to_string(i) + "' },\n";
  }
  source += "}\n";
  LoadedPolicy p(source, options);
  CHECK(p.load_code() == "KQ909");
}

TEST_CASE("sandbox: globals assigned at the top level are not shared-state findings", "[sandbox]") {
  LoadedPolicy p(k_kumo_prelude +
                 "LIMITS = { ['a.com'] = '1d' }\n"
                 "kumo.helper = function() return 1 end\n"
                 "kumo.on('get_queue_config', function(d)\n"
                 "  local cfg = kumo.make_queue_config { max_age = LIMITS[d] }\n"
                 "  SEEN = d\n"
                 "  return cfg\nend)\n");
  REQUIRE(p.result.ok);
  CHECK(p.result.diagnostics.empty());
  auto first = p.host.evaluate(queue("a.com"));
  auto second = p.host.evaluate(queue("a.com"));
  int shared = 0;
  for (const auto& d : first.diagnostics) {
    shared += d.code == "KQ913" ? 1 : 0;
  }
  CHECK(shared == 1);
  for (const auto& d : second.diagnostics) {
    CHECK(d.code != "KQ913");  // once per line and run
  }
  CHECK(top_level_value("(function() X = 1; local n = 0; for k in pairs(_G) do n = n + 1 end; return n > 10 end)()") ==
        "true");
}

TEST_CASE("sandbox: a path holding a NUL byte is refused", "[sandbox]") {
  CHECK(top_level_value("select(2, pcall(io.open, 'policy.lua\\0/../../etc/passwd'))")
            .find("holding a NUL byte is blocked") != std::string::npos);
}

TEST_CASE("sandbox: policy-extras modules are found as kumod finds them, or the error says where to look",
          "[sandbox]") {
  HostOptions none;
  none.kumomta_share = "/nonexistent/kumo-lint-share";
  std::string missing = top_level_value("select(2, pcall(require, 'policy-extras.queue'))", none);
  CHECK(missing.find("module 'policy-extras.queue' not found") != std::string::npos);
  CHECK(missing.find("installed in /nonexistent/kumo-lint-share/policy-extras; on a machine without them, give their "
                     "parent directory with --lua-path DIR") != std::string::npos);

  // A share directory laid out like /opt/kumomta/share.
  TempDir share;
  fs::create_directories(share.path / "policy-extras");
  std::ofstream(share.path / "policy-extras" / "helper.lua") << "return { answer = 42 }\n";
  HostOptions installed;
  installed.kumomta_share = share.path.string();
  CHECK(top_level_value("require('policy-extras.helper').answer", installed) == "42");
  // --lua-path comes first.
  TempDir own;
  fs::create_directories(own.path / "policy-extras");
  std::ofstream(own.path / "policy-extras" / "helper.lua") << "return { answer = 7 }\n";
  installed.lua_path = {own.path.string()};
  CHECK(top_level_value("require('policy-extras.helper').answer", installed) == "7");
}

TEST_CASE("sandbox: require, dofile and loadfile skip a BOM and a '#' first line, as kumod's Lua does", "[sandbox]") {
  // luaL_loadfilex (Lua's require, dofile, loadfile in kumod) skips both;
  // the line after a '#' line keeps its number.
  TempDir dir;
  std::ofstream(dir.path / "bom.lua", std::ios::binary) << "\xEF\xBB\xBFreturn { x = 1 }\n";
  std::ofstream(dir.path / "shebang.lua", std::ios::binary) << "#!/usr/bin/env lua\nreturn { x = 2 }\n";
  std::ofstream(dir.path / "both.lua", std::ios::binary) << "\xEF\xBB\xBF# comment\n\nerror('on line 3')\n";
  std::ofstream(dir.path / "only.lua", std::ios::binary) << "#!/usr/bin/env lua";
  HostOptions options;
  options.lua_path = {dir.path.string()};
  options.allow_read = {dir.path.string()};
  const std::string d = dir.path.string() + "/";
  CHECK(top_level_value("require('bom').x + require('shebang').x", options) == "3");
  CHECK(top_level_value("dofile('" + d + "shebang.lua').x + loadfile('" + d + "bom.lua')().x", options) == "3");
  CHECK(top_level_value("'[' .. select(2, pcall(dofile, '" + d + "both.lua')) .. ']'", options) ==
        "[" + d + "both.lua:3: on line 3]");
  CHECK(top_level_value("dofile('" + d + "only.lua') == nil", options) == "true");
}

TEST_CASE("sandbox: the policy file itself keeps a BOM or '#' first line, which kumod does not compile", "[sandbox]") {
  // kumod compiles the policy from a string (mlua's load): no skipping.
  LoadedPolicy bom("\xEF\xBB\xBF" + k_kumo_prelude);
  CHECK(bom.load_code() == "KQ901");
  LoadedPolicy shebang("#!/usr/bin/env lua\n" + k_kumo_prelude);
  CHECK(shebang.load_code() == "KQ901");
  // load() of a string does not skip them either.
  CHECK(top_level_value("select(2, load('#!x\\nreturn 1'))").find("unexpected symbol near '#'") != std::string::npos);
}
