// SPDX-License-Identifier: Apache-2.0
// process.cpp: run_command() on Boost.Process v2 and asio (see process.hpp).
//
// Each call runs its calling thread's io_context (one per thread, reused from
// command to command) with four waits on it: the child's end (a pidfd), the
// timeout, and one read loop per output pipe. The child is the command's
// shepherd, started by clone_spawn.hpp (clone with CLONE_VM: no copy of the
// harness's page tables per command), which starts the command, kills its
// group when it ends and exits; the shepherd is owned by a Boost.Process
// basic_process. When the shepherd ends, each pipe gives up what it already
// holds and is closed; then the orphans, which are what the command left
// behind, are killed and reaped (orphan_reaper.hpp). A timeout or
// kill_all_running() SIGKILLs the shepherd: the command dies of its
// PR_SET_PDEATHSIG, and what it left goes to the same sweep.
//
// Every call is registered from before its clone until its shepherd is
// reaped, so that kill_all_running() reaches it and the orphan sweep leaves it
// alone. Clones hold the spawn gate shared and the sweep holds it
// exclusively: a shepherd that exists but is not registered yet is never
// mistaken for an orphan.
#include "process/process.hpp"

// With BOOST_PROCESS_USE_STD_FS, 1.81 only compiles with these two included
// before any v2 header (boostorg/process#280).
#include <boost/optional.hpp>
#include <boost/type_traits.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/readable_pipe.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/process/v2/process.hpp>
#include <boost/process/v2/stdio.hpp>

#include <fcntl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <span>
#include <system_error>
#include <utility>

#include "process/clone_spawn.hpp"
#include "util/duration.hpp"
#include "process/orphan_reaper.hpp"
#include "util/path_search.hpp"

namespace crashpoint::harness {
namespace {

namespace asio = boost::asio;
namespace bp = boost::process::v2;
namespace fs = std::filesystem;
using error_code = boost::system::error_code;
using child_process = bp::basic_process<asio::io_context::executor_type>;

// ---------------------------------------------------------------- registry

// One run_command call, registered from before the clone until it returns.
struct group_slot {
  pid_t pgid = 0;   // for kill_all_running(): 0 before the start and once the shepherd ended
  pid_t child = 0;  // for the orphan sweep: 0 before the start and once reaped
  bool kill_requested = false;
};

// Ends a command early: its shepherd (unreaped, so the pid is still its) is
// killed, and the command dies of PR_SET_PDEATHSIG (clone_spawn.hpp).
void kill_group(pid_t shepherd) { ::kill(shepherd, SIGKILL); }

struct slot_registry {
  std::mutex mutex;
  std::set<group_slot*> slots;
  bool stopping = false;  // stop_all_commands() was called
  // Shared by each clone until its child is registered; exclusive for a sweep.
  std::shared_mutex spawn_gate;
  static slot_registry& get() {
    static slot_registry registry;
    return registry;
  }

  std::vector<pid_t> live_children() {
    std::lock_guard lock(mutex);
    std::vector<pid_t> out;
    for (const group_slot* slot : slots)
      if (slot->child > 0) out.push_back(slot->child);
    return out;
  }
};

class registered_group {
 public:
  registered_group() {
    auto& r = slot_registry::get();
    std::lock_guard lock(r.mutex);
    r.slots.insert(&slot_);
  }
  ~registered_group() {
    auto& r = slot_registry::get();
    std::lock_guard lock(r.mutex);
    r.slots.erase(&slot_);
  }
  registered_group(const registered_group&) = delete;
  registered_group& operator=(const registered_group&) = delete;

