// ACLED export CSV ("acled"): one row per event, columns found by name in the
// header (the current export: event_id_cnty, event_date, time_precision,
// disorder_type, event_type, sub_event_type, actor1, assoc_actor_1, inter1,
// actor2, assoc_actor_2, inter2, interaction, civilian_targeting, iso, region,
// country, admin1..3, location, latitude, longitude, geo_precision, source,
// source_scale, notes, fatalities, tags, timestamp).
//
// Choices (ACLED codebook; ../shared/docs/domain.md §1, §5):
// - event_type maps one to one; sub_event_type is kept verbatim and refines
//   attack_type (kAttackTypes below). Non-violent sub-events (protests,
//   agreements, arrests, ...) keep attack_type unknown.
// - ACLED's actors have no direction: actor1 is taken as the perpetrator and
//   actor2 (with inter2, assoc_actor_2 and civilian_targeting) as the target.
//   "Unidentified ..." actors keep their name but attribution stays unknown.
// - fatalities is ACLED's one conservative number: killed.unknown gets
//   low = best = fatalities, high open.
// - time_precision 1/2/3 -> day/week/month; event_date is kept as the date
//   (ACLED's own representative day), date_end = date.
// - geo_precision 1/2/3 -> exact/near/district.
#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/date.h"
#include "common/text.h"
#include "io/formats.h"

