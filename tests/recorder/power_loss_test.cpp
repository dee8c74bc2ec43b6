// SPDX-License-Identifier: Apache-2.0
// Power-loss crash states, observed from outside: the real crashpoint-record
// records a fixture with --undo, is crashed at each syscall point, and
// `crashpoint-record --rebuild` rewrites the workdir into each state.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <sstream>

#include "power_loss/crash_state.hpp"
#include "power_loss/history.hpp"
#include "power_loss_support.hpp"

using namespace crashpoint::test;

namespace {

constexpr std::size_t new_size = 1300;  // three sectors: torn states exist
const std::string old_text(700, 'o');
const std::string new_text(new_size, 'n');

std::vector<std::string> save(const power_loss_dir& d, const std::string& mode) {
  return {fixture_path("rec_pl_save"), mode, d.work().string(), std::to_string(new_size)};
}

std::string shown(const power_loss_dir& d) {
  if (!d.exists("data")) return "missing";
  const std::string s = d.read("data");
  if (s == old_text) return "old";
  if (s == new_text) return "new";
  return fmt::format("{} bytes, neither old nor new", s.size());
}

// What one way of saving does at every syscall point, in every crash state.
struct way_report {
  std::vector<std::string> power_loss_violations;  // a state with neither content, or old after "saved"
  std::vector<std::string> process_violations;     // the same, the tree as the crash left it
  std::vector<std::string> lost_after_saved;       // clean state once it printed "saved"
  int points = 0;
};

// Records a fresh run crashed before call n (0: none), with data holding the old text.
struct fresh_run {
  power_loss_dir d;
  recording r;
  fresh_run(const std::string& mode, int n) {
    d.write("data", old_text);
    r = d.record_at(n, save(d, mode));
  }
  bool saved() const { return r.run.out.text == "saved\n"; }
};

void check_state(const std::string& mode, int n, const std::string& state, way_report& report) {
  fresh_run run(mode, n);
  const crashpoint::harness::command_result c = run.d.rebuild({"--state", state});
  REQUIRE(exited_with(c, 0));
  const std::string content = shown(run.d);
  const bool ok = run.saved() ? content == "new" : (content == "old" || content == "new");
  if (!ok)
    report.power_loss_violations.push_back(fmt::format("{} sys:*@{} {}: data {}", mode, n, state, content));
  if (run.saved() && state == "clean") report.lost_after_saved = lost_lines(c.out.text);
}

way_report explore(const std::string& mode) {
  way_report report;
  for (int n = 1;; ++n) {
    fresh_run first(mode, n);
    REQUIRE(first.r.result.point);
    const bool reached = first.r.result.point->reached;
    const std::string as_crashed = shown(first.d);
    const bool ok = first.saved() ? as_crashed == "new" : (as_crashed == "old" || as_crashed == "new");
    if (!ok) report.process_violations.push_back(fmt::format("{} sys:*@{}: data {}", mode, n, as_crashed));
    for (const std::string& state : first.d.list_states()) check_state(mode, reached ? n : 0, state, report);
    ++report.points;
    if (!reached) return report;
  }
}

bool contains(const std::vector<std::string>& lines, const std::string& line) {
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}

}  // namespace

TEST_CASE(
    "four ways to save a file: under power loss only fsync, rename and directory fsync keeps the data") {
  const way_report inplace = explore("inplace");
  const way_report rename = explore("rename");
  const way_report fsync_rename = explore("fsync-rename");
  const way_report durable = explore("fsync-rename-dirsync");
  INFO(fmt::format("{}", fmt::join(inplace.power_loss_violations, "\n")));

  // Every syscall point was tried, and the run that reached none printed "saved".
  CHECK(inplace.points == 4);
  CHECK(rename.points == 5);
  CHECK(fsync_rename.points == 6);
  CHECK(durable.points == 8);

  // A process crash keeps the page cache: only the in-place save, caught
  // between its truncate and its write, loses anything.
  CHECK_FALSE(inplace.process_violations.empty());
  CHECK(rename.process_violations.empty());
  CHECK(fsync_rename.process_violations.empty());
  CHECK(durable.process_violations.empty());

  // A power loss: only the fully durable save always leaves old or new, and new once it said so.
  CHECK_FALSE(inplace.power_loss_violations.empty());
  CHECK_FALSE(rename.power_loss_violations.empty());
  CHECK_FALSE(fsync_rename.power_loss_violations.empty());
  CHECK(durable.power_loss_violations.empty());

  // Each loss names the operation that was never made durable.
  CHECK(contains(inplace.lost_after_saved, R"(write("data", 0..1300) never fsynced)"));
  CHECK(contains(rename.lost_after_saved, R"(write("data.tmp", 0..1300) never fsynced)"));
  CHECK(contains(rename.lost_after_saved, R"(rename("data.tmp" -> "data") parent directory never fsynced)"));
  CHECK(fsync_rename.lost_after_saved ==
        std::vector<std::string>{R"(create("data.tmp") parent directory never fsynced)",
                                 R"(rename("data.tmp" -> "data") parent directory never fsynced)"});
  CHECK(durable.lost_after_saved.empty());
}

