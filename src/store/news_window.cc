#include "store/news_window.h"

#include "model/incident_json.h"

namespace faultline {

std::string SketchSelectList() {
  std::string s =
      "id, version, status, source_key, date_start, date_end, country, admin1, admin2, lat, lon, geo_precision, "
      "event_type, attack_type, perpetrator";
  for (size_t c = 0; c < kCasualtyCategories; ++c) (s += ", ") += KilledBestColumn(c);
  for (size_t c = 0; c < kCasualtyCategories; ++c) (s += ", ") += InjuredBestColumn(c);
  return s;
}

std::string JsonStringBody(std::string_view s) {
  // The writer SourcesToJson uses: UTF-8 kept, invalid bytes replaced.
  std::string quoted = JsonString(s);
  return quoted.substr(1, quoted.size() - 2);
}

}  // namespace faultline
