// Compiles all watchlists and the gazetteer into one token trie and the tables of what each phrase stands for.
#include "match/matcher_compiled.hpp"

#include "match/inflections.hpp"
#include "match/person_names.hpp"
#include "match/spelling_variants.hpp"

#include <algorithm>
#include <unordered_map>

namespace newsalert::match {

using namespace detail;

namespace {

// The gazetteer names that can change a match: those listened to (`listened`, by name), and those
// linked to them by chains of names that share a word.
std::vector<char> names_needed(const Gazetteer& gazetteer, const std::vector<char>& listened) {
  const std::size_t count = gazetteer.names().size();
  // The words of every name as numbers, and the names using each word: once per process (the
  // built-in gazetteer never changes).
  struct NameWords {
    std::vector<std::vector<std::uint32_t>> words;       // by name
    std::vector<std::vector<std::uint32_t>> names_with;  // by word
  };
  static const NameWords built = [&] {
    NameWords n;
    std::unordered_map<std::string, std::uint32_t> ids;
    n.words.resize(count);
    for (std::uint32_t i = 0; i < count; ++i)
      for (const Token& t : Normalizer::tokenize(gazetteer.names()[i].text)) {
        const auto [it, added] = ids.emplace(t.text, static_cast<std::uint32_t>(n.names_with.size()));
        if (added) n.names_with.emplace_back();
        n.words[i].push_back(it->second);
        auto& list = n.names_with[it->second];
        if (list.empty() || list.back() != i) list.push_back(i);
      }
    return n;
  }();
  std::vector<char> needed(listened);
  std::vector<char> word_done(built.names_with.size(), 0);  // its names were all reached already
  std::vector<std::uint32_t> todo;
  for (std::uint32_t i = 0; i < count; ++i)
    if (needed[i] != 0) todo.push_back(i);
  while (!todo.empty()) {
    const std::uint32_t i = todo.back();
    todo.pop_back();
    for (const std::uint32_t w : built.words[i]) {
      if (word_done[w] != 0) continue;
      word_done[w] = 1;
      for (const std::uint32_t j : built.names_with[w])
        if (needed[j] == 0) {
          needed[j] = 1;
          todo.push_back(j);
        }
    }
  }
  return needed;
}

std::size_t count_nodes(const RequireNode& n) {
  std::size_t total = 1;
  for (const RequireNode& c : n.children) total += count_nodes(c);
  return total;
}

}  // namespace

// A phrase and, for names of places and actors, its other grammatical forms (match/inflections.hpp).
void Matcher::Compiled::add(std::string_view phrase, Target target) {
  const std::vector<Token> tokens = Normalizer::tokenize(phrase);
  if (tokens.empty()) return;
  target.case_sensitive = target.role != Role::context && Normalizer::is_short_acronym(phrase);
  std::uint32_t n = TokenTrie::kRoot;
  for (const Token& t : tokens) n = trie.extend(n, trie.intern(t.text));
  pending.emplace_back(n, target);
  const bool named = target.role == Role::actor || target.role == Role::region || target.role == Role::place;
  if (!named || inflections == nullptr) return;
  target.canonical = false;
  for (const std::string& form : inflections->forms(phrase)) {
    n = TokenTrie::kRoot;
    for (const Token& t : Normalizer::tokenize(form)) n = trie.extend(n, trie.intern(t.text));
    pending.emplace_back(n, target);
  }
}

// A term's aliases, each tagged with the languages it is for when the config says so.
void Matcher::Compiled::add_aliases(const config::Term& term, Target target, bool with_variants) {
  for (std::size_t a = 0; a < term.aliases.size(); ++a) {
    Target t = target;
    if (a < term.alias_languages.size() && !term.alias_languages[a].empty()) {
      alias_languages.push_back(AliasLanguages{term.aliases[a], term.alias_languages[a]});
      t.languages = static_cast<std::uint32_t>(alias_languages.size());
    }
    add(term.aliases[a], t);
    if (with_variants) add_variants(term.aliases[a], t);
  }
}

// `variants: auto`: the spelling variants of an alias, as aliases of the same actor.
void Matcher::Compiled::add_variants(std::string_view alias, Target target) {
  for (const std::string& v : SpellingVariants::of(alias)) {
    std::uint32_t n = TokenTrie::kRoot;
    for (const Token& t : Normalizer::tokenize(v)) n = trie.extend(n, trie.intern(t.text));
    pending.emplace_back(n, target);
  }
}

// An actor's words of `context:` and `not_near:`, its own words, and whether it has a given name.
ActorRules Matcher::Compiled::compile_actor_rules(const config::Term& term, std::uint32_t w, std::uint32_t k) {
  ActorRules rules;
  rules.has_context = !term.context.empty();
  rules.has_not_near = !term.not_near.empty();
  for (const std::string& word : term.context) add(word, Target{w, k, Role::actor_context, false, false});
  for (const std::string& word : term.not_near) add(word, Target{w, k, Role::actor_avoid, false, false});
  rules.several_words = Normalizer::tokenize(term.name).size() >= 2;
  auto own = [&](std::string_view text) {
    for (const Token& t : Normalizer::tokenize(text)) rules.own_words.push_back(skeleton(t.text));
  };
  own(term.name);
  for (const std::string& alias : term.aliases) own(alias);
  return rules;
}

// Groups the targets by node, in the order they were added, into one flat table.
void Matcher::Compiled::finish_targets() {
  std::stable_sort(pending.begin(), pending.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  target_begin.assign(trie.node_count() + 1, 0);
  flat_targets.reserve(pending.size());
  std::size_t p = 0;
  for (std::uint32_t node = 0; node < trie.node_count(); ++node) {
    target_begin[node] = static_cast<std::uint32_t>(flat_targets.size());
    const std::size_t first = flat_targets.size();
    for (; p < pending.size() && pending[p].first == node; ++p) {
      const Target& target = pending[p].second;
      const auto same = std::find_if(flat_targets.begin() + static_cast<std::ptrdiff_t>(first), flat_targets.end(),
                                     [&](const Target& t) {
                                       return t.owner == target.owner && t.id == target.id && t.role == target.role;
                                     });
      // The same term reached twice ("US" from the gazetteer, "us" from config): the looser wins.
      if (same != flat_targets.end()) {
        same->case_sensitive = same->case_sensitive && target.case_sensitive;
        // An untagged spelling of the same term counts in every language.
        if (target.languages == 0) same->languages = 0;
      } else {
        flat_targets.push_back(target);
      }
    }
    if (flat_targets.size() > first) ++phrases;
  }
  target_begin[trie.node_count()] = static_cast<std::uint32_t>(flat_targets.size());
  pending = {};
}

void Matcher::Compiled::listen(const GazetteerEntry& entry, Listener listener) {
  auto& list = listeners[gazetteer.index_of(entry)];
  for (const Listener& l : list)
    if (l.watchlist == listener.watchlist && l.id == listener.id && l.role == listener.role) return;
  list.push_back(listener);
}

// A term of the rule: an actor or region of the watchlist when it names one, else a place of the
// gazetteer, else plain words.
void Matcher::Compiled::compile_atoms(const RequireNode& node, const config::WatchlistConfig& wl, CompiledWatchlist& cw,
                                      std::uint32_t w, std::size_t& pre) {
  const std::size_t index = pre++;
  if (node.kind == RequireNode::Kind::term) {
    const std::string key = Normalizer::key(node.text);
    auto names = [&](const config::Term& t) {
      if (Normalizer::key(t.name) == key) return true;
      for (const auto& a : t.aliases)
        if (Normalizer::key(a) == key) return true;
      return false;
    };
    Atom atom;
    bool found = false;
    for (std::size_t k = 0; !found && k < wl.actors.size(); ++k)
      if (names(wl.actors[k])) atom = Atom{Role::actor, static_cast<std::uint32_t>(k)}, found = true;
    for (std::size_t k = 0; !found && k < wl.regions.size(); ++k)
      if (names(wl.regions[k])) atom = Atom{Role::region, static_cast<std::uint32_t>(k)}, found = true;
    if (!found) {
      const auto p = static_cast<std::uint32_t>(cw.phrases.size());
      cw.phrases.push_back(node.text);
      atom = Atom{Role::phrase, p};
      if (const GazetteerEntry* entry = gazetteer.find(node.text)) listen(*entry, Listener{w, p, Role::phrase});
      else add(node.text, Target{w, p, Role::phrase, false});
    }
    cw.atoms[index] = atom;
  }
  for (const RequireNode& c : node.children) compile_atoms(c, wl, cw, w, pre);
}

Matcher::Matcher(const std::vector<config::WatchlistConfig>& watchlists) : compiled_(std::make_unique<Compiled>()) {
  Compiled& c = *compiled_;
  Inflections inflections;
  c.inflections = &inflections;
  const Gazetteer& gazetteer = c.gazetteer;

  c.watchlists.reserve(watchlists.size());
  for (std::size_t wi = 0; wi < watchlists.size(); ++wi) {
    const config::WatchlistConfig& wl = watchlists[wi];
    const auto w = static_cast<std::uint32_t>(wi);
    CompiledWatchlist cw;
    cw.name = wl.name;
    cw.require = wl.require;
    cw.expression = wl.require_expression;
    cw.min_score = wl.min_score;
    cw.languages = wl.languages;
    for (std::size_t k = 0; k < wl.actors.size(); ++k) {
      const config::Term& term = wl.actors[k];
      const Target target{w, static_cast<std::uint32_t>(k), Role::actor, false, false};
      c.add(term.name, Target{w, static_cast<std::uint32_t>(k), Role::actor, false, true});
      if (term.variants) c.add_variants(term.name, target);
      c.add_aliases(term, target, term.variants);
      cw.actors.push_back(CompiledTerm{term.name, term.weight});
      cw.actor_rules.push_back(c.compile_actor_rules(term, w, static_cast<std::uint32_t>(k)));
    }
    for (std::size_t k = 0; k < wl.regions.size(); ++k) {
      const config::Term& term = wl.regions[k];
      const Target target{w, static_cast<std::uint32_t>(k), Role::region, false};
      const Listener listener{w, static_cast<std::uint32_t>(k), Role::region};
      // Aliases are the author's explicit choice and match as written; the name goes through the
      // gazetteer (capitals, demonyms, provinces, ambiguity rules) when the gazetteer knows it.
      c.add_aliases(term, target, false);
      const GazetteerEntry* entry = gazetteer.find(term.name);
      for (std::size_t a = 0; entry == nullptr && a < term.aliases.size(); ++a) entry = gazetteer.find(term.aliases[a]);
      if (entry != nullptr) c.listen(*entry, listener);
      else if (term.members.empty()) c.add(term.name, target);
      for (const std::string& member : term.members) {
        if (const GazetteerEntry* m = gazetteer.find(member)) c.listen(*m, listener);
        else c.add(member, target);
      }
      cw.regions.push_back(CompiledTerm{term.name, term.weight});
    }
    for (std::size_t k = 0; k < wl.exclude.size(); ++k) {
      c.add(wl.exclude[k], Target{w, static_cast<std::uint32_t>(k), Role::exclude, false});
      cw.excludes.push_back(wl.exclude[k]);
    }
    if (!cw.expression.empty()) {
      cw.atoms.resize(count_nodes(cw.expression.root()));
      std::size_t pre = 0;
      c.compile_atoms(cw.expression.root(), wl, cw, w, pre);
    }
    c.watchlists.push_back(std::move(cw));
  }
  // Articles that name no place any watchlist listens to skip place resolution altogether.
  c.place_listened.assign(gazetteer.names().size(), 0);
  auto listened = [&](std::uint32_t entry) {
    for (std::uint32_t a : gazetteer.ancestors(entry))
      if (c.listeners.count(a) != 0) return true;
    return false;
  };
  for (std::size_t i = 0; i < gazetteer.names().size(); ++i) {
    const PlaceName& name = gazetteer.names()[i];
    bool any = std::any_of(name.entries.begin(), name.entries.end(), listened);
    if (name.ambiguity >= 0)
      for (const Sense& sense : gazetteer.ambiguities()[static_cast<std::size_t>(name.ambiguity)].senses)
        any = any || (sense.entry != Sense::kNoPlace && listened(sense.entry));
    c.place_listened[i] = any ? 1 : 0;
  }
  c.reached.resize(gazetteer.entries().size());
  for (std::uint32_t e = 0; e < gazetteer.entries().size(); ++e)
    for (std::uint32_t a : gazetteer.ancestors(e))
      if (const auto it = c.listeners.find(a); it != c.listeners.end())
        for (const Listener& l : it->second) c.reached[e].emplace_back(a, l);
  for (auto& list : c.reached)
    std::stable_sort(list.begin(), list.end(), [](const auto& x, const auto& y) { return x.second.watchlist < y.second.watchlist; });
  c.place_only_rules = !std::all_of(c.watchlists.begin(), c.watchlists.end(), needs_actor);

  // Gazetteer names and the context words of ambiguous names join the one automaton, but only
  // those that can change what a watchlist sees: the names a watchlist listens to, and every name
  // that could overlap one of them in a text, directly or through a chain of overlapping names
  // (they decide the leftmost-longest reading: "Papua New Guinea" is not "Guinea"). Two names can
  // overlap only where they share a word. Watchlists of actors alone match no place at all.
  const std::vector<char> needed = names_needed(gazetteer, c.place_listened);
  c.given_name_place.assign(gazetteer.names().size(), 0);
  std::vector<char> ambiguity_needed(gazetteer.ambiguities().size(), 0);
  for (std::uint32_t i = 0; i < gazetteer.names().size(); ++i) {
    if (needed[i] == 0) continue;
    const PlaceName& name = gazetteer.names()[i];
    c.add(name.text, Target{0, i, Role::place, false});
    if (const std::vector<Token> words = Normalizer::tokenize(name.text); words.size() == 1)
      c.given_name_place[i] = PersonNames::is_given_name(words.front().text) ? 1 : 0;
    if (name.ambiguity >= 0) ambiguity_needed[static_cast<std::size_t>(name.ambiguity)] = 1;
  }
  std::unordered_map<std::string, std::uint32_t> context_ids;
  std::vector<char> context_added;
  for (std::size_t a = 0; a < gazetteer.ambiguities().size(); ++a) {
    auto& senses = c.sense_context.emplace_back();
    for (const Sense& sense : gazetteer.ambiguities()[a].senses) {
      auto& ids = senses.emplace_back();
      for (std::string_view word : sense.context) {
        const auto [it, inserted] = context_ids.emplace(Normalizer::key(word), static_cast<std::uint32_t>(c.context_words.size()));
        if (inserted) {
          c.context_words.emplace_back(word);
          context_added.push_back(0);
        }
        if (ambiguity_needed[a] != 0 && context_added[it->second] == 0) {
          c.add(word, Target{0, it->second, Role::context, false});
          context_added[it->second] = 1;
        }
        if (std::find(ids.begin(), ids.end(), it->second) == ids.end()) ids.push_back(it->second);
      }
    }
  }
  c.finish_targets();
  c.inflections = nullptr;
}

Matcher::~Matcher() = default;
Matcher::Matcher(Matcher&&) noexcept = default;
Matcher& Matcher::operator=(Matcher&&) noexcept = default;

std::size_t Matcher::phrase_count() const { return compiled_->phrases; }

}  // namespace newsalert::match
