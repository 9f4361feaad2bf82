// Civil dates as day numbers (days since 1970-01-01, proleptic Gregorian),
// with the precision a source gives them (day / week / month / year).
// Day numbers make ranges, grouping and storage integer arithmetic; the
// conversions are Howard Hinnant's days_from_civil / civil_from_days.
// Plain values; thread-safe.
#ifndef FAULTLINE_COMMON_DATE_H_
#define FAULTLINE_COMMON_DATE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "faultline/status.h"

namespace faultline {

struct YearMonthDay {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
};

class CivilDate {
 public:
  constexpr CivilDate() = default;
  constexpr explicit CivilDate(int32_t days) : days_(days) {}

  // Returns InvalidArgument for an impossible date such as 2021-02-30.
  static Result<CivilDate> FromYmd(int year, int month, int day);
  // Parses "YYYY-MM-DD" strictly; InvalidArgument with the reason otherwise.
  static Result<CivilDate> Parse(std::string_view iso);

  int32_t days() const { return days_; }
  YearMonthDay ToYmd() const;
  std::string ToString() const;  // YYYY-MM-DD
  int year() const { return ToYmd().year; }
  // Monday = 0 .. Sunday = 6.
  int Weekday() const;
  CivilDate AddDays(int n) const { return CivilDate(days_ + n); }

  friend constexpr auto operator<=>(CivilDate a, CivilDate b) = default;

 private:
  int32_t days_ = 0;
};

bool IsLeapYear(int year);
int DaysInMonth(int year, int month);
// "january".."december" and three-letter forms, any case; nullopt otherwise.
std::optional<int> MonthFromName(std::string_view name);

enum class DatePrecision : uint8_t { kDay, kWeek, kMonth, kYear };
std::string_view DatePrecisionName(DatePrecision p);
Result<DatePrecision> ParseDatePrecision(std::string_view s);

}  // namespace faultline

#endif  // FAULTLINE_COMMON_DATE_H_
