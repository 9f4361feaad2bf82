#include "store/postgres/postgres_store.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <pqxx/pqxx>
#include <utility>

#include "model/incident_json.h"
#include "model/merge.h"
#include "store/columns.h"
#include "store/forecast_columns.h"
#include "store/migrations.h"
#include "store/news_window.h"
#include "store/points.h"
#include "store/sql_filter.h"

namespace faultline {
namespace {

std::string Trim(const char* what) {
  std::string s(what);
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// Turns the libpqxx exception being handled into a Status. Call only from a
// catch block.
Status CurrentPgError(std::string_view what) {
  const std::string context = "postgresql: " + std::string(what) + ": ";
  try {
    throw;
  } catch (const pqxx::in_doubt_error& e) {
    return Unavailable(context + "connection lost during commit; the outcome is unknown: " + Trim(e.what()));
  } catch (const pqxx::broken_connection& e) {
    return Unavailable(context + Trim(e.what()));
  } catch (const pqxx::transaction_rollback& e) {
    // Serialization failures and deadlocks: a concurrent writer won; retrying may succeed.
    return Conflict(context + Trim(e.what()));
  } catch (const pqxx::unique_violation& e) {
    return AlreadyExists(context + Trim(e.what()));
  } catch (const pqxx::integrity_constraint_violation& e) {
    return InvalidArgument(context + Trim(e.what()));
  } catch (const pqxx::data_exception& e) {
    return InvalidArgument(context + Trim(e.what()));
  } catch (const pqxx::insufficient_privilege& e) {
    return PermissionDenied(context + Trim(e.what()));
  } catch (const pqxx::insufficient_resources& e) {
    return Unavailable(context + Trim(e.what()));
  } catch (const pqxx::sql_error& e) {
    const std::string& state = e.sqlstate();
    // Class 08: connection exception; 57: operator intervention (shutdown).
    if (state.starts_with("08") || state.starts_with("57")) return Unavailable(context + Trim(e.what()));
    return Internal(context + Trim(e.what()));
  } catch (const std::exception& e) {
    return Internal(context + Trim(e.what()));
  }
}

// Statement parameters as libpq takes them: text, or NULL.
class Params {
 public:
  void Null() { v_.emplace_back(); }
  void Int(int64_t x) { v_.emplace_back(std::to_string(x)); }
  void Real(double x) { v_.emplace_back(FormatCoordinate(x)); }
  void Text(std::string_view s) { v_.emplace_back(std::string(s)); }
  void Param(const SqlParam& p) {
    if (const auto* i = std::get_if<int64_t>(&p)) {
      Int(*i);
    } else if (const auto* d = std::get_if<double>(&p)) {
      Real(*d);
    } else {
      Text(std::get<std::string>(p));
    }
  }
  auto dynamic() const { return pqxx::prepare::make_dynamic_params(v_); }

 private:
  std::vector<std::optional<std::string>> v_;
};

// A result row, for ReadIncident / ReadFacts.
struct Row {
  const pqxx::row& r;
  pqxx::field F(int i) const { return r[static_cast<pqxx::row::size_type>(i)]; }
  bool IsNull(int i) const { return F(i).is_null(); }
  int64_t Int(int i) const {
    pqxx::field f = F(i);
    int64_t v = 0;
    std::from_chars(f.c_str(), f.c_str() + f.size(), v);
    return v;
  }
  double Real(int i) const {
    pqxx::field f = F(i);
    double v = 0;
    std::from_chars(f.c_str(), f.c_str() + f.size(), v);
    return v;
  }
  std::string_view Text(int i) const {
    pqxx::field f = F(i);
    return std::string_view(f.c_str(), f.size());
  }
};

// "$from::cast, $from+1, ..." for `n` parameters.
std::string Placeholders(int from, size_t n) {
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    if (i) s += ", ";
    s += "$" + std::to_string(from + static_cast<int>(i));
  }
  return s;
}

constexpr std::string_view kImportColumns =
    "batch_id, importer, file, started_at, rows_read, rows_inserted, rows_updated, rows_unchanged, rows_rejected";
constexpr int kContent = static_cast<int>(kContentColumns.size());

// Inserts an incident with its key and the history row of its version in
// one statement. $1 id (NULL: next from the sequence), $2 version, $3..
// content, then updated_at, updated_by, reason, sources_text.
std::string InsertSql() {
  const int t = 3 + kContent;  // first parameter after the content
  const std::string at = "$" + std::to_string(t) + "::timestamptz", who = "$" + std::to_string(t + 1) + "::text";
  return "WITH ins AS (INSERT INTO incidents (id, version, " + ContentColumnList() +
         ", sources_text, updated_at, updated_by) VALUES (COALESCE($1::bigint, nextval('incident_id_seq')), "
         "$2::integer, " +
         Placeholders(3, kContentColumns.size()) + ", $" + std::to_string(t + 3) + "::text, " + at + ", " + who +
         ") RETURNING id, version, country, source_key),"
         " keys AS (INSERT INTO incident_keys (country, source_key, incident_id)"
         " SELECT country, source_key, id FROM ins WHERE source_key <> ''),"
         " hist AS (INSERT INTO incident_history (country, incident_id, version, changed_at, changed_by, reason)"
         " SELECT country, id, version, " +
         at + ", " + who + ", $" + std::to_string(t + 2) + "::text FROM ins) SELECT id FROM ins";
}

// Replaces an incident's content in place and adds the history row of the
// new version, if the stored version is the expected one. $1 new version,
// $2.. content, then updated_at, updated_by, reason, the old row's
// country, id, date_start (for partition pruning) and version, and the new
// sources_text.
std::string UpdateSql() {
  std::string set = "version = $1::integer";
  for (int i = 0; i < kContent; ++i) {
    set += ", ";
    set += kContentColumns[static_cast<size_t>(i)];
    set += " = $" + std::to_string(2 + i);
  }
  const int t = 2 + kContent;
  const std::string at = "$" + std::to_string(t) + "::timestamptz", who = "$" + std::to_string(t + 1) + "::text";
  auto p = [&](int k, const char* cast) { return "$" + std::to_string(t + k) + "::" + cast; };
  return "WITH upd AS (UPDATE incidents SET " + set + ", sources_text = " + p(7, "text") + ", updated_at = " + at +
         ", updated_by = " + who + " WHERE country = " + p(3, "text") + " AND id = " + p(4, "bigint") +
         " AND date_start = " + p(5, "integer") + " AND version = " + p(6, "integer") +
         " RETURNING id, version, country),"
         " hist AS (INSERT INTO incident_history (country, incident_id, version, changed_at, changed_by, reason)"
         " SELECT country, id, version, " +
         at + ", " + who + ", " + p(2, "text") + " FROM upd) SELECT id FROM upd";
}

// The SQL type of a content column, for the arrays a batch insert unnests.
std::string_view ContentColumnType(std::string_view column) {
  if (column == "merged_into" || column == "prov_row") return "bigint";
  if (column == "date_start" || column == "date_end" || column.starts_with("killed_") ||
      column.starts_with("injured_")) {
    return "integer";
  }
  if (column == "lat" || column == "lon") return "double precision";
  if (column == "sources") return "jsonb";
  return "text";
}

// Appends `v` to an array literal as a double-quoted element.
void AppendArrayElement(std::string_view v, std::string* out) {
  *out += '"';
  for (char c : v) {
    if (c == '"' || c == '\\') *out += '\\';
    *out += c;
  }
  *out += '"';
}

// A batch of incidents as one array literal per content column ("{...}")
// and one for sources_text, for `unnest`: a batch of any size is one
// statement with a fixed number of parameters, sent as text, so nothing is
// escaped but double quotes and backslashes inside elements. A Binder
// (columns.h) for BindContent, one row at a time; the caller adds the
// row's sources_text after it.
class ColumnArrays {
 public:
  ColumnArrays() { Reset(); }
  void Reset() {
    for (std::string& c : cols_) c.assign("{");
    rows_ = 0;
    i_ = 0;
  }
  void StartRow() { i_ = 0; }
  void EndRow() { ++rows_; }
  void Null() { Next() += "NULL"; }
  void Int(int64_t v) { Next() += std::to_string(v); }
  void Real(double v) { Next() += FormatCoordinate(v); }
  void Text(std::string_view v) { AppendArrayElement(v, &Next()); }
  // The array literals; Reset() before the next batch.
  const std::vector<std::string>& Finish() {
    for (std::string& c : cols_) c += '}';
    return cols_;
  }

