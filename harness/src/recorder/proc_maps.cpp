// SPDX-License-Identifier: Apache-2.0
// proc_maps.cpp: parsing /proc/TID/maps (see proc_maps.hpp).
#include "recorder/proc_maps.hpp"

#include <fcntl.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>

#include <fmt/format.h>

namespace crashpoint::recorder {

namespace {

constexpr std::size_t max_maps_bytes = 64 << 20;

// Consumes a number in `base` from the front of `text`, then one separator.
bool take_number(std::string_view& text, std::uint64_t& out, int base) {
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out, base);
  if (ec != std::errc{}) return false;
  text.remove_prefix(static_cast<std::size_t>(ptr - text.data()));
  if (!text.empty()) text.remove_prefix(1);
  return true;
}

}  // namespace

std::vector<mapping> parse_maps(std::string_view text) {
  // "7f1c2a000000-7f1c2a021000 rw-s 00000000 fd:01 1234   /path/to/file"
  std::vector<mapping> out;
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    mapping m;
    std::uint64_t major = 0, minor = 0;
    if (!take_number(line, m.start, 16) || !take_number(line, m.end, 16) || line.size() < 5) continue;
    m.writable = line[1] == 'w';
    m.shared = line[3] == 's';
    line.remove_prefix(5);
    if (!take_number(line, m.offset, 16) || !take_number(line, major, 16) || !take_number(line, minor, 16) ||
        !take_number(line, m.inode, 10)) {
      continue;
    }
    m.dev = makedev(static_cast<unsigned>(major), static_cast<unsigned>(minor));
    const std::size_t path_at = line.find_first_not_of(' ');
    if (path_at != std::string_view::npos) m.path = std::string(line.substr(path_at));
    out.push_back(std::move(m));
  }
  return out;
}

std::vector<mapping> read_maps(pid_t tid) {
  const int fd = ::open(fmt::format("/proc/{}/maps", tid).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return {};
  std::string text;
  char buf[64 * 1024];
  while (text.size() < max_maps_bytes) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return parse_maps(text);
}

}  // namespace crashpoint::recorder
