// libcurl multi-socket transfers on Asio: curl says which sockets it wants watched and when its
// timer should fire; Asio waits; finished transfers are collected after each socket action.
#include "net/http_client.hpp"

#include "common/text.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <unordered_map>

namespace asio = boost::asio;

namespace newsalert::net {

namespace {

class CurlCategory final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "curl"; }
  std::string message(int ev) const override { return curl_easy_strerror(static_cast<CURLcode>(ev)); }
};

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
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

struct HttpClient::Impl : std::enable_shared_from_this<Impl> {
  // One watched file descriptor. The descriptor object does not own the fd: curl opens and closes it,
  // and tells us (CURL_POLL_REMOVE) before it does.
  struct Watch {
    explicit Watch(asio::io_context& io, curl_socket_t fd) : descriptor(io, fd) {}
    asio::posix::stream_descriptor descriptor;
    int wanted = 0;   // CURL_POLL_IN / OUT / INOUT
    bool read_pending = false;
    bool write_pending = false;
    bool removed = false;
  };

  struct Transfer {
    CURL* easy = nullptr;
    curl_slist* header_list = nullptr;
    HttpRequest request;
    HttpResponse response;
    asio::any_completion_handler<void(HttpResponse)> handler;
    std::shared_ptr<const AddressPolicy> policy;
    std::uint64_t header_bytes = 0;
    std::uint64_t wire_bytes = 0;   // body bytes as received, before content decoding
    char error_buffer[CURL_ERROR_SIZE] = {};

    bool over_wire_limit() {
      if (wire_bytes <= request.max_compressed_bytes) return false;
      hit_limit(ResponseLimit::compressed, request.max_compressed_bytes);
      return true;
    }

    void hit_limit(ResponseLimit which, std::uint64_t bound) {
      response.too_large = true;
      response.limit = which;
      response.limit_bytes = bound;
    }
  };

