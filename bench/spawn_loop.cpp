// SPDX-License-Identifier: Apache-2.0
// bench_spawn_loop: the baseline of bench/harness_overhead.sh. It starts the
// same processes as the benchmark's 300-run suite, with the same argv and the
// same arming variables, and waits for each, with no harness around them:
//
//   bench_spawn_loop [-j N] [-n RUNS] TARGET
//
// Run i (cp_000, cp_001, ...) is two processes, one after the other:
//   1. TARGET cp_NNN   with CRASHPOINT=cp_NNN and CRASHPOINT_TRACE=<file>;
//                      it must end by SIGABRT (it crashes at its checkpoint)
//   2. /bin/true       without the arming variables; it must exit 0
// Each is started with posix_spawn in a process group of its own, stdin from
// /dev/null and stdout and stderr to /dev/null, and reaped with waitpid. The
// core-file limit is 0, as under the harness. The trace file is one per
// thread, in a folder under $TMPDIR (default /tmp), removed after each run. -j N runs N such loops in
// threads, sharing the runs. Exit status 0 when every process ended as
// expected, 1 otherwise.
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace {

std::vector<std::string> clean_environment() {
  std::vector<std::string> out;
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::strncmp(*e, "CRASHPOINT=", 11) == 0 || std::strncmp(*e, "CRASHPOINT_", 11) == 0) continue;
    out.emplace_back(*e);
  }
  return out;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// Starts argv with env and waits for it; returns the wait status, or -1.
int spawn_and_wait(const char* path, std::vector<std::string> argv, std::vector<std::string> env) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);
  auto args = pointers(argv);
  auto envp = pointers(env);
  pid_t pid = 0;
  const int err = posix_spawn(&pid, path, &actions, &attr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (err != 0) {
    std::fprintf(stderr, "posix_spawn %s: %s\n", path, std::strerror(err));
    return -1;
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  unsigned jobs = 1;
  int runs = 300;
  int opt;
  while ((opt = getopt(argc, argv, "j:n:")) != -1) {
    if (opt == 'j')
      jobs = static_cast<unsigned>(std::atoi(optarg));
    else if (opt == 'n')
      runs = std::atoi(optarg);
    else
      return 2;
  }
  if (optind + 1 != argc || jobs == 0 || runs < 0) {
    std::fprintf(stderr, "usage: bench_spawn_loop [-j N] [-n RUNS] TARGET\n");
    return 2;
  }
  const std::string target = argv[optind];
  const rlimit no_core{0, 0};
  setrlimit(RLIMIT_CORE, &no_core);

  // The trace files go where the harness puts its run folders: under $TMPDIR.
  const char* tmpdir = std::getenv("TMPDIR");
  std::string dir_template =
      std::string(tmpdir != nullptr && *tmpdir != '\0' ? tmpdir : "/tmp") + "/bench_spawn_loop.XXXXXX";
  if (mkdtemp(dir_template.data()) == nullptr) {
    std::perror("mkdtemp");
    return 1;
  }
  const std::string dir = dir_template;
  const std::vector<std::string> base_env = clean_environment();

  std::atomic<int> next{0};
  std::atomic<int> bad{0};
  auto worker = [&](unsigned w) {
    const std::string trace = dir + "/trace-" + std::to_string(w);
    for (int i = next++; i < runs; i = next++) {
      char name[32];
      std::snprintf(name, sizeof name, "cp_%03d", i);
      std::vector<std::string> crash_env = base_env;
      crash_env.push_back(std::string("CRASHPOINT=") + name);
      crash_env.push_back("CRASHPOINT_TRACE=" + trace);
      const int crash = spawn_and_wait(target.c_str(), {target, name}, crash_env);
      if (crash == -1 || !WIFSIGNALED(crash) || WTERMSIG(crash) != SIGABRT) ++bad;
      unlink(trace.c_str());
      const int recover = spawn_and_wait("/bin/true", {"/bin/true"}, base_env);
      if (recover == -1 || !WIFEXITED(recover) || WEXITSTATUS(recover) != 0) ++bad;
    }
  };
  std::vector<std::thread> threads;
  for (unsigned w = 1; w < jobs; ++w) threads.emplace_back(worker, w);
  worker(0);
  for (auto& t : threads) t.join();
  rmdir(dir.c_str());
  if (bad.load() != 0) {
    std::fprintf(stderr, "bench_spawn_loop: %d processes did not end as expected\n", bad.load());
    return 1;
  }
  return 0;
}
