// A loopback stand-in for Pushover's Message API (POST /1/messages.json), written from Pushover's
// documentation (pushover.net/api: the form parameters, their limits, the HTML styling Pushover
// renders, and its answers {"status":1,"request":...} or 4xx {"status":0,"errors":[...]}): it
// refuses requests not shaped as documented with Pushover's 400 answer, and can answer 429, a
// server error, or take a message and then drop the connection (Pushover has no idempotency key:
// the retry is a second message).
#pragma once

#include "tests/support/http_server.hpp"
#include "tests/support/scripted_api.hpp"

#include <map>
#include <string>
#include <vector>

namespace newsalert::testing {

using PushoverMessage = std::map<std::string, std::string>;   // the form parameters as received

class PushoverApi : public ScriptedApi {
 public:
  // Serves POST {server}/1/messages.json for the application `token`, delivering to `user`.
  PushoverApi(HttpServer& server, std::string token, std::string user);

  // (rate_limit: 429, as for an application over its monthly limit; refusals: each 400's errors
  // joined by "; ".)
  std::vector<PushoverMessage> messages() const;

  // What Pushover would refuse in these parameters, as its `errors` words it (empty: valid).
  static std::vector<std::string> problems(const PushoverMessage& message);
  // What is wrong with `html` as a message with html=1: a tag outside Pushover's list, an unclosed
  // or stray tag, a bare '&' or '<', a link in another scheme (empty: valid).
  static std::vector<std::string> html_problems(const std::string& html);

 private:
  Response handle(const RecordedRequest& request);
  Response refuse(int status, const std::vector<std::string>& errors);

  std::string token_;
  std::string user_;
  std::vector<PushoverMessage> messages_;
};

}  // namespace newsalert::testing
