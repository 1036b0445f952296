// A loopback stand-in for a Matrix homeserver's send-message endpoint, written from the
// Client-Server API (spec.matrix.org, "PUT /_matrix/client/v3/rooms/{roomId}/send/{eventType}/{txnId}",
// m.room.message, "Transaction identifiers", "Rate limiting"): it refuses requests not shaped as
// documented with the spec's error codes, remembers transaction ids per access token, can answer
// M_LIMIT_EXCEEDED, and can commit an event and then drop the connection instead of answering.
#pragma once

#include "tests/support/http_server.hpp"
#include "tests/support/scripted_api.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

namespace newsalert::testing {

struct MatrixEvent {
  std::string room_id;
  std::string txn_id;
  std::string event_id;
  nlohmann::json content;
};

class MatrixHomeserver : public ScriptedApi {
 public:
  // Serves the send endpoint for `token`, whose user has joined the rooms in `rooms`.
  MatrixHomeserver(HttpServer& server, std::string token, std::vector<std::string> rooms);

  // The next `count` valid, new requests are answered 429 M_LIMIT_EXCEEDED with retry_after_ms.
  // (drop_answers: new events are stored and then go unanswered; refusals: "ERRCODE: error".)
  void rate_limit(int count, long retry_after_ms);

  std::vector<MatrixEvent> events() const;

  // Checks `html` against the spec's tag list for org.matrix.custom.html (and entity syntax,
  // nesting, link schemes); the error says what is wrong.
  static bool check_html(const std::string& html, std::string& error);

 private:
  Response handle(const RecordedRequest& request);
  Response refuse(int status, const std::string& errcode, const std::string& error, nlohmann::json extra = {});
  Response check_content(const nlohmann::json& content);

  std::string token_;
  std::vector<std::string> rooms_;
  long retry_after_ms_ = 0;
  std::map<std::pair<std::string, std::string>, std::string> transactions_;   // (token, txn id) -> event id
  std::vector<MatrixEvent> events_;
};

}  // namespace newsalert::testing
