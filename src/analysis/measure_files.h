// The files the measure stage imports: claims (`faultline claims import`,
// data/claims/published.tsv) and phases (`faultline phases import`,
// data/phases/*.tsv) as tab-separated text, plus the text-field forms of a
// claim that the CLI flags share. Parsing is separate from storing so that
// the readers can be tested and fuzzed from memory (fuzz/measure_fuzzer.cc).
// Stateless; thread-safe.
//
//   ASSIGN_OR_RETURN(std::vector<Claim> claims, LoadClaimsTsv("data/claims/published.tsv"));
//   for (Claim& c : claims) RETURN_IF_ERROR(store->UpsertClaim(&c).status());
#ifndef FAULTLINE_ANALYSIS_MEASURE_FILES_H_
#define FAULTLINE_ANALYSIS_MEASURE_FILES_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "faultline/claim.h"
#include "faultline/phase.h"
#include "faultline/status.h"

namespace faultline {

// A claim as text fields (the TSV columns, the `claims add` flags).
struct ClaimFields {
  std::string key, source, citation, standing = "primary", metric, category, filters, period, notes;
  int64_t value = -1;
};
// The claim, with a key made from what it is about when none is given.
// InvalidArgument whose message starts with the field at fault ("metric: ...",
// "period: ...").
Result<Claim> ClaimFromFields(const ClaimFields& fields);

// Claims TSV: key, source, citation, standing, metric, category, filters,
// period, value[, notes]; blank lines and lines starting with '#' skipped; a
// first row whose first column is "key" is the header. Returns every claim
// in file order, or the first error as InvalidArgument
// "label:line: field: why" (or "label:line: expected at least 9 ...").
Result<std::vector<Claim>> ParseClaimsTsv(std::string_view text, const std::string& label);

// Phases TSV: key, type, name, parties (a|b), country, start, end[, source,
// notes]; the same comments, header and errors as ParseClaimsTsv.
Result<std::vector<Phase>> ParsePhasesTsv(std::string_view text, const std::string& label);

// The file's text for the parsers above. IoError when it cannot be read.
Result<std::string> ReadTextFile(const std::string& path);

}  // namespace faultline

#endif  // FAULTLINE_ANALYSIS_MEASURE_FILES_H_
