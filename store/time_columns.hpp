// Optional time points as the nullable millisecond columns the state tables keep them in.
#pragma once

#include "common/time.hpp"

#include <cstdint>
#include <optional>

namespace newsalert::store {

inline std::optional<std::int64_t> to_millis(const std::optional<TimePoint>& t) {
  if (!t) return std::nullopt;
  return to_unix_millis(*t);
}

inline std::optional<TimePoint> from_millis(const std::optional<std::int64_t>& ms) {
  if (!ms) return std::nullopt;
  return from_unix_millis(*ms);
}

inline std::optional<std::int64_t> to_millis(const std::optional<Millis>& d) {
  if (!d) return std::nullopt;
  return d->count();
}

}  // namespace newsalert::store
