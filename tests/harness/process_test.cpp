// SPDX-License-Identifier: Apache-2.0
// process_test.cpp: run_command() observed from outside: statuses, captured
// output, environment, working directory, timeouts, process groups, and what
// the child inherits. Fixtures: tests/fixtures/proc_*.
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <filesystem>
#include <iterator>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "process/process.hpp"
#include "spawn.hpp"

namespace {

using namespace crashpoint::harness;
using crashpoint::test::fixture;
using crashpoint::test::source_dir;
using crashpoint::test::temp_dir;
using kind = exit_status::kind;

const std::map<std::string, std::string> std_path{{"PATH", "/usr/bin:/bin"}};

command make_command(std::vector<std::string> argv,
                     std::chrono::milliseconds timeout = std::chrono::minutes(2)) {
  command cmd;
  cmd.argv = std::move(argv);
  cmd.env = std_path;
  cmd.timeout = timeout;  // a safety net unless the test is about timeouts
  return cmd;
}

std::string fixture_path(const std::string& name) { return fixture(name).string(); }
std::string script_path(const std::string& name) { return (source_dir() / "tests/fixtures" / name).string(); }

// Every child run_command started has been reaped: no zombie, nothing running.
bool no_children_left() { return ::waitpid(-1, nullptr, WNOHANG) == -1 && errno == ECHILD; }

// Waits (on a pidfd, at most 10 s) until `pid` has ended; true if it has.
bool ends_within_10s(pid_t pid) {
  const int fd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (fd < 0) return errno == ESRCH;  // already gone and reaped
  pollfd p{fd, POLLIN, 0};
  const int ready = ::poll(&p, 1, 10'000);
  ::close(fd);
  return ready == 1;
}

pid_t first_line_as_pid(const std::string& text) { return static_cast<pid_t>(std::stol(text)); }

// SIGKILLs a process that outlives the test (a grandchild that left our group).
struct kill_at_end {
  pid_t pid = 0;
  ~kill_at_end() {
    if (pid > 0) ::kill(pid, SIGKILL);
  }
};

}  // namespace

TEST_CASE("process: run_command reports the exit code and both streams") {
  const auto r = run_command(make_command({fixture_path("proc_echo"), "3", "to stdout", "to stderr"}));
  CHECK(r.status.k == kind::exited);
  CHECK(r.status.code == 3);
  CHECK(r.status.describe() == "exit 3");
  CHECK(r.out.text == "to stdout");
  CHECK(r.err.text == "to stderr");
  CHECK(r.out.total_bytes == 9);
  CHECK_FALSE(r.out.truncated);
  CHECK(r.duration.count() > 0);
  CHECK(no_children_left());
}

TEST_CASE("process: a child ended by a signal is reported by the signal's name") {
  SECTION("abort") {
    const auto r = run_command(make_command({fixture_path("proc_die"), "abort"}));
    CHECK(r.status.k == kind::signaled);
    CHECK(r.status.signal == SIGABRT);
    CHECK(r.status.describe() == "signal SIGABRT");
    CHECK(r.out.text == "dying\n");
  }
  SECTION("SIGKILL is not mistaken for exit 9") {
    const auto r = run_command(make_command({fixture_path("proc_die"), "kill"}));
    CHECK(r.status.k == kind::signaled);
    CHECK(r.status.signal == SIGKILL);
    CHECK(r.status.describe() == "signal SIGKILL");
  }
  CHECK(no_children_left());
}

TEST_CASE("process: the child's environment is exactly the one given") {
  SECTION("a bare name is found through the given PATH") {
    auto cmd = make_command({"env"});
    cmd.env["GREETING"] = "hello world";
    const auto r = run_command(cmd);
    CHECK(r.status.k == kind::exited);
    CHECK(r.out.text == "GREETING=hello world\nPATH=/usr/bin:/bin\n");
  }
  SECTION("an empty environment") {
    auto cmd = make_command({"/usr/bin/env"});
    cmd.env.clear();
    const auto r = run_command(cmd);
    CHECK(r.status.k == kind::exited);
    CHECK(r.out.text.empty());
  }
}

TEST_CASE("process: the child runs in the given working directory") {
  const temp_dir dir;
  SECTION("for the child") {
    auto cmd = make_command({"pwd"});
    cmd.cwd = dir.path();
    const auto r = run_command(cmd);
    CHECK(r.status.k == kind::exited);
    CHECK(r.out.text == std::filesystem::canonical(dir.path()).string() + "\n");
  }
  SECTION("for a relative executable path") {
    auto cmd = make_command({"./proc_echo", "4"});
    cmd.cwd = fixture("proc_echo").parent_path();
    CHECK(run_command(cmd).status.code == 4);
  }
}

TEST_CASE("process: a command that cannot start is not_started, with the reason") {
  const temp_dir dir;
  auto cmd = make_command({fixture_path("proc_echo")});
  std::string reason;
  SECTION("missing executable") {
    cmd.argv = {"/nonexistent/crashpoint-x"};
    reason = "no such file: /nonexistent/crashpoint-x";
  }
  SECTION("file without execute permission") {
    cmd.argv = {(source_dir() / "CMakeLists.txt").string()};
    reason = "not executable: " + cmd.argv[0];
  }
  SECTION("a directory") {
    cmd.argv = {dir.path().string()};
    reason = "not a regular file: " + dir.path().string();
  }
  SECTION("a name not in PATH") {
    cmd.argv = {"crashpoint-no-such-command"};
    reason = "not found in PATH: crashpoint-no-such-command";
  }
  SECTION("a name without PATH") {
    cmd.argv = {"env"};
    cmd.env.clear();
    reason = "not found (no PATH in the environment): env";
  }
  SECTION("missing working directory") {
    cmd.cwd = dir / "missing";
    reason = "working directory does not exist: " + cmd.cwd.string();
  }
  SECTION("working directory is a file") {
    cmd.cwd = fixture("proc_echo");
    reason = "working directory is not a directory: " + cmd.cwd.string();
  }
  SECTION("exec fails in the child (no interpreter)") {
    cmd.argv = {script_path("proc_bad_interpreter.sh")};
    reason = "cannot execute " + cmd.argv[0] + ": No such file or directory";
  }
  const auto r = run_command(cmd);
  CHECK(r.status.k == kind::not_started);
  CHECK(r.status.error == reason);
  CHECK(r.status.describe() == "could not start: " + reason);
  CHECK(no_children_left());
}

TEST_CASE("process: a timeout kills the child") {
  const auto r = run_command(make_command({fixture_path("proc_hang")}, std::chrono::milliseconds(200)));
  CHECK(r.status.k == kind::timed_out);
  CHECK(r.status.signal == SIGKILL);
  CHECK(r.status.describe() == "timed out after 200ms");
  const pid_t pid = first_line_as_pid(r.out.text);  // printed before the timeout
  CHECK(::kill(pid, 0) == -1);                      // reaped: gone
  CHECK(no_children_left());
}

TEST_CASE("process: a grandchild holding the pipes dies with the child's group") {
  const auto r = run_command(make_command({script_path("proc_grandchild.sh")}));
  CHECK(r.status.k == kind::exited);
  CHECK(r.status.code == 5);
  CHECK(ends_within_10s(first_line_as_pid(r.out.text)));
  CHECK(no_children_left());
}

TEST_CASE("process: a grandchild that left the group cannot hold run_command") {
  SECTION("it keeps stdout open") {
    const auto r = run_command(make_command({fixture_path("proc_setsid_grandchild")}));
    const kill_at_end grandchild{first_line_as_pid(r.out.text)};
    CHECK(r.status.k == kind::exited);
    CHECK(r.status.code == 0);
  }
  SECTION("it writes to stdout without end") {
    auto cmd = make_command({fixture_path("proc_setsid_grandchild"), "spew"});
    cmd.capture_limit = 4096;
    const auto r = run_command(cmd);
    const auto pid_at = r.out.text.find_first_of("0123456789");  // among the spew
    REQUIRE(pid_at != std::string::npos);
    const kill_at_end grandchild{first_line_as_pid(r.out.text.substr(pid_at))};
    CHECK(r.status.k == kind::exited);
    CHECK(r.out.text.find("spew spew spew\n") != std::string::npos);
  }
  CHECK(no_children_left());
}

TEST_CASE("process: large output keeps its head and tail in bounded memory") {
  constexpr std::uint64_t lines = 800'000;  // 64 bytes each: ~51 MB per stream
  auto cmd = make_command({fixture_path("proc_chatty"), std::to_string(lines)});
  cmd.capture_limit = 1 << 16;
  const auto r = run_command(cmd);
  REQUIRE(r.status.k == kind::exited);
  for (const captured* c : {&r.out, &r.err}) {
    const std::string last = c == &r.out ? "last line of stdout\n" : "last line of stderr\n";
    CHECK(c->total_bytes == lines * 64 + last.size());
    CHECK(c->truncated);
    CHECK(c->text.size() <= cmd.capture_limit + 64);  // plus the marker line
    CHECK(c->text.starts_with("line 0000"));
    CHECK(c->text.find("\n[crashpoint: ") == cmd.capture_limit / 2);
    CHECK(c->text.substr(c->text.size() - last.size()) == last);
  }
}

TEST_CASE("process: capture_buffer keeps the first and last halves") {
  SECTION("within the limit: everything, unmarked") {
    capture_buffer b(10);
    b.append("abc");
    b.append("defghij");
    const auto c = std::move(b).finish();
    CHECK(c.text == "abcdefghij");
    CHECK_FALSE(c.truncated);
  }
  SECTION("over the limit: head, marker, tail") {
    capture_buffer b(6);
    for (char ch = 'a'; ch <= 'z'; ++ch) b.append(std::string(1, ch));
    const auto c = std::move(b).finish();
    CHECK(c.text == "abc\n[crashpoint: 20 bytes omitted]\nxyz");
    CHECK(c.total_bytes == 26);
    CHECK(c.truncated);
  }
  SECTION("no practical limit") {
    capture_buffer b(SIZE_MAX);
    b.append("abc");
    b.append("def");
    const std::string text = std::move(b).finish().text;  // outside CHECK, which names it twice
    CHECK(text == "abcdef");
  }
  SECTION("a limit of zero keeps only the count") {
    capture_buffer b(0);
    b.append("xyz");
    const std::string text = std::move(b).finish().text;
    CHECK(text == "\n[crashpoint: 3 bytes omitted]\n");
  }
}

TEST_CASE("process: run_command runs in many threads at once") {
  constexpr int threads = 8;
  constexpr int runs_each = 5;
  std::vector<std::vector<command_result>> results(threads);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([t, &results] {
      for (int i = 0; i < runs_each; ++i) {
        const std::string tag = std::to_string(t) + "/" + std::to_string(i);
        results[static_cast<std::size_t>(t)].push_back(
            run_command(make_command({fixture_path("proc_echo"), std::to_string(t + i), tag, tag})));
      }
    });
  }
  for (auto& w : workers) w.join();
  for (int t = 0; t < threads; ++t) {
    for (int i = 0; i < runs_each; ++i) {
      const auto& r = results[static_cast<std::size_t>(t)][static_cast<std::size_t>(i)];
      const std::string tag = std::to_string(t) + "/" + std::to_string(i);
      CHECK(r.status.code == t + i);
      CHECK(r.out.text == tag);
      CHECK(r.err.text == tag);
    }
  }
  CHECK(no_children_left());
}

