// SPDX-License-Identifier: Apache-2.0
// workdir_test.cpp: temp_root deletes and writes only strictly inside its own
// folder, never through a symbolic link, and removes whatever a target left
// there (mode-000 folders, links out, very deep trees). A recycled run folder
// is like a fresh one, and is reused only when no process can be inside it.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <csignal>
#include <fstream>
#include <sstream>

#include "files.hpp"
#include "mounts.hpp"
#include "process/orphan_reaper.hpp"
#include "spawn.hpp"
#include "workdir/workdir.hpp"

using crashpoint::test::names_in;
using crashpoint::test::read_file;
using crashpoint::test::write_file;

namespace {

using crashpoint::harness::temp_root;
using crashpoint::test::temp_dir;
namespace fs = std::filesystem;

fs::perms perms_of(const fs::path& p) { return fs::symlink_status(p).permissions(); }

// TMPDIR pointed at a test folder while a temp_root is made, so the roots
// land somewhere the test can look.
class scoped_tmpdir {
 public:
  explicit scoped_tmpdir(const fs::path& dir) {
    if (const char* old = std::getenv("TMPDIR")) old_ = old;
    ::setenv("TMPDIR", dir.c_str(), 1);
  }
  ~scoped_tmpdir() {
    if (old_.empty()) {
      ::unsetenv("TMPDIR");
    } else {
      ::setenv("TMPDIR", old_.c_str(), 1);
    }
  }
  scoped_tmpdir(const scoped_tmpdir&) = delete;
  scoped_tmpdir& operator=(const scoped_tmpdir&) = delete;

 private:
  std::string old_;
};

// A folder outside the root with content that must survive.
struct outside_folder {
  temp_dir dir;
  fs::path path = dir / "outside";
  fs::perms mode;
  outside_folder() {
    write_file(path / "precious.txt", "precious\n");
    write_file(path / "sub" / "deep.txt", "deep\n");
    mode = perms_of(path);
  }
  bool intact() const {
    return read_file(path / "precious.txt") == "precious\n" &&
           read_file(path / "sub" / "deep.txt") == "deep\n" && perms_of(path) == mode &&
           fs::is_directory(path / "sub");
  }
};

}  // namespace

TEST_CASE("workdir: remove refuses every path that is not strictly inside the root") {
  const temp_dir area;
  const scoped_tmpdir tmp(area.path());
  const temp_root root;
  const outside_folder outside;
  CHECK_FALSE(root.remove(root.path()));
  CHECK_FALSE(root.remove(root.path() / "."));
  CHECK_FALSE(root.remove(root.path().parent_path()));
  CHECK_FALSE(root.remove(outside.path));
  CHECK_FALSE(root.remove(root.path() / ".." / outside.path.lexically_relative(root.path().parent_path())));
  CHECK_FALSE(root.remove(root.path() / "a" / ".." / ".." / "outside"));
  CHECK_FALSE(root.remove("relative/path"));
  CHECK_FALSE(root.remove(""));
  CHECK(outside.intact());
  CHECK(fs::is_directory(root.path()));
}

