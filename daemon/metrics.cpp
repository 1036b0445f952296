// Prometheus text rendering of the daemon's metrics.
#include "daemon/metrics.hpp"

#include "common/url_redaction.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <numeric>

#include <fmt/format.h>

namespace newsalert::daemon {

namespace {

// Label values escape backslash, double quote and newline (exposition format).
std::string label(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

void header(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

// Shortest form that round-trips; Prometheus parses Go float syntax.
std::string number(double value) { return fmt::format("{}", value); }

double seconds_since_epoch(TimePoint t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

void process_metrics(std::string& out, TimePoint started) {
  rusage usage{};
  if (::getrusage(RUSAGE_SELF, &usage) == 0) {
    const double cpu = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                       static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
    header(out, "process_cpu_seconds_total", "counter", "User and system CPU time spent in seconds.");
    fmt::format_to(std::back_inserter(out), "process_cpu_seconds_total {}\n", number(cpu));
  }
  std::ifstream statm("/proc/self/statm");
  std::uint64_t pages_total = 0, pages_resident = 0;
  if (statm >> pages_total >> pages_resident) {
    const auto page = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
    header(out, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes.");
    fmt::format_to(std::back_inserter(out), "process_resident_memory_bytes {}\n", pages_resident * page);
    header(out, "process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.");
    fmt::format_to(std::back_inserter(out), "process_virtual_memory_bytes {}\n", pages_total * page);
  }
  std::error_code ec;
  std::size_t fds = 0;
  for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec); !ec && it != std::filesystem::directory_iterator();
       it.increment(ec))
    ++fds;
  if (!ec) {
    header(out, "process_open_fds", "gauge", "Number of open file descriptors.");
    fmt::format_to(std::back_inserter(out), "process_open_fds {}\n", fds);
  }
  header(out, "process_start_time_seconds", "gauge", "Start time of the process since the Unix epoch in seconds.");
  fmt::format_to(std::back_inserter(out), "process_start_time_seconds {}\n", number(seconds_since_epoch(started)));
}

// The _bucket (cumulative, then +Inf), _sum and _count lines of one histogram.
template <std::size_t N>
void histogram(std::string& out, std::string_view name, const std::array<double, N>& bounds,
               const std::array<std::uint64_t, N + 1>& counts, double sum, std::uint64_t count) {
  auto line = std::back_inserter(out);
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < N; ++i) {
    cumulative += counts[i];
    fmt::format_to(line, "{}_bucket{{le=\"{}\"}} {}\n", name, number(bounds[i]), cumulative);
  }
  fmt::format_to(line, "{}_bucket{{le=\"+Inf\"}} {}\n", name, cumulative + counts[N]);
  fmt::format_to(line, "{}_sum {}\n", name, number(sum));
  fmt::format_to(line, "{}_count {}\n", name, count);
}

}  // namespace

Metrics::Metrics() : started_(Clock::now()) {
  for (const char* result : {"updated", "not_modified", "failed"}) polls_[result] = 0;
  for (const char* result : {"accepted", "bad_signature", "unknown"}) pushes_[result] = 0;
}

void Metrics::loop_lag(double seconds) {
  std::size_t bucket = 0;
  while (bucket < kLagBuckets.size() && seconds > kLagBuckets[bucket]) ++bucket;
  ++lag_buckets_[bucket];
  lag_seconds_sum_ += seconds;
  ++lag_count_;
  lag_max_ = std::max(lag_max_, seconds);
}

void Metrics::websub_push(std::string_view result) { ++pushes_[std::string(result)]; }

void Metrics::feed_polled(const std::string& feed_url, std::string_view result, double seconds,
                          std::optional<TimePoint> success_at) {
  ++polls_[std::string(result)];
  std::size_t bucket = 0;
  while (bucket < kPollBuckets.size() && seconds > kPollBuckets[bucket]) ++bucket;
  ++poll_buckets_[bucket];
  poll_seconds_sum_ += seconds;
  ++poll_count_;
  if (const auto feed = last_success_.find(feed_url); feed != last_success_.end() && success_at) feed->second = success_at;
}

void Metrics::feed_known(const std::string& feed_url, std::optional<TimePoint> last_success) {
  last_success_[feed_url] = last_success;
}

void Metrics::forget_feed(const std::string& feed_url) { last_success_.erase(feed_url); }

void Metrics::articles_new(std::size_t count) { articles_new_ += count; }

void Metrics::alert_raised(const std::string& watchlist) { ++alerts_[watchlist]; }

void Metrics::delivery_outcome(const std::string& webhook, std::string_view result) {
  ++deliveries_[{webhook, std::string(result)}];
}

void Metrics::declare(const std::vector<std::string>& watchlists, const std::vector<std::string>& webhooks) {
  for (const auto& watchlist : watchlists) alerts_.try_emplace(watchlist, 0);
  for (const auto& webhook : webhooks)
    for (const char* result : {"delivered", "retry", "dead"}) deliveries_.try_emplace({webhook, result}, 0);
}

std::uint64_t Metrics::alerts_total() const {
  return std::accumulate(alerts_.begin(), alerts_.end(), std::uint64_t{0},
                         [](std::uint64_t sum, const auto& entry) { return sum + entry.second; });
}

std::uint64_t Metrics::polls_total() const { return poll_count_; }

std::string Metrics::render(std::size_t outbox_pending) const {
  std::string out;
  auto line = std::back_inserter(out);

  header(out, "newsalert_feed_polls_total", "counter", "Feed polls by result (updated, not_modified, failed).");
  for (const auto& [result, count] : polls_)
    fmt::format_to(line, "newsalert_feed_polls_total{{result=\"{}\"}} {}\n", label(result), count);

  header(out, "newsalert_feed_poll_duration_seconds", "histogram", "Time from request to parsed feed.");
  histogram(out, "newsalert_feed_poll_duration_seconds", kPollBuckets, poll_buckets_, poll_seconds_sum_, poll_count_);

  header(out, "newsalert_feed_last_success_timestamp_seconds", "gauge",
         "When each feed was last fetched successfully (200 or 304), since the Unix epoch; 0 if never.");
  // A scraper sees the URL with its secrets hidden; feeds whose URLs differ only there would share
  // a series, so the second and later get " (2)", " (3)" (in the order of their real URLs).
  std::map<std::string, int> shown;
  for (const auto& [url, when] : last_success_) {
    std::string feed = redact_url_secrets(url);
    if (const int n = ++shown[feed]; n > 1) feed += " (" + std::to_string(n) + ")";
    fmt::format_to(line, "newsalert_feed_last_success_timestamp_seconds{{feed=\"{}\"}} {}\n", label(feed),
                   when ? number(seconds_since_epoch(*when)) : "0");
  }

  header(out, "newsalert_articles_new_total", "counter", "Feed entries seen for the first time.");
  fmt::format_to(line, "newsalert_articles_new_total {}\n", articles_new_);

  header(out, "newsalert_alerts_total", "counter", "Watchlist matches on new entries.");
  for (const auto& [watchlist, count] : alerts_)
    fmt::format_to(line, "newsalert_alerts_total{{watchlist=\"{}\"}} {}\n", label(watchlist), count);

  header(out, "newsalert_deliveries_total", "counter", "Delivery attempts by webhook and result (delivered, retry, dead).");
  for (const auto& [key, count] : deliveries_)
    fmt::format_to(line, "newsalert_deliveries_total{{webhook=\"{}\",result=\"{}\"}} {}\n", label(key.first),
                   label(key.second), count);

  header(out, "newsalert_outbox_pending", "gauge", "Alerts waiting in the outbox for delivery.");
  fmt::format_to(line, "newsalert_outbox_pending {}\n", outbox_pending);

  header(out, "newsalert_event_loop_lag_seconds", "histogram",
         "How late the event loop ran its own 100 ms timer: time the loop was busy with other work.");
  histogram(out, "newsalert_event_loop_lag_seconds", kLagBuckets, lag_buckets_, lag_seconds_sum_, lag_count_);
  header(out, "newsalert_event_loop_lag_max_seconds", "gauge", "The longest event-loop lag seen since start.");
  fmt::format_to(line, "newsalert_event_loop_lag_max_seconds {}\n", number(lag_max_));

  header(out, "newsalert_http_transfers_total", "counter", "Finished HTTP transfers (polls, webhooks, WebSub).");
  fmt::format_to(line, "newsalert_http_transfers_total {}\n", runtime_.http_transfers);
  header(out, "newsalert_http_connections_total", "counter",
         "New connections opened by those transfers; the others reused a kept-alive or HTTP/2 connection.");
  fmt::format_to(line, "newsalert_http_connections_total {}\n", runtime_.http_connections);
  header(out, "newsalert_worker_jobs_total", "counter", "Parses and match batches moved off the event loop.");
  fmt::format_to(line, "newsalert_worker_jobs_total {}\n", runtime_.worker_jobs);
  header(out, "newsalert_state_pruned_rows_total", "counter", "Rows removed by state.retention.");
  fmt::format_to(line, "newsalert_state_pruned_rows_total {}\n", runtime_.pruned_rows);
  header(out, "newsalert_loop_restarts_total", "counter",
         "Supervised loops restarted after a failure, by kind (poll, delivery, websub, retention, admin, ...).");
  for (const auto& [kind, count] : runtime_.loop_restarts)
    fmt::format_to(line, "newsalert_loop_restarts_total{{loop=\"{}\"}} {}\n", label(kind), count);
  header(out, "newsalert_websub_subscriptions_active", "gauge", "Feeds with a verified WebSub subscription.");
  fmt::format_to(line, "newsalert_websub_subscriptions_active {}\n", runtime_.websub_active);
  header(out, "newsalert_websub_pushes_total", "counter",
         "WebSub content deliveries by result (accepted, bad_signature, unknown).");
  for (const auto& [result, count] : pushes_)
    fmt::format_to(line, "newsalert_websub_pushes_total{{result=\"{}\"}} {}\n", label(result), count);

  header(out, "newsalert_full_text_pages_total", "counter",
         "Article pages of new entries (full_text:) by outcome: extracted, cached, no_article, robots, failed, skipped.");
  for (const auto& [outcome, count] : runtime_.full_text_pages)
    fmt::format_to(line, "newsalert_full_text_pages_total{{outcome=\"{}\"}} {}\n", label(outcome), count);

  process_metrics(out, started_);
  return out;
}

}  // namespace newsalert::daemon
