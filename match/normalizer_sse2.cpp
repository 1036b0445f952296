// The block scanner's classification sixteen bytes at a time with SSE2, which every x86-64 has.
#include "match/normalizer_simd.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>

#include <algorithm>

namespace newsalert::match::simd {
namespace {

// One chunk as four blocks of sixteen bytes.
void classify_chunk(const char* p, char* folded, ChunkMasks& out) {
  const __m128i case_bit = _mm_set1_epi8(0x20);
  const __m128i zero = _mm_setzero_si128();
  std::uint64_t alnum = 0, lower = 0, upper = 0, complex = 0, dots = 0;
  for (int c = 0; c < 4; ++c) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * c));
    const __m128i lowered = _mm_or_si128(v, case_bit);  // bytes >= 0x80 stay negative: never letters
    const __m128i alpha = _mm_and_si128(_mm_cmpgt_epi8(lowered, _mm_set1_epi8('a' - 1)),
                                        _mm_cmplt_epi8(lowered, _mm_set1_epi8('z' + 1)));
    const __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)), _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
    const __m128i has_case_bit = _mm_cmpeq_epi8(_mm_and_si128(v, case_bit), case_bit);
    const __m128i complex_bytes = _mm_or_si128(_mm_cmplt_epi8(v, zero), _mm_cmpeq_epi8(v, _mm_set1_epi8('\'')));
    const __m128i upper_bytes = _mm_andnot_si128(has_case_bit, alpha);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(folded + 16 * c), _mm_or_si128(v, _mm_and_si128(upper_bytes, case_bit)));
    const auto shift = static_cast<unsigned>(16 * c);
    alnum |= static_cast<std::uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(alpha, digit)))) << shift;
    lower |= static_cast<std::uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(_mm_and_si128(alpha, has_case_bit)))) << shift;
    upper |= static_cast<std::uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(upper_bytes))) << shift;
    complex |= static_cast<std::uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(complex_bytes))) << shift;
    dots |= static_cast<std::uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('.'))))) << shift;
  }
  out.alnum = alnum;
  out.lower = lower;
  out.upper = upper;
  out.complex = complex;
  out.dots = dots;
}

}  // namespace

void classify_chunks_sse2(const char* p, char* folded, ChunkMasks* out, std::size_t count) {
  for (std::size_t k = 0; k < count; ++k) {
    _mm_prefetch(p + std::min(k + 8, count) * kChunk, _MM_HINT_NTA);  // as in classify_chunks_avx512(), normalizer_avx512.cpp
    classify_chunk(p + k * kChunk, folded + k * kChunk, out[k]);
  }
}

}  // namespace newsalert::match::simd
#endif
