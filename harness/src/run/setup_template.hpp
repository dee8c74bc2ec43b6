// SPDX-License-Identifier: Apache-2.0
// setup_template.hpp: a scenario's state after setup, made once and copied
// into each of its runs instead of running the setup steps again.
//
// Setup is the same for every run of a scenario, and on a real storage engine
// it was half of each explored run's time. So the state that setup leaves in
// the three folders a command is given (work/, home/ and tmp/) is copied once
// into a template folder in the harness's temporary root, and each run starts
// from a copy of that (tree_copy.hpp: a reflink where the file system has
// them, else copy_file_range; links never followed). A run's record still
// lists the setup steps, as they ran for the template (argv, status, duration,
// output), so reports, CRASHPOINT_STATE and reproductions read as before.
//
// Where templates come from:
//   - an explored scenario's discovery run (session/session.hpp) runs setup
//     anyway: its state after setup is the template of every crash point;
//   - a listed scenario with several runs in a session: the first of its runs
//     to start does its setup and saves the template before its crash
//     command; runs that start while it is still in setup (at -j N) do their
//     own. A single run, as under `--only` (one CTest test), gets none.
//
// Runs find their template through a shared_setup, which run_spec::setup
// points to: one per scenario that may use one.
//
// Which scenarios (template_allowed): those whose setup does something (a
// fixture or steps), unless
//   - the scenario says `[setup] template = false`: setup that starts a
//     service (it would not run in the copies), writes absolute paths into
//     the state, or depends on the run folder's name;
//   - a setup step or an `env` value uses `{workdir}` or `{checkpoint}`, which
//     differ from run to run.
// A template that cannot be made faithfully (a socket, a device or a mount in
// the workdir, a tree deeper than 64 levels, a full disk) is dropped, and the
// runs do their own setup; a copy that fails in a run is a harness error.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "run/run_result.hpp"
#include "workdir/workdir.hpp"

namespace crashpoint::harness {

struct setup_template {
  run_dirs dirs;  // a run folder in the temporary root; work/, home/ and tmp/ hold the state
  struct step {
    step_record record;    // as it ran for the template
    std::string out, err;  // its captured output
  };
  std::vector<step> steps;
};

// Whether runs of `sc` (of suite `s`) may start from a template (see above).
bool template_allowed(const scenario& sc, const suite& s);

// The template of one scenario's runs, ready or to be made by the first run
// that asks. Safe from several threads.
class shared_setup {
 public:
  shared_setup() = default;
  // Already made (by a discovery run).
  explicit shared_setup(std::shared_ptr<const setup_template> ready);

  // The template when it is ready. Otherwise null, with `claimed` set for the
  // first caller only: that run does its setup and must then call provide().
  std::shared_ptr<const setup_template> get_or_claim(bool& claimed);
  // The template the claiming run made; null when it could not make one (the
  // later runs then do their own setup).
  void provide(std::shared_ptr<const setup_template> made);

 private:
  std::mutex mutex_;
  bool claimed_ = false;
  std::shared_ptr<const setup_template> ready_;
};

// The templates of one session, each in a run folder of its own. Their
// folders go with remove_all() (or the destructor): after the last run.
class setup_templates {
 public:
  explicit setup_templates(const temp_root& root) : root_(root) {}
  ~setup_templates() { remove_all(); }
  setup_templates(const setup_templates&) = delete;
  setup_templates& operator=(const setup_templates&) = delete;

  // Copies the work/, home/ and tmp/ of `from` (a run folder, just after its
  // setup) into a new run folder numbered `index`, named after `scenario`.
  // Null when it cannot be copied faithfully. Safe from several threads.
  std::shared_ptr<const setup_template> save(const run_dirs& from, std::size_t index,
                                             const std::string& scenario,
                                             std::vector<setup_template::step> steps);

  void remove_all();

 private:
  const temp_root& root_;
  std::mutex mutex_;
  std::vector<fs::path> folders_;
};

// Copies the state of `t` into the fresh folders `to`. False with `error` set
// when a copy fails.
bool copy_template(const temp_root& root, const setup_template& t, const run_dirs& to, std::string& error);

}  // namespace crashpoint::harness
