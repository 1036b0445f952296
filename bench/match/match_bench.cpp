// Matching speed over a generated news corpus with 100, 10,000 and 100,000 aliases: the Matcher
// (normalization, whole words, gazetteer, rules) beside Hyperscan's caseless literal scan of the
// same text and aliases (the raw-scan reference) and a naive per-alias search (the floor).
//
//   build/bench/match/match_bench [--quick]
//   build/bench/match/match_bench --profile ALIASES [SECONDS [ARTICLES]]   (the matcher only: one
//                  pass, or as many as fill SECONDS, over 500 articles or ARTICLES; 4000 as below)
//   build/bench/match/match_bench --profile-regions ALIASES [SECONDS [ARTICLES]]   (the same, with regions)
#include "match/matcher.hpp"
#include "match/normalizer.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#ifdef NEWSALERT_HAVE_HYPERSCAN
#include <hs.h>
#endif

using namespace newsalert;
using Steady = std::chrono::steady_clock;

namespace {

struct Rng {
  std::uint64_t s = 0x243F6A8885A308D3ull;
  std::uint64_t next() {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
  }
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
  template <class T>
  const T& pick(const std::vector<T>& v) { return v[below(v.size())]; }
};

const std::vector<std::string> kEnglish = {
    "the", "a", "of", "to", "in", "and", "on", "for", "with", "said", "after", "officials", "government", "minister",
    "president", "talks", "week", "on Tuesday", "on Monday", "forces", "military", "security", "attack", "strike",
    "killed", "wounded", "people", "city", "border", "region", "capital", "election", "vote", "parliament", "party",
    "opposition", "leader", "spokesman", "statement", "agency", "reported", "according", "sources", "state media",
    "ceasefire", "negotiations", "aid", "humanitarian", "refugees", "economy", "inflation", "prices", "market",
    "oil", "gas", "exports", "sanctions", "embassy", "diplomats", "meeting", "summit", "foreign", "defence",
    "troops", "missile", "drone", "air", "defences", "overnight", "residents", "witnesses", "hospital", "ministry",
    "health", "police", "protest", "protesters", "court", "judge", "ruling", "law", "bill", "budget", "coalition",
    "analysts", "expected", "would", "could", "not", "has", "have", "been", "was", "were", "will", "its", "their",
    "from", "by", "at", "about", "more", "than", "two", "three", "dozens", "hundreds", "thousands", "new", "last",
    "year", "month", "day", "night", "morning", "since", "before", "during", "while", "also", "but", "however",
    "Iran", "Israel", "Tehran", "Gaza", "Ukraine", "Kyiv", "Russia", "Moscow", "Washington", "U.S.", "European",
    "Iranian", "Israeli", "Ukrainian", "Russian", "American", "Lebanon", "Syria", "Yemen", "Sudan", "Georgia",
    "Jordan", "Turkey", "Congo", "Niger", "Nigeria", "Egypt's", "Hamas-run", "pro-Iranian", "U.N.", "NATO",
};
const std::vector<std::string> kArabic = {"قال", "المسؤولون", "في", "غزة", "إيران", "الحكومة", "وزير", "الخارجية",
                                          "هجوم", "على", "مدينة", "بعد", "محادثات", "وقف", "إطلاق", "النار"};
const std::vector<std::string> kPersian = {"گفت", "ایران", "تهران", "دولت", "وزیر", "خارجه", "حمله", "به",
                                           "شهر", "پس", "از", "مذاکرات", "آتش‌بس", "سپاه"};
const std::vector<std::string> kRussian = {"заявил", "министр", "в", "Киеве", "Москве", "после", "удара", "по",
                                           "городу", "переговоры", "правительство", "Украины", "России", "обстрел"};

// Syllables of made-up names: onset, vowel and optional coda, about a thousand combinations, so
// the alias set is as varied as real names from many languages.
std::string syllable(Rng& rng) {
  static const std::vector<std::string> onsets = {"b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p",
                                                  "r", "s", "t", "v", "w", "y", "z", "kh", "sh", "th", "ch", "gh"};
  static const std::vector<std::string> vowels = {"a", "e", "i", "o", "u", "ai", "ou", "ee"};
  static const std::vector<std::string> codas = {"", "", "n", "r", "l", "s", "m", "d"};
  return rng.pick(onsets) + rng.pick(vowels) + rng.pick(codas);
}

// Distinct made-up names: "Karimo Delvor", "Shatek Lu-Zin", a few in Cyrillic and Arabic script.
std::vector<std::string> make_aliases(std::size_t n) {
  Rng rng;
  rng.s = 0x9E3779B97F4A7C15ull;
  std::unordered_set<std::string> seen;
  std::vector<std::string> out;
  auto word = [&] {
    std::string w;
    const std::size_t parts = 2 + rng.below(2);
    for (std::size_t i = 0; i < parts; ++i) w += syllable(rng);
    w[0] = static_cast<char>(w[0] - 'a' + 'A');
    return w;
  };
  const std::vector<std::string> cyr = {"Ка", "ри", "мо", "ша", "дел", "вор", "ан", "тек", "лу", "зин"};
  const std::vector<std::string> ara = {"كا", "ري", "مو", "شا", "دل", "فور", "ان", "تك", "لو", "زين"};
  while (out.size() < n) {
    std::string alias;
    const std::size_t kind = rng.below(100);
    if (kind < 3) {
      alias = rng.pick(cyr) + rng.pick(cyr) + rng.pick(cyr) + " " + rng.pick(cyr) + rng.pick(cyr);
    } else if (kind < 6) {
      alias = rng.pick(ara) + rng.pick(ara) + rng.pick(ara) + " " + rng.pick(ara) + rng.pick(ara);
    } else {
      const std::size_t words = kind < 20 ? 1 : kind < 90 ? 2 : 3;
      for (std::size_t i = 0; i < words; ++i) alias += (i ? " " : "") + word();
    }
    if (seen.insert(alias).second) out.push_back(alias);
  }
  return out;
}

std::string sentence(Rng& rng, const std::vector<std::string>& words, std::size_t min, std::size_t max) {
  std::string s;
  const std::size_t n = min + rng.below(max - min + 1);
  for (std::size_t i = 0; i < n; ++i) {
    if (i) s += ' ';
    s += rng.pick(words);
  }
  return s;
}

// Articles mention two of the first hundred aliases (so every alias set has hits) among news words;
// about one in six is in Arabic, Persian or Russian.
std::vector<Article> make_corpus(std::size_t count, const std::vector<std::string>& aliases) {
  Rng rng;
  std::vector<Article> out;
  for (std::size_t a = 0; a < count; ++a) {
    Article art;
    art.id = std::to_string(a);
    const std::size_t lang = rng.below(18);
    const std::vector<std::string>& words = lang == 0 ? kArabic : lang == 1 ? kPersian : lang == 2 ? kRussian : kEnglish;
    art.title = sentence(rng, words, 6, 10);
    art.title[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(art.title[0])));
    const std::size_t sentences = 6 + rng.below(8);
    for (std::size_t i = 0; i < sentences; ++i) {
      std::string s = sentence(rng, words, 10, 22);
      if (i == 1 || i == 4) s += ", " + aliases[rng.below(std::min<std::size_t>(100, aliases.size()))] + " said";
      art.content += s + ". ";
    }
    out.push_back(std::move(art));
  }
  return out;
}

