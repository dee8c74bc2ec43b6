// SPDX-License-Identifier: Apache-2.0
// What crashpoint-record logs: the modelled calls of real programs (dynamic,
// static, threaded, forking), with paths relative to the root, and nothing
// outside it. Each test runs the real executable on a fixture program.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>

#include <set>
#include <sstream>

#include "recorder_support.hpp"

using namespace crashpoint::test;
using strings = std::vector<std::string>;

namespace {

// rec_save's calls under the root for each way of saving.
strings save_calls(const std::string& mode) {
  if (mode == "inplace") {
    return {R"(openat("data", O_WRONLY|O_CREAT|O_TRUNC, 0644))", R"(write("data", 13 bytes at 0))",
            R"(close("data"))"};
  }
  strings calls{R"(openat("data.tmp", O_WRONLY|O_CREAT|O_TRUNC, 0644))",
                R"(write("data.tmp", 13 bytes at 0))"};
  if (mode != "rename") calls.emplace_back(R"(fsync("data.tmp"))");
  calls.emplace_back(R"(close("data.tmp"))");
  calls.emplace_back(R"(rename("data.tmp", "data"))");
  if (mode == "fsync-rename-dirsync") {
    calls.emplace_back(R"(fsync("."))");
    calls.emplace_back(R"(close("."))");
  }
  return calls;
}

}  // namespace

TEST_CASE("the four ways to save a file are logged call by call, relative to the root") {
  for (const std::string mode : {"inplace", "rename", "fsync-rename", "fsync-rename-dirsync"}) {
    SECTION(mode) {
      recorder_dir d;
      const recording r = d.record({}, {fixture_path("rec_save"), mode, d.work().string()});
      CHECK(exited_with(r.run, 0));
      CHECK(r.run.out.text == "saved\n");
      CHECK(r.described() == save_calls(mode));
      CHECK(read_file(d.work() / "data") == "new contents\n");
      // Every call returned, in order, numbered from 1.
      const auto calls = r.calls();
      for (std::size_t i = 0; i < calls.size(); ++i) {
        CHECK(calls[i].seq == i + 1);
        CHECK(calls[i].how == rec::outcome::done);
        CHECK(calls[i].result >= 0);
      }
      CHECK(r.summary.complete);
      CHECK(r.result.counts.calls == calls.size());
      CHECK(r.result.counts.processes == 1);
      CHECK(r.result.warnings.empty());
    }
  }
}

TEST_CASE("calls record the file's identity, offsets and results") {
  recorder_dir d;
  const recording r = d.record({}, {fixture_path("rec_save"), "fsync-rename", d.work().string()});
  const auto calls = r.calls();
  REQUIRE(calls.size() == 5);
  const auto& [open, write, fsync, close, rename] =
      std::tie(calls[0], calls[1], calls[2], calls[3], calls[4]);
  struct stat st {};
  REQUIRE(::stat((d.work() / "data").c_str(), &st) == 0);
  CHECK(open.ino == st.st_ino);
  CHECK(open.dev == st.st_dev);
  for (const auto* op : {&write, &fsync, &close, &rename}) CHECK(op->ino == st.st_ino);
  CHECK(open.result == write.fd);
  CHECK(write.offset == 0u);
  CHECK(write.length == 13u);
  CHECK(write.result == 13);
  CHECK(rename.result == 0);
  CHECK(r.payload_of(write) == "new contents\n");
}

TEST_CASE("calls outside --root are neither logged nor counted") {
  recorder_dir d;
  // The root is work/; the program saves beside it.
  const recording r = d.record({}, {fixture_path("rec_save"), "fsync-rename-dirsync", d.path().string()});
  CHECK(exited_with(r.run, 0));
  CHECK(r.calls().empty());
  CHECK(r.result.counts.calls == 0);
  CHECK(r.result.counts.by_kind.empty());
}

TEST_CASE("the standard streams and pipes are not modelled") {
  recorder_dir d;
  const recording r = d.record({}, {"/bin/sh", "-c", "echo to-stdout; echo to-stderr >&2; echo piped | cat"});
  CHECK(exited_with(r.run, 0));
  CHECK(r.run.out.text == "to-stdout\npiped\n");
  CHECK(r.calls().empty());
}

