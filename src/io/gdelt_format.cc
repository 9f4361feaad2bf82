// GDELT 2.0 events export ("gdelt"): tab-separated, no header, no quoting,
// 61 columns in the order of the GDELT 2.0 Event Codebook (kColumns).
//
// Choices (GDELT 2.0 Event Codebook; CAMEO Codebook 1.1b3):
// - Only violent events are imported: CAMEO roots 18 (assault), 19 (fight)
//   and 20 (unconventional mass violence). Any other row is rejected with
//   its root named, so that rows read = stored + rejected still balances.
// - EventCode -> attack_type and event_type: kCameo below (longest code
//   prefix wins); EventCode is kept as sub_event_type.
// - Actor1 (the actor who acts) is the perpetrator, attributed when named;
//   Actor2Type1Code gives the target (kActorTypes).
// - Place: ActionGeo_*. ActionGeo_CountryCode is FIPS 10-4, mapped to ISO
//   alpha-2 with kFipsToIso; FIPS and ISO codes collide (FIPS AU is Austria),
//   so an unmapped code is rejected rather than passed through.
//   ActionGeo_Type 1 country -> country, 2 US state and 5 world state ->
//   province, 3 US city and 4 world city -> near.
// - Day is the date (day precision); no casualty counts in events.
#include <algorithm>
#include <array>
#include <cstdint>
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

constexpr size_t kColumnCount = 61;  // GDELT 2.0; 1.0 files have 57 or 58

std::vector<std::string> GdeltColumns() {
  std::vector<std::string> c;
  c.reserve(kColumnCount);
  for (const char* field : {"GlobalEventID", "Day", "MonthYear", "Year", "FractionDate"}) c.emplace_back(field);
  for (std::string actor : {"Actor1", "Actor2"}) {
    for (const char* field : {"Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code",
                              "Religion2Code", "Type1Code", "Type2Code", "Type3Code"}) {
      c.push_back(actor + field);
    }
  }
  for (const char* field : {"IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
                            "NumMentions", "NumSources", "NumArticles", "AvgTone"}) {
    c.emplace_back(field);
  }
  for (std::string geo : {"Actor1Geo_", "Actor2Geo_", "ActionGeo_"}) {
    for (const char* field : {"Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID"}) {
      c.push_back(geo + field);
    }
  }
  c.emplace_back("DATEADDED");
  c.emplace_back("SOURCEURL");
  return c;  // kColumnCount names; dataset_formats_test checks the count
}

struct CameoEntry {
  std::string_view code;  // an EventCode prefix
  EventType event;
  AttackType attack;
};
// Violent CAMEO codes. The longest matching prefix of EventCode wins.
constexpr std::array<CameoEntry, 24> kCameo = {{
    {"18", EventType::kViolenceAgainstCivilians, AttackType::kOther},           // unconventional violence
    {"181", EventType::kViolenceAgainstCivilians, AttackType::kKidnapping},     // abduct, hijack, take hostage
    {"182", EventType::kViolenceAgainstCivilians, AttackType::kOther},          // physically assault (1821 sexual)
    {"1823", EventType::kViolenceAgainstCivilians, AttackType::kArmedAssault},  // kill by physical assault
    {"183", EventType::kExplosionsRemoteViolence, AttackType::kBombingIed},     // non-military bombing
    {"1831", EventType::kExplosionsRemoteViolence, AttackType::kSuicideBombing},
    {"1832", EventType::kExplosionsRemoteViolence, AttackType::kBombingIed},       // vehicular
    {"1833", EventType::kExplosionsRemoteViolence, AttackType::kBombingIed},       // roadside
    {"1834", EventType::kExplosionsRemoteViolence, AttackType::kBombingIed},       // location
    {"184", EventType::kViolenceAgainstCivilians, AttackType::kOther},             // human shield
    {"185", EventType::kViolenceAgainstCivilians, AttackType::kTargetedKilling},   // attempt to assassinate
    {"186", EventType::kViolenceAgainstCivilians, AttackType::kTargetedKilling},   // assassinate
    {"19", EventType::kBattles, AttackType::kArmedAssault},                        // conventional military force
    {"191", EventType::kStrategicDevelopments, AttackType::kOther},                // blockade
    {"192", EventType::kBattles, AttackType::kArmedAssault},                       // occupy territory
    {"193", EventType::kBattles, AttackType::kArmedAssault},                       // small arms
    {"194", EventType::kExplosionsRemoteViolence, AttackType::kRocketMortar},      // artillery and tanks
    {"195", EventType::kExplosionsRemoteViolence, AttackType::kDroneOrAirStrike},  // aerial weapons, drones
    {"196", EventType::kBattles, AttackType::kArmedAssault},                       // violate ceasefire
    {"20", EventType::kViolenceAgainstCivilians, AttackType::kOther},              // mass violence
    {"201", EventType::kViolenceAgainstCivilians, AttackType::kOther},             // mass expulsion
    {"202", EventType::kViolenceAgainstCivilians, AttackType::kArmedAssault},      // mass killings
    {"203", EventType::kViolenceAgainstCivilians, AttackType::kOther},             // ethnic cleansing
    {"204", EventType::kExplosionsRemoteViolence, AttackType::kOther},             // weapons of mass destruction
}};

