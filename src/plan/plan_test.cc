// Solvers checked against slow, obviously-correct references on random
// games (style.md: tests), the sampler against its marginals.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <set>

#include "plan/bayesian.h"
#include "plan/quantal.h"
#include "plan/schedule.h"
#include "plan/sse.h"

namespace faultline {
namespace {

// Kiekintveld et al. 2009's generator: covered defender and uncovered
// attacker payoffs ~ U[0, 100], the others ~ U[-100, 0].
Payoffs RandomPayoffs(std::mt19937_64& rng) {
  std::uniform_real_distribution<double> pos(0, 100), neg(-100, 0);
  Payoffs p;
  p.defender_covered = pos(rng);
  p.defender_uncovered = neg(rng);
  p.attacker_uncovered = pos(rng);
  p.attacker_covered = neg(rng);
  return p;
}

SecurityGame RandomGame(std::mt19937_64& rng, int n, double m) {
  SecurityGame g;
  g.resources = m;
  for (int t = 0; t < n; ++t) g.targets.push_back({"t" + std::to_string(t), "", "target", RandomPayoffs(rng), {}, {}, ""});
  return g;
}

std::vector<Payoffs> PayoffsOf(const SecurityGame& g) {
  std::vector<Payoffs> p;
  for (const auto& t : g.targets) p.push_back(t.payoffs);
  return p;
}

TEST(ValidateGame, RejectsPayoffsThatAreNotASecurityGame) {
  SecurityGame g;
  g.targets.push_back({"kabul", "", "target", {1, 2, -1, 1}, {}, {}, ""});
  Status s = ValidateGame(g);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("\"kabul\""), std::string::npos) << s.message();
  g.targets[0].payoffs = {2, 1, 1, 1};
  EXPECT_EQ(ValidateGame(g).code(), StatusCode::kInvalidArgument);
  g.targets[0].payoffs = {2, 1, -1, 1};
  g.resources = -1;
  EXPECT_EQ(ValidateGame(g).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(SolveOrigami(g).status().code(), StatusCode::kInvalidArgument);
}

// Property: coverage in [0, 1], sums to the resources (unless a target is
// already fully covered at the attack-set level), and the attacker is
// indifferent across the attack set and prefers it to every other target.
TEST(Origami, CoverageIsFeasibleAndTheAttackerIndifferentOnRandomGames) {
  std::mt19937_64 rng(2009);
  for (int game = 0; game < 5000; ++game) {
    int n = 1 + static_cast<int>(rng() % 40);
    double m = std::uniform_real_distribution<double>(0, n + 2)(rng);
    if (game % 3 == 0) m = std::floor(m);
    SecurityGame g = RandomGame(rng, n, m);
    auto s = SolveOrigami(g);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    double sum = 0;
    bool full_in_set = false;
    for (int t = 0; t < n; ++t) {
      double x = s->coverage[t];
      ASSERT_GE(x, 0);
      ASSERT_LE(x, 1);
      sum += x;
      double ua = g.targets[t].payoffs.Attacker(x);
      ASSERT_LE(ua, s->attacker_utility + 1e-9);
      if (x > 0) {
        ASSERT_NEAR(ua, s->attacker_utility, 1e-9) << "covered target outside the attack set";
      }
      if (x >= 1 - 1e-12 && std::fabs(ua - s->attacker_utility) < 1e-9) full_in_set = true;
    }
    ASSERT_LE(sum, std::min<double>(m, n) + 1e-9);
    if (!full_in_set) {
      ASSERT_NEAR(sum, std::min<double>(m, n), 1e-9) << "game " << game;
    }
    ASSERT_FALSE(s->attack_set.empty());
    ASSERT_TRUE(std::find(s->attack_set.begin(), s->attack_set.end(), s->attacked) != s->attack_set.end());
  }
}

TEST(Origami, EqualsTheMultipleLpsOnThousandsOfRandomGames) {
  std::mt19937_64 rng(42);
  int checked = 0;
  for (int game = 0; game < 2000; ++game) {
    int n = 2 + static_cast<int>(rng() % 11);
    double m = 1 + static_cast<double>(rng() % static_cast<unsigned>(n));
    if (game % 4 == 0) m -= 0.5;
    SecurityGame g = RandomGame(rng, n, m);
    auto o = SolveOrigami(g);
    auto l = SolveMultipleLps(g);
    ASSERT_TRUE(o.ok() && l.ok()) << o.status().ToString() << l.status().ToString();
    ASSERT_NEAR(o->defender_utility, l->defender_utility, 1e-6) << "game " << game;
    ASSERT_NEAR(o->attacker_utility, l->attacker_utility, 1e-6) << "game " << game;
    ++checked;
  }
  EXPECT_EQ(checked, 2000);
}

// Strong Stackelberg equilibrium: among targets that tie for the attacker,
// the one best for the defender is attacked — with ORIGAMI, the LPs and
// DOBSS alike.
TEST(Origami, BreaksTiesInTheDefendersFavour) {
  SecurityGame g;
  g.resources = 1;
  // Same attacker payoffs everywhere; the defender loses least at "depot".
  g.targets.push_back({"market", "", "target", {10, -80, -10, 50}, {}, {}, ""});
  g.targets.push_back({"depot", "", "target", {10, -20, -10, 50}, {}, {}, ""});
  g.targets.push_back({"school", "", "target", {10, -60, -10, 50}, {}, {}, ""});
  auto o = SolveOrigami(g);
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->attack_set.size(), 3u);
  EXPECT_EQ(o->attacked, 1);
  for (double x : o->coverage) EXPECT_NEAR(x, 1.0 / 3, 1e-12);
  EXPECT_NEAR(o->defender_utility, 10.0 / 3 - 20 * 2.0 / 3, 1e-9);
  auto l = SolveMultipleLps(g);
  ASSERT_TRUE(l.ok());
  EXPECT_NEAR(l->defender_utility, o->defender_utility, 1e-7);
  BayesianGame b;
  b.targets = g.targets;
  b.resources = 1;
  b.types.push_back({"only", 1, PayoffsOf(g)});
  auto d = SolveDobss(b);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_NEAR(d->defender_utility, o->defender_utility, 1e-6);
  EXPECT_EQ(d->by_type[0].attacked, 1);
  // The deviation report shows what a tie broken against the defender costs.
  auto dev = DeviationReport(PayoffsOf(g), o->coverage, 0.1);
  EXPECT_NEAR(dev[0].defender_utility, o->defender_utility, 1e-9);
  EXPECT_NEAR(dev[1].defender_utility, 10.0 / 3 - 80 * 2.0 / 3, 1e-9);
}

// With resources to spare the attacker is held at the largest covered
// payoff (that target fully covered) and ORIGAMI leaves the rest unused;
// SpendSpareResources hands it out without changing the equilibrium.
TEST(Origami, SpareResourcesAreSpentWithoutChangingTheEquilibrium) {
  std::mt19937_64 rng(1);
  for (int game = 0; game < 500; ++game) {
    int n = 2 + static_cast<int>(rng() % 10);
    SecurityGame g = RandomGame(rng, n, std::uniform_real_distribution<double>(0, n + 2)(rng));
    auto o = SolveOrigami(g);
    ASSERT_TRUE(o.ok());
    Solution spent = *o;
    SpendSpareResources(g, &spent);
    double sum = std::accumulate(spent.coverage.begin(), spent.coverage.end(), 0.0);
    double cap = std::min<double>(g.resources, n - 1 + spent.coverage[o->attacked]);
    ASSERT_NEAR(sum, std::max(cap, std::accumulate(o->coverage.begin(), o->coverage.end(), 0.0)), 1e-9);
    ASSERT_EQ(spent.attacked, o->attacked);
    ASSERT_EQ(spent.defender_utility, o->defender_utility);
    for (int t = 0; t < n; ++t) {
      ASSERT_LE(spent.coverage[t], 1 + 1e-12);
      ASSERT_GE(spent.coverage[t], o->coverage[t]);
      ASSERT_LE(g.targets[t].payoffs.Attacker(spent.coverage[t]), o->attacker_utility + 1e-9);
    }
  }
  SecurityGame none = RandomGame(rng, 5, 0);
  auto z = SolveOrigami(none);
  ASSERT_TRUE(z.ok());
  for (double x : z->coverage) EXPECT_EQ(x, 0);
}

TEST(Dobss, EqualsOrigamiOnSingleTypeGames) {
  std::mt19937_64 rng(2008);
  for (int game = 0; game < 150; ++game) {
    int n = 2 + static_cast<int>(rng() % 9);
    double m = 1 + static_cast<double>(rng() % static_cast<unsigned>(n));
    SecurityGame g = RandomGame(rng, n, m);
    BayesianGame b;
    b.targets = g.targets;
    b.resources = m;
    b.types.push_back({"one", 1, PayoffsOf(g)});
    auto o = SolveOrigami(g);
    auto d = SolveDobss(b);
    ASSERT_TRUE(o.ok() && d.ok()) << d.status().ToString();
    ASSERT_NEAR(d->defender_utility, o->defender_utility, 1e-5) << "game " << game;
  }
}

BayesianGame RandomBayesian(std::mt19937_64& rng, int n, int types, double m) {
  BayesianGame b;
  b.resources = m;
  for (int t = 0; t < n; ++t) b.targets.push_back({"t" + std::to_string(t), "", "target", {}, {}, {}, ""});
  for (int l = 0; l < types; ++l) {
    AttackerType a{"type" + std::to_string(l), std::uniform_real_distribution<double>(0.1, 1)(rng), {}};
    for (int t = 0; t < n; ++t) a.payoffs.push_back(RandomPayoffs(rng));
    b.types.push_back(std::move(a));
  }
  return b;
}

// The MILP against brute-force enumeration of pure attacker responses.
TEST(Dobss, EqualsEnumerationOfPureResponsesOnSmallBayesianGames) {
  std::mt19937_64 rng(77);
  for (int game = 0; game < 60; ++game) {
    int n = 2 + static_cast<int>(rng() % 4);
    int types = 2 + static_cast<int>(rng() % 2);
    double m = 1 + static_cast<double>(rng() % static_cast<unsigned>(n - 1));
    BayesianGame b = RandomBayesian(rng, n, types, m);
    auto d = SolveDobss(b);
    auto e = SolveBayesianByEnumeration(b);
    ASSERT_TRUE(d.ok() && e.ok()) << d.status().ToString() << e.status().ToString();
    ASSERT_NEAR(d->defender_utility, e->defender_utility, 1e-5) << "game " << game;
    // The MILP's coverage really earns its value against best responders.
    BayesianSolution again = EvaluateBayesian(b, d->coverage);
    EXPECT_NEAR(again.defender_utility, d->defender_utility, 1e-4) << "game " << game;
    double sum = std::accumulate(d->coverage.begin(), d->coverage.end(), 0.0);
    EXPECT_LE(sum, m + 1e-6);
  }
}

// Larger games: the strengthened MILP (closed-form bounds, incumbent,
// fixing) against enumeration and against the plain formulation.
TEST(Dobss, StrengthenedEqualsEnumerationAndThePlainFormulation) {
  std::mt19937_64 rng(2009);
  for (int game = 0; game < 24; ++game) {
    int n = 4 + static_cast<int>(rng() % 5);
    int types = 2 + static_cast<int>(rng() % 2);
    double m = 1 + static_cast<double>(rng() % 3);
    BayesianGame b = RandomBayesian(rng, n, types, m);
    if (game % 3 == 0) {  // ties: two types share payoffs, targets repeat
      b.types[1].payoffs = b.types[0].payoffs;
      b.types[0].payoffs[1] = b.types[0].payoffs[0];
    }
    auto strong = SolveDobss(b);
    auto plain = SolveDobss(b, 0, /*strengthened=*/false);
    auto e = SolveBayesianByEnumeration(b);
    ASSERT_TRUE(strong.ok() && plain.ok() && e.ok()) << strong.status().ToString() << plain.status().ToString();
    ASSERT_NEAR(strong->defender_utility, e->defender_utility, 1e-5) << "game " << game;
    ASSERT_NEAR(plain->defender_utility, e->defender_utility, 1e-5) << "game " << game;
    EXPECT_NEAR(EvaluateBayesian(b, strong->coverage).defender_utility, e->defender_utility, 1e-4) << "game " << game;
  }
}

TEST(Dobss, EnumerationRefusesHugeGames) {
  std::mt19937_64 rng(3);
  BayesianGame b = RandomBayesian(rng, 50, 4, 3);
  EXPECT_EQ(SolveBayesianByEnumeration(b).status().code(), StatusCode::kInvalidArgument);
}

// Reference: the defender's quantal-response utility maximised by brute
// force over every grid point with sum <= m.
double BruteForceQr(const SecurityGame& g, double lambda, int k) {
  const int n = static_cast<int>(g.targets.size());
  std::vector<Payoffs> p = PayoffsOf(g);
  std::vector<int> units(n, 0);
  double best = -1e300;
  const int budget = static_cast<int>(std::floor(g.resources * k + 1e-9));
  while (true) {
    int used = std::accumulate(units.begin(), units.end(), 0);
    if (used <= budget) {
      std::vector<double> x(n);
      for (int t = 0; t < n; ++t) x[t] = static_cast<double>(units[t]) / k;
      best = std::max(best, QuantalDefenderUtility(p, x, lambda));
    }
    int t = 0;
    while (t < n && ++units[t] > k) units[t++] = 0;
    if (t == n) break;
  }
  return best;
}

TEST(QuantalResponse, MatchesBruteForceOnSmallGames) {
  std::mt19937_64 rng(2012);
  for (int game = 0; game < 40; ++game) {
    int n = 2 + static_cast<int>(rng() % 3);
    double m = 1 + static_cast<double>(rng() % static_cast<unsigned>(n - 1));
    SecurityGame g = RandomGame(rng, n, m);
    double lambda = std::uniform_real_distribution<double>(0, 0.3)(rng);
    int k = n == 4 ? 8 : 20;
    auto s = SolveQuantalResponse(g, {lambda, k, 1e-10});
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    EXPECT_NEAR(s->defender_utility, BruteForceQr(g, lambda, k), 1e-6) << "game " << game;
    double sum = std::accumulate(s->coverage.begin(), s->coverage.end(), 0.0);
    EXPECT_LE(sum, m + 1e-9);
    double q = std::accumulate(s->attack_probability.begin(), s->attack_probability.end(), 0.0);
    EXPECT_NEAR(q, 1, 1e-12);
  }
}

// A worked example small enough to check by hand: two targets, one unit.
// With lambda = 0 the attacker picks uniformly, so the defender maximises
// (Ud_1(x) + Ud_2(1-x)) / 2 and puts everything on the target whose
// coverage gains most (target 2: 90 vs 30).
TEST(QuantalResponse, RandomAttackerWorkedExample) {
  SecurityGame g;
  g.resources = 1;
  g.targets.push_back({"a", "", "target", {10, -20, -5, 5}, {}, {}, ""});
  g.targets.push_back({"b", "", "target", {40, -50, -5, 5}, {}, {}, ""});
  auto s = SolveQuantalResponse(g, {0.0, 20, 1e-12});
  ASSERT_TRUE(s.ok());
  EXPECT_NEAR(s->coverage[0], 0, 1e-12);
  EXPECT_NEAR(s->coverage[1], 1, 1e-12);
  EXPECT_NEAR(s->defender_utility, (-20 + 40) / 2.0, 1e-9);
  EXPECT_NEAR(s->attack_probability[0], 0.5, 1e-12);
  // As lambda grows the QR optimum approaches the SSE value from below-ish:
  // a near-rational attacker leaves no room to exploit mistakes.
  auto sse = SolveOrigami(g);
  auto sharp = SolveQuantalResponse(g, {50.0, 200, 1e-12});
  ASSERT_TRUE(sse.ok() && sharp.ok());
  EXPECT_NEAR(sharp->defender_utility, sse->defender_utility, 1.0);
}

TEST(QuantalResponse, RejectsBadParameters) {
  std::mt19937_64 rng(5);
  SecurityGame g = RandomGame(rng, 3, 1);
  EXPECT_EQ(SolveQuantalResponse(g, {-1, 20, 1e-7}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(SolveQuantalResponse(g, {1, 0, 1e-7}).status().code(), StatusCode::kInvalidArgument);
}

TEST(CombSampler, EveryDayUsesExactlyTheSlotsAndDistinctTargets) {
  std::mt19937_64 rng(9);
  SecurityGame g = RandomGame(rng, 30, 7);
  auto o = SolveOrigami(g);
  ASSERT_TRUE(o.ok());
  auto comb = CombSampler::Create(o->coverage, 7);
  ASSERT_TRUE(comb.ok()) << comb.status().ToString();
  for (int d = 0; d < 2000; ++d) {
    std::vector<int> day = comb->Draw(UnitInterval(rng()));
    ASSERT_EQ(day.size(), 7u);
    std::set<int> distinct(day.begin(), day.end());
    ASSERT_EQ(distinct.size(), 7u);
    ASSERT_EQ(distinct.count(-1), 0u) << "a full coverage vector leaves no reserve";
  }
}

// The marginals are exact, not just in expectation: integrating the
// indicator over u on a fine grid gives x_t to within the grid spacing.
TEST(CombSampler, MarginalsAreExact) {
  std::vector<double> x = {0.3, 0.9, 0.25, 1.0, 0.05, 0.5};  // sums to 3
  auto comb = CombSampler::Create(x, 3);
  ASSERT_TRUE(comb.ok());
  const int grid = 100000;
  std::vector<int> hits(x.size(), 0);
  for (int i = 0; i < grid; ++i) {
    for (int t : comb->Draw((i + 0.5) / grid)) hits[t]++;
  }
  for (size_t t = 0; t < x.size(); ++t) EXPECT_NEAR(hits[t] / static_cast<double>(grid), x[t], 2.0 / grid);
}

// 100,000 seeded draws; Pearson chi-square of slot counts against the
// coverage (n - 1 degrees of freedom, critical value at p = 0.001). Comb
// sampling is less variable than multinomial, so this is conservative.
TEST(CombSampler, EmpiricalFrequenciesMatchTheCoverageChiSquare) {
  std::mt19937_64 rng(11);
  SecurityGame g = RandomGame(rng, 20, 5.5);  // leaves half a slot in reserve
  auto o = SolveOrigami(g);
  ASSERT_TRUE(o.ok());
  auto units = ParseUnitTypes("police:3,army:1x3");
  ASSERT_TRUE(units.ok());
  ASSERT_EQ(TotalSlots(*units), 6);
  auto comb = CombSampler::Create(o->coverage, 6);
  ASSERT_TRUE(comb.ok());
  const int days = 100000;
  auto draws = DrawDeployments(*comb, *units, days, 12345);
  ASSERT_EQ(draws.size(), static_cast<size_t>(days));
  std::vector<double> hits(21, 0);  // last = reserve
  for (const auto& day : draws) {
    ASSERT_EQ(day.size(), 4u);
    ASSERT_EQ(day[3].targets.size(), 3u);
    int used = 0;
    for (const auto& u : day) {
      for (int t : u.targets) {
        hits[t < 0 ? 20 : t] += 1;
        ++used;
      }
    }
    ASSERT_EQ(used, 6);
  }
  double chi = 0;
  int cells = 0;
  double reserve = 6;
  for (int t = 0; t < 20; ++t) {
    reserve -= o->coverage[t];
    if (o->coverage[t] <= 0) {
      EXPECT_EQ(hits[t], 0);
      continue;
    }
    double e = o->coverage[t] * days;
    chi += (hits[t] - e) * (hits[t] - e) / e;
    ++cells;
  }
  double e = reserve * days;
  chi += (hits[20] - e) * (hits[20] - e) / e;
  ++cells;
  // chi-square critical values at p = 0.001 for up to 20 degrees of freedom.
  const double crit[] = {0, 10.83, 13.82, 16.27, 18.47, 20.52, 22.46, 24.32, 26.12, 27.88, 29.59,
                         31.26, 32.91, 34.53, 36.12, 37.70, 39.25, 40.79, 42.31, 43.82, 45.31};
  ASSERT_LE(cells - 1, 20);
  EXPECT_LT(chi, crit[cells - 1]) << "cells " << cells;
}

TEST(CombSampler, RefusesMarginalsItCannotMeet) {
  EXPECT_EQ(CombSampler::Create({0.5, 1.2}, 2).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(CombSampler::Create({0.9, 0.9, 0.9}, 2).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseUnitTypes("police").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseUnitTypes("police:0").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseUnitTypes("police:2x").status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace faultline
