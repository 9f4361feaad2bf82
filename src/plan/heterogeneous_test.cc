#include "plan/heterogeneous.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include <nlohmann/json.hpp>

#include "plan/allocate.h"
#include "plan/sse.h"

namespace faultline {
namespace {

// Kiekintveld et al. 2009's generator.
SecurityGame RandomGame(std::mt19937_64& rng, int n) {
  std::uniform_real_distribution<double> pos(0, 100), neg(-100, 0);
  SecurityGame g;
  for (int t = 0; t < n; ++t) {
    Payoffs p;
    p.defender_covered = pos(rng);
    p.defender_uncovered = neg(rng);
    p.attacker_uncovered = pos(rng);
    p.attacker_covered = neg(rng);
    g.targets.push_back({"t" + std::to_string(t), "", "target", p, {}, {}, ""});
  }
  return g;
}

std::vector<ResourceKind> RandomKinds(std::mt19937_64& rng, int n, int kinds, int max_slots) {
  std::vector<ResourceKind> out;
  for (int r = 0; r < kinds; ++r) {
    ResourceKind k;
    k.name = "kind" + std::to_string(r);
    k.count = 1 + static_cast<int>(rng() % static_cast<unsigned>(max_slots));
    k.effectiveness = rng() % 3 == 0 ? 1.0 : std::uniform_real_distribution<double>(0.3, 1)(rng);
    for (int t = 0; t < n; ++t) {
      if (rng() % 3 != 0) k.allowed.push_back(t);
    }
    if (k.allowed.empty()) k.allowed.push_back(static_cast<int>(rng() % static_cast<unsigned>(n)));
    out.push_back(std::move(k));
  }
  return out;
}

TEST(Heterogeneous, OneUnrestrictedKindEqualsOrigami) {
  std::mt19937_64 rng(2010);
  for (int game = 0; game < 300; ++game) {
    int n = 2 + static_cast<int>(rng() % 15);
    SecurityGame g = RandomGame(rng, n);
    ResourceKind k{"any", 1 + static_cast<int>(rng() % static_cast<unsigned>(n)), 1, 1.0, {}};
    g.resources = k.count;
    auto o = SolveOrigami(g);
    auto h = SolveHeterogeneous(g, {k});
    ASSERT_TRUE(o.ok() && h.ok()) << h.status().ToString();
    ASSERT_NEAR(h->defender_utility, o->defender_utility, 1e-6) << "game " << game;
  }
}

// The marginal LP over y against Conitzer and Sandholm's LP over every pure
// deployment of the individual units: equal values check that the
// marginals are implementable (Korzhyk et al. 2010) and the LP is right.
TEST(Heterogeneous, EqualsTheLpOverAllPureDeploymentsOnSmallGames) {
  std::mt19937_64 rng(42);
  for (int game = 0; game < 200; ++game) {
    int n = 2 + static_cast<int>(rng() % 3);
    SecurityGame g = RandomGame(rng, n);
    auto kinds = RandomKinds(rng, n, 1 + static_cast<int>(rng() % 2), 2);
    auto h = SolveHeterogeneous(g, kinds);
    auto e = SolveHeterogeneousByEnumeration(g, kinds);
    ASSERT_TRUE(h.ok() && e.ok()) << h.status().ToString() << e.status().ToString();
    ASSERT_NEAR(h->defender_utility, e->defender_utility, 1e-6) << "game " << game;
  }
}

// Coverage feasible; the attacked target is a best response and the
// attack set is level; ties go the defender's way.
TEST(Heterogeneous, CoverageIsFeasibleAndTheEquilibriumIsStrong) {
  std::mt19937_64 rng(7);
  for (int game = 0; game < 300; ++game) {
    int n = 3 + static_cast<int>(rng() % 20);
    SecurityGame g = RandomGame(rng, n);
    auto kinds = RandomKinds(rng, n, 1 + static_cast<int>(rng() % 3), 4);
    auto h = SolveHeterogeneous(g, kinds);
    ASSERT_TRUE(h.ok()) << h.status().ToString();
    for (size_t r = 0; r < kinds.size(); ++r) {
      double used = 0;
      for (int t = 0; t < n; ++t) {
        double y = h->assignment[r][t];
        ASSERT_GE(y, 0);
        ASSERT_LE(y, 1);
        if (!std::binary_search(kinds[r].allowed.begin(), kinds[r].allowed.end(), t)) {
          ASSERT_EQ(y, 0);
        }
        used += y;
      }
      ASSERT_LE(used, kinds[r].slots() + 1e-9);
    }
    double best_attacker = -1e300;
    for (int t = 0; t < n; ++t) {
      double units = 0, c = 0;
      for (size_t r = 0; r < kinds.size(); ++r) {
        units += h->assignment[r][t];
        c += kinds[r].effectiveness * h->assignment[r][t];
      }
      ASSERT_LE(units, 1 + 1e-9);
      ASSERT_NEAR(h->coverage[t], c, 1e-12);
      best_attacker = std::max(best_attacker, g.targets[t].payoffs.Attacker(c));
    }
    const Payoffs& pa = g.targets[h->attacked].payoffs;
    EXPECT_NEAR(pa.Attacker(h->coverage[h->attacked]), best_attacker, 1e-5 * std::max(1.0, std::fabs(best_attacker)));
    EXPECT_NEAR(h->defender_utility, pa.Defender(h->coverage[h->attacked]), 1e-6);
    for (int t : h->attack_set) {
      EXPECT_NEAR(g.targets[t].payoffs.Attacker(h->coverage[t]), best_attacker, 1e-4);
      EXPECT_LE(g.targets[t].payoffs.Defender(h->coverage[t]), h->defender_utility + 1e-5) << "game " << game;
    }
  }
}

TEST(Heterogeneous, ARestrictedUnitCannotDefendWhatItCannotReach) {
  SecurityGame g;
  g.targets.push_back({"city", "", "target", {0, -50, -10, 100}, {}, {}, ""});
  g.targets.push_back({"border", "", "target", {0, -80, -10, 50}, {}, {}, ""});
  // Only the border is in reach: the attacker goes for the city whatever.
  auto h = SolveHeterogeneous(g, {{"fc", 1, 1, 1.0, {1}}});
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->attacked, 0);
  EXPECT_EQ(h->coverage[0], 0);
  EXPECT_NEAR(h->defender_utility, -50, 1e-9);
  // A police unit always in the city at effectiveness 0.6 holds it at
  // 100 - 110 * 0.6 = 34 to the attacker and -50 + 50 * 0.6 = -20 to the
  // defender; the FC unit keeps the border at or below 34 (coverage >= 16/60).
  auto both = SolveHeterogeneous(g, {{"fc", 1, 1, 1.0, {1}}, {"police", 1, 1, 0.6, {0}}});
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(both->attacked, 0);
  EXPECT_NEAR(both->coverage[0], 0.6, 1e-9);
  EXPECT_NEAR(both->defender_utility, -20, 1e-9);
  EXPECT_GE(both->coverage[1], 16.0 / 60 - 1e-9);
  auto e = SolveHeterogeneousByEnumeration(g, {{"fc", 1, 1, 1.0, {1}}, {"police", 1, 1, 0.6, {0}}});
  ASSERT_TRUE(e.ok());
  EXPECT_NEAR(both->defender_utility, e->defender_utility, 1e-9);
}

TEST(Heterogeneous, TiesGoTheDefendersWay) {
  // Two targets the attacker values the same and no unit can reach: it is
  // indifferent, and the SSE has it attack where the defender loses less.
  SecurityGame g;
  g.targets.push_back({"a", "", "target", {0, -90, -10, 60}, {}, {}, ""});
  g.targets.push_back({"b", "", "target", {0, -20, -10, 60}, {}, {}, ""});
  g.targets.push_back({"c", "", "target", {0, -70, -10, 80}, {}, {}, ""});
  // One unit that only reaches c holds c to 60 or below (coverage >= 2/9).
  auto h = SolveHeterogeneous(g, {{"unit", 1, 1, 1.0, {2}}});
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->attacked, 1);
  EXPECT_NEAR(h->defender_utility, -20, 1e-9);
  EXPECT_GE(h->coverage[2], 2.0 / 9 - 1e-9);
  ASSERT_GE(h->attack_set.size(), 2u);
  EXPECT_EQ(h->attack_set[0], 0);
  EXPECT_EQ(h->attack_set[1], 1);
  auto e = SolveHeterogeneousByEnumeration(g, {{"unit", 1, 1, 1.0, {2}}});
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->attacked, 1);
}

