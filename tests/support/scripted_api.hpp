// What the loopback API stand-ins share: one lock, the answers a test scripts (rate limits, answers
// dropped after the request took effect) and the refusals given, for the test to read.
#pragma once

#include "tests/support/http_server.hpp"

#include <mutex>
#include <string>
#include <vector>

namespace newsalert::testing {

// Characters of UTF-8 text (code points), as the APIs' documented limits count them.
inline std::size_t character_count(const std::string& text) {
  std::size_t n = 0;
  for (const char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

class ScriptedApi {
 public:
  // The next `count` valid requests are refused as rate-limited.
  void rate_limit(int count) {
    std::lock_guard lock(mutex_);
    rate_limited_ = count;
  }
  // The next `count` valid requests are answered with a server error (503).
  void fail(int count) {
    std::lock_guard lock(mutex_);
    failures_ = count;
  }
  // The next `count` valid requests take effect, and then the connection is closed without an
  // answer: the lost answer a retry must not turn into a second post.
  void drop_answers(int count) {
    std::lock_guard lock(mutex_);
    drops_ = count;
  }
  std::vector<std::string> refusals() const {
    std::lock_guard lock(mutex_);
    return refusals_;
  }

 protected:
  ScriptedApi() = default;
  ~ScriptedApi() = default;
  ScriptedApi(const ScriptedApi&) = delete;
  ScriptedApi& operator=(const ScriptedApi&) = delete;

  // With mutex_ held: whether this request is one of the rate-limited ones.
  bool take_rate_limit() {
    if (rate_limited_ == 0) return false;
    --rate_limited_;
    return true;
  }
  // With mutex_ held: whether this request is one of those answered with a server error.
  bool take_failure() {
    if (failures_ == 0) return false;
    --failures_;
    return true;
  }
  // With mutex_ held: `ok` for a request that took effect, or no answer at all when one is due to
  // be dropped.
  Response answer_or_drop(Response ok) {
    if (drops_ == 0) return ok;
    --drops_;
    Response dropped;
    dropped.close_without_response = true;
    return dropped;
  }

  mutable std::mutex mutex_;
  std::vector<std::string> refusals_;

 private:
  int rate_limited_ = 0;
  int failures_ = 0;
  int drops_ = 0;
};

}  // namespace newsalert::testing
