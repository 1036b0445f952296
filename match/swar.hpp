// Byte-parallel tests on eight bytes held in one 64-bit word ("SIMD within a register").
#pragma once

#include <cstdint>
#include <cstring>

namespace newsalert::match::swar {

inline constexpr std::uint64_t kOnes = 0x0101010101010101ull;
inline constexpr std::uint64_t kHighBits = 0x8080808080808080ull;

inline std::uint64_t load8(const char* p) {
  std::uint64_t x = 0;
  std::memcpy(&x, p, 8);
  return x;
}

// The high bit of every byte of x (whose high bits are clear) that lies in [lo, hi]. Exact per byte:
// nothing carries from one byte into the next.
constexpr std::uint64_t bytes_between(std::uint64_t x, unsigned lo, unsigned hi) {
  return (kOnes * (127 + hi + 1) - x) & (x + kOnes * (127 - (lo - 1))) & kHighBits;
}

// The high bit of every ASCII byte of x that lies in [lo, hi] (lo, hi < 128).
constexpr std::uint64_t ascii_between(std::uint64_t x, unsigned lo, unsigned hi) {
  return bytes_between(x & ~kHighBits, lo, hi) & ~x & kHighBits;
}

}  // namespace newsalert::match::swar
