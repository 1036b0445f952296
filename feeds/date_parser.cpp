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

  // A word in any language: ASCII letters and every byte of a multi-byte UTF-8 character ("mär", "Mié").
  std::string_view any_word() {
    const std::size_t start = i_;
    while (!at_end() && (is_alpha(s_[i_]) || static_cast<unsigned char>(s_[i_]) >= 0x80)) ++i_;
    return s_.substr(start, i_ - start);
  }

  std::string_view rest() const { return at_end() ? std::string_view{} : s_.substr(i_); }

 private:
  std::string_view s_;
  std::size_t i_ = 0;
};

// English month names, then the abbreviations feeds in German, French, Spanish, Italian, Portuguese and
// Dutch write (generators that format dates with the server's locale). Longer prefixes come first so
// "juin" and "juil" are told apart before "jui" could match.
int month_from_name(std::string_view name) {
  if (name.size() < 3) return 0;
  std::string key;
  for (const char ch : name.substr(0, 8)) key.push_back(lower(ch));
  struct Month { std::string_view prefix; int month; };
  static constexpr Month months[] = {
      {"juin", 6}, {"juil", 7}, {"janv", 1}, {"f\xC3\xA9" "vr", 2}, {"fevr", 2}, {"ao\xC3\xBBt", 8}, {"aout", 8},
      {"d\xC3\xA9" "c", 12}, {"m\xC3\xA4r", 3}, {"mrz", 3}, {"mrt", 3},
      {"jan", 1}, {"feb", 2}, {"mar", 3}, {"apr", 4}, {"may", 5}, {"jun", 6}, {"jul", 7}, {"aug", 8},
      {"sep", 9}, {"oct", 10}, {"nov", 11}, {"dec", 12},
      {"ene", 1}, {"gen", 1}, {"fev", 2}, {"avr", 4}, {"abr", 4}, {"mai", 5}, {"mag", 5}, {"mei", 5},
      {"giu", 6}, {"lug", 7}, {"ago", 8}, {"set", 9}, {"okt", 10}, {"ott", 10}, {"out", 10},
      {"dic", 12}, {"dez", 12}};
  for (const auto& m : months)
    if (std::string_view(key).starts_with(m.prefix)) return m.month;
  return 0;
}

// "+hhmm", "-hh:mm", "+hh", and the "+h" / "+hmm" of "GMT+3" / "GMT+530". Returns false when there is
// a sign but no valid offset.
bool numeric_offset(Cursor& c, int& offset_seconds) {
  const char sign = c.peek();
  if (sign != '+' && sign != '-') return false;
  c.advance();
  int hours = 0;
  int minutes = 0;
  int digits = 0;
  const int n = c.number(1, 4, digits);
  if (n == 0) return false;
  if (n <= 2) {
    hours = digits;
    if (c.accept(':') && c.number(2, 2, minutes) == 0) return false;
  } else {
    hours = digits / 100;
    minutes = digits % 100;
  }
  if (hours > 23 || minutes > 59) return false;
  offset_seconds = (hours * 3600 + minutes * 60) * (sign == '-' ? -1 : 1);
  return true;
}

std::optional<int> named_zone_offset(std::string_view name) {
  std::string z;
  for (char ch : name) z.push_back(lower(ch));
  struct Zone { std::string_view name; int minutes; };
  // RFC 822's zones, then the abbreviations news sites actually print. Where an abbreviation is
  // ambiguous the reading of the largest news market wins (IST is India, CST is US Central, BST is
  // British Summer Time).
  static constexpr Zone zones[] = {
      {"gmt", 0}, {"ut", 0}, {"utc", 0}, {"z", 0}, {"est", -300}, {"edt", -240}, {"cst", -360}, {"cdt", -300},
      {"mst", -420}, {"mdt", -360}, {"pst", -480}, {"pdt", -420}, {"ast", -240}, {"adt", -180},
      {"akst", -540}, {"akdt", -480}, {"hst", -600}, {"wet", 0}, {"west", 60}, {"bst", 60}, {"cet", 60},
      {"cest", 120}, {"met", 60}, {"mest", 120}, {"eet", 120}, {"eest", 180}, {"msk", 180}, {"ist", 330},
      {"pkt", 300}, {"wib", 420}, {"ict", 420}, {"sgt", 480}, {"hkt", 480}, {"pht", 480}, {"awst", 480},
      {"jst", 540}, {"kst", 540}, {"acst", 570}, {"aest", 600}, {"aedt", 660}, {"nzst", 720}, {"nzdt", 780}};
  for (const auto& zone : zones)
    if (z == zone.name) return zone.minutes * 60;
  // RFC 822 got the signs of the military zones backwards and RFC 1123/2822 say to read them as
  // "no information": UTC is the least wrong reading.
  if (z.size() == 1 && z[0] != 'j') return 0;
  return std::nullopt;
}

// [Day[,]] DD Mon YYYY [HH:MM[:SS]] [zone]
std::optional<TimePoint> parse_rfc822(std::string_view text) {
  Cursor c(text);
  Fields f;
  // The day name, in whatever language ("Wed,", "Mié.,", "Do,", "mer."): it adds nothing, so it is skipped.
  if (is_alpha(c.peek()) || static_cast<unsigned char>(c.peek()) >= 0x80) {
    c.any_word();
    c.accept('.');
    c.accept(',');
    c.skip_spaces();
  }
  if (c.number(1, 2, f.day) == 0) return std::nullopt;
  c.skip_spaces();
  c.accept('-');
  c.skip_spaces();
  f.month = month_from_name(c.any_word());
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

// Seconds (9 to 11 digits) or milliseconds (12 or 13) since 1970, as some JSON and CMS feeds write dates.
std::optional<TimePoint> parse_unix(std::string_view text) {
  const auto dot = text.find('.');
  const auto whole = text.substr(0, dot);
  if (whole.size() < 9 || whole.size() > 13 || whole.size() == 8) return std::nullopt;
  std::int64_t value = 0;
  for (const char ch : whole) {
    if (!is_digit(ch)) return std::nullopt;
    value = value * 10 + (ch - '0');
  }
  if (dot != std::string_view::npos)
    for (const char ch : text.substr(dot + 1))
      if (!is_digit(ch)) return std::nullopt;
  // Eleven digits of seconds reach the year 5138: past the clock's range, so no date (found by fuzzing).
  constexpr std::int64_t kLimit = std::chrono::duration_cast<std::chrono::seconds>(Clock::duration::max()).count() - 1;
  if ((whole.size() >= 12 ? value / 1000 : value) >= kLimit) return std::nullopt;
  const auto since_epoch = whole.size() >= 12 ? std::chrono::milliseconds(value)
                                               : std::chrono::milliseconds(value * 1000);
  return TimePoint(std::chrono::duration_cast<Clock::duration>(since_epoch));
}

}  // namespace

std::optional<TimePoint> parse_date(std::string_view text) {
  text = trim(text);
  if (text.empty()) return std::nullopt;
  if (const auto t = parse_unix(text)) return t;
  if (text.size() >= 4 && is_digit(text[0]) && is_digit(text[1]) && is_digit(text[2]) && is_digit(text[3]))
    return parse_iso8601(text);
  return parse_rfc822(text);
}

}  // namespace newsalert::feeds
