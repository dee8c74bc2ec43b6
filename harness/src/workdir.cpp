// workdir.cpp: per-run directories under one temporary root.
#include "workdir.hpp"

#include <stdlib.h>

#include <cstdlib>
#include <system_error>

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

}  // namespace

temp_root::temp_root() {
  const char* tmpdir = std::getenv("TMPDIR");
  const fs::path base = tmpdir && *tmpdir ? tmpdir : "/tmp";
  std::string tmpl = (base / "crashpoint-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) {
    throw std::system_error(errno, std::generic_category(), "cannot create a directory in " + base.string());
  }
  root_ = fs::canonical(tmpl);
}

run_dirs temp_root::make_run_dirs(std::size_t index, const std::string& id) const {
  char number[16];
  std::snprintf(number, sizeof number, "%04zu", index + 1);
  run_dirs d;
  d.dir = root_ / (std::string(number) + "-" + slug(id));
  d.work = d.dir / "work";
  d.home = d.dir / "home";
  d.tmp = d.dir / "tmp";
  d.logs = d.dir / "logs";
  d.before = d.dir / "before";
  d.trace = d.dir / "trace";
  d.state = d.dir / "state.json";
  for (const fs::path& p : {d.work, d.home, d.tmp, d.logs}) fs::create_directories(p);
  return d;
}

bool temp_root::remove(const fs::path& dir) const {
  const fs::path rel = dir.lexically_normal().lexically_relative(root_);
  if (rel.empty() || rel == "." || *rel.begin() == "..") return false;
  std::error_code ec;
  // A target may have removed the write bit on its own directories.
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::add, ec);
  for (auto it = fs::recursive_directory_iterator(dir, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_directory(ec) && !it->is_symlink(ec)) {
      fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
    }
  }
  fs::remove_all(dir, ec);
  return !ec;
}

void temp_root::remove_if_empty() const {
  std::error_code ec;
  if (fs::is_empty(root_, ec)) fs::remove(root_, ec);
}

void copy_fixture(const fs::path& from, const fs::path& to) {
  fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::copy_symlinks);
}

}  // namespace crashpoint::harness