 private:
  std::string& Next() {
    std::string& c = cols_[i_++];
    if (rows_ > 0) c += ',';
    return c;
  }
  std::vector<std::string> cols_ = std::vector<std::string>(kContentColumns.size() + 1);  // + sources_text
  size_t rows_ = 0;
  size_t i_ = 0;
};

// Inserts a batch of new incidents, their keys and the history rows of their
// version 1 in one statement: $1..$50 are the content columns as arrays (in
// kContentColumns order), $51 sources_text as an array, then updated_at,
// updated_by, reason. ids come from the sequence in row order; the
// statement returns them in row order.
std::string InsertBatchSql() {
  std::string arrays, names;
  for (size_t i = 0; i < kContentColumns.size(); ++i) {
    arrays += "$" + std::to_string(i + 1) + "::" + std::string(ContentColumnType(kContentColumns[i])) + "[], ";
    names += std::string(kContentColumns[i]) + ", ";
  }
  arrays += "$" + std::to_string(kContent + 1) + "::text[]";
  names += "sources_text";
  const int t = kContent + 2;
  const std::string at = "$" + std::to_string(t) + "::timestamptz", who = "$" + std::to_string(t + 1) + "::text";
  return "WITH v AS (SELECT nextval('incident_id_seq') AS id, u.* FROM unnest(" + arrays + ") WITH ORDINALITY AS u(" +
         names + ", ord)),"
         " ins AS (INSERT INTO incidents (id, version, " + names + ", updated_at, updated_by) SELECT id, 1, " +
         names + ", " + at + ", " + who +
         " FROM v RETURNING id, country, source_key),"
         " keys AS (INSERT INTO incident_keys (country, source_key, incident_id)"
         " SELECT country, source_key, id FROM ins WHERE source_key <> ''),"
         " hist AS (INSERT INTO incident_history (country, incident_id, version, changed_at, changed_by, reason)"
         " SELECT country, id, 1, " + at + ", " + who + ", $" + std::to_string(t + 2) +
         "::text FROM ins) SELECT id FROM v ORDER BY ord";
}

// A row of the staging table for COPY (StagingTableSql): its order in the
// batch, the content columns, then sources_text. A Binder (columns.h) for BindContent;
// libpqxx's stream_to escapes the fields for COPY's text format.
using StagedRow = std::array<std::optional<std::string>, kContentColumns.size() + 2>;

class StagedRowBinder {
 public:
  explicit StagedRowBinder(StagedRow* row) : row_(row) {}
  void Start(int64_t ord) {
    i_ = 0;
    Int(ord);
  }
  void Null() { (*row_)[i_++].reset(); }
  void Int(int64_t v) { Set(std::to_string(v)); }
  void Real(double v) { Set(FormatCoordinate(v)); }
  void Text(std::string_view v) { Set(v); }

 private:
  void Set(std::string_view v) {
    std::optional<std::string>& f = (*row_)[i_++];
    if (f) {
      f->assign(v);  // keeps the capacity of the last row's field
    } else {
      f.emplace(v);
    }
  }
  StagedRow* row_;
  size_t i_ = 0;
};

// The session's staging table for new incidents: COPY fills it, one
// INSERT ... SELECT (InsertStagedSql) moves it into the tables. Temporary,
// so it is private to the connection, never distributed, never logged.
std::string StagingTableSql() {
  std::string sql = "CREATE TEMPORARY TABLE IF NOT EXISTS fl_stage (ord bigint";
  for (std::string_view c : kContentColumns) {
    sql += ", ";
    sql += c;
    sql += ' ';
    sql += ContentColumnType(c);
  }
  return sql + ", sources_text text)";
}

std::vector<std::string> StagingColumns() {
  std::vector<std::string> cols{"ord"};
  for (std::string_view c : kContentColumns) cols.emplace_back(c);
  cols.emplace_back("sources_text");
  return cols;
}

// InsertBatchSql's statement over the staging table instead of arrays:
// $1 updated_at, $2 updated_by, $3 reason. ids come from the sequence in
// `ord` order and are returned in that order.
std::string InsertStagedSql() {
  const std::string names = ContentColumnList() + ", sources_text";
  return "WITH v AS (SELECT nextval('incident_id_seq') AS id, s.* FROM (SELECT * FROM fl_stage ORDER BY ord) AS s),"
         " ins AS (INSERT INTO incidents (id, version, " + names + ", updated_at, updated_by) SELECT id, 1, " +
         names +
         ", $1::timestamptz, $2::text FROM v RETURNING id, country, source_key),"
         " keys AS (INSERT INTO incident_keys (country, source_key, incident_id)"
         " SELECT country, source_key, id FROM ins WHERE source_key <> ''),"
         " hist AS (INSERT INTO incident_history (country, incident_id, version, changed_at, changed_by, reason)"
         " SELECT country, id, 1, $1::timestamptz, $2::text, $3::text FROM ins) SELECT id FROM v ORDER BY ord";
}

class PostgresStore final : public Store {
 public:
  explicit PostgresStore(std::unique_ptr<pqxx::connection> conn) : conn_(std::move(conn)) {}
  ~PostgresStore() override {
    // Destroying an open pqxx transaction aborts it (and swallows errors).
    explicit_tx_.reset();
    try {
      conn_.reset();
    } catch (...) {  // closing a connection must not throw out of a destructor
    }
  }

  Status Init();

  std::string_view Backend() const override { return "postgresql"; }

  Result<int> SchemaVersion() override {
    RETURN_IF_ERROR(Usable());
    return Guard(Run("read schema version", false, [&](pqxx::transaction_base& tx) -> Result<int> {
      pqxx::result r = tx.exec_prepared("fl_schema_version");
      return static_cast<int>(Row{r[0]}.Int(0));
    }));
  }

