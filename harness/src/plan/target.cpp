// SPDX-License-Identifier: Apache-2.0
// target.cpp: target resolution, checked before anything runs.
#include "plan/target.hpp"

#include <unistd.h>

#include <cstdlib>

#include "util/path_search.hpp"

namespace crashpoint::harness {
namespace {

bool is_executable_file(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec) && ::access(p.c_str(), X_OK) == 0;
}

}  // namespace

fs::path find_on_path(const std::string& name, const std::string& path_var) {
  fs::path found;
  for_each_path_dir(path_var, [&](std::string_view dir) {
    if (dir.empty() || !is_executable_file(fs::path(dir) / name)) return false;
    found = fs::absolute(fs::path(dir) / name);
    return true;
  });
  return found;
}

fs::path resolve_target(const suite& s, const std::optional<fs::path>& override_path, std::string& error) {
  fs::path path;
  std::string origin;
  if (override_path) {
    path = fs::absolute(*override_path);
    origin = "--target";
  } else if (s.command.find('/') != std::string::npos) {
    path = fs::absolute(s.dir / s.command);
    origin = "[target] command, relative to " + s.dir.string();
  } else {
    const char* env_path = std::getenv("PATH");
    path = find_on_path(s.command, env_path ? env_path : "");
    if (path.empty()) {
      error = "target `" + s.command + "` not found on PATH (build it, or pass --target)";
      return {};
    }
    return path;
  }
  path = path.lexically_normal();
  if (!is_executable_file(path)) {
    error = "target " + path.string() + " (from " + origin + ") " +
            (fs::exists(path) ? "is not an executable file" : "does not exist") +
            " (build it, or pass --target)";
    return {};
  }
  return path;
}

}  // namespace crashpoint::harness
