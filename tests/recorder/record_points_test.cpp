// SPDX-License-Identifier: Apache-2.0
// Crash and fail points, and how crashpoint-record ends: as the command did,
// with nothing left running. Each test runs the real executable.
#include <catch2/catch.hpp>

#include <csignal>

#include "recorder/recorder.hpp"
#include "recorder_support.hpp"

using namespace crashpoint::test;

namespace {

std::vector<std::string> save(const recorder_dir& d, const std::string& mode) {
  return {fixture_path("rec_save"), mode, d.work().string()};
}

}  // namespace

TEST_CASE("sys:rename@1 kills before the rename: the temporary is left and the final file never appears") {
  recorder_dir d;
  const recording r = d.record({"--point", "sys:rename@1"}, save(d, "fsync-rename"));
  CHECK(killed_by(r.run, SIGKILL));
  CHECK(r.run.out.text.empty());  // never printed "saved"
  CHECK(read_file(d.work() / "data.tmp") == "new contents\n");
  CHECK_FALSE(fs::exists(d.work() / "data"));

  REQUIRE(r.result.point);
  const rec::point_report& p = *r.result.point;
  CHECK(p.spec == "sys:rename@1");
  CHECK(p.action == "kill-before");
  CHECK(p.reached);
  REQUIRE(p.call);
  CHECK(rec::describe(*p.call) == R"(rename("data.tmp", "data"))");
  CHECK(p.call->how == rec::outcome::not_executed);
  CHECK(p.kill_delivered);
  CHECK(p.all_reaped);
  CHECK(r.result.end.k == rec::command_end::kind::signaled);
  CHECK(r.result.end.signal == SIGKILL);
  // The log was flushed before the kill and completed after it.
  CHECK(r.summary.complete);
  CHECK(r.calls().back().how == rec::outcome::not_executed);
}

TEST_CASE("sys:rename@1+ kills right after the rename returns: the final file is there") {
  recorder_dir d;
  const recording r = d.record({"--point", "sys:rename@1+"}, save(d, "fsync-rename"));
  CHECK(killed_by(r.run, SIGKILL));
  CHECK(r.run.out.text.empty());
  CHECK(read_file(d.work() / "data") == "new contents\n");
  CHECK_FALSE(fs::exists(d.work() / "data.tmp"));
  REQUIRE(r.result.point);
  CHECK(r.result.point->action == "kill-after");
  REQUIRE(r.result.point->call);
  CHECK(r.result.point->call->result == 0);
  CHECK(r.result.point->call->how == rec::outcome::done);
  CHECK(r.result.point->kill_delivered);
}

TEST_CASE("sys:fsync@1=error(EIO) fails the fsync without running it, and the program sees EIO") {
  recorder_dir d;
  const recording r = d.record({"--point", "sys:fsync@1=error(EIO)"}, save(d, "fsync-rename"));
  CHECK(exited_with(r.run, 1));
  CHECK(r.run.out.text == "fsync failed: EIO\n");
  CHECK_FALSE(fs::exists(d.work() / "data"));
  REQUIRE(r.result.point);
  CHECK(r.result.point->action == "fail");
  CHECK(r.result.point->error == EIO);
  REQUIRE(r.result.point->call);
  CHECK(r.result.point->call->how == rec::outcome::injected);
  CHECK(r.result.point->call->result == -EIO);
  CHECK(rec::result_text(*r.result.point->call) == "= -1 EIO (injected)");
  CHECK(r.result.end.k == rec::command_end::kind::exited);
}

TEST_CASE("a point counts calls across processes in the order the recorder saw them") {
  recorder_dir d;
  // Writes: the parent's first, the child's, the parent's second. The 2nd is the child's.
  const recording r = d.record({"--point", "sys:write@2"}, {fixture_path("rec_spawn"), "fork",
                                                            d.work().string(), fixture_path("rec_save")});
  CHECK(killed_by(r.run, SIGKILL));
  CHECK(read_file(d.work() / "parent.txt") == "p1\n");
  CHECK(read_file(d.work() / "data").empty());  // created, killed before its write
  REQUIRE(r.result.point);
  REQUIRE(r.result.point->call);
  CHECK(rec::describe(*r.result.point->call) == R"(write("data", 13 bytes at 0))");
  CHECK(r.result.point->processes_killed == 2);  // the child, and the parent waiting for it
  CHECK(r.result.point->all_reaped);
}