  Impl(asio::io_context& io_context, HttpClientOptions opts)
      : io(io_context), timer(io_context), options(std::move(opts)) {
    global_init();
    multi = curl_multi_init();
    if (multi == nullptr) throw std::runtime_error("curl_multi_init failed");
    curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, &Impl::on_socket);
    curl_multi_setopt(multi, CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, &Impl::on_timer);
    curl_multi_setopt(multi, CURLMOPT_TIMERDATA, this);
    curl_multi_setopt(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, options.max_connections);
    curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, options.max_per_host);
    // Idle connections kept for reuse: enough for every host at its per-host limit in a large
    // config, so a 304 costs one round trip on a warm connection, not a new handshake.
    curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, std::max(options.max_connections, 64L));
    curl_multi_setopt(multi, CURLMOPT_PIPELINING, options.multiplex ? CURLPIPE_MULTIPLEX : CURLPIPE_NOTHING);
    // One DNS cache and one TLS session cache for every transfer (resumed handshakes are cheap).
    share = curl_share_init();
    if (share != nullptr) {
      curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
      curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    }
    if (options.user_agent.empty()) options.user_agent = default_user_agent();
  }

  ~Impl() {
    for (auto& [easy, transfer] : transfers) {
      curl_multi_remove_handle(multi, easy);
      curl_easy_cleanup(easy);
      curl_slist_free_all(transfer->header_list);
    }
    transfers.clear();
    for (auto& [fd, watch] : watches) {
      watch->removed = true;
      watch->descriptor.release();
    }
    curl_multi_cleanup(multi);
    if (share != nullptr) curl_share_cleanup(share);
  }

  static int on_socket(CURL*, curl_socket_t fd, int what, void* userp, void*) noexcept {
    auto* self = static_cast<Impl*>(userp);
    try {
      if (what == CURL_POLL_REMOVE) {
        auto it = self->watches.find(fd);
        if (it != self->watches.end()) {
          it->second->removed = true;
          boost::system::error_code ignored;
          it->second->descriptor.cancel(ignored);
          it->second->descriptor.release();
          self->watches.erase(it);
        }
        return 0;
      }
      auto& watch = self->watches[fd];
      if (!watch) watch = std::make_shared<Watch>(self->io, fd);
      watch->wanted = what;
      self->arm(fd, watch);
    } catch (const std::exception& e) {
      spdlog::error("http: cannot watch socket {}: {}", fd, e.what());
      return -1;
    }
    return 0;
  }

  static int on_timer(CURLM*, long timeout_ms, void* userp) noexcept {
    auto* self = static_cast<Impl*>(userp);
    if (timeout_ms < 0) {
      self->timer.cancel();
      return 0;
    }
    self->timer.expires_after(std::chrono::milliseconds(std::max(timeout_ms, 1L)));
    std::weak_ptr<Impl> weak = self->weak_from_this();
    self->timer.async_wait([weak](const boost::system::error_code& ec) {
      if (ec) return;
      if (auto impl = weak.lock()) impl->action(CURL_SOCKET_TIMEOUT, 0);
    });
    return 0;
  }

  void arm(curl_socket_t fd, const std::shared_ptr<Watch>& watch) {
    std::weak_ptr<Impl> weak = weak_from_this();
    if ((watch->wanted & CURL_POLL_IN) && !watch->read_pending) {
      watch->read_pending = true;
      watch->descriptor.async_wait(asio::posix::descriptor_base::wait_read,
                                   [weak, watch, fd](const boost::system::error_code& ec) {
                                     watch->read_pending = false;
                                     if (ec || watch->removed) return;
                                     if (auto impl = weak.lock()) impl->on_ready(fd, watch, CURL_CSELECT_IN);
                                   });
    }
    if ((watch->wanted & CURL_POLL_OUT) && !watch->write_pending) {
      watch->write_pending = true;
      watch->descriptor.async_wait(asio::posix::descriptor_base::wait_write,
                                   [weak, watch, fd](const boost::system::error_code& ec) {
                                     watch->write_pending = false;
                                     if (ec || watch->removed) return;
                                     if (auto impl = weak.lock()) impl->on_ready(fd, watch, CURL_CSELECT_OUT);
                                   });
    }
  }

  void on_ready(curl_socket_t fd, const std::shared_ptr<Watch>& watch, int flags) {
    action(fd, flags);
    // curl may have changed what it wants, or dropped the socket, during the action.
    if (!watch->removed) arm(fd, watch);
  }

  void action(curl_socket_t fd, int flags) {
    int running = 0;
    const CURLMcode rc = curl_multi_socket_action(multi, fd, flags, &running);
    if (rc != CURLM_OK) spdlog::error("http: curl_multi_socket_action: {}", curl_multi_strerror(rc));
    drain();
  }

  // Collects finished transfers. Runs after a socket action returns, never inside a curl callback.
  void drain() {
    int queued = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi, &queued)) {
      if (msg->msg != CURLMSG_DONE) continue;
      finish(msg->easy_handle, msg->data.result);
    }
  }

  void finish(CURL* easy, CURLcode result) {
    auto it = transfers.find(easy);
    if (it == transfers.end()) return;
    std::unique_ptr<Transfer> transfer = std::move(it->second);
    transfers.erase(it);

    HttpResponse& response = transfer->response;
    long status = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    response.status = status;
    char* effective = nullptr;
    if (curl_easy_getinfo(easy, CURLINFO_EFFECTIVE_URL, &effective) == CURLE_OK && effective != nullptr)
      response.effective_url = effective;
    curl_easy_getinfo(easy, CURLINFO_REDIRECT_COUNT, &response.redirects);
    long connects = 0;
    curl_easy_getinfo(easy, CURLINFO_NUM_CONNECTS, &connects);
    ++stats.transfers;
    stats.new_connections += static_cast<std::uint64_t>(connects);
    curl_off_t total_us = 0;
    curl_easy_getinfo(easy, CURLINFO_TOTAL_TIME_T, &total_us);
    response.elapsed = Millis(total_us / 1000);
    if (result != CURLE_OK) {
      response.error = boost::system::error_code(static_cast<int>(result), curl_category());
      response.error_message = transfer->error_buffer;
      if (result == CURLE_FILESIZE_EXCEEDED) transfer->hit_limit(ResponseLimit::compressed, transfer->request.max_compressed_bytes);
    }

    curl_multi_remove_handle(multi, easy);
    curl_easy_cleanup(easy);
    curl_slist_free_all(transfer->header_list);
    complete(std::move(transfer->handler), std::move(response));
  }

  // Handlers run later, from the io_context's queue, so a handler that starts a new transfer or
  // destroys its caller never re-enters curl. Every caller runs on this one io_context.
  void complete(asio::any_completion_handler<void(HttpResponse)> handler, HttpResponse response) {
    asio::post(io, [h = std::move(handler), r = std::move(response)]() mutable { std::move(h)(std::move(r)); });
  }

  static size_t on_body(char* data, size_t size, size_t count, void* userp) noexcept {
    auto* transfer = static_cast<Transfer*>(userp);
    const size_t n = size * count;
    if (transfer->over_wire_limit()) return 0;
    if (transfer->response.body.size() + n > transfer->request.max_bytes) {
      transfer->hit_limit(ResponseLimit::body, transfer->request.max_bytes);
      return 0;   // aborts the transfer with CURLE_WRITE_ERROR
    }
    try {
      transfer->response.body.append(data, n);
    } catch (...) {
      return 0;
    }
    return n;
  }

  static size_t on_header(char* data, size_t size, size_t count, void* userp) noexcept {
    auto* transfer = static_cast<Transfer*>(userp);
    const size_t n = size * count;
    transfer->header_bytes += n;
    if (transfer->header_bytes > transfer->request.max_header_bytes) {
      transfer->hit_limit(ResponseLimit::headers, transfer->request.max_header_bytes);
      return 0;
    }
    try {
      std::string_view line(data, n);
      if (line.starts_with("HTTP/")) {
        transfer->response.headers.clear();   // a new response (after a redirect or 100-continue)
        return n;
      }
      const auto colon = line.find(':');
      if (colon == std::string_view::npos) return n;
      std::string name(line.substr(0, colon));
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::string value(trim(line.substr(colon + 1)));
      auto& slot = transfer->response.headers[name];
      // A feed may send several Link headers (hub and self): keep them all, as one list.
      if (name == "link" && !slot.empty()) slot += ", " + value;
      else slot = std::move(value);
    } catch (...) {
      return 0;
    }
    return n;
  }

  // The debug callback is the one place libcurl shows body bytes as received, before content
  // decoding (the progress counters count decoded bytes): it keeps the count that bounds a
  // compressed response. on_body and on_progress act on it, since this callback cannot abort.
  static int on_debug(CURL*, curl_infotype type, char*, size_t size, void* userp) noexcept {
    if (type == CURLINFO_DATA_IN) static_cast<Transfer*>(userp)->wire_bytes += size;
    return 0;
  }

  // Called at least once a second, also while decoding yields nothing (say, an endless gzip header).
  static int on_progress(void* userp, curl_off_t, curl_off_t, curl_off_t, curl_off_t) noexcept {
    return static_cast<Transfer*>(userp)->over_wire_limit() ? 1 : 0;   // 1 aborts the transfer
  }

  // Every connection curl makes passes here with the address it resolved, so the guard judges the
  // address actually connected (a host name that resolves differently later cannot slip past).
  static curl_socket_t on_open_socket(void* userp, curlsocktype purpose, curl_sockaddr* address) noexcept {
    auto* transfer = static_cast<Transfer*>(userp);
    if (transfer->policy && purpose == CURLSOCKTYPE_IPCXN) {
      std::optional<IpAddress> ip;
      std::uint16_t port = 0;
      if (address->family == AF_INET && address->addrlen >= sizeof(sockaddr_in)) {
        const auto* in = reinterpret_cast<const sockaddr_in*>(&address->addr);
        ip = IpAddress::v4(ntohl(in->sin_addr.s_addr));
        port = ntohs(in->sin_port);
      } else if (address->family == AF_INET6 && address->addrlen >= sizeof(sockaddr_in6)) {
        const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&address->addr);
        ip = IpAddress::from_v6_bytes(in6->sin6_addr.s6_addr);
        port = ntohs(in6->sin6_port);
      }
      if (!ip || !transfer->policy->allows(*ip, port, transfer->request.allow)) {
        try {
          transfer->response.blocked = ip ? AddressPolicy::describe_refusal(*ip, port) : "not an IP address";
        } catch (...) {
        }
        return CURL_SOCKET_BAD;
      }
    }
    return ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
  }

  // Runs before each request is sent, on a new or a reused connection. A kept-alive connection
  // opened for a transfer that may reach an address must not carry one that may not: without
  // this, a webhook on the same host and port as an allowed feed would ride the feed's connection.
  static int on_prereq(void* userp, char* primary_ip, char*, int primary_port, int) noexcept {
    auto* transfer = static_cast<Transfer*>(userp);
    if (!transfer->policy) return CURL_PREREQFUNC_OK;
    const auto ip = IpAddress::parse(primary_ip == nullptr ? "" : primary_ip);
    const auto port = static_cast<std::uint16_t>(primary_port);
    if (ip && transfer->policy->allows(*ip, port, transfer->request.allow)) return CURL_PREREQFUNC_OK;
    try {
      transfer->response.blocked = ip ? AddressPolicy::describe_refusal(*ip, port) : "not an IP address";
    } catch (...) {
    }
    return CURL_PREREQFUNC_ABORT;
  }

  void start(HttpRequest request, asio::any_completion_handler<void(HttpResponse)> handler) {
    auto transfer = std::make_unique<Transfer>();
    transfer->request = std::move(request);
    // swap, not move-assign: Boost 1.81's move assignment re-wraps the handler in itself.
    transfer->handler.swap(handler);
    transfer->policy = options.address_policy;
    CURL* easy = curl_easy_init();
    if (easy == nullptr) {
      HttpResponse failed;
      failed.error = boost::system::error_code(CURLE_FAILED_INIT, curl_category());
      complete(std::move(transfer->handler), std::move(failed));
      return;
    }
    transfer->easy = easy;
    const HttpRequest& req = transfer->request;
    curl_easy_setopt(easy, CURLOPT_URL, req.url.c_str());
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    const bool https = to_lower_ascii(std::string_view(req.url).substr(0, 8)) == "https://";
    curl_easy_setopt(easy, CURLOPT_REDIR_PROTOCOLS_STR,
                     https && !req.allow_https_downgrade ? "https" : "http,https");
    curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, req.follow_redirects ? 1L : 0L);
    curl_easy_setopt(easy, CURLOPT_MAXREDIRS, req.max_redirects);
    curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, accepted_encodings().c_str());
    curl_easy_setopt(easy, CURLOPT_USERAGENT, options.user_agent.c_str());
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(req.timeout.count()));
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(std::min<Millis::rep>(req.timeout.count(), 15'000)));
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(easy, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(req.max_compressed_bytes));
    curl_easy_setopt(easy, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(easy, CURLOPT_XFERINFOFUNCTION, &Impl::on_progress);
    curl_easy_setopt(easy, CURLOPT_XFERINFODATA, transfer.get());
    curl_easy_setopt(easy, CURLOPT_VERBOSE, 1L);   // only to reach on_debug; nothing is printed
    curl_easy_setopt(easy, CURLOPT_DEBUGFUNCTION, &Impl::on_debug);
    curl_easy_setopt(easy, CURLOPT_DEBUGDATA, transfer.get());
    curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, &Impl::on_open_socket);
    curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, transfer.get());
    curl_easy_setopt(easy, CURLOPT_PREREQFUNCTION, &Impl::on_prereq);
    curl_easy_setopt(easy, CURLOPT_PREREQDATA, transfer.get());
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, req.tls_verify ? 1L : 0L);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, req.tls_verify ? 2L : 0L);
    if (!req.ca_file.empty()) curl_easy_setopt(easy, CURLOPT_CAINFO, req.ca_file.c_str());
    if (!req.pinned_public_key.empty()) curl_easy_setopt(easy, CURLOPT_PINNEDPUBLICKEY, req.pinned_public_key.c_str());
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, transfer->error_buffer);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &Impl::on_body);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, transfer.get());
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &Impl::on_header);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, transfer.get());
    curl_easy_setopt(easy, CURLOPT_PRIVATE, transfer.get());
    if (share != nullptr) curl_easy_setopt(easy, CURLOPT_SHARE, share);
    if (options.multiplex && req.url.size() > 8 && std::equal(req.url.begin(), req.url.begin() + 8, "https://",
                                                              [](char a, char b) { return std::tolower(a) == b; })) {
      // h2 over TLS (ALPN); wait for a connection that can multiplex rather than opening another
      // one beside it. Plain http:// stays HTTP/1.1 with keep-alive.
      curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
      curl_easy_setopt(easy, CURLOPT_PIPEWAIT, 1L);
    }
    for (const auto& [name, value] : req.headers) {
      const std::string line = name + ": " + value;
      transfer->header_list = curl_slist_append(transfer->header_list, line.c_str());
    }
    if (req.method == "POST") {
      curl_easy_setopt(easy, CURLOPT_POST, 1L);
      curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
      curl_easy_setopt(easy, CURLOPT_POSTFIELDS, req.body.data());
      // No "Expect: 100-continue" round trip for small JSON bodies.
      transfer->header_list = curl_slist_append(transfer->header_list, "Expect:");
    }
    if (transfer->header_list != nullptr) curl_easy_setopt(easy, CURLOPT_HTTPHEADER, transfer->header_list);

    transfers.emplace(easy, std::move(transfer));
    const CURLMcode rc = curl_multi_add_handle(multi, easy);
    if (rc != CURLM_OK) {
      auto it = transfers.find(easy);
      std::unique_ptr<Transfer> failed = std::move(it->second);
      transfers.erase(it);
      curl_easy_cleanup(easy);
      curl_slist_free_all(failed->header_list);
      failed->response.error = boost::system::error_code(CURLE_FAILED_INIT, curl_category());
      failed->response.error_message = curl_multi_strerror(rc);
      complete(std::move(failed->handler), std::move(failed->response));
    }
  }

  void cancel_all() {
    std::vector<std::unique_ptr<Transfer>> cancelled;
    for (auto& [easy, transfer] : transfers) {
      curl_multi_remove_handle(multi, easy);
      curl_easy_cleanup(easy);
      curl_slist_free_all(transfer->header_list);
      cancelled.push_back(std::move(transfer));
    }
    transfers.clear();
    for (auto& transfer : cancelled) {
      transfer->response.error = asio::error::operation_aborted;
      complete(std::move(transfer->handler), std::move(transfer->response));
    }
  }

  asio::io_context& io;
  asio::steady_timer timer;
  HttpClientOptions options;
  CURLM* multi = nullptr;
  CURLSH* share = nullptr;
  HttpConnectionStats stats;
  std::unordered_map<curl_socket_t, std::shared_ptr<Watch>> watches;
  std::unordered_map<CURL*, std::unique_ptr<Transfer>> transfers;
};

HttpClient::HttpClient(asio::io_context& io, HttpClientOptions options)
    : impl_(std::make_shared<Impl>(io, std::move(options))) {}

HttpClient::~HttpClient() = default;

void HttpClient::start(HttpRequest request, asio::any_completion_handler<void(HttpResponse)> handler) {
  impl_->start(std::move(request), std::move(handler));
}

std::size_t HttpClient::in_flight() const { return impl_->transfers.size(); }

HttpConnectionStats HttpClient::connection_stats() const { return impl_->stats; }

void HttpClient::cancel_all() { impl_->cancel_all(); }

}  // namespace newsalert::net
