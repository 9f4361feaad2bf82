#include "forecast/hawkes.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <random>

#include "forecast/internal/hawkes_segments.h"
#include "forecast/lbfgs.h"

namespace faultline {
namespace {

using hawkes_internal::SegmentLengths;
using hawkes_internal::ZeroLike;

double Step(const HawkesParams& p, size_t k) { return k < p.step.size() ? p.step[k] : 1.0; }

}  // namespace

double HawkesLogLikelihoodDirect(const HawkesData& data, const HawkesParams& p, HawkesParams* grad) {
  const size_t dn = p.dimensions(), segs = data.segments(), n = data.times.size();
  const std::vector<double> seg_len = SegmentLengths(data);
  const double beta = p.beta;
  if (grad != nullptr) ZeroLike(p, segs, grad);
  auto segment_of = [&](double t) {
    return static_cast<size_t>(std::upper_bound(data.breaks.begin(), data.breaks.end(), t) - data.breaks.begin());
  };
  double ll = 0;
  for (size_t i = 0; i < n; ++i) {
    const size_t d = data.dims[i], seg = segment_of(data.times[i]);
    double lambda = p.mu[d] * Step(p, seg);
    std::vector<double> a(dn, 0), db(dn, 0);  // sum of e^{-beta u}, and of d/dbeta of beta e^{-beta u}
    for (size_t j = 0; j < i; ++j) {
      const double u = data.times[i] - data.times[j];
      const double w = std::exp(-beta * u);
      a[data.dims[j]] += w;
      db[data.dims[j]] += w - beta * u * w;
    }
    for (size_t k = 0; k < dn; ++k) lambda += p.Alpha(d, k) * beta * a[k];
    if (!(lambda > 0)) return -std::numeric_limits<double>::infinity();
    ll += std::log(lambda);
    if (grad != nullptr) {
      grad->mu[d] += Step(p, seg) / lambda;
      if (seg > 0) grad->step[seg] += p.mu[d] / lambda;
      for (size_t k = 0; k < dn; ++k) {
        grad->alpha[d * dn + k] += beta * a[k] / lambda;
        grad->beta += p.Alpha(d, k) * db[k] / lambda;
      }
    }
  }
  for (size_t d = 0; d < dn; ++d) {
    for (size_t k = 0; k < segs; ++k) {
      ll -= p.mu[d] * Step(p, k) * seg_len[k];
      if (grad != nullptr) {
        grad->mu[d] -= Step(p, k) * seg_len[k];
        if (k > 0) grad->step[k] -= p.mu[d] * seg_len[k];
      }
    }
  }
  for (size_t j = 0; j < n; ++j) {
    const double u = data.end - data.times[j];
    const double w = std::exp(-beta * u);
    for (size_t d = 0; d < dn; ++d) {
      ll -= p.Alpha(d, data.dims[j]) * (1 - w);
      if (grad != nullptr) {
        grad->alpha[d * dn + data.dims[j]] -= 1 - w;
        grad->beta -= p.Alpha(d, data.dims[j]) * u * w;
      }
    }
  }
  return ll;
}

namespace {

// Power iteration on alpha + I, given v -> alpha v: the Perron root of
// alpha + I is rho(alpha) + 1, and the shift makes the iteration converge for
// periodic (imprimitive) matrices.
template <class Apply>
double PerronRoot(size_t dn, Apply apply) {
  if (dn == 0) return 0;
  std::vector<double> v(dn, 1.0 / static_cast<double>(dn)), w(dn);
  double rho = 0;
  for (int it = 0; it < 5000; ++it) {
    apply(v, &w);
    double norm = 0;
    for (size_t d = 0; d < dn; ++d) {
      w[d] += v[d];
      norm += w[d];
    }
    const double next = norm - 1;  // v sums to 1
    for (size_t d = 0; d < dn; ++d) v[d] = w[d] / norm;
    if (it > 10 && std::fabs(next - rho) < 1e-13 * std::max(1.0, next)) return next;
    rho = next;
  }
  return rho;
}

}  // namespace

double BranchingRatio(const HawkesParams& p) {
  const size_t dn = p.dimensions();
  return PerronRoot(dn, [&](const std::vector<double>& v, std::vector<double>* w) {
    for (size_t d = 0; d < dn; ++d) {
      double s = 0;
      for (size_t k = 0; k < dn; ++k) s += p.Alpha(d, k) * v[k];
      (*w)[d] = s;
    }
  });
}

double BranchingRatio(const HawkesSharedParams& p) {
  const size_t dn = p.dimensions();
  if (dn < 2) return dn == 1 ? p.self[0] : 0;
  const double cp = p.cross / static_cast<double>(dn - 1);
  return PerronRoot(dn, [&](const std::vector<double>& v, std::vector<double>* w) {
    double total = 0;
    for (double x : v) total += x;
    for (size_t d = 0; d < dn; ++d) (*w)[d] = p.self[d] * v[d] + cp * (total - v[d]);
  });
}

Result<HawkesFit> FitHawkes(const HawkesData& data, const HawkesFitOptions& options) {
  const size_t dn = data.dimensions, segs = data.segments(), n = data.times.size();
  if (dn == 0) return InvalidArgument("hawkes: no dimensions");
  if (n == 0) return InvalidArgument("hawkes: no events to fit");
  if (!(data.end > data.start)) return InvalidArgument("hawkes: empty time window");
  for (size_t i = 0; i < n; ++i) {
    if (data.dims[i] >= dn) return InvalidArgument("hawkes: event " + std::to_string(i) + " has dimension out of range");
    if (data.times[i] < data.start || data.times[i] >= data.end) {
      return InvalidArgument("hawkes: event " + std::to_string(i) + " lies outside the window");
    }
    if (i > 0 && data.times[i] < data.times[i - 1]) return InvalidArgument("hawkes: times are not sorted");
  }
  for (size_t k = 0; k < data.breaks.size(); ++k) {
    if (data.breaks[k] <= data.start || data.breaks[k] >= data.end || (k > 0 && data.breaks[k] <= data.breaks[k - 1])) {
      return InvalidArgument("hawkes: segment boundaries must be ascending and inside the window");
    }
  }
  using S = HawkesFitOptions::Structure;
  const bool full = options.structure == S::kFull || (options.structure == S::kAuto && dn <= 12) || dn == 1;
  // Parameter vector (logarithms): mu[D], then alpha (full: D*D; shared: D
  // self + 1 cross), then beta, then steps 1..K-1.
  const size_t n_alpha = full ? dn * dn : dn + 1;
  const size_t i_beta = dn + n_alpha, n_par = i_beta + 1 + (segs - 1);
  std::vector<double> theta(n_par);
  const double span = data.end - data.start;
  std::vector<double> per_dim(dn, 0);
  for (uint32_t d : data.dims) per_dim[d] += 1;
  if (options.start != nullptr && options.start->dimensions() == dn) {
    const HawkesParams& s = *options.start;
    for (size_t d = 0; d < dn; ++d) theta[d] = std::log(std::max(s.mu[d], 1e-10));
    if (full) {
      for (size_t k = 0; k < dn * dn; ++k) theta[dn + k] = std::log(std::max(s.alpha[k], 1e-10));
    } else {
      double cross = 0;
      for (size_t d = 0; d < dn; ++d) {
        theta[dn + d] = std::log(std::max(s.Alpha(d, d), 1e-10));
        for (size_t k = 0; k < dn; ++k) cross += d == k ? 0 : s.Alpha(d, k);
      }
      theta[dn + dn] = std::log(std::max(cross / static_cast<double>(dn), 1e-10));
    }
    theta[i_beta] = std::log(s.beta);
    for (size_t k = 1; k < segs; ++k) theta[i_beta + k] = std::log(k < s.step.size() ? std::max(s.step[k], 1e-10) : 1.0);
  } else {
    for (size_t d = 0; d < dn; ++d) theta[d] = std::log(0.5 * (per_dim[d] + 0.5) / span);
    if (full) {
      for (size_t d = 0; d < dn; ++d) {
        for (size_t k = 0; k < dn; ++k) theta[dn + d * dn + k] = std::log(d == k ? 0.3 : 0.1 / static_cast<double>(dn));
      }
    } else {
      for (size_t d = 0; d < dn; ++d) theta[dn + d] = std::log(0.3);
      theta[dn + dn] = std::log(0.1);
    }
    // Mean delay: a couple of typical gaps between events of one dimension.
    theta[i_beta] = std::log(static_cast<double>(n) / (2.0 * span * static_cast<double>(dn)));
    for (size_t k = 1; k < segs; ++k) theta[i_beta + k] = 0;
  }
  // The full form fills p and g; the shared one sp and sg (O(1) per event).
  HawkesParams p, g;
  HawkesSharedParams sp, sg;
  p.mu.resize(dn);
  p.alpha.assign(dn * dn, 0);
  p.step.assign(segs, 1.0);
  sp.mu.resize(dn);
  sp.self.resize(dn);
  sp.step.assign(segs, 1.0);
  auto unpack = [&](const std::vector<double>& th) {
    if (full) {
      for (size_t d = 0; d < dn; ++d) p.mu[d] = std::exp(th[d]);
      for (size_t k = 0; k < dn * dn; ++k) p.alpha[k] = std::exp(th[dn + k]);
      p.beta = std::exp(th[i_beta]);
      for (size_t k = 1; k < segs; ++k) p.step[k] = std::exp(th[i_beta + k]);
    } else {
      for (size_t d = 0; d < dn; ++d) {
        sp.mu[d] = std::exp(th[d]);
        sp.self[d] = std::exp(th[dn + d]);
      }
      sp.cross = std::exp(th[dn + dn]);
      sp.beta = std::exp(th[i_beta]);
      for (size_t k = 1; k < segs; ++k) sp.step[k] = std::exp(th[i_beta + k]);
    }
  };
  const double scale = 1.0 / static_cast<double>(n);
  const double prior_var = options.step_prior_sd > 0 ? options.step_prior_sd * options.step_prior_sd : 0;
  auto objective = [&](const std::vector<double>& th, std::vector<double>* grad) {
    for (double v : th) {
      if (!(v > -40 && v < 40)) return std::numeric_limits<double>::infinity();
    }
    unpack(th);
    const double ll = full ? HawkesLogLikelihood(data, p, &g) : HawkesSharedLogLikelihood(data, sp, &sg);
    if (!std::isfinite(ll)) return std::numeric_limits<double>::infinity();
    double f = -ll * scale;
    grad->assign(th.size(), 0);
    // Gradients in the logarithms: d/d log x = x d/dx.
    if (full) {
      for (size_t d = 0; d < dn; ++d) (*grad)[d] = -g.mu[d] * p.mu[d] * scale;
      for (size_t k = 0; k < dn * dn; ++k) (*grad)[dn + k] = -g.alpha[k] * p.alpha[k] * scale;
      (*grad)[i_beta] = -g.beta * p.beta * scale;
      for (size_t k = 1; k < segs; ++k) (*grad)[i_beta + k] = -g.step[k] * p.step[k] * scale;
    } else {
      for (size_t d = 0; d < dn; ++d) {
        (*grad)[d] = -sg.mu[d] * sp.mu[d] * scale;
        (*grad)[dn + d] = -sg.self[d] * sp.self[d] * scale;
      }
      (*grad)[dn + dn] = -sg.cross * sp.cross * scale;
      (*grad)[i_beta] = -sg.beta * sp.beta * scale;
      for (size_t k = 1; k < segs; ++k) (*grad)[i_beta + k] = -sg.step[k] * sp.step[k] * scale;
    }
    for (size_t k = 1; k < segs && prior_var > 0; ++k) {
      f += 0.5 * th[i_beta + k] * th[i_beta + k] / prior_var * scale;
      (*grad)[i_beta + k] += th[i_beta + k] / prior_var * scale;
    }
    return f;
  };
  LbfgsOptions lo;
  lo.max_iterations = options.max_iterations;
  lo.tolerance = options.tolerance;
  LbfgsResult r = MinimizeLbfgs(objective, &theta, lo);
  unpack(theta);
  HawkesFit fit;
  if (full) {
    fit.params = p;
    fit.log_likelihood = HawkesLogLikelihood(data, p);
    fit.branching_ratio = BranchingRatio(p);
  } else {
    fit.params = sp.Expand();
    fit.log_likelihood = HawkesSharedLogLikelihood(data, sp);
    fit.branching_ratio = BranchingRatio(sp);
  }
  fit.iterations = r.iterations;
  fit.converged = r.converged;
  return fit;
}

namespace {

// xoshiro256** (Blackman & Vigna 2021, ACM TOMS 47:36), its state filled by
// splitmix64 from the seed: the simulations draw about four numbers per
// event, and this generator is several times cheaper than mt19937_64.
class Xoshiro256 {
 public:
  using result_type = uint64_t;
  explicit Xoshiro256(uint64_t seed) {
    for (uint64_t& w : s_) {
      seed += 0x9E3779B97F4A7C15ull;
      uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
      w = z ^ (z >> 31);
    }
  }
  static constexpr uint64_t min() { return 0; }
  static constexpr uint64_t max() { return ~uint64_t{0}; }
  uint64_t operator()() {
    const uint64_t out = std::rotl(s_[1] * 5, 7) * 9, t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = std::rotl(s_[3], 45);
    return out;
  }

