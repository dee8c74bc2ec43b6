// SPDX-License-Identifier: Apache-2.0
#include "run/crash_rebuild.hpp"

#include <stdexcept>

#include "power_loss/crash_state.hpp"
#include "power_loss/history.hpp"
#include "power_loss/rebuild.hpp"
#include "run/recorder_files.hpp"

namespace crashpoint::harness {
namespace {

power_loss::corruption damage_of(write_damage d) {
  switch (d) {
    case write_damage::none: return power_loss::corruption::none;
    case write_damage::torn: return power_loss::corruption::torn;
    case write_damage::zero: return power_loss::corruption::zero;
    case write_damage::garbage: return power_loss::corruption::garbage;
  }
  return power_loss::corruption::none;
}

power_loss::crash_state state_of(const crash_step& crash, const std::string& state) {
  if (state.empty()) {
    return {crash.model == crash_model::power_loss ? power_loss::crash_state::kind::clean
                                                   : power_loss::crash_state::kind::crashed,
            0};
  }
  const auto parsed = power_loss::parse_state(state);
  if (!parsed) throw std::runtime_error("no crash state `" + state + "`");
  return *parsed;
}

}  // namespace

crash_rebuild rebuild_after_crash(const run_dirs& dirs, const crash_step& crash, const std::string& state,
                                  const rebuild_settings& settings) {
  try {
    const power_loss::history h = power_loss::load_history(recorder_log(dirs), recorder_undo(dirs));
    power_loss::rebuild_options o;
    o.state = state_of(crash, state);
    o.corrupt = damage_of(crash.corrupt);
    o.seed = crash.seed;
    if (auto problem = power_loss::state_problem(h, o.state)) {
      throw std::runtime_error("crash state " + o.state.id() + " does not exist in this crash: " + *problem +
                               " (does the crash command do the same each time?)");
    }
    crash_rebuild out;
    if (settings.list_states) {
      const power_loss::crash_state_plan plan = power_loss::plan_states(h, {settings.max_states, 64});
      out.total_states = plan.total;
      for (const power_loss::crash_state& s : plan.states) {
        if (!(s == o.state)) out.other_states.push_back(s.id());
      }
    }
    const power_loss::rebuild_result r =
        power_loss::rebuild(dirs.work, h, recorder_payloads(dirs), recorder_undo(dirs), o);
    out.state = r.state;
    for (const power_loss::lost_op& l : r.lost) out.lost.push_back(l.line());
    out.corrupted = r.corrupted;
    return out;
  } catch (const power_loss::history_error& e) {
    throw std::runtime_error(std::string("the recorder's log cannot be used: ") + e.what());
  } catch (const power_loss::rebuild_error& e) {
    throw std::runtime_error(e.what());
  }
}

}  // namespace crashpoint::harness
