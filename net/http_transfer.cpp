// One HTTP transfer's policy on its curl handle: limits, redirects, the SSRF hooks, TLS options,
// header parsing, and the response it collects.
#include "net/http_transfer.hpp"

#include "common/text.hpp"

#include <algorithm>

namespace newsalert::net {

HttpTransfer::HttpTransfer(HttpRequest request) : request_(std::move(request)) {}

void HttpTransfer::configure(const HttpTransferSettings& settings) {
  guard_ = std::make_unique<SocketGuard>(settings.address_policy, request_.allow);
  // First, so that curl explains any later failure in it.
  easy_.set(CURLOPT_ERRORBUFFER, static_cast<char*>(error_buffer_));
  easy_.set(CURLOPT_PRIVATE, static_cast<void*>(this));
  easy_.set(CURLOPT_URL, request_.url.c_str());
  easy_.set(CURLOPT_USERAGENT, settings.user_agent.c_str());
  easy_.set(CURLOPT_ACCEPT_ENCODING, HttpClient::accepted_encodings().c_str());
  easy_.set(CURLOPT_NOSIGNAL, 1L);
  easy_.set(CURLOPT_TCP_KEEPALIVE, 1L);
  if (settings.share != nullptr) easy_.set(CURLOPT_SHARE, settings.share);
  set_limits();
  set_redirects();
  set_callbacks();
  guard_->install(easy_);
  set_tls();
  set_protocol(settings);
  set_headers_and_body();
}

void HttpTransfer::set_limits() {
  easy_.set(CURLOPT_TIMEOUT_MS, static_cast<long>(request_.timeout.count()));
  easy_.set(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(std::min<Millis::rep>(request_.timeout.count(), 15'000)));
  easy_.set(CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(request_.max_compressed_bytes));
}

void HttpTransfer::set_redirects() {
  easy_.set(CURLOPT_PROTOCOLS_STR, "http,https");
  easy_.set(CURLOPT_REDIR_PROTOCOLS_STR, is_https() && !request_.allow_https_downgrade ? "https" : "http,https");
  easy_.set(CURLOPT_FOLLOWLOCATION, request_.follow_redirects ? 1L : 0L);
  easy_.set(CURLOPT_MAXREDIRS, request_.max_redirects);
}

void HttpTransfer::set_callbacks() {
  void* self = this;
  easy_.set(CURLOPT_WRITEFUNCTION, &HttpTransfer::on_body);
  easy_.set(CURLOPT_WRITEDATA, self);
  easy_.set(CURLOPT_HEADERFUNCTION, &HttpTransfer::on_header);
  easy_.set(CURLOPT_HEADERDATA, self);
  easy_.set(CURLOPT_NOPROGRESS, 0L);
  easy_.set(CURLOPT_XFERINFOFUNCTION, &HttpTransfer::on_progress);
  easy_.set(CURLOPT_XFERINFODATA, self);
  easy_.set(CURLOPT_DEBUGFUNCTION, &HttpTransfer::on_debug);
  easy_.set(CURLOPT_DEBUGDATA, self);
  easy_.set(CURLOPT_VERBOSE, 1L);   // only to reach on_debug; nothing is printed
}

void HttpTransfer::set_tls() {
  easy_.set(CURLOPT_SSL_VERIFYPEER, request_.tls_verify ? 1L : 0L);
  easy_.set(CURLOPT_SSL_VERIFYHOST, request_.tls_verify ? 2L : 0L);
  if (!request_.ca_file.empty()) easy_.set(CURLOPT_CAINFO, request_.ca_file.c_str());
  if (!request_.pinned_public_key.empty()) easy_.set(CURLOPT_PINNEDPUBLICKEY, request_.pinned_public_key.c_str());
}

void HttpTransfer::set_protocol(const HttpTransferSettings& settings) {
  if (!settings.multiplex || !is_https()) return;
  // h2 over TLS (ALPN); wait for a connection that can multiplex rather than opening another one
  // beside it. Plain http:// stays HTTP/1.1 with keep-alive.
  easy_.set(CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
  easy_.set(CURLOPT_PIPEWAIT, 1L);
}

void HttpTransfer::set_headers_and_body() {
  for (const auto& [name, value] : request_.headers) header_lines_.append(name + ": " + value);
  if (request_.method == "POST" || request_.method == "PUT") {
    easy_.set(CURLOPT_POST, 1L);
    // PUT with the body from memory: curl sends it as a POST would, under the other verb.
    if (request_.method == "PUT") easy_.set(CURLOPT_CUSTOMREQUEST, "PUT");
    easy_.set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request_.body.size()));
    easy_.set(CURLOPT_POSTFIELDS, request_.body.data());
    // No "Expect: 100-continue" round trip for small JSON bodies.
    header_lines_.append("Expect:");
  }
  if (!header_lines_.empty()) easy_.set(CURLOPT_HTTPHEADER, header_lines_.get());
}

bool HttpTransfer::is_https() const {
  return to_lower_ascii(std::string_view(request_.url).substr(0, 8)) == "https://";
}

HttpResponse HttpTransfer::finish(CURLcode result, long& connections) {
  response_.status = easy_.info(CURLINFO_RESPONSE_CODE, 0L);
  if (const char* effective = easy_.info<char*>(CURLINFO_EFFECTIVE_URL, nullptr)) response_.effective_url = effective;
  response_.redirects = easy_.info(CURLINFO_REDIRECT_COUNT, 0L);
  connections = easy_.info(CURLINFO_NUM_CONNECTS, 0L);
  response_.elapsed = Millis(easy_.info(CURLINFO_TOTAL_TIME_T, curl_off_t{0}) / 1000);
  if (guard_) response_.blocked = guard_->blocked();
  if (result != CURLE_OK) {
    response_.error = boost::system::error_code(static_cast<int>(result), curl_category());
    response_.error_message = error_buffer_;
    if (result == CURLE_FILESIZE_EXCEEDED) hit_limit(ResponseLimit::compressed, request_.max_compressed_bytes);
    // libcurl keeps at most CURL_MAX_HTTP_HEADER bytes of one header line and fails a longer one
    // with "Out of memory" before on_header sees it: over our bound too, or else over curl's.
    if (result == CURLE_OUT_OF_MEMORY && in_headers_)
      hit_limit(ResponseLimit::headers, std::min<std::uint64_t>(request_.max_header_bytes, CURL_MAX_HTTP_HEADER));
  }
  return std::move(response_);
}

HttpResponse HttpTransfer::refused(const CurlOptionError& error) {
  HttpResponse response;
  response.error = boost::system::error_code(error.code(), curl_category());
  response.error_message = error_buffer_;
  response.failed_option = error.option();
  return response;
}

bool HttpTransfer::over_wire_limit() noexcept {
  if (wire_bytes_ <= request_.max_compressed_bytes) return false;
  hit_limit(ResponseLimit::compressed, request_.max_compressed_bytes);
  return true;
}

void HttpTransfer::hit_limit(ResponseLimit which, std::uint64_t bound) noexcept {
  response_.too_large = true;
  response_.limit = which;
  response_.limit_bytes = bound;
}

size_t HttpTransfer::on_body(char* data, size_t size, size_t count, void* userp) noexcept {
  auto* self = static_cast<HttpTransfer*>(userp);
  const size_t n = size * count;
  if (self->over_wire_limit()) return 0;
  if (self->response_.body.size() + n > self->request_.max_bytes) {
    self->hit_limit(ResponseLimit::body, self->request_.max_bytes);
    return 0;   // aborts the transfer with CURLE_WRITE_ERROR
  }
  try {
    self->response_.body.append(data, n);
  } catch (...) {
    return 0;
  }
  return n;
}

size_t HttpTransfer::on_header(char* data, size_t size, size_t count, void* userp) noexcept {
  auto* self = static_cast<HttpTransfer*>(userp);
  const size_t n = size * count;
  self->header_bytes_ += n;
  if (self->header_bytes_ > self->request_.max_header_bytes) {
    self->hit_limit(ResponseLimit::headers, self->request_.max_header_bytes);
    return 0;
  }
  const std::string_view line(data, n);
  if (line.starts_with("HTTP/")) self->in_headers_ = true;
  else if (line == "\r\n" || line == "\n") self->in_headers_ = false;
  try {
    add_header_line(self->response_, line);
  } catch (...) {
    return 0;
  }
  return n;
}

void add_header_line(HttpResponse& response, std::string_view line) {
  if (line.starts_with("HTTP/")) {
    response.headers.clear();   // a new response (after a redirect or 100-continue)
    return;
  }
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return;
  const std::string name = to_lower_ascii(line.substr(0, colon));
  std::string value(trim(line.substr(colon + 1)));
  auto& slot = response.headers[name];
  // A feed may send several Link headers (hub and self): keep them all, as one list.
  if (name == "link" && !slot.empty()) slot += ", " + value;
  else slot = std::move(value);
}

// The debug callback is the one place libcurl shows body bytes as received, before content
// decoding (the progress counters count decoded bytes): it keeps the count that bounds a
// compressed response. on_body and on_progress act on it, since this callback cannot abort.
int HttpTransfer::on_debug(CURL*, curl_infotype type, char*, size_t size, void* userp) noexcept {
  if (type == CURLINFO_DATA_IN) static_cast<HttpTransfer*>(userp)->wire_bytes_ += size;
  return 0;
}

// Called at least once a second, also while decoding yields nothing (say, an endless gzip header).
int HttpTransfer::on_progress(void* userp, curl_off_t, curl_off_t, curl_off_t, curl_off_t) noexcept {
  return static_cast<HttpTransfer*>(userp)->over_wire_limit() ? 1 : 0;   // 1 aborts the transfer
}

}  // namespace newsalert::net
