// The stats cube against the row store: loads a cube from DB, then times
// the benchmark query (month x admin1, incidents and killed, one filter:
// event type explosions/remote violence) and a filtered dashboard query
// (one province, the last two years, by week). Prints the cube's bytes per
// incident. Times are wall (median, min) and this thread's CPU time (the
// machine may be shared). Usage: cube_bench DB [RUNS]  (bench/run.sh stats runs it beside sqlite3)
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "analysis/cube.h"

namespace {
double ThreadCpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) * 1e-6;
}
}  // namespace

int main(int argc, char** argv) {
  using namespace faultline;
  using Clock = std::chrono::steady_clock;
  if (argc < 2) {
    std::fprintf(stderr, "usage: cube_bench DB [RUNS]\n");
    return 2;
  }
  const int runs = argc > 2 ? std::atoi(argv[2]) : 20;
  auto store = Store::Open(argv[1]);
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.status().ToString().c_str());
    return 1;
  }
  auto t0 = Clock::now();
  auto cube = Cube::Load(store->get());
  if (!cube.ok()) {
    std::fprintf(stderr, "%s\n", cube.status().ToString().c_str());
    return 1;
  }
  const double load = std::chrono::duration<double>(Clock::now() - t0).count();
  const size_t n = (*cube)->size();
  std::printf("cube load from SQLite (one scan, once)   %8.2f s   %zu incidents\n", load, n);
  std::printf("cube memory                              %8.1f bytes/incident (%.0f MiB)\n",
              static_cast<double>((*cube)->MemoryBytes()) / static_cast<double>(std::max<size_t>(n, 1)),
              static_cast<double>((*cube)->MemoryBytes()) / (1 << 20));
  auto time_query = [&](const char* label, const Filter& f, const std::vector<Dimension>& by) {
    auto q = (*cube)->Compile(f, nullptr);
    std::vector<double> ms, cpu;
    size_t rows = 0;
    int64_t total = 0;
    for (int i = 0; i < runs; ++i) {
      auto s = Clock::now();
      const double c0 = ThreadCpuMs();
      auto t = (*cube)->GroupBy(**q, by, {Measure::Incidents(), Measure::Killed()});
      cpu.push_back(ThreadCpuMs() - c0);
      ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - s).count());
      rows = t->keys.size();
      total = t->totals[0];
    }
    std::sort(ms.begin(), ms.end());
    std::sort(cpu.begin(), cpu.end());
    std::printf("%-40s %8.1f ms median (min %.1f; CPU median %.1f ms, one thread; %d runs; %zu rows, %lld incidents)\n",
                label, ms[ms.size() / 2], ms[0], cpu[cpu.size() / 2], runs, rows, static_cast<long long>(total));
  };
  Filter one;
  one.event_types = {EventType::kExplosionsRemoteViolence};
  time_query("cube month x admin1, 1 filter", one, {Dimension::kMonth, Dimension::kAdmin1});
  Filter dash;
  dash.admin1 = {"Balochistan"};
  dash.date_from = (*cube)->MaxDate() - 730;
  time_query("cube dashboard: 1 province, 2 years, week", dash, {Dimension::kWeek});
  return 0;
}
