// SQLite-specific store behaviour the conformance scripts cannot see: the
// file itself (WAL, integrity, schema bookkeeping) and how opening fails.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <fstream>
#include <random>

#include "faultline/store.h"
#include "store/migrations.h"
#include "store/store_test_env.h"

namespace faultline {
namespace {

Incident Sample(int n) {
  Incident inc;
  inc.source_key = "test:" + std::to_string(n);
  inc.date = inc.date_end = 18262 + n;  // 2020-01-01 + n
  inc.country = n % 2 ? "PK" : "AF";
  inc.admin1 = "Khyber Pakhtunkhwa";
  inc.notes = "sample incident number " + std::to_string(n);
  inc.license = "project";
  inc.casualties.Killed(CasualtyCategory::kCivilians).best = n % 7;
  return inc;
}

// Runs `sql` on a separate connection and returns the first column of the
// first row ("(none)" without rows).
std::string Query(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) return "(cannot open)";
  sqlite3_stmt* s = nullptr;
  std::string v;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) {
    v = std::string("(error) ") + sqlite3_errmsg(db);
  } else {
    int rc = sqlite3_step(s);
    v = rc == SQLITE_ROW ? reinterpret_cast<const char*>(sqlite3_column_text(s, 0)) : "(none)";
  }
  sqlite3_finalize(s);
  sqlite3_close(db);
  return v;
}

class SqliteStoreTest : public testing::Test {
 protected:
  void SetUp() override {
    auto db = TestDatabase::Create("sqlite", testing::UnitTest::GetInstance()->current_test_info()->name());
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
  }
  const std::string& path() const { return db_->sqlite_path(); }
  // A second database beside path(), removed with it: what a batch is
  // checked against.
  std::string reference_path() const { return path() + ".reference"; }
  // Upserts `rows` one by one into reference_path() (the ordinary path)
  // and returns their outcomes; a failure is reported and ends the list
  // early.
  std::vector<WriteOutcome> UpsertReference(const std::vector<Incident>& rows) const {
    std::vector<WriteOutcome> outcomes;
    auto store = Store::Open(reference_path());
    if (!store.ok()) {
      ADD_FAILURE() << store.status().ToString();
      return outcomes;
    }
    for (Incident inc : rows) {
      auto o = (*store)->Upsert(&inc, {.who = "import"});
      if (!o.ok()) {
        ADD_FAILURE() << o.status().ToString();
        return outcomes;
      }
      outcomes.push_back(*o);
    }
    return outcomes;
  }
  std::unique_ptr<TestDatabase> db_;
};

TEST_F(SqliteStoreTest, FileIsWalAndPassesIntegrityCheck) {
  {
    auto store = Store::Open(path());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    EXPECT_EQ((*store)->Backend(), "sqlite");
    ASSERT_TRUE((*store)->Begin().ok());
    for (int i = 0; i < 200; ++i) {
      Incident inc = Sample(i);
      ASSERT_TRUE((*store)->Upsert(&inc, {}).ok());
    }
    ASSERT_TRUE((*store)->Commit().ok());
    // Edits exercise the FTS and key triggers.
    Incident inc = Sample(3);
    inc.notes = "rewritten";
    inc.source_key = "test:renamed";
    inc.id = 4;
    ASSERT_TRUE((*store)->Update(inc, 1, {}).ok());
  }
  EXPECT_EQ(Query(path(), "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(Query(path(), "PRAGMA page_size"), "16384");
  EXPECT_EQ(Query(path(), "PRAGMA integrity_check"), "ok");
  EXPECT_EQ(Query(path(), "PRAGMA foreign_key_check"), "(none)");
  EXPECT_EQ(Query(path(), "INSERT INTO incidents_fts (incidents_fts) VALUES ('integrity-check')"), "(none)");
  EXPECT_EQ(Query(path(), "SELECT COUNT(*) FROM incident_keys"), "200");
  EXPECT_EQ(Query(path(), "SELECT incident_id FROM incident_keys WHERE source_key = 'test:renamed'"), "4");
  EXPECT_EQ(Query(path(), "SELECT COUNT(*) FROM incident_history"), "201");
}

// 16 KiB pages are for new files only: an existing database keeps its own.
TEST_F(SqliteStoreTest, ExistingFileKeepsItsPageSize) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path().c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "PRAGMA page_size = 4096; CREATE TABLE older (a)", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  {
    auto store = Store::Open(path());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    Incident inc = Sample(1);
    ASSERT_TRUE((*store)->Upsert(&inc, {}).ok());
  }
  EXPECT_EQ(Query(path(), "PRAGMA page_size"), "4096");
  EXPECT_EQ(Query(path(), "PRAGMA integrity_check"), "ok");
}

TEST_F(SqliteStoreTest, SchemaVersionIsRecordedOnce) {
  for (int round = 0; round < 2; ++round) {
    auto store = Store::Open(path());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    auto version = (*store)->SchemaVersion();
    ASSERT_TRUE(version.ok()) << version.status().ToString();
    EXPECT_EQ(*version, SqliteMigrations().back().version);
  }
  EXPECT_EQ(Query(path(), "SELECT COUNT(*) FROM schema_migrations"), std::to_string(SqliteMigrations().size()));
  EXPECT_EQ(Query(path(), "SELECT applied_at GLOB '[0-9][0-9][0-9][0-9]-*Z' FROM schema_migrations LIMIT 1"), "1");
}

// Migration numbers may have gaps that a later build fills (parallel
// branches reserve numbers): a migration below the latest one applied still
// runs when it has not run yet.
TEST_F(SqliteStoreTest, MigrationBelowTheLatestStillRuns) {
  { ASSERT_TRUE(Store::Open(path()).ok()); }
  // As if the database had been made by a build without migration 2.
  EXPECT_EQ(Query(path(), "DROP TABLE phases"), "(none)");
  EXPECT_EQ(Query(path(), "DELETE FROM schema_migrations WHERE version = 2"), "(none)");
  auto store = Store::Open(path());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto phases = (*store)->Phases();
  EXPECT_TRUE(phases.ok()) << phases.status().ToString();
  EXPECT_EQ(Query(path(), "SELECT COUNT(*) FROM schema_migrations"), std::to_string(SqliteMigrations().size()));
}

TEST_F(SqliteStoreTest, NewerSchemaIsRefused) {
  ASSERT_TRUE(Store::Open(path()).ok());
  Query(path(), "INSERT INTO schema_migrations (version, applied_at) VALUES (999, 'later')");
  auto store = Store::Open(path());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kFailedPrecondition) << store.status().ToString();
}

