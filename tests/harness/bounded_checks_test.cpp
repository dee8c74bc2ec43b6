// SPDX-License-Identifier: Apache-2.0
// bounded_checks_test.cpp: the checks the harness makes itself stop at their
// budget's deadline and at the stop flag (SIGINT), refuse what would block,
// and keep walks within their limits.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <fstream>

#include "files.hpp"
#include "check/assertions.hpp"
#include "check/file_pieces.hpp"
#include "spawn.hpp"
#include "check/tree_walk.hpp"

using namespace crashpoint::harness;
using Catch::Contains;
using crashpoint::test::temp_dir;

using crashpoint::test::write_file;

namespace {

const std::atomic<bool> not_stopped{false};

check_budget plenty() { return check_budget(std::chrono::minutes(1), &not_stopped); }

// A sparse file of `size` bytes.
void sparse(const fs::path& p, off_t size) {
  const int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  REQUIRE(fd >= 0);
  REQUIRE(::ftruncate(fd, size) == 0);
  ::close(fd);
}

file_check contains_check(const std::string& path, const std::string& text) {
  file_check c;
  c.path = path;
  c.contains = text;
  return c;
}

}  // namespace

TEST_CASE("bounded checks: past the deadline, a file check gives up and says after what") {
  const temp_dir dir;
  sparse(dir / "huge", off_t{1} << 40);  // 1 TiB of holes
  const check_budget expired(std::chrono::milliseconds(0), &not_stopped);
  const auto failures = check_file(contains_check("huge", "x"), {dir.path(), dir.path()}, expired);
  REQUIRE(failures.size() == 1);
  CHECK(failures[0] == "file huge: gave up after the run's timeout (0ms) while reading file huge");
}

TEST_CASE("bounded checks: the stop flag ends a read and a walk at their next piece") {
  const temp_dir dir;
  sparse(dir / "big", off_t{1} << 30);
  std::atomic<bool> stop{false};
  const check_budget budget(std::chrono::minutes(1), &stop);
  const opened_file f = open_for_check(AT_FDCWD, (dir / "big").c_str(), true);
  REQUIRE(f.problem.empty());
  std::size_t pieces = 0;
  CHECK_THROWS_AS(read_pieces(f.fd.get(), budget, "reading",
                              [&](std::string_view) {
                                stop = ++pieces == 3;  // SIGINT arrives while the third piece is read
                                return true;
                              }),
                  check_interrupted);
  CHECK(pieces == 3);

  stop = false;
  for (int i = 0; i < 10; ++i) write_file(dir / "tree" / std::to_string(i), "");
  std::size_t visited = 0;
  CHECK_THROWS_AS(walk_tree(dir / "tree", "tree", budget,
                            [&](const walk_entry&) {
                              stop = ++visited == 4;
                              return true;
                            }),
                  check_interrupted);
  CHECK(visited == 4);
  CHECK_THROWS_AS(check_glob({"**", 0, {}}, dir.path(), budget), check_interrupted);
}

TEST_CASE("bounded checks: a FIFO or a device is refused without blocking, never read") {
  const temp_dir dir;
  REQUIRE(::mkfifo((dir / "fifo").c_str(), 0600) == 0);  // no writer: a read would block for ever
  fs::create_symlink("/dev/zero", dir / "zero");         // a read would never end
  const auto fifo = check_file(contains_check("fifo", "x"), {dir.path(), dir.path()}, plenty());
  CHECK(fifo == std::vector<std::string>{"file fifo is not a regular file (a FIFO)"});
  const auto zero = check_file(contains_check("zero", "x"), {dir.path(), dir.path()}, plenty());
  CHECK(zero == std::vector<std::string>{"file zero is not a regular file (a device)"});
}

