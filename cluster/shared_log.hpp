// One append-only log on a JetStream stream, shared by every node: an append names the last entry
// its writer has seen and is refused when another writer came first (optimistic concurrency on the
// stream's last sequence); every node reads every entry, in order, through an ordered consumer,
// whose entries the client library queues as they arrive. Calls block (see connection.hpp);
// next(0) does not.
#pragma once

#include "cluster/nats_handles.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace newsalert::cluster {

class Connection;
class JetStream;

struct LogRecord {
  std::uint64_t sequence = 0;
  std::string data;
};

struct SharedLogOptions {
  std::string stream;    // e.g. NEWSALERT_STATE
  std::string subject;   // e.g. newsalert.state
  int replicas = 3;
};

class SharedLog {
 public:
  // Creates the stream when it does not exist, with one empty first entry (so every append can
  // name the entry before it: JetStream reads an expected last sequence of 0 as "no condition").
  SharedLog(Connection& connection, JetStream& js, SharedLogOptions options);
  ~SharedLog();
  SharedLog(const SharedLog&) = delete;
  SharedLog& operator=(const SharedLog&) = delete;

  // Names this log for as long as its stream exists: the stream's name and creation time. A new
  // stream of the same name (the cluster set up again) has another id.
  const std::string& id() const noexcept { return id_; }
  // The largest entry a single append can hold (the servers' max_payload, less room for headers).
  std::size_t max_entry() const noexcept { return max_entry_; }

  // Appends `data` when the log's last entry is `after`; the new entry's sequence, or nothing
  // when another writer appended first. Throws NatsError when the servers cannot be reached.
  std::optional<std::uint64_t> append(std::string_view data, std::uint64_t after);
  // The sequence of the log's last entry, as the servers know it now.
  std::uint64_t last_sequence();
  // The first entry the log still holds (those before it are in a snapshot).
  std::uint64_t first_sequence();


  // Starts reading the entries after `after` (again, if reading already); they arrive in the
  // background and next() hands them out in order.
  void read_after(std::uint64_t after);
  // The next entry that arrived, waiting at most `wait` (zero: not at all).
  std::optional<LogRecord> next(std::chrono::milliseconds wait);
  // Called on the client library's thread with each entry as it arrives, before next() can hand
  // it out; an empty function stops the calls. It must not block or call into this log.
  void on_arrival(std::function<void(const LogRecord&)> call);

 private:
  struct Reader;
  JetStream& js_;
  jsCtx* ctx_;
  SharedLogOptions options_;
  std::string id_;
  std::size_t max_entry_ = 0;
  std::shared_ptr<Reader> reader_;   // the subscription's queue, shared with its callback
  NatsHandle<natsSubscription> subscription_;
  std::function<void(const LogRecord&)> on_arrival_;
};

// Drops the entries of the log `stream` before `sequence` (a snapshot holds them).
void drop_log_before(JetStream& js, const std::string& stream, std::uint64_t sequence);

}  // namespace newsalert::cluster
