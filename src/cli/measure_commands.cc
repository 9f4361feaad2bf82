#include "cli/measure_commands.h"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <filesystem>
#include <iostream>

#include <nlohmann/json.hpp>

#include "analysis/claims.h"
#include "analysis/cube.h"
#include "analysis/measure.h"
#include "analysis/measure_files.h"
#include "cli/filter_options.h"
#include "cli/table.h"
#include "common/date.h"
#include "common/text.h"
#include "report/report.h"

namespace faultline {

namespace {

// ---- claims ----------------------------------------------------------------

struct ClaimArgs : ClaimFields {
  std::string file;
  double tolerance = 10;
  std::vector<std::string> keys;  // check: only these
};

const char* OutcomeWord(WriteOutcome w) {
  return w == WriteOutcome::kInserted ? "added" : w == WriteOutcome::kUpdated ? "updated" : "unchanged";
}

Status RunClaimsAdd(const MeasureContext& ctx, const ClaimArgs& a) {
  ASSIGN_OR_RETURN(Claim c, ClaimFromFields(a));
  ASSIGN_OR_RETURN(auto store, Store::Open(ctx.cli.db_uri()));
  ASSIGN_OR_RETURN(WriteOutcome w, store->UpsertClaim(&c));
  std::printf("claim %lld \"%s\" %s\n", static_cast<long long>(c.id), c.key.c_str(), OutcomeWord(w));
  return Status::Ok();
}

// The whole file is read before anything is stored, in one transaction.
Status RunClaimsImport(const MeasureContext& ctx, const ClaimArgs& a) {
  ASSIGN_OR_RETURN(std::string text, ReadTextFile(a.file));
  ASSIGN_OR_RETURN(std::vector<Claim> claims, ParseClaimsTsv(text, a.file));
  ASSIGN_OR_RETURN(auto store, Store::Open(ctx.cli.db_uri()));
  RETURN_IF_ERROR(store->Begin());
  int added = 0, updated = 0, unchanged = 0;
  for (Claim& c : claims) {
    auto w = store->UpsertClaim(&c);
    if (!w.ok()) return w.status().WithContext(a.file + ": claim \"" + c.key + "\"");
    (*w == WriteOutcome::kInserted ? added : *w == WriteOutcome::kUpdated ? updated : unchanged) += 1;
  }
  RETURN_IF_ERROR(store->Commit());
  std::printf("%s: %d claims added, %d updated, %d unchanged\n", a.file.c_str(), added, updated, unchanged);
  return Status::Ok();
}

std::string CategoryName(const Claim& c) { return c.category ? std::string(Name(*c.category)) : ""; }

Status RunClaimsList(const MeasureContext& ctx) {
  const std::string format = ctx.cli.format();
  ASSIGN_OR_RETURN(auto store, Store::Open(ctx.cli.db_uri()));
  ASSIGN_OR_RETURN(auto claims, store->Claims());
  std::vector<std::vector<std::string>> rows;
  for (const Claim& c : claims) {
    rows.push_back({std::to_string(c.id), c.key, c.source, std::string(Name(c.standing)), std::string(Name(c.metric)),
                    CategoryName(c), c.filters, c.period, std::to_string(c.value), c.citation});
  }
  PrintRows(format,
                 {"id", "key", "source", "standing", "metric", "category", "filters", "period", "value", "citation"},
                 rows, {true, false, false, false, false, false, false, false, true, false});
  return Status::Ok();
}

std::string Fixed0(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%+.0f", v);
  return buf;
}

Status RunClaimsCheck(const MeasureContext& ctx, const ClaimArgs& a) {
  const std::string format = ctx.cli.format();
  if (!(a.tolerance >= 0)) return InvalidArgument("--tolerance must be a percentage >= 0");
  ASSIGN_OR_RETURN(auto store, Store::Open(ctx.cli.db_uri()));
  ASSIGN_OR_RETURN(auto claims, store->Claims());
  if (claims.empty()) return FailedPrecondition("no claims stored (see `faultline claims import`)");
  ASSIGN_OR_RETURN(auto cube, ctx.load_cube(store.get()));
  std::vector<ClaimCheck> checks = CheckClaims(*cube, claims, &ClaimFilter, {.tolerance = a.tolerance / 100});
  std::vector<size_t> shown;
  for (size_t i = 0; i < checks.size(); ++i) {
    if (a.keys.empty() || std::find(a.keys.begin(), a.keys.end(), claims[i].key) != a.keys.end()) shown.push_back(i);
  }
  if (shown.empty()) return NotFound("claims check: no stored claim has the keys given");
  if (format == "json") {
    std::cout << ClaimChecksJson(claims, checks, shown, 2) << "\n";
    return Status::Ok();
  }
  std::vector<std::vector<std::string>> rows;
  for (size_t i : shown) {
    const ClaimCheck& r = checks[i];
    const Claim& c = claims[i];
    const bool compared = r.data == DataVerdict::kConsistent || r.data == DataVerdict::kDiffers;
    rows.push_back({c.key, c.source, DescribeQuantity(c), std::to_string(c.value),
                    r.computed ? std::to_string(*r.computed) : "",
                    compared && r.computed.value_or(0) > 0 ? Fixed0(r.diff_percent) : "", std::string(Name(r.data)),
                    std::string(Name(r.peer))});
  }
  PrintRows(format, {"key", "source", "quantity", "value", "database", "diff_%", "data", "claims"}, rows,
                 {false, false, false, true, true, true, false, false});
  if (format == "table") {
    std::printf("\n");
    for (size_t i : shown) std::printf("[%s] %s\n\n", claims[i].key.c_str(), checks[i].summary.c_str());
  }
  return Status::Ok();
}

// ---- report ----------------------------------------------------------------

struct ReportArgs {
  FilterOptions filter;
  std::string format;  // html | pdf | md; default from the output's extension
  std::string output;
  std::string title = "Security report";
  int64_t rows = 12;
  int64_t largest = 10;
};

// The filters in words, for the report's cover.
std::string FilterWords(const FilterOptions& f) {
  std::vector<std::string> parts;
  auto add = [&](const char* what, const std::vector<std::string>& v) {
    if (v.empty()) return;
    std::string s = std::string(what) + " ";
    for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + v[i];
    parts.push_back(s);
  };
  add("country", f.countries);
  add("province", f.admin1);
  add("district", f.admin2);
  add("group", f.perpetrators);
  if (f.with_affiliates && !f.perpetrators.empty()) parts.back() += " with affiliates";
  add("event type", f.event_types);
  add("attack type", f.attack_types);
  add("target", f.targets);
  add("source", f.sources);
  if (f.min_killed >= 0) parts.push_back("at least " + std::to_string(f.min_killed) + " killed");
  if (!f.text.empty()) parts.push_back("text \"" + f.text + "\"");
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "; ") + p;
  return out;
}

Status RunReport(const MeasureContext& ctx, const ReportArgs& a) {
  if (a.filter.from.empty() || a.filter.to.empty()) return InvalidArgument("report: --from and --to are required");
  if (a.output.empty()) return InvalidArgument("report: -o FILE is required");
  std::string format = a.format;
  if (format.empty() || format == "table") {  // the global --format default
    std::string ext = std::filesystem::path(a.output).extension().string();
    format = ext.empty() ? "" : ext.substr(1);
  }
  ASSIGN_OR_RETURN(report::ReportFormat f, report::ParseReportFormat(format));
  if (a.rows < 1 || a.largest < 0) return InvalidArgument("report: --rows must be >= 1 and --largest >= 0");
  ASSIGN_OR_RETURN(Filter filter, BuildFilter(a.filter));
  if (filter.limit > 0 || filter.after_id > 0) return InvalidArgument("report: --limit and --after do not apply");
  ASSIGN_OR_RETURN(auto store, Store::Open(ctx.cli.db_uri()));
  ASSIGN_OR_RETURN(auto cube, ctx.load_cube(store.get()));
  report::ReportOptions options;
  options.title = a.title;
  options.filters_text = FilterWords(a.filter);
  options.rows = static_cast<size_t>(a.rows);
  options.largest = static_cast<size_t>(a.largest);
  ASSIGN_OR_RETURN(report::ReportData data, report::BuildReport(store.get(), *cube, filter, options));
  Status written = report::WriteReport(data, f, a.output);
  report::ReleaseFontCaches();
  RETURN_IF_ERROR(written);
  std::fprintf(stderr, "report %s..%s: %lld incidents, %lld killed, %lld injured -> %s\n",
               CivilDate(data.from).ToString().c_str(), CivilDate(data.to).ToString().c_str(),
               static_cast<long long>(data.total.incidents), static_cast<long long>(data.total.killed),
               static_cast<long long>(data.total.injured), a.output.c_str());
  return Status::Ok();
}

}  // namespace

