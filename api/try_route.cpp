// POST /v1/watchlists/{name}/try: a draft watchlist matched against the article texts the daemon
// kept (state.keep_text), with the same explanation as `match --explain`; nothing is saved.
#include "api/watchlist_routes.hpp"

#include "api/config_files.hpp"
#include "common/text.hpp"
#include "common/time.hpp"
#include "match/matcher.hpp"
#include "store/state_store.hpp"

#include <algorithm>

namespace newsalert::api {

using nlohmann::json;

namespace {

// The newest texts tried: a bound on the time one request holds a worker thread.
constexpr std::size_t kMaxTried = 5000;
constexpr Millis kDefaultSince = std::chrono::hours(24 * 7);
// Trying a watchlist of the main file validates the draft under another name beside it.
constexpr std::string_view kDraftSuffix = ".draft";

json explanation_json(const match::Explanation& ex) {
  json occurrences = json::array(), clauses = json::array(), ignored = json::array();
  for (const auto& o : ex.occurrences)
    occurrences.push_back({{"role", o.role}, {"term", o.term}, {"surface", o.surface}, {"field", o.field},
                           {"via", o.via}, {"weight", o.weight}});
  for (const auto& c : ex.clauses) clauses.push_back({{"depth", c.depth}, {"text", c.text}, {"held", c.held}});
  for (const auto& i : ex.ignored) ignored.push_back({{"surface", i.surface}, {"reason", i.reason}});
  return {{"verdict", ex.verdict}, {"score", ex.score},         {"min_score", ex.min_score},
          {"occurrences", occurrences}, {"clauses", clauses}, {"ignored", ignored}};
}

json article_json(const Article& article) {
  json out = {{"feed", article.feed_url}, {"feed_title", article.feed_title}, {"id", article.id},
              {"title", article.title},   {"link", article.link},             {"summary", article.summary}};
  out["published"] = article.published ? json(format_rfc3339(*article.published)) : json(nullptr);
  out["lang"] = article.lang.empty() ? json(nullptr) : json(article.lang);
  return out;
}

// The window to try a draft over: `since` of the query, or for a JSON draft of its body; nullopt
// when the body's is not a string.
std::optional<std::string> window_of(const Request& request) {
  std::string since = parse_form(request.query)["since"];
  if (is_yaml(request.content_type)) return since;
  const json body = json::parse(request.body, nullptr, false);
  if (!body.is_object() || !body.contains("since")) return since;
  if (!body["since"].is_string()) return std::nullopt;
  return body["since"].get<std::string>();
}

}  // namespace

Routed WatchlistRoutes::try_draft(const std::string& name, const Request& request) const {
  const auto* existing = find(name);
  const std::string as_name = existing && existing->file.empty() ? name + std::string(kDraftSuffix) : name;
  const auto window = window_of(request);
  if (!window) return error_answer(400, "since: expected a duration like 1h or 7d, as a string");
  const auto since = window->empty() ? std::optional<Millis>(kDefaultSince) : parse_duration(*window);
  if (!since) return error_answer(400, "since: expected a duration like 1h or 7d, got '" + *window + "'");
  auto articles = host_.store().articles().recent_texts(Clock::now() - *since, kMaxTried);
  return Job([files = files(), name, as_name, request, articles = std::move(articles), window = *since] {
    auto checked = draft(files, name, request, as_name);
    if (auto* refusal = std::get_if<Answer>(&checked)) return std::move(*refusal);
    const auto& watchlists = std::get<Draft>(checked).config.watchlists;
    config::WatchlistConfig draft_watchlist = *std::find_if(
        watchlists.begin(), watchlists.end(), [&](const config::WatchlistConfig& w) { return w.name == as_name; });
    draft_watchlist.name = name;
    const match::Matcher matcher({draft_watchlist});
    json alerts = json::array();
    for (const auto& article : articles) {
      if (matcher.match(article).empty()) continue;
      const auto explanations = matcher.explain(article);
      alerts.push_back({{"article", article_json(article)},
                        {"explanation", explanations.empty() ? json(nullptr) : explanation_json(explanations.front())}});
    }
    return json_answer(200, json{{"watchlist", draft_watchlist.name},
                                 {"since", format_duration(window)},
                                 {"articles_tried", articles.size()},
                                 {"complete", articles.size() < kMaxTried},
                                 {"alerts", std::move(alerts)}}
                                .dump() +
                                "\n");
  });
}

}  // namespace newsalert::api
