// SPDX-License-Identifier: Apache-2.0
// file_pieces.hpp: reading a file a target left, in bounded pieces.
//
// The checks the harness makes itself never read a workdir file whole unless
// they must (`matches`, `json`, each with a size limit): they stream it in
// 64 KiB pieces, checking the run's budget between pieces, so a 2 GiB sparse
// file costs 64 KiB of memory and stops at the run's timeout. A file is
// opened without blocking and must be a regular file: a FIFO, a socket or a
// device (`/dev/zero` behind a link) is refused, never read.
//
//   opened_file f = open_for_check(AT_FDCWD, path.c_str(), /*follow_links=*/true);
//   if (!f.problem.empty()) return fail("file x " + f.problem);   // "is absent", ...
//   read_pieces(f.fd.get(), budget, "reading file x", [&](std::string_view piece) {
//     ...; return true;                                           // false: stop early
//   });
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "util/check_budget.hpp"
#include "workdir/dir_fd.hpp"

namespace crashpoint::harness {

inline constexpr std::size_t file_piece_bytes = 64 * 1024;

struct opened_file {
  dirfd::unique_fd fd;
  std::uint64_t size = 0;
  // Empty when open; else why not, to follow the file's name in a message:
  // "is absent", "is not a regular file (a FIFO)", "cannot be read: Permission denied".
  std::string problem;
};

// Opens `name` in `dir_fd` (AT_FDCWD: a path) for reading. Without
// `follow_links` a symbolic link is refused as not a regular file.
opened_file open_for_check(int dir_fd, const char* name, bool follow_links);

using piece_reader = std::function<bool(std::string_view)>;

// Reads `fd` from its start, passing `piece` each full 64 KiB piece (the last
// may be shorter: pieces never depend on how read() splits the file) until
// the end or until `piece` returns false. Checks `budget` before each piece;
// a read error throws check_failed.
void read_pieces(int fd, const check_budget& budget, std::string_view doing, const piece_reader& piece);

// What a message shows of a text that may be too long to show whole: its
// first bytes, its last 200 and its size (quote_sample() in assertions.hpp).
struct text_sample {
  std::string head;  // the first min(size, the limit asked for) bytes
  std::string tail;  // the last 200 bytes, when the head does not reach them
  std::uint64_t size = 0;

  bool whole() const { return head.size() == size; }
};

inline constexpr std::size_t sample_tail_bytes = 200;

// Reads the first `head_bytes` and the last 200 bytes of `fd` (pread, so no
// more than that), and its size.
text_sample sample_file(int fd, std::size_t head_bytes);

// The whole of `text` as a sample (it is in memory already).
text_sample sample_text(std::string_view text, std::size_t head_bytes);

}  // namespace crashpoint::harness
