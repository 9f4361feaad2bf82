// Pakistan Body Count CSVs (pakistanbodycount.org): suicide attacks
// 1995-2017 and US drone strikes 2004-2017. Latin-1, free-text dates
// ("Sunday-November 19-1995", "Friday, June 18, 2004"), province spellings
// that vary (KPK, FATA, Fata, Baluchistan, Capital), min/max casualty
// columns, a totals row. See docs/formats.md for the column mapping.
#include <cctype>
#include <utility>

#include "common/date.h"
#include "common/text.h"
#include "io/formats.h"

namespace faultline {
namespace {

// Finds a month name, a day (1-31) and a four-digit year anywhere in free
// text; the weekday, if any, is ignored (PBC's are sometimes wrong).
Result<CivilDate> ParseFreeTextDate(std::string_view s) {
  std::optional<int> month, day, year;
  size_t i = 0;
  while (i < s.size()) {
    if (std::isalpha(static_cast<unsigned char>(s[i]))) {
      size_t j = i;
      while (j < s.size() && std::isalpha(static_cast<unsigned char>(s[j]))) ++j;
      if (!month) month = MonthFromName(s.substr(i, j - i));
      i = j;
    } else if (std::isdigit(static_cast<unsigned char>(s[i]))) {
      size_t j = i;
      while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
      auto n = ParseInt(s.substr(i, j - i));
      if (n.ok()) {
        if (j - i == 4 && !year) {
          year = static_cast<int>(*n);
        } else if (j - i <= 2 && !day) {
          day = static_cast<int>(*n);
        }
      }
      i = j;
    } else {
      ++i;
    }
  }
  if (!month || !day || !year) {
    return InvalidArgument(QuoteForError(s) + " is not a date (expected e.g. \"Sunday-November 19-1995\")");
  }
  return CivilDate::FromYmd(*year, *month, *day);
}

bool AllBlank(const RowView& row) {
  for (size_t i = 0; i < row.size(); ++i) {
    if (!Trim(row.At(i)).empty()) return false;
  }
  return true;
}

// min/max columns -> low/best/high; best is the minimum (PBC's conservative
// figure) or the maximum when only that is given.
std::optional<RowError> ReadMinMax(const RowView& row, std::string_view min_col, std::string_view max_col,
                                   CasualtyRange* out, std::string* notes = nullptr) {
  std::string* swapped = notes;
  RowError err;
  auto lo = row.Int(min_col, &err);
  auto hi = row.Int(max_col, &err);
  if (!err.reason.empty()) return err;
  // PBC is messy: a field wrong in an obvious way is repaired or dropped and
  // noted on the incident (docs/formats.md), so the attack itself is kept.
  auto note = [&](const std::string& text) {
    if (swapped != nullptr) *swapped += std::string(swapped->empty() ? "" : "; ") + text;
  };
  if (lo && *lo < 0) {
    note(std::string(min_col) + " " + std::to_string(*lo) + " is negative in the source; dropped");
    lo.reset();
  }
  if (hi && *hi < 0) {
    note(std::string(max_col) + " " + std::to_string(*hi) + " is negative in the source; dropped");
    hi.reset();
  }
  if (lo && hi && *lo > *hi) {
    // A handful of PBC rows give the two the wrong way round; the range is
    // still clear, so keep it ordered rather than lose the attack. The
    // swap is noted on the incident by the caller.
    std::swap(lo, hi);
    note(std::string(min_col) + " " + std::to_string(*hi) + " was above " + std::string(max_col) + " " +
         std::to_string(*lo) + " in the source; swapped");
  }
  if (lo) out->low = static_cast<int32_t>(*lo);
  if (hi) out->high = static_cast<int32_t>(*hi);
  out->best = out->low ? out->low : out->high;
  return std::nullopt;
}

// The city's coordinates (geo precision "near"); an unreadable or
// out-of-range pair is dropped with a note, leaving the gazetteer's place.
void ReadLenientCoordinates(const RowView& row, Incident* out, std::string* notes) {
  if (auto e = ReadCoordinates(row, "Latitude", "Longitude", out)) {
    *notes += std::string(notes->empty() ? "" : "; ") + "coordinates dropped (" + e->column + ": " + e->reason + ")";
    out->lat.reset();
    out->lon.reset();
    return;
  }
  if (out->lat) out->geo_precision = GeoPrecision::kNear;
}

void CommonPlace(const RowView& row, const ImportContext& ctx, std::string_view city, Incident* out) {
  out->country = "PK";
  std::string_view province = Trim(row.Get("Province"));
  // City holds a city or a district/agency; let the gazetteer sort it out.
  ResolvePlace(ctx, province, {}, city, out);
}

// "Target Type" of the suicide file -> target category.
TargetCategory SuicideTarget(std::string_view raw) {
  std::string t = FoldKey(raw);
  auto has = [&](std::string_view w) { return t.find(w) != std::string::npos; };
  if (t.empty() || t == "unknown") return TargetCategory::kUnknown;
  if (has("military") || has("army")) return TargetCategory::kArmy;
  if (has("frontier corps")) return TargetCategory::kFrontierCorps;
  if (has("police")) return TargetCategory::kPolice;
  if (has("rangers")) return TargetCategory::kRangers;
  if (has("government") || has("judge")) return TargetCategory::kGovernment;
  if (has("religious") || has("sect")) return TargetCategory::kReligious;
  if (has("foreign")) return TargetCategory::kForeigners;
  if (has("anti militants")) return TargetCategory::kOther;  // peace committees, lashkars
  if (has("civilian") || has("children") || has("women") || has("media") || has("lawyer") || has("advocate")) {
    return TargetCategory::kCivilians;
  }
  return TargetCategory::kOther;
}

class PbcSuicideFormat final : public CsvFormat {
 public:
  std::string_view name() const override { return "pbc-suicide"; }
  TextEncoding encoding() const override { return TextEncoding::kLatin1; }
  std::vector<std::string> required_columns() const override {
    return {"S#", "Date", "City", "Province", "Latitude", "Longitude", "Target Type", "Killed Min", "Killed Max",
            "Injured Min", "Injured Max"};
  }