TEST_CASE("the in-place save truncated but not yet rewritten is what prefix:1 shows") {
  fresh_run run("inplace", 2);  // killed before the write
  CHECK(run.d.list_states() == std::vector<std::string>{"clean", "prefix:1"});
  const crashpoint::harness::command_result c = run.d.rebuild({"--state", "prefix:1"});
  CHECK(exited_with(c, 0));
  CHECK(run.d.read("data").empty());
}

TEST_CASE("one prefix state per operation not yet durable, then the torn states of the last write") {
  fresh_run run("rename", 0);  // ran to the end: create, write, rename pending
  CHECK(run.saved());
  CHECK(run.d.list_states() ==
        std::vector<std::string>{"clean", "prefix:1", "prefix:2", "prefix:3", "torn:1", "torn:2"});

  const auto h = crashpoint::power_loss::load_history(run.d.log_path(), run.d.undo_path());
  CHECK(h.pending.size() == 3);
  const auto capped = crashpoint::power_loss::plan_states(h, {.max_states = 2, .max_torn_states = 64});
  CHECK(capped.states.size() == 2);
  CHECK(capped.total == 6);
  CHECK(capped.capped);
  const crashpoint::harness::command_result listed =
      spawn(record_exe(), {"--rebuild", "--log", run.d.log_path().string(), "--undo",
                           run.d.undo_path().string(), "--list-states", "--max-states", "2"});
  CHECK(listed.out.text == "clean\nprefix:1\n");
  CHECK(listed.err.text == "crashpoint-record: --max-states 2: 2 of 6 states listed\n");
}

TEST_CASE("torn:K keeps exactly the first K sectors of the last write that was not durable") {
  for (const int k : {1, 2}) {
    fresh_run run("inplace", 0);
    const crashpoint::harness::command_result c = run.d.rebuild({"--state", fmt::format("torn:{}", k)});
    CHECK(exited_with(c, 0));
    // The truncate before it persisted; of the write, only whole sectors from its start.
    CHECK(run.d.read("data") == std::string(static_cast<std::size_t>(k) * 512, 'n'));
    CHECK(contains(
        lost_lines(c.out.text),
        fmt::format(R"(write("data", 0..1300) torn: only 0..{} ({} of its sectors) persisted)", k * 512, k)));
  }
  fresh_run run("inplace", 0);
  const crashpoint::harness::command_result c = run.d.rebuild({"--state", "torn:3"});
  CHECK(exited_with(c, 3));
  CHECK(c.err.text.find("spans 3 sectors: K must be 1..2") != std::string::npos);
  CHECK(run.d.read("data") == new_text);  // refused: unchanged
}

TEST_CASE("a file that lost only writes is put right in place, over the bytes they covered") {
  const std::string crashed = std::string(100, 'o') + new_text;
  {
    fresh_run run("overwrite", 0);
    CHECK(run.d.read("data") == crashed);
    const crashpoint::harness::command_result c = run.d.rebuild({"--state", "clean"});
    CHECK(exited_with(c, 0));
    CHECK(run.d.read("data") == old_text);  // the size the write extended is back too
    CHECK(c.out.text.find(
              "rebuilt: 0 file(s) from pre-images, 1 reverted in place (600 bytes read from pre-images, "
              "600 written), 0 name(s) changed") != std::string::npos);
  }
  {
    fresh_run run("overwrite", 0);
    CHECK(exited_with(run.d.rebuild({"--state", "torn:1"}), 0));  // bytes 100..512 of the write persisted
    CHECK(run.d.read("data") == std::string(100, 'o') + std::string(412, 'n') + std::string(188, 'o'));
  }
  {
    fresh_run run("overwrite", 0);
    CHECK(exited_with(run.d.rebuild({"--state", "prefix:1"}), 0));
    CHECK(run.d.read("data") == crashed);
  }
}

