#include "model/incident_json.h"

#include <charconv>
#include <nlohmann/json.hpp>

#include "common/date.h"

namespace faultline {
namespace {

using Json = nlohmann::ordered_json;

Json RangeToJson(const CasualtyRange& r) {
  Json j = Json::object();
  if (r.low) j["low"] = *r.low;
  if (r.best) j["best"] = *r.best;
  if (r.high) j["high"] = *r.high;
  return j;
}

Json CasualtyMapToJson(const std::array<CasualtyRange, kCasualtyCategories>& a) {
  Json j = Json::object();
  for (size_t c = 0; c < kCasualtyCategories; ++c) {
    if (!a[c].empty()) j[std::string(Name(static_cast<CasualtyCategory>(c)))] = RangeToJson(a[c]);
  }
  return j;
}

Json SourcesJson(const std::vector<Source>& sources) {
  Json arr = Json::array();
  for (const auto& s : sources) {
    Json j = Json::object();
    if (!s.outlet.empty()) j["outlet"] = s.outlet;
    if (!s.url.empty()) j["url"] = s.url;
    if (!s.published_at.empty()) j["published_at"] = s.published_at;
    if (!s.headline.empty()) j["headline"] = s.headline;
    if (!s.evidence.empty()) {
      Json ev = Json::array();
      for (const auto& e : s.evidence) {
        ev.push_back(Json{{"field", e.field}, {"begin", e.begin}, {"end", e.end}, {"confidence", e.confidence}});
      }
      j["evidence"] = std::move(ev);
    }
    arr.push_back(std::move(j));
  }
  return arr;
}

// Reading: every accessor checks the type and names the field on failure.
class Reader {
 public:
  explicit Reader(const Json& j) : j_(j) {}
  Status error;

  std::string Str(const char* key) {
    auto it = j_.find(key);
    if (it == j_.end() || it->is_null()) return {};
    if (!it->is_string()) {
      Fail(key, "must be a string");
      return {};
    }
    return it->get<std::string>();
  }
  template <typename T>
  std::optional<T> Num(const char* key) {
    auto it = j_.find(key);
    if (it == j_.end() || it->is_null()) return std::nullopt;
    if (!it->is_number()) {
      Fail(key, "must be a number");
      return std::nullopt;
    }
    if constexpr (std::is_integral_v<T>) {
      if (!it->is_number_integer()) {
        Fail(key, "must be a whole number");
        return std::nullopt;
      }
      auto v = it->get<int64_t>();
      if (v < std::numeric_limits<T>::min() || v > std::numeric_limits<T>::max()) {
        Fail(key, "is out of range");
        return std::nullopt;
      }
      return static_cast<T>(v);
    } else {
      return it->get<T>();
    }
  }
  template <typename E>
  void Enum(const char* key, Result<E> (*parse)(std::string_view), E* out) {
    std::string s = Str(key);
    if (s.empty()) return;
    auto r = parse(s);
    if (!r.ok()) {
      Fail(key, r.status().message());
    } else {
      *out = *r;
    }
  }
  void Fail(std::string_view key, std::string_view msg) {
    if (error.ok()) error = InvalidArgument("field " + std::string(key) + ": " + std::string(msg));
  }

