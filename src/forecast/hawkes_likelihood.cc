// The recursive Hawkes log-likelihood and its gradient (hawkes.h), written
// for throughput on one core without -march flags (baseline x86-64 SSE2 or
// any other target GCC and Clang vectorise for):
//
//  - events go in blocks of kBlock; per block, the gaps and their decays
//    e^{-beta dt} are computed first in a loop the compiler vectorises
//    (DecayExp: a polynomial, within a few ulp of std::exp), then the events
//    are walked in order, then the logarithms of the block's intensities are
//    summed as one log of the product of their mantissas plus their binary
//    exponents (one std::log per block instead of one per event);
//  - inside a background segment the event loop has no branches: the state
//    vectors A (sum of e^{-beta (t - t_j)}) and B (sum of (t - t_j)
//    e^{-beta (t - t_j)}, for d/d beta) are two-wide vectors, held in
//    registers when D <= 16 (the loop is compiled for each padded width), an
//    event's own unit is added through a row of an identity table, and a
//    non-positive intensity is caught after the block, not per event;
//  - every parameter's gradient comes out of the same pass.
//
// The self-and-shared structure (HawkesSharedLogLikelihood) needs only A_d,
// B_d of the event's own unit and the sums over units, so its pass is O(1)
// per event: each unit keeps its state at its own last event and decays it
// with one exp of the unit's gap, the sums with one exp of the global gap.
#include <algorithm>
#include <array>
#include <atomic>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <numbers>
#include <vector>

#include "forecast/hawkes.h"
#include "forecast/internal/hawkes_segments.h"
#include "forecast/internal/hawkes_simd.h"

