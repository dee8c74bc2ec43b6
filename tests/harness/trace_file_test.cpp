// SPDX-License-Identifier: Apache-2.0
// trace_file_test.cpp: what the harness keeps of a trace, and what it refuses
// to read: a FIFO, a link, a directory, a file over the size limit.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>

#include "spawn.hpp"
#include "run/trace_file.hpp"
#include "workdir/workdir.hpp"

using namespace crashpoint::harness;
using Catch::Contains;

namespace {

std::vector<std::string> labels(const trace_summary& t) {
  std::vector<std::string> out;
  for (const crash_point& p : t.points) out.push_back(p.label() + (p.fail_point ? " fail" : ""));
  return out;
}

}  // namespace

TEST_CASE("trace: distinct points in the order first reached, and the names that fired") {
  const trace_summary t = summarize_trace(
      "10 panic 1 pass a\n"
      "10 fail 1 error b\n"
      "11 panic 1 pass a\n"  // another process: the same point
      "not a trace line\n"
      "10 panic 2 abort a");  // the last line, cut before its newline
  CHECK(t.written);
  CHECK(t.problem.empty());
  CHECK(labels(t) == std::vector<std::string>{"a@1", "b@1 fail", "a@2"});
  CHECK(t.fired == std::set<std::string>{"a", "b"});
}

TEST_CASE("trace: lines split anywhere between reads are whole again; overlong lines are skipped") {
  trace_wants wants;
  wants.max_line = 40;
  trace_collector c(wants);
  const std::string text =
      "1 panic 1 pass a\n1 panic 1 pass " + std::string(100, 'x') + "\n1 panic 1 pass b\n";
  for (char ch : text) c.add(std::string_view(&ch, 1));
  const trace_summary t = std::move(c).finish();
  CHECK(labels(t) == std::vector<std::string>{"a@1", "b@1"});
}

TEST_CASE("trace: more distinct points than the limit is a problem, not a memory bill") {
  trace_wants wants;
  wants.max_points = 3;
  std::string text;
  for (int hit = 1; hit <= 10; ++hit) text += "1 panic " + std::to_string(hit) + " pass a\n";
  const trace_summary t = summarize_trace(text, wants);
  CHECK(t.points.size() == 3);
  CHECK(t.problem == "the trace holds more than 3 distinct crash points (the limit)");
}

TEST_CASE("trace: for a crash's verdict, only the armed names' firing is kept") {
  trace_wants wants;
  wants.max_points = 0;
  wants.fired_of = {"b"};
  std::string text;
  for (int hit = 1; hit <= 1000; ++hit) text += "1 fail " + std::to_string(hit) + " error a\n";
  text += "1 fail 1 error b\n";
  const trace_summary t = summarize_trace(text, wants);
  CHECK(t.points.empty());
  CHECK(t.problem.empty());
  CHECK(t.fired == std::set<std::string>{"b"});
}

TEST_CASE("trace: read_trace reads regular files only, and says why not") {
  const crashpoint::test::temp_dir area;
  ::setenv("TMPDIR", area.path().c_str(), 1);
  const temp_root root;
  ::unsetenv("TMPDIR");
  const auto run = root.make_run_dirs(0, "r");

  SECTION("no trace: nothing written, no problem") {
    const trace_summary t = read_trace(root, run.trace);
    CHECK_FALSE(t.written);
    CHECK(t.problem.empty());
  }
  SECTION("a regular file") {
    std::ofstream(run.trace) << "5 panic 1 pass p\n";
    CHECK(labels(read_trace(root, run.trace)) == std::vector<std::string>{"p@1"});
  }
  SECTION("a FIFO: refused at once, never waited on") {
    REQUIRE(::mkfifo(run.trace.c_str(), 0600) == 0);
    CHECK(read_trace(root, run.trace).problem ==
          "the trace " + run.trace.string() + " is a FIFO, not a regular file");
  }
  SECTION("a link, even to a regular file") {
    std::ofstream(run.dir / "real") << "5 panic 1 pass p\n";
    fs::create_symlink(run.dir / "real", run.trace);
    CHECK(read_trace(root, run.trace).problem ==
          "the trace " + run.trace.string() + " cannot be opened: it is a symbolic link");
  }
  SECTION("a link to /dev/zero") {
    fs::create_symlink("/dev/zero", run.trace);
    CHECK_THAT(read_trace(root, run.trace).problem, Contains("it is a symbolic link"));
  }
  SECTION("a directory") {
    fs::create_directory(run.trace);
    CHECK_THAT(read_trace(root, run.trace).problem, Contains("is a directory, not a regular file"));
  }
  SECTION("larger than the limit (sparse: nothing is read)") {
    { std::ofstream(run.trace) << ""; }
    fs::resize_file(run.trace, (std::uint64_t{1} << 30) + 1);
    CHECK(read_trace(root, run.trace).problem ==
          "the trace " + run.trace.string() + " is larger than 1 GiB (the limit)");
  }
  CHECK(root.remove(run.dir));
  root.remove_if_empty();
}
