#include "store/columns.h"

#include <gtest/gtest.h>

#include <random>

#include "model/incident_json.h"

namespace faultline {
namespace {

// SourcesSearchWords (the SQLite merge's fast path) against the obviously
// correct reference: decode the JSON, then SourcesSearchText.
std::string RandomText(std::mt19937* rng) {
  static const std::vector<std::string> kPieces = {
      "Dawn", "The News", "Bomb", "in", "Quetta", "\"quoted\"", "back\\slash", "tab\there", "Peshāwar", "",
      "کوئٹہ", "}", "]", ",", ":", "{\"outlet\":\"x\"}", "   ", "ok"};
  std::uniform_int_distribution<size_t> n(0, 3), pick(0, kPieces.size() - 1);
  std::string s;
  for (size_t i = n(*rng); i > 0; --i) {
    if (!s.empty()) s += ' ';
    s += kPieces[pick(*rng)];
  }
  return s;
}

TEST(StoreColumns, SourcesSearchWordsMatchesTheDecodedSources) {
  std::mt19937 rng(20261127);
  int taken = 0;
  for (int round = 0; round < 2000; ++round) {
    std::vector<Source> sources(std::uniform_int_distribution<size_t>(0, 4)(rng));
    for (Source& s : sources) {
      s.outlet = RandomText(&rng);
      s.url = RandomText(&rng);
      s.published_at = RandomText(&rng);
      s.headline = RandomText(&rng);
      for (size_t e = std::uniform_int_distribution<size_t>(0, 3)(rng); e > 0; --e) {
        s.evidence.push_back({RandomText(&rng), 1, 7, 0.85});
      }
    }
    const std::string json = SourcesToJson(sources);
    std::string outlets, headlines;
    if (json.empty()) continue;  // no sources: NULL, never scanned
    if (!SourcesSearchWords(json, &outlets, &headlines)) {
      // Only an escape in an outlet or headline sends it to the decoder.
      bool escaped = false;
      for (const Source& s : sources) {
        for (const std::string* v : {&s.outlet, &s.headline}) {
          escaped = escaped || v->find_first_of("\"\\\t") != std::string::npos;
        }
      }
      EXPECT_TRUE(escaped) << json;
      continue;
    }
    ++taken;
    std::string text = outlets;
    if (!text.empty() && !headlines.empty()) text += ' ';
    text += headlines;
    EXPECT_EQ(text, SourcesSearchText(sources)) << json;
  }
  EXPECT_GT(taken, 300);  // 402 with this seed
}

TEST(StoreColumns, SourcesSearchWordsRefusesWhatItDoesNotTake) {
  std::string o, h;
  EXPECT_TRUE(SourcesSearchWords("[]", &o, &h));
  EXPECT_TRUE(SourcesSearchWords(" [ { \"outlet\" : \"A\" , \"n\" : [1, -2.5e3, true, null, {}] } ] ", &o, &h));
  EXPECT_EQ(o, "A");
  EXPECT_EQ(h, "");
  for (const char* bad : {"", "{}", "[", "[{]", "[{\"outlet\":1}]", "[{\"outlet\":null}]",
                          "[{\"outlet\":\"a\",\"outlet\":\"b\"}]", "[{\"headline\":\"a\\\"b\"}]",
                          "[{\"x\":tru}]", "[{\"x\":01x}]", "[{\"x\":1}] x", "[{\"x\":\"a}]", "[{},]",
                          "[\"outlet\"]"}) {
    EXPECT_FALSE(SourcesSearchWords(bad, &o, &h)) << bad;
  }
}

}  // namespace
}  // namespace faultline
