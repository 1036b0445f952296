// The websub table: a feed's subscription and its state names as stored.
#include "store/websub_store.hpp"

#include "store/database.hpp"
#include "store/time_columns.hpp"

namespace newsalert::store {

namespace {

const char* websub_state_name(WebSubState state) {
  switch (state) {
    case WebSubState::requested: return "requested";
    case WebSubState::active: return "active";
    case WebSubState::unsubscribing: return "unsubscribing";
    case WebSubState::failed: return "failed";
  }
  return "failed";
}

WebSubState websub_state_from(const std::string& name) {
  if (name == "requested") return WebSubState::requested;
  if (name == "active") return WebSubState::active;
  if (name == "unsubscribing") return WebSubState::unsubscribing;
  return WebSubState::failed;
}

}  // namespace

std::vector<WebSubSubscription> WebSubStore::all() const {
  std::vector<WebSubSubscription> out;
  auto stmt = db_.cached(
      "SELECT feed_url, hub, topic, token, secret, state, lease_ms, expires_ms, updated_ms, last_error FROM websub "
      "ORDER BY feed_url");
  while (stmt->step()) {
    WebSubSubscription s;
    s.feed_url = stmt->column_text(0);
    s.hub = stmt->column_text(1);
    s.topic = stmt->column_text(2);
    s.token = stmt->column_text(3);
    s.secret = stmt->column_text(4);
    s.state = websub_state_from(stmt->column_text(5));
    if (const auto lease = stmt->column_optional_int64(6)) s.lease = Millis(*lease);
    s.expires = from_millis(stmt->column_optional_int64(7));
    s.updated = from_unix_millis(stmt->column_int64(8));
    s.last_error = stmt->column_text(9);
    out.push_back(std::move(s));
  }
  return out;
}

void WebSubStore::save(const WebSubSubscription& s) {
  auto stmt = db_.cached(
      "INSERT INTO websub (feed_url, hub, topic, token, secret, state, lease_ms, expires_ms, updated_ms, last_error) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT (feed_url) DO UPDATE SET "
      "hub = excluded.hub, topic = excluded.topic, token = excluded.token, secret = excluded.secret, "
      "state = excluded.state, lease_ms = excluded.lease_ms, expires_ms = excluded.expires_ms, "
      "updated_ms = excluded.updated_ms, last_error = excluded.last_error");
  stmt->bind_all(s.feed_url, s.hub, s.topic, s.token, s.secret, std::string(websub_state_name(s.state)),
                 to_millis(s.lease), to_millis(s.expires), to_unix_millis(s.updated), s.last_error);
  db_.run_write(*stmt);
}

void WebSubStore::remove(const std::string& feed_url) {
  auto stmt = db_.cached("DELETE FROM websub WHERE feed_url = ?1");
  stmt->bind(1, feed_url);
  db_.run_write(*stmt);
}

}  // namespace newsalert::store
