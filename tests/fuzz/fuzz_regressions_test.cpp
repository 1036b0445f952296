// Every input a fuzz target ever crashed on (tests/data/fuzz-regressions/<target>/), and the seed
// files, run through the same target code: a fixed crash stays fixed in the normal test suite.
#include "fuzz/fuzz_entries.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;
using newsalert::fuzz::entry;

namespace {

const fs::path kData = NEWSALERT_TEST_DATA_DIR;

std::string read(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::size_t run_dir(const std::string& target, const fs::path& dir) {
  const auto fn = entry(target);
  EXPECT_NE(fn, nullptr) << target;
  if (fn == nullptr || !fs::is_directory(dir)) return 0;
  std::size_t runs = 0;
  for (const auto& file : fs::recursive_directory_iterator(dir)) {
    if (!file.is_regular_file()) continue;
    const std::string bytes = read(file.path());
    SCOPED_TRACE(file.path().string());
    EXPECT_EQ(fn(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()), 0);
    ++runs;
  }
  return runs;
}

const char* const kTargets[] = {"feed_parser", "html_text", "date_parser", "config_loader",
                                "require_rule", "matcher", "network_range"};

}  // namespace

TEST(FuzzRegressions, EveryKeptCrasherRunsCleanly) {
  std::size_t total = 0;
  for (const char* target : kTargets) total += run_dir(target, kData / "fuzz-regressions" / target);
  EXPECT_GT(total, 0u) << "tests/data/fuzz-regressions holds no inputs";
  // A directory named after no target would be silently skipped.
  for (const auto& dir : fs::directory_iterator(kData / "fuzz-regressions")) {
    if (dir.is_directory()) {
      EXPECT_NE(entry(dir.path().filename().string()), nullptr) << dir.path();
    }
  }
}

TEST(FuzzRegressions, EverySeedRunsCleanlyThroughEveryTarget) {
  std::size_t total = 0;
  for (const char* target : kTargets) {
    const auto fn = entry(target);
    for (const auto& file : fs::directory_iterator(kData)) {
      if (!file.is_regular_file()) continue;
      const std::string bytes = read(file.path());
      EXPECT_EQ(fn(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()), 0) << file.path();
      ++total;
    }
  }
  EXPECT_GT(total, 0u);
}
