#include "store/sql_filter.h"

#include <gtest/gtest.h>

namespace faultline {
namespace {

TEST(StoreSqlFilter, DefaultHidesRejectedAndMerged) {
  FilterSql f = BuildFilterSql({}, SqlDialect::kSqlite);
  EXPECT_EQ(f.where, " WHERE status IN (?, ?)");
  ASSERT_EQ(f.params.size(), 2u);
  EXPECT_EQ(std::get<std::string>(f.params[0]), "candidate");
  EXPECT_EQ(std::get<std::string>(f.params[1]), "confirmed");
  EXPECT_EQ(f.limit, "");
}

TEST(StoreSqlFilter, PostgresNumbersEveryPlaceholderInOrder) {
  Filter filter;
  filter.after_id = 10;
  filter.countries = {"PK", "AF"};
  filter.text = "suicide attack";
  filter.bbox = BoundingBox{60, 23, 78, 37};
  filter.limit = 5;
  FilterSql f = BuildFilterSql(filter, SqlDialect::kPostgres);
  // Every value is a parameter: $1..$n appear once each, in order.
  for (size_t i = 1; i <= f.params.size(); ++i) {
    const std::string p = "$" + std::to_string(i) + "::";
    const size_t at = (f.where + f.limit).find(p);
    EXPECT_NE(at, std::string::npos) << p;
    EXPECT_EQ((f.where + f.limit).find(p, at + 1), std::string::npos) << p;
  }
  EXPECT_EQ(f.limit, " LIMIT $" + std::to_string(f.params.size()) + "::bigint");
  EXPECT_EQ(std::get<int64_t>(f.params.back()), 5);
  EXPECT_NE(f.where.find("plainto_tsquery"), std::string::npos);
  EXPECT_EQ(f.where.find("suicide"), std::string::npos);  // the text is bound, not spliced
}

TEST(StoreSqlFilter, ValuesNeverReachTheSqlText) {
  Filter filter;
  const std::string evil = "'; DROP TABLE incidents; --";
  filter.countries = {evil};
  filter.admin1 = {evil};
  filter.perpetrators = {evil};
  filter.importers = {evil};
  filter.licenses = {evil};
  filter.text = evil;
  for (SqlDialect d : {SqlDialect::kSqlite, SqlDialect::kPostgres}) {
    FilterSql f = BuildFilterSql(filter, d);
    EXPECT_EQ(f.where.find("DROP"), std::string::npos) << f.where;
  }
}

TEST(StoreSqlFilter, BoxParametersMatchTheirPlaceholders) {
  Filter filter;
  filter.bbox = BoundingBox{60, 23, 78, 37};
  FilterSql f = BuildFilterSql(filter, SqlDialect::kPostgres);
  EXPECT_NE(f.where.find("lat >= $3::float8 AND lat <= $4::float8 AND lon >= $5::float8 AND lon <= $6::float8"),
            std::string::npos)
      << f.where;
  ASSERT_EQ(f.params.size(), 6u);
  EXPECT_EQ(std::get<double>(f.params[2]), 23);
  EXPECT_EQ(std::get<double>(f.params[3]), 37);
  EXPECT_EQ(std::get<double>(f.params[4]), 60);
  EXPECT_EQ(std::get<double>(f.params[5]), 78);
}

TEST(StoreSqlFilter, AntimeridianBoxWrapsLongitude) {
  Filter filter;
  filter.bbox = BoundingBox{170, -20, -170, 20};
  FilterSql f = BuildFilterSql(filter, SqlDialect::kSqlite);
  EXPECT_NE(f.where.find("(lon >= ? OR lon <= ?)"), std::string::npos) << f.where;
}

TEST(StoreSqlFilter, CountHonoursTheLimit) {
  Filter filter;
  filter.limit = 3;
  FilterSql f = BuildFilterSql(filter, SqlDialect::kSqlite);
  EXPECT_EQ(CountSql(f),
            "SELECT COUNT(*) FROM (SELECT id FROM incidents WHERE status IN (?, ?) ORDER BY id LIMIT ?) AS limited");
  EXPECT_EQ(CountSql(BuildFilterSql({}, SqlDialect::kSqlite)), "SELECT COUNT(*) FROM incidents WHERE status IN (?, ?)");
}

TEST(StoreSqlFilter, Fts5QueryQuotesEveryWord) {
  EXPECT_EQ(Fts5Query("suicide attack"), "\"suicide\" \"attack\"");
  EXPECT_EQ(Fts5Query("O'Brien \"quoted\" AND OR NEAR("), "\"O'Brien\" \"\"\"quoted\"\"\" \"AND\" \"OR\" \"NEAR(\"");
  EXPECT_EQ(Fts5Query("  \t\n "), "");
  EXPECT_EQ(Fts5Query("col:x* ^y"), "\"col:x*\" \"^y\"");
}

TEST(StoreSqlFilter, WhitespaceTextIsNoFilter) {
  Filter filter;
  filter.text = "   ";
  FilterSql f = BuildFilterSql(filter, SqlDialect::kSqlite);
  EXPECT_EQ(f.where.find("MATCH"), std::string::npos);
}

}  // namespace
}  // namespace faultline
