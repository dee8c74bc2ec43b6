// SPDX-License-Identifier: Apache-2.0
// name_table.cpp: replaying entry ops over names (see name_table.hpp).
#include "power_loss/name_table.hpp"

#include "power_loss/history.hpp"

namespace crashpoint::power_loss {

namespace {

object from_binding(const rec::name_binding& b) {
  using k = rec::name_binding::object;
  const file_id first{b.id.dev, b.id.ino};  // there at the start: the inode's first file
  switch (b.what) {
    case k::absent: return {};
    case k::file: return {object::kind::file, first, {}};
    case k::dir: return {object::kind::dir, first, {}};
    case k::symlink: return {object::kind::symlink, {}, b.target};
    case k::other: return {object::kind::other, {}, {}};
  }
  return {};
}

object file_object(const history_op& h) {
  if (h.file) return {object::kind::file, *h.file, {}};
  return {};
}

}  // namespace

name_table name_table::initial(const history& h) {
  name_table t;
  for (const auto& [name, b] : h.initial) t.names_[name] = from_binding(b);
  return t;
}

object name_table::at(const std::string& name) const {
  const auto it = names_.find(name);
  return it == names_.end() ? object{} : it->second;
}

std::optional<std::string> name_table::name_of(file_id id) const {
  for (const auto& [name, o] : names_) {
    if (o.what == object::kind::file && o.id == id) return name;
  }
  return std::nullopt;
}

bool name_table::apply(const history_op& h) {
  const rec::io_op& op = h.op;
  switch (h.action) {
    case entry_action::none: return true;
    case entry_action::create: names_[op.path] = file_object(h); return true;
    case entry_action::mkdir:
      names_[op.path] = {object::kind::dir, h.file.value_or(file_id{}), {}};
      return true;
    case entry_action::symlink: names_[op.path2] = {object::kind::symlink, {}, op.path}; return true;
    case entry_action::unlink:
    case entry_action::rmdir: names_[op.path] = {}; return true;
    case entry_action::link: {
      const object src = under_root(op.path) ? at(op.path) : file_object(h);
      if (src.what == object::kind::absent) return false;
      names_[op.path2] = src;
      return true;
    }
    case entry_action::rename: {
      const object src = under_root(op.path) ? at(op.path) : file_object(h);
      if (src.what == object::kind::absent) return false;
      if (under_root(op.path2)) names_[op.path2] = src;
      if (under_root(op.path)) names_[op.path] = {};
      return true;
    }
    case entry_action::exchange: {
      const object a = at(op.path), b = at(op.path2);
      if (a.what == object::kind::absent || b.what == object::kind::absent) return false;
      names_[op.path] = b;
      names_[op.path2] = a;
      return true;
    }
  }
  return true;
}

}  // namespace crashpoint::power_loss
