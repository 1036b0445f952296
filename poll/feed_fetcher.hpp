// One conditional GET of a feed, parsed: what the poll loop needs to know about this poll.
#pragma once

#include "config/config.hpp"
#include "feeds/feed_parser.hpp"
#include "net/http_client.hpp"
#include "poll/failure_class.hpp"
#include "store/state_store.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <optional>
#include <string>

namespace newsalert {
class WorkerPool;
}

namespace newsalert::poll {

enum class FetchResult { updated, not_modified, failed };

// Redirect hops followed per poll by default (poll.max_redirects) before FailureClass::redirect.
inline constexpr int kMaxFeedRedirects = 5;

struct FetchOutcome {
  FetchResult result = FetchResult::failed;
  feeds::ParsedFeed feed;       // when updated
  std::string etag;             // validators to keep: the new ones when updated, the old ones otherwise
  std::string last_modified;
  long status = 0;
  std::string error;            // when failed: "HTTP 503", "timeout: ...", "not a feed: ..."
  FailureClass failure = FailureClass::none;   // when failed
  Millis elapsed{0};
  std::string url;              // the URL requested first: the stored current URL, else the configured one
  // When the poll succeeded and its first redirect hops were 301/308: where the feed lives now
  // (the target of the last of those permanent hops). Empty otherwise.
  std::string permanent_url;
  std::optional<Millis> retry_after;   // Retry-After of a 429 or 503
  std::optional<Millis> max_age;       // Cache-Control: max-age of the final response
  // WebSub discovery (when updated): hubs and the topic URL from the Link header first, then the
  // document's rel="hub" / rel="self" links. Empty when the feed offers no hub.
  std::vector<std::string> hubs;
  std::string self;
};

// Documents at least this large are parsed on the worker pool (when one is given): below it a
// parse takes well under a millisecond and the hop between threads would cost more than it saves.
inline constexpr std::size_t kOffloadParseBytes = 256 * 1024;

// The parser's bounds from the poll settings (entries, field length, XML depth and attributes).
feeds::ParseLimits parse_limits(const config::PollConfig& poll);

// parse_feed on the pool's threads; the caller resumes on its own executor.
boost::asio::awaitable<feeds::ParsedFeed> parse_on(WorkerPool& pool, std::string body, std::string base_url,
                                                   std::string content_type, feeds::ParseLimits limits);

// Sends the stored validators (If-None-Match / If-Modified-Since) so an unchanged feed costs a 304.
// Polls state.current_url when set. Follows redirects itself (curl's following would hide which
// hops were permanent), with one poll.timeout for the whole chain. The feed's headers and basic
// auth go only to the origin of its configured URL, never to another host a redirect points at.
boost::asio::awaitable<FetchOutcome> fetch_feed(net::HttpClient& http, const config::FeedConfig& feed,
                                                const config::PollConfig& poll, const store::FeedState& state,
                                                WorkerPool* pool = nullptr);

}  // namespace newsalert::poll
