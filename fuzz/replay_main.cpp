// SPDX-License-Identifier: Apache-2.0
// replay_main.cpp: runs a libFuzzer target's LLVMFuzzerTestOneInput on saved
// inputs, without libFuzzer, so any compiler builds it and CTest can replay
// the seed corpus and every crash the fuzzers ever found.
//
//   replay_fuzz_scenario fuzz/corpus/fuzz_scenario fuzz/regressions/fuzz_scenario
//
// Each argument is a file or a folder (every regular file under it, sorted).
// It prints one line per input before running it, so a crash names its input,
// and exits 0 when every input ran (a target that crashes ends the process).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

namespace fs = std::filesystem;

std::vector<fs::path> inputs_of(const fs::path& arg) {
  std::vector<fs::path> out;
  if (fs::is_directory(arg)) {
    for (const auto& e : fs::recursive_directory_iterator(arg)) {
      const std::string name = e.path().filename().string();
      if (e.is_regular_file() && name != "README.md" && name.front() != '.') out.push_back(e.path());
    }
    std::sort(out.begin(), out.end());
  } else if (fs::exists(arg)) {
    out.push_back(arg);
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FILE_OR_FOLDER...\n", argv[0]);
    return 2;
  }
  std::size_t count = 0;
  for (int i = 1; i < argc; ++i) {
    if (!fs::exists(argv[i])) {
      std::fprintf(stderr, "%s: no such file or folder: %s\n", argv[0], argv[i]);
      return 2;
    }
    for (const fs::path& input : inputs_of(argv[i])) {
      std::ifstream in(input, std::ios::binary);
      const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      std::printf("replaying %s (%zu bytes)\n", input.c_str(), bytes.size());
      std::fflush(stdout);
      LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
      ++count;
    }
  }
  std::printf("%zu inputs replayed without a crash\n", count);
  return 0;
}
