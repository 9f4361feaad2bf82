#include "server/stage_routes.h"

#include "analysis/measure.h"

namespace faultline::server {

StageEnv::StageEnv(StageLimits limits, std::string db_uri, std::chrono::milliseconds wait)
    : limits_(limits), wait_(wait), cube_(std::move(db_uri), [](Store* store) { return LoadRolledUpCube(store); }) {}

Result<std::shared_ptr<const Cube>> StageEnv::CubeOf(Store*, uint64_t generation) {
  return cube_.Get(generation, wait_);
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

std::vector<RouteSpec> StageRoutes(const ServerOptions& options, uint64_t generation) {
  StageLimits limits;
  limits.heavy_slots = std::max(1, options.threads / 4);
  auto env = std::make_shared<StageEnv>(limits, options.db_uri,
                                        std::chrono::seconds(std::max(1, options.timeout_seconds)));
  env->Prefetch(generation);
  std::vector<RouteSpec> all;
  for (auto* make : {&MeasureRoutes, &ForecastRoutes, &PlanRoutes}) {
    for (RouteSpec& r : make(env)) all.push_back(std::move(r));
  }
  return all;
}

}  // namespace faultline::server
