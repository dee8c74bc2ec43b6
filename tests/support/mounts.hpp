// SPDX-License-Identifier: Apache-2.0
// mounts.hpp: bind mounts for the tests of what the harness does with a mount
// point a target left in its folders (root only).
//
//   if (!bind_mount_permitted()) { WARN("..."); return; }
//   const mount_guard guard(area);           // detaches every mount below `area` at the end
//   REQUIRE(bind_mount(outside, work / "sub"));
//   CHECK(mounts_below(area).empty());
//
// A test that leaves a mount below a folder it then removes would empty the
// mounted folder through it: every test that mounts holds a mount_guard,
// declared after the folders it guards so that it is destroyed first.
#pragma once

#include <sys/mount.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace crashpoint::test {

namespace fs = std::filesystem;

inline bool bind_mount(const fs::path& from, const fs::path& to) {
  return ::mount(from.c_str(), to.c_str(), nullptr, MS_BIND, nullptr) == 0;
}

// /proc/self/mountinfo escapes space, tab, newline and backslash as \ooo.
inline std::string unescape_mount_path(const std::string& field) {
  std::string out;
  for (std::size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && i + 3 < field.size()) {
      out += static_cast<char>(std::stoi(field.substr(i + 1, 3), nullptr, 8));
      i += 3;
    } else {
      out += field[i];
    }
  }
  return out;
}

// The mount points at or below `dir` (canonical), deepest first.
inline std::vector<fs::path> mounts_below(const fs::path& dir) {
  std::error_code ec;
  const fs::path base = fs::weakly_canonical(dir, ec);
  std::vector<fs::path> out;
  std::ifstream in("/proc/self/mountinfo");
  for (std::string line; std::getline(in, line);) {
    std::istringstream fields(line);
    std::string id, parent, devno, root, point;
    fields >> id >> parent >> devno >> root >> point;
    const fs::path p = unescape_mount_path(point);
    const auto rel = p.lexically_relative(base);
    if (!rel.empty() && *rel.begin() != "..") out.push_back(p);
  }
  std::sort(out.begin(), out.end(),
            [](const fs::path& a, const fs::path& b) { return a.string().size() > b.string().size(); });
  return out;
}

// Whether this process may bind-mount (root, and not in a container that forbids it).
inline bool bind_mount_permitted() {
  if (::geteuid() != 0) return false;
  char tmpl[] = "/tmp/crashpoint-mount-probe-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) return false;
  const fs::path probe = tmpl;
  const bool ok = bind_mount(probe, probe);
  if (ok) ::umount2(probe.c_str(), MNT_DETACH);
  std::error_code ec;
  fs::remove(probe, ec);
  return ok;
}

// Detaches every mount below a folder when it goes out of scope.
class mount_guard {
 public:
  explicit mount_guard(fs::path dir) : dir_(std::move(dir)) {}
  ~mount_guard() {
    for (int round = 0; round < 16; ++round) {
      const auto points = mounts_below(dir_);
      if (points.empty()) break;
      for (const fs::path& p : points) ::umount2(p.c_str(), MNT_DETACH);
    }
  }
  mount_guard(const mount_guard&) = delete;
  mount_guard& operator=(const mount_guard&) = delete;

 private:
  fs::path dir_;
};

}  // namespace crashpoint::test
