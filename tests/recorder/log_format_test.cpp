// SPDX-License-Identifier: Apache-2.0
// The I/O log: every field survives a write and a read, calls read as users
// expect, and a malformed, cut or huge log is a precise error, never a crash.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>  // RENAME_NOREPLACE

#include "recorder/flag_names.hpp"
#include "recorder/log_reader.hpp"
#include "recorder/log_writer.hpp"
#include "spawn.hpp"

using namespace crashpoint::recorder;

namespace {

io_op rename_op() {
  io_op op;
  op.seq = 4;
  op.end_seq = 6;
  op.pid = 41;
  op.tid = 43;
  op.call = syscall_id::renameat2;
  op.kind = call_kind::rename;
  op.path = "data.tmp";
  op.path2 = "data";
  op.flags = RENAME_NOREPLACE;
  op.result = 0;
  op.dev = 2049;
  op.ino = 1234567;
  return op;
}

io_op write_op() {
  io_op op;
  op.seq = 3;
  op.end_seq = 3;
  op.pid = op.tid = 41;
  op.call = syscall_id::pwrite64;
  op.kind = call_kind::write;
  op.fd = 5;
  op.path = "wal.log";
  op.fd_flags = O_WRONLY | O_APPEND | kernel_o_largefile;
  op.offset = 8192;
  op.length = 4096;
  op.result = -EIO;
  op.how = outcome::injected;
  op.payload = 100;
  op.payload_length = 0;
  return op;
}

std::string log_text(const std::vector<std::string>& lines) {
  std::string text = format_header("/tmp/run/work") + "\n";
  for (const std::string& l : lines) text += l + "\n";
  return text;
}

std::vector<log_entry> read_all(const std::string& text, log_summary* summary = nullptr,
                                log_limits limits = {}) {
  std::vector<log_entry> out;
  const log_summary s = read_log_text(
      text, "io.jsonl", [&](log_entry&& e) { out.push_back(std::move(e)); }, limits);
  if (summary != nullptr) *summary = s;
  return out;
}

std::string read_error(const std::string& text, log_limits limits = {}) {
  try {
    read_all(text, nullptr, limits);
  } catch (const log_error& e) {
    return e.what();
  }
  return "no error";
}

void check_same(const io_op& a, const io_op& b) {
  CHECK(a.seq == b.seq);
  CHECK(a.end_seq == b.end_seq);
  CHECK(a.pid == b.pid);
  CHECK(a.tid == b.tid);
  CHECK(a.call == b.call);
  CHECK(a.kind == b.kind);
  CHECK(a.path == b.path);
  CHECK(a.path2 == b.path2);
  CHECK(a.fd == b.fd);
  CHECK(a.flags == b.flags);
  CHECK(a.fd_flags == b.fd_flags);
  CHECK(a.mode == b.mode);
  CHECK(a.offset == b.offset);
  CHECK(a.length == b.length);
  CHECK(a.result == b.result);
  CHECK(a.dev == b.dev);
  CHECK(a.ino == b.ino);
  CHECK(a.payload == b.payload);
  CHECK(a.payload_length == b.payload_length);
  CHECK(a.how == b.how);
}

}  // namespace

TEST_CASE("a call line names its flags and errors as strace would, and reads back the same") {
  CHECK(format_call(rename_op()) ==
        R"({"seq":4,"end_seq":6,"pid":41,"tid":43,"call":"renameat2","kind":"rename","path":"data.tmp",)"
        R"("path2":"data","flags":"RENAME_NOREPLACE","result":0,"dev":2049,"ino":1234567})");
  CHECK(format_call(write_op()) ==
        R"({"seq":3,"pid":41,"tid":41,"call":"pwrite64","kind":"write","fd":5,"path":"wal.log",)"
        R"("fd_flags":"O_WRONLY|O_APPEND|O_LARGEFILE","offset":8192,"length":4096,"result":-5,"error":"EIO",)"
        R"("outcome":"injected","payload":100,"payload_length":0})");
  for (const io_op& op : {rename_op(), write_op()}) {
    const auto entries = read_all(log_text({format_call(op)}));
    REQUIRE(entries.size() == 1);
    check_same(std::get<io_op>(entries[0]), op);
  }
}

