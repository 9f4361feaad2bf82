#include "forecast/run.h"

#include <gtest/gtest.h>

#include <chrono>
#include <set>

#include "common/date.h"
#include "test/support/test_paths.h"

namespace faultline {
namespace {

// Two provinces, 30 months of counts: enough for every baseline.
Panel SmallPanel() {
  Panel panel;
  panel.period = Period::kMonth;
  panel.first = PeriodOf(Period::kMonth, CivilDate::FromYmd(2020, 1, 1)->days());
  panel.units = {"Sindh", "Punjab"};
  panel.unit_country = {"PK", "PK"};
  panel.counts = {std::vector<int64_t>(30, 0), std::vector<int64_t>(30, 0)};
  for (size_t t = 0; t < 30; ++t) {
    panel.counts[0][t] = static_cast<int64_t>(2 + t % 3);
    panel.counts[1][t] = static_cast<int64_t>(t % 2);
  }
  panel.phase.assign(2, std::vector<int8_t>(30, -1));
  return panel;
}

std::chrono::system_clock::time_point At(int y, int m, int d, int hh, int mm, int ss, int us) {
  using namespace std::chrono;
  return system_clock::time_point(sys_days(year(y) / month(static_cast<unsigned>(m)) / day(static_cast<unsigned>(d)))) +
         hours(hh) + minutes(mm) + seconds(ss) + microseconds(us);
}

TEST(StampAt, IsUtcToTheMicrosecond) {
  ForecastRunOptions o;
  StampAt(&o, At(2024, 2, 29, 23, 59, 7, 42));
  EXPECT_EQ(o.stamp, "20240229T235907.000042Z");
  EXPECT_EQ(o.issued, CivilDate::FromYmd(2024, 2, 29)->days());
  StampAt(&o, At(2024, 3, 1, 0, 0, 0, 999999));
  EXPECT_EQ(o.stamp, "20240301T000000.999999Z");
  EXPECT_EQ(o.issued, CivilDate::FromYmd(2024, 3, 1)->days());
}

TEST(StampNow, TwoStampsInARowDiffer) {
  // The old stamp (to the second) made these equal nearly always.
  ForecastRunOptions a, b;
  StampNow(&a);
  do StampNow(&b);
  while (b.stamp == a.stamp);
  EXPECT_EQ(a.stamp.substr(0, 15), b.stamp.substr(0, 15)) << "stamps a second apart; the clock is very slow";
  EXPECT_NE(a.stamp, b.stamp);
}

// Two runs of one model and seed stamped at the very same instant (the
// same second and microsecond: two servers, or a coarse clock) are stored
// as two runs, each with only its own records.
TEST(SaveForecastRun, SameStampGetsDistinctRunsAndRecords) {
  testing::TempDir tmp;
  auto store = Store::Open(tmp.file("f.db"));
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  const Panel panel = SmallPanel();
  ForecastRunOptions o;
  o.model = "rolling-nb";
  o.backtest.horizon = 2;
  o.backtest.seed = 7;
  StampAt(&o, At(2024, 5, 6, 7, 8, 9, 10));
  std::vector<ForecastRun> runs;
  for (int i = 0; i < 3; ++i) {
    auto run = RunForecasts(panel, o);
    ASSERT_TRUE(run.ok()) << run.status().ToString();
    ASSERT_EQ(run->run, "20240506T070809.000010Z-rolling-nb-seed7");
    ASSERT_TRUE(SaveForecastRun(store->get(), &*run).ok());
    runs.push_back(std::move(*run));
  }
  EXPECT_EQ(runs[0].run, "20240506T070809.000010Z-rolling-nb-seed7");
  EXPECT_EQ(runs[1].run, "20240506T070809.000010Z-rolling-nb-seed7-2");
  EXPECT_EQ(runs[2].run, "20240506T070809.000010Z-rolling-nb-seed7-3");
  std::set<int64_t> ids;
  for (const ForecastRun& run : runs) {
    auto stored = (*store)->Forecasts(run.run);
    ASSERT_TRUE(stored.ok()) << stored.status().ToString();
    ASSERT_EQ(stored->size(), 4u);  // 2 units x 2 horizons: none of another run's
    for (size_t i = 0; i < stored->size(); ++i) {
      EXPECT_EQ((*stored)[i].run, run.run);
      EXPECT_EQ((*stored)[i].id, run.records[i].id);
      EXPECT_EQ((*stored)[i].run, run.records[i].run);
      ids.insert((*stored)[i].id);
    }
  }
  EXPECT_EQ(ids.size(), 12u);
  // The latest run is the last one saved.
  auto latest = (*store)->Forecasts("");
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(latest->front().run, runs[2].run);
}

TEST(SaveForecastRun, OtherErrorsAreNotRetried) {
  testing::TempDir tmp;
  auto store = Store::Open(tmp.file("f.db"));
  ASSERT_TRUE(store.ok());
  ForecastRun run;
  run.run = "r";
  run.records.resize(1);
  run.records[0].model = "m";  // no unit: InvalidArgument
  Status s = SaveForecastRun(store->get(), &run);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
  EXPECT_EQ(run.run, "r");
}

}  // namespace
}  // namespace faultline
