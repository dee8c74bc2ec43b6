// SPDX-License-Identifier: Apache-2.0
// rec_log, a log of checksummed records, crashed by crashpoint-record. A
// process crash can only cut the log short: replay gives back every
// acknowledged record. A damaged last write (what `corrupt = "garbage"`
// makes of it) is caught by the checksum, and replayed as data by a replay
// that skips the check: the bug that corruption testing must expose.
#include <catch2/catch.hpp>

#include <fstream>
#include <string>
#include <vector>

#include "recorder_support.hpp"

using namespace crashpoint::test;

namespace {

const std::vector<std::string> payloads{"alpha", "beta", "gamma", "delta"};

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1) {
    out.push_back(text.substr(start, nl - start));
  }
  return out;
}

std::vector<std::string> append_command(const recorder_dir& d) {
  std::vector<std::string> argv{fixture_path("rec_log"), "append", (d.work() / "log").string()};
  argv.insert(argv.end(), payloads.begin(), payloads.end());
  return argv;
}

crashpoint::harness::command_result replay(const recorder_dir& d, bool verify) {
  std::vector<std::string> args{"replay", (d.work() / "log").string()};
  if (!verify) args.emplace_back("--no-verify");
  return spawn(fixture_path("rec_log"), args);
}

}  // namespace

TEST_CASE("a log crashed at any file-system call replays every acknowledged record") {
  std::size_t points = 0;
  for (int n = 1;; ++n) {
    recorder_dir d;
    const std::string point = "sys:*@" + std::to_string(n);
    const recording r = d.record({"--point", point}, append_command(d));
    REQUIRE(r.result.point);
    if (!r.result.point->reached) {
      CHECK(exited_with(r.run, 0));
      CHECK(lines(replay(d, true).out.text) == payloads);
      break;
    }
    ++points;
    INFO(point << "  " << rec::describe(*r.result.point->call));
    REQUIRE(killed_by(r.run, SIGKILL));
    std::vector<std::string> acked;
    for (const std::string& line : lines(r.run.out.text))
      acked.push_back(line.substr(std::string("acked ").size()));
    if (!fs::exists(d.work() / "log")) {
      CHECK(acked.empty());
      continue;
    }
    const auto replayed = replay(d, true);
    REQUIRE(exited_with(replayed, 0));
    const std::vector<std::string> records = lines(replayed.out.text);
    // A prefix of what was appended, holding every record that was acknowledged.
    REQUIRE(records.size() <= payloads.size());
    CHECK(std::equal(records.begin(), records.end(), payloads.begin()));
    CHECK(records.size() >= acked.size());
  }
  // open, the directory's fsync and close, then per record: header, payload, fsync; then close.
  CHECK(points == 3 + 3 * payloads.size() + 1);
}

TEST_CASE("garbage in the last write before a crash is caught by the checksum, and replayed by --no-verify") {
  recorder_dir d;
  // Killed before the third record's fsync: its payload was the last write.
  const recording r = d.record({"--point", "sys:fsync@4"}, append_command(d));
  REQUIRE(killed_by(r.run, SIGKILL));
  CHECK(r.run.out.text == "acked alpha\nacked beta\n");
  const std::vector<rec::io_op> calls = r.calls();
  const auto last_write = std::find_if(calls.rbegin(), calls.rend(),
                                       [](const rec::io_op& op) { return op.kind == rec::call_kind::write; });
  REQUIRE(last_write != calls.rend());
  CHECK(rec::describe(*last_write) == R"(write("log", 5 bytes at 33))");
  CHECK(r.payload_of(*last_write) == "gamma");

  // What corrupt = "garbage" does: the same bytes' place, other bytes.
  {
    std::fstream log(d.work() / "log", std::ios::in | std::ios::out | std::ios::binary);
    log.seekp(static_cast<std::streamoff>(*last_write->offset));
    log << std::string("\x01\xfe\x7fzq", 5);
  }
  const auto verified = replay(d, true);
  CHECK(verified.out.text == "alpha\nbeta\n");
  CHECK(verified.err.text == "discarded 13 bytes: checksum mismatch\n");

  const auto unverified = replay(d, false);
  CHECK(unverified.out.text == "alpha\nbeta\n\\x01\\xfe\\x7fzq\n");  // garbage taken for a record
  CHECK(unverified.err.text.empty());
}
