// SPDX-License-Identifier: Apache-2.0
// calls.hpp: the system calls the recorder models, and the kinds that crash
// points name.
//
//   syscall_from_x86_64(82) == syscall_id::rename;  name(syscall_id::pwrite64) == "pwrite64"
//   kind_of(syscall_id::pwrite64, 0) == call_kind::write
//   kind_of(syscall_id::unlinkat, AT_REMOVEDIR) == call_kind::rmdir
//   kind_from_name("fsync") == call_kind::fsync
//
// A *syscall* is one x86-64 system call (openat, pwritev2). A *kind* is what a
// program means by it, whatever variant its libc or runtime uses: glibc's
// open() is the openat system call, Go renames with renameat, so a crash point
// `sys:open@1` or `sys:rename@1` names the kind, which covers every variant:
//
//   open      open openat openat2 creat        link      link linkat
//   write     write pwrite64 writev pwritev    symlink   symlink symlinkat
//             pwritev2                         unlink    unlink, unlinkat without AT_REMOVEDIR
//   truncate  truncate ftruncate               rmdir     rmdir, unlinkat with AT_REMOVEDIR
//   rename    rename renameat renameat2        mkdir     mkdir mkdirat
//
// and every other kind is its one system call (fallocate, fsync, fdatasync,
// sync_file_range, sync, syncfs, msync, copy_file_range, sendfile, splice,
// close). A point may also name a system call that is not a kind (openat,
// pwrite64, renameat2, ...) to count only that variant.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace crashpoint::recorder {

enum class syscall_id : std::uint8_t {
  open,
  openat,
  openat2,
  creat,
  write,
  pwrite64,
  writev,
  pwritev,
  pwritev2,
  ftruncate,
  truncate,
  fallocate,
  rename,
  renameat,
  renameat2,
  link,
  linkat,
  symlink,
  symlinkat,
  unlink,
  unlinkat,
  mkdir,
  mkdirat,
  rmdir,
  fsync,
  fdatasync,
  sync_file_range,
  sync,
  syncfs,
  msync,
  copy_file_range,
  sendfile,
  splice,
  close,
};
inline constexpr std::size_t syscall_count = static_cast<std::size_t>(syscall_id::close) + 1;

enum class call_kind : std::uint8_t {
  open,
  write,
  truncate,
  fallocate,
  rename,
  link,
  symlink,
  unlink,
  mkdir,
  rmdir,
  fsync,
  fdatasync,
  sync_file_range,
  sync,
  syncfs,
  msync,
  copy_file_range,
  sendfile,
  splice,
  close,
};
inline constexpr std::size_t kind_count = static_cast<std::size_t>(call_kind::close) + 1;

std::string_view name(syscall_id call);
std::string_view name(call_kind kind);

// The kind a call belongs to; `flags` matters only for unlinkat (AT_REMOVEDIR
// makes it an rmdir).
call_kind kind_of(syscall_id call, std::uint64_t flags);

std::optional<syscall_id> syscall_from_name(std::string_view name);
std::optional<call_kind> kind_from_name(std::string_view name);

// x86-64 system call numbers, both ways.
long x86_64_number(syscall_id call);
std::optional<syscall_id> syscall_from_x86_64(long number);

// Every syscall and kind, in declaration order (for listings and suggestions).
std::span<const syscall_id> all_syscalls();
std::span<const call_kind> all_kinds();

}  // namespace crashpoint::recorder
