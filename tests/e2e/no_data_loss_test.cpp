// SPDX-License-Identifier: Apache-2.0
// no_data_loss_test.cpp: targets that reach out of their workdir cannot make
// the harness destroy or change anything outside its temporary root. The
// scenario folder, the fixture folder (which holds symbolic links to a folder
// outside it) and a sentinel folder outside everything are compared byte for
// byte, with modes and link targets, before and after.
#include <map>
#include <thread>

#include "hostile_support.hpp"
#include "mounts.hpp"

using namespace crashpoint::test;
using Catch::Contains;

namespace {

// Every path below `root` (links not followed) with its type, permission bits
// and content or link target.
std::map<std::string, std::string> tree_state(const fs::path& root) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    const auto st = fs::symlink_status(e.path());
    const std::string rel = e.path().lexically_relative(root).string();
    const auto perms = std::to_string(static_cast<unsigned>(st.permissions()));
    if (fs::is_symlink(st)) {
      out[rel] = "link -> " + fs::read_symlink(e.path()).string();
    } else if (fs::is_directory(st)) {
      out[rel] = "dir " + perms;
    } else {
      out[rel] = "file " + perms + " " + read_file(e.path());
    }
  }
  return out;
}

// A suite over hostile_escape.sh, a fixture folder with links out of it, and
// a sentinel folder beside the suite.
struct escape_setup {
  hostile_suite s{hostile_target("hostile_escape.sh")};
  fs::path sentinel = s.area() / "sentinel";
  fs::path fixture = s.suite_dir() / "fixtures" / "escape";

  escape_setup() {
    write_file(sentinel / "precious.txt", "precious\n");
    write_file(sentinel / "sub" / "deep.txt", "deep\n");
    write_file(fixture / "data.txt", "data\n");
    write_file(fixture / "nested" / "n.txt", "nested\n");
    fs::create_directory_symlink(sentinel, fixture / "outside");
    fs::create_symlink(sentinel / "precious.txt", fixture / "outside_file");
    fs::create_directory_symlink("../..", fixture / "up");  // the suite folder
  }
};

const std::string with_fixture = R"(
[setup]
fixture = "fixtures/escape"
)";

}  // namespace

