// The vocabulary hash and trie edges of TokenTrie.
#include "match/token_trie.hpp"

#include <cstring>

namespace newsalert::match {

// Eight bytes at a time: words are short, and this runs once per word of every article.
std::uint64_t TokenTrie::hash(std::string_view word) {
  std::uint64_t h = 0x9E3779B97F4A7C15ull ^ word.size();
  const char* p = word.data();
  std::size_t n = word.size();
  while (n >= 8) {
    std::uint64_t chunk = 0;
    std::memcpy(&chunk, p, 8);
    h = (h ^ chunk) * 0xFF51AFD7ED558CCDull;
    h ^= h >> 32;
    p += 8;
    n -= 8;
  }
  std::uint64_t tail = 0;
  std::memcpy(&tail, p, n);
  h = (h ^ tail) * 0xC4CEB9FE1A85EC53ull;
  h ^= h >> 29;
  return h;
}

std::uint32_t TokenTrie::find(std::string_view word) const {
  const std::uint64_t h = hash(word);
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = h & mask;; i = (i + 1) & mask) {
    const Slot& slot = slots_[i];
    if (slot.id == kUnknown) return kUnknown;
    if (slot.hash == h && slot.length == word.size() &&
        std::memcmp(pool_.data() + slot.offset, word.data(), word.size()) == 0)
      return slot.id;
  }
}

std::uint32_t TokenTrie::intern(std::string_view word) {
  if (const std::uint32_t id = find(word); id != kUnknown) return id;
  if ((count_ + 1) * 2 > slots_.size()) grow();
  const std::uint64_t h = hash(word);
  const std::size_t mask = slots_.size() - 1;
  std::size_t i = h & mask;
  while (slots_[i].id != kUnknown) i = (i + 1) & mask;
  slots_[i] = Slot{h, ++count_, static_cast<std::uint32_t>(pool_.size()), static_cast<std::uint32_t>(word.size())};
  pool_.append(word);
  root_.push_back(kNone);
  return count_;
}

void TokenTrie::grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.size() * 2, Slot{});
  const std::size_t mask = slots_.size() - 1;
  for (const Slot& slot : old) {
    if (slot.id == kUnknown) continue;
    std::size_t i = slot.hash & mask;
    while (slots_[i].id != kUnknown) i = (i + 1) & mask;
    slots_[i] = slot;
  }
}

std::uint32_t TokenTrie::extend(std::uint32_t node, std::uint32_t word) {
  if (const std::uint32_t next = step(node, word); next != kNone) return next;
  const std::uint32_t child = node_count_++;
  if (node == kRoot) root_[word] = child;
  else edges_.emplace(edge_key(node, word), child);
  return child;
}

std::size_t TokenTrie::memory_bytes() const {
  // Buckets plus one node per edge, as libstdc++ lays out an unordered_map.
  return slots_.capacity() * sizeof(Slot) + pool_.capacity() + root_.capacity() * sizeof(std::uint32_t) +
         edges_.bucket_count() * sizeof(void*) + edges_.size() * (sizeof(void*) + sizeof(std::uint64_t) * 2 + 8);
}

}  // namespace newsalert::match
