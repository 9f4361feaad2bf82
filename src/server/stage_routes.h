// The routes of the measure, forecast and plan stages (claims, phases,
// change points, effects, forecasts, backtests, alerts, plans), kept out of
// server.cc: each file builds RouteSpecs that server.cc registers behind its
// authentication, role, CSRF and rate-limit checks.
//
// Long computations are bounded so that one request cannot hog the server:
// size caps on every series, panel and game (StageLimits; a request beyond
// them gets 422 with the cap in the message), a time limit on the one solver
// that can run long (the Bayesian MILP), and a gate that lets at most
// `heavy_slots` backtests, forecast runs, effect fits and plans run at once
// (503 "busy" with Retry-After beyond). The library calls cannot be
// cancelled once started, so the caps, not a timer, bound their time.
//
// StageEnv is shared by the handlers of all three files and is thread-safe.
#ifndef FAULTLINE_SERVER_STAGE_ROUTES_H_
#define FAULTLINE_SERVER_STAGE_ROUTES_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "analysis/cube.h"
#include "server/cube_holder.h"
#include "server/http_kit.h"
#include "server/server.h"

namespace faultline::server {

struct StageLimits {
  size_t max_series_periods = 20000;  // change points: periods in the series
  size_t max_bocpd_run = 2000;        // BOCPD run-length cap
  size_t max_effect_periods = 1000;   // effects: periods in the fitted series
  size_t max_panel_units = 300;       // forecasts, backtests, alerts: units
  size_t max_panel_periods = 600;     // ... and periods
  int max_horizon = 12;
  int max_origins = 36;
  size_t max_samples = 2000;
  size_t max_plan_targets = 300;
  int max_plan_days = 366;
  double milp_seconds = 20;           // time limit of the Bayesian MILP
  int max_qr_grid = 50;
  size_t max_border_segments = 500;
  size_t max_plans_kept = 50;         // plans are kept in memory; the oldest go first
  int heavy_slots = 1;                // heavy computations at once
};

// State shared by the stage handlers: the limits, the cube (loaded in the
// background by a CubeHolder, again after incidents or phases changed), and
// the gate on heavy work.
class StageEnv {
 public:
  // `db_uri` is what the cube loader opens; `wait` bounds how long a request
  // waits for a load (then Unavailable, 503).
  StageEnv(StageLimits limits, std::string db_uri, std::chrono::milliseconds wait);
  const StageLimits& limits() const { return limits_; }

  // The whole store's cube with perpetrators rolled up (analysis/measure.h),
  // as of the server's cache `generation` (RouteContext::generation), shared
  // between requests. `store` is not used: the holder loads through its own.
  Result<std::shared_ptr<const Cube>> CubeOf(Store* store, uint64_t generation);
  // Starts loading that cube without waiting (server start-up).
  void Prefetch(uint64_t generation) { cube_.Prefetch(generation); }

  // Holds one heavy slot while alive.
  class Slot {
   public:
    explicit Slot(StageEnv* env) : env_(env) {}
    Slot(Slot&& o) noexcept : env_(o.env_) { o.env_ = nullptr; }
    Slot(const Slot&) = delete;
    ~Slot();

   private:
    StageEnv* env_;
  };
  // A slot, or Unavailable ("busy") when every slot is taken.
  Result<Slot> TryHeavy();

 private:
  StageLimits limits_;
  std::chrono::milliseconds wait_;
  CubeHolder cube_;
  std::mutex mu_;
  int busy_ = 0;
};

// Every stage route, for server.cc to register under /api/v1; their cube
// starts loading for cache generation `generation`.
std::vector<RouteSpec> StageRoutes(const ServerOptions& options, uint64_t generation);

// Per file.
std::vector<RouteSpec> MeasureRoutes(std::shared_ptr<StageEnv> env);
std::vector<RouteSpec> ForecastRoutes(std::shared_ptr<StageEnv> env);
std::vector<RouteSpec> PlanRoutes(std::shared_ptr<StageEnv> env);

// The phases a time series shades: those that overlap the series' span —
// from the first day of the period labelled `first` to the last day of the
// period labelled `last` (labels as the cube writes them for `interval`:
// "2022-11-28", "2022-W48", "2022-11", "2022-Q4", "2022"), narrowed by the
// filter's from/to — and apply under the filter: a phase of one country only
// when the filter names no country or names that one (phases of no country
// apply everywhere). Parties do not narrow it. A JSON array of GET /phases
// objects ordered by start. InvalidArgument for a label that is not of the
// interval.
Result<Json> PhasesOverSeries(Store* store, const Filter& filter, std::string_view interval,
                              const std::string& first, const std::string& last);

// A reply for "too busy": 503 {"code": "busy"} with Retry-After.
Reply BusyReply();

}  // namespace faultline::server

#endif  // FAULTLINE_SERVER_STAGE_ROUTES_H_