TEST_CASE("workdir: remove never follows a symbolic link out of the root") {
  const temp_dir area;
  const scoped_tmpdir tmp(area.path());
  const temp_root root;
  const outside_folder outside;
  const auto run = root.make_run_dirs(0, "links");

  SECTION("a link on the way is refused") {
    fs::create_directory_symlink(outside.path, run.work / "out");
    CHECK_FALSE(root.remove(run.work / "out" / "sub"));
    CHECK_FALSE(root.remove(run.work / "out" / "precious.txt"));
    CHECK(outside.intact());
  }
  SECTION("a link itself is removed, not what it points to") {
    fs::create_directory_symlink(outside.path, run.work / "out");
    CHECK(root.remove(run.work / "out"));
    CHECK_FALSE(fs::exists(fs::symlink_status(run.work / "out")));
    CHECK(outside.intact());
  }
  SECTION("a run folder holding links out is removed, the links' targets stay") {
    fs::create_directory_symlink(outside.path, run.work / "out");
    fs::create_symlink(outside.path / "precious.txt", run.work / "file_out");
    fs::create_directory_symlink("../../..", run.work / "up");
    CHECK(root.remove(run.dir));
    CHECK_FALSE(fs::exists(run.dir));
    CHECK(outside.intact());
  }
  SECTION("a run folder a target replaced by a link out: only the link goes") {
    fs::remove_all(run.dir);
    fs::create_directory_symlink(outside.path, run.dir);
    CHECK(root.remove(run.dir));
    CHECK_FALSE(fs::exists(fs::symlink_status(run.dir)));
    CHECK(outside.intact());
  }
  SECTION("a root reached through a link is refused: the path is not lexically inside") {
    const fs::path alias = area / "alias";
    fs::create_directory_symlink(root.path(), alias);
    CHECK_FALSE(root.remove(alias / run.dir.filename()));
    CHECK(fs::exists(run.dir));
  }
}

TEST_CASE("workdir: remove clears what a target left: mode-000 folders, read-only files, deep trees") {
  const temp_dir area;
  const scoped_tmpdir tmp(area.path());
  const temp_root root;
  const auto run = root.make_run_dirs(0, "mess");
  write_file(run.work / "a" / "b" / "c" / "f", "x");
  write_file(run.work / "ro" / "g", "y");
  fs::permissions(run.work / "ro" / "g", fs::perms::owner_read);
  fs::permissions(run.work / "ro", fs::perms::owner_read | fs::perms::owner_exec);
  for (const char* d : {"a/b/c", "a/b", "a"}) fs::permissions(run.work / d, fs::perms::none);
  fs::path deep = run.work / "deep";
  for (int i = 0; i < 300; ++i) deep /= "d";
  fs::create_directories(deep);
  write_file(deep / "bottom", "z");
  fs::permissions(run.work, fs::perms::none);
  fs::permissions(run.dir, fs::perms::owner_read);

  CHECK(root.remove(run.dir));
  CHECK_FALSE(fs::exists(run.dir));
  root.remove_if_empty();
  CHECK(fs::is_empty(area.path()));
}

TEST_CASE("workdir: remove_if_empty keeps a root that holds a kept run") {
  const temp_dir area;
  const scoped_tmpdir tmp(area.path());
  const temp_root root;
  const auto kept = root.make_run_dirs(0, "kept");
  root.remove_if_empty();
  CHECK(fs::is_directory(kept.work));
}

TEST_CASE("workdir: remove_if_empty leaves alone whatever replaced the root") {
  const temp_dir area;
  const scoped_tmpdir tmp(area.path());
  const temp_root root;
  const fs::path moved = area / "moved";
  fs::rename(root.path(), moved);
  fs::create_directory(root.path());  // someone else's, empty, under the old name
  root.remove_if_empty();
  CHECK(fs::is_directory(root.path()));
  CHECK_THROWS_WITH(root.make_run_dirs(0, "after"), Catch::Contains("was moved or removed"));
}

TEST_CASE("workdir: write_file writes only inside the root, as a new file") {
  const temp_dir area;
  const scoped_tmpdir tmp(area.path());
  const temp_root root;
  const outside_folder outside;
  const auto run = root.make_run_dirs(0, "writes");

  CHECK(root.write_file(run.logs / "1-crash.out", "out\n"));
  CHECK(read_file(run.logs / "1-crash.out") == "out\n");
  CHECK(root.write_file(run.logs / "1-crash.out", "again\n"));
  CHECK(read_file(run.logs / "1-crash.out") == "again\n");

  SECTION("a link in place of the file is replaced, not written through") {
    fs::create_symlink(outside.path / "precious.txt", run.state);
    CHECK(root.write_file(run.state, "{}"));
    CHECK_FALSE(fs::is_symlink(run.state));
    CHECK(read_file(run.state) == "{}");
  }
  SECTION("a hard link to a file outside is replaced, not written through") {
    fs::create_hard_link(outside.path / "precious.txt", run.logs / "2-recover.out");
    CHECK(root.write_file(run.logs / "2-recover.out", "recover\n"));
    CHECK(read_file(run.logs / "2-recover.out") == "recover\n");
  }
  SECTION("a link in place of a folder on the way is refused") {
    fs::remove_all(run.logs);
    fs::create_directory_symlink(outside.path, run.logs);
    CHECK_FALSE(root.write_file(run.logs / "3-assert.out", "x"));
    CHECK_FALSE(fs::exists(outside.path / "3-assert.out"));
  }
  SECTION("outside the root: refused") {
    CHECK_FALSE(root.write_file(outside.path / "precious.txt", "overwritten"));
    CHECK_FALSE(root.write_file(root.path() / ".." / "x", "x"));
  }
  CHECK(outside.intact());
}

