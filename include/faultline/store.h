// Store: the only door to persistence (architecture §4). Two implementations
// pass one conformance suite (test/store/): SQLite (a file; the default) and
// PostgreSQL 15 (a `postgresql://` URI). Every write runs in a transaction:
// either one the caller opened with Begin(), or an implicit one per call.
//
// A Store object is not thread-safe; open one per thread.
//
//   ASSIGN_OR_RETURN(auto store, Store::Open("faultline.db"));
//   RETURN_IF_ERROR(store->Begin());
//   ASSIGN_OR_RETURN(WriteOutcome o, store->Upsert(&incident, {.who = "import"}));
//   RETURN_IF_ERROR(store->Commit());
#ifndef FAULTLINE_STORE_H_
#define FAULTLINE_STORE_H_

#include <array>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "faultline/forecast.h"
#include "faultline/claim.h"
#include "faultline/incident.h"
#include "faultline/phase.h"
#include "faultline/status.h"

namespace faultline {

struct BoundingBox {
  double min_lon, min_lat, max_lon, max_lat;
};

// Which incidents a query, stats or export covers. Lists are OR within a
// field and AND across fields; an empty list means "any". Names must already
// be expanded by the caller (a query for Khyber Pakhtunkhwa that includes
// former FATA lists both; a perpetrator with affiliates lists them all) —
// see gazetteer::ExpandFilter.
struct Filter {
  std::optional<int32_t> date_from;  // day numbers, inclusive; matched on date
  std::optional<int32_t> date_to;
  std::vector<std::string> countries;
  std::vector<std::string> admin1;
  std::vector<std::string> admin2;
  std::vector<std::string> perpetrators;
  std::vector<EventType> event_types;
  std::vector<AttackType> attack_types;
  std::vector<TargetCategory> targets;
  std::optional<int64_t> min_killed;  // total best killed
  std::string text;                   // full-text search over notes and sources
  std::optional<BoundingBox> bbox;
  // Empty means candidate + confirmed (rejected and merged rows are hidden).
  std::vector<IncidentStatus> statuses;
  std::vector<std::string> importers;  // provenance.importer ("acled", "pbc-suicide")
  std::vector<std::string> licenses;
  int64_t after_id = 0;  // cursor: only ids greater than this
  int64_t limit = 0;     // 0 = no limit; rows come ordered by id
};

// Who made a change and why; recorded with every version.
struct Change {
  std::string who = "system";
  std::string reason;
};

enum class WriteOutcome { kInserted, kUpdated, kUnchanged };

// What a store derives from an incident to write it: its sources as JSON
// (the `sources` column) and their words for the text index (outlets, then
// headlines). RenderIncidentText makes it; a caller writing many incidents
// may make it on another thread than the store's and hand it to
// Store::UpsertRenderedBatch (faultline import does, on its reader thread).
struct IncidentText {
  std::string sources_json;
  std::string sources_search_text;
};

// Fills `out` for `incident`. Thread-safe (no store involved).
void RenderIncidentText(const Incident& incident, IncidentText* out);

struct HistoryEntry {
  int32_t version = 0;
  std::string changed_at;  // UTC, ISO 8601
  std::string changed_by;
  std::string reason;
  Incident incident;  // the incident as it was at this version
};

// The columns statistics need, without text: what ScanFacts streams.
// Casualty ranges are read so that sums stay meaningful: best is 0 when
// missing; low is the stored low, else best; high is the stored high, else
// the larger of best and low (an open "at least" stays at its low).
struct IncidentFacts {
  int64_t id = 0;
  int32_t date = 0;
  std::string country, admin1, admin2, perpetrator;
  EventType event_type{};
  AttackType attack_type{};
  TargetCategory target{};
  std::array<int32_t, kCasualtyCategories> killed{};   // best, 0 when missing
  std::array<int32_t, kCasualtyCategories> injured{};
  std::array<int32_t, kCasualtyCategories> killed_low{}, killed_high{};
  std::array<int32_t, kCasualtyCategories> injured_low{}, injured_high{};
  IncidentStatus status = IncidentStatus::kConfirmed;
  std::string importer;  // provenance.importer
  std::string license;
};

// What news resolution (resolve/) compares a new candidate with: incidents
// extracted from news (provenance.importer "extract") in one place and
// date window, and the incident that already holds the candidate's source
// key. See Store::ScanNewsWindow.
struct NewsWindow {
  std::string country;  // required: rows of other countries never match
  std::string admin1;   // "" = any province
  int32_t date_from = 0;  // day numbers, inclusive; matched on date
  int32_t date_to = 0;
  // Leave out the incidents whose date_end lies before this day (their
  // range ended before the window began); the default keeps them all.
  int32_t date_end_from = std::numeric_limits<int32_t>::min();
  std::string source_key;  // also report the incident with this key ("" = none)
  // Leave out of the window the incidents with a source of this url (those
  // already holding another report of the same article); "" = none.
  std::string exclude_source_url;
};

// The columns resolution reads, without notes or sources to decode: an
// incident as ScanNewsWindow streams it.
struct IncidentSketch {
  int64_t id = 0;
  int32_t version = 0;
  IncidentStatus status = IncidentStatus::kCandidate;
  std::string source_key;
  int32_t date = 0, date_end = 0;
  std::string country, admin1, admin2;
  std::optional<double> lat, lon;
  GeoPrecision geo_precision = GeoPrecision::kCountry;
  EventType event_type{};
  AttackType attack_type{};
  std::string perpetrator;
  std::array<int32_t, kCasualtyCategories> killed{};  // best, 0 when missing
  std::array<int32_t, kCasualtyCategories> injured{};
};

// An incident as the map shows it: where, what, how many, without notes or
// sources to decode. What Store::ScanPoints streams.
struct IncidentPoint {
  int64_t id = 0;
  int32_t date = 0;
  std::optional<double> lat, lon;
  EventType event_type{};
  AttackType attack_type{};
  TargetCategory target{};
  IncidentStatus status = IncidentStatus::kConfirmed;
  std::string admin1, admin2, place, perpetrator;
  int64_t killed = 0;   // sums of best estimates over categories, missing = 0
  int64_t injured = 0;  // (Casualties::TotalKilled, TotalInjured)
};

// One import run, as recorded in the imports table.
struct ImportRecord {
  std::string batch_id;
  std::string importer;
  std::string file;
  std::string started_at;
  int64_t rows_read = 0;
  int64_t rows_inserted = 0;
  int64_t rows_updated = 0;
  int64_t rows_unchanged = 0;
  int64_t rows_rejected = 0;
};

class Store {
 public:
  // A path (or "file:" URI) opens or creates SQLite; "postgresql://" or
  // "postgres://" connects to PostgreSQL. Migrations run on open.
  // Unavailable when a server cannot be reached; DataLoss for a corrupt file.
  static Result<std::unique_ptr<Store>> Open(const std::string& uri);

