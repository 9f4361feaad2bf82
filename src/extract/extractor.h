// News text to candidate incidents, phases and claims (issue 3 pipeline):
// sentences -> cues, names, counts, dates -> event sentences (modality and
// retrospective mentions dropped, summaries of many attacks kept apart) ->
// incidents (split at "in a separate incident" and at a new place with its
// own toll) -> fields, each with the span that supports it and a confidence.
// Political events become PhaseCandidates; statistical statements
// ("the TTP carried out 282 attacks in 2021") become ClaimCandidates.
//
// Rules, not a trained model: every decision can be traced to a cue in
// lexicon.cc, and --explain shows which. The Extractor is immutable after
// Create and safe to share across threads.
#ifndef FAULTLINE_EXTRACT_EXTRACTOR_H_
#define FAULTLINE_EXTRACT_EXTRACTOR_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "extract/article.h"
#include "extract/numbers.h"
#include "faultline/incident.h"
#include "faultline/status.h"

namespace faultline {
class Gazetteer;
class ActorDictionary;
}  // namespace faultline

namespace faultline::extract {

class EntityIndex;

struct ExtractOptions {
  VagueConvention vague = VagueConvention::kProject;
  // ISO alpha-2 used when the text names no place or country.
  std::string default_country;
};

struct CandidateIncident {
  Incident incident;  // status candidate; sources[0].evidence holds the spans
  double confidence = 0;
  std::vector<int32_t> sentences;  // indices of the sentences it was read from
};

struct PhaseCandidate {
  std::string kind;    // ceasefire | talks | agreement | operation
  std::string action;  // start | extend | end | held | deadlock | signed
  std::vector<std::string> actors;  // actor ids
  std::optional<int32_t> date;
  Evidence evidence;
};

struct ClaimCandidate {
  std::string source;    // organisation id or actor id, or the name as written
  std::string metric;    // attacks | killed | injured
  std::string actor;     // actor id the figure is about, may be empty
  std::string category;  // casualty category for killed/injured, may be empty
  std::string period;    // YYYY or YYYY-MM
  int64_t value = 0;
  Evidence evidence;
};

struct Extraction {
  std::vector<CandidateIncident> incidents;
  std::vector<PhaseCandidate> phases;
  std::vector<ClaimCandidate> claims;
  int32_t sentences = 0;
  std::string text;  // Article::Text(), what the evidence offsets index
};

class Extractor {
 public:
  // Uses the process-wide gazetteer, actor dictionary and organisations.
  static Result<std::unique_ptr<Extractor>> Create(ExtractOptions options = {});
  static Result<std::unique_ptr<Extractor>> Create(const Gazetteer* gazetteer, const ActorDictionary* actors,
                                                   const std::string& organisations_tsv, ExtractOptions options);
  ~Extractor();
  Extraction Extract(const Article& article) const;

 private:
  Extractor() = default;
  std::unique_ptr<EntityIndex> entities_;
  ExtractOptions options_;
};

// The article text with every evidence span marked [[field: words]], then a
// list of the fields: what `faultline ingest --explain` prints.
std::string Explain(const Extraction& extraction);

}  // namespace faultline::extract

#endif  // FAULTLINE_EXTRACT_EXTRACTOR_H_
