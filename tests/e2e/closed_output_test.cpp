// SPDX-License-Identifier: Apache-2.0
// closed_output_test.cpp: `crashpoint run | head -1`. The reader of the
// harness's stdout goes away mid-session; the harness must not die of SIGPIPE
// with its commands running, but stop as it does on SIGINT: kill the running
// commands, keep the completed failures (--keep), remove the rest, write the
// reports and exit 141.
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include "files.hpp"
#include "hostile_support.hpp"

using namespace crashpoint::test;
using Catch::StartsWith;
using json = nlohmann::json;

namespace {

// The real crashpoint started with fork and execve, its stdout a pipe whose
// read end this test holds, its stderr a file. A harness not yet waited for is
// killed and reaped on destruction.
class piped_harness {
 public:
  piped_harness(const hostile_suite& s, std::vector<std::string> args, env_vars env)
      : err_(s.area() / "harness-err") {
    env.emplace("TMPDIR", s.harness_tmp().string());
    env.emplace("HOME", s.harness_home().string());
    env.emplace("HOSTILE_PIDS", s.pid_file().string());
    env.emplace("PATH", "/usr/local/bin:/usr/bin:/bin");
    args.insert(args.begin(), crashpoint_exe().string());
    std::vector<std::string> env_strings;
    for (const auto& [name, value] : env) env_strings.push_back(name + "=" + value);
    std::vector<char*> argv, envp;
    for (auto& a : args) argv.push_back(a.data());
    for (auto& e : env_strings) envp.push_back(e.data());
    argv.push_back(nullptr);
    envp.push_back(nullptr);
    const std::string cwd = s.suite_dir().string(), err = err_.string();
    int out[2];
    if (::pipe2(out, O_CLOEXEC) != 0) return;

    pid_ = ::fork();
    if (pid_ == 0) {
      sigset_t none;
      ::sigemptyset(&none);
      ::sigprocmask(SIG_SETMASK, &none, nullptr);
      ::signal(SIGPIPE, SIG_DFL);  // as a shell starts a pipeline's programs
      const int in_fd = ::open("/dev/null", O_RDONLY);
      const int err_fd = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      if (in_fd < 0 || err_fd < 0 || ::dup2(in_fd, 0) < 0 || ::dup2(out[1], 1) < 0 || ::dup2(err_fd, 2) < 0 ||
          ::chdir(cwd.c_str()) != 0) {
        ::_exit(126);
      }
      ::execve(argv[0], argv.data(), envp.data());
      ::_exit(127);
    }
    ::close(out[1]);
    read_fd_ = out[0];
  }
  ~piped_harness() {
    close_stdout();
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    wait();
  }
  piped_harness(const piped_harness&) = delete;
  piped_harness& operator=(const piped_harness&) = delete;

