// UCDP Georeferenced Event Dataset CSV ("ucdp-ged", GED 22.1 and later):
// one row per event, columns found by name in the header.
//
// Choices (UCDP GED codebook; ../shared/docs/domain.md §1, §5):
// - type_of_violence 1 state-based and 2 non-state -> battles, 3 one-sided ->
//   violence_against_civilians; sub_event_type names the type in words.
//   UCDP does not say how an event was carried out: attack_type unknown.
// - Perpetrator: one-sided -> side_a; state-based -> the side that is not a
//   "Government of ..." (side_a if both are); non-state -> side_a. The other
//   side is the target: a government -> other_security, a group ->
//   militants, one-sided -> civilians.
// - Killed: deaths_civilians -> civilians; deaths_a/deaths_b -> security
//   forces for a government side, militants for a group (civilians for the
//   "Civilians" side of one-sided events); deaths_unknown -> unknown. Each
//   named category carries best only; UCDP's low/high uncertainty is put on
//   the unknown category (low = deaths_unknown - (best - low), clamped at 0;
//   high = deaths_unknown + (high - best)), so that summing categories gives
//   back UCDP's own low, best and high. best must equal the sum of the four
//   deaths_* columns and low <= best <= high, or the row is rejected.
// - date_prec 1 day, 2 week, 3 month, 4 year, 5 longer -> year; date_start and
//   date_end bound the event (a " 00:00:00.000" time suffix is accepted).
// - where_prec 1 exact, 2 near (25 km), 3 district, 4 province, 5 province
//   (part of the country, coarser than adm_2), 6 and 7 country. Admin names
//   lose their "province", "district", "agency" ... suffix before lookup.
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

// Gleditsch-Ward country numbers (UCDP's country_id) -> ISO alpha-2, for the
// region; other countries go by name through the gazetteer.
constexpr std::array<std::pair<int, std::string_view>, 16> kGleditschWard = {{
    {700, "AF"},
    {770, "PK"},
    {750, "IN"},
    {630, "IR"},
    {771, "BD"},
    {780, "LK"},
    {790, "NP"},
    {760, "BT"},
    {781, "MV"},
    {702, "TJ"},
    {701, "TM"},
    {704, "UZ"},
    {703, "KG"},
    {705, "KZ"},
    {710, "CN"},
    {775, "MM"},
}};

// UCDP writes the unit type after admin and place names.
constexpr std::array<std::string_view, 12> kUnitSuffixes = {
    " province", " district", " agency",  " division", " tehsil",      " region",
    " town",     " city",     " village", " state",    " governorate", " frontier region",
};

std::string_view StripUnitSuffix(std::string_view name) {
  name = Trim(name);
  for (auto suffix : kUnitSuffixes) {
    if (name.size() > suffix.size() && IEquals(name.substr(name.size() - suffix.size()), suffix)) {
      return Trim(name.substr(0, name.size() - suffix.size()));
    }
  }
  return name;
}

// "2021-03-04" or "2021-03-04 00:00:00.000" (also with a 'T').
Result<CivilDate> ParseUcdpDate(std::string_view s) {
  s = Trim(s);
  if (s.size() > 10 && (s[10] == ' ' || s[10] == 'T')) {
    std::string_view time = s.substr(11);
    bool is_time = !time.empty();
    for (char c : time) {
      is_time &= (c >= '0' && c <= '9') || c == ':' || c == '.' || c == 'Z';
    }
    if (is_time) s = s.substr(0, 10);
  }
  return CivilDate::Parse(s);
}

bool IsGovernment(std::string_view side) {
  side = Trim(side);
  constexpr std::string_view kPrefix = "Government of";
  return side.size() >= kPrefix.size() && IEquals(side.substr(0, kPrefix.size()), kPrefix);
}

// A death count: a non-negative whole number that fits the model.
std::optional<RowError> ReadDeaths(const RowView& row, std::string_view column, int64_t* out) {
  RowError err;
  auto v = row.Int(column, &err);
  if (!err.reason.empty()) return err;
  if (!v) return RowError{std::string(column), "is empty; UCDP gives every death count"};
  if (*v < 0) return RowError{std::string(column), std::to_string(*v) + " is negative"};
  if (*v > std::numeric_limits<int32_t>::max() / 4) {
    return RowError{std::string(column), std::to_string(*v) + " is out of range"};
  }
  *out = *v;
  return std::nullopt;
}

