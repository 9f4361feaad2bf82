// Limited-memory BFGS minimisation (Nocedal 1980, Math. Comp. 35:773; the
// two-loop recursion of Nocedal & Wright, Numerical Optimization, 2nd ed.,
// Alg. 7.4) with a backtracking Armijo line search. Plain function;
// thread-safe.
#ifndef FAULTLINE_FORECAST_LBFGS_H_
#define FAULTLINE_FORECAST_LBFGS_H_

#include <functional>
#include <vector>

namespace faultline {

struct LbfgsOptions {
  int max_iterations = 300;
  int memory = 10;
  double tolerance = 1e-9;  // stop when |f_k - f_{k+1}| <= tolerance * max(1, |f|)
};

struct LbfgsResult {
  double value = 0;
  int iterations = 0;
  bool converged = false;
};

// Minimises f from x (updated in place). `f(x, grad)` returns the value and
// fills grad; a non-finite value makes the line search step back.
LbfgsResult MinimizeLbfgs(const std::function<double(const std::vector<double>&, std::vector<double>*)>& f,
                          std::vector<double>* x, const LbfgsOptions& options);

}  // namespace faultline

#endif  // FAULTLINE_FORECAST_LBFGS_H_