namespace faultline {
namespace {

using hawkes_internal::SegmentLengths;

constexpr size_t kBlock = 256;

// W doubles (and W 64-bit integers) as one value: GCC and Clang vector
// extensions. W = 2 is SSE2 on every x86-64 (generic code elsewhere); W = 4
// is used only inside functions compiled for AVX2 (see DenseRunAvx2), which
// is why everything taking or returning these is always inlined.
template <int W>
struct Vec;
template <>
struct Vec<2> {
  using D = double __attribute__((vector_size(16)));
  using I = int64_t __attribute__((vector_size(16)));
  using U = uint64_t __attribute__((vector_size(16)));
};
template <>
struct Vec<4> {
  using D = double __attribute__((vector_size(32)));
  using I = int64_t __attribute__((vector_size(32)));
  using U = uint64_t __attribute__((vector_size(32)));
};
template <int W>
using VD = typename Vec<W>::D;
template <int W>
using VI = typename Vec<W>::I;
template <int W>
using VU = typename Vec<W>::U;
using V2 = VD<2>;

#define FL_INLINE __attribute__((always_inline)) inline
// GCC notes that a 32-byte vector passed or returned by value outside AVX
// code has another ABI; these helpers are always inlined, so no call ever
// passes one.
#if defined(__clang__)
#pragma clang diagnostic ignored "-Wpsabi"
#elif defined(__GNUC__)
#pragma GCC diagnostic ignored "-Wpsabi"
#endif

template <int W>
FL_INLINE VD<W> Load(const double* p) {
  VD<W> v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
template <int W>
FL_INLINE void Store(double* p, VD<W> v) {
  std::memcpy(p, &v, sizeof v);
}
template <int W>
FL_INLINE VD<W> Splat(double x) {
  VD<W> v = {};
  for (int w = 0; w < W; ++w) v[w] = x;
  return v;
}
template <int W>
FL_INLINE VI<W> Bits(VD<W> v) {
  return (VI<W>)v;  // a vector cast keeps the bits
}
template <int W>
FL_INLINE VD<W> FromBits(VI<W> v) {
  return (VD<W>)v;
}

// 2^{j/64} for j = 0..63 (std::exp2 is within an ulp; computed once).
const double* ExpTable() {
  static const std::array<double, 64> table = [] {
    std::array<double, 64> t{};
    for (size_t j = 0; j < t.size(); ++j) t[j] = std::exp2(static_cast<double>(j) / 64);
    return t;
  }();
  return table.data();
}

// e^x for x <= 0, W at a time (Tang 1989, ACM TOMS 15:144): x = (64 m + j)
// ln2/64 + r with |r| <= ln2/128, ln2/64 split so that k ln2/64 is exact;
// e^x = 2^m 2^{j/64} e^r with e^r by its Taylor polynomial to degree 5
// (remainder < 4e-17 relative), 2^{j/64} from a table and 2^m added to the
// exponent bits. Within a few ulp of std::exp. 0 below -708, where e^x is
// subnormal: a decay that leaves nothing. Lane by lane the same operations
// whatever W, so the results do not depend on it.
template <int W>
FL_INLINE VD<W> DecayExp(VD<W> x, const double* table) {
  const VI<W> vanishes = x < Splat<W>(-708.0);
  x = FromBits<W>((Bits<W>(x) & ~vanishes) | (Bits<W>(Splat<W>(-708.0)) & vanishes));
  constexpr double k64Log2e = 92.332482616893656474, kShift = 0x1.8p52;
  constexpr double kLn2Hi = 6.93147180369123816490e-01 / 64, kLn2Lo = 1.90821492927058770002e-10 / 64;
  const VD<W> kd = x * k64Log2e + kShift;  // k = 64 m + j in the low mantissa bits (round to nearest)
  const VD<W> k = kd - kShift;
  const VD<W> r = (x - k * kLn2Hi) - k * kLn2Lo;
  VD<W> p = Splat<W>(1.0 / 120);
  p = p * r + 1.0 / 24;
  p = p * r + 1.0 / 6;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  // The low bits of kd hold k in two's complement: j = k & 63, and bits 6 up
  // are m, which shifted into the exponent field scale 2^{j/64} by 2^m.
  const VI<W> bits = Bits<W>(kd);
  const VI<W> j = bits & 63;
  VD<W> t = {};
  for (int w = 0; w < W; ++w) t[w] = table[j[w]];
  const VI<W> scale = Bits<W>(t) + (VI<W>)(((VU<W>)bits >> 6) << 52);
  return FromBits<W>(Bits<W>(p * FromBits<W>(scale)) & ~vanishes);
}

// out[j] = e^{-beta dt[j]} for j < n.
template <int W>
FL_INLINE void Decays(const double* dt, double beta, size_t n, double* out) {
  const double* table = ExpTable();
  size_t j = 0;
  for (; j + W <= n; j += W) Store<W>(out + j, DecayExp<W>(Load<W>(dt + j) * -beta, table));
  if (j < n) {
    VD<W> x = {};
    for (size_t w = 0; j + w < n; ++w) x[w] = dt[j + w];
    const VD<W> y = DecayExp<W>(x * -beta, table);
    for (size_t w = 0; j + w < n; ++w) out[j + w] = y[w];
  }
}

// One step of AddLogs: lane by lane, the exponent into *ex, the mantissa
// into *acc, and whether the number is normal, positive and finite into
// *normal. (A function, not a lambda: a lambda is not always inlined, and a
// four-wide vector must never cross a call from AVX2 code.)
template <int W>
FL_INLINE void AddMantissas(const VD<W>& v, VD<W>* acc, VU<W>* ex, VI<W>* normal) {
  constexpr uint64_t kMantissa = 0x000FFFFFFFFFFFFFull, kOne = 0x3FF0000000000000ull;
  *normal &= (v >= Splat<W>(DBL_MIN)) & (v <= Splat<W>(DBL_MAX));
  const VU<W> bits = (VU<W>)v;
  *ex += bits >> 52;  // the biased exponent
  const VU<W> m = (bits & kMantissa) | kOne;
  *acc *= (VD<W>)m;
}

// Adds sum log(lam[j]) to *ll. Returns false when an intensity is not a
// positive number (the likelihood is then -infinity).
template <int W>
FL_INLINE bool AddLogs(const double* lam, size_t n, double* ll) {
  // log(prod m_j) + ln2 * sum e_j with lam_j = m_j 2^e_j, m_j in [1, 2): four
  // running products (value j goes to product j mod 4; with W = 2 they are
  // the lanes of two vectors) of at most 67 mantissas each stay below 2^67
  // for a block, and are combined in the same order for every W. Only normal
  // positive finite numbers take this path (see below).
  constexpr int kAcc = 4 / W;
  VD<W> p[kAcc];
  for (int q = 0; q < kAcc; ++q) p[q] = Splat<W>(1);
  VU<W> ex = {};
  VI<W> normal = ~VI<W>{};
  uint64_t adds = 0;
  size_t j = 0;
  for (; j + 4 <= n; j += 4) {
    for (int q = 0; q < kAcc; ++q) AddMantissas<W>(Load<W>(lam + j + q * W), &p[q], &ex, &normal);
    adds += kAcc;
  }
  for (; j < n; ++j) {  // into lane 0 of the first product, the other lanes 1.0: exponent 0, mantissa 1
    VD<W> v = Splat<W>(1.0);
    v[0] = lam[j];
    AddMantissas<W>(v, &p[0], &ex, &normal);
    ++adds;
  }
  int64_t all_normal = -1;
  uint64_t ex_sum = 0;
  double lane[4];
  for (int q = 0; q < kAcc; ++q) {
    for (int w = 0; w < W; ++w) {
      all_normal &= normal[w];
      lane[q * W + w] = p[q][w];
    }
  }
  for (int w = 0; w < W; ++w) ex_sum += ex[w];
  if (all_normal == -1) {
    const int64_t e = static_cast<int64_t>(ex_sum) - 1023 * W * static_cast<int64_t>(adds);
    *ll += std::log((lane[0] * lane[2]) * (lane[1] * lane[3])) + static_cast<double>(e) * std::numbers::ln2;
    return true;
  }
  for (j = 0; j < n; ++j) {  // a subnormal, zero, negative or non-finite intensity
    if (!(lam[j] > 0)) return false;
    *ll += std::log(lam[j]);
  }
  return true;
}

double Step(const std::vector<double>& step, size_t k) { return k < step.size() ? step[k] : 1.0; }

// The index of the first event at or after each segment boundary: segment k
// holds events [seg_from[k], seg_from[k + 1]).
std::vector<size_t> SegmentStarts(const HawkesData& data) {
  std::vector<size_t> from(data.segments() + 1, 0);
  size_t i = 0;
  const size_t n = data.times.size();
  for (size_t k = 0; k < data.breaks.size(); ++k) {
    while (i < n && data.times[i] < data.breaks[k]) ++i;
    from[k + 1] = i;
  }
  from.back() = n;
  return from;
}

// ---------------------------------------------------------------------------
// Full D x D excitation.

// What the event loop reads: the parameters padded to a multiple of 4.
struct DenseModel {
  size_t np = 0;                // padded dimensions
  double beta = 1;
  std::vector<double> alpha;    // np x np, zero padding
  std::vector<double> identity; // np x np: row d adds 1 to A_d
  std::vector<double> level;    // np: mu_d times the current segment's step
};

// What the pass accumulates.
struct DenseSums {
  std::vector<double> g_alpha;  // np x np: sum over events in d of A(t_i) / lambda_i (row d)
  std::vector<double> inv;      // np: sum over events in d of 1 / lambda_i, this segment
  double g_beta = 0;            // sum (row . A - beta row . B) / lambda_i
  double ll = 0;                // sum log lambda_i
  bool ok = true;
};

// Events [from, to) of one segment; a, b: the state vectors (nv of W
// doubles) at time *last, updated in place. kV > 0: nv = kV, known when
// compiling. The dot products keep four partial sums (entry k goes to sum k
// mod 4; with W = 2 they are the lanes of two vectors) added in the same
// order for every W, so W = 2 and W = 4 give the same bits.
template <int W, size_t kV>
FL_INLINE void DenseRun(const HawkesData& data, const DenseModel& m, size_t from, size_t to, size_t nv_runtime,
                        VD<W>* a, VD<W>* b, double* last, DenseSums* s) {
  constexpr size_t kAcc = 4 / W;
  const size_t nv = kV > 0 ? kV : nv_runtime, np = m.np;
  const double beta = m.beta;
  const double* times = data.times.data();
  const uint32_t* dims = data.dims.data();
  const double* alpha = m.alpha.data();
  const double* identity = m.identity.data();
  const double* level = m.level.data();
  double* g_alpha = s->g_alpha.data();
  double* inv_sum = s->inv.data();
  double dt[kBlock], decay[kBlock], lam[kBlock];
  double g_beta = 0;
  for (size_t start = from; start < to; start += kBlock) {
    const size_t n = std::min(kBlock, to - start);
    double prev = *last;
    for (size_t j = 0; j < n; ++j) {
      dt[j] = times[start + j] - prev;
      prev = times[start + j];
    }
    *last = prev;
    Decays<W>(dt, beta, n, decay);
    for (size_t j = 0; j < n; ++j) {
      const double e = decay[j], gap = dt[j];
      const size_t d = dims[start + j];
      const double* row = alpha + d * np;
      VD<W> exc_acc[kAcc] = {}, rb_acc[kAcc] = {};
#pragma GCC unroll 8
      for (size_t v = 0; v < nv; ++v) {
        b[v] = e * (b[v] + gap * a[v]);
        a[v] = e * a[v];
        const VD<W> r = Load<W>(row + W * v);
        exc_acc[v % kAcc] += r * a[v];
        rb_acc[v % kAcc] += r * b[v];
      }
      double ex4[4], rb4[4];
      for (size_t q = 0; q < kAcc; ++q) {
        for (int w = 0; w < W; ++w) {
          ex4[q * W + w] = exc_acc[q][w];
          rb4[q * W + w] = rb_acc[q][w];
        }
      }
      const double exc = (ex4[0] + ex4[2]) + (ex4[1] + ex4[3]), rb = (rb4[0] + rb4[2]) + (rb4[1] + rb4[3]);
      const double lambda = level[d] + beta * exc;
      const double inv = 1 / lambda;
      lam[j] = lambda;
      inv_sum[d] += inv;
      g_beta += (exc - beta * rb) * inv;
      double* grow = g_alpha + d * np;
      const double* one = identity + d * np;
#pragma GCC unroll 8
      for (size_t v = 0; v < nv; ++v) {
        Store<W>(grow + W * v, Load<W>(grow + W * v) + inv * a[v]);
        a[v] += Load<W>(one + W * v);
      }
    }
    s->ok = AddLogs<W>(lam, n, &s->ll) && s->ok;
  }
  s->g_beta += g_beta;
}

// The same with the states in registers; a, b: np doubles each.
template <int W, size_t kV>
FL_INLINE void DenseRunFixed(const HawkesData& data, const DenseModel& m, size_t from, size_t to, double* a,
                             double* b, double* last, DenseSums* s) {
  VD<W> la[kV], lb[kV];
  for (size_t v = 0; v < kV; ++v) {
    la[v] = Load<W>(a + W * v);
    lb[v] = Load<W>(b + W * v);
  }
  DenseRun<W, kV>(data, m, from, to, kV, la, lb, last, s);
  for (size_t v = 0; v < kV; ++v) {
    Store<W>(a + W * v, la[v]);
    Store<W>(b + W * v, lb[v]);
  }
}

void DenseRunSse2(const HawkesData& data, const DenseModel& m, size_t from, size_t to, double* a, double* b,
                  double* last, DenseSums* s) {
  switch (m.np) {
    case 4: return DenseRunFixed<2, 2>(data, m, from, to, a, b, last, s);
    case 8: return DenseRunFixed<2, 4>(data, m, from, to, a, b, last, s);
    case 12: return DenseRunFixed<2, 6>(data, m, from, to, a, b, last, s);
    case 16: return DenseRunFixed<2, 8>(data, m, from, to, a, b, last, s);
    default: {  // above 16 dimensions: the states in memory
      std::vector<V2> va(m.np / 2), vb(m.np / 2);
      for (size_t v = 0; v < va.size(); ++v) {
        va[v] = Load<2>(a + 2 * v);
        vb[v] = Load<2>(b + 2 * v);
      }
      DenseRun<2, 0>(data, m, from, to, va.size(), va.data(), vb.data(), last, s);
      for (size_t v = 0; v < va.size(); ++v) {
        Store<2>(a + 2 * v, va[v]);
        Store<2>(b + 2 * v, vb[v]);
      }
    }
  }
}

#if defined(__x86_64__) || defined(__i386__)
// The same loop four wide, compiled for AVX2 (without FMA, so every
// operation rounds as in the SSE2 loop) and used when the CPU has it; up to
// 16 dimensions.
__attribute__((target("avx2"))) void DenseRunAvx2(const HawkesData& data, const DenseModel& m, size_t from,
                                                  size_t to, double* a, double* b, double* last, DenseSums* s) {
  switch (m.np) {
    case 4: return DenseRunFixed<4, 1>(data, m, from, to, a, b, last, s);
    case 8: return DenseRunFixed<4, 2>(data, m, from, to, a, b, last, s);
    case 12: return DenseRunFixed<4, 3>(data, m, from, to, a, b, last, s);
    default: return DenseRunFixed<4, 4>(data, m, from, to, a, b, last, s);
  }
}

bool CpuHasAvx2() {
  static const bool has = __builtin_cpu_supports("avx2");
  return has;
}
#else
void DenseRunAvx2(const HawkesData&, const DenseModel&, size_t, size_t, double*, double*, double*, DenseSums*) {}
bool CpuHasAvx2() { return false; }
#endif

std::atomic<int> simd_choice{static_cast<int>(HawkesSimd::kAuto)};

bool UseAvx2(size_t np) {
  return np <= 16 && static_cast<HawkesSimd>(simd_choice.load()) == HawkesSimd::kAuto && CpuHasAvx2();
}

void DenseRunAny(const HawkesData& data, const DenseModel& m, size_t from, size_t to, double* a, double* b,
                 double* last, DenseSums* s) {
  if (UseAvx2(m.np)) return DenseRunAvx2(data, m, from, to, a, b, last, s);
  DenseRunSse2(data, m, from, to, a, b, last, s);
}

// ---------------------------------------------------------------------------
// Self-excitation plus one shared cross-excitation.

struct SharedSums {
  std::vector<double> a, b, last;  // per unit: A_d, B_d at the unit's last event
  std::vector<double> g_self;      // sum over events in d of A_d / lambda
  std::vector<double> inv;         // sum over events in d of 1 / lambda, this segment
  double sum_a = 0, sum_b = 0, last_event = 0;  // sums over units at the last event
  double g_cross = 0;              // sum of (sum A - A_d) / lambda
  double g_beta = 0, ll = 0;
  bool ok = true;
};

void SharedRun(const HawkesData& data, const HawkesSharedParams& p, const double* level, size_t from, size_t to,
               SharedSums* s) {
  const double beta = p.beta, cp = p.cross / static_cast<double>(p.dimensions() - 1);
  const double* times = data.times.data();
  const uint32_t* dims = data.dims.data();
  const double* self = p.self.data();
  double* a = s->a.data();
  double* b = s->b.data();
  double* last = s->last.data();
  double* g_self = s->g_self.data();
  double* inv_sum = s->inv.data();
  // gap[0..n) since the last event, gap[kBlock..) since the unit's last event.
  double gap[2 * kBlock], decay[2 * kBlock], lam[kBlock];
  double sum_a = s->sum_a, sum_b = s->sum_b, g_cross = 0, g_beta = 0;
  for (size_t start = from; start < to; start += kBlock) {
    const size_t n = std::min(kBlock, to - start);
    double prev = s->last_event;
    for (size_t j = 0; j < n; ++j) {
      const double t = times[start + j];
      const size_t d = dims[start + j];
      gap[j] = t - prev;
      gap[kBlock + j] = t - last[d];
      prev = t;
      last[d] = t;
    }
    s->last_event = prev;
    Decays<2>(gap, beta, n, decay);
    Decays<2>(gap + kBlock, beta, n, decay + kBlock);
    for (size_t j = 0; j < n; ++j) {
      const size_t d = dims[start + j];
      const double e = decay[j], g = gap[j], eu = decay[kBlock + j], gu = gap[kBlock + j];
      sum_b = e * (sum_b + g * sum_a);
      sum_a = e * sum_a;
      const double bd = eu * (b[d] + gu * a[d]), ad = eu * a[d];
      const double other = sum_a - ad, other_b = sum_b - bd;
      const double exc = self[d] * ad + cp * other, rb = self[d] * bd + cp * other_b;
      const double lambda = level[d] + beta * exc;
      const double inv = 1 / lambda;
      lam[j] = lambda;
      g_self[d] += inv * ad;
      inv_sum[d] += inv;
      g_cross += inv * other;
      g_beta += (exc - beta * rb) * inv;
      a[d] = ad + 1;
      b[d] = bd;
      sum_a += 1;
    }
    s->ok = AddLogs<2>(lam, n, &s->ll) && s->ok;
  }
  s->sum_a = sum_a;
  s->sum_b = sum_b;
  s->g_cross += g_cross;
  s->g_beta += g_beta;
}

}  // namespace

void SetHawkesSimd(HawkesSimd choice) { simd_choice = static_cast<int>(choice); }

const char* HawkesSimdInUse(size_t dimensions) { return UseAvx2((dimensions + 3) / 4 * 4) ? "avx2" : "sse2"; }

HawkesParams HawkesSharedParams::Expand() const {
  HawkesParams p;
  const size_t dn = dimensions();
  p.mu = mu;
  p.alpha.assign(dn * dn, dn > 1 ? cross / static_cast<double>(dn - 1) : 0);
  for (size_t d = 0; d < dn; ++d) p.alpha[d * dn + d] = self[d];
  p.beta = beta;
  p.step = step;
  return p;
}

double HawkesSharedLogLikelihood(const HawkesData& data, const HawkesSharedParams& p, HawkesSharedParams* grad) {
  const size_t dn = p.dimensions(), segs = data.segments(), n = data.times.size();
  if (dn < 2) {  // no "elsewhere": the general form, cross has no effect
    HawkesParams g;
    const double ll = HawkesLogLikelihood(data, p.Expand(), grad != nullptr ? &g : nullptr);
    if (grad != nullptr) {
      grad->mu = g.mu;
      grad->self = g.alpha;
      grad->cross = 0;
      grad->beta = g.beta;
      grad->step = g.step;
    }
    return ll;
  }
  const std::vector<double> seg_len = SegmentLengths(data);
  const std::vector<size_t> seg_from = SegmentStarts(data);
  SharedSums s;
  s.a.assign(dn, 0);
  s.b.assign(dn, 0);
  s.last.assign(dn, data.start);
  s.g_self.assign(dn, 0);
  s.inv.assign(dn, 0);
  s.last_event = data.start;
  std::vector<double> level(dn), g_mu(dn, 0), g_step(segs, 0);
  for (size_t k = 0; k < segs; ++k) {
    const double step = Step(p.step, k);
    for (size_t d = 0; d < dn; ++d) level[d] = p.mu[d] * step;
    std::fill(s.inv.begin(), s.inv.end(), 0.0);
    SharedRun(data, p, level.data(), seg_from[k], seg_from[k + 1], &s);
    for (size_t d = 0; d < dn; ++d) {
      g_mu[d] += step * s.inv[d];
      g_step[k] += p.mu[d] * s.inv[d];
    }
  }
  if (!s.ok) return -std::numeric_limits<double>::infinity();
  // Compensator: each unit's events decayed from its last event to the end.
  double ll = s.ll, bg = 0, mu_sum = 0, left_sum = 0, g_beta = s.g_beta;
  for (size_t k = 0; k < segs; ++k) bg += Step(p.step, k) * seg_len[k];
  std::vector<double> count(dn, 0), left(dn);
  for (size_t i = 0; i < n; ++i) count[data.dims[i]] += 1;
  for (size_t d = 0; d < dn; ++d) {
    const double dt = data.end - s.last[d], e = std::exp(-p.beta * dt);
    left[d] = count[d] - e * s.a[d];  // kernel mass of d's events inside the window
    const double column = p.self[d] + p.cross;  // sum over targets of alpha[.][d]
    ll -= p.mu[d] * bg + column * left[d];
    g_beta -= column * e * (s.b[d] + dt * s.a[d]);
    mu_sum += p.mu[d];
    left_sum += left[d];
  }
  if (grad == nullptr) return ll;
  grad->mu.assign(dn, 0);
  grad->self.assign(dn, 0);
  grad->step.assign(segs, 0);
  for (size_t d = 0; d < dn; ++d) {
    grad->mu[d] = g_mu[d] - bg;
    grad->self[d] = p.beta * s.g_self[d] - left[d];
  }
  grad->cross = p.beta * s.g_cross / static_cast<double>(dn - 1) - left_sum;
  grad->beta = g_beta;
  for (size_t k = 1; k < segs; ++k) grad->step[k] = g_step[k] - mu_sum * seg_len[k];
  return ll;
}

double HawkesLogLikelihood(const HawkesData& data, const HawkesParams& p, HawkesParams* grad) {
  const size_t dn = p.dimensions(), segs = data.segments(), n = data.times.size();
  const size_t np = (dn + 3) / 4 * 4;
  const std::vector<double> seg_len = SegmentLengths(data);
  const std::vector<size_t> seg_from = SegmentStarts(data);
  DenseModel m;
  m.np = np;
  m.beta = p.beta;
  m.alpha.assign(np * np, 0);
  m.identity.assign(np * np, 0);
  for (size_t d = 0; d < dn; ++d) {
    for (size_t k = 0; k < dn; ++k) m.alpha[d * np + k] = p.alpha[d * dn + k];
    m.identity[d * np + d] = 1;
  }
  m.level.assign(np, 0);
  DenseSums s;
  s.g_alpha.assign(np * np, 0);
  s.inv.assign(np, 0);
  std::vector<double> a(np, 0), b(np, 0);
  std::vector<double> g_mu(dn, 0), g_step(segs, 0);
  double last = data.start;
  for (size_t k = 0; k < segs; ++k) {
    const double level = Step(p.step, k);
    for (size_t d = 0; d < dn; ++d) m.level[d] = p.mu[d] * level;
    std::fill(s.inv.begin(), s.inv.end(), 0.0);
    DenseRunAny(data, m, seg_from[k], seg_from[k + 1], a.data(), b.data(), &last, &s);
    for (size_t d = 0; d < dn; ++d) {
      g_mu[d] += level * s.inv[d];
      g_step[k] += p.mu[d] * s.inv[d];
    }
  }
  if (!s.ok) return -std::numeric_limits<double>::infinity();
  double ll = s.ll;
  // Compensator: the background over the segments, and each event's kernel
  // mass inside the window, alpha (1 - e^{-beta (T - t_j)}).
  const double dt = data.end - last, e = std::exp(-p.beta * dt);
  std::vector<double> a_end(dn), b_end(dn), count(dn, 0);
  for (size_t k = 0; k < dn; ++k) {
    const double ak = a[k], bk = b[k];
    b_end[k] = e * (bk + dt * ak);
    a_end[k] = e * ak;
  }
  for (size_t i = 0; i < n; ++i) count[data.dims[i]] += 1;
  double bg = 0;
  for (size_t k = 0; k < segs; ++k) bg += Step(p.step, k) * seg_len[k];
  for (size_t d = 0; d < dn; ++d) {
    ll -= p.mu[d] * bg;
    for (size_t k = 0; k < dn; ++k) ll -= p.alpha[d * dn + k] * (count[k] - a_end[k]);
  }
  if (grad == nullptr) return ll;
  grad->mu.assign(dn, 0);
  grad->alpha.assign(dn * dn, 0);
  grad->step.assign(segs, 0);
  double g_beta = s.g_beta;
  for (size_t d = 0; d < dn; ++d) {
    grad->mu[d] = g_mu[d] - bg;
    for (size_t k = 0; k < dn; ++k) {
      grad->alpha[d * dn + k] = p.beta * s.g_alpha[d * np + k] - (count[k] - a_end[k]);
      g_beta -= p.alpha[d * dn + k] * b_end[k];
    }
  }
  grad->beta = g_beta;
  double mu_sum = 0;
  for (double mu : p.mu) mu_sum += mu;
  for (size_t k = 1; k < segs; ++k) grad->step[k] = g_step[k] - mu_sum * seg_len[k];
  return ll;
}

}  // namespace faultline
