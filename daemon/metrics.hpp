// Counters, gauges and a histogram about polls, alerts and deliveries, rendered for Prometheus.
#pragma once

#include "common/time.hpp"

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace newsalert::daemon {

// Updated on the event-loop thread at the points the daemon already observes (poll outcome,
// commit, delivery outcome) and read there by the admin listener, so it needs no locking.
class Metrics {
 public:
  // Upper bounds of the poll duration histogram, in seconds (+Inf is implied).
  static constexpr std::array<double, 10> kPollBuckets{0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};

  // Upper bounds of the event-loop lag histogram, in seconds: fine at the low end, where a healthy
  // loop lives, so a p99 can be read from it.
  static constexpr std::array<double, 14> kLagBuckets{0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02,
                                                      0.05,   0.1,    0.25,  0.5,   1,     2.5,  10};

  // Figures read from other parts (HTTP client, worker pool, WebSub) when /metrics is rendered.
  struct Runtime {
    std::uint64_t http_transfers = 0;     // finished transfers
    std::uint64_t http_connections = 0;   // new connections they opened (the rest reused one)
    std::uint64_t worker_jobs = 0;        // parses and match batches run on the worker pool
    std::size_t websub_active = 0;        // feeds with a verified subscription
    std::uint64_t pruned_rows = 0;        // rows removed by retention
    std::map<std::string, std::uint64_t> loop_restarts;   // supervised loops restarted, by kind
    std::map<std::string, std::uint64_t> full_text_pages;   // article pages by outcome (full_text:)
  };

  Metrics();

  // result: "updated", "not_modified" or "failed". success_at: set when the poll succeeded.
  void feed_polled(const std::string& feed_url, std::string_view result, double seconds,
                   std::optional<TimePoint> success_at);
  // A configured feed, with its last success from the state database (survives restarts).
  void feed_known(const std::string& feed_url, std::optional<TimePoint> last_success);
  // A feed no longer in the config stops being reported.
  void forget_feed(const std::string& feed_url);
  void articles_new(std::size_t count);
  void alert_raised(const std::string& watchlist);
  // result: "delivered", "retry" or "dead".
  void delivery_outcome(const std::string& webhook, std::string_view result);
  // How late the loop's own periodic timer fired.
  void loop_lag(double seconds);
  // A content distribution request: "accepted", "bad_signature", "unknown" (no such subscription).
  void websub_push(std::string_view result);
  void set_runtime(const Runtime& runtime) { runtime_ = runtime; }
  // Labels that exist before their first event, so dashboards see zeros instead of gaps.
  void declare(const std::vector<std::string>& watchlists, const std::vector<std::string>& webhooks);

  std::uint64_t alerts_total() const;
  std::uint64_t polls_total() const;

  // The text exposition format (version 0.0.4), with process_* metrics read from /proc.
  std::string render(std::size_t outbox_pending) const;

 private:
  std::map<std::string, std::uint64_t, std::less<>> polls_;   // by result
  std::array<std::uint64_t, kPollBuckets.size() + 1> poll_buckets_{};
  double poll_seconds_sum_ = 0;
  std::uint64_t poll_count_ = 0;
  std::uint64_t articles_new_ = 0;
  std::map<std::string, std::uint64_t> alerts_;                                // by watchlist
  std::map<std::pair<std::string, std::string>, std::uint64_t> deliveries_;   // by (webhook, result)
  std::map<std::string, std::optional<TimePoint>> last_success_;               // by feed URL
  TimePoint started_;
  std::array<std::uint64_t, kLagBuckets.size() + 1> lag_buckets_{};
  double lag_seconds_sum_ = 0;
  std::uint64_t lag_count_ = 0;
  double lag_max_ = 0;
  std::map<std::string, std::uint64_t, std::less<>> pushes_;   // by result
  Runtime runtime_;
};

}  // namespace newsalert::daemon
