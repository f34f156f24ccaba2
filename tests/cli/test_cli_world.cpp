// Flags that stand in for the outside world: --map-path (installed paths),
// --dns (DNS answers, getent through io.popen), as a CI job passes them.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "tests/support/run_cli.hpp"
#include "tests/support/temp_dir.hpp"

using kumo::test::run_cli;

namespace {

const std::string k_world = "testdata/fixtures/world.lua";

// The first lines the policy printed (they go to stderr in text format).
std::string printed(const kumo::test::CliResult& r) { return r.err.substr(0, r.err.find("kumo-lint:")); }

// Writes `dir`/init.lua: it loads the TOML file `data_as_named` (the path
// as the policy names it) into DATA and answers get_queue_config with
// make_queue_config(`config_expression`) from function(`handler_args`).
// Returns the policy's path.
std::string write_policy_loading_toml(const kumo::test::TempDir& dir, const std::string& data_as_named,
                                      const std::string& handler_args, const std::string& config_expression) {
  std::ofstream(dir.path / "init.lua") << "local kumo = require 'kumo'\n"
                                          "local DATA = kumo.toml_load('"
                                       << data_as_named
                                       << "')\n"
                                          "kumo.on('get_queue_config', function("
                                       << handler_args
                                       << ")\n"
                                          "  return kumo.make_queue_config("
                                       << config_expression
                                       << ")\n"
                                          "end)\n";
  return (dir.path / "init.lua").string();
}

}  // namespace

TEST_CASE("installed paths and DNS: --map-path and --dns answer what a policy asks of its host", "[cli][world]") {
  auto r = run_cli({"check", k_world, "-q", "gmail.com", "--hide-config", "--map-path",
                    "/opt/kumomta/etc/policy=testdata/helpers/etc", "--dns", "testdata/fixtures/dns.zone", "--env",
                    "HOSTNAME=kumod-1"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("KQ914") == std::string::npos);
  CHECK(printed(r) ==
        "testdata/fixtures/world.lua:5: print: pool-2\n"
        "testdata/fixtures/world.lua:7: print: (alt1|alt2|alt3|alt4)?.gmail-smtp-in.l.google.com\\t5\n"
        "testdata/fixtures/world.lua:9: print: 172.18.0.3      STREAM kumod-1\\n172.18.0.3      DGRAM  \\n"
        "172.18.0.3      RAW    \\n\\ttrue\\texit\\t0\n");
}

TEST_CASE("without them the same policy loads, each gap a KQ914 warning or a message naming the flag", "[cli][world]") {
  auto r = run_cli({"check", k_world, "-q", "gmail.com", "--hide-config"});
  CHECK(r.exit_code == 0);
  CHECK(printed(r).rfind("testdata/fixtures/world.lua:5: print: kumo.toml_load(\"/opt/kumomta/etc/policy/"
                         "queues.toml\"): an installed KumoMTA path that kumo-lint does not read; point it at your "
                         "copy with --map-path /opt/kumomta/etc/policy=DIR",
                         0) == 0);
  CHECK(r.out.find("world.lua:6: warning: kumo.dns.lookup_mx needs DNS") != std::string::npos);
  CHECK(r.out.find("world.lua:8: warning: io.popen('getent ahostsv4 unset') runs a command") != std::string::npos);
  CHECK(r.out.find("pass --dns FILE to answer it [KQ914]\n") != std::string::npos);
}

TEST_CASE("a bad --dns file or --map-path is a usage error naming the line or the rule", "[cli][world]") {
  auto dns = run_cli({"check", k_world, "--dns", "testdata/fixtures/world.lua"});
  CHECK(dns.exit_code == 2);
  CHECK(dns.err.rfind("kumo-lint: error: --dns testdata/fixtures/world.lua:1: ", 0) == 0);
  auto relative = run_cli({"check", k_world, "--map-path", "opt/kumomta=testdata"});
  CHECK(relative.exit_code == 2);
  CHECK(relative.err.find("FROM must be an absolute directory") != std::string::npos);
  auto missing = run_cli({"check", k_world, "--map-path", "/opt/kumomta=testdata/no-such-dir"});
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("is not a directory") != std::string::npos);
}

TEST_CASE("a finding in a data file names it as the policy did, and that file's comments suppress it", "[cli][world]") {
  kumo::test::TempDir dir;
  std::filesystem::create_directories(dir.path / "etc");
  // The policy names its data file by a path with `.` and `..` in it: the
  // loader's own errors name it so, and so must findings traced to it.
  std::ofstream(dir.path / "etc/queues.toml") << "[gmail]\nretry_interval = '5 minuts'\n";
  const std::string named = (dir.path / "etc/./../etc/queues.toml").string();
  const std::string policy = write_policy_loading_toml(dir, named, "", "DATA.gmail");
  auto r = run_cli({"check", policy, "-q", "gmail.com", "--hide-config", "--color", "never"});
  CHECK(r.exit_code == 1);
  CHECK(r.out.find(named + ":2:18: error: ") != std::string::npos);

  std::ofstream(dir.path / "etc/queues.toml") << "[gmail]\nretry_interval = '5 minuts' # kumo-lint: disable=KQ003\n";
  auto suppressed = run_cli({"check", policy, "-q", "gmail.com", "--hide-config", "--color", "never"});
  CHECK(suppressed.exit_code == 0);
  CHECK(suppressed.out.find("1 suppressed") != std::string::npos);
}

TEST_CASE("explain keys: queues given the same table trace its values to the data file section each one reads",
          "[cli][world]") {
  // Both queues pass a table with the same content, so make_queue_config
  // answers the second from its cache with the same list of keys: where the
  // value was written still depends on the queue, and is traced for each.
  kumo::test::TempDir dir;
  std::ofstream(dir.path / "queues.toml") << "[queue.'a.com']\nmax_age = '2d'\n[queue.'b.com']\nmax_age = '2d'\n";
  const std::string data = (dir.path / "queues.toml").string();
  const std::string policy = write_policy_loading_toml(dir, data, "domain", "DATA.queue[domain]");
  auto r = run_cli({"check", policy, "-q", "a.com", "-q", "b.com", "-q", "a.com", "--hide-config", "--explain-keys",
                    "--color", "never"});
  CHECK(r.exit_code == 0);
  const auto a = r.out.find("queue a.com:");
  const auto b = r.out.find("queue b.com:");
  REQUIRE(a != std::string::npos);
  REQUIRE(b != std::string::npos);
  CHECK(r.out.find("max_age = data " + data + ":2:", a) < b);
  CHECK(r.out.find("max_age = data " + data + ":4:", b) != std::string::npos);
}
