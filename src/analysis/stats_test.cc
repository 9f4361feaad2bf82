#include "analysis/stats.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

#include "common/date.h"
#include "test/support/test_paths.h"

namespace faultline {
namespace {

TEST(DimensionKey, PeriodsIncludingIsoWeeks) {
  IncidentFacts f;
  f.date = CivilDate::FromYmd(2022, 11, 28)->days();
  EXPECT_EQ(DimensionKey(Dimension::kMonth, f), "2022-11");
  EXPECT_EQ(DimensionKey(Dimension::kQuarter, f), "2022-Q4");
  EXPECT_EQ(DimensionKey(Dimension::kWeek, f), "2022-W48");
  EXPECT_EQ(DimensionKey(Dimension::kYear, f), "2022");
  f.date = CivilDate::FromYmd(2021, 1, 3)->days();  // a Sunday in ISO week 53 of 2020
  EXPECT_EQ(DimensionKey(Dimension::kWeek, f), "2020-W53");
  f.date = CivilDate::FromYmd(2024, 12, 30)->days();  // Monday of ISO week 1 of 2025
  EXPECT_EQ(DimensionKey(Dimension::kWeek, f), "2025-W01");
}

TEST(ComputeStats, MatchesABruteForceCountOnRandomData) {
  testing::TempDir tmp;
  auto store = Store::Open(tmp.file("s.db"));
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  std::mt19937 rng(7);
  std::map<std::pair<std::string, std::string>, std::array<int64_t, 3>> want;
  const char* provinces[] = {"Balochistan", "Khyber Pakhtunkhwa", "Sindh"};
  ASSERT_TRUE((*store)->Begin().ok());
  for (int i = 0; i < 500; ++i) {
    Incident inc;
    inc.source_key = "r:" + std::to_string(i);
    inc.date = inc.date_end = CivilDate::FromYmd(2021 + static_cast<int>(rng() % 2), 1 + static_cast<int>(rng() % 12), 1)->days();
    inc.country = "PK";
    inc.admin1 = provinces[rng() % 3];
    inc.license = "project";
    int k = static_cast<int>(rng() % 10), j = static_cast<int>(rng() % 5);
    inc.casualties.Killed(static_cast<CasualtyCategory>(rng() % 4)).best = k;
    inc.casualties.Injured(CasualtyCategory::kCivilians).best = j;
    ASSERT_TRUE((*store)->Upsert(&inc, {}).ok());
    auto& w = want[{std::to_string(CivilDate(inc.date).year()), inc.admin1}];
    w[0] += 1;
    w[1] += k;
    w[2] += j;
  }
  ASSERT_TRUE((*store)->Commit().ok());
  auto t = ComputeStats(store->get(), {}, {Dimension::kYear, Dimension::kAdmin1},
                        {Measure::Incidents(), Measure::Killed(), Measure::Injured()});
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_EQ(t->keys.size(), want.size());
  size_t i = 0;
  for (const auto& [k, v] : want) {
    EXPECT_EQ(t->keys[i], (std::vector<std::string>{k.first, k.second}));
    EXPECT_EQ(t->values[i], (std::vector<int64_t>{v[0], v[1], v[2]}));
    ++i;
  }
  EXPECT_EQ(t->totals[0], 500);
  EXPECT_FALSE(ComputeStats(store->get(), {}, {}, {}).ok());
  EXPECT_EQ(ParseDimension("province").status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace faultline
