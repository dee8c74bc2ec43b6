// SPDX-License-Identifier: Apache-2.0
// name_table.hpp: what each name under the root the command touched is bound
// to, replayed through entry ops.
//
//   name_table t = name_table::initial(h);   // the names as they were before the command
//   t.apply(h.ops[i]);                        // an entry op; others change no name
//   t.at("data") == object{object::file, {dev, ino}}
//
// Only the names the undo index noted (every name an entry op changed) and
// the names files were written under are tracked; everything else in the
// tree is untouched by the command and left alone. Directories are tracked
// as names only: renaming a directory is refused when the history is made.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "power_loss/history.hpp"

namespace crashpoint::power_loss {

struct object {
  enum class kind : std::uint8_t { absent, file, dir, symlink, other };
  kind what = kind::absent;
  file_id id;          // file, dir
  std::string target;  // symlink
  bool operator==(const object&) const = default;
};

class name_table {
 public:
  static name_table initial(const history& h);
  // Binds names as `h` does; false when it cannot take effect in this table
  // (a rename or link whose source does not exist here), and then changes nothing.
  bool apply(const history_op& h);
  object at(const std::string& name) const;
  const std::map<std::string, object>& names() const { return names_; }
  // A name bound to this file, if any.
  std::optional<std::string> name_of(file_id id) const;
  void bind(const std::string& name, object o) { names_[name] = std::move(o); }

 private:
  std::map<std::string, object> names_;
};

}  // namespace crashpoint::power_loss