TEST_CASE("bounded checks: contains streams the file and finds text across pieces") {
  const temp_dir dir;
  std::string text(file_piece_bytes - 2, 'a');
  text += "needle";  // across the first two 64 KiB pieces
  text += std::string(3 * file_piece_bytes, 'b');
  write_file(dir / "f", text);
  CHECK(check_file(contains_check("f", "needle"), {dir.path(), dir.path()}, plenty()).empty());
  CHECK(check_file(contains_check("f", std::string(file_piece_bytes + 10, 'b')), {dir.path(), dir.path()},
                   plenty())
            .empty());
  const auto missing = check_file(contains_check("f", "pin"), {dir.path(), dir.path()}, plenty());
  REQUIRE(missing.size() == 1);
  CHECK_THAT(missing[0], Contains("file f does not contain \"pin\"; it is \"aaaa") &&
                             Contains("[... " + std::to_string(text.size() - 400) + " bytes ...]bbbb"));
}

TEST_CASE("bounded checks: a walk stops at its depth limit, and only below it") {
  const temp_dir dir;
  fs::path deep = dir / "w";
  for (std::size_t i = 0; i < max_walk_depth; ++i) deep /= "d";
  fs::create_directories(deep);  // the last folder is max_walk_depth levels down, empty
  std::size_t entries = 0;
  walk_tree(dir / "w", "w", plenty(), [&](const walk_entry&) { return ++entries > 0; });
  CHECK(entries == max_walk_depth + 1);
  write_file(deep / "f", "");
  CHECK_THROWS_WITH(walk_tree(dir / "w", "w", plenty(), [](const walk_entry&) { return true; }),
                    Contains("levels down and not empty: a walk goes at most 128 levels down"));
}

TEST_CASE("bounded checks: a walk stops at its entry and path-name limits") {
  // The limits lowered: 100,000 real entries take a minute to remove on some disks.
  const temp_dir dir;
  for (int i = 0; i < 6; ++i) write_file(dir / "many" / std::to_string(i), "");
  const auto walk = [&](walk_limits limits) {
    walk_tree(
        dir / "many", "many", plenty(), [](const walk_entry&) { return true; }, limits);
  };
  CHECK_NOTHROW(walk({max_walk_depth, 6, max_walk_path_bytes}));
  CHECK_THROWS_WITH(walk({max_walk_depth, 5, max_walk_path_bytes}),
                    "more than 5 entries (reached in many): a walk visits at most that many");
  CHECK_THROWS_WITH(walk({max_walk_depth, 6, 5}),
                    "more than 5 bytes of path names: a walk keeps at most that many");
}

TEST_CASE("bounded checks: a glob with many ** over a deep path costs no backtracking") {
  std::string deep;
  for (int i = 0; i < 120; ++i) deep += "a/";
  CHECK_FALSE(path_glob_match("**/a/**/a/**/a/**/a/**/a/**/b", deep + "a"));
  CHECK(path_glob_match("**/a/**/a/**/a/**/a/**/a/**/b", deep + "b"));
  CHECK(path_glob_match("**", "x/y"));
  CHECK(path_glob_match("x/**/y", "x/y"));
  CHECK_FALSE(path_glob_match("x/**/y", "x"));
}

TEST_CASE("bounded checks: unchanged compares snapshots, not copies, and names the first difference") {
  const temp_dir dir;
  write_file(dir / "d" / "a", "one\n");
  write_file(dir / "d" / "b", std::string(1000, 'x'));
  unchanged_snapshots before;
  snapshot_path("d", dir.path(), plenty(), before);
  snapshot_path("gone", dir.path(), plenty(), before);
  REQUIRE(before.failed.empty());
  file_check c;
  c.path = "d";
  c.unchanged = true;
  const state_paths paths{dir.path(), dir.path(), &before};
  CHECK(check_file(c, paths, plenty()).empty());
  write_file(dir / "d" / "b", std::string(999, 'x') + "y");
  CHECK(check_file(c, paths, plenty()) ==
        std::vector<std::string>{"d/b changed: it was \"" + std::string(200, 'x') + "[... 600 bytes ...]" +
                                 std::string(200, 'x') + "\" and is \"" + std::string(200, 'x') +
                                 "[... 600 bytes ...]" + std::string(199, 'x') + "y\""});
  c.path = "gone";
  write_file(dir / "gone", "");
  CHECK(check_file(c, paths, plenty()) ==
        std::vector<std::string>{"gone was absent before the crash and is present now"});
}
