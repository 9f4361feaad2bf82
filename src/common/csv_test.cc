#include "common/csv.h"

#include <gtest/gtest.h>

namespace faultline {
namespace {

std::vector<std::vector<std::string>> ReadAll(const std::string& data, CsvOptions opt = {},
                                              std::vector<std::string>* errors = nullptr) {
  auto r = CsvReader::FromString(data, opt);
  std::vector<std::vector<std::string>> rows;
  CsvRecord rec;
  for (;;) {
    auto res = r->Next(&rec);
    if (res == CsvReader::ReadResult::kEnd) break;
    if (res == CsvReader::ReadResult::kMalformed && errors) errors->push_back(rec.error.message());
    rows.push_back(rec.fields);
  }
  return rows;
}

TEST(CsvReader, QuotesEscapesAndLineEnds) {
  auto rows = ReadAll("a,\"b,c\",\"d\"\"e\"\r\n1,\"multi\nline\",3\n\nx,,\n");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"a", "b,c", "d\"e"}));
  EXPECT_EQ(rows[1], (std::vector<std::string>{"1", "multi\nline", "3"}));
  EXPECT_EQ(rows[2], (std::vector<std::string>{"x", "", ""}));
}

TEST(CsvReader, LineNumbersCountPhysicalLines) {
  auto r = CsvReader::FromString("h\n\"a\nb\"\nc\n", {});
  CsvRecord rec;
  r->Next(&rec);
  EXPECT_EQ(rec.line, 1u);
  r->Next(&rec);
  EXPECT_EQ(rec.line, 2u);
  r->Next(&rec);
  EXPECT_EQ(rec.line, 4u);
}

TEST(CsvReader, StripsBom) {
  auto r = CsvReader::FromString("\xEF\xBB\xBFid,x\n", {});
  CsvRecord rec;
  ASSERT_EQ(r->Next(&rec), CsvReader::ReadResult::kRecord);
  EXPECT_TRUE(r->had_bom());
  EXPECT_EQ(rec.fields[0], "id");
}

TEST(CsvReader, UnbalancedQuoteIsMalformedWithStartLine) {
  std::vector<std::string> errors;
  auto rows = ReadAll("a,b\n1,\"open\n2,3\n", {}, &errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("line 2"), std::string::npos);
  EXPECT_NE(errors[0].find("never closed"), std::string::npos);
}

TEST(CsvReader, OversizedFieldIsRejectedAndReadingContinues) {
  CsvOptions opt;
  opt.max_field_bytes = 1 << 20;
  std::string big(3 << 20, 'x');
  std::vector<std::string> errors;
  auto rows = ReadAll("a,b\n1," + big + "\n2,ok\n", opt, &errors);
  ASSERT_EQ(rows.size(), 3u);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("longer than the 1 MiB limit"), std::string::npos);
  EXPECT_LE(rows[1][1].size(), size_t{1} << 20);
  EXPECT_EQ(rows[2][1], "ok");
}

TEST(CsvReader, TsvWithoutQuoting) {
  CsvOptions opt;
  opt.delimiter = '\t';
  opt.quoting = false;
  auto rows = ReadAll("1\t\"x\t3\n", opt);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][1], "\"x");
}

}  // namespace
}  // namespace faultline
