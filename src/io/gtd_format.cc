// Global Terrorism Database CSV ("gtd"): one row per incident, ~135 columns
// found by name in the header; only those read here are required.
//
// Choices (GTD codebook, START 2021; ../shared/docs/domain.md §1, §5):
// - Date: iyear/imonth/iday; iday 0 -> month precision, date = the 1st,
//   date_end = the month's last day; imonth 0 -> year precision, 1 Jan..31 Dec.
//   An extended incident (extended 1) ends on `resolution` when it is a date.
// - attacktype1 -> attack_type: 1 Assassination -> targeted_killing,
//   2 Armed Assault -> armed_assault, 3 Bombing/Explosion -> bombing_ied
//   (suicide_bombing when suicide = 1), 4 Hijacking -> hijacking, 5 and 6
//   Hostage Taking -> kidnapping, 7 Facility/Infrastructure Attack ->
//   sabotage, 8 Unarmed Assault -> other, 9 Unknown -> unknown.
//   attacktype1_txt is kept as sub_event_type.
// - event_type: explosions_remote_violence for bombings and for any attack
//   whose weaptype1 is 6 (Explosives); a facility attack without explosives
//   is strategic_developments (property destruction); any other attack on a
//   security or militant target is battles, on anything else
//   violence_against_civilians.
// - targtype1 -> target: kTargets below; Police/Military refined by the
//   target1/corp1 text (Frontier Corps, Levies, Rangers, CTD), and civilian
//   targets to health_and_polio when the text names polio or health workers.
// - Killed: militants = nkillter; victims = nkill - nkillter go to the
//   category the target implies (security_forces, civilians, militants, else
//   unknown). Without nkillter the split is unknown: all of nkill -> unknown.
//   GTD counts are confirmed counts, so low = best, high open. Injured the
//   same from nwound/nwoundte. "3.0" reads as 3; "3.5" and "abc" are rejected;
//   -99 (GTD's "unknown") reads as empty.
// - Perpetrator gname ("Unknown" -> none); attribution claimed when claimed
//   = 1, suspected when guncertain1 = 1, else attributed.
// - specificity 1 -> exact, 2 and 3 -> district, 4 -> province, 5 -> country.
#include <algorithm>
#include <array>
#include <cmath>
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

constexpr int kGtdUnknown = -99;
constexpr int64_t kWeapExplosives = 6;

// targtype1 1..22 in codebook order.
constexpr std::array<TargetCategory, 22> kTargets = {
    TargetCategory::kCivilians,       // 1 Business
    TargetCategory::kGovernment,      // 2 Government (General)
    TargetCategory::kPolice,          // 3 Police
    TargetCategory::kArmy,            // 4 Military
    TargetCategory::kOther,           // 5 Abortion Related
    TargetCategory::kInfrastructure,  // 6 Airports & Aircraft
    TargetCategory::kForeigners,      // 7 Government (Diplomatic)
    TargetCategory::kEducation,       // 8 Educational Institution
    TargetCategory::kInfrastructure,  // 9 Food or Water Supply
    TargetCategory::kCivilians,       // 10 Journalists & Media
    TargetCategory::kInfrastructure,  // 11 Maritime
    TargetCategory::kCivilians,       // 12 NGO
    TargetCategory::kOther,           // 13 Other
    TargetCategory::kCivilians,       // 14 Private Citizens & Property
    TargetCategory::kReligious,       // 15 Religious Figures/Institutions
    TargetCategory::kInfrastructure,  // 16 Telecommunication
    TargetCategory::kMilitants,       // 17 Terrorists/Non-State Militia
    TargetCategory::kForeigners,      // 18 Tourists
    TargetCategory::kInfrastructure,  // 19 Transportation
    TargetCategory::kUnknown,         // 20 Unknown
    TargetCategory::kInfrastructure,  // 21 Utilities
    TargetCategory::kPolitical,       // 22 Violent Political Party
};

// attacktype1 1..9 in codebook order.
constexpr std::array<AttackType, 9> kAttacks = {
    AttackType::kTargetedKilling,  // 1 Assassination
    AttackType::kArmedAssault,     // 2 Armed Assault
    AttackType::kBombingIed,       // 3 Bombing/Explosion
    AttackType::kHijacking,        // 4 Hijacking
    AttackType::kKidnapping,       // 5 Hostage Taking (Barricade Incident)
    AttackType::kKidnapping,       // 6 Hostage Taking (Kidnapping)
    AttackType::kSabotage,         // 7 Facility/Infrastructure Attack
    AttackType::kOther,            // 8 Unarmed Assault
    AttackType::kUnknown,          // 9 Unknown
};
constexpr std::array<std::string_view, 9> kAttackNames = {"Assassination",
                                                          "Armed Assault",
                                                          "Bombing/Explosion",
                                                          "Hijacking",
                                                          "Hostage Taking (Barricade Incident)",
                                                          "Hostage Taking (Kidnapping)",
                                                          "Facility/Infrastructure Attack",
                                                          "Unarmed Assault",
                                                          "Unknown"};

