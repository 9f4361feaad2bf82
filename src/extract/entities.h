// Names in running text: admin units, populated places and countries from
// the gazetteer, armed groups and state forces from the actor dictionary,
// and the organisations that publish figures (data/organisations.tsv).
// Matching is on folded token spans (longest first, up to 7 words) that
// start with a capitalised word, so "D.I. Khan", "Tehreek-e-Taliban" and
// "KPK" are found while "march" and "capital" in lower case are not; an
// actor's label written all in lower case ("khwarij") is found in lower case
// too.
// Built once from immutable dictionaries; thread-safe afterwards.
#ifndef FAULTLINE_EXTRACT_ENTITIES_H_
#define FAULTLINE_EXTRACT_ENTITIES_H_

#include <array>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "extract/internal/word_table.h"
#include "extract/tokens.h"
#include "faultline/status.h"
#include "gazetteer/gazetteer.h"

namespace faultline::extract {

enum class EntityKind : uint8_t { kAdmin1, kAdmin2, kPlace, kCountry, kDemonym, kActor, kOrganisation };

struct EntityRef {
  EntityKind kind;
  const AdminUnit* unit = nullptr;
  const PopulatedPlace* place = nullptr;
  const Actor* actor = nullptr;
  std::string code;  // country alpha-2, or organisation id
  // The name is one of the actor's labels (another party's name for it,
  // data/actors.tsv), first used on label_from.
  bool label = false;
  std::optional<int32_t> label_from;
};

struct EntityMatch {
  int32_t begin = 0;  // token indices
  int32_t end = 0;
  std::span<const EntityRef* const> refs;  // every reading of the name (owned by the EntityIndex)
};

class EntityIndex {
 public:
  // `organisations_tsv` may be empty (no organisations).
  static Result<std::unique_ptr<EntityIndex>> Build(const Gazetteer* gazetteer, const ActorDictionary* actors,
                                                    const std::string& organisations_tsv);
  std::vector<EntityMatch> Match(const std::vector<Token>& tokens, int32_t begin, int32_t end) const;
  const Gazetteer* gazetteer() const { return gazetteer_; }
  const ActorDictionary* actors() const { return actors_; }
  // The display name of an organisation id ("PIPS" -> "Pakistan Institute for Peace Studies").
  std::string OrganisationName(const std::string& id) const;

 private:
  void Add(const std::string& name, EntityRef ref);
  // Also findable in lower case: a label that is a common noun ("khwarij").
  void AddLowerCase(const std::string& name, const EntityRef* ref);
  const Gazetteer* gazetteer_ = nullptr;
  const ActorDictionary* actors_ = nullptr;
  std::vector<std::unique_ptr<EntityRef>> refs_;
  struct Key {
    std::vector<const EntityRef*> refs;  // every reading of the name; none for a mere start of names
    bool longer = false;                 // some longer name starts with this key and a space
    bool acronym = false;                // a short all-capital alias ("IS", "FC") has this key
    // Readings a span starting in lower case may have (lower-case labels),
    // and whether some such name starts with this key.
    std::vector<const EntityRef*> lower_refs;
    bool lower_prefix = false;
  };
  Key& KeyFor(const std::string& folded);
  // Folded name -> id -> readings, also holding each name's first words (cut
  // before a space) so that Match stops growing a span no name continues.
  WordTable names_;
  std::vector<Key> keys_;  // by id in names_
  std::unordered_map<std::string, std::string> organisation_names_;
  size_t max_words_ = 1;
  // The first words of the names that may start in lower case: a small
  // table, so the lower-case words of a text (most of them) are turned away
  // with one look-up that stays in cache.
  WordTable lower_first_;
  std::array<bool, 256> lower_initial_{};  // their first bytes: most words fail on this alone
};

}  // namespace faultline::extract

#endif  // FAULTLINE_EXTRACT_ENTITIES_H_
