// The page cache: least recently used pages leave first once the bytes outgrow the bound.
#include "poll/page_cache.hpp"

#include <gtest/gtest.h>

using newsalert::poll::CachedPage;
using newsalert::poll::PageCache;

TEST(PageCache, KeepsTheRecentlyUsedPagesWithinItsBound) {
  PageCache cache(3 * 1200);
  const std::string text(1000, 'x');
  cache.put("https://a/1", CachedPage{"\"e1\"", "", text, {}});
  cache.put("https://a/2", CachedPage{"", "", text, {}});
  cache.put("https://a/3", CachedPage{"", "", text, {}});
  ASSERT_NE(cache.find("https://a/1"), nullptr);   // now the most recent
  cache.put("https://a/4", CachedPage{"", "", text, {}});
  EXPECT_EQ(cache.find("https://a/2"), nullptr);
  ASSERT_NE(cache.find("https://a/1"), nullptr);
  EXPECT_EQ(cache.find("https://a/1")->etag, "\"e1\"");
  EXPECT_LE(cache.bytes(), 3u * 1200);
}

TEST(PageCache, ReplacingAPageCountsItsBytesOnceAndShrinkingEvicts) {
  PageCache cache(1 << 20);
  cache.put("u", CachedPage{"", "", std::string(5000, 'a'), {}});
  const std::size_t one = cache.bytes();
  cache.put("u", CachedPage{"", "", std::string(5000, 'b'), {}});
  EXPECT_EQ(cache.bytes(), one);
  EXPECT_EQ(cache.size(), 1u);
  cache.set_capacity(100);
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.bytes(), 0u);
}