  std::optional<RowError> Map(const RowView& row, const ImportContext& ctx, Incident* out) const override {
    if (AllBlank(row)) return RowError{"", "blank row"};
    std::string_view serial = Trim(row.Get("S#"));
    if (serial.empty()) return RowError{"S#", "no serial number: a totals or note row, not an attack"};
    RowError err;
    row.Int("S#", &err);
    if (!err.reason.empty()) return err;
    auto date = ParseFreeTextDate(row.Get("Date"));
    if (!date.ok()) return RowError{"Date", date.status().message()};
    out->source_key = "pbc-suicide:" + std::string(serial);
    out->date = out->date_end = date->days();
    CommonPlace(row, ctx, row.Get("City"), out);
    std::string swapped;
    ReadLenientCoordinates(row, out, &swapped);
    out->event_type = EventType::kExplosionsRemoteViolence;
    out->attack_type = AttackType::kSuicideBombing;
    out->sub_event_type = "Suicide attack";
    out->target = SuicideTarget(row.Get("Target Type"));
    // PBC does not split the dead by category.
    if (auto e = ReadMinMax(row, "Killed Min", "Killed Max", &out->casualties.Killed(CasualtyCategory::kUnknown),
                            &swapped)) {
      return e;
    }
    if (auto e = ReadMinMax(row, "Injured Min", "Injured Max", &out->casualties.Injured(CasualtyCategory::kUnknown),
                            &swapped)) {
      return e;
    }
    if (row.Has("Location")) out->notes = std::string(Trim(row.Get("Location")));
    if (!swapped.empty()) out->notes += (out->notes.empty() ? "" : " | data note: ") + swapped;
    out->license = "pbc-facts";
    return std::nullopt;
  }
};

class PbcDroneFormat final : public CsvFormat {
 public:
  std::string_view name() const override { return "pbc-drone"; }
  TextEncoding encoding() const override { return TextEncoding::kLatin1; }
  std::vector<std::string> required_columns() const override {
    return {"S#", "Date", "Location", "City", "Province", "Al-Qaeda", "Taliban", "Civilians Min", "Civilians Max",
            "Total Died Min", "Total Died Mix", "Injured Min", "Injured Max", "Longitude", "Latitude"};
  }

