// A security report for a period, in the manner of PIPS's annual Pakistan
// Security Report: headline figures against the previous period of the same
// length, tables by province, group, target and attack type, a monthly
// trend chart, a map of incidents, the largest incidents, the phases in the
// period, and the data sources with their licences. BuildReport gathers the
// numbers (cube for the tables, one store scan for the map and the largest
// incidents); the renderers write Markdown (charts as PNG files beside it),
// self-contained HTML (charts as inline SVG, no external reference) or PDF
// (cairo). No browser, no network. Stateless functions; thread-safe.
//
//   ASSIGN_OR_RETURN(ReportData r, BuildReport(store, *cube, filter, options));
//   RETURN_IF_ERROR(WriteReport(r, ReportFormat::kPdf, "report.pdf"));
#ifndef FAULTLINE_REPORT_REPORT_H_
#define FAULTLINE_REPORT_REPORT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "analysis/cube.h"
#include "faultline/phase.h"
#include "faultline/store.h"
#include "report/chart.h"

namespace faultline::report {

struct ReportOptions {
  std::string title = "Security report";
  std::string filters_text;  // the filters in words, for the cover ("Khyber Pakhtunkhwa; TTP with affiliates")
  size_t rows = 12;          // rows per breakdown table (the rest summed as "other")
  size_t largest = 10;       // largest incidents listed
  std::string generated_by = "faultline";
};

struct ReportRow {
  std::string name;
  int64_t incidents = 0, killed = 0, injured = 0;
};

struct ReportIncident {
  int64_t id = 0;
  int32_t date = 0;
  std::string place, attack_type, perpetrator, target;
  int64_t killed = 0, injured = 0;
};

struct ReportSource {
  std::string importer;
  int64_t incidents = 0;
  int32_t first = 0, last = 0;
  std::string license, license_name, attribution;
};

struct ReportData {
  ReportOptions options;
  int32_t from = 0, to = 0;  // day numbers, inclusive
  ReportRow total, previous;  // this period and the one of the same length before it
  int64_t killed_by_category[4] = {0, 0, 0, 0};  // CasualtyCategory order
  std::vector<ReportRow> by_admin1, by_perpetrator, by_target, by_attack_type;
  TrendChart trend;
  IncidentMap map;
  int64_t unmapped = 0;  // incidents without coordinates
  std::vector<ReportIncident> largest;
  std::vector<Phase> phases;  // overlapping the period
  std::vector<ReportSource> sources;
};

// `filter` must have date_from and date_to (InvalidArgument otherwise).
// Perpetrators are grouped rolled up to their parent group when the cube
// has a roll-up; names come from the actor dictionary and gazetteer when
// available.
Result<ReportData> BuildReport(Store* store, const Cube& cube, const Filter& filter, const ReportOptions& options);

enum class ReportFormat { kHtml, kPdf, kMarkdown };
// "html", "pdf", "md" (or "markdown"); InvalidArgument otherwise.
Result<ReportFormat> ParseReportFormat(std::string_view s);

std::string RenderMarkdown(const ReportData& r, const std::string& trend_png, const std::string& map_png);
Result<std::string> RenderHtml(const ReportData& r);
// Writes the report to `path`: Markdown also writes <stem>-trend.png and
// <stem>-map.png beside it. IoError when a file cannot be written.
Status WriteReport(const ReportData& r, ReportFormat format, const std::string& path);

}  // namespace faultline::report

#endif  // FAULTLINE_REPORT_REPORT_H_
