#include "analysis/cube.h"

#include <gtest/gtest.h>

#include <map>
#include <numeric>
#include <random>

#include "common/date.h"
#include "test/support/test_paths.h"

namespace faultline {
namespace {

// Random facts, some with several categories, ranges and huge counts so
// that every storage path of the cube (compact and detail) is exercised.
std::vector<IncidentFacts> RandomFacts(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  const char* countries[] = {"PK", "AF"};
  const char* admin1[] = {"Khyber Pakhtunkhwa", "Balochistan", "Sindh", "Kabul", ""};
  const char* perps[] = {"TTP", "JUA", "HUA", "BLA", ""};
  const char* importers[] = {"acled", "pbc-suicide", "extract"};
  std::vector<IncidentFacts> out;
  int64_t id = 0;
  for (size_t i = 0; i < n; ++i) {
    IncidentFacts f;
    id += 1 + static_cast<int64_t>(rng() % 3);
    f.id = id;
    f.date = CivilDate::FromYmd(2019, 1, 1)->days() + static_cast<int32_t>(rng() % 1500);
    f.country = countries[rng() % 2];
    f.admin1 = admin1[rng() % 5];
    f.admin2 = "D" + std::to_string(rng() % 7);
    f.perpetrator = perps[rng() % 5];
    f.event_type = static_cast<EventType>(rng() % 6);
    f.attack_type = static_cast<AttackType>(rng() % 11);
    f.target = static_cast<TargetCategory>(rng() % 18);
    f.status = static_cast<IncidentStatus>(rng() % 4);
    f.importer = importers[rng() % 3];
    f.license = rng() % 2 ? "project" : "acled-terms";
    int kind = static_cast<int>(rng() % 10);
    for (size_t c = 0; c < kCasualtyCategories; ++c) {
      if (kind < 5 && c != rng() % 4) continue;  // mostly one category
      f.killed[c] = static_cast<int32_t>(rng() % 6);
      f.injured[c] = static_cast<int32_t>(rng() % 4);
    }
    if (kind == 9) f.killed[1] = 70000 + static_cast<int32_t>(rng() % 10);  // beyond 16 bits
    for (size_t c = 0; c < kCasualtyCategories; ++c) {
      f.killed_low[c] = f.killed_high[c] = f.killed[c];
      f.injured_low[c] = f.injured_high[c] = f.injured[c];
    }
    if (kind == 8) {
      f.killed_low[2] = f.killed[2];
      f.killed_high[2] = f.killed[2] + 5;
      f.injured_low[0] = 0;
      f.injured_high[0] = f.injured[0] + 1;
    }
    out.push_back(f);
  }
  return out;
}

bool Passes(const Filter& q, const IncidentFacts& f) {
  auto in = [](const auto& list, const auto& v) {
    return list.empty() || std::find(list.begin(), list.end(), v) != list.end();
  };
  std::vector<IncidentStatus> statuses = q.statuses;
  if (statuses.empty()) statuses = {IncidentStatus::kCandidate, IncidentStatus::kConfirmed};
  if (q.date_from && f.date < *q.date_from) return false;
  if (q.date_to && f.date > *q.date_to) return false;
  if (q.min_killed && MeasureValue(Measure::Killed(), f) < *q.min_killed) return false;
  return in(q.countries, f.country) && in(q.admin1, f.admin1) && in(q.admin2, f.admin2) &&
         in(q.perpetrators, f.perpetrator) && in(q.event_types, f.event_type) && in(q.attack_types, f.attack_type) &&
         in(q.targets, f.target) && in(statuses, f.status) && in(q.importers, f.importer) &&
         in(q.licenses, f.license) && f.id > q.after_id;
}

StatsTable BruteForce(const std::vector<IncidentFacts>& facts, const Filter& q, const std::vector<Dimension>& by,
                      const std::vector<Measure>& ms) {
  std::map<std::vector<std::string>, std::vector<int64_t>> groups;
  StatsTable t;
  t.totals.assign(ms.size(), 0);
  for (const auto& f : facts) {
    if (!Passes(q, f)) continue;
    std::vector<std::string> key;
    for (auto d : by) key.push_back(DimensionKey(d, f));
    auto& v = groups[key];
    v.resize(ms.size());
    for (size_t i = 0; i < ms.size(); ++i) {
      v[i] += MeasureValue(ms[i], f);
      t.totals[i] += MeasureValue(ms[i], f);
    }
  }
  for (auto& [k, v] : groups) {
    t.keys.push_back(k);
    t.values.push_back(v);
  }
  return t;
}

std::vector<Measure> AllMeasures() {
  std::vector<Measure> ms = {Measure::Incidents()};
  for (auto of : {Measure::Of::kKilled, Measure::Of::kInjured}) {
    for (int8_t c = -1; c < 4; ++c) {
      for (auto b : {Measure::Bound::kBest, Measure::Bound::kLow, Measure::Bound::kHigh}) ms.push_back({of, c, b});
    }
  }
  return ms;
}

// Loads `facts` into `cube`, then edits it: each of `edits` replaces the
// incident of a random id, and after every `remove_every`-th edit a random
// incident is removed. `facts` follows, so that it is what the cube holds.
void LoadAndEdit(Cube* cube, std::vector<IncidentFacts>* facts, const std::vector<IncidentFacts>& edits,
                 size_t remove_every, std::mt19937* rng) {
  for (const auto& f : *facts) ASSERT_TRUE(cube->Upsert(f).ok());
  for (size_t i = 0; i < edits.size(); ++i) {
    IncidentFacts f = edits[i];
    f.id = (*facts)[(*rng)() % facts->size()].id;
    ASSERT_TRUE(cube->Upsert(f).ok());
    for (auto& g : *facts) {
      if (g.id == f.id) g = f;
    }
    if (i % remove_every == 0) {
      size_t k = (*rng)() % facts->size();
      ASSERT_TRUE(cube->Remove((*facts)[k].id));
      facts->erase(facts->begin() + static_cast<std::ptrdiff_t>(k));
    }
  }
}

TEST(Measure, NamesRoundTrip) {
  for (const Measure& m : AllMeasures()) {
    auto parsed = ParseMeasure(Name(m));
    ASSERT_TRUE(parsed.ok()) << Name(m);
    EXPECT_EQ(*parsed, m) << Name(m);
  }
  EXPECT_EQ(Name(*ParseMeasure("killed_civilians_high")), "killed_civilians_high");
  EXPECT_EQ(ParseMeasure("killed_soldiers").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseMeasure("deaths").status().code(), StatusCode::kInvalidArgument);
}

TEST(Period, IndexesAreDenseAndLabelled) {
  int32_t d = CivilDate::FromYmd(2022, 11, 28)->days();
  EXPECT_EQ(PeriodLabel(Period::kWeek, PeriodOf(Period::kWeek, d)), "2022-W48");
  EXPECT_EQ(PeriodLabel(Period::kMonth, PeriodOf(Period::kMonth, d)), "2022-11");
  EXPECT_EQ(PeriodLabel(Period::kQuarter, PeriodOf(Period::kQuarter, d)), "2022-Q4");
  EXPECT_EQ(PeriodOf(Period::kMonth, CivilDate::FromYmd(2023, 1, 1)->days()) - PeriodOf(Period::kMonth, d), 2);
  EXPECT_EQ(CivilDate(PeriodFirstDay(Period::kWeek, PeriodOf(Period::kWeek, d))).Weekday(), 0);
  for (int32_t day = -800; day < 800; day += 3) {
    for (Period p : {Period::kDay, Period::kWeek, Period::kMonth, Period::kQuarter, Period::kYear}) {
      int32_t i = PeriodOf(p, day);
      EXPECT_LE(PeriodFirstDay(p, i), day);
      EXPECT_GE(PeriodLastDay(p, i), day);
      IncidentFacts f;
      f.date = day;
      EXPECT_EQ(PeriodLabel(p, i), DimensionKey(static_cast<Dimension>(static_cast<int>(p)), f));
    }
  }
}

TEST(Cube, GroupByMatchesBruteForceUnderRandomFilters) {
  auto facts = RandomFacts(6000, 11);
  Cube cube;
  for (const auto& f : facts) ASSERT_TRUE(cube.Upsert(f).ok());
  EXPECT_EQ(cube.size(), facts.size());
  std::mt19937 rng(5);
  const std::vector<Dimension> dims = {Dimension::kDay,     Dimension::kWeek,        Dimension::kMonth,
                                       Dimension::kQuarter, Dimension::kYear,        Dimension::kCountry,
                                       Dimension::kAdmin1,  Dimension::kAdmin2,      Dimension::kPerpetrator,
                                       Dimension::kTarget,  Dimension::kAttackType,  Dimension::kEventType};
  const auto measures = AllMeasures();
  for (int round = 0; round < 60; ++round) {
    Filter q;
    if (rng() % 2) q.date_from = CivilDate::FromYmd(2019, 6, 1)->days() + static_cast<int32_t>(rng() % 300);
    if (rng() % 2) q.date_to = CivilDate::FromYmd(2020, 6, 1)->days() + static_cast<int32_t>(rng() % 300);
    if (rng() % 3 == 0) q.countries = {"PK"};
    if (rng() % 3 == 0) q.admin1 = {"Balochistan", "Sindh", "Nowhere"};
    if (rng() % 4 == 0) q.perpetrators = {"TTP", ""};
    if (rng() % 4 == 0) q.event_types = {EventType::kBattles, EventType::kRiots};
    if (rng() % 4 == 0) q.attack_types = {AttackType::kSuicideBombing};
    if (rng() % 4 == 0) q.targets = {TargetCategory::kPolice, TargetCategory::kCivilians};
    if (rng() % 4 == 0) q.statuses = {IncidentStatus::kRejected, IncidentStatus::kMerged};
    if (rng() % 4 == 0) q.importers = {"acled"};
    if (rng() % 4 == 0) q.licenses = {"project"};
    if (rng() % 4 == 0) q.min_killed = static_cast<int64_t>(rng() % 8);
    if (rng() % 5 == 0) q.after_id = static_cast<int64_t>(rng() % 5000);
    std::vector<Dimension> by;
    for (int k = static_cast<int>(rng() % 3); k > 0; --k) by.push_back(dims[rng() % dims.size()]);
    std::vector<Measure> ms = {measures[rng() % measures.size()], measures[rng() % measures.size()],
                               Measure::Killed()};
    auto compiled = cube.Compile(q, nullptr);
    ASSERT_TRUE(compiled.ok());
    auto got = cube.GroupBy(**compiled, by, ms);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    StatsTable want = BruteForce(facts, q, by, ms);
    EXPECT_EQ(got->totals, want.totals) << "round " << round;
    // Period labels sort in time order as strings too, so both orders agree.
    EXPECT_EQ(got->keys, want.keys) << "round " << round;
    EXPECT_EQ(got->values, want.values) << "round " << round;
  }
}

TEST(Cube, LimitCountsTheFirstMatchingIncidentsById) {
  auto facts = RandomFacts(500, 3);
  Cube cube;
  for (const auto& f : facts) ASSERT_TRUE(cube.Upsert(f).ok());
  Filter q;
  q.limit = 17;
  auto t = cube.GroupBy(**cube.Compile(q, nullptr), {}, {Measure::Incidents()});
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->totals[0], 17);
}

TEST(Cube, UpsertAndRemoveKeepItCurrent) {
  auto facts = RandomFacts(2000, 21);
  Cube cube;
  for (const auto& f : facts) ASSERT_TRUE(cube.Upsert(f).ok());
  std::mt19937 rng(9);
  auto more = RandomFacts(300, 99);
  // Edit existing incidents, remove some, add new ones (also below the largest id).
  for (size_t i = 0; i < 300; ++i) {
    IncidentFacts f = more[i];
    f.id = facts[rng() % facts.size()].id;
    ASSERT_TRUE(cube.Upsert(f).ok());
    for (auto& g : facts) {
      if (g.id == f.id) g = f;
    }
  }
  for (int i = 0; i < 100; ++i) {
    size_t k = rng() % facts.size();
    EXPECT_TRUE(cube.Remove(facts[k].id));
    EXPECT_FALSE(cube.Remove(facts[k].id));
    facts.erase(facts.begin() + static_cast<std::ptrdiff_t>(k));
  }
  IncidentFacts low = more[0];
  low.id = 1;  // below every id (RandomFacts starts at 1..3: make sure it is new)
  bool exists = std::any_of(facts.begin(), facts.end(), [](const IncidentFacts& f) { return f.id == 1; });
  ASSERT_TRUE(cube.Upsert(low).ok());
  if (!exists) {
    facts.insert(facts.begin(), low);
  } else {
    for (auto& g : facts) {
      if (g.id == 1) g = low;
    }
  }
  EXPECT_EQ(cube.size(), facts.size());
  Filter all;
  all.statuses = {IncidentStatus::kCandidate, IncidentStatus::kConfirmed, IncidentStatus::kRejected,
                  IncidentStatus::kMerged};
  for (auto by : {std::vector<Dimension>{Dimension::kMonth, Dimension::kAdmin1},
                  std::vector<Dimension>{Dimension::kPerpetrator}}) {
    auto got = cube.GroupBy(**cube.Compile(all, nullptr), by, AllMeasures());
    ASSERT_TRUE(got.ok());
    StatsTable want = BruteForce(facts, all, by, AllMeasures());
    EXPECT_EQ(got->keys, want.keys);
    EXPECT_EQ(got->values, want.values);
  }
  EXPECT_EQ(cube.Upsert(IncidentFacts{}).code(), StatusCode::kInvalidArgument);
}

// The per-day pre-aggregate gives what reading the rows and the brute force
// give, after edits that move incidents between days, places, types and
// statuses, removals, and incidents with full casualty matrices.
TEST(Cube, PreaggregateMatchesRowsAfterEdits) {
  auto facts = RandomFacts(3000, 31);
  Cube cube;
  std::mt19937 rng(13);
  ASSERT_NO_FATAL_FAILURE(LoadAndEdit(&cube, &facts, RandomFacts(400, 77), 4, &rng));
  const std::vector<Dimension> dims = {Dimension::kDay,  Dimension::kWeek,    Dimension::kMonth,  Dimension::kQuarter,
                                       Dimension::kYear, Dimension::kCountry, Dimension::kAdmin1, Dimension::kEventType};
  const std::vector<Measure> all = {Measure::Incidents(), Measure::Killed(), Measure::Injured()};
  size_t nonempty = 0;
  for (int round = 0; round < 80; ++round) {
    Filter q;
    if (rng() % 2) q.date_from = CivilDate::FromYmd(2019, 6, 1)->days() + static_cast<int32_t>(rng() % 300);
    if (rng() % 2) q.date_to = CivilDate::FromYmd(2020, 6, 1)->days() + static_cast<int32_t>(rng() % 300);
    if (rng() % 3 == 0) q.countries = {"PK"};
    if (rng() % 3 == 0) q.admin1 = {"Balochistan", "Sindh", "Nowhere"};
    if (rng() % 3 == 0) q.admin1 = {"Kabul"};
    if (rng() % 3 == 0) q.event_types = {EventType::kBattles, EventType::kExplosionsRemoteViolence};
    if (rng() % 3 == 0) q.statuses = {IncidentStatus::kRejected, IncidentStatus::kMerged};
    std::vector<Dimension> by;
    for (int k = static_cast<int>(rng() % 3); k > 0; --k) by.push_back(dims[rng() % dims.size()]);
    std::vector<Measure> ms = {all[rng() % 3], all[rng() % 3]};
    auto compiled = cube.Compile(q, nullptr);
    ASSERT_TRUE(compiled.ok());
    ASSERT_TRUE(cube.Preaggregated(**compiled, by, ms)) << "round " << round;
    auto got = cube.GroupBy(**compiled, by, ms);
    auto rows = cube.GroupBy(**compiled, by, ms, {.scan_rows = true});
    ASSERT_TRUE(got.ok() && rows.ok());
    StatsTable want = BruteForce(facts, q, by, ms);
    EXPECT_EQ(got->totals, want.totals) << "round " << round;
    EXPECT_EQ(got->keys, want.keys) << "round " << round;
    EXPECT_EQ(got->values, want.values) << "round " << round;
    EXPECT_EQ(got->keys, rows->keys) << "round " << round;
    EXPECT_EQ(got->values, rows->values) << "round " << round;
    nonempty += got->keys.empty() ? 0 : 1;
    const Period p = static_cast<Period>(static_cast<int>(dims[rng() % 5]));
    auto series = cube.SeriesOf(**compiled, p, ms[0]);
    auto series_rows = cube.SeriesOf(**compiled, p, ms[0], std::nullopt, std::nullopt, {.scan_rows = true});
    ASSERT_TRUE(series.ok() && series_rows.ok());
    EXPECT_EQ(series->first, series_rows->first) << "round " << round;
    EXPECT_EQ(series->values, series_rows->values) << "round " << round;
  }
  EXPECT_GT(nonempty, 40u);  // the filters are not all empty
  // Shapes it does not hold read the rows.
  Filter perp;
  perp.perpetrators = {"TTP"};
  EXPECT_FALSE(cube.Preaggregated(**cube.Compile(perp, nullptr), {}, {Measure::Incidents()}));
  EXPECT_FALSE(cube.Preaggregated(**cube.Compile(Filter{}, nullptr), {Dimension::kAdmin2}, {Measure::Incidents()}));
  EXPECT_FALSE(cube.Preaggregated(**cube.Compile(Filter{}, nullptr), {}, {Measure{Measure::Of::kKilled, 1}}));
  Filter min_killed;
  min_killed.min_killed = 1;
  EXPECT_FALSE(cube.Preaggregated(**cube.Compile(min_killed, nullptr), {}, {Measure::Incidents()}));
}

// The row path's two ways of adding up a block (every row with 0 for a
// failing one, or only the selected rows) and its automatic choice give what
// a brute force gives, after edits and removals, under every filter kind
// the cube tests itself: a few codes (compares) and many (look-up tables) of
// each dictionary, event, attack and target types, statuses, dates,
// min_killed, after_id, limit, and combinations of them.
TEST(Cube, RowPathsMatchBruteForceUnderEveryFilterKind) {
  auto facts = RandomFacts(9000, 41);
  Cube cube;
  std::mt19937 rng(17);
  ASSERT_NO_FATAL_FAILURE(LoadAndEdit(&cube, &facts, RandomFacts(600, 93), 3, &rng));
  const std::vector<Dimension> dims = {Dimension::kDay,     Dimension::kMonth,       Dimension::kYear,
                                       Dimension::kCountry, Dimension::kAdmin1,      Dimension::kAdmin2,
                                       Dimension::kPerpetrator, Dimension::kTarget,  Dimension::kAttackType,
                                       Dimension::kEventType};
  const auto measures = AllMeasures();
  // Picks k distinct of `from`.
  auto some = [&](auto from, size_t k) {
    std::shuffle(from.begin(), from.end(), rng);
    from.resize(std::min(k, from.size()));
    return from;
  };
  std::vector<std::string> admin2;
  for (int i = 0; i < 7; ++i) admin2.push_back("D" + std::to_string(i));
  std::vector<AttackType> attacks;
  for (int i = 0; i < 11; ++i) attacks.push_back(static_cast<AttackType>(i));
  std::vector<TargetCategory> targets;
  for (int i = 0; i < 18; ++i) targets.push_back(static_cast<TargetCategory>(i));
  std::vector<EventType> events;
  for (int i = 0; i < 6; ++i) events.push_back(static_cast<EventType>(i));
  std::vector<IncidentStatus> statuses;
  for (int i = 0; i < 4; ++i) statuses.push_back(static_cast<IncidentStatus>(i));
  const std::vector<std::string> perps = {"TTP", "JUA", "HUA", "BLA", "", "Nobody"};
  using Rows = Cube::GroupOptions::Rows;
  size_t nonempty = 0;
  for (int round = 0; round < 150; ++round) {
    Filter q;
    // One to three kinds of filter, each with one code, a few or many.
    for (int kinds = 1 + static_cast<int>(rng() % 3); kinds > 0; --kinds) {
      const size_t k = 1 + rng() % 7;
      switch (rng() % 11) {
        case 0: q.perpetrators = some(perps, k); break;
        case 1: q.admin2 = some(admin2, k); break;
        case 2: q.attack_types = some(attacks, k); break;
        case 3: q.targets = some(targets, 1 + rng() % 12); break;
        case 4: q.event_types = some(events, k); break;
        case 5: q.statuses = some(statuses, k); break;
        case 6: q.admin1 = some(std::vector<std::string>{"Khyber Pakhtunkhwa", "Balochistan", "Sindh", "Kabul", ""}, k); break;
        case 7:
          q.importers = some(std::vector<std::string>{"acled", "pbc-suicide", "extract"}, k);
          if (rng() % 2) q.licenses = {"project"};
          break;
        case 8:
          q.date_from = CivilDate::FromYmd(2019, 3, 1)->days() + static_cast<int32_t>(rng() % 600);
          q.date_to = *q.date_from + static_cast<int32_t>(rng() % 400);
          break;
        case 9: q.min_killed = static_cast<int64_t>(rng() % 6); break;
        default:
          if (rng() % 2) q.after_id = static_cast<int64_t>(rng() % 12000);
          if (rng() % 2) q.limit = static_cast<int64_t>(1 + rng() % 3000);
          q.countries = {"AF"};
          break;
      }
    }
    std::vector<Dimension> by;
    for (int k = static_cast<int>(rng() % 3); k > 0; --k) by.push_back(dims[rng() % dims.size()]);
    std::vector<Measure> ms = {Measure::Incidents(), Measure::Killed(), measures[rng() % measures.size()]};
    auto compiled = cube.Compile(q, nullptr);
    ASSERT_TRUE(compiled.ok());
    // The brute force knows no limit: the first `limit` passing incidents by id.
    std::vector<IncidentFacts> passing;
    Filter unlimited = q;
    unlimited.limit = 0;
    for (const auto& f : facts) {
      if (Passes(unlimited, f) && (q.limit == 0 || static_cast<int64_t>(passing.size()) < q.limit)) passing.push_back(f);
    }
    Filter everything;
    everything.statuses = statuses;
    StatsTable want = BruteForce(passing, everything, by, ms);
    for (Rows rows : {Rows::kAuto, Rows::kEvery, Rows::kSelected}) {
      auto got = cube.GroupBy(**compiled, by, ms, {.scan_rows = true, .rows = rows});
      ASSERT_TRUE(got.ok()) << got.status().ToString();
      EXPECT_EQ(got->totals, want.totals) << "round " << round << " rows " << static_cast<int>(rows);
      EXPECT_EQ(got->keys, want.keys) << "round " << round << " rows " << static_cast<int>(rows);
      EXPECT_EQ(got->values, want.values) << "round " << round << " rows " << static_cast<int>(rows);
    }
    nonempty += want.keys.empty() ? 0 : 1;
    // SeriesOf and Coverage read the selected rows too.
    auto series = cube.SeriesOf(**compiled, Period::kMonth, ms[1], CivilDate::FromYmd(2018, 1, 1)->days(),
                                CivilDate::FromYmd(2024, 1, 1)->days(), {.scan_rows = true});
    ASSERT_TRUE(series.ok());
    EXPECT_EQ(std::accumulate(series->values.begin(), series->values.end(), int64_t{0}), want.totals[1])
        << "round " << round;
    int64_t covered = 0;
    for (const auto& span : cube.Coverage(**compiled)) covered += span.incidents;
    EXPECT_EQ(covered, want.totals[0]) << "round " << round;
  }
  EXPECT_GT(nonempty, 100u);  // the filters are not all empty
}

TEST(Cube, SeriesIsDenseWithZeros) {
  Cube cube;
  IncidentFacts f;
  f.country = "PK";
  f.status = IncidentStatus::kConfirmed;
  int64_t id = 0;
  for (auto [y, m, n] : {std::tuple{2020, 1, 3}, {2020, 4, 1}, {2020, 5, 2}}) {
    for (int i = 0; i < n; ++i) {
      f.id = ++id;
      f.date = CivilDate::FromYmd(y, m, 10)->days();
      f.killed = {0, 2, 0, 0};
      f.killed_low = f.killed_high = f.killed;
      ASSERT_TRUE(cube.Upsert(f).ok());
    }
  }
  auto s = cube.SeriesOf(**cube.Compile({}, nullptr), Period::kMonth, Measure::Incidents());
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->values, (std::vector<int64_t>{3, 0, 0, 1, 2}));
  EXPECT_EQ(s->Label(0), "2020-01");
  EXPECT_EQ(s->Label(4), "2020-05");
  auto k = cube.SeriesOf(**cube.Compile({}, nullptr), Period::kMonth, *ParseMeasure("killed_civilians"),
                         CivilDate::FromYmd(2019, 12, 1)->days(), CivilDate::FromYmd(2020, 2, 1)->days());
  ASSERT_TRUE(k.ok());
  EXPECT_EQ(k->values, (std::vector<int64_t>{0, 6, 0}));
}

