// One automaton over normalized tokens: a vocabulary of every word any phrase uses, and a trie of
// phrases over those word ids. Matching cost grows with the text, not with the number of phrases.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace newsalert::match {

class TokenTrie {
 public:
  static constexpr std::uint32_t kUnknown = 0;  // word id of a word no phrase uses
  static constexpr std::uint32_t kRoot = 0;
  static constexpr std::uint32_t kNone = 0;     // no such node

  // The id of a folded word, interning it when new. Never kUnknown.
  std::uint32_t intern(std::string_view word);

  // The id of a folded word, or kUnknown. Runs once per word of every article: a bit filter
  // small enough for the CPU cache turns most unknown words away before the table is touched.
  std::uint32_t find(std::string_view word) const { return find<false>(word); }
  // The same for a word followed by at least eight readable bytes: no byte loop.
  std::uint32_t find_padded(std::string_view word) const { return find<true>(word); }

  // find_padded() with what it reads of the trie held in registers: for a loop that stores between
  // lookups (which would otherwise make the compiler read them again for every word). The trie must
  // outlive it and stay unchanged.
  class PaddedFinder {
   public:
    explicit PaddedFinder(const TokenTrie& trie)
        : trie_(trie), filter_(trie.filter_.data()), filter_mask_(trie.filter_mask_) {}
    std::uint32_t operator()(const char* word, std::size_t len) const {
      // The first min(len, 8) bytes, without a branch on the length (len >= 1), which would be
      // mispredicted for every long word among short ones: the mask comes from a table that stays
      // in the cache, in fewer instructions than working it out.
      const std::uint64_t prefix = load64(word) & kPrefixMasks[std::min<std::size_t>(len, kPrefixMasks.size() - 1)];
      const std::uint64_t f = filter_hash(prefix, len);
      const std::uint64_t bits = filter_bits(f);
      if ((bits & ~filter_[(f >> 20) & filter_mask_]) != 0) return kUnknown;
      return trie_.probe_padded(word, len);
    }

   private:
    static constexpr std::array<std::uint64_t, 65> kPrefixMasks = [] {
      std::array<std::uint64_t, 65> masks{};
      for (std::size_t n = 0; n < masks.size(); ++n) masks[n] = n >= 8 ? ~std::uint64_t{0} : (std::uint64_t{1} << (8 * n)) - 1;
      return masks;
    }();

    const TokenTrie& trie_;
    const std::uint64_t* filter_;
    std::size_t filter_mask_;
  };

  // The node reached from `node` by `word`, or kNone.
  std::uint32_t step(std::uint32_t node, std::uint32_t word) const {
    if (node == kRoot) return word < root_.size() ? root_[word] : kNone;
    const std::uint64_t key = edge_key(node, word);
    const std::size_t mask = edges_.size() - 1;
    for (std::size_t i = edge_hash(key) & mask;; i = (i + 1) & mask) {
      if (edges_[i].child == kNone) return kNone;
      if (edges_[i].key == key) return edges_[i].child;
    }
  }
  // The node reached from `node` by `word`, created when missing.
  std::uint32_t extend(std::uint32_t node, std::uint32_t word);

  std::size_t node_count() const { return node_count_; }
  std::size_t word_count() const { return count_; }
  std::size_t memory_bytes() const;

 private:
  struct Slot {
    std::uint64_t prefix = 0;  // the first eight bytes of the word
    std::uint32_t id = kUnknown;
    std::uint16_t length = 0;
    std::uint16_t tag = 0;     // high hash bits, to skip most mismatches without touching the words
  };
  struct Edge {
    std::uint64_t key = 0;
    std::uint32_t child = kNone;
  };

  template <bool Padded>
  std::uint32_t find(std::string_view word) const {
    const std::uint64_t prefix = load_upto8<Padded>(word.data(), word.size());
    if (!may_know(prefix, word.size())) return kUnknown;
    const std::uint64_t h = hash<Padded>(word, prefix);
    // Most known words are short and sit in their first slot: no call for them.
    const Slot& first = slots_[(h >> 20) & (slots_.size() - 1)];
    if (word.size() <= 8 && first.prefix == prefix && first.length == word.size() && first.id != kUnknown)
      return first.id;
    return probe(word, prefix, h);
  }

