#include "store/points.h"

namespace faultline {

std::string PointSelectList() {
  std::string s = "id, date_start, lat, lon, event_type, attack_type, target, status, admin1, admin2, place, perpetrator";
  for (size_t c = 0; c < kCasualtyCategories; ++c) (s += ", ") += KilledBestColumn(c);
  for (size_t c = 0; c < kCasualtyCategories; ++c) (s += ", ") += InjuredBestColumn(c);
  return s;
}

}  // namespace faultline
