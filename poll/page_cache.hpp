// Article pages already extracted, by URL, with the validators that let the next fetch be a 304.
#pragma once

#include "common/time.hpp"

#include <cstddef>
#include <list>
#include <optional>
#include <string>
#include <unordered_map>

namespace newsalert::poll {

struct CachedPage {
  std::string etag;
  std::string last_modified;
  std::string text;        // the extracted main text
  TimePoint fetched{};
};

// Least recently used pages go first once their text and validators outgrow `capacity` bytes.
// Confined to the event loop's thread, like the rest of the poll state.
class PageCache {
 public:
  explicit PageCache(std::size_t capacity) : capacity_(capacity) {}

  const CachedPage* find(const std::string& url);   // and marks it used
  void put(const std::string& url, CachedPage page);
  void set_capacity(std::size_t capacity);

  std::size_t bytes() const { return bytes_; }
  std::size_t size() const { return index_.size(); }

 private:
  struct Entry {
    std::string url;
    CachedPage page;
  };
  static std::size_t cost(const Entry& entry);
  void evict();

  std::size_t capacity_;
  std::size_t bytes_ = 0;
  std::list<Entry> order_;   // most recently used first
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
};

}  // namespace newsalert::poll
