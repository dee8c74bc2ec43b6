// SPDX-License-Identifier: Apache-2.0
// file_content.cpp: pre-image plus replayed writes (see file_content.hpp).
#include "power_loss/file_content.hpp"

#include <fcntl.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <random>

#include <fmt/format.h>

namespace crashpoint::power_loss {

namespace {

constexpr std::uint64_t max_chunk = 1 << 20;

void write_at(int fd, std::string_view bytes, std::uint64_t offset) {
  while (!bytes.empty()) {
    const ssize_t n = ::pwrite(fd, bytes.data(), bytes.size(), static_cast<off_t>(offset));
    if (n <= 0) throw_rebuild_error("writing a rebuilt file", n < 0 ? errno : EIO);
    bytes.remove_prefix(static_cast<std::size_t>(n));
    offset += static_cast<std::uint64_t>(n);
  }
}

std::uint64_t file_size(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) throw_rebuild_error("fstat of a rebuilt file", errno);
  return static_cast<std::uint64_t>(st.st_size);
}

void zero_range(int fd, std::uint64_t offset, std::uint64_t length) {
  const std::string zeros(static_cast<std::size_t>(std::min(length, max_chunk)), '\0');
  while (length > 0) {
    const std::uint64_t n = std::min<std::uint64_t>(length, zeros.size());
    write_at(fd, std::string_view(zeros.data(), n), offset);
    offset += n;
    length -= n;
  }
}

std::uint64_t copy_preimage(int from, int to) {
  const std::uint64_t size = file_size(from);
  if (rec::copy_contents(from, to, size) == "unreadable") throw_rebuild_error("reading a pre-image", EIO);
  return size;
}

void apply_fallocate(int fd, const history_op& h) {
  const rec::io_op& op = h.op;
  const auto mode = static_cast<int>(op.flags);
  const std::uint64_t off = op.offset.value_or(0), len = op.length.value_or(0);
  if (::fallocate(fd, mode, static_cast<off_t>(off), static_cast<off_t>(len)) == 0) return;
  if ((mode & (FALLOC_FL_COLLAPSE_RANGE | FALLOC_FL_INSERT_RANGE)) != 0) {
    throw rebuild_error(fmt::format("call {} {}: this file system cannot replay it", op.seq, h.text));
  }
  // Emulated where the file system refuses (tmpfs and punch holes, say).
  const std::uint64_t size = file_size(fd);
  if ((mode & (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE)) != 0 && off < size) {
    zero_range(fd, off, std::min(len, size - off));
  }
  if ((mode & (FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE)) == 0 && off + len > size) {
    if (::ftruncate(fd, static_cast<off_t>(off + len)) != 0)
      throw_rebuild_error("extending a rebuilt file", errno);
  }
}

}  // namespace

std::uint64_t bytes_written(const history_op& h) {
  const rec::io_op& op = h.op;
  if (op.how == rec::outcome::unfinished) return op.payload_length.value_or(0);
  return op.result ? static_cast<std::uint64_t>(std::max<std::int64_t>(*op.result, 0)) : 0;
}

std::string garbage_bytes(std::uint64_t seed, std::uint64_t n) {
  std::mt19937_64 gen(seed);
  std::string out;
  out.reserve(static_cast<std::size_t>(n));
  while (out.size() < n) {
    std::uint64_t word = gen();
    for (int i = 0; i < 8 && out.size() < n; ++i, word >>= 8) out.push_back(static_cast<char>(word & 0xff));
  }
  return out;
}

