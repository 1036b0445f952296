// One conditional GET of a feed, parsed: what the poll loop needs to know about this poll.
#pragma once

#include "config/config.hpp"
#include "feeds/feed_parser.hpp"
#include "net/http_client.hpp"
#include "store/state_store.hpp"

#include <boost/asio/awaitable.hpp>

#include <string>

namespace newsalert::feeds {

enum class FetchResult { updated, not_modified, failed };

struct FetchOutcome {
  FetchResult result = FetchResult::failed;
  ParsedFeed feed;              // when updated
  std::string etag;             // validators to keep: the new ones when updated, the old ones otherwise
  std::string last_modified;
  long status = 0;
  std::string error;            // when failed: "HTTP 503", "timeout: ...", "not a feed: ..."
  Millis elapsed{0};
};

// Sends the stored validators (If-None-Match / If-Modified-Since) so an unchanged feed costs a 304.
boost::asio::awaitable<FetchOutcome> fetch_feed(net::HttpClient& http, const config::FeedConfig& feed,
                                                const config::PollConfig& poll, const store::FeedState& state);

}  // namespace newsalert::feeds
