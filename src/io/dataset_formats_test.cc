// The dataset importers (acled, ucdp-ged, gtd, gdelt) over the invented
// fixtures in test/fixtures: field values of chosen rows, and each bad row
// rejected with its column and reason. Most tests run without a gazetteer
// (names kept as given); the last ones load the real gazetteer and actor
// dictionary and skip when those cannot be loaded.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "common/date.h"
#include "io/formats.h"
#include "io/importer.h"
#include "test/support/test_paths.h"

namespace faultline {
namespace {

struct Rows {
  std::vector<ImportedRow> all;
  std::map<std::string, Incident> by_key;  // accepted rows by source_key
  std::vector<ImportedRow> rejected;
};

std::string Fixture(const std::string& name) { return (testing::TestDir() / "fixtures" / name).string(); }

Rows ReadAll(std::string_view format, const std::string& fixture, const ImportContext& base = {}) {
  ImportContext ctx = base;
  ctx.batch_id = "b1";
  ctx.file_label = fixture;
  Rows rows;
  auto source = OpenRowSource(format, Fixture(fixture), ctx);
  EXPECT_TRUE(source.ok()) << source.status().ToString();
  if (!source.ok()) return rows;
  ImportedRow row;
  while ((*source)->Next(&row)) {
    rows.all.push_back(row);
    if (row.kind == ImportedRow::Kind::kIncident) {
      EXPECT_TRUE(rows.by_key.emplace(row.incident.source_key, row.incident).second) << row.incident.source_key;
    } else {
      rows.rejected.push_back(row);
    }
  }
  EXPECT_TRUE((*source)->fatal().ok()) << (*source)->fatal().ToString();
  return rows;
}

int32_t Day(const char* iso) { return CivilDate::Parse(iso)->days(); }

CasualtyRange Range(std::optional<int32_t> low, std::optional<int32_t> best, std::optional<int32_t> high) {
  return {low, best, high};
}

const Incident& Get(const Rows& rows, const std::string& key) {
  static const Incident kMissing;
  auto it = rows.by_key.find(key);
  if (it == rows.by_key.end()) {
    ADD_FAILURE() << key << " was not imported";
    return kMissing;
  }
  return it->second;
}

// Every accepted row is a valid incident with the format's licence.
void ExpectAllValid(const Rows& rows, const std::string& license) {
  for (const auto& [key, inc] : rows.by_key) {
    for (const auto& e : Validate(inc)) ADD_FAILURE() << key << ": " << e.field << ": " << e.message;
    EXPECT_EQ(inc.license, license) << key;
  }
}

struct ExpectedReject {
  uint64_t line;
  std::string column;
  std::string reason;  // exact
};

void ExpectRejects(const Rows& rows, const std::vector<ExpectedReject>& expected) {
  ASSERT_EQ(rows.rejected.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    SCOPED_TRACE("line " + std::to_string(expected[i].line));
    EXPECT_EQ(rows.rejected[i].line, expected[i].line);
    EXPECT_EQ(rows.rejected[i].column, expected[i].column);
    EXPECT_EQ(rows.rejected[i].reason, expected[i].reason);
  }
}

// ---- ACLED ------------------------------------------------------------------

TEST(AcledFormat, ImportsEveryFixtureRow) {
  Rows rows = ReadAll("acled", "acled_small.csv");
  EXPECT_EQ(rows.all.size(), 12u);
  EXPECT_EQ(rows.by_key.size(), 12u);
  EXPECT_TRUE(rows.rejected.empty());
  ExpectAllValid(rows, "acled-terms");
}

TEST(AcledFormat, SuicideBombingOnPolice) {
  Rows rows = ReadAll("acled", "acled_small.csv");
  const Incident& inc = Get(rows, "acled:PAK90001");
  EXPECT_EQ(inc.date, Day("2022-11-27"));
  EXPECT_EQ(inc.date_end, inc.date);
  EXPECT_EQ(inc.date_precision, static_cast<uint8_t>(DatePrecision::kDay));
  EXPECT_EQ(inc.country, "PK");  // from iso 586 without a gazetteer
  EXPECT_EQ(inc.admin1, "Balochistan");
  EXPECT_EQ(inc.admin2, "Quetta");
  EXPECT_EQ(inc.place, "Quetta");
  EXPECT_DOUBLE_EQ(*inc.lat, 30.1841);
  EXPECT_DOUBLE_EQ(*inc.lon, 67.0014);
  EXPECT_EQ(inc.geo_precision, GeoPrecision::kExact);
  EXPECT_EQ(inc.event_type, EventType::kExplosionsRemoteViolence);
  EXPECT_EQ(inc.sub_event_type, "Suicide bomb");
  EXPECT_EQ(inc.attack_type, AttackType::kSuicideBombing);
  EXPECT_EQ(inc.perpetrator, "TTP: Tehreek-i-Taliban Pakistan");
  EXPECT_EQ(inc.attribution, Attribution::kAttributed);
  EXPECT_EQ(inc.target, TargetCategory::kPolice);
  EXPECT_EQ(inc.casualties.Killed(CasualtyCategory::kUnknown), Range(4, 4, std::nullopt));
  EXPECT_TRUE(inc.casualties.Killed(CasualtyCategory::kSecurityForces).empty());
  EXPECT_TRUE(inc.casualties.Injured(CasualtyCategory::kUnknown).empty());
  ASSERT_EQ(inc.sources.size(), 1u);
  EXPECT_EQ(inc.sources[0].outlet, "Dawn; Express Tribune");
  EXPECT_EQ(inc.provenance.importer, "acled");
  EXPECT_EQ(inc.provenance.batch_id, "b1");
  EXPECT_EQ(inc.provenance.row, 2);
}

TEST(AcledFormat, OldDateFormMonthPrecisionAndMultilineNotes) {
  Rows rows = ReadAll("acled", "acled_small.csv");
  const Incident& battle = Get(rows, "acled:PAK90002");
  EXPECT_EQ(battle.date, Day("2022-11-18"));  // "18 November 2022"
  EXPECT_EQ(battle.event_type, EventType::kBattles);
  EXPECT_EQ(battle.attack_type, AttackType::kArmedAssault);
  EXPECT_EQ(battle.perpetrator, "Military Forces of Pakistan (2018-)");  // actor1, by convention
  EXPECT_EQ(battle.target, TargetCategory::kMilitants);
  EXPECT_EQ(battle.geo_precision, GeoPrecision::kNear);
  EXPECT_EQ(battle.casualties.Killed(CasualtyCategory::kUnknown), Range(7, 7, std::nullopt));

  const Incident& polio = Get(rows, "acled:PAK90003");
  EXPECT_EQ(polio.date_precision, static_cast<uint8_t>(DatePrecision::kMonth));
  EXPECT_EQ(polio.date, Day("2022-10-15"));
  EXPECT_EQ(polio.geo_precision, GeoPrecision::kDistrict);
  EXPECT_EQ(polio.event_type, EventType::kViolenceAgainstCivilians);
  EXPECT_EQ(polio.target, TargetCategory::kHealthAndPolio);
  EXPECT_EQ(polio.attribution, Attribution::kUnknown);  // "Unidentified Armed Group"
  EXPECT_EQ(polio.notes,
            "In October 2022, unidentified gunmen shot dead a polio worker, the \"team leader\", in Bajaur "
            "district.\nDate, location approximate; reported later, after the campaign.");
  EXPECT_EQ(polio.provenance.row, 4);

  EXPECT_EQ(Get(rows, "acled:PAK90004").date_precision, static_cast<uint8_t>(DatePrecision::kWeek));
  // The multi-line notes field moves the next record's line on by one.
  EXPECT_EQ(Get(rows, "acled:PAK90004").provenance.row, 6);
}

TEST(AcledFormat, SubEventTypesAndTargets) {
  Rows rows = ReadAll("acled", "acled_small.csv");
  struct Case {
    const char* key;
    EventType event;
    AttackType attack;
    TargetCategory target;
    const char* country;
  };
  const Case cases[] = {
      {"acled:PAK90004", EventType::kExplosionsRemoteViolence, AttackType::kBombingIed, TargetCategory::kFrontierCorps,
       "PK"},
      {"acled:AFG90005", EventType::kExplosionsRemoteViolence, AttackType::kSuicideBombing, TargetCategory::kReligious,
       "AF"},
      {"acled:PAK90006", EventType::kProtests, AttackType::kUnknown, TargetCategory::kUnknown, "PK"},
      {"acled:PAK90007", EventType::kStrategicDevelopments, AttackType::kUnknown, TargetCategory::kUnknown, "PK"},
      {"acled:AFG90008", EventType::kExplosionsRemoteViolence, AttackType::kDroneOrAirStrike,
       TargetCategory::kCivilians, "AF"},
      {"acled:PAK90009", EventType::kExplosionsRemoteViolence, AttackType::kRocketMortar, TargetCategory::kLevies,
       "PK"},
      {"acled:PAK90010", EventType::kViolenceAgainstCivilians, AttackType::kKidnapping, TargetCategory::kEducation,
       "PK"},
      {"acled:PAK90011", EventType::kExplosionsRemoteViolence, AttackType::kBombingIed, TargetCategory::kCtd, "PK"},
      {"acled:PAK90012", EventType::kRiots, AttackType::kOther, TargetCategory::kReligious, "PK"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.key);
    const Incident& inc = Get(rows, c.key);
    EXPECT_EQ(Name(inc.event_type), Name(c.event));
    EXPECT_EQ(Name(inc.attack_type), Name(c.attack));
    EXPECT_EQ(Name(inc.target), Name(c.target));
    EXPECT_EQ(inc.country, c.country);
  }
  EXPECT_EQ(Get(rows, "acled:PAK90006").casualties.Killed(CasualtyCategory::kUnknown), Range(0, 0, std::nullopt));
}

TEST(AcledFormat, RejectsBadRowsWithColumnAndReason) {
  Rows rows = ReadAll("acled", "acled_bad.csv");
  ExpectRejects(rows, {
                          {2, "fatalities", "\"12a\" is not a whole number"},
                          {3, "event_date", "2021-02-30 does not exist (day 30 of 28)"},
                          {4, "latitude", "latitude 123 is outside -90..90"},
                          {5, "event_type",
                           "\"Skirmish\" is not an ACLED event type (Battles, Explosions/Remote violence, Violence "
                           "against civilians, Protests, Riots, Strategic developments)"},
                          {6, "time_precision", "4 is not 1 (day), 2 (week) or 3 (month)"},
                          {7, "country", "\"Atlantis\" (iso \"\") is not a known country"},
                          {8, "", "expected 31 columns, found 30"},
                      });
  EXPECT_EQ(rows.all.size(), 8u);  // read = stored + rejected
  EXPECT_EQ(rows.by_key.count("acled:PAK99008"), 1u);
}

TEST(AcledFormat, MissingRequiredColumnIsFatal) {
  auto source = OpenRowSourceFromString("acled", "event_id_cnty,event_date\nPAK1,2022-01-01\n", {});
  ASSERT_TRUE(source.ok());
  ImportedRow row;
  EXPECT_FALSE((*source)->Next(&row));
  EXPECT_EQ((*source)->fatal().code(), StatusCode::kInvalidArgument);
  EXPECT_NE((*source)->fatal().message().find("header lacks column(s) time_precision, event_type"), std::string::npos)
      << (*source)->fatal().message();
}

// ---- UCDP GED ---------------------------------------------------------------

TEST(UcdpGedFormat, ImportsEveryFixtureRow) {
  Rows rows = ReadAll("ucdp-ged", "ucdp_ged_small.csv");
  EXPECT_EQ(rows.all.size(), 8u);
  EXPECT_EQ(rows.by_key.size(), 8u);
  ExpectAllValid(rows, "ucdp-cc-by-4.0");
}

TEST(UcdpGedFormat, StateBasedEventSplitsDeathsBySide) {
  Rows rows = ReadAll("ucdp-ged", "ucdp_ged_small.csv");
  const Incident& inc = Get(rows, "ucdp:900001");
  EXPECT_EQ(inc.date, Day("2022-12-02"));  // "2022-12-02 00:00:00.000"
  EXPECT_EQ(inc.date_end, inc.date);
  EXPECT_EQ(inc.date_precision, static_cast<uint8_t>(DatePrecision::kDay));
  EXPECT_EQ(inc.country, "PK");
  EXPECT_EQ(inc.admin1, "Khyber Pakhtunkhwa");  // " province" stripped
  EXPECT_EQ(inc.admin2, "North Waziristan");    // " district" stripped
  EXPECT_EQ(inc.place, "Mir Ali");              // " town" stripped
  EXPECT_EQ(inc.geo_precision, GeoPrecision::kExact);
  EXPECT_EQ(inc.event_type, EventType::kBattles);
  EXPECT_EQ(inc.sub_event_type, "state-based conflict");
  EXPECT_EQ(inc.attack_type, AttackType::kUnknown);
  EXPECT_EQ(inc.perpetrator, "TTP");  // the non-government side
  EXPECT_EQ(inc.attribution, Attribution::kAttributed);
  EXPECT_EQ(inc.target, TargetCategory::kOtherSecurity);
  EXPECT_EQ(inc.casualties.Killed(CasualtyCategory::kSecurityForces), Range(std::nullopt, 3, std::nullopt));
  EXPECT_EQ(inc.casualties.Killed(CasualtyCategory::kMilitants), Range(std::nullopt, 5, std::nullopt));
  EXPECT_EQ(inc.casualties.Killed(CasualtyCategory::kCivilians), Range(std::nullopt, 0, std::nullopt));
  EXPECT_EQ(inc.casualties.Killed(CasualtyCategory::kUnknown), Range(0, 0, 2));  // high 10 - best 8
  EXPECT_EQ(inc.casualties.TotalKilled(), 8);
  ASSERT_EQ(inc.sources.size(), 1u);
  EXPECT_EQ(inc.sources[0].outlet, "Dawn;The News International");
  EXPECT_EQ(inc.sources[0].published_at, "2022-12-03");
  EXPECT_EQ(inc.sources[0].headline,
            "Three soldiers martyred in Mir Ali clash;Five terrorists killed in North Waziristan");
}

TEST(UcdpGedFormat, OneSidedYearPrecisionAndUncertaintyOnUnknown) {
  Rows rows = ReadAll("ucdp-ged", "ucdp_ged_small.csv");
  const Incident& inc = Get(rows, "ucdp:900002");
  EXPECT_EQ(inc.event_type, EventType::kViolenceAgainstCivilians);
  EXPECT_EQ(inc.sub_event_type, "one-sided violence");
  EXPECT_EQ(inc.perpetrator, "IS");
  EXPECT_EQ(inc.target, TargetCategory::kCivilians);
  EXPECT_EQ(inc.date_precision, static_cast<uint8_t>(DatePrecision::kYear));
  EXPECT_EQ(inc.date, Day("2021-01-01"));
  EXPECT_EQ(inc.date_end, Day("2021-12-31"));
  EXPECT_EQ(inc.geo_precision, GeoPrecision::kProvince);
  EXPECT_EQ(inc.admin1, "Balochistan");
  EXPECT_EQ(inc.place, "");  // where_prec 4: the coordinates name the province
  EXPECT_EQ(inc.casualties.Killed(CasualtyCategory::kCivilians), Range(std::nullopt, 6, std::nullopt));
  // best 8, low 6, high 12: the unknown 2 carries low 2-2=0 and high 2+4=6.
  EXPECT_EQ(inc.casualties.Killed(CasualtyCategory::kUnknown), Range(0, 2, 6));

  const Incident& mixed = Get(rows, "ucdp:900005");
  EXPECT_EQ(mixed.date_precision, static_cast<uint8_t>(DatePrecision::kMonth));
  EXPECT_EQ(mixed.perpetrator, "BLA");
  EXPECT_EQ(mixed.geo_precision, GeoPrecision::kNear);
  EXPECT_EQ(mixed.casualties.Killed(CasualtyCategory::kSecurityForces).best, 1);
  EXPECT_EQ(mixed.casualties.Killed(CasualtyCategory::kMilitants).best, 2);
  EXPECT_EQ(mixed.casualties.Killed(CasualtyCategory::kUnknown), Range(1, 3, 6));  // best 6 low 4 high 9

  const Incident& one_sided = Get(rows, "ucdp:900007");
  EXPECT_EQ(one_sided.casualties.Killed(CasualtyCategory::kMilitants).best, 3);  // side_a TTP
  EXPECT_EQ(one_sided.casualties.Killed(CasualtyCategory::kCivilians).best, 12);
  EXPECT_EQ(one_sided.place, "Charsadda");
}

TEST(UcdpGedFormat, PrecisionCodes) {
  Rows rows = ReadAll("ucdp-ged", "ucdp_ged_small.csv");
  const Incident& non_state = Get(rows, "ucdp:900003");
  EXPECT_EQ(non_state.sub_event_type, "non-state conflict");
  EXPECT_EQ(non_state.target, TargetCategory::kMilitants);
  EXPECT_EQ(non_state.casualties.Killed(CasualtyCategory::kMilitants).best, 6);
  EXPECT_EQ(non_state.admin1, "Federally Administered Tribal Areas");
  EXPECT_EQ(non_state.admin2, "Khyber");  // " agency" stripped
  EXPECT_EQ(non_state.geo_precision, GeoPrecision::kNear);

  const Incident& afghan = Get(rows, "ucdp:900004");
  EXPECT_EQ(afghan.country, "AF");  // Gleditsch-Ward 700
  EXPECT_EQ(afghan.date_precision, static_cast<uint8_t>(DatePrecision::kWeek));
  EXPECT_EQ(afghan.date, Day("2020-05-03"));
  EXPECT_EQ(afghan.date_end, Day("2020-05-08"));
  EXPECT_EQ(afghan.geo_precision, GeoPrecision::kDistrict);
  EXPECT_EQ(afghan.admin2, "Nad Ali");
  EXPECT_EQ(afghan.perpetrator, "Taleban");
  // low 25 is 5 under best but the unknown category is 0: clamped at 0.
  EXPECT_EQ(afghan.casualties.Killed(CasualtyCategory::kUnknown), Range(0, 0, 10));

  const Incident& longer = Get(rows, "ucdp:900006");
  EXPECT_EQ(longer.date_precision, static_cast<uint8_t>(DatePrecision::kYear));  // date_prec 5
  EXPECT_EQ(longer.date_end, Day("2014-03-31"));
  EXPECT_EQ(longer.geo_precision, GeoPrecision::kCountry);                     // where_prec 6
  EXPECT_EQ(Get(rows, "ucdp:900008").geo_precision, GeoPrecision::kProvince);  // where_prec 5
  EXPECT_EQ(Get(rows, "ucdp:900008").casualties.Killed(CasualtyCategory::kUnknown), Range(5, 5, 5));
}

TEST(UcdpGedFormat, RejectsBadRowsWithColumnAndReason) {
  Rows rows = ReadAll("ucdp-ged", "ucdp_ged_bad.csv");
  ExpectRejects(rows, {
                          {2, "deaths_a", "\"12a\" is not a whole number"},
                          {3, "date_start", "2021-02-30 does not exist (day 30 of 28)"},
                          {4, "latitude", "latitude 123 is outside -90..90"},
                          {5, "best", "9 is not deaths_a + deaths_b + deaths_civilians + deaths_unknown (8)"},
                          {6, "date_end", "2022-12-02 is before date_start 2022-12-05"},
                          {7, "type_of_violence", "\"4\" is not 1 (state-based), 2 (non-state) or 3 (one-sided)"},
                          {8, "low", "9 is above best 8"},
                          {9, "", "expected 49 columns, found 50"},
                      });
  EXPECT_EQ(rows.all.size(), 9u);
  EXPECT_EQ(rows.by_key.count("ucdp:990009"), 1u);
}

// ---- GTD --------------------------------------------------------------------

TEST(GtdFormat, ImportsEveryFixtureRow) {
  Rows rows = ReadAll("gtd", "gtd_small.csv");
  EXPECT_EQ(rows.all.size(), 9u);
  EXPECT_EQ(rows.by_key.size(), 9u);
  ExpectAllValid(rows, "gtd-terms");
}

// GTD's CSV as Excel writes it is Windows-1252 (curly quotes, dashes,
// accented letters), not UTF-8: rejected as such by default, with the way
// out in the reason; read with --encoding cp1252.
TEST(GtdFormat, Cp1252FileIsRejectedAsUtf8WithAHint) {
  Rows rows = ReadAll("gtd", "gtd_cp1252.csv");
  ASSERT_EQ(rows.all.size(), 2u);
  ASSERT_EQ(rows.rejected.size(), 2u);
  EXPECT_EQ(rows.rejected[0].column, "summary");
  EXPECT_NE(rows.rejected[0].reason.find("invalid UTF-8"), std::string::npos);
  EXPECT_NE(rows.rejected[0].reason.find("--encoding"), std::string::npos);
}

TEST(GtdFormat, Cp1252FileReadWithEncoding) {
  ImportContext ctx;
  ctx.encoding = "cp1252";
  Rows rows = ReadAll("gtd", "gtd_cp1252.csv", ctx);
  ASSERT_EQ(rows.by_key.size(), 2u);
  ExpectAllValid(rows, "gtd-terms");
  const std::string& notes = Get(rows, "gtd:202211270091").notes;
  EXPECT_NE(notes.find("\u201cTehrik-i-Taliban Pakistan\u201d (TTP) \u2013 caf\u00e9 owner\u2019s account \u2013 claimed"),
            std::string::npos)
      << notes;
  EXPECT_NE(Get(rows, "gtd:202106000092").notes.find("opened fire \u2026"), std::string::npos);
  // The quarantine keeps the row as read, not as converted.
  EXPECT_NE(rows.all[0].raw_fields[18].find('\x93'), std::string::npos);
}

TEST(GtdFormat, Latin1ReadsHighBytesAsLatin1) {
  ImportContext ctx;
  ctx.encoding = "ISO-8859-1";
  Rows rows = ReadAll("gtd", "gtd_cp1252.csv", ctx);
  ASSERT_EQ(rows.by_key.size(), 2u);
  // 0xE9 is e-acute in both; 0x93 is a C1 control in Latin-1, not a quote.
  const std::string& notes = Get(rows, "gtd:202211270091").notes;
  EXPECT_NE(notes.find("caf\u00e9"), std::string::npos);
  EXPECT_NE(notes.find("\u0093Tehrik"), std::string::npos);
}

TEST(TextEncodings, Cp1252ByteWithoutACharacterIsRejected) {
  std::string out;
  EXPECT_EQ(Cp1252ToUtf8("ab\x81", &out), std::optional<size_t>(2));
  EXPECT_EQ(Cp1252ToUtf8("\x80\x9f\xff", &out), std::nullopt);
  EXPECT_EQ(out, "\u20ac\u0178\u00ff");

  std::ifstream in(Fixture("gtd_cp1252.csv"), std::ios::binary);
  std::string csv((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t at = csv.find('\x85');
  ASSERT_NE(at, std::string::npos);
  csv[at] = '\x8d';  // no character in Windows-1252
  ImportContext ctx;
  ctx.batch_id = "b1";
  ctx.file_label = "x.csv";
  ctx.encoding = "windows-1252";
  auto source = OpenRowSourceFromString("gtd", csv, ctx);
  ASSERT_TRUE(source.ok()) << source.status().ToString();
  ImportedRow row;
  ASSERT_TRUE((*source)->Next(&row));
  EXPECT_EQ(row.kind, ImportedRow::Kind::kIncident);
  ASSERT_TRUE((*source)->Next(&row));
  ASSERT_EQ(row.kind, ImportedRow::Kind::kRejected);
  EXPECT_EQ(row.line, 3u);
  EXPECT_EQ(row.column, "summary");
  EXPECT_NE(row.reason.find("byte 0x8D at byte 34 of the field is not a Windows-1252 character"), std::string::npos)
      << row.reason;
  EXPECT_FALSE((*source)->Next(&row));
}

TEST(TextEncodings, UnknownEncodingAndNdjsonOtherThanUtf8AreRefused) {
  ImportContext ctx;
  ctx.encoding = "ebcdic";
  auto a = OpenRowSourceFromString("gtd", "", ctx);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(a.status().message().find("unknown encoding \"ebcdic\""), std::string::npos);
  ctx.encoding = "latin1";
  auto b = OpenRowSourceFromString("ndjson", "", ctx);
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.status().message().find("UTF-8 only"), std::string::npos);
  ctx.encoding = "UTF8";
  EXPECT_TRUE(OpenRowSourceFromString("ndjson", "", ctx).ok());
}

TEST(GtdFormat, ClaimedSuicideBombingWithFractionalCounts) {
  Rows rows = ReadAll("gtd", "gtd_small.csv");
  const Incident& inc = Get(rows, "gtd:202211270001");
  EXPECT_EQ(inc.date, Day("2022-11-27"));
  EXPECT_EQ(inc.date_precision, static_cast<uint8_t>(DatePrecision::kDay));
  EXPECT_EQ(inc.country, "PK");
  EXPECT_EQ(inc.admin1, "Balochistan");
  EXPECT_EQ(inc.place, "Quetta");
  EXPECT_EQ(inc.geo_precision, GeoPrecision::kExact);
  EXPECT_EQ(inc.event_type, EventType::kExplosionsRemoteViolence);
  EXPECT_EQ(inc.attack_type, AttackType::kSuicideBombing);
  EXPECT_EQ(inc.sub_event_type, "Bombing/Explosion");
  EXPECT_EQ(inc.target, TargetCategory::kPolice);
  EXPECT_EQ(inc.perpetrator, "Tehrik-i-Taliban Pakistan (TTP)");
  EXPECT_EQ(inc.attribution, Attribution::kClaimed);
  // nkill 5.0 with nkillter 1.0: four police officers and the bomber.
  EXPECT_EQ(inc.casualties.Killed(CasualtyCategory::kSecurityForces), Range(4, 4, std::nullopt));
  EXPECT_EQ(inc.casualties.Killed(CasualtyCategory::kMilitants), Range(1, 1, std::nullopt));
  EXPECT_TRUE(inc.casualties.Killed(CasualtyCategory::kUnknown).empty());
  EXPECT_EQ(inc.casualties.Injured(CasualtyCategory::kSecurityForces), Range(12, 12, std::nullopt));
  EXPECT_EQ(inc.casualties.Injured(CasualtyCategory::kMilitants), Range(0, 0, std::nullopt));
  EXPECT_EQ(inc.notes.rfind("11/27/2022: A suicide bomber", 0), 0u);
  ASSERT_EQ(inc.sources.size(), 1u);
  EXPECT_EQ(inc.sources[0].outlet,
            "\"Suicide blast kills four policemen in Quetta,\" Example News, November 28, 2022.");
}

TEST(GtdFormat, UnknownDayAndMonthGiveSpans) {
  Rows rows = ReadAll("gtd", "gtd_small.csv");
  const Incident& month = Get(rows, "gtd:202106000002");
  EXPECT_EQ(month.date_precision, static_cast<uint8_t>(DatePrecision::kMonth));
  EXPECT_EQ(month.date, Day("2021-06-01"));
  EXPECT_EQ(month.date_end, Day("2021-06-30"));
  EXPECT_EQ(month.perpetrator, "");  // gname "Unknown"
  EXPECT_EQ(month.attribution, Attribution::kUnknown);
  EXPECT_EQ(month.event_type, EventType::kViolenceAgainstCivilians);
  EXPECT_EQ(month.attack_type, AttackType::kArmedAssault);
  EXPECT_EQ(month.target, TargetCategory::kCivilians);
  EXPECT_EQ(month.casualties.Killed(CasualtyCategory::kCivilians), Range(2, 2, std::nullopt));
  EXPECT_EQ(month.casualties.TotalInjured(), 0);

  const Incident& year = Get(rows, "gtd:201900000003");
  EXPECT_EQ(year.date_precision, static_cast<uint8_t>(DatePrecision::kYear));
  EXPECT_EQ(year.date, Day("2019-01-01"));
  EXPECT_EQ(year.date_end, Day("2019-12-31"));
  EXPECT_EQ(year.event_type, EventType::kStrategicDevelopments);  // arson: no explosives
  EXPECT_EQ(year.attack_type, AttackType::kSabotage);
  EXPECT_EQ(year.target, TargetCategory::kEducation);
  EXPECT_EQ(year.place, "");  // city "Unknown"
  EXPECT_EQ(year.geo_precision, GeoPrecision::kProvince);

  const Incident& kidnap = Get(rows, "gtd:201803110006");
  EXPECT_EQ(kidnap.country, "AF");
  EXPECT_EQ(kidnap.date, Day("2018-03-11"));
  EXPECT_EQ(kidnap.date_end, Day("2018-03-25"));  // extended, resolution
  EXPECT_EQ(kidnap.attack_type, AttackType::kKidnapping);
  EXPECT_EQ(kidnap.target, TargetCategory::kForeigners);
}

TEST(GtdFormat, TargetsAttributionAndCasualtySplit) {
  Rows rows = ReadAll("gtd", "gtd_small.csv");
  const Incident& polio = Get(rows, "gtd:201604200004");
  EXPECT_EQ(polio.attack_type, AttackType::kTargetedKilling);
  EXPECT_EQ(polio.target, TargetCategory::kHealthAndPolio);
  EXPECT_EQ(polio.attribution, Attribution::kSuspected);
  EXPECT_EQ(polio.casualties.Killed(CasualtyCategory::kCivilians), Range(1, 1, std::nullopt));

  const Incident& fc = Get(rows, "gtd:201708050005");
  EXPECT_EQ(fc.event_type, EventType::kBattles);
  EXPECT_EQ(fc.target, TargetCategory::kFrontierCorps);
  // nkillter empty: the split is not known.
  EXPECT_EQ(fc.casualties.Killed(CasualtyCategory::kUnknown), Range(3, 3, std::nullopt));
  EXPECT_TRUE(fc.casualties.Killed(CasualtyCategory::kSecurityForces).empty());
  EXPECT_EQ(fc.casualties.Injured(CasualtyCategory::kUnknown), Range(2, 2, std::nullopt));

  const Incident& shrine = Get(rows, "gtd:201902150007");
  EXPECT_EQ(shrine.attack_type, AttackType::kBombingIed);  // suicide 0
  EXPECT_EQ(shrine.target, TargetCategory::kReligious);
  EXPECT_EQ(shrine.casualties.Killed(CasualtyCategory::kCivilians), Range(10, 10, std::nullopt));
  EXPECT_EQ(shrine.casualties.Injured(CasualtyCategory::kCivilians), Range(20, 20, std::nullopt));

  const Incident& rivals = Get(rows, "gtd:201007120008");
  EXPECT_EQ(rivals.event_type, EventType::kBattles);
  EXPECT_EQ(rivals.target, TargetCategory::kMilitants);
  EXPECT_EQ(rivals.attribution, Attribution::kAttributed);                                       // claimed -9
  EXPECT_EQ(rivals.casualties.Killed(CasualtyCategory::kMilitants), Range(4, 4, std::nullopt));  // 1 + 3 victims
  EXPECT_EQ(rivals.geo_precision, GeoPrecision::kDistrict);
  EXPECT_EQ(rivals.place, "Miran Shah");

  const Incident& unknown = Get(rows, "gtd:201505030009");
  EXPECT_EQ(unknown.target, TargetCategory::kUnknown);
  EXPECT_EQ(unknown.casualties.TotalKilled(), 0);
  EXPECT_TRUE(unknown.casualties.Killed(CasualtyCategory::kUnknown).empty());  // nkill empty
  EXPECT_EQ(unknown.casualties.Injured(CasualtyCategory::kUnknown), Range(3, 3, std::nullopt));
}

TEST(GtdFormat, RejectsBadRowsWithColumnAndReason) {
  Rows rows = ReadAll("gtd", "gtd_bad.csv");
  ExpectRejects(rows, {
                          {2, "nkill", "\"3.5\" is not a whole number"},
                          {3, "nwound", "\"abc\" is not a number"},
                          {4, "iday", "2021-02-30 does not exist (day 30 of 28)"},
                          {5, "latitude", "latitude 123 is outside -90..90"},
                          {6, "nkillter", "3 is more than nkill 2"},
                          {7, "attacktype1", "\"12\" is not an attack type 1..9"},
                          {8, "nkill", "\"12a\" is not a number"},
                          {9, "", "expected 135 columns, found 100"},
                      });
}

// ---- GDELT ------------------------------------------------------------------

TEST(GdeltFormat, HasTheSixtyOneColumnsOfGdelt2) {
  auto columns = MakeGdeltFormat()->fixed_columns();
  ASSERT_EQ(columns.size(), 61u);
  EXPECT_EQ(columns[0], "GlobalEventID");
  EXPECT_EQ(columns[1], "Day");
  EXPECT_EQ(columns[25], "IsRootEvent");
  EXPECT_EQ(columns[26], "EventCode");
  EXPECT_EQ(columns[28], "EventRootCode");
  EXPECT_EQ(columns[51], "ActionGeo_Type");
  EXPECT_EQ(columns[53], "ActionGeo_CountryCode");
  EXPECT_EQ(columns[59], "DATEADDED");
  EXPECT_EQ(columns[60], "SOURCEURL");
  EXPECT_EQ(MakeGdeltFormat()->csv_options().delimiter, '\t');
  EXPECT_FALSE(MakeGdeltFormat()->csv_options().quoting);
}

TEST(GdeltFormat, ImportsViolentEventsAndRejectsTheRest) {
  Rows rows = ReadAll("gdelt", "gdelt_small.tsv");
  EXPECT_EQ(rows.all.size(), 10u);
  EXPECT_EQ(rows.by_key.size(), 7u);
  ExpectAllValid(rows, "gdelt-open");
  ExpectRejects(rows, {
                          {4, "EventRootCode", "CAMEO root 04 is not a violent event (faultline imports roots 18-20)"},
                          {9, "ActionGeo_CountryCode", "FIPS 10-4 code \"AS\" is not in faultline's FIPS to ISO table"},
                          {10, "ActionGeo_CountryCode", "is empty; the event has no location"},
                      });
}

TEST(GdeltFormat, SuicideBombingInQuetta) {
  Rows rows = ReadAll("gdelt", "gdelt_small.tsv");
  const Incident& inc = Get(rows, "gdelt:1070000001");
  EXPECT_EQ(inc.date, Day("2022-11-27"));
  EXPECT_EQ(inc.date_precision, static_cast<uint8_t>(DatePrecision::kDay));
  EXPECT_EQ(inc.country, "PK");
  EXPECT_EQ(inc.admin1, "Balochistan");
  EXPECT_EQ(inc.place, "Quetta");
  EXPECT_EQ(inc.geo_precision, GeoPrecision::kNear);
  EXPECT_DOUBLE_EQ(*inc.lat, 30.1872);
  EXPECT_EQ(inc.event_type, EventType::kExplosionsRemoteViolence);
  EXPECT_EQ(inc.attack_type, AttackType::kSuicideBombing);
  EXPECT_EQ(inc.sub_event_type, "CAMEO 1831");
  EXPECT_EQ(inc.perpetrator, "TALIBAN");
  EXPECT_EQ(inc.attribution, Attribution::kAttributed);
  EXPECT_EQ(inc.target, TargetCategory::kPolice);
  EXPECT_EQ(inc.casualties, Casualties{});
  ASSERT_EQ(inc.sources.size(), 1u);
  EXPECT_EQ(inc.sources[0].url, "https://www.example-news.pk/2022/11/27/quetta-blast");
  EXPECT_EQ(inc.sources[0].outlet, "www.example-news.pk");
  EXPECT_EQ(inc.sources[0].published_at, "2022-11-27T15:15:00Z");
  EXPECT_EQ(inc.provenance.row, 1);
}

TEST(GdeltFormat, CameoCodesAndGeoTypes) {
  Rows rows = ReadAll("gdelt", "gdelt_small.tsv");
  struct Case {
    const char* key;
    EventType event;
    AttackType attack;
    TargetCategory target;
    GeoPrecision geo;
    const char* country;
  };
  const Case cases[] = {
      {"gdelt:1070000002", EventType::kExplosionsRemoteViolence, AttackType::kDroneOrAirStrike,
       TargetCategory::kCivilians, GeoPrecision::kNear, "AF"},
      {"gdelt:1070000003", EventType::kBattles, AttackType::kArmedAssault, TargetCategory::kMilitants,
       GeoPrecision::kNear, "PK"},
      {"gdelt:1070000005", EventType::kViolenceAgainstCivilians, AttackType::kKidnapping, TargetCategory::kEducation,
       GeoPrecision::kNear, "PK"},
      {"gdelt:1070000006", EventType::kViolenceAgainstCivilians, AttackType::kTargetedKilling,
       TargetCategory::kReligious, GeoPrecision::kNear, "PK"},
      {"gdelt:1070000007", EventType::kExplosionsRemoteViolence, AttackType::kRocketMortar, TargetCategory::kArmy,
       GeoPrecision::kCountry, "PK"},
      {"gdelt:1070000008", EventType::kExplosionsRemoteViolence, AttackType::kBombingIed, TargetCategory::kArmy,
       GeoPrecision::kProvince, "PK"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.key);
    const Incident& inc = Get(rows, c.key);
    EXPECT_EQ(Name(inc.event_type), Name(c.event));
    EXPECT_EQ(Name(inc.attack_type), Name(c.attack));
    EXPECT_EQ(Name(inc.target), Name(c.target));
    EXPECT_EQ(Name(inc.geo_precision), Name(c.geo));
    EXPECT_EQ(inc.country, c.country);
  }
  EXPECT_EQ(Get(rows, "gdelt:1070000003").admin1, "Federally Administered Tribal Areas");
  EXPECT_EQ(Get(rows, "gdelt:1070000003").place, "Miranshah");
  EXPECT_EQ(Get(rows, "gdelt:1070000006").perpetrator, "");
  EXPECT_EQ(Get(rows, "gdelt:1070000006").attribution, Attribution::kUnknown);
  EXPECT_EQ(Get(rows, "gdelt:1070000007").place, "");
  EXPECT_EQ(Get(rows, "gdelt:1070000008").admin1, "Balochistan");
}

TEST(GdeltFormat, RejectsBadRowsWithColumnAndReason) {
  Rows rows = ReadAll("gdelt", "gdelt_bad.tsv");
  ExpectRejects(rows, {
                          {1, "Day", "2021-02-30 does not exist (day 30 of 28)"},
                          {2, "ActionGeo_Lat", "latitude 123 is outside -90..90"},
                          {3, "EventCode", "\"18x\" is not a CAMEO code under root 18"},
                          {4, "ActionGeo_Type", "\"9\" is not 1..5"},
                          {5, "", "expected 61 columns, found 60"},
                      });
  EXPECT_EQ(rows.by_key.count("gdelt:1079900006"), 1u);
}

// ---- detection and the real gazetteer -----------------------------------------

TEST(DatasetFormats, DetectedFromTheirFirstLine) {
  EXPECT_EQ(*DetectFormat(Fixture("acled_small.csv")), "acled");
  EXPECT_EQ(*DetectFormat(Fixture("ucdp_ged_small.csv")), "ucdp-ged");
  EXPECT_EQ(*DetectFormat(Fixture("gtd_small.csv")), "gtd");
  EXPECT_EQ(*DetectFormat(Fixture("gdelt_small.tsv")), "gdelt");
}

ImportContext RealContext() {
  ImportContext ctx;
  auto gz = Gazetteer::Default();
  auto actors = ActorDictionary::Default();
  if (gz.ok()) ctx.gazetteer = *gz;
  if (actors.ok()) ctx.actors = *actors;
  return ctx;
}

TEST(DatasetFormatsWithGazetteer, ResolvesCountriesPlacesAndActors) {
  ImportContext ctx = RealContext();
  if (ctx.gazetteer == nullptr || ctx.actors == nullptr) GTEST_SKIP() << "gazetteer or actor dictionary not loadable";

  Rows acled = ReadAll("acled", "acled_small.csv", ctx);
  EXPECT_EQ(acled.by_key.size(), 12u);
  ExpectAllValid(acled, "acled-terms");
  const Incident& bombing = Get(acled, "acled:PAK90001");
  EXPECT_EQ(bombing.country, "PK");
  EXPECT_EQ(bombing.admin1, "Balochistan");
  EXPECT_EQ(bombing.perpetrator, "TTP");                           // "TTP: Tehreek-i-Taliban Pakistan"
  EXPECT_EQ(bombing.geo_precision, GeoPrecision::kExact);          // the dataset's code wins
  EXPECT_EQ(Get(acled, "acled:PAK90002").perpetrator, "PK-ARMY");  // "Military Forces of Pakistan (2018-)"
  EXPECT_EQ(Get(acled, "acled:AFG90005").country, "AF");
  EXPECT_EQ(Get(acled, "acled:AFG90005").perpetrator, "ISKP");

  Rows ucdp = ReadAll("ucdp-ged", "ucdp_ged_small.csv", ctx);
  EXPECT_EQ(ucdp.by_key.size(), 8u);
  ExpectAllValid(ucdp, "ucdp-cc-by-4.0");
  EXPECT_EQ(Get(ucdp, "ucdp:900001").perpetrator, "TTP");
  EXPECT_EQ(Get(ucdp, "ucdp:900002").perpetrator, "ISKP");  // "IS" in Pakistan
  EXPECT_EQ(Get(ucdp, "ucdp:900004").perpetrator, "AFG-TALIBAN");
  EXPECT_EQ(Get(ucdp, "ucdp:900001").admin1, "Khyber Pakhtunkhwa");
  EXPECT_EQ(Get(ucdp, "ucdp:900001").admin2, "North Waziristan");

  Rows gtd = ReadAll("gtd", "gtd_small.csv", ctx);
  EXPECT_EQ(gtd.by_key.size(), 9u);
  ExpectAllValid(gtd, "gtd-terms");
  EXPECT_EQ(Get(gtd, "gtd:202211270001").perpetrator, "TTP");  // "Tehrik-i-Taliban Pakistan (TTP)"
  EXPECT_EQ(Get(gtd, "gtd:201708050005").perpetrator, "BLA");  // "Baloch Liberation Army (BLA)"
  EXPECT_EQ(Get(gtd, "gtd:201803110006").country, "AF");

  Rows gdelt = ReadAll("gdelt", "gdelt_small.tsv", ctx);
  EXPECT_EQ(gdelt.by_key.size(), 7u);
  ExpectAllValid(gdelt, "gdelt-open");
  EXPECT_EQ(Get(gdelt, "gdelt:1070000001").perpetrator, "AFG-TALIBAN");  // GDELT's "TALIBAN"
  EXPECT_EQ(Get(gdelt, "gdelt:1070000001").admin1, "Balochistan");
}

}  // namespace
}  // namespace faultline
