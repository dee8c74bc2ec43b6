// SPDX-License-Identifier: Apache-2.0
// bench_overhead_target: the trivial target of bench/harness_overhead.sh.
//
//   bench_overhead_target NAME   reaches the one checkpoint NAME, then exits 0
//
// Armed with CRASHPOINT=NAME it crashes there (message on stderr, SIGABRT), so
// a run of the benchmark's suite is two short processes: this one, crashing,
// and the recovery step /bin/true. Nothing else happens in either.
#include <crashpoint/crashpoint.hpp>

int main(int argc, char** argv) {
  if (argc > 1) crashpoint::maybe_panic_at(argv[1]);
  return 0;
}
