#include "io/native_csv.h"

#include "common/date.h"
#include "common/text.h"
#include "io/formats.h"
#include "model/incident_json.h"

namespace faultline {
namespace {

constexpr std::string_view kParts[] = {"low", "best", "high"};

std::string CasualtyColumn(std::string_view outcome, size_t category, size_t part) {
  return std::string(outcome) + "_" + std::string(Name(static_cast<CasualtyCategory>(category))) + "_" +
         std::string(kParts[part]);
}

std::optional<int32_t>* Part(CasualtyRange& r, size_t part) {
  return part == 0 ? &r.low : part == 1 ? &r.best : &r.high;
}

class NativeCsvFormat final : public CsvFormat {
 public:
  std::string_view name() const override { return "csv"; }
  std::vector<std::string> required_columns() const override { return {"date", "country", "license"}; }
  bool strict_column_count() const override { return true; }

  std::optional<RowError> Map(const RowView& row, const ImportContext&, Incident* out) const override {
    auto text = [&](const char* c) { return std::string(row.Get(c)); };
    out->source_key = text("source_key");
    if (row.Has("status") && !row.Get("status").empty()) {
      auto s = ParseIncidentStatus(row.Get("status"));
      if (!s.ok()) return RowError{"status", s.status().message()};
      out->status = *s;
    }
    RowError err;
    if (auto m = row.Int("merged_into", &err)) out->merged_into = *m;
    auto date = CivilDate::Parse(Trim(row.Get("date")));
    if (!date.ok()) return RowError{"date", date.status().message()};
    out->date = out->date_end = date->days();
    if (!Trim(row.Get("date_end")).empty()) {
      auto end = CivilDate::Parse(Trim(row.Get("date_end")));
      if (!end.ok()) return RowError{"date_end", end.status().message()};
      out->date_end = end->days();
    }
    if (!row.Get("date_precision").empty()) {
      auto p = ParseDatePrecision(row.Get("date_precision"));
      if (!p.ok()) return RowError{"date_precision", p.status().message()};
      out->date_precision = static_cast<uint8_t>(*p);
    }
    out->country = text("country");
    out->admin1 = text("admin1");
    out->admin2 = text("admin2");
    out->place = text("place");
    if (auto e = ReadCoordinates(row, "latitude", "longitude", out)) return e;
    // Enumerations: an empty cell keeps the model's default.
    auto enum_col = [&](const char* col, auto parse, auto* field) -> std::optional<RowError> {
      std::string_view v = row.Get(col);
      if (v.empty()) return std::nullopt;
      auto r = parse(v);
      if (!r.ok()) return RowError{col, r.status().message()};
      *field = *r;
      return std::nullopt;
    };
    if (auto e = enum_col("geo_precision", &ParseGeoPrecision, &out->geo_precision)) return e;
    if (auto e = enum_col("event_type", &ParseEventType, &out->event_type)) return e;
    if (auto e = enum_col("attack_type", &ParseAttackType, &out->attack_type)) return e;
    if (auto e = enum_col("attribution", &ParseAttribution, &out->attribution)) return e;
    if (auto e = enum_col("target", &ParseTargetCategory, &out->target)) return e;
    out->sub_event_type = text("sub_event_type");
    out->perpetrator = text("perpetrator");
    for (size_t c = 0; c < kCasualtyCategories; ++c) {
      for (size_t p = 0; p < 3; ++p) {
        for (int outcome = 0; outcome < 2; ++outcome) {
          std::string col = CasualtyColumn(outcome == 0 ? "killed" : "injured", c, p);
          auto v = row.Int(col, &err);
          if (!err.reason.empty()) return err;
          if (v && (*v < 0 || *v > INT32_MAX)) return RowError{col, std::to_string(*v) + " is out of range"};
          auto& range = outcome == 0 ? out->casualties.killed[c] : out->casualties.injured[c];
          if (v) *Part(range, p) = static_cast<int32_t>(*v);
        }
      }
    }
    if (!err.reason.empty()) return err;
    out->notes = text("notes");
    auto sources = SourcesFromJson(row.Get("sources"));
    if (!sources.ok()) return RowError{"sources", sources.status().message()};
    out->sources = std::move(*sources);
    out->license = text("license");
    return std::nullopt;
  }
};

}  // namespace

const std::vector<std::string>& NativeCsvColumns() {
  static const std::vector<std::string> kColumns = [] {
    std::vector<std::string> c = {"source_key", "status",       "merged_into",   "date",       "date_end",
                                  "date_precision", "country",  "admin1",        "admin2",     "place",
                                  "latitude",   "longitude",    "geo_precision", "event_type", "sub_event_type",
                                  "attack_type", "perpetrator", "attribution",   "target"};
    for (std::string_view outcome : {"killed", "injured"}) {
      for (size_t cat = 0; cat < kCasualtyCategories; ++cat) {
        for (size_t p = 0; p < 3; ++p) c.push_back(CasualtyColumn(outcome, cat, p));
      }
    }
    for (const char* tail : {"notes", "sources", "license"}) c.emplace_back(tail);
    return c;
  }();
  return kColumns;
}

std::vector<std::string> NativeCsvRow(const Incident& inc) {
  auto opt = [](const std::optional<int32_t>& v) { return v ? std::to_string(*v) : std::string(); };
  std::vector<std::string> r = {
      inc.source_key,
      std::string(Name(inc.status)),
      inc.merged_into ? std::to_string(inc.merged_into) : std::string(),
      CivilDate(inc.date).ToString(),
      inc.date_end != inc.date ? CivilDate(inc.date_end).ToString() : std::string(),
      std::string(DatePrecisionName(static_cast<DatePrecision>(inc.date_precision))),
      inc.country,
      inc.admin1,
      inc.admin2,
      inc.place,
      inc.lat ? FormatCoordinate(*inc.lat) : std::string(),
      inc.lon ? FormatCoordinate(*inc.lon) : std::string(),
      std::string(Name(inc.geo_precision)),
      std::string(Name(inc.event_type)),
      inc.sub_event_type,
      std::string(Name(inc.attack_type)),
      inc.perpetrator,
      std::string(Name(inc.attribution)),
      std::string(Name(inc.target)),
  };
  for (const auto* outcome : {&inc.casualties.killed, &inc.casualties.injured}) {
    for (const auto& range : *outcome) {
      r.push_back(opt(range.low));
      r.push_back(opt(range.best));
      r.push_back(opt(range.high));
    }
  }
  r.push_back(inc.notes);
  r.push_back(SourcesToJson(inc.sources));
  r.push_back(inc.license);
  return r;
}

std::string CsvLine(const std::vector<std::string>& fields, char delimiter) {
  std::string out;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) out += delimiter;
    const std::string& f = fields[i];
    bool quote = f.find_first_of(std::string("\"\r\n") + delimiter) != std::string::npos ||
                 (!f.empty() && (f.front() == ' ' || f.back() == ' '));
    if (!quote) {
      out += f;
      continue;
    }
    out += '"';
    for (char c : f) {
      if (c == '"') out += '"';
      out += c;
    }
    out += '"';
  }
  out += '\n';
  return out;
}

std::unique_ptr<CsvFormat> MakeNativeCsvFormat() { return std::make_unique<NativeCsvFormat>(); }

}  // namespace faultline
