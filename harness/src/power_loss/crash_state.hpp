// SPDX-License-Identifier: Apache-2.0
// crash_state.hpp: the states a power loss at the crash may leave, and which
// of them to build.
//
//   crash_state_plan p = plan_states(h, {.max_states = 100});
//   for (const crash_state& s : p.states) ... s.id()   // "clean", "prefix:1", ..., "torn:3"
//   if (p.capped) say(fmt::format("{} of {} states built (--max-states)", p.states.size(), p.total));
//
// With N the history's pending ops (not durable, in program order):
//   crashed   nothing is dropped: the tree as the process crash left it (the
//             "process" model; with corruption, what corrupt damages)
//   clean     every pending op is dropped ("everything unsynced lost")
//   prefix:K  the first K pending ops persisted, the rest dropped (ALICE's
//             in-order model), 1 <= K <= N; prefix:N is the tree as crashed
//   torn:K    W, the last pending op that writes bytes, persisted only its
//             first K 512-byte sectors (sectors of the file, so the first
//             may be partial); every pending op before W persisted, every one
//             after W dropped. 1 <= K < S, S the sectors W spans.
// The plan lists clean, each prefix, then each torn state, in that order, up
// to limits.max_states (`capped` says the rest were left out), and at most
// limits.max_torn_states of the torn ones (spread evenly over 1..S-1).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace crashpoint::power_loss {

struct history;  // history.hpp

inline constexpr std::uint64_t sector_size = 512;

struct crash_state {
  enum class kind : std::uint8_t { crashed, clean, prefix, torn };
  kind k = kind::clean;
  std::uint64_t n = 0;  // prefix: ops kept; torn: sectors kept
  std::string id() const;
  bool operator==(const crash_state&) const = default;
};

// "crashed", "clean", "prefix:K", "torn:K"; nullopt otherwise.
std::optional<crash_state> parse_state(std::string_view text);

struct state_limits {
  std::size_t max_states = 1000;
  std::size_t max_torn_states = 64;
};

struct crash_state_plan {
  std::vector<crash_state> states;
  std::size_t total = 0;               // states there are, before the cap
  bool capped = false;                 // states.size() < total because of max_states
  std::size_t pending = 0;             // the history's pending ops (N)
  std::optional<std::size_t> torn_op;  // index into history.ops of W, when there is one
  std::uint64_t torn_sectors = 0;      // S
};

crash_state_plan plan_states(const history& h, const state_limits& limits = {});

// The op torn states tear (W), and the sectors it spans.
std::optional<std::size_t> last_pending_write(const history& h);
std::uint64_t sectors_spanned(std::uint64_t offset, std::uint64_t length);

// Whether `s` exists for this history; the message says why not.
std::optional<std::string> state_problem(const history& h, const crash_state& s);

}  // namespace crashpoint::power_loss