std::optional<std::string> UcdpCountry(const ImportContext& ctx, const RowView& row) {
  if (auto n = ParseInt(row.Get("country_id")); n.ok()) {
    for (const auto& [code, alpha2] : kGleditschWard) {
      if (code == *n) return std::string(alpha2);
    }
  }
  std::string_view name = Trim(row.Get("country"));
  if (auto c = CountryCode(ctx, name)) return c;
  // "Myanmar (Burma)", "Russia (Soviet Union)", "DR Congo (Zaire)".
  if (auto paren = name.find(" ("); paren != std::string_view::npos) return CountryCode(ctx, name.substr(0, paren));
  return std::nullopt;
}

class UcdpGedFormat final : public CsvFormat {
 public:
  std::string_view name() const override { return "ucdp-ged"; }

  std::vector<std::string> required_columns() const override {
    return {"id",       "type_of_violence", "side_a",         "side_b",    "where_prec", "adm_1",    "adm_2",
            "latitude", "longitude",        "country",        "date_prec", "date_start", "date_end", "deaths_a",
            "deaths_b", "deaths_civilians", "deaths_unknown", "best",      "high",       "low"};
  }

  std::optional<RowError> Map(const RowView& row, const ImportContext& ctx, Incident* out) const override {
    std::string_view id = Trim(row.Get("id"));
    if (id.empty()) return RowError{"id", "is empty; every UCDP GED row has an id"};
    out->source_key = "ucdp:" + std::string(id);
    out->license = "ucdp-cc-by-4.0";

    if (auto e = ReadDates(row, out)) return e;

    auto country = UcdpCountry(ctx, row);
    if (!country) {
      return RowError{"country", QuoteForError(row.Get("country")) + " (country_id " +
                                     QuoteForError(row.Get("country_id")) + ") is not a known country"};
    }
    out->country = *country;

    RowError err;
    auto where_prec = row.Int("where_prec", &err);
    if (!err.reason.empty()) return err;
    if (where_prec && (*where_prec < 1 || *where_prec > 7)) {
      return RowError{"where_prec", std::to_string(*where_prec) + " is not 1..7"};
    }
    if (auto e = ReadCoordinates(row, "latitude", "longitude", out)) return e;
    // Only a point-level location names a place; coarser ones name their unit.
    std::string_view place = where_prec && *where_prec <= 2 ? StripUnitSuffix(row.Get("where_coordinates")) : "";
    ResolvePlace(ctx, StripUnitSuffix(row.Get("adm_1")), StripUnitSuffix(row.Get("adm_2")), place, out);
    if (where_prec) {
      static constexpr std::array<GeoPrecision, 7> kWherePrec = {
          GeoPrecision::kExact,    GeoPrecision::kNear,    GeoPrecision::kDistrict, GeoPrecision::kProvince,
          GeoPrecision::kProvince, GeoPrecision::kCountry, GeoPrecision::kCountry};
      out->geo_precision = kWherePrec[static_cast<size_t>(*where_prec - 1)];
    }

    auto violence = row.Int("type_of_violence", &err);
    if (!err.reason.empty()) return err;
    if (!violence || *violence < 1 || *violence > 3) {
      return RowError{"type_of_violence", QuoteForError(row.Get("type_of_violence")) +
                                              " is not 1 (state-based), 2 (non-state) or 3 (one-sided)"};
    }
    static constexpr std::array<std::string_view, 3> kViolenceNames = {"state-based conflict", "non-state conflict",
                                                                       "one-sided violence"};
    out->sub_event_type = std::string(kViolenceNames[static_cast<size_t>(*violence - 1)]);
    out->event_type = *violence == 3 ? EventType::kViolenceAgainstCivilians : EventType::kBattles;
    out->attack_type = AttackType::kUnknown;

    std::string_view side_a = Trim(row.Get("side_a"));
    std::string_view side_b = Trim(row.Get("side_b"));
    bool gov_a = IsGovernment(side_a);
    bool gov_b = IsGovernment(side_b);
    std::string_view perpetrator = side_a;
    std::string_view target = side_b;
    if (*violence == 1 && gov_a && !gov_b) std::swap(perpetrator, target);
    out->perpetrator = ResolveActor(ctx, perpetrator);
    out->attribution = perpetrator.empty() ? Attribution::kUnknown : Attribution::kAttributed;
    out->target = *violence == 3         ? TargetCategory::kCivilians
                  : IsGovernment(target) ? TargetCategory::kOtherSecurity
                  : target.empty()       ? TargetCategory::kUnknown
                                         : TargetCategory::kMilitants;

    ReadSource(row, out);
    return ReadCasualties(row, *violence, gov_a, gov_b, out);
  }

