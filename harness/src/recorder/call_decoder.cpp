// SPDX-License-Identifier: Apache-2.0
// call_decoder.cpp: decoding each modelled call's arguments (see call_decoder.hpp).
#include "recorder/call_decoder.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include <algorithm>

#include "recorder/proc_maps.hpp"
#include "recorder/seccomp_filter.hpp"
#include "recorder/tracee_memory.hpp"

namespace crashpoint::recorder {

namespace {

constexpr std::uint64_t max_rw_count = 0x7ffff000;  // the kernel caps one read or write here
constexpr std::uint64_t max_iovecs = 1024;          // UIO_MAXIOV
constexpr std::uint64_t rwf_append = 0x10;          // RWF_APPEND
constexpr std::uint32_t mode_bits = 07777;

int as_fd(std::uint64_t arg) { return static_cast<int>(static_cast<std::int32_t>(arg)); }

void identity_of(io_op& op, const std::string& abs, bool follow) {
  struct stat st {};
  if ((follow ? ::stat(abs.c_str(), &st) : ::lstat(abs.c_str(), &st)) == 0) {
    op.dev = st.st_dev;
    op.ino = st.st_ino;
  }
}

void identity_of(io_op& op, const fd_facts& f) {
  op.dev = f.dev;
  op.ino = f.ino;
}

// The buffers of writev and friends, with their total length (nullopt when
// the array cannot be read: the call fails with EFAULT or EINVAL).
std::optional<std::uint64_t> read_iovecs(pid_t tid, std::uint64_t addr, std::uint64_t count,
                                         std::vector<memory_range>& out) {
  if (count > max_iovecs) return std::nullopt;
  std::vector<iovec> iov(count);
  const std::size_t bytes = count * sizeof(iovec);
  if (read_memory(tid, addr, iov.data(), bytes) != bytes) return std::nullopt;
  std::uint64_t total = 0;
  for (const iovec& v : iov) {
    out.push_back({reinterpret_cast<std::uint64_t>(v.iov_base), v.iov_len});
    total += v.iov_len;
  }
  return std::min(total, max_rw_count);
}

}  // namespace

struct call_decoder::context {
  pid_t tid, tgid;
  const syscall_args& a;
  decoded_call d;

