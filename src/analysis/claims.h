// Claim checking (issue 4, item 3): each published figure is compared with
// what the database computes for the same definition — through the cube —
// and with the other claims about the same quantity or about a wider or
// narrower one. Verdicts in words and numbers ("contradicted: exceeds PIPS's
// 207 attacks (country=PK, 2021), a wider count, by 36%"). Stateless
// functions; thread-safe over a const cube.
//
//   ASSIGN_OR_RETURN(auto checks, CheckClaims(*cube, claims, to_filter, {.tolerance = 0.1}));
//   for (const ClaimCheck& c : checks) std::puts(c.summary.c_str());
#ifndef FAULTLINE_ANALYSIS_CLAIMS_H_
#define FAULTLINE_ANALYSIS_CLAIMS_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "analysis/cube.h"
#include "faultline/claim.h"

namespace faultline {

struct ClaimCheckOptions {
  double tolerance = 0.10;  // relative: |a - b| <= tolerance * b is "consistent"
};

// The claim against the database.
enum class DataVerdict : uint8_t {
  kConsistent,            // within tolerance of the computed value
  kDiffers,               // beyond it; diff_percent says by how much
  kInsufficientCoverage,  // the data for this definition does not span the period
  kUnresolved,            // the filters could not be turned into a query (reason in summary)
};
// The claim against the other claims.
enum class PeerVerdict : uint8_t {
  kAlone,         // no other claim about the same, a wider or a narrower quantity
  kAgrees,        // every such claim is compatible within tolerance
  kContradicted,  // a claim of at least the same standing is incompatible
  kDisputed,      // only claims of lower standing (reported figures) are incompatible
};
std::string_view Name(DataVerdict v);
std::string_view Name(PeerVerdict v);

// How another claim relates to this one.
enum class PeerRelation : uint8_t {
  kSame,      // same metric, category, filters and period
  kNarrower,  // this claim counts a subset of the other's incidents: must not exceed it
  kWider,     // this claim counts a superset: must not fall below it
};

struct PeerComparison {
  size_t other = 0;  // index into the claims checked
  PeerRelation relation = PeerRelation::kSame;
  double diff_percent = 0;  // (this - other) / other * 100
  bool conflict = false;
};

struct ClaimCheck {
  size_t claim = 0;  // index into the claims checked
  DataVerdict data = DataVerdict::kInsufficientCoverage;
  std::optional<int64_t> computed;  // the database's value for the definition
  double diff_percent = 0;          // (claim - computed) / computed * 100, when computed > 0
  // What the database holds in the claim's country (everywhere when it
  // names none), per importer: the reach of the collection.
  std::vector<Cube::SourceSpan> coverage;
  std::vector<PeerComparison> peers;
  PeerVerdict peer = PeerVerdict::kAlone;
  std::string summary;  // the verdicts in one paragraph
};

// Checks every claim. `to_filter` gives the store Filter for a claim's
// filters without dates (names resolved through the gazetteer and the actor
// dictionary by the caller); an error from it makes that claim kUnresolved.
// Coverage is judged per importer on the claim's country: the span of dates
// an importer holds there must reach within max(7 days, 10% of the period) of
// both ends of the period; otherwise the data may simply not have been
// collected then. (A dataset of one kind of attack still "covers" a claim
// about all attacks: the per-importer list in the summary shows it.)
std::vector<ClaimCheck> CheckClaims(const Cube& cube, const std::vector<Claim>& claims,
                                    const std::function<Result<Filter>(const Claim&)>& to_filter,
                                    const ClaimCheckOptions& options);

// The relation of a to b, if any (same quantity, narrower, wider).
std::optional<PeerRelation> RelateClaims(const Claim& a, const Claim& b);

}  // namespace faultline

#endif  // FAULTLINE_ANALYSIS_CLAIMS_H_