 private:
  static std::optional<RowError> ReadDates(const RowView& row, Incident* out) {
    auto start = ParseUcdpDate(row.Get("date_start"));
    if (!start.ok()) return RowError{"date_start", start.status().message()};
    auto end = ParseUcdpDate(row.Get("date_end"));
    if (!end.ok()) return RowError{"date_end", end.status().message()};
    for (auto [d, column] : {std::pair{*start, "date_start"}, std::pair{*end, "date_end"}}) {
      if (d.year() < 1800 || d.year() > 2200) return RowError{column, d.ToString() + " is outside 1800..2200"};
    }
    if (*end < *start) {
      return RowError{"date_end", end->ToString() + " is before date_start " + start->ToString()};
    }
    out->date = start->days();
    out->date_end = end->days();

    RowError err;
    auto prec = row.Int("date_prec", &err);
    if (!err.reason.empty()) return err;
    if (prec && (*prec < 1 || *prec > 5)) {
      return RowError{"date_prec", std::to_string(*prec) + " is not 1..5"};
    }
    DatePrecision p = !prec || *prec == 1 ? DatePrecision::kDay
                      : *prec == 2        ? DatePrecision::kWeek
                      : *prec == 3        ? DatePrecision::kMonth
                                          : DatePrecision::kYear;
    out->date_precision = static_cast<uint8_t>(p);
    return std::nullopt;
  }

  // source_office, source_date and source_headline hold one or more
  // ";"-separated entries; they are kept as given, the date cut to the first.
  static void ReadSource(const RowView& row, Incident* out) {
    Source s;
    s.outlet = std::string(Trim(row.Get("source_office")));
    if (s.outlet.empty()) s.outlet = std::string(Trim(row.Get("source_article")));
    s.headline = std::string(Trim(row.Get("source_headline")));
    std::string_view date = Trim(row.Get("source_date"));
    s.published_at = std::string(Trim(date.substr(0, date.find(';'))));
    if (!s.outlet.empty() || !s.headline.empty()) out->sources.push_back(std::move(s));
  }

  static std::optional<RowError> ReadCasualties(const RowView& row, int64_t violence, bool gov_a, bool gov_b,
                                                Incident* out) {
    int64_t deaths_a = 0, deaths_b = 0, civilians = 0, unknown = 0, best = 0;
    for (auto [column, value] :
         {std::pair{"deaths_a", &deaths_a}, std::pair{"deaths_b", &deaths_b}, std::pair{"deaths_civilians", &civilians},
          std::pair{"deaths_unknown", &unknown}, std::pair{"best", &best}}) {
      if (auto e = ReadDeaths(row, column, value)) return e;
    }
    int64_t sum = deaths_a + deaths_b + civilians + unknown;
    if (best != sum) {
      return RowError{"best", std::to_string(best) +
                                  " is not deaths_a + deaths_b + deaths_civilians + deaths_unknown (" +
                                  std::to_string(sum) + ")"};
    }
    int64_t low = best, high = best;  // empty low/high: no stated uncertainty
    for (auto [column, value] : {std::pair{"low", &low}, std::pair{"high", &high}}) {
      if (Trim(row.Get(column)).empty()) continue;
      if (auto e = ReadDeaths(row, column, value)) return e;
    }
    if (low > best) return RowError{"low", std::to_string(low) + " is above best " + std::to_string(best)};
    if (high < best) return RowError{"high", std::to_string(high) + " is below best " + std::to_string(best)};

    std::array<int64_t, kCasualtyCategories> killed{};
    auto side_category = [&](bool government, bool is_side_b) {
      if (government) return CasualtyCategory::kSecurityForces;
      if (violence == 3 && is_side_b) return CasualtyCategory::kCivilians;
      return CasualtyCategory::kMilitants;
    };
    killed[static_cast<size_t>(side_category(gov_a, false))] += deaths_a;
    killed[static_cast<size_t>(side_category(gov_b, true))] += deaths_b;
    killed[static_cast<size_t>(CasualtyCategory::kCivilians)] += civilians;
    for (size_t c = 0; c < kCasualtyCategories; ++c) {
      if (static_cast<CasualtyCategory>(c) == CasualtyCategory::kUnknown) continue;
      out->casualties.killed[c].best = static_cast<int32_t>(killed[c]);
    }
    out->casualties.Killed(CasualtyCategory::kUnknown) = {
        static_cast<int32_t>(std::max<int64_t>(0, unknown - (best - low))), static_cast<int32_t>(unknown),
        static_cast<int32_t>(unknown + (high - best))};
    return std::nullopt;
  }
};

}  // namespace

std::unique_ptr<CsvFormat> MakeUcdpGedFormat() { return std::make_unique<UcdpGedFormat>(); }

}  // namespace faultline