TEST_CASE(
    "a crash point in a multi-threaded program kills every thread, and logs the calls in flight as "
    "unfinished") {
  recorder_dir d;
  const recording r =
      d.record({"--point", "sys:write@15"}, {fixture_path("rec_threads"), d.work().string(), "8"});
  CHECK(killed_by(r.run, SIGKILL));
  REQUIRE(r.result.point);
  CHECK(r.result.point->kill_delivered);
  CHECK(r.result.point->all_reaped);
  CHECK(r.result.point->processes_killed == 1);
  CHECK(r.summary.complete);
  CHECK_FALSE(fs::exists(d.work() / "done"));
  std::size_t writes_done = 0;
  for (const rec::io_op& op : r.calls()) {
    if (op.how == rec::outcome::unfinished) CHECK_FALSE(op.result);
    if (op.kind == rec::call_kind::write && op.how == rec::outcome::done) ++writes_done;
  }
  CHECK(writes_done <= 14);  // the 15th never ran; others may have been in flight
}

TEST_CASE("sys:*@N counts every kind, and an exact system call name only that variant") {
  recorder_dir d;
  SECTION("sys:*@2 is the write after the open") {
    const recording r = d.record({"--point", "sys:*@2"}, save(d, "inplace"));
    CHECK(killed_by(r.run, SIGKILL));
    CHECK(read_file(d.work() / "data").empty());
    REQUIRE(r.result.point->call);
    CHECK(r.result.point->call->seq == 2);
  }
  SECTION("sys:pwritev@1 skips the writev before it") {
    const recording r =
        d.record({"--point", "sys:pwritev@1"}, {fixture_path("rec_vectored"), d.work().string()});
    CHECK(killed_by(r.run, SIGKILL));
    CHECK(read_file(d.work() / "v") == "alphabetagamma");
  }
  SECTION("sys:write@2 counts writev and pwritev as writes") {
    const recording r =
        d.record({"--point", "sys:write@2"}, {fixture_path("rec_vectored"), d.work().string()});
    REQUIRE(r.result.point->call);
    CHECK(r.result.point->call->call == rec::syscall_id::pwritev);
  }
}

TEST_CASE("a point that is never reached leaves the command alone") {
  recorder_dir d;
  const recording r = d.record({"--point", "sys:rename@1"}, save(d, "inplace"));
  CHECK(exited_with(r.run, 0));
  CHECK(r.run.out.text == "saved\n");
  REQUIRE(r.result.point);
  CHECK_FALSE(r.result.point->reached);
  CHECK_FALSE(r.result.point->call);
}

TEST_CASE("after a crash point nothing the command started is left running") {
  recorder_dir d;
  const fs::path pidfile = d.path() / "sleeper.pid";
  const fs::path report = d.path() / "observer.report";
  // hostile_observer is a child subreaper: whatever outlives the recorder is
  // re-parented to it and listed in its report.
  std::vector<std::string> argv{report.string(), record_exe().string()};
  const auto rest =
      d.recorder_argv({"--point", "sys:rename@1"},
                      {fixture_path("rec_save"), "rename", d.work().string(), "--sleeper", pidfile.string()});
  argv.insert(argv.end(), rest.begin(), rest.end());
  const auto run = spawn(fixture("hostile_observer"), argv, {}, d.path());
  CHECK(exited_with(run, 128 + SIGKILL));
  CHECK(read_file(report).find("leaked\n") != std::string::npos);  // "leaked" and no pid
  const auto result = rec::read_result(d.result_path());
  REQUIRE(result.point);
  CHECK(result.point->processes_killed == 2);
  CHECK(result.point->all_reaped);
  REQUIRE_FALSE(read_file(pidfile).empty());
}

TEST_CASE("what the command left running when it exited is killed, and counted") {
  recorder_dir d;
  const fs::path report = d.path() / "observer.report";
  std::vector<std::string> argv{report.string(), record_exe().string()};
  const auto rest = d.recorder_argv({}, {"/bin/sh", "-c", "sleep 1000 & exit 4"});
  argv.insert(argv.end(), rest.begin(), rest.end());
  const auto run = spawn(fixture("hostile_observer"), argv, {}, d.path());
  CHECK(exited_with(run, 4));
  CHECK(read_file(report).find("leaked\n") != std::string::npos);
  CHECK(rec::read_result(d.result_path()).leftovers_killed == 1);
}

