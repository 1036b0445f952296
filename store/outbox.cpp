// The outbox, deliveries, dead_letters and endpoints tables: an alert from enqueued to its outcome.
#include "store/outbox.hpp"

#include "store/database.hpp"
#include "store/time_columns.hpp"

#include <string>

namespace newsalert::store {

// Skipped when pending (the unique index) or finished (deliveries, which covers dead letters).
std::size_t Outbox::insert(const std::vector<OutboxEntry>& alerts, std::int64_t now_ms) {
  std::size_t added = 0;
  auto stmt = db_.cached(
      "INSERT INTO outbox (alert_id, webhook, watchlist, payload, attempts, next_attempt_ms, created_ms) "
      "SELECT ?1, ?2, ?3, ?4, 0, ?5, ?5 "
      "WHERE NOT EXISTS (SELECT 1 FROM deliveries WHERE alert_id = ?1 AND webhook = ?2) "
      "ON CONFLICT (alert_id, webhook) DO NOTHING");
  for (const auto& e : alerts) {
    // Whether the alert was finished decides; a node recording that outcome meanwhile must win.
    db_.reads("deliveries", e.alert_id + '\x1f' + e.webhook);
    stmt->bind_all(e.alert_id, e.webhook, e.watchlist, e.payload, now_ms);
    added += stmt->run();
  }
  return added;
}

std::vector<PendingDelivery> Outbox::due(const std::string& webhook, TimePoint now, std::size_t limit) const {
  std::vector<PendingDelivery> out;
  auto stmt = db_.cached(
      "SELECT id, alert_id, webhook, watchlist, payload, attempts, next_attempt_ms, created_ms, last_error "
      "FROM outbox WHERE webhook = ?1 AND next_attempt_ms <= ?2 ORDER BY next_attempt_ms, id LIMIT ?3");
  stmt->bind_all(webhook, to_unix_millis(now), static_cast<std::int64_t>(limit));
  while (stmt->step()) {
    PendingDelivery d;
    d.id = stmt->column_int64(0);
    d.alert_id = stmt->column_text(1);
    d.webhook = stmt->column_text(2);
    d.watchlist = stmt->column_text(3);
    d.payload = stmt->column_text(4);
    d.attempts = stmt->column_int(5);
    d.next_attempt = from_unix_millis(stmt->column_int64(6));
    d.created = from_unix_millis(stmt->column_int64(7));
    d.last_error = stmt->column_text(8);
    out.push_back(std::move(d));
  }
  return out;
}

std::optional<TimePoint> Outbox::next_due(const std::string& webhook) const {
  // MIN over the (webhook, next_attempt_ms) index is a single seek.
  auto stmt = db_.cached("SELECT MIN(next_attempt_ms) FROM outbox WHERE webhook = ?1");
  stmt->bind(1, webhook);
  if (!stmt->step()) return std::nullopt;
  return from_millis(stmt->column_optional_int64(0));
}

void Outbox::write_together(const std::function<void()>& writes) {
  Transaction tx(db_, Transaction::Kind::Immediate);
  writes();
  tx.commit();
}

void Outbox::mark_delivered(std::int64_t id, TimePoint now) {
  Transaction tx(db_, Transaction::Kind::Immediate);
  {
    auto stmt = db_.cached(
        "INSERT INTO deliveries (alert_id, webhook, state, at_ms) "
        "SELECT alert_id, webhook, 'delivered', ?2 FROM outbox WHERE id = ?1 "
        "ON CONFLICT (alert_id, webhook) DO UPDATE SET state = excluded.state, at_ms = excluded.at_ms");
    stmt->bind_all(id, to_unix_millis(now));
    stmt->run();
  }
  {
    auto stmt = db_.cached("DELETE FROM outbox WHERE id = ?1");
    stmt->bind(1, id);
    stmt->run();
  }
  tx.commit();
}

void Outbox::mark_retry(std::int64_t id, TimePoint next_attempt, const std::string& error) {
  auto stmt = db_.cached(
      "UPDATE outbox SET attempts = attempts + 1, next_attempt_ms = ?2, last_error = ?3 WHERE id = ?1");
  stmt->bind_all(id, to_unix_millis(next_attempt), error);
  db_.run_write(*stmt);
}

void Outbox::mark_dead(std::int64_t id, const std::string& error, TimePoint now) {
  const auto now_ms = to_unix_millis(now);
  Transaction tx(db_, Transaction::Kind::Immediate);
  {
    // attempts + 1: the attempt that just failed is not yet counted in the outbox row.
    auto stmt = db_.cached(
        "INSERT INTO dead_letters (id, alert_id, webhook, watchlist, payload, attempts, created_ms, "
        "failed_ms, last_error) "
        "SELECT id, alert_id, webhook, watchlist, payload, attempts + 1, created_ms, ?2, ?3 "
        "FROM outbox WHERE id = ?1");
    stmt->bind_all(id, now_ms, error);
    stmt->run();
  }
  {
    auto stmt = db_.cached(
        "INSERT INTO deliveries (alert_id, webhook, state, at_ms) "
        "SELECT alert_id, webhook, 'dead', ?2 FROM outbox WHERE id = ?1 "
        "ON CONFLICT (alert_id, webhook) DO UPDATE SET state = excluded.state, at_ms = excluded.at_ms");
    stmt->bind_all(id, now_ms);
    stmt->run();
  }
  {
    auto stmt = db_.cached("DELETE FROM outbox WHERE id = ?1");
    stmt->bind(1, id);
    stmt->run();
  }
  tx.commit();
}

std::size_t Outbox::make_pending_due(TimePoint now) {
  auto stmt = db_.cached("UPDATE outbox SET next_attempt_ms = ?1 WHERE next_attempt_ms > ?1");
  stmt->bind(1, to_unix_millis(now));
  return db_.run_write(*stmt);
}

std::size_t Outbox::make_pending_due(TimePoint now, const std::string& webhook) {
  auto stmt = db_.cached("UPDATE outbox SET next_attempt_ms = ?1 WHERE next_attempt_ms > ?1 AND webhook = ?2");
  stmt->bind(1, to_unix_millis(now));
  stmt->bind(2, webhook);
  return db_.run_write(*stmt);
}

std::size_t Outbox::enqueue(const std::vector<OutboxEntry>& alerts, TimePoint now) {
  Transaction tx(db_, Transaction::Kind::Immediate);
  const std::size_t added = insert(alerts, to_unix_millis(now));
  tx.commit();
  return added;
}

void Outbox::disable_endpoint(const std::string& webhook, const std::string& url, const std::string& reason,
                                  TimePoint now) {
  auto stmt = db_.cached(
      "INSERT INTO endpoints (webhook, url, disabled_ms, reason) VALUES (?1, ?2, ?3, ?4) "
      "ON CONFLICT (webhook) DO UPDATE SET url = excluded.url, disabled_ms = excluded.disabled_ms, "
      "reason = excluded.reason");
  stmt->bind_all(webhook, url, to_unix_millis(now), reason);
  db_.run_write(*stmt);
}

std::optional<DisabledEndpoint> Outbox::disabled_endpoint(const std::string& webhook) const {
  auto stmt = db_.cached("SELECT webhook, url, disabled_ms, reason FROM endpoints WHERE webhook = ?1");
  stmt->bind(1, webhook);
  if (!stmt->step()) return std::nullopt;
  return DisabledEndpoint{stmt->column_text(0), stmt->column_text(1), stmt->column_text(3),
                          from_unix_millis(stmt->column_int64(2))};
}

bool Outbox::enable_endpoint(const std::string& webhook) {
  auto stmt = db_.cached("DELETE FROM endpoints WHERE webhook = ?1");
  stmt->bind(1, webhook);
  return db_.run_write(*stmt) > 0;
}

std::vector<DisabledEndpoint> Outbox::disabled_endpoints() const {
  std::vector<DisabledEndpoint> out;
  auto stmt = db_.cached("SELECT webhook, url, disabled_ms, reason FROM endpoints ORDER BY webhook");
  while (stmt->step())
    out.push_back({stmt->column_text(0), stmt->column_text(1), stmt->column_text(3),
                   from_unix_millis(stmt->column_int64(2))});
  return out;
}

namespace {

// Moves the selected dead letters back into the outbox, due now with a fresh attempt count, and
// forgets their 'dead' outcome so nothing else skips them; their webhooks are re-enabled.
std::size_t requeue_dead(Database& db, const std::string& where, std::optional<std::int64_t> id, TimePoint now) {
  Transaction tx(db, Transaction::Kind::Immediate);
  const auto bind_id = [&](Statement& stmt, int index) {
    if (id) stmt.bind(index, *id);
  };
  {
    auto stmt = db.prepare("DELETE FROM endpoints WHERE webhook IN (SELECT webhook FROM dead_letters " + where + ")");
    bind_id(stmt, 1);
    stmt.run();
  }
  {
    auto stmt = db.prepare(
        "DELETE FROM deliveries WHERE state = 'dead' AND (alert_id, webhook) IN "
        "(SELECT alert_id, webhook FROM dead_letters " + where + ")");
    bind_id(stmt, 1);
    stmt.run();
  }
  std::size_t moved = 0;
  {
    auto stmt = db.prepare(
        "INSERT INTO outbox (alert_id, webhook, watchlist, payload, attempts, next_attempt_ms, created_ms) "
        "SELECT alert_id, webhook, watchlist, payload, 0, ?" + std::string(id ? "2" : "1") + ", created_ms "
        "FROM dead_letters " + where + " ORDER BY id ON CONFLICT (alert_id, webhook) DO NOTHING");
    bind_id(stmt, 1);
    stmt.bind(id ? 2 : 1, to_unix_millis(now));
    moved = stmt.run();
  }
  {
    auto stmt = db.prepare("DELETE FROM dead_letters " + where);
    bind_id(stmt, 1);
    stmt.run();
  }
  tx.commit();
  return moved;
}

}  // namespace

bool Outbox::retry_dead_letter(std::int64_t id, TimePoint now) {
  return requeue_dead(db_, "WHERE id = ?1", id, now) > 0;
}

std::size_t Outbox::retry_all_dead_letters(TimePoint now) { return requeue_dead(db_, "", std::nullopt, now); }

std::size_t Outbox::purge_dead_letters() {
  // Their 'dead' outcome stays in deliveries, so a purged alert is never enqueued again.
  auto stmt = db_.cached("DELETE FROM dead_letters");
  return db_.run_write(*stmt);
}

std::vector<DeadLetter> Outbox::dead_letters() const {
  std::vector<DeadLetter> out;
  auto stmt = db_.cached(
      "SELECT id, alert_id, webhook, watchlist, payload, attempts, created_ms, failed_ms, last_error "
      "FROM dead_letters ORDER BY failed_ms, id");
  while (stmt->step()) {
    DeadLetter d;
    d.id = stmt->column_int64(0);
    d.alert_id = stmt->column_text(1);
    d.webhook = stmt->column_text(2);
    d.watchlist = stmt->column_text(3);
    d.payload = stmt->column_text(4);
    d.attempts = stmt->column_int(5);
    d.created = from_unix_millis(stmt->column_int64(6));
    d.failed = from_unix_millis(stmt->column_int64(7));
    d.last_error = stmt->column_text(8);
    out.push_back(std::move(d));
  }
  return out;
}

std::optional<std::string> Outbox::dead_letter_webhook(std::int64_t id) const {
  auto stmt = db_.cached("SELECT webhook FROM dead_letters WHERE id = ?1");
  stmt->bind(1, id);
  if (!stmt->step()) return std::nullopt;
  return stmt->column_text(0);
}

std::vector<DeliveryState> Outbox::delivery_states(const std::string& alert_id) const {
  std::vector<DeliveryState> out;
  // Pending rows, then final outcomes; a dead one takes its id, attempts and error from its letter.
  auto stmt = db_.cached(
      "SELECT webhook, 'pending', attempts, next_attempt_ms, last_error, id FROM outbox WHERE alert_id = ?1 "
      "UNION ALL "
      "SELECT d.webhook, d.state, COALESCE(l.attempts, 0), d.at_ms, COALESCE(l.last_error, ''), COALESCE(l.id, 0) "
      "FROM deliveries d LEFT JOIN dead_letters l ON l.alert_id = d.alert_id AND l.webhook = d.webhook "
      "WHERE d.alert_id = ?1 ORDER BY 1");
  stmt->bind(1, alert_id);
  while (stmt->step()) {
    DeliveryState state;
    state.webhook = stmt->column_text(0);
    const std::string kind = stmt->column_text(1);
    state.kind = kind == "pending"     ? DeliveryState::Kind::pending
                 : kind == "delivered" ? DeliveryState::Kind::delivered
                                       : DeliveryState::Kind::dead;
    state.attempts = stmt->column_int(2);
    state.at = from_unix_millis(stmt->column_int64(3));
    state.last_error = stmt->column_text(4);
    state.id = stmt->column_int64(5);
    out.push_back(std::move(state));
  }
  return out;
}

std::size_t Outbox::pending_count() const {
  auto stmt = db_.cached("SELECT COUNT(*) FROM outbox");
  stmt->step();
  return static_cast<std::size_t>(stmt->column_int64(0));
}

std::size_t Outbox::pending_count(const std::string& webhook) const {
  auto stmt = db_.cached("SELECT COUNT(*) FROM outbox WHERE webhook = ?1");
  stmt->bind(1, webhook);
  stmt->step();
  return static_cast<std::size_t>(stmt->column_int64(0));
}

std::size_t Outbox::delivered_count() const {
  auto stmt = db_.cached("SELECT COUNT(*) FROM deliveries WHERE state = 'delivered'");
  stmt->step();
  return static_cast<std::size_t>(stmt->column_int64(0));
}

}  // namespace newsalert::store
