#include "forecast/backtest.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <random>
#include <tuple>

#include "common/date.h"
#include "forecast/charts.h"
#include <cstdio>
#include <fstream>

namespace faultline {
namespace {

// A panel of `units` provinces over `months` months from a Hawkes process
// with real days, so every model (the point process included) can run.
Panel SyntheticPanel(size_t units, int months, uint64_t seed) {
  HawkesParams p;
  for (size_t d = 0; d < units; ++d) p.mu.push_back(0.05 + 0.05 * static_cast<double>(d));
  p.alpha.assign(units * units, 0.05);
  for (size_t d = 0; d < units; ++d) p.alpha[d * units + d] = 0.5;
  p.beta = 1.0 / 10;
  p.step = {1};
  Panel panel;
  panel.period = Period::kMonth;
  panel.first = PeriodOf(Period::kMonth, CivilDate::FromYmd(2015, 1, 1)->days());
  const int32_t day0 = panel.PeriodFirstDayAt(0);
  const int32_t day1 = PeriodFirstDay(Period::kMonth, panel.first + months);
  auto sim = SimulateHawkes(p, 0, day1 - day0, {}, seed);
  EXPECT_TRUE(sim.ok());
  for (size_t u = 0; u < units; ++u) {
    panel.units.push_back("unit " + std::to_string(u));
    panel.unit_country.push_back("PK");
  }
  panel.counts.assign(units, std::vector<int64_t>(static_cast<size_t>(months), 0));
  panel.phase.assign(units, std::vector<int8_t>(static_cast<size_t>(months), -1));
  for (size_t i = 0; i < sim->times.size(); ++i) {
    const int32_t day = day0 + static_cast<int32_t>(sim->times[i]);
    panel.event_days.push_back(day);
    panel.event_units.push_back(sim->dims[i]);
    panel.counts[sim->dims[i]][static_cast<size_t>(PeriodOf(Period::kMonth, day) - panel.first)] += 1;
  }
  return panel;
}

TEST(Panel, TruncateHidesEverythingFromTheOrigin) {
  Panel p = SyntheticPanel(3, 40, 5);
  p.phase_boundaries = {p.PeriodFirstDayAt(10), p.PeriodFirstDayAt(30)};
  Panel t = p.Truncate(20);
  EXPECT_EQ(t.periods(), 20u);
  const int32_t origin_day = p.PeriodFirstDayAt(20);
  ASSERT_FALSE(t.event_days.empty());
  EXPECT_LT(t.event_days.back(), origin_day);
  EXPECT_EQ(t.phase_boundaries, std::vector<int32_t>{p.PeriodFirstDayAt(10)});
  size_t before = 0;
  for (int32_t d : p.event_days) before += d < origin_day ? 1 : 0;
  EXPECT_EQ(t.event_days.size(), before);
}

TEST(Models, ForecastsDoNotDependOnTheFuture) {
  Panel a = SyntheticPanel(3, 60, 7);
  // b: the same past, a different future (counts and events after period 40).
  Panel b = a;
  const int32_t cut = a.PeriodFirstDayAt(40);
  for (auto& row : b.counts) {
    for (size_t t = 40; t < row.size(); ++t) row[t] = row[t] * 3 + 7;
  }
  for (size_t i = 0; i < b.event_days.size(); ++i) {
    if (b.event_days[i] >= cut) b.event_units[i] = (b.event_units[i] + 1) % 3;
  }
  for (const auto& name : ModelNames()) {
    auto ma = MakeModel(name, {});
    auto mb = MakeModel(name, {});
    ASSERT_TRUE(ma.ok() && mb.ok());
    auto fa = (*ma)->Forecast(a.Truncate(40), 3, 11);
    auto fb = (*mb)->Forecast(b.Truncate(40), 3, 11);
    ASSERT_TRUE(fa.ok()) << name << ": " << fa.status().ToString();
    ASSERT_TRUE(fb.ok()) << name;
    for (size_t u = 0; u < 3; ++u) {
      for (size_t h = 0; h < 3; ++h) EXPECT_EQ((*fa)[u][h].pmf(), (*fb)[u][h].pmf()) << name;
    }
  }
}

TEST(Backtest, NeverScoresOnDataTheModelWasFittedOn) {
  // Two panels that agree up to period 49 and differ afterwards: every
  // forecast made from an origin whose targets end before 50 must be the same.
  Panel a = SyntheticPanel(2, 60, 21);
  Panel b = a;
  for (auto& row : b.counts) row[59] += 40;
  const int32_t cut = a.PeriodFirstDayAt(59);
  for (size_t i = 0; i < b.event_days.size(); ++i) {
    if (b.event_days[i] >= cut) b.event_units[i] = 1 - b.event_units[i];
  }
  std::map<std::tuple<std::string, int, size_t, int>, double> ma, mb;
  BacktestOptions o;
  o.origins = 12;
  o.horizon = 3;
  o.model.samples = 200;
  o.on_forecast = [&](const std::string& m, int origin, size_t u, int h, const Predictive& f) {
    ma[{m, origin, u, h}] = f.Mean();
  };
  auto ra = RollingOriginBacktest(a, o);
  o.on_forecast = [&](const std::string& m, int origin, size_t u, int h, const Predictive& f) {
    mb[{m, origin, u, h}] = f.Mean();
  };
  auto rb = RollingOriginBacktest(b, o);
  ASSERT_TRUE(ra.ok() && rb.ok());
  size_t compared = 0;
  for (const auto& [key, mean] : ma) {
    const int origin = std::get<1>(key);
    if (origin + o.horizon - 1 >= 59) {
      continue;  // its targets include period 59
    }
    // The forecast made at this origin must not know period 59.
    if (origin <= 59) {
      EXPECT_EQ(mean, mb.at(key)) << std::get<0>(key) << " origin " << origin;
      ++compared;
    }
  }
  EXPECT_GT(compared, 100u);
  // The origins that could see period 59 as a target differ in score only.
  EXPECT_EQ(ra->origins.back(), 57);
}

TEST(Backtest, ScoresEveryModelAndIsReproducible) {
  Panel p = SyntheticPanel(3, 72, 3);
  BacktestOptions o;
  o.origins = 12;
  o.model.samples = 300;
  auto r1 = RollingOriginBacktest(p, o);
  auto r2 = RollingOriginBacktest(p, o);
  ASSERT_TRUE(r1.ok()) << r1.status().ToString();
  ASSERT_EQ(r1->models.size(), ModelNames().size());
  for (size_t m = 0; m < r1->models.size(); ++m) {
    const auto& s = r1->models[m];
    EXPECT_EQ(s.all.n, 12 * 3 * 3) << s.model;
    EXPECT_EQ(s.all.crps, r2->models[m].all.crps) << s.model;
    EXPECT_GT(s.all.crps, 0);
    EXPECT_GE(s.all.cover95, s.all.cover80);
    EXPECT_GE(s.all.cover80, s.all.cover50);
    double pit = 0;
    for (double v : s.pit) pit += v;
    EXPECT_NEAR(pit, 1, 1e-9);
    std::printf("%-16s crps %.3f log %.3f cover50 %.2f cover95 %.2f fallbacks %d  %s\n", s.model.c_str(), s.all.crps,
                s.all.log_score, s.all.cover50, s.all.cover95, s.fallbacks, s.describe.c_str());
  }
  std::printf("%s\n", r1->Verdict().c_str());
  EXPECT_FALSE(r1->winner.empty());
  // No model is the default where a baseline beats it.
  for (const auto& s : r1->models) {
    if (s.baseline) {
      EXPECT_GE(s.all.crps, r1->winner_crps);
    }
  }
  // Another seed changes the simulated (Hawkes) forecasts only.
  o.seed = 2;
  auto r3 = RollingOriginBacktest(p, o);
  ASSERT_TRUE(r3.ok());
  for (size_t m = 0; m < r1->models.size(); ++m) {
    if (r1->models[m].model == "no-change" || r1->models[m].model == "rolling-nb") {
      EXPECT_EQ(r1->models[m].all.crps, r3->models[m].all.crps);
    }
  }
}

TEST(Backtest, RefusesAPanelTooShort) {
  Panel p = SyntheticPanel(1, 10, 1);
  EXPECT_EQ(RollingOriginBacktest(p, {}).status().code(), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace faultline

namespace faultline {
namespace {

TEST(Charts, WritePitAndReliabilityAsPngAndSvg) {
  Panel p = SyntheticPanel(2, 40, 4);
  BacktestOptions o;
  o.origins = 6;
  o.models = {"no-change", "rolling-nb"};
  auto r = RollingOriginBacktest(p, o);
  ASSERT_TRUE(r.ok());
  const std::string dir = ::testing::TempDir();
  for (const char* ext : {".png", ".svg"}) {
    const std::string pit = dir + "/pit" + ext, rel = dir + "/reliability" + ext;
    ASSERT_TRUE(WritePitChart(*r, pit).ok());
    ASSERT_TRUE(WriteReliabilityChart(*r, rel).ok());
    std::ifstream in(pit, std::ios::binary);
    std::string head(8, '\0');
    in.read(head.data(), 8);
    if (std::string(ext) == ".png") {
      EXPECT_EQ(head.substr(1, 3), "PNG");
    } else {
      EXPECT_NE(head.find("<?xml"), std::string::npos);
    }
    std::remove(pit.c_str());
    std::remove(rel.c_str());
  }
  EXPECT_EQ(WritePitChart(*r, dir + "/pit.gif").code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace faultline
