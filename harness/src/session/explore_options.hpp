// SPDX-License-Identifier: Apache-2.0
// explore_options.hpp: which discovered crash points become runs
// (`--include`, `--exclude`, `--max-hits`, `--double`; explore.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace crashpoint::harness {

struct explore_options {
  std::uint64_t max_hits = 0;        // per checkpoint; 0: every hit
  std::vector<std::string> include;  // globs on checkpoint names; empty: all
  std::vector<std::string> exclude;  // globs on checkpoint names
  bool double_crash = false;         // --double: crash recovery too
  bool syscalls = false;             // --syscalls: every modelled file-system call is a point too
};

}  // namespace crashpoint::harness