// ---------------------------------------------------------------- recycling

namespace {

using crashpoint::harness::run_dirs;

// The modes of a run's five folders.
std::vector<fs::perms> modes_of(const run_dirs& d) {
  return {perms_of(d.dir), perms_of(d.work), perms_of(d.home), perms_of(d.tmp), perms_of(d.logs)};
}

// A descriptor that keeps a folder's inode alive, so that no folder made
// later can get its number: the same number later means the same folder.
struct held_dir {
  int fd;
  explicit held_dir(const fs::path& p) : fd(::open(p.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC)) {}
  ~held_dir() { ::close(fd); }
  held_dir(const held_dir&) = delete;
  held_dir& operator=(const held_dir&) = delete;
  bool is(const fs::path& p) const {
    struct stat held {
    }, now{};
    return ::fstat(fd, &held) == 0 && ::stat(p.c_str(), &now) == 0 && held.st_nlink > 0 &&
           held.st_dev == now.st_dev && held.st_ino == now.st_ino;
  }
};

// What a run folder holds for its next run: its four folders, empty, with the
// modes of a fresh run folder.
void check_like_new(const run_dirs& d, const std::vector<fs::perms>& fresh_modes) {
  CHECK(names_in(d.dir) == std::vector<std::string>{"home", "logs", "tmp", "work"});
  for (const fs::path& sub : {d.work, d.home, d.tmp, d.logs}) {
    INFO(sub);
    CHECK(fs::is_directory(fs::symlink_status(sub)));
    CHECK(fs::is_empty(sub));
  }
  CHECK(modes_of(d) == fresh_modes);
}

// A target's mess: files and folders everywhere, links out of the root, a
// mode-000 folder, and its run's folders chmodded.
void leave_a_mess(const run_dirs& d, const fs::path& outside) {
  write_file(d.work / "a" / "b" / "file", "x");
  write_file(d.work / "locked" / "file", "x");
  fs::create_directory_symlink(outside, d.work / "out");
  fs::create_symlink(outside / "precious.txt", d.work / "precious");
  write_file(d.home / ".config" / "tool", "h");
  write_file(d.tmp / "scratch", "t");
  fs::create_directory_symlink(outside, d.tmp / "out");
  write_file(d.logs / "1-crash.out", "out");
  write_file(d.state, "{}");
  write_file(d.trace, "trace");
  write_file(d.dir / "before" / "data", "before");
  write_file(d.dir / "written-by-target" / "f", "f");
  fs::permissions(d.work / "locked", fs::perms::none);
  fs::permissions(d.work, fs::perms::none);
  fs::permissions(d.home, fs::perms::owner_read);
  fs::permissions(d.dir, fs::perms::owner_read | fs::perms::owner_exec);
}

// A temporary root in a folder of its own, in a process that is a child
// subreaper (run_command makes the harness one): the conditions recycling needs.
struct recycling_root {
  recycling_root() { REQUIRE(subreaper); }
  const bool subreaper = crashpoint::harness::become_subreaper();
  const temp_dir area;
  const scoped_tmpdir tmp{area.path()};
  const temp_root root;
};

}  // namespace

