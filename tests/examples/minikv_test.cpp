// SPDX-License-Identifier: Apache-2.0
// minikv_test.cpp: tests of minikv's recovery code (examples/minikv), in
// process, plus a few runs of the real executables.
//
// The core is ninja's build-log test, applied to the write-ahead log: cut the
// log at every byte offset, damage every byte in turn, and require recovery to
// load exactly the intact records before the damage, never crash, and never
// accept a torn or damaged record.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

#include <crashpoint/crashpoint.hpp>

#include "minikv/crc32.hpp"
#include "minikv/error.hpp"
#include "minikv/fsck.hpp"
#include "minikv/record.hpp"
#include "minikv/snapshot.hpp"
#include "minikv/store.hpp"
#include "temp_dir.hpp"

extern char** environ;

namespace {

namespace fs = std::filesystem;

using crashpoint::test::temp_dir;

// The file `name` in the store's data folder under `dir`.
fs::path data_file(const temp_dir& dir, std::string_view name) { return dir.path() / "data" / name; }

std::string read_bytes(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const fs::path& file, std::string_view bytes) {
  fs::create_directories(file.parent_path());
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

minikv::store open_store(const fs::path& root) {
  std::error_code ec;
  minikv::store db = minikv::store::open(root, ec);
  REQUIRE_FALSE(ec);
  return db;
}

const std::vector<minikv::record> sample_records = {
    {minikv::op::put, "a", "1"},   {minikv::op::put, "b", "22"},   {minikv::op::del, "a", ""},
    {minikv::op::put, "c", "333"}, {minikv::op::put, "a", "4444"},
};

// The state after replaying the first `count` sample records.
minikv::table state_after(std::size_t count) {
  minikv::table state;
  for (std::size_t i = 0; i < count; ++i) {
    const minikv::record& r = sample_records[i];
    if (r.kind == minikv::op::put) {
      state[r.key] = r.value;
    } else {
      state.erase(r.key);
    }
  }
  return state;
}

// The sample records as a log file, and the offset where each record ends.
struct sample_log {
  std::string bytes;
  std::vector<std::size_t> ends;
};

sample_log make_sample_log() {
  sample_log log;
  for (const minikv::record& r : sample_records) {
    log.bytes += minikv::encode_record(r);
    log.ends.push_back(log.bytes.size());
  }
  return log;
}

// How many sample records end at or before `offset`.
std::size_t records_before(const sample_log& log, std::size_t offset) {
  std::size_t count = 0;
  while (count < log.ends.size() && log.ends[count] <= offset) {
    ++count;
  }
  return count;
}

}  // namespace

// ---- format -----------------------------------------------------------------

TEST_CASE("crc32 matches the standard check value", "[minikv]") {
  CHECK(minikv::crc32("123456789") == 0xCBF43926u);
  CHECK(minikv::crc32("") == 0u);
  // Checksumming in pieces gives the checksum of the whole.
  CHECK(minikv::crc32("6789", minikv::crc32("12345")) == 0xCBF43926u);
}

TEST_CASE("records round-trip through encode and decode", "[minikv]") {
  const sample_log log = make_sample_log();
  const minikv::decoded_records decoded = minikv::decode_records(log.bytes);
  CHECK(decoded.problem.empty());
  CHECK(decoded.valid_bytes == log.bytes.size());
  CHECK(decoded.records == sample_records);
}

TEST_CASE("a snapshot round-trips, and a cut one is refused, never half-loaded", "[minikv]") {
  const minikv::table entries{{"b", "2"}, {"c", "3"}};
  const std::string bytes = minikv::encode_snapshot(entries);
  minikv::table loaded;
  REQUIRE(minikv::decode_snapshot(bytes, loaded).empty());
  CHECK(loaded == entries);

  for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
    CAPTURE(cut);
    minikv::table partial{{"untouched", "yes"}};
    CHECK_FALSE(minikv::decode_snapshot(bytes.substr(0, cut), partial).empty());
    CHECK(partial == minikv::table{{"untouched", "yes"}});
  }
}

