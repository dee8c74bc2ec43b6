// SPDX-License-Identifier: Apache-2.0
// calls.cpp: the table of modelled system calls (see calls.hpp).
#include "recorder/calls.hpp"

#include <fcntl.h>
#include <sys/syscall.h>

#include <array>

namespace crashpoint::recorder {

namespace {

struct call_row {
  syscall_id call;
  std::string_view name;
  long number;
  call_kind kind;
};

// In syscall_id order.
constexpr std::array<call_row, syscall_count> calls{{
    {syscall_id::open, "open", SYS_open, call_kind::open},
    {syscall_id::openat, "openat", SYS_openat, call_kind::open},
    {syscall_id::openat2, "openat2", SYS_openat2, call_kind::open},
    {syscall_id::creat, "creat", SYS_creat, call_kind::open},
    {syscall_id::write, "write", SYS_write, call_kind::write},
    {syscall_id::pwrite64, "pwrite64", SYS_pwrite64, call_kind::write},
    {syscall_id::writev, "writev", SYS_writev, call_kind::write},
    {syscall_id::pwritev, "pwritev", SYS_pwritev, call_kind::write},
    {syscall_id::pwritev2, "pwritev2", SYS_pwritev2, call_kind::write},
    {syscall_id::ftruncate, "ftruncate", SYS_ftruncate, call_kind::truncate},
    {syscall_id::truncate, "truncate", SYS_truncate, call_kind::truncate},
    {syscall_id::fallocate, "fallocate", SYS_fallocate, call_kind::fallocate},
    {syscall_id::rename, "rename", SYS_rename, call_kind::rename},
    {syscall_id::renameat, "renameat", SYS_renameat, call_kind::rename},
    {syscall_id::renameat2, "renameat2", SYS_renameat2, call_kind::rename},
    {syscall_id::link, "link", SYS_link, call_kind::link},
    {syscall_id::linkat, "linkat", SYS_linkat, call_kind::link},
    {syscall_id::symlink, "symlink", SYS_symlink, call_kind::symlink},
    {syscall_id::symlinkat, "symlinkat", SYS_symlinkat, call_kind::symlink},
    {syscall_id::unlink, "unlink", SYS_unlink, call_kind::unlink},
    {syscall_id::unlinkat, "unlinkat", SYS_unlinkat, call_kind::unlink},
    {syscall_id::mkdir, "mkdir", SYS_mkdir, call_kind::mkdir},
    {syscall_id::mkdirat, "mkdirat", SYS_mkdirat, call_kind::mkdir},
    {syscall_id::rmdir, "rmdir", SYS_rmdir, call_kind::rmdir},
    {syscall_id::fsync, "fsync", SYS_fsync, call_kind::fsync},
    {syscall_id::fdatasync, "fdatasync", SYS_fdatasync, call_kind::fdatasync},
    {syscall_id::sync_file_range, "sync_file_range", SYS_sync_file_range, call_kind::sync_file_range},
    {syscall_id::sync, "sync", SYS_sync, call_kind::sync},
    {syscall_id::syncfs, "syncfs", SYS_syncfs, call_kind::syncfs},
    {syscall_id::msync, "msync", SYS_msync, call_kind::msync},
    {syscall_id::copy_file_range, "copy_file_range", SYS_copy_file_range, call_kind::copy_file_range},
    {syscall_id::sendfile, "sendfile", SYS_sendfile, call_kind::sendfile},
    {syscall_id::splice, "splice", SYS_splice, call_kind::splice},
    {syscall_id::close, "close", SYS_close, call_kind::close},
}};

constexpr std::array<std::string_view, kind_count> kind_names{
    "open",  "write",           "truncate",        "fallocate", "rename",
    "link",  "symlink",         "unlink",          "mkdir",     "rmdir",
    "fsync", "fdatasync",       "sync_file_range", "sync",      "syncfs",
    "msync", "copy_file_range", "sendfile",        "splice",    "close"};

constexpr bool table_in_order() {
  for (std::size_t i = 0; i < calls.size(); ++i) {
    if (static_cast<std::size_t>(calls[i].call) != i) return false;
  }
  return true;
}
static_assert(table_in_order(), "calls[] must follow syscall_id's order");

constexpr std::array<syscall_id, syscall_count> make_syscall_list() {
  std::array<syscall_id, syscall_count> out{};
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = calls[i].call;
  return out;
}
constexpr std::array<call_kind, kind_count> make_kind_list() {
  std::array<call_kind, kind_count> out{};
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<call_kind>(i);
  return out;
}
constexpr auto syscall_list = make_syscall_list();
constexpr auto kind_list = make_kind_list();

const call_row& row(syscall_id call) { return calls[static_cast<std::size_t>(call)]; }

}  // namespace

std::string_view name(syscall_id call) { return row(call).name; }
std::string_view name(call_kind kind) { return kind_names[static_cast<std::size_t>(kind)]; }

call_kind kind_of(syscall_id call, std::uint64_t flags) {
  if (call == syscall_id::unlinkat && (flags & AT_REMOVEDIR) != 0) return call_kind::rmdir;
  return row(call).kind;
}

std::optional<syscall_id> syscall_from_name(std::string_view name) {
  for (const call_row& r : calls) {
    if (r.name == name) return r.call;
  }
  return std::nullopt;
}

std::optional<call_kind> kind_from_name(std::string_view name) {
  for (std::size_t i = 0; i < kind_names.size(); ++i) {
    if (kind_names[i] == name) return static_cast<call_kind>(i);
  }
  return std::nullopt;
}

long x86_64_number(syscall_id call) { return row(call).number; }

std::optional<syscall_id> syscall_from_x86_64(long number) {
  for (const call_row& r : calls) {
    if (r.number == number) return r.call;
  }
  return std::nullopt;
}

std::span<const syscall_id> all_syscalls() { return syscall_list; }
std::span<const call_kind> all_kinds() { return kind_list; }

}  // namespace crashpoint::recorder
