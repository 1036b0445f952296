// Unseen filter, max_age, match, story gate, throttle, outbox: one batch, one transaction.
#include "pipeline/pipeline.hpp"

#include "alerts/payload.hpp"
#include "common/log_context.hpp"
#include "feeds/language.hpp"
#include "pipeline/entry_fingerprint.hpp"
#include "store/database.hpp"

#include <unordered_set>

namespace newsalert::pipeline {

Rules rules_of(const config::Config& config) {
  Rules rules;
  rules.watchlists = config.watchlists;
  rules.max_age = config.poll.max_age;
  rules.retention = config.state.retention;
  rules.keep_text = config.state.keep_text.count() > 0;
  for (const auto& watchlist : config.watchlists) {
    auto& targets = rules.webhooks_of[watchlist.name];
    if (!watchlist.notify.empty()) targets = watchlist.notify;
    else
      for (const auto& webhook : config.webhooks) targets.push_back(webhook.name);
  }
  return rules;
}

// The entries of a batch not recorded before, and those of them young enough to alert.
struct Pipeline::Selection {
  std::vector<store::SeenArticle> seen;    // every new entry: recorded, alerting or not
  std::vector<const Article*> fresh;       // the new entries that are matched
  std::vector<std::string> stale;          // recorded long ago and still listed: refreshed
  std::vector<ChangedEntry> changed;       // recorded before, with another text now (on_update)
  std::shared_ptr<const match::Matcher> matcher;   // the one this batch is matched with
  std::uint64_t position = 0;              // the replica's log entry it was read at (cluster mode)

  bool nothing_to_record() const { return seen.empty() && stale.empty() && changed.empty(); }

