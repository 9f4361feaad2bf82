#include "server/stage_routes.h"

#include "analysis/measure.h"

namespace faultline::server {

Result<std::shared_ptr<const Cube>> StageEnv::CubeOf(Store* store, uint64_t generation) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (cube_ && cube_generation_ == generation && std::chrono::steady_clock::now() - cube_at_ < ttl_) return cube_;
  }
  ASSIGN_OR_RETURN(std::unique_ptr<Cube> loaded, LoadRolledUpCube(store));
  std::shared_ptr<const Cube> cube(std::move(loaded));
  std::lock_guard<std::mutex> lock(mu_);
  cube_ = cube;
  cube_generation_ = generation;
  cube_at_ = std::chrono::steady_clock::now();
  return cube;
}

StageEnv::Slot::~Slot() {
  if (env_ == nullptr) return;
  std::lock_guard<std::mutex> lock(env_->mu_);
  --env_->busy_;
}

Result<StageEnv::Slot> StageEnv::TryHeavy() {
  std::lock_guard<std::mutex> lock(mu_);
  if (busy_ >= limits_.heavy_slots) {
    return Status(StatusCode::kUnavailable, "busy: another long computation is running; try again in a few seconds");
  }
  ++busy_;
  return Slot(this);
}

Reply BusyReply() {
  Reply r = ErrorReply(503, "busy", "another long computation (backtest, forecast, effect or plan) is running; retry");
  r.headers.emplace_back("Retry-After", "5");
  return r;
}

std::vector<RouteSpec> StageRoutes(const ServerOptions& options) {
  StageLimits limits;
  limits.heavy_slots = std::max(1, options.threads / 4);
  auto env = std::make_shared<StageEnv>(limits, options.cache_seconds);
  std::vector<RouteSpec> all;
  for (auto* make : {&MeasureRoutes, &ForecastRoutes, &PlanRoutes}) {
    for (RouteSpec& r : make(env)) all.push_back(std::move(r));
  }
  return all;
}

}  // namespace faultline::server
