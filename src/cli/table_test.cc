// PrintRows keeps the two shapes the CLI had before it was shared: counts
// (JSON integers, cells cut at 40) and forecast fractions (JSON doubles,
// cells cut at 44). Outputs are compared byte for byte.
#include "cli/table.h"

#include <gtest/gtest.h>

#include <iostream>
#include <sstream>

namespace faultline {
namespace {

std::string Capture(const std::string& format, const std::vector<std::vector<std::string>>& rows,
                    const TableStyle& style) {
  std::ostringstream out;
  std::streambuf* old = std::cout.rdbuf(out.rdbuf());
  PrintRows(format, {"name", "n"}, rows, {false, true}, style);
  std::cout.rdbuf(old);
  return out.str();
}

const TableStyle kCounts{};
const TableStyle kFractions{.real_numbers = true, .max_cell = 44};

TEST(PrintRows, JsonNumbersAreIntegersForCountsAndDoublesForFractions) {
  const std::vector<std::vector<std::string>> rows = {{"Quetta", "12"}, {"Kurram", ""}, {"Bannu", "0.25"}};
  EXPECT_EQ(Capture("json", rows, kCounts),
            "[\n  {\n    \"name\": \"Quetta\",\n    \"n\": 12\n  },\n  {\n    \"name\": \"Kurram\",\n    \"n\": \"\"\n"
            "  },\n  {\n    \"name\": \"Bannu\",\n    \"n\": 0\n  }\n]\n");
  EXPECT_EQ(Capture("json", rows, kFractions),
            "[\n  {\n    \"name\": \"Quetta\",\n    \"n\": 12.0\n  },\n  {\n    \"name\": \"Kurram\",\n    \"n\": \"\"\n"
            "  },\n  {\n    \"name\": \"Bannu\",\n    \"n\": 0.25\n  }\n]\n");
  EXPECT_EQ(Capture("json", {}, kCounts), "[]\n");
}

TEST(PrintRows, TableCutsLongCellsAtTheStylesWidth) {
  const std::string long_name(50, 'x');
  const std::string counts = Capture("table", {{long_name, "7"}}, kCounts);
  EXPECT_EQ(counts, "name" + std::string(36, ' ') + "  n\n" + std::string(40, '-') + "  -\n" + std::string(39, 'x') +
                        "~  7\n");
  const std::string fractions = Capture("table", {{long_name, "0.5"}}, kFractions);
  EXPECT_EQ(fractions, "name" + std::string(40, ' ') + "    n\n" + std::string(44, '-') + "  ---\n" +
                           std::string(43, 'x') + "~  0.5\n");
}

TEST(PrintRows, CsvIsTheSameForBothStyles) {
  const std::vector<std::vector<std::string>> rows = {{"D.I. Khan, KP", "3"}};
  EXPECT_EQ(Capture("csv", rows, kCounts), "name,n\n\"D.I. Khan, KP\",3\n");
  EXPECT_EQ(Capture("csv", rows, kFractions), Capture("csv", rows, kCounts));
}

}  // namespace
}  // namespace faultline
