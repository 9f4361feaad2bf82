#include "common/date.h"

#include <gtest/gtest.h>

#include <random>

namespace faultline {
namespace {

TEST(CivilDate, EpochAndKnownDays) {
  EXPECT_EQ(CivilDate::FromYmd(1970, 1, 1)->days(), 0);
  EXPECT_EQ(CivilDate::FromYmd(2000, 3, 1)->days(), 11017);
  EXPECT_EQ(CivilDate::FromYmd(2022, 11, 28)->ToString(), "2022-11-28");
  EXPECT_EQ(CivilDate::FromYmd(2022, 11, 28)->Weekday(), 0);  // a Monday
}

TEST(CivilDate, RejectsImpossibleDates) {
  auto r = CivilDate::Parse("2021-02-30");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("does not exist"), std::string::npos);
  EXPECT_TRUE(CivilDate::Parse("2020-02-29").ok());
  EXPECT_FALSE(CivilDate::Parse("2019-02-29").ok());
  EXPECT_FALSE(CivilDate::Parse("2021-13-01").ok());
  EXPECT_FALSE(CivilDate::Parse("2021-1-01").ok());
  EXPECT_FALSE(CivilDate::Parse("").ok());
  EXPECT_FALSE(CivilDate::Parse("2021/01/01").ok());
}

TEST(CivilDate, RoundTripsAgainstDayByDayWalk) {
  // Slow reference: walk day by day from 1900-01-01 using DaysInMonth.
  int y = 1900, m = 1, d = 1;
  int32_t days = CivilDate::FromYmd(1900, 1, 1)->days();
  for (int i = 0; i < 200 * 366; ++i) {
    YearMonthDay ymd = CivilDate(days).ToYmd();
    ASSERT_EQ(ymd.year, y);
    ASSERT_EQ(ymd.month, m);
    ASSERT_EQ(ymd.day, d);
    ++days;
    if (++d > DaysInMonth(y, m)) {
      d = 1;
      if (++m > 12) {
        m = 1;
        ++y;
      }
    }
  }
}

TEST(MonthFromName, FullShortAndCase) {
  EXPECT_EQ(MonthFromName("November"), 11);
  EXPECT_EQ(MonthFromName("nov"), 11);
  EXPECT_EQ(MonthFromName("Sept"), 9);
  EXPECT_FALSE(MonthFromName("Novem").has_value());
  EXPECT_FALSE(MonthFromName("").has_value());
}

}  // namespace
}  // namespace faultline
