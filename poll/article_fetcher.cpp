// Article pages: robots.txt per host, a conditional GET through the poll's HTTP client, extraction on the pool.
#include "poll/article_fetcher.hpp"

#include "common/log_context.hpp"
#include "common/worker_pool.hpp"
#include "extract/article_extractor.hpp"
#include "feeds/charset.hpp"
#include "feeds/url.hpp"
#include "poll/failure_class.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>

// GCC 12 reports a false -Wmismatched-new-delete for large coroutine frames: Asio's frame
// operator new/delete pair (aligned_new / aligned_delete) is seen through only on one side.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace newsalert::poll {

namespace asio = boost::asio;

std::string_view full_text_outcome_name(FullTextOutcome outcome) {
  switch (outcome) {
    case FullTextOutcome::extracted: return "extracted";
    case FullTextOutcome::cached: return "cached";
    case FullTextOutcome::no_article: return "no_article";
    case FullTextOutcome::robots: return "robots";
    case FullTextOutcome::failed: return "failed";
    case FullTextOutcome::skipped: return "skipped";
  }
  return "failed";
}

namespace {

bool is_http_url(std::string_view url) { return url.starts_with("http://") || url.starts_with("https://"); }

// "/a/b?c" of "https://host/a/b?c#d": what robots.txt rules are matched against.
std::string path_and_query(std::string_view url) {
  const auto authority = url.find("://");
  if (authority == std::string_view::npos) return "/";
  url.remove_prefix(authority + 3);
  if (const auto hash = url.find('#'); hash != std::string_view::npos) url = url.substr(0, hash);
  const auto start = url.find_first_of("/?");
  if (start == std::string_view::npos) return "/";
  std::string out(url.substr(start));
  if (out.front() == '?') out.insert(out.begin(), '/');
  return out;
}

bool is_html(std::string_view content_type) {
  const std::string type = feeds::media_type_of(content_type);
  // No type at all is common enough on small sites that the body is given its chance.
  return type.empty() || type == "text/html" || type == "application/xhtml+xml";
}

}  // namespace

// One host's robots.txt: kept for a day, fetched once however many pages ask at the same time.
struct ArticleFetcher::RobotsEntry {
  RobotsTxt robots = RobotsTxt::disallow_all();
  TimePoint expires{};
  bool loading = false;
  std::vector<std::shared_ptr<asio::steady_timer>> waiting;
};

ArticleFetcher::ArticleFetcher(net::HttpClient& http, WorkerPool& pool, config::FullTextConfig settings,
                               std::string user_agent, Millis fresh_page)
    : http_(http),
      pool_(pool),
      settings_(settings),
      user_agent_(user_agent.empty() ? net::HttpClient::default_user_agent() : std::move(user_agent)),
      product_(product_token(user_agent_)),
      fresh_page_(fresh_page),
      pages_(settings.cache_bytes) {}

ArticleFetcher::~ArticleFetcher() = default;

void ArticleFetcher::update(config::FullTextConfig settings) {
  settings_ = settings;
  pages_.set_capacity(settings.cache_bytes);
}

