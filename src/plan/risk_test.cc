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

// Five attacks in two districts: 74 casualties (militants not counted).
std::vector<Incident> SampleAttacks() {
  return {
      Attack(1, "Khyber", "TTP", 2023, 3, 10), Attack(2, "Khyber", "TTP", 2023, 6, 20),
      Attack(3, "Khyber", "ISKP", 2023, 9, 0), Attack(4, "Bajaur", "ISKP", 2023, 7, 40),
      Attack(5, "Bajaur", "", 2021, 1, 4),  // outside a 2023 window; counts for the consequence
  };
}

TEST(ThreatFromHistory, RatesConsequencesAndGroupsFromTheStore) {
  testing::TempDir tmp;
  auto store = Store::Open(tmp.file("s.db"));
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  std::vector<Incident> incs = SampleAttacks();
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

ForecastRecord Rec(const std::string& run, const std::string& measure, const std::string& unit, int h, double mean) {
  ForecastRecord r;
  r.run = run;
  r.model = "rolling-poisson";
  r.model_version = "1";
  r.measure = measure;
  r.unit_kind = "admin2";
  r.unit = unit;
  r.period = "month";
  r.target = h == 1 ? "2024-01" : "2024-02";
  r.horizon = h;
  r.train_from = CivilDate::FromYmd(2021, 1, 1)->days();
  r.train_to = CivilDate::FromYmd(2023, 12, 31)->days();
  r.mean = mean;
  return r;
}

TEST(ThreatFromForecast, ExpectedAttacksBecomeTheShareAndHistoryTheConsequence) {
  testing::TempDir tmp;
  auto store = Store::Open(tmp.file("s.db"));
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  std::vector<Incident> incs = SampleAttacks();
  incs.push_back(Attack(6, "Bajaur", "TTP", 2024, 5, 500));  // after the training data: not used
  for (auto& inc : incs) ASSERT_TRUE((*store)->Upsert(&inc, {}).ok());
  std::vector<ForecastRecord> recs = {
      Rec("run-a", "incidents", "Khyber Pakhtunkhwa / Khyber", 1, 2.5),
      Rec("run-a", "incidents", "Khyber Pakhtunkhwa / Bajaur", 1, 0.5),
      Rec("run-a", "incidents", "Khyber Pakhtunkhwa / Swat", 1, 1.0),  // no history
      Rec("run-a", "incidents", "Khyber Pakhtunkhwa / Khyber", 2, 9),
      Rec("run-a", "incidents", "Khyber Pakhtunkhwa / Bajaur", 2, 9),
      Rec("run-a", "incidents", "Khyber Pakhtunkhwa / Swat", 2, 9),
  };
  ASSERT_TRUE((*store)->AddForecasts(&recs).ok());
  ForecastThreatOptions o;  // the latest run, horizon 1
  auto t = ThreatFromForecast(store->get(), {}, o);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_EQ(t->targets.size(), 3u);
  const TargetThreat& khyber = t->targets[0];
  const TargetThreat& bajaur = t->targets[1];
  const TargetThreat& swat = t->targets[2];
  EXPECT_EQ(khyber.id, "Khyber Pakhtunkhwa / Khyber");
  EXPECT_EQ(khyber.name, "Khyber");
  EXPECT_EQ(khyber.country, "PK");
  EXPECT_EQ(khyber.kind, "district");
  EXPECT_EQ(khyber.attacks, 2.5);
  EXPECT_NEAR(khyber.rate_per_30d, 2.5 * 30 / (365.2425 / 12), 1e-12);
  // Consequence from the history up to the training end (74 casualties in 5 attacks).
  EXPECT_NEAR(t->mean_consequence, 74.0 / 5, 1e-12);
  EXPECT_NEAR(khyber.consequence, (30 + 5 * 74.0 / 5) / (3 + 5), 1e-12);
  EXPECT_NEAR(swat.consequence, 74.0 / 5, 1e-12);
  // Who attacks where: Khyber's 2.5 split 2:1 between TTP and ISKP; Swat unknown.
  EXPECT_NEAR(khyber.attacks_by_group.at("TTP"), 2.5 * 2 / 3, 1e-12);
  EXPECT_NEAR(bajaur.attacks_by_group.at("ISKP"), 0.5, 1e-12);  // the 2021 attack is outside 365 days
  EXPECT_EQ(swat.attacks_by_group.at("unknown"), 1.0);
  EXPECT_NE(t->source.find("run-a"), std::string::npos) << t->source;
  EXPECT_NE(t->source.find("2024-01"), std::string::npos) << t->source;

  SecurityGame g = GameFromThreat(*t, {}, 1);
  ASSERT_TRUE(ValidateGame(g).ok()) << ValidateGame(g).message();
  // V_d ∝ share_d C_d with share_d = (E attacks_d + 0.5) / (4 + 1.5).
  std::vector<double> v;
  for (const auto& x : t->targets) v.push_back((x.attacks + 0.5) / 5.5 * x.consequence);
  double top = *std::max_element(v.begin(), v.end());
  for (size_t i = 0; i < 3; ++i) EXPECT_NEAR(g.targets[i].payoffs.attacker_uncovered, 100 * v[i] / top, 1e-9);
  EXPECT_NE(g.targets[0].basis.find("2.50 attacks expected"), std::string::npos) << g.targets[0].basis;
  BayesianGame b = BayesianGameFromThreat(*t, {}, 1);
  ASSERT_TRUE(ValidateGame(b).ok()) << ValidateGame(b).message();
  EXPECT_EQ(b.types.size(), 3u);  // TTP, ISKP, other or unknown

  // Horizon 2 is every unit at 9: equal shares.
  o.horizon = 2;
  auto t2 = ThreatFromForecast(store->get(), {}, o);
  ASSERT_TRUE(t2.ok());
  EXPECT_EQ(t2->targets[2].attacks, 9);
  o.horizon = 3;
  EXPECT_EQ(ThreatFromForecast(store->get(), {}, o).status().code(), StatusCode::kInvalidArgument);
  o.horizon = 1;
  o.run = "no-such-run";
  EXPECT_EQ(ThreatFromForecast(store->get(), {}, o).status().code(), StatusCode::kNotFound);
}

TEST(ThreatFromForecast, CasualtyRunGivesTheConsequenceAndAKilledRunIsRefusedAsTheThreat) {
  testing::TempDir tmp;
  auto store = Store::Open(tmp.file("s.db"));
  ASSERT_TRUE(store.ok());
  std::vector<ForecastRecord> attacks = {Rec("att", "incidents", "A / a", 1, 4),
                                         Rec("att", "incidents", "A / b", 1, 1)};
  std::vector<ForecastRecord> killed = {Rec("kil", "killed", "A / a", 1, 8), Rec("kil", "killed", "A / b", 1, 12)};
  ASSERT_TRUE((*store)->AddForecasts(&attacks).ok());
  ASSERT_TRUE((*store)->AddForecasts(&killed).ok());
  ForecastThreatOptions o;
  EXPECT_EQ(ThreatFromForecast(store->get(), {}, o).status().code(), StatusCode::kInvalidArgument);  // latest = killed
  o.run = "att";
  o.casualty_run = "kil";
  auto t = ThreatFromForecast(store->get(), {}, o);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  const double cbar = 20.0 / 5;
  EXPECT_NEAR(t->mean_consequence, cbar, 1e-12);
  EXPECT_NEAR(t->targets[0].consequence, (8 + 5 * cbar) / (4 + 5), 1e-12);
  EXPECT_NEAR(t->targets[1].consequence, (12 + 5 * cbar) / (1 + 5), 1e-12);
  o.casualty_run = "att";  // not a killed run
  EXPECT_EQ(ThreatFromForecast(store->get(), {}, o).status().code(), StatusCode::kInvalidArgument);
}

TEST(ThreatFromHistory, NoDistrictsIsAFailedPrecondition) {
  testing::TempDir tmp;
  auto store = Store::Open(tmp.file("s.db"));
  ASSERT_TRUE(store.ok());
  EXPECT_EQ(ThreatFromHistory(store->get(), {}, {}).status().code(), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace faultline
