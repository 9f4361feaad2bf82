// A multivariate Hawkes process with exponential kernels: one dimension per
// unit (district, province, grid cell), each event raising every
// dimension's intensity for a while,
//
//   lambda_d(t) = mu_d s(t) + sum_{d'} alpha[d][d'] sum_{j: dim j = d', t_j < t} beta exp(-beta (t - t_j))
//
// where alpha[d][d'] is the expected number of events in d that one event in
// d' triggers (the excitation matrix analysts read as "how much does violence
// in one district trigger more, and where"), 1/beta the mean delay, and s(t)
// a background multiplier that steps at phase boundaries (s = 1 in the first
// segment, s_k in segment k). The branching ratio is the spectral radius of
// alpha: below 1 the process is stable, and it is the share of events that
// are triggered by earlier ones (Hawkes 1971, Biometrika 58:83; for
// insurgencies Lewis et al. 2012, Mohler et al. 2011 JASA 106:100).
//
// The log-likelihood and its gradient in every parameter, the decay
// included, take one pass over the events with O(D) work each (the
// recursion of Ozaki 1979, Ann. Inst. Stat. Math. 31:145, extended with
// B(t) = sum (t - t_j) e^{-beta (t - t_j)} for d/d beta), O(1) each for the
// self-and-shared structure (hawkes_likelihood.cc: blocked, vectorised, the
// same bits with SSE2 or AVX2); the direct O(N^2) sums are kept as the
// reference the tests compare with. Fitting is maximum
// likelihood by L-BFGS (Nocedal 1980) on the logarithms of the parameters.
// Simulation is by branching (Hawkes & Oakes 1974): background events, then
// each event's offspring, generation by generation.
//
// Times are in days (any unit works; the caller's choice). Plain data and
// functions; thread-safe.
#ifndef FAULTLINE_FORECAST_HAWKES_H_
#define FAULTLINE_FORECAST_HAWKES_H_

#include <cstdint>
#include <vector>

#include "faultline/status.h"

namespace faultline {

// Events on [start, end), sorted by time, with the segment boundaries of the
// background (strictly inside (start, end), ascending).
struct HawkesData {
  size_t dimensions = 1;
  double start = 0, end = 0;
  std::vector<double> times;
  std::vector<uint32_t> dims;
  std::vector<double> breaks;  // segment k (k >= 1) starts at breaks[k-1]
  size_t segments() const { return breaks.size() + 1; }
};

struct HawkesParams {
  std::vector<double> mu;     // D background rates (events per time unit)
  std::vector<double> alpha;  // D x D, row-major: alpha[d * D + d'] = effect of d' on d
  double beta = 1;            // decay rate (1 / mean delay)
  std::vector<double> step;   // background multiplier per segment; step[0] = 1
  size_t dimensions() const { return mu.size(); }
  double Alpha(size_t d, size_t from) const { return alpha[d * mu.size() + from]; }
};

// The log-likelihood of `data` under `p`; with `grad` non-null also its
// gradient, shaped like `p` (grad->step[0] is 0: that level is fixed).
// O(N D). Returns -infinity when an intensity at an event is not positive.
double HawkesLogLikelihood(const HawkesData& data, const HawkesParams& p, HawkesParams* grad = nullptr);
// The same by the direct double sums over pairs of events: O(N^2 D).
double HawkesLogLikelihoodDirect(const HawkesData& data, const HawkesParams& p, HawkesParams* grad = nullptr);

// The spectral radius of alpha (power iteration on the nonnegative matrix).
double BranchingRatio(const HawkesParams& p);

// The excitation structure many sparse units can support: a self-excitation
// per dimension and one shared cross-excitation, alpha[d][d] = self[d] and
// alpha[d][d'] = cross / (D - 1) for d != d' (D >= 2). Its likelihood needs
// only each event's own unit and the sum over units, so a pass is O(N + D)
// instead of O(N D).
struct HawkesSharedParams {
  std::vector<double> mu;    // D background rates
  std::vector<double> self;  // D self-excitations
  double cross = 0;          // expected events elsewhere triggered by one event
  double beta = 1;
  std::vector<double> step;  // as in HawkesParams
  size_t dimensions() const { return mu.size(); }
  HawkesParams Expand() const;  // the D x D form
};

// The log-likelihood under `p` (equal to HawkesLogLikelihood of p.Expand());
// with `grad` non-null also its gradient, shaped like `p`.
double HawkesSharedLogLikelihood(const HawkesData& data, const HawkesSharedParams& p,
                                 HawkesSharedParams* grad = nullptr);
// The spectral radius of the expanded alpha, O(D) per power iteration.
double BranchingRatio(const HawkesSharedParams& p);

struct HawkesFitOptions {
  int max_iterations = 300;
  double tolerance = 1e-7;  // relative change of the log-likelihood
  // Excitation structure: full D x D, or a self-excitation per dimension and
  // one shared cross-excitation (alpha[d][d'] = c / (D - 1) for d != d') —
  // what many sparse units can support. kAuto: full up to 12 dimensions.
  enum class Structure { kAuto, kFull, kSelfAndShared } structure = Structure::kAuto;
  // Start from these parameters (a warm start from the last fit) when given.
  const HawkesParams* start = nullptr;
  // Gaussian penalty on log s_k (sd 3) so a segment without events keeps a
  // finite level; 0 turns it off.
  double step_prior_sd = 3.0;
};

struct HawkesFit {
  HawkesParams params;
  double log_likelihood = 0;
  int iterations = 0;
  bool converged = false;
  double branching_ratio = 0;
};

// Maximum-likelihood fit. InvalidArgument for unsorted times, a dimension out
// of range, events outside [start, end), or no events at all.
Result<HawkesFit> FitHawkes(const HawkesData& data, const HawkesFitOptions& options = {});

// Draws the events of the process on [start, end) from an empty history,
// with background segments at `breaks`. Returns them sorted (a HawkesData).
// `max_events` guards against an explosive alpha (ResourceExhausted is not a
// code here: FailedPrecondition).
Result<HawkesData> SimulateHawkes(const HawkesParams& p, double start, double end, const std::vector<double>& breaks,
                                  uint64_t seed, size_t max_events = 10'000'000);

// Predictive counts: `samples` draws of the number of events per dimension
// in each of the bins [edges[b], edges[b+1]) after the end of `history`
// (edges[0] >= history.end), given the events so far (their offspring still
// to come) and the background level of the last segment. Result indexed
// [sample][dim * bins + bin]. FailedPrecondition when a draw passes
// max_events (an explosive process).
Result<std::vector<std::vector<int32_t>>> SimulateForward(const HawkesData& history, const HawkesParams& p,
                                                          const std::vector<double>& edges, size_t samples,
                                                          uint64_t seed, size_t max_events = 1'000'000);

}  // namespace faultline

#endif  // FAULTLINE_FORECAST_HAWKES_H_
