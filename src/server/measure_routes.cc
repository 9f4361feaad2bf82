// Routes of the measure stage: claims and the claims check, phases, change
// points and effects. The same library calls as `faultline claims`,
// `phases`, `changepoints` and `effect` (analysis/measure.h).
#include <algorithm>

#include "analysis/changepoint.h"
#include "analysis/claims.h"
#include "analysis/measure.h"
#include "analysis/period.h"
#include "common/date.h"
#include "common/text.h"
#include "server/stage_routes.h"

namespace faultline::server {
namespace {

// {"<name>": [json(item), ...]}.
template <typename T, typename F>
Reply ListReply(std::string_view name, const std::vector<T>& items, F json) {
  std::string out = "{\"" + std::string(name) + "\":[";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? "," : "") + json(items[i]);
  out += "]}";
  return Reply{200, std::move(out), "application/json", {}, false};
}

Result<Reply> ListClaims(RouteContext& c) {
  RETURN_IF_ERROR(Query(c.req).Allow({}));
  ASSIGN_OR_RETURN(auto claims, c.store->Claims());
  return ListReply("claims", claims, ClaimJson);
}

// {"tolerance": percent (default 10), "keys": ["..."] (default all)}.
Result<Reply> CheckClaimsRoute(StageEnv* env, RouteContext& c) {
  RETURN_IF_ERROR(Query(c.req).Allow({}));
  ASSIGN_OR_RETURN(Json body, ParseBody(c.req, false));
  double tolerance = 10;
  if (auto it = body.find("tolerance"); it != body.end()) {
    if (!it->is_number() || !(it->get<double>() >= 0) || it->get<double>() > 1000) {
      return InvalidArgument("tolerance: a percentage from 0 to 1000");
    }
    tolerance = it->get<double>();
  }
  std::vector<std::string> keys;
  if (auto it = body.find("keys"); it != body.end()) {
    if (!it->is_array() || it->size() > 1000) return InvalidArgument("keys: an array of claim keys (at most 1000)");
    for (const auto& k : *it) {
      if (!k.is_string() || k.get<std::string>().size() > 1000) return InvalidArgument("keys: strings");
      keys.push_back(k.get<std::string>());
    }
  }
  for (const auto& [k, v] : body.items()) {
    if (k != "tolerance" && k != "keys") return InvalidArgument("unknown field \"" + k.substr(0, 40) + "\"");
  }
  ASSIGN_OR_RETURN(auto claims, c.store->Claims());
  if (claims.empty()) return FailedPrecondition("no claims stored (see `faultline claims import`)");
  ASSIGN_OR_RETURN(auto cube, env->CubeOf(c.store, c.generation));
  std::vector<ClaimCheck> checks = CheckClaims(*cube, claims, &ClaimFilter, {.tolerance = tolerance / 100});
  std::vector<size_t> shown;
  for (size_t i = 0; i < checks.size(); ++i) {
    if (keys.empty() || std::find(keys.begin(), keys.end(), claims[i].key) != keys.end()) shown.push_back(i);
  }
  if (shown.empty()) return NotFound("claims check: no stored claim has the keys given");
  std::string out = "{\"tolerance\":" + Dump(Json(tolerance)) + ",\"checks\":" +
                    ClaimChecksJson(claims, checks, shown, -1) + "}";
  return Reply{200, std::move(out), "application/json", {}, false};
}

Result<Reply> ListPhases(RouteContext& c) {
  RETURN_IF_ERROR(Query(c.req).Allow({}));
  ASSIGN_OR_RETURN(auto phases, c.store->Phases());
  return ListReply("phases", phases, PhaseJson);
}

// {"key", "type", "name", "parties": [..] | "a|b", "country", "start", "end",
// "source", "notes"}: adds the phase, or replaces the one with the same key.
Result<Reply> UpsertPhaseRoute(RouteContext& c) {
  RETURN_IF_ERROR(Query(c.req).Allow({}));
  ASSIGN_OR_RETURN(Json body, ParseBody(c.req, true));
  PhaseFields f;
  const std::pair<const char*, std::string*> fields[] = {
      {"key", &f.key},         {"type", &f.type},   {"name", &f.name},     {"country", &f.country},
      {"start", &f.start},     {"end", &f.end},     {"source", &f.source}, {"notes", &f.notes}};
  for (const auto& [k, v] : body.items()) {
    bool known = k == "parties";
    for (const auto& [name, out] : fields) {
      if (k != name) continue;
      known = true;
      if (v.is_null()) continue;
      if (!v.is_string()) return InvalidArgument(k + ": a string");
      if (v.get<std::string>().size() > 2000) return InvalidArgument(k + ": longer than 2000 bytes");
      *out = v.get<std::string>();
    }
    if (!known) return InvalidArgument("unknown field \"" + k.substr(0, 40) + "\"");
  }
  if (auto it = body.find("parties"); it != body.end() && !it->is_null()) {
    if (it->is_string()) {
      f.parties = it->get<std::string>();
    } else if (it->is_array() && it->size() <= 50) {
      for (const auto& p : *it) {
        if (!p.is_string() || p.get<std::string>().find('|') != std::string::npos) {
          return InvalidArgument("parties: actor ids (strings without '|')");
        }
        f.parties += (f.parties.empty() ? "" : "|") + p.get<std::string>();
      }
    } else {
      return InvalidArgument("parties: an array of actor ids (at most 50)");
    }
  }
  if (f.key.empty()) return InvalidArgument("key: required");
  if (f.start.empty()) return InvalidArgument("start: required (YYYY-MM-DD)");
  ASSIGN_OR_RETURN(Phase p, PhaseFromFields(f));
  std::optional<std::string> before;
  ASSIGN_OR_RETURN(auto existing, c.store->Phases());
  for (const Phase& e : existing) {
    if (e.key == p.key) before = PhaseJson(e);
  }
  ASSIGN_OR_RETURN(WriteOutcome w, c.store->UpsertPhase(&p));
  const std::string view = PhaseJson(p);
  if (w != WriteOutcome::kUnchanged) c.audit("phase " + p.key, before, view);
  const char* outcome = w == WriteOutcome::kInserted ? "added" : w == WriteOutcome::kUpdated ? "updated" : "unchanged";
  return Reply{w == WriteOutcome::kInserted ? 201 : 200,
               "{\"outcome\":\"" + std::string(outcome) + "\",\"phase\":" + view + "}", "application/json", {}, false};
}

// The series options change points and effects share.
struct SeriesQuery {
  Filter filter;
  Period period = Period::kWeek;
  Measure measure = Measure::Incidents();
  std::string measure_name = "incidents";
};

Result<SeriesQuery> ParseSeriesQuery(const Query& q, const char* default_by) {
  SeriesQuery s;
  ASSIGN_OR_RETURN(s.filter, FilterFromQuery(q));
  ASSIGN_OR_RETURN(std::string by, q.One("by", default_by));
  auto period = ParsePeriod(by);
  if (!period.ok()) return period.status().WithContext("parameter by");
  s.period = *period;
  ASSIGN_OR_RETURN(s.measure_name, q.One("measure", "incidents"));
  auto m = ParseMeasure(s.measure_name);
  if (!m.ok()) return m.status().WithContext("parameter measure");
  s.measure = *m;
  return s;
}

Result<double> DoubleParam(const Query& q, const std::string& name, double fallback, double min, double max) {
  ASSIGN_OR_RETURN(std::string s, q.One(name));
  if (s.empty()) return fallback;
  auto v = ParseDouble(s);
  if (!v.ok() || !(*v >= min && *v <= max)) {
    return InvalidArgument("parameter " + name + ": a number from " + Dump(Json(min)) + " to " + Dump(Json(max)));
  }
  return *v;
}

// The series and its change points (PELT with a Poisson cost, or BOCPD).
Result<Reply> Changepoints(StageEnv* env, RouteContext& c) {
  Query q(c.req);
  RETURN_IF_ERROR(q.Allow(With({"by", "measure", "method", "penalty", "min_segment", "hazard", "max_run"})));
  ASSIGN_OR_RETURN(SeriesQuery sq, ParseSeriesQuery(q, "week"));
  ASSIGN_OR_RETURN(std::string method, q.One("method", "pelt"));
  if (method != "pelt" && method != "bocpd") return InvalidArgument("parameter method: pelt or bocpd");
  ASSIGN_OR_RETURN(std::string penalty, q.One("penalty", "mbic"));
  double manual = 0;
  auto kind = ParsePenalty(Trim(penalty), &manual);
  if (!kind.ok()) return kind.status().WithContext("parameter penalty");
  ASSIGN_OR_RETURN(int64_t min_segment, q.Int("min_segment", 2, 1, 1000));
  ASSIGN_OR_RETURN(double hazard, DoubleParam(q, "hazard", 0.01, 1e-9, 1));
  ASSIGN_OR_RETURN(int64_t max_run, q.Int("max_run", 500, 1, static_cast<int64_t>(env->limits().max_bocpd_run)));
  ASSIGN_OR_RETURN(auto cube, env->CubeOf(c.store, c.generation));
  // The span is checked before the series is built, so a century of days
  // costs nothing.
  const int32_t from = sq.filter.date_from.value_or(cube->MinDate());
  const int32_t to = sq.filter.date_to.value_or(cube->MaxDate());
  const int64_t n = to < from ? 0 : static_cast<int64_t>(PeriodOf(sq.period, to)) - PeriodOf(sq.period, from) + 1;
  if (n > static_cast<int64_t>(env->limits().max_series_periods)) {
    return FailedPrecondition("the series would have " + std::to_string(n) + " periods; the limit is " +
                              std::to_string(env->limits().max_series_periods) + " (narrow from/to or a longer by)");
  }
  ASSIGN_OR_RETURN(Series s, LoadSeries(*cube, c.store, sq.filter, sq.period, sq.measure));
  std::vector<size_t> cps;
  Json j;
  j["method"] = method;
  if (method == "bocpd") {
    BocpdOptions o;
    o.hazard = hazard;
    o.max_run_length = static_cast<size_t>(max_run);
    cps = Bocpd(s.values, o).changepoints;
    j["hazard"] = hazard;
    j["max_run"] = max_run;
  } else {
    const double beta = PenaltyValue(*kind, s.values.size(), manual);
    cps = Pelt(s.values, beta, static_cast<size_t>(min_segment)).changepoints;
    j["penalty"] = penalty;
    j["penalty_value"] = beta;
    j["min_segment"] = min_segment;
  }
  Json values = Json::array();
  for (size_t i = 0; i < s.values.size(); ++i) values.push_back({{"period", s.Label(i)}, {"value", s.values[i]}});
  j["series"] = {{"period", Name(s.period)}, {"measure", sq.measure_name}, {"n", s.values.size()},
                 {"points", std::move(values)}};
  Json points = Json::array();
  for (size_t cp : cps) {
    points.push_back({{"index", cp}, {"period", s.Label(cp)}, {"first_day", CivilDate(s.FirstDay(cp)).ToString()}});
  }
  j["changepoints"] = std::move(points);
  Json segs = Json::array();
  for (const SeriesSegment& seg : SegmentsBetween(s, cps)) {
    segs.push_back({{"from", seg.from}, {"to", seg.to}, {"periods", seg.end - seg.first}, {"total", seg.total},
                    {"mean", seg.mean}});
  }
  j["segments"] = std::move(segs);
  return JsonReply(j);
}

// The segmented NB regression around a phase's start and end (or dates).
Result<Reply> Effects(StageEnv* env, RouteContext& c) {
  Query q(c.req);
  RETURN_IF_ERROR(q.Allow(With({"by", "measure", "phase", "at", "window", "slope", "season"})));
  ASSIGN_OR_RETURN(SeriesQuery sq, ParseSeriesQuery(q, "week"));
  EffectRequest r;
  r.filter = sq.filter;
  r.period = sq.period;
  r.measure = sq.measure;
  r.measure_name = sq.measure_name;
  ASSIGN_OR_RETURN(r.phase, q.One("phase"));
  ASSIGN_OR_RETURN(auto at, q.List("at"));
  for (const auto& d : at) {
    auto day = CivilDate::Parse(d);
    if (!day.ok()) return day.status().WithContext("parameter at");
    r.at.push_back(day->days());
  }
  if (r.phase.empty() && r.at.empty()) return InvalidArgument("give phase=ID|KEY or at=YYYY-MM-DD (repeatable)");
  ASSIGN_OR_RETURN(int64_t window, q.Int("window", 8, 1, 520));
  r.options.window_periods = static_cast<int>(window);
  ASSIGN_OR_RETURN(std::string slope, q.One("slope", "true"));
  ASSIGN_OR_RETURN(std::string season, q.One("season", "true"));
  for (const auto& [name, v] : {std::pair{"slope", slope}, std::pair{"season", season}}) {
    if (v != "true" && v != "false") return InvalidArgument(std::string("parameter ") + name + ": true or false");
  }
  r.options.slope_changes = slope == "true";
  r.options.seasonality = season == "true";
  r.max_periods = env->limits().max_effect_periods;
  auto slot = env->TryHeavy();
  if (!slot.ok()) return BusyReply();
  ASSIGN_OR_RETURN(auto cube, env->CubeOf(c.store, c.generation));
  ASSIGN_OR_RETURN(EffectReport e, EstimatePhaseEffects(*cube, c.store, r));
  return Reply{200, EffectReportJson(e, -1), "application/json", {}, false};
}

}  // namespace

