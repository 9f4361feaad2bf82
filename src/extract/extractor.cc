#include "extract/extractor.h"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <tuple>

#include "common/date.h"
#include "common/text.h"
#include "extract/entities.h"
#include "extract/lexicon.h"
#include "extract/tokens.h"
#include "gazetteer/gazetteer.h"

#ifndef FAULTLINE_DATA_DIR
#define FAULTLINE_DATA_DIR "data"
#endif

namespace faultline::extract {
namespace {

constexpr int kSec = static_cast<int>(CasualtyCategory::kSecurityForces);
constexpr int kCiv = static_cast<int>(CasualtyCategory::kCivilians);
constexpr int kMil = static_cast<int>(CasualtyCategory::kMilitants);
constexpr int kUnk = static_cast<int>(CasualtyCategory::kUnknown);

// One "N <victims> were killed" reading.
struct Casualty {
  bool kill = true;
  int category = kUnk;
  int target_hint = -1;  // TargetCategory the victim noun implies
  Count count;
  bool breakdown = false;  // part of a total given in the same phrase
  bool toll = false;       // "the death toll rose to N"
  bool all_attackers = false;  // "... and all terrorists were killed": how many is said elsewhere
  bool later = false;          // "one of the injured later succumbed": adds to the dead already counted
  int group = 0;           // items read for one verb share a group: they add up
  int32_t tb = 0, te = 0;  // tokens of the phrase
};

struct DateMention {
  int32_t day = 0;
  int32_t day_end = 0;
  DatePrecision precision = DatePrecision::kDay;
  int32_t tb = 0, te = 0;
  double confidence = 0.9;
  bool statement = false;  // "the ISPR said on Sunday": when it was said, not when it happened
};

struct SentenceFacts {
  int32_t index = 0, tb = 0, te = 0;
  std::vector<CueMatch> cues;
  std::vector<EntityMatch> entities;
  std::vector<Casualty> casualties;
  std::vector<DateMention> dates;
  std::vector<CueMatch> attacks;  // kAttack cues
  bool strong_attack = false, weak_attack = false, plural_attack = false;
  bool modal_strong = false, modal_weak = false, retro = false;
  bool claim = false, suspect = false, blame = false, denial = false;
  bool no_claim = false;  // "no group claimed": a group named is only blamed ("..., but officials said X were behind it")
  bool split = false, self_kill = false;
  bool statistic = false;
  bool title = false;         // the headline, read before the body
  int32_t dateline_end = -1;  // "QUETTA:" opening a paragraph: not the incident's place
  bool Has(Cue c) const {
    return std::any_of(cues.begin(), cues.end(), [c](const CueMatch& m) { return m.cue == c; });
  }
};

// Generic attack words: they join an incident but start one only with a
// toll, or with a target and a place.
bool IsWeakAttackWord(std::string_view w) {
  static constexpr std::string_view kWeak[] = {"attack", "attacked", "attacking", "assault", "assaulted",
                                               "terrorist", "terror", "armed", "encounter", "firing", "fired",
                                               "shot", "shooting", "operation", "clash", "clashes", "damaged",
                                               "destroyed", "planted", "explosives", "detonated", "went",
                                               "attacks", "drone", "drones", "missiles", "jets", "raid",
                                               "raided", "shells", "artillery", "fighter", "fighting", "fierce", "heavy", "skirmish",
                                               "skirmishes", "besieged", "siege", "hostages", "hostage", "gunmen", "gunman", "men",
                                               "clashed", "clashing", "fought", "battled", "battling", "warplanes",
                                               "gunships", "massacres", "kidnappings", "abductions",
                                               "invasion", "invaded", "invading", "incursion", "incursions",
                                               "rampage", "sniper", "snipers", "gunfire", "overran", "bombed",
                                               "quadcopter", "quadcopters"};
  for (std::string_view k : kWeak) {
    if (w == k) return true;
  }
  return false;
}

// Verbs said only of one's own dead: "martyred", "embraced shahadat".
bool IsMartyrdom(const CueMatch& kill) { return kill.value == 1; }

int AttackPriority(AttackType a) {
  switch (a) {
    case AttackType::kSuicideBombing: return 10;
    case AttackType::kDroneOrAirStrike: return 9;
    case AttackType::kKidnapping: return 8;
    case AttackType::kHijacking: return 8;
    case AttackType::kBombingIed: return 7;
    case AttackType::kRocketMortar: return 6;
    case AttackType::kTargetedKilling: return 5;
    case AttackType::kArmedAssault: return 4;
    case AttackType::kSabotage: return 2;
    default: return 0;
  }
}

class Reader {
 public:
  Reader(const Article& article, const EntityIndex& entities, const ExtractOptions& options)
      : entities_(entities),
        options_(options),
        text_(article.Text()),
        published_(article.PublishedDay()),
        has_title_(!article.title.empty()) {
    tokens_ = Tokenize(text_);
    sentences_ = SplitSentences(tokens_);
    cue_kinds_.assign(tokens_.size(), 0);
  }

  Extraction Run();

 private:
  SentenceFacts Analyse(int32_t index, const Sentence& s);
  void ReadCasualties(SentenceFacts* f);
  bool ReadItems(int32_t from, int32_t limit, bool kill, int32_t tb_verb, std::vector<Casualty>* out,
                 int32_t* list_end, const SentenceFacts& f);
  void ReadDates(SentenceFacts* f);
  void ReadPhases(const SentenceFacts& f, Extraction* out);
  // What earlier statistic sentences established: later ones ("the report
  // said", "the group claimed") inherit the source, year and group.
  struct StatContext {
    bool active = false;
    std::string source;
    std::string period;
    std::string actor;  // the last group named in the article
  };
  void ReadClaims(const SentenceFacts& f, Extraction* out, StatContext* ctx);
  bool ActorForCount(const SentenceFacts& f) const;
  // A force, attacker, armed group, country or demonym named before token
  // `before`: the subject a verb of launching needs to start an attack.
  bool ArmedSubjectBefore(const SentenceFacts& f, int32_t before) const;
  // Tokens [tb, te) end in a noun any soldier goes by ("soldiers", "four
  // troops"), not one of the army's own ("army soldiers", "Lance Naik").
  bool GenericSoldiers(int32_t tb, int32_t te) const;
  // Target cue m names something a named force owns ("police station", "FC
  // convoy", "a Frontier Corps convoy", "a convoy of the Levies"), not the
  // force alone.
  bool OwnedObject(const SentenceFacts& f, const CueMatch& m) const;
  void Finish(const std::vector<const SentenceFacts*>& event, const std::vector<const SentenceFacts*>& context,
              Extraction* out);

  // The first cue of kind c starting at token i. The per-token bit set rules
  // out most; Lexicon::Match returns the cues in token order, so the ones at
  // i are found by binary search.
  const CueMatch* CueAt(const SentenceFacts& f, int32_t i, Cue c) const {
    if (i < f.tb || i >= f.te || !((cue_kinds_[static_cast<size_t>(i)] >> static_cast<int>(c)) & 1)) return nullptr;
    auto it = std::lower_bound(f.cues.begin(), f.cues.end(), i,
                               [](const CueMatch& m, int32_t pos) { return m.begin < pos; });
    for (; it != f.cues.end() && it->begin == i; ++it) {
      if (it->cue == c) return &*it;
    }
    return nullptr;
  }
  [[gnu::always_inline]] bool WordIs(int32_t i, std::string_view w) const {
    return i >= 0 && i < static_cast<int32_t>(tokens_.size()) && IsWord(tokens_[i], w);
  }
  bool PunctIs(int32_t i, char c) const {
    return i >= 0 && i < static_cast<int32_t>(tokens_.size()) && tokens_[i].kind == TokenKind::kPunct &&
           tokens_[i].punct == c;
  }
  Evidence Span(std::string field, int32_t tb, int32_t te, double confidence) const {
    if (te <= tb) te = tb + 1;
    return Evidence{std::move(field), tokens_[tb].begin, tokens_[te - 1].end, confidence};
  }

