// The Opsgenie Create Alert stand-in: authorization, the documented fields and limits, alias
// deduplication, and Opsgenie's answers.
#include "tests/support/opsgenie_alert_api.hpp"

#include <algorithm>

namespace newsalert::testing {

namespace {

using nlohmann::json;

// The string fields of "Create Alert" and their limits in characters.
const std::vector<std::pair<std::string, std::size_t>>& string_fields() {
  static const std::vector<std::pair<std::string, std::size_t>> fields = {
      {"message", 130}, {"alias", 512}, {"description", 15000}, {"entity", 512},
      {"source", 100},  {"user", 100},  {"note", 25000}};
  return fields;
}

void check_tags(const json& tags, std::map<std::string, std::string>& out) {
  if (!tags.is_array() || tags.size() > 20) {
    out["tags"] = "Tags should be a list of at most 20 strings.";
    return;
  }
  for (const auto& tag : tags)
    if (!tag.is_string() || tag.get<std::string>().empty() || character_count(tag.get<std::string>()) > 50)
      out["tags"] = "Each tag should be a string of 1 to 50 characters.";
}

void check_details(const json& details, std::map<std::string, std::string>& out) {
  std::size_t total = 0;
  bool strings = details.is_object();
  if (strings)
    for (const auto& [key, value] : details.items()) {
      strings = strings && value.is_string();
      if (value.is_string()) total += character_count(key) + character_count(value.get<std::string>());
    }
  if (!strings) out["details"] = "Details should be a map of strings.";
  else if (total > 8000) out["details"] = "Details can not be longer than 8000 characters.";
}

}  // namespace

std::map<std::string, std::string> OpsgenieAlertApi::problems(const json& request) {
  std::map<std::string, std::string> out;
  if (!request.is_object()) return {{"body", "Could not parse the request body as JSON."}};
  if (!request.contains("message") || !request["message"].is_string() || request["message"].get<std::string>().empty())
    out["message"] = "Message can not be empty.";
  for (const auto& [field, limit] : string_fields()) {
    if (!request.contains(field) || out.contains(field)) continue;
    if (!request[field].is_string()) out[field] = field + " should be a string.";
    else if (character_count(request[field].get<std::string>()) > limit)
      out[field] = field + " can not be longer than " + std::to_string(limit) + " characters.";
  }
  if (request.contains("tags")) check_tags(request["tags"], out);
  if (request.contains("details")) check_details(request["details"], out);
  static const std::vector<std::string> priorities = {"P1", "P2", "P3", "P4", "P5"};
  if (request.contains("priority") && (!request["priority"].is_string() ||
                                       std::find(priorities.begin(), priorities.end(), request["priority"]) == priorities.end()))
    out["priority"] = "Priority should be one of [P1, P2, P3, P4, P5].";
  return out;
}

OpsgenieAlertApi::OpsgenieAlertApi(HttpServer& server, std::string key) : key_(std::move(key)) {
  server.route("/v2/alerts", [this](const RecordedRequest& request) { return handle(request); });
}

std::vector<OpsgenieAlert> OpsgenieAlertApi::alerts() const {
  std::lock_guard lock(mutex_);
  return alerts_;
}

Response OpsgenieAlertApi::answer(int status, const std::string& message, const std::map<std::string, std::string>& errors) {
  json body = {{"took", 0.01}, {"requestId", "req-" + std::to_string(++request_ids_)}};
  if (status == 202) {
    body["result"] = message;
  } else {
    body["message"] = message;
    std::string text = message;
    for (const auto& [field, error] : errors) text += " " + field + ": " + error;
    refusals_.push_back(text);
  }
  if (!errors.empty()) body["errors"] = errors;
  return {status, {{"Content-Type", "application/json"}}, body.dump()};
}

Response OpsgenieAlertApi::handle(const RecordedRequest& request) {
  std::lock_guard lock(mutex_);
  if (request.method != "POST") return answer(405, "Method not allowed.");
  if (request.header("authorization") != "GenieKey " + key_) return answer(401, "Could not authenticate");
  if (!request.header("content-type").starts_with("application/json"))
    return answer(415, "Content type should be application/json.");
  const auto body = json::parse(request.body, nullptr, false);
  if (const auto found = problems(body); !found.empty())
    return answer(422, "Request body is not processable. Please check the errors.", found);
  if (take_rate_limit()) return answer(429, "You are making too many requests!");
  // An open alert with the same alias takes the request: its count goes up, no new alert.
  const std::string alias = body.value("alias", "");
  const auto open = std::find_if(alerts_.begin(), alerts_.end(),
                                 [&](const OpsgenieAlert& a) { return !alias.empty() && a.request.value("alias", "") == alias; });
  if (open != alerts_.end()) ++open->count;
  else alerts_.push_back({body});
  return answer_or_drop(answer(202, "Request will be processed"));
}

}  // namespace newsalert::testing
