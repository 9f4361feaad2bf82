// PostgreSQL-specific store behaviour: connection failures, the
// Citus-compatible shape of the schema, cursors past one FETCH, and what a
// database error does to an explicit transaction.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <optional>
#include <pqxx/pqxx>

#include "faultline/store.h"
#include "model/incident_json.h"
#include "store/columns.h"
#include "store/migrations.h"
#include "store/store_test_env.h"
#include "support/pg_server.h"

namespace faultline {
namespace {

Incident Sample(int n) {
  Incident inc;
  inc.source_key = "test:" + std::to_string(n);
  inc.date = inc.date_end = 18262 + n;  // 2020-01-01 + n
  inc.country = n % 2 ? "PK" : "AF";
  inc.notes = "sample incident number " + std::to_string(n);
  inc.license = "project";
  return inc;
}

TEST(PostgresStoreOpen, UnreachableServerIsUnavailable) {
  // Port 1 on loopback: nothing listens there.
  auto store = Store::Open("postgresql://postgres@127.0.0.1:1/faultline?connect_timeout=5");
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kUnavailable) << store.status().ToString();
}

class PostgresStoreTest : public testing::Test {
 protected:
  void SetUp() override {
    if (PgTestServer::SkipRequested()) GTEST_SKIP() << "FAULTLINE_SKIP_POSTGRES=1";
    auto db = TestDatabase::Create("postgresql", testing::UnitTest::GetInstance()->current_test_info()->name());
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
    auto store = Store::Open(db_->uri());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
  }
  std::string Query(const std::string& sql) {
    pqxx::connection c(db_->uri());
    pqxx::nontransaction tx(c);
    pqxx::result r = tx.exec(sql);
    return r.empty() || r[0][0].is_null() ? "(none)" : r[0][0].c_str();
  }
  std::unique_ptr<TestDatabase> db_;
  std::unique_ptr<Store> store_;
};

// A batch with many new incidents goes through COPY and the staging
// table: text that COPY's format must escape (tabs, newlines, backslashes,
// a literal \N), absent values, and ids in row order; the same batch again
// is all unchanged, and edited rows become version 2 with their history.
TEST_F(PostgresStoreTest, LargeBatchGoesThroughCopyUnchanged) {
  std::vector<Incident> rows;
  for (int i = 0; i < 300; ++i) {
    Incident inc = Sample(i);
    if (i % 3 == 0) inc.notes = "tab\there, newline\nthere, CR\r, backslash \\ and \\N, quote \" and {brace}";
    if (i % 3 == 1) {
      inc.lat = 34.0 + i / 1000.0;
      inc.lon = 71.5;
      inc.casualties.Killed(CasualtyCategory::kCivilians) = {1, 2, 3};
      Source src;
      src.outlet = "Dawn\t";
      src.headline = "line\nbreak \\N";
      inc.sources.push_back(src);
    }
    if (i == 7) inc.source_key.clear();  // keyless rows are inserted too
    rows.push_back(std::move(inc));
  }
  std::vector<Incident> batch = rows;
  std::vector<WriteOutcome> outcomes;
  ASSERT_TRUE(store_->Begin().ok());
  Status s = store_->UpsertBatch(batch, {.who = "import", .reason = "bulk"}, &outcomes);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_TRUE(store_->Commit().ok());
  ASSERT_EQ(outcomes.size(), rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(outcomes[i], WriteOutcome::kInserted) << i;
    if (i > 0) {
      EXPECT_GT(batch[i].id, batch[i - 1].id) << i;
    }
    auto got = store_->Get(batch[i].id);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    Incident want = rows[i];
    want.id = batch[i].id;
    want.version = 1;
    EXPECT_TRUE(*got == want) << i << ": " << got->notes;
  }
  EXPECT_EQ(Query("SELECT count(*) FROM incident_keys"), "299");
  EXPECT_EQ(Query("SELECT count(*) FROM incident_history WHERE version = 1 AND reason = 'bulk'"), "300");

  batch = rows;
  for (int i = 0; i < 100; ++i) batch[static_cast<size_t>(i)].notes += " (edited)";
  outcomes.clear();
  s = store_->UpsertBatch(batch, {.who = "import"}, &outcomes);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(std::count(outcomes.begin(), outcomes.end(), WriteOutcome::kUpdated), 99);  // the keyless row is new
  EXPECT_EQ(std::count(outcomes.begin(), outcomes.end(), WriteOutcome::kUnchanged), 200);
  auto history = store_->History(batch[0].id);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].incident.notes, rows[0].notes);
  EXPECT_EQ((*history)[1].incident.notes, rows[0].notes + " (edited)");
}

