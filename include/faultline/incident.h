// The incident model (architecture §3): one event at one place on one day or
// a stated span, with casualties by outcome × category × {low, best, high},
// a perpetrator with its attribution, a target category, the sources that
// report it, the licence of the data it came from and where it was read.
// Plain value types; copying is cheap enough for batch work; thread-safe as
// values. Taxonomy names (event types, attack types, targets) are those of
// docs/taxonomy.md and ../shared/docs/domain.md §1.
#ifndef FAULTLINE_INCIDENT_H_
#define FAULTLINE_INCIDENT_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "faultline/status.h"

namespace faultline {


enum class IncidentStatus : uint8_t { kCandidate, kConfirmed, kRejected, kMerged };
enum class GeoPrecision : uint8_t { kExact, kNear, kDistrict, kProvince, kCountry };
enum class EventType : uint8_t {
  kBattles,
  kExplosionsRemoteViolence,
  kViolenceAgainstCivilians,
  kProtests,
  kRiots,
  kStrategicDevelopments,
};
enum class AttackType : uint8_t {
  kUnknown,
  kSuicideBombing,
  kBombingIed,
  kArmedAssault,
  kTargetedKilling,
  kDroneOrAirStrike,
  kRocketMortar,
  kKidnapping,
  kHijacking,
  kSabotage,
  kOther,
};
enum class TargetCategory : uint8_t {
  kUnknown,
  kArmy,
  kFrontierCorps,
  kPolice,
  kLevies,
  kCtd,
  kRangers,
  kOtherSecurity,
  kCivilians,
  kReligious,
  kEducation,
  kHealthAndPolio,
  kGovernment,
  kPolitical,
  kForeigners,
  kInfrastructure,
  kMilitants,
  kOther,
};
enum class Attribution : uint8_t { kUnknown, kClaimed, kAttributed, kSuspected };
enum class CasualtyCategory : uint8_t { kSecurityForces, kCivilians, kMilitants, kUnknown };
inline constexpr size_t kCasualtyCategories = 4;

// Snake-case names used in every file format, the database and the API.
std::string_view Name(IncidentStatus v);
std::string_view Name(GeoPrecision v);
std::string_view Name(EventType v);
std::string_view Name(AttackType v);
std::string_view Name(TargetCategory v);
std::string_view Name(Attribution v);
std::string_view Name(CasualtyCategory v);
// Parsers: InvalidArgument listing the accepted names.
Result<IncidentStatus> ParseIncidentStatus(std::string_view s);
Result<GeoPrecision> ParseGeoPrecision(std::string_view s);
Result<EventType> ParseEventType(std::string_view s);
Result<AttackType> ParseAttackType(std::string_view s);
Result<TargetCategory> ParseTargetCategory(std::string_view s);
Result<Attribution> ParseAttribution(std::string_view s);
Result<CasualtyCategory> ParseCasualtyCategory(std::string_view s);
// True for army, frontier_corps, police, levies, ctd, rangers, other_security.
bool IsSecurityForces(TargetCategory t);

// A count as sources give it: "at least 26" is low 26, best 26, high open.
struct CasualtyRange {
  std::optional<int32_t> low;
  std::optional<int32_t> best;
  std::optional<int32_t> high;
  bool empty() const { return !low && !best && !high; }
  friend bool operator==(const CasualtyRange&, const CasualtyRange&) = default;
};

struct Casualties {
  std::array<CasualtyRange, kCasualtyCategories> killed;
  std::array<CasualtyRange, kCasualtyCategories> injured;
  CasualtyRange& Killed(CasualtyCategory c) { return killed[static_cast<size_t>(c)]; }
  CasualtyRange& Injured(CasualtyCategory c) { return injured[static_cast<size_t>(c)]; }
  const CasualtyRange& Killed(CasualtyCategory c) const { return killed[static_cast<size_t>(c)]; }
  const CasualtyRange& Injured(CasualtyCategory c) const { return injured[static_cast<size_t>(c)]; }
  // Sum of best estimates over categories (missing best counts as 0).
  int64_t TotalKilled() const;
  int64_t TotalInjured() const;
  friend bool operator==(const Casualties&, const Casualties&) = default;
};

// The words in a source that support one field of an incident.
struct Evidence {
  std::string field;     // "date", "killed.civilians", "perpetrator", ...
  int32_t begin = 0;     // byte offsets into the source text
  int32_t end = 0;
  double confidence = 1.0;
  friend bool operator==(const Evidence&, const Evidence&) = default;
};

struct Source {
  std::string outlet;
  std::string url;
  std::string published_at;  // ISO 8601 date or date-time, as given
  std::string headline;
  std::vector<Evidence> evidence;
  friend bool operator==(const Source&, const Source&) = default;
};

// Where a row came from: enough to find it again in the input.
struct Provenance {
  std::string importer;  // "acled", "pbc-suicide", "extract", ...
  std::string batch_id;  // one id per import run
  std::string file;      // input file name (base name)
  int64_t row = 0;       // line number of the row, or document offset
  friend bool operator==(const Provenance&, const Provenance&) = default;
};

struct Incident {
  int64_t id = 0;       // 0 until stored
  int32_t version = 0;  // 0 until stored; every edit bumps it
  IncidentStatus status = IncidentStatus::kConfirmed;
  int64_t merged_into = 0;
  // The identity of the row in its dataset ("acled:PAK1234"); re-importing the
  // same row updates the incident instead of adding a second one.
  std::string source_key;

  int32_t date = 0;      // day number, see CivilDate
  int32_t date_end = 0;  // == date for a single day
  uint8_t date_precision = 0;  // DatePrecision: 0 day, 1 week, 2 month, 3 year

  std::string country;  // ISO 3166-1 alpha-2
  std::string admin1;   // canonical names from the gazetteer when resolved
  std::string admin2;
  std::string place;
  std::optional<double> lat;
  std::optional<double> lon;
  GeoPrecision geo_precision = GeoPrecision::kCountry;

  EventType event_type = EventType::kExplosionsRemoteViolence;
  std::string sub_event_type;  // the source's finer type, kept verbatim
  AttackType attack_type = AttackType::kUnknown;
  std::string perpetrator;  // actor id from the dictionary, else the source's name
  Attribution attribution = Attribution::kUnknown;
  TargetCategory target = TargetCategory::kUnknown;
  Casualties casualties;

  std::vector<Source> sources;
  std::string notes;
  std::string license;  // licence tag, see LicenseInfo
  Provenance provenance;

  friend bool operator==(const Incident&, const Incident&) = default;
};

// True when the two differ in anything but id, version and provenance: the
// test re-import uses to decide between "unchanged" and "updated".
bool SameContent(const Incident& a, const Incident& b);

// One problem with one field.
struct FieldError {
  std::string field;
  std::string message;
};

// Checks an incident against the model's rules: real dates, end not before
// start, latitude/longitude in range, country a two-letter code, counts
// non-negative with low <= best <= high, a licence tag. Empty when valid.
std::vector<FieldError> Validate(const Incident& incident);

// The licences rows carry. Exporters refuse rows whose licence is not
// redistributable unless the user says so explicitly.
struct LicenseInfo {
  std::string_view tag;
  std::string_view name;
  bool redistributable;
  std::string_view attribution;
};
// nullptr for an unknown tag.
const LicenseInfo* FindLicense(std::string_view tag);
const std::vector<LicenseInfo>& AllLicenses();

}  // namespace faultline

#endif  // FAULTLINE_INCIDENT_H_
