#include "analysis/changepoint.h"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#if defined(__x86_64__)
#include <immintrin.h>
#endif
#include <iterator>
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

// log k for integers k, tabulated up to a limit (beyond it, std::log).
class LogTable {
 public:
  explicit LogTable(size_t max) : log_(std::min(max, kLimit) + 1, 0.0) {
    for (size_t k = 1; k < log_.size(); ++k) log_[k] = std::log(static_cast<double>(k));
  }
  double operator()(int64_t k) const {
    return static_cast<uint64_t>(k) < log_.size() ? log_[static_cast<size_t>(k)] : std::log(static_cast<double>(k));
  }
  const double* data() const { return log_.data(); }
  size_t size() const { return log_.size(); }
  // PoissonSegmentCost(sum, len) for sum >= 0, same arithmetic (0 for 0).
  double Cost(int64_t sum, int64_t len) const {
    const double s = static_cast<double>(sum);
    return 2 * s * (1 + (*this)(len) - (*this)(sum));
  }

 private:
  static constexpr size_t kLimit = size_t{1} << 21;  // 16 MiB at most
  std::vector<double> log_;
};

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
  return 2 * sum * (1 + std::log(len) - std::log(sum));  // = -2 [S log(S/L) - S]
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

namespace {
[[gnu::always_inline]] inline Segmentation PeltBody(std::span<const int64_t> y, double penalty, size_t min_segment) {
  const size_t n = y.size();
  min_segment = std::max<size_t>(min_segment, 1);
  std::vector<int64_t> s(n + 1, 0);  // integer prefix sums: segment sums are exact
  for (size_t i = 0; i < n; ++i) s[i + 1] = s[i] + y[i];
  // log k for the integers segment sums and lengths take (std::log's own
  // values, so costs are bit for bit those of PoissonSegmentCost).
  const LogTable log_of(static_cast<size_t>(std::max<int64_t>(static_cast<int64_t>(n), s[n])));
  std::vector<double> f(n + 1, kInf);
  std::vector<size_t> last(n + 1, 0);
  f[0] = -penalty;
  // Without negative counts the prefix sums never fall, so the first
  // candidate has the largest sum and length.
  const bool monotone = std::none_of(y.begin(), y.end(), [](int64_t v) { return v < 0; });
  const double* log_tab = log_of.data();
  const int64_t log_max = static_cast<int64_t>(log_of.size()) - 1;
  std::vector<double> log_len, log_sum;
  // The candidate set, ascending, as parallel arrays: the change before the
  // segment (tau), F(tau), the prefix sum at tau, and the step from which
  // tau is no longer a candidate. Compacted in place once per step.
  std::vector<size_t> cand, dead;
  std::vector<double> cand_f, value;
  std::vector<int64_t> cand_s;
  for (auto* v : {&cand, &dead}) v->reserve(256);
  for (auto* v : {&cand_f, &value}) v->reserve(256);
  cand_s.reserve(256);
  size_t next_expiry = SIZE_MAX;  // the smallest dead[i] below SIZE_MAX
  for (size_t t = 1; t <= n; ++t) {
    if (t >= min_segment) {
      size_t tau = t - min_segment;
      if ((tau == 0 || tau >= min_segment) && f[tau] != kInf) {
        cand.push_back(tau);
        dead.push_back(SIZE_MAX);
        cand_f.push_back(f[tau]);
        cand_s.push_back(s[tau]);
      }
    }
    const size_t m = cand.size();
    if (m == 0) continue;
    value.resize(m);
    const int64_t st = s[t];
    if (monotone && st - cand_s[0] <= log_max && static_cast<int64_t>(t - cand[0]) <= log_max) {
      // Every sum and length is in the table (the first candidate has the
      // largest): the look-ups apart, then the arithmetic, which vectorises.
      log_len.resize(m);
      log_sum.resize(m);
      for (size_t i = 0; i < m; ++i) {
        log_len[i] = log_tab[t - cand[i]];
        log_sum[i] = log_tab[st - cand_s[i]];
      }
      for (size_t i = 0; i < m; ++i) {  // LogTable::Cost's arithmetic, in its order
        const double sum = static_cast<double>(st - cand_s[i]);
        value[i] = cand_f[i] + 2 * sum * (1 + log_len[i] - log_sum[i]);
      }
    } else {
      for (size_t i = 0; i < m; ++i) {
        const int64_t sum = std::max<int64_t>(st - cand_s[i], 0);  // log_of(0) = 0: an empty sum costs 0
        value[i] = cand_f[i] + log_of.Cost(sum, static_cast<int64_t>(t - cand[i]));
      }
    }
    // The smallest F(tau) + C(tau..t) + penalty, and the first tau reaching
    // it (rounding is monotone, so the minimum of the sums is the minimum
    // value plus the penalty). Four running minima break the dependency chain.
    double lo[4] = {kInf, kInf, kInf, kInf};
    size_t i = 0;
    for (; i + 4 <= m; i += 4) {
      for (size_t j = 0; j < 4; ++j) lo[j] = value[i + j] < lo[j] ? value[i + j] : lo[j];
    }
    for (; i < m; ++i) lo[0] = value[i] < lo[0] ? value[i] : lo[0];
    const double best = std::min(std::min(lo[0], lo[1]), std::min(lo[2], lo[3])) + penalty;
    size_t arg = 0;
    while (value[arg] + penalty != best) ++arg;
    f[t] = best;
    last[t] = cand[arg];
    // Prune tau that can never be optimal again (Killick et al. 2012, eq. 4,
    // K = 0 for a likelihood cost): F(tau) + C(tau..t) > F(t) means a change
    // at t beats tau for every end s at which t may start a segment, that is
    // s >= t + min_segment; until then tau stays. The slack keeps ties and
    // rounding exact.
    const double bound = best + 1e-9 * (1 + std::fabs(best));
    size_t over = 0;
    for (i = 0; i < m; ++i) over += value[i] > bound;
    if (over == 0 && next_expiry > t + 1) continue;  // nothing to drop: most steps
    size_t k = 0;
    next_expiry = SIZE_MAX;
    for (i = 0; i < m; ++i) {
      const size_t d = value[i] > bound ? std::min(dead[i], t + min_segment) : dead[i];
      if (d <= t + 1) continue;
      cand[k] = cand[i];
      dead[k] = d;
      cand_f[k] = cand_f[i];
      cand_s[k] = cand_s[i];
      next_expiry = std::min(next_expiry, d);
      ++k;
    }
    cand.resize(k);
    dead.resize(k);
    cand_f.resize(k);
    cand_s.resize(k);
  }
  if (n > 0 && f[n] == kInf) {
    f[n] = PoissonSegmentCost(static_cast<double>(s[n]), static_cast<double>(n));
    last[n] = 0;
  }
  return Backtrack(last, f, n, penalty);
}
}  // namespace

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