  // True once stop_all_commands() was called: then nothing must start. (One
  // that comes later is caught by started(): the slot is registered.)
  bool refused() {
    std::lock_guard lock(slot_registry::get().mutex);
    return slot_registry::get().stopping;
  }
  // A kill_all_running() that came while the child was starting applies now.
  // Called with the spawn gate held, so no sweep can see the child before.
  void started(pid_t pid) {
    std::lock_guard lock(slot_registry::get().mutex);
    slot_.pgid = pid;
    slot_.child = pid;
    if (slot_.kill_requested) kill_group(pid);
  }
  // Before reaping: once reaped, the id may belong to a stranger.
  void finished() {
    std::lock_guard lock(slot_registry::get().mutex);
    slot_.pgid = 0;
  }
  void reaped() {
    std::lock_guard lock(slot_registry::get().mutex);
    slot_.child = 0;
  }

 private:
  group_slot slot_;
};

// ---------------------------------------------------------------- checks

std::string not_found_or(const fs::path& p, const std::error_code& ec) {
  if (ec == std::errc::no_such_file_or_directory) return "no such file: " + p.string();
  return p.string() + ": " + ec.message();
}

// Why `p` cannot be executed, or "" if it can. Checked in the parent because a
// failed exec in the child can only report an errno.
std::string executable_problem(const fs::path& p) {
  std::error_code ec;
  const auto st = fs::status(p, ec);
  if (ec) return not_found_or(p, ec);
  if (!fs::is_regular_file(st)) return "not a regular file: " + p.string();
  if (::access(p.c_str(), X_OK) != 0) return "not executable: " + p.string();
  return {};
}

std::string directory_problem(const fs::path& dir) {
  if (dir.empty()) return {};
  std::error_code ec;
  const auto st = fs::status(dir, ec);
  if (!fs::exists(st)) return "working directory does not exist: " + dir.string();
  if (!fs::is_directory(st)) return "working directory is not a directory: " + dir.string();
  if (::access(dir.c_str(), X_OK) != 0) return "working directory is not accessible: " + dir.string();
  return {};
}

// Relative paths mean what they would mean to the child, after its chdir.
fs::path in_child_cwd(const fs::path& p, const fs::path& cwd) {
  if (p.is_absolute()) return p;
  return (cwd.empty() ? fs::current_path() : fs::absolute(cwd)) / p;
}

struct resolved_executable {
  fs::path path;
  std::string problem;
};

resolved_executable search_path(const command& cmd) {
  const std::string& name = cmd.argv.front();
  const auto path_var = cmd.env.find("PATH");
  if (path_var == cmd.env.end()) return {{}, "not found (no PATH in the environment): " + name};
  fs::path found;
  const bool any = for_each_path_dir(path_var->second, [&](std::string_view dir) {
    found = in_child_cwd(fs::path(dir.empty() ? "." : dir) / name, cmd.cwd);
    return executable_problem(found).empty();
  });
  if (!any) return {{}, "not found in PATH: " + name};
  return {found, {}};
}

resolved_executable resolve_executable(const command& cmd) {
  if (cmd.argv.empty()) return {{}, "empty command"};
  if (cmd.argv.front().find('/') == std::string::npos) return search_path(cmd);
  fs::path p = in_child_cwd(cmd.argv.front(), cmd.cwd);
  return {p, executable_problem(p)};
}

// ---------------------------------------------------------------- the child

std::vector<std::string> env_strings(const std::map<std::string, std::string>& env) {
  std::vector<std::string> out;
  for (const auto& [key, value] : env) out.push_back(key + "=" + value);
  return out;
}

std::vector<const char*> c_strings(const std::vector<std::string>& strings) {
  std::vector<const char*> out;
  for (const auto& s : strings) out.push_back(s.c_str());
  out.push_back(nullptr);
  return out;
}

// For a child that failed to start or cannot be watched: no zombie stays.
void kill_and_reap(pid_t pid) {
  if (pid <= 0) return;
  kill_group(pid);
  while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
  }
}

struct spawn_result {
  std::optional<child_process> child;  // the shepherd
  const command_end* end = nullptr;    // how the command ended, once the shepherd is reaped
  std::string problem;
};

// Starts the child (clone_spawn.hpp: its own process group, SIGKILL when this
// thread dies, no descriptor above stderr, default signals, no core file) and
// hands it to Boost.Process. stdin is /dev/null.
spawn_result spawn(asio::io_context& ctx, const command& cmd, const fs::path& exe, asio::readable_pipe& out,
                   asio::readable_pipe& err) {
  const std::vector<std::string> env = env_strings(cmd.env);
  const std::vector<const char*> envp = c_strings(env);
  const std::vector<const char*> argv = c_strings(cmd.argv);  // argv[0] stays as written
  // stdio's destructor closes the parent's copies of the pipes' write ends.
  bp::process_stdio stdio{nullptr, out, err};
  // 1.81 records a failed pipe() or open() here and never checks it itself.
  for (const error_code& ec : {stdio.in.ec, stdio.out.ec, stdio.err.ec})
    if (ec) return {{}, nullptr, "cannot create pipes: " + ec.message()};
  const std::string cwd = cmd.cwd.string();
  const child_plan plan{exe.c_str(),
                        argv.data(),
                        envp.data(),
                        cwd.empty() ? nullptr : cwd.c_str(),
                        {stdio.in.fd, stdio.out.fd, stdio.err.fd},
                        ::getpid()};
  const started_child c = start_child(plan);
  if (c.error != 0) {
    return {{}, nullptr, "cannot execute " + exe.string() + ": " + std::system_category().message(c.error)};
  }
  try {
    return {child_process(ctx.get_executor(), c.pid, c.pidfd), c.end, {}};
  } catch (const std::exception& e) {  // asio cannot watch the pidfd
    ::close(c.pidfd);
    kill_and_reap(c.pid);
    return {{}, nullptr, e.what()};
  }
}

// ---------------------------------------------------------------- output

// The read buffers of the calling thread's commands, one per output stream,
// reused: allocated once and never zero-filled (a fresh zero-filled 256 KiB
// vector per stream was a quarter of the harness's CPU per command). On the
// heap: callers' stacks may be small.
struct read_buffers {
  static constexpr std::size_t size = 256 * 1024;
  std::unique_ptr<char[]> out{new char[size]}, err{new char[size]};

