#include "cli/plan_commands.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "cli/filter_options.h"
#include "common/csv.h"
#include "common/date.h"
#include "common/text.h"
#include "faultline/store.h"
#include "gazetteer/gazetteer.h"
#include "plan/allocate.h"
#include "plan/bayesian.h"
#include "plan/heterogeneous.h"
#include "plan/patrol.h"
#include "plan/quantal.h"
#include "plan/risk.h"
#include "plan/schedule.h"
#include "plan/sse.h"

namespace faultline {
namespace {

using Json = nlohmann::ordered_json;

std::string F(double v, int digits = 3) {
  char b[64];
  std::snprintf(b, sizeof b, "%.*f", digits, v);
  return b;
}

// ---- inputs ---------------------------------------------------------------

Result<double> ParseNumber(const std::string& s, const std::string& where) {
  std::string t(Trim(s));
  char* end = nullptr;
  double v = std::strtod(t.c_str(), &end);
  if (t.empty() || *end != '\0' || !std::isfinite(v)) return InvalidArgument(where + ": \"" + s + "\" is not a number");
  return v;
}

// Reads a CSV with a header into maps, one per row, with "file:line" labels.
struct Row {
  std::map<std::string, std::string> cell;
  std::string where;
};

Result<std::vector<Row>> ReadCsvRows(const std::string& path, const std::vector<std::string>& required) {
  ASSIGN_OR_RETURN(auto reader, CsvReader::Open(path, {}));
  std::vector<std::string> header;
  std::vector<Row> rows;
  CsvRecord rec;
  while (true) {
    auto r = reader->Next(&rec);
    if (r == CsvReader::ReadResult::kEnd) break;
    std::string where = path + ":" + std::to_string(rec.line);
    if (r == CsvReader::ReadResult::kMalformed) return InvalidArgument(where + ": " + rec.error.message());
    if (!rec.fields.empty() && !rec.fields[0].empty() && rec.fields[0][0] == '#') continue;
    if (header.empty()) {
      for (const auto& f : rec.fields) header.emplace_back(Trim(f));
      for (const auto& need : required) {
        if (std::find(header.begin(), header.end(), need) == header.end()) {
          return InvalidArgument(where + ": the header has no column \"" + need + "\"");
        }
      }
      continue;
    }
    Row row;
    row.where = where;
    for (size_t i = 0; i < header.size() && i < rec.fields.size(); ++i) row.cell[header[i]] = rec.fields[i];
    rows.push_back(std::move(row));
  }
  if (!reader->io_status().ok()) return reader->io_status();
  return rows;
}

Status ReadPayoffs(const Row& row, Payoffs* p, bool defender_required) {
  auto num = [&](const char* col, double* out, bool required) -> Status {
    auto it = row.cell.find(col);
    if (it == row.cell.end() || Trim(it->second).empty()) {
      return required ? InvalidArgument(row.where + ": column " + col + ": empty") : Status::Ok();
    }
    ASSIGN_OR_RETURN(*out, ParseNumber(it->second, row.where + ": column " + col));
    return Status::Ok();
  };
  RETURN_IF_ERROR(num("attacker_covered", &p->attacker_covered, true));
  RETURN_IF_ERROR(num("attacker_uncovered", &p->attacker_uncovered, true));
  RETURN_IF_ERROR(num("defender_covered", &p->defender_covered, defender_required));
  RETURN_IF_ERROR(num("defender_uncovered", &p->defender_uncovered, defender_required));
  return Status::Ok();
}

bool IsJsonFile(const std::string& path) { return path.size() > 5 && path.substr(path.size() - 5) == ".json"; }

Result<Json> ReadJson(const std::string& path) {
  std::ifstream in(path);
  if (!in) return NotFound(path + ": cannot open");
  try {
    return Json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    return InvalidArgument(path + ": not valid JSON: " + e.what());
  }
}

Result<Payoffs> JsonPayoffs(const Json& o, const Payoffs& base, const std::string& where) {
  Payoffs p = base;
  auto num = [&](const char* k, double* out) -> Status {
    if (!o.contains(k)) return Status::Ok();
    if (!o[k].is_number()) return InvalidArgument(where + ": \"" + k + "\" is not a number");
    *out = o[k].get<double>();
    return Status::Ok();
  };
  RETURN_IF_ERROR(num("defender_covered", &p.defender_covered));
  RETURN_IF_ERROR(num("defender_uncovered", &p.defender_uncovered));
  RETURN_IF_ERROR(num("attacker_covered", &p.attacker_covered));
  RETURN_IF_ERROR(num("attacker_uncovered", &p.attacker_uncovered));
  return p;
}

// "attackers": [{"name", "weight", "payoffs": [{"target", payoffs...}]}];
// a target a type does not list keeps the target's own payoffs.
Status ParseJsonAttackers(const Json& arr, const std::vector<Target>& targets, const std::string& path,
                          std::vector<AttackerType>* out) {
  if (!arr.is_array()) return InvalidArgument(path + ": \"attackers\" is not an array");
  int a = 0;
  for (const auto& o : arr) {
    std::string where = path + ": attackers[" + std::to_string(a++) + "]";
    if (!o.is_object() || !o.contains("name") || !o["name"].is_string()) {
      return InvalidArgument(where + ": needs a string \"name\"");
    }
    AttackerType type;
    type.name = o["name"].get<std::string>();
    if (o.contains("weight")) {
      if (!o["weight"].is_number()) return InvalidArgument(where + ": \"weight\" is not a number");
      type.weight = o["weight"].get<double>();
    }
    for (const auto& t : targets) type.payoffs.push_back(t.payoffs);
    if (o.contains("payoffs") && !o["payoffs"].is_array()) return InvalidArgument(where + ": \"payoffs\" is not an array");
    for (const auto& p : o.value("payoffs", Json::array())) {
      if (!p.is_object() || !p.contains("target") || !p["target"].is_string()) {
        return InvalidArgument(where + ": each payoff needs a string \"target\"");
      }
      std::string id = p["target"].get<std::string>();
      auto it = std::find_if(targets.begin(), targets.end(), [&](const Target& t) { return t.id == id; });
      if (it == targets.end()) return InvalidArgument(where + ": unknown target \"" + id + "\"");
      size_t k = it - targets.begin();
      ASSIGN_OR_RETURN(type.payoffs[k], JsonPayoffs(p, type.payoffs[k], where));
    }
    out->push_back(std::move(type));
  }
  return Status::Ok();
}

// Targets from CSV (id,name,kind,defender_covered,defender_uncovered,
// attacker_covered,attacker_uncovered,lat,lon) or JSON ({"targets": [...],
// "attackers": [...]}; attackers optional).
Status LoadTargets(const std::string& path, std::vector<Target>* targets, std::vector<AttackerType>* attackers) {
  if (IsJsonFile(path)) {
    ASSIGN_OR_RETURN(Json j, ReadJson(path));
    if (!j.is_object() || !j.contains("targets") || !j["targets"].is_array()) {
      return InvalidArgument(path + ": expected an object with a \"targets\" array");
    }
    int i = 0;
    for (const auto& o : j["targets"]) {
      std::string where = path + ": targets[" + std::to_string(i++) + "]";
      if (!o.is_object() || !o.contains("id") || !o["id"].is_string()) return InvalidArgument(where + ": needs a string \"id\"");
      Target t;
      t.id = o["id"].get<std::string>();
      try {
        t.name = o.value("name", t.id);
        t.kind = o.value("kind", std::string("target"));
      } catch (const nlohmann::json::exception&) {
        return InvalidArgument(where + ": \"name\" and \"kind\" must be strings");
      }
      ASSIGN_OR_RETURN(t.payoffs, JsonPayoffs(o, {}, where));
      if (o.contains("lat") && o["lat"].is_number()) t.lat = o["lat"].get<double>();
      if (o.contains("lon") && o["lon"].is_number()) t.lon = o["lon"].get<double>();
      t.basis = "given in " + path;
      targets->push_back(std::move(t));
    }
    if (j.contains("attackers")) RETURN_IF_ERROR(ParseJsonAttackers(j["attackers"], *targets, path, attackers));
    return Status::Ok();
  }
  ASSIGN_OR_RETURN(auto rows, ReadCsvRows(path, {"id", "defender_covered", "defender_uncovered", "attacker_covered",
                                                 "attacker_uncovered"}));
  for (const Row& r : rows) {
    Target t;
    t.id = std::string(Trim(r.cell.at("id")));
    if (t.id.empty()) return InvalidArgument(r.where + ": column id: empty");
    t.name = r.cell.count("name") && !r.cell.at("name").empty() ? r.cell.at("name") : t.id;
    if (r.cell.count("kind") && !r.cell.at("kind").empty()) t.kind = r.cell.at("kind");
    RETURN_IF_ERROR(ReadPayoffs(r, &t.payoffs, true));
    for (const char* c : {"lat", "lon"}) {
      if (r.cell.count(c) && !Trim(r.cell.at(c)).empty()) {
        ASSIGN_OR_RETURN(double v, ParseNumber(r.cell.at(c), r.where + ": column " + c));
        (std::string(c) == "lat" ? t.lat : t.lon) = v;
      }
    }
    t.basis = "given in " + path;
    targets->push_back(std::move(t));
  }
  return Status::Ok();
}

// Unit kinds from CSV: kind,count[,capacity][,effectiveness][,targets].
// `targets` lists, `;`-separated, the ids or names of the targets a kind may
// cover, or a kind of target ("district", "segment"); empty or "*" = all.
Status LoadUnitKinds(const std::string& path, const std::vector<Target>& targets, std::vector<ResourceKind>* out) {
  ASSIGN_OR_RETURN(auto rows, ReadCsvRows(path, {"kind", "count"}));
  for (const Row& r : rows) {
    ResourceKind k;
    k.name = std::string(Trim(r.cell.at("kind")));
    if (k.name.empty()) return InvalidArgument(r.where + ": column kind: empty");
    auto integer = [&](const char* col, int* v) -> Status {
      auto it = r.cell.find(col);
      if (it == r.cell.end() || Trim(it->second).empty()) return Status::Ok();
      ASSIGN_OR_RETURN(double d, ParseNumber(it->second, r.where + ": column " + col));
      if (d < 0 || d != std::floor(d) || d > 1e6) {
        return InvalidArgument(r.where + ": column " + col + ": \"" + it->second + "\" is not a whole number >= 0");
      }
      *v = static_cast<int>(d);
      return Status::Ok();
    };
    RETURN_IF_ERROR(integer("count", &k.count));
    RETURN_IF_ERROR(integer("capacity", &k.capacity));
    if (auto it = r.cell.find("effectiveness"); it != r.cell.end() && !Trim(it->second).empty()) {
      ASSIGN_OR_RETURN(k.effectiveness, ParseNumber(it->second, r.where + ": column effectiveness"));
      if (!(k.effectiveness > 0 && k.effectiveness <= 1)) {
        return InvalidArgument(r.where + ": column effectiveness: must be in (0, 1]");
      }
    }
    std::vector<std::string> wanted;
    if (auto it = r.cell.find("targets"); it != r.cell.end()) {
      for (std::string_view item : Split(it->second, ';')) wanted.emplace_back(Trim(item));
    }
    ASSIGN_OR_RETURN(k.allowed, UnitKindTargets(targets, wanted, r.where + ": column targets"));
    out->push_back(std::move(k));
  }
  if (out->empty()) return InvalidArgument(path + ": no unit kinds");
  return Status::Ok();
}

// Attacker types from CSV: type,weight,target,attacker_covered,
// attacker_uncovered[,defender_covered,defender_uncovered]. A target a type
// does not list keeps the targets file's payoffs for it.
Status LoadAttackers(const std::string& path, const std::vector<Target>& targets, std::vector<AttackerType>* out) {
  if (IsJsonFile(path)) {
    ASSIGN_OR_RETURN(Json j, ReadJson(path));
    if (!j.is_object() || !j.contains("attackers")) return InvalidArgument(path + ": expected {\"attackers\": [...]}");
    RETURN_IF_ERROR(ParseJsonAttackers(j["attackers"], targets, path, out));
    if (out->empty()) return InvalidArgument(path + ": no attacker types");
    return Status::Ok();
  }
  ASSIGN_OR_RETURN(auto rows, ReadCsvRows(path, {"type", "target", "attacker_covered", "attacker_uncovered"}));
  std::map<std::string, size_t> index;
  for (const Row& r : rows) {
    std::string type(Trim(r.cell.at("type")));
    if (type.empty()) return InvalidArgument(r.where + ": column type: empty");
    auto [it, added] = index.emplace(type, out->size());
    if (added) {
      AttackerType a;
      a.name = type;
      for (const auto& t : targets) a.payoffs.push_back(t.payoffs);
      out->push_back(std::move(a));
    }
    AttackerType& a = (*out)[it->second];
    if (r.cell.count("weight") && !Trim(r.cell.at("weight")).empty()) {
      ASSIGN_OR_RETURN(a.weight, ParseNumber(r.cell.at("weight"), r.where + ": column weight"));
    }
    std::string id(Trim(r.cell.at("target")));
    auto t = std::find_if(targets.begin(), targets.end(), [&](const Target& x) { return x.id == id; });
    if (t == targets.end()) return InvalidArgument(r.where + ": column target: unknown target \"" + id + "\"");
    RETURN_IF_ERROR(ReadPayoffs(r, &a.payoffs[t - targets.begin()], false));
  }
  if (out->empty()) return InvalidArgument(path + ": no attacker types");
  return Status::Ok();
}

// ---- secrets --------------------------------------------------------------

// Creates (or truncates) `path` readable by its owner only and writes
// `content`. The caller prints nothing of `content`.
Status WriteSecretFile(const std::string& path, const std::string& content) {
  // O_NONBLOCK: a FIFO without a reader fails at once instead of waiting;
  // then anything but a regular file (a terminal, a pipe, a socket) is
  // refused, so a schedule and its seed can only land in a 0600 file.
  struct stat before {};
  if (::lstat(path.c_str(), &before) == 0 && !S_ISREG(before.st_mode)) {
    return InvalidArgument(path + ": not a regular file; schedules are written only to a file (mode 0600)");
  }
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0600);
  if (fd < 0) return IoError(path + ": cannot create: " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return InvalidArgument(path + ": not a regular file; schedules are written only to a file (mode 0600)");
  }
  Status s;
  if (::ftruncate(fd, 0) != 0) s = IoError(path + ": cannot truncate: " + std::strerror(errno));
  if (s.ok() && ::fchmod(fd, 0600) != 0) s = IoError(path + ": cannot set mode 0600: " + std::strerror(errno));
  size_t done = 0;
  while (s.ok() && done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      s = IoError(path + ": write failed: " + std::strerror(errno));
      break;
    }
    done += static_cast<size_t>(n);
  }
  if (::close(fd) != 0 && s.ok()) s = IoError(path + ": close failed");
  return s;
}

