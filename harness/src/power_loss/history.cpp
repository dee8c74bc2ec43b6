// SPDX-License-Identifier: Apache-2.0
// history.cpp: classifying a recorded command's calls and deciding which are
// durable (see history.hpp).
#include "power_loss/history.hpp"

#include <fcntl.h>
#include <sys/mman.h>

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "power_loss/name_table.hpp"
#include "recorder/log_reader.hpp"

namespace crashpoint::power_loss {

namespace {

using rec::c_quoted;
using rec::call_kind;
using rec::io_op;
using rec::outcome;

constexpr std::uint64_t o_dsync = O_DSYNC;  // O_SYNC includes this bit
constexpr std::uint64_t rwf_dsync = 0x2, rwf_sync = 0x4;
constexpr std::uint64_t rename_exchange = 0x2, rename_whiteout = 0x4;

bool took_effect(const io_op& op) {
  if (op.how == outcome::unfinished) return true;
  return op.how == outcome::done && op.result && *op.result >= 0;
}

// Bytes a write-like call put, from its result (or, unfinished, what was captured).
std::uint64_t written(const io_op& op) {
  if (op.how == outcome::unfinished) return op.payload_length.value_or(op.length.value_or(0));
  return op.result ? static_cast<std::uint64_t>(std::max<std::int64_t>(*op.result, 0)) : 0;
}

std::string range_text(const io_op& op, std::uint64_t length) {
  const std::uint64_t start = op.offset.value_or(0);
  return fmt::format("{}..{}", start, start + length);
}

std::string data_text(const history_op& h) {
  const io_op& op = h.op;
  const std::string file = c_quoted(op.path);
  switch (op.kind) {
    case call_kind::open: return fmt::format("open({}, O_TRUNC)", file);
    case call_kind::truncate: return fmt::format("truncate({}, {})", file, op.length.value_or(0));
    case call_kind::fallocate:
      return fmt::format("fallocate({}, {})", file, range_text(op, op.length.value_or(0)));
    default: return fmt::format("{}({}, {})", rec::name(op.kind), file, range_text(op, written(op)));
  }
}

std::string entry_text(const history_op& h) {
  const io_op& op = h.op;
  switch (h.action) {
    case entry_action::create: return fmt::format("create({})", c_quoted(op.path));
    case entry_action::mkdir: return fmt::format("mkdir({})", c_quoted(op.path));
    case entry_action::symlink:
      return fmt::format("symlink({} -> {})", c_quoted(op.path), c_quoted(op.path2));
    case entry_action::link: return fmt::format("link({} -> {})", c_quoted(op.path), c_quoted(op.path2));
    case entry_action::unlink: return fmt::format("unlink({})", c_quoted(op.path));
    case entry_action::rmdir: return fmt::format("rmdir({})", c_quoted(op.path));
    case entry_action::rename: return fmt::format("rename({} -> {})", c_quoted(op.path), c_quoted(op.path2));
    case entry_action::exchange:
      return fmt::format("rename({} <-> {})", c_quoted(op.path), c_quoted(op.path2));
    case entry_action::none: break;
  }
  return rec::describe(op);
}

// The inode the log gives, as its first file: make_history numbers the generation.
std::optional<file_id> id_of(const io_op& op) {
  if (op.dev && op.ino) return file_id{*op.dev, *op.ino};
  return std::nullopt;
}

[[noreturn]] void unusable(const io_op& op, const std::string& why) {
  throw history_error(fmt::format("call {} {}: {}", op.seq, rec::describe(op), why));
}

// Checks the paths an op carries that the rebuild may act on.
void check_paths(const io_op& op) {
  switch (op.kind) {
    case call_kind::rename:
    case call_kind::link:
      if (!under_root(op.path) && !under_root(op.path2)) unusable(op, "neither name is under the root");
      if (under_root(op.path)) check_inside(op.path, op);
      if (under_root(op.path2)) check_inside(op.path2, op);
      return;
    case call_kind::symlink: check_inside(op.path2, op); return;  // path is the link's text
    case call_kind::syncfs:
    case call_kind::sync: return;
    default:
      if (op.path == ".") return;  // the root itself (fsync of it)
      check_inside(op.path, op);
  }
}

// Classifies one effective op; `names` is the replay of every op before it.
history_op classify(const io_op& op, const name_table& names) {
  history_op h;
  h.op = op;
  // A call its process died in, whose file the recorder never learned (an
  // open that had not returned): modelled as not having happened.
  if (op.how == outcome::unfinished && !id_of(op) &&
      (op.kind == call_kind::open || op.kind == call_kind::mkdir || op.kind == call_kind::symlink)) {
    return h;
  }
  h.file = id_of(op);
  switch (op.kind) {
    case call_kind::write:
    case call_kind::copy_file_range:
    case call_kind::sendfile:
    case call_kind::splice:
    case call_kind::truncate:
    case call_kind::fallocate:
      h.role = op_role::data;
      if (!h.file) unusable(op, "the log does not say which file (no dev/ino)");
      if (op.kind != call_kind::truncate && !op.offset) unusable(op, "the log does not say at which offset");
      break;
    case call_kind::open:
      if ((op.flags & O_CREAT) != 0 && names.at(op.path).what == object::kind::absent) {
        h.role = op_role::entry;
        h.action = entry_action::create;
        if (!h.file) unusable(op, "the log does not say which file it created (no dev/ino)");
      } else if ((op.flags & O_TRUNC) != 0 && (op.flags & O_ACCMODE) != O_RDONLY) {
        h.role = op_role::data;
        if (!h.file) unusable(op, "the log does not say which file it truncated (no dev/ino)");
      }
      break;
    case call_kind::mkdir:
      h.role = op_role::entry;
      h.action = entry_action::mkdir;
      break;
    case call_kind::symlink:
      h.role = op_role::entry;
      h.action = entry_action::symlink;
      break;
    case call_kind::link:
      h.role = op_role::entry;
      h.action = entry_action::link;
      break;
    case call_kind::unlink:
      h.role = op_role::entry;
      h.action = entry_action::unlink;
      break;
    case call_kind::rmdir:
      h.role = op_role::entry;
      h.action = entry_action::rmdir;
      break;
    case call_kind::rename: {
      if ((op.flags & rename_whiteout) != 0) unusable(op, "RENAME_WHITEOUT is not modelled");
      const object src = under_root(op.path) ? names.at(op.path) : object{};
      if (src.what == object::kind::dir) {
        unusable(op,
                 "renaming a directory is not modelled by the power-loss rebuild (its entries would move "
                 "with it)");
      }
      h.role = op_role::entry;
      h.action = (op.flags & rename_exchange) != 0 ? entry_action::exchange : entry_action::rename;
      break;
    }
    case call_kind::fsync:
    case call_kind::fdatasync:
    case call_kind::sync:
    case call_kind::syncfs: h.role = op_role::sync; break;
    case call_kind::msync: h.role = (op.flags & MS_SYNC) != 0 ? op_role::sync : op_role::other; break;
    default: break;
  }
  if (h.role == op_role::data) h.text = data_text(h);
  if (h.role == op_role::entry) h.text = entry_text(h);
  return h;
}

// The later syncs an op can be made durable by.
struct sync_index {
  struct one {
    std::uint64_t seq;
    const history_op* op;
  };
  std::vector<one> syncs;