  static read_buffers& of_this_thread() {
    thread_local read_buffers buffers;
    return buffers;
  }
};

// Reads one output pipe into a capture_buffer until EOF or, once the child has
// ended, until the pipe holds nothing more.
class output_reader {
 public:
  output_reader(asio::io_context& ctx, std::size_t limit, char* buffer)
      : pipe_(ctx), capture_(limit), chunk_(buffer, read_buffers::size) {}

  asio::readable_pipe& pipe() { return pipe_; }
  void start() {
    // A bigger pipe means fewer wake-ups for a child that writes without end;
    // the kernel may refuse (per-user pipe limits): then it stays as it is.
    ::fcntl(pipe_.native_handle(), F_SETPIPE_SZ, kPipeSize);
    read_more();
  }
  // Invariant: while the pipe is open one read is outstanding; cancelling it
  // (or its already-queued completion) leads to drain_buffered(), in order.
  void child_ended() {
    child_ended_ = true;
    error_code ignored;
    pipe_.cancel(ignored);
  }
  captured finish() && { return std::move(capture_).finish(); }

 private:
  void read_more() {
    pipe_.async_read_some(asio::buffer(chunk_.data(), chunk_.size()),
                          [this](const error_code& ec, std::size_t n) { on_read(ec, n); });
  }

  void on_read(const error_code& ec, std::size_t n) {
    capture_.append({chunk_.data(), n});
    if (!ec && !child_ended_) return read_more();
    if (child_ended_ && ec != asio::error::eof) drain_buffered();
    error_code ignored;
    pipe_.close(ignored);
  }

