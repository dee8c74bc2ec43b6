// SPDX-License-Identifier: Apache-2.0
// minikv makes every change durable before it acknowledges it, read from the
// file-system calls it makes (crashpoint-record's log), not from its code: a
// write must be followed by an fsync of its file, and a directory entry that
// is created, renamed or removed by an fsync of its directory, before the
// command exits 0. A process crash never shows the difference; a power cut
// loses whatever is left out.
#include <catch2/catch.hpp>

#ifdef CRASHPOINT_RECORD_EXE

#include <fcntl.h>

#include <map>
#include <string>
#include <vector>

#include "recorder/io_op.hpp"
#include "recorder/log_reader.hpp"
#include "spawn.hpp"

using namespace crashpoint::test;
namespace rec = crashpoint::recorder;

namespace {

std::string parent_of(const std::string& path) {
  const std::string parent = fs::path(path).parent_path().string();
  return parent.empty() ? "." : parent;
}

// What a log leaves not durable at its end: each file written since its last
// fsync, and each directory changed since its last fsync, with the call that
// changed it. An open with O_CREAT counts as a change of its directory
// (the log cannot tell whether it created the file).
std::vector<std::string> not_durable(const fs::path& log) {
  std::map<std::string, std::string> dirty_files;  // path -> the call that changed it
  std::map<std::string, std::string> dirty_dirs;
  rec::read_log(log, [&](rec::log_entry&& e) {
    const auto* op = std::get_if<rec::io_op>(&e);
    if (op == nullptr || !op->result || *op->result < 0) return;
    const std::string call = rec::describe(*op);
    switch (op->kind) {
      case rec::call_kind::open:
        if (op->flags & O_CREAT) dirty_dirs.emplace(parent_of(op->path), call);
        if (op->flags & O_TRUNC) dirty_files.emplace(op->path, call);
        break;
      case rec::call_kind::write:
      case rec::call_kind::truncate:
      case rec::call_kind::fallocate: dirty_files.emplace(op->path, call); break;
      case rec::call_kind::rename:
      case rec::call_kind::link:
        dirty_dirs.emplace(parent_of(op->path), call);
        dirty_dirs.emplace(parent_of(op->path2), call);
        if (const auto it = dirty_files.find(op->path); it != dirty_files.end()) {
          dirty_files.emplace(op->path2, it->second);
          dirty_files.erase(it);
        }
        break;
      case rec::call_kind::mkdir:
      case rec::call_kind::unlink:
      case rec::call_kind::rmdir:
      case rec::call_kind::symlink:
        dirty_dirs.emplace(parent_of(op->path), call);
        dirty_files.erase(op->path);
        break;
      case rec::call_kind::fsync:
      case rec::call_kind::fdatasync:
        dirty_files.erase(op->path);
        dirty_dirs.erase(op->path);
        break;
      default: break;
    }
  });
  std::vector<std::string> out;
  for (const auto& [path, call] : dirty_files) out.push_back("file " + path + ": " + call + " never fsynced");
  for (const auto& [dir, call] : dirty_dirs) out.push_back("folder " + dir + ": " + call + " never fsynced");
  return out;
}

struct audit {
  temp_dir dir;
  fs::path work() const { return dir.path() / "work"; }
  audit() { fs::create_directory(work()); }

  void run(const std::vector<std::string>& args) const {
    REQUIRE(exited_with(spawn(MINIKV_EXE, args, {}, work()), 0));
  }

  // Runs minikv ARGS under the recorder; it must succeed. Returns what it left not durable.
  std::vector<std::string> recorded(std::vector<std::string> args) const {
    const fs::path log = dir.path() / "io.jsonl";
    std::vector<std::string> argv{"--root", work().string(), "--log", log.string(), "--", MINIKV_EXE};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto r = spawn(CRASHPOINT_RECORD_EXE, argv, {}, work());
    INFO(r.err.text);
    REQUIRE(exited_with(r, 0));
    return not_durable(log);
  }
};

const std::vector<std::string> nothing;

}  // namespace

TEST_CASE("a put into a new store makes the folder it created durable") {
  audit a;
  CHECK(a.recorded({"put", "a", "1"}) == nothing);
}

TEST_CASE("a put with --dir naming folders that do not exist yet makes each folder it created durable") {
  audit a;
  CHECK(a.recorded({"--dir", "store/nested", "put", "a", "1"}) == nothing);
}

TEST_CASE("put and del on an existing store leave nothing unsynced") {
  audit a;
  a.run({"put", "a", "1"});
  CHECK(a.recorded({"put", "b", "2"}) == nothing);
  CHECK(a.recorded({"del", "a"}) == nothing);
}

TEST_CASE("compaction leaves nothing unsynced: the snapshot, its rename and the emptied log") {
  audit a;
  a.run({"put", "a", "1"});
  a.run({"put", "b", "2"});
  CHECK(a.recorded({"compact"}) == nothing);
  CHECK(a.recorded({"compact"}) == nothing);  // over an existing snapshot
}

TEST_CASE("recovery makes its cut of a torn log and its removal of temporaries durable") {
  audit a;
  fs::copy(source_dir() / "scenarios/fixtures/torn-log-and-leftover", a.work(), fs::copy_options::recursive);
  CHECK(a.recorded({"get", "a"}) == nothing);
}

#endif
