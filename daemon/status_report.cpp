// JSON and table forms of the daemon's status.
#include "daemon/status_report.hpp"

#include "common/log_escape.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <stdexcept>

namespace newsalert::daemon {

using nlohmann::json;

namespace {

json time_json(const std::optional<TimePoint>& t) { return t ? json(format_rfc3339(*t)) : json(nullptr); }

// RFC 3339 UTC back to a time point ("2024-08-01T12:00:00Z"); the daemon only writes this form.
std::optional<TimePoint> parse_time(const json& value, const std::string& field) {
  if (value.is_null()) return std::nullopt;
  if (!value.is_string()) throw std::runtime_error(field + ": expected a time or null");
  const std::string text = value.get<std::string>();
  std::tm tm{};
  int year = 0, month = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2dZ", &year, &month, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
                  &tm.tm_sec) != 6)
    throw std::runtime_error(field + ": expected an RFC 3339 time, got '" + text + "'");
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  return Clock::from_time_t(::timegm(&tm));
}

// "12s ago", "in 4m48s", "-" for no time; whole seconds are enough for people.
std::string relative(const std::optional<TimePoint>& t, TimePoint now) {
  if (!t) return "-";
  const auto diff = std::chrono::duration_cast<std::chrono::seconds>(*t - now);
  if (diff.count() == 0) return "now";
  const std::string amount = format_duration(std::chrono::duration_cast<Millis>(diff.count() < 0 ? -diff : diff));
  return diff.count() < 0 ? amount + " ago" : "in " + amount;
}

template <class T>
T field(const json& object, const char* name) {
  if (!object.contains(name)) throw std::runtime_error(std::string("missing field '") + name + "'");
  try {
    return object.at(name).get<T>();
  } catch (const json::exception&) {
    throw std::runtime_error(std::string("field '") + name + "' has the wrong type");
  }
}

}  // namespace

json StatusReport::to_json() const {
  json feed_list = json::array();
  for (const auto& feed : feeds)
    feed_list.push_back({{"url", feed.url},
                         {"title", feed.title},
                         {"last_result", feed.last_result},
                         {"last_poll", time_json(feed.last_poll)},
                         {"last_success", time_json(feed.last_success)},
                         {"next_poll", time_json(feed.next_poll)},
                         {"error_streak", feed.error_streak},
                         {"last_error", feed.last_error},
                         {"owner", feed.owner}});
  json loop_list = json::array();
  for (const auto& loop : loops)
    loop_list.push_back({{"kind", loop.kind},
                         {"name", loop.name},
                         {"restarts", loop.restarts},
                         {"failing", loop.failing},
                         {"last_error", loop.last_error},
                         {"last_failure", time_json(loop.last_failure)}});
  json out = {{"version", version},
          {"config_file", config_file},
          {"started", format_rfc3339(started)},
          {"config_loaded", format_rfc3339(config_loaded)},
          {"ready", ready},
          {"watchlists", watchlists},
          {"webhooks", webhooks},
          {"outbox_pending", outbox_pending},
          {"alerts_total", alerts_total},
          {"polls_total", polls_total},
          {"feeds", std::move(feed_list)},
          {"loops", std::move(loop_list)}};
  if (cluster)
    out["cluster"] = {{"node", cluster->node},         {"accepted", cluster->accepted},
                      {"refusal", cluster->refusal},   {"workers", cluster->workers},
                      {"members", cluster->members},   {"log_position", cluster->log_position},
                      {"log_conflicts", cluster->log_conflicts}, {"log_rebased", cluster->log_rebased}};
  return out;
}

