// The incident JSON built through nlohmann's DOM (ordered_json dumped with
// the replace handler): the reference the direct writer (model/
// incident_json.cc) and the API's incident pages must match byte for byte.
// Slow and obviously correct; for tests only.
#ifndef FAULTLINE_TEST_SUPPORT_INCIDENT_DOM_H_
#define FAULTLINE_TEST_SUPPORT_INCIDENT_DOM_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/date.h"
#include "faultline/incident.h"

namespace faultline::testing {

using Json = nlohmann::ordered_json;

inline Json RangeDom(const CasualtyRange& r) {
  Json j = Json::object();
  if (r.low) j["low"] = *r.low;
  if (r.best) j["best"] = *r.best;
  if (r.high) j["high"] = *r.high;
  return j;
}

inline Json CasualtiesDom(const std::array<CasualtyRange, kCasualtyCategories>& a) {
  Json j = Json::object();
  for (size_t c = 0; c < kCasualtyCategories; ++c) {
    if (!a[c].empty()) j[std::string(Name(static_cast<CasualtyCategory>(c)))] = RangeDom(a[c]);
  }
  return j;
}

inline Json SourcesDom(const std::vector<Source>& sources) {
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

inline std::string Dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

inline std::string IncidentDom(const Incident& inc) {
  Json j = Json::object();
  if (inc.id != 0) j["id"] = inc.id;
  if (inc.version != 0) j["version"] = inc.version;
  j["status"] = Name(inc.status);
  if (inc.merged_into != 0) j["merged_into"] = inc.merged_into;
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
  Json killed = CasualtiesDom(inc.casualties.killed);
  if (!killed.empty()) j["killed"] = std::move(killed);
  Json injured = CasualtiesDom(inc.casualties.injured);
  if (!injured.empty()) j["injured"] = std::move(injured);
  if (!inc.sources.empty()) j["sources"] = SourcesDom(inc.sources);
  if (!inc.notes.empty()) j["notes"] = inc.notes;
  j["license"] = inc.license;
  if (!inc.provenance.importer.empty()) {
    j["provenance"] = Json{{"importer", inc.provenance.importer},
                           {"batch_id", inc.provenance.batch_id},
                           {"file", inc.provenance.file},
                           {"row", inc.provenance.row}};
  }
  return Dump(j);
}

}  // namespace faultline::testing

#endif  // FAULTLINE_TEST_SUPPORT_INCIDENT_DOM_H_
