#include "io/exporters.h"

#include <xlsxwriter.h>

#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>

#include "common/date.h"
#include "io/native_csv.h"
#include "model/incident_json.h"

namespace faultline {
namespace {

using Json = nlohmann::ordered_json;

// Buffered output to a FILE*; errors surface at Close().
class Output {
 public:
  Status Open(const std::string& path) {
    path_ = path;
    if (path == "-") {
      f_ = stdout;
      return Status::Ok();
    }
    f_ = std::fopen(path.c_str(), "wb");
    if (f_ == nullptr) return IoError(path + ": cannot open for writing");
    owns_ = true;
    return Status::Ok();
  }
  void Write(std::string_view s) { std::fwrite(s.data(), 1, s.size(), f_); }
  Status Close() {
    if (f_ == nullptr) return Status::Ok();
    bool bad = std::fflush(f_) != 0 || std::ferror(f_) != 0;
    if (owns_) bad |= std::fclose(f_) != 0;
    f_ = nullptr;
    return bad ? IoError(path_ + ": write failed") : Status::Ok();
  }
  ~Output() {
    if (owns_ && f_ != nullptr) std::fclose(f_);
  }

 private:
  std::FILE* f_ = nullptr;
  bool owns_ = false;
  std::string path_;
};

class Writer {
 public:
  virtual ~Writer() = default;
  virtual Status Begin() = 0;
  virtual Status Row(const Incident& inc) = 0;
  virtual Status End() = 0;
};

class CsvWriter final : public Writer {
 public:
  explicit CsvWriter(Output* out) : out_(out) {}
  Status Begin() override {
    out_->Write(CsvLine(NativeCsvColumns()));
    return Status::Ok();
  }
  Status Row(const Incident& inc) override {
    out_->Write(CsvLine(NativeCsvRow(inc)));
    return Status::Ok();
  }
  Status End() override { return Status::Ok(); }

 private:
  Output* out_;
};

class NdjsonWriter final : public Writer {
 public:
  explicit NdjsonWriter(Output* out) : out_(out) {}
  Status Begin() override { return Status::Ok(); }
  Status Row(const Incident& inc) override {
    JsonOptions o;
    o.include_identity = false;  // ids belong to one database
    o.include_provenance = false;
    out_->Write(IncidentToJson(inc, o));
    out_->Write("\n");
    return Status::Ok();
  }
  Status End() override { return Status::Ok(); }

 private:
  Output* out_;
};

class GeoJsonWriter final : public Writer {
 public:
  explicit GeoJsonWriter(Output* out) : out_(out) {}
  Status Begin() override {
    out_->Write("{\"type\":\"FeatureCollection\",\"features\":[\n");
    return Status::Ok();
  }
  Status Row(const Incident& inc) override {
    Json f = Json::object();
    f["type"] = "Feature";
    f["id"] = inc.id;
    if (inc.lat && inc.lon) {
      f["geometry"] = Json{{"type", "Point"}, {"coordinates", Json::array({*inc.lon, *inc.lat})}};
    } else {
      f["geometry"] = nullptr;  // RFC 7946 §3.2: unlocated features have null geometry
    }
    Json p = Json::object();
    p["date"] = CivilDate(inc.date).ToString();
    p["country"] = inc.country;
    p["admin1"] = inc.admin1;
    p["admin2"] = inc.admin2;
    p["place"] = inc.place;
    p["geo_precision"] = Name(inc.geo_precision);
    p["event_type"] = Name(inc.event_type);
    p["attack_type"] = Name(inc.attack_type);
    p["perpetrator"] = inc.perpetrator;
    p["target"] = Name(inc.target);
    p["killed"] = inc.casualties.TotalKilled();
    p["injured"] = inc.casualties.TotalInjured();
    p["status"] = Name(inc.status);
    p["license"] = inc.license;
    f["properties"] = std::move(p);
    out_->Write(first_ ? "" : ",\n");
    first_ = false;
    out_->Write(f.dump(-1, ' ', false, Json::error_handler_t::replace));
    return Status::Ok();
  }
  Status End() override {
    out_->Write("\n]}\n");
    return Status::Ok();
  }

 private:
  Output* out_;
  bool first_ = true;
};

// ACLED's export column layout (2023+). Fields ACLED has and faultline does
// not (inter codes, interaction, tags) are left empty.
class AcledWriter final : public Writer {
 public:
  explicit AcledWriter(Output* out) : out_(out) {}
  Status Begin() override {
    out_->Write(CsvLine({"event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
                         "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
                         "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2",
                         "admin3", "location", "latitude", "longitude", "geo_precision", "source", "source_scale",
                         "notes", "fatalities", "tags", "timestamp"}));
    return Status::Ok();
  }
  Status Row(const Incident& inc) override {
    static constexpr std::string_view kTypes[] = {"Battles", "Explosions/Remote violence",
                                                  "Violence against civilians", "Protests", "Riots",
                                                  "Strategic developments"};
    auto et = static_cast<size_t>(inc.event_type);
    std::string prec = inc.date_precision == 0 ? "1" : inc.date_precision == 1 ? "2" : "3";
    std::string geo = inc.geo_precision == GeoPrecision::kExact  ? "1"
                      : inc.geo_precision == GeoPrecision::kNear ? "2"
                                                                 : "3";
    std::string sources;
    for (const auto& s : inc.sources) sources += (sources.empty() ? "" : "; ") + s.outlet;
    CivilDate d(inc.date);
    out_->Write(CsvLine({inc.source_key.empty() ? "FL" + std::to_string(inc.id) : inc.source_key,
                         d.ToString(),
                         std::to_string(d.year()),
                         prec,
                         et <= 2 ? "Political violence" : et <= 4 ? "Demonstrations" : "Strategic developments",
                         std::string(kTypes[et]),
                         inc.sub_event_type,
                         inc.perpetrator,
                         "",
                         "",
                         inc.target == TargetCategory::kCivilians ? "Civilians" : "",
                         "",
                         "",
                         "",
                         inc.target == TargetCategory::kCivilians ? "Civilian targeting" : "",
                         "",
                         "",
                         inc.country,
                         inc.admin1,
                         inc.admin2,
                         "",
                         inc.place,
                         inc.lat ? FormatCoordinate(*inc.lat) : "",
                         inc.lon ? FormatCoordinate(*inc.lon) : "",
                         geo,
                         sources,
                         "",
                         inc.notes,
                         std::to_string(inc.casualties.TotalKilled()),
                         "",
                         ""}));
    return Status::Ok();
  }
  Status End() override { return Status::Ok(); }

