// SPDX-License-Identifier: Apache-2.0
// spare_folders.hpp: the run folders temp_root recycles (see "Recycling" in
// workdir.hpp): parked under spare names in the root, emptied, checked to look
// exactly like a fresh run folder, and handed to the next run. Internal to
// workdir.cpp.
//
//   spare_folders spares(root_fd, warn);      // warn(name, report): a spare that could not be removed
//   spares.note_fresh(run_fd, work_fd);       // once, from a folder no target has touched
//   spares.park("0003-deposit@x", &left);      // after the run: emptied, or removed
//   spares.reuse_as("0004-deposit@y");         // before the next: true if renamed
//   spares.drop_all();                         // at the end of the session
#pragma once

#include <sys/types.h>

#include <array>
#include <atomic>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "workdir/dir_fd.hpp"

namespace crashpoint::harness {

// The directories of a run folder that a recycled folder keeps.
inline constexpr std::array<const char*, 4> run_subdirs{"work", "home", "tmp", "logs"};

// What makes a directory look fresh to a target, beyond being empty.
struct dir_identity {
  uid_t uid = 0;
  gid_t gid = 0;
  mode_t mode = 0;  // permission bits, setgid included
  off_t size = 0;   // grows with the entries a directory once held, on ext4 for good
  long flags = -1;  // chattr flags (casefold, append-only, ...); -1: not supported
  std::string xattrs;
  bool operator==(const dir_identity&) const = default;
};

// The parked run folders, by name in the root, all emptied already: `ready`
// ones can be reused; `pending` ones were parked while some process could
// still be inside (and write into them again), so they are emptied once more
// when none can be any more, and become ready then. A folder in which a mount
// point was found is never reused: it is removed (the mount detached first).
class spare_folders {
 public:
  // `warn` is told of a parked folder (by its name in the root) that could
  // not be removed, and why.
  using warning = std::function<void(const std::string& name, const dirfd::removal_report&)>;
  spare_folders(int root_fd, warning warn) : root_fd_(root_fd), warn_(std::move(warn)) {}

  // Whether a folder given to park() can be made like new.
  bool can_recycle() const;

  // Remembers how the first fresh run folder `run_fd` and its workdir `work_fd` look.
  void note_fresh(int run_fd, int work_fd);

  enum class parked { yes, removed, left, not_a_spare };
  // Renames the run folder `name` to a spare name, empties it and parks it
  // (yes), or removes it when it cannot be made like new (removed). `left`:
  // it could not be removed either, and is back under its name, with `*left`
  // saying why. `not_a_spare`: it is not a directory or cannot be renamed (and
  // is left as it is).
  parked park(const std::string& name, dirfd::removal_report* left);

  // Renames a ready spare (settling the pending ones first if none is) to
  // `name`. False when there is none or it cannot be renamed.
  bool reuse_as(const std::string& name);

  // Removes every parked folder.
  void drop_all();

 private:
  struct fresh_look {
    dir_identity run, sub;
  };
  // Pending folders are empty skeletons: this bounds only their number.
  static constexpr std::size_t max_pending = 16;

  std::optional<fresh_look> fresh() const;
  bool has_ready() const;
  // Renames the run folder `name` to an unused `.spare-N`; its new name.
  std::optional<std::string> rename_to_spare(const std::string& name);

  // Once no process can be inside the pending folders, empties them again
  // (whatever was written since): each becomes ready, or is removed. The
  // check is made under the lock, so after every folder it releases was parked.
  void settle();

  // Empties the parked folder `spare` down to its four empty directories and
  // gives them and it back the look of a fresh run folder. False when that
  // fails in any way, or a mount point was found in it (the caller then
  // removes it).
  bool renew(const std::string& spare, const fresh_look& look) const;
  // Removes the parked folder `spare`, warning when it cannot.
  void drop(const std::string& spare) const;

  const int root_fd_;
  const warning warn_;
  mutable std::mutex mutex_;
  std::optional<fresh_look> fresh_;
  std::deque<std::string> pending_;
  std::vector<std::string> ready_;
  std::atomic<std::size_t> next_{0};
};

}  // namespace crashpoint::harness
