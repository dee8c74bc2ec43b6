// SPDX-License-Identifier: Apache-2.0
// path_search.hpp: walking the directories of a PATH value.
//
//   for_each_path_dir("/usr/bin::/bin", f);  // f("/usr/bin"), f(""), f("/bin")
//
// The one splitter of PATH for the three places that look a program up: the
// target before anything runs (plan/target), a command about to start
// (process/process, relative to the child's working directory), and the
// recorder's program (recorder/launcher). Each decides what makes a candidate
// usable; an empty entry, which execvp takes for the current directory, comes
// as "" so that each decides that too.
#pragma once

#include <string_view>

namespace crashpoint::harness {

// Calls `visit(dir)` for each entry of `path_var` in order until it returns
// true; whether one did.
template <typename Visit>
bool for_each_path_dir(std::string_view path_var, Visit visit) {
  while (true) {
    const std::size_t colon = path_var.find(':');
    if (visit(path_var.substr(0, colon))) return true;
    if (colon == std::string_view::npos) return false;
    path_var.remove_prefix(colon + 1);
  }
}

}  // namespace crashpoint::harness
