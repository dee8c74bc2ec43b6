// SPDX-License-Identifier: Apache-2.0
// io_op.hpp: one modelled file-system call, as the recorder saw it, and the
// other entries of its log (process events, warnings, the crash point).
//
//   io_op op;                    // read back from a log (log_reader.hpp)
//   describe(op)    == R"(rename("data.tmp", "data"))"
//   result_text(op) == "= 0"     // "= -1 EIO (injected)", "not executed", ...
//
// Every field is what a power-loss model needs to rebuild a file system: which
// file (dev/ino, path relative to the root), which bytes (offset, length, and
// where the payloads file keeps them), and whether the call happened at all
// (`how`). Paths are relative to the recorder's root ("." is the root itself);
// a path outside the root (the other side of a rename, a copy's source) is
// absolute. Optional fields are absent when they do not apply or the recorder
// could not learn them.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "recorder/calls.hpp"

namespace crashpoint::recorder {

// Whether the call took effect.
enum class outcome : std::uint8_t {
  done,          // it returned `result`
  unfinished,    // its process died (or was killed) during the call: it may or may not have taken effect
  not_executed,  // a crash point killed the process at its entry: it never ran
  injected,      // a fail point made it return `result` (an error) without running it
};

struct io_op {
  std::uint64_t seq = 0;      // entry order among modelled calls, from 1: what points count
  std::uint64_t end_seq = 0;  // the last seq entered when this call returned (== seq unless calls overlapped)
  pid_t pid = 0;              // process (thread group)
  pid_t tid = 0;              // thread that made the call
  syscall_id call = syscall_id::write;
  call_kind kind = call_kind::write;
  std::string path;   // the file or entry acted on (rename, link: the old name; symlink: its target text)
  std::string path2;  // rename, link, symlink: the new name; copy_file_range, sendfile, splice: the source
  int fd = -1;        // the descriptor argument (copy_file_range, sendfile, splice: the destination)
  std::uint64_t flags = 0;                // the call's flags argument (flag_names.hpp: flags_of(call))
  std::optional<std::uint64_t> fd_flags;  // the descriptor's status flags (F_GETFL) for descriptor calls
  std::optional<std::uint32_t> mode;      // creating calls
  std::optional<std::uint64_t> offset;    // writes, truncates (new size is `length`), ranges
  std::optional<std::uint64_t> length;    // bytes asked for
  std::optional<std::int64_t> result;     // the return value; negative: -errno
  std::optional<std::uint64_t> dev, ino;  // the file's identity (st_dev, st_ino)
  std::optional<std::uint64_t> payload;   // where its bytes start in the payloads file
  std::optional<std::uint64_t> payload_length;  // how many bytes were kept there
  outcome how = outcome::done;
};

// The call as a user reads it: write("wal.log", 4096 bytes at 8192).
// A C string literal, as strace prints one: quotes, backslash escapes, \xNN
// for bytes that are not printable ASCII: c_quoted("a\"b") == R"("a\"b")".
std::string c_quoted(std::string_view text);
std::string describe(const io_op& op);
// What it returned: "= 4096", "= -1 EIO", "= -1 EIO (injected)", "unfinished", "not executed".
std::string result_text(const io_op& op);

// A process event: fork, vfork, clone (a process), thread, exec, exit.
struct process_event {
  enum class type : std::uint8_t { fork, vfork, clone, thread, exec, exit };
  type what = type::fork;
  pid_t pid = 0;
  pid_t child = 0;                 // fork, vfork, clone, thread: the new process or thread
  std::string path;                // exec: the program, absolute
  std::optional<int> exit_code;    // exit: exited with this code
  std::optional<int> exit_signal;  // exit: killed by this signal
};
std::string_view name(process_event::type what);

// Something the recorder could not see or had to change; `kind` is one of the
// identifiers listed in docs/recorder.md ("io_uring", "shared-mmap", ...).
struct warning {
  std::string kind;
  pid_t pid = 0;
  std::string message;
};

// The crash or fail point fired at call `seq`.
struct point_event {
  std::string spec;  // "sys:rename@1"
  std::uint64_t seq = 0;
  std::string action;  // "kill-before", "kill-after", "fail"
};

using log_entry = std::variant<io_op, process_event, warning, point_event>;

}  // namespace crashpoint::recorder
