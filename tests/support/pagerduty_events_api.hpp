// A loopback stand-in for PagerDuty's Events API v2 (POST /v2/enqueue), written from PagerDuty's
// documentation and OpenAPI description (developer.pagerduty.com, "Send an Alert Event";
// PagerDuty/api-schema reference/events-v2): it refuses events not shaped as documented with 400
// "Event object is invalid" and the reasons, deduplicates triggers by dedup_key per routing key as
// PagerDuty does, can answer 429, and can accept an event and then drop the connection.
#pragma once

#include "tests/support/http_server.hpp"
#include "tests/support/scripted_api.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace newsalert::testing {

struct PagerDutyAlert {
  std::string routing_key;
  std::string dedup_key;
  nlohmann::json event;   // the first trigger as received
  int triggers = 1;       // triggers folded into this alert by their dedup_key
};

class PagerDutyEventsApi : public ScriptedApi {
 public:
  explicit PagerDutyEventsApi(HttpServer& server);

  // (rate_limit: 429 with an empty body, as documented; refusals: each 400's errors joined by "; ".)
  std::vector<PagerDutyAlert> alerts() const;

  // The reasons an event is invalid (empty when it is valid), as the API lists them in `errors`.
  static std::vector<std::string> problems(const nlohmann::json& event);

 private:
  Response handle(const RecordedRequest& request);
  Response refuse(const std::vector<std::string>& errors);

  std::vector<PagerDutyAlert> alerts_;
};

}  // namespace newsalert::testing