  const EntityIndex& entities_;
  const ExtractOptions& options_;
  std::string text_;
  std::optional<int32_t> published_;
  bool has_title_ = false;
  // The article is about armed conflict (a conflict word, a strong attack
  // cue or an armed group named): what makes "the deal" a conflict agreement.
  bool conflict_article_ = false;
  StatContext stat_;
  std::vector<Token> tokens_;
  std::vector<Sentence> sentences_;
  std::vector<SentenceFacts> facts_;
  // Per token, a bit per Cue kind that some cue of its sentence starts there:
  // CueAt answers most questions (nearly all "no") from it without a search.
  std::vector<uint32_t> cue_kinds_;
  static_assert(kCueKinds <= 32);
};

bool Reader::ArmedSubjectBefore(const SentenceFacts& f, int32_t before) const {
  for (const CueMatch& c : f.cues) {
    if (c.begin >= before) break;
    if (c.cue == Cue::kAttacker || (c.cue == Cue::kVictim && (c.value == kSec || c.value == kMil))) return true;
  }
  return std::any_of(f.entities.begin(), f.entities.end(), [before](const EntityMatch& e) {
    return e.begin < before && std::any_of(e.refs.begin(), e.refs.end(), [](const EntityRef* r) {
             return r->kind == EntityKind::kCountry || r->kind == EntityKind::kDemonym ||
                    (r->kind == EntityKind::kActor && r->actor->kind == "group");
           });
  });
}

bool Reader::GenericSoldiers(int32_t tb, int32_t te) const {
  int32_t noun = te - 1;
  return noun >= tb && !WordIs(noun - 1, "army") && !WordIs(noun - 1, "military") &&
         (WordIs(noun, "soldiers") || WordIs(noun, "soldier") || WordIs(noun, "troops") || WordIs(noun, "troop") ||
          WordIs(noun, "jawans") || WordIs(noun, "servicemen"));
}

bool Reader::OwnedObject(const SentenceFacts& f, const CueMatch& m) const {
  using TC = TargetCategory;
  auto t = static_cast<TC>(m.value);
  if (t != TC::kFrontierCorps && t != TC::kLevies && t != TC::kPolice && t != TC::kCtd && t != TC::kRangers) {
    return false;
  }
  auto setting = [](const CueMatch* c) { return c != nullptr && c->value == static_cast<int>(TC::kOtherSecurity); };
  // The object inside the phrase: longer than the force's own name.
  const CueMatch* name = CueAt(f, m.begin, Cue::kVictim);
  if (name != nullptr && name->end < m.end) return true;
  if (setting(CueAt(f, m.end, Cue::kTarget))) return true;              // "Frontier Corps convoy"
  int32_t of = WordIs(m.begin - 1, "the") ? m.begin - 2 : m.begin - 1;  // "a convoy of the Levies"
  if (!WordIs(of, "of")) return false;
  return std::any_of(f.cues.begin(), f.cues.end(),
                     [&](const CueMatch& c) { return c.cue == Cue::kTarget && c.end == of && setting(&c); });
}

SentenceFacts Reader::Analyse(int32_t index, const Sentence& s) {
  SentenceFacts f;
  f.index = index;
  f.tb = s.begin;
  f.te = s.end;
  f.cues = Lexicon::Get().Match(tokens_, s.begin, s.end);
  for (const CueMatch& m : f.cues) cue_kinds_[static_cast<size_t>(m.begin)] |= uint32_t{1} << static_cast<int>(m.cue);
  f.entities = entities_.Match(tokens_, s.begin, s.end);
  // "Indian-sponsored terrorists", "Afghan-based militants", "Indian proxies":
  // the demonym names a sponsor or a base, not where the attack was.
  std::erase_if(f.entities, [&](const EntityMatch& e) {
    bool demonym = std::all_of(e.refs.begin(), e.refs.end(),
                               [](const EntityRef* r) { return r->kind == EntityKind::kDemonym; });
    if (!demonym) return false;
    int32_t n = e.end;
    if (n < s.end && IsJoiner(tokens_[n]) && tokens_[n].punct == '-') {
      ++n;
      return WordIs(n, "sponsored") || WordIs(n, "backed") || WordIs(n, "funded") || WordIs(n, "supported") ||
             WordIs(n, "based") || WordIs(n, "trained") || WordIs(n, "sheltered");
    }
    return WordIs(n, "proxy") || WordIs(n, "proxies");
  });
  // "sent all 30 khwarij to hell", "dispatched the nine terrorists to hell":
  // the dead stand inside the idiom. The verb and its determiners become a
  // kill cue (inserted after this loop), so the count after them is read as
  // killed, as after "killed". Only with a count right there; "sent to hell"
  // is a lexicon phrase.
  std::vector<CueMatch> sent;
  for (const CueMatch& m : f.cues) {
    switch (m.cue) {
      case Cue::kHell: {
        int32_t to = m.begin - 1;
        if (!WordIs(to, "to")) break;
        for (int32_t v = to - 1; v >= std::max(s.begin, to - 9); --v) {
          if (tokens_[v].kind == TokenKind::kPunct && !IsJoiner(tokens_[v])) break;
          if (v == to - 1 || !(WordIs(v, "sent") || WordIs(v, "dispatched"))) continue;
          int32_t n = v + 1;
          while (WordIs(n, "all") || WordIs(n, "the") || WordIs(n, "these") || WordIs(n, "those")) ++n;
          if (ReadCount(tokens_, n, to, options_.vague)) sent.push_back(CueMatch{Cue::kKill, v, n});
          break;
        }
        break;
      }
      case Cue::kAttack: {
        f.attacks.push_back(m);
        bool weak = m.value2 == 1 || (m.end - m.begin == 1 && IsWeakAttackWord(tokens_[m.begin].fold));
        // "came under fire for its handling", "came under attack over the
        // bill", "... from critics": criticism, not an attack.
        if (!weak && WordIs(m.begin + 1, "under") &&
            (WordIs(m.end, "for") || WordIs(m.end, "over") || WordIs(m.end, "after") || WordIs(m.end, "amid") ||
             (WordIs(m.end, "from") && (WordIs(m.end + 1, "critics") || WordIs(m.end + 1, "opposition") ||
                                        WordIs(m.end + 2, "opposition") || WordIs(m.end + 1, "lawmakers") ||
                                        WordIs(m.end + 1, "activists") || WordIs(m.end + 1, "rights"))))) {
          weak = true;
        }
        // "Insurgents attacked a convoy", "gunmen fired at a van": a generic
        // attack verb right after the attackers themselves is an attack.
        for (int32_t b = std::max(s.begin, m.begin - 2); weak && b < m.begin; ++b) {
          const CueMatch* who = CueAt(f, b, Cue::kAttacker);
          if (who != nullptr && who->end >= m.begin - 1 && who->begin != m.begin &&
              tokens_[m.begin].fold.back() == 'd') {
            weak = false;
          }
        }
        // "stormed back to win", "stormed out of the meeting": not a raid.
        if (!weak && (WordIs(m.begin, "stormed") || WordIs(m.begin, "storming")) &&
            (WordIs(m.end, "back") || WordIs(m.end, "out") || WordIs(m.end, "off") || WordIs(m.end, "home"))) {
          weak = true;
        }
        // "Troops mounted its long-threatened invasion", "the rebels launched
        // a fresh raid": a verb of launching with an armed subject (a force,
        // an armed group, a state) makes the attack noun after it an event;
        // "the government launched an attack on tax evasion" stays generic.
        for (int32_t b = std::max(s.begin, m.begin - 6); weak && b < m.begin; ++b) {
          if (WordIs(b, "launched") || WordIs(b, "mounted") || WordIs(b, "staged") || WordIs(b, "unleashed") ||
              (WordIs(b, "carried") && WordIs(b + 1, "out"))) {
            weak = !ArmedSubjectBefore(f, b);
          }
        }
        (weak ? f.weak_attack : f.strong_attack) = true;
        break;
      }
      case Cue::kAttackPlural: f.plural_attack = true; break;
      case Cue::kModal:
        // "May" capitalised is the month; "will" and "may" are modal only in lower case.
        if (tokens_[m.begin].capitalized && (WordIs(m.begin, "may") || WordIs(m.begin, "will"))) break;
        // "its long-threatened invasion", "a much-feared offensive": the
        // word is half of a compound adjective, not the sentence's mood.
        if (m.begin > s.begin && IsJoiner(tokens_[m.begin - 1]) && tokens_[m.begin - 1].punct == '-') break;
        (m.value == 1 ? f.modal_strong : f.modal_weak) = true;
        break;
      case Cue::kRetro:
        // "Bethel Memorial Church": a capitalised word mid-sentence is a name.
        if (tokens_[m.begin].capitalized && m.begin > s.begin) break;
        f.retro = true;
        break;
      case Cue::kClaim: f.claim = true; break;
      case Cue::kSuspect: f.suspect = true; break;
      case Cue::kBlame: f.blame = true; break;
      case Cue::kSelfKill: f.self_kill = true; break;
      case Cue::kSplit:
        if (m.begin <= s.begin + 2) f.split = true;
        break;
      default: break;
    }
  }
  for (int32_t i = s.begin; i < s.end; ++i) {
    // Only words can spell these (punctuation and number folds cannot).
    const Token& w = tokens_[i];
    if (w.kind != TokenKind::kWord) continue;
    if (IsWord(w, "denied") || IsWord(w, "denies") || IsWord(w, "deny") || IsWord(w, "distanced") ||
        IsWord(w, "disowned")) {
      f.denial = true;
    }
    // "no one has claimed", "not claimed": no claim.
    if ((IsWord(w, "no") && (WordIs(i + 1, "one") || WordIs(i + 1, "group"))) || IsWord(w, "nobody") ||
        (IsWord(w, "not") && (WordIs(i + 1, "claimed") || WordIs(i + 2, "claimed")))) {
      f.claim = false;
      f.no_claim = true;
    }
  }
  // A dateline: capitalised words and a colon opening a paragraph.
  for (int32_t i = s.begin; i < std::min(s.end, s.begin + 5); ++i) {
    if (PunctIs(i, ':')) {
      bool caps = i > s.begin;
      for (int32_t k = s.begin; k < i; ++k) caps = caps && (tokens_[k].all_caps || tokens_[k].kind == TokenKind::kPunct);
      if (caps) f.dateline_end = i;
      break;
    }
  }
  // The kill cues of "sent ... to hell", in token order as CueAt needs.
  for (const CueMatch& m : sent) {
    auto at = std::upper_bound(f.cues.begin(), f.cues.end(), m.begin,
                               [](int32_t pos, const CueMatch& c) { return pos < c.begin; });
    f.cues.insert(at, m);
    cue_kinds_[static_cast<size_t>(m.begin)] |= uint32_t{1} << static_cast<int>(Cue::kKill);
  }
  // Plural attack nouns next to a singular reading ("attacks on") do not
  // make a sentence a summary by themselves.
  ReadCasualties(&f);
  ReadDates(&f);
  return f;
}

// Reads a list of casualty items ("31 people, including 5 policemen and 2
// children") starting at `from`. Returns false when no item starts there.
bool Reader::ReadItems(int32_t from, int32_t limit, bool kill, int32_t /*tb_verb*/, std::vector<Casualty>* out,
                       int32_t* list_end, const SentenceFacts& f) {
  int32_t j = from;
  bool breakdown = false;
  bool any = false;
  int prev_category = -1;
  // "Two policemen were martyred and three others injured": "others" are
  // of the kind the sentence last counted, also for another verb ("five
  // people, including three FC personnel, were killed and 35 others
  // injured": people, not a breakdown's policemen) — unless a breakdown
  // follows ("10 others, including civilians").
  bool other_verb = out->empty();
  for (const Casualty& c : f.casualties) {
    if (!c.breakdown) prev_category = c.category;
  }
  for (const Casualty& c : *out) prev_category = c.category;
  while (j < limit) {
    Casualty item;
    item.kill = kill;
    item.breakdown = breakdown;
    // "wounding another 25": the count follows; "killed all 33 terrorists": so does it.
    if (((j == from && (WordIs(j, "another") || WordIs(j, "other"))) || WordIs(j, "all")) && j + 1 < limit &&
        ReadCount(tokens_, j + 1, limit)) {
      ++j;
    }
    int32_t k = j;
    if (auto c = ReadCount(tokens_, j, limit, options_.vague)) {
      // "No one was hurt": nobody, not one person.
      if (WordIs(c->begin, "one") && WordIs(c->begin - 1, "no")) break;
      // A year is not a head count.
      if (c->best && *c->best >= 1900 && *c->best <= 2100 && tokens_[c->begin].kind == TokenKind::kNumber &&
          tokens_[c->begin].fold.size() == 4) {
        break;
      }
      item.count = *c;
      k = c->end;
      bool found = false;
      // The victim noun within four words, adjectives allowed.
      for (int32_t v = k; v < std::min(limit, k + 6) && !found; ++v) {
        const Token& t = tokens_[v];
        if (IsJoiner(t)) continue;  // "U.S. soldier", "passers-by"
        if (t.kind == TokenKind::kPunct && t.punct != '-') break;
        if (t.kind == TokenKind::kNumber) break;
        if (CueAt(f, v, Cue::kKill) || CueAt(f, v, Cue::kInjure) || WordIs(v, "and") || WordIs(v, "in") ||
            WordIs(v, "at") || WordIs(v, "on")) {
          break;
        }
        if (const CueMatch* o = CueAt(f, v, Cue::kOthers); o && v == k) {
          const CueMatch* person = CueAt(f, o->end, Cue::kVictim);
          int32_t after = PunctIs(o->end, ',') ? o->end + 1 : o->end;
          bool mixed = other_verb && CueAt(f, after, Cue::kIncluding) != nullptr;
          item.category = person ? person->value : (prev_category >= 0 && !mixed ? prev_category : kUnk);
          if (person) item.target_hint = person->value2;
          k = person ? person->end : o->end;
          found = true;
          break;
        }
        if (const CueMatch* vic = CueAt(f, v, Cue::kVictim)) {
          // Prefer the longest victim phrase that starts here.
          const CueMatch* best = vic;
          for (const CueMatch& m : f.cues) {
            if (m.cue == Cue::kVictim && m.begin == v && m.end > best->end) best = &m;
          }
          item.category = best->value;
          item.target_hint = best->value2;
          k = best->end;
          // "members of the security forces": the category follows "of".
          if (item.category == kUnk && WordIs(k, "of")) {
            for (int32_t o = k + 1; o < std::min(limit, k + 4); ++o) {
              const CueMatch* of = CueAt(f, o, Cue::kVictim);
              if (of != nullptr && of->value != kUnk) {
                item.category = of->value;
                item.target_hint = of->value2;
                k = of->end;
                break;
              }
            }
          }
          // "Frontier Corps personnel", "police officials": more person nouns.
          while (const CueMatch* more = CueAt(f, k, Cue::kVictim)) {
            if (more->value != kUnk && more->value != item.category && item.category == kUnk) {
              item.category = more->value;
              item.target_hint = more->value2;
            }
            k = more->end;
          }
          found = true;
        }
      }
      if (!found) {
        // People named by nationality or group: "three ethnic Albanians", "4 Iraqis".
        for (int32_t v = k; v < std::min(limit, k + 3); ++v) {
          const Token& t = tokens_[v];
          if (t.kind != TokenKind::kWord) break;
          if (t.capitalized && !t.all_caps && t.fold.size() > 3 && t.fold.back() == 's') {
            item.category = kUnk;
            k = v + 1;
            found = true;
            break;
          }
        }
      }
      if (!found) {
        // A bare count right before the verb or aux ("9 killed", "22 were injured").
        if (WordIs(k, "more")) ++k;  // "injured around 120 more"
        bool bare = k >= limit || CueAt(f, k, Cue::kKill) || CueAt(f, k, Cue::kInjure) || CueAt(f, k, Cue::kAux) ||
                    PunctIs(k, ',') || PunctIs(k, '.') || WordIs(k, "and") || WordIs(k, "dead");
        if (!bare) break;
        item.category = kUnk;
      }
    } else if (const CueMatch* att = WordIs(j, "all") ? CueAt(f, WordIs(j + 1, "the") ? j + 2 : j + 1, Cue::kVictim)
                                                      : nullptr;
               att != nullptr && att->value == kMil) {
      // "and all terrorists", "all the attackers": every attacker, counted
      // where the article says how many attacked (Finish).
      item.all_attackers = true;
      item.category = kMil;
      item.count.begin = j;
      item.count.end = att->end;
      k = att->end;
    } else {
      // "a policeman", "his driver", "the guard": one person.
      static constexpr std::string_view kDet[] = {"a", "an", "one", "his", "her", "their", "the", "its", "another"};
      bool det = false;
      for (std::string_view d : kDet) det = det || WordIs(j, d);
      if (!det) break;
      int32_t v = j + 1;
      const CueMatch* vic = nullptr;
      for (; v < std::min(limit, j + 6) && !vic; ++v) {
        vic = CueAt(f, v, Cue::kVictim);
        if (tokens_[v].kind == TokenKind::kPunct) break;
      }
      if (vic == nullptr) break;
      // "a Levies soldier": the person is the last of the nouns.
      int32_t vic_end = vic->end;
      while (const CueMatch* more = CueAt(f, vic_end, Cue::kVictim)) vic_end = more->end;
      // "..., a district police official said": the speaker, not a victim.
      if (WordIs(vic_end, "said") || WordIs(vic_end, "says") || WordIs(vic_end, "told")) break;
      const std::string& noun = tokens_[vic_end - 1].fold;
      bool plural = noun.back() == 's' || noun == "men" || noun == "women" || noun == "children" ||
                    noun == "people" || noun == "police" || noun == "personnel" || noun == "troops";
      if (plural) break;
      item.count.low = item.count.best = item.count.high = 1;
      item.count.begin = j;
      item.count.end = vic_end;
      item.category = vic->value;
      item.target_hint = vic->value2;
      k = vic_end;
    }
    item.tb = item.count.begin;
    item.te = k;
    prev_category = item.category;
    out->push_back(item);
    any = true;
    *list_end = k;
    // Continue the list: ",", "and", "including", "(".
    int32_t n = k;
    while (n < limit && (PunctIs(n, ',') || PunctIs(n, '(') || PunctIs(n, ')') || WordIs(n, "and") ||
                         WordIs(n, "as") || WordIs(n, "well"))) {
      ++n;
    }
    if (const CueMatch* inc = CueAt(f, n, Cue::kIncluding)) {
      breakdown = true;
      n = inc->end;
    }
    if (n == k) {
      // A phrase about the last person, then more people: "a candidate
      // running for a seat in the assembly, his driver and a guard".
      int32_t q = k;
      while (q < limit && q < k + 12 && !PunctIs(q, ',') && tokens_[q].kind != TokenKind::kNumber &&
             !CueAt(f, q, Cue::kKill) && !CueAt(f, q, Cue::kInjure) && !CueAt(f, q, Cue::kClauseBreak)) {
        ++q;
      }
      bool more = q > k && q + 1 < limit && PunctIs(q, ',') &&
                  (WordIs(q + 1, "his") || WordIs(q + 1, "her") || WordIs(q + 1, "their") || WordIs(q + 1, "a") ||
                   WordIs(q + 1, "an") || tokens_[q + 1].kind == TokenKind::kNumber);
      if (!more) break;
      n = q + 1;
    }
    j = n;
  }
  return any;
}

void Reader::ReadCasualties(SentenceFacts* f) {
  std::vector<const CueMatch*> verbs;
  for (const CueMatch& m : f->cues) {
    if (m.cue == Cue::kKill || m.cue == Cue::kInjure) verbs.push_back(&m);
  }
  // Token starts of counts already read: a handful, so a vector searched
  // linearly (no node allocation per count, as a std::set made).
  std::vector<int32_t> used;
  auto was_used = [&used](int32_t tb) { return std::find(used.begin(), used.end(), tb) != used.end(); };
  int group = 0;
  auto boundary = [&](int32_t i) {
    if (i < f->tb || i >= f->te) return true;
    const Token& t = tokens_[i];
    if (t.kind == TokenKind::kPunct && (t.punct == ';' || t.punct == ':' || t.punct == '?' || t.punct == '!'))
      return true;
    return CueAt(*f, i, Cue::kClauseBreak) != nullptr || CueAt(*f, i, Cue::kKill) != nullptr ||
           CueAt(*f, i, Cue::kInjure) != nullptr;
  };
  for (const CueMatch* v : verbs) {
    bool kill = v->cue == Cue::kKill;
    // "the TTP, which has killed several elders": what a group habitually does.
    if ((WordIs(v->begin - 1, "has") || WordIs(v->begin - 1, "have")) &&
        (WordIs(v->begin - 2, "which") || WordIs(v->begin - 2, "who") || WordIs(v->begin - 2, "that"))) {
      continue;
    }
    std::vector<Casualty> items;
    int32_t list_end = 0;
    // Active: "killed 15 people", "killing three Chinese citizens", "deaths of 500 personnel".
    int32_t r = v->end;
    while (r < f->te && (WordIs(r, "another") || WordIs(r, "of") || (WordIs(r, "a") && WordIs(r + 1, "total")))) {
      r += WordIs(r, "a") ? 2 : 1;
    }
    int32_t rlimit = r;
    while (rlimit < f->te && !(rlimit > r && boundary(rlimit))) ++rlimit;
    bool right = false;
    if (!WordIs(v->begin, "dead") && !WordIs(v->begin, "died") && !WordIs(v->begin, "lives")) {
      // "another 20" after "wounding": the determiner is part of the item.
      int32_t start = WordIs(v->end, "another") ? v->end : r;
      right = ReadItems(start, rlimit, kill, v->begin, &items, &list_end, *f);
    }
    if (!right) {
      // Passive: "five soldiers and three militants were killed".
      int32_t l = v->begin - 1;
      while (l >= f->tb && CueAt(*f, l, Cue::kAux)) --l;
      // Walk to the left boundary.
      int32_t lb = l;
      while (lb > f->tb && !boundary(lb - 1)) --lb;
      if (lb <= l) {
        for (int32_t p = lb; p <= l; ++p) {
          std::vector<Casualty> trial;
          int32_t end = 0;
          if (!ReadItems(p, l + 1, kill, v->begin, &trial, &end, *f)) continue;
          // The list must reach the verb (only aux words between).
          int32_t gap = end;
          while (gap < v->begin) {
            if (const CueMatch* aux = CueAt(*f, gap, Cue::kAux)) {
              gap = aux->end;
            } else if (PunctIs(gap, ',') || PunctIs(gap, ')')) {
              // ", most of them policemen," : a comment between commas.
              int32_t close = gap + 1;
              bool plain = true;
              while (close < v->begin && !PunctIs(close, ',')) {
                if (tokens_[close].kind == TokenKind::kNumber || CueAt(*f, close, Cue::kKill) ||
                    CueAt(*f, close, Cue::kInjure)) {
                  plain = false;
                }
                ++close;
              }
              gap = (plain && close < v->begin && close - gap < 8) ? close + 1 : gap + 1;
            } else if (WordIs(gap, "and") || WordIs(gap, "all") ||
                       (tokens_[gap].kind == TokenKind::kWord && tokens_[gap].capitalized)) {
              ++gap;  // "..., Nawabzada Siraj Raisani, were", "... and all terrorists were"
            } else if (const CueMatch* vic = CueAt(*f, gap, Cue::kVictim)) {
              gap = vic->end;
            } else if (const CueMatch* inc = CueAt(*f, gap, Cue::kIncluding)) {
              // An uncounted breakdown ("including the candidate ...,"): skip to its end.
              gap = inc->end;
              while (gap < v->begin && !PunctIs(gap, ',') && !CueAt(*f, gap, Cue::kAux)) ++gap;
            } else if (WordIs(gap, "in") || WordIs(gap, "of") || WordIs(gap, "from") || WordIs(gap, "inside") ||
                       WordIs(gap, "aboard") || WordIs(gap, "on")) {
              // A short phrase about the people before the verb: "8 other police in
              // the AIG's squad were injured", "two soldiers of the convoy were
              // killed". No count, verb or clause break inside it.
              int32_t q = gap + 1;
              while (q < v->begin && q < gap + 8 && !CueAt(*f, q, Cue::kAux) &&
                     tokens_[q].kind != TokenKind::kNumber && !CueAt(*f, q, Cue::kKill) &&
                     !CueAt(*f, q, Cue::kInjure) && !CueAt(*f, q, Cue::kClauseBreak) &&
                     !(tokens_[q].kind == TokenKind::kPunct && tokens_[q].punct != '\'')) {
                ++q;
              }
              if (q > gap + 1 && (q == v->begin || CueAt(*f, q, Cue::kAux))) {
                gap = q;
              } else {
                break;
              }
            } else {
              break;
            }
          }
          if (gap != v->begin) continue;
          // "Noor and his guard were killed": a name before "and" is one more.
          if (p >= f->tb + 2 && WordIs(p - 1, "and") && tokens_[p - 2].capitalized &&
              tokens_[p - 2].kind == TokenKind::kWord && !trial.empty()) {
            bool entity = std::any_of(f->entities.begin(), f->entities.end(),
                                      [&](const EntityMatch& e) { return e.begin <= p - 2 && p - 2 < e.end; });
            if (!entity) {
              Casualty named = trial.front();
              named.count.low = named.count.best = named.count.high = 1;
              named.count.vague = false;
              named.tb = p - 2;
              named.te = p - 1;
              trial.push_back(named);
            }
          }
          items = std::move(trial);
          break;
        }
      }
    }
    // "A constable who was wounded in the attack ... succumbed to his
    // injuries", "a soldier injured in the blast later died": a later death
    // of someone named before a relative clause or participle of injury.
    if (items.empty() && kill && (WordIs(v->begin, "succumbed") || WordIs(v->begin, "died"))) {
      for (int32_t q = f->tb + 1; q < v->begin && items.empty(); ++q) {
        const CueMatch* hurt = CueAt(*f, q, Cue::kInjure);
        if (WordIs(q, "who")) {
          for (int32_t h = q + 1; h < std::min(v->begin, q + 5) && hurt == nullptr; ++h) hurt = CueAt(*f, h, Cue::kInjure);
        }
        if (hurt == nullptr) continue;
        bool other_death = false;
        for (int32_t k = hurt->end; k < v->begin; ++k) other_death = other_death || CueAt(*f, k, Cue::kKill) != nullptr;
        if (other_death) break;
        for (int32_t p = std::max(f->tb, q - 8); p < q && items.empty(); ++p) {
          std::vector<Casualty> trial;
          int32_t end = 0;
          if (!ReadItems(p, q, kill, v->begin, &trial, &end, *f)) continue;
          while (end < q && CueAt(*f, end, Cue::kAux)) end = CueAt(*f, end, Cue::kAux)->end;  // "... was injured"
          if (end == q) items = std::move(trial);
        }
      }
      // Read as injured by the participle first: the same person died.
      for (Casualty& c : items) {
        c.later = true;
        for (Casualty& earlier : f->casualties) {
          if (earlier.tb == c.tb && !earlier.kill) earlier.kill = earlier.later = true;
        }
      }
    }
    // ISPR names its dead: "Lance Naik Ali Khan (age 28, resident of Swat)
    // and Sepoy Ahmed (age 23) embraced shahadat". With a verb of martyrdom
    // (said only of one's own side), each rank followed by a name is one
    // member of the security forces.
    if (items.empty() && kill && IsMartyrdom(*v)) {
      Casualty named;
      named.kill = true;
      named.category = kSec;
      int64_t n = 0;
      for (int32_t k = f->tb; k < v->begin; ++k) {
        const CueMatch* rank = CueAt(*f, k, Cue::kVictim);
        if (rank == nullptr || rank->value != kSec || !tokens_[k].capitalized) continue;
        int32_t e = rank->end;
        while (const CueMatch* more = CueAt(*f, e, Cue::kVictim)) e = more->end;  // "Lance Naik", "Naib Subedar"
        bool name = e < v->begin && tokens_[e].kind == TokenKind::kWord && tokens_[e].capitalized &&
                    !CueAt(*f, e, Cue::kVictim) && !WordIs(e + 1, "said") && !WordIs(e + 2, "said");
        if (!name) continue;
        if (n == 0) {
          named.target_hint = rank->value2;
          named.tb = k;
          named.count.begin = k;
        }
        ++n;
        named.te = named.count.end = e + 1;
        k = e;
      }
      if (n > 0) {
        named.count.low = named.count.best = named.count.high = n;
        items.push_back(named);
      }
    }
    ++group;
    for (Casualty& c : items) {
      if (was_used(c.tb)) continue;
      used.push_back(c.tb);
      c.group = group;
      f->casualties.push_back(c);
    }
  }
  // "The death toll rose to 84", "the toll from Monday's attack rose to 12".
  for (const CueMatch& m : f->cues) {
    if (m.cue != Cue::kToll) continue;
    for (int32_t i = m.end; i < std::min(f->te, m.end + 20); ++i) {
      bool lead = i == m.end || WordIs(i - 1, "to") || WordIs(i - 1, "at") || WordIs(i - 1, "reached") ||
                  WordIs(i - 1, "hit");
      if (!lead || was_used(i)) continue;
      if (auto c = ReadCount(tokens_, i, f->te, options_.vague)) {
        if (c->best && *c->best >= 1900 && *c->best <= 2100) break;
        Casualty t;
        t.kill = true;
        t.toll = true;
        t.count = *c;
        t.tb = c->begin;
        t.te = c->end;
        t.group = ++group;
        if (!was_used(c->begin)) used.push_back(c->begin);
        f->casualties.push_back(t);
        break;
      }
    }
  }
  // A suicide bomber who blew himself up is one militant killed.
  if (f->self_kill) {
    bool have = std::any_of(f->casualties.begin(), f->casualties.end(),
                            [](const Casualty& c) { return c.kill && c.category == kMil; });
    if (!have) {
      for (const CueMatch& m : f->cues) {
        if (m.cue != Cue::kSelfKill) continue;
        Casualty b;
        b.kill = true;
        b.category = kMil;
        b.count.low = b.count.best = b.count.high = 1;
        b.tb = m.begin;
        b.te = m.end;
        b.group = ++group;
        f->casualties.push_back(b);
        break;
      }
    }
  }
}

void Reader::ReadDates(SentenceFacts* f) {
  // Days count from 1970-01-01, so a day before 1970 is negative: "no end
  // given" is an empty optional, never a sentinel day.
  auto add = [&](int32_t day, DatePrecision p, int32_t tb, int32_t te, double conf,
                 std::optional<int32_t> day_end = std::nullopt) {
    DateMention d;
    d.day = day;
    d.day_end = day_end.value_or(day);
    d.precision = p;
    d.tb = tb;
    d.te = te;
    d.confidence = conf;
    f->dates.push_back(d);
  };
  auto year_of = [&](int32_t i) -> int {
    if (i < f->te && tokens_[i].kind == TokenKind::kNumber && tokens_[i].fold.size() == 4) {
      int y = std::atoi(tokens_[i].fold.c_str());
      if (y >= 1900 && y <= 2100) return y;
    }
    return 0;
  };
  auto day_of = [&](int32_t i) -> int {
    if (i < f->te && tokens_[i].kind == TokenKind::kNumber && tokens_[i].fold.size() <= 2) {
      int d = std::atoi(tokens_[i].fold.c_str());
      if (d >= 1 && d <= 31) return d;
    }
    // "1st", "28th"
    if (i < f->te && tokens_[i].kind == TokenKind::kWord && !tokens_[i].fold.empty() &&
        std::isdigit(static_cast<unsigned char>(tokens_[i].fold[0]))) {
      int d = std::atoi(tokens_[i].fold.c_str());
      if (d >= 1 && d <= 31) return d;
    }
    return 0;
  };
  auto infer_year = [&](int month, int day) -> int {
    if (!published_) return 0;
    YearMonthDay p = CivilDate(*published_).ToYmd();
    int y = p.year;
    auto d = CivilDate::FromYmd(y, month, day);
    if (d.ok() && d->days() > *published_ + 2) --y;
    return y;
  };
  for (const CueMatch& m : f->cues) {
    switch (m.cue) {
      case Cue::kMonth: {
        if (!tokens_[m.begin].capitalized) break;
        int month = m.value;
        int32_t after = m.end;
        if (PunctIs(after, '.')) ++after;
        int d_before = day_of(m.begin - 1);
        if (d_before == 0 && WordIs(m.begin - 1, "of")) d_before = day_of(m.begin - 2);
        int d_after = day_of(after);
        int y = 0, d = 0;
        int32_t tb = m.begin, te = m.end;
        if (d_before) {
          d = d_before;
          tb = WordIs(m.begin - 1, "of") ? m.begin - 2 : m.begin - 1;
          int32_t yi = after;
          if (PunctIs(yi, ',')) ++yi;
          y = year_of(yi);
          if (y) te = yi + 1;
        } else if (d_after) {
          d = d_after;
          te = after + 1;
          int32_t yi = after + 1;
          if (PunctIs(yi, ',')) ++yi;
          y = year_of(yi);
          if (y) te = yi + 1;
        } else if (int yy = year_of(after)) {
          auto first = CivilDate::FromYmd(yy, month, 1);
          if (first.ok()) {
            add(first->days(), DatePrecision::kMonth, m.begin, after + 1, 0.8,
                first->days() + DaysInMonth(yy, month) - 1);
          }
          break;
        } else {
          break;
        }
        if (!y) y = infer_year(month, d);
        if (!y) break;
        auto date = CivilDate::FromYmd(y, month, d);
        if (date.ok()) add(date->days(), DatePrecision::kDay, tb, te, 0.95);
        break;
      }
      case Cue::kWeekday: {
        if (!published_ || !tokens_[m.begin].capitalized) break;
        int pw = CivilDate(*published_).Weekday();
        int back = (pw - m.value + 7) % 7;
        // "last Tuesday" on a Tuesday means a week ago.
        if (back == 0 && WordIs(m.begin - 1, "last")) back = 7;
        int32_t te = m.end;
        if (WordIs(te, "night") || WordIs(te, "morning") || WordIs(te, "evening") || WordIs(te, "afternoon")) ++te;
        add(*published_ - back, DatePrecision::kDay, WordIs(m.begin - 1, "late") ? m.begin - 1 : m.begin, te, 0.85);
        break;
      }
      case Cue::kRelDay:
        if (published_) add(*published_ - m.value, DatePrecision::kDay, m.begin, m.end, 0.8);
        break;
      case Cue::kEarlier:
        if (published_) add(*published_ - 6, DatePrecision::kWeek, m.begin, m.end, 0.6, *published_);
        break;
      default: break;
    }
  }
  // ISO dates: 2022-11-28.
  for (int32_t i = f->tb; i + 4 < f->te; ++i) {
    if (int y = year_of(i); y && PunctIs(i + 1, '-') && tokens_[i + 2].kind == TokenKind::kNumber &&
                            PunctIs(i + 3, '-') && tokens_[i + 4].kind == TokenKind::kNumber) {
      auto d = CivilDate::FromYmd(y, std::atoi(tokens_[i + 2].fold.c_str()), std::atoi(tokens_[i + 4].fold.c_str()));
      if (d.ok()) add(d->days(), DatePrecision::kDay, i, i + 5, 0.95);
    }
  }
  std::sort(f->dates.begin(), f->dates.end(), [](const DateMention& a, const DateMention& b) { return a.tb < b.tb; });
  for (DateMention& d : f->dates) {
    int32_t v = WordIs(d.tb - 1, "on") ? d.tb - 2 : d.tb - 1;
    d.statement = WordIs(v, "said") || WordIs(v, "stated") || WordIs(v, "announced") || WordIs(v, "added") ||
                  WordIs(v, "reported") || WordIs(v, "confirmed");
  }
}

std::string_view PhaseKind(int v) {
  static constexpr std::string_view k[] = {"ceasefire", "talks", "agreement", "operation"};
  return k[std::clamp(v, 0, 3)];
}

void Reader::ReadPhases(const SentenceFacts& f, Extraction* out) {
  for (const CueMatch& kind : f.cues) {
    if (kind.cue != Cue::kCeasefire) continue;
    // "ceasefire deal": the phrase is the ceasefire, its "deal" no second phase.
    bool inside = std::any_of(f.cues.begin(), f.cues.end(), [&](const CueMatch& o) {
      return o.cue == Cue::kCeasefire && o.begin < kind.begin && o.end >= kind.end;
    });
    if (inside) continue;
    if (kind.value == 3) {
      // Only named or military operations: "Operation Zarb-e-Azb", "a military operation".
      bool named = tokens_[kind.begin].capitalized || WordIs(kind.begin, "military");
      if (!named) continue;
    }
    // "no agreement was reached", "ended without a deal": no such phase.
    bool denied = false;
    for (int32_t b = std::max(f.tb, kind.begin - 2); b < kind.begin; ++b) {
      denied = denied || WordIs(b, "no") || WordIs(b, "without");
    }
    if (denied) continue;
    if (kind.value2 == 1) {
      // "agreement", "deal", "pact": a conflict agreement only in an article
      // about conflict and not next to a civil subject ("a free-trade pact",
      // "an agreement on water resources").
      if (!conflict_article_) continue;
      bool civil = std::any_of(f.cues.begin(), f.cues.end(), [&](const CueMatch& t) {
        return t.cue == Cue::kTopic && t.value == 0 && t.begin >= kind.begin - 4 && t.begin < kind.end + 4;
      });
      if (civil) continue;
    }
    // The nearest action word in the sentence.
    const CueMatch* action = nullptr;
    int32_t best = 1 << 30;
    for (const CueMatch& a : f.cues) {
      if (a.cue != Cue::kPhaseAction) continue;
      // "would not extend", "refused to extend": not that action.
      bool negated = false;
      for (int32_t b = std::max(f.tb, a.begin - 3); b < a.begin; ++b) {
        negated = negated || WordIs(b, "not") || WordIs(b, "refuses") || WordIs(b, "refused") ||
                  WordIs(b, "refuse") || WordIs(b, "never") || WordIs(b, "declined") || WordIs(b, "rejected") ||
                  WordIs(b, "failed") || WordIs(b, "fail") || WordIs(b, "unable");
      }
      if (negated) continue;
      // "a deal to end the fighting": what the agreement ends, not the
      // phase ending (which "ended the ceasefire" names with a phase noun).
      if (a.value == 2) {
        bool purpose = false;
        for (int32_t t = a.end; t < std::min(f.te, a.end + 3) && !purpose; ++t) {
          purpose = CueAt(f, t, Cue::kTopic) != nullptr && CueAt(f, t, Cue::kTopic)->value == 1 &&
                    CueAt(f, t, Cue::kCeasefire) == nullptr;
        }
        if (purpose) continue;
      }
      int32_t dist = a.begin >= kind.end ? a.begin - kind.end : kind.begin - a.end + 1;
      if (dist < best) {
        best = dist;
        action = &a;
      }
    }
    if (action == nullptr || best > 12) continue;
    if (f.modal_weak && !f.Has(Cue::kAccordingTo)) {
      // "threatened to end the ceasefire": not an end.
      bool threatened = false;
      for (int32_t i = f.tb; i < f.te; ++i) {
        std::string_view w = tokens_[i].fold;
        threatened = threatened || w == "threatened" || w == "threatens" || w == "could" || w == "would" ||
                     w == "may" || w == "might" || w == "warned" || w == "if" || w == "expected" || w == "poised";
      }
      if (threatened) continue;
    }
    int a = action->value;
    std::string k(PhaseKind(kind.value));
    std::string act;
    static constexpr std::string_view kActions[] = {"start", "extend", "end", "held", "deadlock", "signed"};
    act = std::string(kActions[std::clamp(a, 0, 5)]);
    if (k == "talks") {
      if (act == "end") act = "deadlock";
      if (act == "start" || act == "signed" || act == "extend") act = "held";
    } else if (k == "agreement") {
      if (act == "start" || act == "held") act = "signed";
      if (act == "deadlock") act = "end";
    } else {
      if (act == "deadlock") act = "end";
      if (act == "held" || act == "signed") act = "start";
    }
    PhaseCandidate p;
    p.kind = k;
    p.action = act;
    for (const EntityMatch& e : f.entities) {
      for (const EntityRef* r : e.refs) {
        if (r->kind == EntityKind::kActor && r->actor->kind == "group") {
          if (std::find(p.actors.begin(), p.actors.end(), r->actor->id) == p.actors.end()) {
            p.actors.push_back(r->actor->id);
          }
        }
      }
    }
    if (!f.dates.empty()) {
      p.date = f.dates.front().day;
    } else if (published_) {
      p.date = *published_;
    }
    p.evidence = Span("phase." + k, std::min(kind.begin, action->begin), std::max(kind.end, action->end), 0.7);
    bool dup = false;
    for (PhaseCandidate& q : out->phases) {
      if (q.kind == p.kind && q.action == p.action) {
        dup = true;
        for (const std::string& id : p.actors) {
          if (std::find(q.actors.begin(), q.actors.end(), id) == q.actors.end()) q.actors.push_back(id);
        }
      }
    }
    if (!dup) out->phases.push_back(std::move(p));
  }
}

// "the TTP was responsible for 89 of the attacks, the BLA for 46": a group
// followed by "for" and a count.
bool Reader::ActorForCount(const SentenceFacts& f) const {
  for (const EntityMatch& e : f.entities) {
    bool group = std::any_of(e.refs.begin(), e.refs.end(), [](const EntityRef* r) {
      return r->kind == EntityKind::kActor && r->actor->kind == "group";
    });
    if (!group) continue;
    for (int32_t i = e.end; i < std::min(f.te, e.end + 5); ++i) {
      if (WordIs(i, "for") && i + 1 < f.te && ReadCount(tokens_, i + 1, f.te)) return true;
    }
  }
  return false;
}

void Reader::ReadClaims(const SentenceFacts& f, Extraction* out, StatContext* ctx) {
  // Periods in the sentence: "in 2021", "in January 2022", "this year", "last year".
  struct Period {
    std::string text;
    int32_t tb;
  };
  std::vector<Period> periods;
  for (int32_t i = f.tb; i < f.te; ++i) {
    if (tokens_[i].kind == TokenKind::kNumber && tokens_[i].fold.size() == 4) {
      int y = std::atoi(tokens_[i].fold.c_str());
      if (y < 1900 || y > 2100) continue;
      if (const CueMatch* m = i > f.tb ? CueAt(f, i - 1, Cue::kMonth) : nullptr) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "%04d-%02d", y, m->value);
        periods.push_back({buf, i - 1});
      } else {
        periods.push_back({std::to_string(y), i});
      }
    } else if (published_ && (WordIs(i, "this") || WordIs(i, "last")) && WordIs(i + 1, "year")) {
      int y = CivilDate(*published_).year() - (WordIs(i, "last") ? 1 : 0);
      periods.push_back({std::to_string(y), i});
    } else if ((WordIs(i, "the") && WordIs(i + 1, "year") && WordIs(i + 2, "before")) ||
               (WordIs(i, "the") && WordIs(i + 1, "previous") && WordIs(i + 2, "year")) ||
               (WordIs(i, "a") && WordIs(i + 1, "year") && WordIs(i + 2, "earlier"))) {
      // Relative to the year named before it in the sentence.
      for (auto it = periods.rbegin(); it != periods.rend(); ++it) {
        if (it->text.size() >= 4) {
          periods.push_back({std::to_string(std::atoi(it->text.substr(0, 4).c_str()) - 1), i});
          break;
        }
      }
    } else if (const CueMatch* m = CueAt(f, i, Cue::kMonth); m != nullptr && tokens_[i].capitalized &&
                                                              WordIs(i - 1, "in") && !(m->end < f.te && tokens_[m->end].kind == TokenKind::kNumber)) {
      // "in January": the year of the statistics around it, else of publication.
      int y = !ctx->period.empty() ? std::atoi(ctx->period.substr(0, 4).c_str())
              : published_          ? CivilDate(*published_).year()
                                    : 0;
      if (y > 0) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "%04d-%02d", y, m->value);
        periods.push_back({buf, i});
      }
    }
  }
  if (periods.empty() && !ctx->period.empty()) periods.push_back({ctx->period, f.tb});
  if (periods.empty()) return;
  auto period_for = [&](int32_t tb, int32_t te) -> std::string {
    for (const Period& p : periods) {
      if (p.tb >= te && p.tb <= te + 3) return p.text;  // "282 attacks in 2021"
    }
    const Period* before = nullptr;
    for (const Period& p : periods) {
      if (p.tb < tb) before = &p;
    }
    if (before) return before->text;
    for (const Period& p : periods) {
      if (p.tb >= te) return p.text;
    }
    return {};
  };
  // Who says so and about whom.
  std::string source, actor;
  for (const EntityMatch& e : f.entities) {
    for (const EntityRef* r : e.refs) {
      if (r->kind == EntityKind::kOrganisation && source.empty()) source = r->code;
      if (r->kind == EntityKind::kActor && r->actor->kind == "group" && actor.empty()) actor = r->actor->id;
    }
  }
  if (source.empty()) {
    // "according to the Interior Ministry": the capitalised words after it.
    for (const CueMatch& m : f.cues) {
      if (m.cue != Cue::kAccordingTo || !WordIs(m.begin, "according")) continue;
      int32_t i = m.end;
      if (WordIs(i, "the")) ++i;
      int32_t b = i;
      while (i < f.te && tokens_[i].kind == TokenKind::kWord &&
             (tokens_[i].capitalized || WordIs(i, "of") || WordIs(i, "for") || WordIs(i, "and"))) {
        ++i;
      }
      if (i > b) source = text_.substr(tokens_[b].begin, tokens_[i - 1].end - tokens_[b].begin);
    }
  }
  if (source.empty()) {
    // "the X, an independent research group": a capitalised name after
    // "by the" or "figures released by".
    for (int32_t i = f.tb; i + 1 < f.te && source.empty(); ++i) {
      if (!(WordIs(i, "by") && (WordIs(i + 1, "the") || tokens_[i + 1].capitalized))) continue;
      int32_t b = WordIs(i + 1, "the") ? i + 2 : i + 1;
      int32_t k = b;
      while (k < f.te && tokens_[k].kind == TokenKind::kWord && tokens_[k].capitalized) ++k;
      if (k - b >= 2) source = text_.substr(tokens_[b].begin, tokens_[k - 1].end - tokens_[b].begin);
    }
  }
  if (source.empty() && f.claim && !actor.empty()) source = actor;
  if (source.empty() && f.claim && !ctx->actor.empty()) {
    // "the group claimed to have carried out 42 operations": its own count.
    source = ctx->actor;
    if (actor.empty()) actor = ctx->actor;
  }
  if (source.empty() && ctx->active) source = ctx->source;
  if (!source.empty()) {
    ctx->active = true;
    ctx->source = source;
  }
  auto add = [&](std::string metric, std::string category, const Count& c, int32_t tb, int32_t te) {
    if (!c.best) return;
    ClaimCandidate cl;
    cl.source = source;
    cl.metric = std::move(metric);
    cl.actor = actor;
    cl.category = std::move(category);
    cl.period = period_for(tb, te);
    cl.value = *c.best;
    cl.evidence = Span("claim." + cl.metric, tb, te, source.empty() ? 0.5 : 0.8);
    if (cl.period.empty()) return;
    ctx->period = cl.period.substr(0, 4);
    out->claims.push_back(std::move(cl));
  };
  // Counts of attacks: "282 attacks", "another 42 attacks".
  for (const CueMatch& m : f.cues) {
    if (m.cue != Cue::kStatNoun || m.value != 0) continue;
    int32_t i = m.begin - 1;
    // Adjectives between the count and the noun: "282 deadly attacks".
    for (int32_t back = 0; back < 3 && i >= f.tb; ++back, --i) {
      if (tokens_[i].kind == TokenKind::kNumber || NumberWordValue(tokens_[i]) >= 0) break;
    }
    if (i < f.tb) continue;
    int32_t start = i;
    while (start > f.tb && (NumberWordValue(tokens_[start - 1]) >= 0 || PunctIs(start - 1, '-'))) --start;
    auto c = ReadCount(tokens_, start, m.begin, options_.vague);
    if (!c || c->end > m.begin) continue;
    if (c->best && *c->best >= 1900 && *c->best <= 2100 && tokens_[c->begin].fold.size() == 4) continue;
    add("attacks", "", *c, c->begin, m.end);
  }
  // "the BLA for 46": per-group counts of attacks.
  std::set<int32_t> used_counts;
  for (const ClaimCandidate& c : out->claims) used_counts.insert(c.evidence.begin);
  for (const EntityMatch& e : f.entities) {
    const Actor* group = nullptr;
    for (const EntityRef* r : e.refs) {
      if (r->kind == EntityKind::kActor && r->actor->kind == "group") group = r->actor;
    }
    if (group == nullptr) continue;
    for (int32_t i = e.end; i < std::min(f.te, e.end + 5); ++i) {
      if (!WordIs(i, "for")) continue;
      if (auto c = ReadCount(tokens_, i + 1, f.te, options_.vague)) {
        std::string saved = actor;
        actor = group->id;
        add("attacks", "", *c, c->begin, c->end);
        actor = saved;
      }
      break;
    }
  }
  // "1,316 attacks in 2013, down from 1,577 the year before".
  for (int32_t i = f.tb; i + 2 < f.te; ++i) {
    if (!((WordIs(i, "down") || WordIs(i, "up")) && WordIs(i + 1, "from"))) continue;
    if (auto c = ReadCount(tokens_, i + 2, f.te, options_.vague)) add("attacks", "", *c, c->begin, c->end);
  }
  for (const Casualty& c : f.casualties) {
    if (c.toll || c.breakdown) continue;
    add(c.kill ? "killed" : "injured",
        c.category == kUnk ? "" : std::string(Name(static_cast<CasualtyCategory>(c.category))), c.count, c.tb, c.te);
  }
}

}  // namespace

