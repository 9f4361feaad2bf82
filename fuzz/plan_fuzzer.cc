// libFuzzer targets for the CSV inputs of `faultline plan`, built once per
// FUZZ_INPUT:
// - "unit-kinds": ParseUnitKinds (plan allocate --unit-kinds) against a fixed
//   game of five targets. Accepted: one kind per data row, every kind passes
//   ValidateKinds with names trimmed, non-empty and UTF-8, and its slots, and their sum, fit
//   an int; with a few slots the kinds are also solved (SolveHeterogeneous)
//   and one shift drawn, which must keep a target to one unit and a kind to
//   its expected slots rounded up.
// - "border": ParseBorder (plan patrol --border and the border_csv of
//   POST /api/v1/plans). Accepted: one segment per data row, every number in
//   its documented range, strings UTF-8; a short border is also solved
//   (SolvePatrol: coverage in [0, 1], at most `units` windows a shift on
//   average, the worst case is the largest attacker value), drawn
//   (DrawShifts: one day's windows never overlap) and written as JSON.
// Rejected: InvalidArgument naming the input and a line inside it
// (fuzz_check.h). A crash, sanitizer report, failed check or hang is a bug.
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "common/csv.h"
#include "common/text.h"
#include "fuzz_check.h"
#include "plan/allocate.h"
#include "plan/heterogeneous.h"
#include "plan/patrol.h"

