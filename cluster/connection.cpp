// Connection options (credentials, NKey seeds, TLS), the connection's event callbacks and its orderly close.
#include "cluster/connection.hpp"

#include "cluster/nats_error.hpp"
#include "common/crypto.hpp"
#include "common/log_context.hpp"
#include "common/url_redaction.hpp"

#include <nats/nats.h>
#include <openssl/ssl.h>

#include <string.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <fstream>
#include <mutex>
#include <optional>
#include <string_view>

namespace newsalert::cluster {

struct Connection::Events {
  std::atomic<std::uint64_t> disconnects{0};
  std::atomic<std::uint64_t> reconnects{0};
  std::atomic<bool> closing{false};
  std::mutex mutex;
  std::condition_variable closed_signal;
  bool closed = false;
  LogContext log;
};

namespace {

using Events = Connection::Events;

std::string url_of(natsConnection* connection) {
  char buffer[512] = {};
  if (natsConnection_GetConnectedUrl(connection, buffer, sizeof buffer) != NATS_OK) return {};
  return redact_url_secrets(buffer);
}

std::string server_list(const std::vector<std::string>& servers) {
  std::string list;
  for (const auto& url : servers) list += (list.empty() ? "" : ", ") + redact_url_secrets(url);
  return list;
}

// A log line from libnats's thread must not throw into C code.
template <typename Write>
void log_quietly(Write&& write) noexcept {
  try {
    write();
  } catch (...) {
  }
}

void free_compression_method(SSL_COMP* method) noexcept { OPENSSL_free(method); }

void on_disconnected(natsConnection*, void* closure) noexcept {
  auto& events = *static_cast<Events*>(closure);
  ++events.disconnects;
  if (!events.closing) log_quietly([&] { events.log.warn("NATS connection lost; reconnecting"); });
}

void on_reconnected(natsConnection* connection, void* closure) noexcept {
  auto& events = *static_cast<Events*>(closure);
  ++events.reconnects;
  log_quietly([&] { events.log.info("NATS reconnected to {}", url_of(connection)); });
}

void on_closed(natsConnection*, void* closure) noexcept {
  auto& events = *static_cast<Events*>(closure);
  const std::lock_guard lock(events.mutex);
  events.closed = true;
  events.closed_signal.notify_all();
}

void on_error(natsConnection*, natsSubscription*, natsStatus status, void* closure) noexcept {
  auto& events = *static_cast<Events*>(closure);
  log_quietly([&] { events.log.warn("NATS: {}", natsStatus_GetText(status)); });
}

// NKeys are base32 (RFC 4648, unpadded) of a prefix, the key and a CRC-16 (XMODEM) of both,
// little-endian. A seed's two prefix bytes hold 'S' and the key's type; a public key's one byte its type.
constexpr std::string_view kBase32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr unsigned kSeedPrefix = 18u << 3;   // 'S'
constexpr unsigned kUserPrefix = 20u << 3;   // 'U'

std::uint16_t crc16(std::string_view data) {
  unsigned crc = 0;
  for (const char c : data) {
    crc ^= static_cast<unsigned>(static_cast<unsigned char>(c)) << 8;
    for (int bit = 0; bit < 8; ++bit) crc = (crc & 0x8000u) ? (crc << 1) ^ 0x1021u : crc << 1;
  }
  return static_cast<std::uint16_t>(crc);
}

std::optional<std::string> base32_decode(std::string_view text) {
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (const char c : text) {
    const auto value = kBase32.find(c);
    if (value == std::string_view::npos) return std::nullopt;
    buffer = (buffer << 5) | static_cast<unsigned>(value);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xffu));
    }
  }
  return out;
}

std::string base32_encode(std::string_view data) {
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (const char c : data) {
    buffer = (buffer << 8) | static_cast<unsigned char>(c);
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out.push_back(kBase32[(buffer >> bits) & 31u]);
    }
  }
  if (bits > 0) out.push_back(kBase32[(buffer << (5 - bits)) & 31u]);
  return out;
}

// Key material is overwritten before its memory is given back.
struct Wiped {
  std::string value;
  ~Wiped() { ::explicit_bzero(value.data(), value.size()); }
};

// The seed as libnats finds it in a seed file: the first line that starts, after blanks, with "SU".
std::string read_user_seed(const std::string& seed_file) {
  std::ifstream in(seed_file, std::ios::binary);
  if (!in) throw NatsError("NATS: cannot read nkey_seed_file " + seed_file + ": " + std::strerror(errno), NATS_INVALID_ARG, 0);
  Wiped line;
  while (std::getline(in, line.value)) {
    const auto start = line.value.find_first_not_of(" \t");
    if (start != std::string::npos && line.value.compare(start, 2, "SU") == 0)
      return line.value.substr(start, line.value.find_first_of(" \t\r", start) - start);
  }
  return {};
}

// The user's public NKey ("U...") of the seed in `seed_file`. libnats 3.4.1 signs the server's
// nonce with the seed file (natsOptions_SetNKeyFromSeed) but must be given the public key, and has
// no call that derives it; a NULL public key turns NKey authentication off.
std::string nkey_public_key(const std::string& seed_file) {
  const Wiped seed{read_user_seed(seed_file)};
  const Wiped raw{base32_decode(seed.value).value_or(std::string())};
  const auto byte = [&](std::size_t i) { return static_cast<unsigned>(static_cast<unsigned char>(raw.value[i])); };
  const bool valid = raw.value.size() == 36 && (byte(0) & 0xf8u) == kSeedPrefix &&
                     (((byte(0) & 7u) << 5) | ((byte(1) & 0xf8u) >> 3)) == kUserPrefix &&
                     crc16(std::string_view(raw.value).substr(0, 34)) == (byte(34) | (byte(35) << 8));
  if (!valid) throw NatsError("NATS: nkey_seed_file " + seed_file + " holds no valid user NKey seed (SU...)", NATS_INVALID_ARG, 0);
  std::string key = std::string(1, static_cast<char>(kUserPrefix)) + ed25519_public_key(std::string_view(raw.value).substr(2, 32));
  const std::uint16_t crc = crc16(key);
  key.push_back(static_cast<char>(crc & 0xffu));
  key.push_back(static_cast<char>(crc >> 8));
  return base32_encode(key);
}

