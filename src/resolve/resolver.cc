#include "resolve/resolver.h"

#include <array>
#include <cmath>
#include <functional>

#include "common/date.h"
#include "model/merge.h"

namespace faultline::resolve {
namespace {

bool CompatibleAttack(AttackType a, AttackType b) {
  if (a == b || a == AttackType::kUnknown || b == AttackType::kUnknown) return true;
  auto bomb = [](AttackType t) { return t == AttackType::kSuicideBombing || t == AttackType::kBombingIed; };
  auto gun = [](AttackType t) { return t == AttackType::kArmedAssault || t == AttackType::kTargetedKilling; };
  return (bomb(a) && bomb(b)) || (gun(a) && gun(b));
}

// Templates over Incident and IncidentSketch, which name these fields alike.
template <typename A, typename B>
bool SamePlace(const A& a, const B& b, double max_km) {
  if (a.country != b.country) return false;
  if (!a.admin2.empty() && !b.admin2.empty()) {
    if (a.admin2 == b.admin2) return true;
  }
  bool precise_a = a.lat && a.geo_precision <= GeoPrecision::kNear;
  bool precise_b = b.lat && b.geo_precision <= GeoPrecision::kNear;
  if (precise_a && precise_b && DistanceKm(*a.lat, *a.lon, *b.lat, *b.lon) <= max_km) return true;
  // One side knows only the province: same province, no contrary district.
  if ((a.admin2.empty() || b.admin2.empty()) && !a.admin1.empty() && a.admin1 == b.admin1) return true;
  return false;
}

template <typename A, typename B>
int32_t DayGap(const A& a, const B& b) {
  if (a.date_end < b.date) return b.date - a.date_end;
  if (b.date_end < a.date) return a.date - b.date_end;
  return 0;
}

std::string Hex(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

// FNV-1a, 64 bit: a stable identity for articles without a URL.
uint64_t Fnv1a(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace

double DistanceKm(double lat1, double lon1, double lat2, double lon2) {
  constexpr double kR = 6371.0, kRad = M_PI / 180.0;
  double dlat = (lat2 - lat1) * kRad, dlon = (lon2 - lon1) * kRad;
  double h = std::sin(dlat / 2) * std::sin(dlat / 2) +
             std::cos(lat1 * kRad) * std::cos(lat2 * kRad) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * kR * std::asin(std::min(1.0, std::sqrt(h)));
}

std::string ArticleKey(const extract::Article& article) {
  if (!article.url.empty()) return article.url;
  return "urn:fnv1a:" + Hex(Fnv1a(article.Text()));
}

void MergeInto(Incident* into, const Incident& from) { MergeReport(into, from); }

Result<ResolveResult> Resolve(Store* store, const extract::Article& article, int index,
                              const extract::CandidateIncident& candidate, const ResolveOptions& options) {
  Incident inc = candidate.incident;
  std::string article_key = ArticleKey(article);
  inc.source_key = "news:" + article_key + "#" + std::to_string(index);
  inc.status = IncidentStatus::kCandidate;
  inc.license = article.sample ? "project" : "user";
  inc.provenance.importer = "extract";
  inc.provenance.file = article.origin;
  inc.provenance.row = index;
  for (Source& s : inc.sources) {
    s.url = article_key;
    s.outlet = article.outlet;
    s.published_at = article.published;
    s.headline = article.title;
  }
  ResolveResult result;
  // Validated as stored (a merge only sets status and merged_into, which
  // stay valid): the stores leave validation to their callers.
  result.errors = Validate(inc);
  if (!result.errors.empty()) {
    result.resolution = Resolution::kInvalid;
    return result;
  }

  // The light look-up: only news rows of the province (every way of
  // matching a place needs the same province; a pair within 25 km across a
  // provincial border is the one case this misses) in the date window, and
  // the row this candidate would be if the article was read before.
  NewsWindow window;
  window.country = inc.country;
  window.admin1 = inc.admin1;
  window.date_from = inc.date - options.day_window - 7;
  window.date_to = inc.date_end + options.day_window;
  window.date_end_from = inc.date - options.day_window;  // an earlier end is a gap over day_window
  window.source_key = inc.source_key;
  window.exclude_source_url = article_key;  // another incident of the same article is a different one
  int64_t best_id = 0;
  int32_t best_version = 0;
  int32_t best_gap = 1 << 30;
  bool seen = false;
  RETURN_IF_ERROR(store->ScanNewsWindow(window, [&](const IncidentSketch& other) -> Status {
    if (other.source_key == inc.source_key) {
      seen = true;
      result.id = other.id;
      return Status::Ok();
    }
    if (other.status != IncidentStatus::kCandidate && other.status != IncidentStatus::kConfirmed) return Status::Ok();
    int32_t gap = DayGap(inc, other);
    if (gap > options.day_window) return Status::Ok();
    if (!SamePlace(inc, other, options.max_km)) return Status::Ok();
    if (!CompatibleAttack(inc.attack_type, other.attack_type)) return Status::Ok();
    if (!inc.perpetrator.empty() && !other.perpetrator.empty() && inc.perpetrator != other.perpetrator) {
      return Status::Ok();
    }
    if (gap < best_gap) {
      best_gap = gap;
      best_id = other.id;
      best_version = other.version;
    }
    return Status::Ok();
  }));
  if (seen) {
    result.resolution = Resolution::kUnchanged;
    return result;
  }
  Change change{options.who, "extracted from " + article_key};
  if (best_id != 0) inc.status = IncidentStatus::kMerged, inc.merged_into = best_id;
  RETURN_IF_ERROR(store->Upsert(&inc, change).status());
  result.id = inc.id;
  if (best_id == 0) {
    result.resolution = Resolution::kNew;
    return result;
  }
  // The window's sketch carries the version: the store merges without
  // reading the incident whole first.
  Change merge{options.who, "merged incident " + std::to_string(inc.id) + " (" + article_key + ")"};
  RETURN_IF_ERROR(store->MergeReport(best_id, best_version, inc, merge).status());
  result.resolution = Resolution::kMerged;
  result.merged_into = best_id;
  return result;
}

}  // namespace faultline::resolve
