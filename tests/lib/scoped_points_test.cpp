// SPDX-License-Identifier: Apache-2.0
// scoped_points: thread-local arming for unit tests, in process.
#include <catch2/catch.hpp>

#include <stdexcept>
#include <thread>

#include "crashpoint/crashpoint.hpp"

using crashpoint::maybe_fail_at;
using crashpoint::scoped_points;

TEST_CASE("a guard arms its names for as long as it lives") {
  CHECK_FALSE(maybe_fail_at("a"));
  {
    scoped_points guard{"a"};
    CHECK(maybe_fail_at("a"));
    CHECK_FALSE(maybe_fail_at("b"));
  }
  CHECK_FALSE(maybe_fail_at("a"));
}

TEST_CASE("a fired fail point returns an injected error naming the checkpoint") {
  scoped_points guard{"apply_before_commit"};
  const std::error_code ec = maybe_fail_at("apply_before_commit");
  REQUIRE(ec);
  CHECK(crashpoint::is_injected(ec));
  CHECK(ec.category() == crashpoint::injected_fault_category());
  CHECK(std::string(ec.category().name()) == "crashpoint.injected");
  CHECK(ec.message() ==
        crashpoint::env_var() + ": failing at checkpoint `apply_before_commit` (intentional)");
  CHECK_FALSE(crashpoint::is_injected(std::make_error_code(std::errc::io_error)));
}

TEST_CASE("guards nest; the inner one wins for a name armed twice") {
  scoped_points outer{"a", "b"};
  {
    scoped_points inner{"b=sleep(0)", "c"};
    CHECK(maybe_fail_at("a"));
    CHECK_FALSE(maybe_fail_at("b"));  // inner: sleep, then carry on
    CHECK(maybe_fail_at("c"));
  }
  CHECK(maybe_fail_at("b"));
  CHECK_FALSE(maybe_fail_at("c"));
}

TEST_CASE("a guard counts hits for @HIT") {
  scoped_points guard{"a@2"};
  CHECK_FALSE(maybe_fail_at("a"));
  CHECK(maybe_fail_at("a"));
  CHECK_FALSE(maybe_fail_at("a"));
}

TEST_CASE("a guard arms the current thread only") {
  scoped_points guard{"a"};
  bool fired_elsewhere = true;
  std::thread other([&] { fired_elsewhere = static_cast<bool>(maybe_fail_at("a")); });
  other.join();
  CHECK_FALSE(fired_elsewhere);
  CHECK(maybe_fail_at("a"));
}

TEST_CASE("threads with their own guards run in parallel without interfering") {
  std::vector<std::thread> threads;
  std::vector<int> fired(8, 0);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([t, &fired] {
      const std::string mine = "p" + std::to_string(t);
      scoped_points guard{std::vector<std::string>{mine}};
      for (int i = 0; i < 1000; ++i) {
        fired[static_cast<std::size_t>(t)] += maybe_fail_at(mine) ? 1 : 0;
        fired[static_cast<std::size_t>(t)] += maybe_fail_at("p" + std::to_string((t + 1) % 8)) ? 1000 : 0;
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int count : fired) CHECK(count == 1000);
}

TEST_CASE("a throw action unwinds, and the guard is restored by the exception") {
  bool cleaned_up = false;
  struct cleanup {
    bool& flag;
    ~cleanup() { flag = true; }
  };
  try {
    scoped_points guard{"a=throw"};
    cleanup c{cleaned_up};
    crashpoint::maybe_panic_at("a");
    FAIL("the checkpoint did not throw");
  } catch (const crashpoint::injected_crash& e) {
    CHECK(e.checkpoint() == "a");
    CHECK(e.message() == crashpoint::env_var() + ": crashing at checkpoint `a` (intentional)");
  }
  CHECK(cleaned_up);
  CHECK_FALSE(maybe_fail_at("a"));  // the guard is gone
}

TEST_CASE("an invalid guard entry throws invalid_argument naming it") {
  CHECK_THROWS_WITH(scoped_points({"a@0"}),
                    Catch::Contains("invalid entry `a@0`") && Catch::Contains("hit number"));
  CHECK_FALSE(maybe_fail_at("a@0"));
}

TEST_CASE("injected_crash is not a std::exception, so generic handlers do not absorb it") {
  STATIC_REQUIRE_FALSE(std::is_base_of_v<std::exception, crashpoint::injected_crash>);
}
