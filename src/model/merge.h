// The rules by which two reports of one incident become one (issue 3): the
// higher toll supersedes, empty fields are filled, sources are added. Both
// resolution (resolve/) and the stores' merge operation (Store::MergeReport)
// apply them, so a merge reads the same whichever writes it. Stateless;
// thread-safe.
#ifndef FAULTLINE_MODEL_MERGE_H_
#define FAULTLINE_MODEL_MERGE_H_

#include <vector>

#include "faultline/incident.h"

namespace faultline {

// Merges `from` into `into` in place: MergeReportFields, then AddSources.
void MergeReport(Incident* into, const Incident& from);

// Everything of MergeReport but the sources: per outcome the report with the
// higher victims' total supersedes (named categories survive from either,
// the unknown part is what the total leaves over); an empty perpetrator,
// attack type, target or district (with its place and coordinates) is
// filled; a claimed attribution of the same perpetrator wins; a suicide
// bombing beats a plainer attack type; a more precise date wins. The
// country, status, notes and provenance of `into` stay.
void MergeReportFields(Incident* into, const Incident& from);

// Appends to `into` each source of `from` that it does not hold yet (the
// same url and evidence), in order.
void AddSources(std::vector<Source>* into, const std::vector<Source>& from);

}  // namespace faultline

#endif  // FAULTLINE_MODEL_MERGE_H_
