// HttpClient: HTTP transfers (net/http_transfer) run on the curl-on-Asio bridge (net/curl_bridge),
// plus the failure classes and descriptions of their responses.
#include "net/http_client.hpp"

#include "net/curl_bridge.hpp"
#include "net/curl_share.hpp"
#include "net/curl_transfers.hpp"
#include "net/http_transfer.hpp"

#include <boost/asio/post.hpp>
#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <unordered_map>

namespace asio = boost::asio;

namespace newsalert::net {

namespace {

class CurlCategory final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "curl"; }
  std::string message(int ev) const override { return curl_easy_strerror(static_cast<CURLcode>(ev)); }
};

// The curl options whose refusal leaves a transfer without the TLS checks it asked for.
bool is_tls_option(std::string_view option) {
  return option.find("SSL") != std::string_view::npos || option == "CURLOPT_CAINFO" ||
         option == "CURLOPT_PINNEDPUBLICKEY";
}

}  // namespace

const boost::system::error_category& curl_category() {
  static const CurlCategory category;
  return category;
}

TransportFailure classify_transport(const boost::system::error_code& error) {
  if (!error) return TransportFailure::none;
  if (error == asio::error::operation_aborted) return TransportFailure::aborted;
  if (error.category() != curl_category()) return TransportFailure::other;
  switch (static_cast<CURLcode>(error.value())) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY: return TransportFailure::dns;
    case CURLE_COULDNT_CONNECT: return TransportFailure::connect;
    case CURLE_OPERATION_TIMEDOUT: return TransportFailure::timeout;
    case CURLE_FILESIZE_EXCEEDED: return TransportFailure::too_large;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CLIENTCERT:
    case CURLE_USE_SSL_FAILED: return TransportFailure::tls;
    default: return TransportFailure::other;
  }
}

std::string HttpResponse::header(const std::string& lower_case_name) const {
  auto it = headers.find(lower_case_name);
  return it == headers.end() ? std::string() : it->second;
}

TransportFailure HttpResponse::failure() const {
  if (too_large) return TransportFailure::too_large;
  if (!failed_option.empty()) return is_tls_option(failed_option) ? TransportFailure::tls : TransportFailure::other;
  // A refused address only matters when no other address of the host connected.
  if (error && !blocked.empty()) return TransportFailure::blocked;
  return classify_transport(error);
}

std::string HttpResponse::describe() const {
  if (too_large) {
    const std::string bound = std::to_string(limit_bytes) + " bytes";
    switch (limit) {
      case ResponseLimit::compressed: return "response larger than " + bound + " as received (before decoding)";
      case ResponseLimit::headers: return "response headers larger than " + bound;
      case ResponseLimit::body:
      case ResponseLimit::none: break;
    }
    return "response body larger than " + bound;
  }
  if (!failed_option.empty()) return "cannot set " + failed_option + ": " + error.message();
  if (error && !blocked.empty()) return "address refused: " + blocked;
  if (error) {
    std::string out = error.message();
    if (!error_message.empty() && error_message != out) out += ": " + error_message;
    return out;
  }
  return "HTTP " + std::to_string(status);
}

std::string HttpClient::default_user_agent() {
  return "newsalertd/0.1 (+https://github.com/newsalert/newsalert) " + std::string(curl_version());
}

const std::string& HttpClient::accepted_encodings() {
  // Built from what this libcurl was compiled with: advertising a coding it cannot decode would
  // hand a compressed body to the parser.
  static const std::string value = [] {
    const curl_version_info_data* info = curl_version_info(CURLVERSION_NOW);
    std::string out;
    auto add = [&out](const char* coding) { out += out.empty() ? coding : std::string(", ") + coding; };
    if (info->libz_version != nullptr) {
      add("gzip");
      add("deflate");
    }
    if (info->features & CURL_VERSION_BROTLI) add("br");
    if (info->features & CURL_VERSION_ZSTD) add("zstd");
    return out;
  }();
  return value;
}

struct HttpClient::Impl {
  using Transfers = CurlTransfers<HttpTransfer, HttpResponse>;
  using Handler = Transfers::Handler;
  using Pending = Transfers::Pending;

