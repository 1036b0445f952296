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

class Matcher {
 public:
  // Compiles every watchlist once; matching is then read-only and thread-safe.
  explicit Matcher(const std::vector<config::WatchlistConfig>& watchlists);
  ~Matcher();
  Matcher(Matcher&&) noexcept;
  Matcher& operator=(Matcher&&) noexcept;

  // Every watchlist that fires for the article, in config order.
  std::vector<Match> match(const Article& article) const;

 private:
  struct Compiled;
  std::unique_ptr<Compiled> compiled_;
};

}  // namespace newsalert::match
