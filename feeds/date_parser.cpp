// Hand-written date parsing: feeds are too sloppy for strict parsers and std::get_time depends on locale.
#include "feeds/date_parser.hpp"

#include "common/text.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

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
    // A 12-hour clock is no zone: the loose reading handles it, rather than "8:56 pm" becoming 08:56.
    if (name.size() == 2 && (lower(name[0]) == 'a' || lower(name[0]) == 'p') && lower(name[1]) == 'm')
      return std::nullopt;
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


// ---- Dates as publishers write them -------------------------------------------------------------
// "Wednesday, August 14, 2024 - 2:30 pm BST", "8/14/2024 02:02:33 PM", "2020/1/10": the pieces of a
// date in any order, each recognised by its shape. Whatever is left unexplained (an unknown word, a
// stray number, two months) makes the date unreadable: a null date is better than a wrong one.

struct LooseToken {
  enum Kind { number, word, clock, ymd, offset } kind;
  std::string_view text;
  int value = 0;        // number: its value; clock: hours
  int digits = 0;       // number: how many digits
  int minute = 0, second = 0;
  int parts[3] = {0, 0, 0};  // ymd: the three numbers of "8/14/2024" as written
  int part_digits[3] = {0, 0, 0};
  char separator = 0;   // ymd: '/', '-' or '.'
};

bool read_number(std::string_view s, std::size_t& i, int max_digits, int& value, int& digits) {
  value = 0;
  digits = 0;
  while (i < s.size() && is_digit(s[i]) && digits < max_digits) value = value * 10 + (s[i++] - '0'), ++digits;
  return digits > 0 && !(i < s.size() && is_digit(s[i]));
}

// "8/14/2024", "2020/1/10", "14.08.2024": three numbers with one separator twice.
bool read_ymd(std::string_view s, std::size_t& i, LooseToken& t) {
  std::size_t j = i;
  const char sep = s[j + static_cast<std::size_t>(t.digits)];
  j += static_cast<std::size_t>(t.digits);
  t.parts[0] = t.value;
  t.part_digits[0] = t.digits;
  for (int k = 1; k < 3; ++k) {
    if (j >= s.size() || s[j] != sep) return false;
    ++j;
    if (!read_number(s, j, 4, t.parts[k], t.part_digits[k])) return false;
  }
  t.kind = LooseToken::ymd;
  t.separator = sep;
  i = j;
  return true;
}

// "14:30", "02:02:33", "8:56", with fractional seconds ignored.
bool read_clock(std::string_view s, std::size_t& i, LooseToken& t) {
  std::size_t j = i + static_cast<std::size_t>(t.digits) + 1;
  int digits = 0;
  if (t.digits > 2 || !read_number(s, j, 2, t.minute, digits) || digits != 2) return false;
  if (j + 1 < s.size() && s[j] == ':' && is_digit(s[j + 1])) {
    ++j;
    if (!read_number(s, j, 2, t.second, digits) || digits != 2) return false;
    if (j + 1 < s.size() && (s[j] == '.' || s[j] == ',') && is_digit(s[j + 1]))
      for (++j; j < s.size() && is_digit(s[j]); ++j) {
      }
  }
  t.kind = LooseToken::clock;
  i = j;
  return true;
}

// Splits the text into numbers, words, clock times, numeric dates and numeric offsets; punctuation
// between them only separates. False on a malformed piece.
bool loose_tokens(std::string_view s, std::vector<LooseToken>& out) {
  bool after_clock = false;
  for (std::size_t i = 0; i < s.size();) {
    const char c = s[i];
    const std::size_t start = i;
    if (is_digit(c)) {
      LooseToken t{LooseToken::number, {}};
      std::size_t j = i;
      read_number(s, j, 9, t.value, t.digits);
      if (j + 1 < s.size() && (s[j] == '/' || s[j] == '-' || s[j] == '.') && is_digit(s[j + 1])) {
        if (!read_ymd(s, i, t)) return false;
      } else if (j + 1 < s.size() && s[j] == ':' && is_digit(s[j + 1])) {
        if (!read_clock(s, i, t)) return false;
        after_clock = true;
      } else {
        i = j;
        // An ordinal day: "14th", "1st".
        if (i + 1 < s.size() && is_alpha(s[i]) && is_alpha(s[i + 1])) {
          const std::string suffix{lower(s[i]), lower(s[i + 1])};
          if ((suffix == "st" || suffix == "nd" || suffix == "rd" || suffix == "th") &&
              (i + 2 >= s.size() || !is_alpha(s[i + 2])))
            i += 2;
        }
      }
      t.text = s.substr(start, i - start);
      out.push_back(t);
    } else if ((c == '+' || c == '-') && after_clock && i + 1 < s.size() && is_digit(s[i + 1])) {
      Cursor cursor(s.substr(i));
      int seconds = 0;
      if (!numeric_offset(cursor, seconds)) return false;
      const std::size_t length = s.size() - i - cursor.rest().size();
      LooseToken t{LooseToken::offset, s.substr(i, length)};
      t.value = seconds;
      out.push_back(t);
      i += length;
    } else if (is_alpha(c) || static_cast<unsigned char>(c) >= 0x80) {
      while (i < s.size() && (is_alpha(s[i]) || static_cast<unsigned char>(s[i]) >= 0x80)) ++i;
      // "a.m." and "p.m." are one word.
      if (i - start == 1 && (lower(c) == 'a' || lower(c) == 'p') && s.substr(i).size() >= 2 && s[i] == '.' &&
          lower(s[i + 1]) == 'm') {
        i += 2;
        out.push_back({LooseToken::word, lower(c) == 'a' ? "am" : "pm"});
      } else {
        out.push_back({LooseToken::word, s.substr(start, i - start)});
      }
      if (i < s.size() && s[i] == '.') ++i;
    } else {
      ++i;  // punctuation and spaces separate
    }
  }
  return true;
}

