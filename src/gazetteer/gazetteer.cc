#include "gazetteer/gazetteer.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <utility>

#include <nlohmann/json.hpp>

#include "common/csv.h"
#include "common/date.h"
#include "common/text.h"
#include "gazetteer/internal/tsv.h"

// CMake passes the source data directory and the build data directory (where
// faultline-build-places writes places.tsv); these defaults serve other builds.
#ifndef FAULTLINE_DATA_DIR
#define FAULTLINE_DATA_DIR "data"
#endif
#ifndef FAULTLINE_BUILD_DATA_DIR
#define FAULTLINE_BUILD_DATA_DIR "build/data"
#endif

namespace faultline {
namespace {

using gazetteer_internal::ParseOptionalDate;
using gazetteer_internal::ReadTsv;
using gazetteer_internal::RowError;

constexpr std::array<std::string_view, 12> kUnitColumns = {"id",           "country",       "level",      "name",
                                                           "parent_id",    "aliases",       "valid_from", "valid_to",
                                                           "successor_id", "geonames_code", "lat",        "lon"};
constexpr std::array<std::string_view, 6> kPlaceColumns = {"name", "country", "admin1_id", "admin2_id", "lat", "lon"};
constexpr const char* kDefaultIsoCodes = "/usr/share/iso-codes/json/iso_3166-1.json";


Result<std::optional<double>> ParseOptionalCoordinate(std::string_view s, double limit) {
  if (s.empty()) return std::optional<double>();
  ASSIGN_OR_RETURN(double v, ParseDouble(s));
  if (v < -limit || v > limit) {
    return InvalidArgument(QuoteForError(s) + " is outside -" + std::to_string(static_cast<int>(limit)) + ".." +
                           std::to_string(static_cast<int>(limit)));
  }
  return std::optional<double>(v);
}

std::vector<std::string> SplitAliases(std::string_view s) {
  std::vector<std::string> out;
  for (std::string_view a : Split(s, '|')) {
    a = Trim(a);
    if (!a.empty()) out.emplace_back(a);
  }
  return out;
}

bool IsCountryCode(std::string_view s) {
  return s.size() == 2 && std::isupper(static_cast<unsigned char>(s[0])) &&
         std::isupper(static_cast<unsigned char>(s[1]));
}

std::string UnitKey(std::string_view country, int level, std::string_view compact) {
  std::string k(country);
  k += '|';
  k += std::to_string(level);
  k += '|';
  k += compact;
  return k;
}

std::string PlaceKey(std::string_view country, std::string_view compact) {
  std::string k(country);
  k += '|';
  k += compact;
  return k;
}

// The compact keys to try for loose text, best first: the text itself, then
// without generic words around it ("Kurram Agency", "district Bannu",
// "Helmand province", "Peshawar city").
std::vector<std::string> QueryKeys(std::string_view text) {
  std::vector<std::string> keys;
  std::string folded = FoldKey(text);
  if (folded.empty()) return keys;
  std::vector<std::string> words;
  for (std::string_view w : Split(folded, ' ')) words.emplace_back(w);
  auto join = [](const std::vector<std::string>& ws, size_t b, size_t e) {
    std::string k;
    for (size_t i = b; i < e; ++i) k += ws[i];
    return k;
  };
  keys.push_back(join(words, 0, words.size()));
  static const std::set<std::string, std::less<>> kLeading = {"district", "province", "tehsil", "city"};
  static const std::set<std::string, std::less<>> kTrailing = {"district", "districts", "province", "agency", "tribal",
                                                               "tehsil",   "city",      "town",     "village"};
  size_t b = 0, e = words.size();
  while (b < e && kLeading.count(words[b])) ++b;
  while (e > b && kTrailing.count(words[e - 1])) --e;
  if (b < e && (b > 0 || e < words.size())) keys.push_back(join(words, b, e));
  return keys;
}

bool IsValidOn(const AdminUnit& u, std::optional<int32_t> date) {
  // No date means "as things stand": units that have not ended.
  if (!date) return !u.valid_to.has_value();
  return (!u.valid_from || *u.valid_from <= *date) && (!u.valid_to || *date < *u.valid_to);
}

// True when one unit is the other or directly succeeded it (FATA and KP;
// an agency and the district it became).
bool Related(const Gazetteer& gz, std::string_view a, std::string_view b) {
  if (a == b) return true;
  const AdminUnit* ua = gz.FindById(a);
  const AdminUnit* ub = gz.FindById(b);
  return (ua && ua->successor_id == b) || (ub && ub->successor_id == a);
}

// The unit that covered the same ground on `date`: forward through
// successor_id when `u` had ended, back to its predecessor when `u` did not
// exist yet. Returns `u` itself when nothing better is known.
// Without a date the unit stays as named.
const AdminUnit* AtDate(const Gazetteer& gz, const AdminUnit* u, std::optional<int32_t> date) {
  if (!date) return u;
  for (int step = 0; u != nullptr && step < 8; ++step) {
    if (IsValidOn(*u, date)) return u;
    if (u->valid_to && *date >= *u->valid_to) {
      const AdminUnit* next = gz.FindById(u->successor_id);
      if (next == nullptr) return u;
      u = next;
      continue;
    }
    if (u->valid_from && *date < *u->valid_from) {
      const AdminUnit* pred = nullptr;
      for (const AdminUnit& p : gz.units()) {
        if (p.successor_id != u->id || p.level != u->level || !IsValidOn(p, date)) continue;
        if (pred == nullptr || (p.geonames_code == u->geonames_code && pred->geonames_code != u->geonames_code)) {
          pred = &p;
        }
      }
      if (pred == nullptr) return u;
      u = pred;
      continue;
    }
    return u;
  }
  return u;
}

}  // namespace

// ---------------------------------------------------------------------------
// Loading

Result<std::unique_ptr<Gazetteer>> Gazetteer::Load(const std::string& data_dir, const std::string& places_file,
                                                   const std::string& iso_3166_json) {
  auto gz = std::make_unique<Gazetteer>();

  // Countries. An empty path loads none (faultline-build-places needs only units).
  if (!iso_3166_json.empty()) {
    std::ifstream in(iso_3166_json, std::ios::binary);
    if (!in) return NotFound(iso_3166_json + ": cannot open (install iso-codes or set FAULTLINE_ISO_CODES)");
    nlohmann::json doc;
    try {
      doc = nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& e) {
      return InvalidArgument(iso_3166_json + ": not valid JSON: " + e.what());
    }
    auto list = doc.is_object() ? doc.find("3166-1") : doc.end();
    if (!doc.is_object() || list == doc.end() || !list->is_array()) {
      return InvalidArgument(iso_3166_json + ": no \"3166-1\" array");
    }
    std::vector<std::string> official_names;
    for (size_t i = 0; i < list->size(); ++i) {
      const nlohmann::json& e = (*list)[i];
      auto str = [&e](const char* key) {
        if (!e.is_object()) return std::string();
        auto it = e.find(key);
        return it != e.end() && it->is_string() ? it->get<std::string>() : std::string();
      };
      Country c{str("alpha_2"), str("alpha_3"), str("numeric"), str("name"), str("common_name")};
      if (!IsCountryCode(c.alpha2) || c.name.empty()) {
        return InvalidArgument(iso_3166_json + ": \"3166-1\" entry " + std::to_string(i) +
                               ": needs alpha_2 (two capital letters) and name");
      }
      gz->countries_.push_back(std::move(c));
      official_names.push_back(str("official_name"));
    }
    // Codes first so that no name can shadow one; then names (first wins).
    for (size_t i = 0; i < gz->countries_.size(); ++i) {
      const Country& c = gz->countries_[i];
      gz->country_index_.emplace(FoldKeyCompact(c.alpha2), i);
      if (!c.alpha3.empty()) gz->country_index_.emplace(FoldKeyCompact(c.alpha3), i);
      if (!c.numeric.empty()) {
        gz->country_index_.emplace(c.numeric, i);
        std::string bare = c.numeric.substr(std::min(c.numeric.find_first_not_of('0'), c.numeric.size()));
        if (!bare.empty()) gz->country_index_.emplace(bare, i);
      }
    }
    for (size_t i = 0; i < gz->countries_.size(); ++i) {
      const Country& c = gz->countries_[i];
      for (const std::string& n : {c.name, c.common_name, official_names[i]}) {
        if (!n.empty()) gz->country_index_.emplace(FoldKeyCompact(n), i);
      }
    }
  }

  // Admin units.
  const std::string units_path = data_dir + "/gazetteer/admin_units.tsv";
  ASSIGN_OR_RETURN(std::vector<CsvRecord> rows, ReadTsv(units_path, kUnitColumns));
  std::vector<uint64_t> unit_lines;
  for (CsvRecord& row : rows) {
    std::vector<std::string>& f = row.fields;
    auto fail = [&](size_t col, std::string_view reason) {
      return InvalidArgument(RowError(units_path, row.line, kUnitColumns[col], reason));
    };
    AdminUnit u;
    u.id = f[0];
    if (u.id.empty()) return fail(0, "empty id");
    if (u.id.find_first_of(" |") != std::string::npos) return fail(0, QuoteForError(u.id) + " contains a space or '|'");
    if (auto it = gz->id_index_.find(u.id); it != gz->id_index_.end()) {
      return fail(
          0, "duplicate id " + QuoteForError(u.id) + " (first on line " + std::to_string(unit_lines[it->second]) + ")");
    }
    u.country = f[1];
    if (!IsCountryCode(u.country)) return fail(1, QuoteForError(u.country) + " is not an ISO alpha-2 code");
    if (!gz->countries_.empty() && gz->FindCountry(u.country) == nullptr) {
      return fail(1, QuoteForError(u.country) + " is not in " + iso_3166_json);
    }
    if (f[2] == "1") {
      u.level = 1;
    } else if (f[2] == "2") {
      u.level = 2;
    } else {
      return fail(2, QuoteForError(f[2]) + " is not 1 (province) or 2 (district)");
    }
    u.name = f[3];
    if (FoldKeyCompact(u.name).empty()) return fail(3, "empty name");
    u.parent_id = f[4];
    if (u.level == 1 && !u.parent_id.empty()) return fail(4, "a level-1 unit has no parent");
    if (u.level == 2 && u.parent_id.empty()) return fail(4, "a level-2 unit needs its province");
    u.aliases = SplitAliases(f[5]);
    auto from = ParseOptionalDate(f[6]);
    if (!from.ok()) return fail(6, from.status().message());
    u.valid_from = *from;
    auto to = ParseOptionalDate(f[7]);
    if (!to.ok()) return fail(7, to.status().message());
    u.valid_to = *to;
    if (u.valid_from && u.valid_to && *u.valid_from >= *u.valid_to) return fail(7, "not after valid_from");
    u.successor_id = f[8];
    if (u.successor_id == u.id) return fail(8, "a unit cannot succeed itself");
    u.geonames_code = f[9];
    auto lat = ParseOptionalCoordinate(f[10], 90);
    if (!lat.ok()) return fail(10, lat.status().message());
    auto lon = ParseOptionalCoordinate(f[11], 180);
    if (!lon.ok()) return fail(11, lon.status().message());
    u.lat = *lat;
    u.lon = *lon;
    if (u.lat.has_value() != u.lon.has_value()) return fail(u.lat ? 11 : 10, "lat and lon come together");
    gz->id_index_.emplace(u.id, gz->units_.size());
    gz->units_.push_back(std::move(u));
    unit_lines.push_back(row.line);
  }
  // References, once every id is known.
  for (size_t i = 0; i < gz->units_.size(); ++i) {
    const AdminUnit& u = gz->units_[i];
    auto fail = [&](size_t col, std::string_view reason) {
      return InvalidArgument(RowError(units_path, unit_lines[i], kUnitColumns[col], reason));
    };
    if (!u.parent_id.empty()) {
      const AdminUnit* p = gz->FindById(u.parent_id);
      if (p == nullptr) return fail(4, "unknown unit " + QuoteForError(u.parent_id));
      if (p->level != 1 || p->country != u.country) {
        return fail(4, QuoteForError(u.parent_id) + " is not a province of " + u.country);
      }
    }
    if (!u.successor_id.empty()) {
      const AdminUnit* s = gz->FindById(u.successor_id);
      if (s == nullptr) return fail(8, "unknown unit " + QuoteForError(u.successor_id));
      if (s->level != u.level) return fail(8, QuoteForError(u.successor_id) + " is not of the same level");
      if (!u.valid_to) return fail(8, "a successor needs valid_to (when the unit ended)");
      // Chains must end: follow at most as many links as there are units.
      const AdminUnit* walk = s;
      for (size_t n = 0; walk != nullptr && !walk->successor_id.empty(); ++n) {
        if (n > gz->units_.size() || walk->id == u.id) return fail(8, "successor chain loops");
        walk = gz->FindById(walk->successor_id);
      }
    }
  }
  for (size_t i = 0; i < gz->units_.size(); ++i) {
    const AdminUnit& u = gz->units_[i];
    std::set<std::string> keys = {FoldKeyCompact(u.name)};
    for (const std::string& a : u.aliases) keys.insert(FoldKeyCompact(a));
    keys.erase("");
    for (const std::string& k : keys) gz->unit_index_.emplace(UnitKey(u.country, u.level, k), i);
  }

  // Populated places (optional).
  if (!places_file.empty()) {
    ASSIGN_OR_RETURN(std::vector<CsvRecord> place_rows, ReadTsv(places_file, kPlaceColumns));
    gz->places_.reserve(place_rows.size());
    for (CsvRecord& row : place_rows) {
      std::vector<std::string>& f = row.fields;
      auto fail = [&](size_t col, std::string_view reason) {
        return InvalidArgument(RowError(places_file, row.line, kPlaceColumns[col], reason));
      };
      PopulatedPlace p;
      p.name = f[0];
      if (FoldKeyCompact(p.name).empty()) return fail(0, "empty name");
      p.country = f[1];
      if (!IsCountryCode(p.country)) return fail(1, QuoteForError(p.country) + " is not an ISO alpha-2 code");
      for (size_t col : {size_t{2}, size_t{3}}) {
        if (!f[col].empty() && gz->FindById(f[col]) == nullptr) {
          return fail(col, "unknown admin unit " + QuoteForError(f[col]) + " (places.tsv is older than " + units_path +
                               "; rebuild it)");
        }
      }
      p.admin1_id = f[2];
      p.admin2_id = f[3];
      auto lat = ParseOptionalCoordinate(f[4], 90);
      if (!lat.ok() || !*lat) return fail(4, lat.ok() ? "empty" : lat.status().message());
      auto lon = ParseOptionalCoordinate(f[5], 180);
      if (!lon.ok() || !*lon) return fail(5, lon.ok() ? "empty" : lon.status().message());
      p.lat = **lat;
      p.lon = **lon;
      gz->place_index_.emplace(PlaceKey(p.country, FoldKeyCompact(p.name)), gz->places_.size());
      gz->places_.push_back(std::move(p));
    }
  }
  for (const AdminUnit& u : gz->units_) {
    if (u.valid_from) gz->boundaries_.push_back(*u.valid_from);
    if (u.valid_to) gz->boundaries_.push_back(*u.valid_to);
  }
  std::sort(gz->boundaries_.begin(), gz->boundaries_.end());
  gz->boundaries_.erase(std::unique(gz->boundaries_.begin(), gz->boundaries_.end()), gz->boundaries_.end());
  return gz;
}

size_t Gazetteer::ValidityEra(int32_t day) const {
  return static_cast<size_t>(std::upper_bound(boundaries_.begin(), boundaries_.end(), day) - boundaries_.begin());
}

Result<const Gazetteer*> Gazetteer::Default() {
  // Function-local static: initialised once, thread-safe (C++11 magic statics).
  static const Result<std::unique_ptr<Gazetteer>> loaded = []() -> Result<std::unique_ptr<Gazetteer>> {
    const char* data = std::getenv("FAULTLINE_DATA");
    const char* build = std::getenv("FAULTLINE_BUILD_DATA");
    const char* iso = std::getenv("FAULTLINE_ISO_CODES");
    std::string places = std::string(build && *build ? build : FAULTLINE_BUILD_DATA_DIR) + "/places.tsv";
    std::error_code ec;
    if (!std::filesystem::exists(places, ec)) places.clear();  // not built: no populated places
    return Load(data && *data ? data : FAULTLINE_DATA_DIR, places, iso && *iso ? iso : kDefaultIsoCodes);
  }();
  if (!loaded.ok()) return loaded.status();
  return static_cast<const Gazetteer*>(loaded.value().get());
}

// ---------------------------------------------------------------------------
// Lookups

const Country* Gazetteer::FindCountry(std::string_view name_or_code) const {
  std::string key = FoldKeyCompact(name_or_code);
  if (key.empty()) return nullptr;
  auto it = country_index_.find(key);
  if (it == country_index_.end() && std::all_of(key.begin(), key.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    it = country_index_.find(key.substr(std::min(key.find_first_not_of('0'), key.size())));
  }
  return it == country_index_.end() ? nullptr : &countries_[it->second];
}

namespace {

// A country argument as the alpha-2 code units are filed under: codes and
// names through FindCountry, otherwise the text upper-cased.
std::string CountryCode(const Gazetteer& gz, std::string_view country) {
  std::string_view t = Trim(country);
  if (t.empty()) return {};
  if (const Country* c = gz.FindCountry(t)) return c->alpha2;
  std::string up(t);
  for (char& ch : up) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return up;
}

// Unit indices under the first query key that matches, in file order.
std::vector<size_t> Candidates(const std::unordered_multimap<std::string, size_t>& index, std::string_view country,
                               int level, std::string_view text) {
  std::vector<size_t> out;
  for (const std::string& key : QueryKeys(text)) {
    auto [b, e] = index.equal_range(UnitKey(country, level, key));
    for (auto it = b; it != e; ++it) out.push_back(it->second);
    if (!out.empty()) break;
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// Best of several units named alike: valid on `date` first, then the one
// whose canonical name (not an alias) was given, then file order.
const AdminUnit* PickUnit(const std::vector<AdminUnit>& units, const std::vector<size_t>& candidates,
                          std::string_view text, std::optional<int32_t> date) {
  const AdminUnit* best = nullptr;
  int best_score = -1;
  std::string key = FoldKeyCompact(text);
  for (size_t i : candidates) {
    const AdminUnit& u = units[i];
    int score = (IsValidOn(u, date) ? 2 : 0) + (FoldKeyCompact(u.name) == key ? 1 : 0);
    if (score > best_score) {
      best = &u;
      best_score = score;
    }
  }
  return best;
}

}  // namespace

const AdminUnit* Gazetteer::FindAdmin1(std::string_view country, std::string_view name) const {
  std::vector<size_t> c = Candidates(unit_index_, CountryCode(*this, country), 1, name);
  return PickUnit(units_, c, name, std::nullopt);
}

const AdminUnit* Gazetteer::FindAdmin2(std::string_view country, std::string_view name, std::string_view parent_id,
                                       std::optional<int32_t> date) const {
  std::vector<size_t> c = Candidates(unit_index_, CountryCode(*this, country), 2, name);
  if (!parent_id.empty()) {
    std::erase_if(c, [&](size_t i) { return !Related(*this, units_[i].parent_id, parent_id); });
  }
  const AdminUnit* u = PickUnit(units_, c, name, date);
  return u ? AtDate(*this, u, date) : nullptr;
}

const AdminUnit* Gazetteer::FindById(std::string_view id) const {
  auto it = id_index_.find(std::string(id));
  return it == id_index_.end() ? nullptr : &units_[it->second];
}

const PopulatedPlace* Gazetteer::FindPlace(std::string_view country, std::string_view name) const {
  std::string c = CountryCode(*this, country);
  for (const std::string& key : QueryKeys(name)) {
    auto [b, e] = place_index_.equal_range(PlaceKey(c, key));
    size_t first = places_.size();
    for (auto it = b; it != e; ++it) first = std::min(first, it->second);
    if (first < places_.size()) return &places_[first];
  }
  return nullptr;
}

PlaceMatch Gazetteer::Resolve(std::string_view country, std::string_view admin1, std::string_view admin2,
                              std::string_view place, std::optional<int32_t> date) const {
  std::string code = CountryCode(*this, country);
  if (code.empty()) {
    // No country given: the first country with units where anything matches best.
    PlaceMatch best;
    std::vector<std::string> seen;
    for (const AdminUnit& u : units_) {
      if (std::find(seen.begin(), seen.end(), u.country) != seen.end()) continue;
      seen.push_back(u.country);
      PlaceMatch m = Resolve(u.country, admin1, admin2, place, date);
      if (m.precision < best.precision) best = m;
    }
    return best;
  }

  const AdminUnit* a1 = nullptr;
  const AdminUnit* a2 = nullptr;
  const PopulatedPlace* p = nullptr;
  bool place_from_district_column = false;

  // A place named `text` that agrees with what is known so far; file order
  // breaks ties. A place in another province or district is a namesake.
  auto pick_place = [&](std::string_view text) -> const PopulatedPlace* {
    for (const std::string& key : QueryKeys(text)) {
      auto [b, e] = place_index_.equal_range(PlaceKey(code, key));
      std::vector<size_t> idx;
      for (auto it = b; it != e; ++it) idx.push_back(it->second);
      std::sort(idx.begin(), idx.end());
      for (size_t i : idx) {
        const PopulatedPlace& q = places_[i];
        if (a2 != nullptr &&
            !(q.admin2_id.empty() ? Related(*this, q.admin1_id, a2->parent_id) : Related(*this, q.admin2_id, a2->id))) {
          continue;
        }
        if (a2 == nullptr && a1 != nullptr && !Related(*this, q.admin1_id, a1->id)) continue;
        return &q;
      }
    }
    return nullptr;
  };

  if (!admin1.empty()) {
    a1 = AtDate(*this, FindAdmin1(code, admin1), date);
    if (a1 == nullptr) a2 = FindAdmin2(code, admin1, {}, date);  // a district in the province column
  }
  if (!admin2.empty()) {
    const AdminUnit* province_here = a1 == nullptr && a2 == nullptr ? FindAdmin1(code, admin2) : nullptr;
    if (const AdminUnit* d = FindAdmin2(code, admin2, a1 ? std::string_view(a1->id) : std::string_view(), date)) {
      a2 = d;
    } else if (province_here != nullptr) {
      a1 = AtDate(*this, province_here, date);  // a province in the district column
    } else if ((p = pick_place(admin2)) != nullptr) {
      place_from_district_column = true;  // a city in the district column: its district, not its point
    }
  }
  if (!place.empty()) {
    if (const PopulatedPlace* q = pick_place(place)) {
      p = q;
      place_from_district_column = false;
    } else if (a2 == nullptr) {
      a2 = FindAdmin2(code, place, a1 ? std::string_view(a1->id) : std::string_view(), date);
      if (a2 == nullptr && a1 == nullptr) a1 = AtDate(*this, FindAdmin1(code, place), date);
    }
  }
  if (p != nullptr && a2 == nullptr) a2 = FindById(p->admin2_id);
  if (p != nullptr && a2 == nullptr && a1 == nullptr) a1 = AtDate(*this, FindById(p->admin1_id), date);
  if (a2 != nullptr) {
    a2 = AtDate(*this, a2, date);
    if (const AdminUnit* parent = FindById(a2->parent_id)) a1 = parent;
  }

  PlaceMatch m;
  m.admin1 = a1;
  m.admin2 = a2;
  m.place = p;
  if (p != nullptr && !place_from_district_column) {
    m.precision = GeoPrecision::kExact;
  } else if (a2 != nullptr || p != nullptr) {
    m.precision = GeoPrecision::kDistrict;
  } else if (a1 != nullptr) {
    m.precision = GeoPrecision::kProvince;
  }
  return m;
}

std::vector<std::string> Gazetteer::ExpandAdmin1(std::string_view country, std::string_view name,
                                                 bool include_predecessors) const {
  const AdminUnit* u = FindAdmin1(country, name);
  if (u == nullptr) return {};
  std::vector<const AdminUnit*> found = {u};
  // Breadth-first over "succeeded by", so KP gathers FATA and anything that merged into FATA.
  for (size_t i = 0; include_predecessors && i < found.size(); ++i) {
    for (const AdminUnit& p : units_) {
      if (p.level == 1 && p.successor_id == found[i]->id && std::find(found.begin(), found.end(), &p) == found.end()) {
        found.push_back(&p);
      }
    }
  }
  std::vector<std::string> names;
  for (const AdminUnit* f : found) names.push_back(f->name);
  return names;
}

}  // namespace faultline