  // The first line the harness prints (within 30 s, a safety net), as `head -1` reads it.
  std::string first_line() {
    std::string text;
    char c = 0;
    pollfd p{read_fd_, POLLIN, 0};
    while (read_fd_ >= 0 && ::poll(&p, 1, 30'000) == 1 && ::read(read_fd_, &c, 1) == 1) {
      if (c == '\n') break;
      text += c;
    }
    return text;
  }

  // What `head -1` does next: exit, closing the read end.
  void close_stdout() {
    if (read_fd_ >= 0) ::close(read_fd_);
    read_fd_ = -1;
  }

  // Waits for it to end and reaps it: its wait status (nullopt if that failed).
  std::optional<int> wait() {
    int status = 0;
    pid_t r;
    while ((r = ::waitpid(pid_, &status, 0)) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    return r > 0 ? std::optional<int>(status) : std::nullopt;
  }

  std::string err() const { return read_file(err_); }

 private:
  fs::path err_;
  pid_t pid_ = -1;
  int read_fd_ = -1;
};

// A FIFO the test opens read-write (so neither side's open blocks); a setup
// step `read line < FIFO` waits until the test writes a line.
class gate {
 public:
  explicit gate(fs::path path) : path_(std::move(path)) {
    if (::mkfifo(path_.c_str(), 0600) == 0) fd_ = ::open(path_.c_str(), O_RDWR | O_CLOEXEC);
  }
  ~gate() {
    if (fd_ >= 0) ::close(fd_);
  }
  gate(const gate&) = delete;
  gate& operator=(const gate&) = delete;
  const fs::path& path() const { return path_; }
  void open_it() const {
    if (fd_ < 0 || ::write(fd_, "go\n", 3) != 3) FAIL("cannot write to the gate " << path_);
  }

 private:
  fs::path path_;
  int fd_ = -1;
};

// Kills what a broken harness left running, so that a failing test leaks nothing.
void kill_leftovers(const hostile_suite& s) {
  for (pid_t pid : s.recorded_alive()) {
    ::kill(pid, SIGKILL);
    siginfo_t info{};
    ::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED);
  }
}

}  // namespace

TEST_CASE("closed stdout: the harness stops as on SIGINT, writes its reports and exits 141") {
  // With -j 2: a_fails fails at once and is printed; b_waits's setup waits
  // for the gate; meanwhile c_hangs's recovery hangs with two grandchildren.
  // The test reads a_fails's line, closes the pipe, waits until c_hangs
  // hangs, then opens the gate: b_waits's line is the first write that fails.
  hostile_suite s(hostile_target("hostile_hang"));
  gate g(s.area() / "gate");
  s.add("a_fails.toml", crash_at_point(R"(["/bin/true"])"));
  s.add("b_waits.toml", crash_at_point(R"(["{target}"])", R"(
[setup]
steps = [["sh", "-c", "read line < ')" + g.path().string() + R"('"]]
[[recover]]
command = ["/bin/true"]
)"));
  s.add("c_hangs.toml", crash_at_point(R"(["{target}"])", R"(
[[recover]]
command = ["{target}", "--family"]
)"));
  ready_fifo ready(s.area() / "ready");
  const fs::path report = s.area() / "report.json";
  piped_harness h(s, {"run", ".", "-j", "2", "--timeout", "20s", "--json", report.string()},
                  {{"HOSTILE_READY", ready.path().string()}});

  CHECK_THAT(h.first_line(), StartsWith("FAIL  a_fails  hostile_point  ("));
  h.close_stdout();
  REQUIRE(ready.wait_for_numbers(1).size() == 1);  // c_hangs hangs
  g.open_it();
  const std::optional<int> status = h.wait();
  INFO("stderr:\n" << h.err());
  const std::vector<pid_t> left = s.recorded_alive();
  kill_leftovers(s);

  REQUIRE(status);
  CHECK(WIFEXITED(*status));
  CHECK(WEXITSTATUS(*status) == 141);
  CHECK(h.err().empty());

  // c_hangs's recovery and its two grandchildren: killed, not left behind.
  CHECK(s.recorded_pids().size() == 3);
  CHECK(left.empty());

  // The completed runs are reported; the session says it was cut short.
  REQUIRE(fs::exists(report));
  const json doc = json::parse(read_file(report));
  CHECK(doc["interrupted"] == true);
  CHECK(doc["summary"] ==
        json{{"planned", 3}, {"completed", 2}, {"passed", 1}, {"failed", 1}, {"not_run", 1}});
  REQUIRE(doc["runs"].size() == 2);
  CHECK(doc["runs"][0]["id"] == "a_fails@hostile_point");
  CHECK(doc["runs"][1]["id"] == "b_waits@hostile_point");

  // --keep failed: only the completed failure's folder is left.
  const auto roots = crashpoint_roots(s.harness_tmp());
  REQUIRE(roots.size() == 1);
  CHECK(names_in(roots.front()) == std::vector<std::string>{"0001-a_fails@hostile_point"});
}
