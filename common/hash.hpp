// Fast non-cryptographic hashing with fixed values: story fingerprints and cluster ownership are
// compared across processes and versions, so these functions must never change their results.
#pragma once

#include <cstdint>
#include <string_view>

namespace newsalert {

inline constexpr std::uint64_t kFnvOffsetBasis = 0xcbf29ce484222325ULL;
inline constexpr std::uint64_t kFnvPrime = 0x100000001b3ULL;

// One byte of FNV-1a.
constexpr std::uint64_t fnv1a_byte(std::uint64_t state, unsigned char byte) noexcept {
  return (state ^ byte) * kFnvPrime;
}

constexpr std::uint64_t fnv1a(std::uint64_t state, std::string_view bytes) noexcept {
  for (const char c : bytes) state = fnv1a_byte(state, static_cast<unsigned char>(c));
  return state;
}

// splitmix64's finaliser: FNV-1a's last bytes reach the high bits through one multiplication only,
// which leaves them poorly mixed for short or nearly equal inputs.
constexpr std::uint64_t splitmix64_finish(std::uint64_t x) noexcept {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

}  // namespace newsalert
