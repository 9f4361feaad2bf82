#include "common/text.h"

#include <gtest/gtest.h>

#include <utf8proc.h>

#include <random>

namespace faultline {
namespace {

// The reference: utf8proc's own decoder, one code point at a time (it
// refuses overlong forms, surrogates and code points past U+10FFFF too).
std::optional<size_t> ReferenceInvalidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
  size_t i = 0;
  while (i < s.size()) {
    utf8proc_int32_t cp = 0;
    const utf8proc_ssize_t n = utf8proc_iterate(p + i, static_cast<utf8proc_ssize_t>(s.size() - i), &cp);
    if (n <= 0) return i;
    i += static_cast<size_t>(n);
  }
  return std::nullopt;
}

TEST(FindInvalidUtf8, MatchesUtf8procOnRandomInput) {
  std::mt19937 rng(11);
  static constexpr std::string_view kPieces[] = {"a",        "plain ascii text ", "\xc3\xa9", "\xe2\x80\x99",
                                                 "\xf0\x9f\x98\x80", "\xc3",     "\xff",     "\xed\xa0\x80",
                                                 "\xe0\x80\x80",     "\x80"};
  std::uniform_int_distribution<size_t> pick(0, std::size(kPieces) - 1), len(0, 40);
  for (int i = 0; i < 20000; ++i) {
    std::string s;
    for (size_t n = len(rng); n > 0; --n) s += kPieces[i % 3 == 0 ? pick(rng) : pick(rng) % 5];
    ASSERT_EQ(FindInvalidUtf8(s), ReferenceInvalidUtf8(s)) << i;
  }
}

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
