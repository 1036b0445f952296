// Connection options, the connection's event callbacks and its orderly close.
#include "cluster/connection.hpp"

#include "cluster/nats_error.hpp"
#include "common/log_context.hpp"
#include "common/url_redaction.hpp"

#include <nats/nats.h>

#include <atomic>
#include <condition_variable>
#include <mutex>

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
  if (!options.ca_file.empty()) {
    check(natsOptions_SetSecure(opts, true), "cannot require TLS");
    check(natsOptions_LoadCATrustedCertificates(opts, options.ca_file.c_str()),
          "cannot load CA file " + options.ca_file);
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

void close_nats_library(std::chrono::milliseconds timeout) { nats_CloseAndWait(timeout.count()); }

}  // namespace newsalert::cluster
