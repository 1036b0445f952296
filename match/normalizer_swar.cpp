// The block scanner's classification eight bytes at a time in a 64-bit word, for processors without SSE2.
#include "match/normalizer_simd.hpp"
#include "match/swar.hpp"

#include <cstring>

namespace newsalert::match::simd {
namespace {

using swar::bytes_between;
using swar::kHighBits;
using swar::kOnes;

// The high bit of each byte gathered into one bit per byte (byte order of a little-endian load).
std::uint64_t gather_high_bits(std::uint64_t m) { return ((m >> 7) * 0x0102040810204080ull) >> 56; }

// One chunk as eight words of eight bytes.
void classify_chunk(const char* p, char* folded, ChunkMasks& out) {
  std::uint64_t alnum = 0, lower = 0, upper = 0, complex = 0, dots = 0;
  for (unsigned c = 0; c < 8; ++c) {
    std::uint64_t x = 0;
    std::memcpy(&x, p + 8 * c, 8);
    const std::uint64_t ascii = ~x & kHighBits;
    const std::uint64_t low7 = x & ~kHighBits;
    const std::uint64_t alpha = bytes_between(low7 | (kOnes * 0x20), 'a', 'z') & ascii;
    const std::uint64_t digit = bytes_between(low7, '0', '9') & ascii;
    const std::uint64_t case_bit = x << 2;
    const std::uint64_t apostrophe = bytes_between(low7, '\'', '\'') & ascii;
    alnum |= gather_high_bits(alpha | digit) << (8 * c);
    lower |= gather_high_bits(alpha & case_bit) << (8 * c);
    upper |= gather_high_bits(alpha & ~case_bit) << (8 * c);
    complex |= gather_high_bits((~ascii & kHighBits) | apostrophe) << (8 * c);
    dots |= gather_high_bits(bytes_between(low7, '.', '.') & ascii) << (8 * c);
    const std::uint64_t folded8 = x | ((alpha & ~case_bit) >> 2);
    std::memcpy(folded + 8 * c, &folded8, 8);
  }
  out.alnum = alnum;
  out.lower = lower;
  out.upper = upper;
  out.complex = complex;
  out.dots = dots;
}

}  // namespace

void classify_chunks_swar(const char* p, char* folded, ChunkMasks* out, std::size_t count) {
  for (std::size_t k = 0; k < count; ++k) classify_chunk(p + k * kChunk, folded + k * kChunk, out[k]);
}

}  // namespace newsalert::match::simd
