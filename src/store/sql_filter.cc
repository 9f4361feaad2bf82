#include "store/sql_filter.h"

#include "store/columns.h"

namespace faultline {
namespace {

// Accumulates conditions and their parameters.
class WhereBuilder {
 public:
  explicit WhereBuilder(SqlDialect dialect) : dialect_(dialect) {}

  // A placeholder for `value`, typed on PostgreSQL so no parameter's type
  // depends on inference.
  std::string Param(SqlParam value) {
    std::string p;
    if (dialect_ == SqlDialect::kSqlite) {
      p = "?";
    } else {
      p = "$" + std::to_string(params_.size() + 1);
      if (std::holds_alternative<int64_t>(value)) {
        p += "::bigint";
      } else if (std::holds_alternative<double>(value)) {
        p += "::float8";
      } else {
        p += "::text";
      }
    }
    params_.push_back(std::move(value));
    return p;
  }

  void Add(std::string condition) {
    where_ += where_.empty() ? " WHERE " : " AND ";
    where_ += condition;
  }

  // column IN (p1, p2, ...) for a non-empty list.
  template <typename T, typename ToParam>
  void In(std::string_view column, const std::vector<T>& values, ToParam to_param) {
    if (values.empty()) return;
    std::string c(column);
    if (values.size() == 1) {
      c += " = " + Param(to_param(values[0]));
    } else {
      c += " IN (";
      for (size_t i = 0; i < values.size(); ++i) {
        if (i) c += ", ";
        c += Param(to_param(values[i]));
      }
      c += ")";
    }
    Add(std::move(c));
  }

  void Strings(std::string_view column, const std::vector<std::string>& values) {
    In(column, values, [](const std::string& s) { return SqlParam(s); });
  }
  template <typename E>
  void Enums(std::string_view column, const std::vector<E>& values) {
    In(column, values, [](E v) { return SqlParam(std::string(Name(v))); });
  }

  FilterSql Finish(int64_t limit) {
    FilterSql f;
    if (limit > 0) f.limit = " LIMIT " + Param(limit);
    f.where = std::move(where_);
    f.params = std::move(params_);
    return f;
  }

 private:
  SqlDialect dialect_;
  std::string where_;
  std::vector<SqlParam> params_;
};

}  // namespace

std::string Fts5Query(std::string_view text) {
  std::string q;
  size_t i = 0;
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; };
  while (i < text.size()) {
    while (i < text.size() && space(text[i])) ++i;
    if (i == text.size()) break;
    if (!q.empty()) q += ' ';
    q += '"';
    while (i < text.size() && !space(text[i])) {
      if (text[i] == '"') q += '"';
      q += text[i++];
    }
    q += '"';
  }
  return q;
}

FilterSql BuildFilterSql(const Filter& filter, SqlDialect dialect) {
  WhereBuilder w(dialect);
  if (filter.after_id > 0) w.Add("id > " + w.Param(filter.after_id));
  if (filter.date_from) w.Add("date_start >= " + w.Param(int64_t{*filter.date_from}));
  if (filter.date_to) w.Add("date_start <= " + w.Param(int64_t{*filter.date_to}));
  w.Strings("country", filter.countries);
  w.Strings("admin1", filter.admin1);
  w.Strings("admin2", filter.admin2);
  w.Strings("perpetrator", filter.perpetrators);
  w.Enums("event_type", filter.event_types);
  w.Enums("attack_type", filter.attack_types);
  w.Enums("target", filter.targets);
  if (filter.statuses.empty()) {
    w.Enums("status", std::vector<IncidentStatus>{IncidentStatus::kCandidate, IncidentStatus::kConfirmed});
  } else {
    w.Enums("status", filter.statuses);
  }
  w.Strings("prov_importer", filter.importers);
  w.Strings("license", filter.licenses);
  if (filter.min_killed) {
    std::string sum = "(";
    for (size_t c = 0; c < kCasualtyCategories; ++c) {
      if (c) sum += " + ";
      sum += "COALESCE(CAST(";
      sum += KilledBestColumn(c);
      sum += " AS BIGINT), 0)";
    }
    w.Add(sum + ") >= " + w.Param(*filter.min_killed));
  }
  if (filter.bbox) {
    // One Param per statement: the operands of + are evaluated in no fixed
    // order, and placeholders must be numbered in the order they are bound.
    const BoundingBox& b = *filter.bbox;
    std::string lat_min = w.Param(b.min_lat);
    std::string lat_max = w.Param(b.max_lat);
    w.Add("lat >= " + lat_min + " AND lat <= " + lat_max);
    std::string lon_min = w.Param(b.min_lon);
    std::string lon_max = w.Param(b.max_lon);
    if (b.min_lon <= b.max_lon) {
      w.Add("lon >= " + lon_min + " AND lon <= " + lon_max);
    } else {  // the box crosses the antimeridian
      w.Add("(lon >= " + lon_min + " OR lon <= " + lon_max + ")");
    }
  }
  std::string fts = Fts5Query(filter.text);
  if (!fts.empty()) {
    if (dialect == SqlDialect::kSqlite) {
      w.Add("id IN (SELECT rowid FROM incidents_fts WHERE incidents_fts MATCH " + w.Param(std::move(fts)) + ")");
    } else {
      w.Add(std::string(kPostgresTextVector) + " @@ plainto_tsquery('simple', " + w.Param(filter.text) + ")");
    }
  }
  return w.Finish(filter.limit);
}

std::string ScanSql(std::string_view columns, const FilterSql& f) {
  std::string sql = "SELECT ";
  sql += columns;
  sql += " FROM incidents";
  sql += f.where;
  sql += " ORDER BY id";
  sql += f.limit;
  return sql;
}

std::string CountSql(const FilterSql& f) {
  if (f.limit.empty()) return "SELECT COUNT(*) FROM incidents" + f.where;
  return "SELECT COUNT(*) FROM (SELECT id FROM incidents" + f.where + " ORDER BY id" + f.limit + ") AS limited";
}

}  // namespace faultline