 private:
  const Json& j_;
};

Status ReadRanges(const Json& j, const char* key, std::array<CasualtyRange, kCasualtyCategories>* out) {
  if (!j.is_object()) return InvalidArgument(std::string("field ") + key + ": must be an object");
  for (auto it = j.begin(); it != j.end(); ++it) {
    auto cat = ParseCasualtyCategory(it.key());
    if (!cat.ok()) return cat.status().WithContext(std::string("field ") + key);
    if (!it->is_object()) return InvalidArgument(std::string("field ") + key + "." + it.key() + ": must be an object");
    Reader r(*it);
    for (auto k = it->begin(); k != it->end(); ++k) {
      if (k.key() != "low" && k.key() != "best" && k.key() != "high") {
        return InvalidArgument(std::string("field ") + key + "." + it.key() + ": unknown key \"" + k.key() + "\"");
      }
    }
    CasualtyRange& range = (*out)[static_cast<size_t>(*cat)];
    range.low = r.Num<int32_t>("low");
    range.best = r.Num<int32_t>("best");
    range.high = r.Num<int32_t>("high");
    RETURN_IF_ERROR(r.error.WithContext(std::string("field ") + key + "." + it.key()));
  }
  return Status::Ok();
}

Result<std::vector<Source>> ReadSources(const Json& arr) {
  if (!arr.is_array()) return InvalidArgument("field sources: must be an array");
  std::vector<Source> out;
  for (const auto& sj : arr) {
    if (!sj.is_object()) return InvalidArgument("field sources: each source must be an object");
    Reader r(sj);
    Source s;
    s.outlet = r.Str("outlet");
    s.url = r.Str("url");
    s.published_at = r.Str("published_at");
    s.headline = r.Str("headline");
    auto ev = sj.find("evidence");
    if (ev != sj.end()) {
      if (!ev->is_array()) return InvalidArgument("field sources.evidence: must be an array");
      for (const auto& ej : *ev) {
        if (!ej.is_object()) return InvalidArgument("field sources.evidence: each span must be an object");
        Reader er(ej);
        Evidence e;
        e.field = er.Str("field");
        e.begin = er.Num<int32_t>("begin").value_or(0);
        e.end = er.Num<int32_t>("end").value_or(0);
        e.confidence = er.Num<double>("confidence").value_or(1.0);
        RETURN_IF_ERROR(er.error.WithContext("sources.evidence"));
        s.evidence.push_back(std::move(e));
      }
    }
    RETURN_IF_ERROR(r.error.WithContext("sources"));
    out.push_back(std::move(s));
  }
  return out;
}

const char* const kKnownKeys[] = {"id", "version", "status", "merged_into", "source_key", "date", "date_end",
                                  "date_precision", "country", "admin1", "admin2", "place", "latitude",
                                  "longitude", "geo_precision", "event_type", "sub_event_type", "attack_type",
                                  "perpetrator", "attribution", "target", "killed", "injured", "sources", "notes",
                                  "license", "provenance"};

}  // namespace

std::string FormatCoordinate(double v) {
  char buf[32];
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, p);
}