  // The filter looks at the first eight bytes and the length alone, so that a word is turned away
  // with one multiplication whatever its length; the rest of a long word is compared in the table.
  // The length only tells words of eight bytes or more apart (a shorter word's zero bytes say it).
  static std::uint64_t filter_hash(std::uint64_t prefix, std::size_t length) {
    return (prefix ^ length) * 0xD6E8FEB86659FD93ull;
  }
  // Two bits of one 64-bit word per word: one load per lookup. At sixteen bits per word about one
  // unknown word in two hundred got through on the benchmark's corpus.
  static std::uint64_t filter_bits(std::uint64_t f) {
    return (std::uint64_t{1} << (f >> 58)) | (std::uint64_t{1} << ((f >> 52) & 63));
  }
  bool may_know(std::uint64_t prefix, std::size_t length) const {
    const std::uint64_t f = filter_hash(prefix, length);
    const std::uint64_t bits = filter_bits(f);
    return (bits & ~filter_[(f >> 20) & filter_mask_]) == 0;
  }
  void add_to_filter(std::uint64_t prefix, std::size_t length) {
    const std::uint64_t f = filter_hash(prefix, length);
    filter_[(f >> 20) & filter_mask_] |= filter_bits(f);
  }

  static std::uint64_t load64(const char* p) {
    std::uint64_t v = 0;
    std::memcpy(&v, p, 8);
    return v;
  }
  static std::uint64_t load32(const char* p) {
    std::uint32_t v = 0;
    std::memcpy(&v, p, 4);
    return v;
  }
  // The first min(n, 8) bytes at p, zero-padded, as a little-endian load would give them. Padded:
  // eight bytes may be read, so one load and a mask; otherwise overlapping loads (a byte loop or a
  // variable-length memcpy would cost more). Big-endian machines take the byte loop.
  template <bool Padded>
  static std::uint64_t load_upto8(const char* p, std::size_t n) {
    if (n >= 8) return load64(p);
    if constexpr (std::endian::native == std::endian::little) {
      if constexpr (Padded) return load64(p) & ((std::uint64_t{1} << (8 * n)) - 1);
      if (n >= 4) return load32(p) | (load32(p + n - 4) << (8 * (n - 4)));
      if (n == 0) return 0;
      return static_cast<std::uint64_t>(static_cast<unsigned char>(p[0])) |
             static_cast<std::uint64_t>(static_cast<unsigned char>(p[n / 2])) << (8 * (n / 2)) |
             static_cast<std::uint64_t>(static_cast<unsigned char>(p[n - 1])) << (8 * (n - 1));
    } else {
      std::uint64_t v = 0;
      for (std::size_t i = 0; i < n; ++i) v |= static_cast<std::uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
      return v;
    }
  }
  // Eight bytes at a time, the last chunk zero-padded; `prefix` is load_upto8 of the word.
  template <bool Padded>
  static std::uint64_t hash(std::string_view word, std::uint64_t prefix) {
    std::uint64_t h = 0x9E3779B97F4A7C15ull ^ word.size();
    std::uint64_t last = prefix;
    if (word.size() > 8) {
      const char* p = word.data();
      std::size_t n = word.size();
      while (n > 8) {
        h = (h ^ load64(p)) * 0xFF51AFD7ED558CCDull;
        h ^= h >> 32;
        p += 8;
        n -= 8;
      }
      last = load_upto8<Padded>(p, n);
    }
    h = (h ^ last) * 0xC4CEB9FE1A85EC53ull;
    h ^= h >> 29;
    return h;
  }
  static std::uint64_t edge_key(std::uint32_t node, std::uint32_t word) {
    return (static_cast<std::uint64_t>(node) << 32) | word;
  }
  static std::size_t edge_hash(std::uint64_t key) {
    return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ull) >> 20);
  }
  // The table walk behind find(), out of line so that the common miss stays small and inlined.
  std::uint32_t probe(std::string_view word, std::uint64_t prefix, std::uint64_t h) const;
  // The same from the word alone, for PaddedFinder: its loop keeps nothing of the word for the few
  // words that pass the filter.
  [[gnu::noinline]] std::uint32_t probe_padded(const char* word, std::size_t len) const;
  void place(const Slot& slot, std::uint64_t h);
  void grow();
  void grow_edges();

  std::vector<Slot> slots_ = std::vector<Slot>(1024);  // open addressing, power of two
  std::vector<std::uint64_t> hashes_ = std::vector<std::uint64_t>(1, 0);   // by word id, for rehashing
  std::vector<std::uint32_t> offsets_ = std::vector<std::uint32_t>(1, 0);  // by word id, into pool_
  std::string pool_;                                   // the words' bytes
  std::vector<std::uint64_t> filter_ = std::vector<std::uint64_t>(1024, 0);  // one bit per hash, >= 8 per word
  std::size_t filter_mask_ = 1023;
  std::uint32_t count_ = 0;
  std::vector<std::uint32_t> root_ = std::vector<std::uint32_t>(1, kNone);  // word id -> child of the root
  std::vector<Edge> edges_ = std::vector<Edge>(1024);  // (node, word) -> child; open addressing
  std::size_t edge_count_ = 0;
  std::uint32_t node_count_ = 1;
};

}  // namespace newsalert::match
