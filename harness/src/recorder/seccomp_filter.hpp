// SPDX-License-Identifier: Apache-2.0
// seccomp_filter.hpp: the BPF program that decides which system calls stop
// for the recorder (SECCOMP_RET_TRACE) and which run untouched.
//
//   std::vector<sock_filter> code = build_filter();
//   sock_fprog prog{static_cast<unsigned short>(code.size()), code.data()};
//   // in the child, after PR_SET_NO_NEW_PRIVS: seccomp(SECCOMP_SET_MODE_FILTER, flags, &prog)
//
// It traps:
//   - every modelled call (calls.hpp), except open and openat, which are
//     trapped only when their flags (a register) ask for a change or a
//     durability mode: O_CREAT, O_TRUNC, O_APPEND, O_SYNC, O_DSYNC,
//     O_TMPFILE, O_DIRECT. openat2 keeps its flags in memory: always trapped;
//   - the calls that let a program write where the recorder cannot see, to
//     warn: io_uring_setup, io_setup, shared file mmap, mprotect and
//     pkey_mprotect adding PROT_WRITE, fcntl(F_SETFL) with O_DIRECT, ioctl
//     FICLONE/FICLONERANGE/FIDEDUPERANGE, clone with CLONE_UNTRACED, clone3
//     (its flags are in memory), ptrace, seccomp and prctl(PR_SET_SECCOMP);
//   - every system call of another ABI (32-bit int 0x80, x32), to warn.
// Everything else returns SECCOMP_RET_ALLOW along a path that reads only the
// architecture and the call number, so the kernel can prove the answer
// constant and skip the filter for those calls altogether (its seccomp action
// cache, Linux 5.11+).
#pragma once

#include <linux/filter.h>

#include <cstdint>
#include <vector>

namespace crashpoint::recorder {

std::vector<sock_filter> build_filter();

// Bits of open's flags that make it a modelled call (or a warning: O_DIRECT).
std::uint32_t trapped_open_flags();

// The x32 ABI marks its call numbers with this bit.
inline constexpr std::uint32_t x32_syscall_bit = 0x40000000;

}  // namespace crashpoint::recorder
