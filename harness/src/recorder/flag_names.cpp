// SPDX-License-Identifier: Apache-2.0
// flag_names.cpp: the names of each flag set (see flag_names.hpp).
#include "recorder/flag_names.hpp"

#include <fcntl.h>
#include <sys/mman.h>

#include <cstdio>  // RENAME_*

#include <charconv>
#include <span>
#include <vector>

#include <fmt/format.h>

namespace crashpoint::recorder {

namespace {

struct named_bits {
  std::uint64_t bits;
  std::string_view name;
};

// Multi-bit names (O_SYNC includes O_DSYNC, O_TMPFILE includes O_DIRECTORY)
// come before the names of their parts, so they win.
constexpr named_bits open_names[] = {
    {O_CREAT, "O_CREAT"},
    {O_EXCL, "O_EXCL"},
    {O_NOCTTY, "O_NOCTTY"},
    {O_TRUNC, "O_TRUNC"},
    {O_APPEND, "O_APPEND"},
    {O_NONBLOCK, "O_NONBLOCK"},
    {O_SYNC, "O_SYNC"},
    {O_DSYNC, "O_DSYNC"},
    {FASYNC, "O_ASYNC"},
    {O_DIRECT, "O_DIRECT"},
    {kernel_o_largefile, "O_LARGEFILE"},
    {O_TMPFILE, "O_TMPFILE"},
    {O_DIRECTORY, "O_DIRECTORY"},
    {O_NOFOLLOW, "O_NOFOLLOW"},
    {O_NOATIME, "O_NOATIME"},
    {O_CLOEXEC, "O_CLOEXEC"},
    {O_PATH, "O_PATH"},
};
constexpr named_bits access_names[] = {{O_RDONLY, "O_RDONLY"}, {O_WRONLY, "O_WRONLY"}, {O_RDWR, "O_RDWR"}};

constexpr named_bits rename_names[] = {{RENAME_NOREPLACE, "RENAME_NOREPLACE"},
                                       {RENAME_EXCHANGE, "RENAME_EXCHANGE"},
                                       {RENAME_WHITEOUT, "RENAME_WHITEOUT"}};
constexpr named_bits at_names[] = {{AT_REMOVEDIR, "AT_REMOVEDIR"},
                                   {AT_SYMLINK_FOLLOW, "AT_SYMLINK_FOLLOW"},
                                   {AT_EMPTY_PATH, "AT_EMPTY_PATH"}};
constexpr named_bits fallocate_names[] = {{FALLOC_FL_KEEP_SIZE, "FALLOC_FL_KEEP_SIZE"},
                                          {FALLOC_FL_PUNCH_HOLE, "FALLOC_FL_PUNCH_HOLE"},
                                          {FALLOC_FL_NO_HIDE_STALE, "FALLOC_FL_NO_HIDE_STALE"},
                                          {FALLOC_FL_COLLAPSE_RANGE, "FALLOC_FL_COLLAPSE_RANGE"},
                                          {FALLOC_FL_ZERO_RANGE, "FALLOC_FL_ZERO_RANGE"},
                                          {FALLOC_FL_INSERT_RANGE, "FALLOC_FL_INSERT_RANGE"},
                                          {FALLOC_FL_UNSHARE_RANGE, "FALLOC_FL_UNSHARE_RANGE"}};
constexpr named_bits sync_file_range_names[] = {{SYNC_FILE_RANGE_WAIT_BEFORE, "SYNC_FILE_RANGE_WAIT_BEFORE"},
                                                {SYNC_FILE_RANGE_WRITE, "SYNC_FILE_RANGE_WRITE"},
                                                {SYNC_FILE_RANGE_WAIT_AFTER, "SYNC_FILE_RANGE_WAIT_AFTER"}};
constexpr named_bits msync_names[] = {
    {MS_ASYNC, "MS_ASYNC"}, {MS_INVALIDATE, "MS_INVALIDATE"}, {MS_SYNC, "MS_SYNC"}};
// RWF_* by value: glibc's and the kernel's headers define them differently,
// and Debian 12's lack the newer ones.
constexpr named_bits rwf_names[] = {{0x01, "RWF_HIPRI"},  {0x02, "RWF_DSYNC"},    {0x04, "RWF_SYNC"},
                                    {0x08, "RWF_NOWAIT"}, {0x10, "RWF_APPEND"},   {0x20, "RWF_NOAPPEND"},
                                    {0x40, "RWF_ATOMIC"}, {0x80, "RWF_DONTCACHE"}};
constexpr named_bits splice_names[] = {{SPLICE_F_MOVE, "SPLICE_F_MOVE"},
                                       {SPLICE_F_NONBLOCK, "SPLICE_F_NONBLOCK"},
                                       {SPLICE_F_MORE, "SPLICE_F_MORE"},
                                       {SPLICE_F_GIFT, "SPLICE_F_GIFT"}};

std::span<const named_bits> names_of(flag_set set) {
  switch (set) {
    case flag_set::open: return open_names;
    case flag_set::rename: return rename_names;
    case flag_set::at: return at_names;
    case flag_set::fallocate: return fallocate_names;
    case flag_set::sync_file_range: return sync_file_range_names;
    case flag_set::msync: return msync_names;
    case flag_set::rwf: return rwf_names;
    case flag_set::splice: return splice_names;
    case flag_set::none:
    case flag_set::copy: break;
  }
  return {};
}

void add_term(std::string& out, std::string_view term) {
  if (!out.empty()) out += '|';
  out += term;
}

std::optional<std::uint64_t> parse_hex(std::string_view text) {
  if (!text.starts_with("0x") || text.size() == 2) return std::nullopt;
  std::uint64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data() + 2, end, value, 16);
  if (ec != std::errc{} || ptr != end) return std::nullopt;
  return value;
}

}  // namespace