std::string Article::Text() const {
  if (title.empty()) return body;
  return title + "\n\n" + body;
}

std::optional<int32_t> Article::PublishedDay() const {
  if (published.size() < 10) return std::nullopt;
  auto d = CivilDate::Parse(std::string_view(published).substr(0, 10));
  if (!d.ok()) return std::nullopt;
  return d->days();
}

// Defined out of the anonymous namespace's class for length.
namespace {

struct Scored {
  int score = 0;
  int32_t first = 1 << 30;
  int32_t tb = 0, te = 0;
};

}  // namespace

void Reader::Finish(const std::vector<const SentenceFacts*>& event, const std::vector<const SentenceFacts*>& context,
                    Extraction* out) {
  CandidateIncident cand;
  Incident& inc = cand.incident;
  inc.status = IncidentStatus::kCandidate;
  Source src;
  std::vector<Evidence>& ev = src.evidence;
  for (const SentenceFacts* s : event) cand.sentences.push_back(s->index);
  std::vector<const SentenceFacts*> all = event;
  all.insert(all.end(), context.begin(), context.end());
  ev.push_back(Span("event", event.front()->tb, event.front()->te, 0.8));

  // Attack type.
  AttackType attack = AttackType::kUnknown;
  const CueMatch* attack_cue = nullptr;
  std::set<AttackType> seen_types;
  int best_pri = -1;
  for (const SentenceFacts* s : event) {
    for (const CueMatch& m : s->attacks) {
      auto a = static_cast<AttackType>(m.value);
      seen_types.insert(a);
      int pri = AttackPriority(a);
      // Grenades and explosives carried by gunmen: an armed assault unless a bomb went off.
      if (a == AttackType::kBombingIed && m.end - m.begin == 1) {
        std::string_view w = tokens_[m.begin].fold;
        if (w == "grenade" || w == "grenades" || w == "explosives" || w == "planted" || w == "detonated") pri = 3;
      }
      if (pri > best_pri) {
        best_pri = pri;
        attack = a;
        attack_cue = &m;
      }
    }
  }

  // Casualties: per outcome and category the largest reading; a "people"
  // total covers the categories it was broken down into.
  struct Acc {
    std::array<Count, kCasualtyCategories> cat{};
    std::array<int32_t, kCasualtyCategories> tb{}, te{};
    std::array<bool, kCasualtyCategories> breakdown_of_total{};
    Count total;
    int32_t total_tb = -1, total_te = -1;
  };
  std::array<Acc, 2> acc;  // 0 killed, 1 injured
  // How many attacked, where the article says so ("Three terrorists wearing
  // security uniform attacked", "At least 5 militants stormed"): the count
  // of an "all the attackers" item.
  int64_t attackers = 0;
  for (const SentenceFacts* s : all) {
    // Only a sentence with some militant noun can say how many attacked.
    bool militant_noun = std::any_of(s->cues.begin(), s->cues.end(),
                                     [](const CueMatch& m) { return m.cue == Cue::kVictim && m.value == kMil; });
    if (!militant_noun) continue;
    for (int32_t i = s->tb; i < s->te; ++i) {
      auto n = ReadCount(tokens_, i, s->te, options_.vague);
      if (!n || !n->best || n->vague || *n->best >= 1900) continue;
      const CueMatch* who = CueAt(*s, n->end, Cue::kVictim);
      if (who != nullptr && who->value == kMil) attackers = std::max<int64_t>(attackers, *n->best);
    }
  }
  // Later deaths ("one of the injured later succumbed") add to the largest
  // count of their category.
  std::array<std::array<int64_t, kCasualtyCategories>, 2> later{};
  std::array<std::array<int32_t, kCasualtyCategories>, 2> later_tb{}, later_te{};
  for (const SentenceFacts* s : all) {
    // Items of one list add up ("three guards and a police officer");
    // separate mentions of the same category do not (the larger wins).
    std::map<std::tuple<int, int, int>, Casualty> sums;  // (outcome, group, category)
    for (const Casualty& read : s->casualties) {
      Casualty c = read;
      if (c.all_attackers && attackers > 0) {
        c.count.low = c.count.best = c.count.high = attackers;
      }
      if (!c.count.best) continue;
      if (c.later && c.category != kUnk) {
        size_t o = c.kill ? 0 : 1, k = static_cast<size_t>(c.category);
        later[o][k] += *c.count.best;
        later_tb[o][k] = c.tb;
        later_te[o][k] = c.te;
        continue;
      }
      int cat = c.category == kUnk && !c.breakdown ? -1 : c.category;  // -1: a total
      auto key = std::make_tuple(c.kill ? 0 : 1, c.group, cat);
      auto it = sums.find(key);
      if (it == sums.end()) {
        sums.emplace(key, c);
        continue;
      }
      Casualty& t = it->second;
      // "16 terrorists including four suicide bombers": the part is in the whole.
      if (c.breakdown && !t.breakdown) continue;
      t.count.best = *t.count.best + *c.count.best;
      t.count.low = t.count.low.value_or(0) + c.count.low.value_or(*c.count.best);
      if (t.count.high && c.count.high) t.count.high = *t.count.high + *c.count.high;
      else t.count.high.reset();
      t.te = std::max(t.te, c.te);
    }
    for (const auto& [key, c] : sums) {
      Acc& a = acc[std::get<0>(key)];
      if (std::get<2>(key) < 0) {
        if (!a.total.best || *c.count.best > *a.total.best || c.toll) {
          if (!(a.total.best && c.toll && *c.count.best < *a.total.best)) {
            a.total = c.count;
            a.total_tb = c.tb;
            a.total_te = c.te;
          }
        }
        continue;
      }
      size_t k = static_cast<size_t>(c.category);
      if (!a.cat[k].best || *c.count.best > *a.cat[k].best) {
        a.cat[k] = c.count;
        a.tb[k] = c.tb;
        a.te[k] = c.te;
        a.breakdown_of_total[k] = c.breakdown;
      }
    }
  }
  for (size_t o = 0; o < 2; ++o) {
    for (int k : {kSec, kCiv, kMil}) {
      int64_t n = later[o][static_cast<size_t>(k)];
      if (n == 0) continue;
      Count& c = acc[o].cat[static_cast<size_t>(k)];
      if (c.best) {
        c.best = *c.best + n;
        if (c.low) c.low = *c.low + n;
        if (c.high) c.high = *c.high + n;
      } else {
        c.low = c.best = c.high = n;
        acc[o].tb[static_cast<size_t>(k)] = later_tb[o][static_cast<size_t>(k)];
        acc[o].te[static_cast<size_t>(k)] = later_te[o][static_cast<size_t>(k)];
      }
    }
  }
  for (int o = 0; o < 2; ++o) {
    Acc& a = acc[o];
    auto& dst = o == 0 ? inc.casualties.killed : inc.casualties.injured;
    std::string prefix = o == 0 ? "killed." : "injured.";
    int64_t specific = 0;
    for (int k : {kSec, kCiv}) specific += a.cat[k].best.value_or(0);
    if (a.breakdown_of_total[kMil] && a.total.best) specific += a.cat[kMil].best.value_or(0);
    for (int k : {kSec, kCiv, kMil}) {
      if (!a.cat[k].best) continue;
      CasualtyRange r;
      r.best = static_cast<int32_t>(*a.cat[k].best);
      if (a.cat[k].low) r.low = static_cast<int32_t>(*a.cat[k].low);
      if (a.cat[k].high) r.high = static_cast<int32_t>(*a.cat[k].high);
      dst[k] = r;
      ev.push_back(Span(prefix + std::string(Name(static_cast<CasualtyCategory>(k))), a.tb[k], a.te[k],
                        a.cat[k].vague ? 0.5 : 0.8));
    }
    // A stated total beats its own breakdown when the parts add up to more
    // ("wounding another 25, including 18 policemen, 2 soldiers and 6
    // civilians"): the parts are trimmed from the one read last.
    bool all_breakdown = a.total.best && !a.cat[kUnk].best;
    for (int k : {kSec, kCiv}) all_breakdown = all_breakdown && (!a.cat[k].best || a.breakdown_of_total[k]);
    if (all_breakdown && specific > *a.total.best) {
      std::array<int, 2> order = {kSec, kCiv};
      if (a.tb[kCiv] > a.tb[kSec]) order = {kCiv, kSec};  // the later one first
      int64_t excess = specific - *a.total.best;
      for (int k : order) {
        if (!dst[k].best || excess == 0) continue;
        int32_t cut = static_cast<int32_t>(std::min<int64_t>(excess, *dst[k].best));
        *dst[k].best -= cut;
        if (dst[k].low) dst[k].low = std::min(*dst[k].low, *dst[k].best);
        if (dst[k].high && *dst[k].high < *dst[k].best) dst[k].high = dst[k].best;
        if (*dst[k].best == 0) dst[k] = CasualtyRange{};
        excess -= cut;
        specific -= cut;
      }
    }
    int64_t unknown = a.cat[kUnk].best.value_or(0);
    if (a.total.best) {
      int64_t rest = *a.total.best - specific;
      if (rest > unknown) unknown = rest;
    }
    if (unknown > 0) {
      CasualtyRange r;
      r.best = static_cast<int32_t>(unknown);
      r.low = r.best;
      if (a.total.low && *a.total.low - specific >= 0 && *a.total.low - specific < unknown) {
        r.low = static_cast<int32_t>(*a.total.low - specific);
      }
      if (a.total.high && *a.total.high - specific >= unknown) r.high = static_cast<int32_t>(*a.total.high - specific);
      dst[kUnk] = r;
      int32_t tb = a.total_tb >= 0 ? a.total_tb : a.tb[kUnk];
      int32_t te = a.total_tb >= 0 ? a.total_te : a.te[kUnk];
      ev.push_back(Span(prefix + "unknown", tb, te, a.total.vague ? 0.5 : 0.8));
    }
  }
  int64_t victims_killed = 0;
  for (int k : {kSec, kCiv, kUnk}) victims_killed += inc.casualties.killed[k].best.value_or(0);

  // Targeted killing only for a few victims; sabotage only without casualties.
  if (attack == AttackType::kTargetedKilling && victims_killed > 3 && seen_types.count(AttackType::kArmedAssault)) {
    attack = AttackType::kArmedAssault;
  }
  if (attack == AttackType::kSabotage && (victims_killed > 0 || inc.casualties.TotalInjured() > 0)) {
    attack = seen_types.count(AttackType::kArmedAssault) ? AttackType::kArmedAssault : AttackType::kOther;
  }
  inc.attack_type = attack;
  if (attack_cue != nullptr) ev.push_back(Span("attack_type", attack_cue->begin, attack_cue->end, 0.8));

  // Target: institutions beat settings; victims vote too.
  std::map<int, Scored> targets;
  // FC and Levies men are "soldiers" too: the army read only from such
  // generic nouns yields to a force whose convoy or post was attacked
  // ("a Frontier Corps convoy was ambushed, killing four soldiers").
  bool army_named = false;
  int owned = -1;
  int32_t owned_first = 1 << 30;
  for (size_t si = 0; si < event.size(); ++si) {
    const SentenceFacts* s = event[si];
    for (const CueMatch& m : s->cues) {
      if (m.cue != Cue::kTarget) continue;
      // The attackers' own nouns are not the target ("militants stormed"),
      // nor is a source ("Police said").
      bool attacker = CueAt(*s, m.begin, Cue::kAttacker) != nullptr;
      if (attacker) continue;
      if (WordIs(m.end, "said") || WordIs(m.end, "say") || WordIs(m.end, "says") || WordIs(m.end, "told") ||
          WordIs(m.end, "reported") || WordIs(m.end, "confirmed") || WordIs(m.end, "added") ||
          WordIs(m.end, "spokesman") || WordIs(m.end, "spokesperson") || WordIs(m.end, "sources")) {
        continue;
      }
      // "the military's media wing said", "the police's spokesman": the speaker.
      if (PunctIs(m.end, '\'') && WordIs(m.end + 1, "s") &&
          (WordIs(m.end + 2, "media") || WordIs(m.end + 2, "spokesman") || WordIs(m.end + 2, "spokesperson") ||
           WordIs(m.end + 2, "statement") || WordIs(m.end + 2, "public"))) {
        continue;
      }
      if (m.value == static_cast<int>(TargetCategory::kArmy) && !GenericSoldiers(m.begin, m.end)) army_named = true;
      if (m.begin < owned_first && OwnedObject(*s, m)) {
        owned = m.value;
        owned_first = m.begin;
      }
      Scored& sc = targets[m.value];
      sc.score += m.value2 + (si == 0 ? 1 : 0);
      if (m.begin < sc.first) {
        sc.first = m.begin;
        sc.tb = m.begin;
        sc.te = m.end;
      }
    }
    for (const Casualty& c : s->casualties) {
      if (c.target_hint < 0 || c.category == kMil) continue;
      if (c.target_hint == static_cast<int>(TargetCategory::kArmy) && !GenericSoldiers(c.tb, c.te)) army_named = true;
      Scored& sc = targets[c.target_hint];
      sc.score += 2;
      if (c.tb < sc.first) {
        sc.first = c.tb;
        sc.tb = c.tb;
        sc.te = c.te;
      }
    }
  }
  int best_target = -1;
  for (const auto& [t, sc] : targets) {
    if (best_target < 0 || sc.score > targets[best_target].score ||
        (sc.score == targets[best_target].score && sc.first < targets[best_target].first)) {
      best_target = t;
    }
  }
  if (best_target == static_cast<int>(TargetCategory::kArmy) && !army_named && owned >= 0) best_target = owned;
  int64_t militants_killed = inc.casualties.Killed(CasualtyCategory::kMilitants).best.value_or(0);
  bool only_militants = militants_killed > 0 && inc.casualties.Killed(CasualtyCategory::kSecurityForces).best.value_or(0) == 0 &&
                        inc.casualties.Killed(CasualtyCategory::kCivilians).best.value_or(0) == 0;
  // A security operation ("an intelligence-based operation", "security
  // forces killed eight khwarij") in which only militants died targets them.
  bool security_operation = false;
  for (const SentenceFacts* s : event) {
    // "Security forces foiled an infiltration ..., killing 17 khwarij": a
    // force opening a sentence in which militants die.
    int32_t subject = s->dateline_end >= 0 ? s->dateline_end + 1 : s->tb;
    if (WordIs(subject, "the")) ++subject;
    const CueMatch* force = CueAt(*s, subject, Cue::kVictim);
    bool force_first = (force != nullptr && force->value == kSec) ||
                       std::any_of(s->entities.begin(), s->entities.end(), [&](const EntityMatch& e) {
                         return e.begin == subject && std::any_of(e.refs.begin(), e.refs.end(), [](const EntityRef* r) {
                                  return r->kind == EntityKind::kActor && r->actor->kind == "state";
                                });
                       });
    if (force_first && std::any_of(s->casualties.begin(), s->casualties.end(),
                                   [](const Casualty& c) { return c.kill && c.category == kMil; })) {
      security_operation = true;
    }
    for (const CueMatch& m : s->cues) {
      if (m.cue == Cue::kAttack && m.value2 == 1) security_operation = true;
      if (m.cue == Cue::kKill && m.begin > s->tb) {
        // "Security forces killed", "the CTD killed": a force as the subject.
        for (const CueMatch& who : s->cues) {
          if (who.cue == Cue::kVictim && who.value == kSec && who.end == m.begin) security_operation = true;
        }
        for (const EntityMatch& e : s->entities) {
          if (e.end != m.begin) continue;
          for (const EntityRef* r : e.refs) {
            if (r->kind == EntityKind::kActor && r->actor->kind == "state") security_operation = true;
          }
        }
      }
    }
  }
  bool only_militants_died = only_militants && inc.casualties.Killed(CasualtyCategory::kUnknown).best.value_or(0) == 0;
  if ((attack == AttackType::kDroneOrAirStrike &&
       (only_militants || targets.count(static_cast<int>(TargetCategory::kMilitants)))) ||
      (security_operation && only_militants_died)) {
    best_target = static_cast<int>(TargetCategory::kMilitants);
    if (!targets.count(best_target)) targets[best_target] = Scored{};
  }
  if (best_target >= 0) {
    auto t = static_cast<TargetCategory>(best_target);
    // A generic security target narrows to the branch named anywhere.
    if (t == TargetCategory::kOtherSecurity) {
      for (TargetCategory b : {TargetCategory::kFrontierCorps, TargetCategory::kLevies, TargetCategory::kPolice,
                               TargetCategory::kArmy, TargetCategory::kCtd, TargetCategory::kRangers}) {
        if (targets.count(static_cast<int>(b))) {
          t = b;
          break;
        }
      }
    }
    inc.target = t;
    const Scored& sc = targets[static_cast<int>(t)];
    ev.push_back(Span("target", sc.tb, sc.te, 0.6));
  }

  // Date.
  // The first date of the incident's sentences, one of an event before one
  // of a statement about it.
  const DateMention* date = nullptr;
  for (const SentenceFacts* s : all) {
    for (const DateMention& d : s->dates) {
      if (date == nullptr || (date->statement && !d.statement)) date = &d;
      if (!date->statement) break;
    }
    if (date != nullptr && !date->statement) break;
  }
  if (date != nullptr) {
    inc.date = date->day;
    inc.date_end = date->day_end;
    inc.date_precision = static_cast<uint8_t>(date->precision);
    ev.push_back(Span("date", date->tb, date->te, date->confidence));
  } else if (published_) {
    // No date in the text: some day in the week up to publication.
    inc.date = *published_ - 6;
    inc.date_end = *published_;
    inc.date_precision = static_cast<uint8_t>(DatePrecision::kWeek);
  }

  // Perpetrator: a claim beats an attribution beats a suspicion.
  struct ActorHit {
    const Actor* actor;
    Attribution attribution;
    int rank;
    int32_t tb, te;
  };
  std::vector<ActorHit> hits;
  for (const SentenceFacts* s : all) {
    for (const EntityMatch& e : s->entities) {
      for (const EntityRef* r : e.refs) {
        if (r->kind != EntityKind::kActor) continue;
        const Actor* a = r->actor;
        bool foreign_strike = a->kind == "foreign_state" && attack == AttackType::kDroneOrAirStrike;
        if (a->kind != "group" && !foreign_strike) continue;
        if (s->denial || (s->no_claim && !s->blame)) continue;
        // "a breakaway Taliban group", "a splinter of the TTP": some other group.
        bool other = false;
        for (int32_t b = std::max(s->tb, e.begin - 3); b < e.begin; ++b) {
          other = other || WordIs(b, "breakaway") || WordIs(b, "splinter") || WordIs(b, "rival") ||
                  WordIs(b, "dissident");
        }
        if (other) continue;
        Attribution at = s->claim ? Attribution::kClaimed
                         : s->blame ? Attribution::kAttributed
                         : s->suspect ? Attribution::kSuspected
                                      : Attribution::kAttributed;
        int rank = s->claim ? 0 : s->blame ? 1 : s->suspect ? 4 : 2;
        // A group merely mentioned around the incident ("Pakistan has asked
        // the Interim Afghan Government to ...") ranks below every group
        // the incident's own sentences name.
        bool mention = !s->claim && !s->blame && !s->suspect &&
                       std::find(event.begin(), event.end(), s) == event.end();
        if (mention) rank = 6;
        if (r->label) {
          // The state's name for the group ("Fitna al-Khawarij", "khwarij")
          // is the state's attribution, even in a sentence about a claim; a
          // group named as such beats it ("khwarij of the Hafiz Gul Bahadur
          // group"); before the state used it the word meant something else.
          if (r->label_from && inc.date != 0 && inc.date_end < *r->label_from) continue;
          bool suspected = s->suspect && !s->blame && !s->claim;
          at = suspected ? Attribution::kSuspected : Attribution::kAttributed;
          rank = mention ? 6 : suspected ? 5 : 3;
        }
        hits.push_back({a, at, rank, e.begin, e.end});
      }
    }
  }
  if (!hits.empty()) {
    const ActorHit* best = &hits.front();
    for (const ActorHit& h : hits) {
      if (h.rank < best->rank) best = &h;
    }
    inc.perpetrator = best->actor->id;
    inc.attribution = best->attribution;
    ev.push_back(Span("perpetrator", best->tb, best->te, best->rank == 0 ? 0.9 : 0.6));
  }

  // Place: the first district or town in an event sentence, else in context.
  const Gazetteer* gz = entities_.gazetteer();
  const EntityRef* admin2 = nullptr;
  const EntityRef* place = nullptr;
  const EntityRef* admin1 = nullptr;
  std::string country;
  int32_t place_tb = -1, place_te = -1, a1_tb = -1, a1_te = -1;
  auto valid_on = [&](const AdminUnit* u) {
    if (inc.date == 0) return true;
    if (u->valid_from && inc.date < *u->valid_from) return false;
    if (u->valid_to && inc.date >= *u->valid_to) return false;
    return true;
  };
  auto consider = [&](const std::vector<const SentenceFacts*>& sentences, bool datelines) {
    for (const SentenceFacts* s : sentences) {
      for (size_t ei = 0; ei < s->entities.size(); ++ei) {
        const EntityMatch& e = s->entities[ei];
        if (!datelines && e.end <= s->dateline_end) continue;
        const EntityRef* a2 = nullptr;
        const EntityRef* pl = nullptr;
        const EntityRef* a1 = nullptr;
        for (const EntityRef* r : e.refs) {
          if (r->kind == EntityKind::kAdmin2 && (a2 == nullptr || (!valid_on(a2->unit) && valid_on(r->unit)))) a2 = r;
          if (r->kind == EntityKind::kPlace && pl == nullptr) pl = r;
          if (r->kind == EntityKind::kAdmin1 && (a1 == nullptr || (!valid_on(a1->unit) && valid_on(r->unit)))) a1 = r;
        }
        // "Hassan Khel, North Waziristan district": a town (or a unit not
        // valid on the date), then a district after a comma; the district
        // says which of the places so named.
        if ((a2 == nullptr ? pl != nullptr : !valid_on(a2->unit)) && ei + 1 < s->entities.size() &&
            PunctIs(e.end, ',') && s->entities[ei + 1].begin == e.end + 1) {
          for (const EntityRef* r : s->entities[ei + 1].refs) {
            if (r->kind == EntityKind::kAdmin2 && valid_on(r->unit)) {
              a2 = r;
              if (pl != nullptr && pl->place->admin2_id != r->unit->id) pl = nullptr;
              break;
            }
          }
        }
        if (admin2 == nullptr && place == nullptr && (a2 || pl)) {
          admin2 = a2;
          place = pl;
          place_tb = e.begin;
          place_te = e.end;
        }
        if (admin1 == nullptr && a1) {
          admin1 = a1;
          a1_tb = e.begin;
          a1_te = e.end;
        }
      }
    }
  };
  consider(event, false);
  consider(context, false);
  if (admin2 == nullptr && place == nullptr && admin1 == nullptr && !facts_.empty()) {
    // The dateline or headline ("BANNU: ...") speaks for the first incident.
    std::vector<const SentenceFacts*> lead;
    for (size_t i = 0; i < std::min<size_t>(2, facts_.size()); ++i) lead.push_back(&facts_[i]);
    consider(lead, true);
  }
  if (gz != nullptr && (admin2 || place || admin1)) {
    std::string c = admin2 ? admin2->code : place ? place->code : admin1->code;
    std::string a1name = admin1 ? admin1->unit->name : "";
    std::string a2name = admin2 ? admin2->unit->name : "";
    std::string plname = place ? place->place->name : "";
    // A district named in the text beats a province named elsewhere.
    if (admin2 && admin1 && admin2->unit->parent_id != admin1->unit->id) a1name.clear();
    if (!admin2 && place && admin1 && !place->place->admin1_id.empty() && place->place->admin1_id != admin1->unit->id) {
      a1name.clear();
    }
    std::optional<int32_t> d = inc.date ? std::optional<int32_t>(inc.date) : std::nullopt;
    PlaceMatch pm = gz->Resolve(c, a1name, a2name, plname, d);
    if (pm.admin1 == nullptr && admin1) pm.admin1 = admin1->unit;
    country = c;
    if (pm.admin1) inc.admin1 = pm.admin1->name;
    if (pm.admin2) inc.admin2 = pm.admin2->name;
    if (pm.place) {
      inc.place = pm.place->name;
      inc.lat = pm.place->lat;
      inc.lon = pm.place->lon;
    } else if (pm.admin2 && pm.admin2->lat) {
      inc.lat = pm.admin2->lat;
      inc.lon = pm.admin2->lon;
    } else if (pm.admin1 && pm.admin1->lat) {
      inc.lat = pm.admin1->lat;
      inc.lon = pm.admin1->lon;
    }
    inc.geo_precision = pm.precision;
    if (place_tb >= 0) ev.push_back(Span(pm.place ? "place" : "admin2", place_tb, place_te, 0.7));
    if (a1_tb >= 0) ev.push_back(Span("admin1", a1_tb, a1_te, 0.7));
  }
  if (country.empty()) {
    // A country named in the incident's sentences, else in the article.
    std::map<std::string, int> votes;
    for (const SentenceFacts* s : all) {
      for (const EntityMatch& e : s->entities) {
        for (const EntityRef* r : e.refs) {
          if (r->kind == EntityKind::kCountry) votes[r->code] += 3;
        }
      }
    }
    if (votes.empty()) {
      for (const SentenceFacts& s : facts_) {
        for (const EntityMatch& e : s.entities) {
          for (const EntityRef* r : e.refs) {
            if (r->kind == EntityKind::kCountry) votes[r->code] += 2;
            if (r->kind == EntityKind::kDemonym) votes[r->code] += 1;
            if (r->kind == EntityKind::kAdmin1 || r->kind == EntityKind::kAdmin2) votes[r->code] += 2;
          }
        }
      }
    }
    int best = 0;
    for (const auto& [c, v] : votes) {
      if (v > best) {
        best = v;
        country = c;
      }
    }
    if (country.empty()) country = options_.default_country;
    inc.geo_precision = GeoPrecision::kCountry;
  }
  inc.country = country;

  // Event type from the attack and its target.
  bool security_target = IsSecurityForces(inc.target) || inc.target == TargetCategory::kMilitants;
  switch (inc.attack_type) {
    case AttackType::kSuicideBombing:
    case AttackType::kBombingIed:
    case AttackType::kDroneOrAirStrike:
    case AttackType::kRocketMortar:
      inc.event_type = EventType::kExplosionsRemoteViolence;
      break;
    case AttackType::kSabotage:
      inc.event_type = EventType::kStrategicDevelopments;
      break;
    case AttackType::kKidnapping:
    case AttackType::kHijacking:
      inc.event_type = EventType::kViolenceAgainstCivilians;
      break;
    default:
      inc.event_type = security_target ? EventType::kBattles : EventType::kViolenceAgainstCivilians;
      break;
  }

  // Confidence: more supporting fields, more confidence.
  double conf = 0.3;
  if (attack != AttackType::kUnknown) conf += 0.2;
  if (victims_killed > 0 || inc.casualties.TotalInjured() > 0) conf += 0.2;
  if (!inc.admin1.empty()) conf += 0.15;
  if (date != nullptr) conf += 0.1;
  if (!inc.perpetrator.empty()) conf += 0.05;
  cand.confidence = std::min(conf, 1.0);
  inc.sources.push_back(std::move(src));
  out->incidents.push_back(std::move(cand));
}

