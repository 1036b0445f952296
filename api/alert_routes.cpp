// Recent alerts from the stories and the outbox's outcomes; feed health from the status report.
#include "api/alert_routes.hpp"

#include "common/text.hpp"
#include "common/time.hpp"
#include "store/replication.hpp"
#include "store/state_store.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <charconv>

namespace newsalert::api {

using nlohmann::json;

namespace {

constexpr std::size_t kDefaultLimit = 50;
constexpr std::size_t kMaxLimit = 1000;
constexpr Millis kDefaultSince = std::chrono::hours(24 * 7);

const char* kind_name(store::DeliveryState::Kind kind) {
  switch (kind) {
    case store::DeliveryState::Kind::pending: return "pending";
    case store::DeliveryState::Kind::delivered: return "delivered";
    default: return "dead";
  }
}

const char* story_state_name(store::StoryState state) {
  switch (state) {
    case store::StoryState::alerted: return "alerted";
    case store::StoryState::held: return "held";
    default: return "digested";
  }
}

json delivery_json(const store::DeliveryState& state) {
  json out = {{"webhook", state.webhook}, {"state", kind_name(state.kind)}};
  if (state.kind == store::DeliveryState::Kind::pending) out["next_attempt"] = format_rfc3339(state.at);
  else out["at"] = format_rfc3339(state.at);
  if (state.kind != store::DeliveryState::Kind::delivered) {
    out["attempts"] = state.attempts;
    out["last_error"] = state.last_error;
    out["id"] = state.id;
  }
  return out;
}

// What an alert's payload says matched, for the console to highlight: actors, regions, snippets.
// Digests and follow-ups carry none of their own.
void add_matches(json& out, const std::string& payload) {
  const json body = json::parse(payload, nullptr, false);
  if (!body.is_object() || !body.contains("article")) return;
  for (const char* key : {"actors", "regions", "snippets"}) out[key] = body.value(key, json::array());
  out["lang"] = body["article"].is_object() ? body["article"].value("lang", json()) : json();
  if (body.value("update", false)) out["update"] = true;
}

// A dead letter's headline: the article's title and link, or what kind of message it was.
json letter_subject(const std::string& payload) {
  const json body = json::parse(payload, nullptr, false);
  if (!body.is_object()) return {{"title", ""}, {"link", ""}};
  if (body.contains("article") && body["article"].is_object())
    return {{"title", body["article"].value("title", "")}, {"link", body["article"].value("link", "")}};
  if (body.value("type", "") == "digest")
    return {{"title", "digest of " + std::to_string(body.value("alerts", json::array()).size()) + " alerts"}, {"link", ""}};
  if (body.contains("story") && body["story"].is_object())
    return {{"title", "follow-up: " + body["story"].value("title", "")}, {"link", body["story"].value("link", "")}};
  return {{"title", ""}, {"link", ""}};
}

}  // namespace

Answer AlertRoutes::alerts(const std::string& query_text) const {
  auto query = parse_form(query_text);
  const std::string since_text = query["since"], limit_text = query["limit"];
  const auto since = since_text.empty() ? std::optional<Millis>(kDefaultSince) : parse_duration(since_text);
  if (!since) return error_answer(400, "since: expected a duration like 30m, 7d, got '" + since_text + "'");
  std::size_t limit = kDefaultLimit;
  if (!limit_text.empty()) {
    const auto [end, ec] = std::from_chars(limit_text.data(), limit_text.data() + limit_text.size(), limit);
    if (ec != std::errc() || end != limit_text.data() + limit_text.size() || limit == 0 || limit > kMaxLimit)
      return error_answer(400, "limit: expected a number from 1 to " + std::to_string(kMaxLimit) + ", got '" + limit_text + "'");
  }
  auto& store = host_.store();
  json out = json::array();
  for (const auto& story : store.stories().recent_stories(query["watchlist"], Clock::now() - *since, limit)) {
    json deliveries = json::array();
    for (const auto& state : store.outbox().delivery_states(story.alert_id)) deliveries.push_back(delivery_json(state));
    json alert = {{"id", story.alert_id},
                  {"watchlist", story.watchlist},
                  {"title", story.title},
                  {"link", story.link},
                  {"feed", story.feed_url},
                  {"first_seen", format_rfc3339(story.first_seen)},
                  {"state", story_state_name(story.state)},
                  {"copies", story.copies},
                  {"deliveries", std::move(deliveries)}};
    add_matches(alert, story.payload);
    out.push_back(std::move(alert));
  }
  return json_answer(200, json{{"alerts", std::move(out)}}.dump() + "\n");
}

Answer AlertRoutes::deliveries() const {
  auto& outbox = host_.store().outbox();
  json letters = json::array(), disabled = json::array();
  for (const auto& letter : outbox.dead_letters()) {
    json subject = letter_subject(letter.payload);
    letters.push_back({{"id", letter.id},
                       {"alert_id", letter.alert_id},
                       {"webhook", letter.webhook},
                       {"watchlist", letter.watchlist},
                       {"title", subject["title"]},
                       {"link", subject["link"]},
                       {"attempts", letter.attempts},
                       {"created", format_rfc3339(letter.created)},
                       {"failed", format_rfc3339(letter.failed)},
                       {"last_error", letter.last_error}});
  }
  for (const auto& endpoint : outbox.disabled_endpoints())
    disabled.push_back({{"webhook", endpoint.webhook},
                        {"url", endpoint.url},
                        {"reason", endpoint.reason},
                        {"since", format_rfc3339(endpoint.since)}});
  return json_answer(200, json{{"dead_letters", std::move(letters)}, {"disabled_webhooks", std::move(disabled)}}.dump() + "\n");
}

Answer AlertRoutes::retry(const std::string& id_text, const Caller& caller) {
  if (!caller.may_write) return error_answer(403, "token '" + caller.name + "' may only read");
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(id_text.data(), id_text.data() + id_text.size(), id);
  if (ec != std::errc() || end != id_text.data() + id_text.size()) return error_answer(404, "no dead letter " + id_text);
  auto& store = host_.store();
  const auto webhook = store.outbox().dead_letter_webhook(id);
  if (!webhook || !store::retry_on_conflict([&] { return store.outbox().retry_dead_letter(id, Clock::now()); }))
    return error_answer(404, "no dead letter " + id_text);
  spdlog::info("api: token '{}' requeued dead letter {} for webhook '{}'", caller.name, id, *webhook);
  host_.wake(*webhook);
  return json_answer(200, json{{"requeued", id}, {"webhook", *webhook}}.dump() + "\n");
}

}  // namespace newsalert::api
