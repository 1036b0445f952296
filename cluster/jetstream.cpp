// Stream, consumer and bucket management and publishing, each a checked libnats call.
#include "cluster/jetstream.hpp"

#include "cluster/connection.hpp"
#include "cluster/nats_error.hpp"

#include <nats/nats.h>

#include <memory>

namespace newsalert::cluster {

namespace {

struct InfoDeleter {
  void operator()(jsStreamInfo* info) const noexcept { jsStreamInfo_Destroy(info); }
  void operator()(jsConsumerInfo* info) const noexcept { jsConsumerInfo_Destroy(info); }
  void operator()(jsPubAck* ack) const noexcept { jsPubAck_Destroy(ack); }
};
using StreamInfo = std::unique_ptr<jsStreamInfo, InfoDeleter>;

StreamState state_of(const jsStreamInfo& info) {
  StreamState state;
  state.messages = info.State.Msgs;
  state.first_sequence = info.State.FirstSeq;
  state.last_sequence = info.State.LastSeq;
  state.bytes = info.State.Bytes;
  state.replicas = static_cast<int>(info.Config->Replicas);
  if (info.Cluster != nullptr && info.Cluster->Leader != nullptr) state.leader = info.Cluster->Leader;
  state.created_ns = info.Created;
  return state;
}

// Returns null when the stream does not exist.
StreamInfo find_stream(jsCtx* js, const std::string& name) {
  jsStreamInfo* raw = nullptr;
  jsErrCode js_code = static_cast<jsErrCode>(0);
  const natsStatus status = js_GetStreamInfo(&raw, js, name.c_str(), nullptr, &js_code);
  if (status == NATS_NOT_FOUND) return nullptr;
  check(status, "cannot read stream " + name, js_code);
  return StreamInfo(raw);
}

bool consumer_exists(jsCtx* js, const std::string& stream, const std::string& durable) {
  jsConsumerInfo* raw = nullptr;
  jsErrCode js_code = static_cast<jsErrCode>(0);
  const natsStatus status = js_GetConsumerInfo(&raw, js, stream.c_str(), durable.c_str(), nullptr, &js_code);
  const std::unique_ptr<jsConsumerInfo, InfoDeleter> info(raw);
  if (status == NATS_NOT_FOUND) return false;
  check(status, "cannot read consumer " + durable + " of stream " + stream, js_code);
  return true;
}

void ensure_consumer(jsCtx* js, const std::string& stream, const ConsumerConfig& config) {
  jsConsumerConfig cc;
  check(jsConsumerConfig_Init(&cc), "cannot set consumer options");
  cc.Durable = config.durable.c_str();
  cc.AckPolicy = js_AckExplicit;
  cc.AckWait = config.ack_wait.count();
  cc.MaxDeliver = config.max_deliver;
  cc.MaxAckPending = config.max_ack_pending;
  if (!config.filter_subject.empty()) cc.FilterSubject = config.filter_subject.c_str();
  std::vector<int64_t> backoff;
  for (const auto delay : config.backoff) backoff.push_back(delay.count());
  cc.BackOff = backoff.empty() ? nullptr : backoff.data();
  cc.BackOffLen = static_cast<int>(backoff.size());
  jsConsumerInfo* raw = nullptr;
  jsErrCode js_code = static_cast<jsErrCode>(0);
  const bool exists = consumer_exists(js, stream, config.durable);
  const natsStatus status = exists ? js_UpdateConsumer(&raw, js, stream.c_str(), &cc, nullptr, &js_code)
                                   : js_AddConsumer(&raw, js, stream.c_str(), &cc, nullptr, &js_code);
  const std::unique_ptr<jsConsumerInfo, InfoDeleter> info(raw);
  const std::string action = exists ? "cannot update consumer " : "cannot create consumer ";
  check(status, action + config.durable + " of stream " + stream, js_code);
}

}  // namespace

JetStream::JetStream(Connection& connection, std::chrono::milliseconds wait) {
  jsOptions options;
  check(jsOptions_Init(&options), "cannot set JetStream options");
  options.Wait = wait.count();
  jsCtx* raw = nullptr;
  check(natsConnection_JetStream(&raw, connection.handle(), &options), "cannot open JetStream context");
  js_.reset(raw);
}

StreamState JetStream::ensure_stream(const StreamConfig& config) {
  std::vector<const char*> subjects;
  for (const auto& subject : config.subjects) subjects.push_back(subject.c_str());
  jsStreamConfig sc;
  check(jsStreamConfig_Init(&sc), "cannot set stream options");
  sc.Name = config.name.c_str();
  sc.Subjects = subjects.data();
  sc.SubjectsLen = static_cast<int>(subjects.size());
  sc.Storage = js_FileStorage;
  sc.Replicas = config.replicas;
  sc.Duplicates = config.duplicate_window.count();
  sc.MaxAge = config.max_age.count();
  jsStreamInfo* raw = nullptr;
  jsErrCode js_code = static_cast<jsErrCode>(0);
  const bool exists = find_stream(js_.get(), config.name) != nullptr;
  const natsStatus status = exists ? js_UpdateStream(&raw, js_.get(), &sc, nullptr, &js_code)
                                   : js_AddStream(&raw, js_.get(), &sc, nullptr, &js_code);
  const StreamInfo info(raw);
  check(status, (exists ? "cannot update stream " : "cannot create stream ") + config.name, js_code);
  return state_of(*info);
}

StreamState JetStream::stream_state(const std::string& stream) {
  const StreamInfo info = find_stream(js_.get(), stream);
  if (!info) throw NatsError("NATS: no stream " + stream, NATS_NOT_FOUND, JSStreamNotFoundErr);
  return state_of(*info);
}

PublishAck JetStream::publish(const std::string& subject, std::string_view data, const std::string& message_id) {
  jsPubOptions options;
  check(jsPubOptions_Init(&options), "cannot set publish options");
  if (!message_id.empty()) options.MsgId = message_id.c_str();
  jsPubAck* raw = nullptr;
  jsErrCode js_code = static_cast<jsErrCode>(0);
  const natsStatus status =
      js_Publish(&raw, js_.get(), subject.c_str(), data.data(), static_cast<int>(data.size()), &options, &js_code);
  const std::unique_ptr<jsPubAck, InfoDeleter> ack(raw);
  check(status, "cannot publish to " + subject, js_code);
  return PublishAck{ack->Sequence, ack->Duplicate};
}

PullConsumer JetStream::pull_consumer(const std::string& stream, const ConsumerConfig& config) {
  ensure_consumer(js_.get(), stream, config);
  jsSubOptions options;
  check(jsSubOptions_Init(&options), "cannot set subscribe options");
  options.Stream = stream.c_str();
  options.Consumer = config.durable.c_str();
  natsSubscription* raw = nullptr;
  jsErrCode js_code = static_cast<jsErrCode>(0);
  const natsStatus status = js_PullSubscribe(&raw, js_.get(), config.filter_subject.c_str(), config.durable.c_str(),
                                             nullptr, &options, &js_code);
  check(status, "cannot bind to consumer " + config.durable + " of stream " + stream, js_code);
  return PullConsumer(NatsHandle<natsSubscription>(raw));
}

KvBucket JetStream::key_value(const KvConfig& config) {
  kvConfig kc;
  check(kvConfig_Init(&kc), "cannot set bucket options");
  kc.Bucket = config.bucket.c_str();
  kc.Replicas = config.replicas;
  kc.TTL = config.ttl.count();   // libnats passes it on as the stream's MaxAge, in nanoseconds
  kc.History = static_cast<uint8_t>(config.history);
  kc.StorageType = js_FileStorage;
  kvStore* raw = nullptr;
  check(js_CreateKeyValue(&raw, js_.get(), &kc), "cannot create bucket " + config.bucket);
  return KvBucket(NatsHandle<kvStore>(raw), js_.get());
}

}  // namespace newsalert::cluster
