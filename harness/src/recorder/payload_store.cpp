// SPDX-License-Identifier: Apache-2.0
// payload_store.cpp: copying written bytes out of tracees and files (see payload_store.hpp).
#include "recorder/payload_store.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "recorder/fd_probe.hpp"
#include "recorder/tracee_memory.hpp"

namespace crashpoint::recorder {

namespace {
constexpr std::size_t chunk_size = 256 * 1024;
}

payload_span payload_store::from_memory(pid_t tid, std::span<const memory_range> ranges,
                                        std::uint64_t limit) {
  payload_span span{file_.size(), 0};
  if (!enabled()) return span;
  chunk_.resize(chunk_size);
  for (const memory_range& r : ranges) {
    std::uint64_t done = 0;
    while (done < r.length && span.length < limit) {
      const std::size_t want = static_cast<std::size_t>(
          std::min<std::uint64_t>({r.length - done, chunk_size, limit - span.length}));
      const std::size_t got = read_memory(tid, r.addr + done, chunk_.data(), want);
      file_.append(std::string_view(chunk_.data(), got));
      span.length += got;
      done += got;
      if (got < want) return span;  // unreadable: the call itself gets EFAULT
    }
  }
  return span;
}

payload_span payload_store::from_file(pid_t tid, int fd, std::uint64_t offset, std::uint64_t length) {
  payload_span span{file_.size(), 0};
  if (!enabled() || length == 0) return span;
  const int ours = fd_prober::reopen_for_reading(tid, fd);
  if (ours < 0) return span;
  chunk_.resize(chunk_size);
  while (span.length < length) {
    const std::size_t want =
        static_cast<std::size_t>(std::min<std::uint64_t>(length - span.length, chunk_size));
    const ssize_t n = ::pread(ours, chunk_.data(), want, static_cast<off_t>(offset + span.length));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    file_.append(std::string_view(chunk_.data(), static_cast<std::size_t>(n)));
    span.length += static_cast<std::uint64_t>(n);
  }
  ::close(ours);
  return span;
}

}  // namespace crashpoint::recorder
