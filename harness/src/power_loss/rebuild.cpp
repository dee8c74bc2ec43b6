// SPDX-License-Identifier: Apache-2.0
// rebuild.cpp: from the crashed tree to a crash state (see rebuild.hpp).
#include "power_loss/rebuild.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <set>

#include <fmt/format.h>

#include "power_loss/file_content.hpp"
#include "power_loss/name_table.hpp"

namespace crashpoint::power_loss {

namespace {

using kind = object::kind;

std::size_t depth(const std::string& name) {
  return static_cast<std::size_t>(std::count(name.begin(), name.end(), '/'));
}

// Which ops the state keeps, and how the damaged one reaches its file.
struct selection {
  std::vector<bool> kept;
  std::map<std::size_t, write_damage> damage;
  std::vector<lost_op> lost;
  std::string corrupted;
};

std::uint64_t keep_sectors_bytes(const history_op& w, std::uint64_t sectors) {
  const std::uint64_t off = w.op.offset.value_or(0);
  const std::uint64_t end = (off / sector_size + sectors) * sector_size;
  return std::min(bytes_written(w), end - off);
}

std::string range(std::uint64_t off, std::uint64_t len) { return fmt::format("{}..{}", off, off + len); }

// A file's name in the staging folder: two files of one inode may both be there.
std::string staged_name(file_id id) { return fmt::format("{}-{}-{}", id.dev, id.ino, id.gen); }

// Whether dropped write b continues dropped write a: same call kind, file and
// reason, starting where a ended.
bool continues(const history_op& a, const history_op& b) {
  return a.is_write() && b.is_write() && a.op.kind == b.op.kind && a.file == b.file &&
         a.why_not == b.why_not && a.op.path == b.op.path &&
         a.op.offset.value_or(0) + bytes_written(a) == b.op.offset.value_or(0);
}

// The dropped ops, runs of contiguous writes as one.
void add_dropped(const history& h, selection& s) {
  const history_op* last = nullptr;
  std::uint64_t run_start = 0;
  for (std::size_t i = 0; i < h.ops.size(); ++i) {
    if (s.kept[i]) continue;
    const history_op& o = h.ops[i];
    if (last != nullptr && !s.lost.empty() && continues(*last, o)) {
      lost_op& l = s.lost.back();
      ++l.calls;
      // write("big", A..B) becomes write("big", A..C): the file part is the first call's, quoted as it was.
      l.text = fmt::format("{}, {})", l.text.substr(0, l.text.rfind(", ")),
                           range(run_start, o.op.offset.value_or(0) + bytes_written(o) - run_start));
    } else {
      s.lost.push_back({o.op.seq, o.text, o.why_not, 1});
      run_start = o.op.offset.value_or(0);
    }
    last = &o;
  }
}

selection select(const history& h, const rebuild_options& o) {
  selection s;
  s.kept.assign(h.ops.size(), true);
  std::optional<std::size_t> torn_op;
  std::size_t keep_pending = 0;
  switch (o.state.k) {
    case crash_state::kind::crashed: keep_pending = h.pending.size(); break;
    case crash_state::kind::clean: keep_pending = 0; break;
    case crash_state::kind::prefix: keep_pending = o.state.n; break;
    case crash_state::kind::torn: {
      torn_op = last_pending_write(h);
      keep_pending = static_cast<std::size_t>(std::find(h.pending.begin(), h.pending.end(), *torn_op) -
                                              h.pending.begin());
      break;
    }
  }
  for (std::size_t p = keep_pending; p < h.pending.size(); ++p) s.kept[h.pending[p]] = false;
  if (torn_op) {
    const history_op& w = h.ops[*torn_op];
    s.kept[*torn_op] = true;
    const std::uint64_t kept = keep_sectors_bytes(w, o.state.n);
    s.damage[*torn_op].keep_bytes = kept;
    s.lost.push_back({w.op.seq, w.text,
                      fmt::format("torn: only {} ({} of its sectors) persisted",
                                  range(w.op.offset.value_or(0), kept), o.state.n)});
  }
  add_dropped(h, s);
  if (o.corrupt == corruption::none) return s;

  std::optional<std::size_t> target;
  for (std::size_t i = h.ops.size(); i-- > 0;) {
    if (s.kept[i] && h.ops[i].is_write() && bytes_written(h.ops[i]) > 0) {
      target = i;
      break;
    }
  }
  if (!target) {
    s.corrupted = "nothing to corrupt: the state keeps no write";
    return s;
  }
  const history_op& w = h.ops[*target];
  write_damage& d = s.damage[*target];
  const std::uint64_t off = w.op.offset.value_or(0);
  const std::uint64_t len = std::min(bytes_written(w), d.keep_bytes);
  switch (o.corrupt) {
    case corruption::torn: {
      const std::uint64_t sectors = sectors_spanned(off, len) / 2;
      d.keep_bytes = sectors == 0 ? 0 : keep_sectors_bytes(w, sectors);
      s.corrupted = fmt::format("{} torn: only {} ({} of {} sectors) reached the file", w.text,
                                range(off, d.keep_bytes), sectors, sectors_spanned(off, len));
      break;
    }
    case corruption::zero:
      d.how = write_damage::fill::zero;
      s.corrupted = fmt::format("{} zeroed: {}", w.text, range(off, len));
      break;
    case corruption::garbage:
      d.how = write_damage::fill::garbage;
      d.seed = o.seed;
      s.corrupted = fmt::format("{} garbage: {} random bytes (seed {})", w.text, range(off, len), o.seed);
      break;
    case corruption::none: break;
  }
  return s;
}

// The undo directory, opened once.
unique_fd open_undo(const std::filesystem::path& dir) {
  unique_fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd) throw rebuild_error(fmt::format("undo directory {}: {}", dir.string(), std::strerror(errno)));
  return fd;
}

std::string describe_object(const object& o) {
  switch (o.what) {
    case kind::absent: return "nothing";
    case kind::file: return fmt::format("the file {}:{}", o.id.dev, o.id.ino);
    case kind::dir: return fmt::format("the directory {}:{}", o.id.dev, o.id.ino);
    case kind::symlink: return fmt::format("a symbolic link to \"{}\"", o.target);
    case kind::other: return "a special file";
  }
  return "?";
}

// The tree holds what the crashed names say: refuses before anything changes.
void check_matches(const workdir_tree& t, const std::string& name, const object& expected) {
  const auto st = t.lstat(name);
  bool ok = false;
  switch (expected.what) {
    case kind::absent: ok = !st; break;
    case kind::file:
      ok = st && S_ISREG(st->st_mode) && st->st_dev == expected.id.dev && st->st_ino == expected.id.ino;
      break;
    case kind::dir: ok = st && S_ISDIR(st->st_mode); break;
    case kind::symlink: ok = st && S_ISLNK(st->st_mode); break;
    case kind::other: ok = st.has_value(); break;
  }
  if (!ok) {
    throw rebuild_error(
        fmt::format("the workdir does not match the log: \"{}\" should be {} as the crash left it, "
                    "but {} (was the tree copied or changed since it was recorded?)",
                    name, describe_object(expected),
                    !st ? "it does not exist" : fmt::format("it is {}:{}", st->st_dev, st->st_ino)));
  }
}

class rebuilder {
 public:
  rebuilder(const std::filesystem::path& workdir, const history& h, const std::filesystem::path& payloads,
            const std::filesystem::path& undo_dir, const rebuild_options& o)
      : h_(h), o_(o), tree_(workdir), payloads_(payloads), undo_dir_(undo_dir) {}

