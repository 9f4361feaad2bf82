// The canonical JSON form of an incident, used by NDJSON import/export, the
// version history and (later) the API. Keys come in a fixed order and empty
// parts are omitted, so the same incident always prints the same bytes.
#ifndef FAULTLINE_MODEL_INCIDENT_JSON_H_
#define FAULTLINE_MODEL_INCIDENT_JSON_H_

#include <string>
#include <string_view>

#include "faultline/incident.h"

namespace faultline {

struct JsonOptions {
  bool include_identity = true;  // id, version, status fields
  bool include_provenance = true;
};

std::string IncidentToJson(const Incident& incident, const JsonOptions& options = {});
// The same bytes as IncidentToJson of `incident` with the sources that
// `sources_json` (SourcesToJson's text; "" for none) holds, ignoring
// incident.sources: for a store that keeps the sources as text and need not
// decode them to write a version.
std::string IncidentToJsonWithSources(const Incident& incident, std::string_view sources_json,
                                      const JsonOptions& options = {});
// InvalidArgument naming the field when a value has the wrong type or an
// unknown code; unknown keys are errors too (a typo must not vanish).
Result<Incident> IncidentFromJson(std::string_view json);

// Sources (with their evidence) as a JSON array, and back; used by the native
// CSV format and the stores.
std::string SourcesToJson(const std::vector<Source>& sources);
// `s` as SourcesToJson writes a string: quoted and escaped, UTF-8 kept,
// invalid bytes replaced (what nlohmann's dump with the replace handler
// gives).
std::string JsonString(std::string_view s);
Result<std::vector<Source>> SourcesFromJson(std::string_view json);

// Shortest text that reads back as the same double ("33.7" not "33.700000").
std::string FormatCoordinate(double v);

}  // namespace faultline

#endif  // FAULTLINE_MODEL_INCIDENT_JSON_H_
