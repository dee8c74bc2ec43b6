// SPDX-License-Identifier: Apache-2.0
// call_decoder.hpp: from a stopped thread's system call and arguments to the
// io_op the log will hold, or nothing when the call is not modelled.
//
//   call_decoder decode(root, fds);
//   std::optional<decoded_call> d = decode(tid, tgid, syscall_id::renameat, args);
//   if (!d) resume();                 // outside the root, a pipe, a bad descriptor: not modelled
//   ... d->op (no seq, no result yet), d->payload (buffers to keep), d->at_exit (what to learn after)
//
// Decoding happens at the call's entry (its seccomp stop), before it runs:
// the path a call names and a write's offset are facts of that moment. What
// only exists afterwards (a new file's inode, what a copy wrote) is left to
// the exit plan.
#pragma once

#include <sys/types.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "recorder/fd_probe.hpp"
#include "recorder/io_op.hpp"
#include "recorder/path_resolver.hpp"
#include "recorder/payload_store.hpp"

namespace crashpoint::recorder {

using syscall_args = std::array<std::uint64_t, 6>;

// What to learn when the call returns.
struct exit_plan {
  bool identity_from_result_fd = false;  // open: the new descriptor's dev/ino
  std::string identity_from_path;        // mkdir, symlink: lstat this absolute path
  bool payload_from_file = false;        // copy_file_range, sendfile, splice: read what landed
  bool warns_direct_io = false;          // an O_DIRECT open under the root
};

struct decoded_call {
  io_op op;
  std::vector<memory_range> payload;  // write family: the caller's buffers
  exit_plan at_exit;
};

class call_decoder {
 public:
  call_decoder(const root_dir& root, fd_prober& fds) : root_(root), fds_(fds) {}
  std::optional<decoded_call> operator()(pid_t tid, pid_t tgid, syscall_id call, const syscall_args& args);

 private:
  struct context;
  std::optional<decoded_call> open_call(context& c);
  std::optional<decoded_call> write_call(context& c);
  std::optional<decoded_call> rename_call(context& c);
  std::optional<decoded_call> link_call(context& c);
  std::optional<decoded_call> symlink_call(context& c);
  std::optional<decoded_call> remove_call(context& c);
  std::optional<decoded_call> mkdir_call(context& c);
  std::optional<decoded_call> copy_call(context& c);
  std::optional<decoded_call> msync_call(context& c);
  std::optional<decoded_call> path_truncate_call(context& c);
  std::optional<decoded_call> descriptor_call(context& c);

  const root_dir& root_;
  fd_prober& fds_;
};

}  // namespace crashpoint::recorder