  std::optional<std::string> resolve(int dirfd, std::size_t path_arg, resolve_mode mode) const {
    const auto text = read_string(tid, a[path_arg]);
    if (!text) return std::nullopt;
    return resolve_path(tid, tgid, dirfd, *text, mode);
  }
};

std::optional<decoded_call> call_decoder::operator()(pid_t tid, pid_t tgid, syscall_id call,
                                                     const syscall_args& args) {
  context c{tid, tgid, args, {}};
  c.d.op.call = call;
  c.d.op.kind = kind_of(call, call == syscall_id::unlinkat ? args[2] : 0);
  c.d.op.pid = tgid;
  c.d.op.tid = tid;
  switch (c.d.op.kind) {
    case call_kind::open: return open_call(c);
    case call_kind::write: return write_call(c);
    case call_kind::rename: return rename_call(c);
    case call_kind::link: return link_call(c);
    case call_kind::symlink: return symlink_call(c);
    case call_kind::unlink:
    case call_kind::rmdir: return remove_call(c);
    case call_kind::mkdir: return mkdir_call(c);
    case call_kind::copy_file_range:
    case call_kind::sendfile:
    case call_kind::splice: return copy_call(c);
    case call_kind::msync: return msync_call(c);
    case call_kind::sync: return std::move(c.d);
    case call_kind::truncate:
      if (call == syscall_id::truncate) return path_truncate_call(c);
      return descriptor_call(c);
    case call_kind::fallocate:
    case call_kind::fsync:
    case call_kind::fdatasync:
    case call_kind::sync_file_range:
    case call_kind::syncfs:
    case call_kind::close: return descriptor_call(c);
  }
  return std::nullopt;
}

std::optional<decoded_call> call_decoder::open_call(context& c) {
  io_op& op = c.d.op;
  int dirfd = AT_FDCWD;
  std::size_t path_arg = 0;
  std::uint64_t flags = 0, mode = 0;
  switch (op.call) {
    case syscall_id::open:
      flags = c.a[1];
      mode = c.a[2];
      break;
    case syscall_id::creat:
      flags = O_CREAT | O_WRONLY | O_TRUNC;
      mode = c.a[1];
      break;
    case syscall_id::openat:
      dirfd = as_fd(c.a[0]);
      path_arg = 1;
      flags = c.a[2];
      mode = c.a[3];
      break;
    case syscall_id::openat2: {
      dirfd = as_fd(c.a[0]);
      path_arg = 1;
      open_how how{};
      if (c.a[3] < sizeof how || read_memory(c.tid, c.a[2], &how, sizeof how) != sizeof how)
        return std::nullopt;
      flags = how.flags;
      mode = how.mode;
      break;
    }
    default: return std::nullopt;
  }
  flags &= 0xffffffffu;                                          // open's flags are an int
  if ((flags & trapped_open_flags()) == 0) return std::nullopt;  // openat2, or another filter's trap

  const bool tmpfile = (flags & O_TMPFILE) == O_TMPFILE;
  const bool creates_entry = (flags & O_CREAT) != 0 && (flags & (O_EXCL | O_NOFOLLOW)) != 0;
  const auto abs = c.resolve(dirfd, path_arg, creates_entry ? resolve_mode::entry : resolve_mode::follow);
  if (!abs) return std::nullopt;
  const auto rel = root_.relative(*abs);
  if (!rel) return std::nullopt;
  op.path = *rel;
  op.flags = flags;
  if ((flags & O_CREAT) != 0 || tmpfile) op.mode = static_cast<std::uint32_t>(mode) & mode_bits;
  c.d.at_exit.identity_from_result_fd = true;
  c.d.at_exit.warns_direct_io = (flags & O_DIRECT) != 0;
  return std::move(c.d);
}

std::optional<decoded_call> call_decoder::write_call(context& c) {
  io_op& op = c.d.op;
  const int fd = as_fd(c.a[0]);
  std::optional<std::uint64_t> explicit_offset;
  std::optional<std::uint64_t> length;
  switch (op.call) {
    case syscall_id::write:
    case syscall_id::pwrite64:
      length = std::min(c.a[2], max_rw_count);
      c.d.payload.push_back({c.a[1], *length});
      if (op.call == syscall_id::pwrite64) explicit_offset = c.a[3];
      break;
    case syscall_id::writev:
    case syscall_id::pwritev:
    case syscall_id::pwritev2:
      length = read_iovecs(c.tid, c.a[1], c.a[2], c.d.payload);
      // pwritev2's offset -1 means "the file position", like writev.
      if (op.call != syscall_id::writev && static_cast<std::int64_t>(c.a[3]) != -1) explicit_offset = c.a[3];
      if (op.call == syscall_id::pwritev2) op.flags = c.a[5];
      break;
    default: return std::nullopt;
  }
  const auto f = fds_.facts(c.tid, c.tgid, fd, !explicit_offset);
  if (!f || !f->regular()) return std::nullopt;
  const auto rel = root_.relative(f->path);
  if (!rel) return std::nullopt;
  op.fd = fd;
  op.path = *rel;
  op.fd_flags = static_cast<std::uint64_t>(f->status_flags);
  identity_of(op, *f);
  // Appends go to the end whatever offset was asked for (pwrite on an
  // O_APPEND descriptor too, a Linux quirk).
  const bool append = (f->status_flags & O_APPEND) != 0 || (op.flags & rwf_append) != 0;
  op.offset = append ? std::optional(f->size) : explicit_offset ? explicit_offset : f->pos;
  op.length = length;
  return std::move(c.d);
}

std::optional<decoded_call> call_decoder::rename_call(context& c) {
  io_op& op = c.d.op;
  int old_dir = AT_FDCWD, new_dir = AT_FDCWD;
  std::size_t old_arg = 0, new_arg = 1;
  if (op.call != syscall_id::rename) {
    old_dir = as_fd(c.a[0]);
    old_arg = 1;
    new_dir = as_fd(c.a[2]);
    new_arg = 3;
    if (op.call == syscall_id::renameat2) op.flags = c.a[4] & 0xffffffffu;
  }
  const auto from = c.resolve(old_dir, old_arg, resolve_mode::entry);
  const auto to = c.resolve(new_dir, new_arg, resolve_mode::entry);
  if (!from || !to || !(root_.holds_entry(*from) || root_.holds_entry(*to))) return std::nullopt;
  op.path = root_.display(*from);
  op.path2 = root_.display(*to);
  identity_of(op, *from, false);
  return std::move(c.d);
}

std::optional<decoded_call> call_decoder::link_call(context& c) {
  io_op& op = c.d.op;
  int old_dir = AT_FDCWD, new_dir = AT_FDCWD;
  std::size_t old_arg = 0, new_arg = 1;
  if (op.call == syscall_id::linkat) {
    old_dir = as_fd(c.a[0]);
    old_arg = 1;
    new_dir = as_fd(c.a[2]);
    new_arg = 3;
    op.flags = c.a[4] & 0xffffffffu;
  }
  std::optional<std::string> from;
  const auto old_text = read_string(c.tid, c.a[old_arg]);
  if (!old_text) return std::nullopt;
  if (old_text->empty() && (op.flags & AT_EMPTY_PATH) != 0) {
    // linkat(fd, "", ..., AT_EMPTY_PATH): the file behind the descriptor (an O_TMPFILE).
    const auto f = fds_.facts(c.tid, c.tgid, old_dir, false);
    if (!f) return std::nullopt;
    from = f->path;
    identity_of(op, *f);
  } else {
    const bool follow = (op.flags & AT_SYMLINK_FOLLOW) != 0;
    from =
        resolve_path(c.tid, c.tgid, old_dir, *old_text, follow ? resolve_mode::follow : resolve_mode::entry);
    identity_of(op, reachable_path(c.tid, c.tgid, old_dir, *old_text), follow);
  }
  const auto to = c.resolve(new_dir, new_arg, resolve_mode::entry);
  if (!from || !to || !(root_.relative(*from) || root_.holds_entry(*to))) return std::nullopt;
  op.path = root_.display(*from);
  op.path2 = root_.display(*to);
  return std::move(c.d);
}

std::optional<decoded_call> call_decoder::symlink_call(context& c) {
  io_op& op = c.d.op;
  const auto target = read_string(c.tid, c.a[0]);
  const bool at = op.call == syscall_id::symlinkat;
  const auto link = c.resolve(at ? as_fd(c.a[1]) : AT_FDCWD, at ? 2 : 1, resolve_mode::entry);
  if (!target || !link || !root_.holds_entry(*link)) return std::nullopt;
  op.path = *target;  // the link's text, as given: never resolved
  op.path2 = *root_.relative(*link);
  c.d.at_exit.identity_from_path = *link;
  return std::move(c.d);
}

std::optional<decoded_call> call_decoder::remove_call(context& c) {
  io_op& op = c.d.op;
  const bool at = op.call == syscall_id::unlinkat;
  if (at) op.flags = c.a[2] & 0xffffffffu;
  const auto abs = c.resolve(at ? as_fd(c.a[0]) : AT_FDCWD, at ? 1 : 0, resolve_mode::entry);
  if (!abs || !root_.holds_entry(*abs)) return std::nullopt;
  op.path = *root_.relative(*abs);
  identity_of(op, *abs, false);
  return std::move(c.d);
}

std::optional<decoded_call> call_decoder::mkdir_call(context& c) {
  io_op& op = c.d.op;
  const bool at = op.call == syscall_id::mkdirat;
  const auto abs = c.resolve(at ? as_fd(c.a[0]) : AT_FDCWD, at ? 1 : 0, resolve_mode::entry);
  if (!abs || !root_.holds_entry(*abs)) return std::nullopt;
  op.path = *root_.relative(*abs);
  op.mode = static_cast<std::uint32_t>(c.a[at ? 2 : 1]) & mode_bits;
  c.d.at_exit.identity_from_path = *abs;
  return std::move(c.d);
}

std::optional<decoded_call> call_decoder::copy_call(context& c) {
  io_op& op = c.d.op;
  int in_fd = 0, out_fd = 0;
  std::uint64_t out_offset_ptr = 0;
  switch (op.call) {
    case syscall_id::copy_file_range:
    case syscall_id::splice:
      in_fd = as_fd(c.a[0]);
      out_fd = as_fd(c.a[2]);
      out_offset_ptr = c.a[3];
      op.length = c.a[4];
      op.flags = c.a[5] & 0xffffffffu;
      break;
    case syscall_id::sendfile:
      out_fd = as_fd(c.a[0]);
      in_fd = as_fd(c.a[1]);
      op.length = c.a[3];
      break;
    default: return std::nullopt;
  }
  const auto out = fds_.facts(c.tid, c.tgid, out_fd, out_offset_ptr == 0);
  if (!out || !out->regular()) return std::nullopt;
  const auto rel = root_.relative(out->path);
  if (!rel) return std::nullopt;
  op.fd = out_fd;
  op.path = *rel;
  op.fd_flags = static_cast<std::uint64_t>(out->status_flags);
  identity_of(op, *out);
  if (out_offset_ptr != 0) {
    std::uint64_t offset = 0;
    if (read_memory(c.tid, out_offset_ptr, &offset, sizeof offset) == sizeof offset) op.offset = offset;
  } else {
    op.offset = (out->status_flags & O_APPEND) != 0 ? std::optional(out->size) : out->pos;
  }
  if (const auto in = fds_.facts(c.tid, c.tgid, in_fd, false)) op.path2 = root_.display(in->path);
  c.d.at_exit.payload_from_file = true;
  return std::move(c.d);
}

std::optional<decoded_call> call_decoder::msync_call(context& c) {
  io_op& op = c.d.op;
  const std::uint64_t addr = c.a[0];
  for (const mapping& m : read_maps(c.tid)) {
    if (addr < m.start || addr >= m.end || m.path.empty()) continue;
    const auto rel = root_.relative(m.path);
    if (!rel) return std::nullopt;
    op.path = *rel;
    op.offset = m.offset + (addr - m.start);
    op.length = c.a[1];
    op.flags = c.a[2] & 0xffffffffu;
    op.dev = m.dev;
    op.ino = m.inode;
    return std::move(c.d);
  }
  return std::nullopt;
}

std::optional<decoded_call> call_decoder::path_truncate_call(context& c) {
  io_op& op = c.d.op;
  const auto text = read_string(c.tid, c.a[0]);
  const auto abs = text ? resolve_path(c.tid, c.tgid, AT_FDCWD, *text, resolve_mode::follow) : std::nullopt;
  if (!abs) return std::nullopt;
  const auto rel = root_.relative(*abs);
  if (!rel) return std::nullopt;
  op.path = *rel;
  op.length = c.a[1];
  identity_of(op, reachable_path(c.tid, c.tgid, AT_FDCWD, *text), true);
  return std::move(c.d);
}

// Calls on one descriptor: ftruncate, fallocate, fsync, fdatasync,
// sync_file_range, syncfs, close.
std::optional<decoded_call> call_decoder::descriptor_call(context& c) {
  io_op& op = c.d.op;
  const int fd = as_fd(c.a[0]);
  const auto f = fds_.facts(c.tid, c.tgid, fd, false);
  if (!f || !(f->regular() || f->directory())) return std::nullopt;
  if (op.call == syscall_id::syncfs) {
    // syncfs flushes the whole file system: modelled when it holds the root.
    if (f->dev != root_.dev()) return std::nullopt;
    op.path = root_.display(f->path);
  } else {
    const auto rel = root_.relative(f->path);
    if (!rel) return std::nullopt;
    op.path = *rel;
  }
  op.fd = fd;
  op.fd_flags = static_cast<std::uint64_t>(f->status_flags);
  identity_of(op, *f);
  switch (op.call) {
    case syscall_id::ftruncate: op.length = c.a[1]; break;
    case syscall_id::fallocate:
      op.flags = c.a[1] & 0xffffffffu;
      op.offset = c.a[2];
      op.length = c.a[3];
      break;
    case syscall_id::sync_file_range:
      op.offset = c.a[1];
      op.length = c.a[2];
      op.flags = c.a[3] & 0xffffffffu;
      break;
    default: break;
  }
  return std::move(c.d);
}

}  // namespace crashpoint::recorder