StatusReport StatusReport::from_json(const json& object) {
  if (!object.is_object()) throw std::runtime_error("expected a JSON object");
  StatusReport report;
  report.version = field<std::string>(object, "version");
  report.config_file = field<std::string>(object, "config_file");
  report.started = parse_time(object.value("started", json(nullptr)), "started").value_or(TimePoint{});
  report.config_loaded = parse_time(object.value("config_loaded", json(nullptr)), "config_loaded").value_or(TimePoint{});
  report.ready = field<bool>(object, "ready");
  report.watchlists = field<std::size_t>(object, "watchlists");
  report.webhooks = field<std::size_t>(object, "webhooks");
  report.outbox_pending = field<std::size_t>(object, "outbox_pending");
  report.alerts_total = field<std::uint64_t>(object, "alerts_total");
  report.polls_total = field<std::uint64_t>(object, "polls_total");
  const json feeds = field<json>(object, "feeds");
  if (!feeds.is_array()) throw std::runtime_error("field 'feeds' is not a list");
  for (const auto& item : feeds) {
    FeedStatus feed;
    feed.url = field<std::string>(item, "url");
    feed.title = field<std::string>(item, "title");
    feed.last_result = field<std::string>(item, "last_result");
    feed.last_poll = parse_time(item.value("last_poll", json(nullptr)), "last_poll");
    feed.last_success = parse_time(item.value("last_success", json(nullptr)), "last_success");
    feed.next_poll = parse_time(item.value("next_poll", json(nullptr)), "next_poll");
    feed.error_streak = field<int>(item, "error_streak");
    feed.last_error = field<std::string>(item, "last_error");
    feed.owner = item.value("owner", std::string());
    report.feeds.push_back(std::move(feed));
  }
  // Absent from daemons older than supervised loops.
  for (const auto& item : object.value("loops", json::array())) {
    LoopReport loop;
    loop.kind = field<std::string>(item, "kind");
    loop.name = field<std::string>(item, "name");
    loop.restarts = field<std::uint64_t>(item, "restarts");
    loop.failing = field<bool>(item, "failing");
    loop.last_error = field<std::string>(item, "last_error");
    loop.last_failure = parse_time(item.value("last_failure", json(nullptr)), "last_failure");
    report.loops.push_back(std::move(loop));
  }
  if (object.contains("cluster")) {
    const json& c = object.at("cluster");
    ClusterStatus cs;
    cs.node = field<std::string>(c, "node");
    cs.accepted = field<bool>(c, "accepted");
    cs.refusal = field<std::string>(c, "refusal");
    cs.workers = field<std::vector<std::string>>(c, "workers");
    cs.members = field<std::vector<std::string>>(c, "members");
    cs.log_position = field<std::uint64_t>(c, "log_position");
    cs.log_conflicts = field<std::uint64_t>(c, "log_conflicts");
    cs.log_rebased = field<std::uint64_t>(c, "log_rebased");
    report.cluster = std::move(cs);
  }
  return report;
}

std::string StatusReport::table(TimePoint now) const {
  std::size_t failing = 0;
  for (const auto& feed : feeds) failing += feed.error_streak > 0 ? 1 : 0;
  // The text comes from the daemon (or whatever answers at its address) and holds what servers
  // said: escaped, so a row stays a row and the terminal obeys nothing in it.
  const auto safe = [](std::string_view text) { return escape_for_log(text); };
  std::string out = fmt::format(
      "newsalertd {}, up {}, {}\nconfig {} (loaded {})\n{} feeds ({} failing), {} watchlists, {} webhooks; "
      "{} polls and {} alerts since start, {} alerts pending\n\n",
      safe(version), format_duration(std::chrono::duration_cast<std::chrono::seconds>(std::max(now - started, Clock::duration{}))), ready ? "ready" : "not ready",
      safe(config_file), relative(config_loaded, now), feeds.size(), failing, watchlists, webhooks, polls_total,
      alerts_total, outbox_pending);
  for (const auto& loop : loops)
    out += fmt::format("{} loop {}: {} restart(s), {}; last error {}: {}\n", safe(loop.kind), safe(loop.name), loop.restarts,
                       loop.failing ? "failing" : "recovered", relative(loop.last_failure, now), safe(loop.last_error));
  if (!loops.empty()) out += '\n';
  if (cluster) {
    out += fmt::format("cluster node {}: {}; workers {}; members {}; state at log entry {} ({} lost races, {} of them kept)\n\n",
                       safe(cluster->node), cluster->accepted ? "taking work" : "no work: " + safe(cluster->refusal),
                       safe(fmt::format("{}", fmt::join(cluster->workers, ", "))),
                       safe(fmt::format("{}", fmt::join(cluster->members, ", "))), cluster->log_position,
                       cluster->log_conflicts, cluster->log_rebased);
  }

  std::size_t width = 4;
  const auto name = [&](const FeedStatus& feed) { return safe(feed.title.empty() ? feed.url : feed.title + " " + feed.url); };
  for (const auto& feed : feeds) width = std::max(width, std::min<std::size_t>(name(feed).size(), 60));
  const auto row = [&](std::string_view feed, std::string_view last, std::string_view result, std::string_view next,
                       std::string_view errors, std::string_view error) {
    std::string shown(feed);
    if (shown.size() > width) shown = shown.substr(0, width - 3) + "...";
    out += fmt::format("{:<{}}  {:<10}  {:<12}  {:<10}  {:>6}  {}", shown, width, last, result, next, errors, error);
    while (!out.empty() && out.back() == ' ') out.pop_back();
    out += '\n';
  };
  row("FEED", "LAST POLL", "RESULT", "NEXT POLL", "ERRORS", cluster ? "NODE  LAST ERROR" : "LAST ERROR");
  for (const auto& feed : feeds)
    row(name(feed), relative(feed.last_poll, now), safe(feed.last_result), relative(feed.next_poll, now),
        std::to_string(feed.error_streak),
        cluster ? safe((feed.owner.empty() ? "-" : feed.owner) + "  " + feed.last_error) : safe(feed.last_error));
  return out;
}

}  // namespace newsalert::daemon
