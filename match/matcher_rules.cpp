// A watchlist's hits judged: the actor rules, the overlaps and the score, and its require rule.
#include "match/matcher_compiled.hpp"

#include "match/neighbour_words.hpp"
#include "match/person_names.hpp"

#include <algorithm>
#include <compare>
#include <span>

namespace newsalert::match {

using namespace detail;

namespace {

// An actor's alias does not count within this many words of one of its `not_near:` words.
constexpr std::uint32_t kNotNearWords = 8;

// Score weights per hit: the title names what the story is about, the body and categories only
// mention it. A Match's score is the sum of these over every (non-overlapping) occurrence of its
// watched terms, so a story naming Khamenei in the title and twice in the body scores 2 + 1 + 1.
double weight(std::uint32_t slot) { return slot == kTitle ? 2.0 : 1.0; }

std::string_view slot_name(std::uint32_t slot) {
  switch (slot) {
    case kTitle: return "title";
    case kSummary: return "summary";
    case kContent: return "content";
    default: return "categories";
  }
}

std::uint32_t field_mask(config::Field field) {
  switch (field) {
    case config::Field::title: return 1;
    case config::Field::summary: return 2;
    case config::Field::content: return 4;
    case config::Field::body: return 6;
    case config::Field::categories: return 8;
    case config::Field::any: return 15;
  }
  return 15;
}

std::uint32_t slot_bit(std::uint32_t slot) { return slot >= 3 ? 8u : 1u << slot; }

struct Span {
  std::uint32_t slot;
  std::uint32_t begin;
  std::uint32_t end;
  auto operator<=>(const Span&) const = default;
};

// A clause's spans are places where its terms were found, kept once each: repeated, a chain of
// near/N would multiply them at every link (each pair in range adds both of its spans).
void keep_distinct(std::vector<Span>& spans) {
  std::sort(spans.begin(), spans.end());
  spans.erase(std::unique(spans.begin(), spans.end()), spans.end());
}

// Evaluates the rule over the spans each atom was found at.
class RuleEvaluator {
 public:
  RuleEvaluator(const CompiledWatchlist& wl, const std::vector<const Hit*>& counted,
                const std::vector<const Hit*>& phrases, std::vector<Explanation::Clause>* clauses)
      : wl_(wl), counted_(counted), phrases_(phrases), clauses_(clauses) {}

  struct Value {
    bool held = false;
    std::vector<Span> spans;
  };

  Value eval(const RequireNode& n, std::uint32_t mask, std::size_t& pre, int depth) {
    const std::size_t index = pre++;
    std::size_t clause = 0;
    if (clauses_ != nullptr) {
      clause = clauses_->size();
      clauses_->push_back(Explanation::Clause{depth, std::string(wl_.expression.source(n)), false});
    }
    Value v;
    using Kind = RequireNode::Kind;
    switch (n.kind) {
      case Kind::any_term:
      case Kind::any_actor:
      case Kind::any_region:
        for (const Hit* h : counted_)
          if ((slot_bit(h->slot) & mask) && (n.kind == Kind::any_term || (h->role == Role::actor) == (n.kind == Kind::any_actor)))
            v.spans.push_back(Span{h->slot, h->begin, h->end});
        break;
      case Kind::term: {
        const Atom& atom = wl_.atoms[index];
        for (const Hit* h : atom.role == Role::phrase ? phrases_ : counted_)
          if (h->role == atom.role && h->id == atom.id && (slot_bit(h->slot) & mask))
            v.spans.push_back(Span{h->slot, h->begin, h->end});
        break;
      }
      case Kind::all:
      case Kind::either:
      case Kind::at_least: {
        int held = 0;
        for (const RequireNode& c : n.children) {
          Value cv = eval(c, mask, pre, depth + 1);
          if (cv.held) {
            ++held;
            v.spans.insert(v.spans.end(), cv.spans.begin(), cv.spans.end());
          }
        }
        const int needed = n.kind == Kind::all ? static_cast<int>(n.children.size()) : n.kind == Kind::either ? 1 : n.count;
        v.held = held >= needed;
        if (!v.held) v.spans.clear();
        keep_distinct(v.spans);
        break;
      }
      case Kind::negate:
        v.held = !eval(n.children.front(), mask, pre, depth + 1).held;
        break;
      case Kind::scope:
        v = eval(n.children.front(), mask & field_mask(n.field), pre, depth + 1);
        break;
      case Kind::near: {
        const Value a = eval(n.children[0], mask, pre, depth + 1);
        const Value b = eval(n.children[1], mask, pre, depth + 1);
        for (const Span& x : a.spans)
          for (const Span& y : b.spans) {
            if (x.slot != y.slot) continue;
            const std::uint32_t lo_end = std::min(x.end, y.end);
            const std::uint32_t hi_begin = std::max(x.begin, y.begin);
            const std::uint32_t distance = hi_begin >= lo_end ? hi_begin - lo_end + 1 : 0;  // adjacent words: 1
            if (distance <= static_cast<std::uint32_t>(n.count)) {
              v.spans.push_back(x);
              v.spans.push_back(y);
            }
          }
        keep_distinct(v.spans);
        break;
      }
    }
    if (n.kind != Kind::all && n.kind != Kind::either && n.kind != Kind::at_least && n.kind != Kind::negate &&
        n.kind != Kind::scope)
      v.held = !v.spans.empty();
    if (clauses_ != nullptr) (*clauses_)[clause].held = v.held;
    return v;
  }

