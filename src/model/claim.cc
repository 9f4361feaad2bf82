#include "faultline/claim.h"

#include <array>
#include <charconv>

#include "common/date.h"
#include "common/text.h"

namespace faultline {
namespace {
constexpr std::array<std::string_view, 3> kMetrics = {"attacks", "killed", "injured"};
constexpr std::array<std::string_view, 2> kStandings = {"primary", "reported"};

bool ParseDigits(std::string_view s, int* out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}
}  // namespace

std::string_view Name(ClaimMetric v) { return kMetrics[static_cast<size_t>(v)]; }
std::string_view Name(ClaimStanding v) { return kStandings[static_cast<size_t>(v)]; }

Result<ClaimMetric> ParseClaimMetric(std::string_view s) {
  for (size_t i = 0; i < kMetrics.size(); ++i) {
    if (kMetrics[i] == s) return static_cast<ClaimMetric>(i);
  }
  return InvalidArgument("\"" + std::string(s) + "\" is not a claim metric (attacks, killed, injured)");
}

Result<ClaimStanding> ParseClaimStanding(std::string_view s) {
  for (size_t i = 0; i < kStandings.size(); ++i) {
    if (kStandings[i] == s) return static_cast<ClaimStanding>(i);
  }
  return InvalidArgument("\"" + std::string(s) + "\" is not a claim standing (primary, reported)");
}

Result<ClaimFilters> ParseClaimFilters(std::string_view s) {
  ClaimFilters f;
  for (std::string_view part : Split(s, ';')) {
    part = Trim(part);
    if (part.empty()) continue;
    size_t eq = part.find('=');
    if (eq == std::string_view::npos) {
      return InvalidArgument("filters: \"" + std::string(part) + "\" is not key=value");
    }
    std::string_view k = Trim(part.substr(0, eq)), v = Trim(part.substr(eq + 1));
    auto bad = [&](const Status& st) { return st.WithContext("filters: " + std::string(k)); };
    if (k == "country") {
      f.country = v;
    } else if (k == "admin1") {
      f.admin1 = v;
    } else if (k == "admin2") {
      f.admin2 = v;
    } else if (k == "perpetrator") {
      f.perpetrator = v;
    } else if (k == "affiliates") {
      if (v != "yes" && v != "no") return InvalidArgument("filters: affiliates: \"" + std::string(v) + "\" is not yes or no");
      f.affiliates = v == "yes";
    } else if (k == "event_type") {
      auto e = ParseEventType(v);
      if (!e.ok()) return bad(e.status());
      f.event_type = *e;
    } else if (k == "attack_type") {
      auto e = ParseAttackType(v);
      if (!e.ok()) return bad(e.status());
      f.attack_type = *e;
    } else if (k == "target") {
      auto e = ParseTargetCategory(v);
      if (!e.ok()) return bad(e.status());
      f.target = *e;
    } else {
      return InvalidArgument("filters: unknown key \"" + std::string(k) +
                             "\" (country, admin1, admin2, perpetrator, affiliates, event_type, attack_type, target)");
    }
  }
  if (f.affiliates && f.perpetrator.empty()) return InvalidArgument("filters: affiliates=yes needs a perpetrator");
  return f;
}

std::string FormatClaimFilters(const ClaimFilters& f) {
  std::string out;
  auto add = [&](std::string_view k, std::string_view v) {
    if (v.empty()) return;
    if (!out.empty()) out += ';';
    ((out += k) += '=') += v;
  };
  add("country", f.country);
  add("admin1", f.admin1);
  add("admin2", f.admin2);
  add("perpetrator", f.perpetrator);
  if (f.affiliates) add("affiliates", "yes");
  if (f.event_type) add("event_type", Name(*f.event_type));
  if (f.attack_type) add("attack_type", Name(*f.attack_type));
  if (f.target) add("target", Name(*f.target));
  return out;
}

bool FiltersWithin(const ClaimFilters& narrow, const ClaimFilters& wide) {
  auto within = [](const auto& n, const auto& w, bool w_unset, bool n_unset) {
    return w_unset || (!n_unset && n == w);
  };
  if (!within(narrow.country, wide.country, wide.country.empty(), narrow.country.empty())) return false;
  if (!within(narrow.admin1, wide.admin1, wide.admin1.empty(), narrow.admin1.empty())) return false;
  if (!within(narrow.admin2, wide.admin2, wide.admin2.empty(), narrow.admin2.empty())) return false;
  if (!wide.perpetrator.empty()) {
    if (narrow.perpetrator != wide.perpetrator) return false;
    if (narrow.affiliates && !wide.affiliates) return false;
  }
  if (!within(narrow.event_type, wide.event_type, !wide.event_type, !narrow.event_type)) return false;
  if (!within(narrow.attack_type, wide.attack_type, !wide.attack_type, !narrow.attack_type)) return false;
  if (!within(narrow.target, wide.target, !wide.target, !narrow.target)) return false;
  return true;
}

Status ParseClaimPeriod(std::string_view s, int32_t* from, int32_t* to) {
  s = Trim(s);
  auto bad = [&] {
    return InvalidArgument("period: \"" + std::string(s) + "\" is not YYYY, YYYY-MM, YYYY-MM-DD or FROM..TO");
  };
  if (size_t dots = s.find(".."); dots != std::string_view::npos) {
    auto a = CivilDate::Parse(Trim(s.substr(0, dots)));
    auto b = CivilDate::Parse(Trim(s.substr(dots + 2)));
    if (!a.ok() || !b.ok()) return bad();
    if (b->days() < a->days()) return InvalidArgument("period: \"" + std::string(s) + "\" ends before it starts");
    *from = a->days();
    *to = b->days();
    return Status::Ok();
  }
  int year = 0, month = 0;
  if (s.size() == 4 && ParseDigits(s, &year)) {
    auto a = CivilDate::FromYmd(year, 1, 1);
    auto b = CivilDate::FromYmd(year, 12, 31);
    if (!a.ok() || !b.ok()) return bad();
    *from = a->days();
    *to = b->days();
    return Status::Ok();
  }
  if (s.size() == 7 && s[4] == '-' && ParseDigits(s.substr(0, 4), &year) && ParseDigits(s.substr(5), &month)) {
    auto a = CivilDate::FromYmd(year, month, 1);
    if (!a.ok()) return bad();
    *from = a->days();
    *to = a->days() + DaysInMonth(year, month) - 1;
    return Status::Ok();
  }
  if (auto d = CivilDate::Parse(s); d.ok()) {
    *from = *to = d->days();
    return Status::Ok();
  }
  return bad();
}

std::string ValidateClaim(const Claim& c) {
  if (c.key.empty()) return "key: empty";
  if (c.source.empty()) return "source: empty";
  if (c.value < 0) return "value: negative";
  if (c.category && c.metric == ClaimMetric::kAttacks) return "category: only killed and injured have categories";
  if (auto f = ParseClaimFilters(c.filters); !f.ok()) return f.status().message();
  int32_t from = 0, to = 0;
  if (Status s = ParseClaimPeriod(c.period, &from, &to); !s.ok()) return s.message();
  if (from != c.date_from || to != c.date_to) return "period: the days do not match \"" + c.period + "\"";
  return {};
}

std::string DescribeQuantity(const Claim& c) {
  std::string s(Name(c.metric));
  if (c.category) ((s += " (") += Name(*c.category)) += ")";
  if (!c.filters.empty()) (s += ", ") += c.filters;
  (s += ", ") += c.period;
  return s;
}

}  // namespace faultline
