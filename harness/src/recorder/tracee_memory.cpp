// SPDX-License-Identifier: Apache-2.0
// tracee_memory.cpp: process_vm_readv wrappers (see tracee_memory.hpp).
#include "recorder/tracee_memory.hpp"

#include <sys/ptrace.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace crashpoint::recorder {

namespace {

constexpr std::size_t page_size = 4096;

ssize_t read_once(pid_t tid, std::uint64_t addr, void* out, std::size_t n) {
  iovec local{out, n};
  iovec remote{reinterpret_cast<void*>(addr), n};
  return ::process_vm_readv(tid, &local, 1, &remote, 1, 0);
}

}  // namespace

std::optional<std::string> read_string(pid_t tid, std::uint64_t addr, std::size_t max) {
  std::string out;
  char page[page_size];
  while (out.size() <= max) {
    const std::size_t to_page_end = page_size - (addr % page_size);
    const ssize_t n = read_once(tid, addr, page, to_page_end);
    if (n <= 0) return std::nullopt;
    const auto got = static_cast<std::size_t>(n);
    if (const void* nul = std::memchr(page, '\0', got)) {
      out.append(page, static_cast<std::size_t>(static_cast<const char*>(nul) - page));
      if (out.size() > max) return std::nullopt;
      return out;
    }
    out.append(page, got);
    addr += got;
  }
  return std::nullopt;
}

std::size_t read_memory(pid_t tid, std::uint64_t addr, void* out, std::size_t n) {
  if (n == 0) return 0;
  // One call for the whole buffer first; page by page only if it failed or
  // stopped short, to find exactly where the readable part ends.
  const ssize_t whole = read_once(tid, addr, out, n);
  if (whole >= 0 && static_cast<std::size_t>(whole) == n) return n;
  std::size_t got = 0;
  auto* dest = static_cast<char*>(out);
  while (got < n) {
    const std::size_t chunk = std::min(n - got, page_size - ((addr + got) % page_size));
    const ssize_t r = read_once(tid, addr + got, dest + got, chunk);
    if (r <= 0) break;
    got += static_cast<std::size_t>(r);
    if (static_cast<std::size_t>(r) < chunk) break;
  }
  return got;
}

bool write_word(pid_t tid, std::uint64_t addr, std::uint64_t value) {
  return ::ptrace(PTRACE_POKEDATA, tid, reinterpret_cast<void*>(addr), reinterpret_cast<void*>(value)) == 0;
}

}  // namespace crashpoint::recorder
