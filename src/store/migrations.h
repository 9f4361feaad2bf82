// The numbered schema migrations of each backend, embedded at build time from
// src/store/migrations/<backend>/NNNN_name.sql (see src/store/CMakeLists.txt).
// A database records the ones it has run in schema_migrations(version,
// applied_at); opening a store runs the rest, in order, each in a transaction.
// Static data; thread-safe.
#ifndef FAULTLINE_STORE_MIGRATIONS_H_
#define FAULTLINE_STORE_MIGRATIONS_H_

#include <span>
#include <string_view>

namespace faultline {

struct Migration {
  int version;            // increasing; gaps allowed (numbers reserved by parallel branches)
  std::string_view name;  // "0001_init.sql"
  std::string_view sql;   // one or more statements
};

std::span<const Migration> SqliteMigrations();
std::span<const Migration> PostgresMigrations();

}  // namespace faultline

#endif  // FAULTLINE_STORE_MIGRATIONS_H_
