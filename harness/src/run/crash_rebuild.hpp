// SPDX-License-Identifier: Apache-2.0
// crash_rebuild.hpp: the workdir as a power cut (or a damaged last write)
// leaves it, made between the crash and recovery ([crash] model =
// "power-loss", corrupt = ...; docs/power-loss.md).
//
// Such a crash step runs under crashpoint-record with a log, the bytes of
// every write (payloads) and the pre-image of every file it changed (undo),
// all beside the workdir. Once the crash is confirmed, rebuild_after_crash()
// rewrites the workdir in place into one crash state and says what that
// state dropped, relative to the workdir:
//
//   crash_rebuild r = rebuild_after_crash(dirs, crash, "", opts);
//   r.lost == {"write(\"wal.log\", 4096..8192) never fsynced",
//              "rename(\"data.tmp\" -> \"data\") parent directory never fsynced"}
//
// The first run of a point builds the scenario's default state (power loss:
// "clean", everything unsynced lost; a process crash with corruption:
// "crashed"). With crash_states = "all" it also lists the other states (each
// in-order prefix, each torn last write), which the session runs as
// SCENARIO@POINT#1, #2, ..., each crashing again and rebuilding its state.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "scenario/scenario.hpp"
#include "workdir/workdir.hpp"

namespace crashpoint::harness {

struct crash_rebuild {
  std::string state;                      // the state built: "clean", "prefix:3", "torn:2", "crashed"
  std::vector<std::string> lost;          // what it dropped, one line per op (or run of writes)
  std::string corrupted;                  // what corruption damaged, or ""
  std::vector<std::string> other_states;  // crash_states = "all", first run: the states still to run
  std::size_t total_states = 0;           // every state there is (other_states may be capped)
};

struct rebuild_settings {
  std::size_t max_states = 1000;  // --max-states: states per crash point, the default one included
  bool list_states = false;       // crash_states = "all" and this is a point's first run
};

// `state` is the run's state id, "" for the step's default. Throws
// std::runtime_error with the reason when the state cannot be built (the log
// does not match the workdir, the state does not exist in this crash).
crash_rebuild rebuild_after_crash(const run_dirs& dirs, const crash_step& crash, const std::string& state,
                                  const rebuild_settings& settings);

}  // namespace crashpoint::harness