// ---- the store --------------------------------------------------------------

TEST_CASE("puts and deletes survive reopening the store", "[minikv]") {
  temp_dir dir;
  {
    minikv::store db = open_store(dir.path());
    REQUIRE_FALSE(db.put("a", "1"));
    REQUIRE_FALSE(db.put("b", "2"));
    REQUIRE_FALSE(db.put("a", "3"));
    REQUIRE_FALSE(db.del("b"));
  }
  minikv::store db = open_store(dir.path());
  CHECK(db.entries() == minikv::table{{"a", "3"}});
  CHECK(db.recovered().log_records == 4);
  CHECK(db.recovered().cut_bytes == 0);
}

TEST_CASE("bad requests are refused without touching the log", "[minikv]") {
  temp_dir dir;
  minikv::store db = open_store(dir.path());
  CHECK(db.del("missing") == minikv::errc::key_not_found);
  CHECK(db.put("", "v") == minikv::errc::invalid_key);
  CHECK(db.put("a=b", "v") == minikv::errc::invalid_key);
  CHECK(db.put("a\nb", "v") == minikv::errc::invalid_key);
  CHECK(db.put("k", std::string(minikv::max_value_size + 1, 'x')) == minikv::errc::value_too_large);
  CHECK(read_bytes(data_file(dir, minikv::layout::log)).empty());
}

TEST_CASE("compaction folds the log into the snapshot and empties the log", "[minikv]") {
  temp_dir dir;
  {
    minikv::store db = open_store(dir.path());
    REQUIRE_FALSE(db.put("a", "1"));
    REQUIRE_FALSE(db.put("b", "2"));
    REQUIRE_FALSE(db.del("a"));
    REQUIRE_FALSE(db.compact());
    REQUIRE_FALSE(db.put("c", "3"));
  }
  minikv::store db = open_store(dir.path());
  CHECK(db.entries() == minikv::table{{"b", "2"}, {"c", "3"}});
  CHECK(db.recovered().snapshot_entries == 1);  // b
  CHECK(db.recovered().log_records == 1);       // c, put after the compaction
  CHECK(minikv::fsck(dir.path()).empty());
}

TEST_CASE("recovery removes leftover temporaries", "[minikv]") {
  temp_dir dir;
  write_bytes(data_file(dir, "snapshot.tmp"), "an interrupted compaction");
  CHECK(minikv::fsck(dir.path()) == std::vector<std::string>{"data/snapshot.tmp: leftover temporary"});

  minikv::store db = open_store(dir.path());
  CHECK(db.recovered().removed_temporaries == std::vector<std::string>{"snapshot.tmp"});
  CHECK_FALSE(fs::exists(data_file(dir, "snapshot.tmp")));
  CHECK(minikv::fsck(dir.path()).empty());
}

TEST_CASE("a damaged snapshot stops the store from opening", "[minikv]") {
  temp_dir dir;
  write_bytes(data_file(dir, minikv::layout::snapshot), "MKVSNAP1 but not really");
  std::error_code ec;
  (void)minikv::store::open(dir.path(), ec);
  CHECK(ec == minikv::errc::snapshot_corrupt);
  CHECK(minikv::fsck(dir.path()).size() == 1);
}

// ---- recovery from damage, at every byte ------------------------------------

