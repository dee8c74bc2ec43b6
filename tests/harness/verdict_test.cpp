// SPDX-License-Identifier: Apache-2.0
// verdict_test.cpp: the runner's verdicts (execute_run), with a fake command
// launcher instead of processes: each command's end and stderr are scripted,
// and the test checks the failure class and reason a user would see.
#include <catch2/catch.hpp>

#include <csignal>
#include <fstream>
#include <map>

#include "run/command_launcher.hpp"
#include "run/public_report.hpp"
#include "run/runner.hpp"
#include "spawn.hpp"

using namespace crashpoint::harness;
using crashpoint::test::temp_dir;

namespace {

command_result exited(int code, std::string err = "") {
  command_result r;
  r.status.k = exit_status::kind::exited;
  r.status.code = code;
  r.err.text = std::move(err);
  return r;
}

command_result signaled(int sig, std::string err = "") {
  command_result r;
  r.status.k = exit_status::kind::signaled;
  r.status.signal = sig;
  r.err.text = std::move(err);
  return r;
}

command_result timed_out() {
  command_result r;
  r.status.k = exit_status::kind::timed_out;
  r.status.signal = SIGKILL;
  r.status.timeout = std::chrono::seconds(2);
  return r;
}

// Ends each command as scripted by its argv[1] (the step's name below);
// a command without a script exits 0. Trace lines scripted for a step are
// appended to the trace file the command was given, as a target built with
// the checkpoint library writes them.
struct scripted_launcher final : command_launcher {
  std::map<std::string, command_result> ends;
  std::map<std::string, std::string> trace_lines;
  std::vector<std::string> started;  // argv[1] of each command, in order

  command_result run(const command& cmd) override {
    const std::string step = cmd.argv.at(1);
    started.push_back(step);
    if (const auto t = trace_lines.find(step); t != trace_lines.end()) {
      std::ofstream(cmd.env.at("CRASHPOINT_TRACE"), std::ios::app) << t->second;
    }
    const auto it = ends.find(step);
    return it == ends.end() ? exited(0) : it->second;
  }
};

const std::string message_a = "CRASHPOINT: crashing at checkpoint `a` (intentional)\n";

// One scenario `s` armed at `a`: setup `prog setup`, crash `prog crash`,
// recovery `prog recover`; its commands go to `launcher`, its folders under a
// temporary root of the test's own.
struct one_run {
  temp_dir area;
  suite target;
  scenario scen;
  scripted_launcher launcher;

  one_run() {
    scen.file = area.path() / "s.toml";
    scen.name = "s";
    scen.checkpoints = {{"a", {}}};
    scen.setup_steps = {{{"prog", "setup"}, {}}};
    scen.crash.argv = {"prog", "crash"};
    command_check recover;
    recover.argv = {"prog", "recover"};
    recover.where = {scen.file, 7, 1};
    scen.recover = {recover};
  }

  run_result execute(const std::string& entry = "a") {
    ::setenv("TMPDIR", area.path().c_str(), 1);
    const temp_root root;
    ::unsetenv("TMPDIR");
    run_spec run;
    run.target = &target;
    run.scen = &scen;
    run.checkpoint = entry;
    run_options opts;
    opts.keep = keep_policy::none;
    opts.launcher = &launcher;
    run_result r = execute_run(run, root, opts);
    root.remove_if_empty();
    return r;
  }
};

}  // namespace

TEST_CASE("verdict: the expected signal with the checkpoint's message is a confirmed crash") {
  one_run t;
  t.launcher.ends["crash"] = signaled(SIGABRT, "working\n" + message_a);
  const run_result r = t.execute();
  INFO(r.reason);
  CHECK(r.passed());
  CHECK(r.kind == failure_kind::none);
  CHECK(t.launcher.started == std::vector<std::string>{"setup", "crash", "recover"});
  CHECK(to_public(r).text().starts_with("PASS  s  a  ("));
}

TEST_CASE("verdict: a crash with the message but another signal is the wrong crash status") {
  one_run t;
  t.launcher.ends["crash"] = signaled(SIGKILL, message_a);
  const run_result r = t.execute();
  CHECK_FALSE(r.passed());
  CHECK(to_string(r.kind) == "wrong crash status");
  CHECK(r.reason ==
        "crash command `prog crash`: `a` fired, expected signal SIGABRT with the message "
        "`CRASHPOINT: crashing at checkpoint `a` (intentional)`, but it ended with signal SIGKILL");
  CHECK(t.launcher.started == std::vector<std::string>{"setup", "crash"});  // no recovery
}

