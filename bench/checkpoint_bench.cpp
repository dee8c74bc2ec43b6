// SPDX-License-Identifier: Apache-2.0
// checkpoint_bench.cpp: what a checkpoint costs, beside the seed's algorithm and libfiu.
//
// Every benchmark calls one checkpoint per loop iteration with the same
// realistic name, laundered through benchmark::DoNotOptimize so the compiler can
// neither hoist the call out of the loop nor fold the name away:
//
//   empty_loop        the loop and its DoNotOptimize alone: the baseline
//   crashpoint_panic  crashpoint::maybe_panic_at
//   crashpoint_fail   crashpoint::maybe_fail_at (the result is tested, as callers do)
//   seed_panic        the seed's algorithm as an out-of-line function (seed_fault_inject.cpp)
//   seed_panic_inline the same with its body inlined into the loop
//   fiu_fail          libfiu's fiu_fail() after fiu_init(0)
//
// Checkpoint libraries read their arming once per process, so one process
// measures one configuration. BENCH_ARMED=N (default 0) arms N names before the
// first checkpoint call, in all three mechanisms at once: the CRASHPOINT and
// HEDDLE_FAULT_INJECT variables, and fiu_enable(). None is the name called, so
// every call measures "armed, but not this checkpoint", the cost a program pays
// everywhere while a test arms one point. BENCH_NAMES=collide makes the armed
// names share the called name's length and first and last 8 bytes (all that
// crashpoint's Bloom filter hashes), so every call passes the filter and takes
// the full lookup: the worst case for crashpoint. Benchmark names end in
// /armed:N or /collide:N. bench/run_checkpoint_bench.sh runs every
// configuration and prints the table of docs/performance.md.
#include <fiu-control.h>
#include <fiu.h>
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "crashpoint/crashpoint.hpp"
#include "seed_fault_inject.hpp"