TEST(Cube, PhasesAreADimensionAndFollowEdits) {
  Cube cube;
  auto day = [](int y, int m, int d) { return CivilDate::FromYmd(y, m, d)->days(); };
  Phase op{.key = "op", .type = PhaseType::kOperation, .name = "Operation", .country = "PK",
           .start = day(2021, 1, 1), .end = std::nullopt};
  Phase cf{.key = "cf", .type = PhaseType::kCeasefire, .name = "Ceasefire", .country = "PK",
           .start = day(2021, 11, 9), .end = day(2021, 12, 9)};
  cube.SetPhases({cf, op});  // any order
  IncidentFacts f;
  f.status = IncidentStatus::kConfirmed;
  int64_t id = 0;
  for (auto [date, country] : {std::pair{day(2020, 6, 1), "PK"}, {day(2021, 3, 1), "PK"}, {day(2021, 11, 20), "PK"},
                               {day(2021, 11, 21), "AF"}, {day(2021, 12, 10), "PK"}}) {
    f.id = ++id;
    f.date = date;
    f.country = country;
    ASSERT_TRUE(cube.Upsert(f).ok());
  }
  auto t = cube.GroupBy(**cube.Compile({}, nullptr), {Dimension::kPhase}, {Measure::Incidents()});
  ASSERT_TRUE(t.ok());
  ASSERT_EQ(t->keys.size(), 3u);
  EXPECT_EQ(t->keys[0], std::vector<std::string>{""});  // no phase: 2020, and the AF incident
  EXPECT_EQ(t->values[0][0], 2);
  EXPECT_EQ(t->keys[1], std::vector<std::string>{"cf"});
  EXPECT_EQ(t->values[1][0], 1);
  EXPECT_EQ(t->keys[2], std::vector<std::string>{"op"});
  EXPECT_EQ(t->values[2][0], 2);
  cube.SetPhases({op});
  t = cube.GroupBy(**cube.Compile({}, nullptr), {Dimension::kPhase}, {Measure::Incidents()});
  EXPECT_EQ(t->values.back()[0], 3);
}

