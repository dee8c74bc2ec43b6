// SPDX-License-Identifier: Apache-2.0
// log_reader.cpp: streaming, bounded log parsing (see log_reader.hpp).
#include "recorder/log_reader.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <limits>
#include <utility>
#include <variant>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "recorder/flag_names.hpp"
#include "recorder/json_text.hpp"
#include "recorder/log_writer.hpp"

namespace crashpoint::recorder {

namespace {

using json = nlohmann::json;
using scalar = std::variant<std::nullptr_t, bool, std::int64_t, std::uint64_t, double, std::string>;

// A line's one flat object; where parsing failed otherwise.
struct flat_object {
  std::vector<std::pair<std::string, scalar>> fields;
  const scalar* find(std::string_view key) const {
    for (const auto& [k, v] : fields) {
      if (k == key) return &v;
    }
    return nullptr;
  }
};

// An error in one line: the column (1-based, 0 when the whole line is meant)
// and what was wrong.
struct line_error {
  std::size_t column = 0;
  std::string message;
};

// Collects {"key": scalar, ...}; anything nested or not an object is an error.
class flat_sax final : public nlohmann::json_sax<json> {
 public:
  flat_object object;
  std::optional<line_error> error;

  bool null() override { return value(nullptr); }
  bool boolean(bool v) override { return value(v); }
  bool number_integer(number_integer_t v) override { return value(static_cast<std::int64_t>(v)); }
  bool number_unsigned(number_unsigned_t v) override { return value(static_cast<std::uint64_t>(v)); }
  bool number_float(number_float_t v, const string_t&) override { return value(static_cast<double>(v)); }
  bool string(string_t& v) override { return value(std::move(v)); }
  bool binary(binary_t&) override { return fail("binary values are not part of the log format"); }
  bool start_object(std::size_t) override {
    if (depth_++ != 0) return fail("nested objects are not part of the log format");
    return true;
  }
  bool end_object() override {
    --depth_;
    return true;
  }
  bool start_array(std::size_t) override { return fail("arrays are not part of the log format"); }
  bool end_array() override { return true; }
  bool key(string_t& k) override {
    if (object.find(k) != nullptr) return fail(fmt::format("field '{}' appears twice", k));
    key_ = std::move(k);
    return true;
  }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& ex) override {
    std::string message = ex.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 7: syntax error ..." -> "syntax error
    // ..."
    if (const std::size_t colon = message.find(": "); colon != std::string::npos) message.erase(0, colon + 2);
    error = line_error{position, "invalid JSON: " + message};
    return false;
  }

 private:
  bool value(scalar v) {
    if (depth_ == 0) return fail("expected a JSON object");
    object.fields.emplace_back(std::move(key_), std::move(v));
    return true;
  }
  bool fail(std::string message) {
    if (!error) error = line_error{0, std::move(message)};
    return false;
  }
  int depth_ = 0;
  std::string key_;
};

[[noreturn]] void bad_field(std::string_view key, std::string_view expected) {
  throw line_error{0, fmt::format("field '{}' must be {}", key, expected)};
}

// Typed access to a line's fields, with an error per wrong type.
class fields {
 public:
  explicit fields(const flat_object& o) : o_(o) {}

  bool has(std::string_view key) const { return o_.find(key) != nullptr; }

