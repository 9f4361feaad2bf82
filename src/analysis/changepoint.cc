#include "analysis/changepoint.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <string>

namespace faultline {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

std::vector<double> PrefixSums(std::span<const int64_t> y) {
  std::vector<double> s(y.size() + 1, 0);
  for (size_t i = 0; i < y.size(); ++i) s[i + 1] = s[i] + static_cast<double>(y[i]);
  return s;
}

Segmentation Backtrack(const std::vector<size_t>& last, const std::vector<double>& f, size_t n, double penalty) {
  Segmentation seg;
  for (size_t t = n; t > 0; t = last[t]) {
    if (last[t] > 0) seg.changepoints.push_back(last[t]);
  }
  std::reverse(seg.changepoints.begin(), seg.changepoints.end());
  seg.penalized = n == 0 ? 0 : f[n];
  seg.cost = seg.penalized - penalty * static_cast<double>(seg.changepoints.size());
  return seg;
}

}  // namespace

double PoissonSegmentCost(double sum, double len) {
  if (sum <= 0) return 0;
  return -2 * (sum * std::log(sum / len) - sum);
}

Result<PenaltyKind> ParsePenalty(std::string_view s, double* value) {
  if (s == "bic") return PenaltyKind::kBic;
  if (s == "mbic") return PenaltyKind::kMbic;
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || !(v >= 0) || !std::isfinite(v)) {
    return InvalidArgument("--penalty: \"" + std::string(s) + "\" is not bic, mbic or a non-negative number");
  }
  *value = v;
  return PenaltyKind::kManual;
}

double PenaltyValue(PenaltyKind kind, size_t n, double manual) {
  const double logn = std::log(static_cast<double>(std::max<size_t>(n, 2)));
  switch (kind) {
    case PenaltyKind::kBic: return 2 * logn;
    case PenaltyKind::kMbic: return 3 * logn;
    case PenaltyKind::kManual: return manual;
  }
  return manual;
}

// F[t] = min over tau of F[tau] + C(y[tau..t)) + penalty, F[0] = -penalty;
// the first (smallest) minimising tau wins ties, in both algorithms alike.
Segmentation OptimalPartitioning(std::span<const int64_t> y, double penalty, size_t min_segment) {
  const size_t n = y.size();
  min_segment = std::max<size_t>(min_segment, 1);
  auto s = PrefixSums(y);
  std::vector<double> f(n + 1, kInf);
  std::vector<size_t> last(n + 1, 0);
  f[0] = -penalty;
  for (size_t t = 1; t <= n; ++t) {
    for (size_t tau = 0; tau + min_segment <= t; ++tau) {
      if (tau != 0 && tau < min_segment) continue;
      if (f[tau] == kInf) continue;
      double v = f[tau] + PoissonSegmentCost(s[t] - s[tau], static_cast<double>(t - tau)) + penalty;
      if (v < f[t]) {
        f[t] = v;
        last[t] = tau;
      }
    }
  }
  if (n > 0 && f[n] == kInf) {  // shorter than one segment: one segment anyway
    f[n] = PoissonSegmentCost(s[n], static_cast<double>(n));
    last[n] = 0;
  }
  return Backtrack(last, f, n, penalty);
}

