// SPDX-License-Identifier: Apache-2.0
// point.hpp: system-call crash and fail points, `sys:CALL@HIT...`.
//
//   sys:fsync@2               SIGKILL every traced process just before the 2nd fsync runs
//   sys:*@40                  ... before the 40th modelled call of any kind
//   sys:rename@1+             ... right after the 1st rename returns (it took effect)
//   sys:fsync@1=error(EIO)    the 1st fsync fails with EIO instead of running
//
//   parsed_point p = parse_point("sys:fsync@1=error(EIO)");
//   if (!p) report(p.error.column, p.error.message);   // 1-based column into the text
//   p.value->selects(syscall_id::fsync, call_kind::fsync) == true
//
// CALL is a kind (calls.hpp: `write` covers write, pwrite64, writev, ...), an
// exact system call name that is not a kind (`pwrite64`), or `*`. HIT counts
// the calls CALL selects, from 1, across all of the command's processes in
// the order the recorder saw them. Errors name the column and what was
// expected: "unknown call name 'fsyc' (did you mean 'fsync'?)".
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "recorder/calls.hpp"

namespace crashpoint::recorder {

struct point {
  enum class timing : std::uint8_t { before, after };
  enum class action : std::uint8_t { kill, fail };

  // At most one is set; neither: `*`, any modelled call.
  std::optional<call_kind> kind;
  std::optional<syscall_id> syscall;
  std::uint64_t hit = 1;
  timing when = timing::before;
  action what = action::kill;
  int error = 0;  // action::fail: the errno the call returns

  bool selects(syscall_id call, call_kind call_is) const;
  std::string spec() const;              // canonical text: "sys:fsync@1=error(EIO)"
  std::string_view action_name() const;  // "kill-before", "kill-after", "fail"
};

struct point_error {
  std::size_t column = 0;  // 1-based, into the parsed text
  std::string message;
};

struct parsed_point {
  std::optional<point> value;
  point_error error;  // when !value
  explicit operator bool() const { return value.has_value(); }
};

inline constexpr std::string_view point_prefix = "sys:";

parsed_point parse_point(std::string_view text);

}  // namespace crashpoint::recorder
