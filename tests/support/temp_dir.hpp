// SPDX-License-Identifier: Apache-2.0
// temp_dir.hpp: the one temporary folder of the tests.
//
//   const temp_dir dir;                        // $TMPDIR/crashpoint-test-XXXXXX
//   dir.write("scenarios/a.toml", "...");      // folders made as needed
//   load_scenarios({dir / "scenarios"});
//
// A fresh empty folder under the system temp folder, removed with all it holds
// when the test's object goes. A folder that cannot be made is an exception,
// which Catch reports as the test's failure.
#pragma once

#include <stdlib.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <system_error>

namespace crashpoint::test {

namespace fs = std::filesystem;

class temp_dir {
 public:
  explicit temp_dir(const std::string& prefix = "crashpoint-test") {
    std::string pattern = (fs::temp_directory_path() / (prefix + "-XXXXXX")).string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw std::system_error(errno, std::generic_category(), "mkdtemp " + pattern);
    }
    path_ = pattern;
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  const fs::path& path() const { return path_; }
  fs::path operator/(const std::string& rel) const { return path_ / rel; }

  // Writes `text` to the file `rel` (making its folders) and returns its path.
  fs::path write(const std::string& rel, const std::string& text) const {
    fs::path file = path_ / rel;
    fs::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << text;
    return file;
  }
  // Makes the folder `rel` (and its parents) and returns its path.
  fs::path folder(const std::string& rel) const {
    fs::create_directories(path_ / rel);
    return path_ / rel;
  }

 private:
  fs::path path_;
};

}  // namespace crashpoint::test
