// The byte-bounded LRU of extracted article pages.
#include "poll/page_cache.hpp"

namespace newsalert::poll {

std::size_t PageCache::cost(const Entry& entry) {
  // The map node and list node cost about as much as a short URL again.
  return 2 * entry.url.size() + entry.page.etag.size() + entry.page.last_modified.size() + entry.page.text.size() + 128;
}

const CachedPage* PageCache::find(const std::string& url) {
  const auto it = index_.find(url);
  if (it == index_.end()) return nullptr;
  order_.splice(order_.begin(), order_, it->second);
  return &it->second->page;
}

void PageCache::put(const std::string& url, CachedPage page) {
  if (const auto it = index_.find(url); it != index_.end()) {
    bytes_ -= cost(*it->second);
    order_.erase(it->second);
    index_.erase(it);
  }
  order_.push_front(Entry{url, std::move(page)});
  bytes_ += cost(order_.front());
  index_.emplace(url, order_.begin());
  evict();
}

void PageCache::set_capacity(std::size_t capacity) {
  capacity_ = capacity;
  evict();
}

void PageCache::evict() {
  while (bytes_ > capacity_ && !order_.empty()) {
    bytes_ -= cost(order_.back());
    index_.erase(order_.back().url);
    order_.pop_back();
  }
}

}  // namespace newsalert::poll
