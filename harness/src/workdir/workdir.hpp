// SPDX-License-Identifier: Apache-2.0
// workdir.hpp: the harness's own temporary directories, and nothing else.
//
// Every run gets a directory under one temporary root:
//
//     $TMPDIR/crashpoint-XXXXXX/0003-deposit@deposit_after_intent/
//         work/    the workdir: the state under test, the commands' cwd
//         home/    HOME for every command (beside, not inside, the workdir)
//         tmp/     TMPDIR for every command
//         logs/    each command's captured stdout and stderr
//         trace    the checkpoint library's trace of the crash run
//         state.json   CRASHPOINT_STATE
//
// The root is the only place the harness ever deletes from, and targets run
// inside it and may have done anything to it: deleted or chmodded (000) their
// directories, replaced a directory with a symbolic link to somewhere else,
// hard-linked a file from elsewhere. So every operation here
//   - refuses any path that is not strictly inside the root (lexically: no
//     `..` out of it, no relative path);
//   - walks from a descriptor of the root opened when it was created, one
//     component at a time with O_NOFOLLOW, so neither a symbolic link planted
//     on the way nor a root renamed or replaced meanwhile can lead it outside;
//   - never crosses a mount point (a target running as root may bind-mount
//     any folder into its workdir): a removal detaches the mount instead, or
//     leaves it and says so on stderr (dir_fd.hpp); a folder it could not
//     remove stays, and remove() and recycle() return false;
//   - gives the harness's own directories back the owner's rwx bits it needs
//     (through the descriptor, never through a name).
//
// Recycling. Creating and removing the five directories of a run is most of
// what a run folder costs: on a disk that discards freed blocks synchronously,
// each rmdir waits milliseconds. So a run folder that is not kept is recycled
// instead: renamed to a spare name in the root (`.spare-N`), emptied down to
// its four directories, and renamed to the next run's name by make_run_dirs.
// A recycled folder must be indistinguishable from a fresh one, so
//   - everything in it but work/ home/ tmp/ logs/ is removed, and everything
//     in those four, by the same walk as remove() (no link followed, mode-000
//     folders opened through O_PATH);
//   - the five directories get back the mode of a fresh run folder (as the
//     first fresh one was made: mkdir 0777 & umask), and must then match it
//     in owner, group, size, inode flags and extended attributes (ACLs); a
//     directory that grew (ext4 never shrinks one), a link or file in place of
//     one of the four, or an incomplete emptying: the folder is removed
//     instead, and the next run gets a fresh one;
//   - a folder is reused only once no process can still be inside it: one
//     that outlived its run (none should: each command's leftovers are killed
//     when it ends, orphan_reaper.hpp; this does not rely on it) could
//     otherwise write into the next run's workdir through its working
//     directory. The harness is a child subreaper, so every
//     such process descends from one of its children. A folder is emptied as
//     soon as its run ends; if the harness has a child then, the folder waits,
//     and is emptied again and reused once the harness is seen with no child
//     at all (at -j1 that is right away, at -jN when no other worker is in a
//     command; past 16 folders waiting, the oldest is removed instead).
//     Without the subreaper nothing is recycled.
//
//   const temp_root root;                          // $TMPDIR/crashpoint-k3J9aQ
//   run_dirs d = root.make_run_dirs(2, "deposit@deposit_after_intent");
//   root.write_file(d.logs / "1-crash.out", text);  // never through a link
//   root.copy_folder(t.work, d.work, error);        // a setup template's state (tree_copy.hpp)
//   root.recycle(d.dir);                            // emptied for the next run, or removed
//   root.remove(d.dir);                             // or: gone, whatever the target left
//   root.remove_if_empty();                         // the spares, then the root if empty
#pragma once

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "workdir/dir_fd.hpp"

namespace crashpoint::harness {

namespace fs = std::filesystem;

class spare_folders;  // spare_folders.hpp

struct run_dirs {
  fs::path dir, work, home, tmp, logs, trace, state;
};

// Thrown when the temporary root cannot be made (TMPDIR names no writable
// folder): nothing has run yet, so the command line reports it as a usage error.
class temp_root_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class temp_root {
 public:
  // Creates $TMPDIR/crashpoint-XXXXXX (or under /tmp); throws temp_root_error on failure.
  temp_root();
  ~temp_root();
  temp_root(const temp_root&) = delete;
  temp_root& operator=(const temp_root&) = delete;

  const fs::path& path() const { return root_; }

  // Creates the directories of run number `index` named after `id` (or renames
  // a recycled folder to that name). Throws if they cannot be made, or if the
  // root is no longer at path() (a target moved or removed it: paths under
  // path() would lead elsewhere). Safe from several threads.
  run_dirs make_run_dirs(std::size_t index, const std::string& id) const;

  // Removes `p` (a directory with everything in it, or a file or a symbolic
  // link itself, never what a link points to) when it lies strictly inside the
  // root and no component between the root and it is a symbolic link. True
  // when it is gone (or was never there); false when refused or incomplete.
  bool remove(const fs::path& p) const;

  // Parks the run folder `run_dir` (one that make_run_dirs made) for a later
  // make_run_dirs, to be emptied as described above; removes it as remove()
  // does when it is not a directory right in the root, when nothing can be
  // recycled (no subreaper, no fresh folder made yet) or when it cannot be
  // made like new. True when it is gone from its name (parked or removed);
  // false when refused or left in place. Safe from several threads.
  bool recycle(const fs::path& run_dir) const;

  // Removes the parked folders, then the root itself if nothing was kept in
  // it. Call it once no run is under way.
  void remove_if_empty() const;

  // Copies everything in the folder `from` into the existing folder `to`, both
  // strictly inside the root and reached without following a link, as
  // tree_copy.hpp describes; `from` is only read. False with `error` set when
  // refused or when something could not be copied faithfully (what was copied
  // stays: remove or recycle `to`'s run folder).
  bool copy_folder(const fs::path& from, const fs::path& to, std::string& error) const;

  // Writes `text` to the file `file` strictly inside the root, as a new file:
  // whatever was at that name (a file, a hard link to a file elsewhere) is
  // unlinked first, and no symbolic link is followed on the way. False (and
  // nothing written) when refused or when it cannot be written.
  bool write_file(const fs::path& file, std::string_view text) const;

  // Opens the file `file` strictly inside the root for reading, walking as
  // remove() does (no symbolic link followed, the last component included:
  // ELOOP; no mount point crossed: EXDEV), with O_NONBLOCK, so that a FIFO
  // there cannot make the harness wait. Empty, with errno, on failure.
  dirfd::unique_fd open_for_reading(const fs::path& file) const;

 private:
  fs::path root_;
  int root_fd_ = -1;                       // the root directory, wherever its path leads later
  int parent_fd_ = -1;                     // the directory it was created in
  std::string name_;                       // its name there
  std::unique_ptr<spare_folders> spares_;  // the recycled run folders
};

// Copies the folder `from` into `to` recursively. Symbolic links are copied as
// links, never followed, so a fixture cannot make the harness read or write
// outside it.
void copy_fixture(const fs::path& from, const fs::path& to);

}  // namespace crashpoint::harness