TEST(Cube, RollsPerpetratorsUpToTheirGroup) {
  Cube cube;
  IncidentFacts f;
  f.status = IncidentStatus::kConfirmed;
  int64_t id = 0;
  for (const char* p : {"TTP", "JUA", "HUA", "BLA", "JUA"}) {
    f.id = ++id;
    f.perpetrator = p;
    ASSERT_TRUE(cube.Upsert(f).ok());
  }
  cube.SetPerpetratorRollUp({{"JUA", "TTP"}, {"HUA", "TTP"}});
  auto t = cube.GroupBy(**cube.Compile({}, nullptr), {Dimension::kPerpetrator}, {Measure::Incidents()}, {.roll_up = true});
  ASSERT_TRUE(t.ok());
  ASSERT_EQ(t->keys.size(), 2u);
  EXPECT_EQ(t->keys[0][0], "BLA");
  EXPECT_EQ(t->keys[1][0], "TTP");
  EXPECT_EQ(t->values[1][0], 4);
}

TEST(Cube, LoadsFromAStoreAndAppliesTextAndBoxThroughIt) {
  testing::TempDir tmp;
  auto store = Store::Open(tmp.file("c.db"));
  ASSERT_TRUE(store.ok());
  for (int i = 0; i < 4; ++i) {
    Incident inc;
    inc.source_key = "t:" + std::to_string(i);
    inc.date = inc.date_end = CivilDate::FromYmd(2022, 1 + i, 1)->days();
    inc.country = "PK";
    inc.admin1 = "Sindh";
    inc.lat = 24.0 + i;
    inc.lon = 67.0;
    inc.notes = i % 2 ? "attack on a police station" : "market blast";
    inc.license = "project";
    inc.casualties.Killed(CasualtyCategory::kCivilians) = {.low = 1, .best = 2, .high = 5};
    ASSERT_TRUE((*store)->Upsert(&inc, {}).ok());
  }
  Phase p{.key = "p", .type = PhaseType::kTalks, .name = "Talks", .start = CivilDate::FromYmd(2022, 2, 1)->days(),
          .end = CivilDate::FromYmd(2022, 3, 1)->days()};
  ASSERT_TRUE((*store)->UpsertPhase(&p).ok());
  auto cube = Cube::Load(store->get());
  ASSERT_TRUE(cube.ok()) << cube.status().ToString();
  EXPECT_EQ((*cube)->size(), 4u);
  EXPECT_LE((*cube)->MemoryBytes(), 4096u);
  Filter f;
  f.text = "police";
  EXPECT_FALSE((*cube)->Compile(f, nullptr).ok());
  auto q = (*cube)->Compile(f, store->get());
  ASSERT_TRUE(q.ok());
  auto t = (*cube)->GroupBy(**q, {}, {Measure::Incidents(), *ParseMeasure("killed_high")});
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->totals, (std::vector<int64_t>{2, 10}));
  Filter box;
  box.bbox = BoundingBox{66, 23.5, 68, 25.5};
  t = (*cube)->GroupBy(**(*cube)->Compile(box, store->get()), {}, {Measure::Incidents()});
  EXPECT_EQ(t->totals[0], 2);
  t = (*cube)->GroupBy(**(*cube)->Compile({}, nullptr), {Dimension::kPhase}, {Measure::Incidents()});
  ASSERT_EQ(t->keys.size(), 2u);
  EXPECT_EQ(t->keys[1][0], "p");
  EXPECT_EQ(t->values[1][0], 2);
}

}  // namespace
}  // namespace faultline

