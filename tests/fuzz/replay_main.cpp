// fuzz_policy without libFuzzer: a main() that feeds
// LLVMFuzzerTestOneInput (fuzz_policy.cpp, built without fuzzer
// instrumentation) a fixed set of inputs, so the whole sandboxed run is
// exercised by the gcc builds and ctest (fuzz_policy_replay). Nothing here
// depends on the wall clock or on randomness from outside: the same
// arguments run the same inputs.
//
//   fuzz_policy_replay [--policies DIR]... [--mutations N] [--seed S]
//                      [--only K] [--save K FILE] [FILE_OR_DIR]...
//
// Seeds, run first, in this order:
//   * every *.lua file of each --policies DIR (sorted by name), as a
//     whole-policy input: the byte 0x81 (policy, two queues) and the file,
//     loaded with the file's real path so its relative requires work;
//   * every FILE, and every regular file of each DIR (sorted by name), as a
//     fuzz_policy input as it is (the committed corpus).
// Then N mutations (default 0). Mutation k (1-based) starts from a seed
// picked by a splitmix64 generator seeded with S (default 1) and applies
// 1 to 4 of these edits, each picked by the generator:
//   flip one bit of a byte; overwrite a byte with a Lua punctuation or
//   digit character; insert a random byte; delete 1 to 16 bytes; insert a
//   Lua token from a small list (keywords, brackets, calls the sandbox
//   blocks); copy 1 to 64 bytes of another seed over a range (splice); copy
//   a range of the input to another place in it; replace the mode byte
//   (rarely: a whole policy becomes a handler body, and so on).
// Edits keep the input at most 4096 bytes. Only `generator() % n` is used
// to pick, never a <random> distribution, so the inputs are the same with
// every standard library.
//
// --only K runs only mutation K (after deriving the ones before it, without
// running them); --save K FILE writes mutation K to FILE instead of running
// anything, for replay with the libFuzzer binary (build-fuzz/tests/fuzz/
// fuzz_policy FILE) or with `fuzz_policy_replay FILE`.
//
// A failed property aborts (fuzz_check.hpp). Before that, the driver
// prints which input it was and writes it to fuzz_policy_replay.failed in
// the current directory (for ctest, build/tests/), from a SIGABRT handler
// and, in sanitizer builds, from the sanitizer's death callback.
#include <algorithm>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

#include "tests/fuzz/fuzz_policy.hpp"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_UNDEFINED__)
#define KUMO_REPLAY_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KUMO_REPLAY_SANITIZER 1
#endif
#endif
#ifdef KUMO_REPLAY_SANITIZER
#include <sanitizer/common_interface_defs.h>
#endif

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

namespace fs = std::filesystem;

struct Seed {
  std::string bytes;
  std::string name;         // for messages
  std::string policy_path;  // non-empty: load as this file (--policies)
};

// The input being run, for the failure handlers (which may only call
// async-signal-safe functions: no allocation, no stdio).
const std::string* g_input = nullptr;
char g_label[512];
volatile std::sig_atomic_t g_reported = 0;

void write_all(int fd, const char* p, std::size_t n) {
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w <= 0) {
      return;
    }
    p += w;
    n -= static_cast<std::size_t>(w);
  }
}

void report_failure() {
  if (g_reported || g_input == nullptr) {
    return;
  }
  g_reported = 1;
  static const char head[] = "\nfuzz_policy_replay: the input that failed was ";
  static const char tail[] = "; it is saved as fuzz_policy_replay.failed\n";
  write_all(2, head, sizeof head - 1);
  write_all(2, g_label, std::strlen(g_label));
  write_all(2, tail, sizeof tail - 1);
  const int fd = ::open("fuzz_policy_replay.failed", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd >= 0) {
    write_all(fd, g_input->data(), g_input->size());
    ::close(fd);
  }
}

void on_abort(int sig) {
  report_failure();
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

// splitmix64: small, and the same sequence everywhere.
struct Rng {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(next() % n); }
};

constexpr std::size_t k_max_size = 4096;

