// SPDX-License-Identifier: Apache-2.0
// path_resolver.hpp: turning a traced call's path argument into an absolute
// path, as the kernel will resolve it for that thread, and deciding whether it
// lies under the recorder's root.
//
//   root_dir root = root_dir::open("/tmp/run/work");        // canonical, with its st_dev
//   std::optional<std::string> abs = resolve_path(tid, tgid, AT_FDCWD, "data.tmp", resolve_mode::entry);
//   root.relative(*abs) == "data.tmp"                         // nullopt: outside the root
//
// Relative paths are resolved against the thread's own working directory or
// directory descriptor through /proc/TID/cwd and /proc/TID/fd/N, so the kernel
// does the walk (symbolic links, "..", mount points) and names the result.
// Two modes: `entry` resolves every component but the last, which is the
// directory entry the call creates or removes (unlink, rename, mkdir, an
// O_EXCL create); `follow` resolves the last component too (truncate, an open
// of an existing file). When the directory does not exist (the call will fail
// with ENOENT), the path is normalised lexically instead. Paths through
// /proc/self, /proc/thread-self and /dev/fd are rewritten to the traced
// thread's own, since the recorder's would name its own descriptors.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace crashpoint::recorder {

class root_dir {
 public:
  // Throws std::system_error when `path` is not an existing directory.
  static root_dir open(const std::string& path);
  const std::string& path() const { return path_; }
  dev_t dev() const { return dev_; }

  // "." for the root itself, "a/b" below it; nullopt outside.
  std::optional<std::string> relative(std::string_view abs) const;
  // A path as the log shows it: relative when under the root, else as it is.
  std::string display(std::string_view abs) const;
  // A directory entry lies strictly under the root: the root's own entry is
  // in its parent, outside.
  bool holds_entry(std::string_view abs) const;

 private:
  std::string path_;
  dev_t dev_ = 0;
};

enum class resolve_mode : std::uint8_t { entry, follow };

// dirfd is AT_FDCWD or a descriptor of the thread. nullopt for an empty path
// or a base that no longer exists.
std::optional<std::string> resolve_path(pid_t tid, pid_t tgid, int dirfd, std::string_view raw,
                                        resolve_mode mode);

// The same path as the recorder must spell it to reach what the thread would
// (its cwd or directory descriptor as base, its /proc/self as /proc/TGID):
// for stat(2) of the object itself, when its canonical name is not a path
// (an unlinked file's "/dir/#123 (deleted)").
std::string reachable_path(pid_t tid, pid_t tgid, int dirfd, std::string_view raw);

// "/a/./b//../c/" -> "/a/c" (no file system access; ".." above "/" stays at "/").
std::string normalize_lexically(std::string_view abs);

// readlink(2) into a string; nullopt on failure.
std::optional<std::string> read_link(const std::string& path);

}  // namespace crashpoint::recorder
