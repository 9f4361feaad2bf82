// AccountStore::Open: runs the schema migrations through Store::Open, then
// opens the backend's own connection for the account tables.
#include "store/accounts.h"

#include "faultline/store.h"

namespace faultline {

Result<std::unique_ptr<AccountStore>> OpenSqliteAccounts(const std::string& path);
Result<std::unique_ptr<AccountStore>> OpenPostgresAccounts(const std::string& uri);

Result<std::unique_ptr<AccountStore>> AccountStore::Open(const std::string& uri) {
  {
    ASSIGN_OR_RETURN(auto migrated, Store::Open(uri));
  }
  std::string_view u = uri;
  if (u.starts_with("postgresql://") || u.starts_with("postgres://")) return OpenPostgresAccounts(uri);
  for (std::string_view prefix : {"sqlite:", "file:"}) {
    if (u.starts_with(prefix)) {
      u.remove_prefix(prefix.size());
      break;
    }
  }
  return OpenSqliteAccounts(std::string(u));
}

}  // namespace faultline