TEST_CASE_METHOD(
    recycling_root,
    "workdir: recycle empties a run folder a target messed up, and the next run gets it under its own name") {
  const outside_folder outside;
  const auto first = root.make_run_dirs(0, "first");
  const auto fresh_modes = modes_of(first);
  const held_dir first_dir(first.dir);
  leave_a_mess(first, outside.path);

  CHECK(root.recycle(first.dir));
  CHECK_FALSE(fs::exists(fs::symlink_status(first.dir)));
  CHECK(outside.intact());

  const auto second = root.make_run_dirs(1, "second@cp");
  CHECK(second.dir == root.path() / "0002-second@cp");
  CHECK(first_dir.is(second.dir));  // recycled, not made anew
  check_like_new(second, fresh_modes);
  CHECK(names_in(root.path()) == std::vector<std::string>{"0002-second@cp"});

  // And again, from the recycled folder.
  leave_a_mess(second, outside.path);
  CHECK(root.recycle(second.dir));
  const auto third = root.make_run_dirs(2, "third");
  CHECK(first_dir.is(third.dir));
  check_like_new(third, fresh_modes);
  CHECK(outside.intact());
}

TEST_CASE_METHOD(recycling_root,
                 "workdir: a run folder whose own folders a target replaced is removed, not recycled") {
  const outside_folder outside;
  const auto first = root.make_run_dirs(0, "first");
  const auto fresh_modes = modes_of(first);
  const held_dir first_dir(first.dir);

  SECTION("work/ is a link out of the root") {
    fs::remove_all(first.work);
    fs::create_directory_symlink(outside.path, first.work);
  }
  SECTION("home/ and tmp/ are gone") {
    fs::remove_all(first.home);
    fs::remove_all(first.tmp);
  }
  SECTION("logs/ is a file") {
    fs::remove_all(first.logs);
    write_file(first.logs, "not a folder");
  }
  SECTION("the run folder itself is a link out of the root") {
    fs::remove_all(first.dir);
    fs::create_directory_symlink(outside.path, first.dir);
  }
  CHECK(root.recycle(first.dir));
  CHECK_FALSE(fs::exists(fs::symlink_status(first.dir)));
  CHECK(fs::is_empty(root.path()));  // no spare kept
  CHECK(outside.intact());

  const auto second = root.make_run_dirs(1, "second");
  CHECK_FALSE(first_dir.is(second.dir));
  check_like_new(second, fresh_modes);
}

TEST_CASE_METHOD(
    recycling_root,
    "workdir: recycle refuses what is not inside the root and removes what is not a run folder") {
  const outside_folder outside;
  const auto run = root.make_run_dirs(0, "run");
  CHECK_FALSE(root.recycle(root.path()));
  CHECK_FALSE(root.recycle(outside.path));
  CHECK_FALSE(root.recycle(root.path() / ".." / outside.path.lexically_relative(root.path().parent_path())));
  CHECK(root.recycle(run.work));  // not right in the root: removed as remove() would
  CHECK_FALSE(fs::exists(run.work));
  CHECK(outside.intact());
}

TEST_CASE_METHOD(recycling_root, "workdir: remove_if_empty removes the recycled folders, and then the root") {
  const auto a = root.make_run_dirs(0, "a");
  const auto b = root.make_run_dirs(1, "b");

  SECTION("nothing kept: the root goes") {
    CHECK(root.recycle(a.dir));
    CHECK(root.recycle(b.dir));
    CHECK(names_in(root.path()).size() == 2);  // parked for later runs
    root.remove_if_empty();
    CHECK(fs::is_empty(area.path()));
  }
  SECTION("a kept run: only the spares go") {
    CHECK(root.recycle(a.dir));
    root.remove_if_empty();
    CHECK(names_in(root.path()) == std::vector<std::string>{"0002-b"});
  }
}

