// Evaluation suite on real data (../shared/data; skipped when absent):
// change points in the Pakistan Body Count series land where the history
// says the series turned — the 2007 surge and 2014-15 decline of suicide
// attacks, the 2008 rise and post-2012 decline of drone strikes.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>

#include "analysis/changepoint.h"
#include "analysis/cube.h"
#include "common/date.h"
#include "gazetteer/gazetteer.h"
#include "io/formats.h"
#include "io/import_driver.h"
#include "test/support/test_paths.h"

namespace faultline {
namespace {

// Monthly counts of one PBC file, through the store and the cube.
Series MonthlySeries(const std::string& format, const std::string& file) {
  testing::TempDir tmp;
  auto store = Store::Open(tmp.file("pbc.db"));
  EXPECT_TRUE(store.ok());
  ImportContext ctx;
  auto gz = Gazetteer::Default();
  auto actors = ActorDictionary::Default();
  ctx.gazetteer = gz.ok() ? *gz : nullptr;
  ctx.actors = actors.ok() ? *actors : nullptr;
  ctx.batch_id = "eval";
  ctx.file_label = std::filesystem::path(file).filename().string();
  auto src = OpenRowSource(format, file, ctx);
  EXPECT_TRUE(src.ok());
  ImportOptions opt;
  opt.progress = false;
  opt.quarantine_path = tmp.file("rejects.csv");  // the drone file's totals row
  auto s = RunImport(store->get(), src->get(), ctx, opt);
  EXPECT_TRUE(s.ok());
  auto cube = Cube::Load(store->get());
  EXPECT_TRUE(cube.ok());
  auto q = (*cube)->Compile({}, nullptr);
  auto series = (*cube)->SeriesOf(**q, Period::kMonth, Measure::Incidents());
  EXPECT_TRUE(series.ok());
  return *series;
}

struct Found {
  std::vector<int> up, down;  // years of the change points where the mean rose / fell
};

Found ChangeYears(const Series& s, const char* what) {
  Segmentation seg = Pelt(s.values, PenaltyValue(PenaltyKind::kBic, s.values.size()), 2);
  BocpdResult b = Bocpd(s.values, {.hazard = 1.0 / 60, .max_run_length = 500});
  Found f;
  std::printf("%s: PELT (BIC) change points:", what);
  size_t from = 0;
  double prev_mean = -1;
  for (size_t k = 0; k <= seg.changepoints.size(); ++k) {
    size_t to = k < seg.changepoints.size() ? seg.changepoints[k] : s.values.size();
    double sum = 0;
    for (size_t i = from; i < to; ++i) sum += static_cast<double>(s.values[i]);
    double mean = sum / static_cast<double>(to - from);
    if (k > 0) {
      int year = CivilDate(s.FirstDay(from)).year();
      (mean > prev_mean ? f.up : f.down).push_back(year);
      std::printf(" %s (%.2f -> %.2f/month)", s.Label(from).c_str(), prev_mean, mean);
    }
    prev_mean = mean;
    from = to;
  }
  std::printf("\n%s: BOCPD change points:", what);
  for (size_t cp : b.changepoints) std::printf(" %s", s.Label(cp).c_str());
  std::printf("\n");
  return f;
}

bool AnyIn(const std::vector<int>& years, int lo, int hi) {
  return std::any_of(years.begin(), years.end(), [&](int y) { return y >= lo && y <= hi; });
}

TEST(EvalPbc, SuicideAttacksSurgeIn2007AndDeclineIn2014To2015) {
  auto data = testing::SharedData();
  if (data.empty()) GTEST_SKIP() << "../shared/data not present (evaluation suite)";
  Series s = MonthlySeries("pbc-suicide", (data / "pbc" / "PakistanSuicideAttacks.csv").string());
  Found f = ChangeYears(s, "PBC suicide attacks per month");
  EXPECT_TRUE(AnyIn(f.up, 2007, 2007)) << "no rise found in 2007";
  EXPECT_TRUE(AnyIn(f.down, 2014, 2015)) << "no decline found in 2014-2015";
}

TEST(EvalPbc, DroneStrikesRiseIn2008AndDeclineAfter2012) {
  auto data = testing::SharedData();
  if (data.empty()) GTEST_SKIP() << "../shared/data not present (evaluation suite)";
  Series s = MonthlySeries("pbc-drone", (data / "pbc" / "PakistanDroneAttacks.csv").string());
  Found f = ChangeYears(s, "PBC drone strikes per month");
  EXPECT_TRUE(AnyIn(f.up, 2008, 2008)) << "no rise found in 2008";
  EXPECT_TRUE(AnyIn(f.down, 2012, 2014)) << "no decline found after 2012";
}

}  // namespace
}  // namespace faultline
