// Routes of the plan stage: compute a plan (admin), read its coverage
// (analyst), read its drawn schedule and seed (admin only: secret). The same
// library calls as `faultline plan allocate --from-data` and `plan patrol`
// (plan/allocate.h).
//
// Plans live in the server's memory only — the last StageLimits::
// max_plans_kept — so schedules and seeds are never written to the database,
// the audit log or the access log; a restart forgets them (compute again, or
// use `faultline plan ... --schedule-out` for a 0600 file).
#include <deque>
#include <mutex>

#include "common/date.h"
#include "plan/allocate.h"
#include "plan/patrol.h"
#include "server/accounts.h"
#include "server/stage_routes.h"

namespace faultline::server {
namespace {

struct StoredPlan {
  int64_t id = 0;
  std::string kind;  // allocate | patrol
  std::string model;
  std::string created_at, created_by;
  std::string coverage_json;  // not secret
  std::string schedule_json;  // SECRET
  uint64_t seed = 0;          // SECRET
  int days = 0;
};

class PlanBook {
 public:
  explicit PlanBook(size_t keep) : keep_(keep) {}
  int64_t Add(StoredPlan p) {
    std::lock_guard<std::mutex> lock(mu_);
    p.id = ++last_id_;
    plans_.push_back(std::make_shared<const StoredPlan>(std::move(p)));
    while (plans_.size() > keep_) plans_.pop_front();
    return last_id_;
  }
  std::shared_ptr<const StoredPlan> Get(int64_t id) {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& p : plans_) {
      if (p->id == id) return p;
    }
    return nullptr;
  }
  std::vector<std::shared_ptr<const StoredPlan>> All() {
    std::lock_guard<std::mutex> lock(mu_);
    return {plans_.rbegin(), plans_.rend()};
  }

 private:
  size_t keep_;
  std::mutex mu_;
  int64_t last_id_ = 0;
  std::deque<std::shared_ptr<const StoredPlan>> plans_;
};

// Typed fields of a JSON body, each checked; unknown fields are errors.
class Fields {
 public:
  Fields(const Json& body, std::set<std::string> known) : body_(body) {
    for (const auto& [k, v] : body.items()) {
      if (!known.contains(k) && error_.ok()) error_ = InvalidArgument("unknown field \"" + k.substr(0, 40) + "\"");
    }
  }
  const Status& error() const { return error_; }
  Result<double> Number(const char* k, double fallback, double min, double max) const {
    auto it = body_.find(k);
    if (it == body_.end() || it->is_null()) return fallback;
    if (!it->is_number() || !(it->get<double>() >= min && it->get<double>() <= max)) {
      return InvalidArgument(std::string(k) + ": a number from " + Dump(Json(min)) + " to " + Dump(Json(max)));
    }
    return it->get<double>();
  }
  Result<int64_t> Int(const char* k, int64_t fallback, int64_t min, int64_t max) const {
    auto it = body_.find(k);
    if (it == body_.end() || it->is_null()) return fallback;
    if (!it->is_number_integer() || it->get<int64_t>() < min || it->get<int64_t>() > max) {
      return InvalidArgument(std::string(k) + ": a whole number from " + std::to_string(min) + " to " +
                             std::to_string(max));
    }
    return it->get<int64_t>();
  }
  Result<std::string> String(const char* k, std::string fallback, size_t max_bytes = 1000) const {
    auto it = body_.find(k);
    if (it == body_.end() || it->is_null()) return fallback;
    if (!it->is_string() || it->get<std::string>().size() > max_bytes) {
      return InvalidArgument(std::string(k) + ": a string of at most " + std::to_string(max_bytes) + " bytes");
    }
    return it->get<std::string>();
  }
  Result<std::optional<uint64_t>> Seed() const {
    auto it = body_.find("seed");
    if (it == body_.end() || it->is_null()) return std::optional<uint64_t>();
    if (!it->is_number_unsigned()) return InvalidArgument("seed: a whole number >= 0");
    return std::optional<uint64_t>(it->get<uint64_t>());
  }

