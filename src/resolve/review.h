// The review queue's decisions, shared by `faultline review`, the HTTP API
// and the dashboard: accept, reject, edit, merge, split. Every decision is a
// new version of the incident with who made it and why (Store history).
// Not thread-safe: one Store per thread.
#ifndef FAULTLINE_RESOLVE_REVIEW_H_
#define FAULTLINE_RESOLVE_REVIEW_H_

#include <string>
#include <vector>

#include "faultline/store.h"

namespace faultline::resolve {

// Applies "field=value" (date, country, admin1, admin2, place, event_type,
// attack_type, target, perpetrator, attribution, notes, killed.<category>,
// injured.<category>). InvalidArgument naming the field otherwise.
Status SetField(Incident* incident, const std::string& assignment);

// Status changes. `expected_version` 0 means "whatever is current".
Result<Incident> Accept(Store* store, int64_t id, const Change& change, int32_t expected_version = 0);
Result<Incident> Reject(Store* store, int64_t id, const Change& change, int32_t expected_version = 0);
// Applies the assignments; Conflict if the stored version moved on.
Result<Incident> Edit(Store* store, int64_t id, const std::vector<std::string>& assignments, const Change& change,
                      int32_t expected_version = 0);
// Merges `others` into `keep` (sources, higher tolls, empty fields); the
// others become status merged. One transaction.
Result<Incident> Merge(Store* store, int64_t keep, const std::vector<int64_t>& others, const Change& change);
// Undoes the latest merge into `id`: restores the version before it and
// returns the merged incident to the queue. Returns that incident's id.
// FailedPrecondition when there is no merge to undo.
Result<int64_t> Split(Store* store, int64_t id, const Change& change);

}  // namespace faultline::resolve

#endif  // FAULTLINE_RESOLVE_REVIEW_H_