  Status Begin() override {
    if (explicit_tx_) return FailedPrecondition("a transaction is already open (transactions do not nest)");
    if (scan_tx_ != nullptr) return FailedPrecondition("cannot begin a transaction inside a scan");
    db_error_ = false;
    try {
      explicit_tx_ = std::make_unique<pqxx::work>(*conn_);
    } catch (...) {
      return CurrentPgError("begin transaction");
    }
    return Status::Ok();
  }

  Status Commit() override {
    if (!explicit_tx_) return FailedPrecondition("commit without an open transaction");
    std::unique_ptr<pqxx::work> tx = std::move(explicit_tx_);
    if (!tx_failed_.ok()) {
      Status why = std::exchange(tx_failed_, Status::Ok());
      return FailedPrecondition("the transaction was rolled back after an earlier error: " + why.ToString());
    }
    try {
      tx->commit();
    } catch (...) {
      return CurrentPgError("commit");
    }
    return Status::Ok();
  }

  Status Rollback() override {
    if (!explicit_tx_) return FailedPrecondition("rollback without an open transaction");
    std::unique_ptr<pqxx::work> tx = std::move(explicit_tx_);
    if (!tx_failed_.ok()) {  // already rolled back when the error happened
      tx_failed_ = Status::Ok();
      return Status::Ok();
    }
    try {
      tx->abort();
    } catch (...) {
      return CurrentPgError("rollback");
    }
    return Status::Ok();
  }

  Result<WriteOutcome> Upsert(Incident* incident, const Change& change) override {
    RETURN_IF_ERROR(Usable());
    return Guard(Run("upsert incident", true,
                     [&](pqxx::transaction_base& tx) { return UpsertImpl(tx, incident, change); }));
  }

  Status UpsertBatch(std::span<Incident> incidents, const Change& change,
                     std::vector<WriteOutcome>* outcomes) override {
    RETURN_IF_ERROR(Usable());
    return Guard(Run("upsert batch", true,
                     [&](pqxx::transaction_base& tx) { return UpsertBatchImpl(tx, incidents, {}, change, outcomes); }));
  }

  // The same with each incident's sources JSON and search words made by the
  // caller (faultline import makes them on its reader thread): the new and
  // changed rows are bound from them as they are.
  Status UpsertRenderedBatch(std::span<Incident> incidents, std::span<const IncidentText> texts, const Change& change,
                             std::vector<WriteOutcome>* outcomes) override {
    if (texts.size() != incidents.size()) return InvalidArgument("a rendered batch needs one text per incident");
    RETURN_IF_ERROR(Usable());
    return Guard(Run("upsert batch", true, [&](pqxx::transaction_base& tx) {
      return UpsertBatchImpl(tx, incidents, texts, change, outcomes);
    }));
  }

  Result<Incident> Update(const Incident& incident, int32_t expected_version, const Change& change) override {
    RETURN_IF_ERROR(Usable());
    return Guard(Run("update incident", true, [&](pqxx::transaction_base& tx) {
      return UpdateImpl(tx, incident, expected_version, change);
    }));
  }

  // The merge rules run here, on the row read inside the write's
  // transaction: one read fewer than Get, MergeReport, Update.
  Result<int32_t> MergeReport(int64_t id, int32_t expected_version, const Incident& report,
                              const Change& change) override {
    RETURN_IF_ERROR(Usable());
    return Guard(Run("merge report", true, [&](pqxx::transaction_base& tx) -> Result<int32_t> {
      ASSIGN_OR_RETURN(std::optional<Incident> current, LoadById(tx, id));
      if (!current) return NotFound("incident " + std::to_string(id) + " does not exist");
      if (current->version != expected_version) {
        return Conflict("incident " + std::to_string(id) + " is at version " + std::to_string(current->version) +
                        ", not " + std::to_string(expected_version) + "; reload it and merge again");
      }
      Incident merged = *current;
      faultline::MergeReport(&merged, report);
      merged.version = expected_version + 1;
      RETURN_IF_ERROR(Replace(tx, *current, merged, merged.version, change));
      return merged.version;
    }));
  }

  Result<Incident> Get(int64_t id) override {
    RETURN_IF_ERROR(Usable());
    return Guard(Run("get incident", false, [&](pqxx::transaction_base& tx) -> Result<Incident> {
      ASSIGN_OR_RETURN(std::optional<Incident> inc, LoadById(tx, id));
      if (!inc) return NotFound("incident " + std::to_string(id) + " does not exist");
      return std::move(*inc);
    }));
  }

  Result<std::vector<HistoryEntry>> History(int64_t id) override {
    RETURN_IF_ERROR(Usable());
    return Guard(Run("read history", false, [&](pqxx::transaction_base& tx) { return HistoryImpl(tx, id); }));
  }

  Status Scan(const Filter& filter, const std::function<Status(const Incident&)>& sink) override {
    RETURN_IF_ERROR(Usable());
    Incident inc;  // reused: its strings keep their capacity from row to row
    return Guard(ScanRows(filter, IncidentSelectList(), [&](const pqxx::row& r) {
      RETURN_IF_ERROR(ReadIncident(Row{r}, &inc));
      return sink(inc);
    }));
  }

  Status ScanFacts(const Filter& filter, const std::function<void(const IncidentFacts&)>& sink) override {
    RETURN_IF_ERROR(Usable());
    IncidentFacts facts;
    return Guard(ScanRows(filter, FactsSelectList(), [&](const pqxx::row& r) {
      RETURN_IF_ERROR(ReadFacts(Row{r}, &facts));
      sink(facts);
      return Status::Ok();
    }));
  }

  Status ScanPoints(const Filter& filter, const std::function<Status(const IncidentPoint&)>& sink) override {
    RETURN_IF_ERROR(Usable());
    IncidentPoint point;  // reused: its strings keep their capacity from row to row
    return Guard(ScanRows(filter, PointSelectList(), [&](const pqxx::row& r) {
      RETURN_IF_ERROR(ReadPoint(Row{r}, &point));
      return sink(point);
    }));
  }

  // One statement, one round trip: the window and the key's owner.
  Status ScanNewsWindow(const NewsWindow& window,
                        const std::function<Status(const IncidentSketch&)>& sink) override {
    RETURN_IF_ERROR(Usable());
    return Guard(Run("scan news window", false, [&](pqxx::transaction_base& tx) -> Status {
      pqxx::result rows = tx.exec_prepared(window.admin1.empty() ? "fl_news_window_any" : "fl_news_window",
                                           window.country, window.admin1, window.date_from, window.date_to,
                                           window.source_key, window.exclude_source_url, window.date_end_from);
      IncidentSketch sketch;
      for (const pqxx::row& r : rows) {
        RETURN_IF_ERROR(ReadSketch(Row{r}, &sketch));
        RETURN_IF_ERROR(sink(sketch));
      }
      return Status::Ok();
    }));
  }

  Result<int64_t> Count(const Filter& filter) override {
    RETURN_IF_ERROR(Usable());
    return Guard(Run("count incidents", false, [&](pqxx::transaction_base& tx) -> Result<int64_t> {
      FilterSql f = BuildFilterSql(filter, SqlDialect::kPostgres);
      Params p;
      for (const SqlParam& v : f.params) p.Param(v);
      pqxx::result r = tx.exec_params(CountSql(f), p.dynamic());
      return Row{r[0]}.Int(0);
    }));
  }

