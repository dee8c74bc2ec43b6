// SPDX-License-Identifier: Apache-2.0
// seccomp_filter.cpp: building the trap filter (see seccomp_filter.hpp).
#include "recorder/seccomp_filter.hpp"

#include <fcntl.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include <array>
#include <cstddef>
#include <stdexcept>
#include <string>

#include "recorder/calls.hpp"

namespace crashpoint::recorder {

namespace {

// Offsets into struct seccomp_data; an argument's low 32 bits on x86-64.
constexpr std::uint32_t nr_offset = offsetof(seccomp_data, nr);
constexpr std::uint32_t arch_offset = offsetof(seccomp_data, arch);
constexpr std::uint32_t arg_offset(int i) {
  return static_cast<std::uint32_t>(offsetof(seccomp_data, args) + 8 * static_cast<std::size_t>(i));
}

constexpr std::uint32_t ficlone = 0x40049409;        // FICLONE
constexpr std::uint32_t ficlonerange = 0x4020940d;   // FICLONERANGE
constexpr std::uint32_t fideduperange = 0xc0189436;  // FIDEDUPERANGE

// A tiny assembler: conditional jumps name labels, resolved at the end, since
// classic BPF jumps are forward offsets of at most 255 instructions.
class assembler {
 public:
  enum label : int {
    trace,
    allow,
    open_flags,
    openat_flags,
    mmap_flags,
    mprotect_prot,
    fcntl_cmd,
    ioctl_cmd,
    clone_flags,
    prctl_option,
    label_count
  };

  void load(std::uint32_t offset) { emit(BPF_LD | BPF_W | BPF_ABS, offset, -1, -1); }
  // Jumps to `yes` when the accumulator equals k (JEQ) or has any bit of k (JSET);
  // falls through otherwise.
  void jump_if_equal(std::uint32_t k, label yes) { emit(BPF_JMP | BPF_JEQ | BPF_K, k, yes, -1); }
  void jump_if_any_bit(std::uint32_t k, label yes) { emit(BPF_JMP | BPF_JSET | BPF_K, k, yes, -1); }
  void jump_unless_equal(std::uint32_t k, label no) { emit(BPF_JMP | BPF_JEQ | BPF_K, k, -1, no); }
  void jump(label to) { emit(BPF_JMP | BPF_JA, 0, to, -1); }
  void ret(std::uint32_t action) { emit(BPF_RET | BPF_K, action, -1, -1); }
  void place(label l) { where_[static_cast<std::size_t>(l)] = static_cast<int>(code_.size()); }

  std::vector<sock_filter> finish() {
    for (std::size_t i = 0; i < code_.size(); ++i) {
      code_[i].jt = offset(i, targets_[i].first);
      code_[i].jf = offset(i, targets_[i].second);
      if (code_[i].code == (BPF_JMP | BPF_JA)) {
        code_[i].k = code_[i].jt;
        code_[i].jt = 0;
      }
    }
    return code_;
  }

 private:
  void emit(std::uint16_t code, std::uint32_t k, int jt, int jf) {
    code_.push_back(sock_filter{code, 0, 0, k});
    targets_.emplace_back(jt, jf);
  }
  std::uint8_t offset(std::size_t from, int target) const {
    if (target < 0) return 0;  // fall through
    const int distance = where_[static_cast<std::size_t>(target)] - static_cast<int>(from) - 1;
    if (where_[static_cast<std::size_t>(target)] < 0 || distance < 0 || distance > 255)
      throw std::logic_error("seccomp filter: bad jump");
    return static_cast<std::uint8_t>(distance);
  }

