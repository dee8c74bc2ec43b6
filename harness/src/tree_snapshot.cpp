// tree_snapshot.cpp: a recursive walk with content fingerprints.
#include "tree_snapshot.hpp"

#include <fstream>

namespace crashpoint::harness {
namespace {

namespace fs = std::filesystem;

// FNV-1a over the file's bytes, with its size: enough to see a change.
std::string file_fingerprint(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::uint64_t hash = 14695981039346656037ULL, size = 0;
  char buf[65536];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    for (std::streamsize i = 0; i < in.gcount(); ++i) {
      hash = (hash ^ static_cast<unsigned char>(buf[i])) * 1099511628211ULL;
    }
    size += static_cast<std::uint64_t>(in.gcount());
  }
  return "file " + std::to_string(size) + " " + std::to_string(hash);
}

std::string fingerprint(const fs::directory_entry& e) {
  std::error_code ec;
  if (e.is_symlink(ec)) return "link " + fs::read_symlink(e.path(), ec).string();
  if (e.is_directory(ec)) return "dir";
  if (e.is_regular_file(ec)) return file_fingerprint(e.path());
  return "other";
}

}  // namespace

tree_snapshot snapshot_tree(const fs::path& root) {
  tree_snapshot out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    out[it->path().lexically_relative(root).generic_string()] = fingerprint(*it);
  }
  return out;
}

std::vector<std::string> tree_differences(const tree_snapshot& before, const tree_snapshot& after) {
  std::vector<std::string> out;
  for (const auto& [path, print] : before) {
    const auto it = after.find(path);
    if (it == after.end()) out.push_back(path + " disappeared");
    else if (it->second != print) out.push_back(path + " changed");
  }
  for (const auto& [path, print] : after) {
    if (before.count(path) == 0) out.push_back(path + " appeared");
  }
  return out;
}

}  // namespace crashpoint::harness
