// The status client: one GET over the same curl client the daemon uses.
#include "daemon/status_command.hpp"

#include "config/config.hpp"
#include "daemon/commands.hpp"
#include "daemon/status_report.hpp"
#include "net/http_client.hpp"

#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

namespace newsalert::daemon {

int run_status(const std::string& config_file, bool json, std::ostream& out, std::ostream& err) {
  const auto config = load_tool_config(config_file, err);
  if (!config) return kExitUsage;
  if (!config->http) {
    err << "newsalertd status: " << config_file
        << " has no http.listen, so the daemon has no admin listener to ask; add\n"
           "  http:\n    listen: 127.0.0.1:9464\nand reload it (systemctl reload newsalertd)\n";
    return kExitUsage;
  }
  const std::string url = "http://" + config->http->str() + "/v1/status";
  boost::asio::io_context io;
  net::HttpClient http(io, {});
  net::HttpRequest request;
  request.url = url;
  request.timeout = std::chrono::seconds(5);
  request.follow_redirects = false;
  // With http.tokens every /v1 call needs one; any token may read.
  if (!config->api_tokens.empty())
    request.headers.emplace_back("Authorization", "Bearer " + config->api_tokens.front().token);
  net::HttpResponse response;
  http.async_fetch(request, [&](net::HttpResponse r) { response = std::move(r); });
  io.run();
  if (!response.is_success()) {
    err << "newsalertd status: cannot reach the daemon at " << url << ": " << response.describe()
        << "\n(is it running? systemctl status newsalertd)\n";
    return kExitFailure;
  }
  try {
    const auto body = nlohmann::json::parse(response.body);
    const StatusReport report = StatusReport::from_json(body);
    if (json) out << body.dump(2) << "\n";
    else out << report.table(Clock::now());
    return kExitOk;
  } catch (const std::exception& e) {
    err << "newsalertd status: " << url << " did not answer with a status report: " << e.what() << "\n";
    return kExitFailure;
  }
}

}  // namespace newsalert::daemon
