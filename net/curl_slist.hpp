// Owner of a curl_slist (request header lines).
#pragma once

#include <curl/curl.h>

#include <new>
#include <string>
#include <utility>

namespace newsalert::net {

class CurlSlist {
 public:
  CurlSlist() = default;
  ~CurlSlist() { curl_slist_free_all(head_); }
  CurlSlist(CurlSlist&& other) noexcept : head_(std::exchange(other.head_, nullptr)) {}
  CurlSlist& operator=(CurlSlist&& other) noexcept {
    std::swap(head_, other.head_);
    return *this;
  }
  CurlSlist(const CurlSlist&) = delete;
  CurlSlist& operator=(const CurlSlist&) = delete;

  // curl copies the line; on failure it returns null and leaves the list as it was.
  void append(const std::string& line) {
    curl_slist* head = curl_slist_append(head_, line.c_str());
    if (head == nullptr) throw std::bad_alloc();
    head_ = head;
  }

  curl_slist* get() const noexcept { return head_; }
  bool empty() const noexcept { return head_ == nullptr; }

 private:
  curl_slist* head_ = nullptr;
};

}  // namespace newsalert::net