 private:
  const Json& body_;
  Status error_;
};

std::string ScheduleNote(int64_t days) {
  return std::to_string(days) + " days drawn; the schedule and its seed are for the admin role only";
}

Result<StoredPlan> ComputeAllocation(StageEnv* env, RouteContext& c, const Json& body) {
  const StageLimits& lim = env->limits();
  Fields f(body, {"kind", "model", "resources", "units", "window_days", "as_of", "effectiveness", "max_types",
                  "lambda", "grid", "days", "seed"});
  RETURN_IF_ERROR(f.error());
  Query q(c.req);
  RETURN_IF_ERROR(q.Allow(FilterParams()));
  ASSIGN_OR_RETURN(Filter filter, FilterFromQuery(q));
  AllocationOptions ao;
  ASSIGN_OR_RETURN(ao.model, f.String("model", "sse"));
  if (ao.model != "sse" && ao.model != "bayesian" && ao.model != "qr") {
    return InvalidArgument("model: \"" + ao.model.substr(0, 40) + "\" is not one of sse, bayesian, qr");
  }
  ASSIGN_OR_RETURN(std::string units_spec, f.String("units", ""));
  std::vector<UnitType> units;
  if (!units_spec.empty()) {
    auto u = ParseUnitTypes(units_spec);
    if (!u.ok()) return u.status().WithContext("units");
    units = *u;
  }
  ASSIGN_OR_RETURN(ao.resources, f.Number("resources", units.empty() ? -1 : TotalSlots(units), 0, 1000));
  if (ao.resources < 0) return InvalidArgument("resources: required (or units)");
  if (!units.empty() && std::abs(ao.resources - TotalSlots(units)) > 1e-9) {
    return InvalidArgument("units give " + std::to_string(TotalSlots(units)) + " slots but resources differ");
  }
  ASSIGN_OR_RETURN(ao.lambda, f.Number("lambda", 0.1, 0, 1000));
  ASSIGN_OR_RETURN(int64_t grid, f.Int("grid", 20, 1, lim.max_qr_grid));
  ao.grid = static_cast<int>(grid);
  ao.milp_seconds = lim.milp_seconds;
  HistoryOptions ho;
  ASSIGN_OR_RETURN(int64_t window_days, f.Int("window_days", 365, 1, 36600));
  ho.window_days = static_cast<int32_t>(window_days);
  ASSIGN_OR_RETURN(std::string as_of, f.String("as_of", ""));
  if (!as_of.empty()) {
    auto d = CivilDate::Parse(as_of);
    if (!d.ok()) return d.status().WithContext("as_of");
    ho.as_of = d->days();
  }
  PayoffRule rule;
  ASSIGN_OR_RETURN(rule.effectiveness, f.Number("effectiveness", 0.8, 1e-9, 1));
  ASSIGN_OR_RETURN(int64_t max_types, f.Int("max_types", 3, 0, 20));
  rule.max_types = static_cast<int>(max_types);
  ASSIGN_OR_RETURN(int64_t days, f.Int("days", 30, 1, lim.max_plan_days));
  ASSIGN_OR_RETURN(auto given_seed, f.Seed());
  ASSIGN_OR_RETURN(ThreatGame g, GameFromHistory(c.store, filter, ho, rule, ao.resources, ao.model == "bayesian"));
  if (g.targets.size() > lim.max_plan_targets) {
    return FailedPrecondition("the game has " + std::to_string(g.targets.size()) + " targets; the limit is " +
                              std::to_string(lim.max_plan_targets) + " (narrow the filters)");
  }
  ASSIGN_OR_RETURN(Allocation a, Allocate(g.targets, g.attackers, ao));
  StoredPlan p;
  p.kind = "allocate";
  p.model = ao.model;
  p.days = static_cast<int>(days);
  p.seed = ChooseSeed(given_seed);
  ASSIGN_OR_RETURN(auto drawn, DrawAllocationSchedule(a, units, p.days, p.seed));
  p.schedule_json = DeploymentScheduleJson(a, drawn, g.targets, p.seed, -1);
  p.coverage_json = AllocationJson(a, g.targets, {g.source, g.formula, ScheduleNote(days)}, -1);
  return p;
}

Result<StoredPlan> ComputePatrol(StageEnv* env, RouteContext& c, const Json& body) {
  const StageLimits& lim = env->limits();
  Fields f(body, {"kind", "border_csv", "border_name", "units", "range_km", "days", "seed"});
  RETURN_IF_ERROR(f.error());
  RETURN_IF_ERROR(Query(c.req).Allow({}));
  ASSIGN_OR_RETURN(std::string csv, f.String("border_csv", "", 512 * 1024));
  if (csv.empty()) return InvalidArgument("border_csv: the border as CSV text (id,length_km,risk,...) is required");
  ASSIGN_OR_RETURN(std::string name, f.String("border_name", "border", 200));
  ASSIGN_OR_RETURN(int64_t units, f.Int("units", 0, 1, 1000));
  if (units == 0) return InvalidArgument("units: required (patrol units per shift)");
  ASSIGN_OR_RETURN(double range_km, f.Number("range_km", 300, 1e-6, 1e6));
  ASSIGN_OR_RETURN(int64_t days, f.Int("days", 30, 1, lim.max_plan_days));
  ASSIGN_OR_RETURN(auto given_seed, f.Seed());
  auto border = ParseBorder(csv, "border_csv");
  if (!border.ok()) return border.status();
  if (border->segments.size() > lim.max_border_segments) {
    return FailedPrecondition("the border has " + std::to_string(border->segments.size()) +
                              " segments; the limit is " + std::to_string(lim.max_border_segments));
  }
  ASSIGN_OR_RETURN(PatrolPlan plan, SolvePatrol(*border, static_cast<int>(units), range_km));
  StoredPlan p;
  p.kind = "patrol";
  p.model = "zero-sum patrol";
  p.days = static_cast<int>(days);
  p.seed = ChooseSeed(given_seed);
  ASSIGN_OR_RETURN(p.schedule_json,
                   PatrolScheduleJson(*border, name, plan, static_cast<int>(units), p.days, p.seed, -1));
  p.coverage_json = PatrolJson(*border, name, static_cast<int>(units), range_km, plan, ScheduleNote(days), -1);
  return p;
}

Json PlanHeader(const StoredPlan& p) {
  return Json{{"id", p.id},         {"kind", p.kind},         {"model", p.model},
              {"created_at", p.created_at}, {"created_by", p.created_by}, {"days", p.days}};
}

// The coverage, without schedule or seed.
std::string PlanView(const StoredPlan& p) {
  Json j = PlanHeader(p);
  std::string s = Dump(j);
  s.pop_back();
  return s + ",\"plan\":" + p.coverage_json + "}";
}

Result<Reply> PostPlan(StageEnv* env, PlanBook* book, RouteContext& c) {
  ASSIGN_OR_RETURN(Json body, ParseBody(c.req, true));
  auto kind = body.find("kind");
  if (kind == body.end() || !kind->is_string() ||
      (kind->get<std::string>() != "allocate" && kind->get<std::string>() != "patrol")) {
    return InvalidArgument("kind: \"allocate\" (targets from the incident history) or \"patrol\" (a border)");
  }
  auto slot = env->TryHeavy();
  if (!slot.ok()) return BusyReply();
  ASSIGN_OR_RETURN(StoredPlan p, kind->get<std::string>() == "allocate" ? ComputeAllocation(env, c, body)
                                                                          : ComputePatrol(env, c, body));
  p.created_at = UtcNow();
  p.created_by = c.who.name;
  p.id = book->Add(p);
  // The audit log names the plan, never its schedule or seed.
  c.audit("plan " + std::to_string(p.id), std::nullopt, Dump(PlanHeader(p)));
  return Reply{201, PlanView(p), "application/json", {{"Cache-Control", "no-store"}}, false};
}

Result<Reply> ListPlans(PlanBook* book, RouteContext& c) {
  RETURN_IF_ERROR(Query(c.req).Allow({}));
  Json arr = Json::array();
  for (const auto& p : book->All()) arr.push_back(PlanHeader(*p));
  return JsonReply(Json{{"plans", std::move(arr)}});
}

Result<std::shared_ptr<const StoredPlan>> Find(PlanBook* book, RouteContext& c) {
  RETURN_IF_ERROR(Query(c.req).Allow({}));
  ASSIGN_OR_RETURN(int64_t id, PathId(c.req));
  auto p = book->Get(id);
  if (!p) return NotFound("no plan " + std::to_string(id) + " (plans are kept in memory until the server restarts)");
  return p;
}

Result<Reply> GetPlan(PlanBook* book, RouteContext& c) {
  ASSIGN_OR_RETURN(auto p, Find(book, c));
  return Reply{200, PlanView(*p), "application/json", {}, false};
}

Result<Reply> GetSchedule(PlanBook* book, RouteContext& c) {
  ASSIGN_OR_RETURN(auto p, Find(book, c));
  return Reply{200, "{\"id\":" + std::to_string(p->id) + ",\"schedule\":" + p->schedule_json + "}",
               "application/json", {{"Cache-Control", "no-store"}}, false};
}

Result<Reply> GetSeed(PlanBook* book, RouteContext& c) {
  ASSIGN_OR_RETURN(auto p, Find(book, c));
  return Reply{200, Dump(Json{{"id", p->id}, {"seed", p->seed}}), "application/json", {{"Cache-Control", "no-store"}},
               false};
}

}  // namespace

std::vector<RouteSpec> PlanRoutes(std::shared_ptr<StageEnv> env) {
  auto book = std::make_shared<PlanBook>(env->limits().max_plans_kept);
  auto with_book = [book](auto f) { return [book, f](RouteContext& c) { return f(book.get(), c); }; };
  return {
      {"GET", "/plans", Access::kAnalyst, with_book(ListPlans)},
      {"POST", "/plans", Access::kAdmin,
       [env, book](RouteContext& c) { return PostPlan(env.get(), book.get(), c); }},
      {"GET", "/plans/(\\d+)", Access::kAnalyst, with_book(GetPlan)},
      {"GET", "/plans/(\\d+)/schedule", Access::kAdmin, with_book(GetSchedule)},
      {"GET", "/plans/(\\d+)/seed", Access::kAdmin, with_book(GetSeed)},
  };
}

}  // namespace faultline::server
