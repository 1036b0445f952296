// The shared log: conditional appends and an ordered reader over one stream.
#include "cluster/shared_log.hpp"

#include "cluster/connection.hpp"
#include "cluster/jetstream.hpp"
#include "cluster/nats_error.hpp"

#include <nats/nats.h>

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>

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

// What the subscription's callback fills and next() empties. Shared with the callback, which may
// run once more after the subscription is replaced: it is freed when the library is done with it.
struct SharedLog::Reader {
  std::mutex mutex;
  std::condition_variable arrived;
  std::deque<LogRecord> queue;
  std::uint64_t read = 0;   // the last sequence queued
  std::function<void(const LogRecord&)> on_arrival;

  static void deliver(natsConnection*, natsSubscription*, natsMsg* raw, void* closure) {
    const NatsHandle<natsMsg> message(raw);
    auto& reader = **static_cast<std::shared_ptr<Reader>*>(closure);
    jsMsgMetaData* meta_raw = nullptr;
    if (natsMsg_GetMetaData(&meta_raw, raw) != NATS_OK) return;   // not an entry: a status the library handles
    const std::unique_ptr<jsMsgMetaData, MetaDeleter> meta(meta_raw);
    const char* data = natsMsg_GetData(raw);
    LogRecord record{meta->Sequence.Stream,
                     std::string(data != nullptr ? data : "", static_cast<std::size_t>(natsMsg_GetDataLength(raw)))};
    std::function<void(const LogRecord&)> call;
    std::optional<LogRecord> told;   // a copy: next() may take the queued one at once
    {
      const std::lock_guard lock(reader.mutex);
      if (record.sequence <= reader.read) return;   // the ordered consumer restarted behind us
      reader.read = record.sequence;
      call = reader.on_arrival;
      if (call) told = record;
      reader.queue.push_back(std::move(record));
    }
    reader.arrived.notify_one();
    if (call) call(*told);   // after queueing, so that what it sets off finds the entry
  }

  static void done(void* closure) { delete static_cast<std::shared_ptr<Reader>*>(closure); }
};

void SharedLog::read_after(std::uint64_t after) {
  subscription_.reset();
  auto reader = std::make_shared<Reader>();
  reader->read = after;
  reader->on_arrival = on_arrival_;
  jsSubOptions options;
  check(jsSubOptions_Init(&options), "cannot set subscribe options");
  options.Stream = options_.stream.c_str();
  options.Ordered = true;
  options.Config.DeliverPolicy = js_DeliverByStartSequence;
  options.Config.OptStartSeq = after + 1;
  auto* closure = new std::shared_ptr<Reader>(reader);
  natsSubscription* raw = nullptr;
  jsErrCode js_code = static_cast<jsErrCode>(0);
  const natsStatus status =
      js_Subscribe(&raw, ctx_, options_.subject.c_str(), &Reader::deliver, closure, nullptr, &options, &js_code);
  if (status != NATS_OK) delete closure;
  check(status, "cannot read the log " + options_.stream, js_code);
  subscription_.reset(raw);
  // The closure outlives the subscription's last callback; should this fail, it is never freed.
  check(natsSubscription_SetOnCompleteCB(raw, &Reader::done, closure), "cannot read the log " + options_.stream);
  // A replica far behind reads a long history at once; the defaults would call it a slow consumer.
  check(natsSubscription_SetPendingLimits(raw, -1, -1), "cannot set the log reader's limits");
  reader_ = std::move(reader);
}

std::optional<LogRecord> SharedLog::next(std::chrono::milliseconds wait) {
  if (!reader_) return std::nullopt;
  std::unique_lock lock(reader_->mutex);
  // A zero wait is asked many times a second: wait_for would still enter the kernel to time out.
  if (reader_->queue.empty() &&
      (wait.count() <= 0 || !reader_->arrived.wait_for(lock, wait, [&] { return !reader_->queue.empty(); })))
    return std::nullopt;
  LogRecord record = std::move(reader_->queue.front());
  reader_->queue.pop_front();
  return record;
}

void SharedLog::on_arrival(std::function<void(const LogRecord&)> call) {
  on_arrival_ = call;
  if (!reader_) return;
  const std::lock_guard lock(reader_->mutex);
  reader_->on_arrival = std::move(call);
}

}  // namespace newsalert::cluster
