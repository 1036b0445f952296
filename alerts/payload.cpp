// Builds alert ids and JSON payloads.
#include "alerts/payload.hpp"

#include "common/crypto.hpp"
#include "common/text.hpp"

#include <cctype>

namespace newsalert::alerts {

namespace {

nlohmann::json optional_time(const std::optional<TimePoint>& t) {
  return t ? nlohmann::json(format_rfc3339(*t)) : nlohmann::json(nullptr);
}

nlohmann::json hits_json(const std::vector<match::TermHit>& hits) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& hit : hits) out.push_back({{"name", hit.name}, {"matched", hit.surface_forms}});
  return out;
}

bool is_tracking_param(std::string_view param) {
  const auto name = param.substr(0, param.find('='));
  return name.starts_with("utm_") || name == "fbclid" || name == "gclid" || name == "mc_cid" || name == "mc_eid";
}

std::string normalize_link(std::string_view link) {
  std::string_view rest = link.substr(0, link.find('#'));
  const auto scheme_end = rest.find("://");
  if (scheme_end == std::string_view::npos) return std::string(rest);
  const auto host_end = rest.find_first_of("/?", scheme_end + 3);
  std::string out = to_lower_ascii(rest.substr(0, host_end));
  if (host_end == std::string_view::npos) return out + "/";
  rest.remove_prefix(host_end);
  const auto query = rest.find('?');
  out += rest.substr(0, query);
  if (query == std::string_view::npos) return out;
  std::string kept;
  std::string_view params = rest.substr(query + 1);
  while (!params.empty()) {
    const auto amp = params.find('&');
    const auto param = params.substr(0, amp);
    if (!param.empty() && !is_tracking_param(param)) {
      kept += kept.empty() ? "?" : "&";
      kept += param;
    }
    if (amp == std::string_view::npos) break;
    params.remove_prefix(amp + 1);
  }
  return out + kept;
}

// The start of a page's main text for the payload: about kExcerptBytes, cut between words and
// never inside a UTF-8 sequence. Receivers get the gist; the whole article stays at its link.
std::string excerpt_of(std::string_view text) {
  if (text.size() <= kExcerptBytes) return std::string(text);
  std::size_t end = kExcerptBytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  if (const auto space = text.substr(0, end).find_last_of(" \n"); space != std::string_view::npos && space > end / 2)
    end = space;
  return std::string(text.substr(0, end)) + "\u2026";
}

}  // namespace

std::string article_key(const Article& article) {
  if (!article.link.empty()) return normalize_link(article.link);
  return article.feed_url + "#" + article.id;
}

std::string alert_id(const std::string& watchlist, const Article& article) {
  return "na_" + sha256_hex(watchlist + "\n" + article_key(article)).substr(0, 32);
}

nlohmann::json match_json(const match::Match& match, const Article& article) {
  return {
      {"watchlist", match.watchlist},
      {"article",
       {{"id", article.id},
        {"title", article.title},
        {"link", article.link},
        {"published", optional_time(article.published)},
        {"lang", article.lang.empty() ? nlohmann::json(nullptr) : nlohmann::json(article.lang)}}},
      {"actors", hits_json(match.actors)},
      {"regions", hits_json(match.regions)},
      {"score", match.score},
      {"snippets", match.snippets},
  };
}

nlohmann::json alert_payload(const match::Match& match, const Article& article, const std::string& id,
                             TimePoint detected_at) {
  nlohmann::json body = match_json(match, article);
  body["id"] = id;
  body["article"]["feed"] = {{"title", article.feed_title}, {"url", article.feed_url}};
  if (!article.full_text.empty()) body["article"]["excerpt"] = excerpt_of(article.full_text);
  body["detected_at"] = format_rfc3339(detected_at);
  return body;
}

std::string update_alert_id(const std::string& watchlist, const Article& article, const std::string& fingerprint) {
  return "na_" + sha256_hex(watchlist + "\nupdate\n" + article_key(article) + "\n" + fingerprint).substr(0, 32);
}

nlohmann::json update_payload(const match::Match& match, const Article& article, const std::string& id,
                              const UpdateChanges& changes, TimePoint detected_at) {
  nlohmann::json body = alert_payload(match, article, id, detected_at);
  body["update"] = true;
  body["changes"] = {{"newly_matched", changes.newly_matched},
                     {"added_actors", changes.added_actors},
                     {"added_regions", changes.added_regions},
                     {"previous_title", changes.previous_title ? nlohmann::json(*changes.previous_title) : nlohmann::json(nullptr)}};
  return body;
}

nlohmann::json digest_payload(const std::string& watchlist, const std::string& id,
                              const std::vector<nlohmann::json>& alerts, TimePoint now) {
  return {{"id", id},
          {"type", "digest"},
          {"watchlist", watchlist},
          {"alerts", alerts},
          {"detected_at", format_rfc3339(now)}};
}

std::string digest_id(const std::string& watchlist, const std::string& first_alert_id) {
  return "na_" + sha256_hex(watchlist + "\ndigest\n" + first_alert_id).substr(0, 32);
}

nlohmann::json follow_up_payload(const std::string& watchlist, const std::string& id, const std::string& story_id,
                                 const std::string& title, const std::string& link,
                                 const std::vector<StoryCopyView>& copies, TimePoint now) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& c : copies)
    list.push_back({{"feed", c.feed}, {"title", c.title}, {"link", c.link}, {"seen", format_rfc3339(c.seen)}});
  return {{"id", id},
          {"type", "follow_up"},
          {"watchlist", watchlist},
          {"story", {{"id", story_id}, {"title", title}, {"link", link}}},
          {"copies", list},
          {"detected_at", format_rfc3339(now)}};
}

std::string follow_up_id(const std::string& story_alert_id) {
  return "na_" + sha256_hex(story_alert_id + "\nfollow-up").substr(0, 32);
}

nlohmann::json article_json(const Article& article) {
  return {
      {"feed_title", article.feed_title},
      {"feed_url", article.feed_url},
      {"id", article.id},
      {"title", article.title},
      {"link", article.link},
      {"published", optional_time(article.published)},
      {"updated", optional_time(article.updated)},
      {"authors", article.authors},
      {"categories", article.categories},
      {"summary", article.summary},
      {"content", article.content},
      {"image", article.image},
      {"lang", article.lang.empty() ? nlohmann::json(nullptr) : nlohmann::json(article.lang)},
  };
}

}  // namespace newsalert::alerts
