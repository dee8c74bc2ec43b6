// SPDX-License-Identifier: Apache-2.0
// runner.cpp: one run, phase by phase (see runner.hpp).
#include "run/runner.hpp"

#include <algorithm>

#include "check/assertions.hpp"
#include "run/crash_check.hpp"
#include "run/crash_rebuild.hpp"
#include "util/detail_bounds.hpp"
#include "run/run_context.hpp"
#include "run/setup_template.hpp"
#include "run/syscall_crash.hpp"
#include "check/tree_snapshot.hpp"
#include "util/text.hpp"

namespace crashpoint::harness {

std::string_view to_string(failure_kind k) {
  switch (k) {
    case failure_kind::none: return "passed";
    case failure_kind::setup_failed: return "setup failed";
    case failure_kind::not_reached: return "checkpoint not reached";
    case failure_kind::crashed_elsewhere: return "crashed elsewhere";
    case failure_kind::wrong_end: return "wrong crash status";
    case failure_kind::timed_out: return "timed out";
    case failure_kind::recovery_failed: return "recovery failed";
    case failure_kind::not_idempotent: return "recovery not idempotent";
    case failure_kind::assertion_failed: return "assertion failed";
    case failure_kind::discovery_failed: return "discovery failed";
    case failure_kind::harness_error: return "harness error";
  }
  return "?";
}

namespace {

using clock = std::chrono::steady_clock;

void fail(run_result& r, failure_kind kind, std::string reason) {
  r.kind = kind;
  r.reason = std::move(reason);
}

std::string output_tail(const command_result& r) {
  return "stderr (last lines):\n" + tail_lines(r.err.text, 12, "  ");
}

bool exited_zero(const command_result& r) {
  return r.status.k == exit_status::kind::exited && r.status.code == 0;
}

// The state after setup, copied from the scenario's template, and its steps
// recorded as they ran there.
bool copy_setup(run_context& ctx, const temp_root& root, const setup_template& t, run_result& r) {
  std::string error;
  if (!copy_template(root, t, ctx.dirs(), error)) {
    fail(r, failure_kind::harness_error, "cannot copy the state after setup: " + error);
    return false;
  }
  for (const setup_template::step& step : t.steps) ctx.record(step.record, step.out, step.err);
  return true;
}

bool run_setup(run_context& ctx, const scenario& sc, run_result& r) {
  if (sc.fixture) copy_fixture(sc.file.parent_path() / *sc.fixture, ctx.dirs().work);
  for (std::size_t i = 0; i < sc.setup_steps.size(); ++i) {
    const command_result res = ctx.run("setup", sc.setup_steps[i].value, {});
    if (exited_zero(res)) continue;
    fail(r, failure_kind::setup_failed,
         "setup step " + std::to_string(i + 1) + " `" + command_text(r.steps.back().argv) + "` ended with " +
             res.status.describe() + ", expected exit 0");
    r.details.push_back(output_tail(res));
    return false;
  }
  return true;
}

failure_kind kind_of(crash_outcome o) {
  switch (o) {
    case crash_outcome::not_reached: return failure_kind::not_reached;
    case crash_outcome::crashed_elsewhere: return failure_kind::crashed_elsewhere;
    case crash_outcome::wrong_end: return failure_kind::wrong_end;
    case crash_outcome::timed_out: return failure_kind::timed_out;
    case crash_outcome::not_started: return failure_kind::harness_error;
    case crash_outcome::confirmed: break;
  }
  return failure_kind::none;
}

// Records a crash verdict that is not `confirmed` as the run's failure.
void fail_crash(run_result& r, const crash_verdict& v, const std::string& what, const command_result& res) {
  fail(r, kind_of(v.outcome), what + " `" + command_text(r.steps.back().argv) + "`: " + v.detail);
  if (v.outcome != crash_outcome::not_started) r.details.push_back(output_tail(res));
}

// A `sys:` entry: the crash command runs under crashpoint-record, whose result
// file alone confirms the crash (syscall_crash.hpp).
bool run_syscall_crash(run_context& ctx, const run_spec& run, run_result& r) {
  const crash_step& crash = run.scen->crash;
  const fs::path recorder = find_recorder();
  const command_result res = ctx.run("crash", crash.argv, {}, [&](const std::vector<std::string>& argv) {
    return recorded_argv(recorder, ctx.dirs(), run.checkpoint, argv, crash.rebuilds());
  });
  std::vector<end_condition> ends;
  if (crash.status) ends.push_back(*crash.status);
  const syscall_verdict v = judge_syscall_crash(ctx.dirs(), run.checkpoint, ends, res);
  r.point_call = v.call;
  r.warnings = v.warnings;
  if (v.verdict.outcome == crash_outcome::confirmed) return true;
  // The reason names the command as the scenario wrote it; the step (and the
  // reproduction) shows the recorder's whole command line.
  const std::vector<std::string>& ran = r.steps.back().argv;
  const auto dashes = std::find(ran.begin(), ran.end(), "--");
  const std::vector<std::string> command(dashes == ran.end() ? ran.begin() : dashes + 1, ran.end());
  fail(r, kind_of(v.verdict.outcome),
       "crash command `" + command_text(command) + "` under crashpoint-record: " + v.verdict.detail);
  if (v.verdict.outcome != crash_outcome::not_started) r.details.push_back(output_tail(res));
  return false;
}

// After a confirmed crash, the workdir becomes the run's crash state (power
// loss, a damaged last write: crash_rebuild.hpp). With --keep, the tree as
// the crash left it stays beside the workdir, in `crashed/`.
bool rebuild_crash_state(run_context& ctx, const run_spec& run, const run_options& opts, run_result& r) {
  const crash_step& crash = run.scen->crash;
  if (opts.keep != keep_policy::none) {
    std::string error;
    const fs::path crashed = ctx.dirs().dir / "crashed";
    std::error_code ec;
    if (!fs::create_directory(crashed, ec)) error = ec ? ec.message() : "it exists";
    if (!error.empty() || !ctx.root().copy_folder(ctx.dirs().work, crashed, error)) {
      fail(r, failure_kind::harness_error, "cannot keep the workdir as the crash left it: " + error);
      return false;
    }
  }
  rebuild_settings settings;
  settings.max_states = opts.max_states;
  settings.list_states =
      run.crash_state.empty() && opts.states_override.value_or(crash.states) == crash_states::all;
  try {
    crash_rebuild b = rebuild_after_crash(ctx.dirs(), crash, run.crash_state, settings);
    r.crash_state = b.state;
    r.lost = std::move(b.lost);
    // A long crash can drop thousands of operations: the reports keep the first.
    constexpr std::size_t most_lost = 200;
    if (r.lost.size() > most_lost) {
      const std::size_t more = r.lost.size() - most_lost;
      r.lost.resize(most_lost);
      r.lost.push_back("... and " + std::to_string(more) + " more");
    }
    if (!b.corrupted.empty()) r.lost.push_back("corrupted: " + b.corrupted);
    r.more_states = std::move(b.other_states);
    if (settings.list_states && r.more_states.size() + 1 < b.total_states) {
      r.warnings.push_back(std::to_string(r.more_states.size() + 1) + " of " +
                           std::to_string(b.total_states) + " crash states built (--max-states " +
                           std::to_string(opts.max_states) + ")");
    }
    return true;
  } catch (const std::exception& e) {
    fail(r, failure_kind::harness_error, std::string("cannot rebuild the crash state: ") + e.what());
    return false;
  }
}

bool run_crash(run_context& ctx, const run_spec& run, const run_options& opts, run_result& r) {
  const crash_step& crash = run.scen->crash;
  if (is_syscall_point(run.checkpoint)) {
    return run_syscall_crash(ctx, run, r) && (!crash.rebuilds() || rebuild_crash_state(ctx, run, opts, r));
  }
  const fs::path recorder = crash.rebuilds() ? find_recorder() : fs::path();
  const command_result res =
      ctx.run("crash", crash.argv, ctx.arming_env(run.checkpoint, ctx.dirs().trace),
              [&](const std::vector<std::string>& argv) {
                return crash.rebuilds() ? recorded_argv(recorder, ctx.dirs(), "", argv, true) : argv;
              });
  // Only the verdict needs the trace, and of it only whether an armed name fired.
  const expected_crash expected = predict_crash(*run.target, crash, run.checkpoint);
  const crash_verdict v =
      judge_crash(expected, res, ctx.read_trace(ctx.dirs().trace, trace_wants_for(expected)));
  if (v.outcome == crash_outcome::confirmed)
    return !crash.rebuilds() || rebuild_crash_state(ctx, run, opts, r);
  fail_crash(r, v, "crash command", res);
  return false;
}

std::vector<command_check> recovery_steps(const scenario& sc) {
  if (!sc.recover.empty()) return sc.recover;
  command_check rerun;
  rerun.argv = sc.crash.argv;
  rerun.where = sc.crash.where;
  return {rerun};
}

// Recovery with run.recovery_entry armed: some step must crash there.
bool run_recovery_crash(run_context& ctx, const run_spec& run, run_result& r) {
  const fs::path trace = ctx.dirs().dir / "recovery-crash-trace";
  env_map env = ctx.state_env();
  env.merge(ctx.arming_env(run.recovery_entry, trace));
  const expected_crash expected = predict_crash(*run.target, crash_step{}, run.recovery_entry);
  command_result res;
  for (const command_check& step : recovery_steps(*run.scen)) {
    res = ctx.run("recover-crash", step.argv, env);
    const crash_verdict v = judge_crash(expected, res, ctx.read_trace(trace, trace_wants_for(expected)));
    if (v.outcome == crash_outcome::confirmed) return true;
    if (v.outcome != crash_outcome::not_reached) {
      fail_crash(r, v, "recovery armed with `" + run.recovery_entry + "`", res);
      return false;
    }
  }
  fail(r, failure_kind::not_reached,
       "recovery armed with `" + run.recovery_entry + "` finished without crashing there");
  return false;
}

bool run_recovery(run_context& ctx, const run_spec& run, run_result& r, const char* phase, bool traced) {
  env_map env = ctx.state_env();
  const fs::path trace = ctx.dirs().dir / "recovery-trace";
  if (traced) env.merge(ctx.arming_env("", trace));
  const auto steps = recovery_steps(*run.scen);
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const command_result res = ctx.run(phase, steps[i].argv, env);
    const auto problems = check_command_result(steps[i], res);
    if (problems.empty()) continue;
    const bool timed_out = res.status.k == exit_status::kind::timed_out;
    // The reason is one line: a problem's further lines (a diff) are details.
    const std::string& first = problems.front();
    const std::size_t eol = std::min(first.find('\n'), first.size());
    fail(r, timed_out ? failure_kind::timed_out : failure_kind::recovery_failed,
         std::string(phase == std::string("recover") ? "recovery" : "second recovery") + " step " +
             std::to_string(i + 1) + " `" + command_text(r.steps.back().argv) + "` (" +
             where_text(steps[i].where) + "): " + first.substr(0, eol));
    if (eol < first.size()) r.details.push_back(first.substr(eol + 1));
    for (std::size_t p = 1; p < problems.size(); ++p) r.details.push_back(problems[p]);
    r.details.push_back(output_tail(res));
    return false;
  }
  if (!traced) return true;
  trace_summary reached = ctx.read_trace(trace);
  if (!reached.problem.empty()) {
    fail(r, failure_kind::recovery_failed,
         "recovery passed, but its trace cannot be used: " + reached.problem);
    return false;
  }
  r.recovery_trace = std::move(reached.points);
  return true;
}

// Fails the run when the workdir is not the folder the harness made any more
// (run_context.hpp): the harness's own checks must not read another folder.
bool workdir_intact(const run_context& ctx, run_result& r, failure_kind kind,
                    const std::string& before_what) {
  const std::string problem = ctx.workdir_problem();
  if (problem.empty()) return true;
  fail(r, kind, "cannot " + before_what + ": " + problem);
  return false;
}

// `idempotent = true`: a second recovery pass must leave the workdir as it was.
bool run_recovery_again(run_context& ctx, const run_spec& run, run_result& r) {
  if (!workdir_intact(ctx, r, failure_kind::recovery_failed,
                      "snapshot the workdir before the second recovery")) {
    return false;
  }
  std::vector<std::string> changes;
  try {
    const tree_snapshot before = snapshot_tree(ctx.dirs().work, ".", ctx.budget());
    if (!run_recovery(ctx, run, r, "recover-again", false)) return false;
    if (!workdir_intact(ctx, r, failure_kind::recovery_failed,
                        "compare the workdir after the second recovery")) {
      return false;
    }
    changes = tree_differences(before, snapshot_tree(ctx.dirs().work, ".", ctx.budget()));
  } catch (const check_failed& e) {
    fail(r, failure_kind::harness_error,
         std::string("cannot compare the workdir before and after a second recovery: ") + e.what());
    return false;
  }
  if (changes.empty()) return true;
  fail(r, failure_kind::not_idempotent,
       "running recovery a second time changed the workdir (" + std::to_string(changes.size()) + " change" +
           (changes.size() == 1 ? "" : "s") + ")");
  for (std::size_t i = 0; i < changes.size() && i < 20; ++i) r.details.push_back(changes[i]);
  return false;
}

std::vector<std::string> check_assertion(run_context& ctx, const assertion& a, const scenario& sc,
                                         const unchanged_snapshots& before, const run_result& r) {
  if (const auto* command = a.as<command_check>()) {
    const command_result res = ctx.run("assert", command->argv, ctx.state_env());
    auto problems = check_command_result(*command, res);
    // The command as it ran, placeholders expanded.
    for (auto& p : problems) p = "command `" + command_text(r.steps.back().argv) + "` " + p;
    return problems;
  }
  if (std::string problem = ctx.workdir_problem(); !problem.empty()) return {problem};
  const state_paths paths{ctx.dirs().work, sc.file.parent_path(), &before};
  if (const auto* file = a.as<file_check>()) return check_file(*file, paths, ctx.budget());
  if (const auto* glob = a.as<glob_check>()) return check_glob(*glob, ctx.dirs().work, ctx.budget());
  if (const auto* cpp = a.as<cpp_check>()) return ctx.run_cpp(cpp->name);
  return {};
}

void run_assertions(run_context& ctx, const scenario& sc, const unchanged_snapshots& before, run_result& r) {
  std::size_t failed = 0;
  for (const assertion& a : sc.asserts) {
    const auto problems = check_assertion(ctx, a, sc, before, r);
    if (!problems.empty()) ++failed;
    for (const auto& p : problems) r.details.push_back(where_text(a.where) + ": " + p);
  }
  if (failed > 0) {
    fail(r, failure_kind::assertion_failed,
         std::to_string(failed) + " of " + std::to_string(sc.asserts.size()) +
             " assertions failed after recovery");
  }
}

// What each `unchanged` path holds just before the crash run, kept in `out`.
bool snapshot_unchanged(const run_context& ctx, const scenario& sc, unchanged_snapshots& out, run_result& r) {
  const auto unchanged = [](const assertion& a) {
    const auto* file = a.as<file_check>();
    return file && file->unchanged;
  };
  if (std::none_of(sc.asserts.begin(), sc.asserts.end(), unchanged)) return true;
  if (!workdir_intact(ctx, r, failure_kind::setup_failed, "take the `unchanged` snapshots")) return false;
  for (const assertion& a : sc.asserts) {
    if (unchanged(a)) snapshot_path(a.as<file_check>()->path, ctx.dirs().work, ctx.budget(), out);
  }
  return true;
}

// The state setup just left, saved as the scenario's template when it allows
// one; null when it does not or when it cannot be copied.
std::shared_ptr<const setup_template> save_setup(run_context& ctx, const run_spec& run,
                                                 const run_options& opts, const run_result& r) {
  if (opts.templates == nullptr || !template_allowed(*run.scen, *run.target)) return nullptr;
  std::vector<setup_template::step> steps;
  for (std::size_t i = 0; i < r.steps.size(); ++i) {
    auto [out, err] = ctx.output_of(i);
    steps.push_back({r.steps[i], std::move(out), std::move(err)});
  }
  return opts.templates->save(ctx.dirs(), run.index, run.scen->name, std::move(steps));
}

// Whatever happens to the run that claimed a shared setup (a failed step, an
// interrupt), the runs waiting for it hear of it: they do their own setup.
struct provide_when_done {
  shared_setup& shared;
  std::shared_ptr<const setup_template> made;
  ~provide_when_done() { shared.provide(std::move(made)); }
};

// Phase 2: a copy of the scenario's template when one is ready; else the
// setup steps, saved as the template when this run is the first to need it.
bool set_up(run_context& ctx, const temp_root& root, const run_spec& run, const run_options& opts,
            run_result& r) {
  bool claimed = false;
  const auto ready = run.setup ? run.setup->get_or_claim(claimed) : nullptr;
  if (ready) return copy_setup(ctx, root, *ready, r);
  if (!claimed) return run_setup(ctx, *run.scen, r);
  provide_when_done provide{*run.setup, nullptr};
  if (!run_setup(ctx, *run.scen, r)) return false;
  provide.made = save_setup(ctx, run, opts, r);
  return true;
}

void run_phases(run_context& ctx, const temp_root& root, const run_spec& run, const run_options& opts,
                run_result& r) {
  if (!set_up(ctx, root, run, opts, r)) return;
  unchanged_snapshots before;
  if (!snapshot_unchanged(ctx, *run.scen, before, r)) return;
  if (!run_crash(ctx, run, opts, r)) return;
  if (!run.recovery_entry.empty() && !run_recovery_crash(ctx, run, r)) return;
  if (!run_recovery(ctx, run, r, "recover", opts.trace_recovery)) return;
  if (run.scen->idempotent && !run_recovery_again(ctx, run, r)) return;
  run_assertions(ctx, *run.scen, before, r);
}

void run_discovery(run_context& ctx, const run_spec& run, const run_options& opts, run_result& r) {
  if (!run_setup(ctx, *run.scen, r)) return;
  r.setup_state = save_setup(ctx, run, opts, r);
  const bool syscalls = opts.discover_syscalls || run.scen->syscalls;
  const fs::path recorder = syscalls ? find_recorder() : fs::path();
  const command_result res = ctx.run("discover", run.scen->crash.argv, ctx.arming_env("", ctx.dirs().trace),
                                     [&](const std::vector<std::string>& argv) {
                                       return syscalls ? recorded_argv(recorder, ctx.dirs(), "", argv) : argv;
                                     });
  trace_summary reached = ctx.read_trace(ctx.dirs().trace);
  r.trace = std::move(reached.points);
  if (syscalls && exited_zero(res)) {
    for (crash_point& p : syscall_points(ctx.dirs())) r.trace.push_back(std::move(p));
  }
  if (exited_zero(res) && !reached.problem.empty()) {
    fail(r, failure_kind::discovery_failed,
         "unarmed, the crash command `" + command_text(r.steps.back().argv) +
             "` exited 0, but its trace cannot be used: " + reached.problem);
    return;
  }
  if (exited_zero(res)) return;
  fail(r, failure_kind::discovery_failed,
       "unarmed, the crash command `" + command_text(r.steps.back().argv) + "` ended with " +
           res.status.describe() + ": it must exit 0 so that its checkpoints can be traced");
  r.details.push_back(output_tail(res));
}

bool stopped(const run_options& opts) { return opts.stop != nullptr && opts.stop->load(); }

// Whether the run's folder stays for the user. Once false it stays false (the
// stop flag is never cleared).
bool kept(const run_result& r, const run_options& opts) {
  return !stopped(opts) &&
         (opts.keep == keep_policy::all || (opts.keep == keep_policy::failed && !r.passed()));
}

template <typename Phases>
run_result execute(const run_spec& run, const temp_root& root, const run_options& opts, Phases phases) {
  const auto start = clock::now();
  run_result r;
  r.scenario = run.scen->name;
  r.checkpoint = run.label.empty() ? run.checkpoint : run.label;
  r.scenario_file = run.scen->file;
  try {
    run_context ctx(run, root, opts, r);
    r.run_dir = ctx.dirs().dir;
    try {
      phases(ctx, r);
    } catch (const interrupted&) {
      fail(r, failure_kind::harness_error, "interrupted");
    } catch (const check_interrupted&) {  // in a check the harness makes itself
      fail(r, failure_kind::harness_error, "interrupted");
    } catch (const std::exception& e) {
      fail(r, failure_kind::harness_error, e.what());
    }
    // Programs' output can hold megabyte lines: only a bounded quote is kept.
    r.reason = bound_lines(r.reason);
    bound_details(r.details);
    // The complete state is for a kept folder's reader; commands that received
    // CRASHPOINT_STATE had theirs written before they started.
    if (kept(r, opts)) ctx.write_state();
    r.reproduce = ctx.reproduction();
  } catch (const std::exception& e) {
    fail(r, failure_kind::harness_error, std::string("cannot prepare the run: ") + e.what());
  }
  if (!kept(r, opts) && !r.run_dir.empty()) {
    // Stopped: no run comes after this one to take the folder. A folder that
    // could not be removed (a mount the harness may not detach, say) stays
    // listed as the run's folder; the root warned about it.
    const bool gone = stopped(opts) ? root.remove(r.run_dir) : root.recycle(r.run_dir);
    if (gone) r.run_dir.clear();
  }
  r.duration = clock::now() - start;
  return r;
}

}  // namespace

run_result execute_run(const run_spec& run, const temp_root& root, const run_options& opts) {
  return execute(run, root, opts,
                 [&](run_context& ctx, run_result& r) { run_phases(ctx, root, run, opts, r); });
}

run_result execute_discovery(const run_spec& run, const temp_root& root, const run_options& opts) {
  return execute(run, root, opts, [&](run_context& ctx, run_result& r) { run_discovery(ctx, run, opts, r); });
}

}  // namespace crashpoint::harness
