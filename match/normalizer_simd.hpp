// What the normalizer's block scanner shares with its vector paths, one source file per instruction set.
#pragma once

#include "match/normalizer.hpp"

#include <atomic>
#include <cstddef>
#include <cstdint>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define NEWSALERT_AVX2_DISPATCH 1
#endif

namespace newsalert::match::simd {

// The whole text as bit masks, bit j of word k for byte 64k + j: ASCII letters and digits, where
// runs of them start, upper and lower case letters among them, and bytes the plain-word pass leaves
// to the word-at-a-time path (non-ASCII bytes and apostrophes). Bytes past the end read as zeros.
struct ChunkMasks {
  std::uint64_t alnum = 0;
  std::uint64_t starts = 0;
  std::uint64_t upper = 0;
  std::uint64_t lower = 0;
  std::uint64_t complex = 0;
  std::uint64_t dots = 0;  // '.' (a single letter before one may be an initialism)
};
inline constexpr std::size_t kChunk = 64;

// The level Normalizer::limit_simd set.
inline std::atomic<Normalizer::Simd> simd_limit{Normalizer::Simd::best};

// Each classifies `count` chunks of kChunk bytes at p into out[0, count) and writes them folded
// (ASCII upper case letters to lower case, every other byte as it is) to `folded`. The SSE2 and SWAR
// paths leave `starts` to the caller; the AVX2 and AVX-512 ones work it out, with `carry` saying
// whether the byte before p was a letter or digit.

// Every x86-64 has SSE2 (normalizer_sse2.cpp).
void classify_chunks_sse2(const char* p, char* folded, ChunkMasks* out, std::size_t count);

// Eight bytes in a 64-bit word, for processors without SSE2 (normalizer_swar.cpp). Compiled in every
// build, so that it keeps building where it is not used.
void classify_chunks_swar(const char* p, char* folded, ChunkMasks* out, std::size_t count);

#if defined(NEWSALERT_AVX2_DISPATCH)
// The wider paths are compiled for their instructions function by function, not file by file, so
// that one build runs on any x86-64 and chooses at run time.

// normalizer_avx2.cpp
__attribute__((target("avx2"))) void classify_chunks_avx2(const char* p, char* folded, ChunkMasks* out, std::size_t count,
                                                          std::uint64_t& carry);

// normalizer_avx512.cpp: `count` whole chunks and then `tail` bytes (fewer than kChunk), which it
// reads without touching the bytes past them.
__attribute__((target("avx512f,avx512bw,bmi2"))) void classify_chunks_avx512(const char* p, char* folded, ChunkMasks* out,
                                                                             std::size_t count, std::size_t tail,
                                                                             std::uint64_t& carry);

inline bool has_avx512bw() {
  static const bool yes = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("bmi2");
  return yes && simd_limit.load(std::memory_order_relaxed) == Normalizer::Simd::best;
}

// AVX2 with the bit-manipulation instructions that come with it (x86-64-v3: Haswell, Zen and later).
inline bool has_avx2() {
  static const bool yes = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2");
  return yes && simd_limit.load(std::memory_order_relaxed) != Normalizer::Simd::baseline;
}
#endif

}  // namespace newsalert::match::simd
