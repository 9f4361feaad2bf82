#include "store/sqlite/sqlite_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <map>
#include <optional>
#include <unordered_map>
#include <utility>
#include <variant>

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

struct StmtDeleter {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using StmtPtr = std::unique_ptr<sqlite3_stmt, StmtDeleter>;

// One use of a (cached) statement: resets it and clears its bindings when the
// use ends, however it ends, so the next use starts clean and no bound
// pointer outlives the data it points to. kEveryParameterBound: a statement
// whose every use binds all its parameters before stepping (the per-row
// inserts of an import) keeps its bindings — SQLite reads them only while
// stepping — which saves clearing 50-odd values per row (≈ 1.3 % of the
// writing thread's instructions in a bulk load).
class StmtUse {
 public:
  enum Bindings { kClear, kEveryParameterBound };
  explicit StmtUse(sqlite3_stmt* s, Bindings bindings = kClear) : s_(s), clear_(bindings == kClear) {}
  StmtUse(const StmtUse&) = delete;
  StmtUse& operator=(const StmtUse&) = delete;
  ~StmtUse() {
    sqlite3_reset(s_);
    if (clear_) sqlite3_clear_bindings(s_);
  }
  sqlite3_stmt* get() const { return s_; }

 private:
  sqlite3_stmt* s_;
  bool clear_;
};

// Binds parameters left to right. Text is bound without copying
// (SQLITE_STATIC): the caller keeps it alive until the statement is reset.
class Binder {
 public:
  explicit Binder(sqlite3_stmt* s) : s_(s) {}
  void Null() { Note(sqlite3_bind_null(s_, i_++)); }
  void Int(int64_t v) { Note(sqlite3_bind_int64(s_, i_++, v)); }
  void Real(double v) { Note(sqlite3_bind_double(s_, i_++, v)); }
  void Text(std::string_view v) {
    // A null data pointer would bind NULL; an empty string must stay ''.
    Note(sqlite3_bind_text(s_, i_++, v.data() ? v.data() : "", static_cast<int>(v.size()), SQLITE_STATIC));
  }
  void Param(const SqlParam& p) {
    if (const auto* i = std::get_if<int64_t>(&p)) {
      Int(*i);
    } else if (const auto* d = std::get_if<double>(&p)) {
      Real(*d);
    } else {
      Text(std::get<std::string>(p));
    }
  }
  int rc() const { return rc_; }

 private:
  void Note(int rc) {
    if (rc != SQLITE_OK && rc_ == SQLITE_OK) rc_ = rc;
  }
  sqlite3_stmt* s_;
  int i_ = 1;
  int rc_ = SQLITE_OK;
};

// The values BindContent hands over, in kContentColumns order, kept to
// compare two versions of an incident column by column. Text values are
// views: what they view must outlive the comparison.
class ColumnValues {
 public:
  using Value = std::variant<std::monostate, int64_t, double, std::string_view>;
  void Null() { values_.emplace_back(); }
  void Int(int64_t v) { values_.emplace_back(v); }
  void Real(double v) { values_.emplace_back(v); }
  void Text(std::string_view v) { values_.emplace_back(v); }
  const std::vector<Value>& values() const { return values_; }

 private:
  std::vector<Value> values_;
};

// Passes on to `b` only the content columns whose bit is set in `mask`
// (bit i: kContentColumns[i]), for an UPDATE that sets those alone.
class MaskedBinder {
 public:
  MaskedBinder(Binder* b, uint64_t mask) : b_(b), mask_(mask) {}
  void Null() {
    if (Take()) b_->Null();
  }
  void Int(int64_t v) {
    if (Take()) b_->Int(v);
  }
  void Real(double v) {
    if (Take()) b_->Real(v);
  }
  void Text(std::string_view v) {
    if (Take()) b_->Text(v);
  }

 private:
  bool Take() { return (mask_ >> column_++) & 1; }
  Binder* b_;
  uint64_t mask_;
  int column_ = 0;
};
static_assert(kContentColumns.size() <= 64, "MaskedBinder keeps a bit per content column");

// The current result row of a statement, for ReadIncident / ReadFacts.
struct Row {
  sqlite3_stmt* s;
  bool IsNull(int i) const { return sqlite3_column_type(s, i) == SQLITE_NULL; }
  int64_t Int(int i) const { return sqlite3_column_int64(s, i); }
  double Real(int i) const { return sqlite3_column_double(s, i); }
  std::string_view Text(int i) const {
    const unsigned char* p = sqlite3_column_text(s, i);
    if (p == nullptr) return {};
    return std::string_view(reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(s, i)));
  }
};

Status SqliteError(int rc, std::string_view message, std::string_view what) {
  std::string m = "sqlite: " + std::string(what) + ": " + std::string(message);
  switch (rc & 0xff) {
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      return DataLoss(m);
    case SQLITE_CONSTRAINT:
      if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) return AlreadyExists(m);
      return InvalidArgument(m);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Unavailable(m);
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_READONLY:
    case SQLITE_PERM:
      return IoError(m);
    default:
      return Internal(m);
  }
}

