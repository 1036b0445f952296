// One message delivered by a pull consumer, and the answers a consumer can give about it.
#pragma once

#include "cluster/nats_handles.hpp"

#include <chrono>
#include <cstdint>
#include <string_view>

namespace newsalert::cluster {

class Message {
 public:
  explicit Message(NatsHandle<natsMsg> message);

  std::string_view subject() const;
  std::string_view data() const;
  std::uint64_t stream_sequence() const noexcept { return stream_sequence_; }
  // 1 for the first delivery, 2 for the first redelivery, ...
  std::uint64_t delivery_count() const noexcept { return delivery_count_; }

  // Done: waits until the server has recorded it, so a message acknowledged here is not
  // delivered again.
  void ack();
  // Not done: deliver again now (BackOff does not apply to a nak).
  void nak();
  // Not done: deliver again after `delay`; the message keeps its MaxAckPending slot meanwhile.
  void nak_with_delay(std::chrono::milliseconds delay);
  // Still working on it: AckWait starts again.
  void in_progress();
  // Never deliver again, whatever MaxDeliver says.
  void term();

 private:
  NatsHandle<natsMsg> message_;
  std::uint64_t stream_sequence_ = 0;
  std::uint64_t delivery_count_ = 0;
};

}  // namespace newsalert::cluster