// CAMEO actor type codes -> target.
constexpr std::array<std::pair<std::string_view, TargetCategory>, 21> kActorTypes = {{
    {"COP", TargetCategory::kPolice},         {"MIL", TargetCategory::kArmy},
    {"SPY", TargetCategory::kOtherSecurity},  {"GOV", TargetCategory::kGovernment},
    {"JUD", TargetCategory::kGovernment},     {"LEG", TargetCategory::kGovernment},
    {"CVL", TargetCategory::kCivilians},      {"BUS", TargetCategory::kCivilians},
    {"LAB", TargetCategory::kCivilians},      {"AGR", TargetCategory::kCivilians},
    {"REF", TargetCategory::kCivilians},      {"MED", TargetCategory::kCivilians},
    {"HLH", TargetCategory::kHealthAndPolio}, {"EDU", TargetCategory::kEducation},
    {"REL", TargetCategory::kReligious},      {"OPP", TargetCategory::kPolitical},
    {"PTY", TargetCategory::kPolitical},      {"REB", TargetCategory::kMilitants},
    {"INS", TargetCategory::kMilitants},      {"SEP", TargetCategory::kMilitants},
    {"UAF", TargetCategory::kMilitants},
}};

// FIPS 10-4 -> ISO 3166-1 alpha-2: South and Central Asia, the Middle East
// and the countries most often named with them.
constexpr std::array<std::pair<std::string_view, std::string_view>, 44> kFipsToIso = {{
    {"AF", "AF"}, {"PK", "PK"}, {"IN", "IN"}, {"IR", "IR"}, {"CH", "CN"}, {"BG", "BD"}, {"CE", "LK"}, {"NP", "NP"},
    {"BT", "BT"}, {"MV", "MV"}, {"TI", "TJ"}, {"TX", "TM"}, {"UZ", "UZ"}, {"KG", "KG"}, {"KZ", "KZ"}, {"IZ", "IQ"},
    {"SY", "SY"}, {"TU", "TR"}, {"SA", "SA"}, {"AE", "AE"}, {"QA", "QA"}, {"MU", "OM"}, {"YM", "YE"}, {"BA", "BH"},
    {"KU", "KW"}, {"IS", "IL"}, {"JO", "JO"}, {"LE", "LB"}, {"EG", "EG"}, {"US", "US"}, {"UK", "GB"}, {"RS", "RU"},
    {"FR", "FR"}, {"GM", "DE"}, {"BM", "MM"}, {"TH", "TH"}, {"RP", "PH"}, {"ID", "ID"}, {"MY", "MY"}, {"SO", "SO"},
    {"NI", "NG"}, {"SU", "SD"}, {"AJ", "AZ"}, {"UP", "UA"},
}};

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "20210304" -> the date.
Result<CivilDate> ParseDay(std::string_view s) {
  s = Trim(s);
  if (s.size() != 8 || !AllDigits(s)) return InvalidArgument(QuoteForError(s) + " is not a date in YYYYMMDD form");
  auto num = [&](size_t from, size_t n) {
    int v = 0;
    for (size_t i = from; i < from + n; ++i) v = v * 10 + (s[i] - '0');
    return v;
  };
  return CivilDate::FromYmd(num(0, 4), num(4, 2), num(6, 2));
}

// "20210304151500" -> "2021-03-04T15:15:00Z"; "" when it is not that form.
std::string DateAdded(std::string_view s) {
  s = Trim(s);
  if (s.size() != 14 || !AllDigits(s)) return {};
  std::string out(s.substr(0, 4));
  out += '-';
  out += s.substr(4, 2);
  out += '-';
  out += s.substr(6, 2);
  out += 'T';
  out += s.substr(8, 2);
  out += ':';
  out += s.substr(10, 2);
  out += ':';
  out += s.substr(12, 2);
  out += 'Z';
  return out;
}

// "https://www.dawn.com/news/1" -> "www.dawn.com".
std::string_view Host(std::string_view url) {
  auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return {};
  std::string_view rest = url.substr(scheme + 3);
  return rest.substr(0, rest.find_first_of("/?#:"));
}

class GdeltFormat final : public CsvFormat {
 public:
  std::string_view name() const override { return "gdelt"; }
  CsvOptions csv_options() const override {
    CsvOptions o;
    o.delimiter = '\t';
    o.quoting = false;
    return o;
  }
  std::vector<std::string> fixed_columns() const override { return GdeltColumns(); }
  std::vector<std::string> required_columns() const override { return GdeltColumns(); }

