// workdir_test.cpp: temp_root deletes and writes only strictly inside its own
// folder, never through a symbolic link, and removes whatever a target left
// there (mode-000 folders, links out, very deep trees).
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "spawn.hpp"
#include "workdir.hpp"

namespace {

using crashpoint::harness::temp_root;
using crashpoint::test::temp_dir;
namespace fs = std::filesystem;

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

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
    write(path / "precious.txt", "precious\n");
    write(path / "sub" / "deep.txt", "deep\n");
    mode = perms_of(path);
  }
  bool intact() const {
    return read(path / "precious.txt") == "precious\n" && read(path / "sub" / "deep.txt") == "deep\n" &&
           perms_of(path) == mode && fs::is_directory(path / "sub");
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
  write(run.work / "a" / "b" / "c" / "f", "x");
  write(run.work / "ro" / "g", "y");
  fs::permissions(run.work / "ro" / "g", fs::perms::owner_read);
  fs::permissions(run.work / "ro", fs::perms::owner_read | fs::perms::owner_exec);
  for (const char* d : {"a/b/c", "a/b", "a"}) fs::permissions(run.work / d, fs::perms::none);
  fs::path deep = run.work / "deep";
  for (int i = 0; i < 300; ++i) deep /= "d";
  fs::create_directories(deep);
  write(deep / "bottom", "z");
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
  CHECK(read(run.logs / "1-crash.out") == "out\n");
  CHECK(root.write_file(run.logs / "1-crash.out", "again\n"));
  CHECK(read(run.logs / "1-crash.out") == "again\n");

  SECTION("a link in place of the file is replaced, not written through") {
    fs::create_symlink(outside.path / "precious.txt", run.state);
    CHECK(root.write_file(run.state, "{}"));
    CHECK_FALSE(fs::is_symlink(run.state));
    CHECK(read(run.state) == "{}");
  }
  SECTION("a hard link to a file outside is replaced, not written through") {
    fs::create_hard_link(outside.path / "precious.txt", run.logs / "2-recover.out");
    CHECK(root.write_file(run.logs / "2-recover.out", "recover\n"));
    CHECK(read(run.logs / "2-recover.out") == "recover\n");
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
