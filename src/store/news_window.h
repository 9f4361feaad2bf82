// Store::ScanNewsWindow on both backends: the one column list and the one
// row reader, so SQLite and PostgreSQL stream the same IncidentSketch.
// Stateless; thread-safe.
#ifndef FAULTLINE_STORE_NEWS_WINDOW_H_
#define FAULTLINE_STORE_NEWS_WINDOW_H_

#include <string>
#include <string_view>

#include "faultline/status.h"
#include "faultline/store.h"
#include "store/columns.h"

namespace faultline {

// The importer whose rows the news window covers; migration 0008's partial
// index has the same literal, which the query must repeat for the planner.
inline constexpr std::string_view kNewsImporter = "extract";

// "id, version, status, source_key, date_start, ...": what ReadSketch reads.
std::string SketchSelectList();
// How many columns SketchSelectList() names.
inline constexpr size_t kSketchColumns = 15 + 2 * kCasualtyCategories;

// `s` as it appears between the quotes of a JSON string that SourcesToJson
// wrote (the same escaping): the SQLite store looks for it in the sources
// text before it parses any JSON, since a url absent from the text cannot
// be the url of a source.
std::string JsonStringBody(std::string_view s);

// Reads a row selected with SketchSelectList().
template <typename Row>
Status ReadSketch(const Row& row, IncidentSketch* s) {
  using columns_internal::BadColumn;
  s->id = row.Int(0);
  s->version = static_cast<int32_t>(row.Int(1));
  auto status = ParseIncidentStatus(row.Text(2));
  if (!status.ok()) return BadColumn(s->id, "status", status.status());
  s->status = *status;
  s->source_key = row.Text(3);
  s->date = static_cast<int32_t>(row.Int(4));
  s->date_end = static_cast<int32_t>(row.Int(5));
  s->country = row.Text(6);
  s->admin1 = row.Text(7);
  s->admin2 = row.Text(8);
  s->lat = row.IsNull(9) ? std::nullopt : std::optional<double>(row.Real(9));
  s->lon = row.IsNull(10) ? std::nullopt : std::optional<double>(row.Real(10));
  auto geo = ParseGeoPrecision(row.Text(11));
  if (!geo.ok()) return BadColumn(s->id, "geo_precision", geo.status());
  s->geo_precision = *geo;
  auto event = ParseEventType(row.Text(12));
  if (!event.ok()) return BadColumn(s->id, "event_type", event.status());
  s->event_type = *event;
  auto attack = ParseAttackType(row.Text(13));
  if (!attack.ok()) return BadColumn(s->id, "attack_type", attack.status());
  s->attack_type = *attack;
  s->perpetrator = row.Text(14);
  for (size_t c = 0; c < kCasualtyCategories; ++c) {
    const int k = 15 + static_cast<int>(c), j = 15 + static_cast<int>(kCasualtyCategories + c);
    s->killed[c] = row.IsNull(k) ? 0 : static_cast<int32_t>(row.Int(k));
    s->injured[c] = row.IsNull(j) ? 0 : static_cast<int32_t>(row.Int(j));
  }
  return Status::Ok();
}

}  // namespace faultline

#endif  // FAULTLINE_STORE_NEWS_WINDOW_H_