  std::optional<std::uint64_t> opt_unsigned(std::string_view key) const {
    const scalar* v = o_.find(key);
    if (v == nullptr) return std::nullopt;
    if (const auto* u = std::get_if<std::uint64_t>(v)) return *u;
    bad_field(key, "a non-negative integer");
  }
  std::uint64_t req_unsigned(std::string_view key) const {
    if (auto v = opt_unsigned(key)) return *v;
    throw line_error{0, fmt::format("missing field '{}'", key)};
  }
  std::optional<std::int64_t> opt_signed(std::string_view key) const {
    const scalar* v = o_.find(key);
    if (v == nullptr || std::holds_alternative<std::nullptr_t>(*v)) return std::nullopt;
    if (const auto* i = std::get_if<std::int64_t>(v)) return *i;
    if (const auto* u = std::get_if<std::uint64_t>(v)) {
      if (*u <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        return static_cast<std::int64_t>(*u);
    }
    bad_field(key, "an integer or null");
  }
  template <class Int>
  std::optional<Int> opt_int(std::string_view key) const {
    const auto v = opt_signed(key);
    if (!v) return std::nullopt;
    if (*v < std::numeric_limits<Int>::min() || *v > std::numeric_limits<Int>::max())
      bad_field(key, "a smaller integer");
    return static_cast<Int>(*v);
  }
  template <class Int>
  Int req_int(std::string_view key) const {
    if (!has(key)) throw line_error{0, fmt::format("missing field '{}'", key)};
    if (auto v = opt_int<Int>(key)) return *v;
    bad_field(key, "an integer");
  }
  std::optional<std::string> opt_string(std::string_view key) const {
    const scalar* v = o_.find(key);
    if (v == nullptr) return std::nullopt;
    if (const auto* s = std::get_if<std::string>(v)) return *s;
    bad_field(key, "a string");
  }
  std::string req_string(std::string_view key) const {
    if (auto s = opt_string(key)) return *s;
    throw line_error{0, fmt::format("missing field '{}'", key)};
  }
  // A byte string written as `key` (UTF-8) or `key_hex`.
  std::string bytes(std::string_view key) const {
    if (auto s = opt_string(key)) return *s;
    const std::string hex_key = fmt::format("{}_hex", key);
    if (auto h = opt_string(hex_key)) {
      if (auto decoded = hex_decode(*h)) return *decoded;
      bad_field(hex_key, "hexadecimal digits");
    }
    return {};
  }

 private:
  const flat_object& o_;
};

std::optional<outcome> outcome_from_name(std::string_view text) {
  if (text == "done") return outcome::done;
  if (text == "unfinished") return outcome::unfinished;
  if (text == "not-executed") return outcome::not_executed;
  if (text == "injected") return outcome::injected;
  return std::nullopt;
}

std::uint64_t parse_flag_field(const fields& f, std::string_view key, flag_set set) {
  const auto text = f.opt_string(key);
  if (!text) return 0;
  if (auto v = parse_flags(set, *text)) return *v;
  throw line_error{0, fmt::format("field '{}': unknown flag in '{}'", key, *text)};
}

io_op to_call(const fields& f) {
  io_op op;
  op.seq = f.req_unsigned("seq");
  if (op.seq == 0) bad_field("seq", "at least 1");
  op.end_seq = f.opt_unsigned("end_seq").value_or(op.seq);
  op.pid = f.req_int<pid_t>("pid");
  op.tid = f.req_int<pid_t>("tid");
  const std::string call = f.req_string("call");
  const auto id = syscall_from_name(call);
  if (!id) throw line_error{0, fmt::format("unknown call '{}'", call)};
  op.call = *id;
  op.fd = f.opt_int<int>("fd").value_or(-1);
  op.path = f.bytes("path");
  op.path2 = f.bytes("path2");
  op.flags = parse_flag_field(f, "flags", flags_of(op.call));
  if (f.has("fd_flags")) op.fd_flags = parse_flag_field(f, "fd_flags", flag_set::open);
  op.kind = kind_of(op.call, op.flags);
  if (const auto kind = f.opt_string("kind")) {
    const auto k = kind_from_name(*kind);
    if (!k) throw line_error{0, fmt::format("unknown kind '{}'", *kind)};
    op.kind = *k;
  }
  if (const auto mode = f.opt_string("mode")) {
    op.mode = parse_mode(*mode);
    if (!op.mode) bad_field("mode", "an octal mode such as \"0644\"");
  }
  op.offset = f.opt_unsigned("offset");
  op.length = f.opt_unsigned("length");
  if (!f.has("result")) throw line_error{0, "missing field 'result'"};
  op.result = f.opt_signed("result");
  if (const auto how = f.opt_string("outcome")) {
    const auto o = outcome_from_name(*how);
    if (!o) bad_field("outcome", "done, unfinished, not-executed or injected");
    op.how = *o;
  }
  op.dev = f.opt_unsigned("dev");
  op.ino = f.opt_unsigned("ino");
  op.payload = f.opt_unsigned("payload");
  op.payload_length = f.opt_unsigned("payload_length");
  return op;
}

std::optional<process_event::type> event_type(std::string_view text) {
  using t = process_event::type;
  for (const t what : {t::fork, t::vfork, t::clone, t::thread, t::exec, t::exit}) {
    if (name(what) == text) return what;
  }
  return std::nullopt;
}

// An event line; nullopt for the end line, which `summary` records.
std::optional<log_entry> to_event(const fields& f, log_summary& summary) {
  const std::string event = f.req_string("event");
  if (event == "end") {
    summary.complete = true;
    summary.calls = f.req_unsigned("calls");
    return std::nullopt;
  }
  if (event == "warning") {
    return warning{f.req_string("kind"), f.req_int<pid_t>("pid"), f.bytes("message")};
  }
  if (event == "point") {
    return point_event{f.req_string("spec"), f.req_unsigned("seq"), f.req_string("action")};
  }
  const auto what = event_type(event);
  if (!what) throw line_error{0, fmt::format("unknown event '{}'", event)};
  process_event ev;
  ev.what = *what;
  ev.pid = f.req_int<pid_t>("pid");
  switch (ev.what) {
    case process_event::type::exec: ev.path = f.bytes("path"); break;
    case process_event::type::exit:
      ev.exit_code = f.opt_int<int>("exit_code");
      ev.exit_signal = f.opt_int<int>("signal");
      break;
    default: ev.child = f.req_int<pid_t>("child");
  }
  return ev;
}

// The column of the first bracket that nests (or of an array), for messages
// about structure that the SAX callbacks cannot place.
std::size_t nesting_column(std::string_view line) {
  bool in_string = false;
  int depth = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || (c == '{' && depth++ > 0)) {
      return i + 1;
    }
  }
  return 0;
}

