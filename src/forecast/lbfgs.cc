#include "forecast/lbfgs.h"

#include <algorithm>
#include <cmath>
#include <deque>

namespace faultline {
namespace {

double Dot(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0;
  for (size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

}  // namespace

LbfgsResult MinimizeLbfgs(const std::function<double(const std::vector<double>&, std::vector<double>*)>& f,
                          std::vector<double>* x, const LbfgsOptions& options) {
  const size_t n = x->size();
  std::vector<double> g(n), g_new(n), d(n), x_new(n);
  LbfgsResult r;
  double fx = f(*x, &g);
  r.value = fx;
  if (!std::isfinite(fx)) return r;
  struct Pair {
    std::vector<double> s, y;
    double rho;
  };
  std::deque<Pair> mem;
  std::vector<double> alpha(static_cast<size_t>(options.memory));
  for (int it = 1; it <= options.max_iterations; ++it) {
    r.iterations = it;
    // Two-loop recursion: d = -H g.
    d = g;
    for (size_t k = mem.size(); k-- > 0;) {
      alpha[k] = mem[k].rho * Dot(mem[k].s, d);
      for (size_t i = 0; i < n; ++i) d[i] -= alpha[k] * mem[k].y[i];
    }
    double gamma = 1;
    if (!mem.empty()) {
      gamma = Dot(mem.back().s, mem.back().y) / Dot(mem.back().y, mem.back().y);
    } else {
      const double norm = std::sqrt(Dot(g, g));
      gamma = norm > 0 ? std::min(1.0, 1.0 / norm) : 1.0;
    }
    for (double& v : d) v *= gamma;
    for (size_t k = 0; k < mem.size(); ++k) {
      const double beta = mem[k].rho * Dot(mem[k].y, d);
      for (size_t i = 0; i < n; ++i) d[i] += mem[k].s[i] * (alpha[k] - beta);
    }
    for (double& v : d) v = -v;
    double slope = Dot(g, d);
    if (!(slope < 0)) {  // not a descent direction: restart from steepest descent
      mem.clear();
      const double norm = std::sqrt(Dot(g, g));
      if (norm == 0) {
        r.converged = true;
        break;
      }
      for (size_t i = 0; i < n; ++i) d[i] = -g[i] / std::max(1.0, norm);
      slope = Dot(g, d);
    }
    double t = 1, f_new = 0;
    bool accepted = false;
    for (int back = 0; back < 50; ++back, t *= 0.5) {
      for (size_t i = 0; i < n; ++i) x_new[i] = (*x)[i] + t * d[i];
      f_new = f(x_new, &g_new);
      if (std::isfinite(f_new) && f_new <= fx + 1e-4 * t * slope) {
        accepted = true;
        break;
      }
    }
    if (!accepted) {
      r.converged = mem.empty();  // no progress even along the gradient: a (numerical) minimum
      if (!mem.empty()) {
        mem.clear();
        continue;
      }
      break;
    }
    Pair p{std::vector<double>(n), std::vector<double>(n), 0};
    for (size_t i = 0; i < n; ++i) {
      p.s[i] = x_new[i] - (*x)[i];
      p.y[i] = g_new[i] - g[i];
    }
    const double sy = Dot(p.s, p.y);
    if (sy > 1e-12 * std::sqrt(Dot(p.s, p.s) * Dot(p.y, p.y))) {
      p.rho = 1 / sy;
      mem.push_back(std::move(p));
      if (mem.size() > static_cast<size_t>(options.memory)) mem.pop_front();
    }
    const double change = fx - f_new;
    x->swap(x_new);
    g.swap(g_new);
    fx = f_new;
    r.value = fx;
    if (change <= options.tolerance * std::max(1.0, std::fabs(fx))) {
      r.converged = true;
      break;
    }
  }
  return r;
}

}  // namespace faultline
