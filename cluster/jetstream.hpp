// JetStream on one connection: streams, publishing with deduplication, pull consumers, KV buckets.
// Every call blocks the calling thread (see connection.hpp for which threads may call).
#pragma once

#include "cluster/kv_bucket.hpp"
#include "cluster/nats_handles.hpp"
#include "cluster/pull_consumer.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace newsalert::cluster {

class Connection;

struct StreamConfig {
  std::string name;                   // no '.', '*', '>' or spaces
  std::vector<std::string> subjects;  // wildcards allowed
  int replicas = 1;                   // 3 to survive the loss of one server of three
  // A second publish with the same message id within this window is acknowledged as a duplicate
  // and not stored.
  std::chrono::nanoseconds duplicate_window = std::chrono::minutes(2);
  std::chrono::nanoseconds max_age{0};  // older messages are dropped; 0: kept
};

struct StreamState {
  std::uint64_t messages = 0;
  std::uint64_t first_sequence = 0;
  std::uint64_t last_sequence = 0;
  std::uint64_t bytes = 0;            // what the stream's messages take, as the servers count them
  int replicas = 0;
  std::string leader;                 // the server_name of the stream's leader; "" without a cluster
  std::int64_t created_ns = 0;        // when the stream was created, nanoseconds since the epoch
};

struct PublishAck {
  std::uint64_t sequence = 0;         // the stored message's (for a duplicate: the original's)
  bool duplicate = false;             // the message id was seen within the duplicate window
};

struct ConsumerConfig {
  std::string durable;                // the consumer's name; no '.'
  std::string filter_subject;         // "" for every subject of the stream
  // An unacknowledged delivery is sent again after this long (or after the next `backoff` step).
  std::chrono::nanoseconds ack_wait = std::chrono::seconds(30);
  int max_deliver = -1;               // deliveries of one message at most; -1: no limit
  // Redelivery delays after ack timeouts, in order (the last repeats); needs max_deliver larger
  // than its length. A nak does not follow it: a plain nak redelivers at once.
  std::vector<std::chrono::nanoseconds> backoff;
  int max_ack_pending = 1000;         // deliveries out and not yet acknowledged, at most
};

struct KvConfig {
  std::string bucket;                 // A-Z, a-z, 0-9, '_' and '-'
  int replicas = 1;
  std::chrono::nanoseconds ttl{0};    // a value older than this expires (watchers are not told); 0: never
  int history = 1;                    // values kept per key, 1 to 64
};

class JetStream {
 public:
  // `wait` bounds each request to the servers. The connection must outlive this object and every
  // consumer and bucket made from it.
  explicit JetStream(Connection& connection, std::chrono::milliseconds wait = std::chrono::seconds(5));

  // Creates the stream, or updates an existing one to this configuration (the server refuses
  // some changes, such as its storage type).
  StreamState ensure_stream(const StreamConfig& config);
  StreamState stream_state(const std::string& stream);

  // Publishes and waits for the stream's acknowledgment. A non-empty `message_id` deduplicates:
  // repeating a publish whose acknowledgment was lost is safe with the same id.
  PublishAck publish(const std::string& subject, std::string_view data, const std::string& message_id = {});

  // Creates the durable pull consumer, or updates it to this configuration, and binds to it.
  PullConsumer pull_consumer(const std::string& stream, const ConsumerConfig& config);

  // Creates the bucket, or binds to it when it exists with the same configuration.
  KvBucket key_value(const KvConfig& config);

  jsCtx* handle() const noexcept { return js_.get(); }

 private:
  NatsHandle<jsCtx> js_;
};

}  // namespace newsalert::cluster
