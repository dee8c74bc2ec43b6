// SPDX-License-Identifier: Apache-2.0
// The pieces under the tracer that need no tracee: lexical paths, the root's
// view of them, flag names both ways, /proc/PID/maps, and reading strings
// from memory up to the last readable byte.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>

#include "recorder/flag_names.hpp"
#include "recorder/path_resolver.hpp"
#include "recorder/proc_maps.hpp"
#include "recorder/tracee_memory.hpp"
#include "spawn.hpp"

using namespace crashpoint::recorder;

TEST_CASE("paths normalise lexically, never above the root directory") {
  CHECK(normalize_lexically("/a/./b//../c/") == "/a/c");
  CHECK(normalize_lexically("/../../x") == "/x");
  CHECK(normalize_lexically("/") == "/");
  CHECK(normalize_lexically("/a/b/..") == "/a");
}

TEST_CASE("the root says which paths are under it, and how the log shows them") {
  crashpoint::test::temp_dir dir;
  std::filesystem::create_directory(dir / "work");
  const root_dir root = root_dir::open((dir / "work" / ".").string());
  CHECK(root.path() == (dir / "work").string());
  CHECK(root.relative(root.path()) == ".");
  CHECK(root.relative(root.path() + "/a/b") == "a/b");
  CHECK_FALSE(root.relative(root.path() + "2/a"));  // a sibling with the same prefix
  CHECK_FALSE(root.relative("/etc/passwd"));
  CHECK(root.display("/etc/passwd") == "/etc/passwd");
  CHECK(root.holds_entry(root.path() + "/a"));
  CHECK_FALSE(root.holds_entry(root.path()));  // the root's own entry is in its parent
  CHECK_THROWS(root_dir::open((dir / "missing").string()));
}

TEST_CASE("paths resolve as the thread would, following links in the directories") {
  crashpoint::test::temp_dir dir;
  const std::string real = std::filesystem::canonical(dir.path()).string();
  std::filesystem::create_directory(dir / "d");
  std::filesystem::create_directory_symlink(dir / "d", dir / "link");
  const pid_t me = ::getpid();
  // entry: the directories resolve, the last component stays itself.
  CHECK(resolve_path(me, me, AT_FDCWD, (dir / "link" / "new").string(), resolve_mode::entry) ==
        real + "/d/new");
  CHECK(resolve_path(me, me, AT_FDCWD, (dir / "link").string(), resolve_mode::entry) == real + "/link");
  // follow: the last component too.
  CHECK(resolve_path(me, me, AT_FDCWD, (dir / "link").string(), resolve_mode::follow) == real + "/d");
  // A directory that does not exist: lexical.
  CHECK(resolve_path(me, me, AT_FDCWD, (dir / "nope" / ".." / "x").string(), resolve_mode::entry) ==
        real + "/x");
  // Relative to a directory descriptor.
  const int fd = ::open((dir / "d").c_str(), O_RDONLY | O_DIRECTORY);
  CHECK(resolve_path(me, me, fd, "f", resolve_mode::entry) == real + "/d/f");
  // /proc/self is the traced thread's, not the resolver's.
  CHECK(resolve_path(me, me, AT_FDCWD, "/proc/self/fd/" + std::to_string(fd), resolve_mode::follow) ==
        real + "/d");
  ::close(fd);
  CHECK_FALSE(resolve_path(me, me, AT_FDCWD, "", resolve_mode::entry));
}