std::string lower_word(std::string_view word) {
  std::string out;
  for (const char ch : word) out.push_back(lower(ch));
  return out;
}

bool is_weekday_or_filler(const std::string& w) {
  static constexpr std::string_view words[] = {
      "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun", "monday", "tuesday", "wednesday",
      "thursday", "friday", "saturday", "sunday", "at", "on", "of", "the"};
  for (const auto word : words)
    if (w == word) return true;
  return false;
}

// English month names and abbreviations, and the short forms month_from_name knows in other languages.
int loose_month(const std::string& w) {
  static constexpr std::string_view names[] = {"january", "february", "march", "april", "may", "june", "july",
                                               "august", "september", "october", "november", "december"};
  for (int m = 0; m < 12; ++m)
    if (w == names[m]) return m + 1;
  if (w == "sept") return 9;
  return w.size() <= 5 ? month_from_name(w) : 0;
}

// Day, month and year from "8/14/2024" (month first: the order of the US locales that print AM/PM;
// day first when the month would be past 12, or with dots), "2020/1/10" (year first). Ambiguous orders
// without a hint are refused.
bool fields_from_ymd(const LooseToken& t, bool twelve_hour, Fields& f) {
  if (t.part_digits[0] == 4 && t.part_digits[1] <= 2 && t.part_digits[2] <= 2) {
    f.year = t.parts[0], f.month = t.parts[1], f.day = t.parts[2];
    return true;
  }
  if (t.part_digits[2] != 4 || t.part_digits[0] > 2 || t.part_digits[1] > 2) return false;
  f.year = t.parts[2];
  const int a = t.parts[0];
  const int b = t.parts[1];
  bool day_first = false;
  if (a > 12 && b <= 12) day_first = true;
  else if (b > 12 && a <= 12) day_first = false;
  else if (a == b || t.separator == '.') day_first = true;
  else if (twelve_hour) day_first = false;
  else return false;
  f.day = day_first ? a : b;
  f.month = day_first ? b : a;
  return true;
}

std::optional<TimePoint> parse_loose(std::string_view text) {
  std::vector<LooseToken> tokens;
  if (!loose_tokens(text, tokens)) return std::nullopt;
  Fields f;
  const LooseToken* clock = nullptr;
  const LooseToken* ymd = nullptr;
  int month = 0, day = 0, year = 0, meridiem = 0;  // meridiem: 1 am, 2 pm
  bool zone = false;
  bool offset = false;
  for (std::size_t k = 0; k < tokens.size(); ++k) {
    const LooseToken& t = tokens[k];
    if (t.kind == LooseToken::clock) {
      if (clock) return std::nullopt;
      clock = &t;
    } else if (t.kind == LooseToken::ymd) {
      if (ymd) return std::nullopt;
      ymd = &t;
    } else if (t.kind == LooseToken::offset) {
      if (offset) return std::nullopt;
      offset = true;
      f.offset_seconds += t.value;
    } else if (t.kind == LooseToken::number) {
      if (t.digits == 4 && year == 0) year = t.value;
      else if (t.digits <= 2 && day == 0 && t.value >= 1 && t.value <= 31) day = t.value;
      else return std::nullopt;
    } else {
      const std::string w = lower_word(t.text);
      const bool after_clock = k > 0 && tokens[k - 1].kind == LooseToken::clock;
      if ((w == "am" || w == "pm") && after_clock && meridiem == 0) {
        meridiem = w == "am" ? 1 : 2;
      } else if (const int m = loose_month(w); m != 0) {
        if (month != 0) return std::nullopt;
        month = m;
      } else if (const auto zone_offset = clock && !zone ? named_zone_offset(w) : std::nullopt) {
        f.offset_seconds += *zone_offset;
        zone = true;
      } else if (!is_weekday_or_filler(w)) {
        return std::nullopt;
      }
    }
  }
  if (ymd) {
    if (month != 0 || day != 0 || year != 0 || !fields_from_ymd(*ymd, meridiem != 0, f)) return std::nullopt;
  } else {
    if (month == 0 || day == 0 || year == 0) return std::nullopt;
    f.year = year, f.month = month, f.day = day;
  }
  if (clock) {
    f.hour = clock->value, f.minute = clock->minute, f.second = clock->second;
    if (meridiem != 0) {
      if (f.hour < 1 || f.hour > 12) return std::nullopt;
      f.hour = f.hour % 12 + (meridiem == 2 ? 12 : 0);
    }
  }
  return to_time_point(f);
}
}  // namespace

std::optional<TimePoint> parse_date(std::string_view text) {
  text = trim(text);
  if (text.empty()) return std::nullopt;
  if (const auto t = parse_unix(text)) return t;
  if (text.size() >= 4 && is_digit(text[0]) && is_digit(text[1]) && is_digit(text[2]) && is_digit(text[3])) {
    if (const auto t = parse_iso8601(text)) return t;
  } else if (const auto t = parse_rfc822(text)) {
    return t;
  }
  return parse_loose(text);
}

}  // namespace newsalert::feeds
