// A loopback stand-in for a Mattermost incoming webhook, written from Mattermost's documentation
// (developers.mattermost.com/integrate/webhooks/incoming: a JSON body, or a form field `payload`,
// whose `text` is Markdown, or `attachments`; the answer "ok"): it refuses what Mattermost refuses
// with its error answer, and reads out the mentions a post would notify (@user, @channel, @all,
// @here) and the channel links (~channel) it would make.
#pragma once

#include "tests/support/scripted_api.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace newsalert::testing {

struct MattermostPost {
  std::string text;
  std::vector<std::string> mentions;        // "@channel", "@someone"
  std::vector<std::string> channel_links;   // "~town-square"
};

class MattermostWebhook : public ScriptedApi {
 public:
  // Serves POST {server}{path}.
  MattermostWebhook(HttpServer& server, const std::string& path);

  std::vector<MattermostPost> posts() const;

  // The @mentions and ~channel links in `text`: an '@' or '~' that starts a word, followed by a
  // name character (a zero-width space after it breaks the link, as Mattermost reads it).
  static std::vector<std::string> references(const std::string& text, char sigil);

 private:
  Response handle(const RecordedRequest& request);
  Response refuse(const std::string& message);

  std::vector<MattermostPost> posts_;
};

}  // namespace newsalert::testing