  // Whether `other`, of the same batch, picks the same entries the same way.
  bool same_entries(const Selection& other) const {
    if (fresh != other.fresh || seen.size() != other.seen.size() || changed.size() != other.changed.size()) return false;
    for (std::size_t i = 0; i < seen.size(); ++i)
      if (seen[i].article_id != other.seen[i].article_id) return false;
    for (std::size_t i = 0; i < changed.size(); ++i)
      if (changed[i].article != other.changed[i].article || changed[i].matched != other.changed[i].matched ||
          changed[i].fingerprint != other.changed[i].fingerprint)
        return false;
    return true;
  }
};

Pipeline::Pipeline(store::StateStore& store, Rules rules, std::shared_ptr<const match::Matcher> matcher,
                   std::function<void()> queued)
    : store_(store), queued_(std::move(queued)) {
  update(std::move(rules), std::move(matcher));
}

void Pipeline::update(Rules rules, std::shared_ptr<const match::Matcher> matcher) {
  rules_ = std::move(rules);
  matcher_ = std::move(matcher);
  gate_.emplace(store_, rules_.watchlists, rules_.webhooks_of, queued_);
  updates_.emplace(rules_.watchlists);
}

Pipeline::Selection Pipeline::select(const Batch& batch) {
  Selection selection;
  selection.matcher = matcher_;
  std::vector<std::string> ids;
  ids.reserve(batch.articles.size());
  for (const auto& article : batch.articles) ids.push_back(article.id);
  const Millis retention = rules_.retention;
  const auto refresh_before =
      retention.count() > 0 ? std::optional<TimePoint>(batch.now - retention / 2) : std::nullopt;
  const auto unseen_ids = store_.articles().unseen(batch.feed_url, ids, refresh_before, &selection.stale);
  std::unordered_set<std::string> unseen(unseen_ids.begin(), unseen_ids.end());
  const Millis max_age = rules_.max_age;
  const auto oldest = max_age.count() > 0 ? std::optional<TimePoint>(batch.now - max_age) : std::nullopt;
  std::vector<const Article*> recorded;   // seen before: their text may have changed
  std::unordered_set<std::string> listed;
  for (const auto& article : batch.articles) {
    if (unseen.erase(article.id) == 0) {
      // Seen before (once each: a repeated id in this document is one entry).
      if (updates_->active() && listed.insert(article.id).second)
        recorded.push_back(&article);
      continue;
    }
    listed.insert(article.id);
    selection.seen.push_back({batch.feed_url, article.id, article.link, article.title, article.published,
                              rules_.keep_text ? &article : nullptr, entry_fingerprint(article)});
    if (oldest && article.published && *article.published < *oldest) continue;
    selection.fresh.push_back(&article);
  }
  selection.changed = updates_->changed(store_.articles(), batch.feed_url, recorded, oldest);
  if (const auto* replication = store_.replication()) selection.position = replication->sequence();
  return selection;
}

namespace {

// The entries of a batch the pipeline owns that are matched, to be written to (their lang): the
// fresh ones, then the changed ones that may alert again.
std::vector<Article*> writable(Batch& batch, const std::vector<const Article*>& fresh,
                               const std::vector<ChangedEntry>& changed) {
  std::vector<Article*> out;
  out.reserve(fresh.size() + changed.size());
  const auto own = [&](const Article* article) { return batch.articles.data() + (article - batch.articles.data()); };
  for (const Article* article : fresh) out.push_back(own(article));
  for (const auto& entry : changed)
    if (entry.matched) out.push_back(own(entry.article));
  return out;
}

// Each entry's language, then its matches. Only new entries get here: detection costs more than
// parsing. An entry that already says its language (replayed, or set by the caller) keeps it.
std::vector<std::vector<match::Match>> match_all(const match::Matcher& matcher, const std::vector<Article*>& fresh,
                                                 const std::string& declared) {
  std::vector<std::vector<match::Match>> out;
  out.reserve(fresh.size());
  for (Article* article : fresh) {
    if (article->lang.empty()) feeds::detect_language(*article, declared);
    out.push_back(matcher.match(*article));
  }
  return out;
}

}  // namespace

Outcome Pipeline::commit(const Batch& batch, const Selection& selection,
                         const std::vector<std::vector<match::Match>>& matches) {
  Outcome outcome;
  outcome.entries = batch.articles.size();
  outcome.new_entries = selection.seen.size();
  std::vector<store::OutboxEntry> alerts;
  // The gate's story records, the seen entries, the outbox rows and the feed's state: all or none.
  const auto tx = store_.begin();
  // In cluster mode the transaction starts by applying what other nodes recorded since the
  // selection; when that makes an entry seen or changed, it is decided again on the new state.
  if (const auto* replication = store_.replication();
      replication != nullptr && replication->sequence() != selection.position && !selection.same_entries(select(batch)))
    throw store::ReplicaConflict("another node recorded entries of " + batch.feed_url + " meanwhile");
  for (std::size_t i = 0; i < selection.fresh.size(); ++i) {
    const Article& article = *selection.fresh[i];
    for (const auto& match : matches[i]) {
      ++outcome.matches;
      // Copies of a known story and throttled stories add nothing here (see StoryGate).
      auto admitted = gate_->admit(match, article, batch.now);
      const std::string alert_id = admitted.empty() ? std::string() : admitted.front().alert_id;
      feed_log(batch.feed_url)
          .with("WATCHLIST", match.watchlist)
          .with("ALERT_ID", alert_id)
          .info("match: watchlist '{}' on \"{}\" ({}) from {}", match.watchlist, article.title, article.link,
                batch.feed_url);
      if (admitted.empty()) continue;
      outcome.raised.push_back(match.watchlist);
      outcome.alert_ids.push_back(alert_id);
      for (auto& entry : admitted) alerts.push_back(std::move(entry));
    }
    if (updates_->active()) updates_->record_new(store_.articles(), batch.feed_url, article, matches[i]);
  }
  commit_updates(batch, selection, matches, outcome, alerts);
  outcome.queued = store_.commit_poll(batch.feed_url, batch.state, selection.seen, alerts, batch.now, selection.stale);
  tx->commit();
  std::unordered_set<std::string> webhooks;
  for (const auto& alert : alerts)
    if (webhooks.insert(alert.webhook).second) outcome.webhooks.push_back(alert.webhook);
  feed_log(batch.feed_url)
      .debug("feed {}: {} entries, {} new, {} matches, {} alerts queued", batch.feed_url, outcome.entries,
             outcome.new_entries, outcome.matches, outcome.queued);
  return outcome;
}

std::vector<std::size_t> Pipeline::to_match(const Batch& batch) {
  catch_up();
  const Selection selection = select(batch);
  std::vector<std::size_t> out;
  out.reserve(selection.fresh.size());
  for (const Article* article : selection.fresh) out.push_back(static_cast<std::size_t>(article - batch.articles.data()));
  for (const ChangedEntry& entry : selection.changed)   // updated entries an on_update watchlist reads again
    if (entry.matched) out.push_back(static_cast<std::size_t>(entry.article - batch.articles.data()));
  return out;
}

// The changed entries' matches follow the fresh ones' in `matches`.
void Pipeline::commit_updates(const Batch& batch, const Selection& selection,
                              const std::vector<std::vector<match::Match>>& matches, Outcome& outcome,
                              std::vector<store::OutboxEntry>& alerts) {
  static const std::vector<match::Match> kNone;
  std::size_t next = selection.fresh.size();
  for (const ChangedEntry& entry : selection.changed) {
    const auto& entry_matches = entry.matched ? matches[next++] : kNone;
    ++outcome.changed_entries;
    const Article& article = *entry.article;
    for (const UpdateAlert& update : updates_->record_changed(store_, batch.feed_url, entry, entry_matches)) {
      ++outcome.matches;
      auto admitted = gate_->admit_update(*update.match, article, update.changes, entry.fingerprint, batch.now);
      const std::string alert_id = admitted.empty() ? std::string() : admitted.front().alert_id;
      feed_log(batch.feed_url)
          .with("WATCHLIST", update.match->watchlist)
          .with("ALERT_ID", alert_id)
          .info("match: watchlist '{}' on updated \"{}\" ({}) from {}", update.match->watchlist, article.title,
                article.link, batch.feed_url);
      if (admitted.empty()) continue;
      outcome.raised.push_back(update.match->watchlist);
      outcome.alert_ids.push_back(alert_id);
      outcome.update_ids.push_back(alert_id);
      for (auto& alert : admitted) alerts.push_back(std::move(alert));
    }
  }
}

boost::asio::awaitable<Outcome> Pipeline::process(Batch batch, WorkerPool* pool) {
  for (int attempt = 1;; ++attempt) {
    catch_up();
    const Selection selection = select(batch);
    if (selection.nothing_to_record()) {
      Outcome outcome;
      outcome.entries = batch.articles.size();
      outcome.recorded = false;
      co_return outcome;
    }
    std::vector<std::vector<match::Match>> matches;
    // The batch lives in this frame until the job is done; only the job touches its entries then.
    const std::vector<Article*> fresh = writable(batch, selection.fresh, selection.changed);
    // A named job, not a lambda inside the co_await expression (nor a conditional expression):
    // GCC 12 destroys such temporaries twice around the suspension.
    if (pool != nullptr && fresh.size() >= kOffloadMatchArticles) {
      const auto job = [matcher = selection.matcher, fresh, declared = batch.language] {
        return match_all(*matcher, fresh, declared);
      };
      matches = co_await pool->run(job);
    } else {
      matches = match_all(*selection.matcher, fresh, batch.language);
    }
    try {
      co_return commit(batch, selection, matches);
    } catch (const store::ReplicaConflict&) {
      // Another node committed first; its entries may have been this batch's: decide again.
      if (attempt >= kConflictAttempts) throw;
    }
  }
}

Outcome Pipeline::process_now(Batch batch) {
  return store::retry_on_conflict(
      [&] {
        catch_up();
        const Selection selection = select(batch);
        const auto matched = writable(batch, selection.fresh, selection.changed);
        return commit(batch, selection, match_all(*selection.matcher, matched, batch.language));
      },
      kConflictAttempts);
}

void Pipeline::catch_up() {
  // In cluster mode the unseen filter must read the entries other nodes recorded so far.
  if (auto* replication = store_.replication()) replication->apply_received();
}

std::size_t Pipeline::flush_digests(TimePoint now) {
  return store::retry_on_conflict([&] { return gate_->flush(now); }, kConflictAttempts);
}

}  // namespace newsalert::pipeline
