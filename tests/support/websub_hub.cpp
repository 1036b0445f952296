// The test hub: subscription requests are answered 202 at once and verified from another thread,
// as a real hub does, so the subscriber must cope with the verification arriving on its own.
#include "tests/support/websub_hub.hpp"

#include "common/crypto.hpp"
#include "common/text.hpp"
#include "tests/support/http_client.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <random>

namespace newsalert::testing {


WebSubHub::WebSubHub(long max_lease_seconds) : max_lease_(max_lease_seconds), server_(std::make_unique<HttpServer>()) {
  url_ = server_->url("/hub");
  server_->route("/hub", [this](const RecordedRequest& request) {
    Response response;
    on_request(request, response);
    return response;
  });
}

WebSubHub::~WebSubHub() {
  shut_down();
  for (auto& t : verifiers_) t.join();
}

std::string WebSubHub::url() const { return url_; }

void WebSubHub::on_request(const RecordedRequest& request, Response& response) {
  if (request.method != "POST") {
    response.status = 405;
    return;
  }
  auto form = parse_form(request.body);
  const std::string mode = form["hub.mode"];
  if ((mode != "subscribe" && mode != "unsubscribe") || form["hub.topic"].empty() || form["hub.callback"].empty()) {
    response.status = 400;
    response.body = "bad request\n";
    return;
  }
  long lease = max_lease_;
  if (!form["hub.lease_seconds"].empty()) lease = std::min(lease, std::stol(form["hub.lease_seconds"]));
  std::lock_guard lock(mutex_);
  if (mode == "subscribe") ++subscribe_requests_;
  verifiers_.emplace_back(&WebSubHub::verify, this, mode, form["hub.topic"], form["hub.callback"], form["hub.secret"],
                          lease);
  response.status = 202;
  response.body = "accepted\n";
}

void WebSubHub::verify(std::string mode, std::string topic, std::string callback, std::string secret, long lease) {
  const std::string challenge = random_hex(8);
  const std::string url = callback + (callback.find('?') == std::string::npos ? "?" : "&") + "hub.mode=" + mode +
                          "&hub.topic=" + form_encode(topic) + "&hub.challenge=" + challenge +
                          (mode == "subscribe" ? "&hub.lease_seconds=" + std::to_string(lease) : "");
  const ClientResponse answer = get(url);
  if (answer.status < 200 || answer.status > 299 || answer.body != challenge) return;
  std::lock_guard lock(mutex_);
  if (mode == "unsubscribe") {
    unsubscribed_.push_back(topic);
    std::erase_if(subscribers_, [&](const Subscriber& s) { return s.topic == topic && s.callback == callback; });
  } else {
    auto it = std::find_if(subscribers_.begin(), subscribers_.end(),
                           [&](const Subscriber& s) { return s.topic == topic && s.callback == callback; });
    if (it == subscribers_.end()) it = subscribers_.insert(subscribers_.end(), Subscriber{topic, callback, secret, lease, 0});
    it->secret = secret;
    it->lease_seconds = lease;
    ++it->verified;
  }
  changed_.notify_all();
}

bool WebSubHub::wait_for_subscriber(const std::string& topic, int verifications, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] {
    return std::any_of(subscribers_.begin(), subscribers_.end(),
                       [&](const Subscriber& s) { return s.topic == topic && s.verified >= verifications; });
  });
}

std::optional<WebSubHub::Subscriber> WebSubHub::subscriber(const std::string& topic) const {
  std::lock_guard lock(mutex_);
  for (const auto& s : subscribers_)
    if (s.topic == topic) return s;
  return std::nullopt;
}

bool WebSubHub::wait_for_unsubscribed(const std::string& topic, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] {
    return std::find(unsubscribed_.begin(), unsubscribed_.end(), topic) != unsubscribed_.end();
  });
}

int WebSubHub::subscribe_requests() const {
  std::lock_guard lock(mutex_);
  return subscribe_requests_;
}

int WebSubHub::publish(const std::string& topic, const std::string& body, const std::string& content_type,
                       const std::string& algorithm, std::optional<std::string> secret_override) {
  const auto sub = subscriber(topic);
  if (!sub) return 0;
  Headers headers{{"Content-Type", content_type}};
  if (!algorithm.empty())
    headers["X-Hub-Signature"] = algorithm + "=" + hmac_hex(algorithm, secret_override.value_or(sub->secret), body);
  return post(sub->callback, body, headers).status;
}

void WebSubHub::shut_down() {
  std::unique_ptr<HttpServer> server;
  {
    std::lock_guard lock(mutex_);
    server = std::move(server_);
  }
  server.reset();
}

}  // namespace newsalert::testing
