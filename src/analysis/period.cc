#include "analysis/period.h"

#include <array>
#include <cstdio>

#include "common/date.h"

namespace faultline {
namespace {

constexpr std::array<std::string_view, 5> kPeriodNames = {"day", "week", "month", "quarter", "year"};

int32_t FloorDiv(int32_t a, int32_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// 1970-01-01 was a Thursday: the Monday of its ISO week is day -3.
constexpr int32_t kFirstMonday = -3;

}  // namespace

std::string_view Name(Period p) { return kPeriodNames[static_cast<size_t>(p)]; }

Result<Period> ParsePeriod(std::string_view s) {
  for (size_t i = 0; i < kPeriodNames.size(); ++i) {
    if (kPeriodNames[i] == s) return static_cast<Period>(i);
  }
  return InvalidArgument("\"" + std::string(s) + "\" is not a period (day, week, month, quarter, year)");
}

int32_t PeriodOf(Period p, int32_t day) {
  switch (p) {
    case Period::kDay: return day;
    case Period::kWeek: return FloorDiv(day - kFirstMonday, 7);
    case Period::kMonth: {
      YearMonthDay ymd = CivilDate(day).ToYmd();
      return ymd.year * 12 + ymd.month - 1;
    }
    case Period::kQuarter: {
      YearMonthDay ymd = CivilDate(day).ToYmd();
      return ymd.year * 4 + (ymd.month - 1) / 3;
    }
    case Period::kYear: return CivilDate(day).year();
  }
  return 0;
}

int32_t PeriodFirstDay(Period p, int32_t index) {
  switch (p) {
    case Period::kDay: return index;
    case Period::kWeek: return kFirstMonday + 7 * index;
    case Period::kMonth: return CivilDate::FromYmd(FloorDiv(index, 12), index - 12 * FloorDiv(index, 12) + 1, 1)->days();
    case Period::kQuarter:
      return CivilDate::FromYmd(FloorDiv(index, 4), 3 * (index - 4 * FloorDiv(index, 4)) + 1, 1)->days();
    case Period::kYear: return CivilDate::FromYmd(index, 1, 1)->days();
  }
  return 0;
}

int32_t PeriodLastDay(Period p, int32_t index) { return PeriodFirstDay(p, index + 1) - 1; }

std::string PeriodLabel(Period p, int32_t index) {
  char buf[48];
  switch (p) {
    case Period::kDay: return CivilDate(index).ToString();
    case Period::kWeek: {
      // The ISO week belongs to the year of its Thursday.
      CivilDate thursday(PeriodFirstDay(p, index) + 3);
      int year = thursday.year();
      int32_t jan1 = CivilDate::FromYmd(year, 1, 1)->days();
      std::snprintf(buf, sizeof buf, "%04d-W%02d", year, (thursday.days() - jan1) / 7 + 1);
      return buf;
    }
    case Period::kMonth:
      std::snprintf(buf, sizeof buf, "%04d-%02d", FloorDiv(index, 12), index - 12 * FloorDiv(index, 12) + 1);
      return buf;
    case Period::kQuarter:
      std::snprintf(buf, sizeof buf, "%04d-Q%d", FloorDiv(index, 4), index - 4 * FloorDiv(index, 4) + 1);
      return buf;
    case Period::kYear: return std::to_string(index);
  }
  return {};
}

}  // namespace faultline