TEST_F(PostgresStoreTest, SchemaIsCitusShaped) {
  EXPECT_EQ(store_->Backend(), "postgresql");
  auto version = store_->SchemaVersion();
  ASSERT_TRUE(version.ok()) << version.status().ToString();
  EXPECT_EQ(*version, PostgresMigrations().back().version);
  // incidents is range-partitioned on date_start, with a default partition.
  EXPECT_EQ(Query("SELECT partstrat FROM pg_partitioned_table WHERE partrelid = 'incidents'::regclass"), "r");
  EXPECT_EQ(Query("SELECT COUNT(*) FROM pg_inherits WHERE inhparent = 'incidents'::regclass"), "8");
  EXPECT_EQ(Query("SELECT pg_get_expr(relpartbound, oid) FROM pg_class WHERE relname = 'incidents_default'"),
            "DEFAULT");
  // Every primary or unique key of a distributed table holds `country`.
  const char* keys =
      "SELECT string_agg(c.conrelid::regclass::text || ':' || c.conname, ' ') FROM pg_constraint c"
      " WHERE c.contype IN ('p', 'u') AND c.conrelid IN ('incidents'::regclass, 'incident_history'::regclass,"
      " 'incident_keys'::regclass) AND NOT EXISTS (SELECT 1 FROM unnest(c.conkey) k JOIN pg_attribute a"
      " ON a.attrelid = c.conrelid AND a.attnum = k WHERE a.attname = 'country')";
  EXPECT_EQ(Query(keys), "(none)");
  EXPECT_EQ(Query("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'incidents_pkey'"),
            "PRIMARY KEY (country, id, date_start)");
  // Reopening does not run the migration again.
  auto again = Store::Open(db_->uri());
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(Query("SELECT COUNT(*) FROM schema_migrations"), std::to_string(PostgresMigrations().size()));
}

TEST_F(PostgresStoreTest, RowsLandInTheirDatePartition) {
  Incident old = Sample(0);
  old.date = old.date_end = -3650;  // 1960: before the first decade partition
  ASSERT_TRUE(store_->Upsert(&old, {}).ok());
  Incident recent = Sample(1);  // 2020
  ASSERT_TRUE(store_->Upsert(&recent, {}).ok());
  EXPECT_EQ(Query("SELECT tableoid::regclass::text FROM incidents WHERE id = " + std::to_string(old.id)),
            "incidents_default");
  EXPECT_EQ(Query("SELECT tableoid::regclass::text FROM incidents WHERE id = " + std::to_string(recent.id)),
            "incidents_2020s");
  // A date edit moves the row to the other partition.
  recent.date = recent.date_end = 14700;  // 2010
  ASSERT_TRUE(store_->Update(recent, 1, {}).ok());
  EXPECT_EQ(Query("SELECT tableoid::regclass::text FROM incidents WHERE id = " + std::to_string(recent.id)),
            "incidents_2010s");
}

