// no_data_loss_test.cpp: targets that reach out of their workdir cannot make
// the harness destroy or change anything outside its temporary root. The
// scenario folder, the fixture folder (which holds symbolic links to a folder
// outside it) and a sentinel folder outside everything are compared byte for
// byte, with modes and link targets, before and after.
#include <map>

#include "hostile_support.hpp"

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
      out[rel] = "file " + perms + " " + read_text(e.path());
    }
  }
  return out;
}

void write_file(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
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
      "ln -s '" + e.sentinel.string() + "/precious.txt' ../state.json.new && mv ../state.json.new ../state.json; "
      "rm -rf ../logs && ln -s '" + e.sentinel.string() + "' ../logs; "
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