TEST_CASE("crashpoint-record ends as the command did") {
  recorder_dir d;
  SECTION("exit codes") {
    for (const int code : {0, 3, 255}) {
      const recording r = d.record({}, {fixture_path("rec_exit"), "code", std::to_string(code)});
      CHECK(exited_with(r.run, code));
      CHECK(r.result.end.k == rec::command_end::kind::exited);
      CHECK(r.result.end.exit_code == code);
    }
  }
  SECTION("signals") {
    for (const auto& [name, sig] :
         {std::pair{"SEGV", SIGSEGV}, std::pair{"TERM", SIGTERM}, std::pair{"ABRT", SIGABRT}}) {
      const recording r = d.record({}, {fixture_path("rec_exit"), "signal", name});
      CHECK(killed_by(r.run, sig));
      CHECK(r.result.end.k == rec::command_end::kind::signaled);
      CHECK(r.result.end.signal == sig);
    }
  }
}

TEST_CASE("a command that cannot be executed is reported, with the shell's exit codes") {
  recorder_dir d;
  SECTION("not found: 127") {
    const recording r = d.record({}, {"no-such-command-here"});
    CHECK(exited_with(r.run, 127));
    CHECK(r.run.err.text ==
          "crashpoint-record: cannot execute no-such-command-here: No such file or directory\n");
    CHECK(r.result.end.k == rec::command_end::kind::not_started);
  }
  SECTION("not executable: 126") {
    const fs::path script = d.path() / "not-executable";
    { std::ofstream(script) << "#!/bin/sh\n"; }
    const recording r = d.record({}, {script.string()});
    CHECK(exited_with(r.run, 126));
    CHECK(r.run.err.text.find("Permission denied") != std::string::npos);
    CHECK(r.result.end.k == rec::command_end::kind::not_started);
  }
}

TEST_CASE("usage errors exit 2 with a precise message and run nothing") {
  recorder_dir d;
  const auto run = [&](std::vector<std::string> args) {
    return spawn(record_exe(), std::move(args), {}, d.path());
  };
  const std::string marker = (d.work() / "ran").string();
  const std::vector<std::string> cmd{"--", "/bin/touch", marker};
  struct bad_case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<bad_case> cases{
      {{}, "crashpoint-record: no command given: crashpoint-record [OPTIONS] -- COMMAND [ARGS...]\n"},
      {{"--point", "sys:fsyc@1"},
       "crashpoint-record: --point sys:fsyc@1: column 5: unknown call name 'fsyc' (did you mean 'fsync'?)\n"},
      {{"--point", "sys:fsync@0"},
       "crashpoint-record: --point sys:fsync@0: column 11: hit numbers start at 1 (the first call is @1)\n"},
      {{"--point", "sys:fsync@1=error(EIOO)"},
       "crashpoint-record: --point sys:fsync@1=error(EIOO): column 19: unknown errno name 'EIOO' (did you "
       "mean 'EIO'?)\n"},
      {{"--root", (d.path() / "missing").string()},
       "crashpoint-record: --root " + (d.path() / "missing").string() + ": no such directory\n"},
      {{"--result", (d.path() / "missing" / "r.json").string()},
       "crashpoint-record: --result " + (d.path() / "missing" / "r.json").string() + ": no such directory " +
           (d.path() / "missing").string() + "\n"},
  };
  for (const bad_case& c : cases) {
    std::vector<std::string> args = c.args;
    if (!c.args.empty()) args.insert(args.end(), cmd.begin(), cmd.end());
    const auto r = run(args);
    CHECK(exited_with(r, 2));
    CHECK(r.err.text == c.message + "Run 'crashpoint-record --help' for usage.\n");
  }
  CHECK_FALSE(fs::exists(marker));
}

TEST_CASE("record_command_line gives the command line that records as the options say") {
  recorder_dir d;
  rec::record_options o;
  o.command = {fixture_path("rec_save"), "fsync-rename", d.work().string()};
  o.root = d.work();
  o.log = d.log_path();
  o.result = d.result_path();
  o.at = rec::parse_point("sys:fsync@1=error(EIO)").value;
  const std::vector<std::string> argv = rec::record_command_line(record_exe(), o);
  REQUIRE(argv.front() == record_exe().string());
  const auto run = spawn(record_exe(), std::vector<std::string>(argv.begin() + 1, argv.end()), {}, d.path());
  CHECK(exited_with(run, 1));
  CHECK(run.out.text == "fsync failed: EIO\n");
  const rec::record_result r = rec::read_result(d.result_path());
  CHECK(r.command == o.command);
  REQUIRE(r.point);
  CHECK(r.point->spec == "sys:fsync@1=error(EIO)");
  CHECK(r.log == d.log_path().string());
  CHECK(fs::exists(d.log_path()));
  CHECK(r.payloads.empty());
}
