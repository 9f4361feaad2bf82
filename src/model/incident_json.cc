#include "model/incident_json.h"

#include <array>
#include <charconv>
#include <cstring>
#include <nlohmann/json.hpp>

#include "common/date.h"

namespace faultline {
namespace {

using Json = nlohmann::ordered_json;

// Writing: straight into the output, in the bytes nlohmann's dump(-1, ' ',
// false, replace) gives (the format stored data and JsonStringBody use):
// compact, keys in the order written, UTF-8 kept, control characters
// escaped; a string that is not valid UTF-8 and every double go through
// nlohmann itself. model_test compares this with the DOM on random incidents.

// Whether `s` is well-formed UTF-8 (Unicode 15, table 3-7).
bool ValidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    const unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    int more;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      more = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      more = 2;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      more = 3;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return false;
    }
    if (end - p <= more) return false;
    if (p[1] < lo || p[1] > hi) return false;
    for (int k = 2; k <= more; ++k) {
      if (p[k] < 0x80 || p[k] > 0xBF) return false;
    }
    p += more + 1;
  }
  return true;
}

void AppendString(std::string* out, std::string_view s) {
  if (!ValidUtf8(s)) {
    *out += Json(std::string(s)).dump(-1, ' ', false, Json::error_handler_t::replace);
    return;
  }
  out->push_back('"');
  size_t run = 0;  // start of the bytes not yet copied
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out->append(s, run, i - run);
    run = i + 1;
    switch (c) {
      case '"': *out += "\\\""; break;
      case '\\': *out += "\\\\"; break;
      case '\b': *out += "\\b"; break;
      case '\f': *out += "\\f"; break;
      case '\n': *out += "\\n"; break;
      case '\r': *out += "\\r"; break;
      case '\t': *out += "\\t"; break;
      default: {
        static constexpr char kHex[] = "0123456789abcdef";
        *out += "\\u00";
        out->push_back(kHex[c >> 4]);
        out->push_back(kHex[c & 15]);
      }
    }
  }
  out->append(s, run, std::string::npos);
  out->push_back('"');
}

void AppendInt(std::string* out, int64_t v) {
  char buf[24];
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out->append(buf, p);
}

// nlohmann's own number format (what the DOM wrote), remembered for the
// last few values: evidence confidences repeat a handful of values, and the
// dump builds a serializer each time.
void AppendDouble(std::string* out, double v) {
  struct Slot {
    uint64_t bits = 0;
    bool used = false;
    char text[32];
    size_t size = 0;
  };
  thread_local std::array<Slot, 16> cache;
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  Slot& slot = cache[(bits ^ (bits >> 29) ^ (bits >> 52)) & 15];
  if (!slot.used || slot.bits != bits) {
    const std::string text = Json(v).dump();
    if (text.size() > sizeof slot.text) {
      *out += text;
      return;
    }
    slot.bits = bits;
    slot.used = true;
    slot.size = text.size();
    std::memcpy(slot.text, text.data(), text.size());
  }
  out->append(slot.text, slot.size);
}

// The members of one JSON object, written in order.
class ObjectWriter {
 public:
  explicit ObjectWriter(std::string* out) : out_(out) { out_->push_back('{'); }
  ObjectWriter(const ObjectWriter&) = delete;
  ObjectWriter& operator=(const ObjectWriter&) = delete;
  void Close() { out_->push_back('}'); }
  // Writes `"key":` (after a comma but for the first member); the value follows.
  std::string* Key(std::string_view key) {
    if (!first_) out_->push_back(',');
    first_ = false;
    out_->push_back('"');
    *out_ += key;  // keys are ASCII names without escapes
    *out_ += "\":";
    return out_;
  }
  void Str(std::string_view key, std::string_view v) { AppendString(Key(key), v); }
  void Int(std::string_view key, int64_t v) { AppendInt(Key(key), v); }
  void Double(std::string_view key, double v) { AppendDouble(Key(key), v); }

 private:
  std::string* out_;
  bool first_ = true;
};

void AppendRange(std::string* out, const CasualtyRange& r) {
  ObjectWriter o(out);
  if (r.low) o.Int("low", *r.low);
  if (r.best) o.Int("best", *r.best);
  if (r.high) o.Int("high", *r.high);
  o.Close();
}

// Writes `key` with the categories that are not empty; nothing when all are.
void AppendCasualties(ObjectWriter& j, std::string_view key,
                      const std::array<CasualtyRange, kCasualtyCategories>& a) {
  bool any = false;
  for (const CasualtyRange& r : a) any = any || !r.empty();
  if (!any) return;
  ObjectWriter o(j.Key(key));
  for (size_t c = 0; c < kCasualtyCategories; ++c) {
    if (!a[c].empty()) AppendRange(o.Key(Name(static_cast<CasualtyCategory>(c))), a[c]);
  }
  o.Close();
}