TEST_CASE("a log cut at any byte offset recovers exactly the records before the cut", "[minikv][recovery]") {
  const sample_log log = make_sample_log();
  for (std::size_t cut = 0; cut <= log.bytes.size(); ++cut) {
    CAPTURE(cut);
    temp_dir dir;
    write_bytes(data_file(dir, minikv::layout::log), log.bytes.substr(0, cut));
    const std::size_t whole = records_before(log, cut);
    const std::size_t good_end = whole == 0 ? 0 : log.ends[whole - 1];

    // fsck, which changes nothing, sees the torn tail exactly when there is one.
    CHECK(minikv::fsck(dir.path()).empty() == (good_end == cut));

    {
      minikv::store db = open_store(dir.path());
      CHECK(db.entries() == state_after(whole));
      CHECK(db.recovered().log_records == whole);
      CHECK(db.recovered().cut_bytes == cut - good_end);
      CHECK(fs::file_size(data_file(dir, minikv::layout::log)) == good_end);
      CHECK(minikv::fsck(dir.path()).empty());
      // The next append lands right after the last intact record...
      REQUIRE_FALSE(db.put("z", "after"));
    }
    // ...so it survives the next recovery.
    minikv::store reopened = open_store(dir.path());
    minikv::table expected = state_after(whole);
    expected["z"] = "after";
    CHECK(reopened.entries() == expected);
  }
}

TEST_CASE("a damaged byte anywhere in the log is rejected with its record", "[minikv][recovery]") {
  const sample_log log = make_sample_log();
  for (std::size_t offset = 0; offset < log.bytes.size(); ++offset) {
    CAPTURE(offset);
    std::string damaged = log.bytes;
    damaged[offset] = static_cast<char>(~damaged[offset]);
    const std::size_t intact = records_before(log, offset);  // records wholly before the damage
    const std::size_t record_start = intact == 0 ? 0 : log.ends[intact - 1];

    const minikv::decoded_records decoded = minikv::decode_records(damaged);
    CHECK(decoded.records.size() == intact);
    CHECK(decoded.valid_bytes == record_start);
    if (offset - record_start >= 4) {  // past the length field: only the checksum can tell
      CHECK(decoded.problem == "offset " + std::to_string(record_start) + ": checksum mismatch");
    }

    temp_dir dir;
    write_bytes(data_file(dir, minikv::layout::log), damaged);
    CHECK_FALSE(minikv::fsck(dir.path()).empty());
    minikv::store db = open_store(dir.path());
    CHECK(db.entries() == state_after(intact));
    CHECK(minikv::fsck(dir.path()).empty());
  }
}

// ---- fail points: in-process roll-back --------------------------------------

TEST_CASE("a failed snapshot rename rolls compaction back, leaving the files as they were",
          "[minikv][fail-point]") {
  temp_dir dir;
  minikv::store db = open_store(dir.path());
  REQUIRE_FALSE(db.put("a", "1"));
  REQUIRE_FALSE(db.compact());
  REQUIRE_FALSE(db.put("b", "2"));
  const std::string log_before = read_bytes(data_file(dir, minikv::layout::log));
  const std::string snapshot_before = read_bytes(data_file(dir, minikv::layout::snapshot));

  std::error_code ec;
  {
    crashpoint::scoped_points guard{"compact_rename"};
    ec = db.compact();
  }
  REQUIRE(crashpoint::is_injected(ec));
  CHECK_THAT(ec.message(), Catch::Contains("failing at checkpoint `compact_rename`"));
  CHECK_FALSE(fs::exists(data_file(dir, minikv::layout::snapshot_tmp)));
  CHECK(read_bytes(data_file(dir, minikv::layout::log)) == log_before);
  CHECK(read_bytes(data_file(dir, minikv::layout::snapshot)) == snapshot_before);
  CHECK(minikv::fsck(dir.path()).empty());

  // Nothing was lost, and the same store can compact once the fault is gone.
  CHECK(db.entries() == minikv::table{{"a", "1"}, {"b", "2"}});
  REQUIRE_FALSE(db.compact());
  CHECK(open_store(dir.path()).entries() == minikv::table{{"a", "1"}, {"b", "2"}});
}

TEST_CASE("a failed log write rolls the log back to its previous end", "[minikv][fail-point]") {
  temp_dir dir;
  minikv::store db = open_store(dir.path());
  REQUIRE_FALSE(db.put("a", "1"));
  const std::string log_before = read_bytes(data_file(dir, minikv::layout::log));

  std::error_code ec;
  {
    crashpoint::scoped_points guard{"log_write_payload"};
    ec = db.put("b", "2");
  }
  REQUIRE(crashpoint::is_injected(ec));
  CHECK(db.find("b") == nullptr);
  CHECK(read_bytes(data_file(dir, minikv::layout::log)) == log_before);
  CHECK(minikv::fsck(dir.path()).empty());

  // The next append follows the last intact record and survives recovery.
  REQUIRE_FALSE(db.put("c", "3"));
  CHECK(open_store(dir.path()).entries() == minikv::table{{"a", "1"}, {"c", "3"}});
}

