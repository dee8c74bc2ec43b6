// SPDX-License-Identifier: Apache-2.0
// signal_names.cpp: the table of the Linux signals (see signal_names.hpp).
#include "util/signal_names.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <csignal>

namespace crashpoint::harness {
namespace {

constexpr std::array<signal_info, 31> signal_table{{
    {SIGHUP, "SIGHUP", true},       {SIGINT, "SIGINT", true},       {SIGQUIT, "SIGQUIT", true},
    {SIGILL, "SIGILL", true},       {SIGTRAP, "SIGTRAP", true},     {SIGABRT, "SIGABRT", true},
    {SIGBUS, "SIGBUS", true},       {SIGFPE, "SIGFPE", true},       {SIGKILL, "SIGKILL", true},
    {SIGUSR1, "SIGUSR1", true},     {SIGSEGV, "SIGSEGV", true},     {SIGUSR2, "SIGUSR2", true},
    {SIGPIPE, "SIGPIPE", true},     {SIGALRM, "SIGALRM", true},     {SIGTERM, "SIGTERM", true},
    {SIGSTKFLT, "SIGSTKFLT", true}, {SIGCHLD, "SIGCHLD", false},    {SIGCONT, "SIGCONT", false},
    {SIGSTOP, "SIGSTOP", false},    {SIGTSTP, "SIGTSTP", false},    {SIGTTIN, "SIGTTIN", false},
    {SIGTTOU, "SIGTTOU", false},    {SIGURG, "SIGURG", false},      {SIGXCPU, "SIGXCPU", true},
    {SIGXFSZ, "SIGXFSZ", true},     {SIGVTALRM, "SIGVTALRM", true}, {SIGPROF, "SIGPROF", true},
    {SIGWINCH, "SIGWINCH", false},  {SIGIO, "SIGIO", true},         {SIGPWR, "SIGPWR", true},
    {SIGSYS, "SIGSYS", true},
}};

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::toupper(static_cast<unsigned char>(x)) == std::toupper(static_cast<unsigned char>(y));
  });
}

}  // namespace

std::span<const signal_info> known_signals() { return signal_table; }

const signal_info* signal_named(std::string_view name) {
  for (const auto& s : signal_table)
    if (s.name == name) return &s;
  return nullptr;
}

std::optional<std::string_view> known_signal_name(int sig) {
  for (const auto& s : signal_table)
    if (s.number == sig) return s.name;
  return std::nullopt;
}

std::string signal_name(int sig) {
  if (const auto name = known_signal_name(sig)) return std::string(*name);
  return "signal " + std::to_string(sig);
}

std::optional<int> signal_number(std::string_view name) {
  if (name.empty()) return std::nullopt;
  for (const auto& s : signal_table)
    if (equal_ignoring_case(name, s.name) || equal_ignoring_case(name, s.name.substr(3))) return s.number;
  return std::nullopt;
}

}  // namespace crashpoint::harness
