// Full text: the page behind each new entry, fetched politely and reduced to its main text.
#pragma once

#include "common/article.hpp"
#include "common/time.hpp"
#include "config/config.hpp"
#include "net/http_client.hpp"
#include "poll/page_cache.hpp"
#include "poll/robots_txt.hpp"

#include <boost/asio/awaitable.hpp>

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace newsalert {
class WorkerPool;
}

namespace newsalert::poll {

// What became of one entry's page. Stable names (full_text_outcome_name) label logs and metrics.
enum class FullTextOutcome {
  extracted,      // fetched (200) and its main text found
  cached,         // a 304, or the same page fetched moments ago: the text extracted then
  no_article,     // fetched, but no main text in it (a video page, a gallery, a login wall)
  robots,         // robots.txt does not let us fetch it
  failed,         // transport failure, HTTP error, too large, not HTML
  skipped,        // no http(s) link, or past full_text.max_per_poll
};
inline constexpr std::size_t kFullTextOutcomes = 6;
std::string_view full_text_outcome_name(FullTextOutcome outcome);

class ArticleFetcher {
 public:
  // How long robots.txt answers are kept: RFC 9309 asks for no more than a day.
  static constexpr Millis kRobotsTtl = std::chrono::hours(24);
  // A robots.txt that could not be read closes its host for this long before it is asked again.
  static constexpr Millis kRobotsRetry = std::chrono::minutes(10);
  // Hosts whose robots.txt is kept; past this, expired answers are dropped.
  static constexpr std::size_t kRobotsHosts = 4096;
  // A page fetched this recently is not fetched again (a story carried by several feeds at once).
  static constexpr Millis kFreshPage = std::chrono::minutes(10);
  // Pages of one poll fetched at the same time; the client's per-host limit applies beneath it.
  static constexpr std::size_t kParallelPages = 4;

  // fresh_page: how long a fetched page is reused without asking again (tests shorten it).
  ArticleFetcher(net::HttpClient& http, WorkerPool& pool, config::FullTextConfig settings, std::string user_agent,
                 Millis fresh_page = kFreshPage);
  ~ArticleFetcher();

  void update(config::FullTextConfig settings);
  const config::FullTextConfig& settings() const { return settings_; }
  bool wanted(const config::FeedConfig& feed) const { return feed.full_text.value_or(settings_.enabled); }

  // Sets full_text on articles[i] for each i in `which` (the entries about to be matched), in
  // parallel. Never throws and never fails the batch: an entry whose page cannot be had keeps what
  // the feed carried, and the reason is logged and counted.
  boost::asio::awaitable<void> fill(std::vector<Article>& articles, std::vector<std::size_t> which,
                                    const config::FeedConfig& feed);

  // Pages by outcome since start, for /metrics.
  const std::array<std::uint64_t, kFullTextOutcomes>& counts() const { return counts_; }

 private:
  struct RobotsEntry;
  struct RobotsAnswer {
    RobotsTxt robots;
    Millis keep_for;
  };
  boost::asio::awaitable<FullTextOutcome> fill_one(Article& article, const config::FeedConfig& feed);
  boost::asio::awaitable<bool> robots_allow(const std::string& url, const config::FeedConfig& feed);
  boost::asio::awaitable<RobotsAnswer> fetch_robots(const std::string& origin, const config::FeedConfig& feed);
  net::HttpRequest request_for(const std::string& url, const config::FeedConfig& feed) const;
  net::HttpRequest page_request(const std::string& url, const config::FeedConfig& feed, const CachedPage* cached) const;

  net::HttpClient& http_;
  WorkerPool& pool_;
  config::FullTextConfig settings_;
  std::string user_agent_;
  std::string product_;
  Millis fresh_page_;
  PageCache pages_;
  std::map<std::string, std::shared_ptr<RobotsEntry>> robots_;   // by origin
  std::array<std::uint64_t, kFullTextOutcomes> counts_{};
};

}  // namespace newsalert::poll
