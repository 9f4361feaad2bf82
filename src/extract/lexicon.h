// The cue lexicon: the English words and phrases the extractor reacts to
// (attack cues, victim nouns, casualty verbs, modality, claims of
// responsibility, phase and statistics vocabulary), matched on folded tokens
// so "check-post", "check post" and "Check Post" are one phrase. Built once;
// immutable and thread-safe afterwards.
#ifndef FAULTLINE_EXTRACT_LEXICON_H_
#define FAULTLINE_EXTRACT_LEXICON_H_

#include <cstdint>
#include <string>
#include <vector>

#include "extract/internal/word_table.h"
#include "extract/tokens.h"

namespace faultline::extract {

enum class Cue : uint8_t {
  kKill,          // killed, died, dead, shot dead, lost their lives; value 1 martyrdom: martyred, embraced shahadat
  kInjure,        // injured, wounded, hurt
  kAux,           // were, was, have been: marks a passive casualty verb
  kAttack,        // value = AttackType: "suicide bomber", "roadside bomb", "opened fire"; value2 1 = generic
  kAttackPlural,  // "attacks", "bombings": a summary, not one incident
  kTarget,        // value = TargetCategory, value2 = weight
  kVictim,        // a person noun; value = CasualtyCategory, value2 = TargetCategory hint
  kOthers,        // "others", "other people": category of the previous noun
  kIncluding,     // "including", "among them": a breakdown follows
  kModal,         // foiled, defused, planned, threatened, would: not an attack
  kRetro,         // anniversary, court, trial: about an old attack
  kClaim,         // claimed responsibility
  kSuspect,       // suspected, believed to be
  kBlame,         // blamed, accused
  kSplit,         // "in a separate incident", "meanwhile"
  kToll,          // "death toll", "toll rose to"
  kCeasefire,     // value = phase kind: 0 ceasefire, 1 talks, 2 agreement, 3 operation; value2 1 = generic noun
  kPhaseAction,   // value = action: 0 start, 1 extend, 2 end, 3 held, 4 deadlock, 5 signed
  kStatNoun,      // attacks/incidents counted in a statistic: value 0 attacks, 1 killed, 2 injured
  kAccordingTo,   // "according to", "said", "reported"
  kRelDay,        // value: days before publication (yesterday 1, today 0, last night 1)
  kWeekday,       // value: Monday 0 .. Sunday 6
  kMonth,         // value: 1..12
  kEarlier,       // "earlier this week": week precision
  kHostage,       // "hostage"
  kClauseBreak,   // when, while, after, as: ends a casualty clause
  kAttacker,      // "attackers", "suicide bomber", "gunmen": the perpetrators' own people
  kSelfKill,      // "blew himself up": the bomber died
  kTopic,         // what an agreement is about: value 1 armed conflict, 0 civil matters (trade, aid)
  kHell,          // "hell": closes "sent|dispatched <the dead> to hell" (the extractor reads the gap)
};
inline constexpr int kCueKinds = static_cast<int>(Cue::kHell) + 1;  // fits a uint32_t bit set

struct CueMatch {
  Cue cue;
  int32_t begin = 0;  // token indices
  int32_t end = 0;
  int value = 0;
  int value2 = 0;
};

class Lexicon {
 public:
  static const Lexicon& Get();
  // Every cue in [begin, end), in order of the token it starts at (callers
  // binary-search on that), longest match first at each position; a token
  // may start several cues of different kinds.
  std::vector<CueMatch> Match(const std::vector<Token>& tokens, int32_t begin, int32_t end) const;

 private:
  Lexicon();
  struct Entry {
    std::vector<int32_t> words;  // ids in words_ of the folded words, punctuation dropped
    int32_t second = -1;         // words[1], kept inline: most phrases are rejected on it
    CueMatch cue;
  };
  void Add(const char* phrases, Cue cue, int value = 0, int value2 = 0);
  // Every word of every phrase gets an id, so Match looks each token up once
  // and then compares integers however many phrases start at it.
  WordTable words_;
  std::vector<std::vector<Entry>> by_first_;  // by the id of the first word, longest phrase first
};

// Skips '-' and '\'' joined to the previous token: how phrases read text.
bool IsJoiner(const Token& t);

}  // namespace faultline::extract

#endif  // FAULTLINE_EXTRACT_LEXICON_H_
