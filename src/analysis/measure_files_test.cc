#include "analysis/measure_files.h"

#include <gtest/gtest.h>

#include <string>

#include "common/date.h"

namespace faultline {
namespace {

std::string Source(const char* rel) { return std::string(FAULTLINE_SOURCE_DIR) + "/" + rel; }

TEST(MeasureFiles, ReadsTheBundledFiles) {
  auto claims_text = ReadTextFile(Source("data/claims/published.tsv"));
  ASSERT_TRUE(claims_text.ok()) << claims_text.status().ToString();
  auto claims = ParseClaimsTsv(*claims_text, "published.tsv");
  ASSERT_TRUE(claims.ok()) << claims.status().ToString();
  EXPECT_EQ(claims->size(), 16u);  // 17 lines that are not comments, one the header
  EXPECT_EQ((*claims)[0].key, "pips-2021-attacks");
  EXPECT_EQ((*claims)[0].value, 207);

  auto phases_text = ReadTextFile(Source("data/phases/ttp_timeline.tsv"));
  ASSERT_TRUE(phases_text.ok());
  auto phases = ParsePhasesTsv(*phases_text, "ttp_timeline.tsv");
  ASSERT_TRUE(phases.ok()) << phases.status().ToString();
  EXPECT_EQ(phases->size(), 9u);
  EXPECT_EQ((*phases)[0].key, "lal-masjid-2007");
  EXPECT_EQ(ReadTextFile("/nonexistent/phases.tsv").status().code(), StatusCode::kIoError);
}

TEST(MeasureFiles, ClaimErrorsNameLineAndColumn) {
  const std::string header = "key\tsource\tcitation\tstanding\tmetric\tcategory\tfilters\tperiod\tvalue\n";
  auto bad_metric = ParseClaimsTsv(header + "# note\nk\tPIPS\t\t\tdeaths\t\t\t2021\t3\n", "c.tsv");
  ASSERT_FALSE(bad_metric.ok());
  EXPECT_EQ(bad_metric.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad_metric.status().message().rfind("c.tsv:3: metric: ", 0), 0u) << bad_metric.status().message();

  auto bad_standing = ParseClaimsTsv(header + "k\tPIPS\t\thearsay\tattacks\t\t\t2021\t3\n", "c.tsv");
  EXPECT_EQ(bad_standing.status().message().rfind("c.tsv:2: standing: ", 0), 0u) << bad_standing.status().message();
  auto bad_value = ParseClaimsTsv(header + "k\tPIPS\t\t\tattacks\t\t\t2021\tmany\n", "c.tsv");
  EXPECT_EQ(bad_value.status().message().rfind("c.tsv:2: value: ", 0), 0u) << bad_value.status().message();
  auto short_row = ParseClaimsTsv(header + "\nk\tPIPS\n", "c.tsv");
  EXPECT_EQ(short_row.status().message().rfind("c.tsv:3: expected at least 9", 0), 0u);
}

TEST(MeasureFiles, PhaseErrorsNameLineAndColumn) {
  auto bad = ParsePhasesTsv("k\tceasefire\tName\t\tPK\t2021-11-09\t2021-11-01\n", "p.tsv");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "p.tsv:1: end: before start");
  auto date = ParsePhasesTsv("k\tceasefire\tName\t\tPK\t2021-13-09\t\n", "p.tsv");
  EXPECT_EQ(date.status().message().rfind("p.tsv:1: start: ", 0), 0u) << date.status().message();
  // No header: the first row is data. CRLF line ends and blank lines are fine.
  auto ok = ParsePhasesTsv("k\ttalks\t Talks \t a | b \t\t2022-05-01\t\r\n\r\n   \n", "p.tsv");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  ASSERT_EQ(ok->size(), 1u);
  EXPECT_EQ((*ok)[0].name, "Talks");
  EXPECT_EQ((*ok)[0].parties, (std::vector<std::string>{"a", "b"}));
  EXPECT_FALSE((*ok)[0].end.has_value());
}

// Regression (fuzz_claims_tsv, fuzz_phases_tsv): a key that starts with '#'
// after leading spaces was accepted, but written back it reads as a comment.
TEST(MeasureFiles, KeyStartingWithHashIsRefused) {
  auto claim = ParseClaimsTsv(" #k\tPIPS\t\t\tattacks\t\t\t2021\t3\n", "c.tsv");
  EXPECT_EQ(claim.status().message().rfind("c.tsv:1: key: ", 0), 0u) << claim.status().message();
  auto phase2 = ParsePhasesTsv(" #k\ttalks\tT\t\t\t2022-05-01\t\n", "p.tsv");
  EXPECT_EQ(phase2.status().message().rfind("p.tsv:1: key: ", 0), 0u) << phase2.status().message();
}

// Regression: text that is not UTF-8 reached the store and the JSON output
// unchecked; now the error names line and column.
TEST(MeasureFiles, InvalidUtf8NamesTheColumn) {
  auto claim = ParseClaimsTsv("k\tPIPS\tcaf\xe9\t\tattacks\t\t\t2021\t3\n", "c.tsv");
  EXPECT_EQ(claim.status().message(), "c.tsv:1: citation: invalid UTF-8 at byte 3");
  auto phase = ParsePhasesTsv("k\ttalks\tT\t\t\t2022-05-01\t\tsrc\tn\xff\n", "p.tsv");
  EXPECT_EQ(phase.status().message(), "p.tsv:1: notes: invalid UTF-8 at byte 1");
}

}  // namespace
}  // namespace faultline