TEST_CASE("no data loss: links, ../ writes and rm -rf of the workdir stay inside the temporary root") {
  escape_setup e;
  // Passes: the links were copied as links; the harness then removes a run
  // folder holding links to the sentinel.
  e.s.add("a_links.toml", crash_at_point(R"(["{target}", "links"])", with_fixture + R"(
[[assert]]
file = "outside_file"
equals = "precious\n"
)"));
  // Writes and deletes through ../ and ../../, chmods the log folder 000,
  // then its recovery removes the whole workdir: the assertion fails.
  e.s.add("b_writes.toml", crash_at_point(R"(["{target}", "writes"])", with_fixture + R"(
[[recover]]
command = ["/bin/sh", "-c", "rm -rf \"$CRASHPOINT_WORKDIR\""]
[[assert]]
file = "data.txt"
exists = true
)"));
  const auto suite_before = tree_state(e.s.suite_dir());
  const auto sentinel_before = tree_state(e.sentinel);

  const observed_run r = e.s.observe({"run", ".", "-j", "1", "--keep", "none"});
  INFO(shown(r.result));
  CHECK(exited_with(r.result, 1));
  CHECK(verdicts(r.result.out.text) ==
        std::vector<std::string>{"PASS  a_links  hostile_point", "FAIL  b_writes  hostile_point"});

  CHECK(tree_state(e.s.suite_dir()) == suite_before);  // scenarios and fixtures
  CHECK(tree_state(e.sentinel) == sentinel_before);
  CHECK(r.leaked.empty());
  // The harness removed both run folders, and nothing it did not make: what
  // the target wrote into the root, and above it, is still there.
  const auto roots = crashpoint_roots(e.s.harness_tmp());
  REQUIRE(roots.size() == 1);
  std::vector<std::string> left = e.s.leftovers();
  std::sort(left.begin(), left.end());
  const std::string root = roots.front().filename().string();
  CHECK(left == std::vector<std::string>{root, root + "/written-by-target", "written-outside-the-root"});
}

TEST_CASE("no data loss: a target that removes the whole temporary root ends in a report") {
  escape_setup e;
  e.s.add("a_removes_root.toml", crash_at_point(R"(["{target}", "remove-root"])", with_fixture));
  e.s.add("b_after.toml", crash_at_point(R"(["{target}", "links"])", with_fixture));
  const auto suite_before = tree_state(e.s.suite_dir());
  const auto sentinel_before = tree_state(e.sentinel);

  const observed_run r = e.s.observe({"run", ".", "-j", "1"});
  INFO(shown(r.result));
  CHECK(exited_with(r.result, 1));
  // The recovery cannot start without its workdir; the next run cannot make
  // its folder in a root that is gone.
  CHECK(verdicts(r.result.out.text) ==
        std::vector<std::string>{"FAIL  a_removes_root  hostile_point", "FAIL  b_after  hostile_point"});
  CHECK_THAT(r.result.out.text, Contains("was moved or removed"));
  CHECK(tree_state(e.s.suite_dir()) == suite_before);
  CHECK(tree_state(e.sentinel) == sentinel_before);
  CHECK(r.leaked.empty());
  CHECK(e.s.leftovers().empty());
}

// A target that turns logs/ or state.json into links out of the run folder:
// the runner writes them through temp_root::write_file, which follows no link.
TEST_CASE("the harness never writes through links a target planted") {
  escape_setup e;
  const std::string plant =
      "ln -s '" + e.sentinel.string() +
      "/precious.txt' ../state.json.new && mv ../state.json.new ../state.json; "
      "rm -rf ../logs && ln -s '" +
      e.sentinel.string() +
      "' ../logs; "
      "echo 'CRASHPOINT: crashing at checkpoint `hostile_point` (intentional)' >&2; kill -ABRT $$";
  e.s.add("plant.toml", crash_at_point(R"(["/bin/sh", "-c", ")" + plant + R"("])", with_fixture + R"(
[[recover]]
command = ["/bin/true"]
)"));
  const auto sentinel_before = tree_state(e.sentinel);
  const observed_run r = e.s.observe({"run", ".", "--keep", "none"});
  INFO(shown(r.result));
  CHECK(tree_state(e.sentinel) == sentinel_before);
}

// ---------------------------------------------------------------- a replaced workdir

// A command that replaces its workdir (with a link to a folder elsewhere, or
// another folder) must not send the later steps and checks there: each is
// refused, saying why, and the folder elsewhere is never read or written.
TEST_CASE(
    "no data loss: a workdir replaced by a link or another folder is refused to later steps and checks") {
  hostile_suite s(hostile_target("hostile_swap_workdir.sh"));
  const fs::path outside = s.area() / "outside";
  write_file(outside / "precious.txt", "precious\n");
  // The setup links it away: the next setup step must not run there.
  s.add("a_setup.toml", crash_at_point(R"(["{target}", "none"])", R"(
[setup]
steps = [["{target}", "link"], ["{target}", "write"]]
)"));
  // The crash renames it away and makes another folder: recovery must not run.
  s.add("b_crash.toml", crash_at_point(R"(["{target}", "rename"])", R"(
[[recover]]
command = ["{target}", "write"]
)"));
  // Recovery links it away: the assertions must not look there (the file one
  // would pass, reading the outside folder's precious.txt).
  s.add("c_recover.toml", crash_at_point(R"(["{target}", "none"])", R"(
[[recover]]
command = ["{target}", "link"]
[[assert]]
file = "precious.txt"
equals = "precious\n"
[[assert]]
command = ["{target}", "write"]
)"));
  // The snapshot for `unchanged` and the second recovery's comparison must
  // not read the outside folder either.
  s.add("d_unchanged.toml", crash_at_point(R"(["{target}", "none"])", R"(
[setup]
steps = [["{target}", "link"]]
[[assert]]
file = "precious.txt"
unchanged = true
)"));
  s.add("e_idempotent.toml", "idempotent = true\n" + crash_at_point(R"(["{target}", "none"])", R"(
[[recover]]
command = ["{target}", "link"]
)"));
  const auto outside_before = tree_state(outside);
  const observed_run r =
      s.observe({"run", ".", "-j", "1", "--keep", "none"}, {{"HOSTILE_OUTSIDE", outside.string()}});
  INFO(shown(r.result));
  CHECK(exited_with(r.result, 1));
  CHECK(verdicts(r.result.out.text) ==
        std::vector<std::string>{"FAIL  a_setup  hostile_point", "FAIL  b_crash  hostile_point",
                                 "FAIL  c_recover  hostile_point", "FAIL  d_unchanged  hostile_point",
                                 "FAIL  e_idempotent  hostile_point"});
  const std::string linked = " is now a symbolic link to " + outside.string() +
                             ", not the folder the harness made (replaced by an earlier command?)";
  const std::string other =
      " is now another folder, not the folder the harness made (replaced by an earlier command?)";
  const std::string text = r.result.out.text;
  CHECK_THAT(text,
             Contains("setup failed: setup step 2 `" + hostile_target("hostile_swap_workdir.sh").string() +
                      " write` ended with could not start: the workdir "));
  CHECK_THAT(text, Contains("recovery failed: recovery step 1 `" +
                            hostile_target("hostile_swap_workdir.sh").string() + " write` (" +
                            (s.suite_dir() / "b_crash.toml").string() +
                            ":5:1): ended with could not start: the workdir "));
  CHECK_THAT(text, Contains("assertion failed: 2 of 2 assertions failed after recovery"));
  CHECK_THAT(text, Contains("c_recover.toml:7:1: the workdir "));
  CHECK_THAT(text, Contains("setup failed: cannot take the `unchanged` snapshots: the workdir "));
  CHECK_THAT(
      text,
      Contains("recovery failed: cannot snapshot the workdir before the second recovery: the workdir "));
  CHECK_THAT(text, Contains(linked));
  CHECK_THAT(text, Contains(other));
  CHECK(tree_state(outside) == outside_before);  // never written through the link
  CHECK(r.leaked.empty());
  CHECK(s.leftovers().empty());
}

// ---------------------------------------------------------------- mounts

namespace {

// A suite over hostile_mount.sh, a folder outside everything that a target
// mounts into its workdir, and a guard that detaches whatever is still
// mounted below the test's folder before it is removed.
struct mount_setup {
  hostile_suite s{hostile_target("hostile_mount.sh")};
  fs::path outside = s.area() / "outside";
  mount_guard guard{s.area()};

  explicit mount_setup(const std::string& how) {
    write_file(outside / "precious.txt", "precious\n");
    write_file(outside / "sub" / "deep.txt", "deep\n");
    // One run that passes and one whose assertion fails: one recycled and one
    // kept under the default --keep, both removed with --keep none.
    s.add("a_passes.toml", crash_at_point("[\"{target}\", \"" + how + "\"]"));
    s.add("b_fails.toml", crash_at_point("[\"{target}\", \"" + how + "\"]", R"(
[[assert]]
file = "never-written"
exists = true
)"));
  }
};

}  // namespace

TEST_CASE("no data loss: a folder a target mounted in its workdir is detached, never emptied") {
  if (!bind_mount_permitted()) {
    WARN("skipped: mount is not permitted here (not root, or forbidden by the container)");
    return;
  }
  mount_setup m("bind");
  const auto outside_before = tree_state(m.outside);
  std::vector<std::string> args{"run", ".", "-j", "1"};
  std::string keep = GENERATE(as<std::string>{}, "", "none", "all");
  if (!keep.empty()) args.insert(args.end(), {"--keep", keep});
  INFO("--keep " << keep);

  const observed_run r = m.s.observe(args, {{"HOSTILE_OUTSIDE", m.outside.string()}});
  INFO(shown(r.result));
  CHECK(exited_with(r.result, 1));
  CHECK(verdicts(r.result.out.text) ==
        std::vector<std::string>{"PASS  a_passes  hostile_point", "FAIL  b_fails  hostile_point"});
  CHECK(tree_state(m.outside) == outside_before);
  CHECK(r.leaked.empty());
  CHECK_THAT(r.result.err.text, !Contains("warning"));
  const std::size_t kept = keep == "all" ? 2 : keep == "none" ? 0 : 1;
  if (kept == 0) {
    CHECK(m.s.leftovers().empty());
  } else {
    CHECK(m.s.kept_runs().size() == kept);  // a kept folder keeps its mount, for the user to see
  }
  CHECK(mounts_below(m.s.harness_tmp()).size() == kept);
}

// Without CAP_SYS_ADMIN the harness cannot detach what the test mounts for
// the target: the run folder stays, and a warning says where and why.
TEST_CASE("no data loss: a mount the harness may not detach is left in place with a warning naming it") {
  const fs::path setpriv = "/usr/bin/setpriv";
  if (!bind_mount_permitted() || !fs::exists(setpriv)) {
    WARN("skipped: mount is not permitted here, or there is no " << setpriv.string());
    return;
  }
  mount_setup m("ask");
  const auto outside_before = tree_state(m.outside);
  ready_fifo ready(m.s.area() / "ready");
  const fs::path go = m.s.area() / "go";
  REQUIRE(::mkfifo(go.c_str(), 0600) == 0);
  const int go_fd = ::open(go.c_str(), O_RDWR | O_CLOEXEC);  // never blocks, never EOF
  REQUIRE(go_fd >= 0);
  const env_vars env{{"TMPDIR", m.s.harness_tmp().string()},
                     {"HOME", m.s.harness_home().string()},
                     {"HOSTILE_WORKDIR", (m.s.area() / "workdir").string()},
                     {"HOSTILE_READY", ready.path().string()},
                     {"HOSTILE_GO", go.string()},
                     {"HOSTILE_PIDS", m.s.pid_file().string()}};
  crashpoint::harness::command_result r;
  std::thread harness([&] {
    r = spawn(
        setpriv,
        {"--bounding-set=-sys_admin", crashpoint_exe().string(), "run", ".", "-j", "1", "--keep", "none"},
        env, m.s.suite_dir());
  });
  for (int run = 0; run < 2; ++run) {
    REQUIRE(ready.wait_for_numbers(1).size() == 1);
    const std::string workdir = lines_of(read_file(m.s.area() / "workdir")).front();
    CHECK(bind_mount(m.outside, fs::path(workdir) / "sub"));
    CHECK(::write(go_fd, "go\n", 3) == 3);
  }
  harness.join();
  ::close(go_fd);
  INFO(shown(r));
  CHECK(exited_with(r, 1));
  CHECK(tree_state(m.outside) == outside_before);
  const auto kept = m.s.kept_runs();
  REQUIRE(kept.size() == 2);
  for (const fs::path& run : kept) {
    CHECK_THAT(r.err.text,
               Contains("crashpoint: warning: could not remove " + run.string() +
                        ": work/sub: a mount point that cannot be unmounted: Operation not permitted"));
    CHECK_THAT(r.out.text, Contains("kept: " + run.string()));
  }
}
