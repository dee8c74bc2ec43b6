// SPDX-License-Identifier: Apache-2.0
// crash_state.cpp: naming and planning crash states (see crash_state.hpp).
#include "power_loss/crash_state.hpp"

#include <charconv>

#include <fmt/format.h>

#include "power_loss/history.hpp"

namespace crashpoint::power_loss {

std::string crash_state::id() const {
  switch (k) {
    case kind::crashed: return "crashed";
    case kind::clean: return "clean";
    case kind::prefix: return fmt::format("prefix:{}", n);
    case kind::torn: return fmt::format("torn:{}", n);
  }
  return "?";
}

std::optional<crash_state> parse_state(std::string_view text) {
  if (text == "crashed") return crash_state{crash_state::kind::crashed, 0};
  if (text == "clean") return crash_state{crash_state::kind::clean, 0};
  for (const auto& [prefix, k] : {std::pair{std::string_view("prefix:"), crash_state::kind::prefix},
                                  std::pair{std::string_view("torn:"), crash_state::kind::torn}}) {
    if (!text.starts_with(prefix)) continue;
    const std::string_view digits = text.substr(prefix.size());
    std::uint64_t n = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    if (ec != std::errc{} || end != digits.data() + digits.size() || digits.empty() || n == 0)
      return std::nullopt;
    return crash_state{k, n};
  }
  return std::nullopt;
}

std::uint64_t sectors_spanned(std::uint64_t offset, std::uint64_t length) {
  if (length == 0) return 0;
  return (offset + length - 1) / sector_size - offset / sector_size + 1;
}

namespace {

std::uint64_t write_length(const history_op& o) {
  if (o.op.how == rec::outcome::unfinished) return o.op.payload_length.value_or(0);
  return o.op.result ? static_cast<std::uint64_t>(std::max<std::int64_t>(*o.op.result, 0)) : 0;
}

}  // namespace

std::optional<std::size_t> last_pending_write(const history& h) {
  for (auto it = h.pending.rbegin(); it != h.pending.rend(); ++it) {
    if (h.ops[*it].is_write() && write_length(h.ops[*it]) > 0) return *it;
  }
  return std::nullopt;
}

crash_state_plan plan_states(const history& h, const state_limits& limits) {
  crash_state_plan p;
  p.pending = h.pending.size();
  std::vector<crash_state> all{{crash_state::kind::clean, 0}};
  for (std::size_t k = 1; k <= h.pending.size(); ++k) all.push_back({crash_state::kind::prefix, k});
  p.torn_op = last_pending_write(h);
  if (p.torn_op) {
    const history_op& w = h.ops[*p.torn_op];
    p.torn_sectors = sectors_spanned(w.op.offset.value_or(0), write_length(w));
    const std::uint64_t choices = p.torn_sectors > 1 ? p.torn_sectors - 1 : 0;
    const std::uint64_t shown = std::min<std::uint64_t>(choices, limits.max_torn_states);
    for (std::uint64_t i = 1; i <= shown; ++i) {
      // Evenly over 1..S-1 when capped: 1, ..., S-1 exactly when not.
      const std::uint64_t k =
          shown == choices ? i : 1 + (i - 1) * (choices - 1) / std::max<std::uint64_t>(shown - 1, 1);
      all.push_back({crash_state::kind::torn, k});
    }
  }
  p.total = all.size();
  if (all.size() > limits.max_states) {
    all.resize(limits.max_states);
    p.capped = true;
  }
  p.states = std::move(all);
  return p;
}

std::optional<std::string> state_problem(const history& h, const crash_state& s) {
  switch (s.k) {
    case crash_state::kind::crashed:
    case crash_state::kind::clean: return std::nullopt;
    case crash_state::kind::prefix:
      if (s.n > h.pending.size()) {
        return fmt::format("state prefix:{}: there are only {} operations that were not durable", s.n,
                           h.pending.size());
      }
      return std::nullopt;
    case crash_state::kind::torn: {
      const auto w = last_pending_write(h);
      if (!w) return fmt::format("state torn:{}: no write was pending (every write was made durable)", s.n);
      const history_op& op = h.ops[*w];
      const std::uint64_t sectors = sectors_spanned(op.op.offset.value_or(0), write_length(op));
      if (sectors < 2) {
        return fmt::format("state torn:{}: the last pending write, {}, spans one sector: it cannot tear", s.n,
                           op.text);
      }
      if (s.n >= sectors) {
        return fmt::format("state torn:{}: the last pending write, {}, spans {} sectors: K must be 1..{}",
                           s.n, op.text, sectors, sectors - 1);
      }
      return std::nullopt;
    }
  }
  return std::nullopt;
}

}  // namespace crashpoint::power_loss
