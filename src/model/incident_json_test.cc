// The direct JSON writer against the DOM it replaced (nlohmann's ordered_json
// dumped with the replace handler), on random incidents: strings with
// quotes, control characters, multi-byte and invalid UTF-8; doubles of
// every magnitude. The stores depend on the bytes: the SQLite news window
// looks for a url in the stored text as JsonStringBody escapes it, and a
// merge appends a source's JSON to the stored sources.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>

#include "common/date.h"
#include "model/incident_json.h"
#include "test/support/incident_dom.h"

namespace faultline {
namespace {

using Json = nlohmann::ordered_json;
using testing::Dump;
using testing::IncidentDom;
using testing::SourcesDom;

class Random {
 public:
  explicit Random(uint32_t seed) : gen_(seed) {}
  int Int(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(gen_); }
  bool Coin() { return Int(0, 1) == 1; }
  // Mostly text; sometimes quotes, controls, multi-byte characters, stray
  // or truncated UTF-8 bytes.
  std::string Text() {
    static const char* const kPieces[] = {"Bannu", " ", "\"", "\\", "\n", "\t", "\x01", "\x1f", "\x7f", "é",
                                          "خیبر", "😀", "\xff", "\xc3", "\xe2\x82", "\xed\xa0\x80", "\xf4\x90\x80\x80",
                                          "\xc0\xaf", "/", "https://x.example/?a=1&b=\"2\"", "\b\f\r"};
    std::string s;
    const int n = Int(0, 6);
    for (int i = 0; i < n; ++i) s += kPieces[Int(0, static_cast<int>(std::size(kPieces)) - 1)];
    return s;
  }
  double Double() {
    static const double kValues[] = {0.0, -0.0, 1.0, 0.9, 0.6, 1e-05, 0.0001, 33.7, 70.6056, -123.456789012345,
                                     1e16, 1e15, 123456789012345678.0, 2.5e-300, 0.1 + 0.2};
    if (Coin()) return kValues[Int(0, static_cast<int>(std::size(kValues)) - 1)];
    return std::uniform_real_distribution<double>(-180, 180)(gen_);
  }
  std::optional<int32_t> Count() {
    if (Int(0, 2) == 0) return std::nullopt;
    return Int(-5, 5000);
  }

 private:
  std::mt19937 gen_;
};

Incident RandomIncident(Random& r) {
  Incident inc;
  inc.id = r.Coin() ? r.Int(1, 1 << 30) : 0;
  inc.version = r.Coin() ? r.Int(1, 9) : 0;
  inc.status = static_cast<IncidentStatus>(r.Int(0, 3));
  inc.merged_into = r.Coin() ? r.Int(1, 1000) : 0;
  inc.source_key = r.Text();
  inc.date = r.Int(-1000, 30000);
  inc.date_end = r.Coin() ? inc.date : inc.date + r.Int(1, 9);
  inc.date_precision = static_cast<uint8_t>(r.Int(0, 2));
  inc.country = r.Text();
  inc.admin1 = r.Text();
  inc.admin2 = r.Text();
  inc.place = r.Text();
  if (r.Coin()) inc.lat = r.Double();
  if (r.Coin()) inc.lon = r.Double();
  inc.sub_event_type = r.Text();
  inc.perpetrator = r.Text();
  for (auto* side : {&inc.casualties.killed, &inc.casualties.injured}) {
    for (CasualtyRange& c : *side) c = {r.Count(), r.Count(), r.Count()};
  }
  const int sources = r.Int(0, 3);
  for (int i = 0; i < sources; ++i) {
    Source s{r.Text(), r.Text(), r.Text(), r.Text(), {}};
    const int spans = r.Int(0, 3);
    for (int k = 0; k < spans; ++k) s.evidence.push_back({r.Text(), r.Int(0, 900), r.Int(0, 900), r.Double()});
    inc.sources.push_back(std::move(s));
  }
  inc.notes = r.Text();
  inc.license = r.Text();
  if (r.Coin()) inc.provenance = {r.Text(), r.Text(), r.Text(), r.Int(0, 1 << 30)};
  return inc;
}

TEST(IncidentJsonWriter, SameBytesAsTheDomOnRandomIncidents) {
  Random r(20261127);
  for (int i = 0; i < 3000; ++i) {
    const Incident inc = RandomIncident(r);
    const std::string dom = IncidentDom(inc);
    ASSERT_EQ(IncidentToJson(inc), dom) << "incident " << i;
    ASSERT_EQ(SourcesToJson(inc.sources), inc.sources.empty() ? "" : Dump(SourcesDom(inc.sources))) << i;
    Incident without = inc;
    without.sources = {Source{"ignored", "", "", "", {}}};
    ASSERT_EQ(IncidentToJsonWithSources(without, SourcesToJson(inc.sources)), dom) << "incident " << i;
  }
}

}  // namespace
}  // namespace faultline
