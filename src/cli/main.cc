// The `faultline` command. Only this folder parses argv; every subcommand
// turns its flags into calls on the stages and prints their results.
// Errors: one line on stderr, and an exit code from ExitCode().
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>

#include "analysis/stats.h"
#include "cli/filter_options.h"
#include "cli/news_commands.h"
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

// Prints rows as an aligned table, CSV or a JSON array of objects.
void PrintRows(const std::string& format, const std::vector<std::string>& header,
               const std::vector<std::vector<std::string>>& rows, const std::vector<bool>& numeric) {
  if (format == "csv") {
    std::cout << CsvLine(header);
    for (const auto& r : rows) std::cout << CsvLine(r);
    return;
  }
  if (format == "json") {
    nlohmann::ordered_json arr = nlohmann::ordered_json::array();
    for (const auto& r : rows) {
      nlohmann::ordered_json o;
      for (size_t i = 0; i < header.size(); ++i) {
        if (numeric[i] && !r[i].empty()) {
          o[header[i]] = std::strtoll(r[i].c_str(), nullptr, 10);
        } else {
          o[header[i]] = r[i];
        }
      }
      arr.push_back(std::move(o));
    }
    std::cout << arr.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
    return;
  }
  std::vector<size_t> w(header.size());
  for (size_t i = 0; i < header.size(); ++i) w[i] = header[i].size();
  for (const auto& r : rows) {
    for (size_t i = 0; i < r.size(); ++i) w[i] = std::max(w[i], std::min<size_t>(r[i].size(), 40));
  }
  auto line = [&](const std::vector<std::string>& r) {
    for (size_t i = 0; i < r.size(); ++i) {
      std::string cell = r[i].size() > 40 ? r[i].substr(0, 39) + "~" : r[i];
      std::string pad(w[i] - std::min(w[i], cell.size()), ' ');
      std::cout << (i ? "  " : "") << (numeric[i] ? pad + cell : cell + (i + 1 < r.size() ? pad : ""));
    }
    std::cout << "\n";
  };
  line(header);
  std::vector<std::string> rule;
  for (size_t x : w) rule.emplace_back(x, '-');
  line(rule);
  for (const auto& r : rows) line(r);
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

// ---- stats --------------------------------------------------------------

struct StatsArgs {
  FilterOptions filter;
  std::vector<std::string> by;
  std::vector<std::string> measures = {"incidents", "killed", "injured"};
  bool totals = true;
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
  ASSIGN_OR_RETURN(Filter f, BuildFilter(a.filter));
  ASSIGN_OR_RETURN(auto store, OpenStore(g));
  ASSIGN_OR_RETURN(StatsTable t, ComputeStats(store.get(), f, dims, measures));
  std::vector<std::string> header = t.key_columns;
  header.insert(header.end(), t.measure_columns.begin(), t.measure_columns.end());
  std::vector<bool> numeric(t.key_columns.size(), false);
  numeric.resize(header.size(), true);
  std::vector<std::vector<std::string>> rows;
  for (size_t i = 0; i < t.keys.size(); ++i) {
    std::vector<std::string> r = t.keys[i];
    for (int64_t v : t.values[i]) r.push_back(std::to_string(v));
    rows.push_back(std::move(r));
  }
  if (g.format == "table" && a.totals && !t.key_columns.empty()) {
    std::vector<std::string> r(t.key_columns.size(), "");
    r[0] = "total";
    for (int64_t v : t.totals) r.push_back(std::to_string(v));
    rows.push_back(std::move(r));
  } else if (t.key_columns.empty()) {
    std::vector<std::string> r;
    for (int64_t v : t.totals) r.push_back(std::to_string(v));
    rows.push_back(std::move(r));
  }
  PrintRows(g.format, header, rows, numeric);
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
                                   "target, attack_type, event_type")
      ->delimiter(',');
  stats->add_option("--measure", sa.measures, "incidents, killed, injured, killed_security, killed_civilians, "
                                              "killed_militants, killed_unknown")
      ->delimiter(',');
  AddFilterOptions(stats, &sa.filter);
  stats->callback([&] { run(RunStatsCommand(g, sa)); });

  AddNewsCommands(&app, CliContext{[&g] { return DbUri(g); }, [&g] { return g.format; }, run});
  AddPlanCommands(&app, CliContext{[&g] { return DbUri(g); }, [&g] { return g.format; }, run});

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
