// Hand-written date parsing: feeds are too sloppy for strict parsers and std::get_time depends on locale.
#include "feeds/date_parser.hpp"

#include "common/text.hpp"

#include <array>
#include <cstdint>

namespace newsalert::feeds {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// Howard Hinnant's days_from_civil: days since 1970-01-01 in the proleptic Gregorian calendar.
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}
static_assert(days_from_civil(1970, 1, 1) == 0);
static_assert(days_from_civil(2000, 3, 1) == 11017);

bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m) {
  static constexpr std::array<int, 12> days = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : days[static_cast<std::size_t>(m - 1)];
}

struct Fields {
  int year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0;
  std::int64_t nanos = 0;
  int offset_seconds = 0;  // local time minus UTC
};

std::optional<TimePoint> to_time_point(const Fields& f) {
  if (f.year < 1 || f.year > 9999 || f.month < 1 || f.month > 12) return std::nullopt;
  if (f.day < 1 || f.day > days_in_month(f.year, f.month)) return std::nullopt;
  // 60 is a leap second; it lands on the next second rather than being refused.
  if (f.hour > 23 || f.minute > 59 || f.second > 60) return std::nullopt;
  const std::int64_t days = days_from_civil(f.year, static_cast<unsigned>(f.month), static_cast<unsigned>(f.day));
  const std::int64_t secs = days * 86400 + f.hour * 3600 + f.minute * 60 + f.second - f.offset_seconds;
  // The clock counts nanoseconds in 64 bits (1677 to 2262): a date outside that is no date, not
  // an overflow (found by fuzzing: "2302-07-31T14:02:00Z").
  constexpr std::int64_t kLimit = std::chrono::duration_cast<std::chrono::seconds>(Clock::duration::max()).count() - 1;
  if (secs >= kLimit || secs <= -kLimit) return std::nullopt;
  return TimePoint(std::chrono::duration_cast<Clock::duration>(std::chrono::seconds(secs) +
                                                               std::chrono::nanoseconds(f.nanos)));
}

class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}

  bool at_end() const { return i_ >= s_.size(); }
  char peek() const { return at_end() ? '\0' : s_[i_]; }
  void advance() { ++i_; }
  bool accept(char c) {
    if (peek() != c) return false;
    ++i_;
    return true;
  }
  void skip_spaces() {
    while (!at_end() && (s_[i_] == ' ' || s_[i_] == '\t')) ++i_;
  }

  // Reads between min and max digits; returns the count read (0 when fewer than min).
  int number(int min, int max, int& out) {
    int n = 0;
    int value = 0;
    while (n < max && !at_end() && is_digit(s_[i_])) {
      value = value * 10 + (s_[i_] - '0');
      ++i_;
      ++n;
    }
    if (n < min) return 0;
    out = value;
    return n;
  }

  std::string_view word() {
    const std::size_t start = i_;
    while (!at_end() && is_alpha(s_[i_])) ++i_;
    return s_.substr(start, i_ - start);
  }

  std::string_view rest() const { return at_end() ? std::string_view{} : s_.substr(i_); }

 private:
  std::string_view s_;
  std::size_t i_ = 0;
};

int month_from_name(std::string_view name) {
  if (name.size() < 3) return 0;
  static constexpr std::array<std::string_view, 12> months = {"jan", "feb", "mar", "apr", "may", "jun",
                                                              "jul", "aug", "sep", "oct", "nov", "dec"};
  const char key[3] = {lower(name[0]), lower(name[1]), lower(name[2])};
  for (std::size_t i = 0; i < months.size(); ++i)
    if (std::string_view(key, 3) == months[i]) return static_cast<int>(i) + 1;
  return 0;
}

// "+hhmm", "-hh:mm", "+hh". Returns false when there is a sign but no valid offset.
bool numeric_offset(Cursor& c, int& offset_seconds) {
  const char sign = c.peek();
  if (sign != '+' && sign != '-') return false;
  c.advance();
  int hours = 0;
  int minutes = 0;
  if (c.number(2, 2, hours) == 0) return false;
  c.accept(':');
  if (is_digit(c.peek()) && c.number(2, 2, minutes) == 0) return false;
  if (hours > 23 || minutes > 59) return false;
  offset_seconds = (hours * 3600 + minutes * 60) * (sign == '-' ? -1 : 1);
  return true;
}

std::optional<int> named_zone_offset(std::string_view name) {
  std::string z;
  for (char ch : name) z.push_back(lower(ch));
  struct Zone { std::string_view name; int hours; };
  static constexpr std::array<Zone, 12> zones = {{{"gmt", 0}, {"ut", 0}, {"utc", 0}, {"z", 0},
                                                 {"est", -5}, {"edt", -4}, {"cst", -6}, {"cdt", -5},
                                                 {"mst", -7}, {"mdt", -6}, {"pst", -8}, {"pdt", -7}}};
  for (const auto& zone : zones)
    if (z == zone.name) return zone.hours * 3600;
  // RFC 822 got the signs of the military zones backwards and RFC 1123/2822 say to read them as
  // "no information": UTC is the least wrong reading.
  if (z.size() == 1 && z[0] != 'j') return 0;
  return std::nullopt;
}