  bool any_after(std::uint64_t after, const auto& covers) const {
    return std::any_of(syncs.begin(), syncs.end(),
                       [&](const one& s) { return s.seq > after && covers(*s.op); });
  }
};

bool syncs_everything(const history_op& s, std::uint64_t dev) {
  if (s.op.kind == call_kind::sync) return true;
  return s.op.kind == call_kind::syncfs && s.op.dev == dev && s.op.result == 0;
}

void decide_data(history_op& h, const sync_index& syncs) {
  const io_op& op = h.op;
  if (op.how == outcome::unfinished) {
    h.why_not = "unfinished when the process died";
    return;
  }
  const bool sync_descriptor = op.kind == call_kind::write && op.fd_flags && (*op.fd_flags & o_dsync) != 0;
  const bool sync_flags = op.call == rec::syscall_id::pwritev2 && (op.flags & (rwf_dsync | rwf_sync)) != 0;
  if (sync_descriptor || sync_flags) {
    h.durable = true;
    return;
  }
  bool failed = false;
  h.durable = syncs.any_after(op.end_seq, [&](const history_op& s) {
    if (syncs_everything(s, h.file->dev)) return true;
    if (s.op.kind == call_kind::sync || s.op.kind == call_kind::syncfs) return false;
    if (s.file != h.file) return false;
    if (s.op.how != outcome::done || s.op.result != 0) {
      failed = true;
      return false;
    }
    return true;
  });
  if (!h.durable) h.why_not = failed ? "its fsync failed" : "never fsynced";
}

void decide_entry(history_op& h, const sync_index& syncs, std::uint64_t root_dev) {
  const io_op& op = h.op;
  if (op.how == outcome::unfinished) {
    h.why_not = "unfinished when the process died";
    return;
  }
  std::set<std::string> parents;
  const bool second_only = h.action == entry_action::symlink || h.action == entry_action::link;
  if (!second_only && under_root(op.path)) parents.insert(parent_of(op.path));
  if ((second_only || h.action == entry_action::rename || h.action == entry_action::exchange) &&
      under_root(op.path2)) {
    parents.insert(parent_of(op.path2));
  }
  h.durable = std::all_of(parents.begin(), parents.end(), [&](const std::string& dir) {
    return syncs.any_after(op.end_seq, [&](const history_op& s) {
      if (syncs_everything(s, root_dev)) return true;
      return (s.op.kind == call_kind::fsync || s.op.kind == call_kind::fdatasync) &&
             s.op.how == outcome::done && s.op.result == 0 && s.op.path == dir;
    });
  });
  if (!h.durable) h.why_not = "parent directory never fsynced";
}

// Files written under a name no entry op touched: that name is theirs from
// start to end, so the rebuild can find them there.
void add_home_names(history& h) {
  std::set<file_id> named, created;
  for (const auto& [name, b] : h.initial) {
    if (b.what == rec::name_binding::object::file) named.insert({b.id.dev, b.id.ino});
  }
  for (const history_op& o : h.ops) {
    if (o.action == entry_action::create && o.file) created.insert(*o.file);
  }
  for (const history_op& o : h.ops) {
    if (o.role != op_role::data || named.count(*o.file) != 0 || created.count(*o.file) != 0) continue;
    if (h.initial.count(o.op.path) != 0 || o.file->gen != 0) continue;  // gen > 0: made by the command
    rec::name_binding b;
    b.what = rec::name_binding::object::file;
    b.id = {o.file->dev, o.file->ino};
    b.seq = o.op.seq;
    h.initial.emplace(o.op.path, b);
    named.insert(*o.file);
  }
}

bool makes_file(const history_op& h) {
  switch (h.action) {
    case entry_action::create:
    case entry_action::mkdir:
    case entry_action::symlink: return true;
    default: return h.op.kind == call_kind::open && (h.op.flags & O_TMPFILE) == O_TMPFILE;
  }
}

// Which of the files an inode held in turn each call acted on (history.hpp).
class generations {
 public:
  explicit generations(const history& h) {
    for (const auto& [name, b] : h.initial) {
      if (b.what == rec::name_binding::object::file || b.what == rec::name_binding::object::dir)
        current(b.id);
    }
  }
  // The file the inode holds now; a sighting counts as seen from here on.
  file_id current(rec::file_id inode) {
    return {inode.dev, inode.ino, gens_.try_emplace(inode, 0).first->second};
  }
  void number(history_op& h) {
    if (!h.file) return;
    const auto [it, fresh] = gens_.try_emplace({h.file->dev, h.file->ino}, 0);
    if (!fresh && makes_file(h)) ++it->second;  // the file seen before was freed
    h.file->gen = it->second;
  }

