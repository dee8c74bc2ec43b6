// SPDX-License-Identifier: Apache-2.0
// interrupt_watch.cpp: sigwait in a dedicated thread (see interrupt_watch.hpp).
#include "session/interrupt_watch.hpp"

#include <pthread.h>
#include <time.h>

#include "process/process.hpp"

namespace crashpoint::harness {

interrupt_watch::interrupt_watch() {
  sigemptyset(&set_);
  sigaddset(&set_, SIGINT);
  sigaddset(&set_, SIGTERM);
  sigaddset(&set_, SIGHUP);   // the terminal went away: children must not stay behind
  sigaddset(&set_, SIGUSR2);  // our own wake-up call at the end
  pthread_sigmask(SIG_BLOCK, &set_, &old_);
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ignore, &old_sigpipe_);
  thread_ = std::thread([this] { watch(); });
}

interrupt_watch::~interrupt_watch() {
  done_ = true;
  pthread_kill(thread_.native_handle(), SIGUSR2);
  thread_.join();
  // A signal that came after the thread stopped waiting is still pending: take
  // it now rather than let it kill the process when the mask is restored.
  const timespec no_wait{};
  for (int sig; (sig = sigtimedwait(&set_, nullptr, &no_wait)) > 0;) {
    if (sig != SIGUSR2) stop_ = true;
  }
  pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  sigaction(SIGPIPE, &old_sigpipe_, nullptr);
}

void interrupt_watch::stop_output_closed() {
  output_closed_ = true;
  stop_ = true;
  stop_all_commands();
}

void interrupt_watch::watch() {
  for (;;) {
    int sig = 0;
    if (sigwait(&set_, &sig) != 0) continue;
    if (done_.load()) return;
    if (sig == SIGUSR2) continue;
    stop_ = true;
    stop_all_commands();
  }
}

}  // namespace crashpoint::harness