namespace faultline {
namespace {

struct EventTypeName {
  std::string_view name;
  EventType type;
};
constexpr std::array<EventTypeName, 6> kEventTypes = {{
    {"Battles", EventType::kBattles},
    {"Explosions/Remote violence", EventType::kExplosionsRemoteViolence},
    {"Violence against civilians", EventType::kViolenceAgainstCivilians},
    {"Protests", EventType::kProtests},
    {"Riots", EventType::kRiots},
    {"Strategic developments", EventType::kStrategicDevelopments},
}};

struct SubEventName {
  std::string_view name;
  AttackType attack;
};
// ACLED's sub-event types (codebook 2023). Those not listed are not attacks.
constexpr std::array<SubEventName, 14> kAttackTypes = {{
    {"Armed clash", AttackType::kArmedAssault},
    {"Government regains territory", AttackType::kArmedAssault},
    {"Non-state actor overtakes territory", AttackType::kArmedAssault},
    {"Chemical weapon", AttackType::kOther},
    {"Air/drone strike", AttackType::kDroneOrAirStrike},
    {"Suicide bomb", AttackType::kSuicideBombing},
    {"Shelling/artillery/missile attack", AttackType::kRocketMortar},
    {"Remote explosive/landmine/IED", AttackType::kBombingIed},
    {"Grenade", AttackType::kBombingIed},
    {"Sexual violence", AttackType::kOther},
    {"Attack", AttackType::kArmedAssault},
    {"Abduction/forced disappearance", AttackType::kKidnapping},
    {"Excessive force against protesters", AttackType::kOther},
    {"Mob violence", AttackType::kOther},
}};

// ISO 3166-1 numeric -> alpha-2 for the region: the fallback when the
// gazetteer is not loaded (it knows every country).
constexpr std::array<std::pair<int, std::string_view>, 14> kIsoNumeric = {{
    {4, "AF"},
    {586, "PK"},
    {356, "IN"},
    {364, "IR"},
    {50, "BD"},
    {144, "LK"},
    {524, "NP"},
    {64, "BT"},
    {462, "MV"},
    {762, "TJ"},
    {795, "TM"},
    {860, "UZ"},
    {417, "KG"},
    {156, "CN"},
}};

bool StartsWithI(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && IEquals(s.substr(0, prefix.size()), prefix);
}

// `lower` must already be lower-case (ToLowerAscii once per row, not per needle).
bool ContainsLower(std::string_view lower, std::string_view needle) {
  return lower.find(needle) != std::string_view::npos;
}

// "2022-11-18" (current exports) or "18 November 2022" (older ones).
Result<CivilDate> ParseAcledDate(std::string_view s) {
  s = Trim(s);
  if (s.size() == 10 && s[4] == '-') return CivilDate::Parse(s);
  auto parts = Split(s, ' ');
  std::vector<std::string_view> words;
  for (auto p : parts) {
    if (!p.empty()) words.push_back(p);
  }
  if (words.size() == 3) {
    auto day = ParseInt(words[0]);
    auto month = MonthFromName(words[1]);
    auto year = ParseInt(words[2]);
    if (day.ok() && month && year.ok() && *day >= 1 && *day <= 31 && *year >= 1 && *year <= 9999) {
      return CivilDate::FromYmd(static_cast<int>(*year), *month, static_cast<int>(*day));
    }
  }
  return InvalidArgument(QuoteForError(s) + " is not a date (expected YYYY-MM-DD or \"18 November 2022\")");
}

// inter codes, numeric (exports before 2024) or as text (later exports).
int InterCode(std::string_view v) {
  v = Trim(v);
  if (v.empty()) return 0;
  if (auto n = ParseInt(v); n.ok()) return (*n >= 1 && *n <= 8) ? static_cast<int>(*n) : 0;
  static constexpr std::array<std::pair<std::string_view, int>, 8> kNames = {{
      {"State forces", 1},
      {"Rebel group", 2},
      {"Political militia", 3},
      {"Identity militia", 4},
      {"Rioters", 5},
      {"Protesters", 6},
      {"Civilians", 7},
      {"External/Other forces", 8},
  }};
  for (const auto& [name, code] : kNames) {
    if (IEquals(v, name)) return code;
  }
  return 0;
}

// The branch of a state force from ACLED's actor names, e.g. "Police Forces
// of Pakistan (2018-)", "Military Forces of Pakistan (2018-) Frontier Corps".
TargetCategory SecurityBranch(std::string_view actor, std::string_view assoc) {
  const std::string both = ToLowerAscii(std::string(actor) + " | " + std::string(assoc));
  if (ContainsLower(both, "frontier corps")) return TargetCategory::kFrontierCorps;
  if (ContainsLower(both, "levies")) return TargetCategory::kLevies;
  if (ContainsLower(both, "counter terrorism department") || ContainsLower(both, "ctd")) return TargetCategory::kCtd;
  if (ContainsLower(both, "rangers")) return TargetCategory::kRangers;
  if (ContainsLower(both, "police")) return TargetCategory::kPolice;
  if (ContainsLower(both, "military forces") || ContainsLower(both, "army")) return TargetCategory::kArmy;
  return TargetCategory::kOtherSecurity;
}

// Civilians refined by ACLED's associated-actor labels.
TargetCategory CivilianKind(std::string_view actor, std::string_view assoc) {
  const std::string both = ToLowerAscii(std::string(actor) + " | " + std::string(assoc));
  if (ContainsLower(both, "health workers") || ContainsLower(both, "polio")) return TargetCategory::kHealthAndPolio;
  if (ContainsLower(both, "teachers") || ContainsLower(both, "students")) return TargetCategory::kEducation;
  for (std::string_view faith :
       {"muslim group", "christian group", "hindu group", "sikh group", "ahmadi", "shia", "sufi", "religious"}) {
    if (ContainsLower(both, faith)) return TargetCategory::kReligious;
  }
  if (ContainsLower(both, "government of")) return TargetCategory::kGovernment;
  if (ContainsLower(both, "party")) return TargetCategory::kPolitical;
  return TargetCategory::kCivilians;
}

TargetCategory Target(const RowView& row) {
  std::string_view actor2 = Trim(row.Get("actor2"));
  std::string_view assoc2 = Trim(row.Get("assoc_actor_2"));
  if (IEquals(Trim(row.Get("civilian_targeting")), "Civilian targeting")) return CivilianKind(actor2, assoc2);
  switch (InterCode(row.Get("inter2"))) {
    case 1:
      return SecurityBranch(actor2, assoc2);
    case 2:
    case 3:
    case 4:
      return TargetCategory::kMilitants;
    case 5:
      return TargetCategory::kCivilians;
    case 6:
      return TargetCategory::kPolitical;
    case 7:
      return CivilianKind(actor2, assoc2);
    case 8:
      return TargetCategory::kForeigners;
    default:
      return TargetCategory::kUnknown;
  }
}

// ACLED names carry a country or period suffix and sometimes an acronym
// prefix ("TTP: Tehreek-i-Taliban Pakistan", "Military Forces of Pakistan
// (2018-)"); each form is tried against the dictionary.
std::string AcledActorUncached(const ImportContext& ctx, std::string_view name) {
  std::vector<std::string_view> forms = {name};
  if (auto paren = name.find(" ("); paren != std::string_view::npos) forms.push_back(Trim(name.substr(0, paren)));
  if (auto colon = name.find(':'); colon != std::string_view::npos) {
    forms.push_back(Trim(name.substr(0, colon)));
    std::string_view rest = Trim(name.substr(colon + 1));
    forms.push_back(rest);
    if (auto paren = rest.find(" ("); paren != std::string_view::npos) forms.push_back(Trim(rest.substr(0, paren)));
  }
  for (auto f : forms) {
    if (f.empty()) continue;
    if (const Actor* a = ctx.actors->Find(f)) return a->id;
  }
  return std::string(name);
}

std::string ResolveAcledActor(const ImportContext& ctx, std::string_view name) {
  return ResolveActorWith(ctx, name, &AcledActorUncached);
}

std::optional<std::string> AcledCountry(const ImportContext& ctx, const RowView& row) {
  std::string_view iso = Trim(row.Get("iso"));
  if (auto c = CountryCode(ctx, iso)) return c;
  if (auto c = CountryCode(ctx, row.Get("country"))) return c;
  if (auto n = ParseInt(iso); n.ok()) {
    for (const auto& [code, alpha2] : kIsoNumeric) {
      if (code == *n) return std::string(alpha2);
    }
  }
  return std::nullopt;
}

class AcledFormat final : public CsvFormat {
 public:
  std::string_view name() const override { return "acled"; }

