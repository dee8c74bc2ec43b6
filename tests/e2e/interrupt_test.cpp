// SPDX-License-Identifier: Apache-2.0
// interrupt_test.cpp: SIGINT or SIGTERM to the real crashpoint while a run's
// recovery command hangs. The harness kills every child process group (and
// what left them), removes the temporary folders of unfinished runs, keeps
// the failures that had completed, prints the partial summary and exits 130.
// And SIGKILL, which the harness cannot handle: the kernel then ends the
// command it was running (PR_SET_PDEATHSIG).
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <csignal>
#include <cstring>
#include <thread>

#include "files.hpp"
#include "hostile_support.hpp"

using namespace crashpoint::test;
using Catch::Contains;

namespace {

// Runs crashpoint with `args` under the observer, waits until `hanging`
// fixtures report that they hang, then sends `sig` to the harness (the parent
// of their shepherd, whose pid they report).
observed_run interrupt_when_hanging(const hostile_suite& s, std::vector<std::string> args, int sig,
                                    std::size_t hanging) {
  ready_fifo ready(s.area() / "ready");
  observed_run r;
  std::thread harness([&] { r = s.observe(std::move(args), {{"HOSTILE_READY", ready.path().string()}}); });
  const std::vector<long> reported = ready.wait_for_numbers(hanging);
  if (!reported.empty()) ::kill(parent_of(static_cast<pid_t>(reported.front())), sig);
  harness.join();
  INFO("fixtures that reported they hang: " << reported.size());
  CHECK(reported.size() == hanging);
  return r;
}

// A suite over hostile_hang: a_fails ends as a failure at once ("checkpoint
// not reached"), b_hangs crashes and then hangs in recovery with a grandchild
// in its group and one that left it, c_never would do the same.
void add_scenarios(hostile_suite& s) {
  const std::string hang_in_recovery = R"(
[[recover]]
command = ["{target}", "--family"]
)";
  s.add("a_fails.toml", crash_at_point(R"(["/bin/true"])"));
  s.add("b_hangs.toml", crash_at_point(R"(["{target}"])", hang_in_recovery));
  s.add("c_never.toml", crash_at_point(R"(["{target}"])", hang_in_recovery));
}

// The real crashpoint started with fork and execve, neither under the
// observer nor through run_command: both end (as orphans) whatever the
// harness leaves once it has died, which would hide what the kernel does.
// Runs `crashpoint args...` from the suite folder with TMPDIR, HOME and
// HOSTILE_PIDS set, plus `env`; stdout and stderr go to files in the area.
// On destruction a harness not yet waited for is killed and reaped.
class bare_harness {
 public:
  bare_harness(const hostile_suite& s, std::vector<std::string> args, env_vars env)
      : out_(s.area() / "harness-out"), err_(s.area() / "harness-err") {
    env.emplace("TMPDIR", s.harness_tmp().string());
    env.emplace("HOME", s.harness_home().string());
    env.emplace("HOSTILE_PIDS", s.pid_file().string());
    env.emplace("PATH", "/usr/local/bin:/usr/bin:/bin");
    // Everything the child needs, built before fork (it only makes system calls).
    args.insert(args.begin(), crashpoint_exe().string());
    std::vector<std::string> env_strings;
    for (const auto& [name, value] : env) env_strings.push_back(name + "=" + value);
    std::vector<char*> argv, envp;
    for (auto& a : args) argv.push_back(a.data());
    for (auto& e : env_strings) envp.push_back(e.data());
    argv.push_back(nullptr);
    envp.push_back(nullptr);
    const std::string cwd = s.suite_dir().string(), out = out_.string(), err = err_.string();

    pid_ = ::fork();
    if (pid_ != 0) return;
    sigset_t none;
    ::sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    const int in_fd = ::open("/dev/null", O_RDONLY);
    const int out_fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err_fd = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (in_fd < 0 || out_fd < 0 || err_fd < 0 || ::dup2(in_fd, 0) < 0 || ::dup2(out_fd, 1) < 0 ||
        ::dup2(err_fd, 2) < 0 || ::chdir(cwd.c_str()) != 0) {
      ::_exit(126);
    }
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  ~bare_harness() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    wait();
  }
  bare_harness(const bare_harness&) = delete;
  bare_harness& operator=(const bare_harness&) = delete;

