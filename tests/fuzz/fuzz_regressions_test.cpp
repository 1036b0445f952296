// Every input a fuzz target ever crashed on (tests/data/fuzz-regressions/<target>/), and the seed
// files, run through the same target code: a fixed crash stays fixed in the normal test suite.
// Each input is a test of its own, named after its target and file, so that a crash (which ends
// the process before any message is printed) still names the input in CTest's report.
#include "fuzz/fuzz_entries.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <vector>

namespace fs = std::filesystem;
using newsalert::fuzz::entry;

namespace {

const char* const kTargets[] = {"feed_parser", "html_text", "extract_article", "date_parser", "config_loader",
                                "require_rule", "matcher", "network_range"};

fs::path data_dir() { return NEWSALERT_TEST_DATA_DIR; }

std::string read(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// One input for one target, or (target empty) for every target.
struct Input {
  std::string target;
  fs::path file;
  std::string name;
};

// What CTest lists after the test name: the file, as found under tests/data.
void PrintTo(const Input& input, std::ostream* out) {
  *out << fs::relative(input.file, data_dir()).string();
}

// Test names allow only letters, digits and '_'.
std::string identifier(std::string text) {
  std::replace_if(text.begin(), text.end(), [](unsigned char c) { return std::isalnum(c) == 0; }, '_');
  return text;
}

std::vector<fs::path> files_in(const fs::path& dir, bool recursive) {
  std::vector<fs::path> files;
  if (!fs::is_directory(dir)) return files;
  const auto add = [&](const fs::directory_entry& file) {
    if (file.is_regular_file()) files.push_back(file.path());
  };
  if (recursive) std::for_each(fs::recursive_directory_iterator(dir), fs::recursive_directory_iterator(), add);
  else std::for_each(fs::directory_iterator(dir), fs::directory_iterator(), add);
  std::sort(files.begin(), files.end());
  return files;
}

// Names made unique by a number when two files differ only in characters a name cannot hold.
std::vector<Input> uniquely_named(std::vector<Input> inputs) {
  std::set<std::string> taken;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (!taken.insert(inputs[i].name).second) taken.insert(inputs[i].name += "_" + std::to_string(i));
  }
  return inputs;
}

std::vector<Input> kept_crashers() {
  std::vector<Input> inputs;
  for (const char* target : kTargets) {
    const fs::path dir = data_dir() / "fuzz-regressions" / target;
    for (const auto& file : files_in(dir, true))
      inputs.push_back({target, file, identifier(std::string(target) + "_" + fs::relative(file, dir).string())});
  }
  return uniquely_named(std::move(inputs));
}

std::vector<Input> seeds() {
  std::vector<Input> inputs;
  for (const auto& file : files_in(data_dir(), false)) inputs.push_back({"", file, identifier(file.filename().string())});
  return uniquely_named(std::move(inputs));
}

void run(const std::string& target, const fs::path& file) {
  const auto fn = entry(target);
  ASSERT_NE(fn, nullptr) << target;
  const std::string bytes = read(file);
  EXPECT_EQ(fn(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()), 0) << target << " on " << file;
}

std::string input_name(const ::testing::TestParamInfo<Input>& info) { return info.param.name; }

class KeptCrasher : public ::testing::TestWithParam<Input> {};
class Seed : public ::testing::TestWithParam<Input> {};

}  // namespace

TEST_P(KeptCrasher, RunsCleanly) {
  SCOPED_TRACE(GetParam().file.string());
  run(GetParam().target, GetParam().file);
}
INSTANTIATE_TEST_SUITE_P(FuzzRegressions, KeptCrasher, ::testing::ValuesIn(kept_crashers()), input_name);

TEST_P(Seed, RunsCleanlyThroughEveryTarget) {
  SCOPED_TRACE(GetParam().file.string());
  for (const char* target : kTargets) run(target, GetParam().file);
}
INSTANTIATE_TEST_SUITE_P(FuzzRegressions, Seed, ::testing::ValuesIn(seeds()), input_name);

TEST(FuzzRegressions, KeepsCrashersAndSeeds) {
  EXPECT_FALSE(kept_crashers().empty()) << "tests/data/fuzz-regressions holds no inputs";
  EXPECT_FALSE(seeds().empty()) << "tests/data holds no seed files";
}

// A directory named after no target would be silently skipped.
TEST(FuzzRegressions, EveryCrasherDirectoryNamesATarget) {
  for (const auto& dir : fs::directory_iterator(data_dir() / "fuzz-regressions")) {
    if (dir.is_directory()) {
      EXPECT_NE(entry(dir.path().filename().string()), nullptr) << dir.path();
    }
  }
}
