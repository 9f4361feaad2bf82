#include "analysis/claims.h"

#include <gtest/gtest.h>

#include "common/date.h"

namespace faultline {
namespace {

int32_t Day(const char* iso) { return CivilDate::Parse(iso)->days(); }

Claim MakeClaim(std::string key, std::string source, ClaimMetric metric, std::string filters, std::string period,
                int64_t value, ClaimStanding standing = ClaimStanding::kPrimary) {
  Claim c;
  c.key = std::move(key);
  c.source = std::move(source);
  c.metric = metric;
  c.filters = std::move(filters);
  c.period = std::move(period);
  EXPECT_TRUE(ParseClaimPeriod(c.period, &c.date_from, &c.date_to).ok());
  c.value = value;
  c.standing = standing;
  EXPECT_EQ(ValidateClaim(c), "");
  return c;
}

// The filter a claim's filters give, without the gazetteer: names as written.
Result<Filter> PlainFilter(const Claim& c) {
  ASSIGN_OR_RETURN(ClaimFilters f, ParseClaimFilters(c.filters));
  Filter out;
  if (!f.country.empty()) out.countries = {f.country};
  if (!f.admin1.empty()) out.admin1 = {f.admin1};
  if (!f.perpetrator.empty()) out.perpetrators = {f.perpetrator};
  if (f.perpetrator == "UNRESOLVABLE") return InvalidArgument("no such actor");
  return out;
}

// 2021: 100 incidents in PK, one a month from January to December plus
// extras, 2 killed each; 40 of them by TTP in KP.
std::unique_ptr<Cube> SampleCube() {
  auto cube = std::make_unique<Cube>();
  int64_t id = 1;
  for (int i = 0; i < 100; ++i) {
    IncidentFacts f;
    f.id = id++;
    f.date = Day("2021-01-01") + (i * 364) / 99;
    f.country = "PK";
    f.admin1 = i < 40 ? "Khyber Pakhtunkhwa" : "Balochistan";
    f.perpetrator = i < 40 ? "TTP" : "";
    f.killed[static_cast<size_t>(CasualtyCategory::kCivilians)] = 2;
    f.killed_low = f.killed_high = f.killed;
    f.importer = "fixture";
    f.license = "user";
    EXPECT_TRUE(cube->Upsert(f).ok());
  }
  return cube;
}

TEST(ClaimModel, PeriodsAndFilters) {
  int32_t a = 0, b = 0;
  ASSERT_TRUE(ParseClaimPeriod("2022-02", &a, &b).ok());
  EXPECT_EQ(a, Day("2022-02-01"));
  EXPECT_EQ(b, Day("2022-02-28"));
  ASSERT_TRUE(ParseClaimPeriod("2021-11-09..2021-12-09", &a, &b).ok());
  EXPECT_EQ(b - a, 30);
  EXPECT_EQ(ParseClaimPeriod("2021-13", &a, &b).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseClaimPeriod("2022-02-10..2022-02-01", &a, &b).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseClaimFilters("colour=red").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseClaimFilters("affiliates=yes").status().code(), StatusCode::kInvalidArgument);
  auto f = ParseClaimFilters(" target=police ; perpetrator=TTP;affiliates=yes;country=PK");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(FormatClaimFilters(*f), "country=PK;perpetrator=TTP;affiliates=yes;target=police");
  auto wide = ParseClaimFilters("country=PK");
  auto ttp = ParseClaimFilters("country=PK;perpetrator=TTP");
  auto ttp_all = ParseClaimFilters("country=PK;perpetrator=TTP;affiliates=yes");
  EXPECT_TRUE(FiltersWithin(*ttp, *wide));
  EXPECT_FALSE(FiltersWithin(*wide, *ttp));
  EXPECT_TRUE(FiltersWithin(*ttp, *ttp_all));
  EXPECT_FALSE(FiltersWithin(*ttp_all, *ttp));
}

TEST(ClaimCheck, AgainstTheData) {
  auto cube = SampleCube();
  std::vector<Claim> claims = {
      MakeClaim("close", "A", ClaimMetric::kAttacks, "country=PK", "2021", 105),          // +5%
      MakeClaim("far", "B", ClaimMetric::kKilled, "country=PK;admin1=Balochistan", "2021", 60),  // 120 computed
      MakeClaim("before", "C", ClaimMetric::kAttacks, "country=PK", "2019", 10),          // no data in 2019
      MakeClaim("nobody", "D", ClaimMetric::kAttacks, "country=AF", "2021", 10),          // no data at all
      MakeClaim("unresolved", "E", ClaimMetric::kAttacks, "perpetrator=UNRESOLVABLE", "2021", 1),
  };
  auto checks = CheckClaims(*cube, claims, &PlainFilter, {});
  ASSERT_EQ(checks.size(), 5u);
  EXPECT_EQ(checks[0].data, DataVerdict::kConsistent);
  EXPECT_EQ(checks[0].computed, 100);
  EXPECT_NEAR(checks[0].diff_percent, 5, 1e-9);
  EXPECT_EQ(checks[1].data, DataVerdict::kDiffers);
  EXPECT_EQ(checks[1].computed, 120);
  EXPECT_NEAR(checks[1].diff_percent, -50, 1e-9);
  EXPECT_NE(checks[1].summary.find("differs by -50%"), std::string::npos) << checks[1].summary;
  EXPECT_EQ(checks[2].data, DataVerdict::kInsufficientCoverage);
  ASSERT_EQ(checks[2].coverage.size(), 1u);
  EXPECT_EQ(checks[2].coverage[0].importer, "fixture");
  EXPECT_EQ(checks[2].coverage[0].incidents, 100);
  EXPECT_EQ(checks[2].coverage[0].first, Day("2021-01-01"));
  EXPECT_EQ(checks[2].coverage[0].last, Day("2021-12-31"));
  EXPECT_NE(checks[2].summary.find("fixture 100 incidents 2021-01-01..2021-12-31"), std::string::npos)
      << checks[2].summary;
  EXPECT_EQ(checks[3].data, DataVerdict::kInsufficientCoverage);
  EXPECT_TRUE(checks[3].coverage.empty());
  EXPECT_EQ(checks[4].data, DataVerdict::kUnresolved);
  // A tighter tolerance turns +5% into a difference.
  auto strict = CheckClaims(*cube, claims, &PlainFilter, {.tolerance = 0.01});
  EXPECT_EQ(strict[0].data, DataVerdict::kDiffers);
}

TEST(ClaimCheck, AgainstEachOther) {
  Cube empty;
  std::vector<Claim> claims = {
      MakeClaim("total", "PIPS", ClaimMetric::kAttacks, "country=PK", "2021", 207),
      MakeClaim("ttp", "PIPS", ClaimMetric::kAttacks, "country=PK;perpetrator=TTP;affiliates=yes", "2021", 87),
      MakeClaim("news", "PIPS", ClaimMetric::kAttacks, "country=PK;perpetrator=TTP;affiliates=yes", "2021", 282,
                ClaimStanding::kReported),
      MakeClaim("month", "X", ClaimMetric::kAttacks, "country=PK", "2021-03", 20),
      MakeClaim("other-metric", "Y", ClaimMetric::kKilled, "country=PK", "2021", 5000),
      MakeClaim("same-close", "Z", ClaimMetric::kAttacks, "country=PK", "2021", 215),
  };
  auto checks = CheckClaims(empty, claims, &PlainFilter, {});
  // The reported 282 exceeds the wider 207 and differs from the same-quantity 87.
  EXPECT_EQ(checks[2].peer, PeerVerdict::kContradicted);
  EXPECT_NE(checks[2].summary.find("exceeds PIPS's 207 attacks (country=PK, 2021), a wider count, by 36%"),
            std::string::npos)
      << checks[2].summary;
  EXPECT_NE(checks[2].summary.find("by +224%"), std::string::npos) << checks[2].summary;
  // The primary figures are only disputed by the reported one.
  EXPECT_EQ(checks[0].peer, PeerVerdict::kDisputed);
  EXPECT_EQ(checks[1].peer, PeerVerdict::kDisputed);
  // 20 in March within 207 for the year, and 215 within 10% of 207: agreement.
  EXPECT_EQ(checks[3].peer, PeerVerdict::kAgrees);
  ASSERT_FALSE(checks[5].peers.empty());
  for (const PeerComparison& p : checks[5].peers) EXPECT_EQ(p.conflict, p.other == 2) << claims[p.other].key;
  // Killed is not compared with attacks.
  EXPECT_EQ(checks[4].peer, PeerVerdict::kAlone);
  EXPECT_EQ(RelateClaims(claims[3], claims[0]), PeerRelation::kNarrower);
  EXPECT_EQ(RelateClaims(claims[0], claims[3]), PeerRelation::kWider);
  EXPECT_EQ(RelateClaims(claims[0], claims[5]), PeerRelation::kSame);
  EXPECT_EQ(RelateClaims(claims[0], claims[4]), std::nullopt);
}

}  // namespace
}  // namespace faultline
