// Which vector width HawkesLogLikelihood's event loop uses: four doubles
// (AVX2, chosen at run time when the CPU has it and D <= 16) or two (SSE2,
// every x86-64). Both give the same bits; tests and benchmarks switch to
// check that and to measure each. Process-wide; thread-safe.
#ifndef FAULTLINE_FORECAST_INTERNAL_HAWKES_SIMD_H_
#define FAULTLINE_FORECAST_INTERNAL_HAWKES_SIMD_H_

#include <cstddef>

namespace faultline {

enum class HawkesSimd { kAuto, kSse2 };
void SetHawkesSimd(HawkesSimd choice);
// "avx2" or "sse2": what a likelihood over `dimensions` units uses now.
const char* HawkesSimdInUse(size_t dimensions);

}  // namespace faultline

#endif  // FAULTLINE_FORECAST_INTERNAL_HAWKES_SIMD_H_
