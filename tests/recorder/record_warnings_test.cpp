// SPDX-License-Identifier: Apache-2.0
// What crashpoint-record cannot see never passes silently: each case is a
// warning in the result file, in the log, and one line on stderr. And what a
// target does to confuse a tracer (stopping itself, tracing, escaping with
// CLONE_UNTRACED) does not change its behaviour. Each test runs the real
// executable on a fixture program.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include "recorder_support.hpp"

using namespace crashpoint::test;

namespace {

// The warning is in all three places: result file, log, stderr.
void check_warned(const recording& r, const std::string& kind, const std::string& message_part) {
  const rec::warning_report* w = r.warning(kind);
  REQUIRE(w != nullptr);
  CHECK(w->message.find(message_part) != std::string::npos);
  CHECK(w->pid > 0);
  CHECK(r.logged_warning(kind));
  CHECK(r.run.err.text.find("crashpoint-record: warning: [" + kind + "] pid ") != std::string::npos);
}

}  // namespace

TEST_CASE("a clean run has no warning") {
  recorder_dir d;
  const recording r = d.record({}, {fixture_path("rec_save"), "fsync-rename-dirsync", d.work().string()});
  CHECK(r.result.warnings.empty());
  CHECK(r.run.err.text.empty());
}

TEST_CASE("io_uring is reported: its I/O is not seen") {
  recorder_dir d;
  const recording r = d.record({}, {fixture_path("rec_io_uring")});
  CHECK(exited_with(r.run, 0));
  check_warned(r, "io_uring", "io_uring_setup");
}

TEST_CASE("a shared writable mapping of a file under the root is reported, made writable at mmap or later") {
  recorder_dir d;
  SECTION("mmap with PROT_WRITE") {
    const recording r = d.record({}, {fixture_path("rec_mmap"), "writable", d.work().string()});
    CHECK(exited_with(r.run, 0));
    check_warned(r, "shared-mmap", R"(mmap("m", PROT_WRITE, MAP_SHARED))");
    // msync is a modelled call: its range is in the log.
    const auto described = r.described();
    CHECK(std::find(described.begin(), described.end(), R"(msync("m", 4096 bytes at 0, MS_SYNC))") !=
          described.end());
  }
  SECTION("mprotect adding PROT_WRITE") {
    const recording r = d.record({}, {fixture_path("rec_mmap"), "mprotect", d.work().string()});
    CHECK(exited_with(r.run, 0));
    check_warned(r, "shared-mmap", R"(mprotect(PROT_WRITE) on a shared mapping of "m")");
  }
  CHECK(read_file(d.work() / "m").starts_with("mapped"));
}

TEST_CASE("a shared mapping outside the root is not reported") {
  recorder_dir d;
  const recording r = d.record({}, {fixture_path("rec_mmap"), "writable", d.path().string()});
  CHECK(exited_with(r.run, 0));
  CHECK(r.warning("shared-mmap") == nullptr);
}

TEST_CASE("direct I/O under the root is reported, asked for at open or later") {
  recorder_dir d;
  SECTION("open with O_DIRECT") {
    const recording r = d.record({}, {fixture_path("rec_direct"), "open", d.work().string()});
    CHECK(exited_with(r.run, 0));
    check_warned(r, "direct-io", R"(O_DIRECT open of "d")");
  }
  SECTION("fcntl(F_SETFL, O_DIRECT)") {
    const recording r = d.record({}, {fixture_path("rec_direct"), "fcntl", d.work().string()});
    CHECK(exited_with(r.run, 0));
    check_warned(r, "direct-io", R"(fcntl(F_SETFL, O_DIRECT) on "d")");
  }
}

TEST_CASE("system calls of the 32-bit and x32 ABIs are reported, and still run") {
  recorder_dir d;
  SECTION("int 0x80") {
    const recording r = d.record({}, {fixture_path("rec_abi"), "int80"});
    CHECK(exited_with(r.run, 0));
    CHECK(r.run.out.text.find("int80: -") == std::string::npos);  // getpid succeeded
    check_warned(r, "foreign-arch", "32-bit system calls");
  }
  SECTION("x32") {
    const recording r = d.record({}, {fixture_path("rec_abi"), "x32"});
    CHECK(exited_with(r.run, 0));
    check_warned(r, "x32", "x32-ABI");
  }
}

TEST_CASE("clone with CLONE_UNTRACED is reported and the child is traced all the same") {
  recorder_dir d;
  const recording r = d.record({}, {fixture_path("rec_untraced_clone"), d.work().string()});
  CHECK(exited_with(r.run, 0));
  // Untraced, the child's write would have failed with ENOSYS (a trapped call with no tracer).
  CHECK(r.run.out.text == "child wrote\n");
  check_warned(r, "untraced-clone", "cleared the flag");
  const auto described = r.described();
  CHECK(std::find(described.begin(), described.end(), R"(write("untraced.txt", 9 bytes at 0))") !=
        described.end());
  CHECK(r.result.counts.processes == 2);
}

TEST_CASE("a program that uses ptrace is reported") {
  recorder_dir d;
  const recording r = d.record({}, {fixture_path("rec_ptrace")});
  CHECK(exited_with(r.run, 0));
  CHECK(r.run.out.text == "PTRACE_TRACEME: EPERM\n");
  check_warned(r, "ptrace", "debuggers and strace");
}

TEST_CASE("a set-user-ID program is reported: it runs without its privileges") {
  recorder_dir d;
  const fs::path copy = d.path() / "setuid_exit";
  fs::copy_file(fixture_path("rec_exit"), copy);
  REQUIRE(::chmod(copy.c_str(), 04755) == 0);
  const recording r = d.record({}, {copy.string(), "code", "0"});
  CHECK(exited_with(r.run, 0));
  check_warned(r, "setuid-exec", "set-user-ID");
}

TEST_CASE("a program that stops itself stays stopped until SIGCONT, as it would untraced") {
  recorder_dir d;
  const recording r = d.record({}, {fixture_path("rec_group_stop"), (d.path() / "marker").string()});
  CHECK(r.run.out.text == "stayed stopped until SIGCONT\n");
  CHECK(exited_with(r.run, 0));
}

TEST_CASE("a program that installs its own seccomp filter is reported, and its filter works") {
  recorder_dir d;
  const recording r = d.record({}, {fixture_path("rec_own_filter")});
  CHECK(exited_with(r.run, 0));
  CHECK(r.run.out.text == "getppid: EPERM\n");
  check_warned(r, "own-seccomp", "seccomp filter of its own");
}