Extraction Reader::Run() {
  Extraction out;
  out.sentences = static_cast<int32_t>(sentences_.size());
  facts_.reserve(sentences_.size());
  for (size_t i = 0; i < sentences_.size(); ++i) facts_.push_back(Analyse(static_cast<int32_t>(i), sentences_[i]));
  if (has_title_) {
    // The headline runs to the first paragraph break.
    for (SentenceFacts& f : facts_) {
      if (f.index > 0 && tokens_[f.tb].blank_line_before) break;
      f.title = true;
    }
  }
  for (const SentenceFacts& f : facts_) {
    conflict_article_ = conflict_article_ || f.strong_attack ||
                        std::any_of(f.cues.begin(), f.cues.end(), [](const CueMatch& m) {
                          return m.cue == Cue::kTopic && m.value == 1;
                        }) ||
                        std::any_of(f.entities.begin(), f.entities.end(), [](const EntityMatch& e) {
                          return std::any_of(e.refs.begin(), e.refs.end(), [](const EntityRef* r) {
                            return r->kind == EntityKind::kActor && r->actor->kind == "group";
                          });
                        });
    if (conflict_article_) break;
  }

  std::vector<const SentenceFacts*> event, context;
  std::string current_admin2;  // district of the open incident, when known
  bool current_has_toll = false;
  bool event_title_only = true;  // every event sentence so far is the headline
  auto close = [&]() {
    // A headline the body never bears out ("... foils plan to attack")
    // is not an incident.
    bool body = std::any_of(event.begin(), event.end(), [](const SentenceFacts* e) { return !e->title; });
    bool has_body = std::any_of(facts_.begin(), facts_.end(), [](const SentenceFacts& e) { return !e.title; });
    if (!event.empty() && (body || !has_body)) Finish(event, context, &out);
    event.clear();
    context.clear();
    current_admin2.clear();
    current_has_toll = false;
    event_title_only = true;
  };
  for (SentenceFacts& f : facts_) {
    ReadPhases(f, &out);
    for (const EntityMatch& e : f.entities) {
      for (const EntityRef* r : e.refs) {
        if (r->kind == EntityKind::kActor && r->actor->kind == "group") stat_.actor = r->actor->id;
      }
    }
    bool has_count = false, has_kill_count = false;
    for (const Casualty& c : f.casualties) {
      if (c.count.best) {
        has_count = true;
        if (c.kill) has_kill_count = true;
      }
    }
    // Statistics: "N attacks in 2021" with a source or a period.
    bool statistic = false;
    for (const CueMatch& m : f.cues) {
      if (m.cue == Cue::kStatNoun && m.value == 0 && m.begin > f.tb) {
        int32_t p = m.begin - 1;
        while (p > f.tb && tokens_[p].kind == TokenKind::kWord && NumberWordValue(tokens_[p]) < 0 &&
               !tokens_[p].capitalized && m.begin - p < 3) {
          --p;
        }
        if (tokens_[p].kind == TokenKind::kNumber || NumberWordValue(tokens_[p]) > 1) statistic = true;
      }
    }
    // A figure credited to a monitor: an organisation (or "according to"),
    // a year, and a casualty count with no attack of its own.
    bool org = std::any_of(f.entities.begin(), f.entities.end(), [](const EntityMatch& e) {
      return std::any_of(e.refs.begin(), e.refs.end(),
                         [](const EntityRef* r) { return r->kind == EntityKind::kOrganisation; });
    });
    bool year = false;
    for (int32_t i = f.tb; i < f.te; ++i) {
      year = year || (tokens_[i].kind == TokenKind::kNumber && tokens_[i].fold.size() == 4 &&
                      std::atoi(tokens_[i].fold.c_str()) >= 1900 && std::atoi(tokens_[i].fold.c_str()) <= 2100);
    }
    if (!statistic && org && year && has_count && !f.strong_attack) statistic = true;
    // Later sentences of a statistics passage: "The attacks killed 419 people
    // and injured 734, the report said"; "the BLA for 46".
    bool reported = f.Has(Cue::kAccordingTo) || (WordIs(f.tb, "the") && f.plural_attack);
    if (!statistic && stat_.active && reported && (has_count || ActorForCount(f)) && !f.strong_attack) {
      statistic = true;
    }
    if (statistic) {
      ReadClaims(f, &out, &stat_);
      f.statistic = true;
      continue;
    }
    // Background: a dated mention far before publication.
    bool old = false;
    if (published_ && !f.dates.empty() && f.dates.front().day_end < *published_ - 30) old = true;
    if (published_ && f.dates.empty()) {
      // "the attack on a team bus in 2009": a bare past year.
      int py = CivilDate(*published_).year();
      for (int32_t i = f.tb + 1; i < f.te; ++i) {
        if (tokens_[i].kind == TokenKind::kNumber && tokens_[i].fold.size() == 4 &&
            (WordIs(i - 1, "in") || WordIs(i - 1, "since") || WordIs(i - 1, "of")) &&
            std::atoi(tokens_[i].fold.c_str()) < py && std::atoi(tokens_[i].fold.c_str()) > 1900) {
          old = true;
        }
      }
    }
    bool summary = f.plural_attack && !f.strong_attack && !has_count;
    // "foiled an infiltration attempt ..., killing 17 khwarij": the attack
    // was foiled, the fight in which militants died was not.
    bool militants_killed = std::any_of(f.casualties.begin(), f.casualties.end(), [](const Casualty& c) {
      return c.kill && c.category == kMil && c.count.best && !c.all_attackers;
    });
    bool modal = (f.modal_strong && !(militants_killed && !f.modal_weak)) || (f.modal_weak && !has_kill_count);
    bool is_event = !f.retro && !old && !modal && !summary &&
                    (f.strong_attack || f.weak_attack || has_count);
    // A casualty count alone is an event only with a kill or injury of victims.
    if (is_event && !f.strong_attack && !f.weak_attack && !has_count) is_event = false;
    bool phase_sentence = f.Has(Cue::kCeasefire) && !has_count;
    if (phase_sentence) is_event = false;

    if (!is_event) {
      if (!event.empty() && !f.retro && !old) context.push_back(&f);
      continue;
    }
    // "the bombing had wiped out ...": a reference back, not a new event.
    bool anaphoric = !has_count && !f.attacks.empty() &&
                     std::all_of(f.attacks.begin(), f.attacks.end(), [&](const CueMatch& m) {
                       return WordIs(m.begin - 1, "the") || WordIs(m.begin - 1, "this") || WordIs(m.begin - 1, "that") ||
                              WordIs(m.begin - 1, "its") || WordIs(m.begin - 1, "their");
                     });
    bool can_start = (f.strong_attack && !anaphoric) || has_count;
    if (!can_start) {
      bool target = f.Has(Cue::kTarget);
      bool placed = std::any_of(f.entities.begin(), f.entities.end(), [](const EntityMatch& e) {
        return std::any_of(e.refs.begin(), e.refs.end(), [](const EntityRef* r) {
          return r->kind == EntityKind::kAdmin2 || r->kind == EntityKind::kPlace || r->kind == EntityKind::kAdmin1;
        });
      });
      can_start = target && placed;
    }
    // Which district does this sentence name?
    std::string district;
    for (const EntityMatch& e : f.entities) {
      if (e.end <= f.dateline_end) continue;
      for (const EntityRef* r : e.refs) {
        if (district.empty() && r->kind == EntityKind::kAdmin2) district = r->unit->id;
        if (district.empty() && r->kind == EntityKind::kPlace) district = r->place->admin2_id;
      }
    }
    bool title_only = event_title_only;
    bool new_incident = event.empty() || (f.split && can_start && !title_only);
    if (!new_incident && !title_only && !district.empty() && !current_admin2.empty() && district != current_admin2 &&
        has_kill_count && current_has_toll && can_start) {
      new_incident = true;  // another place with its own toll
    }
    if (new_incident) {
      if (!event.empty()) close();
      if (!can_start) {
        continue;
      }
    }
    event.push_back(&f);
    event_title_only = event_title_only && f.title;
    if (current_admin2.empty()) current_admin2 = district;
    if (has_kill_count) current_has_toll = true;
  }
  close();
  // Claims of responsibility for an incident that the text describes only
  // in context sentences are attached in Finish; nothing else to do here.
  out.text = std::move(text_);  // nothing reads text_ after this
  return out;
}

