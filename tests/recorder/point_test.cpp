// SPDX-License-Identifier: Apache-2.0
// The sys:CALL@HIT point grammar: what it accepts, what each part means, and
// the precise error (column and expectation) for each kind of bad input.
#include <catch2/catch.hpp>

#include <cerrno>

#include "recorder/point.hpp"

using namespace crashpoint::recorder;

namespace {

point parsed(std::string_view text) {
  const parsed_point p = parse_point(text);
  INFO(text << ": " << p.error.message);
  REQUIRE(p);
  return *p.value;
}

point_error error_of(std::string_view text) {
  const parsed_point p = parse_point(text);
  INFO(text);
  REQUIRE_FALSE(p);
  return p.error;
}

}  // namespace

TEST_CASE("points name a kind, an exact system call, or any call") {
  const point kind = parsed("sys:rename@1");
  CHECK(kind.kind == call_kind::rename);
  CHECK(kind.selects(syscall_id::renameat2, call_kind::rename));  // a kind covers its variants
  CHECK_FALSE(kind.selects(syscall_id::unlink, call_kind::unlink));

  const point exact = parsed("sys:pwrite64@3");
  CHECK(exact.syscall == syscall_id::pwrite64);
  CHECK(exact.selects(syscall_id::pwrite64, call_kind::write));
  CHECK_FALSE(exact.selects(syscall_id::write, call_kind::write));

  const point any = parsed("sys:*@40");
  CHECK_FALSE(any.kind);
  CHECK_FALSE(any.syscall);
  CHECK(any.hit == 40);
  CHECK(any.selects(syscall_id::close, call_kind::close));

  // unlinkat with AT_REMOVEDIR is an rmdir: the caller passes the kind it computed.
  CHECK(parsed("sys:rmdir@1").selects(syscall_id::unlinkat, call_kind::rmdir));
}

TEST_CASE("points say when and what: before, after (+), or fail with an errno") {
  const point before = parsed("sys:fsync@2");
  CHECK(before.when == point::timing::before);
  CHECK(before.what == point::action::kill);
  CHECK(before.action_name() == "kill-before");

  const point after = parsed("sys:rename@1+");
  CHECK(after.when == point::timing::after);
  CHECK(after.action_name() == "kill-after");

  const point fail = parsed("sys:fsync@1=error(EIO)");
  CHECK(fail.what == point::action::fail);
  CHECK(fail.error == EIO);
  CHECK(fail.action_name() == "fail");
  CHECK(parsed("sys:write@7=error(ENOSPC)").error == ENOSPC);
}

TEST_CASE("a point's spec is its canonical text and parses back to the same point") {
  for (const std::string text : {"sys:fsync@2", "sys:*@40", "sys:rename@1+", "sys:fsync@1=error(EIO)",
                                 "sys:pwritev2@12", "sys:sync_file_range@3"}) {
    CHECK(parsed(text).spec() == text);
  }
  CHECK(parsed("sys:write@007").spec() == "sys:write@7");
}

TEST_CASE("bad points name the column and what was expected") {
  struct bad {
    std::string text;
    std::size_t column;
    std::string message;
  };
  const std::vector<bad> cases{
      {"fsync@1", 1, "expected 'sys:' at the start of a system-call point"},
      {"sys:", 5, "expected a call name or '*' after 'sys:', found the end"},
      {"sys:@1", 5, "expected a call name or '*' after 'sys:', found '@'"},
      {"sys:fsyc@1", 5, "unknown call name 'fsyc' (did you mean 'fsync'?)"},
      {"sys:pwrite@1", 5, "unknown call name 'pwrite' (did you mean 'write'?)"},
      {"sys:frobnicate@1", 5, "unknown call name 'frobnicate'"},
      {"sys:fsync", 10, "expected '@' and a hit number after the call name, found the end"},
      {"sys:fsync#1", 10, "expected '@' and a hit number after the call name, found '#'"},
      {"sys:fsync@", 11, "expected a hit number (1, 2, ...) after '@', found the end"},
      {"sys:fsync@x", 11, "expected a hit number (1, 2, ...) after '@', found 'x'"},
      {"sys:fsync@-1", 11, "expected a hit number (1, 2, ...) after '@', found '-'"},
      {"sys:fsync@0", 11, "hit numbers start at 1 (the first call is @1)"},
      {"sys:fsync@99999999999999999999", 11, "hit number 99999999999999999999 is too large"},
      {"sys:fsync@1 ", 12, "unexpected ' ' after the hit number: expected '+', '=error(ERRNO)' or the end"},
      {"sys:fsync@1++", 13, "unexpected '+' after the hit number: expected '+', '=error(ERRNO)' or the end"},
      {"sys:fsync@1=", 13, "expected 'error(ERRNO)' after '=', found the end"},
      {"sys:fsync@1=kill", 13, "expected 'error(ERRNO)' after '=', found 'k'"},
      {"sys:fsync@1=error()", 19, "expected an errno name such as EIO inside error()"},
      {"sys:fsync@1=error(EIOO)", 19, "unknown errno name 'EIOO' (did you mean 'EIO'?)"},
      {"sys:fsync@1=error(eio)", 19, "unknown errno name 'eio'"},
      {"sys:fsync@1=error(EIO", 22, "expected ')' after the errno name"},
      {"sys:fsync@1+=error(EIO)", 12,
       "'+' (crash after the call) cannot be combined with '=error(...)', which fails the call instead of "
       "running it"},
      {"sys:fsync@1=error(EIO)x", 23,
       "unexpected 'x' after the hit number: expected '+', '=error(ERRNO)' or the end"},
  };
  for (const bad& b : cases) {
    const point_error e = error_of(b.text);
    INFO(b.text);
    CHECK(e.column == b.column);
    CHECK(e.message == b.message);
  }
}