  std::optional<RowError> Map(const RowView& row, const ImportContext& ctx, Incident* out) const override {
    if (AllBlank(row)) return RowError{"", "blank row"};
    std::string_view serial = Trim(row.Get("S#"));
    if (serial.empty()) {
      return RowError{"S#", "no serial number and no date: the file's totals row, not a strike"};
    }
    RowError err;
    row.Int("S#", &err);
    if (!err.reason.empty()) return err;
    auto date = ParseFreeTextDate(row.Get("Date"));
    if (!date.ok()) return RowError{"Date", date.status().message()};
    out->source_key = "pbc-drone:" + std::string(serial);
    out->date = out->date_end = date->days();
    CommonPlace(row, ctx, row.Get("City"), out);
    std::string swapped;
    ReadLenientCoordinates(row, out, &swapped);
    out->event_type = EventType::kExplosionsRemoteViolence;
    out->attack_type = AttackType::kDroneOrAirStrike;
    out->sub_event_type = "Air/drone strike";
    out->perpetrator = ResolveActor(ctx, "US forces");
    out->attribution = Attribution::kAttributed;
    out->target = TargetCategory::kMilitants;

    auto aq = row.Int("Al-Qaeda", &err);
    auto tb = row.Int("Taliban", &err);
    if (!err.reason.empty()) return err;
    CasualtyRange civ, total;
    if (auto e = ReadMinMax(row, "Civilians Min", "Civilians Max", &civ, &swapped)) return e;
    if (auto e = ReadMinMax(row, "Total Died Min", "Total Died Mix", &total, &swapped)) return e;
    auto& k = out->casualties;
    int32_t militants = 0;
    if (aq || tb) {
      militants = static_cast<int32_t>(aq.value_or(0) + tb.value_or(0));
      k.Killed(CasualtyCategory::kMilitants) = {militants, militants, militants};
    }
    k.Killed(CasualtyCategory::kCivilians) = civ;
    // The dead not named as militants or civilians (foreigners, unidentified)
    // are "unknown", so that the categories add up to the file's total.
    auto rest = [&](std::optional<int32_t> t, std::optional<int32_t> c) -> std::optional<int32_t> {
      if (!t) return std::nullopt;
      int32_t r = *t - militants - c.value_or(0);
      return r > 0 ? std::optional<int32_t>(r) : std::optional<int32_t>(0);
    };
    CasualtyRange unknown{rest(total.low, civ.low), std::nullopt, rest(total.high, civ.high)};
    if (unknown.low && unknown.high && *unknown.low > *unknown.high) unknown.high = unknown.low;
    unknown.best = unknown.low ? unknown.low : unknown.high;
    if ((unknown.low.value_or(0) > 0) || (unknown.high.value_or(0) > 0)) k.Killed(CasualtyCategory::kUnknown) = unknown;
    if (auto e = ReadMinMax(row, "Injured Min", "Injured Max", &k.Injured(CasualtyCategory::kUnknown), &swapped)) {
      return e;
    }
    out->notes = std::string(Trim(row.Get("Location")));
    if (!swapped.empty()) out->notes += (out->notes.empty() ? "" : " | data note: ") + swapped;
    out->license = "pbc-facts";
    return std::nullopt;
  }
};

}  // namespace

std::unique_ptr<CsvFormat> MakePbcSuicideFormat() { return std::make_unique<PbcSuicideFormat>(); }
std::unique_ptr<CsvFormat> MakePbcDroneFormat() { return std::make_unique<PbcDroneFormat>(); }

}  // namespace faultline