  // The current snapshot (xmin:xmax:in-progress xids) changes whenever a
  // transaction that writes begins or ends anywhere in the cluster.
  Result<std::string> ChangeStamp() override {
    RETURN_IF_ERROR(Usable());
    return Guard(Run("read change stamp", false, [&](pqxx::transaction_base& tx) -> Result<std::string> {
      pqxx::result r = tx.exec("SELECT pg_current_snapshot()::text");
      return std::string(Row{r[0]}.Text(0));
    }));
  }

  // The sum of migration 0006's per-backend counters, bumped by statement
  // triggers on incidents and phases; it rises with every such commit.
  Result<std::string> IncidentsStamp() override {
    RETURN_IF_ERROR(Usable());
    return Guard(Run("read incidents stamp", false, [&](pqxx::transaction_base& tx) -> Result<std::string> {
      pqxx::result r = tx.exec("SELECT COALESCE(SUM(n), 0)::bigint FROM incident_changes");
      return std::to_string(Row{r[0]}.Int(0));
    }));
  }

  Status RecordImport(const ImportRecord& record) override {
    RETURN_IF_ERROR(Usable());
    if (record.batch_id.empty()) return InvalidArgument("import record: batch_id is empty");
    return Guard(Run("record import", true, [&](pqxx::transaction_base& tx) {
      Params p;
      p.Text(record.batch_id);
      p.Text(record.importer);
      p.Text(record.file);
      p.Text(record.started_at);
      for (int64_t n : {record.rows_read, record.rows_inserted, record.rows_updated, record.rows_unchanged,
                        record.rows_rejected}) {
        p.Int(n);
      }
      tx.exec_prepared("fl_record_import", p.dynamic());
      return Status::Ok();
    }));
  }

  Result<std::vector<ImportRecord>> Imports() override {
    RETURN_IF_ERROR(Usable());
    return Guard(Run("read imports", false, [&](pqxx::transaction_base& tx) -> Result<std::vector<ImportRecord>> {
      std::vector<ImportRecord> out;
      for (const pqxx::row& r : tx.exec_prepared("fl_imports")) {
        Row row{r};
        ImportRecord rec;
        rec.batch_id = row.Text(0);
        rec.importer = row.Text(1);
        rec.file = row.Text(2);
        rec.started_at = row.Text(3);
        rec.rows_read = row.Int(4);
        rec.rows_inserted = row.Int(5);
        rec.rows_updated = row.Int(6);
        rec.rows_unchanged = row.Int(7);
        rec.rows_rejected = row.Int(8);
        out.push_back(std::move(rec));
      }
      return out;
    }));
  }

  Result<WriteOutcome> UpsertPhase(Phase* phase) override {
    RETURN_IF_ERROR(Usable());
    if (std::string why = ValidatePhase(*phase); !why.empty()) {
      return InvalidArgument("phase \"" + phase->key + "\": " + why);
    }
    return Guard(Run("upsert phase", true, [&](pqxx::transaction_base& tx) -> Result<WriteOutcome> {
      Params k;
      k.Text(phase->key);
      pqxx::result r = tx.exec_params("SELECT " + PhaseSelectList() + " FROM phases WHERE key = $1", k.dynamic());
      Params p;
      BindPhase(*phase, JoinParties(phase->parties), p);
      if (!r.empty()) {
        Phase old;
        RETURN_IF_ERROR(ReadPhase(Row{r[0]}, &old));
        phase->id = old.id;
        if (old == *phase) return WriteOutcome::kUnchanged;
        p.Int(phase->id);
        tx.exec_params("UPDATE phases SET key = $1, type = $2, name = $3, parties = $4, country = $5, "
                       "date_start = $6, date_end = $7, source = $8, notes = $9, updated_at = now() WHERE id = $10",
                       p.dynamic());
        return WriteOutcome::kUpdated;
      }
      pqxx::result ins = tx.exec_params(
          "INSERT INTO phases (key, type, name, parties, country, date_start, date_end, source, notes) "
          "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
          p.dynamic());
      phase->id = Row{ins[0]}.Int(0);
      return WriteOutcome::kInserted;
    }));
  }

  Result<std::vector<Phase>> Phases() override {
    RETURN_IF_ERROR(Usable());
    return Guard(Run("read phases", false, [&](pqxx::transaction_base& tx) -> Result<std::vector<Phase>> {
      std::vector<Phase> out;
      for (const pqxx::row& r : tx.exec("SELECT " + PhaseSelectList() + " FROM phases ORDER BY date_start, id")) {
        RETURN_IF_ERROR(ReadPhase(Row{r}, &out.emplace_back()));
      }
      return out;
    }));
  }

  Status AddForecasts(std::vector<ForecastRecord>* records) override {
    RETURN_IF_ERROR(Usable());
    for (const ForecastRecord& r : *records) {
      if (std::string why = ValidateForecast(r); !why.empty()) return InvalidArgument("forecast: " + why);
    }
    std::string sql = "INSERT INTO forecasts (" + ForecastInsertColumns() + ") VALUES ($1";
    for (int i = 2; i <= kForecastInsertColumnCount; ++i) sql += ", $" + std::to_string(i);
    sql += ") RETURNING id";
    return Guard(Run("add forecasts", true, [&](pqxx::transaction_base& tx) -> Status {
      // Locks in one order, so two calls adding several runs cannot deadlock.
      std::vector<std::string> runs = RunsOf(*records);
      std::sort(runs.begin(), runs.end());
      for (const std::string& run : runs) {
        Params k;
        k.Text(run);
        // Two sessions adding the same run take turns (a lock per run id,
        // held to the end of the transaction; class 4 = the forecasts
        // migration), so the second sees the first's rows and is refused.
        tx.exec_params("SELECT pg_advisory_xact_lock(4, hashtext($1))", k.dynamic());
        if (!tx.exec_params("SELECT 1 FROM forecasts WHERE run = $1 LIMIT 1", k.dynamic()).empty()) return RunTaken(run);
      }
      for (ForecastRecord& r : *records) {
        Params p;
        BindForecast(r, JoinNumbers(r.p_at_least), JoinNumbers(r.samples), p);
        pqxx::result ins = tx.exec_params(sql, p.dynamic());
        r.id = Row{ins[0]}.Int(0);
      }
      return Status::Ok();
    }));
  }

  Result<std::vector<ForecastRecord>> Forecasts(const std::string& run_in) override {
    RETURN_IF_ERROR(Usable());
    return Guard(Run("read forecasts", false, [&](pqxx::transaction_base& tx) -> Result<std::vector<ForecastRecord>> {
      std::string run = run_in;
      if (run.empty()) {
        pqxx::result last = tx.exec("SELECT run FROM forecasts ORDER BY id DESC LIMIT 1");
        if (last.empty()) return NotFound("no forecasts stored yet");
        run = std::string(Row{last[0]}.Text(0));
      }
      Params k;
      k.Text(run);
      std::vector<ForecastRecord> out;
      for (const pqxx::row& r :
           tx.exec_params("SELECT " + ForecastSelectList() + " FROM forecasts WHERE run = $1 ORDER BY id", k.dynamic())) {
        RETURN_IF_ERROR(ReadForecast(Row{r}, &out.emplace_back()));
      }
      if (out.empty()) return NotFound("no forecast run \"" + run + "\"");
      return out;
    }));
  }

