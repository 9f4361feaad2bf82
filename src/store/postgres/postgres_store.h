// The PostgreSQL Store, through libpqxx: prepared statements, server-side
// cursors for scans, a Citus-compatible schema (docs/storage.md). Every
// libpqxx exception is caught here and returned as a Status. Not thread-safe
// (one Store, hence one connection, per thread).
#ifndef FAULTLINE_STORE_POSTGRES_POSTGRES_STORE_H_
#define FAULTLINE_STORE_POSTGRES_POSTGRES_STORE_H_

#include <memory>
#include <string>

#include "faultline/store.h"

namespace faultline {

// Connects to `uri` ("postgresql://user@host:port/db") and brings the schema
// up to date. Unavailable when the server cannot be reached; FailedPrecondition
// when its schema is newer than this build.
Result<std::unique_ptr<Store>> OpenPostgresStore(const std::string& uri);

}  // namespace faultline

#endif  // FAULTLINE_STORE_POSTGRES_POSTGRES_STORE_H_
