// SPDX-License-Identifier: Apache-2.0
// session.hpp: one session of runs, however they were asked for.
//
// `crashpoint run`, `explore`, `list`, `coverage --run` and the public C++ API
// (suite_set) all run their runs through a session. It takes the request,
// parsed once (session_request: which runs, how to explore, how many at once,
// how each executes), holds the stop flag, and goes through its phases in order:
//
//   session s(suites, request, stop);
//   if (const auto error = s.prepare()) ...;     // the discovery runs' targets
//   s.discover(on_failure);                      // their traced runs
//   if (const auto errors = s.plan(); ...)       // the selected runs of the shard
//   if (const auto error = s.resolve_targets()) ...;
//   s.execute(on_result, on_planned);            // then crashes in recovery (--double)
//   s.finish();                                  // its temporary folders removed
//
// Scenarios with `checkpoints = "auto"` (every scenario under `explore`) have
// no runs until a discovery run traced their crash command; discover() turns
// each trace into one run per crash point (explore.hpp), so the plan knows
// every run before any is executed. A scenario whose discovery failed has
// none; its failed discovery run stands for them in the reports.
//
// Every result stays linked to the run it came from (finished_run): after an
// interrupt at -j N some runs never ran, and which ones is known exactly.
//
// The session makes its temporary root (workdir.hpp) when it first executes a
// program, so that a session that executes nothing makes no folder. With
// share_setups, each discovery run also keeps its state after setup as the
// template of its crash points, and execute() lets the runs of a listed
// scenario with several runs share one setup (setup_template.hpp).
#pragma once

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "plan/shard.hpp"
#include "run/run_options.hpp"
#include "run/setup_template.hpp"
#include "scenario/diagnostic.hpp"
#include "session/explore.hpp"
#include "session/session_record.hpp"
#include "session/worker_pool.hpp"
#include "workdir/workdir.hpp"

namespace crashpoint::harness {

// What to run and how, parsed once from a command line or the public API.
struct session_request {
  std::vector<std::string> filters;  // --filter: substrings or globs of run ids
  std::vector<std::string> only;     // --only: exact run ids
  std::optional<shard_spec> shard;   // this shard's share of the runs; none: all
  explore_options explore;           // which crash points become runs, --double
  bool explore_all = false;          // explore every scenario, not only "auto" ones
  std::optional<fs::path> target;    // overrides every suite's [target] command
  unsigned jobs = 1;                 // runs executed at once
  run_options run;                   // how each run executes; `stop` is the session's
  bool share_setups = false;         // setup templates, made in the session's root
};

class session {
 public:
  // `suites` and `stop` outlive the session.
  session(const std::vector<loaded_suite>& suites, session_request request, const std::atomic<bool>& stop);
  ~session() { finish(); }
  session(const session&) = delete;
  session& operator=(const session&) = delete;

  // Chooses the discovery runs (one per scenario to explore that could hold a
  // selected run) and resolves their targets. The diagnostic when one cannot
  // be found: then nothing may execute.
  std::optional<diagnostic> prepare();
  const std::vector<run_spec>& discovery_runs() const { return discovery_runs_; }

  // Executes the discovery runs on `jobs` threads; `on_failure` gets each
  // failed one as it ends. Throws temp_root_error when no root can be made.
  void discover(const std::function<void(const run_result&)>& on_failure);

  // Plans the runs: those the filters and --only select among the listed and
  // discovered ones, this shard's share of them, numbered after the discovery
  // runs. Once stopped, there are none. The errors: an --only id that names no
  // run, two runs with one id.
  std::vector<std::string> plan();
  // Resolves the planned runs' targets (listing them needs none); the
  // diagnostic when one cannot be found.
  std::optional<diagnostic> resolve_targets();
  const std::vector<run_spec>& runs() const { return runs_; }
  // How many runs were selected, before the shard took its share.
  std::size_t selected() const { return selected_; }
  // The discovery runs that failed, in order (of this shard once planned):
  // each is a result of the session.
  const std::vector<run_result>& failed_discoveries() const { return failed_discoveries_; }
  // Whether some scenario was explored (the crash-point table is worth printing).
  bool explored() const { return !discovery_runs_.empty(); }

  // Executes the planned runs, then with --double the runs that crash their
  // recovery, told to `on_planned` before they execute. Returns every
  // finished run, the --double ones last.
  const std::vector<finished_run>& execute(
      const std::function<void(const run_result&)>& on_result,
      const std::function<void(const std::vector<run_spec>&)>& on_planned = [](const std::vector<run_spec>&) {
      });

  // The discovery runs that finished, passed or failed, in order.
  const std::vector<finished_run>& discovered() const { return discovered_; }
  // The runs executed and the --double runs they led to.
  std::size_t planned() const { return runs_.size() + added_.size() + state_runs_.size(); }
  // The planned runs that never ran (the session was stopped), in order.
  std::vector<skipped_run> skipped() const;

  // Removes the setup templates, then the temporary root unless a run folder
  // was kept in it. Call it once nothing runs any more (the destructor does).
  void finish();

 private:
  std::optional<diagnostic> resolve(std::vector<run_spec>& runs) const;
  const temp_root& root();

  const std::vector<loaded_suite>& suites_;
  session_request request_;
  const std::atomic<bool>& stop_;
  std::vector<run_spec> discovery_runs_;
  std::vector<finished_run> discovered_;
  explored_runs explored_;
  std::vector<run_result> failed_discoveries_;
  std::vector<run_spec> runs_;
  std::size_t selected_ = 0;
  std::vector<run_spec> added_;       // --double runs; never resized once executing
  std::vector<run_spec> state_runs_;  // power-loss states #1..; never resized once executing
  std::vector<finished_run> finished_;
  std::optional<temp_root> root_;
  std::optional<setup_templates> templates_;  // in root_: declared after it
};

// The discovery runs `request` calls for, numbered from 0, their targets not
// resolved yet: whether a session will execute any program before its plan.
std::vector<run_spec> discovery_runs_of(const std::vector<loaded_suite>& suites,
                                        const session_request& request);

}  // namespace crashpoint::harness
