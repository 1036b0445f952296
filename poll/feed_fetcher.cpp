// Conditional GET and parse of one feed, following redirects hop by hop.
#include "poll/feed_fetcher.hpp"

#include "common/crypto.hpp"
#include "common/log_context.hpp"
#include "common/text.hpp"
#include "common/worker_pool.hpp"
#include "poll/link_header.hpp"
#include "poll/poll_schedule.hpp"
#include "feeds/url.hpp"

#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

namespace newsalert::poll {

namespace {

bool is_followed_redirect(long status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

bool is_permanent_redirect(long status) { return status == 301 || status == 308; }

net::HttpRequest feed_request(const std::string& url, Millis timeout, const config::FeedConfig& feed,
                              const config::PollConfig& poll, const store::FeedState& state) {
  net::HttpRequest request;
  request.url = url;
  request.timeout = timeout;
  request.max_bytes = poll.max_bytes;
  request.max_compressed_bytes = poll.max_compressed_bytes;
  request.max_header_bytes = poll.max_header_bytes;
  request.follow_redirects = false;
  request.allow = feed.allow;
  request.tls_verify = feed.tls.verify;
  request.ca_file = feed.tls.ca_file;
  request.pinned_public_key = feed.tls.pinned_public_key;
  bool has_accept = false;
  // Credentials belong to the host they were configured for.
  if (feeds::url_origin(url) == feeds::url_origin(feed.url)) {
    for (const auto& [name, value] : feed.headers) {
      has_accept = has_accept || to_lower_ascii(name) == "accept";
      request.headers.emplace_back(name, value);
    }
    if (feed.username)
      request.headers.emplace_back("Authorization", "Basic " + base64_encode(*feed.username + ":" + feed.password));
  }
  if (!has_accept)
    request.headers.emplace_back("Accept",
                                 "application/rss+xml, application/atom+xml, application/rdf+xml, "
                                 "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8");
  if (!state.etag.empty()) request.headers.emplace_back("If-None-Match", state.etag);
  if (!state.last_modified.empty()) request.headers.emplace_back("If-Modified-Since", state.last_modified);
  return request;
}

// What the user reads for a transfer that failed: which setting to change, when one applies.
std::string transport_error(const net::HttpResponse& response, const config::PollConfig& poll) {
  if (response.too_large) {
    switch (response.limit) {
      case net::ResponseLimit::compressed:
        return "response larger than " + std::to_string(poll.max_compressed_bytes) +
               " bytes as received (poll.max_compressed_bytes)";
      case net::ResponseLimit::headers:
        if (response.limit_bytes < poll.max_header_bytes)
          return "response header line longer than " + std::to_string(response.limit_bytes) + " bytes (libcurl's limit)";
        return "response headers larger than " + std::to_string(poll.max_header_bytes) +
               " bytes (poll.max_header_bytes)";
      case net::ResponseLimit::body:
      case net::ResponseLimit::none: break;
    }
    return "response larger than " + std::to_string(poll.max_bytes) + " bytes (poll.max_bytes)";
  }
  if (response.failure() == net::TransportFailure::blocked)
    return response.describe() + "; allow it with network.allow or the feed's allow";
  return response.describe();
}


FetchOutcome& fail(FetchOutcome& outcome, FailureClass failure, std::string error) {
  outcome.result = FetchResult::failed;
  outcome.failure = failure;
  outcome.error = std::move(error);
  outcome.permanent_url.clear();
  return outcome;
}

}  // namespace

feeds::ParseLimits parse_limits(const config::PollConfig& poll) {
  feeds::ParseLimits limits;
  limits.max_entries = static_cast<std::size_t>(poll.max_entries);
  limits.max_field_bytes = static_cast<std::size_t>(poll.max_field_bytes);
  limits.max_depth = static_cast<std::size_t>(poll.max_xml_depth);
  limits.max_attributes = static_cast<std::size_t>(poll.max_xml_attributes);
  return limits;
}

boost::asio::awaitable<feeds::ParsedFeed> parse_on(WorkerPool& pool, std::string body, std::string base_url,
                                            std::string content_type, feeds::ParseLimits limits) {
  return pool.run([body = std::move(body), base_url = std::move(base_url), content_type = std::move(content_type),
                   limits] { return feeds::parse_feed(body, base_url, content_type, limits); });
}

// GCC 12 reports a false -Wmismatched-new-delete for large coroutine frames: Asio's frame
// operator new/delete pair (aligned_new / aligned_delete) is seen through only on one side.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
boost::asio::awaitable<FetchOutcome> fetch_feed(net::HttpClient& http, const config::FeedConfig& feed,
                                                const config::PollConfig& poll, const store::FeedState& state,
                                                WorkerPool* pool) {
  FetchOutcome outcome;
  outcome.etag = state.etag;
  outcome.last_modified = state.last_modified;
  outcome.url = state.current_url.empty() ? feed.url : state.current_url;

  std::string url = outcome.url;
  bool permanent_so_far = true;
  net::HttpResponse response;
  for (int hop = 0;; ++hop) {
    const Millis left = poll.timeout - outcome.elapsed;
    if (left <= Millis(0))
      co_return fail(outcome, FailureClass::timeout, "timeout after " + format_duration(poll.timeout) + " of redirects");
    response = co_await http.async_fetch(feed_request(url, left, feed, poll, state), boost::asio::use_awaitable);
    outcome.elapsed += response.elapsed;
    outcome.status = response.status;
    if (response.error || !is_followed_redirect(response.status)) break;
    const std::string location(trim(response.header("location")));
    const std::string status = "HTTP " + std::to_string(response.status);
    if (location.empty()) co_return fail(outcome, FailureClass::redirect, status + " without a Location header");
    if (hop >= poll.max_redirects)
      co_return fail(outcome, FailureClass::redirect,
                     "more than " + std::to_string(poll.max_redirects) + " redirects (last: " + url + ")");
    std::string next = feeds::resolve_url(url, location);
    const std::string scheme = to_lower_ascii(next.substr(0, 8));
    if (!scheme.starts_with("http://") && !scheme.starts_with("https://"))
      co_return fail(outcome, FailureClass::redirect, status + " to a URL that is not http(s): " + location);
    if (scheme.starts_with("http://") && to_lower_ascii(url.substr(0, 8)) == "https://" && !feed.allow_https_downgrade)
      co_return fail(outcome, FailureClass::redirect,
                     status + " from https to http refused: " + next + " (set allow_https_downgrade on the feed)");
    if (permanent_so_far && is_permanent_redirect(response.status)) outcome.permanent_url = next;
    else permanent_so_far = false;
    url = std::move(next);
  }

  if (response.error) {
    const FailureClass failure = classify_response(response);
    co_return fail(outcome, failure, transport_error(response, poll));
  }
  outcome.max_age = parse_max_age(response.header("cache-control"));
  if (response.status == 429 || response.status == 503) {
    const std::string retry_after = response.header("retry-after");
    if (!retry_after.empty()) outcome.retry_after = parse_retry_after(retry_after, Clock::now());
  }
  if (response.status == 304) {
    outcome.result = FetchResult::not_modified;
    co_return outcome;
  }
  if (response.status < 200 || response.status > 299)
    co_return fail(outcome, classify_response(response), "HTTP " + std::to_string(response.status));
  if (pool != nullptr && response.body.size() >= kOffloadParseBytes)
    outcome.feed = co_await parse_on(*pool, std::move(response.body), url, response.header("content-type"), parse_limits(poll));
  else
    outcome.feed = feeds::parse_feed(response.body, url, response.header("content-type"), parse_limits(poll));
  if (!outcome.feed.ok()) co_return fail(outcome, FailureClass::not_a_feed, outcome.feed.error);
  // Like feedparser's bozo: the entries are usable, but whoever runs the feed should hear about it.
  if (outcome.feed.recovered) feed_log(feed.url).warn("feed {}: recovered: {}", feed.url, outcome.feed.warning);
  WebSubLinks links = parse_link_header(response.header("link"), url);
  for (auto& hub : outcome.feed.hubs)
    if (std::find(links.hubs.begin(), links.hubs.end(), hub) == links.hubs.end()) links.hubs.push_back(hub);
  outcome.hubs = std::move(links.hubs);
  outcome.self = !links.self.empty() ? links.self : outcome.feed.self;
  // Entries keep the configured URL as their feed, so a redirect does not make them look new.
  for (auto& article : outcome.feed.articles) article.feed_url = feed.url;
  outcome.result = FetchResult::updated;
  outcome.etag = response.header("etag");
  outcome.last_modified = response.header("last-modified");
  co_return outcome;
}

#pragma GCC diagnostic pop

}  // namespace newsalert::poll
