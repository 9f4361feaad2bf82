// Fills a store with N synthetic incidents (the same distributions as
// gen_acled) for the stats benchmark. Usage: gen_incidents DB N [SEED]
#include <cstdio>
#include <cstdlib>
#include <random>

#include "common/date.h"
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
  std::mt19937_64 rng(argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 42);
  const char* provinces[] = {"Khyber Pakhtunkhwa", "Balochistan", "Sindh", "Punjab", "Islamabad Capital Territory"};
  const char* perps[] = {"TTP", "BLA", "ISKP", "JUA", "", "LEJ"};
  std::discrete_distribution<int> pick_prov({0.46, 0.30, 0.12, 0.10, 0.02});
  std::geometric_distribution<int> fatal(0.45);
  std::uniform_int_distribution<int> day(0, 14 * 365 - 1), small(0, 5);
  int32_t start = CivilDate::FromYmd(2010, 1, 1)->days();
  Status s = (*store)->Begin();
  for (long i = 0; i < n && s.ok(); ++i) {
    Incident inc;
    inc.source_key = "gen:" + std::to_string(i);
    inc.date = inc.date_end = start + day(rng);
    inc.country = "PK";
    inc.admin1 = provinces[pick_prov(rng)];
    inc.admin2 = "District " + std::to_string(small(rng));
    inc.perpetrator = perps[small(rng)];
    inc.event_type = static_cast<EventType>(small(rng) % 3);
    inc.attack_type = static_cast<AttackType>(small(rng));
    inc.target = static_cast<TargetCategory>(small(rng));
    inc.casualties.killed[static_cast<size_t>(small(rng) % 4)].best = std::min(fatal(rng), 60);
    inc.casualties.injured[1].best = std::min(fatal(rng), 60);
    inc.license = "project";
    auto r = (*store)->Upsert(&inc, {});
    if (!r.ok()) s = r.status();
    if (i % 500000 == 499999 && s.ok()) {
      s = (*store)->Commit();
      if (s.ok()) s = (*store)->Begin();
    }
  }
  if (s.ok()) s = (*store)->Commit();
  if (!s.ok()) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    return 1;
  }
  return 0;
}
