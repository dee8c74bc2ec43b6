// SPDX-License-Identifier: Apache-2.0
// history.hpp: a recorded command's file-system calls, in program order, each
// marked durable or not under the power-loss model (docs/power-loss.md).
//
//   history h = load_history("io.jsonl", "undo/");     // throws history_error
//   for (std::size_t i : h.pending) fmt::print("{} {}\n", h.ops[i].text, h.ops[i].why_not);
//   //   write("wal.log", 4096..8192) never fsynced
//   //   rename("data.tmp" -> "data") parent directory never fsynced
//
// Only calls that took effect are kept (done with a result >= 0, or
// unfinished: the process died inside it), sorted by seq. Each is a
//   - data op: changes one file's bytes or size (write family, truncate,
//     fallocate, copy_file_range/sendfile/splice into it, an O_TRUNC open of
//     an existing file);
//   - entry op: changes a name (a create by open, mkdir, symlink, link,
//     unlink, rmdir, rename);
//   - sync: makes something durable (fsync, fdatasync, msync with MS_SYNC,
//     sync, syncfs); everything else is kept as `other`.
// A data op is durable when it was written through an O_SYNC/O_DSYNC
// descriptor (or pwritev2 with RWF_SYNC/RWF_DSYNC), or a later successful
// fsync/fdatasync/msync of the same file, sync, or syncfs of its file system
// started after it returned. An entry op is durable when every parent
// directory under the root it changed was fsynced after it (or sync, syncfs).
// An unfinished op is never durable. `pending` lists the others, in program
// order: the ops a power loss may drop.
//
// A file is its inode (dev, ino) and a generation: ext4 and xfs give a freed
// inode to the next file made, so one command can make a file on the inode of
// one it deleted, and an fsync of the new file is none of the old. A call that
// makes a file (a create by open, mkdir, symlink, an O_TMPFILE open) on an
// inode already seen, in an earlier call or bound to a name at the start,
// starts the next generation; every other call acts on the current one, and a
// pre-image belongs to the one current when it was taken.
//
// Whether an open created its file needs the names as they were before the
// command: the undo index (crashpoint-record --undo). Every path the history
// will act on is checked to lie under the root: a relative path with "..",
// "." or empty components, or an absolute path where only a path under the
// root can be, is refused with history_error, before anything is touched.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "recorder/io_op.hpp"
#include "recorder/undo_store.hpp"

namespace crashpoint::power_loss {

namespace rec = crashpoint::recorder;

// A file as the model tells files apart: its inode, and which of the files
// made on it during the command (0: the first seen).
struct file_id {
  std::uint64_t dev = 0, ino = 0;
  std::uint32_t gen = 0;
  // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy 14 flags the 0 of the defaulted <=>
  auto operator<=>(const file_id&) const = default;
};

class history_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class op_role : std::uint8_t { data, entry, sync, other };

// What an entry op does to names (renames with RENAME_EXCHANGE swap).
enum class entry_action : std::uint8_t {
  none,
  create,
  mkdir,
  symlink,
  link,
  unlink,
  rmdir,
  rename,
  exchange
};

struct history_op {
  rec::io_op op;
  op_role role = op_role::other;
  entry_action action = entry_action::none;
  std::optional<file_id> file;  // the file it acted on (data ops: changed; create, link: named), if logged
  bool durable = false;
  std::string why_not;    // when !durable: "never fsynced", "parent directory never fsynced", ...
  std::string text;       // as the lost list shows it: write("wal.log", 4096..8192)
  bool is_write() const;  // a data op that puts bytes (write family, copies): what torn and corrupt damage
};

struct history_limits {
  std::uint64_t max_ops = 1'000'000;  // log entries read; more is refused
};

struct history {
  std::string root;                  // the recorder's root (the log's header)
  std::vector<history_op> ops;       // effective ops, in program order
  std::vector<std::size_t> pending;  // indices into ops: the data and entry ops that are not durable
  std::map<std::string, rec::name_binding> initial;  // names as they were, from the undo index
  std::map<file_id, rec::preimage> preimages;        // by the generation each was taken of
  bool log_complete = false;                         // the log has its end line
};

history load_history(const std::filesystem::path& log, const std::filesystem::path& undo_dir,
                     const history_limits& limits = {});
// The same from ops already read (any order; they are sorted) and an undo index.
history make_history(std::vector<rec::io_op> ops, rec::undo_index undo);

// The log names what lies under the root by a relative path, anything else
// by an absolute one.
inline bool under_root(const std::string& path) { return !path.empty() && path.front() != '/'; }

// A path under the root as the log gives it ("a/b"): refuses "", "/x", "..", "a/./b", "a//b".
void check_inside(const std::string& path, const rec::io_op& op);

// The parent directory of a name under the root: "." for "data", "a" for "a/b".
std::string parent_of(const std::string& name);

}  // namespace crashpoint::power_loss
