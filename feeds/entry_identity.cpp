// Identity fallback for entries without a usable id.
#include "feeds/entry_identity.hpp"

#include "common/crypto.hpp"

#include <algorithm>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace newsalert::feeds {
namespace {

std::string content_hash(const DraftEntry& e) {
  return sha256_hex(e.article.title + '\n' + e.date_text + '\n' + e.article.summary);
}

// Keys are views of the entries' own strings: nothing is copied, and the entries stay in place until
// settle_identities moves them out at the very end.
template <typename Get>
std::unordered_map<std::string_view, int> count_by(const std::vector<DraftEntry>& entries, Get get) {
  std::unordered_map<std::string_view, int> counts;
  for (const auto& e : entries)
    if (const std::string& key = get(e); !key.empty()) ++counts[key];
  return counts;
}

bool same_entry(const DraftEntry& a, const DraftEntry& b) {
  return a.article.id == b.article.id && a.article.link == b.article.link && a.article.title == b.article.title &&
         a.date_text == b.date_text && a.article.summary == b.article.summary;
}

// Marks the entries that repeat an earlier one field for field (a "top stories" block listing an item
// again): they go before identities are settled, so an entry's id is the same whether or not its copy
// is in the document. Only entries sharing an id (or, without one, a link) are compared.
std::vector<char> find_copies(const std::vector<DraftEntry>& entries) {
  std::vector<char> copy(entries.size());
  // The first entry of each key, and the further distinct ones for the rare keys that have them.
  std::unordered_map<std::string_view, std::size_t> first;
  first.reserve(entries.size());
  std::unordered_map<std::string_view, std::vector<std::size_t>> others;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const Article& a = entries[i].article;
    const std::string_view key = a.id.empty() ? std::string_view(a.link) : std::string_view(a.id);
    if (key.empty()) continue;
    const auto [it, inserted] = first.try_emplace(key, i);
    if (inserted) continue;
    if (same_entry(entries[it->second], entries[i])) {
      copy[i] = 1;
      continue;
    }
    auto& more = others[key];
    for (const auto j : more)
      if (same_entry(entries[j], entries[i])) copy[i] = 1;
    if (!copy[i]) more.push_back(i);
  }
  return copy;
}

}  // namespace

void settle_identities(std::vector<DraftEntry>& entries, std::vector<Article>& out) {
  // Copies are set aside first; the rules below see each entry once.
  const auto copy = find_copies(entries);
  if (std::find(copy.begin(), copy.end(), 1) != copy.end()) {
    std::vector<DraftEntry> distinct;
    distinct.reserve(entries.size());
    for (std::size_t i = 0; i < entries.size(); ++i)
      if (!copy[i]) distinct.push_back(std::move(entries[i]));
    entries = std::move(distinct);
  }
  // Feeds whose generator stamps one guid on every item (the channel URL, "0", a date) are common;
  // trusting such an id would hide every item but the first.
  const auto id_counts = count_by(entries, [](const DraftEntry& e) -> const std::string& { return e.article.id; });
  std::vector<char> needs_fallback(entries.size());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const auto& id = entries[i].article.id;
    needs_fallback[i] = id.empty() || id_counts.at(id) > 1;
  }
  std::unordered_map<std::string_view, int> link_counts;
  for (std::size_t i = 0; i < entries.size(); ++i)
    if (needs_fallback[i] && !entries[i].article.link.empty()) ++link_counts[entries[i].article.link];

  // Views of the ids settled so far; an id changes only before its view goes in.
  std::unordered_set<std::string_view> seen;
  std::vector<char> keep(entries.size());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    auto& e = entries[i];
    if (needs_fallback[i]) {
      const auto& link = e.article.link;
      e.article.id = !link.empty() && link_counts[link] == 1 ? link : content_hash(e);
    }
    if (!seen.insert(e.article.id).second) {
      // The id is taken (one entry's guid is another's link, or the entry is listed twice): when its
      // content hash is taken too it is a repeat and goes, otherwise the hash tells it apart.
      std::string hash = content_hash(e);
      if (seen.contains(hash)) continue;
      e.article.id = std::move(hash);
      seen.insert(e.article.id);
    }
    keep[i] = 1;
  }
  out.reserve(out.size() + entries.size());
  for (std::size_t i = 0; i < entries.size(); ++i)
    if (keep[i]) out.push_back(std::move(entries[i].article));
}

}  // namespace newsalert::feeds
