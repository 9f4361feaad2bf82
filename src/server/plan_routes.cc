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

// `unit_kinds`: [{"kind", "count", "capacity", "effectiveness", "targets":
// [id, name or target kind, ...]}], the JSON form of the CLI's --unit-kinds
// CSV. The targets are matched once the game is known (UnitKindTargets).
struct UnitKindRequest {
  ResourceKind kind;
  std::vector<std::string> targets;
};

Result<std::vector<UnitKindRequest>> ParseUnitKinds(const Json& body) {
  std::vector<UnitKindRequest> out;
  auto it = body.find("unit_kinds");
  if (it == body.end() || it->is_null()) return out;
  if (!it->is_array() || it->empty() || it->size() > 20) {
    return InvalidArgument("unit_kinds: an array of 1 to 20 objects {kind, count, capacity, effectiveness, targets}");
  }
  int slots = 0;
  for (size_t i = 0; i < it->size(); ++i) {
    const Json& o = (*it)[i];
    const std::string at = "unit_kinds[" + std::to_string(i) + "]";
    if (!o.is_object()) return InvalidArgument(at + ": an object {kind, count, capacity, effectiveness, targets}");
    Fields f(o, {"kind", "count", "capacity", "effectiveness", "targets"});
    RETURN_IF_ERROR(f.error().WithContext(at));
    UnitKindRequest k;
    auto name = f.String("kind", "", 64);
    if (!name.ok()) return name.status().WithContext(at);
    k.kind.name = *name;
    if (k.kind.name.empty() || FindInvalidUtf8(k.kind.name)) return InvalidArgument(at + ".kind: a name is required");
    for (const auto& other : out) {
      if (other.kind.name == k.kind.name) return InvalidArgument(at + ".kind: \"" + k.kind.name + "\" given twice");
    }
    auto count = f.Int("count", -1, 0, 1000);
    if (!count.ok()) return count.status().WithContext(at);
    if (*count < 0) return InvalidArgument(at + ".count: required (units of this kind)");
    auto capacity = f.Int("capacity", 1, 0, 100);
    if (!capacity.ok()) return capacity.status().WithContext(at);
    auto effectiveness = f.Number("effectiveness", 1, 1e-9, 1);
    if (!effectiveness.ok()) return effectiveness.status().WithContext(at);
    k.kind.count = static_cast<int>(*count);
    k.kind.capacity = static_cast<int>(*capacity);
    k.kind.effectiveness = *effectiveness;
    slots += k.kind.slots();
    if (slots > 1000) return InvalidArgument("unit_kinds: more than 1000 slots (count x capacity) in all");
    if (auto t = o.find("targets"); t != o.end() && !t->is_null()) {
      if (!t->is_array() || t->empty() || t->size() > 1000) {
        return InvalidArgument(at + ".targets: an array of target ids, names or kinds (\"district\"), or \"*\"; "
                                    "leave it out for every target");
      }
      for (const Json& x : *t) {
        if (!x.is_string() || x.get<std::string>().empty() || x.get<std::string>().size() > 200 ||
            FindInvalidUtf8(x.get<std::string>())) {
          return InvalidArgument(at + ".targets: each entry a non-empty string (a target's id, name or kind)");
        }
        k.targets.push_back(x.get<std::string>());
      }
    }
    out.push_back(std::move(k));
  }
  if (slots == 0) return InvalidArgument("unit_kinds: no slots (every count or capacity is 0)");
  return out;
}

