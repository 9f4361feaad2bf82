// A claim: a published figure treated as data (issue 4, domain.md §4) — who
// said it, where, what it counts, over which incidents and period, and the
// number. Claims are compared with what the database computes for the same
// definition and with each other (analysis/claims.h). Plain value type;
// thread-safe as a value.
//
//   Claim c;
//   c.key = "pips-2021-attacks"; c.source = "PIPS"; c.metric = ClaimMetric::kAttacks;
//   RETURN_IF_ERROR(ParseClaimPeriod("2021", &c.date_from, &c.date_to));
//   c.period = "2021"; c.filters = "country=PK"; c.value = 207;
#ifndef FAULTLINE_CLAIM_H_
#define FAULTLINE_CLAIM_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "faultline/incident.h"
#include "faultline/status.h"

namespace faultline {

enum class ClaimMetric : uint8_t { kAttacks, kKilled, kInjured };
// primary: the source published the figure itself (its report, its own
// statement); reported: someone else relays what the source said (a news
// article "according to PIPS ..."). A reported figure that disagrees with
// its source's own is the reporter's error until shown otherwise.
enum class ClaimStanding : uint8_t { kPrimary, kReported };

std::string_view Name(ClaimMetric v);
std::string_view Name(ClaimStanding v);
// InvalidArgument listing the accepted names.
Result<ClaimMetric> ParseClaimMetric(std::string_view s);
Result<ClaimStanding> ParseClaimStanding(std::string_view s);

// Which incidents a claim counts; every field empty/unset means "any".
// Written as "key=value;key=value" with keys country (ISO alpha-2), admin1,
// admin2, perpetrator (actor id), affiliates (yes|no: the perpetrator's
// factions and affiliates too), event_type, attack_type, target.
struct ClaimFilters {
  std::string country, admin1, admin2, perpetrator;
  bool affiliates = false;
  std::optional<EventType> event_type;
  std::optional<AttackType> attack_type;
  std::optional<TargetCategory> target;
  friend bool operator==(const ClaimFilters&, const ClaimFilters&) = default;
};

// InvalidArgument naming the bad key or value.
Result<ClaimFilters> ParseClaimFilters(std::string_view s);
// The canonical text: keys in the order above, only those set.
std::string FormatClaimFilters(const ClaimFilters& f);
// True when every incident `narrow` counts is also counted by `wide` (field
// by field: wide is unset, or both are equal; a perpetrator with affiliates
// is wider than the same one without).
bool FiltersWithin(const ClaimFilters& narrow, const ClaimFilters& wide);

struct Claim {
  int64_t id = 0;      // 0 until stored
  std::string key;     // stable identity: re-importing a key updates the claim
  std::string source;  // who said it: organisation id (data/organisations.tsv), actor id, or a name
  std::string citation;  // where: publication, date, url
  ClaimStanding standing = ClaimStanding::kPrimary;
  ClaimMetric metric = ClaimMetric::kAttacks;
  std::optional<CasualtyCategory> category;  // killed/injured of one category
  std::string filters;  // canonical ClaimFilters text
  std::string period;   // as written: "2021", "2022-01", "2022-01-05..2022-02-10"
  int32_t date_from = 0, date_to = 0;  // the period as day numbers, inclusive
  int64_t value = 0;
  std::string evidence;  // the words that state it (claims read from news)
  std::string notes;
  friend bool operator==(const Claim&, const Claim&) = default;
};

// "2021" (a year), "2022-01" (a month), "2022-01-05" (a day) or
// "FROM..TO" (days, inclusive). InvalidArgument otherwise.
Status ParseClaimPeriod(std::string_view s, int32_t* from, int32_t* to);

// Empty when valid; otherwise one line naming the field: empty key or
// source, a negative value, a category on an attacks claim, filters that do
// not parse, a period whose days do not match `period`.
std::string ValidateClaim(const Claim& claim);

// A short phrase for the quantity: "attacks, country=PK, 2021",
// "killed (security_forces), perpetrator=TTP, 2022".
std::string DescribeQuantity(const Claim& claim);

}  // namespace faultline

#endif  // FAULTLINE_CLAIM_H_
