// SPDX-License-Identifier: Apache-2.0
// The power-loss history (power_loss/history.hpp) of hand-made logs: what a
// real recording gives only when the file system happens to reuse an inode.
#include <catch2/catch.hpp>

#include <fcntl.h>

#include "power_loss/history.hpp"

namespace pl = crashpoint::power_loss;
namespace rec = crashpoint::recorder;

namespace {

constexpr std::uint64_t dev = 2049, root_ino = 2;

// One call that returned `result`, on the file with inode `ino`.
rec::io_op call(std::uint64_t seq, rec::syscall_id id, rec::call_kind kind, const std::string& path,
                std::uint64_t ino, std::int64_t result = 0) {
  rec::io_op op;
  op.seq = op.end_seq = seq;
  op.call = id;
  op.kind = kind;
  op.path = path;
  op.dev = dev;
  op.ino = ino;
  op.result = result;
  return op;
}

rec::io_op create(std::uint64_t seq, const std::string& path, std::uint64_t ino) {
  rec::io_op op = call(seq, rec::syscall_id::openat, rec::call_kind::open, path, ino, 3);
  op.flags = O_WRONLY | O_CREAT | O_TRUNC;
  op.mode = 0644;
  return op;
}

rec::io_op write(std::uint64_t seq, const std::string& path, std::uint64_t ino, std::uint64_t length) {
  rec::io_op op =
      call(seq, rec::syscall_id::write, rec::call_kind::write, path, ino, static_cast<std::int64_t>(length));
  op.fd = 3;
  op.fd_flags = O_WRONLY;
  op.offset = 0;
  op.length = length;
  return op;
}

rec::io_op fsync(std::uint64_t seq, const std::string& path, std::uint64_t ino) {
  return call(seq, rec::syscall_id::fsync, rec::call_kind::fsync, path, ino);
}

rec::name_binding absent(std::uint64_t seq) {
  rec::name_binding b;
  b.seq = seq;
  return b;
}

const pl::history_op& op_at(const pl::history& h, std::uint64_t seq) {
  for (const pl::history_op& o : h.ops) {
    if (o.op.seq == seq) return o;
  }
  FAIL("no op " << seq);
  return h.ops.front();
}

}  // namespace

TEST_CASE(
    "an fsync of a file made on a deleted file's inode does not make the deleted file's writes durable") {
  // ext4 gives a freed inode to the next file made: "a" and what replaces it
  // have one (dev, ino) but are two files.
  for (const std::string way : {"create", "mkdir"}) {
    SECTION(way) {
      rec::undo_index undo;
      undo.names.emplace("a", absent(1));
      undo.names.emplace("b", absent(5));
      rec::preimage empty;
      empty.id = {dev, 7};
      empty.how = "copy";
      empty.seq = 2;
      undo.preimages.emplace(empty.id, empty);
      rec::io_op second = create(5, "b", 7);
      if (way == "mkdir") {
        second = call(5, rec::syscall_id::mkdir, rec::call_kind::mkdir, "b", 7);
        second.mode = 0755;
      }
      const pl::history h = pl::make_history(
          {create(1, "a", 7), write(2, "a", 7, 2), fsync(3, ".", root_ino),
           call(4, rec::syscall_id::unlink, rec::call_kind::unlink, "a", 7), second, fsync(6, "b", 7)},
          undo);
      const pl::history_op& lost = op_at(h, 2);
      CHECK_FALSE(lost.durable);
      CHECK(lost.why_not == "never fsynced");
      CHECK(op_at(h, 1).file != op_at(h, 5).file);
    }
  }
}

TEST_CASE("a file made on the inode of one the command replaced does not get that file's pre-image") {
  // The atomic save twice: the second temporary file gets the inode the first
  // rename freed, that of "data" as it was before the command.
  rec::undo_index undo;
  rec::name_binding data;
  data.what = rec::name_binding::object::file;
  data.id = {dev, 5};
  data.size = 4;
  data.seq = 1;
  undo.names.emplace("data", data);
  undo.names.emplace("data.tmp", absent(1));
  rec::preimage old;
  old.id = {dev, 5};
  old.size = 4;
  old.how = "copy";
  old.seq = 4;
  undo.preimages.emplace(old.id, old);
  rec::io_op rename = call(4, rec::syscall_id::rename, rec::call_kind::rename, "data.tmp", 6);
  rename.path2 = "data";
  const pl::history h =
      pl::make_history({create(1, "data.tmp", 6), write(2, "data.tmp", 6, 3), fsync(3, "data.tmp", 6), rename,
                        fsync(5, ".", root_ino), create(6, "data.tmp", 5), write(7, "data.tmp", 5, 5)},
                       undo);
  const pl::history_op& second = op_at(h, 6);
  REQUIRE(second.action == pl::entry_action::create);
  CHECK(h.preimages.count({dev, 5}) == 1);      // the old "data"'s, as the name bound it at the start
  CHECK(h.preimages.count(*second.file) == 0);  // made by the command: it starts empty
  CHECK(op_at(h, 7).file == second.file);
}
