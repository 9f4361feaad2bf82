// Filter → SQL: the one translation of a Filter into a WHERE clause, shared
// by the SQLite and PostgreSQL stores. Every value is a bound parameter,
// never spliced into the text, so no filter value can change the statement;
// only column names and operators (fixed here) are written literally.
// Placeholders are `?` (SQLite) or `$1, $2, ...` (PostgreSQL); the dialect
// also picks the text-search form (FTS5 MATCH or a tsvector query).
// Stateless; thread-safe.
//
//   FilterSql f = BuildFilterSql(filter, SqlDialect::kSqlite);
//   std::string sql = "SELECT id FROM incidents" + f.where + " ORDER BY id" + f.limit;
//   // bind f.params in order
#ifndef FAULTLINE_STORE_SQL_FILTER_H_
#define FAULTLINE_STORE_SQL_FILTER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "faultline/store.h"

namespace faultline {

enum class SqlDialect { kSqlite, kPostgres };

using SqlParam = std::variant<int64_t, double, std::string>;

struct FilterSql {
  std::string where;  // " WHERE ..." (leading space), or "" when nothing is filtered
  std::string limit;  // " LIMIT ?" (its parameter is the last one), or ""
  std::vector<SqlParam> params;
};

// The conditions of `filter`, AND-ed, over table `incidents` (unqualified
// column names). Statuses default to candidate + confirmed.
FilterSql BuildFilterSql(const Filter& filter, SqlDialect dialect);

// SELECT `columns` FROM incidents <filter> ORDER BY id <limit>.
std::string ScanSql(std::string_view columns, const FilterSql& f);
// The number of rows ScanSql would return.
std::string CountSql(const FilterSql& f);

// The user's search text as an FTS5 query: every whitespace-separated word
// becomes a quoted FTS5 string (inner quotes doubled), so all words must
// occur and operators (AND, OR, NEAR, *, ^, column filters) are plain words.
// "" when the text has no words.
std::string Fts5Query(std::string_view text);

// The tsvector the PostgreSQL text index is built on (0011_import_indexes.sql
// repeats it; the planner uses the index only when the two match exactly).
// sources_text is SourcesSearchText(sources) (columns.h), which the store
// writes with every row.
inline constexpr std::string_view kPostgresTextVector = "to_tsvector('simple', notes || ' ' || sources_text)";

}  // namespace faultline

#endif  // FAULTLINE_STORE_SQL_FILTER_H_