// `from_forecast`: true (the latest stored run) or a run id, with `horizon`
// and `casualty_forecast`: the CLI's --from-forecast [RUN] --horizon H
// --casualty-forecast KRUN. nullopt: targets from the incident history.
Result<std::optional<ForecastThreatOptions>> ParseFromForecast(const Json& body, const Fields& f) {
  auto it = body.find("from_forecast");
  const bool given = it != body.end() && !it->is_null() && !(it->is_boolean() && !it->get<bool>());
  if (!given) {
    for (const char* k : {"horizon", "casualty_forecast"}) {
      if (auto x = body.find(k); x != body.end() && !x->is_null()) {
        return InvalidArgument(std::string(k) + ": goes with from_forecast");
      }
    }
    return std::optional<ForecastThreatOptions>();
  }
  ForecastThreatOptions fo;
  if (it->is_string()) {
    fo.run = it->get<std::string>();
    if (fo.run.empty() || fo.run.size() > 200 || FindInvalidUtf8(fo.run)) {
      return InvalidArgument("from_forecast: true (the latest run) or a forecast run id");
    }
  } else if (!it->is_boolean()) {
    return InvalidArgument("from_forecast: true (the latest run) or a forecast run id");
  }
  if (auto x = body.find("as_of"); x != body.end() && !x->is_null()) {
    return InvalidArgument("as_of: goes with plans from the incident history; a forecast run has its own origin");
  }
  ASSIGN_OR_RETURN(int64_t horizon, f.Int("horizon", 1, 1, 520));
  fo.horizon = static_cast<int32_t>(horizon);
  ASSIGN_OR_RETURN(fo.casualty_run, f.String("casualty_forecast", "", 200));
  return std::optional<ForecastThreatOptions>(std::move(fo));
}

Result<StoredPlan> ComputeAllocation(StageEnv* env, RouteContext& c, const Json& body) {
  const StageLimits& lim = env->limits();
  Fields f(body, {"kind", "model", "resources", "units", "unit_kinds", "from_forecast", "horizon", "casualty_forecast",
                  "window_days", "as_of", "effectiveness", "max_types", "lambda", "grid", "days", "seed"});
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
  ASSIGN_OR_RETURN(std::vector<UnitKindRequest> kinds, ParseUnitKinds(body));
  int kind_slots = 0;
  for (const auto& k : kinds) kind_slots += k.kind.slots();
  if (!kinds.empty()) {
    if (!units.empty()) return InvalidArgument("unit_kinds: give units or unit_kinds, not both");
    if (ao.model != "sse") {
      return InvalidArgument("unit_kinds: work with model sse (one attacker type, best response), not " + ao.model);
    }
  }
  const double implied = !kinds.empty() ? kind_slots : units.empty() ? -1 : TotalSlots(units);
  ASSIGN_OR_RETURN(ao.resources, f.Number("resources", implied, 0, 1000));
  if (ao.resources < 0) return InvalidArgument("resources: required (or units, or unit_kinds)");
  if (implied >= 0 && std::abs(ao.resources - implied) > 1e-9) {
    return InvalidArgument("resources: " + std::string(kinds.empty() ? "units" : "unit_kinds") + " give " +
                           std::to_string(static_cast<int>(implied)) + " slots but resources differ");
  }
  ASSIGN_OR_RETURN(ao.lambda, f.Number("lambda", 0.1, 0, 1000));
  ASSIGN_OR_RETURN(int64_t grid, f.Int("grid", 20, 1, lim.max_qr_grid));
  ao.grid = static_cast<int>(grid);
  ao.milp_seconds = lim.milp_seconds;
  ASSIGN_OR_RETURN(auto from_forecast, ParseFromForecast(body, f));
  ASSIGN_OR_RETURN(int64_t window_days, f.Int("window_days", 365, 1, 36600));
  HistoryOptions ho;
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
  const bool with_types = ao.model == "bayesian";
  ThreatGame g;
  if (from_forecast) {
    from_forecast->group_window_days = ho.window_days;
    auto made = GameFromForecast(c.store, filter, *from_forecast, rule, ao.resources, with_types);
    if (!made.ok()) return made.status().WithContext("from_forecast");
    g = std::move(made).value();
  } else {
    ASSIGN_OR_RETURN(g, GameFromHistory(c.store, filter, ho, rule, ao.resources, with_types));
  }
  if (g.targets.size() > lim.max_plan_targets) {
    return FailedPrecondition("the game has " + std::to_string(g.targets.size()) + " targets; the limit is " +
                              std::to_string(lim.max_plan_targets) + " (narrow the filters)");
  }
  for (size_t i = 0; i < kinds.size(); ++i) {
    ASSIGN_OR_RETURN(kinds[i].kind.allowed,
                     UnitKindTargets(g.targets, kinds[i].targets, "unit_kinds[" + std::to_string(i) + "].targets"));
    ao.kinds.push_back(kinds[i].kind);
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
