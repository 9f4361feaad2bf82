#include "faultline/incident.h"

#include <cmath>
#include <string>

#include "common/date.h"

namespace faultline {
namespace {

template <typename E, size_t N>
struct NameTable {
  std::array<std::string_view, N> names;
  std::string_view kind;

  std::string_view Get(E v) const {
    auto i = static_cast<size_t>(v);
    return i < N ? names[i] : std::string_view("unknown");
  }
  Result<E> Parse(std::string_view s) const {
    for (size_t i = 0; i < N; ++i) {
      if (names[i] == s) return static_cast<E>(i);
    }
    std::string msg = "\"" + std::string(s.substr(0, 60)) + "\" is not a " + std::string(kind) + " (one of:";
    for (auto n : names) msg += " " + std::string(n);
    return InvalidArgument(msg + ")");
  }
};

constexpr NameTable<IncidentStatus, 4> kStatus{{"candidate", "confirmed", "rejected", "merged"}, "status"};
constexpr NameTable<GeoPrecision, 5> kGeo{{"exact", "near", "district", "province", "country"}, "geo precision"};
constexpr NameTable<EventType, 6> kEvent{{"battles", "explosions_remote_violence", "violence_against_civilians",
                                          "protests", "riots", "strategic_developments"},
                                         "event type"};
constexpr NameTable<AttackType, 11> kAttack{{"unknown", "suicide_bombing", "bombing_ied", "armed_assault",
                                             "targeted_killing", "drone_or_air_strike", "rocket_mortar",
                                             "kidnapping", "hijacking", "sabotage", "other"},
                                            "attack type"};
constexpr NameTable<TargetCategory, 18> kTarget{
    {"unknown", "army", "frontier_corps", "police", "levies", "ctd", "rangers", "other_security", "civilians",
     "religious", "education", "health_and_polio", "government", "political", "foreigners", "infrastructure",
     "militants", "other"},
    "target category"};
constexpr NameTable<Attribution, 4> kAttribution{{"unknown", "claimed", "attributed", "suspected"}, "attribution"};
constexpr NameTable<CasualtyCategory, 4> kCasualty{{"security_forces", "civilians", "militants", "unknown"},
                                                   "casualty category"};

// Licence tags. ACLED and GTD terms forbid redistributing rows (domain.md §5).
const std::vector<LicenseInfo>& Licenses() {
  static const std::vector<LicenseInfo> kLicenses = {
      {"acled-terms", "ACLED terms of use", false,
       "Armed Conflict Location & Event Data Project (ACLED); acleddata.com"},
      {"gtd-terms", "GTD terms of use", false,
       "START, Global Terrorism Database; University of Maryland"},
      {"cc-by-4.0", "Creative Commons Attribution 4.0", true, "attribution to the named source required"},
      {"ucdp-cc-by-4.0", "UCDP GED, CC BY 4.0", true,
       "Uppsala Conflict Data Program (UCDP), Georeferenced Event Dataset"},
      {"gdelt-open", "GDELT open data with citation", true, "The GDELT Project; gdeltproject.org"},
      {"pbc-facts", "facts derived from Pakistan Body Count", true,
       "Facts derived from Pakistan Body Count (pakistanbodycount.org)"},
      {"project", "faultline project data, Apache-2.0", true, "faultline authors"},
      {"user", "the user's own data", true, ""},
      {"restricted", "not for redistribution", false, ""},
  };
  return kLicenses;
}

void CheckRange(const CasualtyRange& r, const std::string& field, std::vector<FieldError>* errors) {
  for (auto [v, part] : {std::pair{r.low, "low"}, std::pair{r.best, "best"}, std::pair{r.high, "high"}}) {
    if (v && *v < 0) errors->push_back({field + "." + part, std::to_string(*v) + " is negative"});
  }
  auto ordered = [&](const std::optional<int32_t>& a, const std::optional<int32_t>& b, const char* what) {
    if (a && b && *a > *b) errors->push_back({field, std::string(what) + " (" + std::to_string(*a) + " > " +
                                                         std::to_string(*b) + ")"});
  };
  ordered(r.low, r.best, "low is above best");
  ordered(r.best, r.high, "best is above high");
  ordered(r.low, r.high, "low is above high");
}

}  // namespace

std::string_view Name(IncidentStatus v) { return kStatus.Get(v); }
std::string_view Name(GeoPrecision v) { return kGeo.Get(v); }
std::string_view Name(EventType v) { return kEvent.Get(v); }
std::string_view Name(AttackType v) { return kAttack.Get(v); }
std::string_view Name(TargetCategory v) { return kTarget.Get(v); }
std::string_view Name(Attribution v) { return kAttribution.Get(v); }
std::string_view Name(CasualtyCategory v) { return kCasualty.Get(v); }
Result<IncidentStatus> ParseIncidentStatus(std::string_view s) { return kStatus.Parse(s); }
Result<GeoPrecision> ParseGeoPrecision(std::string_view s) { return kGeo.Parse(s); }
Result<EventType> ParseEventType(std::string_view s) { return kEvent.Parse(s); }
Result<AttackType> ParseAttackType(std::string_view s) { return kAttack.Parse(s); }
Result<TargetCategory> ParseTargetCategory(std::string_view s) { return kTarget.Parse(s); }
Result<Attribution> ParseAttribution(std::string_view s) { return kAttribution.Parse(s); }
Result<CasualtyCategory> ParseCasualtyCategory(std::string_view s) { return kCasualty.Parse(s); }

bool IsSecurityForces(TargetCategory t) {
  return t >= TargetCategory::kArmy && t <= TargetCategory::kOtherSecurity;
}

int64_t Casualties::TotalKilled() const {
  int64_t n = 0;
  for (const auto& r : killed) n += r.best.value_or(0);
  return n;
}

int64_t Casualties::TotalInjured() const {
  int64_t n = 0;
  for (const auto& r : injured) n += r.best.value_or(0);
  return n;
}

bool SameContent(const Incident& a, const Incident& b) {
  Incident x = a, y = b;
  x.id = y.id = 0;
  x.version = y.version = 0;
  x.provenance = y.provenance = {};
  return x == y;
}

std::vector<FieldError> Validate(const Incident& inc) {
  std::vector<FieldError> errors;
  CivilDate start(inc.date), end(inc.date_end);
  if (start.year() < 1800 || start.year() > 2200) {
    errors.push_back({"date", start.ToString() + " is outside 1800..2200"});
  }
  if (end < start) errors.push_back({"date_end", end.ToString() + " is before date " + start.ToString()});
  if (inc.date_precision > 3) errors.push_back({"date_precision", "must be day, week, month or year"});
  if (inc.country.size() != 2 || inc.country[0] < 'A' || inc.country[0] > 'Z' || inc.country[1] < 'A' ||
      inc.country[1] > 'Z') {
    errors.push_back({"country", "\"" + inc.country + "\" is not an ISO 3166-1 alpha-2 code"});
  }
  if (inc.lat.has_value() != inc.lon.has_value()) {
    errors.push_back({inc.lat ? "longitude" : "latitude", "latitude and longitude must come together"});
  }
  if (inc.lat && (!std::isfinite(*inc.lat) || *inc.lat < -90 || *inc.lat > 90)) {
    errors.push_back({"latitude", std::to_string(*inc.lat) + " is outside -90..90"});
  }
  if (inc.lon && (!std::isfinite(*inc.lon) || *inc.lon < -180 || *inc.lon > 180)) {
    errors.push_back({"longitude", std::to_string(*inc.lon) + " is outside -180..180"});
  }
  for (size_t c = 0; c < kCasualtyCategories; ++c) {
    std::string cat(Name(static_cast<CasualtyCategory>(c)));
    CheckRange(inc.casualties.killed[c], "killed." + cat, &errors);
    CheckRange(inc.casualties.injured[c], "injured." + cat, &errors);
  }
  if (inc.license.empty()) {
    errors.push_back({"license", "is empty; every row needs a licence tag"});
  } else if (FindLicense(inc.license) == nullptr) {
    errors.push_back({"license", "\"" + inc.license + "\" is not a known licence tag"});
  }
  if (inc.status == IncidentStatus::kMerged && inc.merged_into == 0) {
    errors.push_back({"merged_into", "a merged incident must name the incident it was merged into"});
  }
  return errors;
}

const LicenseInfo* FindLicense(std::string_view tag) {
  for (const auto& l : Licenses()) {
    if (l.tag == tag) return &l;
  }
  return nullptr;
}

const std::vector<LicenseInfo>& AllLicenses() { return Licenses(); }

}  // namespace faultline