 private:
  uint64_t s_[4];
};

// Draws from a fixed discrete distribution in O(1): Walker's alias method
// as Vose builds it (Vose 1991, IEEE Trans. Softw. Eng. 17:972). The tables
// of several distributions of the same size share one object: distribution
// r uses entries [r n, (r + 1) n).
class AliasTables {
 public:
  // Adds the distribution proportional to w[0..n) (nonnegative, not all 0).
  void Add(const double* w, size_t n) {
    n_ = n;
    const size_t base = prob_.size();
    prob_.resize(base + n);
    alias_.resize(base + n);
    double total = 0;
    for (size_t i = 0; i < n; ++i) total += w[i];
    std::vector<double> scaled(n);
    std::vector<uint32_t> small, large;
    for (size_t i = 0; i < n; ++i) {
      scaled[i] = w[i] * static_cast<double>(n) / total;
      (scaled[i] < 1 ? small : large).push_back(static_cast<uint32_t>(i));
    }
    while (!small.empty() && !large.empty()) {
      const uint32_t s = small.back(), l = large.back();
      small.pop_back();
      prob_[base + s] = scaled[s];
      alias_[base + s] = l;
      scaled[l] -= 1 - scaled[s];
      if (scaled[l] < 1) {
        large.pop_back();
        small.push_back(l);
      }
    }
    // What is left is 1 up to rounding.
    for (const auto* rest : {&large, &small}) {
      for (uint32_t i : *rest) {
        prob_[base + i] = 1;
        alias_[base + i] = i;
      }
    }
  }
  // An index of distribution r, given a uniform u in [0, 1).
  size_t Draw(size_t r, double u) const {
    const double x = u * static_cast<double>(n_);
    const size_t i = std::min(static_cast<size_t>(x), n_ - 1);
    const size_t at = r * n_ + i;
    return x - static_cast<double>(i) < prob_[at] ? i : alias_[at];
  }

