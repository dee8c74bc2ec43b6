// workdir.hpp: the harness's own temporary directories, and nothing else.
//
// Every run gets a directory under one temporary root:
//
//     $TMPDIR/crashpoint-XXXXXX/0003-deposit@deposit_after_intent/
//         work/    the workdir: the state under test, the commands' cwd
//         home/    HOME for every command (beside, not inside, the workdir)
//         tmp/     TMPDIR for every command
//         logs/    each command's captured stdout and stderr
//         before/  copies taken just before the crash run (`unchanged` checks)
//         trace    the checkpoint library's trace of the crash run
//         state.json   CRASHPOINT_STATE
//
// The root is the only place the harness ever deletes from: removal refuses
// any path that is not strictly inside it.
#pragma once

#include <filesystem>
#include <string>

namespace crashpoint::harness {

namespace fs = std::filesystem;

struct run_dirs {
  fs::path dir, work, home, tmp, logs, before, trace, state;
};

class temp_root {
 public:
  // Creates $TMPDIR/crashpoint-XXXXXX (or under /tmp); throws on failure.
  temp_root();
  const fs::path& path() const { return root_; }

  // Creates the directories of run number `index` named after `id`.
  run_dirs make_run_dirs(std::size_t index, const std::string& id) const;

  // Removes `dir` when it lies strictly inside the root; returns false otherwise.
  bool remove(const fs::path& dir) const;

  // Removes the root itself if nothing was kept in it.
  void remove_if_empty() const;

 private:
  fs::path root_;
};

// Copies the folder `from` into `to` recursively. Symbolic links are copied as
// links, never followed, so a fixture cannot make the harness read or write
// outside it.
void copy_fixture(const fs::path& from, const fs::path& to);

}  // namespace crashpoint::harness
