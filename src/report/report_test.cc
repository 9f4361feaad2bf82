// Reports render in all three formats from a small store; the PDF's first
// page is rasterised with pdftoppm (poppler-utils) and must not be blank; the
// HTML must not reference anything outside itself.
#include "report/report.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "common/date.h"

namespace faultline::report {
namespace {

namespace fs = std::filesystem;

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class ReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("faultline-report-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    auto store = Store::Open((dir_ / "t.db").string());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    const char* places[][3] = {{"Khyber Pakhtunkhwa", "Peshawar", "34.01,71.58"},
                               {"Balochistan", "Quetta", "30.18,66.99"},
                               {"Khyber Pakhtunkhwa", "Bannu", "32.99,70.60"}};
    for (int i = 0; i < 60; ++i) {
      Incident inc;
      inc.source_key = "fixture:" + std::to_string(i);
      inc.date = CivilDate::Parse("2022-01-03")->days() + i * 6;
      inc.date_end = inc.date;
      inc.country = "PK";
      const auto& p = places[i % 3];
      inc.admin1 = p[0];
      inc.admin2 = p[1];
      inc.place = p[1];
      inc.lat = std::stod(std::string(p[2]).substr(0, 5));
      inc.lon = std::stod(std::string(p[2]).substr(6));
      inc.geo_precision = GeoPrecision::kNear;
      inc.attack_type = i % 4 == 0 ? AttackType::kSuicideBombing : AttackType::kArmedAssault;
      inc.target = i % 2 ? TargetCategory::kPolice : TargetCategory::kCivilians;
      inc.perpetrator = i % 5 == 0 ? "BLA" : "TTP";
      inc.casualties.Killed(CasualtyCategory::kSecurityForces).best = i % 7;
      inc.casualties.Injured(CasualtyCategory::kCivilians).best = i % 3;
      inc.license = "user";
      inc.provenance.importer = "fixture";
      ASSERT_TRUE(Validate(inc).empty());
      ASSERT_TRUE(store_->Upsert(&inc, {}).ok());
    }
    Phase ph;
    ph.key = "ceasefire";
    ph.type = PhaseType::kCeasefire;
    ph.name = "TTP indefinite ceasefire";
    ph.country = "PK";
    ph.start = CivilDate::Parse("2022-06-02")->days();
    ph.end = CivilDate::Parse("2022-11-28")->days();
    ph.source = "domain.md §3";
    ASSERT_TRUE(store_->UpsertPhase(&ph).ok());
    auto cube = Cube::Load(store_.get());
    ASSERT_TRUE(cube.ok());
    cube_ = std::move(*cube);
  }
  void TearDown() override { fs::remove_all(dir_); }
  static void TearDownTestSuite() { ReleaseFontCaches(); }

  ReportData Build() {
    Filter f;
    f.date_from = CivilDate::Parse("2022-01-01")->days();
    f.date_to = CivilDate::Parse("2022-12-31")->days();
    auto r = BuildReport(store_.get(), *cube_, f, {.title = "Test report"});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return *r;
  }

  fs::path dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Cube> cube_;
};

