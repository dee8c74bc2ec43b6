// SPDX-License-Identifier: Apache-2.0
// The trace file: one line per checkpoint reached, from threads and processes.
#include <catch2/catch.hpp>

#include <fstream>
#include <set>
#include <sstream>

#include "spawn.hpp"
#include "trace.hpp"  // parse_trace_line, the reader the harness uses

using namespace crashpoint::test;

namespace {

std::vector<std::string> read_lines(const fs::path& file) {
  std::ifstream in(file);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The line without its leading pid.
std::string without_pid(const std::string& line) { return line.substr(line.find(' ') + 1); }

}  // namespace

TEST_CASE("the trace records every checkpoint reached, fired or not") {
  temp_dir dir;
  const auto trace = dir / "trace";
  const auto r = spawn(fixture("checkpoint_actions"), {"panic", "a", "fail", "b", "panic", "a", "panic", "a"},
                       {{"CRASHPOINT", "b,a@3=exit(4)"}, {"CRASHPOINT_TRACE", trace.string()}});
  REQUIRE(exited_with(r, 4));
  const auto lines = read_lines(trace);
  REQUIRE(lines.size() == 4);
  CHECK(without_pid(lines[0]) == "panic 1 pass a");
  CHECK(without_pid(lines[1]) == "fail 1 error b");
  CHECK(without_pid(lines[2]) == "panic 2 pass a");
  CHECK(without_pid(lines[3]) == "panic 3 exit(4) a");
}

TEST_CASE("trace lines from many threads stay whole and count every hit") {
  temp_dir dir;
  const auto trace = dir / "trace";
  const auto r =
      spawn(fixture("checkpoint_actions"), {"threads", "16", "t"}, {{"CRASHPOINT_TRACE", trace.string()}});
  REQUIRE(exited_with(r, 0));
  const auto lines = read_lines(trace);
  REQUIRE(lines.size() == 16);
  std::vector<bool> seen(17, false);
  for (const auto& line : lines) {
    std::istringstream fields(line);
    std::string pid, kind, outcome, name;
    std::uint64_t hit = 0;
    fields >> pid >> kind >> hit >> outcome >> name;
    CHECK(kind == "panic");
    CHECK(outcome == "pass");
    CHECK(name == "t");
    REQUIRE(hit >= 1);
    REQUIRE(hit <= 16);
    CHECK_FALSE(seen[hit]);
    seen[hit] = true;
  }
}

TEST_CASE("processes share one trace file, each line naming its process") {
  temp_dir dir;
  const auto trace = dir / "trace";
  // Two separate runs append to the same file, and the fixture forks a child.
  for (int i = 0; i < 2; ++i) {
    const auto r =
        spawn(fixture("checkpoint_actions"), {"fork", "f"}, {{"CRASHPOINT_TRACE", trace.string()}});
    REQUIRE(exited_with(r, 0));
  }
  const auto lines = read_lines(trace);
  REQUIRE(lines.size() == 4);
  std::set<std::string> pids;
  for (const auto& line : lines) {
    CHECK(without_pid(line) == "panic 1 pass f");
    pids.insert(line.substr(0, line.find(' ')));
  }
  CHECK(pids.size() == 4);
}

TEST_CASE("a renamed variable traces through <VAR>_TRACE") {
  temp_dir dir;
  const auto trace = dir / "trace";
  const auto r =
      spawn(fixture("heddle_actions"), {"panic", "x"},
            {{"HEDDLE_FAULT_INJECT_TRACE", trace.string()}, {"CRASHPOINT_TRACE", (dir / "other").string()}});
  REQUIRE(exited_with(r, 0));
  REQUIRE(read_lines(trace).size() == 1);
  CHECK_FALSE(fs::exists(dir / "other"));
}

TEST_CASE("an unopenable trace file is reported and the program still runs") {
  const auto r =
      spawn(fixture("checkpoint_actions"), {"panic", "a"}, {{"CRASHPOINT_TRACE", "/nonexistent-dir/trace"}});
  CHECK(exited_with(r, 0));
  CHECK(r.err.text == "CRASHPOINT_TRACE: cannot open `/nonexistent-dir/trace`: No such file or directory\n");
}

TEST_CASE("parse_trace_line reads back every line the library writes") {
  temp_dir dir;
  const auto trace = dir / "trace";
  const auto r = spawn(fixture("checkpoint_actions"), {"panic", "a", "fail", "b", "panic", "a", "panic", "a"},
                       {{"CRASHPOINT", "b,a@3=exit(4)"}, {"CRASHPOINT_TRACE", trace.string()}});
  REQUIRE(exited_with(r, 4));
  const auto lines = read_lines(trace);
  REQUIRE(lines.size() == 4);
  using crashpoint::detail::parse_trace_line;
  using crashpoint::detail::point_kind;
  const auto first = parse_trace_line(lines[0]);
  REQUIRE(first);
  CHECK(first->pid > 0);
  CHECK(first->kind == point_kind::panic);
  CHECK(first->hit == 1);
  CHECK(first->outcome == "pass");
  CHECK(first->name == "a");
  CHECK_FALSE(first->fired());
  const auto fail = parse_trace_line(lines[1]);
  REQUIRE(fail);
  CHECK(fail->kind == point_kind::fail);
  CHECK(fail->outcome == "error");
  CHECK(fail->fired());
  const auto last = parse_trace_line(lines[3]);
  REQUIRE(last);
  CHECK(last->hit == 3);
  CHECK(last->outcome == "exit(4)");
  CHECK(last->fired());
}

TEST_CASE("parse_trace_line: a name keeps its spaces; anything else is no trace line") {
  using crashpoint::detail::parse_trace_line;
  const auto spaced = parse_trace_line("7 panic 2 sleep(10) a name with spaces");
  REQUIRE(spaced);
  CHECK(spaced->name == "a name with spaces");
  CHECK_FALSE(spaced->fired());  // a sleep returns as if it had not fired
  CHECK_FALSE(parse_trace_line(""));
  CHECK_FALSE(parse_trace_line("7 panic 2 pass"));     // no name
  CHECK_FALSE(parse_trace_line("7 other 2 pass a"));   // no such kind
  CHECK_FALSE(parse_trace_line("x panic 2 pass a"));   // no pid
  CHECK_FALSE(parse_trace_line("7 panic -2 pass a"));  // no hit
  CHECK_FALSE(parse_trace_line("7  panic 2 pass a"));  // not as written
  CHECK_FALSE(parse_trace_line("7 panic 2 misconfigured a")->fired());
}