  rebuild_result run();

 private:
  void replay_names(selection& s);
  // Per file: the kept data ops (the damaged one with its damage), and the
  // files with an op dropped or damaged, with the ranges those ops covered
  // (nullopt: a size change was dropped, the file must be made whole).
  std::map<file_id, std::vector<replay_step>> data_steps(
      const selection& s, std::map<file_id, std::optional<std::vector<byte_range>>>& differs) const;
  void revert(file_id id, const std::vector<byte_range>& dirty, const std::vector<replay_step>& steps,
              rebuild_result& r);
  void stage(int staging, file_id id, bool synthesize, const std::vector<replay_step>& steps,
             rebuild_result& r);
  std::optional<std::string> preimage_of(file_id id) const;
  void materialize(std::vector<std::string>& changed, const std::set<file_id>& needed,
                   const std::set<file_id>& reused, const std::map<file_id, std::vector<replay_step>>& steps,
                   rebuild_result& r);

  const history& h_;
  const rebuild_options& o_;
  workdir_tree tree_;
  payload_reader payloads_;
  std::filesystem::path undo_dir_;
  name_table state_, crashed_;
  bool started_ = false;  // the tree has begun to change
};

void rebuilder::replay_names(selection& s) {
  state_ = name_table::initial(h_);
  crashed_ = name_table::initial(h_);
  for (std::size_t i = 0; i < h_.ops.size(); ++i) {
    const history_op& o = h_.ops[i];
    if (o.role != op_role::entry) continue;
    crashed_.apply(o);
    if (s.kept[i] && !state_.apply(o)) {
      s.lost.push_back({o.op.seq, o.text, "could not persist: what it renames or links was itself lost"});
    }
  }
  std::sort(s.lost.begin(), s.lost.end(), [](const lost_op& a, const lost_op& b) { return a.seq < b.seq; });
}

std::map<file_id, std::vector<replay_step>> rebuilder::data_steps(
    const selection& s, std::map<file_id, std::optional<std::vector<byte_range>>>& differs) const {
  std::map<file_id, std::vector<replay_step>> steps;
  const auto differ = [&](const history_op& o) {
    auto [it, fresh] = differs.try_emplace(*o.file, std::vector<byte_range>{});
    if (!it->second) return;
    if (!o.is_write()) {
      it->second.reset();
      return;
    }
    const std::uint64_t off = o.op.offset.value_or(0);
    it->second->push_back({off, off + bytes_written(o)});
  };
  for (std::size_t i = 0; i < h_.ops.size(); ++i) {
    const history_op& o = h_.ops[i];
    if (o.role != op_role::data) continue;
    if (!s.kept[i]) {
      differ(o);
      continue;
    }
    replay_step step{&o, std::nullopt};
    if (const auto d = s.damage.find(i); d != s.damage.end()) {
      step.damage = d->second;
      differ(o);
    }
    steps[*o.file].push_back(step);
  }
  return steps;
}

void rebuilder::revert(file_id id, const std::vector<byte_range>& dirty,
                       const std::vector<replay_step>& steps, rebuild_result& r) {
  const std::optional<std::string> pre = preimage_of(id);
  const auto p = h_.preimages.find(id);
  const unique_fd file = tree_.open_file(*crashed_.name_of(id), O_RDWR);
  const unique_fd undo = open_undo(undo_dir_);
  const content_stats c = revert_in_place(
      file.get(), undo.get(), pre, p == h_.preimages.end() ? 0 : p->second.size, steps, dirty, payloads_);
  ++r.files_reverted;
  r.bytes_copied += c.copied;
  r.bytes_replayed += c.replayed;
}

std::optional<std::string> rebuilder::preimage_of(file_id id) const {
  if (const auto it = h_.preimages.find(id); it != h_.preimages.end()) {
    if (it->second.how == "unreadable") {
      throw rebuild_error(
          fmt::format("the file {}:{} must be rebuilt but the recorder could not read its pre-image "
                      "(a file its owner cannot read?)",
                      id.dev, id.ino));
    }
    return rec::preimage_name(it->second.id);
  }
  for (const history_op& o : h_.ops) {
    if (o.action == entry_action::create && o.file == id) return std::nullopt;  // made by the command: empty
  }
  throw rebuild_error(
      fmt::format("the file {}:{} must be rebuilt but the undo directory {} holds no pre-image of it "
                  "(was the command recorded with --undo?)",
                  id.dev, id.ino, undo_dir_.string()));
}

mode_t mode_of(const history& h, const name_table& crashed, const workdir_tree& t, file_id id) {
  if (const auto name = crashed.name_of(id)) {
    if (const auto st = t.lstat(*name)) return st->st_mode & 07777;
  }
  if (const auto it = h.preimages.find(id); it != h.preimages.end() && it->second.mode != 0)
    return it->second.mode;
  for (const history_op& o : h.ops) {
    if (o.action == entry_action::create && o.file == id && o.op.mode) return *o.op.mode & 0755;
  }
  return 0644;
}

void rebuilder::stage(int staging, file_id id, bool synthesize, const std::vector<replay_step>& steps,
                      rebuild_result& r) {
  const std::string staged = staged_name(id);
  if (!synthesize) {
    tree_.link_out(*crashed_.name_of(id), staging, staged);
    return;
  }
  const std::optional<std::string> pre = preimage_of(id);
  unique_fd out(::openat(staging, staged.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!out) throw rebuild_error(fmt::format("create a staged file: {}", std::strerror(errno)));
  const unique_fd undo = open_undo(undo_dir_);
  const content_stats c = build_content(out.get(), undo.get(), pre, steps, payloads_);
  ::fchmod(out.get(), mode_of(h_, crashed_, tree_, id));
  ++r.files_rebuilt;
  r.bytes_copied += c.copied;
  r.bytes_replayed += c.replayed;
}

rebuild_result rebuilder::run() {
  if (const auto problem = state_problem(h_, o_.state)) throw rebuild_error(*problem);
  selection s = select(h_, o_);
  replay_names(s);
  std::map<file_id, std::optional<std::vector<byte_range>>> differs;
  const auto steps = data_steps(s, differs);
  // A file the state keeps whose lost changes are only writes is put right
  // in place (the cost of those writes); any other whose content differs is
  // made again from its pre-image in the staging folder.
  std::set<file_id> synth;
  std::map<file_id, std::vector<byte_range>> in_place;
  for (const auto& [id, dirty] : differs) {
    if (dirty && crashed_.name_of(id) && state_.name_of(id)) {
      in_place.emplace(id, *dirty);
    } else {
      synth.insert(id);
    }
  }

  // The names whose binding differs between the crashed tree and the state.
  std::set<std::string> all;
  for (const auto& [n, obj] : state_.names()) all.insert(n);
  for (const auto& [n, obj] : crashed_.names()) all.insert(n);
  std::vector<std::string> changed;
  std::set<file_id> needed;
  for (const std::string& n : all) {
    const object want = state_.at(n), have = crashed_.at(n);
    const bool rebuilt = want.what == kind::file && synth.count(want.id) != 0;
    if (want == have && !rebuilt) continue;
    if (want.what == kind::other) {
      throw rebuild_error(
          fmt::format("\"{}\" must become a special file again, which the rebuild cannot make", n));
    }
    changed.push_back(n);
    if (want.what == kind::file) needed.insert(want.id);
  }
  std::set<file_id> reused;
  for (const file_id id : needed) {
    if (synth.count(id) == 0 && crashed_.name_of(id)) reused.insert(id);
  }
  // Nothing is changed unless the tree is what the log says the crash left.
  for (const std::string& n : changed) check_matches(tree_, n, crashed_.at(n));
  for (const file_id id : reused) check_matches(tree_, *crashed_.name_of(id), {kind::file, id, {}});
  for (const auto& [id, dirty] : in_place) check_matches(tree_, *crashed_.name_of(id), {kind::file, id, {}});

  rebuild_result r;
  r.state = o_.state.id();
  r.corrupted = s.corrupted;
  r.lost = std::move(s.lost);
  if (changed.empty() && in_place.empty()) return r;

  try {
    started_ = !in_place.empty();
    static const std::vector<replay_step> none;
    for (const auto& [id, dirty] : in_place) {
      const auto it = steps.find(id);
      revert(id, dirty, it == steps.end() ? none : it->second, r);
    }
    if (!changed.empty()) materialize(changed, needed, reused, steps, r);
  } catch (const rebuild_failure&) {
    throw;
  } catch (const std::exception& e) {
    if (!started_) throw;
    throw rebuild_failure(
        fmt::format("the rebuild failed part-way, the workdir is neither as crashed nor in state {}: {}",
                    r.state, e.what()));
  }
  return r;
}

void rebuilder::materialize(std::vector<std::string>& changed, const std::set<file_id>& needed,
                            const std::set<file_id>& reused,
                            const std::map<file_id, std::vector<replay_step>>& steps, rebuild_result& r) {
  const std::string staging_dir(staging_name);
  if (::mkdirat(tree_.fd(), staging_dir.c_str(), 0700) != 0) {
    throw rebuild_error(fmt::format("cannot make the staging folder {}/{}: {}{}", tree_.root().string(),
                                    staging_dir, std::strerror(errno),
                                    errno == EEXIST ? " (left by an interrupted rebuild: remove it)" : ""));
  }
  started_ = true;
  const unique_fd staging = tree_.open_file(staging_dir, O_RDONLY | O_DIRECTORY);
  static const std::vector<replay_step> no_steps;
  for (const file_id id : needed) {
    const auto it = steps.find(id);
    stage(staging.get(), id, reused.count(id) == 0, it == steps.end() ? no_steps : it->second, r);
  }
  // Remove what the state does not have, deepest first; then make what it has, shallowest first.
  std::sort(changed.begin(), changed.end(), [](const std::string& a, const std::string& b) {
    return depth(a) != depth(b) ? depth(a) > depth(b) : a < b;
  });
  for (const std::string& n : changed) {
    const object have = crashed_.at(n);
    if (have.what == kind::dir) {
      if (state_.at(n).what != kind::dir) tree_.remove_tree(n);
    } else if (have.what != kind::absent) {
      tree_.unlink(n);
    }
  }
  std::reverse(changed.begin(), changed.end());
  for (const std::string& n : changed) {
    const object want = state_.at(n);
    bool made = true;
    switch (want.what) {
      case kind::absent:
      case kind::other: continue;
      case kind::dir: {
        const auto it = h_.initial.find(n);
        made = tree_.mkdir(n, it != h_.initial.end() && it->second.mode != 0 ? it->second.mode : 0755);
        break;
      }
      case kind::file: made = tree_.link(staging.get(), staged_name(want.id), n); break;
      case kind::symlink: made = tree_.symlink(want.target, n); break;
    }
    ++r.names_changed;
    if (!made)
      r.lost.push_back({0, fmt::format("\"{}\"", n), "left out: its directory does not exist in this state"});
  }
  tree_.remove_tree(staging_dir);
}

}  // namespace

std::string lost_op::line() const {
  return calls > 1 ? fmt::format("{} {} ({} calls)", text, why, calls) : text + " " + why;
}

std::optional<corruption> parse_corruption(std::string_view text) {
  for (const corruption c : {corruption::none, corruption::torn, corruption::zero, corruption::garbage}) {
    if (name(c) == text) return c;
  }
  return std::nullopt;
}

std::string_view name(corruption c) {
  switch (c) {
    case corruption::none: return "none";
    case corruption::torn: return "torn";
    case corruption::zero: return "zero";
    case corruption::garbage: return "garbage";
  }
  return "?";
}

rebuild_result rebuild(const std::filesystem::path& workdir, const history& h,
                       const std::filesystem::path& payloads, const std::filesystem::path& undo_dir,
                       const rebuild_options& options) {
  return rebuilder(workdir, h, payloads, undo_dir, options).run();
}

rebuild_result rebuild(const std::filesystem::path& workdir, const std::filesystem::path& log,
                       const std::filesystem::path& payloads, const std::filesystem::path& undo_dir,
                       const rebuild_options& options) {
  history h;
  try {
    h = load_history(log, undo_dir);
  } catch (const history_error& e) {
    throw rebuild_error(e.what());
  }
  return rebuild(workdir, h, payloads, undo_dir, options);
}

}  // namespace crashpoint::power_loss
