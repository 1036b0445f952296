// newsalert-loadserver: N distinct loopback feeds for the polling load test, plus a webhook
// receiver. Feeds answer 304 when unchanged; every --publish-every a --fraction of them gets a
// new entry (whose text matches the bench watchlist) and the moment it appeared is recorded; the
// receiver records when each alert arrived. GET /stats on the feed port prints the figures;
// GET /polls-around?at=UNIX_MS when each feed was requested last before and first after a moment.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;

// GCC 12 reports a false -Wmismatched-new-delete for large coroutine frames (Asio's frame allocator).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace {

struct Options {
  unsigned short feed_port = 0;
  unsigned short hook_port = 0;
  std::size_t feeds = 1000;
  double fraction = 0.1;                      // of the feeds that get a new entry per publication
  std::chrono::milliseconds publish_every{60'000};
  std::chrono::milliseconds interval{60'000};   // the daemon's poll interval, to judge punctuality
  std::size_t entries = 10;                   // entries per document
};

double now_ms() {
  return std::chrono::duration<double, std::milli>(std::chrono::system_clock::now().time_since_epoch()).count();
}

struct Entry {
  std::string id;
  std::string title;
  std::string description;
  std::string pub_date;
};

struct Feed {
  std::vector<Entry> entries;   // newest first
  int version = 0;
  std::string body;             // cached document of this version
  std::string last_modified;    // HTTP date of this version
  std::vector<double> polls;    // when each request arrived (steady ms since start)
};

const char* kWords[] = {"council", "markets", "envoy",   "harbour", "budget", "drought", "summit",  "pipeline",
                        "border",  "talks",   "airport", "senate",  "convoy", "reactor", "protest", "tariff",
                        "cabinet", "ferry",   "mine",    "court",   "grain",  "drone",   "bridge",  "embassy"};

std::string rfc822(std::chrono::system_clock::time_point t) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const auto rank = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(rank, values.size() - 1)];
}

