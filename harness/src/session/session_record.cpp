// SPDX-License-Identifier: Apache-2.0
// session_record.cpp: helpers the JUnit and JSON reports share.
#include "session/session_record.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <fmt/format.h>
#include <fstream>

namespace crashpoint::harness {

std::size_t session_record::failed() const {
  return static_cast<std::size_t>(
      std::count_if(results.begin(), results.end(), [](const run_result& r) { return !r.passed(); }));
}

std::string kind_id(failure_kind k) {
  std::string id(to_string(k));
  std::replace(id.begin(), id.end(), ' ', '_');
  return id;
}

std::string seconds_text(std::chrono::nanoseconds d) {
  return fmt::format("{:.3f}", std::chrono::duration<double>(d).count());
}

std::string utc_timestamp(std::chrono::system_clock::time_point t) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm utc{};
  ::gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

std::string display_path(const std::filesystem::path& path) {
  std::error_code ec;
  const std::filesystem::path cwd = std::filesystem::current_path(ec);
  if (ec || !path.is_absolute()) return path.string();
  const std::filesystem::path relative = path.lexically_relative(cwd);
  const bool inside = !relative.empty() && *relative.begin() != "..";
  return inside ? relative.string() : path.string();
}

bool write_file_atomically(const std::filesystem::path& file, const std::string& text, std::string& error) {
  const std::filesystem::path tmp = file.string() + ".tmp-" + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (out) {
      std::error_code ec;
      std::filesystem::rename(tmp, file, ec);
      if (!ec) return true;
      error = "cannot write " + file.string() + ": " + ec.message();
    } else {
      error = "cannot write " + file.string() + ": " + std::strerror(errno);
    }
  }
  std::error_code ignored;
  std::filesystem::remove(tmp, ignored);
  return false;
}

}  // namespace crashpoint::harness