namespace {

constexpr std::string_view called_name = "mapping_after_tmp_before_commit";
constexpr const char* called_name_c = "mapping_after_tmp_before_commit";

void empty_loop(benchmark::State& state) {
  std::string_view name = called_name;
  for (auto _ : state) {
    benchmark::DoNotOptimize(name);
  }
}

void crashpoint_panic(benchmark::State& state) {
  std::string_view name = called_name;
  for (auto _ : state) {
    benchmark::DoNotOptimize(name);
    crashpoint::maybe_panic_at(name);
  }
}

void crashpoint_fail(benchmark::State& state) {
  std::string_view name = called_name;
  for (auto _ : state) {
    benchmark::DoNotOptimize(name);
    bool failed = static_cast<bool>(crashpoint::maybe_fail_at(name));
    benchmark::DoNotOptimize(failed);
  }
}

void seed_panic(benchmark::State& state) {
  std::string_view name = called_name;
  for (auto _ : state) {
    benchmark::DoNotOptimize(name);
    seed::maybe_panic_at(name);
  }
}

void seed_panic_inline(benchmark::State& state) {
  std::string_view name = called_name;
  for (auto _ : state) {
    benchmark::DoNotOptimize(name);
    seed::maybe_panic_at_inline(name);
  }
}

void fiu_fail_point(benchmark::State& state) {
  const char* name = called_name_c;
  for (auto _ : state) {
    benchmark::DoNotOptimize(name);
    int failed = fiu_fail(name);
    benchmark::DoNotOptimize(failed);
  }
}

[[noreturn]] void die(const std::string& message) {
  std::fprintf(stderr, "bench_checkpoint: %s\n", message.c_str());
  std::exit(2);
}

long armed_count_from_env() {
  const char* text = std::getenv("BENCH_ARMED");
  if (text == nullptr || *text == '\0') return 0;
  char* end = nullptr;
  const long n = std::strtol(text, &end, 10);
  if (*end != '\0' || n < 0 || n > 100000) die("BENCH_ARMED must be a count from 0 to 100000");
  return n;
}

// Names a program might arm elsewhere: varied prefixes, lengths and endings.
std::string spread_name(long i) {
  static const char* const components[] = {"wal",     "index",   "manifest",   "snapshot",
                                           "journal", "mapping", "blob_store", "compaction"};
  static const char* const steps[] = {"after_append",  "before_fsync", "after_rename",
                                      "before_commit", "mid_write",    "after_truncate"};
  const auto u = static_cast<std::size_t>(i);
  return std::string(components[u % 8]) + "_" + steps[(u / 8) % 6] + "_" + std::to_string(i);
}

// The worst case for a hash of (length, first 8 bytes, last 8 bytes): same
// length as called_name, same head "mapping_", same tail "e_commit".
std::string colliding_name(long i) {
  char middle[16];
  std::snprintf(middle, sizeof middle, "step%011ld", i);
  std::string name = std::string(called_name.substr(0, 8)) + middle +
                     std::string(called_name.substr(called_name.size() - 8));
  if (name.size() != called_name.size()) die("colliding_name: wrong length");
  return name;
}

std::string join(const std::vector<std::string>& names) {
  std::string list;
  for (const std::string& n : names) list += (list.empty() ? "" : ",") + n;
  return list;
}

// Arms `names` in all three mechanisms, then checks each took effect, so a
// typo cannot quietly turn an "armed" row into an unarmed one.
void arm(const std::vector<std::string>& names) {
  if (!crashpoint::set_env_var("CRASHPOINT")) die("a checkpoint ran before main()");
  ::unsetenv("CRASHPOINT_TRACE");
  if (fiu_init(0) != 0) die("fiu_init failed");
  if (names.empty()) {
    ::unsetenv("CRASHPOINT");
    ::unsetenv(seed::env_var);
  } else {
    ::setenv("CRASHPOINT", join(names).c_str(), 1);
    ::setenv(seed::env_var, join(names).c_str(), 1);
    for (const std::string& n : names) {
      if (fiu_enable(n.c_str(), 1, nullptr, 0) != 0) die("fiu_enable failed");
    }
  }

  for (const std::string& n : names) {
    if (n == called_name) die("an armed name equals the called name");
  }
#ifndef CRASHPOINT_DISABLED  // else checkpoints are empty and never fire
  if (crashpoint::maybe_fail_at(called_name)) die("crashpoint: the called name fires");
  const bool idle = crashpoint::detail::g_mode.load() == crashpoint::detail::mode_idle;
  if (names.empty() != idle) die("crashpoint: fast-path mode does not match the arming");
  if (!names.empty() && !crashpoint::maybe_fail_at(names.back())) {
    die("crashpoint: an armed name does not fire");
  }
#endif
  if (fiu_fail(called_name_c) != 0) die("libfiu: the called name fires");
  if (!names.empty()) {
    if (fiu_fail(names.back().c_str()) == 0) die("libfiu: an armed name does not fire");
    const std::optional<std::vector<std::string>> seed_list = seed::parse_env();
    if (!seed_list || seed_list->size() != names.size()) die("seed: the list was not read");
  }
}

}  // namespace

int main(int argc, char** argv) {
#ifdef CRASHPOINT_DISABLED
  std::fprintf(stderr, "bench_checkpoint: built with CRASHPOINT_DISABLE: checkpoints are empty\n");
#endif
  const long count = armed_count_from_env();
  const char* style = std::getenv("BENCH_NAMES");
  const bool collide = style != nullptr && std::string_view(style) == "collide";
  if (style != nullptr && !collide && std::string_view(style) != "spread") {
    die("BENCH_NAMES must be `spread` (the default) or `collide`");
  }

  std::vector<std::string> names;
  for (long i = 0; i < count; ++i) names.push_back(collide ? colliding_name(i) : spread_name(i));
  arm(names);

  const std::string suffix = (collide ? "/collide:" : "/armed:") + std::to_string(count);
  benchmark::RegisterBenchmark(("empty_loop" + suffix).c_str(), empty_loop);
  benchmark::RegisterBenchmark(("crashpoint_panic" + suffix).c_str(), crashpoint_panic);
  benchmark::RegisterBenchmark(("crashpoint_fail" + suffix).c_str(), crashpoint_fail);
  benchmark::RegisterBenchmark(("seed_panic" + suffix).c_str(), seed_panic);
  benchmark::RegisterBenchmark(("seed_panic_inline" + suffix).c_str(), seed_panic_inline);
  benchmark::RegisterBenchmark(("fiu_fail" + suffix).c_str(), fiu_fail_point);
  benchmark::AddCustomContext("armed_names", std::to_string(count));
  benchmark::AddCustomContext("armed_name_style", collide ? "collide" : "spread");

  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