const char* const k_tokens[] = {
    "end",
    " do ",
    "function() ",
    "return ",
    "local ",
    "while true do end ",
    "{",
    "}",
    "(",
    ")",
    "'",
    "\"",
    "[[",
    "]]",
    "--",
    "..",
    "#",
    "nil",
    "1e308",
    "-1",
    "0/0",
    "\n",
    "kumo.",
    "require 'kumo'",
    "...",
    "=",
    ",",
    "kumo.on('get_queue_config', function() end)",
    "kumo.make_queue_config{}",
    "pcall(",
    "error(",
    "setmetatable({}, {__index = function() end})",
    "coroutine.wrap(function() end)",
    "load(",
    "string.rep('x', 1 << 20)",
    "io.open('/tmp/kumo-lint-hostile-fuzz', 'w')",
    "os.remove('/tmp/kumo-lint-hostile-fuzz')",
    "collectgarbage()",
    "package.loaded.kumo = nil",
    "kumo.json_parse('[[[1]]]')",
};
const char k_punct[] = "(){}[]'\"=.,:;#-+*/\\0123456789\n ";

std::string mutate(const std::vector<Seed>& seeds, Rng& rng) {
  std::string s = seeds[rng.below(seeds.size())].bytes;
  const int edits = 1 + static_cast<int>(rng.below(4));
  for (int e = 0; e < edits; ++e) {
    // Edits after the mode byte; an empty input gets one first.
    if (s.empty()) {
      s.push_back(static_cast<char>(rng.below(256)));
    }
    const std::size_t body = s.size() - 1;
    const std::size_t pos = 1 + rng.below(body + 1);  // 1..size, an insertion point
    switch (rng.below(16)) {
      case 0:
      case 1:
      case 2:
        if (body > 0) {
          s[1 + rng.below(body)] ^= static_cast<char>(1u << rng.below(8));
        }
        break;
      case 3:
      case 4:
        if (body > 0) {
          s[1 + rng.below(body)] = k_punct[rng.below(sizeof k_punct - 1)];
        }
        break;
      case 5:
      case 6: s.insert(pos, 1, static_cast<char>(rng.below(256))); break;
      case 7:
      case 8:
        if (body > 0) {
          const std::size_t at = 1 + rng.below(body);
          s.erase(at, 1 + rng.below(16));
        }
        break;
      case 9:
      case 10:
      case 11: s.insert(pos, k_tokens[rng.below(std::size(k_tokens))]); break;
      case 12:
      case 13: {
        const std::string& other = seeds[rng.below(seeds.size())].bytes;
        if (other.size() > 1) {
          const std::size_t from = 1 + rng.below(other.size() - 1);
          const std::size_t len = std::min<std::size_t>(1 + rng.below(64), other.size() - from);
          const std::size_t replace = std::min<std::size_t>(rng.below(65), s.size() - pos);
          s.replace(pos, replace, other, from, len);
        }
        break;
      }
      case 14:
        if (body > 0) {
          const std::size_t from = 1 + rng.below(body);
          const std::size_t len = std::min<std::size_t>(1 + rng.below(64), s.size() - from);
          const std::string chunk = s.substr(from, len);
          s.insert(std::min(pos, s.size()), chunk);
        }
        break;
      default: s[0] = static_cast<char>(rng.below(256));
    }
    if (s.size() > k_max_size) {
      s.resize(k_max_size);
    }
  }
  return s;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "fuzz_policy_replay: cannot read %s\n", p.c_str());
    std::exit(2);
  }
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::vector<fs::path> sorted_files(const fs::path& dir, std::string_view extension) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_regular_file() && (extension.empty() || e.path().extension() == extension)) {
      out.push_back(e.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

void run_one(const std::string& input, const std::string& label, const std::string& policy_path) {
  std::snprintf(g_label, sizeof g_label, "%s", label.c_str());
  g_input = &input;
  kumo::fuzz::set_policy_path(policy_path.empty() ? kumo::fuzz::default_policy_path() : policy_path);
  LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(input.data()), input.size());
  g_input = nullptr;
}

[[noreturn]] void usage() {
  std::fprintf(stderr,
               "usage: fuzz_policy_replay [--policies DIR]... [--mutations N] [--seed S] [--only K] [--save K FILE] "
               "[FILE_OR_DIR]...\n");
  std::exit(2);
}

std::uint64_t number(const char* s) {
  char* end = nullptr;
  const unsigned long long v = std::strtoull(s, &end, 10);
  if (end == s || *end != '\0') {
    usage();
  }
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<Seed> seeds;
  std::uint64_t mutations = 0;
  std::uint64_t seed = 1;
  std::uint64_t only = 0;
  std::uint64_t save = 0;
  std::string save_path;
  std::size_t policy_count = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    const bool has_value = i + 1 < argc;
    if (a == "--policies" && has_value) {
      for (const auto& p : sorted_files(argv[++i], ".lua")) {
        seeds.push_back(
            {std::string(1, static_cast<char>(kumo::fuzz::k_policy_mode | kumo::fuzz::k_policy_two_queues)) +
                 read_file(p),
             p.string(), p.string()});
        ++policy_count;
      }
    } else if (a == "--mutations" && has_value) {
      mutations = number(argv[++i]);
    } else if (a == "--seed" && has_value) {
      seed = number(argv[++i]);
    } else if (a == "--only" && has_value) {
      only = number(argv[++i]);
    } else if (a == "--save" && i + 2 < argc) {
      save = number(argv[++i]);
      save_path = argv[++i];
    } else if (a.empty() || a[0] == '-') {
      usage();
    } else if (fs::is_directory(argv[i])) {
      for (const auto& p : sorted_files(argv[i], "")) {
        seeds.push_back({read_file(p), p.string(), ""});
      }
    } else {
      seeds.push_back({read_file(argv[i]), argv[i], ""});
    }
  }
  if (seeds.empty()) {
    usage();
  }
  std::signal(SIGABRT, on_abort);
#ifdef KUMO_REPLAY_SANITIZER
  __sanitizer_set_death_callback(report_failure);
#endif

  const bool run_seeds = only == 0 && save == 0;
  if (run_seeds) {
    for (const auto& s : seeds) {
      run_one(s.bytes, "seed " + s.name, s.policy_path);
    }
  }
  Rng rng{seed};
  const std::uint64_t last = save != 0 ? save : only != 0 ? only : mutations;
  for (std::uint64_t k = 1; k <= last; ++k) {
    const std::string input = mutate(seeds, rng);
    if (save != 0 && k == save) {
      std::ofstream(save_path, std::ios::binary) << input;
      std::printf("fuzz_policy_replay: mutation %llu (seed %llu) written to %s\n", static_cast<unsigned long long>(k),
                  static_cast<unsigned long long>(seed), save_path.c_str());
      return 0;
    }
    if (only == 0 || k == only) {
      char label[96];
      std::snprintf(label, sizeof label, "mutation %llu (--seed %llu --only %llu)", static_cast<unsigned long long>(k),
                    static_cast<unsigned long long>(seed), static_cast<unsigned long long>(k));
      run_one(input, label, "");
    }
  }
  const auto& st = kumo::fuzz::policy_stats();
  std::printf(
      "fuzz_policy_replay: %llu inputs (%zu seeds, %zu of them policies; %llu mutations), all properties held\n"
      "  modes: %llu generated table, %llu raw handler body, %llu whole policy; %llu loaded, %llu evaluations, "
      "%llu configs\n",
      static_cast<unsigned long long>(st.generated + st.raw + st.policy), run_seeds ? seeds.size() : 0,
      run_seeds ? policy_count : 0, static_cast<unsigned long long>(only != 0 ? 1 : mutations),
      static_cast<unsigned long long>(st.generated), static_cast<unsigned long long>(st.raw),
      static_cast<unsigned long long>(st.policy), static_cast<unsigned long long>(st.loaded),
      static_cast<unsigned long long>(st.evaluations), static_cast<unsigned long long>(st.configs));
  return 0;
}
