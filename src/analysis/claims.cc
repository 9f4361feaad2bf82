#include "analysis/claims.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <unordered_map>

#include "common/date.h"

namespace faultline {
namespace {

std::string Percent(double p) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%+.0f%%", p);
  return buf;
}

Measure MeasureOf(const Claim& c) {
  Measure m;
  switch (c.metric) {
    case ClaimMetric::kAttacks: return Measure::Incidents();
    case ClaimMetric::kKilled: m = Measure::Killed(); break;
    case ClaimMetric::kInjured: m = Measure::Injured(); break;
  }
  if (c.category) m.category = static_cast<int8_t>(*c.category);
  return m;
}

// "PIPS's 207 attacks (country=PK, 2021)".
std::string Cite(const Claim& c) {
  std::string s = c.source + "'s " + std::to_string(c.value) + " " + std::string(Name(c.metric));
  if (c.category) ((s += " (") += Name(*c.category)) += ")";
  s += " (";
  if (!c.filters.empty()) (s += c.filters) += ", ";
  (s += c.period) += ")";
  if (c.standing == ClaimStanding::kReported) s += " as reported in " + c.citation;
  return s;
}

std::string Span(const Cube::SourceSpan& s) {
  return s.importer + " " + std::to_string(s.incidents) + " incidents " + CivilDate(s.first).ToString() + ".." +
         CivilDate(s.last).ToString();
}

}  // namespace

std::string_view Name(DataVerdict v) {
  switch (v) {
    case DataVerdict::kConsistent: return "consistent";
    case DataVerdict::kDiffers: return "differs";
    case DataVerdict::kInsufficientCoverage: return "insufficient_coverage";
    case DataVerdict::kUnresolved: return "unresolved";
  }
  return "?";
}

std::string_view Name(PeerVerdict v) {
  switch (v) {
    case PeerVerdict::kAlone: return "alone";
    case PeerVerdict::kAgrees: return "agrees";
    case PeerVerdict::kContradicted: return "contradicted";
    case PeerVerdict::kDisputed: return "disputed";
  }
  return "?";
}

namespace {

std::optional<PeerRelation> Relate(const Claim& a, const ClaimFilters& fa, const Claim& b, const ClaimFilters& fb) {
  if (a.metric != b.metric) return std::nullopt;
  auto within = [](const Claim& n, const ClaimFilters& nf, const Claim& w, const ClaimFilters& wf) {
    return n.date_from >= w.date_from && n.date_to <= w.date_to && (!w.category || n.category == w.category) &&
           FiltersWithin(nf, wf);
  };
  const bool a_in_b = within(a, fa, b, fb), b_in_a = within(b, fb, a, fa);
  if (a_in_b && b_in_a) return PeerRelation::kSame;
  if (a_in_b) return PeerRelation::kNarrower;
  if (b_in_a) return PeerRelation::kWider;
  return std::nullopt;
}

}  // namespace

std::optional<PeerRelation> RelateClaims(const Claim& a, const Claim& b) {
  auto fa = ParseClaimFilters(a.filters), fb = ParseClaimFilters(b.filters);
  if (!fa.ok() || !fb.ok()) return std::nullopt;
  return Relate(a, *fa, b, *fb);
}

