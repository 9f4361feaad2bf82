// Store::Open: picks the backend from the URI.
#include "faultline/store.h"

#include "store/postgres/postgres_store.h"
#include "store/sqlite/sqlite_store.h"

namespace faultline {

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
