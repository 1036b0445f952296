// Identity of entries within one document: missing and reused ids get a stable fallback.
#include "feeds/entry_identity.hpp"

#include "common/crypto.hpp"

#include <gtest/gtest.h>

using namespace newsalert;
using namespace newsalert::feeds;

namespace {

DraftEntry entry(std::string id, std::string link, std::string title, std::string date = {}) {
  DraftEntry e;
  e.article.id = std::move(id);
  e.article.link = std::move(link);
  e.article.title = std::move(title);
  e.article.summary = "text";
  e.date_text = std::move(date);
  return e;
}

std::vector<Article> settle(std::vector<DraftEntry> entries) {
  std::vector<Article> out;
  settle_identities(entries, out);
  return out;
}

}  // namespace

TEST(EntryIdentity, KeepsUniqueIdsAsTheyAre) {
  const auto out = settle({entry("a", "https://x/1", "One"), entry("b", "https://x/2", "Two")});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].id, "a");
  EXPECT_EQ(out[1].id, "b");
}

TEST(EntryIdentity, MissingIdFallsBackToTheLinkThenToAHash) {
  const auto out = settle({entry("", "https://x/1", "One"), entry("", "", "Two", "Mon, 01 Jan 2024 00:00:00 GMT")});
  EXPECT_EQ(out[0].id, "https://x/1");
  EXPECT_EQ(out[1].id, sha256_hex("Two\nMon, 01 Jan 2024 00:00:00 GMT\ntext"));
}

TEST(EntryIdentity, AReusedIdIsReplacedForEveryEntryThatSharesIt) {
  const auto out = settle({entry("same", "https://x/1", "One"), entry("same", "https://x/2", "Two"),
                           entry("other", "https://x/3", "Three")});
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].id, "https://x/1");
  EXPECT_EQ(out[1].id, "https://x/2");
  EXPECT_EQ(out[2].id, "other");
}

TEST(EntryIdentity, SharedIdAndSharedLinkFallBackToTheContentHash) {
  const auto out = settle({entry("same", "https://x/", "One"), entry("same", "https://x/", "Two")});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].id, sha256_hex("One\n\ntext"));
  EXPECT_EQ(out[1].id, sha256_hex("Two\n\ntext"));
}

TEST(EntryIdentity, AnEntryListedTwiceIsKeptOnce) {
  const auto out = settle({entry("d", "https://x/d", "Dup"), entry("d", "https://x/d", "Dup")});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].title, "Dup");
}

TEST(EntryIdentity, OneEntrysIdEqualToAnothersLinkDoesNotHideEither) {
  const auto out = settle({entry("https://x/2", "https://x/1", "One"), entry("", "https://x/2", "Two")});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].id, "https://x/2");
  EXPECT_EQ(out[1].id, sha256_hex("Two\n\ntext"));
}