  std::vector<std::string> required_columns() const override {
    return {"event_id_cnty", "event_date", "time_precision", "event_type",    "sub_event_type",
            "actor1",        "actor2",     "country",        "admin1",        "admin2",
            "location",      "latitude",   "longitude",      "geo_precision", "fatalities"};
  }

  std::optional<RowError> Map(const RowView& row, const ImportContext& ctx, Incident* out) const override {
    std::string_view id = Trim(row.Get("event_id_cnty"));
    if (id.empty()) return RowError{"event_id_cnty", "is empty; every ACLED row has an event id"};
    out->source_key = "acled:" + std::string(id);
    out->license = "acled-terms";

    auto date = ParseAcledDate(row.Get("event_date"));
    if (!date.ok()) return RowError{"event_date", date.status().message()};
    if (date->year() < 1800 || date->year() > 2200) {
      return RowError{"event_date", date->ToString() + " is outside 1800..2200"};
    }
    out->date = out->date_end = date->days();

    RowError err;
    auto precision = row.Int("time_precision", &err);
    if (!err.reason.empty()) return err;
    if (precision && (*precision < 1 || *precision > 3)) {
      return RowError{"time_precision", std::to_string(*precision) + " is not 1 (day), 2 (week) or 3 (month)"};
    }
    DatePrecision p = !precision || *precision == 1 ? DatePrecision::kDay
                      : *precision == 2             ? DatePrecision::kWeek
                                                    : DatePrecision::kMonth;
    out->date_precision = static_cast<uint8_t>(p);

    auto country = AcledCountry(ctx, row);
    if (!country) {
      return RowError{"country", QuoteForError(row.Get("country")) + " (iso " + QuoteForError(row.Get("iso")) +
                                     ") is not a known country"};
    }
    out->country = *country;

    if (auto e = ReadCoordinates(row, "latitude", "longitude", out)) return e;
    ResolvePlace(ctx, row.Get("admin1"), row.Get("admin2"), row.Get("location"), out);
    auto geo = row.Int("geo_precision", &err);
    if (!err.reason.empty()) return err;
    if (geo) {
      if (*geo < 1 || *geo > 3) {
        return RowError{"geo_precision", std::to_string(*geo) + " is not 1 (exact), 2 (near) or 3 (region)"};
      }
      out->geo_precision = *geo == 1 ? GeoPrecision::kExact : *geo == 2 ? GeoPrecision::kNear : GeoPrecision::kDistrict;
    }

    std::string_view event_type = Trim(row.Get("event_type"));
    auto et = std::find_if(kEventTypes.begin(), kEventTypes.end(),
                           [&](const EventTypeName& e) { return IEquals(e.name, event_type); });
    if (et == kEventTypes.end()) {
      return RowError{"event_type", QuoteForError(event_type) +
                                        " is not an ACLED event type (Battles, Explosions/Remote violence, Violence "
                                        "against civilians, Protests, Riots, Strategic developments)"};
    }
    out->event_type = et->type;
    std::string_view sub = Trim(row.Get("sub_event_type"));
    out->sub_event_type = std::string(sub);
    auto at = std::find_if(kAttackTypes.begin(), kAttackTypes.end(),
                           [&](const SubEventName& s) { return IEquals(s.name, sub); });
    out->attack_type = at != kAttackTypes.end() ? at->attack : AttackType::kUnknown;

    std::string_view actor1 = Trim(row.Get("actor1"));
    out->perpetrator = ResolveAcledActor(ctx, actor1);
    out->attribution =
        actor1.empty() || StartsWithI(actor1, "Unidentified") ? Attribution::kUnknown : Attribution::kAttributed;
    out->target = Target(row);

    auto fatalities = row.Int("fatalities", &err);
    if (!err.reason.empty()) return err;
    if (fatalities) {
      if (*fatalities < 0) return RowError{"fatalities", std::to_string(*fatalities) + " is negative"};
      if (*fatalities > std::numeric_limits<int32_t>::max()) {
        return RowError{"fatalities", std::to_string(*fatalities) + " is out of range"};
      }
      auto n = static_cast<int32_t>(*fatalities);
      out->casualties.Killed(CasualtyCategory::kUnknown) = {n, n, std::nullopt};
    }

    std::string_view source = Trim(row.Get("source"));
    if (!source.empty()) {
      Source s;
      s.outlet = std::string(source);
      out->sources.push_back(std::move(s));
    }
    out->notes = std::string(row.Get("notes"));
    return std::nullopt;
  }
};

}  // namespace

std::unique_ptr<CsvFormat> MakeAcledFormat() { return std::make_unique<AcledFormat>(); }

}  // namespace faultline
