#include "analysis/changepoint.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <span>
#include <string>
#include <random>

namespace faultline {
namespace {

// A piecewise-constant Poisson series: rates change at random places.
std::vector<int64_t> RandomSeries(std::mt19937& rng, size_t n, double max_rate) {
  std::vector<int64_t> y;
  std::uniform_real_distribution<double> rate(0, max_rate);
  double r = rate(rng);
  for (size_t i = 0; i < n; ++i) {
    if (rng() % 15 == 0) r = rate(rng);
    y.push_back(std::poisson_distribution<int64_t>(r)(rng));
  }
  return y;
}

TEST(Pelt, EqualsExhaustiveOptimalPartitioningOnRandomSeries) {
  std::mt19937 rng(2024);
  int with_changes = 0;
  for (int round = 0; round < 400; ++round) {
    size_t n = 1 + rng() % 150;
    auto y = RandomSeries(rng, n, round % 3 == 0 ? 2.0 : 25.0);
    double penalty;
    switch (round % 4) {
      case 0: penalty = PenaltyValue(PenaltyKind::kBic, n); break;
      case 1: penalty = PenaltyValue(PenaltyKind::kMbic, n); break;
      case 2: penalty = std::uniform_real_distribution<double>(0, 30)(rng); break;
      default: penalty = 0.5; break;
    }
    size_t min_segment = 1 + rng() % 3;
    Segmentation pelt = Pelt(y, penalty, min_segment), op = OptimalPartitioning(y, penalty, min_segment);
    ASSERT_EQ(pelt.changepoints, op.changepoints) << "round " << round << " n " << n << " penalty " << penalty;
    ASSERT_NEAR(pelt.cost, op.cost, 1e-9 * (1 + std::fabs(op.cost))) << "round " << round;
    ASSERT_NEAR(pelt.penalized, op.penalized, 1e-9 * (1 + std::fabs(op.penalized)));
    // The reported cost is the sum of its segments' costs.
    double sum = 0;
    size_t from = 0;
    auto seg_cost = [&](size_t a, size_t b) {
      double s = 0;
      for (size_t i = a; i < b; ++i) s += static_cast<double>(y[i]);
      return PoissonSegmentCost(s, static_cast<double>(b - a));
    };
    for (size_t cp : pelt.changepoints) {
      EXPECT_GE(cp - from, min_segment);
      sum += seg_cost(from, cp);
      from = cp;
    }
    sum += seg_cost(from, n);
    EXPECT_NEAR(pelt.cost, sum, 1e-7 * (1 + std::fabs(sum)));
    with_changes += !pelt.changepoints.empty();
  }
  EXPECT_GT(with_changes, 100);  // the property was tested on real segmentations, not only on none
}

TEST(Pelt, FindsAnObviousStep) {
  std::vector<int64_t> y(60, 1);
  for (size_t i = 30; i < 60; ++i) y[i] = 20;
  Segmentation s = Pelt(y, PenaltyValue(PenaltyKind::kBic, y.size()));
  EXPECT_EQ(s.changepoints, std::vector<size_t>{30});
  EXPECT_TRUE(Pelt(std::vector<int64_t>(50, 0), 1.0).changepoints.empty());
  EXPECT_TRUE(Pelt({}, 1.0).changepoints.empty());
}

TEST(Penalty, Parses) {
  double v = -1;
  EXPECT_EQ(*ParsePenalty("bic", &v), PenaltyKind::kBic);
  EXPECT_EQ(*ParsePenalty("mbic", &v), PenaltyKind::kMbic);
  EXPECT_EQ(*ParsePenalty("12.5", &v), PenaltyKind::kManual);
  EXPECT_EQ(v, 12.5);
  EXPECT_EQ(ParsePenalty("-3", &v).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParsePenalty("aic", &v).status().code(), StatusCode::kInvalidArgument);
  EXPECT_NEAR(PenaltyValue(PenaltyKind::kBic, 100), 2 * std::log(100.0), 1e-12);
}

TEST(Crops, EveryPenaltyInTheRangeGivesOneOfTheListedSegmentations) {
  std::mt19937 rng(77);
  for (int round = 0; round < 20; ++round) {
    auto y = RandomSeries(rng, 80 + rng() % 80, 20.0);
    auto path = Crops(y, 1.0, 200.0);
    ASSERT_TRUE(path.ok());
    ASSERT_FALSE(path->empty());
    EXPECT_DOUBLE_EQ(path->front().penalty_to, 200.0);  // fewest change points: the largest penalties
    EXPECT_DOUBLE_EQ(path->back().penalty_from, 1.0);
    for (size_t i = 0; i + 1 < path->size(); ++i) {
      EXPECT_LT((*path)[i].segmentation.changepoints.size(), (*path)[i + 1].segmentation.changepoints.size());
      EXPECT_NEAR((*path)[i].penalty_from, (*path)[i + 1].penalty_to, 1e-9);  // contiguous ranges
    }
    for (double beta = 1.0; beta <= 200.0; beta *= 1.37) {
      Segmentation s = Pelt(y, beta);
      bool listed = false;
      for (const auto& e : *path) {
        if (e.segmentation.changepoints == s.changepoints) {
          listed = true;
          EXPECT_LE(e.penalty_from, beta + 1e-9);
          EXPECT_GE(e.penalty_to, beta - 1e-9);
        }
      }
      EXPECT_TRUE(listed) << "penalty " << beta << " gives a segmentation CROPS did not list";
    }
  }
  EXPECT_EQ(Crops(std::vector<int64_t>{1, 2}, 5, 1).status().code(), StatusCode::kInvalidArgument);
}

TEST(Bocpd, FindsKnownChangesInSimulatedSeries) {
  std::mt19937 rng(31);
  int found = 0, total = 0, false_alarms = 0;
  for (int round = 0; round < 10; ++round) {
    std::vector<int64_t> y;
    const std::vector<size_t> truth = {120, 240, 330};
    const double rates[] = {3, 12, 4, 9};
    for (size_t seg = 0, t = 0; seg < 4; ++seg) {
      size_t end = seg < 3 ? truth[seg] : 450;
      for (; t < end; ++t) y.push_back(std::poisson_distribution<int64_t>(rates[seg])(rng));
    }
    BocpdResult r = Bocpd(y, {.hazard = 1.0 / 150, .max_run_length = 500});
    ASSERT_EQ(r.change_probability.size(), y.size());
    for (size_t cp : truth) {
      ++total;
      found += std::any_of(r.changepoints.begin(), r.changepoints.end(),
                           [&](size_t d) { return d + 5 >= cp && d <= cp + 5; });
    }
    for (size_t d : r.changepoints) {
      false_alarms += std::none_of(truth.begin(), truth.end(), [&](size_t cp) { return d + 5 >= cp && d <= cp + 5; });
    }
  }
  EXPECT_GE(found, total - 1) << "found " << found << " of " << total;
  EXPECT_LE(false_alarms, 10);  // at most one per 450-point series on average
}

// The BOCPD recursion written plainly, in logs (one std::lgamma and
// std::exp per run length): the reference the vectorised Bocpd is checked
// against. Returns the log posterior after each observation.
std::vector<std::vector<double>> ReferenceBocpd(std::span<const int64_t> y, const BocpdOptions& o) {
  const size_t cap = o.max_run_length;
  std::vector<std::vector<double>> out;
  std::vector<double> log_p{0.0};
  std::vector<int64_t> run_sum{0};  // by run length
  for (int64_t v : y) {
    const double x = static_cast<double>(std::max<int64_t>(v, 0));
    std::vector<double> lj(log_p.size());
    for (size_t r = 0; r < log_p.size(); ++r) {
      const double a = o.alpha + static_cast<double>(run_sum[r]), b = o.beta + static_cast<double>(r);
      lj[r] = log_p[r] + std::lgamma(a + x) - std::lgamma(a) - std::lgamma(x + 1) + a * std::log(b / (b + 1)) -
              x * std::log(b + 1);
    }
    const double top = *std::max_element(lj.begin(), lj.end());
    double mass = 0;
    for (double l : lj) mass += std::exp(l - top);
    const double log_total = top + std::log(mass);
    const double minus_inf = -std::numeric_limits<double>::infinity();
    std::vector<double> next(std::min(log_p.size() + 1, cap + 1), minus_inf);
    std::vector<int64_t> next_sum(next.size(), 0);
    for (size_t r = 0; r < log_p.size(); ++r) {
      const size_t to = std::min(r + 1, cap);
      const double add = lj[r] - log_total + std::log1p(-o.hazard);
      if (next[to] == minus_inf) {
        next[to] = add;
      } else {  // the capped slot takes two: log(e^a + e^b)
        const double hi = std::max(next[to], add), lo = std::min(next[to], add);
        next[to] = hi + std::log1p(std::exp(lo - hi));
      }
      next_sum[to] = run_sum[to - 1] + static_cast<int64_t>(x);  // the capped slot: the last cap observations
    }
    next[0] = std::log(o.hazard);
    log_p = next;
    run_sum = next_sum;
    out.push_back(log_p);
  }
  return out;
}

// How far apart (in log probability) two run lengths may be and still have
// Bocpd and the plain double recursion pick different ones (docs/analysis.md).
constexpr double kBocpdLogTolerance = 1e-5;

// The step's variants (the same one-pass step in 8, 4 and 2 lanes); one the
// CPU lacks falls back to the best it has below it.
constexpr BocpdIsa kBocpdIsas[] = {BocpdIsa::kPortable, BocpdIsa::kAvx2, BocpdIsa::kAvx512};

// Counts the steps where `fast` picks another MAP run length than the
// reference `ref` (log posteriors), and fails unless each is a near tie.
void CheckMapAgainstReference(const BocpdResult& fast, const std::vector<std::vector<double>>& ref, size_t* steps,
                              size_t* near_ties, const std::string& where) {
  ASSERT_EQ(fast.map_run_length.size(), ref.size()) << where;
  for (size_t t = 0; t < ref.size(); ++t) {
    ASSERT_NEAR(fast.change_probability[t], std::exp(ref[t][0]), 1e-12) << where << " t " << t;
    const auto& q = ref[t];
    const size_t best = static_cast<size_t>(std::max_element(q.begin(), q.end()) - q.begin());
    ASSERT_EQ(fast.map_log_probability.size(), ref.size()) << where;
    ASSERT_LT(fast.map_run_length[t], q.size()) << where << " t " << t;
    ASSERT_NEAR(fast.map_log_probability[t], q[fast.map_run_length[t]], kBocpdLogTolerance) << where << " t " << t;
    ++*steps;
    if (fast.map_run_length[t] == best) continue;
    // Only a near tie may go the other way: Bocpd's normaliser sums float
    // exponentials (relative error < 2.5e-7 each), so its log posterior may
    // differ from this one by ~1e-6 (kBocpdLogTolerance).
    ASSERT_LT(fast.map_run_length[t], q.size()) << where << " t " << t;
    ASSERT_NEAR(q[fast.map_run_length[t]], q[best], kBocpdLogTolerance) << where << " t " << t;
    ++*near_ties;
  }
}

TEST(Bocpd, EqualsThePlainRecursionOnRandomSeries) {
  std::mt19937 rng(11);
  size_t steps = 0, near_ties = 0;
  for (int round = 0; round < 40; ++round) {
    const size_t n = 50 + rng() % 400;
    // Small counts, large counts, and (round % 10 == 9) counts so large that
    // log Gamma is not tabulated.
    const double max_rate = round % 10 == 9 ? 3e5 : (round % 2 ? 40.0 : 3.0);
    auto y = RandomSeries(rng, n, max_rate);
    BocpdOptions o{.hazard = 1.0 / (20 + rng() % 200), .alpha = 0.5 + (rng() % 4), .beta = 0.5 + (rng() % 3),
                   .max_run_length = 1 + rng() % 120};
    auto ref = ReferenceBocpd(y, o);
    for (BocpdIsa isa : kBocpdIsas) {
      CheckMapAgainstReference(Bocpd(y, o, isa), ref, &steps, &near_ties,
                               "round " + std::to_string(round) + " isa " + std::to_string(static_cast<int>(isa)));
      if (HasFatalFailure()) return;
    }
  }
  EXPECT_LT(near_ties, steps / 1000);
}

// The benchmark's shape (run-length cap 500, rates changing every ~200
// points), long enough for the cap to merge and the slot buffer to wrap
// many times: the same change points as the plain recursion's MAP run lengths.
TEST(Bocpd, MatchesThePlainRecursionAtCap500) {
  std::mt19937 rng(1);
  std::vector<int64_t> y;
  double rate = 5;
  for (size_t i = 0; i < 6000; ++i) {
    if (rng() % 200 == 0) rate = std::uniform_real_distribution<double>(0.5, 30)(rng);
    y.push_back(std::poisson_distribution<int64_t>(rate)(rng));
  }
  const BocpdOptions o{.hazard = 1.0 / 200, .max_run_length = 500};
  auto ref = ReferenceBocpd(y, o);
  std::vector<size_t> ref_changes;
  size_t prev = 0;
  for (size_t t = 0; t < y.size(); ++t) {
    const auto& q = ref[t];
    const size_t best = static_cast<size_t>(std::max_element(q.begin(), q.end()) - q.begin());
    if (t > 0 && best + 1 < prev && best <= t) {
      const size_t start = t + 1 - best;
      if (ref_changes.empty() || ref_changes.back() != start) ref_changes.push_back(start);
    }
    prev = best;
  }
  std::sort(ref_changes.begin(), ref_changes.end());
  ref_changes.erase(std::unique(ref_changes.begin(), ref_changes.end()), ref_changes.end());
  EXPECT_GT(ref_changes.size(), 10u);
  for (BocpdIsa isa : kBocpdIsas) {
    const BocpdResult fast = Bocpd(y, o, isa);
    size_t steps = 0, differ = 0;
    CheckMapAgainstReference(fast, ref, &steps, &differ, "isa " + std::to_string(static_cast<int>(isa)));
    if (HasFatalFailure()) return;
    EXPECT_LE(differ, y.size() / 1000);
    if (differ == 0) {
      EXPECT_EQ(fast.changepoints, ref_changes) << "isa " << static_cast<int>(isa);
    }
  }
}

// Counts in the thousands, isolated spikes far above the rate (where the
// step's stabiliser, the last MAP run length's joint, is far below the
// largest joint and the normaliser is summed again), and hazards from
// one in a million to 0.9: the MAP run lengths still follow the plain
// double recursion except at near ties.
TEST(Bocpd, EqualsThePlainRecursionWithLargeCountsSpikesAndExtremeHazards) {
  std::mt19937 rng(29);
  const double hazards[] = {1e-6, 1e-3, 0.05, 0.3, 0.9};
  size_t steps = 0, near_ties = 0;
  for (int round = 0; round < 30; ++round) {
    const size_t n = 100 + rng() % 300;
    auto y = RandomSeries(rng, n, round % 3 == 0 ? 3000.0 : (round % 3 == 1 ? 200.0 : 5.0));
    for (auto& v : y) {
      if (rng() % 40 == 0) v = v * 50 + 400;  // a spike
    }
    const BocpdOptions o{.hazard = hazards[round % 5], .alpha = 0.5 + (rng() % 3), .beta = 0.2 + (rng() % 3),
                         .max_run_length = 1 + rng() % 300};
    auto ref = ReferenceBocpd(y, o);
    for (BocpdIsa isa : kBocpdIsas) {
      CheckMapAgainstReference(Bocpd(y, o, isa), ref, &steps, &near_ties,
                               "round " + std::to_string(round) + " isa " + std::to_string(static_cast<int>(isa)) +
                                   " hazard " + std::to_string(o.hazard));
      if (HasFatalFailure()) return;
    }
  }
  EXPECT_LE(near_ties, steps / 1000);
}

// Every variant is the same one-pass step with the same arithmetic in the
// same order (no FMA; the float exponentials by the same polynomial): the
// same answer, bit for bit, on every CPU (here: each that this CPU has): the
// MAP run length and its log posterior at every step.
void ExpectVariantsAgree(std::span<const int64_t> y, const BocpdOptions& o, const std::string& where) {
  const BocpdResult avx512 = Bocpd(y, o, BocpdIsa::kAvx512);
  for (BocpdIsa isa : {BocpdIsa::kAvx2, BocpdIsa::kPortable}) {
    const BocpdResult other = Bocpd(y, o, isa);
    ASSERT_EQ(other.map_run_length, avx512.map_run_length) << where << " isa " << static_cast<int>(isa);
    ASSERT_EQ(other.map_log_probability, avx512.map_log_probability) << where << " isa " << static_cast<int>(isa);
    ASSERT_EQ(other.changepoints, avx512.changepoints) << where << " isa " << static_cast<int>(isa);
  }
}

TEST(Bocpd, VariantsAgreeBitForBit) {
  std::mt19937 rng(5);
  for (int round = 0; round < 12; ++round) {
    const size_t n = 200 + rng() % 1500;
    auto y = RandomSeries(rng, n, round % 2 ? 30.0 : 2000.0);
    if (round % 3 == 0) y[n / 2] = 20000;  // a spike
    const BocpdOptions o{.hazard = 1.0 / (2 + rng() % 300), .max_run_length = round % 4 == 0 ? 500 : 1 + rng() % 200};
    ExpectVariantsAgree(y, o, "round " + std::to_string(round));
    if (HasFatalFailure()) return;
  }
}

// A spike of every size after a quiet run: the largest joint (a new run,
// which fits the spike) ends up from a few to thousands of units above the
// stabiliser (the quiet run's joint). Past 60 the step sums the normaliser
// again relative to the largest; past ~88 the first sum's float
// exponentials overflow (and are thrown away). Every variant still follows
// the plain recursion, and they agree bit for bit. The reference's own log
// posteriors show that both sides of 60, and overflow, were reached.
TEST(Bocpd, SpikesOfEverySizeAfterAQuietRunFollowThePlainRecursion) {
  const BocpdOptions o{.hazard = 1.0 / 200, .max_run_length = 150};
  size_t steps = 0, near_ties = 0, below_60 = 0, refolded = 0, overflowed = 0;
  for (double spike = 4; spike < 30000; spike *= 1.25) {
    std::mt19937 rng(static_cast<unsigned>(spike * 8));
    std::vector<int64_t> y;
    for (int i = 0; i < 300; ++i) y.push_back(std::poisson_distribution<int64_t>(1.5)(rng));
    y.push_back(static_cast<int64_t>(spike));
    for (int i = 0; i < 40; ++i) y.push_back(std::poisson_distribution<int64_t>(1.5)(rng));
    const auto ref = ReferenceBocpd(y, o);
    const std::string where = "spike " + std::to_string(static_cast<int64_t>(spike));
    for (BocpdIsa isa : kBocpdIsas) {
      CheckMapAgainstReference(Bocpd(y, o, isa), ref, &steps, &near_ties, where);
      if (HasFatalFailure()) return;
    }
    ExpectVariantsAgree(y, o, where);
    if (HasFatalFailure()) return;
    // At the spike's step: the largest posterior past run length 0 over the
    // quiet run's (posteriors after the step are the joints plus one shift).
    const size_t t = 300;
    const auto& before = ref[t - 1];
    const size_t prev_map = static_cast<size_t>(std::max_element(before.begin(), before.end()) - before.begin());
    const auto& q = ref[t];
    const double gap = *std::max_element(q.begin() + 1, q.end()) - q[std::min(prev_map + 1, o.max_run_length)];
    below_60 += gap < 55;
    refolded += gap > 65 && gap < 85;
    overflowed += gap > 95;
  }
  EXPECT_LE(near_ties, steps / 1000);
  EXPECT_GT(below_60, 0u);
  EXPECT_GT(refolded, 0u);
  EXPECT_GT(overflowed, 0u);
}

// Caps on both sides of the lane widths (2, 4, 8) and of the 16-slot
// blocks, with rates changing every ~15 points: the last block of a step
// is partly live, and blocks of old run lengths far below the stabiliser
// add nothing to the normaliser. The plain recursion's MAP run lengths, and
// the same bits from every variant.
TEST(Bocpd, CapsAtLaneAndBlockEdgesFollowThePlainRecursion) {
  std::mt19937 rng(17);
  size_t steps = 0, near_ties = 0;
  for (size_t cap : {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 48, 49, 64, 65}) {
    auto y = RandomSeries(rng, 400, cap % 2 ? 60.0 : 8.0);
    const BocpdOptions o{.hazard = 1.0 / 60, .max_run_length = cap};
    const auto ref = ReferenceBocpd(y, o);
    const std::string where = "cap " + std::to_string(cap);
    for (BocpdIsa isa : kBocpdIsas) {
      CheckMapAgainstReference(Bocpd(y, o, isa), ref, &steps, &near_ties, where);
      if (HasFatalFailure()) return;
    }
    ExpectVariantsAgree(y, o, where);
    if (HasFatalFailure()) return;
  }
  EXPECT_LE(near_ties, steps / 1000);
}

TEST(Bocpd, CappedRunLengthStaysNormalised) {
  std::mt19937 rng(3);
  std::vector<int64_t> y;
  for (int i = 0; i < 3000; ++i) y.push_back(std::poisson_distribution<int64_t>(5)(rng));
  BocpdResult r = Bocpd(y, {.hazard = 1.0 / 1000, .max_run_length = 50});
  for (size_t t = 0; t < y.size(); ++t) {
    ASSERT_LE(r.map_run_length[t], 50u);
    ASSERT_TRUE(std::isfinite(r.change_probability[t]));
  }
  EXPECT_LE(r.changepoints.size(), 3u);  // a stationary series: (almost) no changes
}

}  // namespace
}  // namespace faultline
