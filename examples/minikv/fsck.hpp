// SPDX-License-Identifier: Apache-2.0
// minikv/fsck.hpp: a read-only check of a store's invariants.
//
// store::open() repairs what a crash left behind; fsck changes nothing and
// reports what is wrong right now. Once recovery has run, these must hold:
//
//   - the snapshot, if there is one, parses completely;
//   - the log is a sequence of whole, intact records: no torn or damaged tail;
//   - no temporary file is left over.
//
// That every acknowledged put survived is for the scenarios to check: only they
// know which puts were acknowledged.
#ifndef MINIKV_FSCK_HPP
#define MINIKV_FSCK_HPP

#include <filesystem>
#include <string>
#include <vector>

namespace minikv {

// One line per violated invariant, naming the file; empty when all hold.
[[nodiscard]] std::vector<std::string> fsck(const std::filesystem::path& root);

}  // namespace minikv

#endif  // MINIKV_FSCK_HPP
