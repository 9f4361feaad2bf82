// Store::ScanPoints on both backends: the one column list and the one row
// reader, so SQLite and PostgreSQL stream the same IncidentPoint (the map's
// compact rows: no notes, no sources). Stateless; thread-safe.
#ifndef FAULTLINE_STORE_POINTS_H_
#define FAULTLINE_STORE_POINTS_H_

#include <string>

#include "faultline/status.h"
#include "faultline/store.h"
#include "store/columns.h"

namespace faultline {

// "id, date_start, lat, lon, ...": what ReadPoint reads.
std::string PointSelectList();

// Reads a row selected with PointSelectList().
template <typename Row>
Status ReadPoint(const Row& row, IncidentPoint* p) {
  using columns_internal::BadColumn;
  p->id = row.Int(0);
  p->date = static_cast<int32_t>(row.Int(1));
  p->lat = row.IsNull(2) ? std::nullopt : std::optional<double>(row.Real(2));
  p->lon = row.IsNull(3) ? std::nullopt : std::optional<double>(row.Real(3));
  auto event = ParseEventType(row.Text(4));
  if (!event.ok()) return BadColumn(p->id, "event_type", event.status());
  p->event_type = *event;
  auto attack = ParseAttackType(row.Text(5));
  if (!attack.ok()) return BadColumn(p->id, "attack_type", attack.status());
  p->attack_type = *attack;
  auto target = ParseTargetCategory(row.Text(6));
  if (!target.ok()) return BadColumn(p->id, "target", target.status());
  p->target = *target;
  auto status = ParseIncidentStatus(row.Text(7));
  if (!status.ok()) return BadColumn(p->id, "status", status.status());
  p->status = *status;
  p->admin1 = row.Text(8);
  p->admin2 = row.Text(9);
  p->place = row.Text(10);
  p->perpetrator = row.Text(11);
  p->killed = 0;
  p->injured = 0;
  for (size_t c = 0; c < kCasualtyCategories; ++c) {
    const int k = 12 + static_cast<int>(c), j = 12 + static_cast<int>(kCasualtyCategories + c);
    if (!row.IsNull(k)) p->killed += row.Int(k);
    if (!row.IsNull(j)) p->injured += row.Int(j);
  }
  return Status::Ok();
}

}  // namespace faultline

#endif  // FAULTLINE_STORE_POINTS_H_