Status WriteGeoJson(const std::string& path, const Json& features) {
  Json fc = {{"type", "FeatureCollection"}, {"features", features}};
  std::ofstream out(path);
  if (!out) return IoError(path + ": cannot create");
  out << fc.dump(1) << "\n";
  if (!out) return IoError(path + ": write failed");
  return Status::Ok();
}

void PrintTable(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                const std::vector<bool>& numeric) {
  std::vector<size_t> w(header.size());
  for (size_t i = 0; i < header.size(); ++i) w[i] = header[i].size();
  for (const auto& r : rows) {
    for (size_t i = 0; i + 1 < r.size(); ++i) w[i] = std::max(w[i], std::min<size_t>(r[i].size(), 32));
  }
  auto line = [&](const std::vector<std::string>& r) {
    for (size_t i = 0; i < r.size(); ++i) {
      bool last = i + 1 == r.size();
      std::string cell = !last && r[i].size() > 32 ? r[i].substr(0, 31) + "~" : r[i];
      std::string pad(last ? 0 : w[i] - std::min(w[i], cell.size()), ' ');
      std::cout << (i ? "  " : "") << (numeric[i] ? pad + cell : cell + pad);
    }
    std::cout << "\n";
  };
  line(header);
  std::vector<std::string> rule;
  for (size_t i = 0; i < w.size(); ++i) rule.emplace_back(i + 1 == w.size() ? header[i].size() : w[i], '-');
  line(rule);
  for (const auto& r : rows) line(r);
}

