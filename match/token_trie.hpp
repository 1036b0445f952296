// One automaton over normalized tokens: a vocabulary of every word any phrase uses, and a trie of
// phrases over those word ids. Matching cost grows with the text, not with the number of phrases.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace newsalert::match {

class TokenTrie {
 public:
  static constexpr std::uint32_t kUnknown = 0;  // word id of a word no phrase uses
  static constexpr std::uint32_t kRoot = 0;
  static constexpr std::uint32_t kNone = 0;     // no such node

  // The id of a folded word, interning it when new. Never kUnknown.
  std::uint32_t intern(std::string_view word);
  // The id of a folded word, or kUnknown.
  std::uint32_t find(std::string_view word) const;

  // The node reached from `node` by `word`, or kNone.
  std::uint32_t step(std::uint32_t node, std::uint32_t word) const {
    if (node == kRoot) return word < root_.size() ? root_[word] : kNone;
    const auto it = edges_.find(edge_key(node, word));
    return it == edges_.end() ? kNone : it->second;
  }
  // The node reached from `node` by `word`, created when missing.
  std::uint32_t extend(std::uint32_t node, std::uint32_t word);

  std::size_t node_count() const { return node_count_; }
  std::size_t word_count() const { return count_; }
  std::size_t memory_bytes() const;

 private:
  struct Slot {
    std::uint64_t hash = 0;
    std::uint32_t id = kUnknown;
    std::uint32_t offset = 0;
    std::uint32_t length = 0;
  };
  static std::uint64_t hash(std::string_view word);
  static std::uint64_t edge_key(std::uint32_t node, std::uint32_t word) {
    return (static_cast<std::uint64_t>(node) << 32) | word;
  }
  void grow();

  std::vector<Slot> slots_ = std::vector<Slot>(1024);  // open addressing, power of two
  std::string pool_;                                   // the words' bytes
  std::uint32_t count_ = 0;
  std::vector<std::uint32_t> root_ = std::vector<std::uint32_t>(1, kNone);  // word id -> child of the root
  std::unordered_map<std::uint64_t, std::uint32_t> edges_;                   // (node, word) -> child
  std::uint32_t node_count_ = 1;
};

}  // namespace newsalert::match
