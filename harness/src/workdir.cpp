// workdir.cpp: per-run directories under one temporary root, created, written,
// recycled and removed through directory descriptors (see workdir.hpp).
#include "workdir.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <deque>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <system_error>
#include <utility>
#include <vector>

namespace crashpoint::harness {
namespace {

// A file-name-safe version of a run id.
std::string slug(const std::string& id) {
  std::string out;
  for (char c : id) {
    const bool safe = std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ||
                      c == '.' || c == '@';
    out += safe ? c : '_';
    if (out.size() >= 80) break;
  }
  return out;
}

class unique_fd {
 public:
  unique_fd() = default;
  explicit unique_fd(int fd) : fd_(fd) {}
  ~unique_fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  unique_fd(unique_fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  unique_fd& operator=(unique_fd&& o) noexcept {
    std::swap(fd_, o.fd_);
    return *this;
  }
  int get() const { return fd_; }
  explicit operator bool() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

// Adds the owner's rwx to a directory we hold open (a target may have taken
// them away); fails harmlessly on a directory that is not ours.
void make_accessible(int dir_fd) {
  struct stat st {};
  if (::fstat(dir_fd, &st) == 0 && (st.st_mode & S_IRWXU) != S_IRWXU) {
    ::fchmod(dir_fd, (st.st_mode & 07777) | S_IRWXU);
  }
}

// Opens the directory `name` in `parent`, never following a symbolic link,
// and makes it accessible. A directory whose mode is 000 is first opened with
// O_PATH (which needs no permission) and chmodded through that descriptor.
unique_fd open_dir(int parent, const char* name) {
  constexpr int dir_flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
  unique_fd fd(::openat(parent, name, dir_flags));
  if (!fd && errno == EACCES) {
    const unique_fd path_fd(::openat(parent, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!path_fd) return {};
    struct stat st {};
    if (::fstat(path_fd.get(), &st) != 0) return {};
    // chmod through /proc/self/fd follows the descriptor, not a name.
    const std::string self = "/proc/self/fd/" + std::to_string(path_fd.get());
    if (::chmod(self.c_str(), (st.st_mode & 07777) | S_IRWXU) != 0) return {};
    fd = unique_fd(::openat(path_fd.get(), ".", dir_flags));
  }
  if (fd) make_accessible(fd.get());
  return fd;
}

// The components of `p` below `root`, or nothing when `p` is not strictly
// inside it (relative, the root itself, or `..` out of it).
std::optional<std::vector<std::string>> components_inside(const fs::path& root, const fs::path& p) {
  if (!p.is_absolute()) return std::nullopt;
  const fs::path rel = p.lexically_normal().lexically_relative(root);
  std::vector<std::string> parts;
  for (const fs::path& part : rel) {
    if (part == "..") return std::nullopt;
    if (part.empty() || part == ".") continue;
    parts.push_back(part.string());
  }
  if (parts.empty()) return std::nullopt;
  return parts;
}

// Opens the directory that holds the last component, walking from root_fd.
// ENOENT in errno when a component is missing.
unique_fd open_parent(int root_fd, const std::vector<std::string>& parts) {
  make_accessible(root_fd);
  unique_fd dir(::fcntl(root_fd, F_DUPFD_CLOEXEC, 0));
  for (std::size_t i = 0; i + 1 < parts.size() && dir; ++i) dir = open_dir(dir.get(), parts[i].c_str());
  return dir;
}

struct dir_entry {
  std::string name;
  bool is_dir;
};

std::optional<std::vector<dir_entry>> list(int dir_fd) {
  const int copy = ::fcntl(dir_fd, F_DUPFD_CLOEXEC, 0);
  if (copy < 0) return std::nullopt;
  DIR* dir = ::fdopendir(copy);
  if (dir == nullptr) {
    ::close(copy);
    return std::nullopt;
  }
  std::vector<dir_entry> out;
  while (const dirent* e = ::readdir(dir)) {
    const std::string_view name = e->d_name;
    if (name == "." || name == "..") continue;
    bool is_dir = e->d_type == DT_DIR;
    if (e->d_type == DT_UNKNOWN) {
      struct stat st {};
      is_dir = ::fstatat(dir_fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
    }
    out.push_back({std::string(name), is_dir});
  }
  ::closedir(dir);
  return out;
}

// Removes everything below one directory. Directories deeper than max_depth
// are first moved up to the top directory (a rename within the tree being
// removed), so a target's 100,000-level tree costs no more descriptors or
// stack than a shallow one.
class tree_remover {
 public:
  explicit tree_remover(int top_fd) : top_fd_(top_fd) {}

  bool remove_all_below() {
    empty_dir(top_fd_, 0);
    while (!moved_up_.empty()) {
      const std::string name = std::move(moved_up_.back());
      moved_up_.pop_back();
      remove_dir_at(top_fd_, name.c_str(), 0);
    }
    return ok_;
  }

 private:
  static constexpr int max_depth = 64;

  void empty_dir(int dir_fd, int depth) {
    const auto entries = list(dir_fd);
    if (!entries) {
      ok_ = false;
      return;
    }
    for (const dir_entry& e : *entries) {
      if (!e.is_dir) {
        if (::unlinkat(dir_fd, e.name.c_str(), 0) == 0 || errno == ENOENT) continue;
        if (errno != EISDIR) {  // EISDIR: it was replaced by a directory meanwhile
          ok_ = false;
          continue;
        }
      }
      if (depth + 1 >= max_depth && move_up(dir_fd, e.name)) continue;
      remove_dir_at(dir_fd, e.name.c_str(), depth + 1);
    }
  }

  void remove_dir_at(int parent_fd, const char* name, int depth) {
    if (const unique_fd sub = open_dir(parent_fd, name)) {
      empty_dir(sub.get(), depth);
    } else if (errno == ENOENT) {
      return;
    } else if (errno == ENOTDIR || errno == ELOOP) {  // replaced by a file or a link meanwhile
      if (::unlinkat(parent_fd, name, 0) != 0 && errno != ENOENT) ok_ = false;
      return;
    }
    if (::unlinkat(parent_fd, name, AT_REMOVEDIR) != 0 && errno != ENOENT) ok_ = false;
  }

  bool move_up(int dir_fd, const std::string& name) {
    for (int attempt = 0; attempt < 100; ++attempt) {
      std::string to = ".crashpoint-deep-" + std::to_string(next_++);
      if (::renameat2(dir_fd, name.c_str(), top_fd_, to.c_str(), RENAME_NOREPLACE) == 0) {
        moved_up_.push_back(std::move(to));
        return true;
      }
      if (errno != EEXIST) return false;
    }
    return false;
  }

  int top_fd_;
  bool ok_ = true;
  std::size_t next_ = 0;
  std::vector<std::string> moved_up_;
};

struct stat stat_of(int fd) {
  struct stat st {};
  ::fstat(fd, &st);
  return st;
}

bool same_file(const struct stat& a, const struct stat& b) { return a.st_dev == b.st_dev && a.st_ino == b.st_ino; }

[[noreturn]] void throw_errno(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}

// Removes the entry `name` of `parent`: a directory with everything in it, or
// a file or a symbolic link itself. True when it is gone (or was never there).
bool remove_entry(int parent, const char* name) {
  struct stat st {};
  if (::fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) != 0) return errno == ENOENT;
  if (!S_ISDIR(st.st_mode)) return ::unlinkat(parent, name, 0) == 0 || errno == ENOENT;
  const unique_fd dir = open_dir(parent, name);
  if (!dir) return errno == ENOENT;
  const bool emptied = tree_remover(dir.get()).remove_all_below();
  return ::unlinkat(parent, name, AT_REMOVEDIR) == 0 && emptied;
}

// ---------------------------------------------------------------- recycling

constexpr std::array<const char*, 4> run_subdirs{"work", "home", "tmp", "logs"};

bool is_run_subdir(const std::string& name) {
  return std::any_of(run_subdirs.begin(), run_subdirs.end(), [&](const char* s) { return name == s; });
}

// The extended attributes of a directory (ACLs, security labels) as sorted
// "name=value" lines, or nothing when they cannot be read.
std::optional<std::string> xattrs_of(int fd) {
  const ssize_t size = ::flistxattr(fd, nullptr, 0);
  if (size == 0 || (size < 0 && errno == ENOTSUP)) return std::string();
  if (size < 0) return std::nullopt;
  std::string names(static_cast<std::size_t>(size), '\0');
  const ssize_t got = ::flistxattr(fd, names.data(), names.size());
  if (got < 0) return std::nullopt;
  std::vector<std::string> entries;
  for (std::size_t at = 0; at < static_cast<std::size_t>(got);) {
    const std::string name = names.c_str() + at;
    at += name.size() + 1;
    const ssize_t n = ::fgetxattr(fd, name.c_str(), nullptr, 0);
    if (n < 0) return std::nullopt;
    std::string value(static_cast<std::size_t>(n), '\0');
    const ssize_t read = ::fgetxattr(fd, name.c_str(), value.data(), value.size());
    if (read < 0) return std::nullopt;
    value.resize(static_cast<std::size_t>(read));
    entries.push_back(name + "=" + value);
  }
  std::sort(entries.begin(), entries.end());
  std::string out;
  for (const std::string& e : entries) out += e + '\n';
  return out;
}

// What makes a directory look fresh to a target, beyond being empty.
struct dir_identity {
  uid_t uid = 0;
  gid_t gid = 0;
  mode_t mode = 0;   // permission bits, setgid included
  off_t size = 0;    // grows with the entries a directory once held, on ext4 for good
  long flags = -1;   // chattr flags (casefold, append-only, ...); -1: not supported
  std::string xattrs;
  bool operator==(const dir_identity&) const = default;
};

std::optional<dir_identity> identity_of(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISDIR(st.st_mode)) return std::nullopt;
  auto xattrs = xattrs_of(fd);
  if (!xattrs) return std::nullopt;
  dir_identity id{st.st_uid, st.st_gid, st.st_mode & 07777, st.st_size, -1, std::move(*xattrs)};
  int flags = 0;
  if (::ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0) id.flags = flags;
  return id;
}

// Gives the directory `fd` the mode of `fresh` (a target may have chmodded
// it), then says whether it is now like `fresh` in every other respect.
bool make_like(int fd, const dir_identity& fresh) {
  const auto now = identity_of(fd);
  if (!now) return false;
  if (now->mode == fresh.mode) return *now == fresh;
  return ::fchmod(fd, fresh.mode) == 0 && identity_of(fd) == fresh;
}

// Whether no process started by a run can still be inside a run folder: this
// process is a child subreaper, so each of them descends from one of its
// children (a process whose parent dies is re-parented here), and the kernel
// says it has none at all (ECHILD), running or zombie, of any of its threads.
// WNOHANG | WNOWAIT: nothing waits, nothing is reaped.
bool no_process_can_be_inside() {
  int subreaper = 0;
  if (::prctl(PR_GET_CHILD_SUBREAPER, &subreaper) != 0 || subreaper == 0) return false;
  siginfo_t info{};
  return ::waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT | __WALL) != 0 && errno == ECHILD;
}

}  // namespace

// The parked run folders, by name in the root, all emptied already: `ready`
// ones can be reused; `pending` ones were parked while some process could
// still be inside (and write into them again), so they are emptied once more
// when none can be any more, and become ready then.
class temp_root::spare_list {
 public:
  explicit spare_list(int root_fd) : root_fd_(root_fd) {}