TEST_CASE_METHOD(
    recycling_root,
    "workdir: a run folder is not reused while a process that may be inside it lives, and is emptied again") {
  const auto first = root.make_run_dirs(0, "first");
  const auto fresh_modes = modes_of(first);
  const held_dir first_dir(first.dir);
  // A daemon's working directory: it outlives the run.
  const int daemon_cwd = ::open(first.work.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  REQUIRE(daemon_cwd >= 0);
  const pid_t daemon = ::fork();
  REQUIRE(daemon >= 0);
  if (daemon == 0) {
    ::pause();
    ::_exit(0);
  }

  write_file(first.work / "data", "the run's data");
  CHECK(root.recycle(first.dir));
  CHECK(::faccessat(daemon_cwd, "data", F_OK, 0) != 0);  // emptied at once all the same
  const auto second = root.make_run_dirs(1, "second");
  CHECK_FALSE(first_dir.is(second.dir));  // a fresh one: the daemon may still write
  const int late = ::openat(daemon_cwd, "written-late", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  CHECK(late >= 0);
  ::close(late);

  ::kill(daemon, SIGKILL);
  CHECK(::waitpid(daemon, nullptr, 0) == daemon);
  const auto third = root.make_run_dirs(2, "third");
  CHECK(first_dir.is(third.dir));  // now nothing can be inside it
  check_like_new(third, fresh_modes);
  ::close(daemon_cwd);
}

// ---------------------------------------------------------------- mounts

// Root can bind-mount a folder from outside into a run folder: removing or
// recycling the run folder must detach it, never empty what is mounted.
TEST_CASE_METHOD(
    recycling_root,
    "workdir: a mount point in a run folder is detached, never emptied, and the folder is not reused") {
  using crashpoint::test::bind_mount;
  if (!crashpoint::test::bind_mount_permitted()) {
    WARN("skipped: this process may not bind-mount (not root, or forbidden here)");
    return;
  }
  const outside_folder outside;
  const crashpoint::test::mount_guard guard(area.path());
  const auto first = root.make_run_dirs(0, "first");
  const held_dir first_dir(first.dir);
  write_file(first.work / "data", "the run's data");

  SECTION("a folder mounted on a folder in the workdir") {
    fs::create_directory(first.work / "sub");
    REQUIRE(bind_mount(outside.path, first.work / "sub"));
  }
  SECTION("on the workdir itself, twice (stacked)") {
    REQUIRE(bind_mount(outside.path, first.work));
    REQUIRE(bind_mount(outside.path / "sub", first.work));
  }
  SECTION("a file mounted on a file") {
    write_file(first.tmp / "f", "");
    REQUIRE(bind_mount(outside.path / "precious.txt", first.tmp / "f"));
  }
  SECTION("deep in the tree, below 70 folders") {
    fs::path deep = first.work;
    for (int i = 0; i < 70; ++i) deep /= "d";
    fs::create_directories(deep);
    REQUIRE(bind_mount(outside.path, deep));
  }
  CHECK(root.recycle(first.dir));
  CHECK(outside.intact());
  CHECK(crashpoint::test::mounts_below(area.path()).empty());
  CHECK(fs::is_empty(root.path()));  // removed, not parked

  const auto second = root.make_run_dirs(1, "second");
  CHECK_FALSE(first_dir.is(second.dir));
  CHECK(root.remove(second.dir));
  CHECK(outside.intact());
}

TEST_CASE("workdir: remove detaches a mount point instead of removing through it") {
  if (!crashpoint::test::bind_mount_permitted()) {
    WARN("skipped: this process may not bind-mount (not root, or forbidden here)");
    return;
  }
  const temp_dir area;
  const scoped_tmpdir tmp(area.path());
  const temp_root root;
  const outside_folder outside;
  const crashpoint::test::mount_guard guard(area.path());
  const auto run = root.make_run_dirs(0, "mounted");
  REQUIRE(crashpoint::test::bind_mount(outside.path, run.dir));  // on the run folder itself
  CHECK(root.remove(run.dir));
  CHECK(outside.intact());
  CHECK_FALSE(fs::exists(run.dir));
  CHECK(crashpoint::test::mounts_below(area.path()).empty());
}
