#include "plan/risk.h"

#include <gtest/gtest.h>

#include "common/date.h"
#include "plan/sse.h"
#include "test/support/test_paths.h"

namespace faultline {
namespace {

Incident Attack(int i, const char* district, const char* group, int y, int m, int killed) {
  Incident inc;
  inc.source_key = "t:" + std::to_string(i);
  inc.date = inc.date_end = CivilDate::FromYmd(y, m, 1)->days();
  inc.country = "PK";
  inc.admin1 = "Khyber Pakhtunkhwa";
  inc.admin2 = district;
  inc.perpetrator = group;
  inc.event_type = EventType::kExplosionsRemoteViolence;
  inc.license = "project";
  inc.casualties.Killed(CasualtyCategory::kCivilians).best = killed;
  inc.casualties.Killed(CasualtyCategory::kMilitants).best = 100;  // not counted
  return inc;
}

TEST(ThreatFromHistory, RatesConsequencesAndGroupsFromTheStore) {
  testing::TempDir tmp;
  auto store = Store::Open(tmp.file("s.db"));
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  std::vector<Incident> incs = {
      Attack(1, "Khyber", "TTP", 2023, 3, 10), Attack(2, "Khyber", "TTP", 2023, 6, 20),
      Attack(3, "Khyber", "ISKP", 2023, 9, 0), Attack(4, "Bajaur", "ISKP", 2023, 7, 40),
      Attack(5, "Bajaur", "", 2021, 1, 4),  // outside the window; counts for the consequence
  };
  Incident protest = Attack(6, "Bajaur", "", 2023, 8, 0);
  protest.event_type = EventType::kProtests;
  incs.push_back(protest);
  for (auto& inc : incs) ASSERT_TRUE((*store)->Upsert(&inc, {}).ok());
  auto t = ThreatFromHistory(store->get(), {}, {365, CivilDate::FromYmd(2023, 12, 31)->days(), 5});
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_EQ(t->targets.size(), 2u);
  const TargetThreat& bajaur = t->targets[0];
  const TargetThreat& khyber = t->targets[1];
  EXPECT_EQ(khyber.name, "Khyber");
  EXPECT_EQ(khyber.attacks, 3);
  EXPECT_EQ(bajaur.attacks, 1);
  EXPECT_EQ(bajaur.attacks_all, 2);
  EXPECT_NEAR(t->mean_consequence, 74.0 / 5, 1e-12);
  EXPECT_NEAR(khyber.consequence, (30 + 5 * 74.0 / 5) / (3 + 5), 1e-12);
  EXPECT_NEAR(khyber.rate_per_30d, 3 * 30.0 / 365, 1e-12);
  EXPECT_EQ(khyber.attacks_by_group.at("TTP"), 2);
  ASSERT_EQ(t->groups.size(), 2u);
  EXPECT_EQ(t->groups[0].first, "ISKP");  // 2 attacks (TTP has 2 too; ties keep name order)
  SecurityGame g = GameFromThreat(*t, {}, 1);
  ASSERT_TRUE(ValidateGame(g).ok()) << ValidateGame(g).message();
  EXPECT_NE(g.targets[1].basis.find("3 attacks in window"), std::string::npos) << g.targets[1].basis;
  // The district with the most expected harm is worth 100 to the attacker.
  double top = std::max(g.targets[0].payoffs.attacker_uncovered, g.targets[1].payoffs.attacker_uncovered);
  EXPECT_NEAR(top, 100, 1e-9);
  EXPECT_TRUE(SolveOrigami(g).ok());
  BayesianGame b = BayesianGameFromThreat(*t, {}, 1);
  ASSERT_TRUE(ValidateGame(b).ok()) << ValidateGame(b).message();
  ASSERT_EQ(b.types.size(), 2u);  // ISKP, TTP; no unknown attacks in the window
  EXPECT_EQ(b.types[0].weight, 2);
}

TEST(ThreatFromHistory, NoDistrictsIsAFailedPrecondition) {
  testing::TempDir tmp;
  auto store = Store::Open(tmp.file("s.db"));
  ASSERT_TRUE(store.ok());
  EXPECT_EQ(ThreatFromHistory(store->get(), {}, {}).status().code(), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace faultline