TEST_F(ReportTest, Figures) {
  ReportData r = Build();
  EXPECT_EQ(r.total.incidents, 60);
  int64_t killed = 0;
  for (int i = 0; i < 60; ++i) killed += i % 7;
  EXPECT_EQ(r.total.killed, killed);
  EXPECT_EQ(r.killed_by_category[0], killed);
  ASSERT_EQ(r.by_admin1.size(), 2u);
  EXPECT_EQ(r.by_admin1[0].name, "Khyber Pakhtunkhwa");
  EXPECT_EQ(r.by_admin1[0].incidents, 40);
  EXPECT_EQ(r.trend.labels.size(), 12u);
  EXPECT_EQ(r.trend.labels[0], "2022-01");
  ASSERT_EQ(r.phases.size(), 1u);
  ASSERT_EQ(r.trend.spans.size(), 1u);
  EXPECT_EQ(r.trend.spans[0].first, 5u);
  EXPECT_EQ(r.trend.spans[0].last, 10u);
  EXPECT_EQ(r.map.points.size(), 3u);  // three places, merged on the grid
  ASSERT_EQ(r.largest.size(), 10u);
  EXPECT_EQ(r.largest[0].killed, 6);
  ASSERT_EQ(r.sources.size(), 1u);
  EXPECT_EQ(r.sources[0].importer, "fixture");
  EXPECT_EQ(r.sources[0].incidents, 60);
  Filter open;
  EXPECT_EQ(BuildReport(store_.get(), *cube_, open, {}).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(ReportTest, HtmlIsSelfContained) {
  ReportData r = Build();
  ASSERT_TRUE(WriteReport(r, ReportFormat::kHtml, (dir_ / "r.html").string()).ok());
  std::string html = Slurp(dir_ / "r.html");
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_NE(html.find("Khyber Pakhtunkhwa"), std::string::npos);
  EXPECT_NE(html.find("TTP indefinite ceasefire"), std::string::npos);
  // No external reference: no http(s) src/href, no @import, no url(http...).
  std::smatch m;
  EXPECT_FALSE(std::regex_search(html, m, std::regex(R"((src|href)\s*=\s*["']?\s*(https?:)?//)", std::regex::icase)))
      << m.str();
  EXPECT_EQ(html.find("@import"), std::string::npos);
  EXPECT_FALSE(std::regex_search(html, m, std::regex(R"(url\(\s*["']?\s*(https?:)?//)", std::regex::icase))) << m.str();
  // Any src/href left points inside the document (#id) or is a data: URI.
  const std::regex ref(R"((src|href)\s*=\s*["']([^"']*))");
  for (std::sregex_iterator it(html.begin(), html.end(), ref), end;
       it != end; ++it) {
    std::string target = (*it)[2];
    EXPECT_TRUE(target.starts_with("#") || target.starts_with("data:")) << target;
  }
}

TEST_F(ReportTest, MarkdownWritesItsCharts) {
  ReportData r = Build();
  ASSERT_TRUE(WriteReport(r, ReportFormat::kMarkdown, (dir_ / "r.md").string()).ok());
  std::string md = Slurp(dir_ / "r.md");
  EXPECT_NE(md.find("![Incidents and killed per month](r-trend.png)"), std::string::npos);
  EXPECT_NE(md.find("| Khyber Pakhtunkhwa | 40 |"), std::string::npos) << md;
  for (const char* png : {"r-trend.png", "r-map.png"}) {
    std::string bytes = Slurp(dir_ / png);
    ASSERT_GT(bytes.size(), 1000u) << png;
    EXPECT_EQ(bytes.substr(1, 3), "PNG");
  }
}

TEST_F(ReportTest, PdfFirstPageIsNotBlank) {
  ReportData r = Build();
  const fs::path pdf = dir_ / "r.pdf";
  ASSERT_TRUE(WriteReport(r, ReportFormat::kPdf, pdf.string()).ok());
  ASSERT_EQ(Slurp(pdf).substr(0, 5), "%PDF-");
  if (std::system("command -v pdftoppm >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "pdftoppm (poppler-utils) is not installed: scripts/install-deps.sh installs it";
  }
  // Page 1 as a greyscale PGM at 50 dpi: count the pixels that are not white.
  const std::string cmd = "pdftoppm -f 1 -l 1 -r 50 -gray \"" + pdf.string() + "\" \"" + (dir_ / "page").string() + "\"";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  fs::path pgm;
  for (const auto& e : fs::directory_iterator(dir_)) {
    if (e.path().extension() == ".pgm") pgm = e.path();
  }
  ASSERT_FALSE(pgm.empty());
  std::ifstream in(pgm, std::ios::binary);
  std::string magic;
  int w = 0, h = 0, max = 0;
  in >> magic >> w >> h >> max;
  in.get();
  ASSERT_EQ(magic, "P5");
  std::string pixels((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_EQ(pixels.size(), static_cast<size_t>(w) * static_cast<size_t>(h));
  size_t ink = 0;
  for (unsigned char p : pixels) ink += p < 200;
  // Title, figures, the trend chart and the start of the map: well over 2%.
  EXPECT_GT(static_cast<double>(ink) / static_cast<double>(pixels.size()), 0.02) << ink << " dark pixels";
}

}  // namespace
}  // namespace faultline::report