TEST_CASE("a file under the root that reuses the inode of one deleted outside it is recorded") {
  // ext4 and xfs hand a deleted file's inode to the next file made: a
  // recorder that remembered paths by inode took these writes for writes to
  // the deleted file outside the root, and left them out of the log.
  recorder_dir d;
  const std::string script =
      R"(for i in 1 2 3 4 5 6 7 8; do echo x > "$1/a$i"; stat -c %i "$1/a$i"; rm "$1/a$i"; )"
      R"(echo y > "$2/b$i"; stat -c %i "$2/b$i"; done)";
  const recording r = d.record({}, {"/bin/sh", "-c", script, "sh", d.path().string(), d.work().string()});
  REQUIRE(exited_with(r.run, 0));
  strings writes;
  for (const rec::io_op& op : r.calls()) {
    if (op.kind == rec::call_kind::write) writes.push_back(op.path);
  }
  CHECK(writes == strings{"b1", "b2", "b3", "b4", "b5", "b6", "b7", "b8"});
  // Each pair of lines is (outside inode, inside inode): say when this file
  // system never reused one, so the check above proved little.
  std::istringstream inodes(r.run.out.text);
  bool reused = false;
  for (std::string outside, inside; inodes >> outside >> inside;) reused = reused || outside == inside;
  if (!reused) WARN("the file system under " << d.path() << " reused no inode: nothing stale to remember");
}

TEST_CASE("a statically linked program is recorded like a dynamic one") {
  recorder_dir d;
  const recording r =
      d.record({}, {fixture_path("rec_save_static"), "fsync-rename-dirsync", d.work().string()});
  CHECK(exited_with(r.run, 0));
  CHECK(r.described() == save_calls("fsync-rename-dirsync"));
}

TEST_CASE("every thread is followed and its calls carry its thread id") {
  recorder_dir d;
  const recording r = d.record({}, {fixture_path("rec_threads"), d.work().string(), "4"});
  CHECK(exited_with(r.run, 0));
  CHECK(r.result.counts.threads == 5);
  CHECK(r.result.counts.processes == 1);
  CHECK(r.result.counts.by_kind.at("write") == 40);
  CHECK(r.result.counts.by_kind.at("fsync") == 4);
  std::map<std::string, std::vector<std::uint64_t>> offsets;
  std::set<pid_t> writer_threads;
  for (const rec::io_op& op : r.calls()) {
    if (op.kind != rec::call_kind::write) continue;
    offsets[op.path].push_back(op.offset.value_or(999));
    writer_threads.insert(op.tid);
    CHECK(op.tid != op.pid);
  }
  CHECK(writer_threads.size() == 4);
  REQUIRE(offsets.size() == 4);
  for (const auto& [path, at] : offsets) {
    CHECK(at == std::vector<std::uint64_t>{0, 7, 14, 21, 28, 35, 42, 49, 56, 63});
  }
}

TEST_CASE("children started with fork or vfork and exec are followed and counted with their parent") {
  for (const std::string how : {"fork", "vfork"}) {
    SECTION(how) {
      recorder_dir d;
      const recording r =
          d.record({}, {fixture_path("rec_spawn"), how, d.work().string(), fixture_path("rec_save")});
      CHECK(exited_with(r.run, 0));
      CHECK(r.described() == strings{
                                 R"(openat("parent.txt", O_WRONLY|O_CREAT|O_APPEND, 0644))",
                                 R"(write("parent.txt", 3 bytes at 0))",
                                 R"(close("parent.txt"))",
                                 R"(openat("data", O_WRONLY|O_CREAT|O_TRUNC, 0644))",
                                 R"(write("data", 13 bytes at 0))",
                                 R"(close("data"))",
                                 R"(openat("parent.txt", O_WRONLY|O_CREAT|O_APPEND, 0644))",
                                 R"(write("parent.txt", 3 bytes at 3))",
                                 R"(close("parent.txt"))",
                             });
      CHECK(r.result.counts.processes == 2);
      CHECK(r.result.counts.by_kind.at("write") == 3);
      const auto forks =
          r.events(how == "fork" ? rec::process_event::type::fork : rec::process_event::type::vfork);
      REQUIRE(forks.size() == 1);
      const pid_t child = forks[0].child;
      const auto calls = r.calls();
      CHECK(calls[3].pid == child);
      CHECK(calls[0].pid != child);
      const auto execs = r.events(rec::process_event::type::exec);
      REQUIRE(execs.size() == 2);
      CHECK(execs[1].pid == child);
      CHECK(execs[1].path == fixture_path("rec_save"));
    }
  }
}

