// Forecast benchmarks (docs/benchmarks.md): the Hawkes log-likelihood plus
// gradient (decay learned) in events per second on one core, a full fit of
// 100,000 events over 10 units, the same likelihood in NumPy/SciPy on the
// same events (bench/hawkes_numpy.py, when python3-scipy is installed), and
// a rolling-origin backtest of 24 origins x 3 horizons x every model over
// 150 districts. Usage: forecast_bench [hawkes|backtest|all] [python3 script]
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "analysis/period.h"
#include "forecast/backtest.h"
#include "forecast/hawkes.h"
#include "forecast/internal/hawkes_segments.h"
#include "forecast/internal/hawkes_simd.h"

using namespace faultline;  // NOLINT: a benchmark program

namespace {

double Seconds(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// CPU time of this process: on the shared machine the wall clock also counts
// the time other builds hold the core.
double CpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

struct Timing {
  double cpu = 0, wall = 0;  // seconds per call
};

// Best of three rounds of at least half a CPU second each.
template <class F>
Timing Measure(F&& f) {
  Timing best{1e300, 1e300};
  for (int round = 0; round < 3; ++round) {
    int reps = 0;
    const double c0 = CpuSeconds();
    const auto t0 = std::chrono::steady_clock::now();
    while (CpuSeconds() - c0 < 0.5) {
      f();
      ++reps;
    }
    best.cpu = std::min(best.cpu, (CpuSeconds() - c0) / reps);
    best.wall = std::min(best.wall, Seconds(t0) / reps);
  }
  return best;
}

double PrevStep(const HawkesParams& p, size_t k) { return k < p.step.size() ? p.step[k] : 1.0; }

// The recursion as faultline had it before this benchmark's goals: one exp
// and one log per event and O(D) scalar loops (kept here as the side-by-side
// reference, same likelihood and gradient).
double PreviousLogLikelihood(const HawkesData& data, const HawkesParams& p, HawkesParams* grad) {
  const size_t dn = p.dimensions(), segs = data.segments();
  const std::vector<double> seg_len = hawkes_internal::SegmentLengths(data);
  const double beta = p.beta;
  std::vector<double> a(dn, 0), b(dn, 0);
  if (grad != nullptr) hawkes_internal::ZeroLike(p, segs, grad);
  double ll = 0, last = data.start;
  size_t seg = 0;
  const size_t n = data.times.size();
  const double* alpha = p.alpha.data();
  double* ga = grad != nullptr ? grad->alpha.data() : nullptr;
  double g_beta = 0;
  for (size_t i = 0; i < n; ++i) {
    const double t = data.times[i];
    const size_t d = data.dims[i];
    while (seg + 1 < segs && t >= data.breaks[seg]) ++seg;
    const double dt = t - last;
    last = t;
    if (dt > 0) {
      const double e = std::exp(-beta * dt);
      for (size_t k = 0; k < dn; ++k) {
        b[k] = e * (b[k] + dt * a[k]);
        a[k] *= e;
      }
    }
    const double* row = alpha + d * dn;
    double exc = 0;
    for (size_t k = 0; k < dn; ++k) exc += row[k] * a[k];
    const double s = PrevStep(p, seg);
    const double lambda = p.mu[d] * s + beta * exc;
    if (!(lambda > 0)) return -std::numeric_limits<double>::infinity();
    ll += std::log(lambda);
    if (grad != nullptr) {
      const double inv = 1 / lambda, binv = beta * inv;
      grad->mu[d] += s * inv;
      if (seg > 0) grad->step[seg] += p.mu[d] * inv;
      double* grow = ga + d * dn;
      double db = 0;
      for (size_t k = 0; k < dn; ++k) {
        grow[k] += binv * a[k];
        db += row[k] * (a[k] - beta * b[k]);
      }
      g_beta += db * inv;
    }
    a[d] += 1;
  }
  // Compensator: the background over the segments, and each event's kernel
  // mass inside the window, alpha (1 - e^{-beta (T - t_j)}).
  const double dt = data.end - last;
  const double e = std::exp(-beta * dt);
  std::vector<double> count(dn, 0);
  for (size_t i = 0; i < n; ++i) count[data.dims[i]] += 1;
  for (size_t k = 0; k < dn; ++k) {
    b[k] = e * (b[k] + dt * a[k]);
    a[k] *= e;
  }
  double bg = 0;
  for (size_t k = 0; k < segs; ++k) bg += PrevStep(p, k) * seg_len[k];
  for (size_t d = 0; d < dn; ++d) {
    ll -= p.mu[d] * bg;
    for (size_t k = 0; k < dn; ++k) ll -= alpha[d * dn + k] * (count[k] - a[k]);
  }
  if (grad != nullptr) {
    for (size_t d = 0; d < dn; ++d) {
      grad->mu[d] -= bg;
      for (size_t k = 0; k < dn; ++k) {
        ga[d * dn + k] -= count[k] - a[k];
        g_beta -= alpha[d * dn + k] * b[k];
      }
    }
    double mu_sum = 0;
    for (double m : p.mu) mu_sum += m;
    for (size_t k = 1; k < segs; ++k) grad->step[k] -= mu_sum * seg_len[k];
    grad->beta = g_beta;
  }
  return ll;
}


HawkesParams TenUnits() {
  HawkesParams p;
  const size_t dn = 10;
  for (size_t d = 0; d < dn; ++d) p.mu.push_back(0.05 + 0.01 * static_cast<double>(d));
  p.alpha.assign(dn * dn, 0.02);
  for (size_t d = 0; d < dn; ++d) p.alpha[d * dn + d] = 0.4;
  p.beta = 0.5;
  p.step = {1};
  return p;
}

void Hawkes(const char* script) {
  HawkesParams truth = TenUnits();
  // About 100,000 events: total rate = sum (I - A)^{-1} mu ~ 1.9 per unit time.
  auto sim = SimulateHawkes(truth, 0, 53000, {}, 42);
  if (!sim.ok()) {
    std::fprintf(stderr, "%s\n", sim.status().ToString().c_str());
    std::exit(1);
  }
  const HawkesData& data = *sim;
  const double n = static_cast<double>(data.times.size());
  std::printf("== Hawkes, %zu events, %zu dimensions\n", data.times.size(), data.dimensions);
  HawkesParams g;
  double ll = HawkesLogLikelihood(data, truth, &g);  // warm-up
  const Timing with_grad = Measure([&] { ll = HawkesLogLikelihood(data, truth, &g); });
  const double per = with_grad.cpu;
  std::printf("log-likelihood + gradient (decay learned): %.3f ms CPU per pass, %.1f M events/s (wall %.3f ms, %.1f M/s) "
              "(ll %.6f, dll/dbeta %.6f)\n",
              per * 1e3, n / per / 1e6, with_grad.wall * 1e3, n / with_grad.wall / 1e6, ll, g.beta);
  const Timing alone = Measure([&] { ll = HawkesLogLikelihood(data, truth, nullptr); });
  std::printf("log-likelihood alone: %.3f ms CPU per pass, %.1f M events/s\n", alone.cpu * 1e3, n / alone.cpu / 1e6);
  SetHawkesSimd(HawkesSimd::kSse2);
  HawkesParams g_sse2;
  double ll_sse2 = 0;
  const Timing sse2 = Measure([&] { ll_sse2 = HawkesLogLikelihood(data, truth, &g_sse2); });
  SetHawkesSimd(HawkesSimd::kAuto);
  std::printf("  (the loop above: %s) the same pass two-wide (SSE2, any x86-64): %.3f ms CPU per pass, %.1f M events/s; "
              "same bits: %s\n",
              HawkesSimdInUse(data.dimensions), sse2.cpu * 1e3, n / sse2.cpu / 1e6,
              ll_sse2 == ll && g_sse2.alpha == g.alpha && g_sse2.beta == g.beta ? "yes" : "NO");
  HawkesParams g_prev;
  double ll_prev = 0;
  const Timing prev = Measure([&] { ll_prev = PreviousLogLikelihood(data, truth, &g_prev); });
  std::printf("previous recursion (exp and log per event, scalar loops): %.3f ms CPU per pass, %.1f M events/s; "
              "ll rel. diff %.1e, dll/dbeta rel. diff %.1e; the new pass is %.1fx faster\n",
              prev.cpu * 1e3, n / prev.cpu / 1e6, std::abs(ll_prev - ll) / std::abs(ll),
              std::abs(g_prev.beta - g.beta) / std::abs(g.beta), prev.cpu / per);
  auto t0 = std::chrono::steady_clock::now();
  double c0 = CpuSeconds();
  auto fit = FitHawkes(data);
  const double fit_s = Seconds(t0), fit_cpu = CpuSeconds() - c0;
  std::printf("full fit (L-BFGS, %d iterations, converged %s): %.3f s CPU (%.3f s wall); branching ratio %.3f (true %.3f), beta %.3f "
              "(true %.3f)\n",
              fit->iterations, fit->converged ? "yes" : "no", fit_cpu, fit_s, fit->branching_ratio, BranchingRatio(truth),
              fit->params.beta, truth.beta);
  if (script == nullptr) return;
  // The same events and parameters to the NumPy/SciPy implementation.
  const std::string path = "/tmp/faultline_hawkes_bench.txt";
  {
    std::ofstream out(path);
    out.precision(17);
    out << data.dimensions << " " << data.end << " " << truth.beta << "\n";
    for (double m : truth.mu) out << m << " ";
    out << "\n";
    for (double a : truth.alpha) out << a << " ";
    out << "\n";
    for (size_t i = 0; i < data.times.size(); ++i) out << data.times[i] << " " << data.dims[i] << "\n";
  }
  std::string cmd = std::string("/usr/bin/python3 ") + script + " " + path;
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return;
  double py_ll = 0, py_beta = 0, py_secs = 0, py_wall = 0;
  char line[512];
  bool got = false;
  while (std::fgets(line, sizeof line, pipe) != nullptr) {
    if (std::sscanf(line, "RESULT %lf %lf %lf %lf", &py_ll, &py_beta, &py_secs, &py_wall) == 4) got = true;
    else std::fputs(line, stdout);
  }
  pclose(pipe);
  std::remove(path.c_str());
  if (!got) {
    std::printf("numpy/scipy reference: not run (python3-scipy missing?)\n");
    return;
  }
  std::printf("numpy/scipy (same events, same likelihood + gradient): %.3f s CPU per pass (%.3f s wall), %.3f M events/s; "
              "ll %.6f (rel. diff %.1e), dll/dbeta %.6f (rel. diff %.1e)\n",
              py_secs, py_wall, n / py_secs / 1e6, py_ll, std::abs(py_ll - ll) / std::abs(ll), py_beta,
              std::abs(py_beta - g.beta) / std::abs(g.beta));
  std::printf("ratio (CPU time per pass): faultline is %.0fx faster than the NumPy/SciPy implementation\n", py_secs / per);
}

void Backtest() {
  // 150 districts x 120 months from a Hawkes process with shared cross-excitation.
  const size_t units = 150;
  HawkesParams p;
  for (size_t d = 0; d < units; ++d) p.mu.push_back(0.01 + 0.0004 * static_cast<double>(d));
  p.alpha.assign(units * units, 0.15 / static_cast<double>(units - 1));
  for (size_t d = 0; d < units; ++d) p.alpha[d * units + d] = 0.4;
  p.beta = 1.0 / 14;
  p.step = {1};
  Panel panel;
  panel.unit_kind = UnitKind::kAdmin2;
  panel.period = Period::kMonth;
  panel.first = 2010 * 12;
  const int months = 120;
  const int32_t day0 = panel.PeriodFirstDayAt(0), day1 = PeriodFirstDay(Period::kMonth, panel.first + months);
  auto sim = SimulateHawkes(p, 0, day1 - day0, {}, 7);
  for (size_t u = 0; u < units; ++u) {
    panel.units.push_back("district " + std::to_string(u));
    panel.unit_country.push_back("PK");
  }
  panel.counts.assign(units, std::vector<int64_t>(months, 0));
  panel.phase.assign(units, std::vector<int8_t>(months, -1));
  for (size_t i = 0; i < sim->times.size(); ++i) {
    const int32_t day = day0 + static_cast<int32_t>(sim->times[i]);
    panel.event_days.push_back(day);
    panel.event_units.push_back(sim->dims[i]);
    panel.counts[sim->dims[i]][static_cast<size_t>(PeriodOf(Period::kMonth, day) - panel.first)] += 1;
  }
  std::printf("== backtest: %zu districts x %d months, %zu events; 24 origins x 3 horizons x all models\n", units,
              months, sim->times.size());
  // One thread (the single-core figure), then one per core; the scores are
  // the same. Involuntary context switches and the load average show how
  // much of the wall time other processes on the machine took.
  for (int threads : {1, 0}) {
    BacktestOptions o;
    o.origins = 24;
    o.horizon = 3;
    o.threads = threads;
    rusage u0, u1;
    getrusage(RUSAGE_SELF, &u0);
    auto t0 = std::chrono::steady_clock::now();
    const double c0 = CpuSeconds();
    auto r = RollingOriginBacktest(panel, o);
    const double s = Seconds(t0), cpu = CpuSeconds() - c0;
    getrusage(RUSAGE_SELF, &u1);
    if (!r.ok()) {
      std::printf("failed: %s\n", r.status().ToString().c_str());
      return;
    }
    if (threads == 1) {
      for (const auto& m : r->models) {
        std::printf("  %-16s crps %.4f log %.4f cover95 %.3f  %5.2f s CPU  %s\n", m.model.c_str(), m.all.crps,
                    m.all.log_score, m.all.cover95, m.cpu_seconds, m.describe.c_str());
      }
    }
    double load = 0;
    if (FILE* f = std::fopen("/proc/loadavg", "r")) {
      if (std::fscanf(f, "%lf", &load) != 1) load = 0;
      std::fclose(f);
    }
    std::printf("backtest, %s: %.2f s wall, %.2f s CPU; %ld involuntary context switches, %ld waits; load average "
                "%.1f (%s)\n",
                threads == 1 ? "1 thread" : "1 thread per core", s, cpu, u1.ru_nivcsw - u0.ru_nivcsw,
                u1.ru_nvcsw - u0.ru_nvcsw, load, r->Verdict().c_str());
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::string what = argc > 1 ? argv[1] : "all";
  const char* script = argc > 2 ? argv[2] : nullptr;
  if (what == "hawkes" || what == "all") Hawkes(script);
  if (what == "backtest" || what == "all") Backtest();
  return 0;
}