// ---- plan allocate ----------------------------------------------------------

struct AllocateArgs {
  double resources = -1;
  std::string units;
  std::string unit_kinds_file;
  bool from_data = false;
  bool from_forecast = false;
  std::string forecast_run, casualty_run;
  int horizon = 1;
  std::string targets_file, attackers_file;
  std::string model = "sse";
  double lambda = 0.1;
  int grid = 20;
  int window_days = 365;
  std::string as_of;
  FilterOptions filter;
  PayoffRule rule;
  std::string geojson;
  std::string schedule_out;
  int days = 30;
  std::optional<uint64_t> seed;
};

Status RunAllocate(const CliContext& ctx, AllocateArgs a) {
  const std::string format = ctx.format();
  if (format != "table" && format != "json") return InvalidArgument("--format: plan prints table or json");
  if (a.model != "sse" && a.model != "bayesian" && a.model != "qr") {
    return InvalidArgument("--model: \"" + a.model + "\" is not one of sse, bayesian, qr");
  }
  const bool derived = a.from_data || a.from_forecast;
  if (int{a.from_data} + int{a.from_forecast} + int{!a.targets_file.empty()} != 1) {
    return InvalidArgument("give exactly one of --from-data, --from-forecast [RUN] and --targets FILE");
  }
  if (!a.attackers_file.empty() && derived) {
    return InvalidArgument("--attackers goes with --targets; --from-data and --from-forecast derive attacker types "
                           "from who attacked what");
  }
  if (!a.casualty_run.empty() && !a.from_forecast) return InvalidArgument("--casualty-forecast goes with --from-forecast");
  std::vector<UnitType> units;
  if (!a.units.empty()) {
    ASSIGN_OR_RETURN(units, ParseUnitTypes(a.units));
    if (a.resources < 0) a.resources = TotalSlots(units);
    if (std::fabs(a.resources - TotalSlots(units)) > 1e-9) {
      return InvalidArgument("--units give " + std::to_string(TotalSlots(units)) + " slots but --resources is " +
                             F(a.resources, 0));
    }
  }
  if (!a.unit_kinds_file.empty()) {
    if (!a.units.empty()) return InvalidArgument("give --units or --unit-kinds FILE, not both");
    if (a.model != "sse") {
      return InvalidArgument("--unit-kinds works with --model sse (one attacker type, best response)");
    }
  } else if (a.resources < 0) {
    return InvalidArgument("--resources N is required (or --units, --unit-kinds FILE)");
  }
  if (a.days < 1 || a.days > 3660) return InvalidArgument("--days must be from 1 to 3660");
  if (!(a.rule.effectiveness > 0 && a.rule.effectiveness <= 1)) {
    return InvalidArgument("--effectiveness must be in (0, 1]");
  }
  if (a.rule.max_types < 0) return InvalidArgument("--max-types must not be negative");

  std::vector<Target> targets;
  std::vector<AttackerType> attackers;
  AllocationNotes notes;
  if (derived) {
    ASSIGN_OR_RETURN(Filter f, BuildFilter(a.filter));
    ASSIGN_OR_RETURN(auto store, Store::Open(ctx.db_uri()));
    ThreatGame g;
    if (a.from_data) {
      HistoryOptions ho;
      ho.window_days = a.window_days;
      if (!a.as_of.empty()) {
        ASSIGN_OR_RETURN(CivilDate d, CivilDate::Parse(a.as_of));
        ho.as_of = d.days();
      }
      ASSIGN_OR_RETURN(g, GameFromHistory(store.get(), f, ho, a.rule, a.resources, a.model == "bayesian"));
    } else {
      ForecastThreatOptions fo;
      fo.run = a.forecast_run;
      fo.horizon = a.horizon;
      fo.casualty_run = a.casualty_run;
      fo.group_window_days = a.window_days;
      ASSIGN_OR_RETURN(g, GameFromForecast(store.get(), f, fo, a.rule, a.resources, a.model == "bayesian"));
    }
    targets = std::move(g.targets);
    attackers = std::move(g.attackers);
    notes.source = g.source;
    notes.formula = g.formula;
  } else {
    RETURN_IF_ERROR(LoadTargets(a.targets_file, &targets, &attackers));
    if (!a.attackers_file.empty()) {
      attackers.clear();
      RETURN_IF_ERROR(LoadAttackers(a.attackers_file, targets, &attackers));
    }
    notes.source = "payoffs from " + a.targets_file + (a.attackers_file.empty() ? "" : " and " + a.attackers_file);
  }
  if (a.model == "bayesian" && attackers.empty()) {
    return InvalidArgument("--model bayesian needs attacker types: --attackers FILE, an \"attackers\" array, or --from-data");
  }
  AllocationOptions ao;
  if (!a.unit_kinds_file.empty()) {
    RETURN_IF_ERROR(LoadUnitKinds(a.unit_kinds_file, targets, &ao.kinds));
    int slots = 0;
    for (const auto& k : ao.kinds) slots += k.slots();
    if (a.resources >= 0 && std::fabs(a.resources - slots) > 1e-9) {
      return InvalidArgument(a.unit_kinds_file + " gives " + std::to_string(slots) + " slots but --resources is " +
                             F(a.resources, 0));
    }
    a.resources = slots;
  }
  const size_t n = targets.size();
  ao.model = a.model;
  ao.resources = a.resources;
  ao.lambda = a.lambda;
  ao.grid = a.grid;
  ASSIGN_OR_RETURN(Allocation alloc, Allocate(targets, attackers, ao));
  const auto& rows = alloc.rows;

  // Schedules: only to the 0600 file, never to the terminal.
  notes.schedule = "not drawn (pass --schedule-out FILE; schedules are for the admin role only)";
  if (!a.schedule_out.empty()) {
    uint64_t seed = ChooseSeed(a.seed);
    ASSIGN_OR_RETURN(auto days, DrawAllocationSchedule(alloc, units, a.days, seed));
    RETURN_IF_ERROR(WriteSecretFile(a.schedule_out, DeploymentScheduleJson(alloc, days, targets, seed, 1) + "\n"));
    notes.schedule = std::to_string(a.days) + " days written to " + a.schedule_out + " (mode 0600, admin only)";
  }

  if (!a.geojson.empty()) {
    Json features = Json::array();
    for (size_t t = 0; t < n; ++t) {
      if (!targets[t].lat || !targets[t].lon) continue;
      features.push_back({{"type", "Feature"},
                          {"geometry", {{"type", "Point"}, {"coordinates", {*targets[t].lon, *targets[t].lat}}}},
                          {"properties",
                           {{"layer", "plan-allocate"}, {"id", targets[t].id}, {"name", targets[t].name},
                            {"model", a.model}, {"coverage", rows[t].coverage},
                            {"in_attack_set", rows[t].in_attack_set}, {"reason", rows[t].reason}}}});
    }
    RETURN_IF_ERROR(WriteGeoJson(a.geojson, features));
  }

  if (format == "json") {
    std::cout << AllocationJson(alloc, targets, notes, 2) << "\n";
    return Status::Ok();
  }
  std::cout << "model: " << a.model << "   resources: " << F(a.resources, 2) << "   targets: " << n << "\n";
  std::cout << "source: " << notes.source << "\n";
  if (derived) std::cout << "payoffs: " << notes.formula << "\n";
  std::cout << "defender's expected utility: " << F(alloc.defender_utility, 2);
  if (a.model == "sse") {
    std::cout << "   attacker held to: " << F(alloc.attacker_utility, 2) << "   attacked: " << alloc.attacked;
  }
  std::cout << "\n\n";
  std::vector<size_t> order(n);
  for (size_t i = 0; i < n; ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) { return rows[x].coverage > rows[y].coverage; });
  std::vector<std::vector<std::string>> table;
  for (size_t t : order) {
    table.push_back({targets[t].name, F(rows[t].coverage), F(rows[t].attacker_utility, 1), F(rows[t].defender_utility, 1),
                     rows[t].reason});
  }
  PrintTable({"target", "coverage", "attacker", "defender", "why"}, table, {false, true, true, true, false});
  if (a.model == "bayesian") {
    std::cout << "\n";
    std::vector<std::vector<std::string>> tt;
    for (const auto& t : alloc.types) tt.push_back({t.name, F(t.weight), t.attacks, F(t.defender_utility, 1)});
    PrintTable({"attacker type", "weight", "attacks", "defender"}, tt, {false, true, false, true});
  }
  std::cout << "\nif the attacker is not the one modelled:\n";
  std::vector<std::vector<std::string>> dt;
  for (const auto& d : alloc.deviations) dt.push_back({d.attacker, F(d.defender_utility, 2)});
  PrintTable({"attacker", "defender utility"}, dt, {false, true});
  if (derived) {
    std::cout << "\nbasis per target: --format json (\"basis\")\n";
  }
  std::cout << "schedule: " << notes.schedule << "\n";
  return Status::Ok();
}

