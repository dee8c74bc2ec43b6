// SPDX-License-Identifier: Apache-2.0
// tree_copy_test.cpp: temp_root::copy_folder, the copy that gives each run a
// scenario's state after setup: faithful (links as links, hard links, holes,
// modes), only inside the root, never through a link, and refusing what it
// cannot copy faithfully (a socket, a tree deeper than 64 levels).
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <fstream>
#include <sstream>

#include "files.hpp"
#include "spawn.hpp"
#include "workdir/workdir.hpp"

using crashpoint::test::read_file;
using crashpoint::test::write_file;

namespace {

using crashpoint::harness::run_dirs;
using crashpoint::harness::temp_root;
using crashpoint::test::temp_dir;
namespace fs = std::filesystem;

struct stat stat_of(const fs::path& p) {
  struct stat st {};
  ::lstat(p.c_str(), &st);
  return st;
}

// A root with two run folders: the source `from` and the copy `to`.
struct two_runs {
  temp_root root;
  run_dirs from = root.make_run_dirs(0, "from");
  run_dirs to = root.make_run_dirs(1, "to");
  ~two_runs() {
    root.remove(from.dir);
    root.remove(to.dir);
    root.remove_if_empty();
  }
};

}  // namespace

TEST_CASE("tree copy: content, links, hard links, holes, FIFOs, modes and times") {
  two_runs t;
  const temp_dir outside;
  write_file(outside / "secret", "outside\n");
  write_file(t.from.work / "d/e/f", "hello\n");
  fs::create_symlink("e/f", t.from.work / "d/rel");
  fs::create_directory_symlink(outside.path(), t.from.work / "out");
  fs::create_hard_link(t.from.work / "d/e/f", t.from.work / "hard");
  REQUIRE(::mkfifo((t.from.work / "pipe").c_str(), 0640) == 0);
  {
    std::ofstream sparse(t.from.work / "sparse", std::ios::binary);
    sparse.seekp(64 << 20);
    sparse << "tail";
  }
  fs::permissions(t.from.work / "d/e/f", fs::perms::owner_read);
  fs::permissions(t.from.work / "d/e", fs::perms::owner_read | fs::perms::owner_exec);
  const struct timespec old_times[2] = {{1'000'000'000, 0}, {978'307'200, 0}};
  REQUIRE(::utimensat(AT_FDCWD, (t.from.work / "d/e/f").c_str(), old_times, 0) == 0);

  std::string error;
  REQUIRE(t.root.copy_folder(t.from.work, t.to.work, error));
  CHECK(error.empty());
  CHECK(read_file(t.to.work / "d/e/f") == "hello\n");
  CHECK(fs::read_symlink(t.to.work / "d/rel") == "e/f");
  CHECK(fs::read_symlink(t.to.work / "out") == outside.path());  // a link, not the folder
  CHECK(stat_of(t.to.work / "hard").st_ino == stat_of(t.to.work / "d/e/f").st_ino);
  CHECK(stat_of(t.to.work / "hard").st_ino != stat_of(t.from.work / "hard").st_ino);
  CHECK(S_ISFIFO(stat_of(t.to.work / "pipe").st_mode));
  CHECK((stat_of(t.to.work / "pipe").st_mode & 07777) == 0640);
  CHECK(stat_of(t.to.work / "sparse").st_size == (64 << 20) + 4);
  CHECK(stat_of(t.to.work / "sparse").st_blocks < 1024);  // 512-byte blocks: the hole stayed one
  CHECK((stat_of(t.to.work / "d/e/f").st_mode & 07777) == 0400);
  CHECK((stat_of(t.to.work / "d/e").st_mode & 07777) == 0500);
  CHECK(stat_of(t.to.work / "d/e/f").st_mtim.tv_sec == 978'307'200);
  // The source is only read: its modes are as they were.
  CHECK((stat_of(t.from.work / "d/e").st_mode & 07777) == 0500);
  CHECK(read_file(outside / "secret") == "outside\n");
}

TEST_CASE("tree copy: a socket, or a tree deeper than 64 levels, is refused") {
  {
    two_runs t;
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    const std::string path = (t.from.work / "sock").string();
    REQUIRE(path.size() < sizeof addr.sun_path);
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    REQUIRE(::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0);
    ::close(fd);
    std::string error;
    CHECK_FALSE(t.root.copy_folder(t.from.work, t.to.work, error));
    CHECK(error == "sock: a socket or device, which cannot be copied");
  }
  {
    two_runs t;
    fs::path deep = t.from.work;
    for (int i = 0; i < 65; ++i) deep /= "d";
    fs::create_directories(deep);
    std::string error;
    CHECK_FALSE(t.root.copy_folder(t.from.work, t.to.work, error));
    CHECK_THAT(error, Catch::EndsWith(": more than 64 folder levels"));
  }
}

TEST_CASE("tree copy: only inside the root, never through a link") {
  two_runs t;
  const temp_dir outside;
  write_file(outside / "secret", "outside\n");
  std::string error;
  CHECK_FALSE(t.root.copy_folder(outside.path(), t.to.work, error));
  CHECK_FALSE(t.root.copy_folder(t.from.work, outside.path(), error));
  CHECK_FALSE(t.root.copy_folder(t.from.work, t.to.work / ".." / ".." / "..", error));
  // A work/ replaced by a link to a folder outside is neither read nor written through.
  t.root.remove(t.from.work);
  fs::create_directory_symlink(outside.path(), t.from.work);
  CHECK_FALSE(t.root.copy_folder(t.from.work, t.to.work, error));
  CHECK(fs::is_empty(t.to.work));
  t.root.remove(t.to.work);
  fs::create_directory_symlink(outside.path(), t.to.work);
  fs::create_directory(t.from.home);
  write_file(t.from.home / "planted", "x");
  CHECK_FALSE(t.root.copy_folder(t.from.home, t.to.work, error));
  CHECK(!fs::exists(outside / "planted"));
}
