// Parse throughput of newsalertd's feed parser over a directory of feeds: MB/s and entries/s on one core.
#include "feeds/feed_parser.hpp"
#include "feeds/language.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

// CPU time of this process: on a shared machine, wall time would measure the neighbours too.
double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

struct Corpus {
  std::string name;
  std::vector<std::string> docs;
  std::size_t bytes = 0;
};

Corpus load(const fs::path& dir, std::string name) {
  Corpus c{std::move(name), {}, 0};
  std::vector<fs::path> paths;
  for (const auto& entry : fs::recursive_directory_iterator(dir))
    if (entry.is_regular_file()) paths.push_back(entry.path());
  std::sort(paths.begin(), paths.end());
  for (const auto& p : paths) {
    std::ifstream in(p, std::ios::binary);
    c.docs.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    c.bytes += c.docs.back().size();
  }
  return c;
}

// Best of several rounds: caches and the shared machine make single rounds noisy.
bool measure(const Corpus& corpus, int rounds) {
  double best = 1e300;
  std::size_t entries = 0;
  std::size_t failures = 0;
  for (int r = 0; r < rounds; ++r) {
    entries = 0;
    failures = 0;
    const double start = cpu_seconds();
    for (const auto& doc : corpus.docs) {
      const auto feed = newsalert::feeds::parse_feed(doc, "https://news.example/feed");
      entries += feed.articles.size();
      failures += feed.ok() ? 0 : 1;
    }
    best = std::min(best, cpu_seconds() - start);
  }
  std::printf("newsalertd  %-5s files=%zu  MB=%.1f  entries=%zu  failed=%zu  cpu_seconds=%.3f  MB/s=%.1f  entries/s=%.0f\n",
              corpus.name.c_str(), corpus.docs.size(), corpus.bytes / 1e6, entries, failures, best,
              corpus.bytes / 1e6 / best, entries / best);
  return failures == 0;
}

// Language detection (CLD2) of the entries parse_feed built, timed apart: the daemon runs it on the
// entries it shows or matches, not on every entry of every poll.
void measure_languages(const Corpus& corpus, int rounds) {
  std::vector<newsalert::feeds::ParsedFeed> feeds;
  std::size_t entries = 0;
  for (const auto& doc : corpus.docs) {
    feeds.push_back(newsalert::feeds::parse_feed(doc, "https://news.example/feed"));
    entries += feeds.back().articles.size();
  }
  double best = 1e300;
  std::size_t detected = 0;
  for (int r = 0; r < rounds; ++r) {
    detected = 0;
    const double start = cpu_seconds();
    for (auto& feed : feeds) {
      newsalert::feeds::detect_languages(feed.articles, feed.language);
      for (const auto& a : feed.articles) detected += a.lang.empty() ? 0 : 1;
    }
    best = std::min(best, cpu_seconds() - start);
  }
  std::printf("newsalertd  lang  entries=%zu  with_lang=%zu  cpu_seconds=%.3f  entries/s=%.0f  (detect_languages, "
              "after parsing)\n",
              entries, detected, best, entries / best);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: parse_bench DIR [ROUNDS]   (DIR as written by bench/generate_feeds.py)\n");
    return 2;
  }
  const int rounds = argc > 2 ? std::max(1, std::atoi(argv[2])) : 3;
  spdlog::set_level(spdlog::level::off);  // recovered-feed warnings are not what is measured
  const fs::path dir = argv[1];
  bool ok = true;
  for (const char* sub : {"xml", "json"})
    if (fs::is_directory(dir / sub)) ok = measure(load(dir / sub, sub), rounds) && ok;
  ok = measure(load(dir, "all"), rounds) && ok;
  if (fs::is_directory(dir / "xml")) measure_languages(load(dir / "xml", "xml"), rounds);
  return ok ? 0 : 1;
}
