#include "plan/patrol.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "plan/internal/lp.h"

namespace faultline {
namespace {

Border RandomBorder(std::mt19937_64& rng, int n) {
  Border b;
  for (int s = 0; s < n; ++s) {
    BorderSegment seg;
    seg.id = "s" + std::to_string(s);
    seg.length_km = std::uniform_real_distribution<double>(10, 60)(rng);
    seg.terrain = std::uniform_real_distribution<double>(1, 3)(rng);
    seg.risk = std::uniform_real_distribution<double>(0, 100)(rng);
    seg.detection = 0.9 / seg.terrain;
    b.segments.push_back(seg);
  }
  return b;
}

// Reference: the zero-sum game over every pure deployment (any k windows,
// overlapping or not, from all windows that fit the range — not only the
// maximal ones), solved as one LP over mixtures.
double BruteForceWorstCase(const Border& b, int units, double range_km) {
  const int n = static_cast<int>(b.segments.size());
  std::vector<std::pair<int, int>> windows;
  for (int i = 0; i < n; ++i) {
    double reach = 0;
    for (int j = i; j < n; ++j) {
      reach += b.segments[j].length_km * b.segments[j].terrain;
      if (j > i && reach > range_km) break;
      windows.push_back({i, j});
    }
  }
  std::vector<std::vector<bool>> pure;
  std::vector<int> pick(units, 0);
  while (true) {
    std::vector<bool> cov(n, false);
    for (int w : pick) {
      for (int s = windows[w].first; s <= windows[w].second; ++s) cov[s] = true;
    }
    pure.push_back(cov);
    int u = 0;
    while (u < units && ++pick[u] == static_cast<int>(windows.size())) pick[u++] = 0;
    if (u == units) break;
  }
  lp::Program p;
  p.maximize = false;
  std::vector<int> cols;
  for (size_t k = 0; k < pure.size(); ++k) cols.push_back(p.AddColumn(0, 1, 0));
  int z = p.AddColumn(-lp::kInf, lp::kInf, 1);
  p.AddRow(cols, std::vector<double>(cols.size(), 1.0), 1, 1);
  for (int s = 0; s < n; ++s) {
    std::vector<int> c = cols;
    std::vector<double> coef;
    for (const auto& cov : pure) coef.push_back(-b.segments[s].risk * (1 - b.segments[s].detection * cov[s]));
    c.push_back(z);
    coef.push_back(1);
    p.AddRow(c, coef, 0, lp::kInf);
  }
  auto a = lp::SolveLp(p);
  return a.ok() && a->outcome == lp::Outcome::kOptimal ? a->objective : -1;
}

TEST(Patrol, WindowsRiseTogetherAndFitTheRange) {
  std::mt19937_64 rng(3);
  Border b = RandomBorder(rng, 40);
  auto w = MaximalWindows(b, 150);
  ASSERT_FALSE(w.empty());
  EXPECT_EQ(w.front().first, 0);
  EXPECT_EQ(w.back().last, 39);
  EXPECT_EQ(w.size(), 40u);
  for (size_t k = 0; k < w.size(); ++k) {
    double reach = 0;
    for (int s = w[k].first; s <= w[k].last; ++s) reach += b.segments[s].length_km * b.segments[s].terrain;
    if (w[k].last > w[k].first) {
      EXPECT_LE(reach, 150 + 1e-9);
    }
    if (k > 0) {
      EXPECT_GT(w[k].first, w[k - 1].first);
      EXPECT_GE(w[k].last, w[k - 1].last);
    }
  }
}

TEST(Patrol, WorstCaseEqualsTheGameOverAllPureDeploymentsOnSmallBorders) {
  std::mt19937_64 rng(17);
  for (int trial = 0; trial < 40; ++trial) {
    int n = 3 + static_cast<int>(rng() % 4);
    int units = 1 + static_cast<int>(rng() % 2);
    double range = std::uniform_real_distribution<double>(20, 200)(rng);
    Border b = RandomBorder(rng, n);
    auto plan = SolvePatrol(b, units, range);
    ASSERT_TRUE(plan.ok()) << plan.status().ToString();
    double want = BruteForceWorstCase(b, units, range);
    ASSERT_NEAR(plan->worst_case, want, 1e-6) << "trial " << trial;
    for (double c : plan->coverage) {
      ASSERT_GE(c, 0);
      ASSERT_LE(c, 1 + 1e-9);
    }
  }
}

TEST(Patrol, ShiftsAreDisjointWindowsThatMeetTheCoverage) {
  std::mt19937_64 rng(23);
  Border b = RandomBorder(rng, 60);
  const int units = 6;
  auto plan = SolvePatrol(b, units, 120);
  ASSERT_TRUE(plan.ok());
  const int days = 100000;
  auto shifts = DrawShifts(*plan, units, days, 99);
  ASSERT_EQ(shifts.size(), static_cast<size_t>(days));
  std::vector<double> hits(b.segments.size(), 0);
  for (const auto& day : shifts) {
    ASSERT_EQ(day.size(), static_cast<size_t>(units));
    std::vector<int> seen(b.segments.size(), 0);
    for (int w : day) {
      if (w < 0) continue;
      for (int s = plan->windows[w].first; s <= plan->windows[w].last; ++s) {
        ASSERT_EQ(seen[s]++, 0) << "two units on one segment";
        hits[s] += 1;
      }
    }
  }
  for (size_t s = 0; s < hits.size(); ++s) {
    double c = plan->coverage[s];
    double sd = std::sqrt(std::max(c * (1 - c), 1e-12) / days);
    EXPECT_NEAR(hits[s] / days, c, 5 * sd + 1e-9) << "segment " << s;
  }
}

TEST(Patrol, LoadBorderNamesTheLineAndColumn) {
  auto ok = ParseBorder("id,length_km,risk,terrain,crossings\na,10,5,1.5,Torkham;Other\nb,20,0,1,\n", "b.csv");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  ASSERT_EQ(ok->segments.size(), 2u);
  EXPECT_NEAR(ok->segments[0].detection, 0.6, 1e-12);
  EXPECT_EQ(ok->segments[0].crossings, (std::vector<std::string>{"Torkham", "Other"}));
  auto bad = ParseBorder("id,length_km,risk\na,10,5\nb,x,1\n", "b.csv");
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("b.csv:3: column length_km"), std::string::npos) << bad.status().message();
  EXPECT_EQ(ParseBorder("id,risk\na,1\n", "b.csv").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(LoadBorder("/nonexistent/border.csv").status().code(), StatusCode::kNotFound);
}

// Regression (fuzz_plan_border): a name, id or crossing that was not UTF-8
// was accepted and reached the plan's JSON as U+FFFD.
TEST(Patrol, BorderTextMustBeUtf8) {
  auto bad = ParseBorder("id,name,length_km,risk\na,Khyber,10,5\nb,Kh\xfd" "ber,20,1\n", "b.csv");
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().message(), "b.csv:3: column name: invalid UTF-8 at byte 2");
  auto id = ParseBorder("id,length_km,risk\n\x80,10,5\n", "b.csv");
  EXPECT_EQ(id.status().message(), "b.csv:2: column id: invalid UTF-8 at byte 0");
}

TEST(Patrol, TheShippedPakistanAfghanistanBorderSolves) {
  auto b = LoadBorder(std::string(FAULTLINE_SOURCE_DIR) + "/data/plan/pak_afghan_border.csv");
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  double km = 0;
  for (const auto& s : b->segments) km += s.length_km;
  EXPECT_NEAR(km, 2611, 30);
  auto plan = SolvePatrol(*b, 5, 300);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_GT(plan->worst_case, 0);
}

}  // namespace
}  // namespace faultline