TEST_CASE("flags read as text and back") {
  CHECK(flags_text(flag_set::open, O_WRONLY | O_CREAT | O_TRUNC) == "O_WRONLY|O_CREAT|O_TRUNC");
  CHECK(flags_text(flag_set::open, O_RDONLY) == "O_RDONLY");
  CHECK(flags_text(flag_set::open, O_RDWR | O_SYNC) == "O_RDWR|O_SYNC");  // not O_DSYNC too
  CHECK(flags_text(flag_set::open, O_WRONLY | O_DSYNC) == "O_WRONLY|O_DSYNC");
  CHECK(flags_text(flag_set::open, O_RDWR | O_TMPFILE) == "O_RDWR|O_TMPFILE");  // not O_DIRECTORY too
  CHECK(flags_text(flag_set::open, O_WRONLY | 0x40000000) == "O_WRONLY|0x40000000");
  CHECK(flags_text(flag_set::at, AT_REMOVEDIR) == "AT_REMOVEDIR");
  CHECK(flags_text(flag_set::msync, MS_SYNC | MS_INVALIDATE) == "MS_INVALIDATE|MS_SYNC");
  CHECK(flags_text(flag_set::rename, 0).empty());
  for (const std::uint64_t f :
       {std::uint64_t{O_WRONLY | O_CREAT | O_TRUNC}, std::uint64_t{O_RDWR | O_SYNC | O_TMPFILE},
        std::uint64_t{O_WRONLY | 0x40000000}, std::uint64_t{O_RDONLY}}) {
    CHECK(parse_flags(flag_set::open, flags_text(flag_set::open, f)) == f);
  }
  CHECK_FALSE(parse_flags(flag_set::open, "O_WRONLY|O_NOPE"));
  CHECK(mode_text(0644) == "0644");
  CHECK(parse_mode("01777") == 01777);
  CHECK_FALSE(parse_mode("0999"));
}

TEST_CASE("/proc/PID/maps lines parse into mappings") {
  const auto maps = parse_maps(
      "7f1c2a000000-7f1c2a021000 rw-s 00001000 fd:01 1234                       /tmp/run/work/m\n"
      "7ffd1000-7ffd2000 rw-p 00000000 00:00 0                          [stack]\n"
      "garbage\n");
  REQUIRE(maps.size() == 2);
  CHECK(maps[0].start == 0x7f1c2a000000u);
  CHECK(maps[0].shared);
  CHECK(maps[0].writable);
  CHECK(maps[0].offset == 0x1000u);
  CHECK(maps[0].inode == 1234u);
  CHECK(maps[0].path == "/tmp/run/work/m");
  CHECK(maps[0].overlaps(0x7f1c2a020000, 0x10000));
  CHECK_FALSE(maps[1].shared);
  CHECK(maps[1].path == "[stack]");
}

TEST_CASE("strings are read up to the last readable page, and no further") {
  const long page = ::sysconf(_SC_PAGESIZE);
  char* two = static_cast<char*>(::mmap(nullptr, 2 * static_cast<std::size_t>(page), PROT_READ | PROT_WRITE,
                                        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  REQUIRE(two != MAP_FAILED);
  REQUIRE(::mprotect(two + page, static_cast<std::size_t>(page), PROT_NONE) == 0);
  // "edge" ends with its NUL on the last byte of the readable page.
  char* edge = two + page - 5;
  std::memcpy(edge, "edge", 5);
  const pid_t me = ::getpid();
  CHECK(read_string(me, reinterpret_cast<std::uint64_t>(edge)) == "edge");
  // Without its NUL, the string runs into the unreadable page: unreadable.
  edge[4] = 'x';
  CHECK_FALSE(read_string(me, reinterpret_cast<std::uint64_t>(edge)));
  // A buffer read stops at the first unreadable byte.
  char out[64];
  CHECK(read_memory(me, reinterpret_cast<std::uint64_t>(edge), out, sizeof out) == 5);
  // A string longer than its limit is refused.
  std::memset(two, 'a', 100);
  two[100] = '\0';
  CHECK_FALSE(read_string(me, reinterpret_cast<std::uint64_t>(two), 50));
  CHECK(read_string(me, reinterpret_cast<std::uint64_t>(two), 100)->size() == 100);
  ::munmap(two, 2 * static_cast<std::size_t>(page));
}
