// SPDX-License-Identifier: Apache-2.0
// crashpoint/crashpoint.hpp: checkpoints that crash a process on request.
//
// Software that keeps state on disk promises that a crash at any moment leaves
// something the next run can recover. To test that promise, put a checkpoint
// between two load-bearing writes:
//
//     #include <crashpoint/crashpoint.hpp>
//
//     void save_mapping(const Mapping& m) {
//       write_file("mapping.tmp", m.serialize());
//       crashpoint::maybe_panic_at("mapping_after_tmp");
//       rename_file("mapping.tmp", "mapping");
//     }
//
//     std::error_code apply(Batch& b) {
//       if (auto ec = crashpoint::maybe_fail_at("apply_before_commit")) {
//         return ec;  // exercises the in-process rollback path
//       }
//       ...
//     }
//
// Nothing happens unless the environment variable CRASHPOINT names the
// checkpoint (grammar in <crashpoint/arming.hpp>):
//
//     $ CRASHPOINT=mapping_after_tmp ./mytool save
//     CRASHPOINT: crashing at checkpoint `mapping_after_tmp` (intentional)
//     Aborted
//
// Then run the tool again without the variable and check that it recovers; the
// `crashpoint` harness automates that for every checkpoint of a scenario file.
//
// Behaviour
// - The variable is read once, on the first checkpoint call or guard, and cached.
// - A fired panic point writes its message line to stderr with a single write(2),
//   then ends the process with its action (default: abort(), i.e. SIGABRT).
// - A fired fail point returns an error whose message() reads
//   "CRASHPOINT: failing at checkpoint `NAME` (intentional)"; given a crash
//   action (abort, kill, exit, throw) it crashes like a panic point instead.
// - A panic point armed with `error` cannot return one: it reports the
//   misconfiguration on stderr once and does not fire.
// - When CRASHPOINT_TRACE names a file, every checkpoint reached appends one line
//   to it (format in docs/checkpoint-library.md): that is how the harness
//   confirms a crash and discovers the checkpoints a command reaches.
// - A product may rename the variable: build the library with
//   -DCRASHPOINT_ENV_VAR=MYTOOL_FAULT_INJECT, or call set_env_var() before the
//   first checkpoint. The message prefix and the trace variable follow the name
//   (MYTOOL_FAULT_INJECT_TRACE).
//
// Cost
// Checkpoints are made for hot paths. When nothing is armed and no trace or
// guard is active, a call is one relaxed atomic load and a predictable branch,
// inlined (measured in docs/performance.md). Otherwise an out-of-line call looks
// the name up in a Bloom filter and hash table: constant time in the number of
// armed names. Build with -DCRASHPOINT_DISABLE=ON (CMake) to compile every
// checkpoint to nothing.
//
// Thread safety: every function here may be called from any thread. None is
// async-signal-safe (the first call reads the environment and allocates).
#ifndef CRASHPOINT_CRASHPOINT_HPP
#define CRASHPOINT_CRASHPOINT_HPP

#include <atomic>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace crashpoint {

// Thrown by a checkpoint armed with `=throw`. It deliberately does not derive
// from std::exception: a program's generic `catch (const std::exception&)`
// error handling must not turn an injected crash into a handled error. It
// unwinds to the nearest `catch (...)` or explicit handler, running RAII guards
// on the way; uncaught, it ends in std::terminate (SIGABRT), and whether the
// stack was unwound first is then up to the implementation (GCC does not). To
// mimic a Rust panic faithfully, catch it in main:
//
//     catch (const crashpoint::injected_crash&) { return 101; }
class injected_crash {
 public:
  explicit injected_crash(std::string checkpoint, std::string message)
      : checkpoint_(std::move(checkpoint)), message_(std::move(message)) {}
  const std::string& checkpoint() const noexcept { return checkpoint_; }
  // The same line the checkpoint wrote to stderr, without the newline.
  const std::string& message() const noexcept { return message_; }

 private:
  std::string checkpoint_;
  std::string message_;
};

// The category of every error returned by maybe_fail_at. Its name() is
// "crashpoint.injected"; compare an error's category() with it to tell an
// injected fault from a real one.
const std::error_category& injected_fault_category() noexcept;

// True when `ec` came from maybe_fail_at.
inline bool is_injected(const std::error_code& ec) noexcept {
  return ec && ec.category() == injected_fault_category();
}

// Names the environment variable that arms checkpoints, instead of the
// build-time default. Returns false, changing nothing, when the variable was
// already read (a checkpoint or guard was used before this call).
bool set_env_var(std::string_view name);

// The name of the arming variable in effect.
std::string env_var();

// Arms checkpoints for the calling thread only, for as long as the guard lives.
// Entries use the variable's grammar ("name", "name@2", "name=throw").
// While any guard is alive on a thread, that thread ignores the environment
// variable; nested guards add to the outer ones, the innermost winning for a
// name armed twice. Hits are counted per guard. Invalid entries throw
// std::invalid_argument. Unit tests need no environment variable and may run in
// parallel:
//
//     TEST_CASE("rollback on failed commit") {
//       crashpoint::scoped_points guard{"apply_before_commit"};
//       REQUIRE(apply(batch) == expected_error);
//     }
class scoped_points {
 public:
  scoped_points(std::initializer_list<std::string_view> entries);
  explicit scoped_points(const std::vector<std::string>& entries);
  ~scoped_points();
  scoped_points(const scoped_points&) = delete;
  scoped_points& operator=(const scoped_points&) = delete;

  struct rule;  // defined in the library

 private:
  void push();
  std::vector<rule> rules_;
};

namespace detail {
// 1 when nothing can fire or be traced: the fast path returns at once.
// 0 until the environment was read; 2 or more when something is armed, traced
// or guarded (the slow path tells those apart).
inline constexpr unsigned char mode_idle = 1;
extern std::atomic<unsigned char> g_mode;

void panic_slow(std::string_view name);
std::error_code fail_slow(std::string_view name);
}  // namespace detail

#ifndef CRASHPOINT_DISABLED

// Lays the slow-path call out of line, so a loop with a checkpoint runs
// straight through it when nothing is armed.
#if defined(__GNUC__) || defined(__clang__)
#define CRASHPOINT_UNLIKELY(x) __builtin_expect(static_cast<bool>(x), 0)
#else
#define CRASHPOINT_UNLIKELY(x) (x)
#endif

// Crashes the process when `name` is armed (see the top of this file).
inline void maybe_panic_at(std::string_view name) {
  if (CRASHPOINT_UNLIKELY(detail::g_mode.load(std::memory_order_relaxed) != detail::mode_idle)) {
    detail::panic_slow(name);
  }
}

// Returns an injected error when `name` is armed, else an empty error_code.
[[nodiscard]] inline std::error_code maybe_fail_at(std::string_view name) {
  if (CRASHPOINT_UNLIKELY(detail::g_mode.load(std::memory_order_relaxed) != detail::mode_idle)) {
    return detail::fail_slow(name);
  }
  return {};
}

#else  // Zero-cost build: checkpoints compile to nothing.

inline void maybe_panic_at(std::string_view) {}
[[nodiscard]] inline std::error_code maybe_fail_at(std::string_view) { return {}; }

#endif

}  // namespace crashpoint

#endif  // CRASHPOINT_CRASHPOINT_HPP