// faultline_sources_search_text(sources): what the text index holds for a
// stored `sources` column (SourcesSearchText of the decoded array; '' for
// NULL). Registered on every connection for migration 0010, which refills
// the text index from `incidents` in SQL.
void SourcesSearchTextFunction(sqlite3_context* ctx, int /*argc*/, sqlite3_value** argv) {
  const unsigned char* p = sqlite3_value_text(argv[0]);
  std::string text;
  if (p != nullptr && sqlite3_value_bytes(argv[0]) > 0) {
    auto sources = SourcesFromJson(
        std::string_view(reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_value_bytes(argv[0]))));
    if (!sources.ok()) {
      sqlite3_result_error(ctx, ("sources: " + sources.status().ToString()).c_str(), -1);
      return;
    }
    text = SourcesSearchText(*sources);
  }
  sqlite3_result_text(ctx, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

const std::string& SelectIncident() {
  static const std::string kList = IncidentSelectList();
  return kList;
}

std::string InsertSql() {
  std::string cols = "version, " + ContentColumnList() + ", updated_at, updated_by";
  std::string marks = "?";
  for (size_t i = 0; i < kContentColumns.size() + 2; ++i) marks += ", ?";
  return "INSERT INTO incidents (" + cols + ") VALUES (" + marks + ")";
}

std::string UpdateSql() {
  std::string sql = "UPDATE incidents SET version = ?";
  for (auto c : kContentColumns) {
    sql += ", ";
    sql += c;
    sql += " = ?";
  }
  sql += ", updated_at = ?, updated_by = ? WHERE id = ? AND version = ?";
  return sql;
}

constexpr std::string_view kImportColumns =
    "batch_id, importer, file, started_at, rows_read, rows_inserted, rows_updated, rows_unchanged, rows_rejected";

class SqliteStore final : public Store {
 public:
  SqliteStore(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  ~SqliteStore() override {
    if (explicit_tx_ && tx_failed_.ok()) RollbackQuietly();
    // Statements are finalised by their members after this; close_v2 waits
    // for them.
    sqlite3_close_v2(db_);
  }

  Status Init();

  std::string_view Backend() const override { return "sqlite"; }

  Result<int> SchemaVersion() override {
    RETURN_IF_ERROR(Usable());
    return Guard(SchemaVersionImpl());
  }

  Status Begin() override {
    if (explicit_tx_) return FailedPrecondition("a transaction is already open (transactions do not nest)");
    db_error_ = false;
    RETURN_IF_ERROR(StepOnce(begin_.get(), "begin transaction"));
    explicit_tx_ = true;
    bulk_checked_ = false;
    return Status::Ok();
  }

  Status Commit() override {
    if (!explicit_tx_) return FailedPrecondition("commit without an open transaction");
    explicit_tx_ = false;
    if (!tx_failed_.ok()) {
      Status why = std::exchange(tx_failed_, Status::Ok());
      return FailedPrecondition("the transaction was rolled back after an earlier error: " + why.ToString());
    }
    Status s = FlushText();
    if (s.ok()) s = RestoreDeferredIndexes();
    if (s.ok()) s = BumpIncidentsStamp();
    if (s.ok()) s = StepOnce(commit_.get(), "commit");
    if (!s.ok()) RollbackQuietly();
    text_rowid_ = 0;
    EndBulkSettings();
    return s;
  }

  Status Rollback() override {
    if (!explicit_tx_) return FailedPrecondition("rollback without an open transaction");
    explicit_tx_ = false;
    if (!tx_failed_.ok()) {  // already rolled back when the error happened
      tx_failed_ = Status::Ok();
      return Status::Ok();
    }
    deferred_indexes_.clear();  // the rollback restores them and the merge setting
    DropPendingText();
    incidents_dirty_ = false;
    bulk_ = false;
    bulk_automerge_ = false;
    Status s = StepOnce(rollback_.get(), "rollback");
    EndBulkSettings();
    return s;
  }

  Result<WriteOutcome> Upsert(Incident* incident, const Change& change) override {
    RETURN_IF_ERROR(Usable());
    return Guard(UpsertImpl(incident, change));
  }

  // SQLite is in-process: a batch is the same statements as row by row, in
  // one transaction (no round trips to save).
  Status UpsertBatch(std::span<Incident> incidents, const Change& change,
                     std::vector<WriteOutcome>* outcomes) override {
    RETURN_IF_ERROR(Usable());
    return Guard(UpsertBatchImpl(incidents, {}, change, outcomes));
  }

  // The same with each incident's sources JSON and search words made by the
  // caller (faultline import makes them on its reader thread).
  Status UpsertRenderedBatch(std::span<Incident> incidents, std::span<const IncidentText> texts,
                             const Change& change, std::vector<WriteOutcome>* outcomes) override {
    if (texts.size() != incidents.size()) return InvalidArgument("a rendered batch needs one text per incident");
    RETURN_IF_ERROR(Usable());
    return Guard(UpsertBatchImpl(incidents, texts, change, outcomes));
  }

  Result<Incident> Update(const Incident& incident, int32_t expected_version, const Change& change) override {
    RETURN_IF_ERROR(Usable());
    return Guard(UpdateImpl(incident, expected_version, change));
  }

  Result<int32_t> MergeReport(int64_t id, int32_t expected_version, const Incident& report,
                              const Change& change) override {
    RETURN_IF_ERROR(Usable());
    return Guard(MergeReportImpl(id, expected_version, report, change));
  }

  Result<Incident> Get(int64_t id) override {
    RETURN_IF_ERROR(Usable());
    return Guard(GetImpl(id));
  }

  Result<std::vector<HistoryEntry>> History(int64_t id) override {
    RETURN_IF_ERROR(Usable());
    return Guard(HistoryImpl(id));
  }

  Status Scan(const Filter& filter, const std::function<Status(const Incident&)>& sink) override {
    RETURN_IF_ERROR(Usable());
    return Guard(ScanImpl(filter, sink));
  }

  Status ScanFacts(const Filter& filter, const std::function<void(const IncidentFacts&)>& sink) override {
    RETURN_IF_ERROR(Usable());
    return Guard(ScanFactsImpl(filter, sink));
  }

  Result<int64_t> Count(const Filter& filter) override {
    RETURN_IF_ERROR(Usable());
    return Guard(CountImpl(filter));
  }

  Status ScanPoints(const Filter& filter, const std::function<Status(const IncidentPoint&)>& sink) override {
    RETURN_IF_ERROR(Usable());
    return Guard(ScanPointsImpl(filter, sink));
  }

  Status ScanNewsWindow(const NewsWindow& window,
                        const std::function<Status(const IncidentSketch&)>& sink) override {
    RETURN_IF_ERROR(Usable());
    return Guard(ScanNewsWindowImpl(window, sink));
  }

  Status RecordImport(const ImportRecord& record) override {
    RETURN_IF_ERROR(Usable());
    return Guard(RecordImportImpl(record));
  }

  Result<std::string> ChangeStamp() override {
    RETURN_IF_ERROR(Usable());
    return Guard(ChangeStampImpl());
  }

  Result<std::string> IncidentsStamp() override {
    RETURN_IF_ERROR(Usable());
    return Guard(IncidentsStampImpl());
  }

  Result<std::vector<ImportRecord>> Imports() override {
    RETURN_IF_ERROR(Usable());
    return Guard(ImportsImpl());
  }

  Result<WriteOutcome> UpsertPhase(Phase* phase) override {
    RETURN_IF_ERROR(Usable());
    if (std::string why = ValidatePhase(*phase); !why.empty()) {
      return InvalidArgument("phase \"" + phase->key + "\": " + why);
    }
    return Guard(UpsertPhaseImpl(phase));
  }

  Result<std::vector<Phase>> Phases() override {
    RETURN_IF_ERROR(Usable());
    return Guard(PhasesImpl(""));
  }

  Status AddForecasts(std::vector<ForecastRecord>* records) override {
    RETURN_IF_ERROR(Usable());
    for (const ForecastRecord& r : *records) {
      if (std::string why = ValidateForecast(r); !why.empty()) return InvalidArgument("forecast: " + why);
    }
    return Guard(AddForecastsImpl(records));
  }

  Result<std::vector<ForecastRecord>> Forecasts(const std::string& run) override {
    RETURN_IF_ERROR(Usable());
    return Guard(ForecastsImpl(run));
  }

  Result<WriteOutcome> UpsertClaim(Claim* claim) override {
    RETURN_IF_ERROR(Usable());
    if (std::string why = ValidateClaim(*claim); !why.empty()) {
      return InvalidArgument("claim \"" + claim->key + "\": " + why);
    }
    return Guard(UpsertClaimImpl(claim));
  }

  Result<std::vector<Claim>> Claims() override {
    RETURN_IF_ERROR(Usable());
    return Guard(ClaimsImpl(""));
  }

 private:
  // A write's transaction: the caller's explicit one, or its own, committed
  // by Commit() and rolled back if the write returns early.
  class WriteTx {
   public:
    explicit WriteTx(SqliteStore* store) : store_(store) {}
    WriteTx(const WriteTx&) = delete;
    WriteTx& operator=(const WriteTx&) = delete;
    ~WriteTx() {
      if (own_) {
        store_->RollbackQuietly();
        store_->write_tx_open_ = false;
      }
    }
    // Joins the caller's transaction or an enclosing WriteTx (a batch).
    Status Begin() {
      if (store_->explicit_tx_ || store_->write_tx_open_) return Status::Ok();
      RETURN_IF_ERROR(store_->StepOnce(store_->begin_.get(), "begin transaction"));
      own_ = true;
      store_->write_tx_open_ = true;
      return Status::Ok();
    }
    Status Commit() {
      if (!own_) return Status::Ok();
      own_ = false;
      store_->write_tx_open_ = false;
      Status s = store_->FlushText();
      if (s.ok()) s = store_->BumpIncidentsStamp();
      if (s.ok()) s = store_->StepOnce(store_->commit_.get(), "commit");
      if (!s.ok()) store_->RollbackQuietly();
      store_->text_rowid_ = 0;
      return s;
    }

   private:
    SqliteStore* store_;
    bool own_ = false;
  };

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

  // A database error inside an explicit transaction ends it, on both
  // backends alike (PostgreSQL cannot go on after one): roll back now and
  // refuse further work until the caller calls Rollback() or Commit().
  template <typename T>
  T Guard(T result) {
    const Status s = StatusOf(result);
    if (!s.ok() && db_error_ && explicit_tx_ && tx_failed_.ok()) {
      RollbackQuietly();
      tx_failed_ = s;
    }
    return result;
  }
  static Status StatusOf(const Status& s) { return s; }
  template <typename T>
  static Status StatusOf(const Result<T>& r) {
    return r.status();
  }

  Status Fail(int rc, std::string_view what) {
    db_error_ = true;
    return SqliteError(rc, sqlite3_errmsg(db_), what);
  }

  Status Exec(const char* sql, std::string_view what) {
    int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return Fail(rc, what);
    return Status::Ok();
  }

  Result<StmtPtr> Prepare(const std::string& sql, bool persistent) {
    sqlite3_stmt* s = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()),
                                persistent ? SQLITE_PREPARE_PERSISTENT : 0, &s, nullptr);
    if (rc != SQLITE_OK) {
      sqlite3_finalize(s);
      return Fail(rc, "prepare " + sql.substr(0, 60));
    }
    return StmtPtr(s);
  }

  // Runs a parameterless statement to completion.
  Status StepOnce(sqlite3_stmt* s, std::string_view what) {
    StmtUse use(s);
    return StepDone(s, what);
  }

  Status StepDone(sqlite3_stmt* s, std::string_view what) {
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    }
    if (rc != SQLITE_DONE) return Fail(rc, what);
    return Status::Ok();
  }

  Status CheckBind(const Binder& b, std::string_view what) {
    if (b.rc() != SQLITE_OK) return Fail(b.rc(), what);
    return Status::Ok();
  }

  // Migration 0006's counter moves once per committed transaction that
  // wrote incidents or phases. SQLite's update hook tells which tables a
  // transaction wrote (a C callback per row, no SQL); a trigger would do the
  // same for writers outside this store, but a trigger makes every incidents
  // write a multi-statement one, which flushes FTS5's pending terms per row
  // (+46 % CPU on a 200k-row load, measured).
  static void UpdateHook(void* self, int /*op*/, const char* /*db*/, const char* table, sqlite3_int64 /*rowid*/) {
    std::string_view t(table);
    if (t == "incidents" || t == "phases") static_cast<SqliteStore*>(self)->incidents_dirty_ = true;
  }
  Status BumpIncidentsStamp() {
    if (!incidents_dirty_) return Status::Ok();
    RETURN_IF_ERROR(StepOnce(bump_incidents_stamp_.get(), "bump incident_changes"));
    incidents_dirty_ = false;
    return Status::Ok();
  }

  void RollbackQuietly() {
    incidents_dirty_ = false;
    DropPendingText();
    deferred_indexes_.clear();  // the rollback restores them and the merge setting
    bulk_ = false;
    bulk_automerge_ = false;
    {
      StmtUse use(rollback_.get());
      sqlite3_step(rollback_.get());
    }
    EndBulkSettings();
  }

  // Building an index sorts every row: SQLite's sorter keeps up to the page
  // cache's size in memory and spills the rest to temporary files, which
  // temp_store = MEMORY would keep in memory too (memory growing with the
  // file). A bulk load therefore spills to real temporary files, and builds
  // the indexes with a smaller page cache, so that page cache plus sorter
  // stay within the import's memory bound whatever the table's size. 16 MiB
  // (32 before) takes the peak of a 1M-row import from 220 to 196 MiB, its
  // time unchanged within noise (docs/benchmarks.md).
  static constexpr const char* kBulkTempStore = "PRAGMA temp_store = FILE";
  static constexpr const char* kNormalTempStore = "PRAGMA temp_store = MEMORY";
  static constexpr const char* kIndexBuildCache = "PRAGMA cache_size = -16384";
  static constexpr const char* kNormalCache = "PRAGMA cache_size = -131072";

  void EndBulkSettings() {
    if (!bulk_settings_) return;
    bulk_settings_ = false;
    sqlite3_exec(db_, kNormalCache, nullptr, nullptr, nullptr);
    sqlite3_exec(db_, kNormalTempStore, nullptr, nullptr, nullptr);
  }

  // A bulk load: the first large batch of an explicit transaction that
  // finds `incidents` empty. The secondary (non-unique) indexes of
  // `incidents` are dropped inside the transaction and created again by
  // Commit(), which sorts each one once instead of inserting every row into
  // every B-tree; the unique source-key index stays, it is the identity.
  // DDL is transactional in SQLite: a rollback, an error or a crash keeps
  // the indexes, and other connections never see them missing.
  static constexpr size_t kBulkMinBatch = 1000;
  // FTS5 writes its pending terms as a new segment every ~1 MB and merges
  // segments of one level into the next once `automerge` of them exist (4
  // by default): the same postings are rewritten once per level. A bulk load
  // merges only at 16, i.e. rewrites each posting about half as often; the
  // setting is a row of incidents_fts_config written inside the transaction,
  // set back to 4 before COMMIT (a rollback undoes both). Left behind are at
  // most 16 segments per level instead of 4 (FTS5's crisismerge bound
  // anyway), which later writes merge as usual.
  static constexpr const char* kBulkAutomerge =
      "INSERT INTO incidents_fts (incidents_fts, rank) VALUES ('automerge', 16)";
  static constexpr const char* kNormalAutomerge =
      "INSERT INTO incidents_fts (incidents_fts, rank) VALUES ('automerge', 4)";

  Status MaybeStartBulk(size_t batch_rows) {
    if (!explicit_tx_ || bulk_checked_) return Status::Ok();
    bulk_checked_ = true;
    if (batch_rows < kBulkMinBatch) return Status::Ok();
    ASSIGN_OR_RETURN(StmtPtr any, Prepare("SELECT 1 FROM incidents LIMIT 1", false));
    int rc = sqlite3_step(any.get());
    if (rc == SQLITE_ROW) return Status::Ok();
    if (rc != SQLITE_DONE) return Fail(rc, "check for a bulk load");
    ASSIGN_OR_RETURN(StmtPtr list, Prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND "
                                           "tbl_name = 'incidents' AND sql IS NOT NULL AND "
                                           "sql NOT LIKE 'CREATE UNIQUE%' ORDER BY name",
                                           false));
    std::vector<std::pair<std::string, std::string>> indexes;
    while ((rc = sqlite3_step(list.get())) == SQLITE_ROW) {
      Row row{list.get()};
      indexes.emplace_back(std::string(row.Text(0)), std::string(row.Text(1)));
    }
    if (rc != SQLITE_DONE) return Fail(rc, "list indexes");
    list.reset();
    // Refused inside a transaction once the connection has temporary
    // tables: then no bulk load (the ordinary path is just slower).
    if (sqlite3_exec(db_, kBulkTempStore, nullptr, nullptr, nullptr) != SQLITE_OK) return Status::Ok();
    bulk_settings_ = true;
    RETURN_IF_ERROR(Exec(kBulkAutomerge, "relax text index merging for a bulk load"));
    bulk_automerge_ = true;
    for (const auto& [name, sql] : indexes) {
      RETURN_IF_ERROR(Exec(("DROP INDEX \"" + name + "\"").c_str(), "drop index " + name + " for a bulk load"));
      deferred_indexes_.push_back(sql);
    }
    bulk_ = true;
    return Status::Ok();
  }

  // Creates the indexes a bulk load dropped and restores the text index's
  // merge setting; called before COMMIT.
  Status RestoreDeferredIndexes() {
    bulk_ = false;
    if (std::exchange(bulk_automerge_, false)) {
      RETURN_IF_ERROR(Exec(kNormalAutomerge, "restore text index merging after a bulk load"));
    }
    std::vector<std::string> sqls = std::exchange(deferred_indexes_, {});
    if (sqls.empty()) return Status::Ok();
    RETURN_IF_ERROR(Exec(kIndexBuildCache, "shrink the page cache for index builds"));
    for (const std::string& sql : sqls) RETURN_IF_ERROR(Exec(sql.c_str(), "create index after a bulk load"));
    return Status::Ok();
  }

  // Steps a bound statement that returns at most one incident.
  Result<std::optional<Incident>> LoadOne(sqlite3_stmt* s, std::string_view what) {
    int rc = sqlite3_step(s);
    if (rc == SQLITE_DONE) return std::optional<Incident>();
    if (rc != SQLITE_ROW) return Fail(rc, what);
    Incident inc;
    RETURN_IF_ERROR(ReadIncident(Row{s}, &inc));
    return std::optional<Incident>(std::move(inc));
  }

  Result<std::optional<Incident>> LoadById(int64_t id) {
    StmtUse use(get_.get());
    Binder b(use.get());
    b.Int(id);
    RETURN_IF_ERROR(CheckBind(b, "get incident"));
    return LoadOne(use.get(), "get incident");
  }

  Result<int64_t> WriteInsert(const Incident& inc, std::string_view sources, const std::string& now,
                              const Change& change) {
    StmtUse use(insert_.get(), StmtUse::kEveryParameterBound);
    Binder b(use.get());
    b.Int(1);
    BindContent(inc, sources, b);
    b.Text(now);
    b.Text(change.who);
    RETURN_IF_ERROR(CheckBind(b, "insert incident"));
    RETURN_IF_ERROR(StepDone(use.get(), "insert incident"));
    return sqlite3_last_insert_rowid(db_);
  }

  Status WriteUpdate(const Incident& inc, std::string_view sources, int64_t id, int32_t old_version,
                     int32_t new_version, const std::string& now, const Change& change) {
    StmtUse use(update_.get());
    Binder b(use.get());
    b.Int(new_version);
    BindContent(inc, sources, b);
    b.Text(now);
    b.Text(change.who);
    b.Int(id);
    b.Int(old_version);
    RETURN_IF_ERROR(CheckBind(b, "update incident"));
    RETURN_IF_ERROR(StepDone(use.get(), "update incident"));
    if (sqlite3_changes(db_) != 1) {
      return Conflict("incident " + std::to_string(id) + " changed while it was being updated");
    }
    return Status::Ok();
  }

  // WriteUpdate of `next` over `current` (version `old_version`, its
  // sources JSON `current_sources`) that sets only the content columns
  // whose values differ. SQLite rewrites the entries of every index that
  // covers a column an UPDATE sets, changed or not; a merge mostly changes
  // tolls and sources, which no index covers. One cached statement per set
  // of columns (a handful occur).
  Status WriteChangedColumns(const Incident& current, std::string_view current_sources, const Incident& next,
                             std::string_view next_sources, int32_t old_version, const std::string& now,
                             const Change& change) {
    ColumnValues before, after;
    BindContent(current, current_sources, before);
    BindContent(next, next_sources, after);
    uint64_t mask = 0;
    for (size_t i = 0; i < kContentColumns.size(); ++i) {
      if (before.values()[i] != after.values()[i]) mask |= uint64_t{1} << i;
    }
    StmtPtr& stmt = update_columns_[mask];
    if (!stmt) {
      if (update_columns_.size() > kMaxUpdateShapes) {
        update_columns_.erase(mask);
        return WriteUpdate(next, next_sources, current.id, old_version, next.version, now, change);
      }
      std::string sql = "UPDATE incidents SET version = ?";
      for (size_t i = 0; i < kContentColumns.size(); ++i) {
        if ((mask >> i) & 1) (((sql += ", ") += kContentColumns[i]) += " = ?");
      }
      sql += ", updated_at = ?, updated_by = ? WHERE id = ? AND version = ?";
      ASSIGN_OR_RETURN(stmt, Prepare(sql, true));
    }
    StmtUse use(stmt.get());
    Binder b(use.get());
    b.Int(next.version);
    MaskedBinder masked(&b, mask);
    BindContent(next, next_sources, masked);
    b.Text(now);
    b.Text(change.who);
    b.Int(current.id);
    b.Int(old_version);
    RETURN_IF_ERROR(CheckBind(b, "update incident"));
    RETURN_IF_ERROR(StepDone(use.get(), "update incident"));
    if (sqlite3_changes(db_) != 1) {
      return Conflict("incident " + std::to_string(current.id) + " changed while it was being updated");
    }
    return Status::Ok();
  }

  // The history row of a new current version: no content yet (the
  // incidents row is its content).
  Status WriteHistory(const std::string& country, int64_t id, int32_t version, const std::string& now,
                      const Change& change) {
    StmtUse use(insert_history_.get(), StmtUse::kEveryParameterBound);
    Binder b(use.get());
    b.Text(country);
    b.Int(id);
    b.Int(version);
    b.Text(now);
    b.Text(change.who);
    b.Text(change.reason);
    RETURN_IF_ERROR(CheckBind(b, "insert history"));
    return StepDone(use.get(), "insert history");
  }

  // Adds (or, with `remove`, deletes) the full-text terms of incident `id`.
  // A delete must repeat exactly what was indexed: `inc` is the stored row.
  Status IndexText(int64_t id, const Incident& inc, bool remove) {
    return IndexSearchText(id, inc.notes, SourcesSearchText(inc.sources), remove);
  }

  // The same with the sources' text (SourcesSearchText) given. Kept in
  // pending_text_ until the transaction commits or a read needs the index
  // (FlushText): FTS5 takes one document after another in rising rowid
  // order and writes all it holds as a new segment whenever a rowid goes
  // back, which every merge into an older incident did (a segment per merge,
  // and the merging of those segments). A new incident above every rowid
  // written so far is indexed at once while nothing is pending (a bulk load
  // copies no text).
  Status IndexSearchText(int64_t id, std::string_view notes, std::string_view sources, bool remove) {
    if (!remove && bulk_ && pending_text_.empty() && id > text_rowid_) {
      text_rowid_ = id;
      return WriteText(id, notes, sources, false);
    }
    auto [it, fresh] = pending_text_.try_emplace(id);
    PendingText& p = it->second;
    if (remove) {
      // The first delete of a rowid names what the index holds; a later one
      // takes back what this transaction added.
      if (fresh) p.indexed = IndexedText{std::string(notes), std::string(sources)};
      p.next.reset();
    } else {
      p.next = IndexedText{std::string(notes), std::string(sources)};
    }
    if (pending_text_.size() >= kMaxPendingText) return FlushText();
    return Status::Ok();
  }

  // Writes the pending text index changes, in rowid order: per incident the
  // delete of what the index held and the insert of its text now, neither
  // when the two are the same.
  Status FlushText() {
    std::map<int64_t, PendingText> pending = std::exchange(pending_text_, {});
    for (const auto& [id, p] : pending) {
      if (p.indexed && p.next && *p.indexed == *p.next) continue;
      if (p.indexed) RETURN_IF_ERROR(WriteText(id, p.indexed->notes, p.indexed->sources, true));
      if (p.next) RETURN_IF_ERROR(WriteText(id, p.next->notes, p.next->sources, false));
      text_rowid_ = std::max(text_rowid_, id);
    }
    return Status::Ok();
  }

  // A rollback: the index keeps what it had.
  void DropPendingText() {
    pending_text_.clear();
    text_rowid_ = 0;
  }

  // One insert (or delete) of incident `id`'s words into the text index.
  Status WriteText(int64_t id, std::string_view notes, std::string_view sources, bool remove) {
    sqlite3_stmt* s = remove ? fts_delete_.get() : fts_insert_.get();
    StmtUse use(s, StmtUse::kEveryParameterBound);
    Binder b(s);
    b.Int(id);
    b.Text(notes);
    b.Text(sources);
    RETURN_IF_ERROR(CheckBind(b, "index text"));
    return StepDone(s, "index text");
  }

  // After `current` became `next` in place: the text index and, when the
  // country changed, the history rows' country follow.
  Status AfterReplace(const Incident& current, const Incident& next) {
    if (current.notes != next.notes || current.sources != next.sources) {
      RETURN_IF_ERROR(IndexText(current.id, current, true));
      RETURN_IF_ERROR(IndexText(current.id, next, false));
    }
    if (current.country != next.country) {
      StmtUse use(history_country_.get());
      Binder b(use.get());
      b.Text(next.country);
      b.Int(current.id);
      RETURN_IF_ERROR(CheckBind(b, "move history"));
      RETURN_IF_ERROR(StepDone(use.get(), "move history"));
    }
    return Status::Ok();
  }

  // Stores the content of `old`, about to be superseded, in its history row.
  Status SealHistory(const Incident& old) { return SealHistory(old.id, old.version, HistoryJson(old)); }

  // Stores `data`, the JSON of version `version` of incident `id`, in its
  // history row.
  Status SealHistory(int64_t id, int32_t version, const std::string& data) {
    StmtUse use(seal_history_.get());
    Binder b(use.get());
    b.Text(data);
    b.Int(id);
    b.Int(version);
    RETURN_IF_ERROR(CheckBind(b, "seal history"));
    RETURN_IF_ERROR(StepDone(use.get(), "seal history"));
    if (sqlite3_changes(db_) != 1) {
      db_error_ = true;  // the incident is already rewritten: an explicit transaction must not keep it
      return DataLoss("incident " + std::to_string(id) + " has no history row for version " +
                      std::to_string(version));
    }
    return Status::Ok();
  }

  Result<int> SchemaVersionImpl() {
    StmtUse use(schema_version_.get());
    int rc = sqlite3_step(use.get());
    if (rc != SQLITE_ROW) return Fail(rc, "read schema version");
    return static_cast<int>(sqlite3_column_int64(use.get(), 0));
  }

  // `batch_now`: the time a batch is written at, taken once for all its
  // rows (null: now). `text`: RenderIncidentText(*inc), made by the caller
  // (null: made here).
  Result<WriteOutcome> UpsertImpl(Incident* inc, const Change& change, const std::string* batch_now = nullptr,
                                  const IncidentText* text = nullptr) {
    WriteTx tx(this);
    RETURN_IF_ERROR(tx.Begin());
    const std::string own_now = batch_now != nullptr ? std::string() : NowUtc();
    const std::string& now = batch_now != nullptr ? *batch_now : own_now;
    IncidentText own_text;
    auto rendered = [&]() -> const IncidentText& {
      if (text == nullptr) {
        RenderIncidentText(*inc, &own_text);
        text = &own_text;
      }
      return *text;
    };
    if (bulk_) {
      // A bulk load into an empty table: nearly every key is new, so the
      // insert itself is the key look-up; a key seen earlier in the load
      // inserts nothing and takes the path below.
      const std::string& sources = rendered().sources_json;
      StmtUse use(insert_new_.get(), StmtUse::kEveryParameterBound);
      Binder b(use.get());
      b.Int(1);
      BindContent(*inc, sources, b);
      b.Text(now);
      b.Text(change.who);
      RETURN_IF_ERROR(CheckBind(b, "insert incident"));
      RETURN_IF_ERROR(StepDone(use.get(), "insert incident"));
      if (sqlite3_changes(db_) == 1) {
        const int64_t id = sqlite3_last_insert_rowid(db_);
        RETURN_IF_ERROR(IndexSearchText(id, inc->notes, text->sources_search_text, false));
        RETURN_IF_ERROR(WriteHistory(inc->country, id, 1, now, change));
        RETURN_IF_ERROR(tx.Commit());
        inc->id = id;
        inc->version = 1;
        return WriteOutcome::kInserted;
      }
    }
    std::optional<Incident> current;
    if (!inc->source_key.empty()) {
      StmtUse use(lookup_key_.get());
      Binder b(use.get());
      b.Text(inc->source_key);
      RETURN_IF_ERROR(CheckBind(b, "look up source key"));
      ASSIGN_OR_RETURN(current, LoadOne(use.get(), "look up source key"));
    }
    if (current && SameContent(*current, *inc)) {
      RETURN_IF_ERROR(tx.Commit());
      inc->id = current->id;
      inc->version = current->version;
      return WriteOutcome::kUnchanged;
    }
    const std::string& sources = rendered().sources_json;
    if (current) {
      const int32_t version = current->version + 1;
      RETURN_IF_ERROR(WriteUpdate(*inc, sources, current->id, current->version, version, now, change));
      RETURN_IF_ERROR(SealHistory(*current));
      RETURN_IF_ERROR(AfterReplace(*current, *inc));
      RETURN_IF_ERROR(WriteHistory(inc->country, current->id, version, now, change));
      RETURN_IF_ERROR(tx.Commit());
      inc->id = current->id;
      inc->version = version;
      return WriteOutcome::kUpdated;
    }
    ASSIGN_OR_RETURN(int64_t id, WriteInsert(*inc, sources, now, change));
    RETURN_IF_ERROR(IndexSearchText(id, inc->notes, text->sources_search_text, false));
    RETURN_IF_ERROR(WriteHistory(inc->country, id, 1, now, change));
    RETURN_IF_ERROR(tx.Commit());
    inc->id = id;
    inc->version = 1;
    return WriteOutcome::kInserted;
  }

  // `texts`: one per incident, or none (made per row).
  Status UpsertBatchImpl(std::span<Incident> incidents, std::span<const IncidentText> texts, const Change& change,
                         std::vector<WriteOutcome>* outcomes) {
    WriteTx tx(this);
    RETURN_IF_ERROR(tx.Begin());
    RETURN_IF_ERROR(MaybeStartBulk(incidents.size()));
    const std::string now = NowUtc();
    for (size_t i = 0; i < incidents.size(); ++i) {
      ASSIGN_OR_RETURN(WriteOutcome o,
                       UpsertImpl(&incidents[i], change, &now, texts.empty() ? nullptr : &texts[i]));
      outcomes->push_back(o);
    }
    return tx.Commit();
  }

  Result<Incident> UpdateImpl(const Incident& in, int32_t expected_version, const Change& change) {
    WriteTx tx(this);
    RETURN_IF_ERROR(tx.Begin());
    ASSIGN_OR_RETURN(std::optional<Incident> current, LoadById(in.id));
    if (!current) return NotFound("incident " + std::to_string(in.id) + " does not exist");
    if (current->version != expected_version) {
      return Conflict("incident " + std::to_string(in.id) + " is at version " + std::to_string(current->version) +
                      ", not " + std::to_string(expected_version) + "; reload it and edit again");
    }
    if (!in.source_key.empty() && in.source_key != current->source_key) {
      StmtUse use(key_owner_.get());
      Binder b(use.get());
      b.Text(in.source_key);
      RETURN_IF_ERROR(CheckBind(b, "look up source key"));
      int rc = sqlite3_step(use.get());
      if (rc == SQLITE_ROW) {
        return AlreadyExists("source key \"" + in.source_key + "\" belongs to incident " +
                             std::to_string(sqlite3_column_int64(use.get(), 0)));
      }
      if (rc != SQLITE_DONE) return Fail(rc, "look up source key");
    }
    Incident stored = in;
    stored.version = expected_version + 1;
    const std::string sources = SourcesToJson(stored.sources);
    const std::string now = NowUtc();
    RETURN_IF_ERROR(WriteUpdate(stored, sources, stored.id, expected_version, stored.version, now, change));
    RETURN_IF_ERROR(SealHistory(*current));
    RETURN_IF_ERROR(AfterReplace(*current, stored));
    RETURN_IF_ERROR(WriteHistory(stored.country, stored.id, stored.version, now, change));
    RETURN_IF_ERROR(tx.Commit());
    return stored;
  }

  // MergeReport without decoding the stored sources: they are read as text,
  // their outlets and headlines (what the text index holds) picked out of
  // it (SourcesSearchWords), the new sources' JSON is appended to the text
  // and the history of the superseded version is written around it; the
  // row update sets only the columns that changed (WriteChangedColumns).
  // When the incident may already hold one of the report's sources (its
  // url appears in the text, or a source has no url), or the text is not
  // what SourcesToJson writes, the sources are decoded and merged one by
  // one as MergeReport does.
  Result<int32_t> MergeReportImpl(int64_t id, int32_t expected_version, const Incident& report,
                                  const Change& change) {
    WriteTx tx(this);
    RETURN_IF_ERROR(tx.Begin());
    Incident old;
    std::string stored;  // copied: the statement is reset before the writes
    {
      StmtUse use(get_.get());
      Binder b(use.get());
      b.Int(id);
      RETURN_IF_ERROR(CheckBind(b, "read incident to merge"));
      int rc = sqlite3_step(use.get());
      if (rc == SQLITE_DONE) return NotFound("incident " + std::to_string(id) + " does not exist");
      if (rc != SQLITE_ROW) return Fail(rc, "read incident to merge");
      const Row row{use.get()};
      RETURN_IF_ERROR(ReadIncidentExceptSources(row, &old));
      stored = row.Text(45);
    }
    if (old.version != expected_version) {
      return Conflict("incident " + std::to_string(id) + " is at version " + std::to_string(old.version) +
                      ", not " + std::to_string(expected_version) + "; reload it and merge again");
    }
    bool may_hold = false;
    for (const Source& s : report.sources) {
      may_hold = may_hold || s.url.empty() ||
                 stored.find("\"url\":\"" + JsonStringBody(s.url) + "\"") != std::string_view::npos;
    }
    // Text SourcesToJson did not write (an empty array, say) is decoded too.
    const bool array = stored.size() > 2 && stored.front() == '[' && stored.back() == ']';
    may_hold = !stored.empty() && (may_hold || !array);
    std::string old_outlets, old_headlines;
    if (!may_hold && !stored.empty() && !SourcesSearchWords(stored, &old_outlets, &old_headlines)) {
      may_hold = true;  // not text SourcesSearchWords takes: decoded whole
    }
    Incident merged = old;
    merged.version = expected_version + 1;
    std::string history, sources, old_text, new_text;
    if (may_hold) {
      auto parsed = SourcesFromJson(stored);
      if (!parsed.ok()) return columns_internal::BadColumn(id, "sources", parsed.status());
      old.sources = std::move(*parsed);
      merged.sources = old.sources;
      faultline::MergeReport(&merged, report);
      history = HistoryJson(old);
      sources = SourcesToJson(merged.sources);
      old_text = SourcesSearchText(old.sources);
      new_text = SourcesSearchText(merged.sources);
    } else {
      MergeReportFields(&merged, report);
      std::vector<Source> added;
      AddSources(&added, report.sources);
      history = HistoryJsonWithSources(old, stored);
      sources = SourcesToJson(added);
      if (!stored.empty() && !sources.empty()) {  // "[old...]" + "[added...]" -> "[old...,added...]"
        sources.front() = ',';
        sources.insert(0, stored, 0, stored.size() - 1);
      } else if (sources.empty()) {
        sources = stored;
      }
      // SourcesSearchText of old's sources, then of old's and added's.
      auto add = [](std::string* text, std::string_view v) {
        if (v.empty()) return;
        if (!text->empty()) *text += ' ';
        *text += v;
      };
      add(&old_text, old_outlets);
      add(&old_text, old_headlines);
      add(&new_text, old_outlets);
      for (const Source& s : added) add(&new_text, s.outlet);
      add(&new_text, old_headlines);
      for (const Source& s : added) add(&new_text, s.headline);
    }
    const std::string now = NowUtc();
    RETURN_IF_ERROR(WriteChangedColumns(old, stored, merged, sources, expected_version, now, change));
    RETURN_IF_ERROR(SealHistory(id, expected_version, history));
    if (old_text != new_text || old.notes != merged.notes) {
      RETURN_IF_ERROR(IndexSearchText(id, old.notes, old_text, true));
      RETURN_IF_ERROR(IndexSearchText(id, merged.notes, new_text, false));
    }
    RETURN_IF_ERROR(WriteHistory(merged.country, id, merged.version, now, change));
    RETURN_IF_ERROR(tx.Commit());
    return merged.version;
  }

  Result<Incident> GetImpl(int64_t id) {
    ASSIGN_OR_RETURN(std::optional<Incident> inc, LoadById(id));
    if (!inc) return NotFound("incident " + std::to_string(id) + " does not exist");
    return std::move(*inc);
  }

  Result<std::vector<HistoryEntry>> HistoryImpl(int64_t id) {
    StmtUse use(history_.get());
    Binder b(use.get());
    b.Int(id);
    RETURN_IF_ERROR(CheckBind(b, "read history"));
    std::vector<HistoryEntry> out;
    int rc;
    while ((rc = sqlite3_step(use.get())) == SQLITE_ROW) {
      ASSIGN_OR_RETURN(HistoryEntry e, ReadHistoryEntry(Row{use.get()}, id));
      out.push_back(std::move(e));
    }
    if (rc != SQLITE_DONE) return Fail(rc, "read history");
    if (out.empty()) return NotFound("incident " + std::to_string(id) + " does not exist");
    return out;
  }

  // Prepares `sql` and binds the filter's parameters.
  Result<StmtPtr> PrepareFiltered(const std::string& sql, const FilterSql& f) {
    ASSIGN_OR_RETURN(StmtPtr stmt, Prepare(sql, false));
    Binder b(stmt.get());
    for (const SqlParam& p : f.params) b.Param(p);
    RETURN_IF_ERROR(CheckBind(b, "bind filter"));
    return stmt;
  }

  Status ScanImpl(const Filter& filter, const std::function<Status(const Incident&)>& sink) {
    RETURN_IF_ERROR(FlushText());  // a text filter reads the index
    FilterSql f = BuildFilterSql(filter, SqlDialect::kSqlite);
    ASSIGN_OR_RETURN(StmtPtr stmt, PrepareFiltered(ScanSql(SelectIncident(), f), f));
    Incident inc;  // reused: its strings keep their capacity from row to row
    int rc;
    while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
      RETURN_IF_ERROR(ReadIncident(Row{stmt.get()}, &inc));
      RETURN_IF_ERROR(sink(inc));
    }
    if (rc != SQLITE_DONE) return Fail(rc, "scan incidents");
    return Status::Ok();
  }

  Status ScanFactsImpl(const Filter& filter, const std::function<void(const IncidentFacts&)>& sink) {
    RETURN_IF_ERROR(FlushText());  // a text filter reads the index
    FilterSql f = BuildFilterSql(filter, SqlDialect::kSqlite);
    ASSIGN_OR_RETURN(StmtPtr stmt, PrepareFiltered(ScanSql(FactsSelectList(), f), f));
    IncidentFacts facts;
    int rc;
    while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
      RETURN_IF_ERROR(ReadFacts(Row{stmt.get()}, &facts));
      sink(facts);
    }
    if (rc != SQLITE_DONE) return Fail(rc, "scan incident facts");
    return Status::Ok();
  }

  Status ScanPointsImpl(const Filter& filter, const std::function<Status(const IncidentPoint&)>& sink) {
    RETURN_IF_ERROR(FlushText());  // a text filter reads the index
    FilterSql f = BuildFilterSql(filter, SqlDialect::kSqlite);
    ASSIGN_OR_RETURN(StmtPtr stmt, PrepareFiltered(ScanSql(PointSelectList(), f), f));
    IncidentPoint point;  // reused: its strings keep their capacity from row to row
    int rc;
    while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
      RETURN_IF_ERROR(ReadPoint(Row{stmt.get()}, &point));
      RETURN_IF_ERROR(sink(point));
    }
    if (rc != SQLITE_DONE) return Fail(rc, "scan incident points");
    return Status::Ok();
  }

  Result<int64_t> CountImpl(const Filter& filter) {
    RETURN_IF_ERROR(FlushText());  // a text filter reads the index
    FilterSql f = BuildFilterSql(filter, SqlDialect::kSqlite);
    ASSIGN_OR_RETURN(StmtPtr stmt, PrepareFiltered(CountSql(f), f));
    int rc = sqlite3_step(stmt.get());
    if (rc != SQLITE_ROW) return Fail(rc, "count incidents");
    return sqlite3_column_int64(stmt.get(), 0);
  }

  // Prepared on first use: the window with and without a province (`?2 =
  // ''` keeps the parameter numbering of both the same), with the key's
  // owner by UNION ALL (one statement to run per candidate). The rows are
  // sorted by id here rather than by ORDER BY, which opens a temporary
  // B-tree on every call; and since the statement is reset before the sink
  // runs, a sink may scan again.
  Status ScanNewsWindowImpl(const NewsWindow& w, const std::function<Status(const IncidentSketch&)>& sink) {
    StmtPtr& window = w.admin1.empty() ? news_window_any_ : news_window_;
    if (!window) {
      // date_end is in the index (migration 0009): rows that ended before
      // the window are dropped without reading the table. Then come the
      // sources text, for the url test below, and 1 for the key's owner.
      const std::string sql = "SELECT " + SketchSelectList() + ", sources, 0 FROM incidents WHERE prov_importer = '" +
                              std::string(kNewsImporter) + "' AND country = ?1 AND " +
                              (w.admin1.empty() ? "?2 = ''" : "admin1 = ?2") +
                              " AND date_start BETWEEN ?3 AND ?4 AND date_end >= ?5 AND status IN ('" +
                              std::string(Name(IncidentStatus::kCandidate)) + "', '" +
                              std::string(Name(IncidentStatus::kConfirmed)) + "') UNION ALL SELECT " +
                              SketchSelectList() +
                              ", NULL, 1 FROM incidents WHERE source_key = ?6 AND source_key <> ''";
      ASSIGN_OR_RETURN(window, Prepare(sql, true));
    }
    if (!news_holds_url_) {
      ASSIGN_OR_RETURN(news_holds_url_,
                       Prepare("SELECT EXISTS (SELECT 1 FROM json_each(?1) WHERE json_extract(value, '$.url') = ?2)",
                               true));
    }
    std::vector<IncidentSketch> rows;
    // Rows whose sources text holds the url as SourcesToJson escapes it
    // (found by a plain substring search): only those have their sources
    // parsed, by SQLite's JSON functions, to see whether a source's url is it.
    std::vector<std::pair<size_t, std::string>> to_check;
    {
      StmtUse use(window.get());
      Binder b(use.get());
      const std::string escaped_url = w.exclude_source_url.empty() ? "" : JsonStringBody(w.exclude_source_url);
      b.Text(w.country);
      b.Text(w.admin1);
      b.Int(w.date_from);
      b.Int(w.date_to);
      b.Int(w.date_end_from);
      b.Text(w.source_key);
      RETURN_IF_ERROR(CheckBind(b, "bind news window"));
      const int sources_column = static_cast<int>(kSketchColumns);
      int rc;
      while ((rc = sqlite3_step(use.get())) == SQLITE_ROW) {
        const Row row{use.get()};
        RETURN_IF_ERROR(ReadSketch(row, &rows.emplace_back()));
        if (escaped_url.empty() || row.IsNull(sources_column) || row.Int(sources_column + 1) == 1) continue;
        const std::string_view sources = row.Text(sources_column);
        if (sources.find(escaped_url) != std::string_view::npos) {
          to_check.emplace_back(rows.size() - 1, std::string(sources));
        }
      }
      if (rc != SQLITE_DONE) return Fail(rc, "scan news window");
    }
    std::vector<bool> excluded(rows.size(), false);
    for (const auto& [i, sources] : to_check) {
      StmtUse use(news_holds_url_.get());
      Binder b(use.get());
      b.Text(sources);
      b.Text(w.exclude_source_url);
      RETURN_IF_ERROR(CheckBind(b, "bind news window url"));
      int rc = sqlite3_step(use.get());
      if (rc != SQLITE_ROW) return Fail(rc, "scan news window sources");
      excluded[i] = sqlite3_column_int(use.get(), 0) != 0;
    }
    if (!to_check.empty()) {
      size_t kept = 0;
      for (size_t i = 0; i < rows.size(); ++i) {
        if (!excluded[i]) rows[kept++] = std::move(rows[i]);
      }
      rows.resize(kept);
    }
    std::sort(rows.begin(), rows.end(), [](const IncidentSketch& a, const IncidentSketch& b) { return a.id < b.id; });
    for (size_t i = 0; i < rows.size(); ++i) {
      if (i > 0 && rows[i].id == rows[i - 1].id) continue;  // the key's owner may be in the window too
      RETURN_IF_ERROR(sink(rows[i]));
    }
    return Status::Ok();
  }

  // PRAGMA data_version changes when another connection commits; the
  // total of this connection's own changes is added so that the stamp moves
  // on writes through this handle too.
  Result<std::string> ChangeStampImpl() {
    if (!data_version_) {
      ASSIGN_OR_RETURN(data_version_, Prepare("PRAGMA data_version", true));
    }
    StmtUse use(data_version_.get());
    int rc = sqlite3_step(use.get());
    if (rc != SQLITE_ROW) return Fail(rc, "read data_version");
    return std::to_string(sqlite3_column_int64(use.get(), 0)) + ":" + std::to_string(sqlite3_total_changes64(db_));
  }

  // Migration 0006's counter (BumpIncidentsStamp).
  Result<std::string> IncidentsStampImpl() {
    if (!incidents_stamp_) {
      ASSIGN_OR_RETURN(incidents_stamp_, Prepare("SELECT n FROM incident_changes WHERE id = 1", true));
    }
    StmtUse use(incidents_stamp_.get());
    int rc = sqlite3_step(use.get());
    if (rc != SQLITE_ROW) return Fail(rc, "read incident_changes");
    return std::to_string(sqlite3_column_int64(use.get(), 0));
  }

  Status RecordImportImpl(const ImportRecord& r) {
    if (r.batch_id.empty()) return InvalidArgument("import record: batch_id is empty");
    StmtUse use(record_import_.get());
    Binder b(use.get());
    b.Text(r.batch_id);
    b.Text(r.importer);
    b.Text(r.file);
    b.Text(r.started_at);
    for (int64_t n : {r.rows_read, r.rows_inserted, r.rows_updated, r.rows_unchanged, r.rows_rejected}) b.Int(n);
    RETURN_IF_ERROR(CheckBind(b, "record import"));
    return StepDone(use.get(), "record import");
  }

  // Phases are few and rarely written: statements are prepared per call.
  Result<std::vector<Phase>> PhasesImpl(const std::string& key) {
    std::string sql = "SELECT " + PhaseSelectList() + " FROM phases";
    sql += key.empty() ? " ORDER BY date_start, id" : " WHERE key = ?";
    ASSIGN_OR_RETURN(StmtPtr stmt, Prepare(sql, false));
    if (!key.empty()) {
      Binder b(stmt.get());
      b.Text(key);
      RETURN_IF_ERROR(CheckBind(b, "read phase"));
    }
    std::vector<Phase> out;
    int rc;
    while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
      RETURN_IF_ERROR(ReadPhase(Row{stmt.get()}, &out.emplace_back()));
    }
    if (rc != SQLITE_DONE) return Fail(rc, "read phases");
    return out;
  }

  Result<WriteOutcome> UpsertPhaseImpl(Phase* phase) {
    WriteTx tx(this);
    RETURN_IF_ERROR(tx.Begin());
    ASSIGN_OR_RETURN(std::vector<Phase> old, PhasesImpl(phase->key));
    const std::string parties = JoinParties(phase->parties), now = NowUtc();
    WriteOutcome outcome = WriteOutcome::kInserted;
    if (!old.empty()) {
      phase->id = old[0].id;
      if (old[0] == *phase) return WriteOutcome::kUnchanged;
      ASSIGN_OR_RETURN(StmtPtr stmt, Prepare("UPDATE phases SET key = ?, type = ?, name = ?, parties = ?, "
                                             "country = ?, date_start = ?, date_end = ?, source = ?, notes = ?, "
                                             "updated_at = ? WHERE id = ?",
                                             false));
      Binder b(stmt.get());
      BindPhase(*phase, parties, b);
      b.Text(now);
      b.Int(phase->id);
      RETURN_IF_ERROR(CheckBind(b, "update phase"));
      RETURN_IF_ERROR(StepDone(stmt.get(), "update phase"));
      outcome = WriteOutcome::kUpdated;
    } else {
      ASSIGN_OR_RETURN(StmtPtr stmt, Prepare("INSERT INTO phases (key, type, name, parties, country, date_start, "
                                             "date_end, source, notes, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
                                             "?, ?)",
                                             false));
      Binder b(stmt.get());
      BindPhase(*phase, parties, b);
      b.Text(now);
      RETURN_IF_ERROR(CheckBind(b, "insert phase"));
      RETURN_IF_ERROR(StepDone(stmt.get(), "insert phase"));
      phase->id = sqlite3_last_insert_rowid(db_);
    }
    RETURN_IF_ERROR(tx.Commit());
    return outcome;
  }

  // Forecasts are written a run at a time: one statement prepared per call.
  // The write transaction (BEGIN IMMEDIATE) holds the database's one write
  // lock, so no other writer can add the same run between check and insert.
  Status AddForecastsImpl(std::vector<ForecastRecord>* records) {
    WriteTx tx(this);
    RETURN_IF_ERROR(tx.Begin());
    ASSIGN_OR_RETURN(StmtPtr taken, Prepare("SELECT 1 FROM forecasts WHERE run = ? LIMIT 1", false));
    for (const std::string& run : RunsOf(*records)) {
      StmtUse use(taken.get());
      Binder b(use.get());
      b.Text(run);
      RETURN_IF_ERROR(CheckBind(b, "check forecast run"));
      const int rc = sqlite3_step(use.get());
      if (rc == SQLITE_ROW) return RunTaken(run);
      if (rc != SQLITE_DONE) return Fail(rc, "check forecast run");
    }
    std::string sql = "INSERT INTO forecasts (" + ForecastInsertColumns() + ", created_at) VALUES (?";
    for (int i = 1; i <= kForecastInsertColumnCount; ++i) sql += ", ?";
    sql += ")";
    ASSIGN_OR_RETURN(StmtPtr stmt, Prepare(sql, false));
    const std::string now = NowUtc();
    for (ForecastRecord& r : *records) {
      StmtUse use(stmt.get());
      const std::string p = JoinNumbers(r.p_at_least), samples = JoinNumbers(r.samples);
      Binder b(use.get());
      BindForecast(r, p, samples, b);
      b.Text(now);
      RETURN_IF_ERROR(CheckBind(b, "insert forecast"));
      RETURN_IF_ERROR(StepDone(use.get(), "insert forecast"));
      r.id = sqlite3_last_insert_rowid(db_);
    }
    return tx.Commit();
  }

  Result<std::vector<ForecastRecord>> ForecastsImpl(std::string run) {
    if (run.empty()) {
      ASSIGN_OR_RETURN(StmtPtr last, Prepare("SELECT run FROM forecasts ORDER BY id DESC LIMIT 1", false));
      const int rc = sqlite3_step(last.get());
      if (rc == SQLITE_DONE) return NotFound("no forecasts stored yet");
      if (rc != SQLITE_ROW) return Fail(rc, "read forecasts");
      run = std::string(Row{last.get()}.Text(0));
    }
    ASSIGN_OR_RETURN(StmtPtr stmt, Prepare("SELECT " + ForecastSelectList() + " FROM forecasts WHERE run = ? ORDER BY id", false));
    Binder b(stmt.get());
    b.Text(run);
    RETURN_IF_ERROR(CheckBind(b, "read forecasts"));
    std::vector<ForecastRecord> out;
    int rc;
    while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
      RETURN_IF_ERROR(ReadForecast(Row{stmt.get()}, &out.emplace_back()));
    }
    if (rc != SQLITE_DONE) return Fail(rc, "read forecasts");
    if (out.empty()) return NotFound("no forecast run \"" + run + "\"");
    return out;
  }

  // Claims, like phases, are few: statements are prepared per call.
  Result<std::vector<Claim>> ClaimsImpl(const std::string& key) {
    std::string sql = "SELECT " + ClaimSelectList() + " FROM claims";
    sql += key.empty() ? " ORDER BY id" : " WHERE key = ?";
    ASSIGN_OR_RETURN(StmtPtr stmt, Prepare(sql, false));
    if (!key.empty()) {
      Binder b(stmt.get());
      b.Text(key);
      RETURN_IF_ERROR(CheckBind(b, "read claim"));
    }
    std::vector<Claim> out;
    int rc;
    while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
      RETURN_IF_ERROR(ReadClaim(Row{stmt.get()}, &out.emplace_back()));
    }
    if (rc != SQLITE_DONE) return Fail(rc, "read claims");
    return out;
  }

  Result<WriteOutcome> UpsertClaimImpl(Claim* claim) {
    WriteTx tx(this);
    RETURN_IF_ERROR(tx.Begin());
    ASSIGN_OR_RETURN(std::vector<Claim> old, ClaimsImpl(claim->key));
    const std::string now = NowUtc();
    WriteOutcome outcome = WriteOutcome::kInserted;
    if (!old.empty()) {
      claim->id = old[0].id;
      if (old[0] == *claim) return WriteOutcome::kUnchanged;
      ASSIGN_OR_RETURN(StmtPtr stmt, Prepare("UPDATE claims SET key = ?, source = ?, citation = ?, standing = ?, "
                                             "metric = ?, category = ?, filters = ?, period = ?, date_from = ?, "
                                             "date_to = ?, value = ?, evidence = ?, notes = ?, updated_at = ? "
                                             "WHERE id = ?",
                                             false));
      Binder b(stmt.get());
      BindClaim(*claim, b);
      b.Text(now);
      b.Int(claim->id);
      RETURN_IF_ERROR(CheckBind(b, "update claim"));
      RETURN_IF_ERROR(StepDone(stmt.get(), "update claim"));
      outcome = WriteOutcome::kUpdated;
    } else {
      ASSIGN_OR_RETURN(StmtPtr stmt, Prepare("INSERT INTO claims (key, source, citation, standing, metric, "
                                             "category, filters, period, date_from, date_to, value, evidence, "
                                             "notes, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                             false));
      Binder b(stmt.get());
      BindClaim(*claim, b);
      b.Text(now);
      RETURN_IF_ERROR(CheckBind(b, "insert claim"));
      RETURN_IF_ERROR(StepDone(stmt.get(), "insert claim"));
      claim->id = sqlite3_last_insert_rowid(db_);
    }
    RETURN_IF_ERROR(tx.Commit());
    return outcome;
  }

  Result<std::vector<ImportRecord>> ImportsImpl() {
    StmtUse use(imports_.get());
    std::vector<ImportRecord> out;
    int rc;
    while ((rc = sqlite3_step(use.get())) == SQLITE_ROW) {
      Row row{use.get()};
      ImportRecord r;
      r.batch_id = row.Text(0);
      r.importer = row.Text(1);
      r.file = row.Text(2);
      r.started_at = row.Text(3);
      r.rows_read = row.Int(4);
      r.rows_inserted = row.Int(5);
      r.rows_updated = row.Int(6);
      r.rows_unchanged = row.Int(7);
      r.rows_rejected = row.Int(8);
      out.push_back(std::move(r));
    }
    if (rc != SQLITE_DONE) return Fail(rc, "read imports");
    return out;
  }

  Status Migrate();

  sqlite3* db_;
  std::string path_;
  bool explicit_tx_ = false;
  bool write_tx_open_ = false;  // a WriteTx of this store began its own transaction
  bool incidents_dirty_ = false;  // this transaction wrote incidents or phases (UpdateHook)
  StmtPtr bump_incidents_stamp_;
  Status tx_failed_;       // why an explicit transaction was rolled back early
  bool db_error_ = false;  // the last call failed in SQLite itself
  bool bulk_checked_ = false;                  // this explicit transaction looked for a bulk load
  bool bulk_ = false;                          // a bulk load into an empty table is under way
  bool bulk_automerge_ = false;                // the text index merges at 16 until Commit()
  bool bulk_settings_ = false;                 // temp_store/cache_size changed for it (EndBulkSettings)
  std::vector<std::string> deferred_indexes_;  // CREATE INDEX statements Commit() runs
  StmtPtr begin_, commit_, rollback_, schema_version_, get_, lookup_key_, key_owner_, insert_, insert_new_, update_,
      insert_history_, seal_history_, fts_insert_, fts_delete_, history_country_, history_, record_import_, imports_;
  StmtPtr news_window_, news_window_any_, news_holds_url_;  // ScanNewsWindow, prepared on first use
  static constexpr size_t kMaxUpdateShapes = 64;
  std::unordered_map<uint64_t, StmtPtr> update_columns_;  // WriteChangedColumns, by set of columns
  // The text index's changes not written yet (IndexSearchText), by rowid.
  struct IndexedText {
    std::string notes, sources;
    bool operator==(const IndexedText&) const = default;
  };
  struct PendingText {
    std::optional<IndexedText> indexed;  // what the index holds (a delete came first)
    std::optional<IndexedText> next;     // what it is to hold
  };
  static constexpr size_t kMaxPendingText = 4096;  // bounds the memory of a long transaction
  std::map<int64_t, PendingText> pending_text_;
  int64_t text_rowid_ = 0;  // the highest rowid this transaction wrote to the text index
  StmtPtr data_version_;  // prepared on the first ChangeStamp()
  StmtPtr incidents_stamp_;  // prepared on the first IncidentsStamp()
};

Status SqliteStore::Migrate() {
  std::span<const Migration> migrations = SqliteMigrations();
  const int latest = migrations.back().version;
  // IMMEDIATE: two processes opening a new file at once take turns.
  RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE", "begin migration"));
  auto fail = [&](Status s) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    return s;
  };
  Status s = Exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)",
      "create schema_migrations");
  if (!s.ok()) return fail(s);
  auto version = Prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", false);
  if (!version.ok()) return fail(version.status());
  int rc = sqlite3_step(version->get());
  if (rc != SQLITE_ROW) return fail(Fail(rc, "read schema version"));
  const int current = sqlite3_column_int(version->get(), 0);
  version->reset();
  // Which migrations ran: numbers may have gaps that a later build fills
  // (branches reserve numbers), so "at most the latest" is not enough.
  std::vector<int> applied;
  auto ran = Prepare("SELECT version FROM schema_migrations", false);
  if (!ran.ok()) return fail(ran.status());
  while ((rc = sqlite3_step(ran->get())) == SQLITE_ROW) applied.push_back(sqlite3_column_int(ran->get(), 0));
  if (rc != SQLITE_DONE) return fail(Fail(rc, "read schema migrations"));
  ran->reset();
  if (current > latest) {
    return fail(FailedPrecondition(path_ + ": schema version " + std::to_string(current) +
                                   " is newer than this faultline understands (" + std::to_string(latest) + ")"));
  }
  for (const Migration& m : migrations) {
    if (std::find(applied.begin(), applied.end(), m.version) != applied.end()) continue;
    s = Exec(std::string(m.sql).c_str(), "migration " + std::string(m.name));
    if (!s.ok()) return fail(s);
    auto record = Prepare("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)", false);
    if (!record.ok()) return fail(record.status());
    const std::string now = NowUtc();
    Binder b(record->get());
    b.Int(m.version);
    b.Text(now);
    s = CheckBind(b, "record migration");
    if (s.ok()) s = StepDone(record->get(), "record migration");
    if (!s.ok()) return fail(s);
  }
  return Exec("COMMIT", "commit migration");
}

