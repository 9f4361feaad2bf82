// The one adapter to COIN-OR: a linear or mixed-integer programme as plain
// arrays, solved by Clp (LP) or Cbc (MILP). Everything COIN-OR stays in
// lp.cc; its exceptions and statuses become Status here.
// Not thread-safe across calls sharing a LinearProgram; otherwise stateless.
#ifndef FAULTLINE_PLAN_INTERNAL_LP_H_
#define FAULTLINE_PLAN_INTERNAL_LP_H_

#include <limits>
#include <vector>

#include "faultline/status.h"

namespace faultline::lp {

inline constexpr double kInf = std::numeric_limits<double>::infinity();

// maximise (or minimise) c·x subject to row_lo <= A x <= row_hi,
// col_lo <= x <= col_hi, x_j integer where integer[j].
struct Program {
  bool maximize = true;
  std::vector<double> objective, col_lo, col_hi;
  std::vector<bool> integer;  // empty: an LP
  std::vector<double> row_lo, row_hi;
  // Row-wise sparse matrix: entries of row r are [row_start[r], row_start[r+1]).
  std::vector<int> row_start{0}, col_index;
  std::vector<double> value;
  // Optional: a point to start branch and bound from (MILP only); ignored
  // unless it satisfies every bound, row and integrality within 1e-9.
  std::vector<double> start;

  int AddColumn(double lo, double hi, double obj, bool is_integer = false);
  // Adds the row lo <= sum coef_i * x_{cols_i} <= hi; returns its index.
  int AddRow(const std::vector<int>& cols, const std::vector<double>& coefs, double lo, double hi);
  int columns() const { return static_cast<int>(objective.size()); }
  int rows() const { return static_cast<int>(row_lo.size()); }
};

enum class Outcome { kOptimal, kInfeasible };

struct Answer {
  Outcome outcome = Outcome::kInfeasible;
  double objective = 0;
  std::vector<double> x;
};

// Clp's dual simplex (integrality ignored). Internal when Clp stops for any
// reason other than optimal or proven infeasible.
Result<Answer> SolveLp(const Program& p);
// Cbc branch and cut with Clp underneath; `time_limit_s` <= 0 means none.
// Internal when it stops without proving optimality.
Result<Answer> SolveMilp(const Program& p, double time_limit_s = 0);

}  // namespace faultline::lp

#endif  // FAULTLINE_PLAN_INTERNAL_LP_H_
