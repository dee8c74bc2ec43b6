// SPDX-License-Identifier: Apache-2.0
// undo_store.hpp: what the files and names a command changed were before it
// changed them, kept so that a power-loss state can be rebuilt later.
//
//   undo_store undo(undo_dir, root);        // crashpoint-record --undo DIR
//   undo.before(tid, op);                   // at a modelled call's entry, before it runs
//   undo.flush();
//
//   undo_index ix = read_undo_index(undo_dir);   // the rebuild's side
//   ix.names.at("data")        -> {object::file, dev, ino, ...}: what "data" was at the start
//   ix.preimages.at({dev, ino}) -> "DEV-INO" in undo_dir: the file's bytes at the start
//
// Two things are kept, each the first time the command is about to change it:
//   - a *name* under the root (the target of a create, rename, link, symlink,
//     unlink, mkdir or rmdir): what it was bound to (nothing, a file with its
//     dev/ino, a directory, a symbolic link with its text). Cost: one lstat.
//   - a *file's pre-image* (its bytes before the first write, truncate,
//     fallocate, copy into it, O_TRUNC open, or before its name is removed by
//     unlink or rename-over, or it is renamed out of the root): a reflink
//     (FICLONE) where the file system shares blocks, else a copy in the kernel
//     (copy_file_range). Only files the command touches are copied, once each.
// Everything the command did after that first touch is in the log (and the
// payloads), so a file's content at any point is its pre-image plus the
// writes the log holds, replayed.
//
// The index, DIR/undo.jsonl, is one JSON object per line, written as each
// entry is taken (unbuffered: a crash point kills right after). Lines:
//   {"undo":"crashpoint-record","version":1,"root":"/abs/root"}
//   {"seq":3,"name":"data","object":"file","dev":2049,"ino":131,"mode":"0644","size":13}
//   {"seq":1,"name":"data.tmp","object":"absent"}
//   {"seq":5,"name":"sub","object":"dir","dev":2049,"ino":140,"mode":"0755"}
//   {"seq":6,"name":"l","object":"symlink","target":"data"}
//   {"seq":3,"preimage":"2049-131","dev":2049,"ino":131,"size":13,"mode":"0644","how":"reflink"}
// `seq` is the call before which the entry was taken; `how` is reflink, copy,
// or unreadable (then no file: the rebuild says it cannot rebuild that file).
// Names that are not UTF-8 are `name_hex` / `target_hex`.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>

#include "recorder/io_op.hpp"

namespace crashpoint::recorder {

inline constexpr std::string_view undo_index_name = "undo.jsonl";

struct file_id {
  std::uint64_t dev = 0, ino = 0;
  // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy 14 flags the 0 of the defaulted <=>
  auto operator<=>(const file_id&) const = default;
};
// Copies the first `size` bytes of `from` into the new, empty file `to`: a
// reflink when the file system shares blocks, else copy_file_range, else
// read and write. Returns "reflink", "copy", or "unreadable" (a short copy).
std::string copy_contents(int from, int to, std::uint64_t size);

std::string preimage_name(file_id id);  // "DEV-INO"

// What a name was bound to.
struct name_binding {
  enum class object : std::uint8_t { absent, file, dir, symlink, other };
  object what = object::absent;
  file_id id;              // file, dir
  std::uint32_t mode = 0;  // file, dir: permission bits
  std::uint64_t size = 0;  // file
  std::string target;      // symlink
  std::uint64_t seq = 0;
};

struct preimage {
  file_id id;
  std::uint64_t size = 0;
  std::uint32_t mode = 0;
  std::string how;  // "reflink", "copy", "unreadable"
  std::uint64_t seq = 0;
};

class undo_store {
 public:
  undo_store() = default;  // keeps nothing
  // Creates DIR if missing (it must then be empty or hold only an index) and its index.
  undo_store(const std::filesystem::path& dir, const std::string& root);
  undo_store(undo_store&&) noexcept;
  undo_store& operator=(undo_store&&) noexcept;
  undo_store(const undo_store&) = delete;
  undo_store& operator=(const undo_store&) = delete;
  ~undo_store();

  bool enabled() const { return index_fd_ >= 0; }
  // Called at the entry of a modelled call `op` (already decoded and numbered)
  // that is about to run.
  void before(pid_t tid, const io_op& op);

  std::uint64_t bytes_saved() const { return bytes_saved_; }

 private:
  void note_name(const std::string& rel, std::uint64_t seq);
  void save_path(const std::string& rel, bool follow, std::uint64_t seq);
  void save_descriptor(pid_t tid, const io_op& op);
  void save_open_file(int source_fd, std::uint64_t seq);
  void line(const std::string& text);

  int dir_fd_ = -1;
  int index_fd_ = -1;
  std::string root_;
  std::set<std::string> names_;
  std::set<file_id> saved_;
  std::uint64_t bytes_saved_ = 0;
};

class undo_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct undo_index {
  std::string root;
  std::map<std::string, name_binding> names;
  std::map<file_id, preimage> preimages;
};

// Reads DIR/undo.jsonl; throws undo_error naming the file and line.
undo_index read_undo_index(const std::filesystem::path& dir);

}  // namespace crashpoint::recorder