 private:
  std::map<rec::file_id, std::uint32_t> gens_;
};

}  // namespace

bool history_op::is_write() const {
  if (role != op_role::data) return false;
  switch (op.kind) {
    case call_kind::write:
    case call_kind::copy_file_range:
    case call_kind::sendfile:
    case call_kind::splice: return true;
    default: return false;
  }
}

void check_inside(const std::string& path, const rec::io_op& op) {
  const auto refuse = [&](const char* why) {
    unusable(op, fmt::format("the path {} {}: refusing a log that names a path outside the root",
                             c_quoted(path), why));
  };
  if (path.empty()) refuse("is empty");
  if (path.front() == '/') refuse("is absolute");
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t slash = std::min(path.find('/', start), path.size());
    const std::string_view part(path.data() + start, slash - start);
    if (part.empty() || part == "." || part == "..") refuse("has an empty, \".\" or \"..\" component");
    start = slash + 1;
  }
}

std::string parent_of(const std::string& name) {
  const std::size_t slash = name.rfind('/');
  return slash == std::string::npos ? "." : name.substr(0, slash);
}

history make_history(std::vector<rec::io_op> ops, rec::undo_index undo) {
  std::sort(ops.begin(), ops.end(), [](const io_op& a, const io_op& b) { return a.seq < b.seq; });
  history h;
  h.root = undo.root;
  for (const auto& [name, b] : undo.names) {
    rec::io_op named;
    named.path = name;
    if (name != ".") check_inside(name, named);
  }
  h.initial = std::move(undo.names);
  std::vector<rec::preimage> preimages;
  for (auto& [id, p] : undo.preimages) preimages.push_back(std::move(p));
  std::sort(preimages.begin(), preimages.end(),
            [](const rec::preimage& a, const rec::preimage& b) { return a.seq < b.seq; });

  generations gens(h);
  auto pre = preimages.begin();
  // A pre-image is of the file its inode held before call `seq` ran.
  const auto take_preimages = [&](std::uint64_t before) {
    for (; pre != preimages.end() && pre->seq <= before; ++pre)
      h.preimages.emplace(gens.current(pre->id), *pre);
  };
  name_table names = name_table::initial(h);
  for (const io_op& op : ops) {
    if (!took_effect(op)) continue;
    check_paths(op);
    take_preimages(op.seq);
    history_op one = classify(op, names);
    gens.number(one);
    names.apply(one);
    h.ops.push_back(std::move(one));
  }
  take_preimages(UINT64_MAX);
  add_home_names(h);

  sync_index syncs;
  for (const history_op& o : h.ops) {
    if (o.role == op_role::sync) syncs.syncs.push_back({o.op.seq, &o});
  }
  std::uint64_t root_dev = 0;
  for (const auto& [id, p] : h.preimages) root_dev = id.dev;
  for (const auto& [name, b] : h.initial) {
    if (b.what == rec::name_binding::object::file || b.what == rec::name_binding::object::dir)
      root_dev = b.id.dev;
  }
  for (std::size_t i = 0; i < h.ops.size(); ++i) {
    history_op& o = h.ops[i];
    if (o.role == op_role::data) decide_data(o, syncs);
    if (o.role == op_role::entry) decide_entry(o, syncs, o.op.dev.value_or(root_dev));
    if ((o.role == op_role::data || o.role == op_role::entry) && !o.durable) h.pending.push_back(i);
  }
  return h;
}

