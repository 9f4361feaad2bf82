// libFuzzer targets for the TSV files of the measure stage, built once per
// FUZZ_INPUT: "claims" (ParseClaimsTsv, `faultline claims import`)
// or "phases" (ParsePhasesTsv, `faultline phases import`).
// Accepted: one record per data line (neither blank, nor '#', nor the
// header), each passing ValidateClaim / ValidatePhase with UTF-8 text; the
// TSV written back from the records reads back as the same records (the
// parse is a fixed point once normalised). Rejected: InvalidArgument naming
// the input, a line inside it, and the column at fault (fuzz_check.h). A
// crash, sanitizer report, failed check or hang is a bug.
#include <cstdint>
#include <string>
#include <vector>

#include "analysis/measure_files.h"
#include "common/date.h"
#include "common/text.h"
#include "fuzz_check.h"

namespace {

using faultline::fuzz::CheckUtf8;
using faultline::fuzz::Fail;
using faultline::fuzz::kTarget;
const std::string kLabel = "fuzz.tsv";

// Lines the importers must turn into one record each: counted here by the
// rules of measure_files.h, independently of the parser.
size_t DataLines(std::string_view text) {
  size_t n = 0;
  bool header_seen = false;
  for (std::string_view line : faultline::Split(text, '\n')) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (faultline::Trim(line).empty() || line[0] == '#') continue;
    if (!header_seen) {
      header_seen = true;
      if (faultline::Trim(line.substr(0, line.find('\t'))) == "key") continue;
    }
    ++n;
  }
  return n;
}

// The error's remainder must start with one of `fields` and ": ", or be the
// column-count message.
void CheckField(std::string_view why, const std::vector<std::string_view>& fields) {
  if (why.rfind("expected at least ", 0) == 0) return;
  for (std::string_view f : fields) {
    if (why.size() > f.size() + 1 && why.substr(0, f.size()) == f && why.substr(f.size(), 2) == ": ") return;
  }
  Fail(kTarget, "error does not name the column: " + std::string(why));
}

std::string Date(int32_t day) { return faultline::CivilDate(day).ToString(); }

void FuzzClaims(const std::string& text) {
  auto claims = faultline::ParseClaimsTsv(text, kLabel);
  if (!claims.ok()) {
    CheckField(faultline::fuzz::CheckParseError(kTarget, claims.status(), kLabel, text),
               {"key", "source", "citation", "standing", "metric", "category", "filters", "period", "value", "notes"});
    return;
  }
  if (claims->size() != DataLines(text)) Fail(kTarget, "claims != data lines");
  std::string again = "key\tsource\tcitation\tstanding\tmetric\tcategory\tfilters\tperiod\tvalue\tnotes\n";
  for (const auto& c : *claims) {
    if (std::string why = faultline::ValidateClaim(c); !why.empty()) Fail(kTarget, "accepted claim is invalid: " + why);
    for (const std::string* s : {&c.key, &c.source, &c.citation, &c.filters, &c.period, &c.notes}) CheckUtf8(*s, "a claim field");
    again += c.key + "\t" + c.source + "\t" + c.citation + "\t" + std::string(Name(c.standing)) + "\t" +
             std::string(Name(c.metric)) + "\t" + (c.category ? std::string(Name(*c.category)) : "") + "\t" + c.filters +
             "\t" + c.period + "\t" + std::to_string(c.value) + "\t" + c.notes + "\n";
  }
  auto reread = faultline::ParseClaimsTsv(again, kLabel);
  if (!reread.ok()) Fail(kTarget, "written-back claims do not read: " + reread.status().ToString());
  if (*reread != *claims) Fail(kTarget, "written-back claims read differently");
}

void FuzzPhases(const std::string& text) {
  auto phases = faultline::ParsePhasesTsv(text, kLabel);
  if (!phases.ok()) {
    CheckField(faultline::fuzz::CheckParseError(kTarget, phases.status(), kLabel, text),
               {"key", "type", "name", "parties", "country", "start", "end", "source", "notes"});
    return;
  }
  if (phases->size() != DataLines(text)) Fail(kTarget, "phases != data lines");
  std::string again = "key\ttype\tname\tparties\tcountry\tstart\tend\tsource\tnotes\n";
  for (const auto& p : *phases) {
    if (std::string why = faultline::ValidatePhase(p); !why.empty()) Fail(kTarget, "accepted phase is invalid: " + why);
    std::string parties;
    for (const auto& x : p.parties) {
      CheckUtf8(x, "a party");
      parties += (parties.empty() ? "" : "|") + x;
    }
    for (const std::string* s : {&p.key, &p.name, &p.country, &p.source, &p.notes}) CheckUtf8(*s, "a phase field");
    again += p.key + "\t" + std::string(Name(p.type)) + "\t" + p.name + "\t" + parties + "\t" + p.country + "\t" +
             Date(p.start) + "\t" + (p.end ? Date(*p.end) : "") + "\t" + p.source + "\t" + p.notes + "\n";
  }
  auto reread = faultline::ParsePhasesTsv(again, kLabel);
  if (!reread.ok()) Fail(kTarget, "written-back phases do not read: " + reread.status().ToString());
  if (*reread != *phases) Fail(kTarget, "written-back phases read differently");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return faultline::fuzz::RunInput(data, size, {{"claims", FuzzClaims}, {"phases", FuzzPhases}});
}
