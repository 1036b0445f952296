// The libFuzzer entry point of one target; NEWSALERT_FUZZ_TARGET names the function (CMake sets it).
#include "fuzz/fuzz_entries.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return newsalert::fuzz::NEWSALERT_FUZZ_TARGET(data, size);
}