TEST_CASE("writev, pwritev and pwritev2 record their offsets, lengths, flags and bytes") {
  recorder_dir d;
  const recording r = d.record({}, {fixture_path("rec_vectored"), d.work().string()});
  CHECK(exited_with(r.run, 0));
  const auto calls = r.calls();
  REQUIRE(calls.size() == 5);
  CHECK(rec::describe(calls[1]) == R"(writev("v", 14 bytes at 0))");
  CHECK(rec::describe(calls[2]) == R"(pwritev("v", 5 bytes at 100))");
  CHECK(rec::describe(calls[3]) == R"(pwritev2("v", 5 bytes at 200, RWF_DSYNC))");
  CHECK(r.payload_of(calls[1]) == "alphabetagamma");
  CHECK(r.payload_of(calls[2]) == "DELTA");
  CHECK(r.payload_of(calls[3]) == "omega");
}

TEST_CASE("an O_TMPFILE file and the linkat that names it are one file") {
  recorder_dir d;
  const recording r = d.record({}, {fixture_path("rec_tmpfile"), d.work().string()});
  CHECK(exited_with(r.run, 0));
  const auto calls = r.calls();
  REQUIRE(calls.size() == 5);
  CHECK(rec::describe(calls[0]) == R"(openat(".", O_WRONLY|O_TMPFILE, 0600))");
  CHECK(calls[1].kind == rec::call_kind::write);
  CHECK(calls[1].path.ends_with(" (deleted)"));  // the kernel's name for a file without one
  CHECK(calls[3].call == rec::syscall_id::linkat);
  CHECK(calls[3].path2 == "linked");
  CHECK(calls[3].flags == AT_SYMLINK_FOLLOW);
  CHECK(calls[0].ino == calls[1].ino);
  CHECK(calls[1].ino == calls[3].ino);
  CHECK(read_file(d.work() / "linked") == "tmp\n");
}

TEST_CASE("copy_file_range, sendfile and splice record where the data landed, and the payloads what landed") {
  recorder_dir d;
  const recording r = d.record({}, {fixture_path("rec_copy"), d.work().string()});
  CHECK(exited_with(r.run, 0));
  strings copies;
  for (const rec::io_op& op : r.calls()) {
    if (op.kind == rec::call_kind::copy_file_range || op.kind == rec::call_kind::sendfile ||
        op.kind == rec::call_kind::splice) {
      copies.push_back(rec::describe(op) + " -> " + r.payload_of(op));
    }
  }
  CHECK(copies == strings{
                      R"(copy_file_range("dst", 4 bytes at 0 from "src") -> 0123)",
                      R"(sendfile("dst", 4 bytes at 4 from "src") -> 4567)",
                      R"(splice("dst", 7 bytes at 8) -> SPLICED)",
                  });
}

TEST_CASE("a program exec'd by a thread other than the main one is followed") {
  recorder_dir d;
  const recording r = d.record({}, {fixture_path("rec_thread_exec"), d.work().string()});
  CHECK(exited_with(r.run, 7));
  CHECK(r.described() == strings{R"(openat("after-exec.txt", O_WRONLY|O_CREAT|O_TRUNC, 0644))",
                                 R"(write("after-exec.txt", 6 bytes at 0))", R"(close("after-exec.txt"))"});
  CHECK(r.events(rec::process_event::type::exec).size() == 2);
  CHECK(read_file(d.work() / "after-exec.txt") == "after\n");
}