  pid_t pid() const { return pid_; }

  // Waits for it to end and reaps it: its wait status (nullopt if that failed).
  std::optional<int> wait() {
    int status = 0;
    pid_t r;
    while ((r = ::waitpid(pid_, &status, 0)) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    return r > 0 ? std::optional<int>(status) : std::nullopt;
  }

  std::string output() const { return "--- stdout:\n" + read_file(out_) + "--- stderr:\n" + read_file(err_); }

 private:
  fs::path out_, err_;
  pid_t pid_ = -1;
};

// A pidfd on a process that need not be our child. It becomes readable once
// the process has exited, whether or not it has been reaped (and by whom). On
// destruction a process still alive is killed, and reaped if it is ours:
// a failing test leaks nothing.
class process_watch {
 public:
  explicit process_watch(pid_t pid)
      : pid_(pid), fd_(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0))), error_(fd_ < 0 ? errno : 0) {}
  ~process_watch() {
    if (fd_ < 0) return;
    if (!ends_within(0)) {
      ::syscall(SYS_pidfd_send_signal, fd_, SIGKILL, nullptr, 0);
      ends_within(10'000);
    }
    reap();
    ::close(fd_);
  }
  process_watch(const process_watch&) = delete;
  process_watch& operator=(const process_watch&) = delete;

  bool opened() const { return fd_ >= 0; }
  int open_error() const { return error_; }

  // Whether the process has ended within `timeout_ms`: an event wait.
  bool ends_within(int timeout_ms) const {
    pollfd p{fd_, POLLIN, 0};
    for (;;) {
      const int n = ::poll(&p, 1, timeout_ms);
      if (n < 0 && errno == EINTR) continue;
      return n == 1;
    }
  }

  // Reaps it if it has ended and is our child (re-parented to this process,
  // a subreaper); how it ended, or nullopt if it is not ours to reap.
  std::optional<siginfo_t> reap() const {
    siginfo_t info{};
    if (::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG) == 0 && info.si_pid == pid_) {
      return info;
    }
    return std::nullopt;
  }

 private:
  pid_t pid_;
  int fd_;
  int error_;
};

}  // namespace

TEST_CASE("interrupt: SIGINT or SIGTERM kills the hanging run, keeps completed failures, exits 130") {
  const int sig = GENERATE(SIGINT, SIGTERM);
  INFO("signal " << sig);
  hostile_suite s(hostile_target("hostile_hang"));
  add_scenarios(s);
  // The timeout only ends a harness that ignores the signal.
  const observed_run r = interrupt_when_hanging(s, {"run", ".", "-j", "1", "--timeout", "20s"}, sig, 1);
  INFO(shown(r.result));
  CHECK(exited_with(r.result, 130));
  CHECK(verdicts(r.result.out.text) == std::vector<std::string>{"FAIL  a_fails  hostile_point"});
  const auto lines = lines_of(r.result.out.text);
  REQUIRE(lines.size() >= 2);
  CHECK(lines[lines.size() - 2].starts_with("interrupted"));
  CHECK(lines.back() == "0 passed, 1 failed");

  CHECK(s.recorded_pids().size() == 3);  // b_hangs's recovery and its two grandchildren
  CHECK(r.leaked.empty());
  CHECK(s.recorded_alive().empty());

  // Only the completed failure is left, in the one temporary root.
  const auto roots = crashpoint_roots(s.harness_tmp());
  REQUIRE(roots.size() == 1);
  const auto kept = names_in(roots.front());
  REQUIRE(kept.size() == 1);
  CHECK(kept.front().starts_with("0001-a_fails"));
}

