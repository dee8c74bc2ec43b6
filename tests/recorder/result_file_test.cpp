// SPDX-License-Identifier: Apache-2.0
// The result file: everything the harness needs to confirm a syscall crash
// survives a write and a read, and a file that is not a finished result is an
// error, never a confirmation.
#include <catch2/catch.hpp>

#include <cerrno>
#include <csignal>
#include <fstream>

#include "recorder/result_file.hpp"
#include "spawn.hpp"

using namespace crashpoint::recorder;

namespace {

record_result sample() {
  record_result r;
  r.command = {"./save", "fsync-rename", "/tmp/run/work"};
  r.root = "/tmp/run/work";
  r.end.k = command_end::kind::signaled;
  r.end.signal = SIGKILL;
  point_report p;
  p.spec = "sys:rename@1";
  p.action = "kill-before";
  p.reached = true;
  io_op op;
  op.seq = 5;
  op.end_seq = 5;
  op.pid = op.tid = 77;
  op.call = syscall_id::rename;
  op.kind = call_kind::rename;
  op.path = "data.tmp";
  op.path2 = "data";
  op.how = outcome::not_executed;
  p.call = op;
  p.kill_delivered = true;
  p.all_reaped = true;
  p.processes_killed = 2;
  r.point = p;
  r.counts.calls = 5;
  r.counts.by_kind = {{"open", 1}, {"write", 1}, {"fsync", 1}, {"close", 1}, {"rename", 1}};
  r.counts.by_call = {{"openat", 1}, {"write", 1}, {"fsync", 1}, {"close", 1}, {"rename", 1}};
  r.counts.processes = 2;
  r.counts.threads = 2;
  r.warnings.push_back({"io_uring", 77, "io_uring_setup: ...", 3});
  r.log = "/tmp/run/io.jsonl";
  return r;
}

std::string parse_error(const std::string& text) {
  try {
    parse_result(text, "r.json");
  } catch (const result_error& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("a result file reads back as it was written") {
  crashpoint::test::temp_dir dir;
  const auto path = dir / "result.json";
  write_result(path, sample());
  const record_result r = read_result(path);
  CHECK(r.command == sample().command);
  CHECK(r.root == "/tmp/run/work");
  CHECK(r.end.describe() == "signal SIGKILL");
  REQUIRE(r.point);
  CHECK(r.point->spec == "sys:rename@1");
  CHECK(r.point->reached);
  REQUIRE(r.point->call);
  CHECK(describe(*r.point->call) == R"(rename("data.tmp", "data"))");
  CHECK(r.point->call->how == outcome::not_executed);
  CHECK(r.point->kill_delivered);
  CHECK(r.point->all_reaped);
  CHECK(r.point->processes_killed == 2);
  CHECK(r.counts.by_kind == sample().counts.by_kind);
  CHECK(r.counts.processes == 2);
  REQUIRE(r.warnings.size() == 1);
  CHECK(r.warnings[0].count == 3);
  CHECK(r.log == "/tmp/run/io.jsonl");
}

TEST_CASE("a fail point's result names its errno") {
  record_result s = sample();
  s.end.k = command_end::kind::exited;
  s.end.exit_code = 1;
  s.point->action = "fail";
  s.point->error = EIO;
  const record_result r = parse_result(result_json(s), "r.json");
  CHECK(r.point->error == EIO);
  CHECK(result_json(s).find(R"("errno": "EIO")") != std::string::npos);
  CHECK(r.end.describe() == "exit 1");
}

TEST_CASE("what is not a finished result file is an error") {
  CHECK(parse_error("").starts_with("r.json: [json.exception.parse_error.101]"));
  CHECK(parse_error("{\"recorder\": \"something else\"}") == "r.json: not a crashpoint-record result file");
  std::string text = result_json(sample());
  CHECK(parse_error(text.substr(0, text.size() / 2)).starts_with("r.json: [json.exception.parse_error"));
  const std::string no_end = std::string(text).replace(text.find("\"end\""), 5, "\"End\"");
  CHECK(parse_error(no_end) == "r.json: field 'end' is missing");
  const std::string bad_kill =
      std::string(text).replace(text.find("\"delivered\": true"), 17, "\"delivered\": 1");
  CHECK(parse_error(bad_kill) == "r.json: field 'point.kill.delivered' must be true or false");
  CHECK_THROWS_WITH(read_result("/dev/null"), "/dev/null: not a regular file");
  CHECK_THROWS_WITH(read_result("/no/such/result.json"),
                    "/no/such/result.json: cannot open: No such file or directory");
}