asio::awaitable<void> ArticleFetcher::fill(std::vector<Article>& articles, std::vector<std::size_t> which,
                                           const config::FeedConfig& feed) {
  const auto limit = static_cast<std::size_t>(std::max(0, settings_.max_per_poll));
  if (which.size() > limit) {
    feed_log(feed.url).warn("feed {}: {} new entries; fetching the pages of the first {} (full_text.max_per_poll), "
                            "the rest are matched on what the feed carries",
                            feed.url, which.size(), limit);
    counts_[static_cast<std::size_t>(FullTextOutcome::skipped)] += which.size() - limit;
    which.resize(limit);
  }
  if (which.empty()) co_return;
  // A few workers take the pages in turn; the parent waits on a timer they cancel when the last ends.
  auto executor = co_await asio::this_coro::executor;
  auto done = std::make_shared<asio::steady_timer>(executor, asio::steady_timer::time_point::max());
  auto next = std::make_shared<std::size_t>(0);
  const std::size_t workers = std::min(kParallelPages, which.size());
  auto running = std::make_shared<std::size_t>(workers);
  for (std::size_t w = 0; w < workers; ++w) {
    asio::co_spawn(
        executor,
        [this, &articles, &which, &feed, next]() -> asio::awaitable<void> {
          while (*next < which.size()) {
            Article& article = articles[which[(*next)++]];
            const FullTextOutcome outcome = co_await fill_one(article, feed);
            ++counts_[static_cast<std::size_t>(outcome)];
          }
        },
        [done, running](std::exception_ptr) {
          if (--*running == 0) done->cancel();
        });
  }
  boost::system::error_code ec;
  co_await done->async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

asio::awaitable<FullTextOutcome> ArticleFetcher::fill_one(Article& article, const config::FeedConfig& feed) {
  const std::string url = article.link;
  if (!is_http_url(url)) co_return FullTextOutcome::skipped;
  const TimePoint now = Clock::now();
  const CachedPage* cached = pages_.find(url);
  if (cached && now - cached->fetched < fresh_page_) {
    article.full_text = cached->text;
    co_return FullTextOutcome::cached;
  }
  // Not `robots && !co_await ...`: GCC 12 destroys temporaries twice around a co_await inside a
  // short-circuit or conditional expression.
  bool allowed = true;
  if (settings_.robots) allowed = co_await robots_allow(url, feed);
  if (!allowed) {
    feed_log(feed.url).info("feed {}: robots.txt of {} does not allow fetching {}; matching on the feed's text",
                            feed.url, feeds::url_origin(url), url);
    co_return FullTextOutcome::robots;
  }
  net::HttpResponse response = co_await http_.async_fetch(page_request(url, feed, cached), asio::use_awaitable);
  cached = pages_.find(url);   // the wait may have let another poll fetch it, or the cache drop it
  if (response.status == 304 && !response.error && cached) {
    CachedPage again = *cached;
    again.fetched = now;
    article.full_text = again.text;
    pages_.put(url, std::move(again));
    co_return FullTextOutcome::cached;
  }
  const bool html = is_html(response.header("content-type"));
  if (!response.is_success() || !html) {
    const std::string why = response.is_success() ? "not HTML: " + feeds::media_type_of(response.header("content-type"))
                                                  : response.describe();
    feed_log(feed.url).info("feed {}: page {} not fetched ({}); matching on the feed's text", feed.url, url, why);
    co_return FullTextOutcome::failed;
  }
  const std::string base = response.effective_url.empty() ? url : response.effective_url;
  // A named job, not a lambda inside the co_await expression: GCC 12 destroys such temporaries
  // twice around the suspension.
  const auto job = [body = std::move(response.body), type = response.header("content-type"), base] {
    return extract::extract_article(body, base, type).text;
  };
  std::string text = co_await pool_.run(job);
  pages_.put(url, CachedPage{response.header("etag"), response.header("last-modified"), text, now});
  if (text.empty()) {
    feed_log(feed.url).debug("feed {}: no article text found in {}", feed.url, url);
    co_return FullTextOutcome::no_article;
  }
  article.full_text = std::move(text);
  co_return FullTextOutcome::extracted;
}

// A feed's own network and TLS exceptions cover the pages of its own site, never another's; its
// headers and credentials are for the feed and are not sent at all.
net::HttpRequest ArticleFetcher::request_for(const std::string& url, const config::FeedConfig& feed) const {
  net::HttpRequest request;
  request.url = url;
  request.timeout = settings_.timeout;
  request.max_bytes = settings_.max_bytes;
  request.max_compressed_bytes = settings_.max_bytes;
  request.follow_redirects = true;
  if (feeds::url_origin(url) == feeds::url_origin(feed.url)) {
    request.allow = feed.allow;
    request.tls_verify = feed.tls.verify;
    request.ca_file = feed.tls.ca_file;
    request.pinned_public_key = feed.tls.pinned_public_key;
    request.allow_https_downgrade = feed.allow_https_downgrade;
  }
  return request;
}

net::HttpRequest ArticleFetcher::page_request(const std::string& url, const config::FeedConfig& feed,
                                              const CachedPage* cached) const {
  net::HttpRequest request = request_for(url, feed);
  request.headers.emplace_back("Accept", "text/html, application/xhtml+xml;q=0.9, */*;q=0.5");
  if (cached && !cached->etag.empty()) request.headers.emplace_back("If-None-Match", cached->etag);
  if (cached && !cached->last_modified.empty()) request.headers.emplace_back("If-Modified-Since", cached->last_modified);
  return request;
}

asio::awaitable<bool> ArticleFetcher::robots_allow(const std::string& url, const config::FeedConfig& feed) {
  const std::string origin = feeds::url_origin(url);
  if (robots_.size() >= kRobotsHosts) {   // an aggregator's links reach many hosts; keep only live answers
    const TimePoint now = Clock::now();
    std::erase_if(robots_, [now](const auto& item) { return !item.second->loading && now >= item.second->expires; });
  }
  auto& slot = robots_[origin];
  if (!slot) slot = std::make_shared<RobotsEntry>();
  const std::shared_ptr<RobotsEntry> entry = slot;
  if (entry->loading) {
    auto timer = std::make_shared<asio::steady_timer>(co_await asio::this_coro::executor,
                                                      asio::steady_timer::time_point::max());
    entry->waiting.push_back(timer);
    boost::system::error_code ec;
    co_await timer->async_wait(asio::redirect_error(asio::use_awaitable, ec));
  } else if (Clock::now() >= entry->expires) {
    entry->loading = true;
    RobotsAnswer answer = co_await fetch_robots(origin, feed);
    entry->loading = false;
    entry->robots = std::move(answer.robots);
    entry->expires = Clock::now() + answer.keep_for;
    for (auto& timer : entry->waiting) timer->cancel();
    entry->waiting.clear();
  }
  co_return entry->robots.allows(path_and_query(url));
}

// RFC 9309 2.3.1: a 4xx means no rules; a 5xx or no answer means the host is off limits for now.
asio::awaitable<ArticleFetcher::RobotsAnswer> ArticleFetcher::fetch_robots(const std::string& origin,
                                                                          const config::FeedConfig& feed) {
  net::HttpRequest request = request_for(origin + "/robots.txt", feed);
  request.max_bytes = kRobotsMaxBytes * 4;
  request.max_compressed_bytes = kRobotsMaxBytes * 4;
  const net::HttpResponse response = co_await http_.async_fetch(std::move(request), asio::use_awaitable);
  if (!response.error && response.status >= 200 && response.status < 300)
    co_return RobotsAnswer{RobotsTxt::parse(response.body, product_), kRobotsTtl};
  if (!response.error && response.status >= 400 && response.status < 500)
    co_return RobotsAnswer{RobotsTxt::allow_all(), kRobotsTtl};
  // The guard refuses the page too, and says so as its failure; kept for no time, so that a feed
  // allowed to reach the host asks again.
  if (response.failure() == net::TransportFailure::blocked) co_return RobotsAnswer{RobotsTxt::allow_all(), Millis(0)};
  spdlog::info("robots.txt of {} could not be read ({}); its pages are not fetched for {} min", origin,
               response.describe(), std::chrono::duration_cast<std::chrono::minutes>(kRobotsRetry).count());
  co_return RobotsAnswer{RobotsTxt::disallow_all(), kRobotsRetry};
}

}  // namespace newsalert::poll
