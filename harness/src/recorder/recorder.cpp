// SPDX-License-Identifier: Apache-2.0
// recorder.cpp: one recorded run, start to result file (see recorder.hpp).
#include "recorder/recorder.hpp"

#include <sys/prctl.h>
#include <sys/wait.h>

#include <cstring>
#include <utility>

#include <fmt/format.h>

#include "recorder/log_writer.hpp"
#include "recorder/path_resolver.hpp"
#include "recorder/payload_store.hpp"
#include "recorder/seccomp_filter.hpp"
#include "recorder/tracer.hpp"
#include "recorder/undo_store.hpp"
#include "recorder/warning_log.hpp"

namespace crashpoint::recorder {

namespace {

std::string absolute_or_empty(const std::filesystem::path& p) {
  return p.empty() ? std::string() : std::filesystem::absolute(p).lexically_normal().string();
}

command_end not_started(const std::string& program, int error) {
  command_end e;
  e.error = fmt::format("cannot execute {}: {}", program, std::strerror(error));
  return e;
}

command_end end_of(int status) {
  command_end e;
  if (WIFEXITED(status)) {
    e.k = command_end::kind::exited;
    e.exit_code = WEXITSTATUS(status);
  } else {
    e.k = command_end::kind::signaled;
    e.signal = WTERMSIG(status);
  }
  return e;
}

}  // namespace

record_result record(const record_options& options, const std::function<void(const warning&)>& on_warning) {
  if (options.command.empty()) throw record_failure("no command to run");
  const root_dir root = root_dir::open(options.root.string());

  record_result result;
  result.command = options.command;
  result.root = root.path();
  result.log = absolute_or_empty(options.log);
  result.payloads = absolute_or_empty(options.payloads);

  log_writer log =
      options.log.empty() ? log_writer{} : log_writer(buffered_file::create(options.log), root.path());
  payload_store payloads =
      options.payloads.empty() ? payload_store{} : payload_store(buffered_file::create(options.payloads));
  undo_store undo = options.undo.empty() ? undo_store{} : undo_store(options.undo, root.path());
  warning_log warnings([&](const warning& w) {
    log.warn(w);
    if (on_warning) on_warning(w);
  });

  int lookup_error = 0;
  const std::optional<std::string> program = find_program(options.command.front(), lookup_error);
  if (!program) {
    result.end = not_started(options.command.front(), lookup_error);
  } else {
    // Orphans of the command are re-parented to the recorder rather than to
    // whoever started it: they are its tracees anyway, and so it reaps them,
    // zombies included, before it exits.
    ::prctl(PR_SET_CHILD_SUBREAPER, 1L, 0L, 0L, 0L);
    const launched child = launch(*program, options.command, build_filter());
    tracer t(trace_config{root, options.at, log, payloads, warnings, undo}, child.pid());
    const trace_outcome traced = t.run();
    if (traced.started) {
      result.end = end_of(traced.first_status);
    } else if (const launch_error e = child.error(); e.at == launch_error::step::exec) {
      result.end = not_started(*program, e.error);
    } else if (e.at != launch_error::step::none) {
      throw record_failure(
          fmt::format("cannot {}: {}",
                      e.at == launch_error::step::seccomp ? "install the seccomp filter" : "set no_new_privs",
                      std::strerror(e.error)));
    } else {
      result.end = end_of(traced.first_status);  // killed before it could exec
    }
    result.point = traced.point;
    result.counts = traced.counts;
    result.leftovers_killed = traced.leftovers_killed;
  }
  log.end(result.counts.calls);
  log.flush();
  payloads.flush();
  result.warnings = warnings.reports();
  if (!options.result.empty()) write_result(options.result, result);
  return result;
}

}  // namespace crashpoint::recorder
