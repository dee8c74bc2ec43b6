// SPDX-License-Identifier: Apache-2.0
// minikv: a durable key-value store on the command line, and the showcase
// target of crashpoint's scenarios (docs/example-minikv.md).
//
//     minikv [--dir DIR] put KEY VALUE | get KEY | del KEY | list | compact | fsck
//
// Every command but fsck opens the store, which first recovers from whatever a
// crash left behind. fsck only inspects, so it sees the damage before repair.
#include <filesystem>
#include <cstddef>
#include <iostream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "minikv/error.hpp"
#include "minikv/fsck.hpp"
#include "minikv/store.hpp"

namespace {

// minikv's exit status, one meaning each.
enum class exit_status : int {
  ok = 0,         // done; a put, del or compact is durable
  failed = 1,     // an I/O error, an injected fault, or fsck found a problem
  usage = 2,      // the command line is wrong
  not_found = 3,  // get or del of a key the store does not hold
};

constexpr std::string_view usage_text =
    "usage: minikv [--dir DIR] COMMAND\n"
    "\n"
    "  put KEY VALUE   set KEY to VALUE, durably\n"
    "  get KEY         print the value of KEY\n"
    "  del KEY         remove KEY, durably\n"
    "  list            print KEY=VALUE lines, sorted by key\n"
    "  compact         fold the log into a new snapshot\n"
    "  fsck            check the files, changing nothing: prints `ok` or each problem\n"
    "\n"
    "The store lives in DIR/data/; DIR defaults to the current directory.\n"
    "Exit status: 0 done, 1 failed, 2 usage error, 3 key not found.\n";

using operands = std::vector<std::string_view>;

exit_status report(std::error_code ec) {
  std::cerr << "minikv: " << ec.message() << '\n';
  return ec == minikv::errc::key_not_found ? exit_status::not_found : exit_status::failed;
}

exit_status run_put(minikv::store& db, const operands& args) {
  const std::error_code ec = db.put(args[0], args[1]);
  return ec ? report(ec) : exit_status::ok;
}

exit_status run_get(minikv::store& db, const operands& args) {
  const std::string* value = db.find(args[0]);
  if (value == nullptr) {
    return report(minikv::errc::key_not_found);
  }
  std::cout << *value << '\n';
  return exit_status::ok;
}

exit_status run_del(minikv::store& db, const operands& args) {
  const std::error_code ec = db.del(args[0]);
  return ec ? report(ec) : exit_status::ok;
}

exit_status run_list(minikv::store& db, const operands&) {
  for (const auto& [key, value] : db.entries()) {
    std::cout << key << '=' << value << '\n';
  }
  return exit_status::ok;
}

exit_status run_compact(minikv::store& db, const operands&) {
  const std::error_code ec = db.compact();
  return ec ? report(ec) : exit_status::ok;
}

struct command {
  std::string_view name;
  std::size_t operand_count;
  exit_status (*run)(minikv::store&, const operands&);
};

constexpr command commands[] = {
    {"put", 2, run_put},   {"get", 1, run_get},         {"del", 1, run_del},
    {"list", 0, run_list}, {"compact", 0, run_compact},
};

// fsck reads the files as they are: it must not open the store, which would
// repair them first.
exit_status run_fsck(const std::filesystem::path& dir) {
  const std::vector<std::string> problems = minikv::fsck(dir);
  for (const std::string& problem : problems) {
    std::cout << problem << '\n';
  }
  if (problems.empty()) {
    std::cout << "ok\n";
  }
  return problems.empty() ? exit_status::ok : exit_status::failed;
}

exit_status usage_error(std::string_view problem) {
  std::cerr << "minikv: " << problem << "\n\n" << usage_text;
  return exit_status::usage;
}

exit_status run(const operands& args) {
  std::filesystem::path dir = ".";
  std::size_t next = 0;
  if (args.size() >= 2 && args[0] == "--dir") {
    dir = args[1];
    next = 2;
  }
  if (next == args.size()) {
    return usage_error("no command given");
  }
  const std::string_view name = args[next];
  const operands rest(args.begin() + static_cast<std::ptrdiff_t>(next) + 1, args.end());
  if (name == "-h" || name == "--help") {
    std::cout << usage_text;
    return exit_status::ok;
  }
  if (name == "fsck" && rest.empty()) {
    return run_fsck(dir);
  }
  for (const command& c : commands) {
    if (c.name == name && c.operand_count == rest.size()) {
      std::error_code ec;
      minikv::store db = minikv::store::open(dir, ec);
      return ec ? report(ec) : c.run(db, rest);
    }
  }
  return usage_error("unknown command or wrong number of operands: " + std::string(name));
}

}  // namespace

int main(int argc, char** argv) {
  const operands args(argv + 1, argv + argc);
  exit_status status = run(args);
  if (!std::cout.flush() && status == exit_status::ok) {
    std::cerr << "minikv: cannot write to standard output\n";
    status = exit_status::failed;
  }
  return static_cast<int>(status);
}