// [Day[,]] DD Mon YYYY [HH:MM[:SS]] [zone]
std::optional<TimePoint> parse_rfc822(std::string_view text) {
  Cursor c(text);
  Fields f;
  if (is_alpha(c.peek())) {
    c.word();
    c.accept(',');
    c.skip_spaces();
  }
  if (c.number(1, 2, f.day) == 0) return std::nullopt;
  c.skip_spaces();
  c.accept('-');
  c.skip_spaces();
  f.month = month_from_name(c.word());
  if (f.month == 0) return std::nullopt;
  c.accept('.');
  c.skip_spaces();
  c.accept('-');
  c.skip_spaces();
  const int year_digits = c.number(2, 4, f.year);
  if (year_digits == 0) return std::nullopt;
  // Two-digit years pivot at 50 (RFC 2822 section 4.3); three-digit ones count from 1900.
  if (year_digits == 2) f.year += f.year < 50 ? 2000 : 1900;
  else if (year_digits == 3) f.year += 1900;
  c.skip_spaces();
  if (is_digit(c.peek())) {
    if (c.number(1, 2, f.hour) == 0 || !c.accept(':') || c.number(2, 2, f.minute) == 0) return std::nullopt;
    if (c.accept(':') && c.number(2, 2, f.second) == 0) return std::nullopt;
    if (c.accept('.')) {
      int ignored = 0;
      c.number(1, 9, ignored);
    }
    c.skip_spaces();
  }
  if (c.peek() == '+' || c.peek() == '-') {
    if (!numeric_offset(c, f.offset_seconds)) return std::nullopt;
  } else if (is_alpha(c.peek())) {
    const auto name = c.word();
    const auto offset = named_zone_offset(name);
    // Zones outside RFC 822 (CEST, IST, ...) are ambiguous; keeping the date in UTC beats losing it.
    f.offset_seconds = offset.value_or(0);
    if (c.peek() == '+' || c.peek() == '-') {  // "GMT+0200"
      int extra = 0;
      if (!numeric_offset(c, extra)) return std::nullopt;
      f.offset_seconds += extra;
    }
  }
  c.skip_spaces();
  // A trailing comment such as "(PDT)" is allowed by RFC 822; anything else means we misread.
  const auto rest = c.rest();
  if (!rest.empty() && !(rest.front() == '(' && rest.back() == ')')) return std::nullopt;
  return to_time_point(f);
}

// YYYY[-MM[-DD]][(T| )hh:mm[:ss[.fff]]][Z|+hh:mm|+hhmm|+hh], also the basic YYYYMMDD form.
std::optional<TimePoint> parse_iso8601(std::string_view text) {
  Cursor c(text);
  Fields f;
  if (c.number(4, 4, f.year) == 0) return std::nullopt;
  if (c.accept('-')) {
    if (c.number(2, 2, f.month) == 0) return std::nullopt;
    if (c.accept('-') && c.number(2, 2, f.day) == 0) return std::nullopt;
  } else if (is_digit(c.peek())) {
    if (c.number(2, 2, f.month) == 0 || c.number(2, 2, f.day) == 0) return std::nullopt;
  }
  if (c.peek() == 'T' || c.peek() == 't' || c.peek() == ' ') {
    c.advance();
    c.skip_spaces();
    if (c.number(2, 2, f.hour) == 0 || !c.accept(':') || c.number(2, 2, f.minute) == 0) return std::nullopt;
    if (c.accept(':')) {
      if (c.number(2, 2, f.second) == 0) return std::nullopt;
      if (c.accept('.') || c.accept(',')) {
        int digits = 0;
        std::int64_t scale = 100'000'000;
        while (is_digit(c.peek())) {
          if (digits < 9) f.nanos += (c.peek() - '0') * scale;
          scale /= 10;
          ++digits;
          c.advance();
        }
        if (digits == 0) return std::nullopt;
      }
    }
    c.skip_spaces();
    if (c.accept('Z') || c.accept('z')) {
      f.offset_seconds = 0;
    } else if (c.peek() == '+' || c.peek() == '-') {
      if (!numeric_offset(c, f.offset_seconds)) return std::nullopt;
    } else if (is_alpha(c.peek())) {
      const auto offset = named_zone_offset(c.word());
      if (!offset) return std::nullopt;
      f.offset_seconds = *offset;
    }
  }
  c.skip_spaces();
  if (!c.at_end()) return std::nullopt;
  return to_time_point(f);
}

}  // namespace

std::optional<TimePoint> parse_date(std::string_view text) {
  text = trim(text);
  if (text.empty()) return std::nullopt;
  if (text.size() >= 4 && is_digit(text[0]) && is_digit(text[1]) && is_digit(text[2]) && is_digit(text[3]))
    return parse_iso8601(text);
  return parse_rfc822(text);
}

}  // namespace newsalert::feeds