payload_reader::payload_reader(const std::filesystem::path& file) : path_(file) {
  if (file.empty()) return;
  fd_ = unique_fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (!fd_) throw_rebuild_error(fmt::format("payloads {}", file.string()), errno);
  struct stat st {};
  if (::fstat(fd_.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
    throw rebuild_error(fmt::format("payloads {}: not a regular file", file.string()));
  }
  size_ = static_cast<std::uint64_t>(st.st_size);
}

std::string payload_reader::read_part(const history_op& h, std::uint64_t skip, std::uint64_t n) const {
  const rec::io_op& op = h.op;
  if (!fd_) {
    throw rebuild_error(
        fmt::format("call {} {}: its bytes are needed but no payloads file was given "
                    "(record with --payloads)",
                    op.seq, h.text));
  }
  if (!op.payload || op.payload_length.value_or(0) < skip + n || *op.payload + skip + n > size_) {
    throw rebuild_error(fmt::format("call {} {}: the payloads file {} does not hold its {} bytes", op.seq,
                                    h.text, path_.string(), skip + n));
  }
  std::string out(static_cast<std::size_t>(n), '\0');
  std::size_t done = 0;
  while (done < out.size()) {
    const ssize_t got = ::pread(fd_.get(), out.data() + done, out.size() - done,
                                static_cast<off_t>(*op.payload + skip + done));
    if (got <= 0) throw_rebuild_error(fmt::format("reading {}", path_.string()), got < 0 ? errno : EIO);
    done += static_cast<std::size_t>(got);
  }
  return out;
}

content_stats build_content(int out_fd, int undo_dir_fd, const std::optional<std::string>& preimage,
                            const std::vector<replay_step>& steps, const payload_reader& payloads) {
  content_stats stats;
  if (preimage) {
    unique_fd in(::openat(undo_dir_fd, preimage->c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (!in) throw_rebuild_error(fmt::format("pre-image {}", *preimage), errno);
    stats.copied = copy_preimage(in.get(), out_fd);
  }
  for (const replay_step& step : steps) {
    const history_op& h = *step.op;
    const rec::io_op& op = h.op;
    if (h.is_write()) {
      std::uint64_t n = bytes_written(h);
      const write_damage d = step.damage.value_or(write_damage{});
      n = std::min(n, d.keep_bytes);
      if (n == 0) continue;
      std::string bytes;
      switch (d.how) {
        case write_damage::fill::payload: bytes = payloads.read(h, n); break;
        case write_damage::fill::zero: bytes.assign(static_cast<std::size_t>(n), '\0'); break;
        case write_damage::fill::garbage: bytes = garbage_bytes(d.seed, n); break;
      }
      write_at(out_fd, bytes, op.offset.value_or(0));
      stats.replayed += n;
    } else if (op.kind == rec::call_kind::truncate || op.kind == rec::call_kind::open) {
      const std::uint64_t size = op.kind == rec::call_kind::open ? 0 : op.length.value_or(0);
      if (::ftruncate(out_fd, static_cast<off_t>(size)) != 0)
        throw_rebuild_error("truncating a rebuilt file", errno);
    } else if (op.kind == rec::call_kind::fallocate) {
      apply_fallocate(out_fd, h);
    }
  }
  return stats;
}

namespace {

// The file's size after the kept ops, from the pre-image's.
std::uint64_t size_after(std::uint64_t size, const std::vector<replay_step>& kept) {
  for (const replay_step& step : kept) {
    const rec::io_op& op = step.op->op;
    const std::uint64_t off = op.offset.value_or(0);
    if (step.op->is_write()) {
      const std::uint64_t n =
          std::min(bytes_written(*step.op), step.damage.value_or(write_damage{}).keep_bytes);
      if (n > 0) size = std::max(size, off + n);
    } else if (op.kind == rec::call_kind::open) {
      size = 0;
    } else if (op.kind == rec::call_kind::truncate) {
      size = op.length.value_or(0);
    } else if (op.kind == rec::call_kind::fallocate &&
               (op.flags & (FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE)) == 0) {
      size = std::max(size, off + op.length.value_or(0));
    }
  }
  return size;
}

// One op's effect on the bytes of [r.start, r.end), held in buf.
void replay_clipped(std::string& buf, byte_range r, const replay_step& step, const payload_reader& payloads) {
  const history_op& h = *step.op;
  const rec::io_op& op = h.op;
  const std::uint64_t off = op.offset.value_or(0);
  const auto zero_from = [&](std::uint64_t from, std::uint64_t to) {
    from = std::max(from, r.start);
    to = std::min(to, r.end);
    if (from < to)
      std::fill(buf.begin() + static_cast<std::ptrdiff_t>(from - r.start),
                buf.begin() + static_cast<std::ptrdiff_t>(to - r.start), '\0');
  };
  if (h.is_write()) {
    const write_damage d = step.damage.value_or(write_damage{});
    const std::uint64_t n = std::min(bytes_written(h), d.keep_bytes);
    const std::uint64_t from = std::max(off, r.start), to = std::min(off + n, r.end);
    if (from >= to) return;
    std::string bytes;
    switch (d.how) {
      case write_damage::fill::payload: bytes = payloads.read_part(h, from - off, to - from); break;
      case write_damage::fill::zero: bytes.assign(to - from, '\0'); break;
      case write_damage::fill::garbage: bytes = garbage_bytes(d.seed, to - off).substr(from - off); break;
    }
    std::copy(bytes.begin(), bytes.end(), buf.begin() + static_cast<std::ptrdiff_t>(from - r.start));
  } else if (op.kind == rec::call_kind::open) {
    zero_from(0, UINT64_MAX);
  } else if (op.kind == rec::call_kind::truncate) {
    zero_from(op.length.value_or(0), UINT64_MAX);
  } else if (op.kind == rec::call_kind::fallocate &&
             (op.flags & (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE)) != 0) {
    zero_from(off, off + op.length.value_or(0));
  }
}

// Sorted, merged ranges.
std::vector<byte_range> merged(std::vector<byte_range> ranges) {
  std::sort(ranges.begin(), ranges.end(), [](byte_range a, byte_range b) { return a.start < b.start; });
  std::vector<byte_range> out;
  for (const byte_range r : ranges) {
    if (r.start >= r.end) continue;
    if (!out.empty() && r.start <= out.back().end) {
      out.back().end = std::max(out.back().end, r.end);
    } else {
      out.push_back(r);
    }
  }
  return out;
}

}  // namespace

content_stats revert_in_place(int fd, int undo_dir_fd, const std::optional<std::string>& preimage,
                              std::uint64_t preimage_size, const std::vector<replay_step>& kept,
                              std::vector<byte_range> dirty, const payload_reader& payloads) {
  content_stats stats;
  unique_fd pre;
  if (preimage) {
    pre = unique_fd(::openat(undo_dir_fd, preimage->c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (!pre) throw_rebuild_error(fmt::format("pre-image {}", *preimage), errno);
  }
  const std::uint64_t size = size_after(preimage_size, kept);
  if (::ftruncate(fd, static_cast<off_t>(size)) != 0) throw_rebuild_error("truncating a rebuilt file", errno);
  for (byte_range r : merged(std::move(dirty))) {
    r.end = std::min(r.end, size);
    for (std::uint64_t at = r.start; at < r.end; at += max_chunk) {
      const byte_range piece{at, std::min(r.end, at + max_chunk)};
      std::string buf(static_cast<std::size_t>(piece.end - piece.start), '\0');
      if (pre && piece.start < preimage_size) {
        const std::size_t want = static_cast<std::size_t>(std::min(piece.end, preimage_size) - piece.start);
        std::size_t got = 0;
        while (got < want) {
          const ssize_t n =
              ::pread(pre.get(), buf.data() + got, want - got, static_cast<off_t>(piece.start + got));
          if (n <= 0) throw_rebuild_error("reading a pre-image", n < 0 ? errno : EIO);
          got += static_cast<std::size_t>(n);
        }
        stats.copied += want;
      }
      for (const replay_step& step : kept) replay_clipped(buf, piece, step, payloads);
      write_at(fd, buf, piece.start);
      stats.replayed += buf.size();
    }
  }
  return stats;
}

}  // namespace crashpoint::power_loss
