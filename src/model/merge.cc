#include "model/merge.h"

#include <algorithm>
#include <array>

namespace faultline {
namespace {

void MaxRange(CasualtyRange* into, const CasualtyRange& from) {
  if (!from.best) return;
  if (!into->best || *from.best > *into->best) *into = from;
}

// One outcome (killed or injured): the report with the higher victims'
// total supersedes; named categories survive from either report, and the
// unknown part is what the total leaves over.
void MergeOutcome(std::array<CasualtyRange, kCasualtyCategories>* into,
                  const std::array<CasualtyRange, kCasualtyCategories>& from) {
  constexpr size_t kSec = static_cast<size_t>(CasualtyCategory::kSecurityForces);
  constexpr size_t kCiv = static_cast<size_t>(CasualtyCategory::kCivilians);
  constexpr size_t kMil = static_cast<size_t>(CasualtyCategory::kMilitants);
  constexpr size_t kUnk = static_cast<size_t>(CasualtyCategory::kUnknown);
  auto total = [&](const std::array<CasualtyRange, kCasualtyCategories>& a) {
    return a[kSec].best.value_or(0) + a[kCiv].best.value_or(0) + a[kUnk].best.value_or(0);
  };
  int32_t t = std::max(total(*into), total(from));
  MaxRange(&(*into)[kSec], from[kSec]);
  MaxRange(&(*into)[kCiv], from[kCiv]);
  MaxRange(&(*into)[kMil], from[kMil]);
  int32_t named = (*into)[kSec].best.value_or(0) + (*into)[kCiv].best.value_or(0);
  if (t > named) {
    (*into)[kUnk] = CasualtyRange{t - named, t - named, std::nullopt};
  } else {
    (*into)[kUnk] = CasualtyRange{};
  }
}

}  // namespace

void MergeReportFields(Incident* into, const Incident& from) {
  MergeOutcome(&into->casualties.killed, from.casualties.killed);
  MergeOutcome(&into->casualties.injured, from.casualties.injured);
  if (into->perpetrator.empty() && !from.perpetrator.empty()) {
    into->perpetrator = from.perpetrator;
    into->attribution = from.attribution;
  } else if (into->perpetrator == from.perpetrator && from.attribution == Attribution::kClaimed) {
    into->attribution = Attribution::kClaimed;
  }
  if (into->attack_type == AttackType::kUnknown) into->attack_type = from.attack_type;
  if (from.attack_type == AttackType::kSuicideBombing) into->attack_type = from.attack_type;
  if (into->target == TargetCategory::kUnknown) into->target = from.target;
  if (into->admin2.empty() && !from.admin2.empty()) {
    into->admin1 = from.admin1;
    into->admin2 = from.admin2;
    into->place = from.place;
    into->lat = from.lat;
    into->lon = from.lon;
    into->geo_precision = from.geo_precision;
  }
  // A day-precise date beats a week span.
  if (from.date_precision < into->date_precision) {
    into->date = from.date;
    into->date_end = from.date_end;
    into->date_precision = from.date_precision;
  }
}

void AddSources(std::vector<Source>* into, const std::vector<Source>& from) {
  for (const Source& s : from) {
    bool have = false;
    for (const Source& t : *into) have = have || (t.url == s.url && t.evidence == s.evidence);
    if (!have) into->push_back(s);
  }
}

void MergeReport(Incident* into, const Incident& from) {
  MergeReportFields(into, from);
  AddSources(&into->sources, from.sources);
}

}  // namespace faultline
