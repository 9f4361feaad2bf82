// Store::Open: picks the backend from the URI.
#include "faultline/store.h"

#include "model/incident_json.h"
#include "store/columns.h"
#include "store/postgres/postgres_store.h"
#include "store/sqlite/sqlite_store.h"

namespace faultline {

void RenderIncidentText(const Incident& incident, IncidentText* out) {
  out->sources_json = SourcesToJson(incident.sources);
  out->sources_search_text = SourcesSearchText(incident.sources);
}

Result<std::unique_ptr<Store>> Store::Open(const std::string& uri) {
  std::string_view u = uri;
  if (u.starts_with("postgresql://") || u.starts_with("postgres://")) return OpenPostgresStore(uri);
  for (std::string_view prefix : {"sqlite:", "file:"}) {
    if (u.starts_with(prefix)) {
      u.remove_prefix(prefix.size());
      break;
    }
  }
  if (u.empty()) return InvalidArgument("database path is empty");
  return OpenSqliteStore(std::string(u));
}

}  // namespace faultline