// ---- plan patrol --------------------------------------------------------------

struct PatrolArgs {
  std::string border;
  int units = 0;
  double range_km = 300;
  int days = 30;
  std::optional<uint64_t> seed;
  std::string schedule_out;
  std::string geojson;
};

Status RunPatrol(const CliContext& ctx, const PatrolArgs& a) {
  const std::string format = ctx.format();
  if (format != "table" && format != "json") return InvalidArgument("--format: plan prints table or json");
  if (a.days < 1 || a.days > 3660) return InvalidArgument("--days must be from 1 to 3660");
  ASSIGN_OR_RETURN(Border border, LoadBorder(a.border));
  ASSIGN_OR_RETURN(PatrolPlan plan, SolvePatrol(border, a.units, a.range_km));
  const auto& seg = border.segments;
  PatrolExplained ex = ExplainPatrol(border, plan);
  const auto& best = ex.best;
  const auto& reason = ex.reason;
  const double expected_units = ex.expected_units;
  std::string schedule_note = "not drawn (pass --schedule-out FILE; schedules are for the admin role only)";
  if (!a.schedule_out.empty()) {
    uint64_t seed = ChooseSeed(a.seed);
    ASSIGN_OR_RETURN(std::string secret, PatrolScheduleJson(border, a.border, plan, a.units, a.days, seed, 1));
    RETURN_IF_ERROR(WriteSecretFile(a.schedule_out, secret + "\n"));
    schedule_note = std::to_string(a.days) + " days written to " + a.schedule_out + " (mode 0600, admin only)";
  }
  if (!a.geojson.empty()) {
    Json features = Json::array();
    for (size_t s = 0; s < seg.size(); ++s) {
      if (!seg[s].lat || !seg[s].lon) continue;
      features.push_back({{"type", "Feature"},
                          {"geometry", {{"type", "Point"}, {"coordinates", {*seg[s].lon, *seg[s].lat}}}},
                          {"properties",
                           {{"layer", "plan-patrol"}, {"id", seg[s].id}, {"name", seg[s].name},
                            {"coverage", plan.coverage[s]}, {"attacker_value", plan.attacker_value[s]},
                            {"best_crossing", static_cast<bool>(best[s])}, {"reason", reason[s]}}}});
    }
    RETURN_IF_ERROR(WriteGeoJson(a.geojson, features));
  }
  if (format == "json") {
    std::cout << PatrolJson(border, a.border, a.units, a.range_km, plan, schedule_note, 2) << "\n";
    return Status::Ok();
  }
  std::cout << "border: " << a.border << "   segments: " << seg.size() << "   units: " << a.units
            << "   range: " << F(a.range_km, 0) << " km (terrain-weighted)   windows: " << plan.windows.size() << "\n";
  std::cout << "crosser's best expected value (the defender's worst case): " << F(plan.worst_case, 2)
            << "   units out per shift on average: " << F(expected_units, 2) << "\n\n";
  std::vector<std::vector<std::string>> table;
  for (size_t s = 0; s < seg.size(); ++s) {
    std::string crossings;
    for (const auto& c : seg[s].crossings) crossings += (crossings.empty() ? "" : ";") + c;
    table.push_back({seg[s].name, F(seg[s].length_km, 0), F(seg[s].terrain, 1), crossings, F(seg[s].risk, 1),
                     F(plan.coverage[s]), F(plan.attacker_value[s], 1), reason[s]});
  }
  PrintTable({"segment", "km", "terrain", "crossings", "risk", "coverage", "crosser", "why"}, table,
             {false, true, true, false, true, true, true, false});
  std::cout << "schedule: " << schedule_note << "\n";
  return Status::Ok();
}

}  // namespace

