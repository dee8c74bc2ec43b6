// interrupt_watch.hpp: turns SIGINT and SIGTERM into an orderly stop.
//
// Construct it before starting any thread: it blocks both signals in the
// calling thread (new threads inherit the mask) and waits for them in a thread
// of its own. On a signal it sets the stop flag and kills every running child's
// process group, so workers finish promptly and the caller can report partial
// results. Children get the default mask back before exec (process.cpp).
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
  bool interrupted() const { return stop_.load(); }

 private:
  void watch();
  sigset_t set_{};
  sigset_t old_{};
  std::atomic<bool> stop_{false};
  std::atomic<bool> done_{false};
  std::thread thread_;
};

}  // namespace crashpoint::harness