void set_credentials(natsOptions* opts, const ConnectOptions& options) {
  if (!options.user.empty() || !options.password.empty()) {
    check(natsOptions_SetUserInfo(opts, options.user.c_str(), options.password.c_str()),
          "cannot set user and password");
  }
  if (!options.token.empty()) check(natsOptions_SetToken(opts, options.token.c_str()), "cannot set token");
  if (!options.creds_file.empty()) {
    check(natsOptions_SetUserCredentialsFromFiles(opts, options.creds_file.c_str(), nullptr),
          "cannot use credentials file " + options.creds_file);
  }
  if (!options.nkey_seed_file.empty()) {
    check(natsOptions_SetNKeyFromSeed(opts, nkey_public_key(options.nkey_seed_file).c_str(),
                                      options.nkey_seed_file.c_str()),
          "cannot use nkey_seed_file " + options.nkey_seed_file);
  }
}

void set_tls(natsOptions* opts, const ConnectOptions& options) {
  const bool client_certificate = !options.cert_file.empty() || !options.key_file.empty();
  if (options.ca_file.empty() && !client_certificate) return;
  check(natsOptions_SetSecure(opts, true), "cannot require TLS");
  if (!options.ca_file.empty()) {
    check(natsOptions_LoadCATrustedCertificates(opts, options.ca_file.c_str()),
          "cannot load CA file " + options.ca_file);
  }
  if (client_certificate) {
    check(natsOptions_LoadCertificatesChain(opts, options.cert_file.c_str(), options.key_file.c_str()),
          "cannot load client certificate " + options.cert_file + " with key " + options.key_file);
  }
}

NatsHandle<natsOptions> make_options(const ConnectOptions& options, Events& events) {
  if (options.servers.empty()) throw NatsError("NATS: no server URL given", NATS_INVALID_ARG, 0);
  natsOptions* raw = nullptr;
  check(natsOptions_Create(&raw), "cannot create options");
  NatsHandle<natsOptions> opts(raw);
  std::vector<const char*> servers;
  for (const auto& url : options.servers) servers.push_back(url.c_str());
  check(natsOptions_SetServers(raw, servers.data(), static_cast<int>(servers.size())), "bad server URL list");
  if (!options.name.empty()) check(natsOptions_SetName(raw, options.name.c_str()), "cannot set name");
  check(natsOptions_SetTimeout(raw, options.connect_timeout.count()), "cannot set connect timeout");
  check(natsOptions_SetMaxReconnect(raw, -1), "cannot set reconnect attempts");
  check(natsOptions_SetReconnectWait(raw, options.reconnect_wait.count()), "cannot set reconnect wait");
  set_credentials(raw, options);
  set_tls(raw, options);
  check(natsOptions_SetDisconnectedCB(raw, on_disconnected, &events), "cannot set callback");
  check(natsOptions_SetReconnectedCB(raw, on_reconnected, &events), "cannot set callback");
  check(natsOptions_SetClosedCB(raw, on_closed, &events), "cannot set callback");
  check(natsOptions_SetErrorHandler(raw, on_error, &events), "cannot set callback");
  return opts;
}

}  // namespace

Connection::Connection(const ConnectOptions& options) : events_(std::make_unique<Events>()) {
  const auto opts = make_options(options, *events_);
  natsConnection* raw = nullptr;
  // On failure libnats has registered no callback yet, so events_ may go with the exception.
  check(natsConnection_Connect(&raw, opts.get()), "cannot connect to " + server_list(options.servers));
  connection_.reset(raw);
}

Connection::~Connection() {
  if (!connection_) return;
  events_->closing = true;
  natsConnection_Close(connection_.get());
  bool closed = false;
  {
    std::unique_lock lock(events_->mutex);
    closed = events_->closed_signal.wait_for(lock, std::chrono::seconds(5), [this] { return events_->closed; });
  }
  connection_.reset();
  // The closed callback is libnats's last word on this connection; without it a late callback
  // could still come, so its state is left alive rather than freed under it.
  if (!closed) static_cast<void>(events_.release());
}

bool Connection::connected() const { return natsConnection_Status(connection_.get()) == NATS_CONN_STATUS_CONNECTED; }

std::string Connection::connected_url() const { return url_of(connection_.get()); }

std::uint64_t Connection::disconnects() const noexcept { return events_->disconnects; }

std::uint64_t Connection::reconnects() const noexcept { return events_->reconnects; }

void close_nats_library(std::chrono::milliseconds timeout) {
  nats_CloseAndWait(timeout.count());
  // Once TLS was used, libnats 3.4.1 frees OpenSSL's list of compression methods when it is
  // unloaded at exit (sk_SSL_COMP_free) without clearing OpenSSL's pointer to it, and OpenSSL's
  // own cleanup at exit frees the list again: the process crashed on its way out (nats.c issue
  // 904). Freed here and forgotten, the list is nothing for either of them.
  sk_SSL_COMP_pop_free(SSL_COMP_set0_compression_methods(nullptr), free_compression_method);
}

}  // namespace newsalert::cluster
