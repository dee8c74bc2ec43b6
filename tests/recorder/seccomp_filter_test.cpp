// SPDX-License-Identifier: Apache-2.0
// The seccomp filter, run by a small classic-BPF interpreter: which calls
// stop for the recorder, and that every other call is decided from its
// number alone (so the kernel can skip the filter for it entirely).
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include <csignal>
#include <cstddef>
#include <cstring>
#include <set>

#include "recorder/calls.hpp"
#include "recorder/seccomp_filter.hpp"

using namespace crashpoint::recorder;

namespace {

struct verdict {
  std::uint32_t action = 0;
  bool read_arguments = false;
};

// Runs the filter the way the kernel does for one call. Supports what the
// filter uses: absolute 32-bit loads, JEQ/JSET/JA with constants, RET.
verdict run(const std::vector<sock_filter>& prog, const seccomp_data& data) {
  verdict v;
  std::uint32_t acc = 0;
  for (std::size_t pc = 0; pc < prog.size(); ++pc) {
    const sock_filter& in = prog[pc];
    switch (in.code) {
      case BPF_LD | BPF_W | BPF_ABS: {
        REQUIRE(in.k + 4 <= sizeof data);
        std::memcpy(&acc, reinterpret_cast<const char*>(&data) + in.k, 4);
        if (in.k >= offsetof(seccomp_data, args)) v.read_arguments = true;
        break;
      }
      case BPF_JMP | BPF_JEQ | BPF_K: pc += acc == in.k ? in.jt : in.jf; break;
      case BPF_JMP | BPF_JSET | BPF_K: pc += (acc & in.k) != 0 ? in.jt : in.jf; break;
      case BPF_JMP | BPF_JA: pc += in.k; break;
      case BPF_RET | BPF_K: v.action = in.k; return v;
      default: FAIL("instruction the filter should not use: " << in.code);
    }
  }
  FAIL("fell off the end of the filter");
  return v;
}

verdict call(long nr, std::initializer_list<std::uint64_t> args = {},
             std::uint32_t arch = AUDIT_ARCH_X86_64) {
  static const std::vector<sock_filter> prog = build_filter();
  seccomp_data data{};
  data.nr = static_cast<int>(nr);
  data.arch = arch;
  std::size_t i = 0;
  for (const std::uint64_t a : args) data.args[i++] = a;
  return run(prog, data);
}

bool traps(long nr, std::initializer_list<std::uint64_t> args = {}) {
  return call(nr, args).action == SECCOMP_RET_TRACE;
}

}  // namespace

TEST_CASE(
    "every modelled call stops for the recorder, open and openat only when their flags change something") {
  for (const syscall_id s : all_syscalls()) {
    if (s == syscall_id::open || s == syscall_id::openat) continue;
    INFO(name(s));
    CHECK(traps(x86_64_number(s)));
  }
  CHECK_FALSE(traps(SYS_openat, {0, 0, O_RDONLY | O_CLOEXEC}));
  CHECK_FALSE(traps(SYS_openat, {0, 0, O_WRONLY}));  // its writes are trapped, not the open
  for (const int flag : {O_CREAT, O_TRUNC, O_APPEND, O_SYNC, O_DSYNC, O_TMPFILE, O_DIRECT}) {
    INFO(flag);
    CHECK(traps(SYS_openat, {0, 0, static_cast<std::uint64_t>(O_WRONLY | flag)}));
    CHECK(traps(SYS_open, {0, static_cast<std::uint64_t>(O_WRONLY | flag)}));
  }
  CHECK(traps(SYS_openat2));  // its flags are in memory
}

TEST_CASE("the ways around the recorder stop for a warning, and their harmless forms do not") {
  CHECK(traps(SYS_io_uring_setup));
  CHECK(traps(SYS_io_setup));
  CHECK(traps(SYS_ptrace));
  CHECK(traps(SYS_clone3));
  CHECK(traps(SYS_seccomp));
  CHECK(traps(SYS_prctl, {PR_SET_SECCOMP, SECCOMP_MODE_FILTER}));
  CHECK_FALSE(traps(SYS_prctl, {PR_SET_NAME}));
  CHECK(traps(SYS_clone, {CLONE_UNTRACED | SIGCHLD}));
  CHECK_FALSE(traps(SYS_clone, {CLONE_VM | CLONE_THREAD | CLONE_SIGHAND}));
  CHECK(traps(SYS_mmap, {0, 4096, PROT_READ, MAP_SHARED, 3}));
  CHECK(traps(SYS_mmap, {0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED_VALIDATE, 3}));
  CHECK_FALSE(traps(SYS_mmap, {0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, 3}));
  CHECK_FALSE(traps(SYS_mmap, {0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, ~0ull}));
  CHECK(traps(SYS_mprotect, {0, 4096, PROT_READ | PROT_WRITE}));
  CHECK_FALSE(traps(SYS_mprotect, {0, 4096, PROT_READ}));
  CHECK(traps(SYS_fcntl, {3, F_SETFL, O_DIRECT}));
  CHECK_FALSE(traps(SYS_fcntl, {3, F_SETFL, O_NONBLOCK}));
  CHECK_FALSE(traps(SYS_fcntl, {3, F_GETFL}));
  CHECK(traps(SYS_ioctl, {3, 0x40049409 /* FICLONE */, 4}));
  CHECK_FALSE(traps(SYS_ioctl, {1, 0x5401 /* TCGETS */}));
  CHECK(call(20 /* i386 getpid */, {}, AUDIT_ARCH_I386).action == SECCOMP_RET_TRACE);
  CHECK(traps(39 | 0x40000000 /* x32 getpid */));
}

TEST_CASE("every other call is allowed from its number alone, without reading an argument") {
  const std::set<long> argument_checked{SYS_open,  SYS_openat, SYS_mmap,  SYS_mprotect, SYS_pkey_mprotect,
                                        SYS_fcntl, SYS_ioctl,  SYS_clone, SYS_prctl};
  std::set<long> trapped{SYS_io_uring_setup, SYS_io_setup, SYS_ptrace, SYS_clone3, SYS_seccomp};
  for (const syscall_id s : all_syscalls()) trapped.insert(x86_64_number(s));
  for (long nr = 0; nr < 512; ++nr) {
    if (argument_checked.contains(nr)) continue;
    const verdict v = call(nr, {~0ull, ~0ull, ~0ull, ~0ull, ~0ull, ~0ull});
    INFO("system call " << nr);
    CHECK(v.action == (trapped.contains(nr) ? SECCOMP_RET_TRACE : SECCOMP_RET_ALLOW));
    CHECK_FALSE(v.read_arguments);
  }
}
