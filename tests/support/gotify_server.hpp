// A loopback stand-in for a Gotify server's "create message" (POST /message), written from Gotify's
// API documentation (gotify.net/api-docs, the Message model; gotify.net/docs/msgextras for
// client::display and client::notification): it takes the application token from X-Gotify-Key
// (or the ?token= query and Bearer header Gotify also reads, so a test can tell where it came
// from), refuses what Gotify refuses with its {"error","errorCode","errorDescription"} answers,
// reads out the links a Markdown message would make, and can answer 429, a server error, or take a
// message and then drop the connection.
#pragma once

#include "tests/support/http_server.hpp"
#include "tests/support/scripted_api.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace newsalert::testing {

struct GotifyMessage {
  nlohmann::json message;           // as received
  std::vector<std::string> links;   // the targets of the Markdown links and images it renders
};

class GotifyServer : public ScriptedApi {
 public:
  // Serves POST {server}/message for the application token `token`.
  GotifyServer(HttpServer& server, std::string token);

  std::vector<GotifyMessage> messages() const;

  // What Gotify would refuse in a message body (empty: valid), as its errorDescription words it.
  static std::vector<std::string> problems(const nlohmann::json& body);
  // The link and image targets a CommonMark/GFM renderer makes of `markdown`: [text](url),
  // ![alt](url), <url> autolinks and bare http(s):// or www. links; backslash escapes respected.
  static std::vector<std::string> markdown_links(const std::string& markdown);

 private:
  Response handle(const RecordedRequest& request);
  Response error(int status, const std::string& description);

  std::string token_;
  std::vector<GotifyMessage> messages_;
};

}  // namespace newsalert::testing
