// SPDX-License-Identifier: Apache-2.0
// recorder_target: the loops behind docs/performance.md's "Recorder cost",
// timed from inside, so that starting a process does not count.
//
//   bench_recorder_target writes N DIR     N one-byte write()s to DIR/bench.dat:
//                                          modelled calls when DIR is under --root
//   bench_recorder_target devnull N        N one-byte write()s to /dev/null:
//                                          trapped by the filter, not modelled
//   bench_recorder_target untrapped N DIR  N rounds of getppid, fstat, pread and
//                                          newfstatat, none of which the filter traps
//   bench_recorder_target allow-filter N DIR   the untrapped loop under a seccomp
//                                          filter of one instruction (allow all): what
//                                          any seccomp filter costs every system call
//   bench_recorder_target pingpong N       N round trips between two processes over
//                                          pipes: two context switches, the floor of
//                                          any stop-and-resume tracer
//
// Prints one line: "MODE ns_per_op CPU_NS_PER_OP", wall time of the loop and
// CPU time (user + system) of this process for it, per operation (a round).
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

double now_ns() {
  timespec t{};
  ::clock_gettime(CLOCK_MONOTONIC, &t);
  return static_cast<double>(t.tv_sec) * 1e9 + static_cast<double>(t.tv_nsec);
}

double cpu_ns() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  const auto ns = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec) * 1e9 + static_cast<double>(tv.tv_usec) * 1e3;
  };
  return ns(u.ru_utime) + ns(u.ru_stime);
}

int fail(const char* what) {
  std::perror(what);
  return 1;
}

// A filter that allows everything: the kernel's seccomp entry path, nothing else.
bool install_allow_filter() {
  sock_filter allow{BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ALLOW};
  sock_fprog prog{1, &allow};
  return ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 &&
         ::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_SPEC_ALLOW, &prog) == 0;
}

void pingpong(long n) {
  int there[2], back[2];
  if (::pipe(there) != 0 || ::pipe(back) != 0) std::exit(fail("pipe"));
  const pid_t child = ::fork();
  char c = 0;
  if (child == 0) {
    for (long i = 0; i < n; ++i) {
      if (::read(there[0], &c, 1) != 1 || ::write(back[1], &c, 1) != 1) ::_exit(1);
    }
    ::_exit(0);
  }
  for (long i = 0; i < n; ++i) {
    if (::write(there[1], &c, 1) != 1 || ::read(back[0], &c, 1) != 1) std::exit(fail("pingpong"));
  }
  ::waitpid(child, nullptr, 0);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s writes|devnull|untrapped|allow-filter|pingpong N [DIR]\n", argv[0]);
    return 64;
  }
  const std::string mode = argv[1];
  const long n = std::atol(argv[2]);
  const std::string dir = argc > 3 ? argv[3] : ".";
  int fd = -1;
  if (mode == "allow-filter") {
    if (!install_allow_filter()) return fail("seccomp");
  }
  if (mode == "writes" || mode == "untrapped" || mode == "allow-filter") {
    fd = ::open((dir + "/bench.dat").c_str(), O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || ::write(fd, "x", 1) != 1) return fail("open");
  } else if (mode == "devnull") {
    fd = ::open("/dev/null", O_WRONLY);
  }
  const std::string stat_path = dir + "/bench.dat";
  char buf[1];
  struct stat st {};
  const double wall0 = now_ns(), cpu0 = cpu_ns();
  if (mode == "writes" || mode == "devnull") {
    for (long i = 0; i < n; ++i) {
      if (::write(fd, "x", 1) != 1) return fail("write");
    }
  } else if (mode == "untrapped" || mode == "allow-filter") {
    for (long i = 0; i < n; ++i) {
      ::syscall(SYS_getppid);
      ::fstat(fd, &st);
      if (::pread(fd, buf, 1, 0) != 1) return fail("pread");
      ::stat(stat_path.c_str(), &st);
    }
  } else if (mode == "pingpong") {
    pingpong(n);
  } else {
    return 64;
  }
  const double wall = now_ns() - wall0, cpu = cpu_ns() - cpu0;
  std::printf("%s %.1f %.1f\n", mode.c_str(), wall / static_cast<double>(n), cpu / static_cast<double>(n));
  return 0;
}
