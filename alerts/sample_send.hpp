// Sends one sample alert to one webhook now, outside the outbox: what `newsalertd notify-test`
// does so that an operator sees a new channel work (or why not) right after configuring it.
#pragma once

#include "alerts/channel_sender.hpp"
#include "common/time.hpp"
#include "config/config.hpp"

#include <nlohmann/json.hpp>

#include <ostream>
#include <string>

namespace newsalert::alerts {

// An alert payload as the daemon sends them, about a made-up story; its id is new at every call.
nlohmann::json sample_alert_payload(TimePoint now);

struct SampleSend {
  std::string alert_id;
  SendResult result;
};

// Runs its own event loop until the far end has answered (or the webhook's timeout). stdout
// webhooks get the payload line on `lines`. The SSRF guard applies as in the daemon.
SampleSend send_sample(const config::Config& config, const config::WebhookConfig& webhook, std::ostream& lines);

}  // namespace newsalert::alerts
