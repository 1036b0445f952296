// A loopback stand-in for Opsgenie's Alert API "Create Alert" (POST /v2/alerts), written from
// Opsgenie's documentation (docs.opsgenie.com/docs/alert-api, "Create Alert"; the field limits of
// "Alerts and alert fields"): it refuses requests not shaped as documented (GenieKey
// authorization, JSON, the fields' types and limits) with Opsgenie's 401 and 422 answers,
// deduplicates by alias as Opsgenie does for open alerts, can answer 429, and can take an alert
// and then drop the connection.
#pragma once

#include "tests/support/http_server.hpp"
#include "tests/support/scripted_api.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

namespace newsalert::testing {

struct OpsgenieAlert {
  nlohmann::json request;   // the first create request, as received
  int count = 1;            // creates with its alias while it was open
};

class OpsgenieAlertApi : public ScriptedApi {
 public:
  // Serves POST {server}/v2/alerts for the API integration key `key`.
  OpsgenieAlertApi(HttpServer& server, std::string key);

  // (rate_limit: 429; refusals: each 4xx answer's message, with its field errors as "field: text".)
  std::vector<OpsgenieAlert> alerts() const;

  // Opsgenie's field errors for a create request (empty when valid): field -> message.
  static std::map<std::string, std::string> problems(const nlohmann::json& request);

 private:
  Response handle(const RecordedRequest& request);
  Response answer(int status, const std::string& message, const std::map<std::string, std::string>& errors = {});

  std::string key_;
  int request_ids_ = 0;
  std::vector<OpsgenieAlert> alerts_;
};

}  // namespace newsalert::testing