TEST_CASE("verdict: another signal without the message is a crash elsewhere") {
  one_run t;
  t.launcher.ends["crash"] = signaled(SIGSEGV, "Segmentation fault\n");
  const run_result r = t.execute();
  CHECK(to_string(r.kind) == "crashed elsewhere");
  CHECK(r.reason ==
        "crash command `prog crash`: expected signal SIGABRT with the message "
        "`CRASHPOINT: crashing at checkpoint `a` (intentional)`, but it ended with signal SIGSEGV "
        "and no such message");
  REQUIRE(r.details.size() == 1);
  CHECK(r.details[0] == "stderr (last lines):\n  Segmentation fault\n");
}

TEST_CASE("verdict: the expected signal without the message is a crash elsewhere") {
  one_run t;
  t.launcher.ends["crash"] = signaled(SIGABRT, "assertion failed somewhere else\n");
  const run_result r = t.execute();
  CHECK(r.kind == failure_kind::crashed_elsewhere);
  CHECK_THAT(r.reason, Catch::EndsWith("but it ended with signal SIGABRT and no such message"));
}

TEST_CASE("verdict: exit 0 is a checkpoint not reached") {
  one_run t;
  const run_result r = t.execute();  // every command exits 0
  CHECK(to_string(r.kind) == "checkpoint not reached");
  CHECK(r.reason ==
        "crash command `prog crash`: the command exited 0 without reaching the armed checkpoint "
        "(expected signal SIGABRT with the message `CRASHPOINT: crashing at checkpoint `a` "
        "(intentional)`): is the scenario stale, or the command wrong?");
  const crashpoint::run_report shown = to_public(r);
  CHECK(shown.failure == "checkpoint not reached");
  CHECK(shown.text().starts_with("FAIL  s  a  ("));
  CHECK_THAT(shown.text(), Catch::Contains("      checkpoint not reached: crash command `prog crash`: ") &&
                               Catch::Contains("reproduce:"));
}

TEST_CASE("verdict: a crash command that times out is timed out, whatever it printed") {
  one_run t;
  t.launcher.ends["crash"] = timed_out();
  t.launcher.ends["crash"].err.text = message_a;
  const run_result r = t.execute();
  CHECK(to_string(r.kind) == "timed out");
  CHECK(r.reason == "crash command `prog crash`: timed out after 2s");
}

TEST_CASE("verdict: the message is not enough when the trace shows no armed checkpoint firing") {
  one_run t;
  t.launcher.ends["crash"] = signaled(SIGABRT, message_a);
  t.launcher.trace_lines["crash"] = "7 panic 1 pass a\n";
  CHECK(t.execute().reason ==
        "crash command `prog crash`: the message is on stderr, but the trace shows no armed "
        "checkpoint firing");
  t.launcher.trace_lines["crash"] = "7 panic 1 abort a\n";
  CHECK(t.execute().passed());
}

TEST_CASE("verdict: a failed setup step fails the run before the crash command") {
  one_run t;
  t.launcher.ends["setup"] = exited(3, "no space\n");
  const run_result r = t.execute();
  CHECK(to_string(r.kind) == "setup failed");
  CHECK(r.reason == "setup step 1 `prog setup` ended with exit 3, expected exit 0");
  CHECK(r.details == std::vector<std::string>{"stderr (last lines):\n  no space\n"});
  CHECK(t.launcher.started == std::vector<std::string>{"setup"});
}

TEST_CASE("verdict: a failed recovery step is a recovery failure, a slow one timed out") {
  one_run t;
  t.launcher.ends["crash"] = signaled(SIGABRT, message_a);
  SECTION("exit 1") {
    t.launcher.ends["recover"] = exited(1, "corrupt journal\n");
    const run_result r = t.execute();
    CHECK(to_string(r.kind) == "recovery failed");
    CHECK(r.reason == "recovery step 1 `prog recover` (" + t.scen.file.string() +
                          ":7:1): ended with exit 1, expected exit 0");
    CHECK(r.details.back() == "stderr (last lines):\n  corrupt journal\n");
  }
  SECTION("timed out") {
    t.launcher.ends["recover"] = timed_out();
    const run_result r = t.execute();
    CHECK(r.kind == failure_kind::timed_out);
    CHECK_THAT(r.reason, Catch::EndsWith("ended with timed out after 2s, expected exit 0"));
  }
}

TEST_CASE("verdict: a fail point's command must exit non-zero with the fail message") {
  one_run t;
  t.scen.crash.expect = expectation::error;
  const std::string fail_message = "CRASHPOINT: failing at checkpoint `a` (intentional)\n";
  t.launcher.ends["crash"] = exited(2, fail_message);
  CHECK(t.execute().passed());
  t.launcher.ends["crash"] = signaled(SIGABRT, fail_message);
  const run_result r = t.execute();
  CHECK(r.kind == failure_kind::wrong_end);
  CHECK_THAT(r.reason, Catch::Contains("expected a non-zero exit (not a signal)"));
}