class LoadServer {
 public:
  LoadServer(asio::io_context& io, Options options)
      : io_(io), options_(options), feeds_(options.feeds), random_(42),
        feed_acceptor_(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), options.feed_port)),
        hook_acceptor_(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), options.hook_port)),
        started_(SteadyClock::now()), started_unix_ms_(now_ms()) {
    // Old, unremarkable entries: they are recorded at the first poll and raise no alert.
    const auto long_ago = std::chrono::system_clock::now() - std::chrono::hours(2);
    for (std::size_t i = 0; i < feeds_.size(); ++i) {
      for (std::size_t k = 0; k < options_.entries; ++k) {
        Entry e;
        e.id = "f" + std::to_string(i + 1) + "-old" + std::to_string(k);
        e.title = "Weather outlook " + std::to_string(k) + " for district " + std::to_string(i + 1);
        e.description = "Mild temperatures and light winds are expected across the district this week.";
        e.pub_date = rfc822(long_ago - std::chrono::minutes(10 * k));
        feeds_[i].entries.push_back(std::move(e));
      }
      render(i);
    }
  }

  unsigned short feed_port() const { return feed_acceptor_.local_endpoint().port(); }
  unsigned short hook_port() const { return hook_acceptor_.local_endpoint().port(); }

  void start() {
    asio::co_spawn(io_, accept(feed_acceptor_, false), asio::detached);
    asio::co_spawn(io_, accept(hook_acceptor_, true), asio::detached);
    asio::co_spawn(io_, publish_loop(), asio::detached);
  }

 private:
  double since_start() const {
    return std::chrono::duration<double, std::milli>(SteadyClock::now() - started_).count();
  }

  void render(std::size_t i) {
    Feed& feed = feeds_[i];
    std::string out;
    out.reserve(4096);
    out += "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\"><channel><title>Load feed ";
    out += std::to_string(i + 1);
    out += "</title><link>http://load.example/" + std::to_string(i + 1) + "</link>\n";
    for (const auto& e : feed.entries) {
      out += "<item><guid isPermaLink=\"false\">" + e.id + "</guid><title>" + e.title +
             "</title><link>http://load.example/" + e.id + "</link><description>" + e.description +
             "</description><pubDate>" + e.pub_date + "</pubDate></item>\n";
    }
    out += "</channel></rss>\n";
    feed.body = std::move(out);
    const std::time_t secs = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char date[64];
    std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    feed.last_modified = date;   // versions are a publication period apart, never within one second
  }

  void publish() {
    const auto count = static_cast<std::size_t>(options_.fraction * static_cast<double>(feeds_.size()) + 0.5);
    std::vector<std::size_t> order(feeds_.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::shuffle(order.begin(), order.end(), random_);
    const double at = now_ms();
    std::uniform_int_distribution<std::size_t> word(0, std::size(kWords) - 1);
    for (std::size_t n = 0; n < count && n < order.size(); ++n) {
      const std::size_t i = order[n];
      Feed& feed = feeds_[i];
      Entry e;
      e.id = "f" + std::to_string(i + 1) + "-n" + std::to_string(++published_);
      e.title = "Khamenei " + std::string(kWords[word(random_)]) + " " + kWords[word(random_)] + " order in Tehran, " +
                kWords[word(random_)] + " " + e.id;
      e.description = "Iran's supreme leader Khamenei spoke about the " + std::string(kWords[word(random_)]) + " and the " +
                      kWords[word(random_)] + " (" + e.id + ").";
      e.pub_date = rfc822(std::chrono::system_clock::now());
      appeared_[e.id] = at;
      feed.entries.insert(feed.entries.begin(), std::move(e));
      if (feed.entries.size() > options_.entries) feed.entries.pop_back();
      ++feed.version;
      render(i);
    }
  }

  asio::awaitable<void> publish_loop() {
    asio::steady_timer timer(io_);
    boost::system::error_code ec;
    auto next = SteadyClock::now();
    for (;;) {
      next += options_.publish_every;
      timer.expires_at(next);
      co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
      publish();
    }
  }

  asio::awaitable<void> accept(tcp::acceptor& acceptor, bool hook) {
    for (;;) {
      boost::system::error_code ec;
      tcp::socket socket = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
      (hook ? hook_connections_ : feed_connections_)++;
      asio::co_spawn(io_, session(std::move(socket), hook), asio::detached);
    }
  }

  asio::awaitable<void> session(tcp::socket socket, bool hook) {
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    boost::system::error_code ec;
    ++open_connections_;
    max_open_connections_ = std::max(max_open_connections_, open_connections_);
    for (;;) {
      http::request<http::string_body> request;
      co_await http::async_read(stream, buffer, request, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;
      http::response<http::string_body> response(http::status::ok, request.version());
      response.keep_alive(request.keep_alive());
      std::vector<std::string> first_served;
      if (hook) on_hook(request, response);
      else on_feed(request, response, first_served);
      response.prepare_payload();
      co_await http::async_write(stream, response, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;
      const double written = now_ms();
      for (auto& id : first_served) served_.emplace(std::move(id), written);
      if (!response.keep_alive()) break;
    }
    --open_connections_;
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  }

  void on_hook(const http::request<http::string_body>& request, http::response<http::string_body>& response) {
    const double at = now_ms();
    ++hook_requests_;
    try {
      const auto body = nlohmann::json::parse(request.body());
      const std::string id = body.at("article").at("id").get<std::string>();
      received_.emplace(id, at);
    } catch (const std::exception&) {
      ++hook_unreadable_;
    }
    response.set(http::field::content_type, "text/plain");
    response.body() = "ok\n";
  }

  void on_feed(const http::request<http::string_body>& request, http::response<http::string_body>& response,
               std::vector<std::string>& first_served) {
    const std::string target(request.target());
    if (target == "/stats") {
      response.set(http::field::content_type, "application/json");
      response.body() = stats().dump(2) + "\n";
      return;
    }
    if (const std::string around = "/polls-around?at="; target.rfind(around, 0) == 0) {
      response.set(http::field::content_type, "application/json");
      response.body() = polls_around(std::strtod(target.c_str() + around.size(), nullptr)).dump() + "\n";
      return;
    }
    std::size_t index = 0;
    if (target.rfind("/feed/", 0) != 0 || (index = std::strtoul(target.c_str() + 6, nullptr, 10)) == 0 ||
        index > feeds_.size()) {
      response.result(http::status::not_found);
      response.body() = "no such feed\n";
      return;
    }
    Feed& feed = feeds_[index - 1];
    feed.polls.push_back(since_start());
    const std::string etag = "\"" + std::to_string(index) + "-" + std::to_string(feed.version) + "\"";
    response.set(http::field::etag, etag);
    response.set(http::field::last_modified, feed.last_modified);
    // ETag first; If-Modified-Since for clients that only send that (an exact match of the date
    // this version was served with, as in tests/support).
    const bool etag_match = request[http::field::if_none_match] == etag;
    const bool date_match = request[http::field::if_none_match].empty() &&
                            request[http::field::if_modified_since] == feed.last_modified;
    if (etag_match || date_match) {
      response.result(http::status::not_modified);
      ++not_modified_;
      return;
    }
    ++full_;
    response.set(http::field::content_type, "application/rss+xml");
    response.body() = feed.body;
    for (const auto& e : feed.entries)
      if (appeared_.count(e.id) != 0 && served_.count(e.id) == 0) first_served.push_back(e.id);
  }

  // Feed index -> [its last request before `at`, its first at or after it] in Unix ms (null for
  // none): how long feeds went unpolled around a moment, e.g. a cluster node killed.
  nlohmann::json polls_around(double at) const {
    nlohmann::json out = nlohmann::json::object();
    const double offset = at - started_unix_ms_;
    for (std::size_t i = 0; i < feeds_.size(); ++i) {
      const auto& polls = feeds_[i].polls;   // in arrival order
      const auto after = std::lower_bound(polls.begin(), polls.end(), offset);
      nlohmann::json pair = {nullptr, nullptr};
      if (after != polls.begin()) pair[0] = started_unix_ms_ + *(after - 1);
      if (after != polls.end()) pair[1] = started_unix_ms_ + *after;
      out[std::to_string(i + 1)] = std::move(pair);
    }
    return out;
  }

  nlohmann::json stats() const {
    std::vector<double> appeared_to_received, served_to_received;
    std::size_t missing = 0;
    const double now = now_ms();
    for (const auto& [id, at] : appeared_) {
      const auto received = received_.find(id);
      if (received == received_.end()) {
        // Still within its first poll interval plus delivery: not missing yet.
        if (now - at > 2.5 * static_cast<double>(options_.interval.count())) ++missing;
        continue;
      }
      appeared_to_received.push_back(received->second - at);
      if (const auto served = served_.find(id); served != served_.end())
        served_to_received.push_back(received->second - served->second);
    }
    std::size_t gaps = 0, on_time = 0, polls = 0;
    const double limit = 1.1 * static_cast<double>(options_.interval.count());
    for (const auto& feed : feeds_) {
      polls += feed.polls.size();
      for (std::size_t k = 1; k < feed.polls.size(); ++k) {
        ++gaps;
        on_time += feed.polls[k] - feed.polls[k - 1] <= limit ? 1 : 0;
      }
    }
    nlohmann::json out;
    out["feeds"] = feeds_.size();
    out["uptime_s"] = since_start() / 1000.0;
    out["feed_requests"] = polls;
    out["responses_200"] = full_;
    out["responses_304"] = not_modified_;
    out["feed_connections_opened"] = feed_connections_;
    out["hook_connections_opened"] = hook_connections_;
    out["max_open_connections"] = max_open_connections_;
    out["poll_gaps"] = gaps;
    out["poll_gaps_within_interval_plus_10pct"] = on_time;
    out["on_time_share"] = gaps == 0 ? 0.0 : static_cast<double>(on_time) / static_cast<double>(gaps);
    out["entries_published"] = appeared_.size();
    out["webhooks_received"] = hook_requests_;
    out["webhooks_unreadable"] = hook_unreadable_;
    out["entries_alerted"] = appeared_to_received.size();
    out["entries_missing"] = missing;
    out["appeared_to_webhook_ms"] = {{"p50", percentile(appeared_to_received, 0.5)},
                                     {"p99", percentile(appeared_to_received, 0.99)},
                                     {"max", percentile(appeared_to_received, 1.0)}};
    out["served_to_webhook_ms"] = {{"count", served_to_received.size()},
                                   {"p50", percentile(served_to_received, 0.5)},
                                   {"p99", percentile(served_to_received, 0.99)},
                                   {"max", percentile(served_to_received, 1.0)}};
    return out;
  }

  asio::io_context& io_;
  Options options_;
  std::vector<Feed> feeds_;
  std::mt19937_64 random_;
  tcp::acceptor feed_acceptor_;
  tcp::acceptor hook_acceptor_;
  SteadyClock::time_point started_;
  double started_unix_ms_;   // the same moment on the system clock, to turn poll times into Unix ms
  std::size_t published_ = 0;
  std::unordered_map<std::string, double> appeared_;   // entry id -> when it was published (Unix ms)
  std::unordered_map<std::string, double> served_;     // entry id -> when a 200 carrying it was sent
  std::unordered_map<std::string, double> received_;   // entry id -> when its alert arrived
  std::size_t full_ = 0, not_modified_ = 0;
  std::size_t feed_connections_ = 0, hook_connections_ = 0;
  std::size_t open_connections_ = 0, max_open_connections_ = 0;
  std::size_t hook_requests_ = 0, hook_unreadable_ = 0;
};

int usage() {
  std::cerr << "usage: newsalert-loadserver [--feeds N] [--fraction F] [--publish-every SECONDS]\n"
               "                            [--interval SECONDS] [--entries K] [--port P] [--hook-port P]\n"
               "  prints 'feeds http://127.0.0.1:P/feed/<1..N>' and 'hook http://127.0.0.1:P/hook', then serves\n"
               "  until SIGINT/SIGTERM; GET /stats on the feed port returns the figures as JSON,\n"
               "  GET /polls-around?at=UNIX_MS each feed's last request before and first at or after then\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i + 1 >= argc) return usage();
    const std::string value = argv[++i];
    if (arg == "--feeds") options.feeds = std::stoul(value);
    else if (arg == "--fraction") options.fraction = std::stod(value);
    else if (arg == "--publish-every") options.publish_every = std::chrono::milliseconds(static_cast<long>(std::stod(value) * 1000));
    else if (arg == "--interval") options.interval = std::chrono::milliseconds(static_cast<long>(std::stod(value) * 1000));
    else if (arg == "--entries") options.entries = std::stoul(value);
    else if (arg == "--port") options.feed_port = static_cast<unsigned short>(std::stoul(value));
    else if (arg == "--hook-port") options.hook_port = static_cast<unsigned short>(std::stoul(value));
    else return usage();
  }
  asio::io_context io(1);
  LoadServer server(io, options);
  server.start();
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int) { io.stop(); });
  std::printf("feeds http://127.0.0.1:%u/feed/\nhook http://127.0.0.1:%u/hook\n", server.feed_port(), server.hook_port());
  std::fflush(stdout);
  io.run();
  return 0;
}
