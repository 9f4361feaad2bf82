#include "faultline/incident.h"

#include <gtest/gtest.h>

#include <random>

#include "common/date.h"
#include "model/incident_json.h"
#include "model/merge.h"

namespace faultline {
namespace {

Incident Sample() {
  Incident inc;
  inc.source_key = "test:1";
  inc.date = inc.date_end = CivilDate::FromYmd(2022, 11, 30)->days();
  inc.country = "PK";
  inc.admin1 = "Balochistan";
  inc.admin2 = "Quetta";
  inc.place = "Quetta";
  inc.lat = 30.18414;
  inc.lon = 67.00141;
  inc.geo_precision = GeoPrecision::kExact;
  inc.event_type = EventType::kExplosionsRemoteViolence;
  inc.attack_type = AttackType::kSuicideBombing;
  inc.perpetrator = "TTP";
  inc.attribution = Attribution::kClaimed;
  inc.target = TargetCategory::kPolice;
  inc.casualties.Killed(CasualtyCategory::kSecurityForces) = {1, 1, std::nullopt};
  inc.casualties.Killed(CasualtyCategory::kCivilians) = {2, 2, 3};
  inc.casualties.Injured(CasualtyCategory::kUnknown).best = 26;
  inc.sources.push_back({"Dawn", "https://example.org/a", "2022-11-30", "Blast", {{"date", 3, 9, 0.9}}});
  inc.license = "project";
  return inc;
}

TEST(Validate, AcceptsAGoodIncident) { EXPECT_TRUE(Validate(Sample()).empty()); }

TEST(Validate, NamesEachBadField) {
  Incident inc = Sample();
  inc.lat = 123;
  inc.country = "Pakistan";
  inc.casualties.Killed(CasualtyCategory::kCivilians) = {5, 3, 4};
  inc.date_end = inc.date - 1;
  inc.license = "";
  auto errors = Validate(inc);
  std::vector<std::string> fields;
  for (auto& e : errors) fields.push_back(e.field);
  EXPECT_NE(std::find(fields.begin(), fields.end(), "latitude"), fields.end());
  EXPECT_NE(std::find(fields.begin(), fields.end(), "country"), fields.end());
  EXPECT_NE(std::find(fields.begin(), fields.end(), "killed.civilians"), fields.end());
  EXPECT_NE(std::find(fields.begin(), fields.end(), "date_end"), fields.end());
  EXPECT_NE(std::find(fields.begin(), fields.end(), "license"), fields.end());
}

// Merges (resolution's Store::MergeReport, review merges) store what
// MergeReport makes without validating it again: from two incidents that
// end on or after they start, it must make one that does too, taking the
// start and end of one report together.
TEST(MergeReport, KeepsTheEndOnOrAfterTheStart) {
  std::mt19937 rng(20261127);
  const int32_t day0 = CivilDate::FromYmd(2020, 1, 1)->days();
  auto random_dates = [&](Incident* inc) {
    inc->date = day0 + static_cast<int32_t>(rng() % 60);
    inc->date_end = inc->date + static_cast<int32_t>(rng() % 3 == 0 ? 0 : rng() % 40);
    inc->date_precision = static_cast<uint8_t>(rng() % 4);
  };
  int moved = 0;
  for (int round = 0; round < 2000; ++round) {
    Incident into = Sample(), from = Sample();
    random_dates(&into);
    random_dates(&from);
    ASSERT_TRUE(Validate(into).empty() && Validate(from).empty());
    const Incident before = into;
    MergeReport(&into, from);
    EXPECT_TRUE(Validate(into).empty()) << "round " << round;
    const Incident& kept = into.date_precision == before.date_precision ? before : from;
    EXPECT_EQ(into.date, kept.date) << "round " << round;
    EXPECT_EQ(into.date_end, kept.date_end) << "round " << round;
    moved += &kept == &from;
  }
  EXPECT_GT(moved, 500);  // the more precise report's dates won often
}

TEST(Taxonomy, NamesRoundTrip) {
  for (int i = 0; i <= static_cast<int>(TargetCategory::kOther); ++i) {
    auto t = static_cast<TargetCategory>(i);
    EXPECT_EQ(*ParseTargetCategory(Name(t)), t);
  }
  for (int i = 0; i <= static_cast<int>(AttackType::kOther); ++i) {
    auto t = static_cast<AttackType>(i);
    EXPECT_EQ(*ParseAttackType(Name(t)), t);
  }
  EXPECT_FALSE(ParseEventType("explosion").ok());
  EXPECT_TRUE(IsSecurityForces(TargetCategory::kLevies));
  EXPECT_FALSE(IsSecurityForces(TargetCategory::kCivilians));
}

TEST(IncidentJson, RoundTripIsExact) {
  Incident inc = Sample();
  inc.id = 7;
  inc.version = 2;
  inc.provenance = {"pbc-suicide", "b1", "x.csv", 12};
  std::string json = IncidentToJson(inc);
  auto back = IncidentFromJson(json);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, inc);
  EXPECT_EQ(IncidentToJson(*back), json);
}

TEST(IncidentJson, ErrorsNameTheField) {
  auto r = IncidentFromJson(R"({"date":"2021-02-30","country":"PK","license":"project"})");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("field date"), std::string::npos);
  r = IncidentFromJson(R"({"date":"2021-02-01","country":"PK","target":"polce"})");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("target"), std::string::npos);
  r = IncidentFromJson(R"({"date":"2021-02-01","countyr":"PK"})");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("countyr"), std::string::npos);
  EXPECT_FALSE(IncidentFromJson("[1,2").ok());
}

}  // namespace
}  // namespace faultline