  // Takes what the pipe holds now and no more: a writer that escaped the group
  // kill (setsid) must not keep us reading, or waiting for EOF.
  void drain_buffered() {
    const int fd = pipe_.native_handle();
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    const int capacity = ::fcntl(fd, F_GETPIPE_SZ);
    std::size_t budget = capacity > 0 ? static_cast<std::size_t>(capacity) : chunk_.size();
    while (budget > 0) {
      const ssize_t n = ::read(fd, chunk_.data(), std::min(budget, chunk_.size()));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return;
      capture_.append({chunk_.data(), static_cast<std::size_t>(n)});
      budget -= static_cast<std::size_t>(n);
    }
  }

  static constexpr int kPipeSize = 1 << 20;  // the default /proc/sys/fs/pipe-max-size
  asio::readable_pipe pipe_;
  capture_buffer capture_;
  bool child_ended_ = false;
  std::span<char> chunk_;  // read_buffers::of_this_thread()'s
};

// ---------------------------------------------------------------- waiting

exit_status decode(int native, bool timed_out, std::chrono::milliseconds timeout) {
  exit_status s;
  if (WIFSIGNALED(native)) {
    s.k = timed_out ? exit_status::kind::timed_out : exit_status::kind::signaled;
    s.signal = WTERMSIG(native);
    if (timed_out) s.timeout = timeout;
  } else {  // exited on its own, even if the timer fired just after
    s.k = exit_status::kind::exited;
    s.code = WEXITSTATUS(native);
  }
  return s;
}

exit_status not_started(std::string why) {
  exit_status s;
  s.error = std::move(why);
  return s;
}

struct supervised_child {
  child_process& process;  // the shepherd
  const command_end& end;
  registered_group& group;
  output_reader& out;
  output_reader& err;
};

// Waits for the child's end, enforcing the timeout; then kills its group and
// lets the readers finish.
class supervisor {
 public:
  supervisor(asio::io_context& ctx, supervised_child c)
      : ctx_(ctx), c_(c), pid_(c.process.id()), exit_watch_(ctx), timer_(ctx) {}

  // Runs until the child is reaped and both pipes are closed.
  exit_status run(std::chrono::milliseconds timeout) {
    if (const std::string why = watch_exit(); !why.empty()) return give_up(why);
    if (timeout.count() > 0) {
      timer_.expires_after(timeout);
      timer_.async_wait([this](const error_code& ec) { on_timeout(ec); });
    }
    c_.out.start();
    c_.err.start();
    ctx_.run();
    return decode(native_status_, timed_out_, timeout);
  }

 private:
  // A pidfd is readable once the shepherd is a zombie, before anyone reaps
  // it: 1.81's async_wait would reap it first, and its pid must stay its own
  // until it is unregistered (kill_all_running may still kill it).
  std::string watch_exit() {
    const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
    if (pidfd < 0) return std::system_category().message(errno);
    error_code ec;
    exit_watch_.assign(pidfd, ec);
    if (ec) {
      ::close(pidfd);
      return ec.message();
    }
    exit_watch_.async_wait(asio::posix::descriptor_base::wait_read,
                           [this](const error_code& e) { on_end(e); });
    return {};
  }

  exit_status give_up(const std::string& why) {
    c_.group.finished();
    c_.process.detach();
    kill_and_reap(pid_);
    c_.group.reaped();
    return not_started("cannot watch the child: " + why);
  }

  void on_timeout(const error_code& ec) {
    if (ec) return;  // cancelled: the child ended first
    timed_out_ = true;
    kill_group(pid_);
  }

  // The shepherd has ended: it killed the command's group (grandchildren that
  // may hold our pipes) before it exited, unless it was killed itself.
  void on_end(const error_code& ec) {
    if (ec) kill_group(pid_);  // cannot watch any more: end it rather than hang
    c_.group.finished();
    error_code wait_ec;
    c_.process.wait(wait_ec);
    // The command's own end; the shepherd's when it was killed before it.
    native_status_ = c_.end.reaped != 0 ? c_.end.wait_status : c_.process.native_exit_code();
    c_.process.detach();  // reaped: its destructor must not kill a reused pid
    c_.group.reaped();
    timer_.cancel();
    c_.out.child_ended();
    c_.err.child_ended();
  }