TEST_CASE("process: kill_all_running kills a running child from another thread") {
  const temp_dir dir;
  const auto fifo = dir / "ready";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  const int ready_fd = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);  // before the writer, so it never blocks
  REQUIRE(ready_fd >= 0);
  command_result result;
  std::thread runner([&] { result = run_command(make_command({fixture_path("proc_hang"), fifo.string()})); });
  pollfd p{ready_fd, POLLIN, 0};
  CHECK(::poll(&p, 1, 10'000) == 1);  // the child is running
  ::close(ready_fd);
  kill_all_running();
  runner.join();
  CHECK(result.status.k == kind::signaled);
  CHECK(result.status.signal == SIGKILL);
  CHECK(no_children_left());
}

TEST_CASE("process: the child inherits only stdio") {
  SECTION("no other file descriptor") {
    const int stray = ::open("/dev/null", O_RDONLY);  // not O_CLOEXEC, and below the launcher's own fds
    const auto r = run_command(make_command({fixture_path("proc_list_fds")}));
    ::close(stray);
    CHECK(r.out.text == "0\n1\n2\n");
  }
  SECTION("no blocked or ignored signal") {
    sigset_t usr1, old;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    ::pthread_sigmask(SIG_BLOCK, &usr1, &old);
    const auto old_pipe = std::signal(SIGPIPE, SIG_IGN);
    const auto r = run_command(make_command({"grep", "-E", "^Sig(Blk|Ign)", "/proc/self/status"}));
    std::signal(SIGPIPE, old_pipe);
    ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
    CHECK(r.out.text == "SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n");
  }
  SECTION("a core-file limit of 0, whatever the harness's") {
    // An aborting target must not drop a core file into the state under test.
    const auto r = run_command(make_command({"/bin/sh", "-c", "ulimit -c; ulimit -H -c"}));
    CHECK(r.out.text == "0\n0\n");
  }
  SECTION("stdin is /dev/null") {
    const auto r = run_command(make_command({"/usr/bin/readlink", "/proc/self/fd/0"}));
    CHECK(r.out.text == "/dev/null\n");
  }
}

TEST_CASE("process: run_command leaves no descriptor open in the harness") {
  const auto open_fds = [] {
    return std::distance(std::filesystem::directory_iterator("/proc/self/fd"), {});
  };
  // The first command opens what lasts (the orphan sweep keeps /proc/self/task
  // and each thread's `children` file open); no command after it may add any.
  run_command(make_command({"/bin/true"}));
  const auto before = open_fds();
  run_command(make_command({fixture_path("proc_echo"), "0", "out", "err"}));
  run_command(make_command({fixture_path("proc_hang")}, std::chrono::milliseconds(50)));
  run_command(make_command({script_path("proc_bad_interpreter.sh")}));
  const auto r = run_command(make_command({fixture_path("proc_setsid_grandchild")}));
  const kill_at_end grandchild{first_line_as_pid(r.out.text)};
  CHECK(open_fds() == before);
}

TEST_CASE("process: signal names and numbers") {
  CHECK(signal_name(SIGABRT) == "SIGABRT");
  CHECK(signal_name(SIGKILL) == "SIGKILL");
  CHECK(signal_name(42) == "signal 42");
  CHECK(signal_number("SIGABRT") == SIGABRT);
  CHECK(signal_number("ABRT") == SIGABRT);
  CHECK(signal_number("segv") == SIGSEGV);
  CHECK_FALSE(signal_number("SIGNOPE"));
  CHECK_FALSE(signal_number(""));
}
