// SPDX-License-Identifier: Apache-2.0
// cpu_count.cpp: the affinity mask's size (see cpu_count.hpp).
#include "util/cpu_count.hpp"

#include <sched.h>

#include <algorithm>
#include <thread>

namespace crashpoint::harness {

unsigned usable_cpu_count() {
  // A mask sized for many CPUs: the default cpu_set_t stops at 1024.
  constexpr int max_cpus = 1 << 15;
  cpu_set_t* set = CPU_ALLOC(max_cpus);
  const std::size_t size = CPU_ALLOC_SIZE(max_cpus);
  int count = 0;
  if (set != nullptr && ::sched_getaffinity(0, size, set) == 0) count = CPU_COUNT_S(size, set);
  CPU_FREE(set);
  if (count > 0) return static_cast<unsigned>(count);
  return std::max(1u, std::thread::hardware_concurrency());
}

}  // namespace crashpoint::harness