// ---- the executables --------------------------------------------------------

namespace {

struct outcome {
  int exit_code = -1;     // when it exited
  int signal_number = 0;  // when a signal ended it
  std::string stderr_text;
};

// Runs `exe --dir DIR args...` with the arming variable set to `armed` (unset
// when empty), and any variable inherited from the test's environment removed.
outcome run_minikv(const char* exe, const fs::path& dir, std::vector<std::string> args,
                   const std::string& armed = {}) {
  args.insert(args.begin(), {exe, "--dir", dir.string()});
  std::vector<char*> argv;
  for (std::string& a : args) {
    argv.push_back(a.data());
  }
  argv.push_back(nullptr);

  const std::string variable = crashpoint::env_var();
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::string_view(*e).rfind(variable, 0) != 0) {
      env_strings.emplace_back(*e);
    }
  }
  if (!armed.empty()) {
    env_strings.push_back(variable + "=" + armed);
  }
  std::vector<char*> envp;
  for (std::string& e : env_strings) {
    envp.push_back(e.data());
  }
  envp.push_back(nullptr);

  const std::string err_file = (dir / "stderr.txt").string();
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  pid_t pid = -1;
  const int spawned = posix_spawn(&pid, exe, &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  REQUIRE(spawned == 0);

  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  outcome out;
  out.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  out.signal_number = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  out.stderr_text = read_bytes(err_file);
  fs::remove(err_file);
  return out;
}

}  // namespace

TEST_CASE("minikv crashes at an armed checkpoint and recovers after it", "[minikv][exe]") {
  temp_dir dir;
  REQUIRE(run_minikv(MINIKV_EXE, dir.path(), {"put", "a", "1"}).exit_code == 0);
  const outcome crash = run_minikv(MINIKV_EXE, dir.path(), {"compact"}, "compact_before_rename");
  CHECK(crash.signal_number == SIGABRT);
  CHECK_THAT(crash.stderr_text,
             Catch::Contains("crashing at checkpoint `compact_before_rename` (intentional)"));
  CHECK(run_minikv(MINIKV_EXE, dir.path(), {"get", "a"}).exit_code == 0);
  CHECK(minikv::fsck(dir.path()).empty());
}

TEST_CASE("minikv reports an injected failure as `minikv: <message>`", "[minikv][exe]") {
  temp_dir dir;
  REQUIRE(run_minikv(MINIKV_EXE, dir.path(), {"put", "a", "1"}).exit_code == 0);
  const outcome failed = run_minikv(MINIKV_EXE, dir.path(), {"compact"}, "compact_rename");
  CHECK(failed.signal_number == 0);
  CHECK(failed.exit_code == 1);
  CHECK(failed.stderr_text ==
        "minikv: " + crashpoint::env_var() + ": failing at checkpoint `compact_rename` (intentional)\n");
}

TEST_CASE("minikv_buggy loses acknowledged puts where minikv does not", "[minikv][exe]") {
  for (const char* exe : {MINIKV_EXE, MINIKV_BUGGY_EXE}) {
    CAPTURE(exe);
    temp_dir dir;
    REQUIRE(run_minikv(exe, dir.path(), {"put", "a", "1"}).exit_code == 0);
    REQUIRE(run_minikv(exe, dir.path(), {"compact"}, "compact_before_rename").signal_number == SIGABRT);
    const bool buggy = std::string_view(exe) == MINIKV_BUGGY_EXE;
    CHECK(run_minikv(exe, dir.path(), {"get", "a"}).exit_code == (buggy ? 3 : 0));
  }
}