history load_history(const std::filesystem::path& log, const std::filesystem::path& undo_dir,
                     const history_limits& limits) {
  std::vector<rec::io_op> ops;
  rec::log_summary s;
  try {
    rec::log_limits l;
    l.max_entries = limits.max_ops;
    s = rec::read_log(
        log,
        [&](rec::log_entry&& e) {
          if (auto* op = std::get_if<rec::io_op>(&e)) ops.push_back(std::move(*op));
        },
        l);
  } catch (const rec::log_error& e) {
    throw history_error(e.what());
  }
  rec::undo_index undo;
  try {
    undo = rec::read_undo_index(undo_dir);
  } catch (const rec::undo_error& e) {
    throw history_error(e.what());
  }
  if (!undo.root.empty() && !s.root.empty() && undo.root != s.root) {
    throw history_error(
        fmt::format("{} was recorded under {} but the undo directory {} under {}: not the same run",
                    log.string(), s.root, undo_dir.string(), undo.root));
  }
  try {
    history h = make_history(std::move(ops), std::move(undo));
    h.root = s.root;
    h.log_complete = s.complete;
    return h;
  } catch (const history_error& e) {
    throw history_error(fmt::format("{}: {}", log.string(), e.what()));
  }
}

}  // namespace crashpoint::power_loss