  Result<WriteOutcome> UpsertClaim(Claim* claim) override {
    RETURN_IF_ERROR(Usable());
    if (std::string why = ValidateClaim(*claim); !why.empty()) {
      return InvalidArgument("claim \"" + claim->key + "\": " + why);
    }
    return Guard(Run("upsert claim", true, [&](pqxx::transaction_base& tx) -> Result<WriteOutcome> {
      Params k;
      k.Text(claim->key);
      pqxx::result r = tx.exec_params("SELECT " + ClaimSelectList() + " FROM claims WHERE key = $1", k.dynamic());
      Params p;
      BindClaim(*claim, p);
      if (!r.empty()) {
        Claim old;
        RETURN_IF_ERROR(ReadClaim(Row{r[0]}, &old));
        claim->id = old.id;
        if (old == *claim) return WriteOutcome::kUnchanged;
        p.Int(claim->id);
        tx.exec_params("UPDATE claims SET key = $1, source = $2, citation = $3, standing = $4, metric = $5, "
                       "category = $6, filters = $7, period = $8, date_from = $9, date_to = $10, value = $11, "
                       "evidence = $12, notes = $13, updated_at = now() WHERE id = $14",
                       p.dynamic());
        return WriteOutcome::kUpdated;
      }
      pqxx::result ins = tx.exec_params(
          "INSERT INTO claims (key, source, citation, standing, metric, category, filters, period, date_from, "
          "date_to, value, evidence, notes) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) "
          "RETURNING id",
          p.dynamic());
      claim->id = Row{ins[0]}.Int(0);
      return WriteOutcome::kInserted;
    }));
  }

  Result<std::vector<Claim>> Claims() override {
    RETURN_IF_ERROR(Usable());
    return Guard(Run("read claims", false, [&](pqxx::transaction_base& tx) -> Result<std::vector<Claim>> {
      std::vector<Claim> out;
      for (const pqxx::row& r : tx.exec("SELECT " + ClaimSelectList() + " FROM claims ORDER BY id")) {
        RETURN_IF_ERROR(ReadClaim(Row{r}, &out.emplace_back()));
      }
      return out;
    }));
  }

 private:
  static Status StatusOf(const Status& s) { return s; }
  template <typename T>
  static Status StatusOf(const Result<T>& r) {
    return r.status();
  }

  // Every public call but the transaction ones starts here: an explicit
  // transaction that an error rolled back must be ended by the caller first.
  Status Usable() {
    db_error_ = false;
    if (!tx_failed_.ok()) {
      return FailedPrecondition("the open transaction was rolled back after an error (" + tx_failed_.ToString() +
                                "); call Rollback()");
    }
    return Status::Ok();
  }

  // A database error ends an explicit transaction (PostgreSQL refuses every
  // statement after one): abort it now and refuse further work until the
  // caller calls Rollback() or Commit(). SQLite behaves the same.
  template <typename T>
  T Guard(T result) {
    const Status s = StatusOf(result);
    if (!s.ok() && db_error_ && explicit_tx_ && tx_failed_.ok()) {
      try {
        explicit_tx_->abort();
      } catch (...) {  // the connection may be gone; the server rolls back then
      }
      tx_failed_ = s;
    }
    return result;
  }

  // Runs `body(tx)` in the open transaction (explicit, or the one a scan in
  // progress holds), else in a transaction of its own that commits when the
  // body succeeds; single reads run without one. Exceptions become Status.
  template <typename F>
  auto Run(std::string_view what, bool write, F&& body) -> decltype(body(std::declval<pqxx::transaction_base&>())) {
    try {
      if (explicit_tx_) return body(*explicit_tx_);
      if (scan_tx_ != nullptr) return body(*scan_tx_);
      if (!write) {
        pqxx::nontransaction tx(*conn_);
        return body(tx);
      }
      pqxx::work tx(*conn_);
      auto result = body(tx);
      if (StatusOf(result).ok()) tx.commit();
      return result;
    } catch (...) {
      db_error_ = true;
      return CurrentPgError(what);
    }
  }

  // Streams the rows of a filtered SELECT through a server-side cursor,
  // FETCHing a chunk at a time, so memory stays constant however many rows
  // match. `on_row` returning an error stops the scan with that error.
  template <typename F>
  Status ScanRows(const Filter& filter, const std::string& columns, F&& on_row) {
    FilterSql f = BuildFilterSql(filter, SqlDialect::kPostgres);
    Params p;
    for (const SqlParam& v : f.params) p.Param(v);
    const std::string cursor = "fl_scan_" + std::to_string(++cursor_serial_);
    auto scan = [&](pqxx::transaction_base& tx) -> Status {
      tx.exec_params("DECLARE " + cursor + " NO SCROLL CURSOR FOR " + ScanSql(columns, f), p.dynamic());
      const std::string fetch = "FETCH 1000 FROM " + cursor;
      for (;;) {
        pqxx::result chunk = tx.exec(fetch);
        for (const pqxx::row& r : chunk) {
          Status s = on_row(r);
          if (!s.ok()) {
            tx.exec("CLOSE " + cursor);
            return s;
          }
        }
        if (chunk.size() < 1000) break;
      }
      tx.exec("CLOSE " + cursor);
      return Status::Ok();
    };
    if (explicit_tx_ || scan_tx_ != nullptr) return Run("scan incidents", false, scan);
    // A cursor needs a transaction. Calls the sink makes meanwhile run in it.
    try {
      pqxx::work tx(*conn_);
      struct Holder {
        pqxx::transaction_base*& slot;
        ~Holder() { slot = nullptr; }
      } holder{scan_tx_};
      scan_tx_ = &tx;
      Status s = scan(tx);
      scan_tx_ = nullptr;
      tx.commit();
      return s;
    } catch (...) {
      db_error_ = true;
      return CurrentPgError("scan incidents");
    }
  }

  Result<std::optional<Incident>> LoadOne(const pqxx::result& r) {
    if (r.empty()) return std::optional<Incident>();
    Incident inc;
    RETURN_IF_ERROR(ReadIncident(Row{r[0]}, &inc));
    return std::optional<Incident>(std::move(inc));
  }

  Result<std::optional<Incident>> LoadById(pqxx::transaction_base& tx, int64_t id) {
    return LoadOne(tx.exec_prepared("fl_get", id));
  }

  // Runs fl_insert: a new incident (id 0 → from the sequence) or one moved
  // between countries (its id and version kept), with `text` =
  // RenderIncidentText(inc). Returns its id.
  int64_t Insert(pqxx::transaction_base& tx, const Incident& inc, int64_t id, int32_t version, const IncidentText& text,
                 const std::string& now, const Change& change) {
    Params p;
    if (id != 0) {
      p.Int(id);
    } else {
      p.Null();
    }
    p.Int(version);
    BindContent(inc, text.sources_json, p);
    p.Text(now);
    p.Text(change.who);
    p.Text(change.reason);
    p.Text(text.sources_search_text);
    pqxx::result r = tx.exec_prepared("fl_insert", p.dynamic());
    return Row{r[0]}.Int(0);
  }

