// SPDX-License-Identifier: Apache-2.0
// run_context.cpp: commands in the workdir, recorded as steps.
#include "run/run_context.hpp"

#include <sys/stat.h>

#include "run/cpp_assertions.hpp"
#include "run/public_report.hpp"
#include "run/state_file.hpp"
#include "util/text.hpp"

namespace crashpoint::harness {
namespace {

bool is_state_variable(const std::string& name) {
  return name == "CRASHPOINT_WORKDIR" || name == "CRASHPOINT_CHECKPOINT" || name == "CRASHPOINT_STATE";
}

}  // namespace

std::string command_text(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) out += (out.empty() ? "" : " ") + shell_quote(a);
  return out;
}

std::string where_text(const source_location& w) {
  std::string out = w.file.string();
  if (w.line > 0) out += ":" + std::to_string(w.line) + ":" + std::to_string(w.column);
  return out;
}

run_context::run_context(const run_spec& run, const temp_root& root, const run_options& opts,
                         run_result& result)
    : run_(run),
      root_(root),
      s_(*run.target),
      sc_(*run.scen),
      stop_(opts.stop),
      launcher_(*opts.launcher),
      result_(result),
      dirs_(root.make_run_dirs(run.index, run.id())) {
  timeout_ = opts.timeout.value_or(sc_.timeout.value_or(s_.timeout));
  values_ = {{"target", run.target_path.string()},
             {"workdir", dirs_.work.string()},
             {"checkpoint", run.checkpoint},
             {"scenario_dir", sc_.file.parent_path().string()},
             {"env_var", s_.env_var}};
  struct stat work {};
  if (::lstat(dirs_.work.c_str(), &work) != 0 || !S_ISDIR(work.st_mode)) {
    throw std::runtime_error("cannot find the workdir just made: " + dirs_.work.string());
  }
  work_dev_ = work.st_dev;
  work_ino_ = work.st_ino;
  clean_ = make_clean_env(s_.env_var);
  for (const auto& [k, v] : s_.env) user_env_[k] = expand(v, values_);
  for (const auto& [k, v] : sc_.env) user_env_[k] = expand(v, values_);
}

command_result run_context::run(const std::string& phase, const std::vector<std::string>& argv,
                                const env_map& extra, const argv_wrapper& wrap) {
  step_record step{phase, expand(argv, values_), extra, {}, {}, {}, {}};
  if (wrap) step.argv = wrap(step.argv);
  command cmd{step.argv, clean_.vars, dirs_.work, timeout_};
  cmd.env["HOME"] = dirs_.home.string();
  cmd.env["TMPDIR"] = dirs_.tmp.string();
  for (const auto& [k, v] : user_env_) cmd.env[k] = v;
  for (const auto& [k, v] : extra) cmd.env[k] = v;
  if (extra.count("CRASHPOINT_STATE") != 0) write_state();
  if (stop_ != nullptr && stop_->load()) throw interrupted{};
  command_result r;
  if (std::string problem = workdir_problem(); !problem.empty()) {
    r.status.error = std::move(problem);  // not started
  } else {
    r = launcher_.run(cmd);
  }
  if (stop_ != nullptr && stop_->load()) throw interrupted{};
  step.status = r.status;
  step.duration = r.duration;
  record(std::move(step), r.out.text, r.err.text);
  return r;
}

void run_context::record(step_record step, std::string out, std::string err) {
  const std::string stem = std::to_string(result_.steps.size() + 1) + "-" + step.phase;
  step.stdout_path = dirs_.logs / (stem + ".out");
  step.stderr_path = dirs_.logs / (stem + ".err");
  logs_.push_back({step.stdout_path, std::move(out)});
  logs_.push_back({step.stderr_path, std::move(err)});
  result_.steps.push_back(std::move(step));
}

std::pair<std::string, std::string> run_context::output_of(std::size_t i) const {
  return {logs_.at(2 * i).text, logs_.at(2 * i + 1).text};
}

env_map run_context::arming_env(const std::string& entry, const fs::path& trace) const {
  env_map env{{s_.env_var + "_TRACE", trace.string()}};
  if (!entry.empty()) env[s_.env_var] = entry;
  return env;
}

env_map run_context::state_env() const {
  return {{"CRASHPOINT_WORKDIR", dirs_.work.string()},
          {"CRASHPOINT_CHECKPOINT", run_.checkpoint},
          {"CRASHPOINT_STATE", dirs_.state.string()}};
}

std::string run_context::reproduction() const {
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
  const std::string trace_var = s_.env_var + "_TRACE";
  for (const step_record& step : result_.steps) {
    std::string line = prefix;
    for (const auto& [k, v] : step.env) {
      if (k != trace_var && !is_state_variable(k)) line += k + "=" + shell_quote(v) + " ";
    }
    line += command_text(step.argv);
    out += line + "   # " + step.phase + ": " + step.status.describe() + "\n";
  }
  return out;
}

void run_context::write_logs() const {
  for (; logs_written_ < logs_.size(); ++logs_written_) {
    std::string& text = logs_[logs_written_].text;
    root_.write_file(logs_[logs_written_].file, text);
    std::string().swap(text);  // on disk now: no need to hold it
  }
}

void run_context::write_state() const {
  write_logs();
  root_.write_file(dirs_.state, state_json(run_, dirs_, result_.steps));
}

trace_summary run_context::read_trace(const fs::path& file, const trace_wants& wants) const {
  return harness::read_trace(root_, file, wants);
}

std::string run_context::workdir_problem() const {
  const std::string what = "the workdir " + dirs_.work.string();
  const std::string not_ours = ", not the folder the harness made (replaced by an earlier command?)";
  struct stat now {};
  if (::lstat(dirs_.work.c_str(), &now) != 0) return {};
  if (S_ISLNK(now.st_mode)) {
    std::error_code ec;
    const fs::path to = fs::read_symlink(dirs_.work, ec);
    return what + " is now a symbolic link" + (ec ? "" : " to " + to.string()) + not_ours;
  }
  if (!S_ISDIR(now.st_mode)) return what + " is now a file" + not_ours;
  if (now.st_dev != work_dev_ || now.st_ino != work_ino_) return what + " is now another folder" + not_ours;
  return {};
}

std::vector<std::string> run_context::run_cpp(const std::string& name) const {
  write_logs();  // the steps it is given name them
  std::vector<step_report> steps;
  for (const step_record& s : result_.steps) steps.push_back(to_public(s));
  return run_cpp_assertion(name, dirs_.work, sc_.name, run_.checkpoint, steps);
}

}  // namespace crashpoint::harness
