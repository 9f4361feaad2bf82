// SQLite-specific store behaviour the conformance scripts cannot see: the
// file itself (WAL, integrity, schema bookkeeping) and how opening fails.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <cstdio>
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

// A large first batch into an empty table is a bulk load (secondary indexes
// built at commit, insert-first identity): checked against the same rows
// upserted one by one, which takes the ordinary path.
TEST_F(SqliteStoreTest, BulkLoadMatchesRowByRowUpserts) {
  const std::string reference = path() + ".reference";
  struct Cleanup {
    std::string file;
    ~Cleanup() {
      for (const char* suffix : {"", "-wal", "-shm"}) std::remove((file + suffix).c_str());
    }
  } cleanup{reference};
  const std::vector<Incident> rows = LoadWithRepeats(3000);
  std::vector<WriteOutcome> bulk_outcomes, row_outcomes;
  {
    auto store = Store::Open(reference);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    for (Incident inc : rows) {
      auto o = (*store)->Upsert(&inc, {.who = "import"});
      ASSERT_TRUE(o.ok()) << o.status().ToString();
      row_outcomes.push_back(*o);
    }
  }
  const std::string indexes = IndexSql(reference);
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
  auto ref = Store::Open(reference);
  ASSERT_TRUE(bulk.ok() && ref.ok());
  std::vector<Incident> a, b;
  ASSERT_TRUE((*bulk)->Scan({}, [&](const Incident& inc) { a.push_back(inc); return Status::Ok(); }).ok());
  ASSERT_TRUE((*ref)->Scan({}, [&](const Incident& inc) { b.push_back(inc); return Status::Ok(); }).ok());
  ASSERT_EQ(a.size(), 2400u);
  EXPECT_TRUE(a == b);
  for (int64_t id : {int64_t{1}, int64_t{750}, int64_t{2400}}) {
    auto ha = (*bulk)->History(id);
    auto hb = (*ref)->History(id);
    ASSERT_TRUE(ha.ok() && hb.ok());
    ASSERT_EQ(ha->size(), hb->size()) << id;
    for (size_t v = 0; v < ha->size(); ++v) EXPECT_TRUE((*ha)[v].incident == (*hb)[v].incident) << id << " v" << v;
  }
  Filter edited;
  edited.text = "\"edited later\"";
  EXPECT_EQ(*(*bulk)->Count(edited), 600);
  EXPECT_EQ(*(*ref)->Count(edited), 600);
  Filter range;
  range.date_from = 18262 + 100;
  range.date_to = 18262 + 199;
  EXPECT_EQ(*(*bulk)->Count(range), *(*ref)->Count(range));
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