flag_set flags_of(syscall_id call) {
  switch (call) {
    case syscall_id::open:
    case syscall_id::openat:
    case syscall_id::openat2:
    case syscall_id::creat: return flag_set::open;
    case syscall_id::renameat2: return flag_set::rename;
    case syscall_id::unlinkat:
    case syscall_id::linkat: return flag_set::at;
    case syscall_id::fallocate: return flag_set::fallocate;
    case syscall_id::sync_file_range: return flag_set::sync_file_range;
    case syscall_id::msync: return flag_set::msync;
    case syscall_id::pwritev2: return flag_set::rwf;
    case syscall_id::splice: return flag_set::splice;
    case syscall_id::copy_file_range: return flag_set::copy;
    default: return flag_set::none;
  }
}

std::string flags_text(flag_set set, std::uint64_t flags) {
  std::string out;
  if (set == flag_set::open) {
    // O_PATH ignores the access mode; the mode bits are printed as they are.
    const std::uint64_t access = flags & O_ACCMODE;
    add_term(out, access < 3 ? access_names[access].name : "O_ACCMODE");
    flags &= ~static_cast<std::uint64_t>(O_ACCMODE);
  }
  for (const named_bits& n : names_of(set)) {
    if (n.bits != 0 && (flags & n.bits) == n.bits) {
      add_term(out, n.name);
      flags &= ~n.bits;
    }
  }
  if (flags != 0) add_term(out, fmt::format("{:#x}", flags));
  return out;
}

std::optional<std::uint64_t> parse_flags(flag_set set, std::string_view text) {
  std::uint64_t value = 0;
  if (text.empty()) return value;
  const std::span<const named_bits> names = names_of(set);
  while (true) {
    const std::size_t bar = text.find('|');
    const std::string_view term = text.substr(0, bar);
    std::optional<std::uint64_t> bits = parse_hex(term);
    if (!bits && set == flag_set::open) {
      for (const named_bits& n : access_names) {
        if (n.name == term) bits = n.bits;
      }
      if (term == "O_ACCMODE") bits = O_ACCMODE;
    }
    for (const named_bits& n : names) {
      if (!bits && n.name == term) bits = n.bits;
    }
    if (!bits) return std::nullopt;
    value |= *bits;
    if (bar == std::string_view::npos) return value;
    text.remove_prefix(bar + 1);
  }
}

std::string mode_text(std::uint32_t mode) { return fmt::format("{:04o}", mode); }

std::optional<std::uint32_t> parse_mode(std::string_view text) {
  if (text.empty() || text.size() > 7) return std::nullopt;
  std::uint32_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value, 8);
  if (ec != std::errc{} || ptr != end) return std::nullopt;
  return value;
}

}  // namespace crashpoint::recorder