  virtual ~Store() = default;
  virtual std::string_view Backend() const = 0;  // "sqlite" | "postgresql"
  virtual Result<int> SchemaVersion() = 0;

  // Explicit transactions; Rollback is also what the destructor does with an
  // open one. FailedPrecondition on nesting or commit without begin.
  virtual Status Begin() = 0;
  virtual Status Commit() = 0;
  virtual Status Rollback() = 0;

  // Inserts `incident`, or — when its source_key is already stored — updates
  // that incident (new version, old one kept in history) unless the content
  // is the same. Sets incident->id and ->version. The caller validates first.
  virtual Result<WriteOutcome> Upsert(Incident* incident, const Change& change) = 0;
  // Upserts `incidents` in order with the result Upsert would give for each
  // in turn (a key repeated within the batch updates the incident the earlier
  // row made), appending one outcome per incident to `outcomes` and setting
  // ids and versions. Backends write a batch set-based where they can (a
  // few round trips per batch instead of per row). On error nothing of the
  // batch is kept by an implicit transaction; in an explicit one a database
  // error rolls the transaction back (as for Upsert). `outcomes` then holds
  // the outcomes of the incidents written before the one that failed when
  // the backend knows which one failed, else none of the batch.
  virtual Status UpsertBatch(std::span<Incident> incidents, const Change& change,
                             std::vector<WriteOutcome>* outcomes) = 0;
  // UpsertBatch with `texts[i]` = RenderIncidentText(incidents[i]) made
  // beforehand (same size; InvalidArgument otherwise): the same result, with
  // that work off the caller's thread. Both stores write the given texts; the
  // default (for a backend that cannot use them) checks the count, then ignores them.
  virtual Status UpsertRenderedBatch(std::span<Incident> incidents, std::span<const IncidentText> texts,
                                     const Change& change, std::vector<WriteOutcome>* outcomes) {
    if (texts.size() != incidents.size()) return InvalidArgument("a rendered batch needs one text per incident");
    return UpsertBatch(incidents, change, outcomes);
  }
  // Replaces incident.id's content if its stored version is
  // `expected_version`; Conflict otherwise, NotFound for an unknown id.
  // Returns the stored incident with its new version.
  virtual Result<Incident> Update(const Incident& incident, int32_t expected_version, const Change& change) = 0;
  // Merges the report `report` into incident `id` by MergeReport's rules
  // (model/merge.h: its new sources added, the higher toll superseding,
  // empty fields filled) if the stored version is `expected_version`: one
  // new version, the old one kept in history, exactly what Get, MergeReport
  // and Update(merged, expected_version, change) would store — without
  // reading the incident whole (SQLite appends to the stored sources
  // without decoding them). Returns the new version. Conflict when the
  // version moved on, NotFound for an unknown id.
  virtual Result<int32_t> MergeReport(int64_t id, int32_t expected_version, const Incident& report,
                                      const Change& change) = 0;
  virtual Result<Incident> Get(int64_t id) = 0;
  // Every version, oldest first, the current one last.
  virtual Result<std::vector<HistoryEntry>> History(int64_t id) = 0;

