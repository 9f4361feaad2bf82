// Evaluation suite on real data (../shared/data; skipped when absent): a
// rolling-origin backtest of monthly Pakistan Body Count suicide attacks by
// province, every model beside the three baselines. Whatever the numbers,
// they are printed; the test asserts only what must hold on any data — every
// model is scored on the same forecasts, and no model is the default where a
// baseline beats it.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>

#include "analysis/cube.h"
#include "forecast/backtest.h"
#include "gazetteer/gazetteer.h"
#include "io/formats.h"
#include "io/import_driver.h"
#include "test/support/test_paths.h"

namespace faultline {
namespace {

Result<Panel> ProvincePanel(const std::string& format, const std::string& file, testing::TempDir* tmp) {
  ASSIGN_OR_RETURN(auto store, Store::Open(tmp->file("pbc.db")));
  ImportContext ctx;
  auto gz = Gazetteer::Default();
  auto actors = ActorDictionary::Default();
  ctx.gazetteer = gz.ok() ? *gz : nullptr;
  ctx.actors = actors.ok() ? *actors : nullptr;
  ctx.batch_id = "eval";
  ctx.file_label = std::filesystem::path(file).filename().string();
  ASSIGN_OR_RETURN(auto src, OpenRowSource(format, file, ctx));
  ImportOptions opt;
  opt.progress = false;
  opt.quarantine_path = tmp->file("rejects.csv");
  ASSIGN_OR_RETURN(auto summary, RunImport(store.get(), src.get(), ctx, opt));
  (void)summary;
  ASSIGN_OR_RETURN(auto cube, Cube::Load(store.get()));
  ASSIGN_OR_RETURN(auto q, cube->Compile({}, nullptr));
  PanelOptions po;
  po.unit = UnitKind::kAdmin1;
  po.period = Period::kMonth;
  return BuildPanel(*cube, *q, std::nullopt, std::nullopt, po);
}

void Print(const char* what, const Panel& panel, const BacktestResult& r) {
  std::printf("%s: %zu provinces x %zu months (%s..%s), %zu origins x %d horizons\n", what, panel.units.size(),
              panel.periods(), panel.Label(0).c_str(), panel.Label(panel.periods() - 1).c_str(), r.origins.size(),
              r.horizon);
  std::printf("%-16s %8s %8s %7s %7s %7s %8s %8s  %s\n", "model", "CRPS", "log", "cov50", "cov80", "cov95", "Brier1",
              "Brier>=k", "notes");
  for (const auto& m : r.models) {
    std::printf("%-16s %8.4f %8.4f %7.2f %7.2f %7.2f %8.4f %8.4f  %s%s%s\n", (m.model + (m.baseline ? "*" : "")).c_str(),
                m.all.crps, m.all.log_score, m.all.cover50, m.all.cover80, m.all.cover95, m.all.brier1, m.all.brier_k,
                m.describe.c_str(), m.fallbacks ? " fallbacks: " : "",
                m.fallbacks ? (std::to_string(m.fallbacks) + " (" + m.last_failure + ")").c_str() : "");
  }
  std::printf("(* baseline; Brier>=k with k=%lld)\n%s\n", static_cast<long long>(r.at_least), r.Verdict().c_str());
}

TEST(EvalPbc, SuicideAttacksByProvinceMonthlyBacktest) {
  auto data = testing::SharedData();
  if (data.empty()) GTEST_SKIP() << "../shared/data not present (evaluation suite)";
  testing::TempDir tmp;
  auto panel = ProvincePanel("pbc-suicide", (data / "pbc" / "PakistanSuicideAttacks.csv").string(), &tmp);
  ASSERT_TRUE(panel.ok()) << panel.status().ToString();
  BacktestOptions o;
  o.origins = 36;
  o.horizon = 3;
  o.at_least = 2;
  o.model.samples = 500;
  auto r = RollingOriginBacktest(*panel, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  Print("PBC suicide attacks per province per month", *panel, *r);
  ASSERT_EQ(r->models.size(), ModelNames().size());
  const double n = static_cast<double>(r->origins.size() * panel->units.size() * 3);
  for (const auto& m : r->models) {
    EXPECT_EQ(m.all.n, n) << m.model;
    if (m.baseline) {
      EXPECT_GE(m.all.crps, r->winner_crps) << m.model;
    }
  }
  // The baselines are all there.
  int baselines = 0;
  for (const auto& m : r->models) baselines += m.baseline ? 1 : 0;
  EXPECT_EQ(baselines, 3);
}

}  // namespace
}  // namespace faultline
