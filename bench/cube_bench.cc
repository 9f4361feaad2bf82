// The stats cube's query times: the benchmark query (month x admin1,
// incidents and killed, one filter: event type explosions/remote violence),
// a filtered dashboard query (one province, the last two years, by week)
// and one the per-day pre-aggregate cannot answer (month x admin1 for one
// perpetrator), each also with every row read (GroupOptions::scan_rows).
// Prints the cube's bytes per incident. Times are wall (median, min) and
// this thread's CPU time (the machine may be shared).
//
// Usage: cube_bench DB [RUNS]            loads the cube from a store
//                                        (bench/run.sh stats runs it beside sqlite3)
//        cube_bench --generate N [RUNS]  fills it in memory with N incidents
//                                        drawn as gen_incidents draws them
// Builds against older cube.h too (no scan_rows there: those lines are skipped;
// no ShrinkToFit: the memory line then counts the columns' spare capacity).
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "analysis/cube.h"
#include "incident_draws.h"

namespace {

using namespace faultline;

double ThreadCpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) * 1e-6;
}

// Cube::ShrinkToFit where the cube has it (Load shrinks in every version).
template <typename C>
void Shrink(C& cube) {
  if constexpr (requires { cube.ShrinkToFit(); }) cube.ShrinkToFit();
}

// Sets options.scan_rows where the cube has it; false where it does not.
template <typename O>
bool ScanRows(O& options) {
  if constexpr (requires { options.scan_rows; }) {
    options.scan_rows = true;
    return true;
  } else {
    return false;
  }
}

// Sets options.rows so that every row of a block is read (each weighted by
// its mask) where the cube has that choice; false where it does not.
template <typename O>
bool EveryRow(O& options) {
  if constexpr (requires { options.rows = O::Rows::kEvery; }) {
    options.rows = O::Rows::kEvery;
    return true;
  } else {
    return false;
  }
}

// The incidents of bench/gen_incidents.cc, straight into a cube.
Status Generate(Cube* cube, long n, uint64_t seed) {
  IncidentFacts f;
  f.country = "PK";
  f.license = "project";
  f.importer = "gen";
  Status s;
  DrawIncidents(n, seed, [&](const IncidentDraw& d) {
    ++f.id;
    CopyDraw(d, f);
    f.killed = f.killed_low = f.killed_high = {};
    f.killed[d.killed_category] = f.killed_low[d.killed_category] = f.killed_high[d.killed_category] = d.killed;
    f.injured = f.injured_low = f.injured_high = {};
    f.injured[1] = f.injured_low[1] = f.injured_high[1] = d.injured;
    s = cube->Upsert(f);
    return s.ok();
  });
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  using Clock = std::chrono::steady_clock;
  if (argc < 2 || (std::strcmp(argv[1], "--generate") == 0 && argc < 3)) {
    std::fprintf(stderr, "usage: cube_bench DB [RUNS] | cube_bench --generate N [RUNS]\n");
    return 2;
  }
  const bool generate = std::strcmp(argv[1], "--generate") == 0;
  const int arg_runs = generate ? 3 : 2;
  const int runs = argc > arg_runs ? std::atoi(argv[arg_runs]) : 20;
  std::unique_ptr<Cube> cube;
  auto t0 = Clock::now();
  if (generate) {
    cube = std::make_unique<Cube>();
    Status s = Generate(cube.get(), std::atol(argv[2]), 42);
    if (!s.ok()) {
      std::fprintf(stderr, "%s\n", s.ToString().c_str());
      return 1;
    }
    Shrink(*cube);  // as Load leaves it (older cubes: not possible, memory then includes spare capacity)
  } else {
    auto store = Store::Open(argv[1]);
    if (!store.ok()) {
      std::fprintf(stderr, "%s\n", store.status().ToString().c_str());
      return 1;
    }
    auto loaded = Cube::Load(store->get());
    if (!loaded.ok()) {
      std::fprintf(stderr, "%s\n", loaded.status().ToString().c_str());
      return 1;
    }
    cube = std::move(*loaded);
  }
  const double load = std::chrono::duration<double>(Clock::now() - t0).count();
  const size_t n = cube->size();
  std::printf("cube %-35s %8.2f s   %zu incidents\n", generate ? "filled in memory (Upsert each)" : "load from SQLite (one scan, once)",
              load, n);
  std::printf("cube memory                              %8.1f bytes/incident (%.0f MiB)\n",
              static_cast<double>(cube->MemoryBytes()) / static_cast<double>(std::max<size_t>(n, 1)),
              static_cast<double>(cube->MemoryBytes()) / (1 << 20));
  auto time_query = [&](const char* label, const Filter& f, const std::vector<Dimension>& by, bool scan,
                        bool every = false) {
    Cube::GroupOptions options;
    if (scan && !ScanRows(options)) return;
    if (every && !EveryRow(options)) return;
    auto q = cube->Compile(f, nullptr);
    std::vector<double> ms, cpu;
    size_t rows = 0;
    int64_t total = 0, killed = 0;
    for (int i = 0; i < runs; ++i) {
      auto s = Clock::now();
      const double c0 = ThreadCpuMs();
      auto t = cube->GroupBy(**q, by, {Measure::Incidents(), Measure::Killed()}, options);
      cpu.push_back(ThreadCpuMs() - c0);
      ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - s).count());
      rows = t->keys.size();
      total = t->totals[0];
      killed = t->totals[1];
    }
    std::sort(ms.begin(), ms.end());
    std::sort(cpu.begin(), cpu.end());
    std::printf("%-44s %8.3f ms median (min %.3f; CPU median %.3f ms, one thread; %d runs; %zu rows, %lld incidents, %lld killed)\n",
                label, ms[ms.size() / 2], ms[0], cpu[cpu.size() / 2], runs, rows, static_cast<long long>(total),
                static_cast<long long>(killed));
  };
  Filter one;
  one.event_types = {EventType::kExplosionsRemoteViolence};
  Filter dash;
  dash.admin1 = {"Balochistan"};
  dash.date_from = cube->MaxDate() - 730;
  Filter perp;
  perp.perpetrators = {"TTP"};
  for (bool scan : {false, true}) {
    time_query(scan ? "cube month x admin1, 1 filter [rows]" : "cube month x admin1, 1 filter", one,
               {Dimension::kMonth, Dimension::kAdmin1}, scan);
    time_query(scan ? "cube dashboard: 1 province, 2 years, week [rows]" : "cube dashboard: 1 province, 2 years, week",
               dash, {Dimension::kWeek}, scan);
    time_query(scan ? "cube month x admin1, 1 perpetrator [rows]" : "cube month x admin1, 1 perpetrator", perp,
               {Dimension::kMonth, Dimension::kAdmin1}, scan);
  }
  // The row path's other way of adding up a block (what it picks when half
  // of a block or more passes): every row, a failing one adding 0.
  time_query("cube month x admin1, 1 filter [every row]", one, {Dimension::kMonth, Dimension::kAdmin1}, true, true);
  return 0;
}