namespace {

using faultline::fuzz::CheckUtf8;
using faultline::fuzz::Fail;
using faultline::fuzz::kTarget;
const std::string kLabel = "fuzz.csv";

// Records after the header that are not '#' comments: what each parser must
// turn into exactly one kind or segment.
size_t DataRows(const std::string& text) {
  auto reader = faultline::CsvReader::FromString(text, {});
  faultline::CsvRecord rec;
  size_t rows = 0;
  bool header = false;
  for (;;) {
    auto r = reader->Next(&rec);
    if (r == faultline::CsvReader::ReadResult::kEnd) break;
    if (r == faultline::CsvReader::ReadResult::kMalformed) return ~size_t{0};  // the parser must have refused
    if (!rec.fields.empty() && !rec.fields[0].empty() && rec.fields[0][0] == '#') continue;
    if (!header) {
      header = true;
      continue;
    }
    ++rows;
  }
  return rows;
}

void CheckText(const std::string& s, const char* what, bool trimmed) {
  CheckUtf8(s, what);
  if (trimmed && faultline::Trim(s) != s) Fail(kTarget, std::string(what) + " \"" + s + "\" is not trimmed");
}

const std::vector<faultline::Target>& Targets() {
  static const std::vector<faultline::Target> targets = [] {
    std::vector<faultline::Target> t;
    const char* ids[] = {"peshawar", "quetta", "torkham", "chaman", "bannu"};
    const char* names[] = {"Peshawar", "Quetta", "Torkham crossing", "Chaman crossing", "Bannu"};
    const char* kinds[] = {"district", "district", "segment", "segment", "district"};
    for (int i = 0; i < 5; ++i) {
      faultline::Target x;
      x.id = ids[i];
      x.name = names[i];
      x.kind = kinds[i];
      x.payoffs = {.defender_covered = 0, .defender_uncovered = -(i + 2.0), .attacker_covered = -1,
                   .attacker_uncovered = i + 2.0};
      t.push_back(x);
    }
    return t;
  }();
  return targets;
}

void FuzzUnitKinds(const std::string& text) {
  auto kinds = faultline::ParseUnitKinds(text, kLabel, Targets());
  if (!kinds.ok()) {
    std::string_view why = faultline::fuzz::CheckParseError(kTarget, kinds.status(), kLabel, text);
    if (why.empty()) Fail(kTarget, "error without a reason");
    return;
  }
  if (kinds->empty()) Fail(kTarget, "accepted a file without unit kinds");
  if (kinds->size() != DataRows(text)) Fail(kTarget, "kinds != data rows");
  faultline::SecurityGame game{Targets(), 1};
  if (auto st = faultline::ValidateKinds(game, *kinds); !st.ok()) Fail(kTarget, "accepted kinds fail ValidateKinds: " + st.ToString());
  int64_t slots = 0;
  for (const auto& k : *kinds) {
    CheckText(k.name, "kind name", true);
    if (k.name.empty()) Fail(kTarget, "empty kind name");
    slots += int64_t{k.count} * k.capacity;
    if (slots > std::numeric_limits<int>::max()) Fail(kTarget, "the slots overflow an int (ResourceKind::slots, the CLI's sum)");
    (void)k.slots();
  }
  if (slots > 64) return;  // the LP and the draw are what is fuzzed next, on games small enough to be quick
  auto solved = faultline::SolveHeterogeneous(game, *kinds);
  if (!solved.ok()) Fail(kTarget, "valid kinds do not solve: " + solved.status().ToString());
  std::mt19937_64 rng(7);
  auto day = faultline::DrawAssignment(solved->assignment, rng);
  std::vector<int> units_at(Targets().size(), 0);
  for (size_t r = 0; r < day.size(); ++r) {
    double expected = 0;
    for (double y : solved->assignment[r]) expected += y;
    if (static_cast<double>(day[r].size()) > std::ceil(expected - 1e-9) + 1e-9) Fail(kTarget, "a kind drew more slots than it has");
    for (int t : day[r]) {
      if (t < 0 || t >= static_cast<int>(Targets().size())) Fail(kTarget, "drawn target out of range");
      if (++units_at[t] > 1) Fail(kTarget, "two units drawn to one target");
    }
  }
}

void FuzzBorder(const std::string& text) {
  auto border = faultline::ParseBorder(text, kLabel);
  if (!border.ok()) {
    std::string_view why = faultline::fuzz::CheckParseError(kTarget, border.status(), kLabel, text);
    if (why.empty()) Fail(kTarget, "error without a reason");
    return;
  }
  const auto& seg = border->segments;
  if (seg.empty()) Fail(kTarget, "accepted a border without segments");
  if (seg.size() != DataRows(text)) Fail(kTarget, "segments != data rows");
  for (const auto& s : seg) {
    CheckText(s.id, "id", true);
    if (s.id.empty()) Fail(kTarget, "empty segment id");
    CheckText(s.name, "name", false);
    CheckText(s.district, "district", false);
    for (const auto& c : s.crossings) CheckText(c, "crossing", true);
    if (!(s.length_km >= 1e-6 && s.length_km <= 1e6)) Fail(kTarget, "length_km out of range");
    if (!(s.risk >= 0 && s.risk <= 1e9)) Fail(kTarget, "risk out of range");
    if (!(s.terrain >= 1 && s.terrain <= 100)) Fail(kTarget, "terrain out of range");
    if (!(s.detection >= 0 && s.detection <= 1)) Fail(kTarget, "detection out of range");
    if (s.posts < 0) Fail(kTarget, "negative posts");
    if (s.lat && !(*s.lat >= -90 && *s.lat <= 90)) Fail(kTarget, "lat out of range");
    if (s.lon && !(*s.lon >= -180 && *s.lon <= 180)) Fail(kTarget, "lon out of range");
  }
  if (seg.size() > 24) return;  // the LP is what is fuzzed next, on borders small enough to be quick
  const int units = 2;
  const double range_km = 150;
  auto plan = faultline::SolvePatrol(*border, units, range_km);
  if (!plan.ok()) Fail(kTarget, "a valid border does not solve: " + plan.status().ToString());
  double total = 0;
  for (double y : plan->window_probability) total += y;
  if (total > units + 1e-6) Fail(kTarget, "window probabilities exceed the units");
  double worst = 0;
  for (size_t s = 0; s < seg.size(); ++s) {
    if (!(plan->coverage[s] >= 0 && plan->coverage[s] <= 1)) Fail(kTarget, "coverage outside [0, 1]");
    worst = std::max(worst, plan->attacker_value[s]);
  }
  if (std::fabs(worst - plan->worst_case) > 1e-6 * std::max(1.0, worst)) Fail(kTarget, "worst_case is not the largest attacker value");
  for (const auto& shifts : faultline::DrawShifts(*plan, units, 3, 11)) {
    std::vector<int> used(seg.size(), 0);
    for (int w : shifts) {
      if (w < 0) continue;
      if (w >= static_cast<int>(plan->windows.size())) Fail(kTarget, "drawn window out of range");
      for (int s = plan->windows[w].first; s <= plan->windows[w].last; ++s) {
        if (++used[s] > 1) Fail(kTarget, "two windows of one day overlap");
      }
    }
  }
  std::string json = faultline::PatrolJson(*border, kLabel, units, range_km, *plan, "fuzz", -1);
  CheckUtf8(json, "PatrolJson");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return faultline::fuzz::RunInput(data, size, {{"unit-kinds", FuzzUnitKinds}, {"border", FuzzBorder}});
}