Status SqliteStore::Init() {
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, 10000);
  // A new database gets 16 KiB pages (SQLite's default is 4 KiB): an
  // incident row is ~0.5-1 KB, so a leaf holds ~4x as many, and a bulk load
  // splits and writes a quarter as many pages (≈ -10 % CPU for an import,
  // docs/benchmarks.md). Ignored for an existing file, which keeps its size;
  // an error here (a file that is not a database) is reported just below.
  sqlite3_exec(db_, "PRAGMA page_size = 16384", nullptr, nullptr, nullptr);
  {
    // The first statement reads the file header: a file that is not a
    // database fails here with SQLITE_NOTADB.
    auto wal = Prepare("PRAGMA journal_mode = WAL", false);
    if (!wal.ok()) return wal.status().WithContext(path_);
    int rc = sqlite3_step(wal->get());
    if (rc != SQLITE_ROW) return Fail(rc, "set WAL journal").WithContext(path_);
  }
  RETURN_IF_ERROR(Exec("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -131072; "
                       "PRAGMA temp_store = MEMORY",
                       "set pragmas")
                      .WithContext(path_));
  if (int rc = sqlite3_create_function_v2(db_, "faultline_sources_search_text", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
                                          nullptr, &SourcesSearchTextFunction, nullptr, nullptr, nullptr);
      rc != SQLITE_OK) {
    return Fail(rc, "register faultline_sources_search_text").WithContext(path_);
  }
  RETURN_IF_ERROR(Migrate());
  struct {
    StmtPtr* stmt;
    std::string sql;
  } statements[] = {
      {&begin_, "BEGIN IMMEDIATE"},
      {&commit_, "COMMIT"},
      {&rollback_, "ROLLBACK"},
      {&bump_incidents_stamp_, "UPDATE incident_changes SET n = n + 1 WHERE id = 1"},
      {&schema_version_, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations"},
      {&get_, "SELECT " + SelectIncident() + " FROM incidents WHERE id = ?"},
      // "AND source_key <> ''" lets the planner use the partial unique index.
      {&lookup_key_, "SELECT " + SelectIncident() + " FROM incidents WHERE source_key = ? AND source_key <> ''"},
      {&key_owner_, "SELECT id FROM incidents WHERE source_key = ? AND source_key <> ''"},
      {&fts_insert_, "INSERT INTO incidents_fts (rowid, notes, sources) VALUES (?, ?, ?)"},
      {&fts_delete_, "INSERT INTO incidents_fts (incidents_fts, rowid, notes, sources) VALUES ('delete', ?, ?, ?)"},
      {&history_country_, "UPDATE incident_history SET country = ? WHERE incident_id = ?"},
      {&insert_, InsertSql()},
      {&insert_new_, InsertSql() + " ON CONFLICT (source_key) WHERE source_key <> '' DO NOTHING"},
      {&update_, UpdateSql()},
      {&insert_history_,
       "INSERT INTO incident_history (country, incident_id, version, changed_at, changed_by, reason)"
       " VALUES (?, ?, ?, ?, ?, ?)"},
      {&seal_history_, "UPDATE incident_history SET data = ? WHERE incident_id = ? AND version = ?"},
      {&history_, "SELECT h.version, h.changed_at, h.changed_by, h.reason, h.data, " + IncidentSelectList("i.") +
                      " FROM incident_history AS h LEFT JOIN incidents AS i"
                      " ON h.data IS NULL AND i.id = h.incident_id WHERE h.incident_id = ? ORDER BY h.version"},
      {&record_import_, "INSERT INTO imports (" + std::string(kImportColumns) +
                            ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (batch_id) DO UPDATE SET"
                            " importer = excluded.importer, file = excluded.file, started_at = excluded.started_at,"
                            " rows_read = excluded.rows_read, rows_inserted = excluded.rows_inserted,"
                            " rows_updated = excluded.rows_updated, rows_unchanged = excluded.rows_unchanged,"
                            " rows_rejected = excluded.rows_rejected"},
      {&imports_, "SELECT " + std::string(kImportColumns) + " FROM imports ORDER BY id"},
  };
  for (auto& s : statements) {
    ASSIGN_OR_RETURN(*s.stmt, Prepare(s.sql, true));
  }
  sqlite3_update_hook(db_, &SqliteStore::UpdateHook, this);
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path) {
  // SQLite's memory statistics take a process-wide mutex on every
  // allocation, which the import's two threads then contend for; faultline
  // never reads them. Only possible before SQLite initialises (otherwise
  // SQLITE_MISUSE, and the statistics stay on: harmless).
  static const int kNoMemStatus = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  (void)kNoMemStatus;
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                           nullptr);
  if (rc != SQLITE_OK) {
    Status s = SqliteError(rc, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc), "open " + path);
    sqlite3_close_v2(db);
    return s;
  }
  auto store = std::make_unique<SqliteStore>(db, path);
  RETURN_IF_ERROR(store->Init());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace faultline
