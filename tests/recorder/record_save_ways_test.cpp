// SPDX-License-Identifier: Apache-2.0
// The four ways to save a file (rec_save_ways), each crashed by
// crashpoint-record just before and just after every file-system call it
// makes. A process crash keeps every write that returned, so only a save
// that truncates the live file in place can leave it with neither its old
// nor its new content; the three that write a temporary and rename it over
// the file always leave one or the other. (Under a power loss only the save
// that also syncs the directory would: that is for the power-loss model.)
#include <catch2/catch.hpp>

#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "recorder_support.hpp"

using namespace crashpoint::test;

namespace {

const std::string old_content = "old contents\n";
// Two writes of the fixture's 4096-byte pieces, so that a crash between them
// leaves a half-written file.
const std::string new_content = std::string(4096, 'n') + "new contents\n";

// What a crash at one point left.
struct crash_state {
  std::string point;                // sys:*@N or sys:*@N+
  std::string call;                 // the call it named, as users read it
  std::optional<std::string> data;  // the target's content; nothing when it is absent
};

std::string shown(const std::optional<std::string>& data) {
  if (!data) return "absent";
  if (*data == old_content) return "old";
  if (*data == new_content) return "new";
  return std::to_string(data->size()) + " bytes, neither old nor new";
}

std::string where(const crash_state& s) { return s.point + "  " + s.call + "  -> data: " + shown(s.data); }

// Saves with MODE over a file holding old_content, crashed at every call:
// sys:*@N and sys:*@N+ for N from 1 until a point is not reached, which must
// then be the run that saved new_content and exited 0.
std::vector<crash_state> crash_everywhere(const std::string& mode) {
  std::vector<crash_state> states;
  for (int n = 1;; ++n) {
    for (const std::string suffix : {"", "+"}) {
      recorder_dir d;
      const fs::path data = d.work() / "data";
      std::ofstream(data, std::ios::binary) << old_content;
      const std::string point = "sys:*@" + std::to_string(n) + suffix;
      const recording r =
          d.record({"--point", point}, {fixture_path("rec_save_ways"), mode, data.string(), new_content});
      REQUIRE(r.result.point);
      if (!r.result.point->reached) {
        INFO(point << " not reached");
        REQUIRE(suffix.empty());
        REQUIRE(n > 1);
        REQUIRE(r.result.counts.calls == static_cast<std::uint64_t>(n - 1));  // every call was a point
        CHECK(exited_with(r.run, 0));
        CHECK(r.run.out.text == "saved\n");
        CHECK(read_file(data) == new_content);
        return states;
      }
      INFO(point);
      REQUIRE(killed_by(r.run, SIGKILL));
      REQUIRE(r.result.point->kill_delivered);
      REQUIRE(r.result.point->call);
      crash_state s{point, rec::describe(*r.result.point->call), std::nullopt};
      if (fs::exists(data)) s.data = read_file(data);
      states.push_back(std::move(s));
    }
  }
}

bool old_or_new(const crash_state& s) { return s.data == old_content || s.data == new_content; }

}  // namespace

TEST_CASE("a save in place, crashed at a file-system call, can leave the file neither old nor new") {
  const std::vector<crash_state> states = crash_everywhere("inplace");
  std::vector<std::string> damaged;
  for (const crash_state& s : states) {
    if (!old_or_new(s)) damaged.push_back(where(s));
  }
  // open(O_TRUNC) empties it at once; each write returns with part of it.
  CHECK(
      damaged ==
      std::vector<std::string>{
          R"(sys:*@1+  openat("data", O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC, 0644)  -> data: 0 bytes, neither old nor new)",
          R"(sys:*@2  write("data", 4096 bytes at 0)  -> data: 0 bytes, neither old nor new)",
          R"(sys:*@2+  write("data", 4096 bytes at 0)  -> data: 4096 bytes, neither old nor new)",
          R"(sys:*@3  write("data", 13 bytes at 4096)  -> data: 4096 bytes, neither old nor new)",
      });
}

TEST_CASE("a save through a temporary and a rename leaves the old or the new file at every process crash") {
  const std::string mode = GENERATE(as<std::string>{}, "rename", "fsync-rename", "durable");
  const std::vector<crash_state> states = crash_everywhere(mode);
  bool saw_old = false, saw_new = false, crashed_at_rename = false;
  for (const crash_state& s : states) {
    INFO(mode << ": " << where(s));
    CHECK(old_or_new(s));
    saw_old = saw_old || s.data == old_content;
    saw_new = saw_new || s.data == new_content;
    crashed_at_rename = crashed_at_rename || s.call.rfind("rename(", 0) == 0;
  }
  // The crashes spanned the commit point: before it the old file, after it the new.
  CHECK(crashed_at_rename);
  CHECK(saw_old);
  CHECK(saw_new);
}

TEST_CASE("each way of saving makes the calls its name says") {
  const auto kinds = [](const std::string& mode) {
    recorder_dir d;
    const fs::path data = d.work() / "data";
    const recording r = d.record({}, {fixture_path("rec_save_ways"), mode, data.string(), "x"});
    REQUIRE(exited_with(r.run, 0));
    std::vector<std::string> out;
    for (const rec::io_op& op : r.calls()) out.push_back(rec::describe(op));
    return out;
  };
  CHECK(kinds("inplace") ==
        std::vector<std::string>{R"(openat("data", O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC, 0644))",
                                 R"(write("data", 1 bytes at 0))", R"(close("data"))"});
  CHECK(kinds("rename") ==
        std::vector<std::string>{R"(openat("data.tmp", O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC, 0644))",
                                 R"(write("data.tmp", 1 bytes at 0))", R"(close("data.tmp"))",
                                 R"(rename("data.tmp", "data"))"});
  CHECK(kinds("fsync-rename") ==
        std::vector<std::string>{R"(openat("data.tmp", O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC, 0644))",
                                 R"(write("data.tmp", 1 bytes at 0))", R"(fsync("data.tmp"))",
                                 R"(close("data.tmp"))", R"(rename("data.tmp", "data"))"});
  CHECK(kinds("durable") ==
        std::vector<std::string>{R"(openat("data.tmp", O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC, 0644))",
                                 R"(write("data.tmp", 1 bytes at 0))", R"(fsync("data.tmp"))",
                                 R"(close("data.tmp"))", R"(rename("data.tmp", "data"))", R"(fsync("."))",
                                 R"(close("."))"});
}
