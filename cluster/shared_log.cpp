// The shared log: conditional appends and an ordered reader over one stream.
#include "cluster/shared_log.hpp"

#include "cluster/connection.hpp"
#include "cluster/jetstream.hpp"
#include "cluster/nats_error.hpp"

#include <nats/nats.h>

#include <memory>

namespace newsalert::cluster {

namespace {

// Headers and the subject travel in the same message as the entry.
constexpr std::size_t kHeaderRoom = 4096;

struct MetaDeleter {
  void operator()(jsMsgMetaData* meta) const noexcept { jsMsgMetaData_Destroy(meta); }
};

}  // namespace

SharedLog::SharedLog(Connection& connection, JetStream& js, SharedLogOptions options)
    : js_(js), ctx_(js.handle()), options_(std::move(options)) {
  StreamConfig config;
  config.name = options_.stream;
  config.subjects = {options_.subject};
  config.replicas = options_.replicas;
  StreamState state = js_.ensure_stream(config);
  if (state.last_sequence == 0) {
    // Two nodes creating the log at once write one first entry between them.
    js_.publish(options_.subject, "", options_.stream + "-first");
  }
  id_ = options_.stream + "@" + std::to_string(state.created_ns);
  const auto payload = natsConnection_GetMaxPayload(connection.handle());
  max_entry_ = payload > static_cast<int64_t>(kHeaderRoom) ? static_cast<std::size_t>(payload) - kHeaderRoom : 0;
}

SharedLog::~SharedLog() = default;

std::optional<std::uint64_t> SharedLog::append(std::string_view data, std::uint64_t after) {
  if (after == 0) return std::nullopt;   // not read yet: JetStream would take 0 as no condition
  jsPubOptions options;
  check(jsPubOptions_Init(&options), "cannot set publish options");
  options.ExpectLastSeq = after;
  jsPubAck* raw = nullptr;
  jsErrCode js_code = static_cast<jsErrCode>(0);
  const natsStatus status = js_Publish(&raw, ctx_, options_.subject.c_str(), data.data(),
                                       static_cast<int>(data.size()), &options, &js_code);
  const std::unique_ptr<jsPubAck, void (*)(jsPubAck*)> ack(raw, jsPubAck_Destroy);
  if (status != NATS_OK && js_code == JSStreamWrongLastSequenceErr) return std::nullopt;
  check(status, "cannot append to the log " + options_.stream, js_code);
  return ack->Sequence;
}

std::uint64_t SharedLog::last_sequence() { return js_.stream_state(options_.stream).last_sequence; }

std::uint64_t SharedLog::first_sequence() { return js_.stream_state(options_.stream).first_sequence; }

void drop_log_before(JetStream& js, const std::string& stream, std::uint64_t sequence) {
  jsOptions options;
  check(jsOptions_Init(&options), "cannot set purge options");
  options.Stream.Purge.Sequence = sequence;
  jsErrCode js_code = static_cast<jsErrCode>(0);
  check(js_PurgeStream(js.handle(), stream.c_str(), &options, &js_code), "cannot compact the log " + stream, js_code);
}

void SharedLog::read_after(std::uint64_t after) {
  reader_.reset();
  jsSubOptions options;
  check(jsSubOptions_Init(&options), "cannot set subscribe options");
  options.Stream = options_.stream.c_str();
  options.Ordered = true;
  options.Config.DeliverPolicy = js_DeliverByStartSequence;
  options.Config.OptStartSeq = after + 1;
  natsSubscription* raw = nullptr;
  jsErrCode js_code = static_cast<jsErrCode>(0);
  const natsStatus status = js_SubscribeSync(&raw, ctx_, options_.subject.c_str(), nullptr, &options, &js_code);
  check(status, "cannot read the log " + options_.stream, js_code);
  reader_.reset(raw);
  // A replica far behind reads a long history at once; the defaults would call it a slow consumer.
  check(natsSubscription_SetPendingLimits(raw, -1, -1), "cannot set the log reader's limits");
  read_ = after;
}

std::optional<LogRecord> SharedLog::next(std::chrono::milliseconds wait) {
  if (!reader_) return std::nullopt;
  for (;;) {
    // Asked many times a second with nothing waiting: the pending count answers that without the
    // timeout status, which libnats records (and formats) as an error each time.
    int pending = 0;
    if (wait.count() == 0 && natsSubscription_GetPending(reader_.get(), &pending, nullptr) == NATS_OK && pending == 0)
      return std::nullopt;
    natsMsg* raw = nullptr;
    const natsStatus status = natsSubscription_NextMsg(&raw, reader_.get(), wait.count());
    if (status == NATS_TIMEOUT) return std::nullopt;
    check(status, "cannot read the log " + options_.stream);
    const NatsHandle<natsMsg> message(raw);
    jsMsgMetaData* meta_raw = nullptr;
    check(natsMsg_GetMetaData(&meta_raw, raw), "cannot read a log entry's position");
    const std::unique_ptr<jsMsgMetaData, MetaDeleter> meta(meta_raw);
    const std::uint64_t sequence = meta->Sequence.Stream;
    if (sequence <= read_) continue;   // the ordered consumer restarted behind us
    read_ = sequence;
    const char* data = natsMsg_GetData(raw);
    return LogRecord{sequence, std::string(data != nullptr ? data : "", static_cast<std::size_t>(natsMsg_GetDataLength(raw)))};
  }
}

}  // namespace newsalert::cluster