TEST_CASE("corrupt garbage damages the last write with bytes that depend only on the seed") {
  const auto corrupted = [](const std::string& seed) {
    fresh_run run("fsync-rename-dirsync", 0);
    const crashpoint::harness::command_result c =
        run.d.rebuild({"--state", "crashed", "--corrupt", "garbage", "--seed", seed});
    CHECK(exited_with(c, 0));
    CHECK(c.out.text.find(R"(corrupted: write("data.tmp", 0..1300) garbage: 0..1300 random bytes (seed )" +
                          seed + ")") != std::string::npos);
    return run.d.read("data");
  };
  const std::string seven = corrupted("7");
  CHECK(seven.size() == new_size);
  CHECK(seven != new_text);
  CHECK(corrupted("7") == seven);
  CHECK(corrupted("8") != seven);
}

TEST_CASE("corrupt zero and torn damage only the last write's range") {
  {
    fresh_run run("fsync-rename-dirsync", 0);
    CHECK(exited_with(run.d.rebuild({"--state", "crashed", "--corrupt", "zero"}), 0));
    CHECK(run.d.read("data") == std::string(new_size, '\0'));
  }
  {
    fresh_run run("inplace", 0);  // data was truncated first: the torn half leaves a short file
    CHECK(exited_with(run.d.rebuild({"--state", "crashed", "--corrupt", "torn"}), 0));
    CHECK(run.d.read("data") == std::string(512, 'n'));  // 1 of 3 sectors
  }
}

TEST_CASE("a log naming a path outside the root is refused, and nothing is changed") {
  fresh_run run("rename", 0);
  std::string log = read_file(run.d.log_path());
  for (std::size_t at = log.find("\"data.tmp\""); at != std::string::npos;
       at = log.find("\"data.tmp\"", at)) {
    log.replace(at, 10, "\"../escape\"");
  }
  std::ofstream(run.d.log_path(), std::ios::binary | std::ios::trunc) << log;
  std::ofstream(run.d.path() / "escape") << "outside";
  const crashpoint::harness::command_result c = run.d.rebuild({"--state", "clean"});
  CHECK(exited_with(c, 3));
  CHECK(c.err.text.find(
            R"(the path "../escape" has an empty, "." or ".." component: refusing a log that names a path )"
            "outside the root") != std::string::npos);
  CHECK(run.d.read("data") == new_text);
  CHECK(read_file(run.d.path() / "escape") == "outside");
}

TEST_CASE("a workdir changed since it was recorded is refused untouched") {
  fresh_run run("rename", 0);
  fs::rename(run.d.work() / "data", run.d.work() / "data.mine");  // kept: the new file cannot reuse its inode
  run.d.write("data", "someone else's");
  const crashpoint::harness::command_result c = run.d.rebuild({"--state", "clean"});
  CHECK(exited_with(c, 3));
  CHECK(c.err.text.find("the workdir does not match the log: \"data\"") != std::string::npos);
  CHECK(run.d.read("data") == "someone else's");
}

TEST_CASE("a rebuild changes nothing outside the workdir, and keeps the crashed tree when asked") {
  fresh_run run("rename", 0);
  const fs::path outside = run.d.path() / "outside";
  fs::create_directory(outside);
  std::ofstream(outside / "keep") << "untouched";
  fs::create_symlink(outside / "keep", run.d.work() / "link-out");  // a trap a careless rebuild would follow
  const auto listing = [&] {
    std::map<std::string, std::string> files;
    for (const auto& e : fs::recursive_directory_iterator(run.d.path())) {
      const std::string rel = fs::relative(e.path(), run.d.path()).string();
      if (rel.rfind("work", 0) == 0 || rel.rfind("crashed", 0) == 0) continue;
      files[rel] = e.is_regular_file() ? read_file(e.path()) : "";
    }
    return files;
  };
  const auto before = listing();
  const crashpoint::harness::command_result c =
      run.d.rebuild({"--state", "clean", "--keep-crashed", (run.d.path() / "crashed").string()});
  CHECK(exited_with(c, 0));
  CHECK(listing() == before);
  CHECK(run.d.read("data") == old_text);
  CHECK_FALSE(run.d.exists("data.tmp"));
  CHECK(fs::is_symlink(run.d.work() / "link-out"));
  CHECK(read_file(run.d.path() / "crashed" / "data") == new_text);
  CHECK_FALSE(fs::exists(run.d.work() / ".crashpoint-rebuild"));
}

