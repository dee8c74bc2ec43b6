// SPDX-License-Identifier: Apache-2.0
// orphan_reaper_test.cpp: listing this process's children both ways, and
// which of them kill_orphans() ends or leaves alone. The children
// here are forked directly (they wait in pause()), standing for orphans a
// target left behind; the end-to-end cases are in tests/e2e/hostile_test.cpp.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <csignal>
#include <vector>

#include "process/orphan_reaper.hpp"

namespace {

using namespace crashpoint::harness;

enum class group { own, new_group, new_session };

// A child that waits for ever, in our process group or out of it. Returns
// once it has left the group, if it was to.
pid_t waiting_child(group g) {
  int set_up[2];
  REQUIRE(::pipe(set_up) == 0);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    if (g == group::new_group) ::setpgid(0, 0);
    if (g == group::new_session) ::setsid();
    [[maybe_unused]] const auto n = ::write(set_up[1], "x", 1);
    for (;;) ::pause();
  }
  ::close(set_up[1]);
  char byte = 0;
  CHECK(::read(set_up[0], &byte, 1) == 1);
  ::close(set_up[0]);
  return pid;
}

bool is_listed(pid_t pid, const std::vector<pid_t>& list) {
  return std::find(list.begin(), list.end(), pid) != list.end();
}

// Not reaped yet: a test's own cleanup, for a child the reaper left alone.
bool still_our_child(pid_t pid) { return ::waitpid(pid, nullptr, WNOHANG) == 0; }

void end(pid_t pid) {
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
}

}  // namespace

TEST_CASE("orphan reaper: children are listed alike from the children files and from /proc") {
  const pid_t a = waiting_child(group::own);
  const pid_t b = waiting_child(group::new_session);
  const auto scanned = list_children(children_source::proc_scan);
  CHECK(is_listed(a, scanned));
  CHECK(is_listed(b, scanned));
  CHECK(is_listed(a, list_children()));
  CHECK(is_listed(b, list_children()));
  const auto from_files = list_children(children_source::task_files);
  if (!from_files.empty()) {  // the kernel may not have the files (CONFIG_PROC_CHILDREN)
    auto sorted_files = from_files, sorted_scan = scanned;
    std::sort(sorted_files.begin(), sorted_files.end());
    std::sort(sorted_scan.begin(), sorted_scan.end());
    CHECK(sorted_files == sorted_scan);
  }
  end(a);
  end(b);
}

TEST_CASE("orphan reaper: every child out of our group is killed and reaped, a zombie too") {
  const pid_t in_group = waiting_child(group::own);
  const pid_t other_group = waiting_child(group::new_group);
  const pid_t other_session = waiting_child(group::new_session);
  const pid_t dead = waiting_child(group::new_session);
  ::kill(dead, SIGKILL);
  // A zombie is readable in /proc until reaped: wait for it to be one.
  siginfo_t info{};
  REQUIRE(::waitid(P_PID, static_cast<id_t>(dead), &info, WEXITED | WNOWAIT) == 0);
  CHECK(kill_orphans({}) == 3);
  CHECK(::kill(other_group, 0) == -1);  // reaped: no zombie left either
  CHECK(::kill(other_session, 0) == -1);
  CHECK(::kill(dead, 0) == -1);
  CHECK(still_our_child(in_group));  // the embedding program's own child
  end(in_group);
}

// Each running command's leftovers stay with its shepherd (clone_spawn.hpp):
// any other child is a finished command's, and goes at once.
TEST_CASE("orphan reaper: a running command's shepherd is never touched, any other child goes at once") {
  const pid_t running = waiting_child(group::new_group);
  const pid_t orphan = waiting_child(group::new_session);  // started after `running`
  CHECK(kill_orphans({running}) == 1);
  CHECK(::kill(orphan, 0) == -1);
  CHECK(still_our_child(running));
  end(running);
}
