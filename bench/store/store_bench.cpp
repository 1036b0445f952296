// How large the state database grows: inserts articles the way the daemon does (commit_poll, one
// transaction per poll of a feed), prints the file size and the time per poll, then runs
// retention on half of them and prints what is left.
#include "store/state_store.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace newsalert;

namespace {

std::uintmax_t db_size(const fs::path& file) {
  std::uintmax_t total = 0;
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::error_code ec;
    const auto size = fs::file_size(file.string() + suffix, ec);
    if (!ec) total += size;
  }
  return total;
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t total = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 1'000'000;
  const std::size_t per_poll = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 100;
  const fs::path dir = fs::temp_directory_path() / ("newsalert-store-bench-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path file = store::StateStore::default_file(dir);
  {
    store::StateStore store(file);
    const TimePoint start_time = Clock::now() - std::chrono::hours(24 * 60);
    // Articles [first, first + count) over 60 days from `from`, 1,000 feeds, one commit per poll.
    const auto insert = [&](std::size_t first, std::size_t count, TimePoint from) {
      std::size_t polls = 0;
      for (std::size_t done = 0; done < count; done += per_poll, ++polls) {
        const TimePoint now = from + std::chrono::milliseconds(static_cast<std::int64_t>(done) * 60LL * 24 * 3600 * 1000 /
                                                               static_cast<std::int64_t>(count));
        const std::string feed = "https://news.example/feed/" + std::to_string(polls % 1000) + "/rss.xml";
        std::vector<store::SeenArticle> articles;
        for (std::size_t k = 0; k < per_poll && done + k < count; ++k) {
          const std::string id = "https://news.example/2024/08/01/story-" + std::to_string(first + done + k) + ".html";
          articles.push_back(
              {feed, id, id, "A headline of ordinary length about story " + std::to_string(first + done + k), now});
        }
        store::FeedState state;
        state.etag = "\"abc\"";
        state.last_poll = now;
        state.last_success = now;
        store.commit_poll(feed, state, articles, {}, now);
      }
      return polls;
    };
    const auto started = std::chrono::steady_clock::now();
    const std::size_t polls = insert(0, total, start_time);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::printf("inserted %zu articles in %zu polls (%zu per poll, one transaction each) in %.1f s: %.2f ms per poll\n",
                total, polls, per_poll, seconds, 1000.0 * seconds / static_cast<double>(polls));
    const std::uintmax_t first_size = db_size(file);
    std::printf("database after %zu articles: %.1f MB (%.0f bytes per article)\n", total,
                static_cast<double>(db_size(file)) / 1e6, static_cast<double>(db_size(file)) / static_cast<double>(total));
    const auto prune_started = std::chrono::steady_clock::now();
    store::PruneCounts removed;
    for (;;) {
      const auto counts = store.prune(start_time + std::chrono::hours(24 * 30), 5000);
      removed.articles += counts.articles;
      if (counts.articles < 5000) break;
    }
    const double prune_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - prune_started).count();
    std::printf("retention 30d (half the articles are older): removed %zu records in %.1f s (batches of 5000); "
                "%zu remain; file %.1f MB\n", removed.articles, prune_seconds, store.articles().seen_count(),
                static_cast<double>(db_size(file)) / 1e6);
    // The next 30 days: as many new articles as were pruned go into the freed pages.
    const double before = static_cast<double>(db_size(file)) / 1e6;
    insert(total, total / 2, start_time + std::chrono::hours(24 * 30));
    const double after = static_cast<double>(db_size(file)) / 1e6;
    std::printf("then %zu new articles (as many as were pruned): file %.1f MB (%+.1f MB; a fresh database grew "
                "%.1f MB for as many): they took the pages retention freed\n",
                total / 2, after, after - before, static_cast<double>(first_size) / 2e6);
  }
  fs::remove_all(dir);
  return 0;
}
