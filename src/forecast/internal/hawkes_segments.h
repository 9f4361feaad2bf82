// Helpers every Hawkes likelihood shares (the O(N D) recursion in
// hawkes_likelihood.cc, the O(N^2 D) direct sums in hawkes.cc, and the
// benchmark's frozen copy of the earlier recursion): how long each
// background segment lasts, and a zeroed gradient shaped like the
// parameters. Stateless; thread-safe.
#ifndef FAULTLINE_FORECAST_INTERNAL_HAWKES_SEGMENTS_H_
#define FAULTLINE_FORECAST_INTERNAL_HAWKES_SEGMENTS_H_

#include <cstddef>
#include <vector>

#include "forecast/hawkes.h"

namespace faultline::hawkes_internal {

// Length of each segment of [data.start, data.end] cut at data.breaks.
inline std::vector<double> SegmentLengths(const HawkesData& data) {
  std::vector<double> len(data.segments());
  double prev = data.start;
  for (size_t k = 0; k < len.size(); ++k) {
    const double e = k + 1 < len.size() ? data.breaks[k] : data.end;
    len[k] = e - prev;
    prev = e;
  }
  return len;
}

// *g = zeros shaped like p, with one step entry per segment.
inline void ZeroLike(const HawkesParams& p, size_t segments, HawkesParams* g) {
  g->mu.assign(p.mu.size(), 0);
  g->alpha.assign(p.alpha.size(), 0);
  g->beta = 0;
  g->step.assign(segments, 0);
}

}  // namespace faultline::hawkes_internal

#endif  // FAULTLINE_FORECAST_INTERNAL_HAWKES_SEGMENTS_H_
