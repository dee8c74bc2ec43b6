// SPDX-License-Identifier: Apache-2.0
// flag_names.hpp: flag arguments as text, as strace prints them, and back.
//
//   flags_text(flag_set::open, O_WRONLY | O_CREAT | O_TRUNC) == "O_WRONLY|O_CREAT|O_TRUNC"
//   flags_text(flag_set::rename, RENAME_NOREPLACE) == "RENAME_NOREPLACE"
//   parse_flags(flag_set::open, "O_RDWR|O_APPEND") == O_RDWR | O_APPEND
//   mode_text(0644) == "0644"
//
// Bits without a name are kept as a hexadecimal term ("O_WRONLY|0x40000000"),
// so text and number convert both ways without loss. Each call's flags
// argument has its own names: flags_of(call) says which set applies.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "recorder/calls.hpp"

namespace crashpoint::recorder {

enum class flag_set : std::uint8_t {
  none,             // the call takes no flags
  open,             // O_* (also the descriptor flags F_GETFL returns)
  rename,           // RENAME_* (renameat2)
  at,               // AT_* (unlinkat, linkat)
  fallocate,        // FALLOC_FL_*
  sync_file_range,  // SYNC_FILE_RANGE_*
  msync,            // MS_*
  rwf,              // RWF_* (pwritev2)
  splice,           // SPLICE_F_*
  copy,             // copy_file_range: none defined yet, kept as a number
};

flag_set flags_of(syscall_id call);

// The open set always names its access mode ("O_RDONLY" for 0); the other
// sets give "" for 0.
std::string flags_text(flag_set set, std::uint64_t flags);
std::optional<std::uint64_t> parse_flags(flag_set set, std::string_view text);

// The kernel's O_LARGEFILE: glibc defines O_LARGEFILE as 0 on x86-64, but the
// kernel sets this bit on every file a 64-bit program opens.
inline constexpr std::uint64_t kernel_o_largefile = 0100000;

std::string mode_text(std::uint32_t mode);                       // "0644", "01777"
std::optional<std::uint32_t> parse_mode(std::string_view text);  // octal, 1 to 7 digits

}  // namespace crashpoint::recorder
