// The SQLite Store: one database file, WAL journal, foreign keys on, FTS5 for
// text search, prepared statements cached for the store's life. See
// docs/storage.md for the schema. Not thread-safe (one Store per thread; the
// file itself may be shared by many processes, writers take turns).
#ifndef FAULTLINE_STORE_SQLITE_SQLITE_STORE_H_
#define FAULTLINE_STORE_SQLITE_SQLITE_STORE_H_

#include <memory>
#include <string>

#include "faultline/store.h"

namespace faultline {

// Opens or creates the database at `path` and brings its schema up to date.
// IoError when the file cannot be opened or created, DataLoss when it is not
// an SQLite database (or is corrupt), FailedPrecondition when its schema is
// newer than this build.
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path);

}  // namespace faultline

#endif  // FAULTLINE_STORE_SQLITE_SQLITE_STORE_H_