  std::optional<RowError> Map(const RowView& row, const ImportContext& ctx, Incident* out) const override {
    std::string_view id = Trim(row.Get("GlobalEventID"));
    if (!AllDigits(id)) return RowError{"GlobalEventID", QuoteForError(id) + " is not an event id"};
    out->source_key = "gdelt:" + std::string(id);
    out->license = "gdelt-open";

    std::string_view code = Trim(row.Get("EventCode"));
    std::string_view root = Trim(row.Get("EventRootCode"));
    if (root.empty() && code.size() >= 2) root = code.substr(0, 2);
    if (root != "18" && root != "19" && root != "20") {
      std::string shown = AllDigits(root) && root.size() <= 4 ? std::string(root) : QuoteForError(root);
      return RowError{"EventRootCode",
                      "CAMEO root " + shown + " is not a violent event (faultline imports roots 18-20)"};
    }
    if (!AllDigits(code) || code.substr(0, 2) != root) {
      return RowError{"EventCode", QuoteForError(code) + " is not a CAMEO code under root " + std::string(root)};
    }
    const CameoEntry* best = nullptr;
    for (const auto& e : kCameo) {
      if (code.substr(0, e.code.size()) == e.code && (best == nullptr || e.code.size() > best->code.size())) best = &e;
    }
    out->event_type = best->event;  // the root always matches
    out->attack_type = best->attack;
    out->sub_event_type = "CAMEO " + std::string(code);

    auto day = ParseDay(row.Get("Day"));
    if (!day.ok()) return RowError{"Day", day.status().message()};
    if (day->year() < 1800 || day->year() > 2200) return RowError{"Day", day->ToString() + " is outside 1800..2200"};
    out->date = out->date_end = day->days();
    out->date_precision = static_cast<uint8_t>(DatePrecision::kDay);

    if (auto e = ReadPlace(row, ctx, out)) return e;

    std::string_view actor1 = Trim(row.Get("Actor1Name"));
    out->perpetrator = actor1.empty() ? std::string() : ResolveActor(ctx, actor1);
    out->attribution = actor1.empty() ? Attribution::kUnknown : Attribution::kAttributed;
    std::string_view type2 = Trim(row.Get("Actor2Type1Code"));
    out->target = TargetCategory::kUnknown;
    for (const auto& [type, target] : kActorTypes) {
      if (type2 == type) out->target = target;
    }

    std::string_view url = Trim(row.Get("SOURCEURL"));
    if (!url.empty()) {
      Source s;
      s.url = std::string(url);
      s.outlet = std::string(Host(url));
      s.published_at = DateAdded(row.Get("DATEADDED"));
      out->sources.push_back(std::move(s));
    }
    return std::nullopt;
  }

 private:
  static std::optional<RowError> ReadPlace(const RowView& row, const ImportContext& ctx, Incident* out) {
    std::string_view fips = Trim(row.Get("ActionGeo_CountryCode"));
    if (fips.empty()) return RowError{"ActionGeo_CountryCode", "is empty; the event has no location"};
    auto iso = std::find_if(kFipsToIso.begin(), kFipsToIso.end(), [&](const auto& p) { return p.first == fips; });
    if (iso == kFipsToIso.end()) {
      return RowError{"ActionGeo_CountryCode",
                      "FIPS 10-4 code " + QuoteForError(fips) + " is not in faultline's FIPS to ISO table"};
    }
    out->country = std::string(iso->second);
    if (auto e = ReadCoordinates(row, "ActionGeo_Lat", "ActionGeo_Long", out)) return e;

    RowError err;
    auto type = row.Int("ActionGeo_Type", &err);
    if (!err.reason.empty()) return err;
    if (!type || *type < 1 || *type > 5) {
      return RowError{"ActionGeo_Type", QuoteForError(row.Get("ActionGeo_Type")) + " is not 1..5"};
    }
    // FullName: "City, State, Country" (types 3, 4), "State, Country" (2, 5), "Country" (1).
    std::vector<std::string_view> parts;
    for (auto p : Split(row.Get("ActionGeo_FullName"), ',')) parts.push_back(Trim(p));
    std::string_view admin1, place;
    if ((*type == 3 || *type == 4) && parts.size() >= 2) {
      place = parts[0];
      if (parts.size() >= 3) admin1 = parts[1];
    } else if ((*type == 2 || *type == 5) && parts.size() >= 2) {
      admin1 = parts[0];
    }
    ResolvePlace(ctx, admin1, "", place, out);
    out->geo_precision = *type == 1                 ? GeoPrecision::kCountry
                         : *type == 2 || *type == 5 ? GeoPrecision::kProvince
                                                    : GeoPrecision::kNear;
    return std::nullopt;
  }
};

}  // namespace

std::unique_ptr<CsvFormat> MakeGdeltFormat() { return std::make_unique<GdeltFormat>(); }

}  // namespace faultline