Segmentation Pelt(std::span<const int64_t> y, double penalty, size_t min_segment) {
  const size_t n = y.size();
  min_segment = std::max<size_t>(min_segment, 1);
  auto s = PrefixSums(y);
  std::vector<double> f(n + 1, kInf);
  std::vector<size_t> last(n + 1, 0);
  f[0] = -penalty;
  std::vector<size_t> cand;  // ascending
  std::vector<size_t> dead;  // cand[i] is no longer a candidate from this time on
  std::vector<double> value;
  cand.reserve(64);
  for (size_t t = 1; t <= n; ++t) {
    // Drop candidates pruned min_segment steps ago (see below).
    size_t k = 0;
    for (size_t i = 0; i < cand.size(); ++i) {
      if (dead[i] > t) {
        cand[k] = cand[i];
        dead[k++] = dead[i];
      }
    }
    cand.resize(k);
    dead.resize(k);
    if (t >= min_segment) {
      size_t tau = t - min_segment;
      if ((tau == 0 || tau >= min_segment) && f[tau] != kInf) {
        cand.push_back(tau);
        dead.push_back(SIZE_MAX);
      }
    }
    if (cand.empty()) continue;
    value.resize(cand.size());
    double best = kInf;
    size_t arg = 0;
    const double st = s[t];
    for (size_t i = 0; i < cand.size(); ++i) {
      const size_t tau = cand[i];
      double v = f[tau] + PoissonSegmentCost(st - s[tau], static_cast<double>(t - tau));
      value[i] = v;
      if (v + penalty < best) {
        best = v + penalty;
        arg = tau;
      }
    }
    f[t] = best;
    last[t] = arg;
    // Prune tau that can never be optimal again (Killick et al. 2012, eq. 4,
    // K = 0 for a likelihood cost): F(tau) + C(tau..t) > F(t) means a change
    // at t beats tau for every end s at which t may start a segment, that is
    // s >= t + min_segment; until then tau stays. The slack keeps ties and
    // rounding exact.
    const double bound = best + 1e-9 * (1 + std::fabs(best));
    for (size_t i = 0; i < cand.size(); ++i) {
      if (value[i] > bound) dead[i] = std::min(dead[i], t + min_segment);
    }
  }
  if (n > 0 && f[n] == kInf) {
    f[n] = PoissonSegmentCost(s[n], static_cast<double>(n));
    last[n] = 0;
  }
  return Backtrack(last, f, n, penalty);
}

Result<std::vector<CropsEntry>> Crops(std::span<const int64_t> y, double min_penalty, double max_penalty,
                                      size_t min_segment) {
  if (!(min_penalty >= 0) || !(max_penalty >= min_penalty)) {
    return InvalidArgument("--crops: need 0 <= MIN <= MAX");
  }
  // Segmentations found so far, by number of change points.
  std::map<size_t, Segmentation> found;
  auto run = [&](double beta) {
    Segmentation seg = Pelt(y, beta, min_segment);
    size_t m = seg.changepoints.size();
    auto it = found.find(m);
    if (it == found.end() || seg.cost < it->second.cost) found[m] = seg;
    return seg;
  };
  Segmentation lo = run(min_penalty), hi = run(max_penalty);
  std::vector<std::pair<Segmentation, Segmentation>> todo;
  if (lo.changepoints.size() > hi.changepoints.size() + 1) todo.emplace_back(lo, hi);
  while (!todo.empty()) {
    auto [a, b] = todo.back();
    todo.pop_back();
    const double ma = static_cast<double>(a.changepoints.size()), mb = static_cast<double>(b.changepoints.size());
    const double beta = (b.cost - a.cost) / (ma - mb);
    Segmentation mid = run(beta);
    if (mid.changepoints.size() != b.changepoints.size() && mid.changepoints.size() != a.changepoints.size()) {
      if (mid.changepoints.size() > b.changepoints.size() + 1) todo.emplace_back(mid, b);
      if (a.changepoints.size() > mid.changepoints.size() + 1) todo.emplace_back(a, mid);
    }
  }
  // Each segmentation's penalty range from its neighbours on the lower hull
  // of cost + beta x m.
  std::vector<Segmentation> segs;
  for (auto& [m, seg] : found) segs.push_back(seg);  // ascending m
  std::vector<CropsEntry> out;
  for (size_t i = 0; i < segs.size(); ++i) {
    double from = min_penalty, to = max_penalty;
    const double mi = static_cast<double>(segs[i].changepoints.size());
    for (size_t j = 0; j < segs.size(); ++j) {
      if (j == i) continue;
      const double mj = static_cast<double>(segs[j].changepoints.size());
      const double cross = (segs[i].cost - segs[j].cost) / (mj - mi);
      if (mj > mi) {
        from = std::max(from, cross);  // below `cross` the one with more changes wins
      } else {
        to = std::min(to, cross);
      }
    }
    if (from <= to) {
      CropsEntry e{from, to, segs[i]};
      e.segmentation.penalized = e.segmentation.cost;  // depends on the penalty: report the bare cost
      out.push_back(std::move(e));
    }
  }
  return out;
}