TEST_F(PostgresStoreTest, ScanFetchesPastOneChunk) {
  ASSERT_TRUE(store_->Begin().ok());
  for (int i = 0; i < 2500; ++i) {
    Incident inc = Sample(i);
    ASSERT_TRUE(store_->Upsert(&inc, {}).ok());
  }
  ASSERT_TRUE(store_->Commit().ok());
  int64_t last = 0, n = 0;
  ASSERT_TRUE(store_
                  ->Scan({}, [&](const Incident& inc) {
                    EXPECT_GT(inc.id, last);
                    last = inc.id;
                    ++n;
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(n, 2500);
  int64_t facts = 0;
  ASSERT_TRUE(store_->ScanFacts({}, [&](const IncidentFacts&) { ++facts; }).ok());
  EXPECT_EQ(facts, 2500);
}

TEST_F(PostgresStoreTest, SinkMayReadDuringScan) {
  Incident a = Sample(1), b = Sample(2);
  ASSERT_TRUE(store_->Upsert(&a, {}).ok());
  ASSERT_TRUE(store_->Upsert(&b, {}).ok());
  int seen = 0;
  Status s = store_->Scan({}, [&](const Incident& inc) {
    auto got = store_->Get(inc.id);
    if (!got.ok()) return got.status();
    ++seen;
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(seen, 2);
}

// faultline import hands every backend its batches with their texts
// rendered (Store::UpsertRenderedBatch); PostgreSQL renders its own and
// stores what UpsertBatch stores, sources and text search included.
TEST_F(PostgresStoreTest, RenderedBatchStoresWhatTheBatchStores) {
  std::vector<Incident> rows;
  for (int i = 0; i < 40; ++i) {
    Incident inc = Sample(i % 30);  // ten keys repeat: updates
    if (i >= 30) inc.notes += " edited";
    inc.sources.push_back({.outlet = i % 2 ? "Dawn" : "Express Tribune", .headline = "Blast in Peshawar"});
    rows.push_back(std::move(inc));
  }
  std::vector<IncidentText> texts(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) RenderIncidentText(rows[i], &texts[i]);
  std::vector<WriteOutcome> outcomes;
  EXPECT_EQ(store_->UpsertRenderedBatch(rows, std::span<const IncidentText>(texts).first(1), {}, &outcomes).code(),
            StatusCode::kInvalidArgument);
  ASSERT_TRUE(store_->Begin().ok());
  ASSERT_TRUE(store_->UpsertRenderedBatch(rows, texts, {}, &outcomes).ok());
  ASSERT_TRUE(store_->Commit().ok());
  ASSERT_EQ(outcomes.size(), 40u);
  EXPECT_EQ(std::count(outcomes.begin(), outcomes.end(), WriteOutcome::kUpdated), 10);
  auto got = store_->Get(rows[5].id);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->sources, rows[5].sources);
  for (auto [q, n] : std::initializer_list<std::pair<const char*, int64_t>>{
           {"dawn", 15}, {"\"express tribune\"", 15}, {"peshawar", 30}, {"edited", 10}}) {
    Filter f;
    f.text = q;
    EXPECT_EQ(*store_->Count(f), n) << q;
  }
}

// Incident n with 1 to 4 sources, outlets and headlines differing by row,
// so that a row written with another row's text would show.
Incident SampleWithSources(int n) {
  static constexpr std::array<const char*, 4> kOutlets = {"Dawn", "Express Tribune", "Geo News", "BBC Urdu"};
  Incident inc = Sample(n);
  for (int k = 0; k <= n % 4; ++k) {
    inc.sources.push_back({.outlet = kOutlets[static_cast<size_t>((n + k) % 4)],
                           .url = "https://example.org/" + std::to_string(n) + "/" + std::to_string(k),
                           .headline = "Blast near checkpoint " + std::to_string(n * 10 + k)});
  }
  return inc;
}

// What the batch writes of every incident, in id order: its sources as
// stored and their words in the text index's column.
std::string StoredTexts(const std::string& uri) {
  pqxx::connection c(uri);
  pqxx::nontransaction tx(c);
  pqxx::result r = tx.exec(
      "SELECT string_agg(id || ' ' || version || ' ' || sources::text || ' | ' || sources_text, E'\\n' ORDER BY id)"
      " FROM incidents");
  return r[0][0].is_null() ? "" : r[0][0].c_str();
}

// UpsertRenderedBatch writes from the caller's texts what UpsertBatch
// writes from its own, in each of its paths: COPY (a first batch of 100 new
// incidents), array parameters (a second batch with a few new ones among
// unchanged and changed ones, and a repeated key: two runs), and the
// update and move (country changed) of a stored incident.
TEST_F(PostgresStoreTest, RenderedBatchWritesWhatTheBatchWritesInEveryPath) {
  auto other_db = TestDatabase::Create("postgresql", "rendered_batch_reference");
  ASSERT_TRUE(other_db.ok()) << other_db.status().ToString();
  auto other = Store::Open((*other_db)->uri());
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  std::vector<Incident> first, second;
  for (int i = 0; i < 100; ++i) first.push_back(SampleWithSources(i));
  for (int i = 0; i < 30; ++i) {
    Incident inc = SampleWithSources(i * 5);  // 20 stored (some changed below), 10 new
    if (i % 3 == 0) inc.sources.push_back({.outlet = "Reuters", .headline = "Toll rises " + std::to_string(i)});
    if (i % 7 == 0) inc.country = "IR";  // a new distribution key: the stored incident moves
    second.push_back(std::move(inc));
  }
  second.push_back(SampleWithSources(5));  // repeats a key of this batch
  second.back().sources.pop_back();
  std::vector<std::vector<WriteOutcome>> outcomes(2);
  for (auto* batch : {&first, &second}) {
    std::vector<Incident> copy = *batch;
    ASSERT_TRUE((*other)->UpsertBatch(copy, {}, &outcomes[0]).ok());
    std::vector<IncidentText> texts(batch->size());
    for (size_t i = 0; i < batch->size(); ++i) RenderIncidentText((*batch)[i], &texts[i]);
    ASSERT_TRUE(store_->UpsertRenderedBatch(*batch, texts, {}, &outcomes[1]).ok());
    for (size_t i = 0; i < batch->size(); ++i) {
      EXPECT_EQ((*batch)[i].id, copy[i].id) << i;
      EXPECT_EQ((*batch)[i].version, copy[i].version) << i;
    }
  }
  EXPECT_EQ(outcomes[1], outcomes[0]);
  for (WriteOutcome o : {WriteOutcome::kInserted, WriteOutcome::kUpdated, WriteOutcome::kUnchanged}) {
    EXPECT_GT(std::count(outcomes[1].begin() + 100, outcomes[1].end(), o), 0);
  }
  const std::string written = StoredTexts(db_->uri());
  EXPECT_EQ(written, StoredTexts((*other_db)->uri()));
  EXPECT_NE(written.find("Toll rises 27"), std::string::npos);
  Filter f;
  f.text = "\"geo news\" checkpoint";
  EXPECT_EQ(*store_->Count(f), *(*other)->Count(f));
}

// The texts the caller gives are what is written: the writer does not make
// them again. (The contract asks for RenderIncidentText's texts; different
// ones here show which were used, in each path.)
TEST_F(PostgresStoreTest, RenderedBatchWritesTheGivenTexts) {
  for (int n : {3, 100}) {  // array parameters, then COPY
    std::vector<Incident> rows;
    for (int i = 0; i < n; ++i) {
      rows.push_back(SampleWithSources(n * 100 + i));
      rows.back().sources.push_back({.outlet = "AP", .headline = "Second report"});
    }
    std::vector<IncidentText> texts(rows.size());
    for (size_t i = 0; i < rows.size(); ++i) {
      Incident shown = rows[i];
      shown.sources.resize(1);
      RenderIncidentText(shown, &texts[i]);
      texts[i].sources_search_text += " prerendered" + std::to_string(n) + "x" + std::to_string(i);
    }
    std::vector<WriteOutcome> outcomes;
    ASSERT_TRUE(store_->UpsertRenderedBatch(rows, texts, {}, &outcomes).ok());
    for (size_t i = 0; i < rows.size(); i += 37) {
      auto got = store_->Get(rows[i].id);
      ASSERT_TRUE(got.ok()) << got.status().ToString();
      EXPECT_EQ(got->sources.size(), 1u) << n << " rows, row " << i;
      Filter f;
      f.text = "prerendered" + std::to_string(n) + "x" + std::to_string(i);
      std::vector<int64_t> ids;
      auto collect = [&](const Incident& inc) {
        ids.push_back(inc.id);
        return Status::Ok();
      };
      ASSERT_TRUE(store_->Scan(f, collect).ok());
      EXPECT_EQ(ids, std::vector<int64_t>{rows[i].id}) << n << " rows, row " << i;
    }
  }
  // An update binds the given text too.
  Incident changed = SampleWithSources(10000);  // stored by the COPY batch
  changed.notes += " changed";
  IncidentText text;
  RenderIncidentText(changed, &text);
  text.sources_search_text += " prerenderedupdate";
  std::vector<WriteOutcome> outcomes;
  ASSERT_TRUE(store_->UpsertRenderedBatch(std::span(&changed, 1), std::span(&text, 1), {}, &outcomes).ok());
  ASSERT_EQ(outcomes, std::vector<WriteOutcome>{WriteOutcome::kUpdated});
  Filter f;
  f.text = "prerenderedupdate";
  EXPECT_EQ(*store_->Count(f), 1);
}

// A text count other than the incident count is refused before anything is
// written, in or outside a transaction.
TEST_F(PostgresStoreTest, RenderedBatchRefusesAnotherTextCount) {
  std::vector<Incident> rows;
  for (int i = 0; i < 70; ++i) rows.push_back(SampleWithSources(i));
  std::vector<IncidentText> texts(rows.size() + 1);
  for (size_t i = 0; i < rows.size(); ++i) RenderIncidentText(rows[i], &texts[i]);
  std::vector<WriteOutcome> outcomes;
  for (size_t n : {size_t{0}, rows.size() - 1, rows.size() + 1}) {
    EXPECT_EQ(store_->UpsertRenderedBatch(rows, std::span<const IncidentText>(texts).first(n), {}, &outcomes).code(),
              StatusCode::kInvalidArgument)
        << n;
  }
  ASSERT_TRUE(store_->Begin().ok());
  EXPECT_EQ(store_->UpsertRenderedBatch(rows, std::span<const IncidentText>(texts).first(1), {}, &outcomes).code(),
            StatusCode::kInvalidArgument);
  ASSERT_TRUE(store_->Commit().ok());  // the transaction is still usable
  EXPECT_TRUE(outcomes.empty());
  EXPECT_EQ(*store_->Count({}), 0);
  EXPECT_EQ(rows[0].id, 0);
}

TEST_F(PostgresStoreTest, SinkMayWriteDuringScan) {
  for (int i = 0; i < 3; ++i) {
    Incident inc = Sample(i);
    ASSERT_TRUE(store_->Upsert(&inc, {}).ok());
  }
  int64_t second = 0;
  Status s = store_->Scan({}, [&](const Incident& inc) {
    if (second == 0 && inc.notes.ends_with("1")) second = inc.id;
    Incident edited = inc;
    edited.notes += " (reviewed)";
    return store_->Update(edited, inc.version, {.who = "reviewer"}).status();
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
  auto got = store_->Get(second);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->version, 2);
  EXPECT_EQ(got->notes, "sample incident number 1 (reviewed)");
}

TEST_F(PostgresStoreTest, DatabaseErrorEndsTheExplicitTransaction) {
  ASSERT_TRUE(store_->Begin().ok());
  Incident good = Sample(1);
  ASSERT_TRUE(store_->Upsert(&good, {}).ok());
  Incident bad = Sample(2);
  bad.notes = "invalid UTF-8: \xff\xfe";  // PostgreSQL rejects it; SQLite would store it
  auto r = store_->Upsert(&bad, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << r.status().ToString();
  // The transaction is gone: further work is refused until the caller ends it.
  Incident more = Sample(3);
  EXPECT_EQ(store_->Upsert(&more, {}).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->Commit().code(), StatusCode::kFailedPrecondition);
  // Nothing from the failed transaction was kept, and the store works again.
  auto count = store_->Count({});
  ASSERT_TRUE(count.ok()) << count.status().ToString();
  EXPECT_EQ(*count, 0);
  ASSERT_TRUE(store_->Upsert(&more, {}).ok());
}

// Content columns as statement parameters, for writing rows the way a
// store of an older schema did (a Binder for BindContent, columns.h).
class ParamBinder {
 public:
  void Null() { v_.emplace_back(); }
  void Int(int64_t x) { v_.emplace_back(std::to_string(x)); }
  void Real(double x) { v_.emplace_back(std::to_string(x)); }
  void Text(std::string_view x) { v_.emplace_back(std::string(x)); }
  auto dynamic() const { return pqxx::prepare::make_dynamic_params(v_); }

 private:
  std::vector<std::optional<std::string>> v_;
};

// Migration 0011 (the text index over sources_text; incident_keys keyed by
// source_key alone): a database at schema 10 holding rows the old schema
// indexed answers every text search the same after the upgrade, and
// re-importing a row then updates it (found by its key) rather than adding
// a second incident.
TEST(PostgresStoreMigration, UpgradeTo11KeepsSearchResultsAndKeys) {
  if (PgTestServer::SkipRequested()) GTEST_SKIP() << "FAULTLINE_SKIP_POSTGRES=1";
  auto db = TestDatabase::Create("postgresql", "upgrade_to_11");
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  const std::string uri = (*db)->uri();

  std::vector<Incident> rows;
  auto add = [&](std::string notes, std::vector<std::pair<std::string, std::string>> sources) {
    Incident inc = Sample(static_cast<int>(rows.size()));
    inc.notes = std::move(notes);
    for (auto& [outlet, headline] : sources) {
      Source src;
      src.outlet = outlet;
      src.headline = headline;
      inc.sources.push_back(src);
    }
    rows.push_back(std::move(inc));
  };
  add("Suicide attack at a checkpoint", {{"Dawn", "Checkpoint attacked in Bannu"}});
  add("", {{"Express Tribune", "Militants ambush convoy"}, {"", "Second report: convoy-ambush near Tank"}});
  add("Market blast; Dawn reports (no headline)", {{"Dawn", ""}});
  add("Notes only, no sources: checkpoint", {});
  add("ends with a hyphen-", {{"-starts", "e-mail press@example.org url http://example.org/x"}});

  {
    pqxx::connection c(uri);
    pqxx::work tx(c);
    tx.exec(
        "CREATE TABLE schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())");
    for (const Migration& m : PostgresMigrations()) {
      if (m.version >= 11) break;
      tx.exec(std::string(m.sql));
      tx.exec_params("INSERT INTO schema_migrations (version) VALUES ($1)", m.version);
    }
    // The rows, their keys and history as the store wrote them before 0011.
    for (const Incident& inc : rows) {
      const std::string sources = SourcesToJson(inc.sources);
      ParamBinder p;
      BindContent(inc, sources, p);
      std::string values;
      for (size_t i = 1; i <= kContentColumns.size(); ++i) values += ", $" + std::to_string(i);
      tx.exec_params("WITH ins AS (INSERT INTO incidents (id, version, " + ContentColumnList() +
                         ", updated_at, updated_by) VALUES (nextval('incident_id_seq'), 1" + values +
                         ", now(), 'old') RETURNING id, country, source_key),"
                         " k AS (INSERT INTO incident_keys (country, source_key, incident_id)"
                         " SELECT country, source_key, id FROM ins)"
                         " INSERT INTO incident_history (country, incident_id, version, changed_at, changed_by)"
                         " SELECT country, id, 1, now(), 'old' FROM ins",
                     p.dynamic());
    }
    tx.commit();
  }
  const std::vector<std::string> queries = {
      "dawn",   "checkpoint", "bannu attacked",  "tribune ambush", "convoy-ambush",
      "tank",   "market",     "hyphen",          "starts",         "press@example.org",
      "second", "nothing",    "dawn checkpoint", "headline"};
  // Each query's ids under the old expression, read before the upgrade.
  std::vector<std::string> before;
  {
    pqxx::connection c(uri);
    pqxx::nontransaction tx(c);
    for (const std::string& q : queries) {
      pqxx::result r = tx.exec_params(
          "SELECT coalesce(string_agg(id::text, ' ' ORDER BY id), '') FROM incidents WHERE"
          " (to_tsvector('simple', notes) || jsonb_to_tsvector('simple', coalesce(jsonb_path_query_array(sources,"
          " '$[*].outlet') || jsonb_path_query_array(sources, '$[*].headline'), '[]'::jsonb), '[\"string\"]'))"
          " @@ plainto_tsquery('simple', $1)",
          q);
      before.push_back(r[0][0].c_str());
    }
  }
  // The old index found something for most queries: the comparison below is not vacuous.
  EXPECT_EQ(before[0], "1 3");
  EXPECT_EQ(before[4], "2");
  EXPECT_EQ(before[11], "");

  auto store = Store::Open(uri);  // runs 0011
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  for (size_t i = 0; i < queries.size(); ++i) {
    Filter f;
    f.text = queries[i];
    std::string ids;
    Status s = (*store)->Scan(f, [&](const Incident& inc) {
      if (!ids.empty()) ids += ' ';
      ids += std::to_string(inc.id);
      return Status::Ok();
    });
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ(ids, before[i]) << queries[i];
  }
  pqxx::connection c(uri);
  pqxx::nontransaction tx(c);
  EXPECT_EQ(tx.exec("SELECT sources_text FROM incidents WHERE id = 2")[0][0].as<std::string>(),
            "Express Tribune Militants ambush convoy Second report: convoy-ambush near Tank");
  EXPECT_EQ(tx.exec("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'incident_keys_pkey'")[0][0]
                .as<std::string>(),
            "PRIMARY KEY (source_key, country)");
  EXPECT_EQ(tx.exec("SELECT count(*) FROM pg_indexes WHERE tablename = 'incident_keys'")[0][0].as<int>(), 1);

  // Re-importing the first row with a new headline updates it in place.
  Incident again = rows[0];
  again.sources[0].headline = "Checkpoint stormed near Lakki Marwat";
  auto outcome = (*store)->Upsert(&again, {.who = "import"});
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_EQ(*outcome, WriteOutcome::kUpdated);
  EXPECT_EQ(again.id, 1);
  EXPECT_EQ(again.version, 2);
  Filter stormed;
  stormed.text = "stormed lakki";
  auto n = (*store)->Count(stormed);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 1);
  Filter bannu;
  bannu.text = "bannu";
  n = (*store)->Count(bannu);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 0);
  EXPECT_EQ(tx.exec("SELECT count(*) FROM incidents")[0][0].as<int>(), 5);
}

}  // namespace
}  // namespace faultline
