// Compiled watchlists: finds actors and regions in an article and decides which watchlists fire.
#pragma once

#include "common/article.hpp"
#include "config/config.hpp"

#include <memory>
#include <string>
#include <vector>

namespace newsalert::match {

// A watched term (actor or region) that was found, with the exact texts that matched it.
struct TermHit {
  std::string name;                        // canonical name from the watchlist
  std::vector<std::string> surface_forms;  // as written in the article, deduplicated, in order of first hit
};

struct Match {
  std::string watchlist;
  std::vector<TermHit> actors;
  std::vector<TermHit> regions;
  double score = 0;                        // higher is stronger; see docs/matching.md
  std::vector<std::string> snippets;       // short text around the first hits
};

// Why a watchlist fired or did not, for people tuning watchlists (`newsalertd match --explain`).
struct Explanation {
  struct Occurrence {
    std::string role;      // actor, region, phrase, exclude
    std::string term;      // the watchlist's name for it
    std::string surface;   // as written in the article
    std::string field;     // title, summary, content, categories
    std::string via;       // for regions found through the gazetteer: "Tehran -> Iran"
    double weight = 0;     // what it added to the score (0 for phrases, excludes and overlapped hits)
  };
  struct Clause {
    int depth = 0;         // nesting level in the rule
    std::string text;      // the clause as written
    bool held = false;
  };
  struct Ignored {
    std::string surface;   // a name seen but not counted
    std::string reason;    // "read as the US state (context: Atlanta)", "lower case"
  };
  std::string watchlist;
  bool fired = false;
  std::string verdict;     // one line: why it fired, or why not
  double score = 0;
  double min_score = 0;
  std::vector<Occurrence> occurrences;
  std::vector<Clause> clauses;
  std::vector<Ignored> ignored;
};

class Matcher {
 public:
  // Compiles every watchlist once; matching is then read-only and thread-safe.
  explicit Matcher(const std::vector<config::WatchlistConfig>& watchlists);
  ~Matcher();
  Matcher(Matcher&&) noexcept;
  Matcher& operator=(Matcher&&) noexcept;

  // Every watchlist that fires for the article, in config order.
  std::vector<Match> match(const Article& article) const;

  // Every watchlist that found anything in the article (fired or not), in config order.
  std::vector<Explanation> explain(const Article& article) const;

  // Distinct phrases compiled into the automaton (watchlist terms, rule phrases and gazetteer names).
  std::size_t phrase_count() const;

 private:
  struct Compiled;
  std::unique_ptr<Compiled> compiled_;
};

}  // namespace newsalert::match
