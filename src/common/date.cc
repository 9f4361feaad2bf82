#include "common/date.h"

#include <array>
#include <cctype>
#include <cstdio>

namespace faultline {
namespace {

// Howard Hinnant, "chrono-Compatible Low-Level Date Algorithms".
int32_t DaysFromCivil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int>(doe) - 719468;
}

}  // namespace

bool IsLeapYear(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int year, int month) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && IsLeapYear(year)) return 29;
  return kDays[static_cast<size_t>(month - 1)];
}

Result<CivilDate> CivilDate::FromYmd(int year, int month, int day) {
  char buf[64];
  if (year < 1 || year > 9999) {
    std::snprintf(buf, sizeof buf, "year %d is out of range 1..9999", year);
    return InvalidArgument(buf);
  }
  if (month < 1 || month > 12) {
    std::snprintf(buf, sizeof buf, "month %d is not 1..12", month);
    return InvalidArgument(buf);
  }
  if (day < 1 || day > DaysInMonth(year, month)) {
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d does not exist (day %d of %d)", year, month, day, day,
                  DaysInMonth(year, month));
    return InvalidArgument(buf);
  }
  return CivilDate(DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)));
}

Result<CivilDate> CivilDate::Parse(std::string_view s) {
  auto digits = [&](size_t from, size_t n, int* out) {
    int v = 0;
    for (size_t i = from; i < from + n; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
      v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
  };
  int y = 0, m = 0, d = 0;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-' || !digits(0, 4, &y) || !digits(5, 2, &m) ||
      !digits(8, 2, &d)) {
    return InvalidArgument("\"" + std::string(s.substr(0, 40)) + "\" is not a date in YYYY-MM-DD form");
  }
  return FromYmd(y, m, d);
}

YearMonthDay CivilDate::ToYmd() const {
  int32_t z = days_ + 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int y = static_cast<int>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), static_cast<int>(m), static_cast<int>(d)};
}

std::string CivilDate::ToString() const {
  YearMonthDay ymd = ToYmd();
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", ymd.year, ymd.month, ymd.day);
  return buf;
}

int CivilDate::Weekday() const {
  // 1970-01-01 was a Thursday (3 when Monday = 0).
  int w = (days_ + 3) % 7;
  return w < 0 ? w + 7 : w;
}

std::optional<int> MonthFromName(std::string_view name) {
  static constexpr std::array<std::string_view, 12> kNames = {
      "january", "february", "march",     "april",   "may",      "june",
      "july",    "august",   "september", "october", "november", "december"};
  std::string lower;
  for (char c : name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower.size() < 3) return std::nullopt;
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (lower == kNames[i] || lower == kNames[i].substr(0, 3) || (lower == "sept" && i == 8)) {
      return static_cast<int>(i + 1);
    }
  }
  return std::nullopt;
}

std::string_view DatePrecisionName(DatePrecision p) {
  switch (p) {
    case DatePrecision::kDay: return "day";
    case DatePrecision::kWeek: return "week";
    case DatePrecision::kMonth: return "month";
    case DatePrecision::kYear: return "year";
  }
  return "day";
}

Result<DatePrecision> ParseDatePrecision(std::string_view s) {
  if (s == "day") return DatePrecision::kDay;
  if (s == "week") return DatePrecision::kWeek;
  if (s == "month") return DatePrecision::kMonth;
  if (s == "year") return DatePrecision::kYear;
  return InvalidArgument("\"" + std::string(s) + "\" is not a date precision (day, week, month, year)");
}

}  // namespace faultline
