// SPDX-License-Identifier: Apache-2.0
// fast_path_probe.cpp: two small callers of a checkpoint, compiled by hand to
// read the machine code of the fast path (docs/performance.md, "Checkpoint cost"):
//
//     g++ -std=c++17 -O3 -Ilib/include -S -o - bench/fast_path_probe.cpp | c++filt
//
// Not part of any target: it exists to be looked at.
#include <crashpoint/crashpoint.hpp>

void write_record(int i);

// A checkpoint alone.
void commit_mapping() { crashpoint::maybe_panic_at("mapping_after_tmp_before_commit"); }

// A checkpoint in a loop, after each write.
void save_all(int n) {
  for (int i = 0; i < n; ++i) {
    write_record(i);
    crashpoint::maybe_panic_at("mapping_after_tmp_before_commit");
  }
}
