// A consumer's message: its JetStream metadata and the acknowledgments.
#include "cluster/message.hpp"

#include "cluster/nats_error.hpp"

#include <nats/nats.h>

namespace newsalert::cluster {

Message::Message(NatsHandle<natsMsg> message) : message_(std::move(message)) {
  jsMsgMetaData* meta = nullptr;
  check(natsMsg_GetMetaData(&meta, message_.get()), "cannot read message metadata");
  stream_sequence_ = meta->Sequence.Stream;
  delivery_count_ = meta->NumDelivered;
  jsMsgMetaData_Destroy(meta);
}

std::string_view Message::subject() const { return natsMsg_GetSubject(message_.get()); }

std::string_view Message::data() const {
  return {natsMsg_GetData(message_.get()), static_cast<std::size_t>(natsMsg_GetDataLength(message_.get()))};
}

void Message::ack() {
  jsErrCode js_code = static_cast<jsErrCode>(0);
  const natsStatus status = natsMsg_AckSync(message_.get(), nullptr, &js_code);
  check(status, "cannot acknowledge message", js_code);
}

void Message::nak() { check(natsMsg_Nak(message_.get(), nullptr), "cannot nak message"); }

void Message::nak_with_delay(std::chrono::milliseconds delay) {
  check(natsMsg_NakWithDelay(message_.get(), delay.count(), nullptr), "cannot nak message");
}

void Message::in_progress() { check(natsMsg_InProgress(message_.get(), nullptr), "cannot mark message in progress"); }

void Message::term() { check(natsMsg_Term(message_.get(), nullptr), "cannot terminate message"); }

}  // namespace newsalert::cluster