std::string IncidentToJson(const Incident& inc, const JsonOptions& options) {
  Json j = Json::object();
  if (options.include_identity) {
    if (inc.id != 0) j["id"] = inc.id;
    if (inc.version != 0) j["version"] = inc.version;
    j["status"] = Name(inc.status);
    if (inc.merged_into != 0) j["merged_into"] = inc.merged_into;
  }
  if (!inc.source_key.empty()) j["source_key"] = inc.source_key;
  j["date"] = CivilDate(inc.date).ToString();
  if (inc.date_end != inc.date) j["date_end"] = CivilDate(inc.date_end).ToString();
  j["date_precision"] = DatePrecisionName(static_cast<DatePrecision>(inc.date_precision));
  j["country"] = inc.country;
  if (!inc.admin1.empty()) j["admin1"] = inc.admin1;
  if (!inc.admin2.empty()) j["admin2"] = inc.admin2;
  if (!inc.place.empty()) j["place"] = inc.place;
  if (inc.lat) j["latitude"] = *inc.lat;
  if (inc.lon) j["longitude"] = *inc.lon;
  j["geo_precision"] = Name(inc.geo_precision);
  j["event_type"] = Name(inc.event_type);
  if (!inc.sub_event_type.empty()) j["sub_event_type"] = inc.sub_event_type;
  j["attack_type"] = Name(inc.attack_type);
  if (!inc.perpetrator.empty()) j["perpetrator"] = inc.perpetrator;
  j["attribution"] = Name(inc.attribution);
  j["target"] = Name(inc.target);
  Json killed = CasualtyMapToJson(inc.casualties.killed);
  if (!killed.empty()) j["killed"] = std::move(killed);
  Json injured = CasualtyMapToJson(inc.casualties.injured);
  if (!injured.empty()) j["injured"] = std::move(injured);
  if (!inc.sources.empty()) j["sources"] = SourcesJson(inc.sources);
  if (!inc.notes.empty()) j["notes"] = inc.notes;
  j["license"] = inc.license;
  if (options.include_provenance && !inc.provenance.importer.empty()) {
    j["provenance"] = Json{{"importer", inc.provenance.importer},
                           {"batch_id", inc.provenance.batch_id},
                           {"file", inc.provenance.file},
                           {"row", inc.provenance.row}};
  }
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Result<Incident> IncidentFromJson(std::string_view text) {
  Json j = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return InvalidArgument("not valid JSON");
  if (!j.is_object()) return InvalidArgument("an incident must be a JSON object");
  for (auto it = j.begin(); it != j.end(); ++it) {
    bool known = false;
    for (const char* k : kKnownKeys) known |= it.key() == k;
    if (!known) return InvalidArgument("unknown field \"" + it.key() + "\"");
  }
  Incident inc;
  Reader r(j);
  inc.id = r.Num<int64_t>("id").value_or(0);
  inc.version = r.Num<int32_t>("version").value_or(0);
  r.Enum("status", &ParseIncidentStatus, &inc.status);
  inc.merged_into = r.Num<int64_t>("merged_into").value_or(0);
  inc.source_key = r.Str("source_key");
  std::string date = r.Str("date");
  if (date.empty() && r.error.ok()) return InvalidArgument("field date: is required");
  RETURN_IF_ERROR(r.error);
  auto d = CivilDate::Parse(date);
  if (!d.ok()) return d.status().WithContext("field date");
  inc.date = inc.date_end = d->days();
  std::string date_end = r.Str("date_end");
  if (!date_end.empty()) {
    auto de = CivilDate::Parse(date_end);
    if (!de.ok()) return de.status().WithContext("field date_end");
    inc.date_end = de->days();
  }
  std::string prec = r.Str("date_precision");
  if (!prec.empty()) {
    auto p = ParseDatePrecision(prec);
    if (!p.ok()) return p.status().WithContext("field date_precision");
    inc.date_precision = static_cast<uint8_t>(*p);
  }
  inc.country = r.Str("country");
  inc.admin1 = r.Str("admin1");
  inc.admin2 = r.Str("admin2");
  inc.place = r.Str("place");
  inc.lat = r.Num<double>("latitude");
  inc.lon = r.Num<double>("longitude");
  r.Enum("geo_precision", &ParseGeoPrecision, &inc.geo_precision);
  r.Enum("event_type", &ParseEventType, &inc.event_type);
  inc.sub_event_type = r.Str("sub_event_type");
  r.Enum("attack_type", &ParseAttackType, &inc.attack_type);
  inc.perpetrator = r.Str("perpetrator");
  r.Enum("attribution", &ParseAttribution, &inc.attribution);
  r.Enum("target", &ParseTargetCategory, &inc.target);
  inc.notes = r.Str("notes");
  inc.license = r.Str("license");
  RETURN_IF_ERROR(r.error);
  if (auto it = j.find("killed"); it != j.end()) RETURN_IF_ERROR(ReadRanges(*it, "killed", &inc.casualties.killed));
  if (auto it = j.find("injured"); it != j.end()) {
    RETURN_IF_ERROR(ReadRanges(*it, "injured", &inc.casualties.injured));
  }
  if (auto it = j.find("sources"); it != j.end()) {
    ASSIGN_OR_RETURN(inc.sources, ReadSources(*it));
  }
  if (auto it = j.find("provenance"); it != j.end()) {
    if (!it->is_object()) return InvalidArgument("field provenance: must be an object");
    Reader pr(*it);
    inc.provenance.importer = pr.Str("importer");
    inc.provenance.batch_id = pr.Str("batch_id");
    inc.provenance.file = pr.Str("file");
    inc.provenance.row = pr.Num<int64_t>("row").value_or(0);
    RETURN_IF_ERROR(pr.error.WithContext("provenance"));
  }
  return inc;
}

std::string SourcesToJson(const std::vector<Source>& sources) {
  if (sources.empty()) return "";
  return SourcesJson(sources).dump(-1, ' ', false, Json::error_handler_t::replace);
}

Result<std::vector<Source>> SourcesFromJson(std::string_view text) {
  if (text.empty()) return std::vector<Source>{};
  Json j = Json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded()) return InvalidArgument("sources: not valid JSON");
  return ReadSources(j);
}

}  // namespace faultline