std::size_t rss_bytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stoull(line.substr(6)) * 1024;
  return 0;
}

std::size_t corpus_bytes(const std::vector<Article>& corpus) {
  std::size_t n = 0;
  for (const Article& a : corpus) n += a.title.size() + a.content.size();
  return n;
}

// Runs `pass` (one pass over the corpus) until `min_seconds` have gone by; returns seconds per pass.
template <class F>
double time_passes(F pass, double min_seconds) {
  std::size_t passes = 0;
  const auto start = Steady::now();
  double elapsed = 0;
  do {
    pass();
    ++passes;
    elapsed = std::chrono::duration<double>(Steady::now() - start).count();
  } while (elapsed < min_seconds);
  return elapsed / static_cast<double>(passes);
}

std::string lower_ascii(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

// 1000 actors per watchlist, each alias its own actor (the shape of a large deployment), each
// watchlist also listening to `regions`.
std::vector<config::WatchlistConfig> make_watchlists(const std::vector<std::string>& aliases, std::size_t n,
                                                     config::Require require, const std::vector<std::string>& regions) {
  std::vector<config::WatchlistConfig> watchlists;
  for (std::size_t i = 0; i < n; ++i) {
    if (i % 1000 == 0) {
      watchlists.emplace_back();
      watchlists.back().name = "w" + std::to_string(i / 1000);
      watchlists.back().require = require;
      for (const std::string& region : regions) watchlists.back().regions.push_back(config::Term{region, {}});
    }
    watchlists.back().actors.push_back(config::Term{aliases[i], {}});
  }
  return watchlists;
}

// Seconds per pass of `matcher` over the corpus (see time_passes); `alerts` gets the alerts of a pass.
double match_seconds(const match::Matcher& matcher, const std::vector<Article>& corpus, double min_seconds,
                     std::size_t& alerts) {
  return time_passes(
      [&] {
        std::size_t m = 0;
        for (const Article& a : corpus) m += matcher.match(a).size();
        alerts = m;
      },
      min_seconds);
}

struct Row {
  std::size_t aliases = 0;
  double compile_ms = 0;
  double memory_mb = 0;
  double mbps = 0;
  double articles_per_s = 0;
  std::size_t matches = 0;
  double hs_compile_ms = 0;
  double hs_memory_mb = 0;
  double hs_mbps = 0;
  double naive_mbps = 0;
  double ratio = 0;       // matcher / Hyperscan: the median of the rounds' ratios
  double ratio_low = 0;   // the lowest and highest round
  double ratio_high = 0;
};

// Turns the matcher and Hyperscan take over a row's time budget.
constexpr int kRounds = 5;

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

#ifdef NEWSALERT_HAVE_HYPERSCAN
// Hyperscan's caseless literal database of the aliases, with its scratch space.
class HyperscanScan {
 public:
  explicit HyperscanScan(const std::vector<std::string>& aliases) {
    std::vector<const char*> exprs;
    std::vector<std::size_t> lens;
    std::vector<unsigned> flags(aliases.size(), HS_FLAG_CASELESS);
    std::vector<unsigned> ids(aliases.size());
    for (std::size_t i = 0; i < aliases.size(); ++i) {
      exprs.push_back(aliases[i].data());
      lens.push_back(aliases[i].size());
      ids[i] = static_cast<unsigned>(i);
    }
    hs_compile_error_t* error = nullptr;
    const auto t0 = Steady::now();
    if (hs_compile_lit_multi(exprs.data(), flags.data(), ids.data(), lens.data(), static_cast<unsigned>(aliases.size()),
                             HS_MODE_BLOCK, nullptr, &db_, &error) != HS_SUCCESS) {
      const std::string message = error != nullptr ? error->message : "compile failed";
      hs_free_compile_error(error);
      throw std::runtime_error("hyperscan: " + message);
    }
    compile_ms_ = std::chrono::duration<double, std::milli>(Steady::now() - t0).count();
    if (hs_alloc_scratch(db_, &scratch_) != HS_SUCCESS) {
      hs_free_database(db_);
      throw std::runtime_error("hyperscan: cannot allocate scratch space");
    }
  }
  ~HyperscanScan() {
    hs_free_scratch(scratch_);
    hs_free_database(db_);
  }
  HyperscanScan(const HyperscanScan&) = delete;
  HyperscanScan& operator=(const HyperscanScan&) = delete;

  double compile_ms() const { return compile_ms_; }
  double memory_mb() const {
    std::size_t db_size = 0, scratch_size = 0;
    hs_database_size(db_, &db_size);
    hs_scratch_size(scratch_, &scratch_size);
    return static_cast<double>(db_size + scratch_size) / 1e6;
  }
  // One pass over the corpus's titles and contents; returns the matches.
  std::size_t pass(const std::vector<Article>& corpus) const {
    std::size_t matches = 0;
    auto on_match = [](unsigned, unsigned long long, unsigned long long, unsigned, void* ctx) -> int {
      ++*static_cast<std::size_t*>(ctx);
      return 0;
    };
    for (const Article& a : corpus) {
      hs_scan(db_, a.title.data(), static_cast<unsigned>(a.title.size()), 0, scratch_, on_match, &matches);
      hs_scan(db_, a.content.data(), static_cast<unsigned>(a.content.size()), 0, scratch_, on_match, &matches);
    }
    return matches;
  }

 private:
  hs_database_t* db_ = nullptr;
  hs_scratch_t* scratch_ = nullptr;
  double compile_ms_ = 0;
};
#endif

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  // --profile N: compile N aliases and match the corpus once, nothing else; a fixed amount of work
  // whose instruction count (valgrind --tool=callgrind) compares changes on a busy machine.
  // --profile-regions N: the same with every watchlist also listening to the eight countries of the
  // "with regions" row.
  const bool profile_regions = argc > 2 && std::strcmp(argv[1], "--profile-regions") == 0;
  const std::size_t profile =
      argc > 2 && (std::strcmp(argv[1], "--profile") == 0 || profile_regions) ? std::stoul(argv[2]) : 0;
  const std::vector<std::string> countries = {"Iran", "Israel", "Ukraine", "Russia", "Palestine", "Lebanon", "Syria", "Yemen"};
  const double min_seconds = profile > 0 ? (argc > 3 ? std::stod(argv[3]) : 0.0) : quick ? 0.3 : 2.0;
  const std::vector<std::size_t> sizes = profile > 0 ? std::vector<std::size_t>{profile}
                                                     : std::vector<std::size_t>{100, 10000, 100000};
  // NEWSALERT_SIMD=avx2 or baseline measures the scanner's slower vector paths (see Normalizer::Simd).
  if (const char* simd = std::getenv("NEWSALERT_SIMD")) {
    if (std::strcmp(simd, "avx2") == 0) match::Normalizer::limit_simd(match::Normalizer::Simd::avx2);
    else if (std::strcmp(simd, "baseline") == 0) match::Normalizer::limit_simd(match::Normalizer::Simd::baseline);
  }
  const char* const paths[] = {"AVX-512BW", "AVX2 and BMI2", "SSE2 (any x86-64)"};
  std::printf("scanner: %s\n", paths[static_cast<int>(match::Normalizer::simd_in_use())]);
  const std::vector<std::string> all_aliases = make_aliases(sizes.back());
  const std::vector<Article> corpus = make_corpus(profile > 0 && argc > 4 ? std::stoul(argv[4]) : quick || profile > 0 ? 500 : 4000, all_aliases);
  const std::size_t bytes = corpus_bytes(corpus);
  std::printf("corpus: %zu articles, %.1f MB (1 in 6 in Arabic, Persian or Russian)\n", corpus.size(),
              static_cast<double>(bytes) / 1e6);

  std::vector<Row> rows;
  for (const std::size_t n : sizes) {
    Row row;
    row.aliases = n;
    const std::vector<std::string> aliases(all_aliases.begin(), all_aliases.begin() + static_cast<std::ptrdiff_t>(n));
    const std::vector<config::WatchlistConfig> watchlists =
        profile_regions ? make_watchlists(aliases, n, config::Require::actor_and_region, countries)
                        : make_watchlists(aliases, n, config::Require::actor, {});
    const std::size_t rss_before = rss_bytes();
    auto t0 = Steady::now();
    const match::Matcher matcher(watchlists);
    row.compile_ms = std::chrono::duration<double, std::milli>(Steady::now() - t0).count();
    row.memory_mb = static_cast<double>(rss_bytes() - rss_before) / 1e6;
    if (profile > 0) {
      const double seconds = match_seconds(matcher, corpus, min_seconds, row.matches);
      std::printf("matcher: %zu aliases, %zu alerts, %.1f MB/s\n", n, row.matches, static_cast<double>(bytes) / seconds / 1e6);
      return 0;
    }
    // The matcher and Hyperscan take turns, a fifth of the time budget each, so that a stretch in
    // which the machine is slower weighs on both; the figures are the rounds' medians.
    std::vector<double> match_times;
#ifdef NEWSALERT_HAVE_HYPERSCAN
    const HyperscanScan hs(aliases);
    row.hs_compile_ms = hs.compile_ms();
    row.hs_memory_mb = hs.memory_mb();
    std::vector<double> hs_times;
    std::vector<double> ratios;
    std::size_t hs_matches = 0;
#endif
    for (int round = 0; round < kRounds; ++round) {
      match_times.push_back(match_seconds(matcher, corpus, min_seconds / kRounds, row.matches));
#ifdef NEWSALERT_HAVE_HYPERSCAN
      hs_times.push_back(time_passes([&] { hs_matches += hs.pass(corpus); }, min_seconds / kRounds));
      ratios.push_back(hs_times.back() / match_times.back());
#endif
    }
    const double seconds = median(match_times);
    row.mbps = static_cast<double>(bytes) / seconds / 1e6;
    row.articles_per_s = static_cast<double>(corpus.size()) / seconds;
#ifdef NEWSALERT_HAVE_HYPERSCAN
    row.hs_mbps = static_cast<double>(bytes) / median(hs_times) / 1e6;
    row.ratio = median(ratios);
    row.ratio_low = *std::min_element(ratios.begin(), ratios.end());
    row.ratio_high = *std::max_element(ratios.begin(), ratios.end());
    if (hs_matches == SIZE_MAX) std::printf("unreachable\n");  // keeps the scans from being optimized away
#endif

    // Naive: every alias searched in the lower-cased text, over as much of the corpus as fits in
    // the time budget (at 100,000 aliases that is a few articles).
    {
      std::vector<std::string> lowered;
      for (const auto& a : aliases) lowered.push_back(lower_ascii(a));
      std::size_t scanned = 0;
      std::size_t found = 0;
      const auto start = Steady::now();
      double elapsed = 0;
      for (std::size_t i = 0; elapsed < min_seconds; i = (i + 1) % corpus.size()) {
        const std::string text = lower_ascii(corpus[i].title + "\n" + corpus[i].content);
        for (const auto& alias : lowered) found += text.find(alias) != std::string::npos;
        scanned += text.size();
        elapsed = std::chrono::duration<double>(Steady::now() - start).count();
      }
      row.naive_mbps = static_cast<double>(scanned) / elapsed / 1e6;
      if (found == SIZE_MAX) std::printf("unreachable\n");  // keeps the searches from being optimized away
    }
    rows.push_back(row);
  }

  std::printf("\n%8s | %10s %9s %8s %11s %9s | %9s %9s %8s | %8s | %9s\n", "aliases", "compile ms", "memory MB",
              "MB/s", "articles/s", "alerts", "hs comp ms", "hs mem MB", "hs MB/s", "naive", "vs hs");
  for (const Row& r : rows)
    std::printf("%8zu | %10.0f %9.1f %8.1f %11.0f %9zu | %9.0f %9.1f %8.1f | %8.2f | %8.2fx\n", r.aliases,
                r.compile_ms, r.memory_mb, r.mbps, r.articles_per_s, r.matches, r.hs_compile_ms, r.hs_memory_mb,
                r.hs_mbps, r.naive_mbps, r.ratio);

  // The floors, as ratios measured in this run.
  auto verdict = [](bool ok) { return ok ? "ok" : "BELOW FLOOR"; };
  // The rows above are watchlists of actors alone, which compile no gazetteer names at all (only the
  // names a watchlist listens to, and those that could overlap them, join the automaton). The same
  // aliases with every watchlist also listening to regions show what places cost.
  {
    const std::size_t n = sizes.size() > 1 ? sizes[1] : sizes[0];
    const match::Matcher matcher(make_watchlists(all_aliases, n, config::Require::actor_and_region, countries));
    std::size_t alerts = 0;
    const double seconds = match_seconds(matcher, corpus, min_seconds, alerts);
    std::printf("\nwith regions: %zu aliases, every watchlist also listening to 8 countries (their capitals, cities,\n"
                "provinces and demonyms through the gazetteer), require actor and region: %.1f MB/s, %zu alerts\n",
                n, static_cast<double>(bytes) / seconds / 1e6, alerts);
  }

  std::printf("\nfloors (same run):\n");
#ifdef NEWSALERT_HAVE_HYPERSCAN
  for (const auto& [row, floor] : {std::pair{&rows[1], 0.5}, {&rows[2], 1.5}})
    std::printf("  %zu aliases: matcher / Hyperscan = %.2fx, median of %d rounds (%.2fx to %.2fx) (floor %.1fx)  %s\n",
                row->aliases, row->ratio, kRounds, row->ratio_low, row->ratio_high, floor, verdict(row->ratio >= floor));
#else
  std::printf("  Hyperscan not built in (install libhyperscan-dev): no reference ratios\n");
#endif
  const double slowdown = rows[0].mbps / rows[2].mbps;
  std::printf("  100 -> 100,000 aliases: %.2fx slower (ceiling 2x)  %s\n", slowdown, verdict(slowdown <= 2.0));
  return 0;
}