namespace {

// A day inside the period a cube label names ("2022-11-28", "2022-W48",
// "2022-11", "2022-Q4", "2022").
Result<int32_t> DayInLabel(Period p, const std::string& label) {
  const Status bad = InvalidArgument("period label \"" + label.substr(0, 40) + "\" is not a " +
                                     std::string(Name(p)));
  auto number = [&](size_t at, size_t n) -> std::optional<int> {
    if (label.size() < at + n) return std::nullopt;
    int v = 0;
    for (size_t i = at; i < at + n; ++i) {
      if (label[i] < '0' || label[i] > '9') return std::nullopt;
      v = v * 10 + (label[i] - '0');
    }
    return v;
  };
  auto year = number(0, 4);
  if (!year) return bad;
  int month = 1, day = 1;
  switch (p) {
    case Period::kDay: {
      auto d = CivilDate::Parse(label);
      if (!d.ok()) return bad;
      return d->days();
    }
    case Period::kWeek: {
      // ISO week n of a week-year: the week of January 4th, then n - 1 weeks on.
      auto w = number(6, 2);
      if (label.size() != 8 || label.substr(4, 2) != "-W" || !w || *w < 1 || *w > 53) return bad;
      auto jan4 = CivilDate::FromYmd(*year, 1, 4);
      if (!jan4.ok()) return bad;
      return jan4->days() + (*w - 1) * 7;
    }
    case Period::kMonth: {
      auto m = number(5, 2);
      if (label.size() != 7 || label[4] != '-' || !m) return bad;
      month = *m;
      break;
    }
    case Period::kQuarter: {
      auto q = number(6, 1);
      if (label.size() != 7 || label.substr(4, 2) != "-Q" || !q || *q < 1 || *q > 4) return bad;
      month = (*q - 1) * 3 + 1;
      break;
    }
    case Period::kYear:
      if (label.size() != 4) return bad;
      break;
  }
  auto d = CivilDate::FromYmd(*year, month, day);
  if (!d.ok()) return bad;
  return d->days();
}

}  // namespace

