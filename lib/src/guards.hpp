// SPDX-License-Identifier: Apache-2.0
// guards.hpp: the calling thread's stack of crashpoint::scoped_points.
#pragma once

#include <cstdint>
#include <string_view>

#include "armed_set.hpp"

namespace crashpoint::detail {

// Whether any scoped_points guard is alive on the calling thread.
bool thread_has_guards() noexcept;

// Looks `name` up in the calling thread's guards, innermost first. When a guard
// arms it, counts the hit in that guard, stores its number in `hit` and returns
// the matching rule (nullptr when this hit does not fire). When no guard arms
// it, returns nullptr and leaves `hit` at 0.
const hit_rule* guarded_rule(std::string_view name, std::uint64_t& hit);

}  // namespace crashpoint::detail
