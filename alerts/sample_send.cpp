// A sample alert sent through one channel at once.
#include "alerts/sample_send.hpp"

#include "alerts/payload.hpp"
#include "common/crypto.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

namespace asio = boost::asio;

namespace newsalert::alerts {

nlohmann::json sample_alert_payload(TimePoint now) {
  Article article;
  article.feed_url = "https://news.example.org/world.rss";
  article.feed_title = "Example World News";
  article.id = "newsalert-notify-test";
  article.title = "Test alert from newsalert: Erdoğan and خامنه‌ای meet in Tehran";
  article.link = "https://news.example.org/world/newsalert-test";
  article.published = now;
  match::Match match;
  match.watchlist = "notify-test";
  match.actors = {{"Recep Tayyip Erdoğan", {"Erdoğan"}}, {"Ali Khamenei", {"خامنه‌ای"}}};
  match.regions = {{"Iran", {"Tehran"}}};
  match.score = 1;
  match.snippets = {"This is a test message sent by `newsalertd notify-test`; no story was matched."};
  const std::string id = "na_" + sha256_hex("notify-test\n" + std::to_string(to_unix_millis(now))).substr(0, 32);
  return alert_payload(match, article, id, now);
}

SampleSend send_sample(const config::Config& config, const config::WebhookConfig& webhook, std::ostream& lines) {
  const nlohmann::json payload = sample_alert_payload(Clock::now());
  SampleSend out;
  out.alert_id = payload["id"].get<std::string>();
  if (webhook.format == config::WebhookFormat::stdout_lines) {
    lines << payload.dump() << '\n';
    out.result.status = lines ? 200 : 0;
    return out;
  }
  asio::io_context io;
  net::HttpClientOptions options;
  options.user_agent = config.user_agent;
  options.address_policy = std::make_shared<net::AddressPolicy>(config.network.allow);
  net::HttpClient http(io, options);
  net::MailClient mail(io, options.address_policy);
  ChannelSender sender(http, mail);
  // send() takes references: the body must outlive the coroutine, not just this statement.
  const std::string body = payload.dump();
  asio::co_spawn(io, sender.send(webhook, out.alert_id, body),
                 [&out](std::exception_ptr error, SendResult result) {
                   if (error) std::rethrow_exception(error);
                   out.result = std::move(result);
                 });
  io.run();
  return out;
}

}  // namespace newsalert::alerts
