// Time formatting and duration parsing.
#include "common/time.hpp"

#include <cctype>
#include <charconv>
#include <cstdint>
#include <ctime>

namespace newsalert {

std::string format_rfc3339(TimePoint t) {
  const std::time_t secs = Clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::optional<Millis> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  Millis total{0};
  std::size_t i = 0;
  while (i < text.size()) {
    std::uint64_t value = 0;
    const auto* begin = text.data() + i;
    const auto [ptr, ec] = std::from_chars(begin, text.data() + text.size(), value);
    if (ec != std::errc{} || ptr == begin) return std::nullopt;
    i = static_cast<std::size_t>(ptr - text.data());
    std::size_t unit_end = i;
    while (unit_end < text.size() && std::isalpha(static_cast<unsigned char>(text[unit_end]))) ++unit_end;
    const std::string_view unit = text.substr(i, unit_end - i);
    i = unit_end;
    std::uint64_t factor = 0;
    if (unit == "ms") factor = 1;
    else if (unit == "s") factor = 1000;
    else if (unit == "m") factor = 60'000;
    else if (unit == "h") factor = 3'600'000;
    else if (unit == "d") factor = 86'400'000;
    else return std::nullopt;
    total += Millis(static_cast<std::int64_t>(value * factor));
  }
  return total;
}

std::string format_duration(Millis d) {
  auto ms = d.count();
  if (ms == 0) return "0s";
  std::string out;
  if (ms < 0) { out = "-"; ms = -ms; }
  if (ms % 1000 != 0 && ms < 60'000) return out + std::to_string(ms) + "ms";
  auto secs = ms / 1000;
  const struct { std::int64_t size; const char* unit; } units[] = {{86400, "d"}, {3600, "h"}, {60, "m"}, {1, "s"}};
  for (const auto& u : units) {
    if (secs >= u.size) {
      out += std::to_string(secs / u.size) + u.unit;
      secs %= u.size;
    }
  }
  return out;
}

std::optional<std::uint64_t> parse_byte_size(std::string_view text) {
  std::uint64_t value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || ptr == text.data()) return std::nullopt;
  const std::string_view unit = text.substr(static_cast<std::size_t>(ptr - text.data()));
  std::uint64_t factor = 0;
  if (unit.empty() || unit == "B") factor = 1;
  else if (unit == "KiB") factor = 1ull << 10;
  else if (unit == "MiB") factor = 1ull << 20;
  else if (unit == "GiB") factor = 1ull << 30;
  else if (unit == "KB" || unit == "kB") factor = 1000;
  else if (unit == "MB") factor = 1000'000;
  else if (unit == "GB") factor = 1000'000'000;
  else return std::nullopt;
  return value * factor;
}

std::int64_t to_unix_millis(TimePoint t) {
  return std::chrono::duration_cast<Millis>(t.time_since_epoch()).count();
}

TimePoint from_unix_millis(std::int64_t ms) {
  return TimePoint(std::chrono::duration_cast<Clock::duration>(Millis(ms)));
}

}  // namespace newsalert