  // Writes `inc` as version `version` of the stored incident `current`.
  // Conflict when the stored row is no longer at current.version.
  // Stores the content of `old`, about to be superseded, in its history row.
  Status SealHistory(pqxx::transaction_base& tx, const Incident& old) {
    pqxx::result r = tx.exec_prepared("fl_seal_history", HistoryJson(old), old.country, old.id, old.version);
    if (r.affected_rows() != 1) {
      db_error_ = true;  // the incident is already rewritten: an explicit transaction must not keep it
      return DataLoss("incident " + std::to_string(old.id) + " has no history row for version " +
                      std::to_string(old.version));
    }
    return Status::Ok();
  }

  // Removes the key row of the stored incident `current`: its source_key,
  // the only key an incident has (every write keeps incident_keys so), by
  // the primary key (migration 0011 dropped the index on incident_id).
  static void DeleteKey(pqxx::transaction_base& tx, const Incident& current) {
    if (current.source_key.empty()) return;
    tx.exec_prepared("fl_delete_key", current.source_key, current.country, current.id);
  }

  // `text`: RenderIncidentText(inc), made by the caller (null: made here).
  Status Replace(pqxx::transaction_base& tx, const Incident& current, const Incident& inc, int32_t version,
                 const Change& change, const IncidentText* text = nullptr) {
    IncidentText own_text;
    if (text == nullptr) {
      RenderIncidentText(inc, &own_text);
      text = &own_text;
    }
    const std::string& sources = text->sources_json;
    const std::string now = NowUtc();
    const std::string stale = "incident " + std::to_string(current.id) + " changed while it was being updated";
    if (inc.country != current.country) {
      // The country is the distribution key: a distributed table cannot
      // update it in place, so the incident moves — delete, then insert under
      // the new key with the same id, its history and key moved along.
      pqxx::result d = tx.exec_prepared("fl_delete_incident", current.country, current.id, current.date,
                                        current.version);
      if (d.affected_rows() != 1) return Conflict(stale);
      RETURN_IF_ERROR(SealHistory(tx, current));
      tx.exec_prepared("fl_move_history", inc.country, current.country, current.id);
      tx.exec_prepared("fl_delete_history", current.country, current.id);
      DeleteKey(tx, current);
      Insert(tx, inc, current.id, version, *text, now, change);
      return Status::Ok();
    }
    Params p;
    p.Int(version);
    BindContent(inc, sources, p);
    p.Text(now);
    p.Text(change.who);
    p.Text(change.reason);
    p.Text(current.country);
    p.Int(current.id);
    p.Int(current.date);
    p.Int(current.version);
    p.Text(text->sources_search_text);
    pqxx::result r = tx.exec_prepared("fl_update", p.dynamic());
    if (r.empty()) return Conflict(stale);
    RETURN_IF_ERROR(SealHistory(tx, current));
    if (inc.source_key != current.source_key) {
      DeleteKey(tx, current);
      if (!inc.source_key.empty()) tx.exec_prepared("fl_insert_key", inc.country, inc.source_key, current.id);
    }
    return Status::Ok();
  }

  Result<WriteOutcome> UpsertImpl(pqxx::transaction_base& tx, Incident* inc, const Change& change) {
    std::optional<Incident> current;
    if (!inc->source_key.empty()) {
      ASSIGN_OR_RETURN(current, LoadOne(tx.exec_prepared("fl_lookup_key", inc->source_key)));
    }
    if (current && SameContent(*current, *inc)) {
      inc->id = current->id;
      inc->version = current->version;
      return WriteOutcome::kUnchanged;
    }
    if (current) {
      const int32_t version = current->version + 1;
      RETURN_IF_ERROR(Replace(tx, *current, *inc, version, change));
      inc->id = current->id;
      inc->version = version;
      return WriteOutcome::kUpdated;
    }
    IncidentText text;
    RenderIncidentText(*inc, &text);
    const int64_t id = Insert(tx, *inc, 0, 1, text, NowUtc(), change);
    inc->id = id;
    inc->version = 1;
    return WriteOutcome::kInserted;
  }

  // A batch in runs without a repeated source key; each run is one key
  // look-up and one insert statement for its new incidents (plus a
  // statement per changed incident), instead of two round trips per row.
  // `texts`: RenderIncidentText of each incident, or none (made here).
  Status UpsertBatchImpl(pqxx::transaction_base& tx, std::span<Incident> incidents, std::span<const IncidentText> texts,
                         const Change& change, std::vector<WriteOutcome>* outcomes) {
    std::unordered_set<std::string_view> keys;
    size_t begin = 0;
    while (begin < incidents.size()) {
      keys.clear();
      size_t end = begin;
      for (; end < incidents.size(); ++end) {
        const std::string& k = incidents[end].source_key;
        if (!k.empty() && !keys.insert(k).second) break;  // a repeat sees the earlier row: next run
      }
      RETURN_IF_ERROR(UpsertRun(tx, incidents.subspan(begin, end - begin),
                                texts.empty() ? texts : texts.subspan(begin, end - begin), change, outcomes));
      begin = end;
    }
    return Status::Ok();
  }

  // Refreshes the planner's statistics of incidents and incident_keys
  // after a batch's key look-up found many stored keys (a re-import): the
  // first time in the session, then whenever the session has added as many
  // rows as the tables held at the last ANALYZE (~log2(N) times at most).
  // A first import, whose look-ups find nothing, never pays for it.
  // Without statistics — a partitioned table's parent is never analysed by
  // autovacuum, and an import's own rows are invisible to it until commit
  // — the planner read all of incidents for every batch's look-up (a merge
  // join sorting every partition at 50k rows; a scan per key on the
  // (country, admin1) index at 2k), which made a re-import quadratic in the
  // table's size (50k unchanged rows: 114 s). ANALYZE inside the
  // transaction samples the transaction's own new rows too.
  Status AnalyzeIfStale(pqxx::transaction_base& tx, size_t found_keys) {
    constexpr size_t kManyFound = 500;
    constexpr int64_t kMinGrowth = 10000;
    if (found_keys < kManyFound) return Status::Ok();
    if (analyzed_ && added_since_analyze_ < std::max(kMinGrowth, rows_at_analyze_)) return Status::Ok();
    // Only the columns the look-up joins and filters on: the text columns'
    // statistics would cost most of the time and help no statement here.
    tx.exec("ANALYZE incidents (country, id), incident_keys (country, source_key, incident_id)");
    pqxx::result n = tx.exec("SELECT count(*) FROM incident_keys");
    rows_at_analyze_ = Row{n[0]}.Int(0);
    added_since_analyze_ = 0;
    analyzed_ = true;
    return Status::Ok();
  }

