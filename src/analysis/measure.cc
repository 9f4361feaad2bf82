#include "analysis/measure.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "common/date.h"
#include "common/text.h"
#include "gazetteer/filter_spec.h"
#include "gazetteer/gazetteer.h"

namespace faultline {

using Json = nlohmann::ordered_json;

namespace {

std::string Dump(const Json& j, int indent) { return j.dump(indent, ' ', false, Json::error_handler_t::replace); }

std::string CategoryName(const Claim& c) { return c.category ? std::string(Name(*c.category)) : ""; }

std::string_view RelationName(PeerRelation r) {
  switch (r) {
    case PeerRelation::kSame: return "same";
    case PeerRelation::kNarrower: return "narrower";
    case PeerRelation::kWider: return "wider";
  }
  return "same";
}

}  // namespace

Result<std::unique_ptr<Cube>> LoadRolledUpCube(Store* store) {
  ASSIGN_OR_RETURN(auto cube, Cube::Load(store));
  if (auto actors = ActorDictionary::Default(); actors.ok()) {
    std::unordered_map<std::string, std::string> top;
    for (const Actor& a : (*actors)->actors()) {
      const Actor* at = &a;
      for (int hops = 0; hops < 16 && !at->parent_id.empty(); ++hops) {
        const Actor* parent = (*actors)->FindById(at->parent_id);
        if (parent == nullptr) break;
        at = parent;
      }
      if (at != &a) top[a.id] = at->id;
    }
    cube->SetPerpetratorRollUp(std::move(top));
  }
  return cube;
}

Result<Filter> ClaimFilter(const Claim& claim) {
  ASSIGN_OR_RETURN(ClaimFilters cf, ParseClaimFilters(claim.filters));
  FilterSpec o;
  if (!cf.country.empty()) o.countries.push_back(cf.country);
  if (!cf.admin1.empty()) o.admin1.push_back(cf.admin1);
  if (!cf.admin2.empty()) o.admin2.push_back(cf.admin2);
  if (!cf.perpetrator.empty()) o.perpetrators.push_back(cf.perpetrator);
  o.with_affiliates = cf.affiliates;
  if (cf.event_type) o.event_types.emplace_back(Name(*cf.event_type));
  if (cf.attack_type) o.attack_types.emplace_back(Name(*cf.attack_type));
  if (cf.target) o.targets.emplace_back(Name(*cf.target));
  return BuildFilter(o);
}

std::string ClaimJson(const Claim& c) {
  Json j = {{"id", c.id},           {"key", c.key},           {"source", c.source},
            {"standing", Name(c.standing)}, {"metric", Name(c.metric)}, {"category", CategoryName(c)},
            {"filters", c.filters}, {"period", c.period},     {"value", c.value},
            {"citation", c.citation}, {"notes", c.notes}};
  return Dump(j, -1);
}

std::string ClaimChecksJson(const std::vector<Claim>& claims, const std::vector<ClaimCheck>& checks,
                            const std::vector<size_t>& shown, int indent) {
  Json arr = Json::array();
  for (size_t i : shown) {
    const ClaimCheck& r = checks[i];
    const Claim& c = claims[i];
    Json j = {{"id", c.id},         {"key", c.key},         {"source", c.source},
              {"standing", Name(c.standing)}, {"metric", Name(c.metric)},
              {"category", CategoryName(c)},  {"filters", c.filters},
              {"period", c.period}, {"value", c.value},     {"citation", c.citation},
              {"data", Name(r.data)}};
    j["computed"] = r.computed ? Json(*r.computed) : Json(nullptr);
    j["diff_percent"] =
        r.data == DataVerdict::kConsistent || r.data == DataVerdict::kDiffers ? Json(r.diff_percent) : Json(nullptr);
    j["coverage"] = Json::array();
    for (const auto& s : r.coverage) {
      j["coverage"].push_back({{"importer", s.importer}, {"incidents", s.incidents},
                               {"from", CivilDate(s.first).ToString()}, {"to", CivilDate(s.last).ToString()}});
    }
    j["claims"] = Name(r.peer);
    j["peers"] = Json::array();
    for (const auto& p : r.peers) {
      j["peers"].push_back({{"key", claims[p.other].key},
                            {"relation", RelationName(p.relation)},
                            {"value", claims[p.other].value},
                            {"diff_percent", p.diff_percent},
                            {"conflict", p.conflict}});
    }
    j["summary"] = r.summary;
    arr.push_back(std::move(j));
  }
  return Dump(arr, indent);
}

Result<Phase> PhaseFromFields(const PhaseFields& f) {
  Phase p;
  p.key = Trim(f.key);
  p.name = Trim(f.name);
  p.country = Trim(f.country);
  p.source = Trim(f.source);
  p.notes = Trim(f.notes);
  auto type = ParsePhaseType(Trim(f.type));
  if (!type.ok()) return type.status().WithContext("type");
  p.type = *type;
  auto start = CivilDate::Parse(Trim(f.start));
  if (!start.ok()) return start.status().WithContext("start");
  p.start = start->days();
  if (!Trim(f.end).empty()) {
    auto end = CivilDate::Parse(Trim(f.end));
    if (!end.ok()) return end.status().WithContext("end");
    p.end = end->days();
  }
  for (const auto& party : Split(f.parties, '|')) {
    if (!Trim(party).empty()) p.parties.emplace_back(Trim(party));
  }
  if (std::string why = ValidatePhase(p); !why.empty()) return InvalidArgument(why);
  return p;
}

std::string PhaseJson(const Phase& p) {
  Json j = {{"id", p.id},       {"key", p.key},         {"type", Name(p.type)},
            {"name", p.name},   {"parties", p.parties}, {"country", p.country},
            {"start", CivilDate(p.start).ToString()}};
  j["end"] = p.end ? Json(CivilDate(*p.end).ToString()) : Json(nullptr);
  j["source"] = p.source;
  j["notes"] = p.notes;
  return Dump(j, -1);
}

Result<Series> LoadSeries(const Cube& cube, Store* store, const Filter& filter, Period period, const Measure& measure,
                          std::optional<int32_t> from, std::optional<int32_t> to) {
  ASSIGN_OR_RETURN(auto q, cube.Compile(filter, store));
  if (cube.size() == 0) return FailedPrecondition("the database holds no incidents");
  return cube.SeriesOf(*q, period, measure, from, to);
}

std::vector<SeriesSegment> SegmentsBetween(const Series& s, const std::vector<size_t>& cps) {
  std::vector<SeriesSegment> out;
  if (s.values.empty()) return out;
  size_t from = 0;
  for (size_t k = 0; k <= cps.size(); ++k) {
    size_t to = k < cps.size() ? cps[k] : s.values.size();
    SeriesSegment seg;
    seg.first = from;
    seg.end = to;
    seg.from = s.Label(from);
    seg.to = s.Label(to - 1);
    for (size_t i = from; i < to; ++i) seg.total += s.values[i];
    seg.mean = static_cast<double>(seg.total) / static_cast<double>(to - from);
    out.push_back(std::move(seg));
    from = to;
  }
  return out;
}

Result<EffectReport> EstimatePhaseEffects(const Cube& cube, Store* store, const EffectRequest& r) {
  if (r.phase.empty() && r.at.empty()) return InvalidArgument("effect needs a phase (id or key) or a boundary date");
  // Boundaries as days, with their words.
  std::vector<std::pair<int32_t, std::string>> bounds;
  if (!r.phase.empty()) {
    const Phase* found = nullptr;
    for (const Phase& p : cube.phases()) {
      if (p.key == r.phase || std::to_string(p.id) == r.phase) found = &p;
    }
    if (found == nullptr) return NotFound("phase: no phase \"" + r.phase.substr(0, 80) + "\" (see the phases list)");
    bounds.emplace_back(found->start, "the start of " + found->name + " (" + CivilDate(found->start).ToString() + ")");
    if (found->end) {
      bounds.emplace_back(*found->end + 1, "the end of " + found->name + " (" + CivilDate(*found->end).ToString() + ")");
    }
  }
  for (int32_t day : r.at) bounds.emplace_back(day, CivilDate(day).ToString());
  std::sort(bounds.begin(), bounds.end());
  // Default span: two years before the first boundary to one after the last, within the data.
  const int32_t from = r.filter.date_from ? *r.filter.date_from : std::max(cube.MinDate(), bounds.front().first - 730);
  const int32_t to = r.filter.date_to ? *r.filter.date_to : std::min(cube.MaxDate(), bounds.back().first + 365);
  if (r.max_periods > 0 && to >= from) {
    const int64_t n = static_cast<int64_t>(PeriodOf(r.period, to)) - PeriodOf(r.period, from) + 1;
    if (n > static_cast<int64_t>(r.max_periods)) {
      return FailedPrecondition("the series would have " + std::to_string(n) + " " + std::string(Name(r.period)) +
                                "s; the limit is " + std::to_string(r.max_periods) +
                                " (narrow from/to or use a longer period)");
    }
  }
  EffectReport out;
  out.measure_name = r.measure_name;
  ASSIGN_OR_RETURN(out.series, LoadSeries(cube, store, r.filter, r.period, r.measure, from, to));
  const Series& s = out.series;
  std::vector<size_t> idx;
  std::vector<std::string> labels;
  for (const auto& [day, label] : bounds) {
    // The first whole period on or after the boundary.
    int32_t p = PeriodOf(r.period, day);
    if (PeriodFirstDay(r.period, p) < day) ++p;
    const int64_t i = p - s.first;
    if (i <= 0 || i >= static_cast<int64_t>(s.values.size())) {
      out.left_out.push_back(label + " is outside the series " + s.Label(0) + ".." + s.Label(s.values.size() - 1));
      continue;
    }
    if (!idx.empty() && idx.back() == static_cast<size_t>(i)) continue;
    idx.push_back(static_cast<size_t>(i));
    labels.push_back(label);
  }
  ASSIGN_OR_RETURN(out.estimate, EstimateEffects(s, idx, labels, r.options));
  return out;
}

std::string EffectReportJson(const EffectReport& e, int indent) {
  const Series& s = e.series;
  const EffectEstimate& est = e.estimate;
  Json out;
  out["series"] = {{"period", Name(s.period)}, {"from", s.Label(0)}, {"to", s.Label(s.values.size() - 1)},
                   {"measure", e.measure_name}, {"n", s.values.size()}};
  out["alpha"] = est.fit.alpha;
  out["coefficients"] = Json::object();
  for (size_t j = 0; j < est.columns.size(); ++j) {
    out["coefficients"][est.columns[j]] = {{"estimate", est.fit.coef[j]}, {"se", est.fit.se[j]}};
  }
  auto rr = [](const RateRatio& x) { return Json{{"estimate", x.estimate}, {"low", x.low}, {"high", x.high}}; };
  out["effects"] = Json::array();
  for (const auto& b : est.effects) {
    out["effects"].push_back({{"boundary", b.label}, {"period", s.Label(b.index)}, {"level", rr(b.level)},
                              {"slope", rr(b.slope)}, {"window", rr(b.window)}, {"window_periods", b.window_periods},
                              {"mean_before", b.mean_before}, {"mean_after", b.mean_after},
                              {"text", DescribeEffect(b, e.measure_name, s.period)}});
  }
  if (!e.left_out.empty()) out["left_out"] = e.left_out;
  return Dump(out, indent);
}

}  // namespace faultline
