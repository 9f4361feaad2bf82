// Two writers adding the same forecast run at once, on each backend: the
// run is stored once, whole, and the other writer gets AlreadyExists
// (two runs stamped alike must never merge into one).
#include <gtest/gtest.h>

#include <barrier>
#include <thread>

#include "faultline/store.h"
#include "store/store_test_env.h"
#include "support/pg_server.h"

namespace faultline {
namespace {

std::vector<ForecastRecord> Records(const std::string& run, const std::string& model, int n) {
  std::vector<ForecastRecord> out(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    ForecastRecord& r = out[static_cast<size_t>(i)];
    r.run = run;
    r.model = model;
    r.unit = "unit " + std::to_string(i);
    r.target = "2024-01";
    r.horizon = 1;
  }
  return out;
}

class ForecastRunsTest : public testing::TestWithParam<std::string> {};

// Both writers race on every round; exactly one stores each run.
void RaceOneRunAtATime(const std::string& uri) {
  auto a = Store::Open(uri);
  auto b = Store::Open(uri);
  ASSERT_TRUE(a.ok() && b.ok()) << (a.ok() ? b.status() : a.status()).ToString();
  constexpr int kRounds = 20;
  std::barrier start(2);
  Status sa[kRounds], sb[kRounds];
  auto writer = [&](Store* store, const std::string& model, Status* out) {
    for (int i = 0; i < kRounds; ++i) {
      auto records = Records("race-" + std::to_string(i), model, 30);
      start.arrive_and_wait();
      out[i] = store->AddForecasts(&records);
    }
  };
  std::thread ta(writer, a->get(), "model-a", sa);
  std::thread tb(writer, b->get(), "model-b", sb);
  ta.join();
  tb.join();
  for (int i = 0; i < kRounds; ++i) {
    SCOPED_TRACE("round " + std::to_string(i));
    // Exactly one writer stored the run; the other was refused.
    EXPECT_NE(sa[i].ok(), sb[i].ok()) << sa[i].ToString() << " / " << sb[i].ToString();
    const Status& refused = sa[i].ok() ? sb[i] : sa[i];
    EXPECT_EQ(refused.code(), StatusCode::kAlreadyExists) << refused.ToString();
    auto stored = (*a)->Forecasts("race-" + std::to_string(i));
    ASSERT_TRUE(stored.ok()) << stored.status().ToString();
    ASSERT_EQ(stored->size(), 30u);
    for (const ForecastRecord& r : *stored) EXPECT_EQ(r.model, stored->front().model);
  }
}

TEST_P(ForecastRunsTest, RacingWritersOfOneRunStoreItOnce) {
  if (GetParam() == "postgresql" && PgTestServer::SkipRequested()) GTEST_SKIP() << "FAULTLINE_SKIP_POSTGRES=1";
  auto db = TestDatabase::Create(GetParam(), "forecast_race");
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  RaceOneRunAtATime((*db)->uri());
}

// A server or role whose default isolation is REPEATABLE READ would take the
// transaction's snapshot before the run lock is granted, and the second
// writer would not see the first's rows: the store sets READ COMMITTED for
// its own sessions. (libpq passes `options` to the server as -c settings.)
TEST(ForecastRunsPostgres, RacingWritersUnderRepeatableReadDefault) {
  if (PgTestServer::SkipRequested()) GTEST_SKIP() << "FAULTLINE_SKIP_POSTGRES=1";
  auto db = TestDatabase::Create("postgresql", "forecast_race_rr");
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  std::string uri = (*db)->uri();
  uri += uri.find('?') == std::string::npos ? '?' : '&';
  uri += "options=-c%20default_transaction_isolation%3Drepeatable%5C%20read";
  RaceOneRunAtATime(uri);
}

INSTANTIATE_TEST_SUITE_P(Backends, ForecastRunsTest, testing::ValuesIn(StoreBackends()),
                         [](const testing::TestParamInfo<std::string>& param_info) { return param_info.param; });

}  // namespace
}  // namespace faultline