  // Whether a folder given to park() can be made like new.
  bool can_recycle() const {
    int subreaper = 0;
    if (::prctl(PR_GET_CHILD_SUBREAPER, &subreaper) != 0 || subreaper == 0) return false;
    return fresh().has_value();
  }

  // Remembers how the first fresh run folder `run_fd` and its workdir `work_fd` look.
  void note_fresh(int run_fd, int work_fd) {
    const auto run = identity_of(run_fd);
    const auto sub = identity_of(work_fd);
    const std::lock_guard lock(mutex_);
    if (!fresh_ && run && sub) fresh_ = fresh_look{*run, *sub};
  }

  // Renames the run folder `name` to a spare name, empties it and parks it,
  // or removes it when it cannot be made like new. False when it is not a
  // directory or cannot be renamed (then it is left as it is).
  bool park(const std::string& name) {
    const auto look = fresh();
    if (!look) return false;
    const auto spare = rename_to_spare(name);
    if (!spare) return false;
    // Emptied right away in any case, so that no more of a run's data waits
    // on the disk than before recycling.
    const bool quiet = no_process_can_be_inside();
    if (!renew(*spare, *look)) {
      remove_entry(root_fd_, spare->c_str());
      return true;
    }
    std::string too_many;
    {
      const std::lock_guard lock(mutex_);
      if (quiet) {
        ready_.push_back(*spare);
      } else {
        pending_.push_back(*spare);
        if (pending_.size() > max_pending) {
          too_many = std::move(pending_.front());
          pending_.pop_front();
        }
      }
    }
    if (!too_many.empty()) remove_entry(root_fd_, too_many.c_str());
    settle();
    return true;
  }

