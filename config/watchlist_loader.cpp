// The watchlists: and region_groups: sections: the actors and regions to watch for, and what makes an alert.
#include "config/config_loader.hpp"

#include "common/text.hpp"
#include "config/language_codes.hpp"
#include "config/loader_helpers.hpp"

#include <algorithm>
#include <charconv>
#include <map>

namespace newsalert::config {

using namespace std::chrono_literals;
using detail::describe;
using detail::index_field;
using detail::is_name;
using detail::line_of;
using detail::quote;

namespace {

// "22:00-07:00" as minutes since midnight; nullopt when malformed or empty.
std::optional<std::pair<int, int>> parse_quiet_hours(std::string_view text) {
  const auto clock = [](std::string_view t) -> std::optional<int> {
    t = trim(t);
    int h = 0, m = 0;
    const auto colon = t.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    const auto hs = t.substr(0, colon), ms = t.substr(colon + 1);
    if (hs.empty() || hs.size() > 2 || ms.size() != 2) return std::nullopt;
    if (std::from_chars(hs.data(), hs.data() + hs.size(), h).ptr != hs.data() + hs.size()) return std::nullopt;
    if (std::from_chars(ms.data(), ms.data() + ms.size(), m).ptr != ms.data() + ms.size()) return std::nullopt;
    if (h < 0 || h > 24 || m < 0 || m > 59 || (h == 24 && m != 0)) return std::nullopt;
    return h * 60 + m;
  };
  const auto dash = text.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  const auto from = clock(text.substr(0, dash)), to = clock(text.substr(dash + 1));
  if (!from || !to || *from == *to) return std::nullopt;
  return std::pair{*from, *to};
}

}  // namespace

// Each alias is a string, or `{alias: X, languages: [..]}` for one meant for those languages only.
void ConfigLoader::load_aliases(const YAML::Node& node, const std::string& field, Term& term) {
  if (!expect_list(node, field)) return;
  std::size_t i = 0;
  bool tagged = false;
  std::vector<std::vector<std::string>> languages;
  for (auto it = node.begin(); it != node.end(); ++it, ++i) {
    const std::string item_field = index_field(field, i);
    std::optional<std::string> alias;
    std::vector<std::string> alias_languages;
    if (it->IsMap()) {
      bool has_alias = false;
      for (const auto& [key, value] : entries(*it, item_field, {"alias", "languages"})) {
        if (key.Scalar() == "alias") {
          has_alias = true;
          alias = get_string(value, item_field + ".alias");
        } else if (auto codes = get_languages(value, item_field + ".languages")) {
          if (codes->empty()) error(value, item_field + ".languages: must list at least one language");
          alias_languages = std::move(*codes);
        }
      }
      if (!has_alias) error(*it, item_field + ": missing required key 'alias'");
    } else {
      alias = get_string(*it, item_field);
    }
    if (alias && alias->empty()) {
      error(*it, item_field + ": must not be empty");
      alias.reset();
    }
    if (!alias) continue;
    tagged = tagged || !alias_languages.empty();
    term.aliases.push_back(std::move(*alias));
    languages.push_back(std::move(alias_languages));
  }
  if (tagged) term.alias_languages = std::move(languages);
}

// A list of ISO 639-1 codes; an unknown one is reported at its own line.
std::optional<std::vector<std::string>> ConfigLoader::get_languages(const YAML::Node& node, const std::string& field) {
  auto codes = get_string_list(node, field);
  if (!codes) return std::nullopt;
  bool ok = true;
  for (std::size_t i = 0; i < codes->size(); ++i) {
    if (is_language_code((*codes)[i])) continue;
    error(node[i], index_field(field, i) + ": " + quote((*codes)[i]) +
                       " is not an ISO 639-1 language code (two lower-case letters, like en, fr, zh)");
    ok = false;
  }
  if (!ok) return std::nullopt;
  return codes;
}

std::vector<Term> ConfigLoader::load_terms(const YAML::Node& node, const std::string& field, bool regions) {
  std::vector<Term> terms;
  if (node.IsNull()) return terms;
  if (!expect_list(node, field)) return terms;
  std::size_t i = 0;
  for (auto it = node.begin(); it != node.end(); ++it, ++i) {
    const YAML::Node item = *it;
    const std::string item_field = index_field(field, i);
    Term term;
    if (item.IsScalar()) {
      term.name = item.Scalar();
    } else if (item.IsMap()) {
      bool has_name = false;
      const std::vector<std::string_view> known = regions ? std::vector<std::string_view>{"name", "aliases", "weight", "members"}
                                                          : std::vector<std::string_view>{"name", "aliases", "weight", "context",
                                                                                          "not_near", "variants"};
      for (const auto& [key, value] : entries(item, item_field, known)) {
        const std::string& k = key.Scalar();
        if (k == "name") {
          has_name = true;
          if (const auto n = get_string(value, item_field + ".name")) term.name = *n;
        } else if (k == "weight") {
          if (const auto w = get_number(value, item_field + ".weight", 0)) term.weight = *w;
        } else if (k == "members") {
          if (const auto members = get_string_list(value, item_field + ".members")) term.members = *members;
        } else if (k == "context" || k == "not_near") {
          if (const auto words = get_string_list(value, item_field + "." + k)) {
            if (words->empty()) error(value, item_field + "." + k + ": must list at least one word");
            (k == "context" ? term.context : term.not_near) = *words;
          }
        } else if (k == "variants") {
          if (const auto v = get_string(value, item_field + ".variants")) {
            if (*v == "auto") term.variants = true;
            else if (*v != "none") error(value, item_field + ".variants: expected 'auto' or 'none', got " + quote(*v));
          }
        } else {
          load_aliases(value, item_field + ".aliases", term);
        }
      }
      if (!has_name) {
        error(item, item_field + ": missing required key 'name'");
        continue;
      }
    } else {
      error(item, item_field + ": expected a name or a map with 'name' and 'aliases', got " + describe(item));
      continue;
    }
    if (trim(term.name).empty()) {
      error(item, item_field + ": name must not be empty");
      continue;
    }
    terms.push_back(std::move(term));
  }
  return terms;
}

void ConfigLoader::load_watchlists(const YAML::Node& node, std::vector<WatchlistConfig>& watchlists) {
  if (node.IsNull()) return;
  if (!expect_list(node, "watchlists")) return;
  std::map<std::string, int> first_line;
  std::size_t i = 0;
  for (auto it = node.begin(); it != node.end(); ++it, ++i) {
    const std::string field = index_field("watchlists", i);
    if (!expect_map(*it, field)) continue;
    WatchlistConfig watchlist = load_watchlist(*it, field);
    if (watchlist.name.empty()) continue;
    if (const auto [earlier, inserted] = first_line.emplace(watchlist.name, watchlist.line); !inserted)
      error(watchlist.line, "duplicate watchlist name " + quote(watchlist.name) + " (already used on line " +
                                std::to_string(earlier->second) + ")");
    watchlists.push_back(std::move(watchlist));
  }
}

WatchlistConfig ConfigLoader::load_watchlist(const YAML::Node& item, const std::string& field) {
  WatchlistConfig watchlist;
  watchlist.line = line_of(item);
  bool has_name = false;
  std::optional<Require> require;
  YAML::Node require_node;
  std::vector<std::pair<std::string, int>> notify;
  for (const auto& [key, value] :
       entries(item, field, {"name", "actors", "regions", "require", "exclude", "notify", "min_score", "stories",
                             "throttle", "quiet_hours", "languages", "on_update"})) {
    const std::string& name = key.Scalar();
    if (name == "name") {
      has_name = true;
      const auto n = get_string(value, field + ".name");
      if (!n) continue;
      if (!is_name(*n)) {
        error(value, field + ".name: " + quote(*n) + " may only contain letters, digits, '_', '.' and '-'");
        continue;
      }
      watchlist.name = *n;
    } else if (name == "actors") {
      watchlist.actors = load_terms(value, field + ".actors", false);
    } else if (name == "regions") {
      watchlist.regions = load_terms(value, field + ".regions", true);
    } else if (name == "require") {
      require_node = value;
      const auto r = get_string(value, field + ".require");
      if (!r) continue;
      const std::string text = to_lower_ascii(trim(*r));
      if (text == "any") require = Require::any;
      else if (text == "actor") require = Require::actor;
      else if (text == "region") require = Require::region;
      else if (text == "actor and region" || text == "actor_and_region") require = Require::actor_and_region;
      else
        load_require(value, field + ".require", watchlist);
    } else if (name == "min_score") {
      if (const auto score = get_number(value, field + ".min_score", 0)) watchlist.min_score = *score;
    } else if (name == "languages") {
      if (auto codes = get_languages(value, field + ".languages")) watchlist.languages = std::move(*codes);
    } else if (name == "on_update") {
      if (const auto b = get_bool(value, field + ".on_update")) watchlist.on_update = *b;
    } else if (name == "exclude") {
      if (const auto list = get_string_list(value, field + ".exclude")) watchlist.exclude = *list;
    } else if (name == "notify") {
      if (!expect_list(value, field + ".notify")) continue;
      std::size_t j = 0;
      for (auto n = value.begin(); n != value.end(); ++n, ++j)
        if (const auto hook = get_string(*n, index_field(field + ".notify", j)))
          notify.emplace_back(*hook, line(*n));
    } else if (name == "stories") {
      const std::string sfield = field + ".stories";
      if (!expect_map(value, sfield)) continue;
      for (const auto& [skey, svalue] : entries(value, sfield, {"window", "distance", "follow_up"})) {
        const std::string& sname = skey.Scalar();
        if (sname == "window") {
          if (const auto d = get_duration(svalue, sfield + ".window", 0ms)) watchlist.stories.window = *d;
        } else if (sname == "distance") {
          if (const auto n = get_int(svalue, sfield + ".distance", 0, 16)) watchlist.stories.distance = static_cast<int>(*n);
        } else if (const auto n = get_int(svalue, sfield + ".follow_up", 0, 1000)) {
          watchlist.stories.follow_up = static_cast<int>(*n);
        }
      }
    } else if (name == "throttle") {
      const std::string tfield = field + ".throttle";
      if (!expect_map(value, tfield)) continue;
      for (const auto& [tkey, tvalue] : entries(value, tfield, {"max", "per"})) {
        if (tkey.Scalar() == "max") {
          if (const auto n = get_int(tvalue, tfield + ".max", 0, 100000)) watchlist.throttle.max = static_cast<int>(*n);
        } else if (const auto d = get_duration(tvalue, tfield + ".per", 1s)) {
          watchlist.throttle.per = *d;
        }
      }
    } else if (name == "quiet_hours") {
      const auto text = get_string(value, field + ".quiet_hours");
      if (!text) continue;
      if (const auto range = parse_quiet_hours(*text)) watchlist.throttle.quiet_hours = range;
      else error(value, field + ".quiet_hours: expected a range of local times like 22:00-07:00, got " + quote(*text));
    }
  }
  const std::string label = watchlist.name.empty() ? field : "watchlist '" + watchlist.name + "'";
  if (!has_name) error(item, field + ": missing required key 'name'");
  if (watchlist.actors.empty() && watchlist.regions.empty()) {
    error(item, label + " has no actors and no regions, so it can never match");
  } else if (require) {
    const int at = line(require_node);
    const bool need_actor = *require == Require::actor || *require == Require::actor_and_region;
    const bool need_region = *require == Require::region || *require == Require::actor_and_region;
    const std::string shown = *require == Require::actor_and_region ? "actor and region"
                              : *require == Require::actor         ? "actor"
                                                                    : "region";
    if (need_actor && watchlist.actors.empty())
      error(at, label + ": require: " + shown + " but the watchlist has no actors");
    if (need_region && watchlist.regions.empty())
      error(at, label + ": require: " + shown + " but the watchlist has no regions");
    watchlist.require = *require;
  } else if (!watchlist.require_expression.empty()) {
    const auto& e = watchlist.require_expression;
    if (e.uses(RequireNode::Kind::any_actor) && watchlist.actors.empty())
      error(require_node, label + ": require: 'actor' but the watchlist has no actors");
    if (e.uses(RequireNode::Kind::any_region) && watchlist.regions.empty())
      error(require_node, label + ": require: 'region' but the watchlist has no regions");
  } else {
    // Without an explicit require, ask for what the watchlist lists: both kinds when it has both.
    watchlist.require = watchlist.actors.empty()    ? Require::region
                        : watchlist.regions.empty() ? Require::actor
                                                    : Require::actor_and_region;
  }
  for (auto& [hook, line] : notify) {
    notify_refs_.push_back(NotifyRef{label, hook, line, file_});
    watchlist.notify.push_back(std::move(hook));
  }
  return watchlist;
}

// Keywords keep their enum; anything else is the boolean language, whose syntax errors point at
// the exact column of the YAML value.
void ConfigLoader::load_require(const YAML::Node& node, const std::string& field, WatchlistConfig& watchlist) {
  try {
    watchlist.require_expression = RequireExpression::parse(node.Scalar());
  } catch (const RequireSyntaxError& e) {
    error_in(node, e.offset(), field + ": " + e.what());
  }
}

void ConfigLoader::load_region_groups(const YAML::Node& node, std::vector<RegionGroup>& groups) {
  if (node.IsNull()) return;
  if (!expect_map(node, "region_groups")) return;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string name = it->first.IsScalar() ? it->first.Scalar() : std::string();
    const std::string field = "region_groups." + name;
    if (trim(name).empty()) {
      error(it->first, "region_groups: expected a group name, got " + describe(it->first));
      continue;
    }
    const auto duplicate = std::find_if(groups.begin(), groups.end(), [&](const RegionGroup& g) { return g.name == name; });
    if (duplicate != groups.end()) {
      error(it->first, "duplicate region group " + quote(name) + " (first on line " + std::to_string(duplicate->line) + ")");
      continue;
    }
    const auto members = get_string_list(it->second, field);
    if (!members) continue;
    if (members->empty()) {
      error(it->second, field + ": must list at least one region");
      continue;
    }
    groups.push_back(RegionGroup{name, *members, line(it->first)});
  }
}

// A watchlist region named like a user-defined group becomes that group: its members count for it.
void ConfigLoader::expand_region_groups(Config& config) {
  for (auto& watchlist : config.watchlists)
    for (auto& region : watchlist.regions) {
      if (!region.members.empty()) continue;
      for (const auto& group : config.region_groups)
        if (to_lower_ascii(trim(group.name)) == to_lower_ascii(trim(region.name))) region.members = group.members;
    }
}

}  // namespace newsalert::config
