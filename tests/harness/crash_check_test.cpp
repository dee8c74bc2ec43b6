// SPDX-License-Identifier: Apache-2.0
// Predicting how an armed run must end, and judging how it did.
#include <catch2/catch.hpp>

#include <csignal>

#include "run/crash_check.hpp"

using namespace crashpoint::harness;

namespace {

suite default_suite() { return suite{}; }

command_result ended(exit_status::kind k, int code_or_signal, std::string err) {
  command_result r;
  r.status.k = k;
  if (k == exit_status::kind::exited)
    r.status.code = code_or_signal;
  else
    r.status.signal = code_or_signal;
  r.err.text = std::move(err);
  return r;
}

const std::string msg_a = "CRASHPOINT: crashing at checkpoint `a` (intentional)\n";
const trace_summary no_trace;  // the target wrote none

}  // namespace

TEST_CASE("a bare entry expects the suite's crash status and message") {
  const auto e = predict_crash(default_suite(), crash_step{}, "a");
  CHECK(e.names == std::vector<std::string>{"a"});
  CHECK(e.messages == std::vector<std::string>{"CRASHPOINT: crashing at checkpoint `a` (intentional)"});
  REQUIRE(e.ends.size() == 1);
  CHECK(e.ends[0] == end_condition{end_condition::kind::signal, SIGABRT});
}

TEST_CASE("the library's actions decide the expected end") {
  const suite s = default_suite();
  CHECK(predict_crash(s, {}, "a=kill").ends ==
        std::vector<end_condition>{{end_condition::kind::signal, SIGKILL}});
  CHECK(predict_crash(s, {}, "a@2=exit(3)").ends ==
        std::vector<end_condition>{{end_condition::kind::exit_code, 3}});
  // Two points armed at once: either may fire first.
  CHECK(predict_crash(s, {}, "a=kill,b").ends ==
        std::vector<end_condition>{{end_condition::kind::signal, SIGKILL},
                                   {end_condition::kind::signal, SIGABRT}});
}

TEST_CASE("a [crash] status overrides whatever the entry says") {
  crash_step crash;
  crash.status = end_condition{end_condition::kind::exit_code, 101};
  CHECK(predict_crash(default_suite(), crash, "a=kill").ends ==
        std::vector<end_condition>{{end_condition::kind::exit_code, 101}});
}

TEST_CASE("an entry outside the library's grammar is split on commas into names") {
  suite s;
  s.env_var = "MYTOOL_FAULT_INJECT";
  const auto e = predict_crash(s, {}, "x:y , z:w");
  CHECK(e.names == std::vector<std::string>{"x:y", "z:w"});
  CHECK(e.messages[0] == "MYTOOL_FAULT_INJECT: crashing at checkpoint `x:y` (intentional)");
}

TEST_CASE("expect = error uses the fail message") {
  crash_step crash;
  crash.expect = expectation::error;
  const auto e = predict_crash(default_suite(), crash, "a");
  CHECK(e.messages[0] == "CRASHPOINT: failing at checkpoint `a` (intentional)");
}

TEST_CASE("the right end with the message, and no trace, is confirmed") {
  const auto e = predict_crash(default_suite(), {}, "a");
  const auto v = judge_crash(e, ended(exit_status::kind::signaled, SIGABRT, "log\n" + msg_a), no_trace);
  CHECK(v.outcome == crash_outcome::confirmed);
  CHECK(v.fired == "a");
}

TEST_CASE("exit 0 without the message is a checkpoint not reached") {
  const auto e = predict_crash(default_suite(), {}, "a");
  CHECK(judge_crash(e, ended(exit_status::kind::exited, 0, ""), no_trace).outcome ==
        crash_outcome::not_reached);
}

TEST_CASE("another end without the message crashed elsewhere") {
  const auto e = predict_crash(default_suite(), {}, "a");
  const auto v = judge_crash(e, ended(exit_status::kind::signaled, SIGSEGV, "boom\n"), no_trace);
  CHECK(v.outcome == crash_outcome::crashed_elsewhere);
  CHECK_THAT(v.detail, Catch::Contains("signal SIGSEGV") && Catch::Contains("no such message"));
}

TEST_CASE("the message with another end is a wrong end") {
  const auto e = predict_crash(default_suite(), {}, "a");
  const auto v = judge_crash(e, ended(exit_status::kind::exited, 1, msg_a), no_trace);
  CHECK(v.outcome == crash_outcome::wrong_end);
  CHECK_THAT(v.detail, Catch::Contains("expected signal SIGABRT") && Catch::Contains("exit 1"));
}

TEST_CASE("a trace that shows no armed checkpoint firing refutes the message") {
  const auto e = predict_crash(default_suite(), {}, "a");
  const auto r = ended(exit_status::kind::signaled, SIGABRT, msg_a);
  CHECK(judge_crash(e, r, summarize_trace("12 panic 1 pass a\n")).outcome ==
        crash_outcome::crashed_elsewhere);
  CHECK(judge_crash(e, r, summarize_trace("12 panic 1 pass a\n12 panic 2 abort a\n")).outcome ==
        crash_outcome::confirmed);
  // What read_trace gives for a crash: the armed names' firing only.
  CHECK(judge_crash(e, r, summarize_trace("12 panic 1 abort b\n", trace_wants_for(e))).outcome ==
        crash_outcome::crashed_elsewhere);
}

TEST_CASE("a trace that cannot be used fails the crash, saying why") {
  const auto e = predict_crash(default_suite(), {}, "a");
  trace_summary fifo;
  fifo.problem = "the trace /r/trace is a FIFO, not a regular file";
  const auto v = judge_crash(e, ended(exit_status::kind::signaled, SIGABRT, msg_a), fifo);
  CHECK(v.outcome == crash_outcome::crashed_elsewhere);
  CHECK(v.detail == "the trace /r/trace is a FIFO, not a regular file: the crash cannot be confirmed");
}

TEST_CASE("a fail point must exit non-zero, not by a signal") {
  crash_step crash;
  crash.expect = expectation::error;
  const auto e = predict_crash(default_suite(), crash, "a");
  const std::string msg = "CRASHPOINT: failing at checkpoint `a` (intentional)\n";
  CHECK(judge_crash(e, ended(exit_status::kind::exited, 1, msg), no_trace).outcome ==
        crash_outcome::confirmed);
  CHECK(judge_crash(e, ended(exit_status::kind::signaled, SIGABRT, msg), no_trace).outcome ==
        crash_outcome::wrong_end);
  CHECK(judge_crash(e, ended(exit_status::kind::exited, 0, msg), no_trace).outcome ==
        crash_outcome::wrong_end);
}

TEST_CASE("end conditions match exactly, and any means any non-zero end") {
  exit_status st;
  st.k = exit_status::kind::exited;
  st.code = 101;
  CHECK(end_matches({end_condition::kind::exit_code, 101}, st));
  CHECK_FALSE(end_matches({end_condition::kind::signal, 6}, st));
  CHECK(end_matches({end_condition::kind::any, 0}, st));
  st.code = 0;
  CHECK_FALSE(end_matches({end_condition::kind::any, 0}, st));
}
