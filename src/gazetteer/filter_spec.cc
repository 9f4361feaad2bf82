#include "gazetteer/filter_spec.h"

#include <algorithm>

#include "common/date.h"
#include "common/text.h"
#include "gazetteer/gazetteer.h"

namespace faultline {

namespace {

template <typename E>
Status ParseList(const std::vector<std::string>& in, Result<E> (*parse)(std::string_view), std::vector<E>* out,
                 const std::string& flag) {
  for (const auto& s : in) {
    auto r = parse(Trim(s));
    if (!r.ok()) return r.status().WithContext(flag);
    out->push_back(*r);
  }
  return Status::Ok();
}

Result<int32_t> Day(const std::string& s, const std::string& flag) {
  auto d = CivilDate::Parse(Trim(s));
  if (!d.ok()) return d.status().WithContext(flag);
  return d->days();
}

}  // namespace

Result<Filter> BuildFilter(const FilterSpec& o, std::string_view flag_prefix) {
  const std::string flag(flag_prefix);
  Filter f;
  if (!o.from.empty()) {
    ASSIGN_OR_RETURN(f.date_from, Day(o.from, flag + "from"));
  }
  if (!o.to.empty()) {
    ASSIGN_OR_RETURN(f.date_to, Day(o.to, flag + "to"));
  }
  if (f.date_from && f.date_to && *f.date_from > *f.date_to) {
    return InvalidArgument(flag + "from " + o.from + " is after " + flag + "to " + o.to);
  }
  const Gazetteer* gz = nullptr;
  if (!o.countries.empty() || !o.admin1.empty() || !o.admin2.empty()) {
    ASSIGN_OR_RETURN(gz, Gazetteer::Default());
  }
  for (const auto& c : o.countries) {
    const Country* country = gz->FindCountry(c);
    if (country == nullptr) return InvalidArgument(flag + "country: \"" + c + "\" is not a country name or ISO code");
    f.countries.push_back(country->alpha2);
  }
  for (const auto& a : o.admin1) {
    std::vector<std::string> names;
    for (const auto& country : f.countries.empty() ? std::vector<std::string>{""} : f.countries) {
      const AdminUnit* unit = nullptr;
      if (!country.empty()) {
        unit = gz->FindAdmin1(country, a);
      } else {
        for (const auto& u : gz->units()) {
          if (u.level == 1 && (unit = gz->FindAdmin1(u.country, a)) != nullptr) break;
        }
      }
      if (unit == nullptr) continue;
      auto expanded = gz->ExpandAdmin1(unit->country, unit->name, !o.no_former);
      names.insert(names.end(), expanded.begin(), expanded.end());
    }
    if (names.empty()) names.push_back(std::string(Trim(a)));  // not in the gazetteer: match as written
    f.admin1.insert(f.admin1.end(), names.begin(), names.end());
  }
  std::vector<std::string> gazetteer_countries;  // every country the gazetteer has units for
  if (gz != nullptr) {
    for (const auto& u : gz->units()) {
      if (std::find(gazetteer_countries.begin(), gazetteer_countries.end(), u.country) == gazetteer_countries.end()) {
        gazetteer_countries.push_back(u.country);
      }
    }
  }
  for (const auto& a : o.admin2) {
    const AdminUnit* unit = nullptr;
    for (const auto& country : f.countries.empty() ? gazetteer_countries : f.countries) {
      if ((unit = gz->FindAdmin2(country, a)) != nullptr) break;
    }
    f.admin2.push_back(unit ? unit->name : std::string(Trim(a)));
  }
  if (!o.perpetrators.empty()) {
    ASSIGN_OR_RETURN(const ActorDictionary* actors, ActorDictionary::Default());
    for (const auto& p : o.perpetrators) {
      const Actor* a = actors->Find(p);
      if (a == nullptr) a = actors->FindById(p);
      if (a == nullptr) {
        f.perpetrators.push_back(std::string(Trim(p)));
        continue;
      }
      if (o.with_affiliates) {
        for (auto& id : actors->WithAffiliates(a->id)) f.perpetrators.push_back(id);
      } else {
        f.perpetrators.push_back(a->id);
      }
    }
  }
  RETURN_IF_ERROR(ParseList(o.event_types, &ParseEventType, &f.event_types, flag + (flag.empty() ? "event_type" : "event-type")));
  RETURN_IF_ERROR(ParseList(o.attack_types, &ParseAttackType, &f.attack_types, flag + (flag.empty() ? "attack_type" : "attack-type")));
  RETURN_IF_ERROR(ParseList(o.targets, &ParseTargetCategory, &f.targets, flag + "target"));
  RETURN_IF_ERROR(ParseList(o.statuses, &ParseIncidentStatus, &f.statuses, flag + "status"));
  if (o.min_killed >= 0) f.min_killed = o.min_killed;
  f.text = o.text;
  if (!o.bbox.empty()) {
    auto parts = Split(o.bbox, ',');
    if (parts.size() != 4) return InvalidArgument(flag + "bbox: expected min_lon,min_lat,max_lon,max_lat");
    double v[4];
    for (size_t i = 0; i < 4; ++i) {
      auto d = ParseDouble(parts[i]);
      if (!d.ok()) return d.status().WithContext(flag + "bbox");
      v[i] = *d;
    }
    if (v[0] > v[2] || v[1] > v[3] || v[1] < -90 || v[3] > 90 || v[0] < -180 || v[2] > 180) {
      return InvalidArgument(flag + "bbox: need min_lon <= max_lon and min_lat <= max_lat within -180..180, -90..90");
    }
    f.bbox = BoundingBox{v[0], v[1], v[2], v[3]};
  }
  f.importers = o.sources;
  f.licenses = o.licenses;
  if (o.limit < 0) return InvalidArgument(flag + "limit must not be negative");
  f.limit = o.limit;
  f.after_id = o.after;
  return f;
}

}  // namespace faultline
