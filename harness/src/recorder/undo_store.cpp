// SPDX-License-Identifier: Apache-2.0
// undo_store.cpp: keeping names and pre-images before a command changes them
// (see undo_store.hpp).
#include "recorder/undo_store.hpp"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <system_error>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "recorder/fd_probe.hpp"
#include "recorder/flag_names.hpp"
#include "recorder/json_text.hpp"

namespace crashpoint::recorder {

namespace {

using json = nlohmann::json;

[[noreturn]] void fail(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

// "key":"text" or, for bytes that are not UTF-8, "key_hex":"..."
void add_bytes(fmt::memory_buffer& out, std::string_view key, std::string_view value) {
  out.push_back(',');
  const std::size_t mark = out.size();
  append_json_string(out, key);
  out.push_back(':');
  if (append_json_string(out, value)) return;
  out.resize(mark);
  append_json_string(out, fmt::format("{}_hex", key));
  out.push_back(':');
  append_json_string(out, hex_encode(value));
}

std::string mode_string(mode_t mode) { return fmt::format("\"{:04o}\"", mode & 07777); }

bool inside(const std::string& path) { return !path.empty() && path.front() != '/' && path != "."; }

}  // namespace

std::string copy_contents(int from, int to, std::uint64_t size) {
  if (::ioctl(to, FICLONE, from) == 0) return "reflink";
  off_t in = 0, out = 0;
  std::uint64_t left = size;
  while (left > 0) {
    const ssize_t n = ::copy_file_range(from, &in, to, &out, left, 0);
    if (n <= 0) break;
    left -= static_cast<std::uint64_t>(n);
  }
  if (left == 0) return "copy";
  // copy_file_range refused (another file system, an old kernel): by hand, from where it stopped.
  std::vector<char> buf(1 << 16);
  while (left > 0) {
    const ssize_t n = ::pread(from, buf.data(), std::min<std::uint64_t>(left, buf.size()), in);
    if (n <= 0) break;
    if (::pwrite(to, buf.data(), static_cast<std::size_t>(n), out) != n) return "unreadable";
    in += n;
    out += n;
    left -= static_cast<std::uint64_t>(n);
  }
  return left == 0 ? "copy" : "unreadable";
}

std::string preimage_name(file_id id) { return fmt::format("{}-{}", id.dev, id.ino); }

undo_store::undo_store(const std::filesystem::path& dir, const std::string& root) : root_(root) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  dir_fd_ = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd_ < 0) fail(dir.string());
  index_fd_ =
      ::openat(dir_fd_, std::string(undo_index_name).c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (index_fd_ < 0) fail((dir / undo_index_name).string());
  fmt::memory_buffer b;
  fmt::format_to(std::back_inserter(b), R"({{"undo":"crashpoint-record","version":1)");
  add_bytes(b, "root", root_);
  b.push_back('}');
  line(fmt::to_string(b));
}

undo_store::undo_store(undo_store&& o) noexcept
    : dir_fd_(std::exchange(o.dir_fd_, -1)),
      index_fd_(std::exchange(o.index_fd_, -1)),
      root_(std::move(o.root_)),
      names_(std::move(o.names_)),
      saved_(std::move(o.saved_)),
      bytes_saved_(o.bytes_saved_) {}

undo_store& undo_store::operator=(undo_store&& o) noexcept {
  if (this != &o) {
    close_fd(dir_fd_);
    close_fd(index_fd_);
    dir_fd_ = std::exchange(o.dir_fd_, -1);
    index_fd_ = std::exchange(o.index_fd_, -1);
    root_ = std::move(o.root_);
    names_ = std::move(o.names_);
    saved_ = std::move(o.saved_);
    bytes_saved_ = o.bytes_saved_;
  }
  return *this;
}

undo_store::~undo_store() {
  close_fd(dir_fd_);
  close_fd(index_fd_);
}

void undo_store::line(const std::string& text) {
  const std::string l = text + "\n";
  if (::write(index_fd_, l.data(), l.size()) != static_cast<ssize_t>(l.size())) fail("undo index");
}

void undo_store::before(pid_t tid, const io_op& op) {
  if (!enabled()) return;
  const std::uint64_t seq = op.seq;
  switch (op.kind) {
    case call_kind::write:
    case call_kind::fallocate:
    case call_kind::copy_file_range:
    case call_kind::sendfile:
    case call_kind::splice: return save_descriptor(tid, op);
    case call_kind::truncate:
      if (op.call == syscall_id::truncate) return save_path(op.path, true, seq);
      return save_descriptor(tid, op);
    case call_kind::open:
      if ((op.flags & O_CREAT) != 0 && inside(op.path)) note_name(op.path, seq);
      if ((op.flags & O_TRUNC) != 0 && inside(op.path)) save_path(op.path, true, seq);
      return;
    case call_kind::rename:
      if (inside(op.path)) note_name(op.path, seq);
      if (inside(op.path2)) {
        note_name(op.path2, seq);
        save_path(op.path2, false, seq);  // renamed over: its last name may go
      } else if (inside(op.path)) {
        save_path(op.path, false, seq);  // leaves the root
      }
      return;
    case call_kind::link:
    case call_kind::symlink:
      if (inside(op.path2)) note_name(op.path2, seq);
      return;
    case call_kind::unlink:
      if (!inside(op.path)) return;
      note_name(op.path, seq);
      return save_path(op.path, false, seq);
    case call_kind::mkdir:
    case call_kind::rmdir:
      if (inside(op.path)) note_name(op.path, seq);
      return;
    default: return;
  }
}

void undo_store::note_name(const std::string& rel, std::uint64_t seq) {
  if (!names_.insert(rel).second) return;
  fmt::memory_buffer b;
  fmt::format_to(std::back_inserter(b), R"({{"seq":{})", seq);
  add_bytes(b, "name", rel);
  const std::string abs = root_ + "/" + rel;
  struct stat st {};
  if (::lstat(abs.c_str(), &st) != 0) {
    fmt::format_to(std::back_inserter(b), R"(,"object":"absent"}})");
    return line(fmt::to_string(b));
  }
  if (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) {
    fmt::format_to(std::back_inserter(b), R"(,"object":"{}","dev":{},"ino":{},"mode":{})",
                   S_ISREG(st.st_mode) ? "file" : "dir", st.st_dev, st.st_ino, mode_string(st.st_mode));
    if (S_ISREG(st.st_mode)) fmt::format_to(std::back_inserter(b), R"(,"size":{})", st.st_size);
  } else if (S_ISLNK(st.st_mode)) {
    fmt::format_to(std::back_inserter(b), R"(,"object":"symlink")");
    std::string target(static_cast<std::size_t>(st.st_size) + 1, '\0');
    const ssize_t n = ::readlink(abs.c_str(), target.data(), target.size());
    target.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
    add_bytes(b, "target", target);
  } else {
    fmt::format_to(std::back_inserter(b), R"(,"object":"other")");
  }
  b.push_back('}');
  line(fmt::to_string(b));
}

void undo_store::save_path(const std::string& rel, bool follow, std::uint64_t seq) {
  const std::string abs = root_ + "/" + rel;
  const int fd =
      ::open(abs.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY | (follow ? 0 : O_NOFOLLOW));
  if (fd < 0) return;  // absent (the call will fail or create it) or a symbolic link: nothing to keep
  save_open_file(fd, seq);
  ::close(fd);
}

void undo_store::save_descriptor(pid_t tid, const io_op& op) {
  if (op.fd < 0 || !op.dev || !op.ino || saved_.count({*op.dev, *op.ino}) != 0) return;
  const int fd = fd_prober::reopen_for_reading(tid, op.fd);
  if (fd < 0) {
    // A write-only file the user cannot read: say so, the rebuild will refuse it.
    saved_.insert({*op.dev, *op.ino});
    line(fmt::format(
        R"({{"seq":{},"preimage":"{}","dev":{},"ino":{},"size":0,"mode":"0000","how":"unreadable"}})", op.seq,
        preimage_name({*op.dev, *op.ino}), *op.dev, *op.ino));
    return;
  }
  save_open_file(fd, op.seq);
  ::close(fd);
}

void undo_store::save_open_file(int source_fd, std::uint64_t seq) {
  struct stat st {};
  if (::fstat(source_fd, &st) != 0 || !S_ISREG(st.st_mode)) return;
  const file_id id{st.st_dev, st.st_ino};
  if (!saved_.insert(id).second) return;
  const std::string name = preimage_name(id);
  std::string how = "unreadable";
  const int out =
      ::openat(dir_fd_, name.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (out >= 0) {
    how = copy_contents(source_fd, out, static_cast<std::uint64_t>(st.st_size));
    ::close(out);
    if (how == "unreadable") ::unlinkat(dir_fd_, name.c_str(), 0);
  }
  if (how != "unreadable") bytes_saved_ += static_cast<std::uint64_t>(st.st_size);
  line(fmt::format(R"({{"seq":{},"preimage":"{}","dev":{},"ino":{},"size":{},"mode":{},"how":"{}"}})", seq,
                   name, id.dev, id.ino, st.st_size, mode_string(st.st_mode), how));
}

// Reading the index back.

namespace {

std::string bytes_field(const json& j, const std::string& key) {
  if (const auto it = j.find(key); it != j.end()) return it->get<std::string>();
  if (const auto it = j.find(key + "_hex"); it != j.end()) {
    if (auto raw = hex_decode(it->get<std::string>())) return *raw;
    throw undo_error(key + "_hex is not hexadecimal");
  }
  return {};
}

std::uint32_t mode_field(const json& j) {
  const auto it = j.find("mode");
  if (it == j.end()) return 0;
  return static_cast<std::uint32_t>(std::stoul(it->get<std::string>(), nullptr, 8));
}

name_binding::object object_from(const std::string& text) {
  if (text == "absent") return name_binding::object::absent;
  if (text == "file") return name_binding::object::file;
  if (text == "dir") return name_binding::object::dir;
  if (text == "symlink") return name_binding::object::symlink;
  if (text == "other") return name_binding::object::other;
  throw undo_error("unknown object '" + text + "'");
}

}  // namespace

undo_index read_undo_index(const std::filesystem::path& dir) {
  const std::filesystem::path file = dir / undo_index_name;
  std::ifstream in(file, std::ios::binary);
  if (!in)
    throw undo_error(
        fmt::format("{}: cannot read the undo index (was the command recorded with --undo?)", file.string()));
  undo_index ix;
  std::string text;
  std::size_t number = 0;
  while (std::getline(in, text)) {
    ++number;
    try {
      const json j = json::parse(text);
      if (!j.is_object()) throw undo_error("not a JSON object");
      if (number == 1) {
        if (j.value("undo", "") != "crashpoint-record" || j.value("version", 0) != 1) {
          throw undo_error("not a crashpoint-record undo index of version 1");
        }
        ix.root = bytes_field(j, "root");
        continue;
      }
      if (j.contains("preimage")) {
        preimage p;
        p.id = {j.at("dev").get<std::uint64_t>(), j.at("ino").get<std::uint64_t>()};
        p.size = j.at("size").get<std::uint64_t>();
        p.mode = mode_field(j);
        p.how = j.at("how").get<std::string>();
        p.seq = j.at("seq").get<std::uint64_t>();
        ix.preimages.emplace(p.id, std::move(p));
        continue;
      }
      name_binding b;
      b.what = object_from(j.at("object").get<std::string>());
      b.seq = j.at("seq").get<std::uint64_t>();
      if (b.what == name_binding::object::file || b.what == name_binding::object::dir) {
        b.id = {j.at("dev").get<std::uint64_t>(), j.at("ino").get<std::uint64_t>()};
        b.mode = mode_field(j);
        b.size = j.value("size", std::uint64_t{0});
      }
      if (b.what == name_binding::object::symlink) b.target = bytes_field(j, "target");
      const std::string name = bytes_field(j, "name");
      if (name.empty()) throw undo_error("a name entry without a name");
      ix.names.emplace(name, std::move(b));
    } catch (const undo_error& e) {
      throw undo_error(fmt::format("{}:{}: {}", file.string(), number, e.what()));
    } catch (const std::exception& e) {
      throw undo_error(fmt::format("{}:{}: not an undo index line: {}", file.string(), number, e.what()));
    }
  }
  if (number == 0) throw undo_error(fmt::format("{}: empty undo index", file.string()));
  return ix;
}

}  // namespace crashpoint::recorder
