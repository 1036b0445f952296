// Time points, durations and their text forms, shared by config, feeds and alerts.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace newsalert {

using Clock = std::chrono::system_clock;
using TimePoint = Clock::time_point;
using Millis = std::chrono::milliseconds;

// "2024-08-01T12:00:00Z" (seconds precision, always UTC).
std::string format_rfc3339(TimePoint t);

// "500ms", "2s", "5m", "2h", "1d", combined forms such as "1h30m"; nullopt when malformed.
std::optional<Millis> parse_duration(std::string_view text);

// "2s", "5m", "1h30m": the inverse of parse_duration, for logs and status.
std::string format_duration(Millis d);

// "16MiB", "512KiB", "1GB", "4096"; nullopt when malformed.
std::optional<std::uint64_t> parse_byte_size(std::string_view text);

std::int64_t to_unix_millis(TimePoint t);
TimePoint from_unix_millis(std::int64_t ms);

}  // namespace newsalert