Extractor::~Extractor() = default;

Result<std::unique_ptr<Extractor>> Extractor::Create(ExtractOptions options) {
  ASSIGN_OR_RETURN(const Gazetteer* gz, Gazetteer::Default());
  ASSIGN_OR_RETURN(const ActorDictionary* actors, ActorDictionary::Default());
  const char* env = std::getenv("FAULTLINE_DATA");
  std::string dir = env != nullptr && *env != '\0' ? env : FAULTLINE_DATA_DIR;
  return Create(gz, actors, dir + "/organisations.tsv", std::move(options));
}

Result<std::unique_ptr<Extractor>> Extractor::Create(const Gazetteer* gazetteer, const ActorDictionary* actors,
                                                     const std::string& organisations_tsv, ExtractOptions options) {
  auto ex = std::unique_ptr<Extractor>(new Extractor());
  ASSIGN_OR_RETURN(ex->entities_, EntityIndex::Build(gazetteer, actors, organisations_tsv));
  ex->options_ = std::move(options);
  return ex;
}

Extraction Extractor::Extract(const Article& article) const {
  Reader reader(article, *entities_, options_);
  return reader.Run();
}

std::string Explain(const Extraction& x) {
  // Mark spans of the first incident's evidence, phases and claims inline.
  struct Mark {
    int32_t pos;
    bool open;
    std::string label;
  };
  std::vector<Mark> marks;
  auto add = [&](const Evidence& e, const std::string& prefix) {
    if (e.begin < 0 || e.end > static_cast<int32_t>(x.text.size()) || e.begin >= e.end) return;
    marks.push_back({e.begin, true, prefix + e.field});
    marks.push_back({e.end, false, ""});
  };
  for (size_t i = 0; i < x.incidents.size(); ++i) {
    for (const Evidence& e : x.incidents[i].incident.sources.front().evidence) {
      if (e.field != "event") add(e, "#" + std::to_string(i + 1) + " ");
    }
  }
  for (const PhaseCandidate& p : x.phases) add(p.evidence, "");
  for (const ClaimCandidate& c : x.claims) add(c.evidence, "");
  std::stable_sort(marks.begin(), marks.end(), [](const Mark& a, const Mark& b) {
    if (a.pos != b.pos) return a.pos < b.pos;
    return !a.open && b.open;  // close before open at the same place
  });
  std::string out;
  size_t at = 0;
  for (const Mark& m : marks) {
    out.append(x.text, at, static_cast<size_t>(m.pos) - at);
    at = static_cast<size_t>(m.pos);
    out += m.open ? "[[" + m.label + ": " : "]]";
  }
  out.append(x.text, at, std::string::npos);
  out += "\n\n";
  for (size_t i = 0; i < x.incidents.size(); ++i) {
    const CandidateIncident& c = x.incidents[i];
    const Incident& inc = c.incident;
    char conf[16];
    std::snprintf(conf, sizeof conf, "%.2f", c.confidence);
    out += "incident #" + std::to_string(i + 1) + " (confidence " + conf + ")\n";
    out += "  date: " + (inc.date ? CivilDate(inc.date).ToString() : std::string("?")) + " (" +
           std::string(DatePrecisionName(static_cast<DatePrecision>(inc.date_precision))) + ")\n";
    out += "  place: " + inc.country + " / " + inc.admin1 + " / " + inc.admin2 + " / " + inc.place + "\n";
    out += "  event: " + std::string(Name(inc.event_type)) + ", " + std::string(Name(inc.attack_type)) +
           ", target " + std::string(Name(inc.target)) + "\n";
    out += "  perpetrator: " + (inc.perpetrator.empty() ? std::string("-") : inc.perpetrator) + " (" +
           std::string(Name(inc.attribution)) + ")\n";
    for (int o = 0; o < 2; ++o) {
      const auto& arr = o == 0 ? inc.casualties.killed : inc.casualties.injured;
      for (size_t k = 0; k < kCasualtyCategories; ++k) {
        if (!arr[k].best) continue;
        out += std::string("  ") + (o == 0 ? "killed." : "injured.") +
               std::string(Name(static_cast<CasualtyCategory>(k))) + ": " + std::to_string(*arr[k].best);
        if (arr[k].high && *arr[k].high != *arr[k].best) out += " (up to " + std::to_string(*arr[k].high) + ")";
        out += "\n";
      }
    }
  }
  for (const PhaseCandidate& p : x.phases) {
    out += "phase: " + p.kind + " " + p.action;
    for (const std::string& a : p.actors) out += " " + a;
    if (p.date) out += " " + CivilDate(*p.date).ToString();
    out += "\n";
  }
  for (const ClaimCandidate& c : x.claims) {
    out += "claim: " + (c.source.empty() ? std::string("?") : c.source) + " says " +
           (c.actor.empty() ? std::string("") : c.actor + " ") + c.metric +
           (c.category.empty() ? std::string("") : "." + c.category) + " " + c.period + " = " +
           std::to_string(c.value) + "\n";
  }
  return out;
}

}  // namespace faultline::extract
