// SPDX-License-Identifier: Apache-2.0
// recycle_test.cpp: run folders are recycled between runs (workdir.hpp), and
// no run can tell: with many runs at -j 2, each first command of a run checks
// that its folder has the run's own name and holds nothing but its four empty
// folders, with the modes of a fresh one; each last command leaves a mess
// (files, a mode-000 folder, links out of the root, chmodded run folders).
#include "suite_builder.hpp"

using namespace crashpoint::test;

namespace {

// Setup step 1, `sh -c CHECK check CHECKPOINT`: fails, saying why, unless the
// run's folder is as a fresh one.
const std::string check_script = R"sh(
set -eu
fail() { echo "recycle_test: $*" >&2; exit 1; }
run=$(basename "$(dirname "$PWD")")
case "$run" in [0-9][0-9][0-9][0-9]-recycle@"$1") ;; *) fail "run $1 is in the folder $run" ;; esac
[ "$(ls -A ..)" = "$(printf 'home\nlogs\ntmp\nwork')" ] || fail "the run folder holds" $(ls -A ..)
for d in . "$HOME" "$TMPDIR" ../logs; do
  [ -z "$(ls -A "$d")" ] || fail "$d holds" $(ls -A "$d")
done
want=$(printf '%o' $(( 0777 & ~0$(umask) )))
for d in .. . "$HOME" "$TMPDIR" ../logs; do
  [ "$(stat -c %a "$d")" = "$want" ] || fail "$d has mode $(stat -c %a "$d"), not $want"
done
)sh";

// The recovery step, `sh -c MESS mess OUTSIDE`.
const std::string mess_script = R"sh(
set -eu
echo x > left-in-work
mkdir -p deep/a/b && echo y > deep/a/b/f && chmod 000 deep/a
ln -s "$1" out && ln -s "$1/precious.txt" precious
echo h > "$HOME/.profile" && mkdir "$HOME/.cache"
echo t > "$TMPDIR/t" && mkfifo "$TMPDIR/fifo" && ln -s "$1" "$TMPDIR/out"
echo r > ../left-in-run-folder && mkdir ../extra && echo l > ../logs/extra.log
chmod 000 "$HOME" && chmod 000 . && chmod 500 ..
)sh";

std::string recycle_scenario(int runs, const fs::path& outside) {
  std::string checkpoints;
  for (int i = 0; i < runs; ++i) checkpoints += (i ? ", \"cp_" : "\"cp_") + std::to_string(i) + "\"";
  return "checkpoints = [" + checkpoints + "]\n" + "[setup]\nsteps = [[\"/bin/sh\", \"-c\", '''" +
         check_script +
         "''', \"check\", \"{checkpoint}\"], [\"{target}\", \"init\"]]\n"
         "[crash]\ncommand = [\"{target}\", \"impostor\", \"{checkpoint}\"]\n"
         "[[recover]]\ncommand = [\"/bin/sh\", \"-c\", '''" +
         mess_script + "''', \"mess\", \"" + outside.string() + "\"]\n";
}

}  // namespace

TEST_CASE("recycled run folders: at -j 2, no run sees anything of the runs before it") {
  e2e_suite s(store_suite());
  const temp_dir outside_area;
  const fs::path outside = outside_area / "outside";
  fs::create_directories(outside / "sub");
  std::ofstream(outside / "precious.txt") << "precious\n";
  constexpr int runs = 40;
  s.add("recycle.toml", recycle_scenario(runs, outside));

  const auto r = s.run({"-j", "2"});
  INFO(shown(r));
  CHECK(exited_with(r, 0));
  CHECK(last_line(r.out.text) == std::to_string(runs) + " passed, 0 failed");
  CHECK(s.leftovers().empty());
  CHECK(read_file(outside / "precious.txt") == "precious\n");
  CHECK(fs::is_directory(outside / "sub"));
}
