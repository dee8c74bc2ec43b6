// SPDX-License-Identifier: Apache-2.0
// bench_explore_target: the target of bench/explore_1000.sh, with 1,000 crash
// points: 100 checkpoints (`point_00` .. `point_99`), each reached 10 times.
//
//   bench_explore_target run [HITS]   writes `data.tmp`, reaches the crash
//                                  points (HITS rounds over the 100 names,
//                                  default 10: 1,000 points), then renames
//                                  `data.tmp` to `data`; exits 0
//   bench_explore_target recover   removes a leftover `data.tmp`; exits 0
//
// The scenario asserts that no `*.tmp` is left after recovery.
#include <crashpoint/crashpoint.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  if (std::strcmp(argv[1], "recover") == 0) {
    std::remove("data.tmp");
    return 0;
  }
  if (std::strcmp(argv[1], "run") != 0) return 2;
  const int hits = argc > 2 ? std::atoi(argv[2]) : 10;
  if (hits < 1) return 2;
  std::vector<std::string> names;
  for (int i = 0; i < 100; ++i) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "point_%02d", i);
    names.emplace_back(buf);
  }
  std::FILE* f = std::fopen("data.tmp", "w");
  if (f == nullptr) return 1;
  for (int round = 0; round < hits; ++round) {
    for (const std::string& name : names) crashpoint::maybe_panic_at(name);
  }
  std::fputs("done\n", f);
  if (std::fclose(f) != 0) return 1;
  return std::rename("data.tmp", "data") == 0 ? 0 : 1;
}