TEST(Heterogeneous, RejectsBadKinds) {
  std::mt19937_64 rng(1);
  SecurityGame g = RandomGame(rng, 3);
  EXPECT_EQ(SolveHeterogeneous(g, {{"x", 1, 1, 0, {}}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(SolveHeterogeneous(g, {{"x", 1, 1, 1, {5}}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(SolveHeterogeneous(g, {{"x", -1, 1, 1, {}}}).status().code(), StatusCode::kInvalidArgument);
}

// Dependent rounding: every draw respects slots and one unit per target;
// the frequencies over 100,000 draws match y (Pearson chi-square over the
// kind x target cells and the "uncovered" cells, p = 0.001, at a fixed seed).
TEST(Heterogeneous, DrawnShiftsMatchTheAssignmentChiSquare) {
  std::mt19937_64 rng(11);
  SecurityGame g = RandomGame(rng, 12);
  auto kinds = RandomKinds(rng, 12, 3, 3);
  auto h = SolveHeterogeneous(g, kinds);
  ASSERT_TRUE(h.ok());
  const int draws = 100000;
  std::vector<std::vector<double>> seen(kinds.size(), std::vector<double>(12, 0));
  std::mt19937_64 draw_rng(99);
  for (int d = 0; d < draws; ++d) {
    auto day = DrawAssignment(h->assignment, draw_rng);
    std::vector<int> units(12, 0);
    for (size_t r = 0; r < kinds.size(); ++r) {
      ASSERT_LE(static_cast<int>(day[r].size()), kinds[r].slots());
      for (int t : day[r]) {
        ++units[t];
        seen[r][t] += 1;
      }
    }
    for (int u : units) ASSERT_LE(u, 1);
  }
  double chi2 = 0;
  int cells = 0;
  for (size_t r = 0; r < kinds.size(); ++r) {
    for (int t = 0; t < 12; ++t) {
      double p = h->assignment[r][t];
      if (p < 1e-9 || p > 1 - 1e-9) {
        EXPECT_NEAR(seen[r][t], p * draws, 1e-9) << "a sure or impossible cell was not";
        continue;
      }
      double expected = p * draws;
      chi2 += (seen[r][t] - expected) * (seen[r][t] - expected) / (expected * (1 - p));
      ++cells;
    }
  }
  ASSERT_GT(cells, 3);
  // Each cell is a binomial; the sum is approximately chi-square with
  // `cells` degrees of freedom (cells are dependent, which only narrows it).
  // 99.9% quantile by the Wilson–Hilferty approximation.
  double k = cells, z = 3.090;
  double q = k * std::pow(1 - 2 / (9 * k) + z * std::sqrt(2 / (9 * k)), 3);
  EXPECT_LT(chi2, q) << cells << " cells";
}

// plan/allocate.h with unit kinds (what `plan allocate --unit-kinds` and a
// server route share): the solver's coverage, a reason naming the kinds,
// schedules that keep each kind to its targets, and no seed in the plan.
TEST(Heterogeneous, AllocateWithUnitKinds) {
  std::mt19937_64 rng(44);
  for (int game = 0; game < 40; ++game) {
    int n = 3 + static_cast<int>(rng() % 8);
    SecurityGame g = RandomGame(rng, n);
    std::vector<ResourceKind> kinds = RandomKinds(rng, n, 2, 3);
    kinds[0].capacity = 2;
    AllocationOptions o;
    o.kinds = kinds;
    o.resources = 99;  // ignored: the kinds' slots are the resources
    auto a = Allocate(g.targets, {}, o);
    auto h = SolveHeterogeneous(g, kinds);
    ASSERT_TRUE(a.ok() && h.ok()) << a.status().ToString();
    EXPECT_EQ(a->resources, kinds[0].slots() + kinds[1].slots());
    EXPECT_NEAR(a->defender_utility, h->defender_utility, 1e-9);
    for (int t = 0; t < n; ++t) {
      EXPECT_NEAR(a->coverage[t], h->coverage[t], 1e-9);
      if (a->coverage[t] > 1e-6) {
        EXPECT_NE(a->rows[t].reason.find("covered by kind"), std::string::npos);
      }
    }
    auto json = nlohmann::json::parse(AllocationJson(*a, g.targets, {}, -1));
    ASSERT_EQ(json["summary"]["unit_kinds"].size(), 2u);
    EXPECT_EQ(json["summary"]["unit_kinds"][0]["slots"], kinds[0].slots());
    EXPECT_EQ(json.dump().find("seed"), std::string::npos);

    const uint64_t seed = 1000 + game;
    auto days = DrawAllocationSchedule(*a, {{"ignored", 7, 1}}, 25, seed);
    ASSERT_TRUE(days.ok()) << days.status().ToString();
    ASSERT_EQ(days->size(), 25u);
    for (const DayDeployment& day : *days) {
      ASSERT_EQ(day.size(), static_cast<size_t>(kinds[0].count + kinds[1].count));
      std::vector<int> seen;
      for (const UnitDeployment& u : day) {
        const ResourceKind& k = u.unit.rfind("kind0-", 0) == 0 ? kinds[0] : kinds[1];
        ASSERT_EQ(u.targets.size(), static_cast<size_t>(k.capacity));
        for (int t : u.targets) {
          if (t < 0) continue;
          EXPECT_TRUE(std::binary_search(k.allowed.begin(), k.allowed.end(), t)) << u.unit << " at " << t;
          seen.push_back(t);
        }
      }
      std::sort(seen.begin(), seen.end());
      EXPECT_EQ(std::adjacent_find(seen.begin(), seen.end()), seen.end()) << "two units at one target";
    }
    auto secret = nlohmann::json::parse(DeploymentScheduleJson(*a, *days, g.targets, seed, -1));
    EXPECT_EQ(secret["seed"], seed);
    EXPECT_EQ(secret["sampler"], "dependent rounding over unit kinds x targets");
    auto again = DrawAllocationSchedule(*a, {}, 25, seed);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(nlohmann::json::parse(DeploymentScheduleJson(*a, *again, g.targets, seed, -1)), secret)
        << "the seed reproduces the draw";
  }
  AllocationOptions bayes;
  bayes.model = "bayesian";
  bayes.kinds = {ResourceKind{"any", 1, 1, 1.0, {}}};
  std::mt19937_64 rng2(1);
  SecurityGame g = RandomGame(rng2, 3);
  AttackerType type{"only", 1.0, {}};
  for (const auto& t : g.targets) type.payoffs.push_back(t.payoffs);
  auto refused = Allocate(g.targets, {type}, bayes);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().ToString().find("unit kinds work with the sse model"), std::string::npos);
}

}  // namespace
}  // namespace faultline

namespace faultline {
namespace {

std::vector<Target> ThreeTargets() {
  return {{"peshawar", "Peshawar", "district", {}, {}, {}, ""},
          {"torkham", "Torkham crossing", "segment", {}, {}, {}, ""},
          {"quetta", "Quetta", "district", {}, {}, {}, ""}};
}

TEST(UnitKindsCsv, ReadsKindsAndTheirTargets) {
  auto kinds = ParseUnitKinds(
      "# units\nkind,count,capacity,effectiveness,targets\npolice,2,,0.9,district\nfc,1,2,,Torkham crossing; quetta\n"
      "reserve,1,,,*\n",
      "k.csv", ThreeTargets());
  ASSERT_TRUE(kinds.ok()) << kinds.status().ToString();
  ASSERT_EQ(kinds->size(), 3u);
  EXPECT_EQ((*kinds)[0].name, "police");
  EXPECT_EQ((*kinds)[0].slots(), 2);
  EXPECT_EQ((*kinds)[0].allowed, (std::vector<int>{0, 2}));
  EXPECT_DOUBLE_EQ((*kinds)[0].effectiveness, 0.9);
  EXPECT_EQ((*kinds)[1].slots(), 2);
  EXPECT_EQ((*kinds)[1].allowed, (std::vector<int>{1, 2}));
  EXPECT_TRUE((*kinds)[2].allowed.empty());
  EXPECT_EQ(LoadUnitKinds("/nonexistent/kinds.csv", ThreeTargets()).status().code(), StatusCode::kNotFound);
}

TEST(UnitKindsCsv, ErrorsNameTheLineAndColumn) {
  auto msg = [](const std::string& text) { return ParseUnitKinds(text, "k.csv", ThreeTargets()).status().message(); };
  EXPECT_EQ(msg("kind,count\npolice,1.5\n"), "k.csv:2: column count: \"1.5\" is not a whole number >= 0");
  EXPECT_EQ(msg("kind,count,effectiveness\npolice,1,0\n"), "k.csv:2: column effectiveness: must be in (0, 1]");
  EXPECT_EQ(msg("kind,count,targets\npolice,1,lahore\n"), "k.csv:2: column targets: no target, name or kind \"lahore\"");
  EXPECT_EQ(msg("kind\npolice\n"), "k.csv:1: the header has no column \"count\"");
  EXPECT_EQ(msg("kind,count\n"), "k.csv: no unit kinds");
  // Regression: a name that is not UTF-8 went into the JSON as U+FFFD.
  EXPECT_EQ(msg("kind,count\npol\xe9,1\n"), "k.csv:2: column kind: invalid UTF-8 at byte 3");
}

// Regression (fuzz_plan_unit_kinds): count and capacity were each capped at
// 1e6, but their product overflowed ResourceKind::slots() (an int: UB), and
// so did the CLI's sum over kinds.
TEST(UnitKindsCsv, SlotsAreCappedInTotal) {
  auto one = ParseUnitKinds("kind,count,capacity\na,1000000,1000000\n", "k.csv", ThreeTargets());
  EXPECT_EQ(one.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(one.status().message().rfind("k.csv:2: column capacity: ", 0), 0u) << one.status().message();
  auto sum = ParseUnitKinds("kind,count\na,600000\nb,600000\n", "k.csv", ThreeTargets());
  EXPECT_EQ(sum.status().message().rfind("k.csv:3: column capacity: ", 0), 0u) << sum.status().message();
  EXPECT_TRUE(ParseUnitKinds("kind,count\na,500000\nb,500000\n", "k.csv", ThreeTargets()).ok());
}

// Regression (fuzz_plan_unit_kinds): a row shorter than the header lacked
// the cell of a required column, and looking it up threw std::out_of_range
// (an abort in `plan allocate --unit-kinds`; --targets and --attackers read
// their CSV the same way).
TEST(UnitKindsCsv, ShortRowReadsAsEmptyCells) {
  auto kinds = ParseUnitKinds("count,kind\n1\n", "k.csv", ThreeTargets());
  EXPECT_EQ(kinds.status().message(), "k.csv:2: column kind: empty");
  auto ok = ParseUnitKinds("kind,count,capacity\npolice,3\n", "k.csv", ThreeTargets());
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ((*ok)[0].slots(), 3);
}

}  // namespace
}  // namespace faultline