 private:
  size_t n_ = 0;
  std::vector<double> prob_;
  std::vector<uint32_t> alias_;
};

// Offspring of the event queue, generation by generation, within [.., end).
class Brancher {
 public:
  Brancher(const HawkesParams& p, Xoshiro256* rng) : rng_(rng), beta_(p.beta) {
    const size_t dn = p.dimensions();
    col_sum_.assign(dn, 0);
    col_exp_.assign(dn, 0);
    std::vector<double> column(dn);
    for (size_t k = 0; k < dn; ++k) {
      double c = 0;
      for (size_t d = 0; d < dn; ++d) {
        column[d] = p.Alpha(d, k);
        c += column[d];
      }
      col_sum_[k] = c;
      col_exp_[k] = std::exp(-c);
      if (c == 0) column.assign(dn, 1);  // never drawn from: no children
      children_.Add(column.data(), dn);
    }
  }
  // Picks the dimension a child of an event in `from` lands in.
  size_t ChildDim(size_t from) { return children_.Draw(from, Uniform()); }
  double Uniform() { return static_cast<double>((*rng_)() >> 11) * 0x1.0p-53; }
  int64_t Poisson(double mean) { return mean <= 10 ? SmallPoisson(mean, std::exp(-mean)) : LargePoisson(mean); }
  // An exponential delay: -log(1 - u) / beta with u in [0, 1).
  double Delay() { return -std::log(1 - Uniform()) / beta_; }
  // Adds to `events` (time, dim) all descendants of events[from..] before `end`.
  bool Expand(std::vector<std::pair<double, uint32_t>>* events, size_t from, double end, size_t max_events) {
    for (size_t i = from; i < events->size(); ++i) {
      const auto [t, d] = (*events)[i];
      const double m = col_sum_[d];
      const int64_t kids = m <= 10 ? SmallPoisson(m, col_exp_[d]) : LargePoisson(m);
      for (int64_t c = 0; c < kids; ++c) {
        const double tc = t + Delay();
        if (tc >= end) continue;
        events->emplace_back(tc, static_cast<uint32_t>(ChildDim(d)));
        if (events->size() > max_events) return false;
      }
    }
    return true;
  }