  asio::io_context& ctx_;
  supervised_child c_;
  pid_t pid_;
  asio::posix::stream_descriptor exit_watch_;
  asio::steady_timer timer_;
  bool timed_out_ = false;
  int native_status_ = 0;
};

// The calling thread's io_context, reused from command to command: creating
// one (epoll, timerfd, eventfd, services) per command cost as much as the
// event loop itself. A command that ends by an exception may leave handlers
// queued on it, so run_command then discards it (the next gets a fresh one).
class thread_context {
 public:
  static asio::io_context& get() {
    std::optional<asio::io_context>& ctx = slot();
    if (!ctx) ctx.emplace(1);
    ctx->restart();
    return *ctx;
  }
  static void discard() { slot().reset(); }

 private:
  static std::optional<asio::io_context>& slot() {
    thread_local std::optional<asio::io_context> ctx;
    return ctx;
  }
};

command_result run_checked(const command& cmd) {
  command_result result;
  if (auto problem = directory_problem(cmd.cwd); !problem.empty()) {
    result.status = not_started(std::move(problem));
    return result;
  }
  const resolved_executable exe = resolve_executable(cmd);
  if (!exe.problem.empty()) {
    result.status = not_started(exe.problem);
    return result;
  }
  become_subreaper();
  asio::io_context& ctx = thread_context::get();
  read_buffers& buffers = read_buffers::of_this_thread();
  output_reader out(ctx, cmd.capture_limit, buffers.out.get());
  output_reader err(ctx, cmd.capture_limit, buffers.err.get());
  registered_group group;
  if (group.refused()) {
    result.status = not_started("the harness is stopping");
    return result;
  }
  spawn_result spawned = [&] {
    std::shared_lock gate(slot_registry::get().spawn_gate);
    spawn_result s = spawn(ctx, cmd, exe.path, out.pipe(), err.pipe());
    if (s.child) group.started(s.child->id());
    return s;
  }();
  if (!spawned.child) {
    result.status = not_started(std::move(spawned.problem));
    return result;
  }
  result.status = supervisor(ctx, {*spawned.child, *spawned.end, group, out, err}).run(cmd.timeout);
  result.out = std::move(out).finish();
  result.err = std::move(err).finish();
  reap_orphans();
  return result;
}

}  // namespace

// ---------------------------------------------------------------- public

std::string exit_status::describe() const {
  switch (k) {
    case kind::exited: return "exit " + std::to_string(code);
    case kind::signaled: return "signal " + signal_name(signal);
    case kind::timed_out: return "timed out after " + format_duration(timeout);
    case kind::not_started: return "could not start: " + error;
  }
  return "unknown status";
}

command_result run_command(const command& cmd) {
  const auto start = std::chrono::steady_clock::now();
  command_result result;
  try {
    result = run_checked(cmd);
  } catch (const std::exception& e) {  // resource exhaustion in asio or the launcher
    thread_context::discard();
    result = {};
    result.status = not_started(e.what());
  }
  result.duration = std::chrono::steady_clock::now() - start;
  return result;
}

void kill_all_running() {
  auto& r = slot_registry::get();
  std::lock_guard lock(r.mutex);
  for (group_slot* slot : r.slots) {
    slot->kill_requested = true;
    if (slot->pgid > 0) kill_group(slot->pgid);
  }
}

void stop_all_commands() {
  {
    std::lock_guard lock(slot_registry::get().mutex);
    slot_registry::get().stopping = true;
  }
  kill_all_running();
}

std::size_t reap_orphans() {
  auto& r = slot_registry::get();
  std::unique_lock gate(r.spawn_gate);
  return kill_orphans(r.live_children());
}

}  // namespace crashpoint::harness
