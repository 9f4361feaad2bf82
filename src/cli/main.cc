// The `faultline` command. Only this folder parses argv; every subcommand
// turns its flags into calls on the stages and prints their results.
// Errors: one line on stderr, and an exit code from ExitCode().
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>

#include "analysis/changepoint.h"
#include "analysis/cube.h"
#include "analysis/effect.h"
#include "analysis/measure.h"
#include "analysis/measure_files.h"
#include "analysis/stats.h"
#include "cli/filter_options.h"
#include "cli/forecast_commands.h"
#include "cli/measure_commands.h"
#include "cli/news_commands.h"
#include "cli/serve_commands.h"
#include "cli/table.h"
#include "cli/plan_commands.h"
#include "common/date.h"
#include "common/text.h"
#include "faultline/store.h"
#include "gazetteer/gazetteer.h"
#include "io/exporters.h"
#include "io/import_driver.h"
#include "io/native_csv.h"
#include "model/incident_json.h"

namespace faultline {
namespace {

// The one table from status codes to exit codes (style.md: errors).
int ExitCode(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return 0;
    case StatusCode::kInvalidArgument: return 2;
    case StatusCode::kNotFound: return 3;
    case StatusCode::kAlreadyExists: return 4;
    case StatusCode::kConflict: return 5;
    case StatusCode::kFailedPrecondition: return 6;
    case StatusCode::kPermissionDenied: return 7;
    case StatusCode::kIoError: return 8;
    case StatusCode::kDataLoss: return 9;
    case StatusCode::kUnavailable: return 10;
    case StatusCode::kInternal: return 70;
  }
  return 1;
}

struct Global {
  std::string db;
  std::string format = "table";
};

std::string DbUri(const Global& g) {
  if (!g.db.empty()) return g.db;
  if (const char* env = std::getenv("FAULTLINE_DB"); env != nullptr && *env != '\0') return env;
  return "faultline.db";
}

Status CheckFormat(const std::string& f) {
  if (f == "table" || f == "csv" || f == "json") return Status::Ok();
  return InvalidArgument("--format: \"" + f + "\" is not one of table, csv, json");
}

Result<std::unique_ptr<Store>> OpenStore(const Global& g) { return Store::Open(DbUri(g)); }

// ---- import -------------------------------------------------------------

struct ImportArgs {
  std::vector<std::string> files;
  std::string format;
  bool dry_run = false;
  std::string quarantine;
  int64_t batch_size = 0;
  bool no_progress = false;
  std::string encoding;
};

Status RunImportCommand(const Global& g, const ImportArgs& a) {
  if (a.batch_size < 0) return InvalidArgument("--batch-size must not be negative");
  if (a.batch_size > 0 && a.quarantine.empty()) {
    return InvalidArgument("--batch-size commits as it goes, so rejected rows need --quarantine FILE");
  }
  if (a.files.size() > 1 && !a.quarantine.empty()) {
    return InvalidArgument("--quarantine takes one input file at a time");
  }
  ASSIGN_OR_RETURN(auto store, OpenStore(g));
  ASSIGN_OR_RETURN(const Gazetteer* gz, Gazetteer::Default());
  ASSIGN_OR_RETURN(const ActorDictionary* actors, ActorDictionary::Default());
  bool any_rejected = false;
  for (const auto& file : a.files) {
    std::string format = a.format;
    if (format.empty()) {
    ASSIGN_OR_RETURN(format, DetectFormat(file));
  }
    ImportContext ctx;
    ctx.gazetteer = gz;
    ctx.actors = actors;
    ctx.batch_id = NewBatchId();
    ctx.file_label = file == "-" ? "stdin" : file.substr(file.find_last_of('/') + 1);
    ctx.encoding = a.encoding;
    ASSIGN_OR_RETURN(auto source, OpenRowSource(format, file, ctx));
    ImportOptions opt;
    opt.dry_run = a.dry_run;
    opt.quarantine_path = a.quarantine;
    opt.batch_size = a.batch_size;
    opt.progress = !a.no_progress;
    ASSIGN_OR_RETURN(ImportSummary s, RunImport(store.get(), source.get(), ctx, opt));
    const ImportRecord& r = s.record;
    std::fflush(stdout);
    for (const auto& e : s.errors) std::cerr << e << "\n";
    if (r.rows_rejected > static_cast<int64_t>(s.errors.size())) {
      std::cerr << "... and " << r.rows_rejected - static_cast<int64_t>(s.errors.size()) << " more rejected rows\n";
    }
    int64_t stored = r.rows_inserted + r.rows_updated + r.rows_unchanged;
    std::printf("%s (%s): read %lld rows = %lld stored (%lld new, %lld updated, %lld unchanged) + %lld rejected%s\n",
                file.c_str(), format.c_str(), static_cast<long long>(r.rows_read), static_cast<long long>(stored),
                static_cast<long long>(r.rows_inserted), static_cast<long long>(r.rows_updated),
                static_cast<long long>(r.rows_unchanged), static_cast<long long>(r.rows_rejected),
                a.dry_run ? " [dry run: nothing written]" : "");
    if (!s.committed && !a.dry_run) {
      std::printf("nothing imported from %s: the import is atomic and %lld rows were rejected; fix them, or pass "
                  "--quarantine FILE to import the valid rows and set the rest aside\n",
                  file.c_str(), static_cast<long long>(r.rows_rejected));
      any_rejected = true;
    } else if (!a.quarantine.empty() && r.rows_rejected > 0 && !a.dry_run) {
      std::printf("rejected rows and their reasons are in %s\n", a.quarantine.c_str());
    }
    if (a.dry_run && r.rows_rejected > 0) any_rejected = true;
    std::fflush(stdout);  // keep the summary next to the errors printed on stderr
  }
  if (any_rejected) return InvalidArgument("some rows were rejected (see above)");
  return Status::Ok();
}

// ---- export -------------------------------------------------------------

struct ExportArgs {
  FilterOptions filter;
  std::string format = "csv";
  std::string output = "-";
  bool allow_restricted = false;
  bool facts_only = false;
};

Status RunExportCommand(const Global& g, const ExportArgs& a) {
  ASSIGN_OR_RETURN(Filter f, BuildFilter(a.filter));
  ASSIGN_OR_RETURN(auto store, OpenStore(g));
  ExportOptions opt;
  opt.format = a.format;
  opt.allow_restricted = a.allow_restricted;
  opt.facts_only = a.facts_only;
  ASSIGN_OR_RETURN(ExportSummary s, ExportIncidents(store.get(), f, opt, a.output));
  std::fprintf(stderr, "exported %lld rows as %s%s%s\n", static_cast<long long>(s.rows_written), a.format.c_str(),
               a.output == "-" ? "" : " to ", a.output == "-" ? "" : a.output.c_str());
  for (const auto& [tag, n] : s.withheld_by_license) {
    const LicenseInfo* lic = FindLicense(tag);
    std::fprintf(stderr,
                 "withheld %lld rows under licence \"%s\" (%s), which does not allow redistribution; pass "
                 "--allow-restricted if your own licence permits this export\n",
                 static_cast<long long>(n), tag.c_str(), lic ? std::string(lic->name).c_str() : "unknown licence");
  }
  return Status::Ok();
}

// ---- query --------------------------------------------------------------

struct QueryArgs {
  FilterOptions filter;
  bool count = false;
};

Status RunQueryCommand(const Global& g, QueryArgs a) {
  RETURN_IF_ERROR(CheckFormat(g.format));
  ASSIGN_OR_RETURN(Filter f, BuildFilter(a.filter));
  ASSIGN_OR_RETURN(auto store, OpenStore(g));
  if (a.count) {
    ASSIGN_OR_RETURN(int64_t n, store->Count(f));
    std::cout << n << "\n";
    return Status::Ok();
  }
  if (g.format == "json") {
    std::cout << "[";
    bool first = true;
    RETURN_IF_ERROR(store->Scan(f, [&](const Incident& inc) {
      std::cout << (first ? "\n" : ",\n") << IncidentToJson(inc);
      first = false;
      return Status::Ok();
    }));
    std::cout << (first ? "]\n" : "\n]\n");
    return Status::Ok();
  }
  if (g.format == "csv") {
    std::cout << CsvLine(NativeCsvColumns());
    return store->Scan(f, [&](const Incident& inc) {
      std::cout << CsvLine(NativeCsvRow(inc));
      return Status::Ok();
    });
  }
  std::vector<std::string> header = {"id", "date", "admin1", "admin2", "place", "attack_type", "perpetrator",
                                     "target", "killed", "injured"};
  std::vector<std::vector<std::string>> rows;
  if (a.filter.limit == 0) f.limit = 1000;  // a terminal table is for reading, not for bulk
  RETURN_IF_ERROR(store->Scan(f, [&](const Incident& inc) {
    rows.push_back({std::to_string(inc.id), CivilDate(inc.date).ToString(), inc.admin1, inc.admin2, inc.place,
                    std::string(Name(inc.attack_type)), inc.perpetrator, std::string(Name(inc.target)),
                    std::to_string(inc.casualties.TotalKilled()), std::to_string(inc.casualties.TotalInjured())});
    return Status::Ok();
  }));
  PrintRows("table", header, rows, {true, false, false, false, false, false, false, false, true, true});
  if (a.filter.limit == 0 && rows.size() == 1000) {
    std::cerr << "(first 1000 rows; use --limit/--after to page, or --format csv|json for all)\n";
  }
  return Status::Ok();
}

// ---- stats, phases, changepoints, effect ----------------------------------

Result<std::unique_ptr<Cube>> LoadCube(Store* store) { return LoadRolledUpCube(store); }

std::string Fixed(double v, int digits = 1) {
  if (std::isnan(v)) return "";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

struct StatsArgs {
  FilterOptions filter;
  std::vector<std::string> by;
  std::vector<std::string> measures = {"incidents", "killed", "injured"};
  bool totals = true;
  bool roll_up = false;
  bool change = false;
};

Status RunStatsCommand(const Global& g, const StatsArgs& a) {
  RETURN_IF_ERROR(CheckFormat(g.format));
  std::vector<Dimension> dims;
  for (const auto& b : a.by) {
    ASSIGN_OR_RETURN(dims.emplace_back(), ParseDimension(Trim(b)));
  }
  std::vector<Measure> measures;
  for (const auto& m : a.measures) {
    ASSIGN_OR_RETURN(measures.emplace_back(), ParseMeasure(Trim(m)));
  }
  if (measures.empty()) return InvalidArgument("stats needs at least one measure");
  ASSIGN_OR_RETURN(Filter f, BuildFilter(a.filter));
  ASSIGN_OR_RETURN(auto store, OpenStore(g));
  ASSIGN_OR_RETURN(auto cube, LoadCube(store.get()));
  ASSIGN_OR_RETURN(auto q, cube->Compile(f, store.get()));
  Cube::GroupOptions options{.roll_up = a.roll_up};
  ASSIGN_OR_RETURN(StatsTable t, cube->GroupBy(*q, dims, measures, options));
  if (a.change) RETURN_IF_ERROR(cube->AddChangeColumns(*q, dims, measures, options, &t));
  std::vector<std::string> header = t.key_columns;
  header.insert(header.end(), t.measure_columns.begin(), t.measure_columns.end());
  header.insert(header.end(), t.change_columns.begin(), t.change_columns.end());
  std::vector<bool> numeric(t.key_columns.size(), false);
  numeric.resize(header.size(), true);
  std::vector<std::vector<std::string>> rows;
  for (size_t i = 0; i < t.keys.size(); ++i) {
    std::vector<std::string> r = t.keys[i];
    for (auto& k : r) {
      if (k.empty() && g.format == "table") k = "(none)";
    }
    for (int64_t v : t.values[i]) r.push_back(std::to_string(v));
    if (!t.change_values.empty()) {
      for (double v : t.change_values[i]) r.push_back(Fixed(v));
    }
    rows.push_back(std::move(r));
  }
  if (g.format == "table" && a.totals && !t.key_columns.empty()) {
    std::vector<std::string> r(t.key_columns.size(), "");
    r[0] = "total";
    for (int64_t v : t.totals) r.push_back(std::to_string(v));
    r.resize(header.size());
    rows.push_back(std::move(r));
  } else if (t.key_columns.empty()) {
    std::vector<std::string> r;
    for (int64_t v : t.totals) r.push_back(std::to_string(v));
    rows.push_back(std::move(r));
  }
  PrintRows(g.format, header, rows, numeric);
  return Status::Ok();
}

struct PhaseArgs {
  Phase phase;
  std::string type = "other", start, end, parties;
  std::string file;
};

Result<Phase> PhaseFromArgs(const PhaseArgs& a) {
  PhaseFields f{a.phase.key, a.type, a.phase.name, a.parties, a.phase.country, a.start, a.end, a.phase.source,
                a.phase.notes};
  return PhaseFromFields(f);
}

Status RunPhasesAdd(const Global& g, const PhaseArgs& a) {
  ASSIGN_OR_RETURN(Phase p, PhaseFromArgs(a));
  ASSIGN_OR_RETURN(auto store, OpenStore(g));
  ASSIGN_OR_RETURN(WriteOutcome w, store->UpsertPhase(&p));
  std::printf("phase %lld \"%s\" %s\n", static_cast<long long>(p.id), p.key.c_str(),
              w == WriteOutcome::kInserted ? "added" : w == WriteOutcome::kUpdated ? "updated" : "unchanged");
  return Status::Ok();
}

// The whole file is read before anything is stored, in one transaction.
Status RunPhasesImport(const Global& g, const PhaseArgs& a) {
  ASSIGN_OR_RETURN(std::string text, ReadTextFile(a.file));
  ASSIGN_OR_RETURN(std::vector<Phase> phases, ParsePhasesTsv(text, a.file));
  ASSIGN_OR_RETURN(auto store, OpenStore(g));
  RETURN_IF_ERROR(store->Begin());
  int added = 0, updated = 0, unchanged = 0;
  for (Phase& p : phases) {
    auto w = store->UpsertPhase(&p);
    if (!w.ok()) return w.status().WithContext(a.file + ": phase \"" + p.key + "\"");
    (*w == WriteOutcome::kInserted ? added : *w == WriteOutcome::kUpdated ? updated : unchanged) += 1;
  }
  RETURN_IF_ERROR(store->Commit());
  std::printf("%s: %d phases added, %d updated, %d unchanged\n", a.file.c_str(), added, updated, unchanged);
  return Status::Ok();
}

Status RunPhasesList(const Global& g) {
  RETURN_IF_ERROR(CheckFormat(g.format));
  ASSIGN_OR_RETURN(auto store, OpenStore(g));
  ASSIGN_OR_RETURN(auto phases, store->Phases());
  std::vector<std::vector<std::string>> rows;
  for (const Phase& p : phases) {
    std::string parties;
    for (const auto& x : p.parties) parties += (parties.empty() ? "" : "|") + x;
    rows.push_back({std::to_string(p.id), p.key, std::string(Name(p.type)), p.name, parties, p.country,
                    CivilDate(p.start).ToString(), p.end ? CivilDate(*p.end).ToString() : "", p.source});
  }
  PrintRows(g.format, {"id", "key", "type", "name", "parties", "country", "start", "end", "source"}, rows,
            {true, false, false, false, false, false, false, false, false});
  return Status::Ok();
}

struct SeriesArgs {
  FilterOptions filter;
  std::string by = "week";
  std::string measure = "incidents";
};

// The series a change-point command works on.
Result<Series> LoadSeriesOf(Cube* cube, Store* store, const SeriesArgs& a) {
  ASSIGN_OR_RETURN(Period period, ParsePeriod(Trim(a.by)));
  ASSIGN_OR_RETURN(Measure measure, ParseMeasure(Trim(a.measure)));
  ASSIGN_OR_RETURN(Filter f, BuildFilter(a.filter));
  return LoadSeries(*cube, store, f, period, measure);
}

struct ChangepointArgs {
  SeriesArgs series;
  std::string penalty = "mbic";
  std::string crops;
  std::string method = "pelt";
  int64_t min_segment = 2;
  double hazard = 0.01;
  int64_t max_run = 500;
};

Status RunChangepointsCommand(const Global& g, const ChangepointArgs& a) {
  RETURN_IF_ERROR(CheckFormat(g.format));
  if (a.method != "pelt" && a.method != "bocpd") return InvalidArgument("--method: pelt or bocpd");
  if (a.min_segment < 1) return InvalidArgument("--min-segment must be at least 1");
  ASSIGN_OR_RETURN(auto store, OpenStore(g));
  ASSIGN_OR_RETURN(auto cube, LoadCube(store.get()));
  ASSIGN_OR_RETURN(Series s, LoadSeriesOf(cube.get(), store.get(), a.series));
  auto segments_of = [&](const std::vector<size_t>& cps) {
    std::vector<std::vector<std::string>> rows;
    for (const SeriesSegment& seg : SegmentsBetween(s, cps)) {
      rows.push_back({seg.from, seg.to, std::to_string(seg.end - seg.first), std::to_string(seg.total), Fixed(seg.mean, 2)});
    }
    return rows;
  };
  const std::vector<std::string> seg_header = {"from", "to", "periods", "total", "mean"};
  const std::vector<bool> seg_numeric = {false, false, true, true, true};
  if (a.method == "bocpd") {
    BocpdOptions o;
    o.hazard = a.hazard;
    o.max_run_length = static_cast<size_t>(std::max<int64_t>(1, a.max_run));
    BocpdResult r = Bocpd(s.values, o);
    if (g.format == "table") {
      std::printf("BOCPD (Poisson-Gamma, hazard %g, run length cap %zu) over %zu %ss: %zu change points\n", a.hazard,
                  o.max_run_length, s.values.size(), std::string(Name(s.period)).c_str(), r.changepoints.size());
    }
    PrintRows(g.format, seg_header, segments_of(r.changepoints), seg_numeric);
    return Status::Ok();
  }
  if (!a.crops.empty()) {
    auto parts = Split(a.crops, ',');
    if (parts.size() != 2) return InvalidArgument("--crops MIN,MAX");
    ASSIGN_OR_RETURN(double lo, ParseDouble(parts[0]));
    ASSIGN_OR_RETURN(double hi, ParseDouble(parts[1]));
    ASSIGN_OR_RETURN(auto path, Crops(s.values, lo, hi, static_cast<size_t>(a.min_segment)));
    std::vector<std::vector<std::string>> rows;
    for (const auto& e : path) {
      std::string cps;
      for (size_t cp : e.segmentation.changepoints) cps += (cps.empty() ? "" : " ") + s.Label(cp);
      rows.push_back({Fixed(e.penalty_from, 3), Fixed(e.penalty_to, 3),
                      std::to_string(e.segmentation.changepoints.size()), Fixed(e.segmentation.cost, 3), cps});
    }
    PrintRows(g.format, {"penalty_from", "penalty_to", "changes", "cost", "changepoints"}, rows,
              {true, true, true, true, false});
    return Status::Ok();
  }
  double manual = 0;
  ASSIGN_OR_RETURN(PenaltyKind kind, ParsePenalty(Trim(a.penalty), &manual));
  const double beta = PenaltyValue(kind, s.values.size(), manual);
  Segmentation seg = Pelt(s.values, beta, static_cast<size_t>(a.min_segment));
  if (g.format == "table") {
    std::printf("PELT (Poisson cost, penalty %s = %.3f, min segment %lld) over %zu %ss: %zu change points\n",
                a.penalty.c_str(), beta, static_cast<long long>(a.min_segment), s.values.size(),
                std::string(Name(s.period)).c_str(), seg.changepoints.size());
  }
  PrintRows(g.format, seg_header, segments_of(seg.changepoints), seg_numeric);
  return Status::Ok();
}

struct EffectArgs {
  SeriesArgs series;
  std::string phase;
  std::vector<std::string> at;
  int64_t window = 8;
  bool no_slope = false;
  bool no_season = false;
};

Status RunEffectCommand(const Global& g, const EffectArgs& a) {
  RETURN_IF_ERROR(CheckFormat(g.format));
  if (a.phase.empty() && a.at.empty()) return InvalidArgument("effect needs --phase ID|KEY or --at DATE");
  EffectRequest r;
  r.phase = a.phase;
  ASSIGN_OR_RETURN(r.period, ParsePeriod(Trim(a.series.by)));
  ASSIGN_OR_RETURN(r.measure, ParseMeasure(Trim(a.series.measure)));
  r.measure_name = a.series.measure;
  for (const auto& d : a.at) {
    ASSIGN_OR_RETURN(CivilDate day, CivilDate::Parse(Trim(d)));
    r.at.push_back(day.days());
  }
  ASSIGN_OR_RETURN(r.filter, BuildFilter(a.series.filter));
  r.options.window_periods = static_cast<int>(std::max<int64_t>(1, a.window));
  r.options.slope_changes = !a.no_slope;
  r.options.seasonality = !a.no_season;
  ASSIGN_OR_RETURN(auto store, OpenStore(g));
  ASSIGN_OR_RETURN(auto cube, LoadCube(store.get()));
  auto report = EstimatePhaseEffects(*cube, store.get(), r);
  if (!report.ok() && report.status().code() == StatusCode::kNotFound && !a.phase.empty()) {
    return NotFound("--phase: no phase \"" + a.phase + "\" (see `faultline phases list`)");
  }
  if (!report.ok()) return report.status();
  for (const auto& why : report->left_out) std::fprintf(stderr, "(%s: left out)\n", why.c_str());
  const Series& s = report->series;
  const EffectEstimate& est = report->estimate;
  if (g.format == "json") {
    std::cout << EffectReportJson(*report, 2) << "\n";
    return Status::Ok();
  }
  auto rr = [](const RateRatio& x) { return Fixed(x.estimate, 2) + " (" + Fixed(x.low, 2) + "-" + Fixed(x.high, 2) + ")"; };
  std::vector<std::vector<std::string>> rows;
  for (const auto& e : est.effects) {
    rows.push_back({e.label, s.Label(e.index), rr(e.level), r.options.slope_changes ? rr(e.slope) : "", rr(e.window),
                    Fixed(e.mean_before, 2), Fixed(e.mean_after, 2)});
  }
  if (g.format == "table") {
    std::printf("segmented negative-binomial regression of %s per %s, %s..%s (%zu periods), NB2 alpha %.3f\n",
                a.series.measure.c_str(), std::string(Name(s.period)).c_str(), s.Label(0).c_str(),
                s.Label(s.values.size() - 1).c_str(), s.values.size(), est.fit.alpha);
  }
  PrintRows(g.format, {"boundary", "from", "level_rr", "slope_rr", "window_rr", "mean_before", "mean_after"}, rows,
            {false, false, false, false, false, true, true});
  if (g.format == "table") {
    for (const auto& e : est.effects) std::printf("%s.\n", DescribeEffect(e, a.series.measure, s.period).c_str());
  }
  return Status::Ok();
}

// ---- init / imports ----------------------------------------------------------

Status RunInitCommand(const Global& g) {
  ASSIGN_OR_RETURN(auto store, OpenStore(g));
  ASSIGN_OR_RETURN(int v, store->SchemaVersion());
  std::printf("%s database %s ready (schema version %d)\n", std::string(store->Backend()).c_str(),
              DbUri(g).c_str(), v);
  return Status::Ok();
}

Status RunImportsCommand(const Global& g) {
  RETURN_IF_ERROR(CheckFormat(g.format));
  ASSIGN_OR_RETURN(auto store, OpenStore(g));
  ASSIGN_OR_RETURN(auto records, store->Imports());
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : records) {
    rows.push_back({r.batch_id, r.importer, r.file, r.started_at, std::to_string(r.rows_read),
                    std::to_string(r.rows_inserted), std::to_string(r.rows_updated), std::to_string(r.rows_unchanged),
                    std::to_string(r.rows_rejected)});
  }
  PrintRows(g.format, {"batch", "importer", "file", "started", "read", "new", "updated", "unchanged", "rejected"},
            rows, {false, false, false, false, true, true, true, true, true});
  return Status::Ok();
}

int Main(int argc, char** argv) {
  CLI::App app{"faultline: incident intelligence for political violence (collect, extract, resolve, measure)"};
  app.require_subcommand(1);
  Global g;
  app.add_option("--db", g.db, "database: a SQLite file or a postgresql:// URI (default $FAULTLINE_DB or ./faultline.db)");
  app.add_option("--format", g.format, "output: table, csv or json");

  Status status;
  auto run = [&](Status s) { status = std::move(s); };

  auto* init = app.add_subcommand("init", "create the database (or migrate it) and report its schema version");
  init->callback([&] { run(RunInitCommand(g)); });

  ImportArgs ia;
  auto* imp = app.add_subcommand("import", "import dataset files (atomic unless --quarantine)");
  imp->add_option("files", ia.files, "input files ('-' for stdin)")->required();
  imp->add_option("-f,--input-format", ia.format,
                  "acled, ucdp-ged, gtd, gdelt, pbc-suicide, pbc-drone, csv, ndjson (default: detect)");
  imp->add_flag("--dry-run", ia.dry_run, "read and validate everything, write nothing");
  imp->add_option("--quarantine", ia.quarantine, "commit valid rows; write rejected rows with reasons to FILE");
  imp->add_option("--batch-size", ia.batch_size, "commit every N rows (needs --quarantine)");
  imp->add_flag("--no-progress", ia.no_progress, "no progress bar even on a terminal");
  imp->add_option("--encoding", ia.encoding,
                  "text encoding of CSV/TSV input: utf-8, latin1, cp1252 (default: UTF-8; Latin-1 for PBC)");
  imp->callback([&] { run(RunImportCommand(g, ia)); });

  app.add_subcommand("imports", "list past imports with their row counts")->callback([&] { run(RunImportsCommand(g)); });

  ExportArgs ea;
  auto* exp = app.add_subcommand("export", "export incidents (csv, ndjson, geojson, xlsx, acled)");
  exp->add_option("-t,--to-format", ea.format, "csv (native), ndjson, geojson, xlsx, acled (ACLED layout)");
  exp->add_option("-o,--output", ea.output, "output file ('-' = stdout)");
  exp->add_flag("--allow-restricted", ea.allow_restricted,
                "also export rows whose licence forbids redistribution (ACLED, GTD)");
  exp->add_flag("--facts-only", ea.facts_only, "leave out notes and sources (free text)");
  AddFilterOptions(exp, &ea.filter);
  exp->callback([&] { run(RunExportCommand(g, ea)); });

  QueryArgs qa;
  auto* query = app.add_subcommand("query", "list incidents matching filters");
  query->add_flag("--count", qa.count, "print only the number of matching incidents");
  AddFilterOptions(query, &qa.filter);
  query->callback([&] { run(RunQueryCommand(g, qa)); });

  StatsArgs sa;
  auto* stats = app.add_subcommand("stats", "grouped counts: incidents, killed, injured by period, place, group...");
  stats->add_option("--by", sa.by, "day, week, month, quarter, year, country, admin1, admin2, perpetrator, "
                                   "target, attack_type, event_type, phase")
      ->delimiter(',');
  stats->add_option("--measure", sa.measures, "incidents; killed or injured [_security|_civilians|_militants|"
                                              "_unknown][_low|_high], e.g. killed_civilians_high")
      ->delimiter(',');
  stats->add_flag("--roll-up", sa.roll_up, "count factions under their parent group (actor dictionary)");
  stats->add_flag("--change", sa.change, "add the previous period, % change and trailing 4/52-week averages");
  AddFilterOptions(stats, &sa.filter);
  stats->callback([&] { run(RunStatsCommand(g, sa)); });

  auto* phases = app.add_subcommand("phases", "ceasefires, talks and military operations");
  phases->require_subcommand(1);
  PhaseArgs pa;
  auto* padd = phases->add_subcommand("add", "add a phase (or update the one with the same key)");
  padd->add_option("--key", pa.phase.key, "stable identity, e.g. ttp-ceasefire-2022")->required();
  padd->add_option("--type", pa.type, "ceasefire, talks, operation, other")->required();
  padd->add_option("--name", pa.phase.name, "name")->required();
  padd->add_option("--parties", pa.parties, "actor ids, separated by |");
  padd->add_option("--country", pa.phase.country, "ISO code it applies to (default: everywhere)");
  padd->add_option("--start", pa.start, "first day (YYYY-MM-DD)")->required();
  padd->add_option("--end", pa.end, "last day (YYYY-MM-DD); omit while it lasts");
  padd->add_option("--source", pa.phase.source, "citation");
  padd->add_option("--notes", pa.phase.notes, "notes");
  padd->callback([&] { run(RunPhasesAdd(g, pa)); });
  phases->add_subcommand("list", "list phases by start date")->callback([&] { run(RunPhasesList(g)); });
  auto* pimp = phases->add_subcommand("import", "import phases from a TSV file (data/phases/*.tsv)");
  pimp->add_option("file", pa.file, "key, type, name, parties, country, start, end, source, notes")->required();
  pimp->callback([&] { run(RunPhasesImport(g, pa)); });

  ChangepointArgs ca;
  auto* cps = app.add_subcommand("changepoints", "change points in a count series (PELT, CROPS, BOCPD)");
  cps->add_option("--by", ca.series.by, "day, week, month, quarter, year (default week)");
  cps->add_option("--measure", ca.series.measure, "what to count (default incidents)");
  cps->add_option("--penalty", ca.penalty, "bic, mbic (default) or a number");
  cps->add_option("--crops", ca.crops, "MIN,MAX: every segmentation a penalty in the range gives");
  cps->add_option("--method", ca.method, "pelt (default) or bocpd");
  cps->add_option("--min-segment", ca.min_segment, "shortest segment in periods (default 2)");
  cps->add_option("--hazard", ca.hazard, "BOCPD: prior probability of a change per period (default 0.01)");
  cps->add_option("--max-run", ca.max_run, "BOCPD: run-length cap (default 500)");
  AddFilterOptions(cps, &ca.series.filter);
  cps->callback([&] { run(RunChangepointsCommand(g, ca)); });

  EffectArgs ef;
  auto* eff = app.add_subcommand("effect", "the effect of a phase's start and end on a count (segmented NB regression)");
  eff->add_option("--phase", ef.phase, "phase id or key");
  eff->add_option("--at", ef.at, "an explicit boundary date (repeatable)");
  eff->add_option("--by", ef.series.by, "week (default) or month");
  eff->add_option("--measure", ef.series.measure, "what to count (default incidents)");
  eff->add_option("--window", ef.window, "periods after each boundary to compare (default 8)");
  eff->add_flag("--no-slope", ef.no_slope, "level changes only");
  eff->add_flag("--no-season", ef.no_season, "no seasonal terms");
  AddFilterOptions(eff, &ef.series.filter);
  eff->callback([&] { run(RunEffectCommand(g, ef)); });

  const CliContext cli{[&g] { return DbUri(g); }, [&g] { return g.format; }, run};
  AddNewsCommands(&app, cli);
  AddServeCommands(&app, cli);
  AddForecastCommands(&app, cli);
  AddPlanCommands(&app, cli);
  AddMeasureCommands(&app, MeasureContext{cli, &LoadCube});

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  if (!status.ok()) {
    std::cerr << "faultline: " << status.message() << "\n";
    return ExitCode(status.code());
  }
  return 0;
}

}  // namespace
}  // namespace faultline

int main(int argc, char** argv) { return faultline::Main(argc, argv); }
