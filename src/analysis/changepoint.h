// Change points in count series (incidents per week, killed per month):
//
// - PELT (Killick, Fearnhead & Eckley 2012, JASA 107:1590) with the exact
//   Poisson cost: minimises sum of segment costs + penalty x changes, where a
//   segment's cost is twice its negative Poisson log-likelihood at the
//   segment mean, -2 [S log(S/L) - S] (terms in y! are the same for every
//   segmentation and are dropped). Exact: it returns what optimal
//   partitioning (Jackson et al. 2005), also here as the O(n^2) reference,
//   returns.
// - Penalties: BIC = 2 log n (a rate and a location per extra segment),
//   MBIC = 3 log n (Zhang & Siegmund 2007, as the R changepoint package uses
//   it in the search), or a number.
// - CROPS (Haynes, Eckley & Fearnhead 2017, JCGS 26:134): every segmentation
//   that is optimal for some penalty in [min, max], with its penalty range.
// - BOCPD (Adams & MacKay 2007, arXiv:0710.3742) with a Poisson-Gamma model:
//   the run-length posterior, updated one observation at a time, with the
//   run length capped (older mass is merged into the cap) for streaming.
//
// Plain functions over spans; thread-safe.
#ifndef FAULTLINE_ANALYSIS_CHANGEPOINT_H_
#define FAULTLINE_ANALYSIS_CHANGEPOINT_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "faultline/status.h"

namespace faultline {

struct Segmentation {
  std::vector<size_t> changepoints;  // index of the first observation of each new segment, ascending
  double cost = 0;                   // sum of segment costs, without penalties
  double penalized = 0;              // cost + penalty x changepoints.size()
};

// 2 x negative Poisson log-likelihood of a segment with sum `sum` over `len`
// observations, at its MLE rate (y! terms dropped).
double PoissonSegmentCost(double sum, double len);

enum class PenaltyKind { kBic, kMbic, kManual };
// "bic", "mbic" or a non-negative number (kManual with *value set).
Result<PenaltyKind> ParsePenalty(std::string_view s, double* value);
double PenaltyValue(PenaltyKind kind, size_t n, double manual = 0);

// Optimal segmentation under `penalty`; segments at least `min_segment` long.
Segmentation Pelt(std::span<const int64_t> y, double penalty, size_t min_segment = 1);
// The same optimum by exhaustive dynamic programming, O(n^2): the reference.
Segmentation OptimalPartitioning(std::span<const int64_t> y, double penalty, size_t min_segment = 1);

struct CropsEntry {
  double penalty_from = 0, penalty_to = 0;  // optimal for penalties in this range
  Segmentation segmentation;
};
// Every optimal segmentation for penalties in [min_penalty, max_penalty],
// fewest change points first. InvalidArgument unless 0 <= min <= max.
Result<std::vector<CropsEntry>> Crops(std::span<const int64_t> y, double min_penalty, double max_penalty,
                                      size_t min_segment = 1);

struct BocpdOptions {
  double hazard = 1.0 / 100;       // prior probability of a change at each step
  double alpha = 1, beta = 1;      // Gamma(alpha, rate beta) prior on the Poisson rate
  size_t max_run_length = 500;     // run lengths beyond are merged into this one
  double detection_threshold = 0;  // unused by MAP detection; kept for callers that threshold P(r=0)
};
struct BocpdResult {
  std::vector<double> change_probability;  // P(run length 0 | y_1..t), per t
  std::vector<size_t> map_run_length;      // most probable run length after y_t
  std::vector<double> map_log_probability;  // log P(that run length | y_1..t), per t
  std::vector<size_t> changepoints;        // where the MAP run length restarted, ascending
};
BocpdResult Bocpd(std::span<const int64_t> y, const BocpdOptions& options = {});
// The same with the step for a given instruction set: AVX-512, AVX2 or
// portable code (one pass per step in each, 8, 4 or 2 lanes wide; the same
// numbers from all three). One the CPU lacks falls back to the best it has
// below it; kBest is what Bocpd above uses. The tests run each against the
// plain recursion.
enum class BocpdIsa { kBest, kPortable, kAvx2, kAvx512 };
BocpdResult Bocpd(std::span<const int64_t> y, const BocpdOptions& options, BocpdIsa isa);

}  // namespace faultline

#endif  // FAULTLINE_ANALYSIS_CHANGEPOINT_H_