void AddMeasureCommands(CLI::App* app, const MeasureContext& ctx) {
  static ClaimArgs ca;
  auto* claims = app->add_subcommand("claims", "published figures as data: add, import, list, check");
  claims->require_subcommand(1);
  auto add_fields = [](CLI::App* cmd, ClaimArgs* a) {
    cmd->add_option("--key", a->key, "stable identity (default: made from source, metric, filters, period)");
    cmd->add_option("--source", a->source, "who said it: organisation id (PIPS), actor id or a name")->required();
    cmd->add_option("--citation", a->citation, "where: publication, date, url");
    cmd->add_option("--standing", a->standing, "primary (the source's own publication) or reported (relayed)");
    cmd->add_option("--metric", a->metric, "attacks, killed or injured")->required();
    cmd->add_option("--category", a->category, "killed/injured of one category: security_forces, civilians, ...");
    cmd->add_option("--filters", a->filters,
                    "key=value;... with country, admin1, admin2, perpetrator, affiliates=yes, event_type, "
                    "attack_type, target");
    cmd->add_option("--period", a->period, "YYYY, YYYY-MM, YYYY-MM-DD or FROM..TO")->required();
    cmd->add_option("--value", a->value, "the figure")->required();
    cmd->add_option("--notes", a->notes, "notes");
  };
  auto* add = claims->add_subcommand("add", "add a claim (or update the one with the same key)");
  add_fields(add, &ca);
  add->callback([ctx] { ctx.cli.run(RunClaimsAdd(ctx, ca)); });
  auto* imp = claims->add_subcommand("import", "import claims from a TSV file (data/claims/published.tsv)");
  imp->add_option("file", ca.file, "key, source, citation, standing, metric, category, filters, period, value, notes")
      ->required();
  imp->callback([ctx] { ctx.cli.run(RunClaimsImport(ctx, ca)); });
  claims->add_subcommand("list", "list the stored claims")->callback([ctx] { ctx.cli.run(RunClaimsList(ctx)); });
  auto* check = claims->add_subcommand("check", "compare each claim with the data and with the other claims");
  check->add_option("--tolerance", ca.tolerance, "percent within which two figures are consistent (default 10)");
  check->add_option("--key", ca.keys, "only these claims (repeatable; all claims still count as peers)");
  check->callback([ctx] { ctx.cli.run(RunClaimsCheck(ctx, ca)); });

  static ReportArgs ra;
  auto* rep = app->add_subcommand("report", "a security report (headline figures, tables, trend chart, map, largest "
                                            "incidents, phases, sources) as HTML, PDF or Markdown");
  rep->add_option("--format", ra.format, "html, pdf or md (default: from the output file's extension)");
  rep->add_option("-o,--output", ra.output, "the file to write (md also writes FILE-trend.png and FILE-map.png)")
      ->required();
  rep->add_option("--title", ra.title, "the report's title");
  rep->add_option("--rows", ra.rows, "rows per breakdown table before \"others\" (default 12)");
  rep->add_option("--largest", ra.largest, "largest incidents listed (default 10)");
  AddFilterOptions(rep, &ra.filter);
  rep->callback([ctx] { ctx.cli.run(RunReport(ctx, ra)); });
}

}  // namespace faultline