TEST_F(SqliteStoreTest, GarbageFileIsDataLoss) {
  {
    std::ofstream out(path(), std::ios::binary);
    std::mt19937 rng(7);
    for (int i = 0; i < 8192; ++i) out.put(static_cast<char>(rng()));
  }
  auto store = Store::Open(path());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kDataLoss) << store.status().ToString();
}

TEST_F(SqliteStoreTest, UnopenablePathIsIoError) {
  auto store = Store::Open(path() + ".missing-dir/x.db");
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kIoError) << store.status().ToString();
}

TEST_F(SqliteStoreTest, PrefixesNameTheSameFile) {
  {
    auto store = Store::Open("sqlite:" + path());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    Incident inc = Sample(1);
    ASSERT_TRUE((*store)->Upsert(&inc, {}).ok());
  }
  auto store = Store::Open("file:" + path());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto count = (*store)->Count({});
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 1);
  EXPECT_EQ(Store::Open("").status().code(), StatusCode::kInvalidArgument);
}

TEST_F(SqliteStoreTest, ScanStreamsThousandsOfRowsInIdOrder) {
  auto store = Store::Open(path());
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Begin().ok());
  for (int i = 0; i < 2500; ++i) {
    Incident inc = Sample(i);
    ASSERT_TRUE((*store)->Upsert(&inc, {}).ok());
  }
  ASSERT_TRUE((*store)->Commit().ok());
  int64_t last = 0, n = 0;
  ASSERT_TRUE((*store)
                  ->Scan({}, [&](const Incident& inc) {
                    EXPECT_GT(inc.id, last);
                    last = inc.id;
                    ++n;
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(n, 2500);
}

TEST_F(SqliteStoreTest, SinkMayWriteDuringScan) {
  auto store = Store::Open(path());
  ASSERT_TRUE(store.ok());
  for (int i = 0; i < 3; ++i) {
    Incident inc = Sample(i);
    ASSERT_TRUE((*store)->Upsert(&inc, {}).ok());
  }
  Status s = (*store)->Scan({}, [&](const Incident& inc) {
    Incident edited = inc;
    edited.notes += " (reviewed)";
    return (*store)->Update(edited, inc.version, {.who = "reviewer"}).status();
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
  auto got = (*store)->Get(2);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->version, 2);
  EXPECT_EQ(got->notes, "sample incident number 1 (reviewed)");
}

// The incidents of a load with repeated keys: `n` rows, every fifth one a
// later edit of an earlier row's key (different notes), so a batch both
// inserts and updates.
std::vector<Incident> LoadWithRepeats(int n) {
  std::vector<Incident> rows;
  for (int i = 0; i < n; ++i) {
    Incident inc = Sample(i % 5 == 4 ? i - 3 : i);
    if (i % 5 == 4) inc.notes = "edited later in the same file, row " + std::to_string(i);
    rows.push_back(std::move(inc));
  }
  return rows;
}

std::string IndexSql(const std::string& path) {
  return Query(path, "SELECT group_concat(sql, '; ') FROM (SELECT sql FROM sqlite_schema WHERE type = 'index' AND "
                     "tbl_name = 'incidents' AND sql IS NOT NULL ORDER BY name)");
}

// `a` and `b` hold the same `n` incidents, and the same history for `ids`.
void ExpectSameIncidents(Store* a, Store* b, size_t n, std::initializer_list<int64_t> ids) {
  std::vector<Incident> in_a, in_b;
  ASSERT_TRUE(a->Scan({}, [&](const Incident& inc) { in_a.push_back(inc); return Status::Ok(); }).ok());
  ASSERT_TRUE(b->Scan({}, [&](const Incident& inc) { in_b.push_back(inc); return Status::Ok(); }).ok());
  ASSERT_EQ(in_a.size(), n);
  EXPECT_TRUE(in_a == in_b);
  for (int64_t id : ids) {
    auto ha = a->History(id);
    auto hb = b->History(id);
    ASSERT_TRUE(ha.ok() && hb.ok());
    ASSERT_EQ(ha->size(), hb->size()) << id;
    for (size_t v = 0; v < ha->size(); ++v) EXPECT_TRUE((*ha)[v].incident == (*hb)[v].incident) << id << " v" << v;
  }
}

// A large first batch into an empty table is a bulk load (secondary indexes
// built at commit, insert-first identity): checked against the same rows
// upserted one by one, which takes the ordinary path.
TEST_F(SqliteStoreTest, BulkLoadMatchesRowByRowUpserts) {
  const std::vector<Incident> rows = LoadWithRepeats(3000);
  const std::vector<WriteOutcome> row_outcomes = UpsertReference(rows);
  ASSERT_EQ(row_outcomes.size(), rows.size());
  std::vector<WriteOutcome> bulk_outcomes;
  const std::string indexes = IndexSql(reference_path());
  {
    auto store = Store::Open(path());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    ASSERT_TRUE((*store)->Begin().ok());
    std::vector<Incident> batch(rows.begin(), rows.begin() + 2000), rest(rows.begin() + 2000, rows.end());
    ASSERT_TRUE((*store)->UpsertBatch(batch, {.who = "import"}, &bulk_outcomes).ok());
    // Inside the load the indexes are gone for this connection only: another
    // one still sees the committed schema.
    EXPECT_EQ(IndexSql(path()), indexes);
    ASSERT_TRUE((*store)->UpsertBatch(rest, {.who = "import"}, &bulk_outcomes).ok());
    ASSERT_TRUE((*store)->Commit().ok());
  }
  EXPECT_EQ(bulk_outcomes, row_outcomes);
  EXPECT_EQ(std::count(bulk_outcomes.begin(), bulk_outcomes.end(), WriteOutcome::kUpdated), 600);
  EXPECT_EQ(IndexSql(path()), indexes);
  // The text index merges at FTS5's default again once the load commits.
  EXPECT_EQ(Query(path(), "SELECT v FROM incidents_fts_config WHERE k = 'automerge'"), "4");
  EXPECT_EQ(Query(path(), "PRAGMA integrity_check"), "ok");
  EXPECT_EQ(Query(path(), "INSERT INTO incidents_fts (incidents_fts) VALUES ('integrity-check')"), "(none)");
  auto bulk = Store::Open(path());
  auto ref = Store::Open(reference_path());
  ASSERT_TRUE(bulk.ok() && ref.ok());
  ExpectSameIncidents(bulk->get(), ref->get(), 2400, {1, 750, 2400});
  Filter edited;
  edited.text = "\"edited later\"";
  EXPECT_EQ(*(*bulk)->Count(edited), 600);
  EXPECT_EQ(*(*ref)->Count(edited), 600);
  Filter range;
  range.date_from = 18262 + 100;
  range.date_to = 18262 + 199;
  EXPECT_EQ(*(*bulk)->Count(range), *(*ref)->Count(range));
}

// A load whose rows carry sources (outlets, headlines) beside their notes;
// a repeated key changes its headline.
std::vector<Incident> LoadWithSources(int n) {
  std::vector<Incident> rows = LoadWithRepeats(n);
  for (size_t i = 0; i < rows.size(); ++i) {
    Incident& inc = rows[i];
    if (i % 3 == 0) inc.sources.push_back({.outlet = "Dawn", .url = "https://example.org/" + std::to_string(i),
                                           .headline = i % 5 == 4 ? "Corrected toll" : "Blast in Peshawar market"});
    if (i % 3 == 1) inc.sources.push_back({.outlet = "Express Tribune"});
  }
  return rows;
}

// What text searches find, one count per query.
std::vector<int64_t> TextCounts(Store* store) {
  std::vector<int64_t> counts;
  for (const char* q : {"dawn", "\"express tribune\"", "peshawar", "\"corrected toll\"", "\"edited later\"", "sample",
                        "tribune dawn", "nowhere"}) {
    Filter f;
    f.text = q;
    auto n = store->Count(f);
    counts.push_back(n.ok() ? *n : -1);
  }
  return counts;
}

// UpsertRenderedBatch (the sources' JSON and search words made by the
// caller, as faultline import does on its reader thread) stores and indexes
// what Upsert does row by row, through the bulk path and the ordinary one.
TEST_F(SqliteStoreTest, RenderedBatchMatchesRowByRowUpserts) {
  const std::vector<Incident> rows = LoadWithSources(3000);
  const std::vector<WriteOutcome> row_outcomes = UpsertReference(rows);
  ASSERT_EQ(row_outcomes.size(), rows.size());
  std::vector<WriteOutcome> rendered_outcomes;
  {
    auto store = Store::Open(path());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    std::vector<Incident> first(rows.begin(), rows.begin() + 2000), rest(rows.begin() + 2000, rows.end());
    std::vector<IncidentText> first_texts(first.size()), rest_texts(rest.size());
    for (size_t i = 0; i < first.size(); ++i) RenderIncidentText(first[i], &first_texts[i]);
    for (size_t i = 0; i < rest.size(); ++i) RenderIncidentText(rest[i], &rest_texts[i]);
    std::vector<WriteOutcome> none;
    EXPECT_EQ((*store)
                  ->UpsertRenderedBatch(first, std::span<const IncidentText>(first_texts).first(3), {}, &none)
                  .code(),
              StatusCode::kInvalidArgument);
    EXPECT_TRUE(none.empty());
    ASSERT_TRUE((*store)->Begin().ok());
    ASSERT_TRUE((*store)->UpsertRenderedBatch(first, first_texts, {.who = "import"}, &rendered_outcomes).ok());
    ASSERT_TRUE((*store)->Commit().ok());
    // The rest outside a bulk load (the table is no longer empty), in an
    // implicit transaction.
    ASSERT_TRUE((*store)->UpsertRenderedBatch(rest, rest_texts, {.who = "import"}, &rendered_outcomes).ok());
  }
  EXPECT_EQ(rendered_outcomes, row_outcomes);
  EXPECT_EQ(Query(path(), "INSERT INTO incidents_fts (incidents_fts) VALUES ('integrity-check')"), "(none)");
  auto rendered = Store::Open(path());
  auto ref = Store::Open(reference_path());
  ASSERT_TRUE(rendered.ok() && ref.ok());
  ExpectSameIncidents(rendered->get(), ref->get(), 2400, {1, 4, 2400});
  const std::vector<int64_t> counts = TextCounts(rendered->get());
  EXPECT_EQ(counts, TextCounts(ref->get()));
  // Notes words and sources words (outlets, headlines) are both found; a
  // headline replaced by a later row of the same key is not.
  EXPECT_EQ(counts[0], 800);     // "dawn": rows 0, 3, 6, ... as their keys last wrote them
  EXPECT_EQ(counts[1], 800);     // "express tribune"
  EXPECT_GT(counts[2], 0);       // "peshawar", a headline word
  EXPECT_GT(counts[3], 0);       // "corrected toll"
  EXPECT_EQ(counts[4], 600);     // "edited later", a notes phrase
  EXPECT_EQ(counts[5], 2400 - 600);
  EXPECT_EQ(counts[6], 0);       // no row has both outlets
  EXPECT_EQ(counts[7], 0);
}

// Migration 0010 made the text index anew without per-row column sizes and
// refilled it from `incidents`: a database whose index is the older one
// (here: emptied, so only the refill can find anything) finds what it found
// before, notes and sources alike.
TEST_F(SqliteStoreTest, TextIndexMigrationRefillsTheIndex) {
  std::vector<int64_t> before;
  {
    auto store = Store::Open(path());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    std::vector<Incident> rows = LoadWithSources(1500);
    std::vector<WriteOutcome> outcomes;
    ASSERT_TRUE((*store)->UpsertBatch(rows, {}, &outcomes).ok());
    // A merge adds a source to a stored incident (the text index follows).
    Incident report;
    report.sources.push_back({.outlet = "Geo News", .url = "https://example.org/geo", .headline = "Peshawar"});
    auto merged = (*store)->MergeReport(1, 1, report, {});
    ASSERT_TRUE(merged.ok()) << merged.status().ToString();
    before = TextCounts(store->get());
    Filter geo;
    geo.text = "\"geo news\"";
    EXPECT_EQ(*(*store)->Count(geo), 1);
  }
  ASSERT_GT(before[0], 0);
  ASSERT_GT(before[4], 0);
  EXPECT_NE(Query(path(), "SELECT sql FROM sqlite_schema WHERE name = 'incidents_fts'").find("columnsize = 0"),
            std::string::npos);
  // As a build before migration 0010 left it.
  EXPECT_EQ(Query(path(), "DROP TABLE incidents_fts"), "(none)");
  EXPECT_EQ(Query(path(), "CREATE VIRTUAL TABLE incidents_fts USING fts5 (notes, sources, content = '', "
                          "tokenize = 'unicode61')"),
            "(none)");
  EXPECT_EQ(Query(path(), "DELETE FROM schema_migrations WHERE version = 10"), "(none)");
  {
    auto store = Store::Open(path());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    EXPECT_EQ(TextCounts(store->get()), before);
    Filter geo;
    geo.text = "\"geo news\"";
    EXPECT_EQ(*(*store)->Count(geo), 1);
  }
  EXPECT_NE(Query(path(), "SELECT sql FROM sqlite_schema WHERE name = 'incidents_fts'").find("columnsize = 0"),
            std::string::npos);
  EXPECT_EQ(Query(path(), "SELECT name FROM sqlite_schema WHERE name = 'incidents_fts_docsize'"), "(none)");
  EXPECT_EQ(Query(path(), "INSERT INTO incidents_fts (incidents_fts) VALUES ('integrity-check')"), "(none)");
  EXPECT_EQ(Query(path(), "PRAGMA integrity_check"), "ok");
}

// Stored sources the refill cannot decode stop the migration with the
// reason, and leave the database as it was.
TEST_F(SqliteStoreTest, TextIndexMigrationRefusesUndecodableSources) {
  {
    auto store = Store::Open(path());
    ASSERT_TRUE(store.ok());
    Incident inc = Sample(1);
    ASSERT_TRUE((*store)->Upsert(&inc, {}).ok());
  }
  EXPECT_EQ(Query(path(), "UPDATE incidents SET sources = '[{\"outlet\": 5' WHERE id = 1"), "(none)");
  EXPECT_EQ(Query(path(), "DELETE FROM schema_migrations WHERE version = 10"), "(none)");
  auto store = Store::Open(path());
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.status().ToString().find("0010"), std::string::npos) << store.status().ToString();
  EXPECT_NE(store.status().ToString().find("sources"), std::string::npos) << store.status().ToString();
  EXPECT_EQ(Query(path(), "SELECT COUNT(*) FROM schema_migrations WHERE version = 10"), "0");
}

TEST_F(SqliteStoreTest, RolledBackBulkLoadKeepsTheIndexes) {
  { ASSERT_TRUE(Store::Open(path()).ok()); }
  const std::string indexes = IndexSql(path());
  ASSERT_NE(indexes.find("incidents_date_start"), std::string::npos);
  auto store = Store::Open(path());
  ASSERT_TRUE(store.ok());
  std::vector<Incident> rows = LoadWithRepeats(1500);
  std::vector<WriteOutcome> outcomes;
  ASSERT_TRUE((*store)->Begin().ok());
  ASSERT_TRUE((*store)->UpsertBatch(rows, {}, &outcomes).ok());
  ASSERT_TRUE((*store)->Rollback().ok());
  EXPECT_EQ(IndexSql(path()), indexes);
  EXPECT_EQ(Query(path(), "SELECT v FROM incidents_fts_config WHERE k = 'automerge'"), "(none)");
  EXPECT_EQ(*(*store)->Count({}), 0);
  // The next transaction loads again, and commits with every index.
  outcomes.clear();
  ASSERT_TRUE((*store)->Begin().ok());
  ASSERT_TRUE((*store)->UpsertBatch(rows, {}, &outcomes).ok());
  ASSERT_TRUE((*store)->Commit().ok());
  EXPECT_EQ(IndexSql(path()), indexes);
  EXPECT_EQ(*(*store)->Count({}), 1200);
}

}  // namespace
}  // namespace faultline