  Impl(asio::io_context& io_context, const HttpClientOptions& options)
      : io(io_context),
        bridge(CurlBridge::create(io_context, [this](CURL* easy, CURLcode result) { finish(easy, result); })),
        transfers(io_context, *bridge) {
    settings.user_agent = options.user_agent.empty() ? default_user_agent() : options.user_agent;
    settings.multiplex = options.multiplex;
    settings.share = share.get();
    settings.address_policy = options.address_policy;
    set_limits(options);
    // One DNS cache and one TLS session cache for every transfer (resumed handshakes are cheap).
    share.share(CURL_LOCK_DATA_DNS, "CURL_LOCK_DATA_DNS");
    share.share(CURL_LOCK_DATA_SSL_SESSION, "CURL_LOCK_DATA_SSL_SESSION");
  }

  void set_limits(const HttpClientOptions& options) {
    CurlMulti& multi = bridge->multi();
    multi.set(CURLMOPT_MAX_TOTAL_CONNECTIONS, options.max_connections, "CURLMOPT_MAX_TOTAL_CONNECTIONS");
    multi.set(CURLMOPT_MAX_HOST_CONNECTIONS, options.max_per_host, "CURLMOPT_MAX_HOST_CONNECTIONS");
    // Idle connections kept for reuse: enough for every host at its per-host limit in a large
    // config, so a 304 costs one round trip on a warm connection, not a new handshake.
    multi.set(CURLMOPT_MAXCONNECTS, std::max(options.max_connections, 64L), "CURLMOPT_MAXCONNECTS");
    multi.set(CURLMOPT_PIPELINING, options.multiplex ? long{CURLPIPE_MULTIPLEX} : long{CURLPIPE_NOTHING},
              "CURLMOPT_PIPELINING");
  }

  void start(HttpRequest request, Handler handler) {
    bridge->check_thread("HttpClient::async_fetch");
    Pending pending;
    // swap, not move-assign: Boost 1.81's move assignment re-wraps the handler in itself.
    pending.handler.swap(handler);
    try {
      pending.transfer = std::make_unique<HttpTransfer>(std::move(request));
    } catch (const std::exception& e) {
      return transfers.complete(std::move(pending.handler), failed_init(e.what()));
    }
    try {
      pending.transfer->configure(settings);
    } catch (const CurlOptionError& e) {
      return transfers.complete(std::move(pending.handler), pending.transfer->refused(e));
    }
    transfers.launch(std::move(pending), &failed_init);
  }

  static HttpResponse failed_init(const char* what) {
    HttpResponse failed;
    failed.error = boost::system::error_code(CURLE_FAILED_INIT, curl_category());
    failed.error_message = what;
    return failed;
  }

  void finish(CURL* easy, CURLcode result) {
    auto pending = transfers.take(easy);
    if (!pending) return;
    long connects = 0;
    HttpResponse response = pending->transfer->finish(result, connects);
    ++stats.transfers;
    stats.new_connections += static_cast<std::uint64_t>(std::max(connects, 0L));
    transfers.complete(std::move(pending->handler), std::move(response));
  }

  void cancel_all() {
    bridge->check_thread("HttpClient::cancel_all");
    transfers.cancel_all();
  }

  asio::io_context& io;
  CurlShare share;   // before the bridge and the transfers: it outlives every handle using it
  std::shared_ptr<CurlBridge> bridge;
  HttpTransferSettings settings;
  HttpConnectionStats stats;
  Transfers transfers;   // after the bridge: its handles leave the multi first
};

HttpClient::HttpClient(asio::io_context& io, HttpClientOptions options)
    : impl_(std::make_shared<Impl>(io, options)) {}

// Not checked: an owner may be destroyed after its loop's thread has ended.
HttpClient::~HttpClient() = default;

void HttpClient::start(HttpRequest request, asio::any_completion_handler<void(HttpResponse)> handler) {
  impl_->start(std::move(request), std::move(handler));
}

std::size_t HttpClient::in_flight() const {
  impl_->bridge->check_thread("HttpClient::in_flight");
  return impl_->transfers.size();
}

HttpConnectionStats HttpClient::connection_stats() const {
  impl_->bridge->check_thread("HttpClient::connection_stats");
  return impl_->stats;
}

void HttpClient::cancel_all() { impl_->cancel_all(); }

std::shared_ptr<const AddressPolicy> HttpClient::address_policy() const { return impl_->settings.address_policy; }

}  // namespace newsalert::net