  // Upserts incidents whose non-empty source keys are all different.
  // `texts`: one per incident of `run`, or none (made here).
  Status UpsertRun(pqxx::transaction_base& tx, std::span<Incident> run, std::span<const IncidentText> texts,
                   const Change& change, std::vector<WriteOutcome>* outcomes) {
    // The text of run[i]: the caller's, else made into own_text_ (valid
    // until the next call).
    auto text_of = [&](size_t i) -> const IncidentText& {
      if (!texts.empty()) return texts[i];
      RenderIncidentText(run[i], &own_text_);
      return own_text_;
    };
    std::unordered_map<std::string, Incident> stored;
    std::string key_array = "{";
    for (const Incident& inc : run) {
      if (inc.source_key.empty()) continue;
      if (key_array.size() > 1) key_array += ',';
      AppendArrayElement(inc.source_key, &key_array);
    }
    key_array += '}';
    if (key_array.size() > 2) {
      for (const pqxx::row& r : tx.exec_prepared("fl_lookup_keys", key_array)) {
        Incident inc;
        RETURN_IF_ERROR(ReadIncident(Row{r}, &inc));
        std::string key = inc.source_key;
        stored.emplace(std::move(key), std::move(inc));
      }
      RETURN_IF_ERROR(AnalyzeIfStale(tx, stored.size()));
    }
    std::vector<std::optional<WriteOutcome>> done(run.size());
    std::vector<size_t> fresh;
    for (size_t i = 0; i < run.size(); ++i) {
      Incident& inc = run[i];
      auto it = inc.source_key.empty() ? stored.end() : stored.find(inc.source_key);
      if (it == stored.end()) {
        fresh.push_back(i);
        continue;
      }
      const Incident& current = it->second;
      if (SameContent(current, inc)) {
        inc.id = current.id;
        inc.version = current.version;
        done[i] = WriteOutcome::kUnchanged;
        continue;
      }
      const int32_t version = current.version + 1;
      RETURN_IF_ERROR(Replace(tx, current, inc, version, change, &text_of(i)));
      inc.id = current.id;
      inc.version = version;
      done[i] = WriteOutcome::kUpdated;
    }
    if (!fresh.empty()) {
      pqxx::result ids;
      const std::string now = NowUtc();
      if (fresh.size() >= kStageMinRows) {
        // Many new rows: COPY them into the staging table (COPY's text
        // format costs the server less to parse than array parameters) and
        // move them with one statement.
        tx.exec(StagingTableSql());
        tx.exec("TRUNCATE fl_stage");
        {
          pqxx::stream_to copy(tx, "fl_stage", StagingColumns());
          StagedRowBinder binder(&staged_row_);
          for (size_t j = 0; j < fresh.size(); ++j) {
            const IncidentText& text = text_of(fresh[j]);
            binder.Start(static_cast<int64_t>(j));
            BindContent(run[fresh[j]], text.sources_json, binder);
            binder.Text(text.sources_search_text);
            copy << staged_row_;
          }
          copy.complete();
        }
        ids = tx.exec_params(InsertStagedSql(), now, change.who, change.reason);
      } else {
        arrays_.Reset();
        for (size_t i : fresh) {
          const IncidentText& text = text_of(i);
          arrays_.StartRow();
          BindContent(run[i], text.sources_json, arrays_);
          arrays_.Text(text.sources_search_text);
          arrays_.EndRow();
        }
        const std::vector<std::string>& cols = arrays_.Finish();
        Params p;
        for (const std::string& c : cols) p.Text(c);
        p.Text(now);
        p.Text(change.who);
        p.Text(change.reason);
        ids = tx.exec_prepared("fl_insert_batch", p.dynamic());
      }
      if (ids.size() != fresh.size()) {
        return Internal("postgresql: a batch insert of " + std::to_string(fresh.size()) + " incidents returned " +
                        std::to_string(ids.size()) + " ids");
      }
      added_since_analyze_ += static_cast<int64_t>(fresh.size());
      for (size_t j = 0; j < fresh.size(); ++j) {
        Incident& inc = run[fresh[j]];
        inc.id = Row{ids[static_cast<pqxx::result::size_type>(j)]}.Int(0);
        inc.version = 1;
        done[fresh[j]] = WriteOutcome::kInserted;
      }
    }
    for (const auto& o : done) outcomes->push_back(*o);
    return Status::Ok();
  }

  Result<Incident> UpdateImpl(pqxx::transaction_base& tx, const Incident& in, int32_t expected_version,
                              const Change& change) {
    ASSIGN_OR_RETURN(std::optional<Incident> current, LoadById(tx, in.id));
    if (!current) return NotFound("incident " + std::to_string(in.id) + " does not exist");
    if (current->version != expected_version) {
      return Conflict("incident " + std::to_string(in.id) + " is at version " + std::to_string(current->version) +
                      ", not " + std::to_string(expected_version) + "; reload it and edit again");
    }
    if (!in.source_key.empty() && in.source_key != current->source_key) {
      pqxx::result owner = tx.exec_prepared("fl_key_owner", in.source_key);
      if (!owner.empty()) {
        return AlreadyExists("source key \"" + in.source_key + "\" belongs to incident " +
                             std::to_string(Row{owner[0]}.Int(0)));
      }
    }
    Incident stored = in;
    stored.version = expected_version + 1;
    RETURN_IF_ERROR(Replace(tx, *current, stored, stored.version, change));
    return stored;
  }

  Result<std::vector<HistoryEntry>> HistoryImpl(pqxx::transaction_base& tx, int64_t id) {
    std::vector<HistoryEntry> out;
    for (const pqxx::row& r : tx.exec_prepared("fl_history", id)) {
      ASSIGN_OR_RETURN(HistoryEntry e, ReadHistoryEntry(Row{r}, id));
      out.push_back(std::move(e));
    }
    if (out.empty()) return NotFound("incident " + std::to_string(id) + " does not exist");
    return out;
  }

  Status Migrate();

