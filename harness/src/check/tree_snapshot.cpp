// SPDX-License-Identifier: Apache-2.0
// tree_snapshot.cpp: fingerprints gathered by a bounded walk, and their comparison.
#include "check/tree_snapshot.hpp"
#include "check/quoting.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>

#include "check/tree_walk.hpp"
#include "util/check_budget.hpp"

namespace crashpoint::harness {
namespace {

namespace fs = std::filesystem;

// What a snapshot keeps of files' content for messages, in all: beyond it,
// a message says only that a file changed.
constexpr std::size_t max_sample_bytes = std::size_t{1} << 20;

std::string link_target(const walk_entry& e) {
  std::string target(static_cast<std::size_t>(e.st.st_size) + 1, '\0');
  for (;;) {
    const ssize_t n = ::readlinkat(e.parent_fd, e.name, target.data(), target.size());
    if (n < 0) throw check_failed("cannot read link " + std::string(e.rel) + ": " + std::strerror(errno));
    if (static_cast<std::size_t>(n) < target.size()) return target.substr(0, static_cast<std::size_t>(n));
    target.resize(target.size() * 2);  // it grew since lstat
  }
}

class snapshotter {
 public:
  snapshotter(std::string_view shown_as, const check_budget& budget, snapshot_options options)
      : shown_as_(shown_as), budget_(budget), options_(options) {}

  bool visit(const walk_entry& e) {
    if (e.depth == 0 && !options_.with_root) return true;
    entry_print print;
    if (S_ISLNK(e.st.st_mode)) {
      print.k = entry_print::kind::link;
      print.link = link_target(e);
    } else if (S_ISDIR(e.st.st_mode)) {
      print.k = entry_print::kind::folder;
    } else if (S_ISREG(e.st.st_mode)) {
      fingerprint_file(e, print);
    }
    snapshot_.entries.emplace(std::string(e.rel), std::move(print));
    return true;
  }

  tree_snapshot take() { return std::move(snapshot_); }

 private:
  std::string shown(std::string_view rel) const {
    if (rel.empty()) return std::string(shown_as_);
    return shortened_path(shown_as_ == "." ? std::string(rel)
                                           : std::string(shown_as_) + "/" + std::string(rel));
  }

  // Its size and a hash of its content, read in pieces.
  void fingerprint_file(const walk_entry& e, entry_print& print) {
    print.k = entry_print::kind::file;
    const opened_file f = open_for_check(e.parent_fd, e.name, /*follow_links=*/false);
    if (!f.problem.empty()) throw check_failed("file " + shown(e.rel) + " " + f.problem);
    std::uint64_t hash = 14695981039346656037ULL;
    read_pieces(f.fd.get(), budget_, "reading file " + shown(e.rel), [&](std::string_view piece) {
      hash = (hash ^ std::hash<std::string_view>{}(piece)) * 1099511628211ULL;
      print.size += piece.size();
      return true;
    });
    print.hash = hash;
    if (options_.with_samples && sampled_bytes_ < max_sample_bytes) {
      print.sample = sample_file(f.fd.get(), sample_tail_bytes);
      sampled_bytes_ += print.sample.head.size() + print.sample.tail.size();
    }
  }

  std::string_view shown_as_;
  const check_budget& budget_;
  snapshot_options options_;
  tree_snapshot snapshot_;
  std::size_t sampled_bytes_ = 0;
};

bool present(const tree_snapshot& s, const std::string& key) { return s.entries.count(key) != 0; }

std::string describe_change(const std::string& path, const entry_print& a, const entry_print& b) {
  if (a.k != b.k) return path + " was present before the crash and is present now (but changed type)";
  if (a.k == entry_print::kind::link) return path + " points elsewhere now";
  if (a.sample.size == a.size && b.sample.size == b.size) {
    return path + " changed: it was " + quote_sample(a.sample) + " and is " + quote_sample(b.sample);
  }
  return path + " changed: it was " + std::to_string(a.size) + " bytes and is " + std::to_string(b.size) +
         " bytes";
}

}  // namespace

tree_snapshot snapshot_tree(const fs::path& root, std::string_view shown_as, const check_budget& budget,
                            snapshot_options options) {
  snapshotter s(shown_as, budget, options);
  walk_tree(root, shown_as, budget, [&](const walk_entry& e) { return s.visit(e); });
  return s.take();
}

std::vector<std::string> tree_differences(const tree_snapshot& before, const tree_snapshot& after) {
  std::vector<std::string> out;
  for (const auto& [path, print] : before.entries) {
    const auto it = after.entries.find(path);
    if (it == after.entries.end())
      out.push_back(path + " disappeared");
    else if (!it->second.same_as(print))
      out.push_back(path + " changed");
  }
  for (const auto& [path, print] : after.entries) {
    if (!present(before, path)) out.push_back(path + " appeared");
  }
  return out;
}

std::string first_difference(const tree_snapshot& before, const tree_snapshot& after,
                             const std::string& rel) {
  auto a = before.entries.begin(), b = after.entries.begin();
  while (a != before.entries.end() || b != after.entries.end()) {
    const bool only_before = b == after.entries.end() || (a != before.entries.end() && a->first < b->first);
    const bool only_after = a == before.entries.end() || (b != after.entries.end() && b->first < a->first);
    const std::string& key = only_after ? b->first : a->first;
    const std::string path = key.empty() ? rel : rel + "/" + key;
    if (only_before) return path + " was present before the crash and is absent now";
    if (only_after) return path + " was absent before the crash and is present now";
    if (!a->second.same_as(b->second)) return describe_change(path, a->second, b->second);
    ++a;
    ++b;
  }
  return "";
}

}  // namespace crashpoint::harness
