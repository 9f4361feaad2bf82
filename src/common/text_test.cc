#include "common/text.h"

#include <gtest/gtest.h>

namespace faultline {
namespace {

TEST(FoldKey, CaseDiacriticsPunctuation) {
  EXPECT_EQ(FoldKey("D.I. Khan"), "d i khan");
  EXPECT_EQ(FoldKey("  Khyber-Pakhtunkhwa "), "khyber pakhtunkhwa");
  EXPECT_EQ(FoldKey("Zōr Kōṯ"), "zor kot");
  EXPECT_EQ(FoldKey("Tehreek-e-Taliban"), "tehreek e taliban");
  EXPECT_EQ(FoldKey("Jama'at"), "jamaat");
  EXPECT_EQ(FoldKeyCompact("Miran Shah"), FoldKeyCompact("Miranshah"));
}

TEST(Utf8, FindsInvalidBytes) {
  EXPECT_FALSE(FindInvalidUtf8("plain ascii").has_value());
  EXPECT_FALSE(FindInvalidUtf8("Zōr Kōṯ").has_value());
  EXPECT_EQ(FindInvalidUtf8("ab\xff"), 2u);
  EXPECT_EQ(FindInvalidUtf8("a\xc3"), 1u);            // truncated sequence
  EXPECT_EQ(FindInvalidUtf8("\xed\xa0\x80"), 0u);     // surrogate
  EXPECT_EQ(FindInvalidUtf8("\xc0\xaf"), 0u);         // overlong
  EXPECT_EQ(Latin1ToUtf8("Pe\xf1"), "Pe\xc3\xb1");
}

TEST(ParseNumbers, StrictWithMessages) {
  EXPECT_EQ(*ParseInt(" 12 "), 12);
  auto bad = ParseInt("12a");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "\"12a\" is not a whole number");
  EXPECT_FALSE(ParseInt("").ok());
  EXPECT_FALSE(ParseInt("99999999999999999999").ok());
  EXPECT_DOUBLE_EQ(*ParseDouble("33.7"), 33.7);
  EXPECT_FALSE(ParseDouble("nan").ok());
  EXPECT_FALSE(ParseDouble("1e999").ok());
}

}  // namespace
}  // namespace faultline