void AppendSources(std::string* out, const std::vector<Source>& sources) {
  out->push_back('[');
  for (size_t i = 0; i < sources.size(); ++i) {
    const Source& s = sources[i];
    if (i > 0) out->push_back(',');
    ObjectWriter o(out);
    if (!s.outlet.empty()) o.Str("outlet", s.outlet);
    if (!s.url.empty()) o.Str("url", s.url);
    if (!s.published_at.empty()) o.Str("published_at", s.published_at);
    if (!s.headline.empty()) o.Str("headline", s.headline);
    if (!s.evidence.empty()) {
      std::string* ev = o.Key("evidence");
      ev->push_back('[');
      for (size_t k = 0; k < s.evidence.size(); ++k) {
        const Evidence& e = s.evidence[k];
        if (k > 0) ev->push_back(',');
        ObjectWriter eo(ev);
        eo.Str("field", e.field);
        eo.Int("begin", e.begin);
        eo.Int("end", e.end);
        eo.Double("confidence", e.confidence);
        eo.Close();
      }
      ev->push_back(']');
    }
    o.Close();
  }
  out->push_back(']');
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
  if (inc.sources.empty()) return IncidentToJsonWithSources(inc, "", options);
  std::string sources;
  AppendSources(&sources, inc.sources);
  return IncidentToJsonWithSources(inc, sources, options);
}

std::string IncidentToJsonWithSources(const Incident& inc, std::string_view sources_json,
                                      const JsonOptions& options) {
  std::string out;
  out.reserve(512 + sources_json.size() + inc.notes.size());
  ObjectWriter j(&out);
  if (options.include_identity) {
    if (inc.id != 0) j.Int("id", inc.id);
    if (inc.version != 0) j.Int("version", inc.version);
    j.Str("status", Name(inc.status));
    if (inc.merged_into != 0) j.Int("merged_into", inc.merged_into);
  }
  if (!inc.source_key.empty()) j.Str("source_key", inc.source_key);
  j.Str("date", CivilDate(inc.date).ToString());
  if (inc.date_end != inc.date) j.Str("date_end", CivilDate(inc.date_end).ToString());
  j.Str("date_precision", DatePrecisionName(static_cast<DatePrecision>(inc.date_precision)));
  j.Str("country", inc.country);
  if (!inc.admin1.empty()) j.Str("admin1", inc.admin1);
  if (!inc.admin2.empty()) j.Str("admin2", inc.admin2);
  if (!inc.place.empty()) j.Str("place", inc.place);
  if (inc.lat) j.Double("latitude", *inc.lat);
  if (inc.lon) j.Double("longitude", *inc.lon);
  j.Str("geo_precision", Name(inc.geo_precision));
  j.Str("event_type", Name(inc.event_type));
  if (!inc.sub_event_type.empty()) j.Str("sub_event_type", inc.sub_event_type);
  j.Str("attack_type", Name(inc.attack_type));
  if (!inc.perpetrator.empty()) j.Str("perpetrator", inc.perpetrator);
  j.Str("attribution", Name(inc.attribution));
  j.Str("target", Name(inc.target));
  AppendCasualties(j, "killed", inc.casualties.killed);
  AppendCasualties(j, "injured", inc.casualties.injured);
  if (!sources_json.empty()) *j.Key("sources") += sources_json;
  if (!inc.notes.empty()) j.Str("notes", inc.notes);
  j.Str("license", inc.license);
  if (options.include_provenance && !inc.provenance.importer.empty()) {
    ObjectWriter p(j.Key("provenance"));
    p.Str("importer", inc.provenance.importer);
    p.Str("batch_id", inc.provenance.batch_id);
    p.Str("file", inc.provenance.file);
    p.Int("row", inc.provenance.row);
    p.Close();
  }
  j.Close();
  return out;
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

std::string JsonString(std::string_view s) {
  std::string out;
  AppendString(&out, s);
  return out;
}

std::string SourcesToJson(const std::vector<Source>& sources) {
  if (sources.empty()) return "";
  std::string out;
  AppendSources(&out, sources);
  return out;
}

Result<std::vector<Source>> SourcesFromJson(std::string_view text) {
  if (text.empty()) return std::vector<Source>{};
  Json j = Json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded()) return InvalidArgument("sources: not valid JSON");
  return ReadSources(j);
}

}  // namespace faultline
