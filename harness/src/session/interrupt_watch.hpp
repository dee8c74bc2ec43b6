// SPDX-License-Identifier: Apache-2.0
// interrupt_watch.hpp: turns SIGINT, SIGTERM and SIGHUP, and a closed stdout,
// into an orderly stop.
//
// Construct it before starting any thread: it blocks the three signals in the
// calling thread (new threads inherit the mask) and waits for them in a thread
// of its own. On a signal it sets the stop flag and calls stop_all_commands():
// every running child's process group is SIGKILLed and no command starts any
// more, so workers finish promptly and the caller can report partial results
// and exit 130. A second signal changes nothing (the first one's stop is under
// way). Children get the default mask back before exec (process.cpp).
//
// While it lives SIGPIPE is ignored, so `crashpoint run | head -1` is not
// killed mid-session with its commands running: a write to a stdout nobody
// reads fails with EPIPE instead, and whoever sees that calls
// stop_output_closed(), the same stop for a different reason (exit 141).
//
//   interrupt_watch watch;            // first thing, before any worker thread
//   run_everything(watch.stop_flag());
//   if (watch.output_closed()) return exit_output_closed;
//   if (watch.interrupted()) return exit_interrupted;
#pragma once

#include <signal.h>

#include <atomic>
#include <thread>

namespace crashpoint::harness {

class interrupt_watch {
 public:
  interrupt_watch();
  ~interrupt_watch();
  interrupt_watch(const interrupt_watch&) = delete;
  interrupt_watch& operator=(const interrupt_watch&) = delete;

  const std::atomic<bool>& stop_flag() const { return stop_; }
  bool interrupted() const { return stop_.load(); }  // stopped, for either reason

  // Stops as a signal does, because stdout's reader went away; any thread.
  void stop_output_closed();
  bool output_closed() const { return output_closed_.load(); }

 private:
  void watch();
  sigset_t set_{};
  sigset_t old_{};
  struct sigaction old_sigpipe_ {};
  std::atomic<bool> stop_{false};
  std::atomic<bool> output_closed_{false};
  std::atomic<bool> done_{false};
  std::thread thread_;
};

}  // namespace crashpoint::harness
