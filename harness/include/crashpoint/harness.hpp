// SPDX-License-Identifier: Apache-2.0
// crashpoint/harness.hpp: the crashpoint harness as a C++ library.
//
// The `crashpoint` executable is a thin main over this library. Link
// crashpoint::harness to drive the same machinery from your own code: load
// suite and scenario files, execute their runs (scenario x checkpoint), and
// inspect what happened, for example from a Catch2 test:
//
//     #include <crashpoint/harness.hpp>
//
//     TEST_CASE("minikv recovers from a crash at every checkpoint") {
//       const auto suites = crashpoint::suite_set::load({"scenarios"});
//       crashpoint::run_settings settings;
//       settings.target = MINIKV_PATH;
//       for (const crashpoint::run_report& r : suites.execute_all(settings)) {
//         INFO(r.text());          // the reason, expected against actual, how to reproduce
//         CHECK(r.passed);
//       }
//     }
//
// execute_all() runs what `crashpoint run` runs, in the same session: the
// crash points of `checkpoints = "auto"` scenarios too, each scenario traced
// once first to find them (docs/exploration.md). To execute runs one at a
// time (one test per run, say), list their ids with runs(settings) and
// execute each by id.
//
// Recovery assertions can also be C++ functions. Register them by name in your
// own harness executable, refer to them from scenario files, and hand the
// command line to harness_main, which is the whole `crashpoint` CLI:
//
//     // scenario file:   [[assert]]
//     //                  cpp = "ledger_consistent"
//
//     int main(int argc, char** argv) {
//       crashpoint::register_assertion("ledger_consistent", [](crashpoint::assertion_context& ctx) {
//         const Ledger ledger = Ledger::open(ctx.workdir() / "ledger");
//         if (ledger.total() != ledger.sum_of_entries()) ctx.fail("total does not match the entries");
//       });
//       return crashpoint::harness_main(argc, argv);
//     }
//
// An assertion reports problems through ctx.fail(); an exception escaping it
// counts as a failure too, with its what(). Assertions run on the harness's
// worker threads (`-j N`), several at once: they must not share mutable state.
//
// Cost: executing a run starts processes (setup, crash, recovery, assertion
// commands); the library adds little to them (docs/performance.md).
#ifndef CRASHPOINT_HARNESS_HPP
#define CRASHPOINT_HARNESS_HPP

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace crashpoint {

// One command a run executed, and how it ended.
struct step_report {
  enum class end { exited, signaled, timed_out, not_started };
  std::string phase;  // "setup", "crash", "recover", "assert"
  std::vector<std::string> argv;
  end how = end::not_started;
  int exit_code = -1;    // when how == exited
  int signal = 0;        // when how == signaled (or timed_out: the signal that ended it)
  std::string describe;  // "exit 3", "signal SIGABRT", "timed out after 10s", ...
  std::chrono::nanoseconds duration{};
  std::filesystem::path stdout_path, stderr_path;  // the captured output, while kept
};

// The verdict on one run.
struct run_report {
  std::string id;  // SCENARIO@CHECKPOINT, as `crashpoint list` prints it
  std::string scenario, checkpoint;
  bool passed = false;
  std::string failure;                // "" when passed, else e.g. "checkpoint not reached"
  std::string reason;                 // one line
  std::vector<std::string> details;   // expected against actual, stderr tails
  std::string call;                   // a syscall crash point's call: rename("data.tmp", "data"); else ""
  std::vector<std::string> warnings;  // what the I/O recorder could not see
  std::string crash_state;            // power loss: the state recovery saw ("clean", "prefix:3"); else ""
  std::vector<std::string> lost;      // power loss: what that state dropped, relative to the workdir
  std::vector<step_report> steps;
  std::string reproduce;          // shell lines that replay the run by hand
  std::filesystem::path run_dir;  // kept run directory (workdir is run_dir / "work"), or empty
  std::chrono::nanoseconds duration{};

  // The report as `crashpoint run` prints it.
  std::string text() const;
};

struct run_settings {
  std::optional<std::filesystem::path> target;       // overrides [target] command
  std::optional<std::chrono::milliseconds> timeout;  // overrides every file's timeout
  enum class keep { failed, all, none } keep_dirs = keep::failed;
  unsigned jobs = 1;  // runs executed at once by execute_all (0 counts as 1)
};

// Thrown by suite_set::load when any file is invalid; what() holds every
// diagnostic, one "file:line:column: error: ..." per line.
class load_error : public std::runtime_error {
 public:
  explicit load_error(const std::string& diagnostics) : std::runtime_error(diagnostics) {}
};

// Loaded suite and scenario files. Copying is cheap (shared, immutable).
class suite_set {
 public:
  // Files or folders, as on the command line. Throws load_error.
  static suite_set load(const std::vector<std::filesystem::path>& paths);

  // Every listed run's id, in the order `crashpoint run` executes them.
  // Scenarios with `checkpoints = "auto"` have none here: see the overload.
  std::vector<std::string> runs() const;

  // Every run's id, the crash points of `checkpoints = "auto"` scenarios
  // too, as `crashpoint list` prints them. Finding those executes programs:
  // each such scenario's setup and crash command, once, traced (with
  // settings.target, settings.timeout). Throws std::invalid_argument for a
  // target that cannot be found, std::runtime_error (with the failed run's
  // report) when such a traced run fails, or when two runs have the same id.
  std::vector<std::string> runs(const run_settings& settings) const;

  // Executes one run in a fresh temporary directory; for an explored crash
  // point (SCENARIO@NAME@HIT) its scenario's traced run first, whose report
  // is returned instead when it fails. Throws std::invalid_argument for an
  // unknown id or a target that cannot be found.
  run_report execute(std::string_view id, const run_settings& settings = {}) const;

  // Executes every run, as `crashpoint run` does: the listed ones and the
  // crash points of `checkpoints = "auto"` scenarios, which are found first
  // by one traced run of each such scenario. One report per run, in the order
  // of runs(settings); a scenario whose traced run fails has that run's
  // report (failure "discovery failed") first, in place of its crash points.
  // Throws std::invalid_argument for a target that cannot be found,
  // std::runtime_error when two runs have the same id.
  std::vector<run_report> execute_all(const run_settings& settings = {}) const;

 private:
  struct impl;
  std::shared_ptr<const impl> impl_;
};

// What a C++ assertion may look at.
class assertion_context {
 public:
  virtual ~assertion_context() = default;
  virtual const std::filesystem::path& workdir() const = 0;
  virtual const std::string& scenario() const = 0;
  virtual const std::string& checkpoint() const = 0;          // the arming entry
  virtual const std::vector<step_report>& steps() const = 0;  // every command so far
  // Records a failure; the assertion may go on and record more.
  virtual void fail(std::string message) = 0;
};

using assertion_function = std::function<void(assertion_context&)>;

// Registers `fn` under `name` for `[[assert]] cpp = "name"`. Call it before
// harness_main or suite_set::execute; a second registration of a name
// replaces the first.
void register_assertion(std::string name, assertion_function fn);

// The `crashpoint` command line (run, list, validate, ...), with every
// registered assertion available. Returns the exit status.
int harness_main(int argc, char** argv);

}  // namespace crashpoint

#endif  // CRASHPOINT_HARNESS_HPP
