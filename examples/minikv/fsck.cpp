// SPDX-License-Identifier: Apache-2.0
// minikv/fsck.cpp: checking the snapshot, the log and the temporaries.
#include "minikv/fsck.hpp"

#include <string_view>
#include <system_error>

#include "minikv/file_io.hpp"
#include "minikv/record.hpp"
#include "minikv/snapshot.hpp"
#include "minikv/store.hpp"

namespace minikv {
namespace {

// The name of a data file as fsck reports it, relative to the store's root.
std::string shown(std::string_view name) { return std::string(layout::data_dir) + "/" + std::string(name); }

// Reads a data file into `bytes`; false when it is missing or unreadable (the
// latter is a problem).
bool read_data_file(const std::filesystem::path& dir, std::string_view name, std::string& bytes,
                    std::vector<std::string>& problems) {
  const std::error_code ec = read_file(dir / name, bytes);
  if (ec && ec != std::errc::no_such_file_or_directory) {
    problems.push_back(shown(name) + ": cannot read: " + ec.message());
  }
  return !ec;
}

void check_snapshot(const std::filesystem::path& dir, std::vector<std::string>& problems) {
  std::string bytes;
  table entries;
  if (read_data_file(dir, layout::snapshot, bytes, problems)) {
    if (std::string problem = decode_snapshot(bytes, entries); !problem.empty()) {
      problems.push_back(shown(layout::snapshot) + ": " + problem);
    }
  }
}

void check_log(const std::filesystem::path& dir, std::vector<std::string>& problems) {
  std::string bytes;
  if (read_data_file(dir, layout::log, bytes, problems)) {
    const decoded_records decoded = decode_records(bytes);
    if (!decoded.problem.empty()) {
      const std::size_t tail = bytes.size() - decoded.valid_bytes;
      problems.push_back(shown(layout::log) + ": " + decoded.problem + "; recovery would cut the last " +
                         std::to_string(tail) + " bytes");
    }
  }
}

void check_temporaries(const std::filesystem::path& dir, std::vector<std::string>& problems) {
  std::error_code ec;
  std::filesystem::directory_iterator it(dir, ec);
  for (; !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (layout::is_temporary(name)) {
      problems.push_back(shown(name) + ": leftover temporary");
    }
  }
  if (ec && ec != std::errc::no_such_file_or_directory) {
    problems.push_back(std::string(layout::data_dir) + ": cannot list: " + ec.message());
  }
}

}  // namespace

std::vector<std::string> fsck(const std::filesystem::path& root) {
  const std::filesystem::path dir = root / layout::data_dir;
  std::vector<std::string> problems;
  check_snapshot(dir, problems);
  check_log(dir, problems);
  check_temporaries(dir, problems);
  return problems;
}

}  // namespace minikv