  // Streams matching incidents in id order; stops early when `sink` returns
  // an error and returns that error.
  virtual Status Scan(const Filter& filter, const std::function<Status(const Incident&)>& sink) = 0;
  virtual Status ScanFacts(const Filter& filter, const std::function<void(const IncidentFacts&)>& sink) = 0;
  virtual Result<int64_t> Count(const Filter& filter) = 0;
  // Streams the matching incidents as map points, in id order (with or
  // without coordinates: the caller counts those without). Reads no notes
  // or sources, so it costs a fraction of Scan. Stops early like Scan.
  virtual Status ScanPoints(const Filter& filter, const std::function<Status(const IncidentPoint&)>& sink) = 0;
  // Streams, in id order and each once: the incidents extracted from news
  // (provenance.importer "extract") with status candidate or confirmed in
  // window.country (and window.admin1 unless empty) whose date lies in
  // [date_from, date_to], whose date_end is not before date_end_from and
  // that have no source of url window.exclude_source_url; and, whatever its
  // place, date, importer, status or sources, the incident whose source_key
  // is window.source_key. Read through an index on (country, admin1, date,
  // date_end) of news rows only (migrations 0007-0009), so the cost follows
  // the window, not the store. Stops early like Scan.
  virtual Status ScanNewsWindow(const NewsWindow& window,
                                const std::function<Status(const IncidentSketch&)>& sink) = 0;

  // An opaque stamp of what the database has committed, for caches kept
  // beside it (the server's): two calls on the same Store give different
  // stamps when another connection (this process or another) committed a
  // write in between. It may also change without a write to incidents (any
  // table, any commit; on PostgreSQL any transaction of the cluster), so a
  // changed stamp means "maybe changed"; an equal one means "unchanged".
  // Stamps from different Store objects are not comparable. Writes through
  // this Store itself need not change it: watch from a handle that does not
  // write. Costs one cheap statement (SQLite: PRAGMA data_version).
  virtual Result<std::string> ChangeStamp() = 0;
  // An opaque stamp of what statistics and incident lists read: the
  // incidents and phases tables. It moves when a committed write changed
  // either through any faultline Store, in any process (migration 0006's
  // counter: PostgreSQL triggers; on SQLite the store bumps it at commit, so
  // raw SQL writes by other programs are not seen), and stays put for writes to other tables (sessions, tokens, the
  // audit log, imports, forecasts, claims), so a sign-in does not retire a
  // cache of incidents. Equal stamps mean "unchanged" for these tables.
  // Costs one indexed read; poll it when ChangeStamp moved.
  virtual Result<std::string> IncidentsStamp() = 0;

  virtual Status RecordImport(const ImportRecord& record) = 0;
  virtual Result<std::vector<ImportRecord>> Imports() = 0;

  // Phases (ceasefires, talks, operations). UpsertPhase inserts `phase`, or
  // replaces the stored phase with the same key (kUnchanged when equal), and
  // sets phase->id. InvalidArgument when ValidatePhase() objects.
  virtual Result<WriteOutcome> UpsertPhase(Phase* phase) = 0;
  // Every phase, ordered by start date, then id.
  virtual Result<std::vector<Phase>> Phases() = 0;

  // Forecasts (forecast/). AddForecasts stores the records in one
  // transaction and sets their ids; InvalidArgument for a record without
  // run, model or unit; AlreadyExists (nothing stored) when one of their
  // runs is stored already: a run is added once, whole, and two writers
  // racing for one run id are serialized so that only the first gets it.
  virtual Status AddForecasts(std::vector<ForecastRecord>* records) = 0;
  // The records of `run` ("" = the latest run stored), in the order they
  // were stored. NotFound when there is no such run.
  virtual Result<std::vector<ForecastRecord>> Forecasts(const std::string& run) = 0;
  // Claims (published figures). UpsertClaim inserts `claim`, or replaces the
  // stored claim with the same key (kUnchanged when equal), and sets
  // claim->id. InvalidArgument when ValidateClaim() objects.
  virtual Result<WriteOutcome> UpsertClaim(Claim* claim) = 0;
  // Every claim, ordered by id (the order they were first stored).
  virtual Result<std::vector<Claim>> Claims() = 0;
};

}  // namespace faultline

#endif  // FAULTLINE_STORE_H_