// Splits a byte stream into lines and turns each into entries.
class line_parser {
 public:
  line_parser(std::string_view name, const log_callback& on_entry, const log_limits& limits)
      : name_(name), on_entry_(on_entry), limits_(limits) {}

  void feed(std::string_view chunk) {
    while (!chunk.empty()) {
      const std::size_t nl = chunk.find('\n');
      const std::string_view piece = chunk.substr(0, nl);
      if (pending_.size() + piece.size() > limits_.max_line_bytes) {
        fail(line_number_ + 1, 0, fmt::format("line longer than {} bytes", limits_.max_line_bytes));
      }
      pending_.append(piece);
      if (nl == std::string_view::npos) return;
      take_line();
      chunk.remove_prefix(nl + 1);
    }
  }

  log_summary finish() {
    if (!pending_.empty()) fail(line_number_ + 1, 0, "the last line has no newline: the log was cut short");
    if (line_number_ == 0) fail(1, 0, "empty file: expected the log's header line");
    return summary_;
  }

 private:
  [[noreturn]] void fail(std::size_t line, std::size_t column, const std::string& message) const {
    if (column == 0) throw log_error(fmt::format("{}:{}: {}", name_, line, message));
    throw log_error(fmt::format("{}:{}:{}: {}", name_, line, column, message));
  }

  void take_line() {
    const std::string line = std::move(pending_);
    pending_.clear();
    ++line_number_;
    try {
      handle(line);
    } catch (const line_error& e) {
      fail(line_number_, e.column, e.message);
    }
  }

  void handle(const std::string& line) {
    if (line.empty()) throw line_error{0, "empty line"};
    flat_sax sax;
    if (!json::sax_parse(line, &sax)) {
      line_error e = sax.error.value_or(line_error{0, "invalid JSON"});
      if (e.column == 0 && e.message.find("nested") != std::string::npos) e.column = nesting_column(line);
      if (e.column == 0 && e.message.find("arrays") != std::string::npos) e.column = nesting_column(line);
      throw e;
    }
    const fields f(sax.object);
    if (line_number_ == 1) return header(f);
    if (summary_.complete) throw line_error{0, "an entry after the end line"};
    if (++summary_.entries > limits_.max_entries) {
      throw line_error{0, fmt::format("more than {} entries", limits_.max_entries)};
    }
    if (f.has("event")) {
      if (auto entry = to_event(f, summary_)) on_entry_(std::move(*entry));
      return;
    }
    if (f.has("seq")) return on_entry_(to_call(f));
    throw line_error{0, "expected a call (with \"seq\") or an event (with \"event\")"};
  }

  void header(const fields& f) {
    if (f.opt_string("log") != std::string(log_format_name)) {
      throw line_error{0, "not a crashpoint-record log (the first line must be its header)"};
    }
    const auto version = f.req_unsigned("version");
    if (version != log_format_version) {
      throw line_error{0, fmt::format("log version {} is not supported (this reader knows {})", version,
                                      log_format_version)};
    }
    summary_.root = f.bytes("root");
  }

  std::string name_;
  const log_callback& on_entry_;
  log_limits limits_;
  std::string pending_;
  std::size_t line_number_ = 0;
  log_summary summary_;
};

class unique_fd {
 public:
  explicit unique_fd(int fd) : fd_(fd) {}
  ~unique_fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  unique_fd(const unique_fd&) = delete;
  unique_fd& operator=(const unique_fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

log_summary read_log_text(std::string_view text, std::string_view name, const log_callback& on_entry,
                          const log_limits& limits) {
  line_parser parser(name, on_entry, limits);
  parser.feed(text);
  return parser.finish();
}

log_summary read_log(const std::filesystem::path& path, const log_callback& on_entry,
                     const log_limits& limits) {
  const std::string name = path.string();
  // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below.
  const unique_fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
  if (fd.get() < 0) throw log_error(fmt::format("{}: cannot open: {}", name, std::strerror(errno)));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode))
    throw log_error(fmt::format("{}: not a regular file", name));
  line_parser parser(name, on_entry, limits);
  std::string buffer(64 * 1024, '\0');
  while (true) {
    const ssize_t n = ::read(fd.get(), buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw log_error(fmt::format("{}: cannot read: {}", name, std::strerror(errno)));
    if (n == 0) break;
    parser.feed(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
  }
  return parser.finish();
}

}  // namespace crashpoint::recorder

namespace crashpoint::recorder {

io_op parse_call_line(std::string_view line) {
  flat_sax sax;
  if (!json::sax_parse(line, &sax))
    throw log_error(sax.error.value_or(line_error{0, "invalid JSON"}).message);
  try {
    return to_call(fields(sax.object));
  } catch (const line_error& e) {
    throw log_error(e.message);
  }
}

}  // namespace crashpoint::recorder