BocpdResult Bocpd(std::span<const int64_t> y, const BocpdOptions& o) {
  const size_t n = y.size(), cap = std::max<size_t>(o.max_run_length, 1);
  BocpdResult out;
  out.change_probability.reserve(n);
  out.map_run_length.reserve(n);
  // prefix[t] = y_0 + ... + y_{t-1}; a run of length r before y_t has sum
  // prefix[t] - prefix[t - r] and posterior Gamma(alpha + sum, beta + r).
  std::vector<int64_t> prefix(n + 1, 0);
  for (size_t i = 0; i < n; ++i) prefix[i + 1] = prefix[i] + std::max<int64_t>(y[i], 0);
  // log Gamma(alpha + k) for integer k, grown on demand.
  std::vector<double> lg;
  auto lgamma_at = [&](int64_t k) {
    if (k >= (int64_t{1} << 22)) return std::lgamma(o.alpha + static_cast<double>(k));
    while (static_cast<int64_t>(lg.size()) <= k) lg.push_back(std::lgamma(o.alpha + static_cast<double>(lg.size())));
    return lg[static_cast<size_t>(k)];
  };
  std::vector<double> log_q(cap + 1), log_b1(cap + 1);  // log(beta_r / (beta_r + 1)), log(beta_r + 1)
  for (size_t r = 0; r <= cap; ++r) {
    const double b = o.beta + static_cast<double>(r);
    log_q[r] = std::log(b / (b + 1));
    log_b1[r] = std::log(b + 1);
  }
  std::vector<double> p(cap + 1, 0), next(cap + 1, 0);
  p[0] = 1;
  size_t live = 1;  // run lengths 0..live-1 may hold mass
  size_t prev_map = 0;
  const double h = o.hazard;
  for (size_t t = 0; t < n; ++t) {
    const int64_t x = std::max<int64_t>(y[t], 0);
    const double lfact = std::lgamma(static_cast<double>(x) + 1);
    double cp = 0, total = 0;
    std::fill(next.begin(), next.begin() + static_cast<std::ptrdiff_t>(std::min(live + 1, cap + 1)), 0.0);
    for (size_t r = 0; r < live; ++r) {
      if (p[r] == 0) continue;
      const int64_t sum = prefix[t] - prefix[t - std::min(r, t)];
      const double a = o.alpha + static_cast<double>(sum);
      // Negative-binomial predictive of the Poisson-Gamma model.
      const double lp = lgamma_at(sum + x) - lgamma_at(sum) - lfact + a * log_q[r] - static_cast<double>(x) * log_b1[r];
      const double m = p[r] * std::exp(lp);
      cp += m * h;
      next[std::min(r + 1, cap)] += m * (1 - h);
    }
    next[0] = cp;
    live = std::min(live + 1, cap + 1);
    for (size_t r = 0; r < live; ++r) total += next[r];
    size_t map = 0;
    if (total > 0 && std::isfinite(total)) {
      const double inv = 1 / total;
      for (size_t r = 0; r < live; ++r) {
        p[r] = next[r] * inv;
        if (p[r] > p[map]) map = r;
      }
    } else {  // every run length underflowed: restart
      std::fill(p.begin(), p.end(), 0.0);
      p[0] = 1;
      live = 1;
    }
    out.change_probability.push_back(p[0]);
    // p[r] is the run length after y_t: r observations in the current run,
    // counting y_t when r >= 1. Report the number of observations in the run.
    out.map_run_length.push_back(map);
    if (t > 0 && map + 1 < prev_map && map <= t) {
      const size_t start = t + 1 - map;  // first observation of the new run
      if (start > 0 && (out.changepoints.empty() || out.changepoints.back() != start)) {
        out.changepoints.push_back(start);
      }
    }
    prev_map = map;
  }
  std::sort(out.changepoints.begin(), out.changepoints.end());
  out.changepoints.erase(std::unique(out.changepoints.begin(), out.changepoints.end()), out.changepoints.end());
  return out;
}

}  // namespace faultline