TEST_CASE("the undo directory keeps the pre-image of each file the command changed, once, and no other") {
  power_loss_dir d;
  d.write("data", old_text);
  d.write("other", "not touched");
  const recording r = d.record_at(0, save(d, "rename"));
  CHECK(r.run.out.text == "saved\n");
  const auto undo = crashpoint::recorder::read_undo_index(d.undo_path());
  CHECK(undo.names.at("data.tmp").what == crashpoint::recorder::name_binding::object::absent);
  const auto& data = undo.names.at("data");
  CHECK(data.what == crashpoint::recorder::name_binding::object::file);
  CHECK(undo.names.count("other") == 0);
  // data.tmp (empty when first written) and the old data (renamed over).
  REQUIRE(undo.preimages.size() == 2);
  CHECK(read_file(d.undo_path() / crashpoint::recorder::preimage_name(data.id)) == old_text);
}

TEST_CASE("the undo directory must be new or empty") {
  power_loss_dir d;
  fs::create_directory(d.path() / "full");
  std::ofstream(d.path() / "full" / "x") << "x";
  const crashpoint::harness::command_result c = spawn(
      record_exe(), {"--root", d.work().string(), "--undo", (d.path() / "full").string(), "--", "/bin/true"});
  CHECK(exited_with(c, 2));
  CHECK(c.err.text.find("not empty") != std::string::npos);
}

namespace {

// Records /bin/sh running `script` in the workdir, to its end.
recording record_shell(const power_loss_dir& d, const std::string& script) {
  return d.record_at(0, {"/bin/sh", "-c", "cd \"$1\" && " + script, "sh", d.work().string()});
}

// A file's bytes, "missing" or "empty".
std::string content(const power_loss_dir& d, const std::string& name) {
  if (!d.exists(name)) return "missing";
  const std::string s = d.read(name);
  return s.empty() ? "empty" : s;
}

// Whether the two inode numbers the script printed are one: when not, this
// file system reused no inode and the test proved little.
bool reused_inode(const power_loss_dir& d, const recording& r) {
  std::istringstream inodes(r.run.out.text);
  std::string first, second;
  inodes >> first >> second;
  if (first == second) return true;
  WARN("the file system under " << d.path() << " reused no inode (" << first << ", " << second << ")");
  return false;
}

}  // namespace

TEST_CASE("a write never fsynced is lost, though a file later made on its file's freed inode was fsynced") {
  // ext4 gives "a"'s inode to "b": the fsync of b is no fsync of a.
  power_loss_dir d;
  const recording r =
      record_shell(d, "echo A > a && stat -c %i a && sync . && rm a && echo B > b && stat -c %i b && sync b");
  REQUIRE(exited_with(r.run, 0));
  reused_inode(d, r);
  const crashpoint::harness::command_result c = d.rebuild({"--state", "clean"});
  REQUIRE(exited_with(c, 0));
  CHECK(content(d, "a") == "empty");  // its create was durable, its write never was
  CHECK_FALSE(d.exists("b"));
  CHECK(contains(lost_lines(c.out.text), R"(write("a", 0..2) never fsynced)"));
}

TEST_CASE(
    "a file deleted and made again on its own inode starts empty, not from the deleted one's pre-image") {
  const auto run_to = [](const std::string& state) {
    power_loss_dir d;
    d.write("data", "old\n");
    const recording r = record_shell(d, "stat -c %i data && rm data && echo new > data && stat -c %i data");
    REQUIRE(exited_with(r.run, 0));
    if (state == "clean") reused_inode(d, r);
    CHECK(d.list_states() == std::vector<std::string>{"clean", "prefix:1", "prefix:2", "prefix:3"});
    REQUIRE(exited_with(d.rebuild({"--state", state}), 0));
    return content(d, "data");
  };
  CHECK(run_to("clean") == "old\n");
  CHECK(run_to("prefix:1") == "missing");  // unlinked
  CHECK(run_to("prefix:2") == "empty");    // made again, not yet written
  CHECK(run_to("prefix:3") == "new\n");
}