// GTD's own country codes -> ISO alpha-2, for the region: the fallback when
// country_txt cannot be resolved (no gazetteer loaded).
constexpr std::array<std::pair<int, std::string_view>, 3> kGtdCountries = {{{4, "AF"}, {92, "IN"}, {153, "PK"}}};

bool ContainsI(std::string_view haystack, std::string_view needle) {
  return ToLowerAscii(haystack).find(ToLowerAscii(needle)) != std::string::npos;
}

// GTD writes "Unknown" where a name is not known.
std::string_view Known(std::string_view v) {
  v = Trim(v);
  return IEquals(v, "Unknown") ? std::string_view() : v;
}

// A whole number as GTD exports write it: "3" or "3.0" (columns with gaps
// come out of spreadsheet tools as floats). nullopt for an empty field.
std::optional<RowError> ReadWhole(const RowView& row, std::string_view column, std::optional<int64_t>* out) {
  *out = std::nullopt;
  std::string_view v = Trim(row.Get(column));
  if (v.empty()) return std::nullopt;
  if (auto i = ParseInt(v); i.ok()) {
    *out = *i;
    return std::nullopt;
  }
  auto d = ParseDouble(v);
  if (!d.ok()) return RowError{std::string(column), QuoteForError(v) + " is not a number"};
  if (*d != std::floor(*d) || std::fabs(*d) > 1e15) {
    return RowError{std::string(column), QuoteForError(v) + " is not a whole number"};
  }
  *out = static_cast<int64_t>(*d);
  return std::nullopt;
}

// A code column (attacktype1, targtype1, claimed, ...).
std::optional<RowError> ReadCode(const RowView& row, std::string_view column, std::optional<int64_t>* out) {
  return ReadWhole(row, column, out);
}

// A casualty count; -99 (GTD's "unknown") reads as empty.
std::optional<RowError> ReadCount(const RowView& row, std::string_view column, std::optional<int64_t>* out) {
  if (auto e = ReadWhole(row, column, out)) return e;
  if (!*out) return std::nullopt;
  int64_t n = **out;
  if (n == kGtdUnknown) {
    *out = std::nullopt;
    return std::nullopt;
  }
  if (n < 0) return RowError{std::string(column), std::to_string(n) + " is negative"};
  if (n > std::numeric_limits<int32_t>::max() / 2) {
    return RowError{std::string(column), std::to_string(n) + " is out of range"};
  }
  return std::nullopt;
}

TargetCategory RefineTarget(TargetCategory t, std::string_view text) {
  if (t == TargetCategory::kPolice || t == TargetCategory::kArmy) {
    if (ContainsI(text, "Frontier Corps")) return TargetCategory::kFrontierCorps;
    if (ContainsI(text, "Levies")) return TargetCategory::kLevies;
    if (ContainsI(text, "Rangers")) return TargetCategory::kRangers;
    if (ContainsI(text, "Counter Terrorism Department") || ContainsI(text, "CTD")) return TargetCategory::kCtd;
    return t;
  }
  if (t == TargetCategory::kCivilians || t == TargetCategory::kOther) {
    if (ContainsI(text, "polio") || ContainsI(text, "vaccinat") || ContainsI(text, "health worker")) {
      return TargetCategory::kHealthAndPolio;
    }
  }
  return t;
}

// Where the victims of an attack on `t` are counted.
CasualtyCategory VictimCategory(TargetCategory t) {
  if (IsSecurityForces(t)) return CasualtyCategory::kSecurityForces;
  switch (t) {
    case TargetCategory::kCivilians:
    case TargetCategory::kReligious:
    case TargetCategory::kEducation:
    case TargetCategory::kHealthAndPolio:
    case TargetCategory::kForeigners:
      return CasualtyCategory::kCivilians;
    case TargetCategory::kMilitants:
      return CasualtyCategory::kMilitants;
    default:
      return CasualtyCategory::kUnknown;
  }
}

