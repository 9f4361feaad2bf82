// Resolution (issue 3): candidates from news become incidents. A candidate
// is stored as its own row (source_key "news:<article>#<n>"), then merged
// into an existing incident reported by another article when the two are
// compatible: dates within `day_window` days, the same district or within
// `max_km`, compatible attack types and perpetrators. A merge adds the
// source, lets the higher toll supersede, fills empty fields, and marks the
// candidate row `merged` into the incident — both versioned in history, so
// `review split` can undo it. Re-ingesting an article is a no-op: its rows
// already exist. A candidate that would not pass Validate() as it would be
// stored is written nowhere and comes back as kInvalid with the reasons, so
// the store (which does not validate) only ever receives valid incidents.
// Not thread-safe: one Resolver per Store.
#ifndef FAULTLINE_RESOLVE_RESOLVER_H_
#define FAULTLINE_RESOLVE_RESOLVER_H_

#include <string>
#include <vector>

#include "extract/extractor.h"
#include "faultline/store.h"

namespace faultline::resolve {

struct ResolveOptions {
  int32_t day_window = 2;
  double max_km = 25.0;
  std::string who = "ingest";
};

// kInvalid: the candidate fails Validate(); nothing was read or written.
enum class Resolution { kNew, kMerged, kUnchanged, kInvalid };

struct ResolveResult {
  Resolution resolution = Resolution::kNew;
  int64_t id = 0;         // the candidate's own row
  int64_t merged_into = 0;  // the incident it joined, for kMerged
  std::vector<FieldError> errors;  // what Validate() found, for kInvalid
};

// The article's identity: its URL, else a hash of its text.
std::string ArticleKey(const extract::Article& article);

// Resolves one candidate: stores it, merging it into a matching incident, or
// finds it stored already; kInvalid (not an error) when it fails
// Validate(). Errors are the store's. The caller owns the transaction.
Result<ResolveResult> Resolve(Store* store, const extract::Article& article, int index,
                              const extract::CandidateIncident& candidate, const ResolveOptions& options);

// Merges `from` into `into` in place: MergeReport (model/merge.h).
void MergeInto(Incident* into, const Incident& from);

// Great-circle distance in km.
double DistanceKm(double lat1, double lon1, double lat2, double lon2);

}  // namespace faultline::resolve

#endif  // FAULTLINE_RESOLVE_RESOLVER_H_