 private:
  // Poisson(mean) by inversion (Devroye 1986, Non-Uniform Random Variate
  // Generation, sec. X.3.2): one uniform, about 1 + mean steps; exp_mean =
  // e^{-mean}, kept per dimension by the caller. For means up to 10.
  int64_t SmallPoisson(double mean, double exp_mean) {
    if (mean <= 0) return 0;
    const double u = Uniform();
    double p = exp_mean, cdf = p;
    int64_t k = 0;
    while (u >= cdf && k < 200) {  // the cap only guards against rounding in the far tail
      ++k;
      p *= mean / static_cast<double>(k);
      cdf += p;
    }
    return k;
  }
  int64_t LargePoisson(double mean) {
    std::poisson_distribution<int64_t> dist(mean);
    return dist(*rng_);
  }

  Xoshiro256* rng_;
  double beta_;
  std::vector<double> col_sum_, col_exp_;
  AliasTables children_;  // per source dimension: where its children land
};

}  // namespace

Result<HawkesData> SimulateHawkes(const HawkesParams& p, double start, double end, const std::vector<double>& breaks,
                                  uint64_t seed, size_t max_events) {
  const size_t dn = p.dimensions();
  Xoshiro256 rng(seed);
  Brancher br(p, &rng);
  std::vector<std::pair<double, uint32_t>> events;
  double from = start;
  for (size_t k = 0; k <= breaks.size(); ++k) {
    const double to = k < breaks.size() ? breaks[k] : end;
    for (size_t d = 0; d < dn; ++d) {
      const int64_t n = br.Poisson(p.mu[d] * Step(p, k) * (to - from));
      for (int64_t i = 0; i < n; ++i) events.emplace_back(from + br.Uniform() * (to - from), static_cast<uint32_t>(d));
    }
    from = to;
  }
  if (events.size() > max_events || !br.Expand(&events, 0, end, max_events)) {
    return FailedPrecondition("hawkes simulation passed " + std::to_string(max_events) +
                              " events: the process is explosive (branching ratio >= 1?)");
  }
  std::sort(events.begin(), events.end());
  HawkesData out;
  out.dimensions = dn;
  out.start = start;
  out.end = end;
  out.breaks = breaks;
  out.times.reserve(events.size());
  out.dims.reserve(events.size());
  for (const auto& [t, d] : events) {
    out.times.push_back(t);
    out.dims.push_back(d);
  }
  return out;
}

Result<std::vector<std::vector<int32_t>>> SimulateForward(const HawkesData& history, const HawkesParams& p,
                                                          const std::vector<double>& edges, size_t samples,
                                                          uint64_t seed, size_t max_events) {
  const size_t dn = p.dimensions();
  if (edges.size() < 2) return InvalidArgument("hawkes forecast: need at least one bin");
  const size_t bins = edges.size() - 1;
  const double t0 = history.end, t_end = edges.back();
  // What the history still has to give: for each source dimension,
  // sum_j e^{-beta (t0 - t_j)}; an event's remaining offspring in d are
  // Poisson(alpha[d][d'] e^{-beta (t0 - t_j)}) at t0 + Exp(beta).
  std::vector<double> left(dn, 0);
  for (size_t i = 0; i < history.times.size(); ++i) left[history.dims[i]] += std::exp(-p.beta * (t0 - history.times[i]));
  std::vector<double> inherited(dn, 0);
  for (size_t d = 0; d < dn; ++d) {
    for (size_t k = 0; k < dn; ++k) inherited[d] += p.Alpha(d, k) * left[k];
  }
  const double level = Step(p, history.segments() - 1);
  // The background and the history's offspring as one Poisson total each,
  // split over dimensions by their shares (a Poisson process's
  // superposition): two draws per sample instead of 2 D.
  double bg = 0, inh = 0;
  for (size_t d = 0; d < dn; ++d) {
    bg += p.mu[d] * level * (t_end - t0);
    inh += inherited[d];
  }
  AliasTables shares;  // 0: background, 1: inherited (unused when their total is 0)
  const std::vector<double> even(dn, 1);
  shares.Add(bg > 0 ? p.mu.data() : even.data(), dn);
  shares.Add(inh > 0 ? inherited.data() : even.data(), dn);
  Xoshiro256 rng(seed);
  Brancher br(p, &rng);
  std::vector<std::vector<int32_t>> out(samples, std::vector<int32_t>(dn * bins, 0));
  std::vector<std::pair<double, uint32_t>> events;
  for (size_t s = 0; s < samples; ++s) {
    events.clear();
    const int64_t nb = bg > 0 ? br.Poisson(bg) : 0;
    for (int64_t i = 0; i < nb; ++i) {
      const size_t d = shares.Draw(0, br.Uniform());
      events.emplace_back(t0 + br.Uniform() * (t_end - t0), static_cast<uint32_t>(d));
    }
    const int64_t nh = inh > 0 ? br.Poisson(inh) : 0;
    for (int64_t i = 0; i < nh; ++i) {
      const size_t d = shares.Draw(1, br.Uniform());
      const double t = t0 + br.Delay();
      if (t < t_end) events.emplace_back(t, static_cast<uint32_t>(d));
    }
    if (events.size() > max_events || !br.Expand(&events, 0, t_end, max_events)) {
      return FailedPrecondition("hawkes forecast passed " + std::to_string(max_events) +
                                " events in one draw: the fitted process is explosive");
    }
    for (const auto& [t, d] : events) {
      if (t < edges[0]) continue;
      size_t b = 0;  // the bin: how many inner edges lie at or before t (no branches)
      for (size_t k = 1; k < bins; ++k) b += t >= edges[k] ? 1 : 0;
      out[s][d * bins + b] += 1;  // events are all before edges[bins]
    }
  }
  return out;
}

}  // namespace faultline