TEST_CASE("describe() prints a call as users read it") {
  CHECK(describe(rename_op()) == R"(renameat2("data.tmp", "data", RENAME_NOREPLACE))");
  CHECK(describe(write_op()) == R"(pwrite64("wal.log", 4096 bytes at 8192))");
  CHECK(result_text(write_op()) == "= -1 EIO (injected)");
  io_op fsync;
  fsync.call = syscall_id::fsync;
  fsync.kind = call_kind::fsync;
  fsync.path = "data";
  CHECK(describe(fsync) == R"(fsync("data"))");
  io_op open;
  open.call = syscall_id::openat;
  open.kind = call_kind::open;
  open.path = "a \"quoted\"\n\xff name";
  open.flags = O_WRONLY | O_CREAT | O_EXCL;
  open.mode = 0600;
  CHECK(describe(open) == R"(openat("a \"quoted\"\n\xff name", O_WRONLY|O_CREAT|O_EXCL, 0600))");
  io_op killed = rename_op();
  killed.result.reset();
  killed.how = outcome::not_executed;
  CHECK(result_text(killed) == "not executed");
  io_op sync;
  sync.call = syscall_id::sync;
  sync.kind = call_kind::sync;
  CHECK(describe(sync) == "sync()");
}

TEST_CASE("paths that are not UTF-8 are kept byte for byte") {
  io_op op = rename_op();
  op.path = std::string("caf\xe9\0.tmp", 9);  // Latin-1 and a NUL: not UTF-8
  const std::string line = format_call(op);
  CHECK(line.find(R"("path_hex":"636166e9002e746d70")") != std::string::npos);
  const auto entries = read_all(log_text({line}));
  CHECK(std::get<io_op>(entries.at(0)).path == op.path);
}

TEST_CASE("process events, warnings, points and the end line read back") {
  process_event fork{process_event::type::fork, 41, 42, "", std::nullopt, std::nullopt};
  process_event exec{process_event::type::exec, 42, 0, "/usr/bin/true", std::nullopt, std::nullopt};
  process_event killed{process_event::type::exit, 42, 0, "", std::nullopt, 9};
  CHECK(format_event(killed) == R"({"event":"exit","pid":42,"signal":9,"signal_name":"SIGKILL"})");
  log_summary summary;
  const auto entries = read_all(log_text({format_event(fork), format_event(exec), format_event(killed),
                                          format_warning({"io_uring", 42, "io_uring_setup: ..."}),
                                          format_point({"sys:rename@1", 4, "kill-before"}), format_end(12)}),
                                &summary);
  REQUIRE(entries.size() == 5);
  CHECK(std::get<process_event>(entries[0]).child == 42);
  CHECK(std::get<process_event>(entries[1]).path == "/usr/bin/true");
  CHECK(std::get<process_event>(entries[2]).exit_signal == 9);
  CHECK(std::get<warning>(entries[3]).kind == "io_uring");
  CHECK(std::get<point_event>(entries[4]).seq == 4);
  CHECK(summary.complete);
  CHECK(summary.calls == 12);
  CHECK(summary.root == "/tmp/run/work");
}

TEST_CASE("a log cut anywhere is read to an error or to a shorter, incomplete log: never a crash") {
  const std::string full =
      log_text({format_call(write_op()), format_event({process_event::type::fork, 1, 2, "", {}, {}}),
                format_call(rename_op()), format_end(4)});
  for (std::size_t cut = 0; cut < full.size(); ++cut) {
    const std::string text = full.substr(0, cut);
    try {
      log_summary s;
      read_all(text, &s);
      CHECK_FALSE(s.complete);  // only the whole log has its end line
    } catch (const log_error& e) {
      CHECK(std::string(e.what()).starts_with("io.jsonl:"));
    }
  }
}