namespace faultline {
namespace {

TEST(Cube, ChangeColumnsComparePreviousPeriodAndTrailingWeeks) {
  Cube cube;
  IncidentFacts f;
  f.status = IncidentStatus::kConfirmed;
  f.admin1 = "Sindh";
  int64_t id = 0;
  // One incident a day through 2021, then two a day in January 2022.
  for (int32_t d = CivilDate::FromYmd(2021, 1, 1)->days(); d <= CivilDate::FromYmd(2022, 1, 31)->days(); ++d) {
    int k = d >= CivilDate::FromYmd(2022, 1, 1)->days() ? 2 : 1;
    for (int i = 0; i < k; ++i) {
      f.id = ++id;
      f.date = d;
      ASSERT_TRUE(cube.Upsert(f).ok());
    }
  }
  Filter q;
  q.date_from = CivilDate::FromYmd(2022, 1, 1)->days();
  auto compiled = cube.Compile(q, nullptr);
  std::vector<Dimension> by = {Dimension::kMonth, Dimension::kAdmin1};
  auto t = cube.GroupBy(**compiled, by, {Measure::Incidents()});
  ASSERT_TRUE(t.ok());
  ASSERT_TRUE(cube.AddChangeColumns(**compiled, by, {Measure::Incidents()}, {}, &*t).ok());
  ASSERT_EQ(t->keys.size(), 1u);
  EXPECT_EQ(t->change_columns, (std::vector<std::string>{"incidents_prev", "incidents_change_pct", "incidents_avg4w",
                                                         "incidents_avg52w"}));
  EXPECT_EQ(t->values[0][0], 62);
  EXPECT_DOUBLE_EQ(t->change_values[0][0], 31);   // December 2021
  EXPECT_DOUBLE_EQ(t->change_values[0][1], 100);  // doubled
  EXPECT_DOUBLE_EQ(t->change_values[0][2], 31);   // 7 a week x 31/7 weeks
  EXPECT_DOUBLE_EQ(t->change_values[0][3], 31);
  EXPECT_EQ(cube.AddChangeColumns(**compiled, {Dimension::kAdmin1}, {Measure::Incidents()}, {}, &*t).code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace faultline