 private:
  Output* out_;
};

class XlsxWriter final : public Writer {
 public:
  explicit XlsxWriter(std::string path) : path_(std::move(path)) {}
  ~XlsxWriter() override {
    if (book_ != nullptr) workbook_close(book_);
  }
  Status Begin() override {
    if (path_ == "-") return InvalidArgument("xlsx export needs a file (-o FILE), not stdout");
    book_ = workbook_new(path_.c_str());
    if (book_ == nullptr) return IoError(path_ + ": cannot create workbook");
    sheet_ = workbook_add_worksheet(book_, "incidents");
    const auto& cols = NativeCsvColumns();
    for (size_t c = 0; c < cols.size(); ++c) Cell(0, c, cols[c], false);
    return Status::Ok();
  }
  Status Row(const Incident& inc) override {
    if (row_ >= 1048575) return FailedPrecondition("xlsx holds at most 1,048,575 rows; use csv or ndjson");
    ++row_;
    auto fields = NativeCsvRow(inc);
    const auto& cols = NativeCsvColumns();
    for (size_t c = 0; c < fields.size(); ++c) {
      bool numeric = cols[c] == "latitude" || cols[c] == "longitude" || cols[c].rfind("killed_", 0) == 0 ||
                     cols[c].rfind("injured_", 0) == 0;
      Cell(row_, c, fields[c], numeric);
    }
    return Status::Ok();
  }
  Status End() override {
    lxw_error e = workbook_close(book_);
    book_ = nullptr;
    if (e != LXW_NO_ERROR) return IoError(path_ + ": " + lxw_strerror(e));
    return Status::Ok();
  }

 private:
  void Cell(uint32_t r, size_t c, const std::string& v, bool numeric) {
    if (v.empty()) return;
    auto col = static_cast<lxw_col_t>(c);
    if (numeric) {
      worksheet_write_number(sheet_, r, col, std::strtod(v.c_str(), nullptr), nullptr);
    } else {
      // Excel cells hold at most 32,767 characters.
      worksheet_write_string(sheet_, r, col, v.size() > 32767 ? v.substr(0, 32767).c_str() : v.c_str(), nullptr);
    }
  }
  std::string path_;
  lxw_workbook* book_ = nullptr;
  lxw_worksheet* sheet_ = nullptr;
  uint32_t row_ = 0;
};

}  // namespace

const std::vector<std::string_view>& ExportFormats() {
  static const std::vector<std::string_view> kNames = {"csv", "ndjson", "geojson", "xlsx", "acled"};
  return kNames;
}

Result<ExportSummary> ExportIncidents(Store* store, const Filter& filter, const ExportOptions& options,
                                      const std::string& path) {
  const auto& formats = ExportFormats();
  if (std::find(formats.begin(), formats.end(), options.format) == formats.end()) {
    return InvalidArgument("unknown export format \"" + options.format + "\" (one of: csv, ndjson, geojson, xlsx, acled)");
  }
  Output out;
  std::unique_ptr<Writer> w;
  if (options.format == "xlsx") {
    w = std::make_unique<XlsxWriter>(path);
  } else {
    RETURN_IF_ERROR(out.Open(path));
    if (options.format == "csv") w = std::make_unique<CsvWriter>(&out);
    if (options.format == "ndjson") w = std::make_unique<NdjsonWriter>(&out);
    if (options.format == "geojson") w = std::make_unique<GeoJsonWriter>(&out);
    if (options.format == "acled") w = std::make_unique<AcledWriter>(&out);
  }
  ExportSummary summary;
  RETURN_IF_ERROR(w->Begin());
  RETURN_IF_ERROR(store->Scan(filter, [&](const Incident& inc) -> Status {
    const LicenseInfo* lic = FindLicense(inc.license);
    if (!options.allow_restricted && (lic == nullptr || !lic->redistributable)) {
      ++summary.withheld_by_license[inc.license];
      return Status::Ok();
    }
    ++summary.rows_written;
    if (!options.facts_only && !inc.source_key.empty()) return w->Row(inc);
    Incident copy = inc;
    // A row without a dataset identity gets one from its id, so that
    // re-importing the export updates instead of duplicating.
    if (copy.source_key.empty()) copy.source_key = "faultline:" + std::to_string(inc.id);
    if (options.facts_only) {
      copy.notes.clear();
      copy.sources.clear();
    }
    return w->Row(copy);
  }));
  RETURN_IF_ERROR(w->End());
  RETURN_IF_ERROR(out.Close());
  return summary;
}

}  // namespace faultline
