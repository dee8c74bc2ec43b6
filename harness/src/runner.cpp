// runner.cpp: one run, phase by phase (see runner.hpp).
#include "runner.hpp"

#include <fstream>

#include "assertions.hpp"
#include "clean_env.hpp"
#include "cpp_assertions.hpp"
#include "crash_check.hpp"
#include "placeholders.hpp"
#include "public_types.hpp"
#include "state_file.hpp"

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
    case failure_kind::assertion_failed: return "assertion failed";
    case failure_kind::harness_error: return "harness error";
  }
  return "?";
}

namespace {

using clock = std::chrono::steady_clock;

std::string where_text(const source_location& w) {
  std::string out = w.file.string();
  if (w.line > 0) out += ":" + std::to_string(w.line) + ":" + std::to_string(w.column);
  return out;
}

std::string command_text(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) out += (out.empty() ? "" : " ") + shell_quote(a);
  return out;
}

void write_text(const fs::path& file, const std::string& text) {
  std::ofstream(file, std::ios::binary) << text;
}

// Thrown when the session stops in the middle of a run.
struct interrupted {};

// Everything one run needs while it executes.
class run_context {
 public:
  run_context(const run_spec& run, const temp_root& root, const run_options& opts,
              run_result& result)
      : run_(run), s_(*run.target), sc_(*run.scen), stop_(opts.stop), result_(result),
        dirs_(root.make_run_dirs(run.index, run.id())) {
    timeout_ = opts.timeout.value_or(sc_.timeout.value_or(s_.timeout));
    values_ = {{"target", run.target_path.string()},
               {"workdir", dirs_.work.string()},
               {"checkpoint", run.checkpoint},
               {"scenario_dir", sc_.file.parent_path().string()},
               {"env_var", s_.env_var}};
    clean_ = make_clean_env(s_.env_var);
    for (const auto& [k, v] : s_.env) user_env_[k] = expand(v, values_);
    for (const auto& [k, v] : sc_.env) user_env_[k] = expand(v, values_);
  }

  const run_dirs& dirs() const { return dirs_; }
  placeholder_values& values() { return values_; }

  // Runs argv in the workdir with the clean environment plus `extra`.
  command_result run(const std::string& phase, const std::vector<std::string>& argv_in,
                     const env_map& extra) {
    step_record step{phase, expand(argv_in, values_), extra, {}, {}, {}, {}};
    command cmd{step.argv, clean_.vars, dirs_.work, timeout_};
    cmd.env["HOME"] = dirs_.home.string();
    cmd.env["TMPDIR"] = dirs_.tmp.string();
    for (const auto& [k, v] : user_env_) cmd.env[k] = v;
    for (const auto& [k, v] : extra) cmd.env[k] = v;
    if (phase == "recover" || phase == "assert") write_state();
    if (stop_ != nullptr && stop_->load()) throw interrupted{};
    command_result r = run_command(cmd);
    if (stop_ != nullptr && stop_->load()) throw interrupted{};
    const std::string stem = std::to_string(result_.steps.size() + 1) + "-" + phase;
    step.stdout_path = dirs_.logs / (stem + ".out");
    step.stderr_path = dirs_.logs / (stem + ".err");
    write_text(step.stdout_path, r.out.text);
    write_text(step.stderr_path, r.err.text);
    step.status = r.status;
    step.duration = r.duration;
    result_.steps.push_back(std::move(step));
    return r;
  }

  // The variables recovery and assertion commands receive.
  env_map state_env() const {
    return {{"CRASHPOINT_WORKDIR", dirs_.work.string()},
            {"CRASHPOINT_CHECKPOINT", run_.checkpoint},
            {"CRASHPOINT_STATE", dirs_.state.string()}};
  }

  // Shell lines that replay the run by hand from a fresh directory.
  std::string reproduction() const {
    std::string out = "cd \"$(mktemp -d)\"\n";
    if (sc_.fixture) {
      out += "cp -R " + shell_quote((sc_.file.parent_path() / *sc_.fixture).string()) + "/. .\n";
    }
    std::string prefix;
    if (!clean_.removed.empty()) {
      prefix = "env";
      for (const auto& name : clean_.removed) prefix += " -u " + name;
      prefix += " ";
    }
    for (const auto& [k, v] : user_env_) prefix += k + "=" + shell_quote(v) + " ";
    for (const step_record& step : result_.steps) {
      std::string line = prefix;
      if (step.phase == "crash") line += s_.env_var + "=" + shell_quote(run_.checkpoint) + " ";
      line += command_text(step.argv);
      out += line + "   # " + step.phase + ": " + step.status.describe() + "\n";
    }
    return out;
  }

  void write_state() const { write_state_file(dirs_.state, run_, dirs_, result_.steps); }

  std::vector<std::string> run_cpp(const std::string& name) const {
    std::vector<step_report> steps;
    for (const step_record& s : result_.steps) steps.push_back(to_public(s));
    return run_cpp_assertion(name, dirs_.work, sc_.name, run_.checkpoint, steps);
  }

  std::chrono::milliseconds timeout() const { return timeout_; }

 private:
  const run_spec& run_;
  const suite& s_;
  const scenario& sc_;
  const std::atomic<bool>* stop_;
  run_result& result_;
  run_dirs dirs_;
  std::chrono::milliseconds timeout_{};
  placeholder_values values_;
  clean_env clean_;
  env_map user_env_;
};

void fail(run_result& r, failure_kind kind, std::string reason) {
  r.passed = false;
  r.kind = kind;
  r.reason = std::move(reason);
}

std::string output_tail(const command_result& r) {
  return "stderr (last lines):\n" + tail_lines(r.err.text, 12, "  ");
}