void AddPlanCommands(CLI::App* app, const CliContext& ctx) {
  auto* plan = app->add_subcommand("plan", "plan the defence: force allocation and border patrols as security games");
  plan->require_subcommand(1);

  auto a = std::make_shared<AllocateArgs>();
  auto* alloc = plan->add_subcommand("allocate", "optimal coverage of targets against an attacker who watches");
  alloc->add_option("--resources", a->resources, "number of identical units (each covers one target a shift)");
  alloc->add_option("--units", a->units, "unit types for schedules: name:count[xcapacity],... (e.g. police:4,army:2x3)");
  alloc->add_option("--unit-kinds", a->unit_kinds_file,
                    "unit kinds CSV (kind,count,capacity,effectiveness,targets): which targets each kind may cover");
  alloc->add_flag("--from-data", a->from_data, "derive targets and payoffs from the incidents in --db (districts)");
  auto* from_forecast = alloc->add_option(
      "--from-forecast", a->forecast_run,
      "targets and payoffs from a stored forecast run of incidents (default: the latest run): expected attacks per unit");
  from_forecast->expected(0, 1);
  alloc->add_option("--horizon", a->horizon, "--from-forecast: which period ahead (default 1)");
  alloc->add_option("--casualty-forecast", a->casualty_run,
                    "--from-forecast: a forecast run of killed over the same units, for the consequence");
  alloc->add_option("--targets", a->targets_file, "targets and payoffs: CSV or JSON");
  alloc->add_option("--attackers", a->attackers_file, "attacker types with weights and payoffs: CSV or JSON");
  alloc->add_option("--model", a->model, "sse (ORIGAMI), bayesian (DOBSS MILP), qr (quantal response)");
  alloc->add_option("--lambda", a->lambda, "quantal response rationality (0 = random), on the payoffs' scale");
  alloc->add_option("--qr-grid", a->grid, "quantal response: coverage steps per unit (default 20)");
  alloc->add_option("--window-days", a->window_days,
                    "--from-data: days of history for attack rates; --from-forecast: for who attacks where (365)");
  alloc->add_option("--as-of", a->as_of, "--from-data: end of the window (default: the latest attack)");
  alloc->add_option("--effectiveness", a->rule.effectiveness, "--from-data/--from-forecast: share of the loss coverage prevents (0.8)");
  alloc->add_option("--max-types", a->rule.max_types, "--from-data/--from-forecast bayesian: named attacker types (3)");
  alloc->add_option("--geojson", a->geojson, "write a GeoJSON map layer of the coverage to FILE");
  alloc->add_option("--schedule-out", a->schedule_out, "draw daily deployments into FILE (mode 0600; admin only)");
  alloc->add_option("--days", a->days, "days of schedule to draw (default 30)");
  alloc->add_option("--seed", a->seed, "seed for the draws (written only into the schedule file)");
  AddFilterOptions(alloc, &a->filter);
  alloc->callback([ctx, a, from_forecast] {
    a->from_forecast = from_forecast->count() > 0;
    ctx.run(RunAllocate(ctx, *a));
  });

  auto p = std::make_shared<PatrolArgs>();
  auto* patrol = plan->add_subcommand("patrol", "patrol windows along a border against a watching crosser");
  patrol->add_option("--border", p->border, "border CSV (e.g. data/plan/pak_afghan_border.csv)")->required();
  patrol->add_option("--units", p->units, "patrol units per shift")->required();
  patrol->add_option("--range-km", p->range_km, "terrain-weighted km a unit covers in a shift (default 300)");
  patrol->add_option("--days", p->days, "days of shifts to draw (default 30)");
  patrol->add_option("--seed", p->seed, "seed for the draws (written only into the schedule file)");
  patrol->add_option("--schedule-out", p->schedule_out, "draw shifts into FILE (mode 0600; admin only)");
  patrol->add_option("--geojson", p->geojson, "write a GeoJSON map layer of the coverage to FILE");
  patrol->callback([ctx, p] { ctx.run(RunPatrol(ctx, *p)); });
}

}  // namespace faultline
