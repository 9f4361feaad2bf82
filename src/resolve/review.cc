#include "resolve/review.h"

#include <cstdlib>
#include <cstring>

#include "common/date.h"
#include "common/text.h"
#include "resolve/resolver.h"

namespace faultline::resolve {
namespace {

Result<int32_t> ParseCount(const std::string& v) {
  ASSIGN_OR_RETURN(int64_t n, ParseInt(v));
  if (n < 0 || n > 1000000) return InvalidArgument("\"" + v + "\" is not a count");
  return static_cast<int32_t>(n);
}

Result<Incident> Save(Store* store, const Incident& inc, int32_t version, const Change& change) {
  if (auto errors = Validate(inc); !errors.empty()) {
    return InvalidArgument(errors.front().field + ": " + errors.front().message);
  }
  return store->Update(inc, version, change);
}

Result<Incident> SetStatus(Store* store, int64_t id, IncidentStatus status, const Change& change,
                           int32_t expected_version) {
  ASSIGN_OR_RETURN(Incident inc, store->Get(id));
  int32_t version = expected_version ? expected_version : inc.version;
  inc.status = status;
  return Save(store, inc, version, change);
}

constexpr const char* kMergedPrefix = "merged incident ";

}  // namespace

Status SetField(Incident* inc, const std::string& assignment) {
  size_t eq = assignment.find('=');
  if (eq == std::string::npos) return InvalidArgument("\"" + assignment + "\": expected field=value");
  std::string f = assignment.substr(0, eq), v = assignment.substr(eq + 1);
  if (f == "date") {
    ASSIGN_OR_RETURN(CivilDate d, CivilDate::Parse(v));
    inc->date = inc->date_end = d.days();
    inc->date_precision = 0;
  } else if (f == "country") {
    inc->country = v;
  } else if (f == "admin1") {
    inc->admin1 = v;
  } else if (f == "admin2") {
    inc->admin2 = v;
  } else if (f == "place") {
    inc->place = v;
  } else if (f == "event_type") {
    ASSIGN_OR_RETURN(inc->event_type, ParseEventType(v));
  } else if (f == "attack_type") {
    ASSIGN_OR_RETURN(inc->attack_type, ParseAttackType(v));
  } else if (f == "target") {
    ASSIGN_OR_RETURN(inc->target, ParseTargetCategory(v));
  } else if (f == "perpetrator") {
    inc->perpetrator = v;
  } else if (f == "attribution") {
    ASSIGN_OR_RETURN(inc->attribution, ParseAttribution(v));
  } else if (f == "notes") {
    inc->notes = v;
  } else if (f.rfind("killed.", 0) == 0 || f.rfind("injured.", 0) == 0) {
    bool killed = f[0] == 'k';
    ASSIGN_OR_RETURN(CasualtyCategory c, ParseCasualtyCategory(f.substr(killed ? 7 : 8)));
    ASSIGN_OR_RETURN(int32_t n, ParseCount(v));
    CasualtyRange& r = killed ? inc->casualties.Killed(c) : inc->casualties.Injured(c);
    r.low = r.best = r.high = n;
  } else {
    return InvalidArgument("cannot edit \"" + f + "\": use date, country, admin1, admin2, place, event_type, "
                           "attack_type, target, perpetrator, attribution, notes, killed.<category>, "
                           "injured.<category>");
  }
  return Status::Ok();
}

Result<Incident> Accept(Store* store, int64_t id, const Change& change, int32_t expected_version) {
  return SetStatus(store, id, IncidentStatus::kConfirmed, change, expected_version);
}

Result<Incident> Reject(Store* store, int64_t id, const Change& change, int32_t expected_version) {
  return SetStatus(store, id, IncidentStatus::kRejected, change, expected_version);
}

Result<Incident> Edit(Store* store, int64_t id, const std::vector<std::string>& assignments, const Change& change,
                      int32_t expected_version) {
  if (assignments.empty()) return InvalidArgument("edit: give field=value pairs");
  ASSIGN_OR_RETURN(Incident inc, store->Get(id));
  int32_t version = expected_version ? expected_version : inc.version;
  for (const std::string& a : assignments) RETURN_IF_ERROR(SetField(&inc, a));
  return Save(store, inc, version, change);
}

Result<Incident> Merge(Store* store, int64_t keep, const std::vector<int64_t>& others, const Change& change) {
  if (others.empty()) return InvalidArgument("merge: give the incident to keep, then the others");
  ASSIGN_OR_RETURN(Incident inc, store->Get(keep));
  RETURN_IF_ERROR(store->Begin());
  for (int64_t id : others) {
    if (id == keep) {
      (void)store->Rollback();
      return InvalidArgument("cannot merge an incident into itself");
    }
    auto other = store->Get(id);
    if (!other.ok()) {
      (void)store->Rollback();
      return other.status();
    }
    MergeInto(&inc, *other);
    auto saved = store->Update(inc, inc.version, {change.who, kMergedPrefix + std::to_string(id)});
    if (!saved.ok()) {
      (void)store->Rollback();
      return saved.status();
    }
    inc = *saved;
    other->status = IncidentStatus::kMerged;
    other->merged_into = keep;
    auto s = store->Update(*other, other->version, {change.who, "merged into " + std::to_string(keep)});
    if (!s.ok()) {
      (void)store->Rollback();
      return s.status();
    }
  }
  RETURN_IF_ERROR(store->Commit());
  return inc;
}

Result<int64_t> Split(Store* store, int64_t id, const Change& change) {
  ASSIGN_OR_RETURN(Incident inc, store->Get(id));
  ASSIGN_OR_RETURN(auto history, store->History(id));
  int at = -1;
  for (int i = static_cast<int>(history.size()) - 1; i > 0; --i) {
    if (history[i].reason.rfind(kMergedPrefix, 0) == 0) {
      at = i;
      break;
    }
  }
  if (at < 0) {
    return Status(StatusCode::kFailedPrecondition, "incident " + std::to_string(id) + " has no merge to split");
  }
  int64_t other_id = std::atoll(history[at].reason.c_str() + std::strlen(kMergedPrefix));
  Incident restored = history[at - 1].incident;
  restored.id = inc.id;
  restored.status = inc.status;
  RETURN_IF_ERROR(store->Begin());
  auto s = store->Update(restored, inc.version, {change.who, "split off incident " + std::to_string(other_id)});
  if (!s.ok()) {
    (void)store->Rollback();
    return s.status();
  }
  if (auto other = store->Get(other_id); other.ok() && other->status == IncidentStatus::kMerged) {
    other->status = IncidentStatus::kCandidate;
    other->merged_into = 0;
    auto o = store->Update(*other, other->version, {change.who, "split from " + std::to_string(id)});
    if (!o.ok()) {
      (void)store->Rollback();
      return o.status();
    }
  }
  RETURN_IF_ERROR(store->Commit());
  return other_id;
}

}  // namespace faultline::resolve