  std::unique_ptr<pqxx::connection> conn_;
  std::unique_ptr<pqxx::work> explicit_tx_;
  pqxx::transaction_base* scan_tx_ = nullptr;  // the implicit transaction of a scan in progress
  Status tx_failed_;                           // why an explicit transaction was rolled back early
  bool db_error_ = false;                      // the last call failed in the database
  uint64_t cursor_serial_ = 0;
  ColumnArrays arrays_;  // reused by batch inserts: the arrays keep their capacity
  StagedRow staged_row_;  // reused by staged inserts: its strings keep their capacity
  IncidentText own_text_;           // a batch row's text when the caller gave none
  bool analyzed_ = false;           // AnalyzeIfStale ran in this session
  int64_t rows_at_analyze_ = 0;     // incident_keys rows at that ANALYZE
  int64_t added_since_analyze_ = 0; // incidents this session inserted since
  // New incidents in a batch from which they go through COPY and the
  // staging table rather than array parameters (a statement and a COPY
  // more per batch: not worth it for a few rows).
  static constexpr size_t kStageMinRows = 64;
};

Status PostgresStore::Migrate() {
  std::span<const Migration> migrations = PostgresMigrations();
  const int latest = migrations.back().version;
  try {
    pqxx::work tx(*conn_);
    // Two processes opening a new database at once take turns; the key is
    // an arbitrary constant ("faultline" in ASCII, truncated).
    tx.exec("SELECT pg_advisory_xact_lock(7373092943466164)");
    tx.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY,"
        " applied_at timestamptz NOT NULL DEFAULT now())");
    const int current = static_cast<int>(Row{tx.exec("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")[0]}
                                             .Int(0));
    if (current > latest) {
      return FailedPrecondition("database schema version " + std::to_string(current) +
                                " is newer than this faultline understands (" + std::to_string(latest) + ")");
    }
    // Which migrations ran: numbers may have gaps that a later build fills
    // (branches reserve numbers), so "at most the latest" is not enough.
    std::vector<int> applied;
    for (const pqxx::row& r : tx.exec("SELECT version FROM schema_migrations")) {
      applied.push_back(static_cast<int>(Row{r}.Int(0)));
    }
    for (const Migration& m : migrations) {
      if (std::find(applied.begin(), applied.end(), m.version) != applied.end()) continue;
      try {
        tx.exec(std::string(m.sql));
      } catch (...) {
        return CurrentPgError("migration " + std::string(m.name));
      }
      tx.exec_params("INSERT INTO schema_migrations (version) VALUES ($1)", m.version);
    }
    tx.commit();
  } catch (...) {
    return CurrentPgError("migrate schema");
  }
  return Status::Ok();
}

Status PostgresStore::Init() {
  try {
    pqxx::nontransaction setup(*conn_);
    // plainto_tsquery reports a query without words as a NOTICE; keep
    // notices off stderr.
    setup.exec("SET client_min_messages = warning");
    // The store's statements are short and index-driven; JIT compiling one
    // whose cost the planner overestimates (a batch's key look-up without
    // statistics) took 1.8 s of a 2.0 s statement.
    setup.exec("SET jit = off");
    // Every check-then-write in this store (key look-ups before an insert,
    // a forecast run's "already stored?" after its lock) needs each
    // statement to see what committed before it: READ COMMITTED, whatever
    // the database's or role's default_transaction_isolation says.
    setup.exec("SET default_transaction_isolation = 'read committed'");
    setup.commit();
  } catch (...) {
    return CurrentPgError("set up session");
  }
  RETURN_IF_ERROR(Migrate());
  const std::string select = IncidentSelectList();
  try {
    conn_->prepare("fl_schema_version", "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    conn_->prepare("fl_get", "SELECT " + select + " FROM incidents WHERE id = $1::bigint");
    conn_->prepare("fl_lookup_key", "SELECT " + IncidentSelectList("i.") +
                                        " FROM incident_keys AS k JOIN incidents AS i"
                                        " ON i.country = k.country AND i.id = k.incident_id"
                                        " WHERE k.source_key = $1::text");
    conn_->prepare("fl_lookup_keys", "SELECT " + IncidentSelectList("i.") +
                                         " FROM incident_keys AS k JOIN incidents AS i"
                                         " ON i.country = k.country AND i.id = k.incident_id"
                                         " WHERE k.source_key = ANY($1::text[])");
    conn_->prepare("fl_insert_batch", InsertBatchSql());
    conn_->prepare("fl_key_owner", "SELECT incident_id FROM incident_keys WHERE source_key = $1::text");
    conn_->prepare("fl_insert", InsertSql());
    conn_->prepare("fl_update", UpdateSql());
    conn_->prepare("fl_delete_incident",
                   "DELETE FROM incidents WHERE country = $1::text AND id = $2::bigint"
                   " AND date_start = $3::integer AND version = $4::integer");
    conn_->prepare("fl_move_history",
                   "INSERT INTO incident_history (country, incident_id, version, changed_at, changed_by, reason, data)"
                   " SELECT $1::text, incident_id, version, changed_at, changed_by, reason, data"
                   " FROM incident_history WHERE country = $2::text AND incident_id = $3::bigint");
    conn_->prepare("fl_delete_history",
                   "DELETE FROM incident_history WHERE country = $1::text AND incident_id = $2::bigint");
    conn_->prepare("fl_delete_key",
                   "DELETE FROM incident_keys WHERE source_key = $1::text AND country = $2::text"
                   " AND incident_id = $3::bigint");
    conn_->prepare("fl_insert_key",
                   "INSERT INTO incident_keys (country, source_key, incident_id) VALUES ($1::text, $2::text, $3::bigint)");
    conn_->prepare("fl_seal_history",
                   "UPDATE incident_history SET data = $1::jsonb"
                   " WHERE country = $2::text AND incident_id = $3::bigint AND version = $4::integer");
    conn_->prepare("fl_history",
                   "SELECT h.version, to_char(h.changed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
                   " h.changed_by, h.reason, h.data::text, " +
                       IncidentSelectList("i.") +
                       " FROM incident_history AS h LEFT JOIN incidents AS i"
                       " ON h.data IS NULL AND i.country = h.country AND i.id = h.incident_id"
                       " WHERE h.incident_id = $1::bigint ORDER BY h.version");
    conn_->prepare("fl_record_import",
                   "INSERT INTO imports (" + std::string(kImportColumns) +
                       ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (batch_id) DO UPDATE SET"
                       " importer = excluded.importer, file = excluded.file, started_at = excluded.started_at,"
                       " rows_read = excluded.rows_read, rows_inserted = excluded.rows_inserted,"
                       " rows_updated = excluded.rows_updated, rows_unchanged = excluded.rows_unchanged,"
                       " rows_rejected = excluded.rows_rejected");
    conn_->prepare("fl_imports", "SELECT " + std::string(kImportColumns) + " FROM imports ORDER BY id");
    for (bool any_province : {false, true}) {
      const std::string list = SketchSelectList();
      conn_->prepare(any_province ? "fl_news_window_any" : "fl_news_window",
                     "SELECT " + list + " FROM incidents WHERE prov_importer = '" + std::string(kNewsImporter) +
                         "' AND country = $1::text AND " + (any_province ? "$2::text = ''" : "admin1 = $2::text") +
                         " AND date_start BETWEEN $3::integer AND $4::integer AND date_end >= $7::integer AND status IN ('" +
                         std::string(Name(IncidentStatus::kCandidate)) + "', '" +
                         std::string(Name(IncidentStatus::kConfirmed)) +
                         "') AND ($6::text = '' OR sources IS NULL OR"
                         " NOT sources @> jsonb_build_array(jsonb_build_object('url', $6::text))) UNION SELECT " + list +
                         " FROM incidents WHERE (country, id) IN"
                         " (SELECT country, incident_id FROM incident_keys WHERE source_key = $5::text)"
                         " ORDER BY 1");
    }
  } catch (...) {
    return CurrentPgError("prepare statements");
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<Store>> OpenPostgresStore(const std::string& uri) {
  std::unique_ptr<pqxx::connection> conn;
  try {
    conn = std::make_unique<pqxx::connection>(uri);
  } catch (const pqxx::broken_connection& e) {
    return Unavailable("postgresql: cannot connect: " + Trim(e.what()));
  } catch (...) {
    return CurrentPgError("connect");
  }
  auto store = std::make_unique<PostgresStore>(std::move(conn));
  RETURN_IF_ERROR(store->Init());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace faultline