Result<Json> PhasesOverSeries(Store* store, const Filter& filter, std::string_view interval, const std::string& first,
                              const std::string& last) {
  ASSIGN_OR_RETURN(Period p, ParsePeriod(interval));
  ASSIGN_OR_RETURN(int32_t first_day, DayInLabel(p, first));
  ASSIGN_OR_RETURN(int32_t last_day, DayInLabel(p, last));
  int32_t from = PeriodFirstDay(p, PeriodOf(p, first_day));
  int32_t to = PeriodLastDay(p, PeriodOf(p, last_day));
  if (filter.date_from) from = std::max(from, *filter.date_from);
  if (filter.date_to) to = std::min(to, *filter.date_to);
  ASSIGN_OR_RETURN(auto phases, store->Phases());
  Json out = Json::array();
  for (const Phase& ph : phases) {
    if (ph.start > to || (ph.end && *ph.end < from)) continue;
    if (!ph.country.empty() && !filter.countries.empty() &&
        std::none_of(filter.countries.begin(), filter.countries.end(),
                     [&](const std::string& c) { return ToLowerAscii(c) == ToLowerAscii(ph.country); })) {
      continue;
    }
    out.push_back(Json::parse(PhaseJson(ph)));
  }
  return out;
}

std::vector<RouteSpec> MeasureRoutes(std::shared_ptr<StageEnv> env) {
  auto keep = [env](auto f) { return [env, f](RouteContext& c) { return f(env.get(), c); }; };
  return {
      {"GET", "/claims", Access::kViewer, ListClaims},
      {"POST", "/claims/check", Access::kAnalyst, keep(CheckClaimsRoute)},
      {"GET", "/phases", Access::kViewer, ListPhases},
      {"POST", "/phases", Access::kAnalyst, UpsertPhaseRoute},
      {"GET", "/changepoints", Access::kViewer, keep(Changepoints)},
      {"GET", "/effects", Access::kViewer, keep(Effects)},
  };
}

}  // namespace faultline::server
