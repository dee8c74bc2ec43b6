// SPDX-License-Identifier: Apache-2.0
// cpu_count.hpp: how many runs execute at once by default (`-j`).
#pragma once

namespace crashpoint::harness {

// The CPUs this process may run on (sched_getaffinity: what `taskset`, cgroup
// cpusets and container runtimes allow), at least 1. Not the machine's count,
// which would overcommit a process confined to a few of them.
unsigned usable_cpu_count();

}  // namespace crashpoint::harness
