// SPDX-License-Identifier: Apache-2.0
// signal_names.cpp: the table of the Linux signals the harness names.
#include "util/signal_names.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <csignal>

namespace crashpoint::harness {
namespace {

struct signal_entry {
  int number;
  std::string_view name;
};

constexpr std::array<signal_entry, 30> known_signals{{
    {SIGHUP, "SIGHUP"},   {SIGINT, "SIGINT"},       {SIGQUIT, "SIGQUIT"}, {SIGILL, "SIGILL"},
    {SIGTRAP, "SIGTRAP"}, {SIGABRT, "SIGABRT"},     {SIGBUS, "SIGBUS"},   {SIGFPE, "SIGFPE"},
    {SIGKILL, "SIGKILL"}, {SIGUSR1, "SIGUSR1"},     {SIGSEGV, "SIGSEGV"}, {SIGUSR2, "SIGUSR2"},
    {SIGPIPE, "SIGPIPE"}, {SIGALRM, "SIGALRM"},     {SIGTERM, "SIGTERM"}, {SIGSTKFLT, "SIGSTKFLT"},
    {SIGCHLD, "SIGCHLD"}, {SIGCONT, "SIGCONT"},     {SIGSTOP, "SIGSTOP"}, {SIGTSTP, "SIGTSTP"},
    {SIGTTIN, "SIGTTIN"}, {SIGTTOU, "SIGTTOU"},     {SIGURG, "SIGURG"},   {SIGXCPU, "SIGXCPU"},
    {SIGXFSZ, "SIGXFSZ"}, {SIGVTALRM, "SIGVTALRM"}, {SIGPROF, "SIGPROF"}, {SIGWINCH, "SIGWINCH"},
    {SIGIO, "SIGIO"},     {SIGSYS, "SIGSYS"},
}};

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::toupper(static_cast<unsigned char>(x)) == std::toupper(static_cast<unsigned char>(y));
  });
}

}  // namespace

std::string signal_name(int sig) {
  for (const auto& s : known_signals)
    if (s.number == sig) return std::string(s.name);
  return "signal " + std::to_string(sig);
}

std::optional<int> signal_number(std::string_view name) {
  if (name.empty()) return std::nullopt;
  for (const auto& s : known_signals)
    if (equal_ignoring_case(name, s.name) || equal_ignoring_case(name, s.name.substr(3))) return s.number;
  return std::nullopt;
}

}  // namespace crashpoint::harness