std::vector<ClaimCheck> CheckClaims(const Cube& cube, const std::vector<Claim>& claims,
                                    const std::function<Result<Filter>(const Claim&)>& to_filter,
                                    const ClaimCheckOptions& options) {
  const double tol = options.tolerance;
  std::vector<ClaimCheck> out(claims.size());
  std::unordered_map<std::string, std::vector<Cube::SourceSpan>> reach_cache;
  // Parsed once: the peer comparison is over all pairs.
  std::vector<std::optional<ClaimFilters>> parsed(claims.size());
  for (size_t i = 0; i < claims.size(); ++i) {
    if (auto f = ParseClaimFilters(claims[i].filters); f.ok()) parsed[i] = std::move(*f);
  }
  for (size_t i = 0; i < claims.size(); ++i) {
    const Claim& c = claims[i];
    ClaimCheck& r = out[i];
    r.claim = i;
    std::string data_words;
    // The database.
    auto filter = to_filter(c);
    std::shared_ptr<const CompiledFilter> all_dates, in_period;
    if (filter.ok()) {
      auto q = cube.Compile(*filter, nullptr);
      Filter dated = *filter;
      dated.date_from = c.date_from;
      dated.date_to = c.date_to;
      auto qd = cube.Compile(dated, nullptr);
      if (q.ok() && qd.ok()) {
        all_dates = *q;
        in_period = *qd;
      } else {
        filter = q.ok() ? qd.status() : q.status();
      }
    }
    if (!filter.ok()) {
      r.data = DataVerdict::kUnresolved;
      data_words = "database: not checked (" + filter.status().message() + ")";
    } else {
      // Coverage is the reach of the collection: the claim's country (all
      // the data when it names none), not the narrow definition — a province
      // with no incident before May is not a dataset that starts in May.
      // Claims share a few countries: one pass over the cube per country set.
      std::string reach_key;
      for (const auto& country : filter->countries) (reach_key += country) += ',';
      for (IncidentStatus st : filter->statuses) (reach_key += std::to_string(static_cast<int>(st))) += ';';
      auto cached = reach_cache.find(reach_key);
      if (cached == reach_cache.end()) {
        Filter reach;
        reach.countries = filter->countries;
        reach.statuses = filter->statuses;
        auto qr = cube.Compile(reach, nullptr);
        cached = reach_cache.emplace(reach_key, cube.Coverage(qr.ok() ? **qr : *all_dates)).first;
      }
      r.coverage = cached->second;
      const int32_t slack = std::max<int32_t>(7, (c.date_to - c.date_from + 1) / 10);
      const bool covered = std::any_of(r.coverage.begin(), r.coverage.end(), [&](const Cube::SourceSpan& s) {
        return s.first <= c.date_from + slack && s.last >= c.date_to - slack;
      });
      std::string held;  // per importer, in the claim's country
      for (const auto& s : r.coverage) held += (held.empty() ? "" : "; ") + Span(s);
      if (held.empty()) held = "no incidents";
      auto t = cube.GroupBy(*in_period, {}, {MeasureOf(c)});
      if (t.ok() && !t->totals.empty()) r.computed = t->totals[0];
      if (!covered) {
        r.data = DataVerdict::kInsufficientCoverage;
        if (r.coverage.empty()) {
          data_words = "database: insufficient coverage (it holds no incidents in the claim's country)";
        } else {
          data_words = "database: insufficient coverage (its data do not span the period: " + held +
                       "; for this definition it counts " + std::to_string(r.computed.value_or(0)) + " in the period)";
        }
      } else {
        const double computed = static_cast<double>(r.computed.value_or(0));
        const double diff = std::abs(static_cast<double>(c.value) - computed);
        r.diff_percent = computed > 0 ? 100 * (static_cast<double>(c.value) - computed) / computed : 0;
        r.data = diff <= tol * computed || (computed == 0 && c.value == 0) ? DataVerdict::kConsistent
                                                                            : DataVerdict::kDiffers;
        data_words = "database: " + std::to_string(r.computed.value_or(0)) + " (data held: " + held + ")";
        if (r.data == DataVerdict::kConsistent) {
          data_words += ", consistent within " + std::to_string(static_cast<int>(std::lround(tol * 100))) + "%";
        } else if (computed > 0) {
          data_words += ", the claim differs by " + Percent(r.diff_percent);
        } else {
          data_words += ", the claim is above a count of 0";
        }
      }
    }
    // The other claims.
    std::string peer_words;
    bool conflict_up = false, conflict_down = false;
    for (size_t j = 0; j < claims.size(); ++j) {
      if (j == i) continue;
      const Claim& o = claims[j];
      if (o.metric != c.metric || !parsed[i] || !parsed[j]) continue;
      auto rel = Relate(c, *parsed[i], o, *parsed[j]);
      if (!rel) continue;
      PeerComparison p;
      p.other = j;
      p.relation = *rel;
      const double a = static_cast<double>(c.value), b = static_cast<double>(o.value);
      p.diff_percent = b > 0 ? 100 * (a - b) / b : 0;
      switch (*rel) {
        case PeerRelation::kSame: p.conflict = std::abs(a - b) > tol * std::max(a, b); break;
        case PeerRelation::kNarrower: p.conflict = a > b * (1 + tol); break;
        case PeerRelation::kWider: p.conflict = b > a * (1 + tol); break;
      }
      if (p.conflict) {
        // A lower ClaimStanding value is the higher standing (primary).
        (static_cast<int>(o.standing) <= static_cast<int>(c.standing) ? conflict_up : conflict_down) = true;
        std::string w;
        switch (*rel) {
          case PeerRelation::kSame: w = "differs from " + Cite(o) + " by " + Percent(p.diff_percent); break;
          case PeerRelation::kNarrower:
            w = "exceeds " + Cite(o) + ", a wider count, by " + Percent(p.diff_percent).substr(1);
            break;
          case PeerRelation::kWider: w = "is below " + Cite(o) + ", a narrower count"; break;
        }
        peer_words += (peer_words.empty() ? "" : "; ") + w;
      }
      r.peers.push_back(p);
    }
    if (r.peers.empty()) {
      r.peer = PeerVerdict::kAlone;
    } else if (conflict_up) {
      r.peer = PeerVerdict::kContradicted;
    } else if (conflict_down) {
      r.peer = PeerVerdict::kDisputed;
    } else {
      r.peer = PeerVerdict::kAgrees;
    }
    std::string head = std::to_string(c.value) + " " + DescribeQuantity(c) + " — " + c.source;
    if (c.standing == ClaimStanding::kReported) head += " as reported in " + c.citation;
    std::string claims_words;
    switch (r.peer) {
      case PeerVerdict::kAlone: claims_words = "claims: no other claim about this quantity"; break;
      case PeerVerdict::kAgrees:
        claims_words = "claims: agrees with " + std::to_string(r.peers.size()) + " related claim" +
                       (r.peers.size() == 1 ? "" : "s");
        break;
      case PeerVerdict::kContradicted: claims_words = "claims: contradicted — " + peer_words; break;
      case PeerVerdict::kDisputed: claims_words = "claims: disputed by lower-standing figures — " + peer_words; break;
    }
    r.summary = head + ". " + claims_words + ". " + data_words + ".";
  }
  return out;
}

}  // namespace faultline
