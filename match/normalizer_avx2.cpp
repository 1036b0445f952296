// The block scanner's classification with AVX2, for the processors that have it.
#include "match/normalizer_simd.hpp"

#if defined(NEWSALERT_AVX2_DISPATCH)
#include <immintrin.h>

#include <algorithm>

namespace newsalert::match::simd {

// Thirty-two bytes at a time, on processors with AVX2 (chosen at run time, so the build still runs
// on any x86-64). A byte x is in [lo, lo + w) when x + (128 - lo), read as signed, is below w - 128.
__attribute__((target("avx2"))) void classify_chunks_avx2(const char* p, char* folded, ChunkMasks* out, std::size_t count,
                                                          std::uint64_t& carry) {
  const __m256i case_bit = _mm256_set1_epi8(0x20);
  const __m256i to_alpha = _mm256_set1_epi8(static_cast<char>(128 - 'a'));
  const __m256i alpha_below = _mm256_set1_epi8(static_cast<char>(26 - 128));
  const __m256i to_digit = _mm256_set1_epi8(static_cast<char>(128 - '0'));
  const __m256i digit_below = _mm256_set1_epi8(static_cast<char>(10 - 128));
  const __m256i apostrophe = _mm256_set1_epi8('\'');
  const __m256i dot = _mm256_set1_epi8('.');
  for (std::size_t k = 0; k < count; ++k) {
    _mm_prefetch(p + std::min(k + 8, count) * kChunk, _MM_HINT_NTA);  // as in classify_chunks_avx512(), normalizer_avx512.cpp
    std::uint64_t masks[5] = {};
    for (int c = 0; c < 2; ++c) {
      const std::size_t at = k * kChunk + 32 * static_cast<std::size_t>(c);
      const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + at));
      const __m256i alpha = _mm256_cmpgt_epi8(alpha_below, _mm256_add_epi8(_mm256_or_si256(v, case_bit), to_alpha));
      const __m256i digit = _mm256_cmpgt_epi8(digit_below, _mm256_add_epi8(v, to_digit));
      const __m256i has_case_bit = _mm256_cmpeq_epi8(_mm256_and_si256(v, case_bit), case_bit);
      const __m256i upper = _mm256_andnot_si256(has_case_bit, alpha);
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(folded + at), _mm256_or_si256(v, _mm256_and_si256(upper, case_bit)));
      const auto shift = static_cast<unsigned>(32 * c);
      masks[0] |= std::uint64_t{static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_or_si256(alpha, digit)))} << shift;
      masks[1] |= std::uint64_t{static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_and_si256(alpha, has_case_bit)))} << shift;
      masks[2] |= std::uint64_t{static_cast<std::uint32_t>(_mm256_movemask_epi8(upper))} << shift;
      // The high bit: non-ASCII bytes.
      masks[3] |= std::uint64_t{static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_or_si256(v, _mm256_cmpeq_epi8(v, apostrophe))))}
                  << shift;
      masks[4] |= std::uint64_t{static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, dot)))} << shift;
    }
    out[k].alnum = masks[0];
    out[k].starts = masks[0] & ~((masks[0] << 1) | carry);
    carry = masks[0] >> 63;
    out[k].lower = masks[1];
    out[k].upper = masks[2];
    out[k].complex = masks[3];
    out[k].dots = masks[4];
  }
}

}  // namespace newsalert::match::simd
#endif