// Splits a total (nkill) with its perpetrator part (nkillter) into categories.
std::optional<RowError> SplitCount(const RowView& row, std::string_view total_col, std::string_view perp_col,
                                   CasualtyCategory victims, std::array<CasualtyRange, kCasualtyCategories>* out) {
  std::optional<int64_t> total, perpetrators;
  if (auto e = ReadCount(row, total_col, &total)) return e;
  if (auto e = ReadCount(row, perp_col, &perpetrators)) return e;
  std::array<std::optional<int64_t>, kCasualtyCategories> counts;
  auto add = [&](CasualtyCategory c, int64_t n) {
    auto& slot = counts[static_cast<size_t>(c)];
    slot = slot.value_or(0) + n;
  };
  if (total && perpetrators) {
    if (*perpetrators > *total) {
      return RowError{std::string(perp_col), std::to_string(*perpetrators) + " is more than " + std::string(total_col) +
                                                 " " + std::to_string(*total)};
    }
    add(CasualtyCategory::kMilitants, *perpetrators);
    add(victims, *total - *perpetrators);
  } else if (total) {
    add(CasualtyCategory::kUnknown, *total);
  } else if (perpetrators) {
    add(CasualtyCategory::kMilitants, *perpetrators);
  }
  for (size_t c = 0; c < kCasualtyCategories; ++c) {
    if (!counts[c]) continue;
    auto n = static_cast<int32_t>(*counts[c]);
    (*out)[c] = {n, n, std::nullopt};
  }
  return std::nullopt;
}

std::optional<RowError> ReadDate(const RowView& row, Incident* out) {
  std::optional<int64_t> year, month, day;
  if (auto e = ReadCode(row, "iyear", &year)) return e;
  if (auto e = ReadCode(row, "imonth", &month)) return e;
  if (auto e = ReadCode(row, "iday", &day)) return e;
  if (!year) return RowError{"iyear", "is empty"};
  if (*year < 1800 || *year > 2200) return RowError{"iyear", std::to_string(*year) + " is outside 1800..2200"};
  int64_t m = month.value_or(0), d = day.value_or(0);
  if (m < 0 || m > 12) return RowError{"imonth", std::to_string(m) + " is not 0 (unknown) or 1..12"};
  if (d < 0 || d > 31) return RowError{"iday", std::to_string(d) + " is not 0 (unknown) or 1..31"};
  if (m == 0 && d != 0) return RowError{"iday", std::to_string(d) + " is given but imonth is 0 (unknown)"};
  int y = static_cast<int>(*year);
  DatePrecision precision = DatePrecision::kDay;
  Result<CivilDate> start = CivilDate(0), end = CivilDate(0);
  if (m == 0) {
    precision = DatePrecision::kYear;
    start = CivilDate::FromYmd(y, 1, 1);
    end = CivilDate::FromYmd(y, 12, 31);
  } else if (d == 0) {
    precision = DatePrecision::kMonth;
    start = CivilDate::FromYmd(y, static_cast<int>(m), 1);
    end = CivilDate::FromYmd(y, static_cast<int>(m), DaysInMonth(y, static_cast<int>(m)));
  } else {
    start = end = CivilDate::FromYmd(y, static_cast<int>(m), static_cast<int>(d));
    if (!start.ok()) return RowError{"iday", start.status().message()};
  }
  if (!start.ok() || !end.ok()) return RowError{"iyear", "is not a valid year"};
  out->date = start->days();
  out->date_end = end->days();
  out->date_precision = static_cast<uint8_t>(precision);
  if (Trim(row.Get("extended")) == "1") {
    auto resolved = CivilDate::Parse(Trim(row.Get("resolution")));
    if (resolved.ok() && resolved->days() >= out->date && resolved->year() <= 2200) {
      out->date_end = std::max(out->date_end, resolved->days());
    }
  }
  return std::nullopt;
}

std::optional<std::string> GtdCountry(const ImportContext& ctx, const RowView& row) {
  if (auto c = CountryCode(ctx, row.Get("country_txt"))) return c;
  if (auto n = ParseInt(row.Get("country")); n.ok()) {
    for (const auto& [code, alpha2] : kGtdCountries) {
      if (code == *n) return std::string(alpha2);
    }
  }
  return std::nullopt;
}

class GtdFormat final : public CsvFormat {
 public:
  std::string_view name() const override { return "gtd"; }

  std::vector<std::string> required_columns() const override {
    return {"eventid",  "iyear",     "imonth",      "iday",     "country", "country_txt", "provstate", "city",
            "latitude", "longitude", "specificity", "summary",  "suicide", "attacktype1", "targtype1", "gname",
            "claimed",  "weaptype1", "nkill",       "nkillter", "nwound",  "nwoundte"};
  }

