#include "plan/internal/lp.h"

#include <CbcModel.hpp>
#include <ClpSimplex.hpp>
#include <CoinError.hpp>
#include <CoinPackedMatrix.hpp>
#include <OsiClpSolverInterface.hpp>
#include <algorithm>
#include <cmath>
#include <string>

namespace faultline::lp {
namespace {

double Finite(double v) { return v == kInf ? COIN_DBL_MAX : v == -kInf ? -COIN_DBL_MAX : v; }

CoinPackedMatrix Matrix(const Program& p) {
  std::vector<int> rows;
  rows.reserve(p.col_index.size());
  for (int r = 0; r < p.rows(); ++r) {
    for (int k = p.row_start[r]; k < p.row_start[r + 1]; ++k) rows.push_back(r);
  }
  return CoinPackedMatrix(false, rows.data(), p.col_index.data(), p.value.data(),
                          static_cast<CoinBigIndex>(p.value.size()));
}

struct Bounds {
  std::vector<double> col_lo, col_hi, row_lo, row_hi, obj;
};

Bounds Arrays(const Program& p) {
  Bounds b;
  for (int j = 0; j < p.columns(); ++j) {
    b.col_lo.push_back(Finite(p.col_lo[j]));
    b.col_hi.push_back(Finite(p.col_hi[j]));
    b.obj.push_back(p.objective[j]);
  }
  for (int r = 0; r < p.rows(); ++r) {
    b.row_lo.push_back(Finite(p.row_lo[r]));
    b.row_hi.push_back(Finite(p.row_hi[r]));
  }
  return b;
}

// Whether x meets every bound, row and integrality within 1e-9 (scaled).
bool Satisfies(const Program& p, const std::vector<double>& x) {
  auto within = [](double v, double lo, double hi) {
    double tol = 1e-9 * std::max(1.0, std::fabs(v));
    return v >= lo - tol && v <= hi + tol;
  };
  for (int j = 0; j < p.columns(); ++j) {
    if (!within(x[j], p.col_lo[j], p.col_hi[j])) return false;
    if (j < static_cast<int>(p.integer.size()) && p.integer[j] && std::fabs(x[j] - std::round(x[j])) > 1e-9)
      return false;
  }
  for (int r = 0; r < p.rows(); ++r) {
    double v = 0;
    for (int k = p.row_start[r]; k < p.row_start[r + 1]; ++k) v += p.value[k] * x[p.col_index[k]];
    if (!within(v, p.row_lo[r], p.row_hi[r])) return false;
  }
  return true;
}

}  // namespace

int Program::AddColumn(double lo, double hi, double obj, bool is_integer) {
  col_lo.push_back(lo);
  col_hi.push_back(hi);
  objective.push_back(obj);
  if (is_integer || !integer.empty()) {
    integer.resize(objective.size(), false);
    integer.back() = is_integer;
  }
  return columns() - 1;
}

int Program::AddRow(const std::vector<int>& cols, const std::vector<double>& coefs, double lo, double hi) {
  for (size_t i = 0; i < cols.size(); ++i) {
    col_index.push_back(cols[i]);
    value.push_back(coefs[i]);
  }
  row_start.push_back(static_cast<int>(col_index.size()));
  row_lo.push_back(lo);
  row_hi.push_back(hi);
  return rows() - 1;
}

Result<Answer> SolveLp(const Program& p) {
  try {
    ClpSimplex model;
    model.setLogLevel(0);
    Bounds b = Arrays(p);
    CoinPackedMatrix m = Matrix(p);
    m.setDimensions(p.rows(), p.columns());
    model.loadProblem(m, b.col_lo.data(), b.col_hi.data(), b.obj.data(), b.row_lo.data(), b.row_hi.data());
    model.setOptimizationDirection(p.maximize ? -1 : 1);
    model.dual();
    Answer a;
    if (model.isProvenPrimalInfeasible()) return a;
    if (!model.isProvenOptimal()) {
      return Internal("Clp stopped with status " + std::to_string(model.status()) + " on an LP of " +
                      std::to_string(p.rows()) + " rows");
    }
    a.outcome = Outcome::kOptimal;
    a.objective = model.objectiveValue();
    a.x.assign(model.primalColumnSolution(), model.primalColumnSolution() + p.columns());
    return a;
  } catch (const CoinError& e) {
    return Internal("Clp: " + e.message());
  }
}

Result<Answer> SolveMilp(const Program& p, double time_limit_s) {
  try {
    OsiClpSolverInterface solver;
    Bounds b = Arrays(p);
    CoinPackedMatrix m = Matrix(p);
    m.setDimensions(p.rows(), p.columns());
    // Cbc is given a minimisation (a maximisation's objective negated):
    // its user-supplied incumbents (setBestSolution) are valued in the
    // minimising sense whatever the solver's sense, and mixing the two cut
    // off every solution better than the start.
    const double sense = p.maximize ? -1 : 1;
    for (double& c : b.obj) c *= sense;
    solver.loadProblem(m, b.col_lo.data(), b.col_hi.data(), b.obj.data(), b.row_lo.data(), b.row_hi.data());
    solver.setObjSense(1);
    for (int j = 0; j < static_cast<int>(p.integer.size()); ++j) {
      if (p.integer[j]) solver.setInteger(j);
    }
    solver.messageHandler()->setLogLevel(0);
    CbcModel model(solver);
    model.setLogLevel(0);
    model.messageHandler()->setLogLevel(0);
    if (time_limit_s > 0) model.setMaximumSeconds(time_limit_s);
    if (static_cast<int>(p.start.size()) == p.columns() && Satisfies(p, p.start)) {
      double value = 0;
      for (int j = 0; j < p.columns(); ++j) value += b.obj[j] * p.start[j];
      model.setBestSolution(p.start.data(), p.columns(), value, false);
    }
    model.branchAndBound();
    Answer a;
    if (model.isProvenInfeasible()) return a;
    if (!model.isProvenOptimal() || model.bestSolution() == nullptr) {
      return Internal("Cbc stopped without proving optimality (status " + std::to_string(model.status()) +
                      ", secondary " + std::to_string(model.secondaryStatus()) + ")");
    }
    a.outcome = Outcome::kOptimal;
    a.objective = sense * model.getObjValue();
    a.x.assign(model.bestSolution(), model.bestSolution() + p.columns());
    return a;
  } catch (const CoinError& e) {
    return Internal("Cbc: " + e.message());
  }
}

}  // namespace faultline::lp