TEST_CASE("interrupt: with -j 2 every hanging run's processes are killed and nothing is kept") {
  hostile_suite s(hostile_target("hostile_hang"));
  const std::string hang_in_recovery = R"(
[[recover]]
command = ["{target}", "--family"]
)";
  s.add("a_hangs.toml", crash_at_point(R"(["{target}"])", hang_in_recovery));
  s.add("b_hangs.toml", crash_at_point(R"(["{target}"])", hang_in_recovery));
  s.add("c_never.toml", crash_at_point(R"(["{target}"])", hang_in_recovery));
  const observed_run r = interrupt_when_hanging(s, {"run", ".", "-j", "2", "--timeout", "20s"}, SIGINT, 2);
  INFO(shown(r.result));
  CHECK(exited_with(r.result, 130));
  CHECK(verdicts(r.result.out.text).empty());
  CHECK(last_line(r.result.out.text) == "0 passed, 0 failed");
  CHECK(s.recorded_pids().size() == 6);
  CHECK(r.leaked.empty());
  CHECK(s.recorded_alive().empty());
  CHECK(crashpoint_roots(s.harness_tmp()).empty());
}

TEST_CASE("interrupt: a target that ignores SIGINT and SIGTERM is killed all the same") {
  hostile_suite s(hostile_target("hostile_hang"));
  s.add("stubborn.toml", crash_at_point(R"(["{target}"])", R"(
[[recover]]
command = ["{target}", "--ignore-term", "--family"]
)"));
  const observed_run r = interrupt_when_hanging(s, {"run", ".", "--timeout", "20s"}, SIGTERM, 1);
  INFO(shown(r.result));
  CHECK(exited_with(r.result, 130));
  CHECK(last_line(r.result.out.text) == "0 passed, 0 failed");
  CHECK(s.recorded_pids().size() == 3);
  CHECK(r.leaked.empty());
  CHECK(s.recorded_alive().empty());
  CHECK(crashpoint_roots(s.harness_tmp()).empty());
}

TEST_CASE("interrupt: a harness killed with SIGKILL takes its running command with it") {
  // What the dead harness leaves is re-parented to the nearest subreaper. Make
  // that this process (run_command makes it one anyway, so earlier tests in
  // the same process already have): the command's zombie is then ours, and
  // shows which signal ended it. Nothing here kills orphans on its own.
  const bool subreaper = ::prctl(PR_SET_CHILD_SUBREAPER, 1L, 0L, 0L, 0L) == 0;

  hostile_suite s(hostile_target("hostile_hang"));
  s.add("hangs.toml", crash_at_point(R"(["{target}"])", R"(
[[recover]]
command = ["{target}"]
)"));
  ready_fifo ready(s.area() / "ready");
  // The timeout only ends a harness that never reaches the hanging recovery.
  bare_harness h(s, {"run", ".", "-j", "1", "--timeout", "20s"}, {{"HOSTILE_READY", ready.path().string()}});
  REQUIRE(h.pid() > 0);
  const std::vector<long> reported = ready.wait_for_numbers(1);
  INFO("fixtures that reported they hang: " << reported.size());
  REQUIRE(reported.size() == 1);  // the hanging recovery's parent: its shepherd, the harness's child
  REQUIRE(parent_of(static_cast<pid_t>(reported.front())) == h.pid());
  const std::vector<pid_t> recorded = s.recorded_pids();
  REQUIRE(recorded.size() == 1);  // the recovery command (the armed crash records nothing)
  const pid_t recovery = recorded.front();

  // Watched from before the harness dies, while it certainly hangs: the pidfd
  // is then this very process, whatever pid reuse follows.
  process_watch watch(recovery);
  INFO("pidfd_open(" << recovery << "): " << std::strerror(watch.open_error()));
  REQUIRE(watch.opened());
  REQUIRE_FALSE(watch.ends_within(0));

  ::kill(h.pid(), SIGKILL);
  const std::optional<int> status = h.wait();
  INFO(h.output());
  REQUIRE(status);
  CHECK(WIFSIGNALED(*status));
  CHECK(WTERMSIG(*status) == SIGKILL);

  // Nothing else will end it: the harness had no chance to, and no one here
  // kills orphans. A generous limit, for a safety net, not a timing guess.
  REQUIRE(watch.ends_within(30'000));
  const std::optional<siginfo_t> ended = watch.reap();
  if (subreaper) {
    REQUIRE(ended);  // adopted by this process: its zombie is ours
    CHECK(ended->si_code == CLD_KILLED);
    CHECK(ended->si_status == SIGKILL);
  }
}