 private:
  const CompiledWatchlist& wl_;
  const std::vector<const Hit*>& counted_;
  const std::vector<const Hit*>& phrases_;
  std::vector<Explanation::Clause>* clauses_;
};

}  // namespace

namespace detail {

// The watchlist's rule over what was found: its require expression, or else its `require` setting.
RuleOutcome evaluate_rule(const CompiledWatchlist& wl, const WatchlistHits& found, std::vector<Explanation::Clause>* clauses) {
  RuleOutcome rule;
  if (!wl.expression.empty()) {
    RuleEvaluator evaluator(wl, found.counted, found.phrases, clauses);
    std::size_t pre = 0;
    rule.held = evaluator.eval(wl.expression.root(), 15, pre, 0).held;
    rule.text = wl.expression.text();
    return rule;
  }
  switch (wl.require) {
    case config::Require::any: rule.held = found.any_actor || found.any_region, rule.text = "any"; break;
    case config::Require::actor: rule.held = found.any_actor, rule.text = "actor"; break;
    case config::Require::region: rule.held = found.any_region, rule.text = "region"; break;
    case config::Require::actor_and_region:
      rule.held = found.any_actor && found.any_region, rule.text = "actor and region";
      break;
  }
  if (clauses != nullptr) clauses->push_back(Explanation::Clause{0, std::string(rule.text), rule.held});
  return rule;
}

}  // namespace detail

// Leftmost-longest within one watchlist: "Iran's supreme leader" is the actor, not also Iran.
// Several terms on the very same words all count ("Gaza" is both Gaza Strip and Palestine). `hits`
// are the watchlist's, sorted.
void Matcher::Compiled::resolve_overlaps(const CompiledWatchlist& wl, std::span<const Hit> hits, const ArticleText& text,
                                         WatchlistHits& found, Explanation* explain) const {
  found.kept.clear();
  found.counted.clear();
  found.phrases.clear();
  auto surface_of = [&](const Hit& hit) { return collapse_space(text.raw(hit)); };
  std::uint32_t cur_slot = UINT32_MAX;
  std::uint32_t cur_covered = 0;
  std::uint32_t kept_begin = UINT32_MAX;
  std::uint32_t kept_end = UINT32_MAX;
  for (const Hit& hit : hits) {
    if (hit.role == Role::actor_context || hit.role == Role::actor_avoid || (hit.flags & kDropped) != 0) continue;
    if (hit.role == Role::exclude) {
      if (found.vetoed_by.empty()) found.vetoed_by = wl.excludes[hit.id];  // excludes are never empty
      if (explain != nullptr)
        explain->occurrences.push_back({"exclude", wl.excludes[hit.id], surface_of(hit), std::string(slot_name(hit.slot)), {}, 0});
      continue;
    }
    if (hit.role == Role::phrase) {
      found.phrases.push_back(&hit);
      if (explain != nullptr)
        explain->occurrences.push_back(
            {"phrase", wl.phrases[hit.id], surface_of(hit), std::string(slot_name(hit.slot)), via(hit, false), 0});
      continue;
    }
    if (hit.slot != cur_slot) {
      cur_slot = hit.slot;
      cur_covered = 0;
      kept_begin = kept_end = UINT32_MAX;
    }
    const bool same_span = hit.begin == kept_begin && hit.end == kept_end;
    if (!same_span && hit.begin < cur_covered) continue;
    // One name reaching the same term twice ("Tehran" is Iran's capital and a province of Iran).
    if (same_span && !found.counted.empty() && found.counted.back()->role == hit.role && found.counted.back()->id == hit.id)
      continue;
    const CompiledTerm& term = hit.role == Role::actor ? wl.actors[hit.id] : wl.regions[hit.id];
    double added = 0;
    if (!same_span) {
      kept_begin = hit.begin;
      kept_end = cur_covered = hit.end;
      found.kept.push_back(&hit);
      added = weight(hit.slot) * term.weight;
      found.score += added;
    }
    found.counted.push_back(&hit);
    (hit.role == Role::actor ? found.any_actor : found.any_region) = true;
    if (explain != nullptr)
      explain->occurrences.push_back({hit.role == Role::actor ? "actor" : "region", term.name, surface_of(hit),
                                      std::string(slot_name(hit.slot)), via(hit, true), added});
  }
}

// Drops the watchlist's actor hits that mean someone or something else: a relative sharing the
// actor's surname ("Emine Erdoğan"), an alias without any of the actor's `context:` words in the
// article, or near one of its `not_near:` words; and acronyms shouted in a capitals headline that
// the article does not name otherwise.
void Matcher::Compiled::apply_actor_rules(const CompiledWatchlist& wl, std::span<Hit> hits, const ArticleText& text,
                                          Explanation* explain) const {
  auto drop = [&](Hit& hit, std::string reason) {
    hit.flags |= kDropped;
    if (explain != nullptr) explain->ignored.push_back(Explanation::Ignored{collapse_space(text.raw(hit)), std::move(reason)});
  };
  auto any = [&](const Hit& hit, auto&& pred) {
    return std::any_of(hits.begin(), hits.end(), [&](const Hit& o) { return &o != &hit && pred(o); });
  };
  for (Hit& hit : hits) {
    if (hit.role != Role::actor && hit.role != Role::region) continue;
    if ((hit.flags & kShouted) != 0 &&
        !any(hit, [&](const Hit& o) { return o.role == hit.role && o.id == hit.id && (o.flags & (kShouted | kDropped)) == 0; })) {
      drop(hit, std::string(kShoutedReason));
      continue;
    }
    if (hit.role != Role::actor) continue;
    const ActorRules& rules = wl.actor_rules[hit.id];
    const Hit* avoid = nullptr;
    if (rules.has_not_near)
      for (const Hit& o : hits)
        if (o.role == Role::actor_avoid && o.id == hit.id && o.slot == hit.slot &&
            (o.begin >= hit.end ? o.begin - hit.end : hit.begin >= o.end ? hit.begin - o.end : 0) < kNotNearWords)
          avoid = &o;
    if (avoid != nullptr) {
      drop(hit, "near '" + collapse_space(text.raw(*avoid)) + "', one of the actor's not_near words");
      continue;
    }
    if ((hit.flags & kCanonical) != 0) continue;  // the actor's own name needs no context
    if (rules.has_context && !any(hit, [&](const Hit& o) { return o.role == Role::actor_context && o.id == hit.id; })) {
      drop(hit, "none of the actor's context words is in the article");
      continue;
    }
    if (rules.several_words && hit.end - hit.begin == 1) {
      const std::string_view before = word_before(text, hit.slot, hit.begin);
      if (before.empty() || !NeighbourWords::capitalized(before) || NeighbourWords::all_upper(before)) continue;
      const std::string folded = Normalizer::fold_word(before);
      if (PersonNames::is_given_name(folded) &&
          std::find(rules.own_words.begin(), rules.own_words.end(), skeleton(folded)) == rules.own_words.end())
        drop(hit, "read as another person of that name (" + std::string(before) + " " + collapse_space(text.raw(hit)) + ")");
    }
  }
}

}  // namespace newsalert::match
