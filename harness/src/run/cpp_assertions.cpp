// SPDX-License-Identifier: Apache-2.0
// cpp_assertions.cpp: a name -> function map, guarded for -j worker threads.
#include "run/cpp_assertions.hpp"

#include <map>
#include <mutex>

namespace crashpoint {
namespace {

namespace fs = std::filesystem;

std::mutex g_mutex;

std::map<std::string, assertion_function>& registry() {
  static std::map<std::string, assertion_function> r;
  return r;
}

assertion_function find(const std::string& name) {
  const std::lock_guard<std::mutex> lock(g_mutex);
  const auto it = registry().find(name);
  return it == registry().end() ? assertion_function{} : it->second;
}

class context final : public assertion_context {
 public:
  context(const fs::path& workdir, const std::string& scenario, const std::string& checkpoint,
          const std::vector<step_report>& steps)
      : workdir_(workdir), scenario_(scenario), checkpoint_(checkpoint), steps_(steps) {}
  const fs::path& workdir() const override { return workdir_; }
  const std::string& scenario() const override { return scenario_; }
  const std::string& checkpoint() const override { return checkpoint_; }
  const std::vector<step_report>& steps() const override { return steps_; }
  void fail(std::string message) override { failures.push_back(std::move(message)); }

  std::vector<std::string> failures;

 private:
  const fs::path& workdir_;
  const std::string& scenario_;
  const std::string& checkpoint_;
  const std::vector<step_report>& steps_;
};

}  // namespace

void register_assertion(std::string name, assertion_function fn) {
  const std::lock_guard<std::mutex> lock(g_mutex);
  registry()[std::move(name)] = std::move(fn);
}

namespace harness {

std::vector<std::string> run_cpp_assertion(const std::string& name, const fs::path& workdir,
                                           const std::string& scenario, const std::string& checkpoint,
                                           const std::vector<step_report>& steps) {
  const assertion_function fn = find(name);
  const std::string label = "C++ assertion `" + name + "`";
  if (!fn) {
    return {label +
            " is not registered in this executable: register it with "
            "crashpoint::register_assertion in your own harness executable"};
  }
  context ctx(workdir, scenario, checkpoint, steps);
  try {
    fn(ctx);
  } catch (const std::exception& e) {
    ctx.fail(std::string("threw: ") + e.what());
  } catch (...) {
    ctx.fail("threw an exception that is not a std::exception");
  }
  for (auto& f : ctx.failures) f = label + ": " + f;
  return std::move(ctx.failures);
}

}  // namespace harness
}  // namespace crashpoint
