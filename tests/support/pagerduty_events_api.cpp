// The Events API v2 stand-in: the documented event shape, dedup_key, and PagerDuty's answers.
#include "tests/support/pagerduty_events_api.hpp"

#include <algorithm>
#include <regex>

namespace newsalert::testing {

namespace {

using nlohmann::json;

bool nonempty_string(const json& j, const char* key) {
  return j.contains(key) && j[key].is_string() && !j[key].get<std::string>().empty();
}

void check_payload(const json& payload, std::vector<std::string>& out) {
  if (!payload.is_object()) {
    out.push_back("'payload' is missing or not an object");
    return;
  }
  if (!nonempty_string(payload, "summary")) out.push_back("'payload.summary' is missing or blank");
  else if (character_count(payload["summary"]) > 1024) out.push_back("'payload.summary' is longer than 1024 characters");
  if (!nonempty_string(payload, "source")) out.push_back("'payload.source' is missing or blank");
  static const std::vector<std::string> severities = {"critical", "error", "warning", "info"};
  if (!payload.contains("severity") || !payload["severity"].is_string() ||
      std::find(severities.begin(), severities.end(), payload["severity"].get<std::string>()) == severities.end())
    out.push_back("'payload.severity' must be one of critical, error, warning or info");
  static const std::regex iso8601(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2}))");
  if (payload.contains("timestamp") &&
      (!payload["timestamp"].is_string() || !std::regex_match(payload["timestamp"].get<std::string>(), iso8601)))
    out.push_back("'payload.timestamp' is not an ISO 8601 date and time");
  if (payload.contains("custom_details") && !payload["custom_details"].is_object())
    out.push_back("'payload.custom_details' must be an object");
}

void check_links(const json& event, std::vector<std::string>& out) {
  if (!event.contains("links")) return;
  if (!event["links"].is_array()) {
    out.push_back("'links' must be an array");
    return;
  }
  for (const auto& link : event["links"])
    if (!link.is_object() || !nonempty_string(link, "href") || (link.contains("text") && !link["text"].is_string()))
      out.push_back("each of 'links' needs an 'href' (and a string 'text')");
}

}  // namespace

std::vector<std::string> PagerDutyEventsApi::problems(const json& event) {
  std::vector<std::string> out;
  if (!event.is_object()) return {"JSON parse error"};
  if (!event.contains("routing_key") || !event["routing_key"].is_string())
    out.push_back("'routing_key' is missing");
  else if (event["routing_key"].get<std::string>().size() != 32)
    out.push_back("Length of 'routing_key' is incorrect (should be 32 characters)");
  if (event.value("event_action", "") != "trigger")
    out.push_back("'event_action' must be trigger (this receiver takes triggers only)");
  if (event.contains("dedup_key") && (!event["dedup_key"].is_string() || character_count(event["dedup_key"]) > 255))
    out.push_back("'dedup_key' must be a string of at most 255 characters");
  check_payload(event.value("payload", json()), out);
  check_links(event, out);
  return out;
}

PagerDutyEventsApi::PagerDutyEventsApi(HttpServer& server) {
  server.route("/v2/enqueue", [this](const RecordedRequest& request) { return handle(request); });
}

std::vector<PagerDutyAlert> PagerDutyEventsApi::alerts() const {
  std::lock_guard lock(mutex_);
  return alerts_;
}

Response PagerDutyEventsApi::refuse(const std::vector<std::string>& errors) {
  std::string joined;
  for (const auto& e : errors) joined += (joined.empty() ? "" : "; ") + e;
  refusals_.push_back(joined);
  const json body = {{"status", "invalid event"}, {"message", "Event object is invalid"}, {"errors", errors}};
  return {400, {{"Content-Type", "application/json"}}, body.dump()};
}

Response PagerDutyEventsApi::handle(const RecordedRequest& request) {
  std::lock_guard lock(mutex_);
  if (request.method != "POST") return {405, {}, ""};
  if (!request.header("content-type").starts_with("application/json")) return refuse({"JSON parse error"});
  const auto event = json::parse(request.body, nullptr, false);
  if (const auto found = problems(event); !found.empty()) return refuse(found);
  if (take_rate_limit()) return {429, {}, ""};
  const std::string routing_key = event["routing_key"];
  // Without a dedup_key PagerDuty makes one up: every such trigger is a new alert.
  std::string dedup_key = event.value("dedup_key", "");
  if (dedup_key.empty()) dedup_key = "generated-" + std::to_string(alerts_.size() + 1);
  const auto open = std::find_if(alerts_.begin(), alerts_.end(), [&](const PagerDutyAlert& a) {
    return a.routing_key == routing_key && a.dedup_key == dedup_key;
  });
  if (open != alerts_.end()) ++open->triggers;
  else alerts_.push_back({routing_key, dedup_key, event});
  const json ok = {{"status", "success"}, {"message", "Event processed"}, {"dedup_key", dedup_key}};
  return answer_or_drop({202, {{"Content-Type", "application/json"}}, ok.dump()});
}

}  // namespace newsalert::testing