  std::vector<sock_filter> code_;
  std::vector<std::pair<int, int>> targets_;
  std::array<int, label_count> where_ = make_unplaced();
  static std::array<int, label_count> make_unplaced() {
    std::array<int, label_count> a{};
    a.fill(-1);
    return a;
  }
};

}  // namespace

std::uint32_t trapped_open_flags() {
  const auto sync_only = static_cast<std::uint32_t>(O_SYNC & ~O_DSYNC);            // __O_SYNC
  const auto tmpfile_only = static_cast<std::uint32_t>(O_TMPFILE & ~O_DIRECTORY);  // __O_TMPFILE
  return O_CREAT | O_TRUNC | O_APPEND | O_DSYNC | sync_only | tmpfile_only | O_DIRECT;
}

std::vector<sock_filter> build_filter() {
  using a = assembler;
  assembler as;
  as.load(arch_offset);
  as.jump_unless_equal(AUDIT_ARCH_X86_64, a::trace);
  as.load(nr_offset);
  as.jump_if_any_bit(x32_syscall_bit, a::trace);

  // Calls whose decision needs an argument.
  as.jump_if_equal(SYS_open, a::open_flags);
  as.jump_if_equal(SYS_openat, a::openat_flags);
  as.jump_if_equal(SYS_mmap, a::mmap_flags);
  as.jump_if_equal(SYS_mprotect, a::mprotect_prot);
  as.jump_if_equal(SYS_pkey_mprotect, a::mprotect_prot);
  as.jump_if_equal(SYS_fcntl, a::fcntl_cmd);
  as.jump_if_equal(SYS_ioctl, a::ioctl_cmd);
  as.jump_if_equal(SYS_clone, a::clone_flags);
  as.jump_if_equal(SYS_prctl, a::prctl_option);

  // Calls trapped whatever their arguments.
  for (const syscall_id call : all_syscalls()) {
    if (call != syscall_id::open && call != syscall_id::openat) {
      as.jump_if_equal(static_cast<std::uint32_t>(x86_64_number(call)), a::trace);
    }
  }
  for (const long watched : {SYS_io_uring_setup, SYS_io_setup, SYS_ptrace, SYS_clone3, SYS_seccomp}) {
    as.jump_if_equal(static_cast<std::uint32_t>(watched), a::trace);
  }
  as.jump(a::allow);

  as.place(a::open_flags);
  as.load(arg_offset(1));
  as.jump_if_any_bit(trapped_open_flags(), a::trace);
  as.jump(a::allow);

  as.place(a::openat_flags);
  as.load(arg_offset(2));
  as.jump_if_any_bit(trapped_open_flags(), a::trace);
  as.jump(a::allow);

  as.place(a::mmap_flags);  // a file (not MAP_ANONYMOUS) mapped MAP_SHARED (or MAP_SHARED_VALIDATE)
  as.load(arg_offset(3));
  as.jump_if_any_bit(MAP_ANONYMOUS, a::allow);
  as.jump_if_any_bit(MAP_SHARED, a::trace);
  as.jump(a::allow);

  as.place(a::mprotect_prot);
  as.load(arg_offset(2));
  as.jump_if_any_bit(PROT_WRITE, a::trace);
  as.jump(a::allow);

  as.place(a::fcntl_cmd);
  as.load(arg_offset(1));
  as.jump_unless_equal(F_SETFL, a::allow);
  as.load(arg_offset(2));
  as.jump_if_any_bit(O_DIRECT, a::trace);
  as.jump(a::allow);

  as.place(a::ioctl_cmd);
  as.load(arg_offset(1));
  as.jump_if_equal(ficlone, a::trace);
  as.jump_if_equal(ficlonerange, a::trace);
  as.jump_if_equal(fideduperange, a::trace);
  as.jump(a::allow);

  as.place(a::prctl_option);
  as.load(arg_offset(0));
  as.jump_if_equal(PR_SET_SECCOMP, a::trace);
  as.jump(a::allow);

  as.place(a::clone_flags);
  as.load(arg_offset(0));
  as.jump_if_any_bit(CLONE_UNTRACED, a::trace);
  // fall through to allow

  as.place(a::allow);
  as.ret(SECCOMP_RET_ALLOW);
  as.place(a::trace);
  as.ret(SECCOMP_RET_TRACE);
  return as.finish();
}

}  // namespace crashpoint::recorder