  std::optional<RowError> Map(const RowView& row, const ImportContext& ctx, Incident* out) const override {
    std::string_view id = Trim(row.Get("eventid"));
    if (id.empty()) return RowError{"eventid", "is empty; every GTD row has an event id"};
    out->source_key = "gtd:" + std::string(id);
    out->license = "gtd-terms";

    if (auto e = ReadDate(row, out)) return e;

    auto country = GtdCountry(ctx, row);
    if (!country) {
      return RowError{"country_txt", QuoteForError(row.Get("country_txt")) + " (country " +
                                         QuoteForError(row.Get("country")) + ") is not a known country"};
    }
    out->country = *country;
    if (auto e = ReadCoordinates(row, "latitude", "longitude", out)) return e;
    ResolvePlace(ctx, Known(row.Get("provstate")), "", Known(row.Get("city")), out);
    std::optional<int64_t> specificity;
    if (auto e = ReadCode(row, "specificity", &specificity)) return e;
    if (specificity) {
      if (*specificity < 1 || *specificity > 5) {
        return RowError{"specificity", std::to_string(*specificity) + " is not 1..5"};
      }
      static constexpr std::array<GeoPrecision, 5> kSpecificity = {GeoPrecision::kExact, GeoPrecision::kDistrict,
                                                                   GeoPrecision::kDistrict, GeoPrecision::kProvince,
                                                                   GeoPrecision::kCountry};
      out->geo_precision = kSpecificity[static_cast<size_t>(*specificity - 1)];
    }

    std::optional<int64_t> attack, target, weapon, suicide, claimed;
    if (auto e = ReadCode(row, "attacktype1", &attack)) return e;
    if (auto e = ReadCode(row, "targtype1", &target)) return e;
    if (auto e = ReadCode(row, "weaptype1", &weapon)) return e;
    if (auto e = ReadCode(row, "suicide", &suicide)) return e;
    if (auto e = ReadCode(row, "claimed", &claimed)) return e;
    if (!attack || *attack < 1 || *attack > 9) {
      return RowError{"attacktype1", QuoteForError(row.Get("attacktype1")) + " is not an attack type 1..9"};
    }
    if (target && (*target < 1 || *target > 22)) {
      return RowError{"targtype1", std::to_string(*target) + " is not a target type 1..22"};
    }
    size_t a = static_cast<size_t>(*attack - 1);
    out->attack_type = kAttacks[a];
    if (*attack == 3 && suicide == 1) out->attack_type = AttackType::kSuicideBombing;
    std::string_view attack_txt = Trim(row.Get("attacktype1_txt"));
    out->sub_event_type = std::string(attack_txt.empty() ? kAttackNames[a] : attack_txt);

    TargetCategory t = target ? kTargets[static_cast<size_t>(*target - 1)] : TargetCategory::kUnknown;
    out->target = RefineTarget(t, std::string(row.Get("target1")) + " | " + std::string(row.Get("corp1")) + " | " +
                                      std::string(row.Get("targsubtype1_txt")));
    bool explosives = *attack == 3 || weapon == kWeapExplosives;
    if (explosives) {
      out->event_type = EventType::kExplosionsRemoteViolence;
    } else if (*attack == 7) {
      out->event_type = EventType::kStrategicDevelopments;
    } else if (IsSecurityForces(out->target) || out->target == TargetCategory::kMilitants) {
      out->event_type = EventType::kBattles;
    } else {
      out->event_type = EventType::kViolenceAgainstCivilians;
    }

    std::string_view group = Known(row.Get("gname"));
    out->perpetrator = group.empty() ? std::string() : ResolveActor(ctx, group);
    out->attribution = group.empty()                         ? Attribution::kUnknown
                       : claimed == 1                        ? Attribution::kClaimed
                       : Trim(row.Get("guncertain1")) == "1" ? Attribution::kSuspected
                                                             : Attribution::kAttributed;

    CasualtyCategory victims = VictimCategory(out->target);
    if (auto e = SplitCount(row, "nkill", "nkillter", victims, &out->casualties.killed)) return e;
    if (auto e = SplitCount(row, "nwound", "nwoundte", victims, &out->casualties.injured)) return e;

    for (std::string_view column : {"scite1", "scite2", "scite3"}) {
      std::string_view cite = Trim(row.Get(column));
      if (cite.empty()) continue;
      Source s;
      s.outlet = std::string(cite);
      out->sources.push_back(std::move(s));
    }
    out->notes = std::string(row.Get("summary"));
    return std::nullopt;
  }
};

}  // namespace

std::unique_ptr<CsvFormat> MakeGtdFormat() { return std::make_unique<GtdFormat>(); }

}  // namespace faultline