TEST_CASE("malformed logs are errors that name the line and what is wrong") {
  const std::string header = format_header("/r") + "\n";
  CHECK(read_error("") == "io.jsonl:1: empty file: expected the log's header line");
  CHECK(read_error("{\"seq\":1}\n") ==
        "io.jsonl:1: not a crashpoint-record log (the first line must be its header)");
  CHECK(read_error(R"({"log":"crashpoint-record","version":2,"root":"/"})"
                   "\n") == "io.jsonl:1: log version 2 is not supported (this reader knows 1)");
  CHECK(read_error(header + "not json\n").starts_with("io.jsonl:2:2: invalid JSON: syntax error"));
  CHECK(read_error(header + "\n") == "io.jsonl:2: empty line");
  CHECK(read_error(header + "[1,2]\n") == "io.jsonl:2:1: arrays are not part of the log format");
  CHECK(read_error(header + R"({"seq":1,"x":{"y":1}})"
                            "\n") == "io.jsonl:2:14: nested objects are not part of the log format");
  CHECK(read_error(header + R"({"seq":1,"seq":2})"
                            "\n") == "io.jsonl:2: field 'seq' appears twice");
  CHECK(read_error(header + R"({"seq":"one"})"
                            "\n") == "io.jsonl:2: field 'seq' must be a non-negative integer");
  CHECK(read_error(header + R"({"seq":1,"pid":1,"tid":1,"call":"frob","result":0})"
                            "\n") == "io.jsonl:2: unknown call 'frob'");
  CHECK(read_error(header + R"({"seq":1,"pid":1,"tid":1,"call":"write"})"
                            "\n") == "io.jsonl:2: missing field 'result'");
  CHECK(read_error(header + R"({"seq":1,"pid":99999999999,"tid":1,"call":"write","result":0})"
                            "\n") == "io.jsonl:2: field 'pid' must be a smaller integer");
  CHECK(read_error(header + R"({"seq":1,"pid":1,"tid":1,"call":"openat","flags":"O_BOGUS","result":0})"
                            "\n") == "io.jsonl:2: field 'flags': unknown flag in 'O_BOGUS'");
  CHECK(read_error(header + R"({"event":"explode","pid":1})"
                            "\n") == "io.jsonl:2: unknown event 'explode'");
  CHECK(read_error(header + format_end(0) + "\n" + format_end(0) + "\n") ==
        "io.jsonl:3: an entry after the end line");
  CHECK(read_error(header + format_end(0)) ==
        "io.jsonl:2: the last line has no newline: the log was cut short");
}

TEST_CASE("a log beyond the reader's limits is an error, and costs no more memory than one line") {
  const std::string header = format_header("/r") + "\n";
  log_limits small;
  small.max_line_bytes = 4096;
  CHECK(read_error(header + std::string(1 << 20, 'x'), small) == "io.jsonl:2: line longer than 4096 bytes");
  // Deep nesting is refused at the second level, not parsed recursively.
  CHECK(read_error(header + std::string(100000, '[') + "\n") ==
        "io.jsonl:2:1: arrays are not part of the log format");
  CHECK(read_error(header + "{\"a\":" + std::string(100000, '{') + "\n") ==
        "io.jsonl:2:6: nested objects are not part of the log format");
  log_limits few;
  few.max_entries = 2;
  const std::string line = format_call(write_op()) + "\n";
  CHECK(read_error(header + line + line + line, few) == "io.jsonl:4: more than 2 entries");
}

TEST_CASE("reading a log file refuses what is not a regular file, without blocking on a FIFO") {
  crashpoint::test::temp_dir dir;
  const std::string fifo = (dir / "io.jsonl").string();
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  CHECK_THROWS_WITH(read_log(fifo, [](log_entry&&) {}), fifo + ": not a regular file");
  CHECK_THROWS_WITH(read_log("/dev/null", [](log_entry&&) {}), "/dev/null: not a regular file");
  CHECK_THROWS_WITH(read_log("/no/such/log", [](log_entry&&) {}),
                    "/no/such/log: cannot open: No such file or directory");
}