bool run_setup(run_context& ctx, const scenario& sc, run_result& r) {
  if (sc.fixture) copy_fixture(sc.file.parent_path() / *sc.fixture, ctx.dirs().work);
  for (std::size_t i = 0; i < sc.setup_steps.size(); ++i) {
    const command_result res = ctx.run("setup", sc.setup_steps[i], {});
    if (res.status.k == exit_status::kind::exited && res.status.code == 0) continue;
    fail(r, failure_kind::setup_failed,
         "setup step " + std::to_string(i + 1) + " `" + command_text(r.steps.back().argv) +
             "` ended with " + res.status.describe() + ", expected exit 0");
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

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

bool run_crash(run_context& ctx, const run_spec& run, run_result& r) {
  const suite& s = *run.target;
  const crash_step& crash = run.scen->crash;
  const env_map arming{{s.env_var, run.checkpoint}, {s.env_var + "_TRACE", ctx.dirs().trace.string()}};
  const command_result res = ctx.run("crash", crash.argv, arming);
  const crash_verdict v =
      judge_crash(predict_crash(s, crash, run.checkpoint), res, read_all(ctx.dirs().trace));
  if (v.outcome == crash_outcome::confirmed) return true;
  fail(r, kind_of(v.outcome), "crash command `" + command_text(r.steps.back().argv) + "`: " + v.detail);
  if (v.outcome != crash_outcome::not_started) r.details.push_back(output_tail(res));
  return false;
}

bool run_recovery(run_context& ctx, const scenario& sc, run_result& r) {
  std::vector<command_check> steps = sc.recover;
  if (steps.empty()) steps.push_back(command_check{sc.crash.argv, 0, {}, {}, {}, {}, {}, {}, sc.crash.where});
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const command_result res = ctx.run("recover", steps[i].argv, ctx.state_env());
    const auto problems = check_command_result(steps[i], res);
    if (problems.empty()) continue;
    const std::string cmd = command_text(r.steps.back().argv);
    fail(r, res.status.k == exit_status::kind::timed_out ? failure_kind::timed_out
                                                          : failure_kind::recovery_failed,
         "recovery step " + std::to_string(i + 1) + " `" + cmd + "` (" +
             where_text(steps[i].where) + "): " + problems.front());
    for (std::size_t p = 1; p < problems.size(); ++p) r.details.push_back(problems[p]);
    r.details.push_back(output_tail(res));
    return false;
  }
  return true;
}

std::vector<std::string> check_assertion(run_context& ctx, const assertion& a, const scenario& sc) {
  if (a.command) {
    const command_result res = ctx.run("assert", a.command->argv, ctx.state_env());
    auto problems = check_command_result(*a.command, res);
    // The command as it ran (placeholders expanded), as recovery failures show it.
    const std::string cmd = command_text(expand(a.command->argv, ctx.values()));
    for (auto& p : problems) p = "command `" + cmd + "` " + p;
    return problems;
  }
  const state_paths paths{ctx.dirs().work, sc.file.parent_path(), ctx.dirs().before};
  if (a.file) return check_file(*a.file, paths);
  if (a.glob) return check_glob(*a.glob, ctx.dirs().work);
  if (a.cpp) return ctx.run_cpp(*a.cpp);
  return {};
}

void run_assertions(run_context& ctx, const scenario& sc, run_result& r) {
  std::size_t failed = 0;
  for (const assertion& a : sc.asserts) {
    const auto problems = check_assertion(ctx, a, sc);
    if (!problems.empty()) ++failed;
    for (const auto& p : problems) r.details.push_back(where_text(a.where) + ": " + p);
  }
  if (failed > 0) {
    fail(r, failure_kind::assertion_failed,
         std::to_string(failed) + " of " + std::to_string(sc.asserts.size()) +
             " assertions failed after recovery");
  }
}

void snapshot_unchanged(const run_context& ctx, const scenario& sc) {
  for (const assertion& a : sc.asserts) {
    if (a.file && a.file->unchanged) snapshot_path(a.file->path, ctx.dirs().work, ctx.dirs().before);
  }
}

void run_phases(run_context& ctx, const run_spec& run, run_result& r) {
  r.passed = true;
  if (!run_setup(ctx, *run.scen, r)) return;
  snapshot_unchanged(ctx, *run.scen);
  if (!run_crash(ctx, run, r)) return;
  if (!run_recovery(ctx, *run.scen, r)) return;
  run_assertions(ctx, *run.scen, r);
}

}  // namespace

run_result execute_run(const run_spec& run, const temp_root& root, const run_options& opts) {
  const auto start = clock::now();
  run_result r;
  r.scenario = run.scen->name;
  r.checkpoint = run.checkpoint;
  r.scenario_file = run.scen->file;
  try {
    run_context ctx(run, root, opts, r);
    r.run_dir = ctx.dirs().dir;
    try {
      run_phases(ctx, run, r);
    } catch (const interrupted&) {
      fail(r, failure_kind::harness_error, "interrupted");
    } catch (const std::exception& e) {
      fail(r, failure_kind::harness_error, e.what());
    }
    ctx.write_state();
    r.reproduce = ctx.reproduction();
  } catch (const std::exception& e) {
    fail(r, failure_kind::harness_error, std::string("cannot prepare the run: ") + e.what());
  }
  const bool stopped = opts.stop != nullptr && opts.stop->load();
  const bool keep = !stopped && (opts.keep == keep_policy::all ||
                                 (opts.keep == keep_policy::failed && !r.passed));
  if (!keep && !r.run_dir.empty()) {
    root.remove(r.run_dir);
    r.run_dir.clear();
  }
  r.duration = clock::now() - start;
  return r;
}

}  // namespace crashpoint::harness
