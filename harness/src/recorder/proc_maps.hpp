// SPDX-License-Identifier: Apache-2.0
// proc_maps.hpp: a thread's memory mappings, from /proc/TID/maps, for the
// rare calls that name memory instead of a file (msync, mprotect).
//
//   for (const mapping& m : read_maps(tid))
//     if (m.shared && m.overlaps(addr, len)) ... m.path, m.dev, m.inode, m.offset
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace crashpoint::recorder {

struct mapping {
  std::uint64_t start = 0, end = 0;
  bool writable = false;
  bool shared = false;
  std::uint64_t offset = 0;  // file offset of `start`
  dev_t dev = 0;
  std::uint64_t inode = 0;
  std::string path;  // "" for anonymous memory

  bool overlaps(std::uint64_t addr, std::uint64_t length) const {
    return addr < end && (length == 0 ? addr >= start : addr + length > start);
  }
};

std::vector<mapping> read_maps(pid_t tid);
std::vector<mapping> parse_maps(std::string_view text);

}  // namespace crashpoint::recorder
