// Conditional GET and parse of one feed.
#include "feeds/feed_fetcher.hpp"

#include <boost/asio/use_awaitable.hpp>

namespace newsalert::feeds {

boost::asio::awaitable<FetchOutcome> fetch_feed(net::HttpClient& http, const config::FeedConfig& feed,
                                                const config::PollConfig& poll, const store::FeedState& state) {
  net::HttpRequest request;
  request.url = feed.url;
  request.timeout = poll.timeout;
  request.max_bytes = poll.max_bytes;
  request.headers.emplace_back(
      "Accept", "application/rss+xml, application/atom+xml, application/rdf+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8");
  if (!state.etag.empty()) request.headers.emplace_back("If-None-Match", state.etag);
  if (!state.last_modified.empty()) request.headers.emplace_back("If-Modified-Since", state.last_modified);

  const net::HttpResponse response = co_await http.async_fetch(std::move(request), boost::asio::use_awaitable);

  FetchOutcome outcome;
  outcome.status = response.status;
  outcome.elapsed = response.elapsed;
  outcome.etag = state.etag;
  outcome.last_modified = state.last_modified;
  if (response.error) {
    outcome.error = response.describe();
    co_return outcome;
  }
  if (response.status == 304) {
    outcome.result = FetchResult::not_modified;
    co_return outcome;
  }
  if (response.status != 200) {
    outcome.error = "HTTP " + std::to_string(response.status);
    co_return outcome;
  }
  const std::string& base = response.effective_url.empty() ? feed.url : response.effective_url;
  outcome.feed = parse_feed(response.body, base, response.header("content-type"));
  if (!outcome.feed.ok()) {
    outcome.error = outcome.feed.error;
    co_return outcome;
  }
  // Entries keep the configured URL as their feed, so a redirect does not make them look new.
  for (auto& article : outcome.feed.articles) article.feed_url = feed.url;
  outcome.result = FetchResult::updated;
  outcome.etag = response.header("etag");
  outcome.last_modified = response.header("last-modified");
  co_return outcome;
}

}  // namespace newsalert::feeds
