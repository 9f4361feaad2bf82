// The synthetic incidents of the stats benchmark (the distributions of
// gen_acled): gen_incidents writes them to a store, cube_bench --generate
// fills a cube with them in memory. Same seed, same incidents.
#ifndef FAULTLINE_BENCH_INCIDENT_DRAWS_H_
#define FAULTLINE_BENCH_INCIDENT_DRAWS_H_

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>

#include "common/date.h"
#include "faultline/incident.h"

namespace faultline {

struct IncidentDraw {
  int32_t date = 0;
  const char* admin1 = "";
  std::string admin2;
  const char* perpetrator = "";
  EventType event_type{};
  AttackType attack_type{};
  TargetCategory target{};
  size_t killed_category = 0;
  int32_t killed = 0, injured = 0;  // injured: category 1
};

// Copies the drawn fields that Incident (gen_incidents) and IncidentFacts
// (cube_bench --generate) name alike; the caller sets id, country, licence
// and the casualties, which the two types hold differently.
template <typename T>
void CopyDraw(const IncidentDraw& d, T& out) {
  out.date = d.date;
  out.admin1 = d.admin1;
  out.admin2 = d.admin2;
  out.perpetrator = d.perpetrator;
  out.event_type = d.event_type;
  out.attack_type = d.attack_type;
  out.target = d.target;
}

// Calls fn(const IncidentDraw&) n times (country PK, licence "project").
template <typename Fn>
void DrawIncidents(long n, uint64_t seed, Fn&& fn) {
  std::mt19937_64 rng(seed);
  const char* provinces[] = {"Khyber Pakhtunkhwa", "Balochistan", "Sindh", "Punjab", "Islamabad Capital Territory"};
  const char* perps[] = {"TTP", "BLA", "ISKP", "JUA", "", "LEJ"};
  std::discrete_distribution<int> pick_prov({0.46, 0.30, 0.12, 0.10, 0.02});
  std::geometric_distribution<int> fatal(0.45);
  std::uniform_int_distribution<int> day(0, 14 * 365 - 1), small(0, 5);
  const int32_t start = CivilDate::FromYmd(2010, 1, 1)->days();
  IncidentDraw d;
  for (long i = 0; i < n; ++i) {
    d.date = start + day(rng);
    d.admin1 = provinces[pick_prov(rng)];
    d.admin2 = "District " + std::to_string(small(rng));
    d.perpetrator = perps[small(rng)];
    d.event_type = static_cast<EventType>(small(rng) % 3);
    d.attack_type = static_cast<AttackType>(small(rng));
    d.target = static_cast<TargetCategory>(small(rng));
    // gen_incidents drew these as `killed[small % 4].best = min(fatal, 60)`:
    // the right side first (C++17), so the count before its category.
    d.killed = std::min(fatal(rng), 60);
    d.killed_category = static_cast<size_t>(small(rng) % 4);
    d.injured = std::min(fatal(rng), 60);
    if (!fn(d)) return;
  }
}

}  // namespace faultline

#endif  // FAULTLINE_BENCH_INCIDENT_DRAWS_H_
