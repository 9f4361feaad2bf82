// Calendar periods as dense integers: every day belongs to one day, ISO week,
// month, quarter and year, numbered so that consecutive periods differ by
// one. A series over periods is then a plain vector. Stateless; thread-safe.
#ifndef FAULTLINE_ANALYSIS_PERIOD_H_
#define FAULTLINE_ANALYSIS_PERIOD_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "faultline/status.h"

namespace faultline {

enum class Period : uint8_t { kDay, kWeek, kMonth, kQuarter, kYear };

std::string_view Name(Period p);
// InvalidArgument listing day, week, month, quarter, year.
Result<Period> ParsePeriod(std::string_view s);

// The period holding `day` (a day number). Weeks are ISO weeks (Monday to
// Sunday), numbered from the week of 1970-01-01; months are year*12+month-1;
// quarters year*4+quarter-1; years the year.
int32_t PeriodOf(Period p, int32_t day);
// The first and last day of period `index`.
int32_t PeriodFirstDay(Period p, int32_t index);
int32_t PeriodLastDay(Period p, int32_t index);
// "2022-11-28", "2022-W48" (ISO week-year), "2022-11", "2022-Q4", "2022".
std::string PeriodLabel(Period p, int32_t index);

}  // namespace faultline

#endif  // FAULTLINE_ANALYSIS_PERIOD_H_