  // Renames a ready spare (settling the pending ones first if none is) to
  // `name`. False when there is none or it cannot be renamed.
  bool reuse_as(const std::string& name) {
    if (!has_ready()) settle();
    std::string spare;
    {
      const std::lock_guard lock(mutex_);
      if (ready_.empty()) return false;
      spare = std::move(ready_.back());
      ready_.pop_back();
    }
    if (::renameat2(root_fd_, spare.c_str(), root_fd_, name.c_str(), RENAME_NOREPLACE) == 0) return true;
    remove_entry(root_fd_, spare.c_str());
    return false;
  }

  // Removes every parked folder.
  void drop_all() {
    std::deque<std::string> all;
    {
      const std::lock_guard lock(mutex_);
      all.swap(pending_);
      for (std::string& s : ready_) all.push_back(std::move(s));
      ready_.clear();
    }
    for (const std::string& s : all) remove_entry(root_fd_, s.c_str());
  }

 private:
  struct fresh_look {
    dir_identity run, sub;
  };
  // Pending folders are empty skeletons: this bounds only their number.
  static constexpr std::size_t max_pending = 16;

  std::optional<fresh_look> fresh() const {
    const std::lock_guard lock(mutex_);
    return fresh_;
  }

  bool has_ready() const {
    const std::lock_guard lock(mutex_);
    return !ready_.empty();
  }

