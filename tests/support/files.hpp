// SPDX-License-Identifier: Apache-2.0
// files.hpp: writing, reading and listing files, for the tests.
//
//   write_file(dir / "data/value", "5\n");     // folders made as needed
//   CHECK(read_file(dir / "data/value") == "5\n");
//   CHECK(names_in(dir) == std::vector<std::string>{"data"});
#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace crashpoint::test {

namespace fs = std::filesystem;

inline void write_file(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

// The whole file; "" when it cannot be read.
inline std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The names in a folder, sorted.
inline std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace crashpoint::test
