// SPDX-License-Identifier: Apache-2.0
// tracee_memory.hpp: reading (and rarely writing) a stopped tracee's memory.
//
//   std::optional<std::string> path = read_string(tid, args[1]);   // nullopt: unreadable or too long
//   std::size_t got = read_memory(tid, iov_addr, &iov, sizeof iov);  // bytes actually read
//
// Reads use process_vm_readv, one system call for a whole buffer. Strings are
// read a page at a time, never past the page that holds their terminating
// NUL: a path at the very end of a mapping must not make the read fail. A
// failed or short read means the traced call will fail with EFAULT itself.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace crashpoint::recorder {

// A NUL-terminated string of at most `max` bytes (PATH_MAX by default).
std::optional<std::string> read_string(pid_t tid, std::uint64_t addr, std::size_t max = 4096);

// Up to n bytes at addr; returns how many could be read, stopping at the
// first unreadable page.
std::size_t read_memory(pid_t tid, std::uint64_t addr, void* out, std::size_t n);

// Writes one aligned 64-bit word (PTRACE_POKEDATA); false on failure.
bool write_word(pid_t tid, std::uint64_t addr, std::uint64_t value);

}  // namespace crashpoint::recorder
