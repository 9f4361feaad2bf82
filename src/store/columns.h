// The incidents table as both backends see it: its columns in one fixed
// order, and the mapping between an Incident and a row. BindContent() hands
// an incident's content columns to a backend's binder; ReadIncident() and
// ReadFacts() read a row back through a backend's row reader. Keeping the
// order here, once, is what lets two backends share one conformance suite.
//
// A Binder has Null(), Int(int64_t), Real(double), Text(std::string_view),
// called once per column in kContentColumns order. A Row has IsNull(i),
// Int(i), Real(i) and Text(i) (a view valid until the row moves on).
// Stateless; thread-safe.
#ifndef FAULTLINE_STORE_COLUMNS_H_
#define FAULTLINE_STORE_COLUMNS_H_

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/date.h"
#include "faultline/incident.h"
#include "faultline/status.h"
#include "faultline/store.h"

namespace faultline {

// Everything an Incident holds except id and version, in binding order.
inline constexpr std::array<std::string_view, 50> kContentColumns = {
    "status", "merged_into", "source_key", "date_start", "date_end", "date_precision", "country", "admin1",
    "admin2", "place", "lat", "lon", "geo_precision", "event_type", "sub_event_type", "attack_type",
    "perpetrator", "attribution", "target",
    // killed, then injured; security forces, civilians, militants, unknown
    // (CasualtyCategory order); low, best, high.
    "killed_sf_low", "killed_sf_best", "killed_sf_high", "killed_civ_low", "killed_civ_best", "killed_civ_high",
    "killed_mil_low", "killed_mil_best", "killed_mil_high", "killed_unk_low", "killed_unk_best", "killed_unk_high",
    "injured_sf_low", "injured_sf_best", "injured_sf_high", "injured_civ_low", "injured_civ_best",
    "injured_civ_high", "injured_mil_low", "injured_mil_best", "injured_mil_high", "injured_unk_low",
    "injured_unk_best", "injured_unk_high",
    "sources", "notes", "license", "prov_importer", "prov_batch", "prov_file", "prov_row"};

// "id, version, status, ..., prov_row": what a SELECT of a whole incident
// reads, in the order ReadIncident expects. `prefix` qualifies each name
// ("i." gives "i.id, i.version, ...").
std::string IncidentSelectList(std::string_view prefix = "");
// "id, date_start, country, ...": what ScanFacts reads, for ReadFacts.
std::string FactsSelectList();
// "id, key, type, ...": what a SELECT of a phase reads, for ReadPhase.
std::string PhaseSelectList();
// "id, key, source, ...": what a SELECT of a claim reads, for ReadClaim.
std::string ClaimSelectList();
// Phase parties as stored: actor ids joined with ';'.
std::string JoinParties(const std::vector<std::string>& parties);
std::vector<std::string> SplitParties(std::string_view s);
// "status, merged_into, ..., prov_row": kContentColumns joined.
std::string ContentColumnList();

// The column holding the best estimate of killed (or injured) in category c.
std::string_view KilledBestColumn(size_t c);
std::string_view InjuredBestColumn(size_t c);

// The canonical JSON kept in history for a superseded version: the incident
// without id and version (those are the history row's own columns).
std::string HistoryJson(const Incident& incident);
// The same for an incident whose sources are `sources_json` as SourcesToJson
// wrote them ("" for none), not incident.sources.
std::string HistoryJsonWithSources(const Incident& incident, std::string_view sources_json);

// The text of `sources` that full-text search covers: outlets and headlines
// (the PostgreSQL text index takes the same two fields). Deterministic: the
// SQLite store repeats it to delete an incident's old terms.
std::string SourcesSearchText(const std::vector<Source>& sources);

// The outlets and the headlines of a sources array as SourcesToJson writes
// it, each joined by spaces (SourcesSearchText's text is `outlets`, a
// space, `headlines`), read from the text without decoding it. False for
// text it does not take (an escape in an outlet or headline, a value that
// is not a string, a repeated key, anything not well-formed): the caller
// decodes those with SourcesFromJson.
bool SourcesSearchWords(std::string_view sources_json, std::string* outlets, std::string* headlines);

// Current time, UTC, ISO 8601 to the second: "2024-05-01T12:34:56Z".
std::string NowUtc();

template <typename Binder>
void BindOptional(const std::optional<int32_t>& v, Binder& b) {
  if (v) {
    b.Int(*v);
  } else {
    b.Null();
  }
}

// Binds the content columns of `inc`. `sources_json` is SourcesToJson(inc.sources)
// ("" binds NULL); the caller keeps it alive while the statement runs.
template <typename Binder>
void BindContent(const Incident& inc, std::string_view sources_json, Binder& b) {
  b.Text(Name(inc.status));
  if (inc.merged_into != 0) {
    b.Int(inc.merged_into);
  } else {
    b.Null();
  }
  b.Text(inc.source_key);
  b.Int(inc.date);
  b.Int(inc.date_end);
  b.Text(DatePrecisionName(static_cast<DatePrecision>(inc.date_precision)));
  b.Text(inc.country);
  b.Text(inc.admin1);
  b.Text(inc.admin2);
  b.Text(inc.place);
  if (inc.lat) {
    b.Real(*inc.lat);
  } else {
    b.Null();
  }
  if (inc.lon) {
    b.Real(*inc.lon);
  } else {
    b.Null();
  }
  b.Text(Name(inc.geo_precision));
  b.Text(Name(inc.event_type));
  b.Text(inc.sub_event_type);
  b.Text(Name(inc.attack_type));
  b.Text(inc.perpetrator);
  b.Text(Name(inc.attribution));
  b.Text(Name(inc.target));
  for (const auto* side : {&inc.casualties.killed, &inc.casualties.injured}) {
    for (const CasualtyRange& r : *side) {
      BindOptional(r.low, b);
      BindOptional(r.best, b);
      BindOptional(r.high, b);
    }
  }
  if (sources_json.empty()) {
    b.Null();
  } else {
    b.Text(sources_json);
  }
  b.Text(inc.notes);
  b.Text(inc.license);
  b.Text(inc.provenance.importer);
  b.Text(inc.provenance.batch_id);
  b.Text(inc.provenance.file);
  b.Int(inc.provenance.row);
}

namespace columns_internal {

// DataLoss naming the incident and column: a stored value this build cannot read.
Status BadColumn(int64_t id, std::string_view column, const Status& why);
Result<std::vector<Source>> ParseSources(std::string_view json);
Result<uint8_t> ParsePrecision(std::string_view s);
// A superseded version's JSON; DataLoss naming the incident and version.
Result<Incident> ParseHistory(std::string_view json, int64_t id, int32_t version);

template <typename Row>
std::optional<int32_t> OptInt(const Row& row, int i) {
  if (row.IsNull(i)) return std::nullopt;
  return static_cast<int32_t>(row.Int(i));
}

template <typename E, typename Row>
Status ReadEnum(const Row& row, int i, int64_t id, Result<E> (*parse)(std::string_view), E* out) {
  auto r = parse(row.Text(i));
  if (!r.ok()) return BadColumn(id, kContentColumns[static_cast<size_t>(i - 2)], r.status());
  *out = *r;
  return Status::Ok();
}

}  // namespace columns_internal

// Reads a row selected with IncidentSelectList() but for its sources
// (column 45), which stay as they were: for a caller that keeps the sources
// JSON as text.
template <typename Row>
Status ReadIncidentExceptSources(const Row& row, Incident* inc) {
  using columns_internal::OptInt;
  using columns_internal::ReadEnum;
  inc->id = row.Int(0);
  inc->version = static_cast<int32_t>(row.Int(1));
  const int64_t id = inc->id;
  RETURN_IF_ERROR(ReadEnum(row, 2, id, &ParseIncidentStatus, &inc->status));
  inc->merged_into = row.IsNull(3) ? 0 : row.Int(3);
  inc->source_key = row.Text(4);
  inc->date = static_cast<int32_t>(row.Int(5));
  inc->date_end = static_cast<int32_t>(row.Int(6));
  auto precision = columns_internal::ParsePrecision(row.Text(7));
  if (!precision.ok()) return columns_internal::BadColumn(id, "date_precision", precision.status());
  inc->date_precision = *precision;
  inc->country = row.Text(8);
  inc->admin1 = row.Text(9);
  inc->admin2 = row.Text(10);
  inc->place = row.Text(11);
  inc->lat = row.IsNull(12) ? std::nullopt : std::optional<double>(row.Real(12));
  inc->lon = row.IsNull(13) ? std::nullopt : std::optional<double>(row.Real(13));
  RETURN_IF_ERROR(ReadEnum(row, 14, id, &ParseGeoPrecision, &inc->geo_precision));
  RETURN_IF_ERROR(ReadEnum(row, 15, id, &ParseEventType, &inc->event_type));
  inc->sub_event_type = row.Text(16);
  RETURN_IF_ERROR(ReadEnum(row, 17, id, &ParseAttackType, &inc->attack_type));
  inc->perpetrator = row.Text(18);
  RETURN_IF_ERROR(ReadEnum(row, 19, id, &ParseAttribution, &inc->attribution));
  RETURN_IF_ERROR(ReadEnum(row, 20, id, &ParseTargetCategory, &inc->target));
  int i = 21;
  for (auto* side : {&inc->casualties.killed, &inc->casualties.injured}) {
    for (CasualtyRange& r : *side) {
      r.low = OptInt(row, i++);
      r.best = OptInt(row, i++);
      r.high = OptInt(row, i++);
    }
  }
  inc->notes = row.Text(46);
  inc->license = row.Text(47);
  inc->provenance.importer = row.Text(48);
  inc->provenance.batch_id = row.Text(49);
  inc->provenance.file = row.Text(50);
  inc->provenance.row = row.Int(51);
  return Status::Ok();
}

// Reads a row selected with IncidentSelectList().
template <typename Row>
Status ReadIncident(const Row& row, Incident* inc) {
  RETURN_IF_ERROR(ReadIncidentExceptSources(row, inc));
  if (row.IsNull(45)) {
    inc->sources.clear();
  } else {
    auto sources = columns_internal::ParseSources(row.Text(45));
    if (!sources.ok()) return columns_internal::BadColumn(inc->id, "sources", sources.status());
    inc->sources = std::move(*sources);
  }
  return Status::Ok();
}

// A row whose columns start at `by`: for a SELECT that puts other columns
// before IncidentSelectList().
template <typename Row>
struct ShiftedRow {
  const Row& row;
  int by;
  bool IsNull(int i) const { return row.IsNull(i + by); }
  int64_t Int(int i) const { return row.Int(i + by); }
  double Real(int i) const { return row.Real(i + by); }
  std::string_view Text(int i) const { return row.Text(i + by); }
};

// Reads a history row selected as `version, changed_at (ISO 8601 UTC),
// changed_by, reason, data, <IncidentSelectList() of the incidents row, NULL
// unless data is NULL>`: a superseded version from its JSON, the current one
// from the incidents row.
template <typename Row>
Result<HistoryEntry> ReadHistoryEntry(const Row& row, int64_t id) {
  HistoryEntry e;
  e.version = static_cast<int32_t>(row.Int(0));
  e.changed_at = row.Text(1);
  e.changed_by = row.Text(2);
  e.reason = row.Text(3);
  if (!row.IsNull(4)) {
    auto inc = columns_internal::ParseHistory(row.Text(4), id, e.version);
    if (!inc.ok()) return inc.status();
    e.incident = std::move(*inc);
  } else if (row.IsNull(5)) {
    return DataLoss("incident " + std::to_string(id) + " version " + std::to_string(e.version) +
                    ": history has no content and the incident row is missing");
  } else {
    RETURN_IF_ERROR(ReadIncident(ShiftedRow<Row>{row, 5}, &e.incident));
  }
  e.incident.id = id;
  e.incident.version = e.version;
  return e;
}

// Reads a row selected with FactsSelectList().
template <typename Row>
Status ReadFacts(const Row& row, IncidentFacts* f) {
  f->id = row.Int(0);
  f->date = static_cast<int32_t>(row.Int(1));
  f->country = row.Text(2);
  f->admin1 = row.Text(3);
  f->admin2 = row.Text(4);
  f->perpetrator = row.Text(5);
  auto event = ParseEventType(row.Text(6));
  if (!event.ok()) return columns_internal::BadColumn(f->id, "event_type", event.status());
  f->event_type = *event;
  auto attack = ParseAttackType(row.Text(7));
  if (!attack.ok()) return columns_internal::BadColumn(f->id, "attack_type", attack.status());
  f->attack_type = *attack;
  auto target = ParseTargetCategory(row.Text(8));
  if (!target.ok()) return columns_internal::BadColumn(f->id, "target", target.status());
  f->target = *target;
  for (size_t c = 0; c < kCasualtyCategories; ++c) {
    const int k = 9 + static_cast<int>(c), j = 9 + static_cast<int>(kCasualtyCategories + c);
    f->killed[c] = row.IsNull(k) ? 0 : static_cast<int32_t>(row.Int(k));
    f->injured[c] = row.IsNull(j) ? 0 : static_cast<int32_t>(row.Int(j));
  }
  auto status = ParseIncidentStatus(row.Text(17));
  if (!status.ok()) return columns_internal::BadColumn(f->id, "status", status.status());
  f->status = *status;
  f->importer = row.Text(18);
  f->license = row.Text(19);
  // Ranges as IncidentFacts documents them: low falls back to best, high to
  // the larger of best and low.
  auto range = [&](int col, int32_t best, bool best_null, int32_t* low, int32_t* high) {
    *low = row.IsNull(col) ? best : static_cast<int32_t>(row.Int(col));
    if (!row.IsNull(col + 1)) {
      *high = static_cast<int32_t>(row.Int(col + 1));
    } else {
      *high = best_null ? *low : std::max(best, *low);
    }
  };
  for (size_t c = 0; c < kCasualtyCategories; ++c) {
    const int kb = 9 + static_cast<int>(c), ib = 9 + static_cast<int>(kCasualtyCategories + c);
    range(20 + 2 * static_cast<int>(c), f->killed[c], row.IsNull(kb), &f->killed_low[c], &f->killed_high[c]);
    range(28 + 2 * static_cast<int>(c), f->injured[c], row.IsNull(ib), &f->injured_low[c], &f->injured_high[c]);
  }
  return Status::Ok();
}

// Binds a phase's columns after id, in PhaseSelectList() order:
// key, type, name, parties, country, date_start, date_end, source, notes.
template <typename Binder>
void BindPhase(const Phase& p, const std::string& parties, Binder& b) {
  b.Text(p.key);
  b.Text(Name(p.type));
  b.Text(p.name);
  b.Text(parties);
  b.Text(p.country);
  b.Int(p.start);
  if (p.end) {
    b.Int(*p.end);
  } else {
    b.Null();
  }
  b.Text(p.source);
  b.Text(p.notes);
}

// Reads a row selected with PhaseSelectList().
template <typename Row>
Status ReadPhase(const Row& row, Phase* p) {
  p->id = row.Int(0);
  p->key = row.Text(1);
  auto type = ParsePhaseType(row.Text(2));
  if (!type.ok()) {
    return DataLoss("phase " + std::to_string(p->id) + ": column type: stored value cannot be read: " +
                    type.status().message());
  }
  p->type = *type;
  p->name = row.Text(3);
  p->parties = SplitParties(row.Text(4));
  p->country = row.Text(5);
  p->start = static_cast<int32_t>(row.Int(6));
  p->end = row.IsNull(7) ? std::nullopt : std::optional<int32_t>(static_cast<int32_t>(row.Int(7)));
  p->source = row.Text(8);
  p->notes = row.Text(9);
  return Status::Ok();
}

// Binds a claim's columns after id, in ClaimSelectList() order: key, source,
// citation, standing, metric, category, filters, period, date_from,
// date_to, value, evidence, notes.
template <typename Binder>
void BindClaim(const Claim& c, Binder& b) {
  b.Text(c.key);
  b.Text(c.source);
  b.Text(c.citation);
  b.Text(Name(c.standing));
  b.Text(Name(c.metric));
  b.Text(c.category ? Name(*c.category) : std::string_view());
  b.Text(c.filters);
  b.Text(c.period);
  b.Int(c.date_from);
  b.Int(c.date_to);
  b.Int(c.value);
  b.Text(c.evidence);
  b.Text(c.notes);
}

// Reads a row selected with ClaimSelectList().
template <typename Row>
Status ReadClaim(const Row& row, Claim* c) {
  c->id = row.Int(0);
  c->key = row.Text(1);
  c->source = row.Text(2);
  c->citation = row.Text(3);
  auto unreadable = [&](const char* column, const Status& s) {
    return DataLoss("claim " + std::to_string(c->id) + ": column " + column +
                    ": stored value cannot be read: " + s.message());
  };
  auto standing = ParseClaimStanding(row.Text(4));
  if (!standing.ok()) return unreadable("standing", standing.status());
  c->standing = *standing;
  auto metric = ParseClaimMetric(row.Text(5));
  if (!metric.ok()) return unreadable("metric", metric.status());
  c->metric = *metric;
  c->category.reset();
  if (std::string_view cat = row.Text(6); !cat.empty()) {
    auto parsed = ParseCasualtyCategory(cat);
    if (!parsed.ok()) return unreadable("category", parsed.status());
    c->category = *parsed;
  }
  c->filters = row.Text(7);
  c->period = row.Text(8);
  c->date_from = static_cast<int32_t>(row.Int(9));
  c->date_to = static_cast<int32_t>(row.Int(10));
  c->value = row.Int(11);
  c->evidence = row.Text(12);
  c->notes = row.Text(13);
  return Status::Ok();
}

}  // namespace faultline

#endif  // FAULTLINE_STORE_COLUMNS_H_