namespace {

// exp(x) in plain arithmetic that compilers vectorise: Cody-Waite reduction
// (fdlibm's split of ln 2) to r in [-ln2/2, ln2/2], a degree-13 Taylor
// polynomial (truncation below 1e-17 relative there), then the exponent
// set from the rounded multiple of ln 2. Within 1 ulp of std::exp (checked
// over [-708, 10] in the tests) for -708 <= x <= 709; 0 where exp(x) would
// be subnormal. No branches, so no min/max either: |x| < 2^50 is assumed.
[[gnu::always_inline]] inline double VectorExp(double x) {
  constexpr double kShift = 0x1.8p52;  // adding it rounds to an integer kept in the low mantissa bits
  const double kd = x * 1.4426950408889634 + kShift;
  const double k = kd - kShift;
  const double r = (x - k * 6.93147180369123816490e-01) - k * 1.90821492927058770002e-10;
  double q = 1.0 / 6227020800.0;  // 1/13!
  q = q * r + 1.0 / 479001600.0;
  q = q * r + 1.0 / 39916800.0;
  q = q * r + 1.0 / 3628800.0;
  q = q * r + 1.0 / 362880.0;
  q = q * r + 1.0 / 40320.0;
  q = q * r + 1.0 / 5040.0;
  q = q * r + 1.0 / 720.0;
  q = q * r + 1.0 / 120.0;
  q = q * r + 1.0 / 24.0;
  q = q * r + 1.0 / 6.0;
  q = q * r + 0.5;
  q = q * r + 1.0;
  q = q * r + 1.0;
  const int64_t ki = std::bit_cast<int64_t>(kd) - std::bit_cast<int64_t>(kShift);
  const int64_t under = (ki + 1022) >> 63;  // all ones when exp(x) < 2^-1022
  // Unsigned: the sum wraps (defined) where x is out of range and the
  // value is then meaningless anyway; signed overflow would be undefined.
  const uint64_t bits = std::bit_cast<uint64_t>(q) + (static_cast<uint64_t>(ki) << 52);
  return std::bit_cast<double>(bits & ~static_cast<uint64_t>(under));
}

// A double's bits as an integer that orders as the doubles do (NaN aside):
// integer maxima vectorise where floating-point ones do not without
// fast-math.
[[gnu::always_inline]] inline int64_t OrderKey(double v) {
  const int64_t b = std::bit_cast<int64_t>(v);
  return b ^ ((b >> 63) & INT64_MAX);
}
[[gnu::always_inline]] inline double FromOrderKey(int64_t k) { return std::bit_cast<double>(k ^ ((k >> 63) & INT64_MAX)); }

// The BOCPD recursion over y (Adams & MacKay 2007, algorithm 1), with the
// run length capped. In each step the joint mass of run length r and y_t
// is p[r] x predictive(y_t | run r); the Poisson-Gamma predictive is a
// negative binomial: log Gamma(a + x) - log Gamma(a) - log x! +
// a log(b / (b + 1)) - x log(b + 1), with a = alpha + (the run's sum),
// b = beta + r; lg[k] = log Gamma(alpha + k) (every k reached is tabulated).
struct BocpdInputs {
  std::span<const int64_t> y;
  const int64_t* prefix;  // prefix[t] = y_0 + ... + y_{t-1} (negatives as 0)
  const double* prefix_d;
  const double* lg;
  const double* log_q;   // log(b / (b + 1)) by run length
  const double* log_b1;  // log(b + 1)
  size_t cap;
  double alpha, hazard;
};
// Appends step t's results: P(run length 0), which is the hazard whatever
// came before; the MAP run length `map` (log_p[r] is the run length after
// y_t: r observations in the current run, counting y_t when r >= 1, so this
// is the number of observations in the run) and its log posterior
// `map_log_p`; and a change point where the MAP run length restarted since
// the step before (`prev_map`).
[[gnu::always_inline]] inline void RecordStep(BocpdResult& out, size_t t, size_t map, double map_log_p,
                                              size_t prev_map, double hazard) {
  out.change_probability.push_back(hazard);
  out.map_run_length.push_back(map);
  out.map_log_probability.push_back(map_log_p);
  if (t > 0 && map + 1 < prev_map && map <= t) {
    const size_t start = t + 1 - map;  // first observation of the new run
    if (start > 0 && (out.changepoints.empty() || out.changepoints.back() != start)) {
      out.changepoints.push_back(start);
    }
  }
}

template <bool kTabulated>
[[gnu::always_inline]] inline void BocpdBody(const BocpdInputs& in, BocpdResult& out) {
  const size_t n = in.y.size(), cap = in.cap;
  // A hazard of exactly 0 or 1 would put -inf in the logs: nudged to a
  // finite, immeasurably different one.
  const double alpha = in.alpha, log_h = std::log(std::clamp(in.hazard, 1e-300, 1.0)),
               log_1mh = std::log1p(-std::clamp(in.hazard, 0.0, 1 - 1e-16));
  std::vector<double> lpv(cap + 1, 0), ljv(cap + 1, 0), mv(cap + 1, 0);
  // Logs throughout: a probability too small for a double is still ordered
  // and carried, so no spike in the counts can underflow every run length.
  double* __restrict log_p = lpv.data();  // run-length posterior after y_{t-1}
  double* __restrict lj = ljv.data();     // log joint of run length and y_t
  double* __restrict m = mv.data();       // that joint over its largest value
  const int64_t* __restrict prefix = in.prefix;
  const double* __restrict prefix_d = in.prefix_d;
  const double* __restrict lg = in.lg;
  const double* __restrict log_q = in.log_q;
  const double* __restrict log_b1 = in.log_b1;
  size_t live = 1;  // run lengths 0..live-1 hold mass
  size_t prev_map = 0;
  for (size_t t = 0; t < n; ++t) {
    const int64_t x = std::max<int64_t>(in.y[t], 0);
    const double xd = static_cast<double>(x);
    const double lfact = std::lgamma(xd + 1);
    // The run of length r before y_t holds y_{t-r}..y_{t-1} (live <= t + 1).
    // The table look-ups first (gathers, which compilers tuned for current
    // CPUs do not emit), then the arithmetic, which vectorises.
    const int64_t pt = prefix[t];
    const double pt_d = prefix_d[t];
    if constexpr (kTabulated) {
      for (size_t r = 0; r < live; ++r) {
        const int64_t run_sum = pt - prefix[t - r];
        lj[r] = lg[run_sum + x] - lg[run_sum];
      }
    } else {
      for (size_t r = 0; r < live; ++r) {
        const double a = alpha + (pt_d - prefix_d[t - r]);
        lj[r] = std::lgamma(a + xd) - std::lgamma(a);
      }
    }
    int64_t top_key = INT64_MIN;
    for (size_t r = 0; r < live; ++r) {
      lj[r] += log_p[r] - lfact + (alpha + (pt_d - prefix_d[t - r])) * log_q[r] - xd * log_b1[r];
      top_key = std::max(top_key, OrderKey(lj[r]));
    }
    const double top = FromOrderKey(top_key);
    for (size_t r = 0; r < live; ++r) m[r] = VectorExp(lj[r] - top);
    // Four partial sums overlap (and vectorise) without reassociating one chain.
    double part[4] = {0, 0, 0, 0};
    size_t r4 = 0;
    for (; r4 + 4 <= live; r4 += 4) {
      for (size_t j = 0; j < 4; ++j) part[j] += m[r4 + j];
    }
    for (; r4 < live; ++r4) part[0] += m[r4];
    const double mass = (part[0] + part[1]) + (part[2] + part[3]);  // >= 1: the top term is 1
    // Every run grows by one with probability 1 - h (the cap absorbs what
    // would pass it); a new run starts with the hazard's share. The total
    // joint mass is top + log(mass).
    const double shift = log_1mh - top - std::log(mass);
    if (live > cap) {  // merge run lengths cap - 1 and cap (log-add-exp)
      const double hi = std::max(lj[cap - 1], lj[cap]), lo = std::min(lj[cap - 1], lj[cap]);
      lj[cap - 1] = hi + std::log1p(std::exp(lo - hi));
    }
    const size_t grown = std::min(live, cap);
    for (size_t r = grown; r-- > 0;) log_p[r + 1] = lj[r] + shift;
    log_p[0] = log_h;
    live = std::min(live + 1, cap + 1);
    // The first most probable run length.
    top_key = INT64_MIN;
    for (size_t r = 0; r < live; ++r) top_key = std::max(top_key, OrderKey(log_p[r]));
    size_t map = 0;
    while (OrderKey(log_p[map]) != top_key) ++map;
    RecordStep(out, t, map, log_p[map], prev_map, in.hazard);
    prev_map = map;
  }
}
// GCC/Clang vector types for the one-pass step (BocpdSlots), L doubles
// wide: one register of the variant's (8 lanes AVX-512, 4 AVX2, 2 SSE2 or
// NEON for the portable code). Every function taking or returning them is
// inlined, so GCC's note that their calling convention depends on the
// target does not apply (silenced in CMakeLists.txt: a pragma does not
// reach it).
template <int L>
struct Lanes;
template <>
struct Lanes<8> {
  typedef double D __attribute__((vector_size(64)));
  typedef int64_t I __attribute__((vector_size(64)));
};
template <>
struct Lanes<4> {
  typedef double D __attribute__((vector_size(32)));
  typedef int64_t I __attribute__((vector_size(32)));
};
template <>
struct Lanes<2> {
  typedef double D __attribute__((vector_size(16)));
  typedef int64_t I __attribute__((vector_size(16)));
};
// The lane width of each variant's step.
template <BocpdIsa kIsa>
constexpr int kStepLanes = kIsa == BocpdIsa::kAvx512 ? 8
                           : kIsa == BocpdIsa::kAvx2 ? 4
                                                     : 2;

template <typename V, typename T>
[[gnu::always_inline]] inline V LoadLanes(const T* p) {
  V v;
  __builtin_memcpy(&v, p, sizeof v);
  return v;
}
template <typename V, typename T>
[[gnu::always_inline]] inline void StoreLanes(T* p, V v) {
  __builtin_memcpy(p, &v, sizeof v);
}
// {0, 1, ..., L - 1}.
template <int L>
[[gnu::always_inline]] inline typename Lanes<L>::I LaneIndex() {
  typename Lanes<L>::I lane{};
  for (int j = 0; j < L; ++j) lane[j] = j;
  return lane;
}

constexpr double kLog2E = 1.4426950408889634;
constexpr double kNegligible = 30;  // exp(-30) relative to the stabiliser's 1: see AddExp
constexpr size_t kBlock = 16;       // slots per block of the pass (and per test for "negligible")
// 2^f for |f| <= 1/2, highest power first: a degree-5 minimax polynomial
// (relative error 7.5e-8, coefficients from a Remez fit).
constexpr float kExp2Poly[] = {0x1.5c08e6p-10f, 0x1.3d0c52p-7f, 0x1.c6b6e4p-5f,
                               0x1.ebf918p-3f,  0x1.62e428p-1f, 0x1.000002p+0f};

// e[0..16) = exp(v[j] - ref) as floats (then doubles), or false where all
// 16 are below ref - 30 (AddExp). 2^t with t = (v - ref) log2 e (clamped
// below at -124: 2^-124 = 4.7e-38 is nothing beside the 1 the sum holds),
// t = k + f with k the nearest integer and |f| <= 1/2; 2^f by kExp2Poly,
// then scaled by 2^k. Relative error below 2.5e-7 with the float
// rounding (2.3e-7 measured against exp2 over [-120, 87]). ExpAvx2 and
// ExpPortable below do the same operations in the same order, so every
// variant gets the same bits (for v - ref <= 60, which is all a step keeps:
// see BocpdSlots). Each is a function of its own for the target's
// instructions, inlined into its variant's step by the step's `flatten`
// (memory, not vectors, in the interface: an unoptimised build that calls
// it is still right).
[[gnu::target("avx512f,avx512dq,avx512vl")]] inline bool ExpAvx512(const double* v, double ref, double* e) {
  const __m512d r = _mm512_set1_pd(ref), lim = _mm512_set1_pd(-kNegligible), l2e = _mm512_set1_pd(kLog2E);
  const __m512d d0 = _mm512_sub_pd(_mm512_loadu_pd(v), r), d1 = _mm512_sub_pd(_mm512_loadu_pd(v + 8), r);
  if ((_mm512_cmp_pd_mask(d0, lim, _CMP_GE_OQ) | _mm512_cmp_pd_mask(d1, lim, _CMP_GE_OQ)) == 0) return false;
  // (The maskz forms with every lane kept: GCC 12's plain forms start from
  // an "undefined" register that -Wmaybe-uninitialized reports.)
  constexpr __mmask8 k8 = 0xff;
  constexpr __mmask16 k16 = 0xffff;
  __m512 t = _mm512_maskz_insertf32x8(k16, _mm512_castps256_ps512(_mm512_maskz_cvtpd_ps(k8, _mm512_mul_pd(d0, l2e))),
                                      _mm512_maskz_cvtpd_ps(k8, _mm512_mul_pd(d1, l2e)), 1);
  t = _mm512_maskz_max_ps(k16, t, _mm512_set1_ps(-124.0f));
  const __m512 k = _mm512_maskz_roundscale_ps(k16, t, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  const __m512 f = _mm512_sub_ps(t, k);
  __m512 p = _mm512_set1_ps(kExp2Poly[0]);
  for (size_t i = 1; i < std::size(kExp2Poly); ++i)
    p = _mm512_add_ps(_mm512_mul_ps(p, f), _mm512_set1_ps(kExp2Poly[i]));
  p = _mm512_maskz_scalef_ps(k16, p, k);
  _mm512_storeu_pd(e, _mm512_maskz_cvtps_pd(k8, _mm512_maskz_extractf32x8_ps(k8, p, 0)));
  _mm512_storeu_pd(e + 8, _mm512_maskz_cvtps_pd(k8, _mm512_maskz_extractf32x8_ps(k8, p, 1)));
  return true;
}
// ExpAvx512 in 8 float lanes: t clamped to [-124, 127] before the
// conversion to float (the same float: -124 is one, and rounding is
// monotone; above 127, where the exponent add below would overflow, only in
// a sum the step throws away), k by roundps, 2^k added to the exponent
// bits (the result is normal: 2^-124 x 0.7 at the least).
[[gnu::target("avx2,fma")]] inline bool ExpAvx2(const double* v, double ref, double* e) {
  const __m256d r = _mm256_set1_pd(ref), lim = _mm256_set1_pd(-kNegligible), l2e = _mm256_set1_pd(kLog2E);
  const __m256d lo = _mm256_set1_pd(-124.0), hi = _mm256_set1_pd(127.0);
  __m256d d[4];
  int any = 0;
  for (int i = 0; i < 4; ++i) {
    d[i] = _mm256_sub_pd(_mm256_loadu_pd(v + 4 * i), r);
    any |= _mm256_movemask_pd(_mm256_cmp_pd(d[i], lim, _CMP_GE_OQ));
  }
  if (any == 0) return false;
  for (int h = 0; h < 2; ++h) {
    const __m128 t0 = _mm256_cvtpd_ps(_mm256_min_pd(_mm256_max_pd(_mm256_mul_pd(d[2 * h], l2e), lo), hi));
    const __m128 t1 = _mm256_cvtpd_ps(_mm256_min_pd(_mm256_max_pd(_mm256_mul_pd(d[2 * h + 1], l2e), lo), hi));
    const __m256 t = _mm256_set_m128(t1, t0);
    const __m256 k = _mm256_round_ps(t, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    const __m256 f = _mm256_sub_ps(t, k);
    __m256 p = _mm256_set1_ps(kExp2Poly[0]);
    for (size_t i = 1; i < std::size(kExp2Poly); ++i)
      p = _mm256_add_ps(_mm256_mul_ps(p, f), _mm256_set1_ps(kExp2Poly[i]));
    const __m256i scaled = _mm256_add_epi32(_mm256_castps_si256(p), _mm256_slli_epi32(_mm256_cvtps_epi32(k), 23));
    p = _mm256_castsi256_ps(scaled);
    _mm256_storeu_pd(e + 8 * h, _mm256_cvtps_pd(_mm256_castps256_ps128(p)));
    _mm256_storeu_pd(e + 8 * h + 4, _mm256_cvtps_pd(_mm256_extractf128_ps(p, 1)));
  }
  return true;
}
// ExpAvx2 in plain arithmetic (which compilers vectorise): k by adding and
// subtracting 1.5 x 2^23, which rounds to the nearest, ties to even, as
// roundscale and roundps do.
inline bool ExpPortable(const double* v, double ref, double* e) {
  double d[kBlock];
  bool any = false;
  for (size_t j = 0; j < kBlock; ++j) {
    d[j] = v[j] - ref;
    any |= d[j] >= -kNegligible;
  }
  if (!any) return false;
  for (size_t j = 0; j < kBlock; ++j) {
    double td = d[j] * kLog2E;
    td = td < -124.0 ? -124.0 : td;
    td = td > 127.0 ? 127.0 : td;
    const float t = static_cast<float>(td);
    constexpr float kShift = 0x1.8p23f;
    const float kd = t + kShift;
    const float f = t - (kd - kShift);
    float p = kExp2Poly[0];
    for (size_t i = 1; i < std::size(kExp2Poly); ++i) p = p * f + kExp2Poly[i];
    const uint32_t k = std::bit_cast<uint32_t>(kd) - std::bit_cast<uint32_t>(kShift);  // two's complement of k
    e[j] = static_cast<double>(std::bit_cast<float>(std::bit_cast<uint32_t>(p) + (k << 23)));
  }
  return true;
}

// Adds exp(v[j] - ref) for a block of 16 lanes to 16 partial sums in double
// (16 / L vectors: independent chains, so the adds overlap; partial j takes
// lane j of every block, in every variant). Where all 16 are below
// ref - 30, nothing is added: the sum holds 1 for ref itself, and e^-30 =
// 9.4e-14, so even all of the at most 501 terms so skipped are less than
// 5e-11 of it, far under the float exponentials' own 2.5e-7 (no run length
// is dropped: every slot is still updated exactly; only its share of the
// normaliser is taken as 0). Run lengths older than the current run are
// mostly that far down: about half the blocks on the benchmark's series.
template <BocpdIsa kIsa>
[[gnu::always_inline]] inline void AddExp(const double* v, double ref, typename Lanes<kStepLanes<kIsa>>::D* sums) {
  constexpr int L = kStepLanes<kIsa>;
  double e[kBlock];
  bool any;
  if constexpr (kIsa == BocpdIsa::kAvx512) {
    any = ExpAvx512(v, ref, e);
  } else if constexpr (kIsa == BocpdIsa::kAvx2) {
    any = ExpAvx2(v, ref, e);
  } else {
    any = ExpPortable(v, ref, e);
  }
  if (!any) return;
  for (size_t i = 0; i < kBlock / L; ++i) sums[i] += LoadLanes<typename Lanes<L>::D>(e + i * L);
}
// The normaliser from AddExp's partial sums: lanes j and j + 8 first (as
// two AVX-512 registers add), then a tree.
template <int L>
[[gnu::always_inline]] inline double SumOfPartials(const typename Lanes<L>::D* sums) {
  double p[kBlock];
  for (size_t i = 0; i < kBlock / L; ++i) StoreLanes(p + i * L, sums[i]);
  double q[8];
  for (size_t j = 0; j < 8; ++j) q[j] = p[j] + p[j + 8];
  return ((q[0] + q[1]) + (q[2] + q[3])) + ((q[4] + q[5]) + (q[6] + q[7]));
}

// lg[sum[j] + x] for the first `count` (<= 8) of 8 slots into dst[0..8),
// by one AVX-512 gather (3x the scalar look-ups' speed on the CPUs that
// have them); lanes from `count` on read nothing. A function of its own for
// the target's instructions, which the shared step cannot name: inlined
// into BocpdAvx512 by its `flatten` (passing memory, not a vector, so that
// an unoptimised build that calls it instead is still right).
[[gnu::target("avx512f,avx512vl")]] inline void GatherLogGamma8(const double* lg, const double* sum, int32_t x,
                                                                size_t count, double* dst) {
  const __mmask8 mask = static_cast<__mmask8>((1u << count) - 1);
  const __m256i idx = _mm256_add_epi32(_mm512_maskz_cvttpd_epi32(mask, _mm512_loadu_pd(sum)), _mm256_set1_epi32(x));
  _mm512_storeu_pd(dst, _mm512_mask_i32gather_pd(_mm512_setzero_pd(), mask, idx, lg, 8));
}
// The same for 4 slots by one AVX2 gather (inlined into BocpdAvx2).
[[gnu::target("avx2,fma")]] inline void GatherLogGamma4(const double* lg, const double* sum, int32_t x, size_t count,
                                                        double* dst) {
  const __m256i keep =
      _mm256_cmpgt_epi64(_mm256_set1_epi64x(static_cast<int64_t>(count)), _mm256_set_epi64x(3, 2, 1, 0));
  const __m128i idx = _mm_add_epi32(_mm256_cvttpd_epi32(_mm256_loadu_pd(sum)), _mm_set1_epi32(x));
  _mm256_storeu_pd(dst, _mm256_mask_i32gather_pd(_mm256_setzero_pd(), lg, idx, _mm256_castsi256_pd(keep), 8));
}
// The variant's gather as a vector; the portable one loads lane by lane
// into the register (through memory, the lanes' stores would not forward
// to the vector's load).
template <BocpdIsa kIsa>
[[gnu::always_inline]] inline typename Lanes<kStepLanes<kIsa>>::D GatherLogGamma(const double* lg, const double* sum,
                                                                                 int32_t x, size_t count) {
  constexpr int L = kStepLanes<kIsa>;
  using V = typename Lanes<L>::D;
  if constexpr (kIsa == BocpdIsa::kPortable) {
    V got{};
    for (int j = 0; j < L; ++j) {
      if (static_cast<size_t>(j) < count) got[j] = lg[static_cast<int64_t>(sum[j]) + x];
    }
    return got;
  } else {
    double got[L];
    if constexpr (kIsa == BocpdIsa::kAvx512) {
      GatherLogGamma8(lg, sum, x, count, got);
    } else {
      GatherLogGamma4(lg, sum, x, count, got);
    }
    return LoadLanes<V>(got);
  }
}

// One step's view of the slots (BocpdSlots).
struct SlotStep {
  double *lj, *g, *s;
  const double *lg, *log_q, *log_b1;
  size_t live;
  int32_t x;
  double alpha, xd, lfact;
};
// One block of L slots from r0: the joint (BocpdBody's arithmetic, in its
// order), stored with the slot's new sum and log Gamma, and the running
// maximum; with `tail`, lanes at or past `live` keep what they held and
// give -inf.
template <BocpdIsa kIsa>
[[gnu::always_inline]] inline typename Lanes<kStepLanes<kIsa>>::D JointBlock(
    const SlotStep& st, size_t r0, typename Lanes<kStepLanes<kIsa>>::D shift_v, bool tail,
    typename Lanes<kStepLanes<kIsa>>::D& best) {
  constexpr int L = kStepLanes<kIsa>;
  using V = typename Lanes<L>::D;
  double* __restrict lj = st.lj + r0;
  double* __restrict g = st.g + r0;
  double* __restrict s = st.s + r0;
  const V lgn = GatherLogGamma<kIsa>(st.lg, s, st.x, !tail ? L : st.live > r0 ? std::min<size_t>(L, st.live - r0) : 0);
  const V gl = LoadLanes<V>(g), ljl = LoadLanes<V>(lj);
  const V sl = LoadLanes<V>(s);
  V v = (lgn - gl) + ((((ljl + shift_v) - st.lfact) + (st.alpha + sl) * LoadLanes<V>(st.log_q + r0)) -
                      st.xd * LoadLanes<V>(st.log_b1 + r0));
  if (tail) {
    const auto valid = LaneIndex<L>() + static_cast<int64_t>(r0) < static_cast<int64_t>(st.live);
    StoreLanes(lj, valid ? v : ljl);
    StoreLanes(g, valid ? lgn : gl);
    StoreLanes(s, valid ? sl + st.xd : sl);
    v = valid ? v : -std::numeric_limits<double>::infinity();
  } else {
    StoreLanes(lj, v);
    StoreLanes(g, lgn);
    StoreLanes(s, sl + st.xd);
  }
  best = v > best ? v : best;
  return v;
}

// The step of every variant (BocpdAvx512, BocpdAvx2, BocpdPortable; the
// intrinsics they inline need their targets): the same recursion as
// BocpdBody<true>, with per-run state instead of prefix sums: the run of
// length r lives in slot head + r, holding its joint from the step before
// (its log posterior less the step's `shift`, which is added where the slot
// is read; run length 0 holds its log posterior itself), its sum (a double:
// exact, and no conversion in the step) and log Gamma(alpha + sum). A step
// moves head down one, so run r's slot becomes run r + 1's in place
// (nothing is copied; the buffer is 8 x (cap + 1) slots and the live ones
// move to its end when head reaches 0), and reads one log Gamma per run
// length (the other is the slot's). One pass over the slots, 16 at a time
// (in vectors of L lanes), gathers the look-ups, computes each joint
// exactly as BocpdBody does (double), its running maximum, and the
// exponentials that normalise: floats (ExpAvx512 and its equals), summed
// in double, relative to a stabiliser known before the pass — the joint of
// the run length that was most probable after the step before, computed
// first. That is normally within a few units of the largest joint; where
// the largest is more than 60 above it (a count far from that run's rate)
// the sum is taken again relative to the largest. The log posterior then
// differs from the all-double recursion by a few 1e-7 at most (the tests
// bound it), which can only swap the most probable run length where two
// are that close. Every variant does the same arithmetic in the same
// order: the same bits on every CPU (the tests check it).
template <BocpdIsa kIsa>
[[gnu::always_inline]] inline void BocpdSlots(const BocpdInputs& in, BocpdResult& out) {
  constexpr int L = kStepLanes<kIsa>;
  using V = typename Lanes<L>::D;
  constexpr size_t kSums = kBlock / L;
  const size_t n = in.y.size(), cap = in.cap, width = cap + 1, size = 8 * width;
  const double alpha = in.alpha, log_h = std::log(std::clamp(in.hazard, 1e-300, 1.0)),
               log_1mh = std::log1p(-std::clamp(in.hazard, 0.0, 1 - 1e-16));
  std::vector<double> ljv(size + kBlock, 0), gv(size + kBlock, 0),
      sv(size + kBlock, 0);  // a block's reach past the end
  const double* __restrict lg = in.lg;
  const double* __restrict log_q = in.log_q;    // width + kBlock entries
  const double* __restrict log_b1 = in.log_b1;  // width + kBlock entries
  size_t head = size - 1, live = 1, prev_map = 0;
  double shift = 0;
  // log x! for the counts that occur, up to 2^16 (std::lgamma's values).
  int64_t max_x = 0;
  for (int64_t v : in.y) max_x = std::max(max_x, v);
  std::vector<double> log_fact(static_cast<size_t>(std::min<int64_t>(max_x, 1 << 16) + 1));
  for (size_t k = 0; k < log_fact.size(); ++k) log_fact[k] = std::lgamma(static_cast<double>(k) + 1);
  ljv[head] = 0;  // run length 0 has probability 1 before y_0
  gv[head] = lg[0];
  constexpr double kMinusInf = -std::numeric_limits<double>::infinity();
  for (size_t t = 0; t < n; ++t) {
    if (head == 0) {  // room for the next run length 0: live slots to the end
      for (auto* v : {&ljv, &gv, &sv}) {
        std::copy_backward(v->begin(), v->begin() + static_cast<std::ptrdiff_t>(live),
                           v->begin() + static_cast<std::ptrdiff_t>(size));
      }
      head = size - live;
    }
    double* __restrict lj = ljv.data() + head;
    double* __restrict g = gv.data() + head;
    double* __restrict s = sv.data() + head;
    const int32_t x = static_cast<int32_t>(std::max<int64_t>(in.y[t], 0));  // tabulated: sums fit
    const double xd = static_cast<double>(x);
    const double lfact = static_cast<size_t>(x) < log_fact.size() ? log_fact[static_cast<size_t>(x)] : std::lgamma(xd + 1);
    // The stabiliser: the joint of the last most probable run length.
    const size_t rr = std::min(prev_map, live - 1);
    const double ref = (lg[static_cast<int32_t>(s[rr]) + x] - g[rr]) +
                       ((((lj[rr] + (rr == 0 ? 0.0 : shift)) - lfact) + (alpha + s[rr]) * log_q[rr]) - xd * log_b1[rr]);
    V best = V{} + kMinusInf, sums[kSums] = {};
    const SlotStep step{lj, g, s, lg, log_q, log_b1, live, x, alpha, xd, lfact};
    const V shift_v = V{} + shift;
    V shift_first = shift_v;
    shift_first[0] = 0;  // run length 0 holds its log posterior
    for (size_t r0 = 0; r0 < live; r0 += kBlock) {
      const bool tail = r0 + kBlock > live;
      double v[kBlock];
      for (size_t i = 0; i < kSums; ++i) {
        StoreLanes(v + i * L, JointBlock<kIsa>(step, r0 + i * L, r0 + i * L == 0 ? shift_first : shift_v, tail, best));
      }
      AddExp<kIsa>(v, ref, sums);
    }
    double top = best[0];
    for (int j = 1; j < L; ++j) top = std::max(top, best[j]);
    double base = ref;
    if (top - ref > 60) {  // exp(top - ref) would overflow a float: again, relative to the largest
      base = top;
      for (V& sum : sums) sum = V{};
      for (size_t r0 = 0; r0 < live; r0 += kBlock) {
        double v[kBlock];
        for (size_t j = 0; j < kBlock; ++j) v[j] = r0 + j < live ? lj[r0 + j] : kMinusInf;
        AddExp<kIsa>(v, top, sums);
      }
    }
    const double mass = SumOfPartials<L>(sums);
    shift = log_1mh - base - std::log(mass);
    if (live > cap) {  // merge run lengths cap - 1 and cap (log-add-exp); at least the two it merges
      const double hi = std::max(lj[cap - 1], lj[cap]), lo = std::min(lj[cap - 1], lj[cap]);
      lj[cap - 1] = hi + std::log1p(std::exp(lo - hi));
      top = std::max(top, lj[cap - 1]);
    }
    const size_t grown = std::min(live, cap);  // slots that become run lengths 1..grown
    // The first most probable run length (rounding is monotone: the largest
    // joint plus the shift is the largest posterior past run length 0),
    // looked for 16 slots at a time.
    size_t map = 0;
    if (log_h < top + shift) {
      const int64_t top_bits = std::bit_cast<int64_t>(top);  // (never 0: no -0 to tell apart)
      size_t r0 = 0;
      for (; r0 + kBlock <= grown; r0 += kBlock) {
        bool hit = false;
        for (size_t j = 0; j < kBlock; ++j) hit |= std::bit_cast<int64_t>(lj[r0 + j]) == top_bits;
        if (hit) break;
      }
      while (std::bit_cast<int64_t>(lj[r0]) != top_bits) ++r0;
      map = r0 + 1;
    }
    // Run r is now run r + 1: one slot down is the new run length 0.
    --head;
    ljv[head] = log_h;
    gv[head] = lg[0];
    sv[head] = 0;
    live = std::min(live + 1, width);
    RecordStep(out, t, map, map == 0 ? log_h : top + shift, prev_map, in.hazard);
    prev_map = map;
  }
}

[[gnu::target("avx512f,avx512dq,avx512vl,avx512bw,avx2,fma,prefer-vector-width=512"), gnu::flatten]] void BocpdAvx512(
    const BocpdInputs& in, BocpdResult& out) {
  BocpdSlots<BocpdIsa::kAvx512>(in, out);
}
[[gnu::target("avx2,fma"), gnu::flatten]] void BocpdAvx2(const BocpdInputs& in, BocpdResult& out) {
  BocpdSlots<BocpdIsa::kAvx2>(in, out);
}
[[gnu::flatten]] void BocpdPortable(const BocpdInputs& in, BocpdResult& out) {
  BocpdSlots<BocpdIsa::kPortable>(in, out);
}
// Counts too large to tabulate log Gamma for every run sum: one lgamma each.
void BocpdUntabulated(const BocpdInputs& in, BocpdResult& out) { BocpdBody<false>(in, out); }

bool HaveAvx512() {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  static const bool have = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
                           __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw");
  return have;
#else
  return false;
#endif
}

bool HaveAvx2() {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  static const bool have = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return have;
#else
  return false;
#endif
}

}  // namespace

namespace {
[[gnu::target("avx2,fma")]] Segmentation PeltAvx2(std::span<const int64_t> y, double penalty, size_t min_segment) {
  return PeltBody(y, penalty, min_segment);
}
[[gnu::target("avx512f,avx512dq,avx512vl,avx512bw,avx2,fma,prefer-vector-width=512")]] Segmentation PeltAvx512(
    std::span<const int64_t> y, double penalty, size_t min_segment) {
  return PeltBody(y, penalty, min_segment);
}
}  // namespace

// The same arithmetic in every variant (no contraction into FMA under
// -std=c++20), so the same result; the wider ones run faster.
Segmentation Pelt(std::span<const int64_t> y, double penalty, size_t min_segment) {
  if (HaveAvx512()) return PeltAvx512(y, penalty, min_segment);
  if (HaveAvx2()) return PeltAvx2(y, penalty, min_segment);
  return PeltBody(y, penalty, min_segment);
}

BocpdResult Bocpd(std::span<const int64_t> y, const BocpdOptions& o) { return Bocpd(y, o, BocpdIsa::kBest); }

BocpdResult Bocpd(std::span<const int64_t> y, const BocpdOptions& o, BocpdIsa isa) {
  const size_t n = y.size(), cap = std::max<size_t>(o.max_run_length, 1);
  BocpdResult out;
  out.change_probability.reserve(n);
  out.map_run_length.reserve(n);
  out.map_log_probability.reserve(n);
  // prefix[t] = y_0 + ... + y_{t-1}; a run of length r before y_t has sum
  // prefix[t] - prefix[t - r] and posterior Gamma(alpha + sum, beta + r).
  std::vector<int64_t> prefix(n + 1, 0);
  for (size_t i = 0; i < n; ++i) prefix[i + 1] = prefix[i] + std::max<int64_t>(y[i], 0);
  std::vector<double> prefix_d(n + 1);  // the same as doubles (exact below 2^53)
  for (size_t i = 0; i <= n; ++i) prefix_d[i] = static_cast<double>(prefix[i]);
  // log Gamma(alpha + k) for every k a run sum plus the next count reaches:
  // run sums cover at most cap observations, so with the next one at most
  // cap + 1 of them.
  int64_t max_sum = 0;
  for (size_t i = 0; i < n; ++i) max_sum = std::max(max_sum, prefix[i + 1] - prefix[i - std::min(i, cap)]);
  constexpr int64_t kTableLimit = int64_t{1} << 22;
  const bool tabulated = max_sum < kTableLimit;
  std::vector<double> lg(static_cast<size_t>(tabulated ? max_sum + 1 : 0));
  for (size_t k = 0; k < lg.size(); ++k) lg[k] = std::lgamma(o.alpha + static_cast<double>(k));
  // log(beta_r / (beta_r + 1)), log(beta_r + 1); 16 more entries (0) for
  // BocpdSlots' last chunk.
  std::vector<double> log_q(cap + 1 + 16, 0), log_b1(cap + 1 + 16, 0);
  for (size_t r = 0; r <= cap; ++r) {
    const double b = o.beta + static_cast<double>(r);
    log_q[r] = std::log(b / (b + 1));
    log_b1[r] = std::log(b + 1);
  }
  const BocpdInputs in{y, prefix.data(), prefix_d.data(), lg.data(), log_q.data(), log_b1.data(), cap, o.alpha, o.hazard};
  if (!tabulated) {
    BocpdUntabulated(in, out);
  } else if (HaveAvx512() && (isa == BocpdIsa::kBest || isa == BocpdIsa::kAvx512)) {
    BocpdAvx512(in, out);
  } else if (HaveAvx2() && isa != BocpdIsa::kPortable) {
    BocpdAvx2(in, out);
  } else {
    BocpdPortable(in, out);
  }
  std::sort(out.changepoints.begin(), out.changepoints.end());
  out.changepoints.erase(std::unique(out.changepoints.begin(), out.changepoints.end()), out.changepoints.end());
  return out;
}

}  // namespace faultline
