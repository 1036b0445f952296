// Peak memory of parse_feed on floods of entries, counted by an allocation hook on operator new and
// pugixml's allocator: entries past max_entries must cost nothing beyond the document's own tree.
#include "feeds/feed_parser.hpp"

#include <gtest/gtest.h>
#include <malloc.h>
#include <pugixml.hpp>

#include <cstdlib>
#include <new>
#include <string>

namespace {

// Live and peak bytes of everything allocated through the hooks below; the tests are single-threaded.
std::size_t live_bytes = 0;
std::size_t peak_bytes = 0;

void* counted_malloc(std::size_t size) {
  void* p = std::malloc(size == 0 ? 1 : size);
  if (p != nullptr) {
    live_bytes += malloc_usable_size(p);
    if (live_bytes > peak_bytes) peak_bytes = live_bytes;
  }
  return p;
}

void counted_free(void* p) {
  if (p == nullptr) return;
  live_bytes -= malloc_usable_size(p);
  std::free(p);
}

// The most the heap held above its level at the start, while fn ran.
template <typename F>
std::size_t peak_during(F fn) {
  peak_bytes = live_bytes;
  const std::size_t before = live_bytes;
  fn();
  return peak_bytes - before;
}

struct Flood {
  std::string doc;
  std::size_t items = 0;
};

// head, then numbered items (the item's opening, the number, its closing) up to `bytes`, then tail.
Flood flood(std::string head, const std::string& open, const std::string& close, std::string tail,
            std::size_t bytes) {
  Flood f{std::move(head)};
  for (; f.doc.size() < bytes; ++f.items) f.doc += open + std::to_string(f.items) + close;
  f.doc += tail;
  return f;
}

}  // namespace

void* operator new(std::size_t size) {
  if (void* p = counted_malloc(size)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) { return operator new(size); }
void operator delete(void* p) noexcept { counted_free(p); }
void operator delete[](void* p) noexcept { counted_free(p); }
void operator delete(void* p, std::size_t) noexcept { counted_free(p); }
void operator delete[](void* p, std::size_t) noexcept { counted_free(p); }

using newsalert::feeds::ParseLimits;
using newsalert::feeds::parse_feed;

class ParseMemory : public ::testing::Test {
 protected:
  void SetUp() override { pugi::set_memory_management_functions(counted_malloc, counted_free); }
  void TearDown() override { pugi::set_memory_management_functions(std::malloc, std::free); }

  // Parses the flood keeping 10 of its `entries` entries; returns the peak bytes the parse held.
  std::size_t parse_keeping_ten(const Flood& f, std::size_t entries) {
    ParseLimits limits;
    limits.max_entries = 10;
    const std::size_t peak = peak_during([&] {
      const auto feed = parse_feed(f.doc, "https://feed.example/feed", limits);
      ASSERT_EQ(feed.articles.size(), 10u) << feed.error;
      EXPECT_EQ(feed.warning, "kept the first 10 entries, dropped " + std::to_string(entries - 10));
    });
    RecordProperty("peak_bytes", std::to_string(peak));
    return peak;
  }
};

// 4 MiB of tiny RSS items, 10 kept: the parse holds the decoded text and its XML tree (about 7 times
// the document), not an entry per item (about 27 times, when every item was built and then dropped).
TEST_F(ParseMemory, RssEntriesPastTheLimitAreNeverBuilt) {
  const Flood f = flood("<rss version=\"2.0\"><channel><title>Flood</title>", "<item><title>t", "</title></item>",
                        "</channel></rss>", 4 << 20);
  const std::size_t peak = parse_keeping_ten(f, f.items);
  EXPECT_LT(peak, 10 * f.doc.size()) << "peak " << peak << " bytes for a document of " << f.doc.size();
}

// The same for JSON Feed, where even the items' JSON values past the limit are not built: the parse
// holds about the decoded text alone (it held 98 times the document when every item was built).
TEST_F(ParseMemory, JsonItemsPastTheLimitAreNeverBuilt) {
  const Flood f = flood("{\"title\":\"Flood\",\"items\":[{\"id\":\"first\"}", ",{\"id\":\"", "\"}", "]}", 4 << 20);
  const std::size_t peak = parse_keeping_ten(f, f.items + 1);   // with "first"
  EXPECT_LT(peak, 3 * f.doc.size()) << "peak " << peak << " bytes for a document of " << f.doc.size();
}