  std::optional<std::string> rename_to_spare(const std::string& name) {
    struct stat st {};
    if (::fstatat(root_fd_, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(st.st_mode)) {
      return std::nullopt;
    }
    for (int attempt = 0; attempt < 100; ++attempt) {
      std::string to = ".spare-" + std::to_string(next_++);
      if (::renameat2(root_fd_, name.c_str(), root_fd_, to.c_str(), RENAME_NOREPLACE) == 0) return to;
      if (errno != EEXIST) break;
    }
    return std::nullopt;
  }

  // Once no process can be inside the pending folders, empties them again
  // (whatever was written since): each becomes ready, or is removed. The
  // check is made under the lock, so after every folder it releases was parked.
  void settle() {
    std::deque<std::string> todo;
    fresh_look look;
    {
      const std::lock_guard lock(mutex_);
      if (pending_.empty() || !fresh_ || !no_process_can_be_inside()) return;
      todo.swap(pending_);
      look = *fresh_;
    }
    for (const std::string& spare : todo) {
      if (renew(spare, look)) {
        const std::lock_guard lock(mutex_);
        ready_.push_back(spare);
      } else {
        remove_entry(root_fd_, spare.c_str());
      }
    }
  }

  // Empties the parked folder `spare` down to its four empty directories and
  // gives them and it back the look of a fresh run folder. False when that
  // fails in any way (the caller then removes it).
  bool renew(const std::string& spare, const fresh_look& look) const {
    const unique_fd run = open_dir(root_fd_, spare.c_str());
    if (!run) return false;
    const auto entries = list(run.get());
    if (!entries) return false;
    bool ok = true;
    for (const dir_entry& e : *entries) {
      if (!is_run_subdir(e.name)) ok = remove_entry(run.get(), e.name.c_str()) && ok;
    }
    for (const char* sub : run_subdirs) {
      if (!ok) return false;
      // O_NOFOLLOW and O_DIRECTORY: a link or a file in its place fails here.
      const unique_fd dir = open_dir(run.get(), sub);
      ok = dir && tree_remover(dir.get()).remove_all_below() && make_like(dir.get(), look.sub);
    }
    return ok && make_like(run.get(), look.run);
  }

  const int root_fd_;
  mutable std::mutex mutex_;
  std::optional<fresh_look> fresh_;
  std::deque<std::string> pending_;
  std::vector<std::string> ready_;
  std::atomic<std::size_t> next_{0};
};

temp_root::temp_root() {
  const char* tmpdir = std::getenv("TMPDIR");
  const fs::path base = tmpdir && *tmpdir ? tmpdir : "/tmp";
  std::string tmpl = (base / "crashpoint-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) throw_errno("cannot create a directory in " + base.string());
  root_ = fs::canonical(tmpl);
  name_ = root_.filename().string();
  parent_fd_ = ::open(root_.parent_path().c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  root_fd_ = ::open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (parent_fd_ < 0 || root_fd_ < 0) {
    const int err = errno;
    if (root_fd_ >= 0) ::close(root_fd_);
    if (parent_fd_ >= 0) ::close(parent_fd_);
    ::rmdir(root_.c_str());
    errno = err;
    throw_errno("cannot open " + root_.string());
  }
  spares_ = std::make_unique<spare_list>(root_fd_);
}

temp_root::~temp_root() {
  // Normally remove_if_empty() has done this; after an exception, at least
  // no spare is left behind.
  try {
    spares_->drop_all();
  } catch (...) {
  }
  ::close(root_fd_);
  ::close(parent_fd_);
}

run_dirs temp_root::make_run_dirs(std::size_t index, const std::string& id) const {
  char number[16];
  std::snprintf(number, sizeof number, "%04zu", index + 1);
  run_dirs d;
  const std::string name = std::string(number) + "-" + slug(id);
  d.dir = root_ / name;
  d.work = d.dir / "work";
  d.home = d.dir / "home";
  d.tmp = d.dir / "tmp";
  d.logs = d.dir / "logs";
  d.before = d.dir / "before";
  d.trace = d.dir / "trace";
  d.state = d.dir / "state.json";

  struct stat at_path {};
  if (::stat(root_.c_str(), &at_path) != 0 || !same_file(at_path, stat_of(root_fd_))) {
    throw std::runtime_error("the harness's temporary folder " + root_.string() +
                             " was moved or removed (by a target?)");
  }
  make_accessible(root_fd_);
  if (spares_->reuse_as(name)) return d;
  // Like create_directories: a directory already there is fine.
  const bool fresh = ::mkdirat(root_fd_, name.c_str(), 0777) == 0;
  if (!fresh && errno != EEXIST) throw_errno("cannot create " + d.dir.string());
  const unique_fd run_fd = open_dir(root_fd_, name.c_str());
  if (!run_fd) throw_errno("cannot open " + d.dir.string());
  bool all_fresh = fresh;
  for (const char* sub : run_subdirs) {
    if (::mkdirat(run_fd.get(), sub, 0777) == 0) continue;
    if (errno != EEXIST || !open_dir(run_fd.get(), sub)) throw_errno("cannot create " + (d.dir / sub).string());
    all_fresh = false;
  }
  // What a recycled folder must look like (no target has run in this one yet).
  if (all_fresh) {
    const unique_fd work(::openat(run_fd.get(), "work", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (work) spares_->note_fresh(run_fd.get(), work.get());
  }
  return d;
}

bool temp_root::remove(const fs::path& p) const {
  const auto parts = components_inside(root_, p);
  if (!parts) return false;
  const unique_fd parent = open_parent(root_fd_, *parts);
  if (!parent) return errno == ENOENT;
  return remove_entry(parent.get(), parts->back().c_str());
}

bool temp_root::recycle(const fs::path& run_dir) const {
  const auto parts = components_inside(root_, run_dir);
  if (!parts || parts->size() != 1 || !spares_->can_recycle()) return remove(run_dir);
  make_accessible(root_fd_);
  return spares_->park(parts->front()) || remove(run_dir);
}

void temp_root::remove_if_empty() const {
  spares_->drop_all();
  make_accessible(root_fd_);
  const auto entries = list(root_fd_);
  if (!entries || !entries->empty()) return;
  // Only if the name still means our root: a target may have put something else there.
  struct stat at_name {};
  if (::fstatat(parent_fd_, name_.c_str(), &at_name, AT_SYMLINK_NOFOLLOW) != 0) return;
  if (same_file(at_name, stat_of(root_fd_))) ::unlinkat(parent_fd_, name_.c_str(), AT_REMOVEDIR);
}

bool temp_root::write_file(const fs::path& file, std::string_view text) const {
  const auto parts = components_inside(root_, file);
  if (!parts) return false;
  const unique_fd parent = open_parent(root_fd_, *parts);
  if (!parent) return false;
  const char* last = parts->back().c_str();
  if (::unlinkat(parent.get(), last, 0) != 0 && errno != ENOENT) return false;
  const unique_fd out(
      ::openat(parent.get(), last, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666));
  if (!out) return false;
  while (!text.empty()) {
    const ssize_t n = ::write(out.get(), text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

void copy_fixture(const fs::path& from, const fs::path& to) {
  fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::copy_symlinks);
}

}  // namespace crashpoint::harness
