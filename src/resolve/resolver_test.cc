// Resolution hands the store only incidents that pass Validate(): the
// stores do not validate (docs/storage.md), so Resolve checks each
// candidate as it would be stored, before reading or writing anything.
#include "resolve/resolver.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <functional>

#include "common/date.h"

namespace faultline::resolve {
namespace {

namespace fs = std::filesystem;

class ResolveTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("faultline-resolve-" + std::to_string(::getpid()) + "-" +
                                        testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    auto store = Store::Open((dir_ / "t.db").string());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }
  // Every stored row, merged and rejected ones included.
  int64_t StoredRows() {
    Filter all;
    all.statuses = {IncidentStatus::kCandidate, IncidentStatus::kConfirmed, IncidentStatus::kRejected,
                    IncidentStatus::kMerged};
    auto n = store_->Count(all);
    return n.ok() ? *n : -1;
  }
  fs::path dir_;
  std::unique_ptr<Store> store_;
};

extract::Article Article(std::string_view url) {
  extract::Article a;
  a.title = "Blast in Peshawar";
  a.outlet = "Dawn";
  a.url = url;
  a.published = "2024-03-05";
  a.body = "A blast killed two people in Peshawar on Monday.";
  a.origin = "resolve.txt";
  return a;
}

extract::CandidateIncident Candidate() {
  extract::CandidateIncident c;
  Incident& inc = c.incident;
  inc.date = inc.date_end = CivilDate::Parse("2024-03-04")->days();
  inc.country = "PK";
  inc.admin1 = "Khyber Pakhtunkhwa";
  inc.admin2 = "Peshawar";
  inc.attack_type = AttackType::kBombingIed;
  inc.status = IncidentStatus::kCandidate;
  inc.sources.emplace_back();
  return c;
}

TEST_F(ResolveTest, ValidCandidateIsStoredOnce) {
  auto first = Resolve(store_.get(), Article("https://a.invalid/1"), 1, Candidate(), {});
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->resolution, Resolution::kNew);
  EXPECT_TRUE(first->errors.empty());
  auto again = Resolve(store_.get(), Article("https://a.invalid/1"), 1, Candidate(), {});
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->resolution, Resolution::kUnchanged);
  EXPECT_EQ(again->id, first->id);
  EXPECT_EQ(StoredRows(), 1);
}

// An invalid candidate is neither stored nor merged into the incident it
// matches (its dates are within the window of the stored one), and the
// reasons come back.
TEST_F(ResolveTest, InvalidCandidateIsReportedAndNeitherStoredNorMerged) {
  auto stored = Resolve(store_.get(), Article("https://a.invalid/1"), 1, Candidate(), {});
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  ASSERT_EQ(stored->resolution, Resolution::kNew);
  struct Case {
    const char* field;
    std::function<void(Incident*)> spoil;
  };
  const Case cases[] = {
      {"date_end", [](Incident* inc) { inc->date_end = inc->date - 1; }},
      {"country", [](Incident* inc) { inc->country.clear(); }},
      {"country", [](Incident* inc) { inc->country = "pk"; }},
      {"killed.civilians",
       [](Incident* inc) { inc->casualties.Killed(CasualtyCategory::kCivilians) = {.low = 7, .best = 5}; }},
  };
  int index = 0;
  for (const Case& c : cases) {
    extract::CandidateIncident cand = Candidate();
    c.spoil(&cand.incident);
    auto r = Resolve(store_.get(), Article("https://b.invalid/2"), ++index, cand, {});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->resolution, Resolution::kInvalid) << c.field;
    ASSERT_FALSE(r->errors.empty()) << c.field;
    EXPECT_EQ(r->errors.front().field, c.field);
    EXPECT_EQ(r->id, 0);
    EXPECT_EQ(r->merged_into, 0);
  }
  EXPECT_EQ(StoredRows(), 1);
  auto incident = store_->Get(stored->id);
  ASSERT_TRUE(incident.ok()) << incident.status().ToString();
  EXPECT_EQ(incident->version, 1);
  EXPECT_EQ(incident->sources.size(), 1u);
  // The same candidate, valid, merges.
  auto merged = Resolve(store_.get(), Article("https://b.invalid/2"), ++index, Candidate(), {});
  ASSERT_TRUE(merged.ok()) << merged.status().ToString();
  EXPECT_EQ(merged->resolution, Resolution::kMerged);
  EXPECT_EQ(merged->merged_into, stored->id);
}

}  // namespace
}  // namespace faultline::resolve
