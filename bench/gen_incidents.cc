// Fills a store with N synthetic incidents (the same distributions as
// gen_acled) for the stats benchmark. Usage: gen_incidents DB N [SEED]
#include <cstdio>
#include <cstdlib>

#include "incident_draws.h"
#include "faultline/store.h"

int main(int argc, char** argv) {
  using namespace faultline;
  if (argc < 3) {
    std::fprintf(stderr, "usage: gen_incidents DB N [SEED]\n");
    return 2;
  }
  auto store = Store::Open(argv[1]);
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.status().ToString().c_str());
    return 1;
  }
  long n = std::atol(argv[2]);
  Status s = (*store)->Begin();
  long i = 0;
  DrawIncidents(n, argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 42, [&](const IncidentDraw& d) {
    Incident inc;
    inc.source_key = "gen:" + std::to_string(i);
    CopyDraw(d, inc);
    inc.date_end = d.date;
    inc.country = "PK";
    inc.casualties.killed[d.killed_category].best = d.killed;
    inc.casualties.injured[1].best = d.injured;
    inc.license = "project";
    auto r = (*store)->Upsert(&inc, {});
    if (!r.ok()) s = r.status();
    if (i % 500000 == 499999 && s.ok()) {
      s = (*store)->Commit();
      if (s.ok()) s = (*store)->Begin();
    }
    ++i;
    return s.ok();
  });
  if (s.ok()) s = (*store)->Commit();
  if (!s.ok()) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    return 1;
  }
  return 0;
}
