// A connection to a NATS cluster that reconnects forever; the root of every JetStream call.
//
// Threads: every call here and in JetStream, PullConsumer, Message, KvBucket and KvWatcher blocks
// the calling thread until the server answers (or the call's timeout), so none of them may run on
// the event loop's thread: callers use the worker pool or a thread of their own. libnats runs its
// own threads (socket reader, flusher, timers, and one process-wide thread for connection
// callbacks). The only callbacks this wrapper registers are the connection events below; they
// run on libnats's callback thread, write log lines and update this Connection's counters, and
// touch nothing of the event loop's state. No object here is safe to use from two threads at
// once, except the counters and KvWatcher::stop().
#pragma once

#include "cluster/nats_handles.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace newsalert::cluster {

struct ConnectOptions {
  std::vector<std::string> servers;   // nats://host:port (tls://host:port for TLS); any member will do
  std::string name;                   // shown by the servers for this client (the node's name)
  std::chrono::milliseconds connect_timeout{2000};
  // After a lost connection the client tries every server in turn, forever, waiting this long
  // before trying the same server again.
  std::chrono::milliseconds reconnect_wait{1000};
  std::string user;                   // with password
  std::string password;
  std::string token;
  std::string creds_file;             // a .creds file: user JWT and NKey seed
  std::string nkey_seed_file;         // a user NKey seed ("SU..."); its public key is derived from it
  std::string ca_file;                // PEM CA bundle; setting it requires TLS
  std::string cert_file;              // PEM client certificate (chain) for mutual TLS, with key_file;
  std::string key_file;               // setting them requires TLS
};

class Connection {
 public:
  // Connects to the first server that answers. Throws NatsError when none does (or refuses the
  // credentials); a daemon retries through its supervisor rather than here.
  explicit Connection(const ConnectOptions& options);
  // Closes the connection and waits (at most 5 s) for libnats's last callback about it.
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  natsConnection* handle() const noexcept { return connection_.get(); }
  bool connected() const;
  // The server in use, user and password hidden; "" while reconnecting.
  std::string connected_url() const;
  // Counted on libnats's callback thread, readable from any thread.
  std::uint64_t disconnects() const noexcept;
  std::uint64_t reconnects() const noexcept;

  // The state libnats's callbacks see; it outlives the connection handle.
  struct Events;

 private:
  std::unique_ptr<Events> events_;
  NatsHandle<natsConnection> connection_;
};

// Releases libnats's process-wide state (its threads and buffers), waiting at most `timeout`.
// Call once at exit after every Connection is gone, so that a leak checker finds nothing of it.
void close_nats_library(std::chrono::milliseconds timeout = std::chrono::seconds(5));

}  // namespace newsalert::cluster
