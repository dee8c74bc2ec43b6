// SPDX-License-Identifier: Apache-2.0
// permissions_test.cpp: what a user who is not root sees when a folder in the
// workdir cannot be read. Only "no such file" counts as absence: a file in an
// unreadable folder is not absent, and a glob cannot count what it cannot
// list, so both are failures that say what could not be read.
//
// Root reads every folder whatever its mode, so the harness runs as `nobody`
// here (setpriv) when the tests run as root; as another user it runs as is.
#include <unistd.h>

#include "suite_builder.hpp"

using namespace crashpoint::test;
using Catch::Contains;

namespace {

constexpr uid_t nobody = 65534;
const fs::path setpriv = "/usr/bin/setpriv";

// Runs `crashpoint args...` in the suite folder as a user who is not root, or
// returns nullopt (with a warning) when that is impossible.
std::optional<crashpoint::harness::command_result> run_unprivileged(const e2e_suite& s,
                                                                    std::vector<std::string> args) {
  env_vars env{{"TMPDIR", s.harness_tmp().string()}, {"HOME", s.harness_home().string()}};
  if (::geteuid() != 0) return spawn(crashpoint_exe(), std::move(args), std::move(env), s.suite_dir());
  if (!fs::exists(setpriv)) {
    WARN("skipped: running as root without " << setpriv << " to become nobody");
    return std::nullopt;
  }
  // nobody must reach the suite and own the harness's TMPDIR and HOME.
  const fs::path area = s.suite_dir().parent_path();
  fs::permissions(area, fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
  for (const fs::path& own : {s.harness_tmp(), s.harness_home()}) {
    if (::chown(own.c_str(), nobody, nobody) != 0) {
      WARN("skipped: cannot give " << own << " to nobody");
      return std::nullopt;
    }
  }
  args.insert(args.begin(), {"--reuid=" + std::to_string(nobody), "--regid=" + std::to_string(nobody),
                             "--clear-groups", "--", crashpoint_exe().string()});
  return spawn(setpriv, std::move(args), std::move(env), s.suite_dir());
}

}  // namespace

TEST_CASE("permissions: a file in an unreadable folder is not absent, and a glob cannot skip the folder") {
  const std::string crash =
      R"(["{target}", "-c", "echo 'CRASHPOINT: crashing at checkpoint `here` (intentional)' >&2; kill -ABRT $$"])";
  e2e_suite s(suite_toml("/bin/sh"));
  s.add("locked.toml", R"(checkpoints = ["here"]
[setup]
steps = [["{target}", "-c", "mkdir -p data/locked && touch data/locked/x.tmp && chmod 000 data/locked"]]
[crash]
command = )" + crash + R"(
[[recover]]
command = ["/bin/true"]
[[assert]]
file = "data/locked/x.tmp"
exists = false
[[assert]]
glob = "**/*.tmp"
count = 0
[[assert]]
file = "data/locked/x.tmp"
contains = "x"
[[assert]]
glob = "*.tmp"
count = 0
)");
  const auto r = run_unprivileged(s, {"run", ".", "--keep", "none"});
  if (!r) return;
  INFO(shown(*r));
  CHECK(exited_with(*r, 1));
  CHECK_THAT(r->out.text, Contains("3 of 4 assertions failed after recovery"));
  CHECK_THAT(
      r->out.text,
      Contains("locked.toml:8:1: file data/locked/x.tmp: cannot tell whether it exists: Permission denied"));
  CHECK_THAT(r->out.text,
             Contains("locked.toml:11:1: glob **/*.tmp: cannot read folder data/locked: Permission denied"));
  CHECK_THAT(r->out.text,
             Contains("locked.toml:14:1: file data/locked/x.tmp cannot be read: Permission denied"));
  // `*.tmp` looks only at the workdir's own entries: data/locked is not its business.
  CHECK_FALSE(Contains("locked.toml:17:1").match(r->out.text));
  CHECK(s.leftovers().empty());  // the harness removed its own mode-000 folder
}
