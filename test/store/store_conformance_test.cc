// The store conformance suite: every test/store/*.test file runs on a fresh
// SQLite file and on a fresh PostgreSQL database, and both must give the
// results the file expects. The format is described in test/store/README.md;
// adding a case is adding a file.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <sstream>

#include "common/date.h"
#include "faultline/store.h"
#include "model/incident_json.h"
#include "store/store_test_env.h"
#include "support/pg_server.h"

namespace faultline {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

std::string StoreTestDir() {
  const char* env = std::getenv("FAULTLINE_TEST_DIR");
  std::string base = env != nullptr && *env != '\0' ? env : FAULTLINE_SOURCE_TEST_DIR;
  return base + "/store";
}

std::vector<std::string> TestFiles() {
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(StoreTestDir(), ec)) {
    if (entry.path().extension() == ".test") files.push_back(entry.path().filename().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// ---------------------------------------------------------------------------
// Script syntax

struct Line {
  int number = 0;
  std::string text;
};

// Logical lines: comments (#) and blank lines dropped, a line that starts
// with whitespace continues the one before it.
std::vector<Line> ReadScript(const std::string& path) {
  std::ifstream in(path);
  std::vector<Line> lines;
  std::string text;
  int number = 0;
  while (std::getline(in, text)) {
    ++number;
    std::string_view t = text;
    size_t first = t.find_first_not_of(" \t\r");
    if (first == std::string_view::npos || t[first] == '#') continue;
    while (!t.empty() && (t.back() == '\r' || t.back() == ' ')) t.remove_suffix(1);
    if (first > 0 && !lines.empty()) {
      lines.back().text += ' ';
      lines.back().text += t.substr(first);
    } else {
      lines.push_back({number, std::string(t.substr(first))});
    }
  }
  return lines;
}

// One word of a command: `key=item,item` or a bare `item`. Items are bare
// (up to a comma or space) or "double quoted" with \" and \\ escapes.
struct Arg {
  std::string key;                 // "" for a bare word
  std::vector<std::string> items;  // a bare word is one item
};

struct ParsedArgs {
  std::vector<Arg> args;
  std::string json;  // from the first word that starts with { or [ to the end
};

Result<ParsedArgs> ParseArgs(std::string_view s) {
  ParsedArgs out;
  size_t i = 0;
  auto skip_space = [&] {
    while (i < s.size() && s[i] == ' ') ++i;
  };
  auto item = [&]() -> Result<std::string> {
    std::string v;
    if (i < s.size() && s[i] == '"') {
      ++i;
      while (i < s.size() && s[i] != '"') {
        if (s[i] == '\\' && i + 1 < s.size()) ++i;
        v += s[i++];
      }
      if (i == s.size()) return InvalidArgument("unterminated quote");
      ++i;
      return v;
    }
    while (i < s.size() && s[i] != ',' && s[i] != ' ') v += s[i++];
    return v;
  };
  for (skip_space(); i < s.size(); skip_space()) {
    if (s[i] == '{' || s[i] == '[') {
      out.json = std::string(s.substr(i));
      break;
    }
    Arg a;
    size_t eq = s.find('=', i), space = s.find(' ', i);
    const bool keyed = eq != std::string_view::npos && (space == std::string_view::npos || eq < space) && s[i] != '"';
    if (keyed) {
      a.key = std::string(s.substr(i, eq - i));
      i = eq + 1;
    }
    if (i < s.size() && s[i] != ' ') {
      for (;;) {
        ASSIGN_OR_RETURN(std::string v, item());
        a.items.push_back(std::move(v));
        if (i < s.size() && s[i] == ',') {
          ++i;
          continue;
        }
        break;
      }
    }
    if (i < s.size() && s[i] != ' ') return InvalidArgument("unexpected character at \"" + std::string(s.substr(i)) + "\"");
    out.args.push_back(std::move(a));
  }
  return out;
}

std::string Join(const std::vector<int64_t>& v) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + std::to_string(v[i]);
  return s;
}

Result<int64_t> ParseInt(const std::string& s) {
  try {
    size_t used = 0;
    long long v = std::stoll(s, &used);
    if (used == s.size()) return static_cast<int64_t>(v);
  } catch (const std::exception&) {
  }
  return InvalidArgument("\"" + s + "\" is not a whole number");
}

Result<double> ParseDouble(const std::string& s) {
  try {
    size_t used = 0;
    double v = std::stod(s, &used);
    if (used == s.size()) return v;
  } catch (const std::exception&) {
  }
  return InvalidArgument("\"" + s + "\" is not a number");
}

Result<int32_t> ParseDay(const std::string& s) {
  ASSIGN_OR_RETURN(CivilDate d, CivilDate::Parse(s));
  return d.days();
}

template <typename E>
Result<std::vector<E>> ParseEnums(const std::vector<std::string>& items, Result<E> (*parse)(std::string_view)) {
  std::vector<E> out;
  for (const auto& it : items) {
    ASSIGN_OR_RETURN(E v, parse(it));
    out.push_back(v);
  }
  return out;
}

Result<std::string> Single(const Arg& a) {
  if (a.items.size() != 1) return InvalidArgument(a.key + ": expected one value");
  return a.items[0];
}

Result<Filter> ParseFilter(const std::vector<Arg>& args) {
  Filter f;
  for (const Arg& a : args) {
    const std::string& k = a.key;
    if (k == "date_from" || k == "date_to") {
      ASSIGN_OR_RETURN(std::string v, Single(a));
      ASSIGN_OR_RETURN(int32_t d, ParseDay(v));
      (k == "date_from" ? f.date_from : f.date_to) = d;
    } else if (k == "countries") {
      f.countries = a.items;
    } else if (k == "admin1") {
      f.admin1 = a.items;
    } else if (k == "admin2") {
      f.admin2 = a.items;
    } else if (k == "perpetrators") {
      f.perpetrators = a.items;
    } else if (k == "event_types") {
      ASSIGN_OR_RETURN(f.event_types, ParseEnums(a.items, &ParseEventType));
    } else if (k == "attack_types") {
      ASSIGN_OR_RETURN(f.attack_types, ParseEnums(a.items, &ParseAttackType));
    } else if (k == "targets") {
      ASSIGN_OR_RETURN(f.targets, ParseEnums(a.items, &ParseTargetCategory));
    } else if (k == "statuses") {
      ASSIGN_OR_RETURN(f.statuses, ParseEnums(a.items, &ParseIncidentStatus));
    } else if (k == "min_killed") {
      ASSIGN_OR_RETURN(std::string v, Single(a));
      ASSIGN_OR_RETURN(f.min_killed, ParseInt(v));
    } else if (k == "text") {
      ASSIGN_OR_RETURN(f.text, Single(a));
    } else if (k == "bbox") {
      if (a.items.size() != 4) return InvalidArgument("bbox: expected min_lon,min_lat,max_lon,max_lat");
      BoundingBox b{};
      ASSIGN_OR_RETURN(b.min_lon, ParseDouble(a.items[0]));
      ASSIGN_OR_RETURN(b.min_lat, ParseDouble(a.items[1]));
      ASSIGN_OR_RETURN(b.max_lon, ParseDouble(a.items[2]));
      ASSIGN_OR_RETURN(b.max_lat, ParseDouble(a.items[3]));
      f.bbox = b;
    } else if (k == "importers") {
      f.importers = a.items;
    } else if (k == "licenses") {
      f.licenses = a.items;
    } else if (k == "after_id") {
      ASSIGN_OR_RETURN(std::string v, Single(a));
      ASSIGN_OR_RETURN(f.after_id, ParseInt(v));
    } else if (k == "limit") {
      ASSIGN_OR_RETURN(std::string v, Single(a));
      ASSIGN_OR_RETURN(f.limit, ParseInt(v));
    } else {
      return InvalidArgument("unknown filter key \"" + k + "\"");
    }
  }
  return f;
}

Result<StatusCode> ParseCode(const std::string& s) {
  static const std::map<std::string, StatusCode> kCodes = {
      {"invalid_argument", StatusCode::kInvalidArgument}, {"not_found", StatusCode::kNotFound},
      {"already_exists", StatusCode::kAlreadyExists},     {"conflict", StatusCode::kConflict},
      {"failed_precondition", StatusCode::kFailedPrecondition},
      {"permission_denied", StatusCode::kPermissionDenied}, {"io_error", StatusCode::kIoError},
      {"data_loss", StatusCode::kDataLoss},               {"unavailable", StatusCode::kUnavailable},
      {"internal", StatusCode::kInternal}};
  auto it = kCodes.find(s);
  if (it == kCodes.end()) return InvalidArgument("unknown status code \"" + s + "\"");
  return it->second;
}

std::string_view OutcomeName(WriteOutcome o) {
  switch (o) {
    case WriteOutcome::kInserted: return "inserted";
    case WriteOutcome::kUpdated: return "updated";
    case WriteOutcome::kUnchanged: return "unchanged";
  }
  return "?";
}

// What the last command produced; `expect` lines look at it.
struct Outcome {
  std::string command;
  Status status;
  std::optional<WriteOutcome> write;
  std::vector<WriteOutcome> batch;  // upsert_batch: one per incident, with ids and versions
  std::vector<int32_t> versions;
  int64_t id = 0;
  int32_t version = 0;
  std::vector<int64_t> ids;
  std::vector<Incident> rows;
  std::vector<IncidentFacts> facts;
  std::vector<IncidentSketch> sketches;
  std::optional<int64_t> count;
  std::optional<int> schema;
  std::vector<HistoryEntry> history;
  std::optional<Incident> incident;
  std::optional<Json> json;
  std::optional<bool> stamp_moved;  // `stamp`: did the watcher's ChangeStamp move
  bool checked = false;         // an expect line looked at it
  bool error_expected = false;  // an `expect error` line named its error
};

// ---------------------------------------------------------------------------
// The runner

class ScriptRunner {
 public:
  ScriptRunner(std::string file, std::string uri) : file_(std::move(file)), uri_(std::move(uri)) {}

  void Run(const std::vector<Line>& lines) {
    Status opened = Reopen();
    ASSERT_TRUE(opened.ok()) << "opening " << uri_ << ": " << opened.ToString();
    for (const Line& line : lines) {
      if (failures_ >= 10) {
        ADD_FAILURE() << file_ << ": stopping after 10 failures";
        return;
      }
      line_ = line.number;
      std::string text = Substitute(line.text);
      if (text.starts_with("expect ") || text == "expect") {
        Expect(text.substr(std::min<size_t>(7, text.size())));
      } else {
        FinishCommand();
        Execute(text);
      }
    }
    FinishCommand();
    watcher_.reset();
    store_.reset();
  }

 private:
  void Fail(const std::string& message) {
    ++failures_;
    ADD_FAILURE() << file_ << ":" << line_ << ": " << message;
  }

  Status Reopen() {
    store_.reset();
    auto s = Store::Open(uri_);
    if (!s.ok()) return s.status();
    store_ = std::move(*s);
    return Status::Ok();
  }

  // Replaces $name with the id it was bound to; unbound names stay.
  std::string Substitute(const std::string& text) const {
    static const std::regex kVar(R"(\$([A-Za-z_][A-Za-z0-9_]*))");
    std::string out;
    auto begin = std::sregex_iterator(text.begin(), text.end(), kVar);
    size_t last = 0;
    for (auto it = begin; it != std::sregex_iterator(); ++it) {
      auto found = vars_.find((*it)[1].str());
      if (found == vars_.end()) continue;
      out += text.substr(last, static_cast<size_t>(it->position()) - last);
      out += std::to_string(found->second);
      last = static_cast<size_t>(it->position() + it->length());
    }
    out += text.substr(last);
    return out;
  }

  // A command without expect lines must succeed.
  void FinishCommand() {
    if (last_ && !last_->checked && !last_->status.ok()) {
      Fail("`" + last_->command + "` failed: " + last_->status.ToString());
    }
    last_.reset();
  }

  // `[template] {json}` → the incident (JSON merge patch onto the template).
  Result<Incident> BuildIncident(const ParsedArgs& p, size_t template_arg) {
    ASSIGN_OR_RETURN(Json j, BuildJson(p, template_arg));
    auto inc = IncidentFromJson(j.dump());
    if (!inc.ok()) return inc.status().WithContext("incident JSON");
    return inc;
  }

  Result<Json> BuildJson(const ParsedArgs& p, size_t template_arg) {
    Json j = Json::object();
    for (size_t i = template_arg; i < p.args.size(); ++i) {
      const Arg& a = p.args[i];
      if (!a.key.empty()) continue;
      auto t = templates_.find(a.items[0]);
      if (t == templates_.end()) return InvalidArgument("unknown template \"" + a.items[0] + "\"");
      j = t->second;
    }
    if (!p.json.empty()) {
      Json patch = Json::parse(p.json, nullptr, false);
      if (patch.is_discarded()) return InvalidArgument("not valid JSON: " + p.json);
      j.merge_patch(patch);
    }
    return j;
  }

  static std::optional<int32_t> ExpectedVersion(const ParsedArgs& p) {
    for (const Arg& a : p.args) {
      if (a.key == "expected_version" && a.items.size() == 1) {
        auto v = ParseInt(a.items[0]);
        if (v.ok()) return static_cast<int32_t>(*v);
      }
    }
    return std::nullopt;
  }

  static Change ChangeFrom(const ParsedArgs& p) {
    Change c;
    for (const Arg& a : p.args) {
      if (a.key == "by" && !a.items.empty()) c.who = a.items[0];
      if (a.key == "reason" && !a.items.empty()) c.reason = a.items[0];
    }
    return c;
  }

  static std::vector<Arg> KeyedExcept(const ParsedArgs& p, std::initializer_list<std::string_view> skip) {
    std::vector<Arg> out;
    for (const Arg& a : p.args) {
      if (a.key.empty()) continue;
      if (std::find(skip.begin(), skip.end(), a.key) != skip.end()) continue;
      out.push_back(a);
    }
    return out;
  }

  Result<int64_t> IdArg(const ParsedArgs& p, size_t index) {
    if (index >= p.args.size() || !p.args[index].key.empty()) return InvalidArgument("expected an incident id");
    const std::string& v = p.args[index].items[0];
    if (v.starts_with("$")) return InvalidArgument("variable " + v + " is not bound");
    return ParseInt(v);
  }

  void Execute(const std::string& text) {
    size_t space = text.find(' ');
    std::string command = text.substr(0, space);
    std::string rest = space == std::string::npos ? "" : text.substr(space + 1);
    auto parsed = ParseArgs(rest);
    if (!parsed.ok()) return Fail(parsed.status().ToString());
    const ParsedArgs& p = *parsed;
    Outcome out;
    out.command = text.size() > 80 ? text.substr(0, 77) + "..." : text;
    auto bad = [&](const Status& s) { Fail("bad command `" + out.command + "`: " + s.ToString()); };

    if (command == "template") {
      if (p.args.size() != 1 || p.json.empty()) return bad(InvalidArgument("template NAME {json}"));
      Json j = Json::parse(p.json, nullptr, false);
      if (j.is_discarded()) return bad(InvalidArgument("not valid JSON"));
      templates_[p.args[0].items[0]] = j;
      return;
    }
    if (command == "upsert") {
      auto inc = BuildIncident(p, 0);
      if (!inc.ok()) return bad(inc.status());
      auto r = store_->Upsert(&*inc, ChangeFrom(p));
      out.status = r.status();
      if (r.ok()) {
        out.write = *r;
        out.id = inc->id;
        out.version = inc->version;
      }
    } else if (command == "upsert_batch") {
      // upsert_batch [by=W] [reason=R] [NAME] [{patch}, {patch}, ...]
      Json patches = Json::parse(p.json, nullptr, false);
      if (!patches.is_array()) return bad(InvalidArgument("upsert_batch [NAME] [{json}, ...]"));
      ParsedArgs base = p;
      base.json.clear();
      auto j = BuildJson(base, 0);
      if (!j.ok()) return bad(j.status());
      std::vector<Incident> batch;
      for (const Json& patch : patches) {
        Json one = *j;
        one.merge_patch(patch);
        auto inc = IncidentFromJson(one.dump());
        if (!inc.ok()) return bad(inc.status().WithContext("incident JSON"));
        batch.push_back(std::move(*inc));
      }
      std::vector<WriteOutcome> outcomes;
      out.status = store_->UpsertBatch(batch, ChangeFrom(p), &outcomes);
      out.batch = outcomes;
      for (size_t i = 0; i < outcomes.size() && i < batch.size(); ++i) {
        out.ids.push_back(batch[i].id);
        out.versions.push_back(batch[i].version);
      }
    } else if (command == "update") {
      auto id = IdArg(p, 0);
      if (!id.ok()) return bad(id.status());
      const std::optional<int32_t> expected = ExpectedVersion(p);
      if (!expected) return bad(InvalidArgument("update ID expected_version=N [template] {json}"));
      auto inc = BuildIncident(p, 1);
      if (!inc.ok()) return bad(inc.status());
      inc->id = *id;
      auto r = store_->Update(*inc, *expected, ChangeFrom(p));
      out.status = r.status();
      if (r.ok()) {
        out.id = r->id;
        out.version = r->version;
        out.incident = *r;
      }
    } else if (command == "merge") {
      // merge ID expected_version=N [by=W] [reason=R] [NAME] {json}: the report merged into ID
      auto id = IdArg(p, 0);
      if (!id.ok()) return bad(id.status());
      const std::optional<int32_t> expected = ExpectedVersion(p);
      if (!expected) return bad(InvalidArgument("merge ID expected_version=N [template] {json}"));
      auto report = BuildIncident(p, 1);
      if (!report.ok()) return bad(report.status());
      auto r = store_->MergeReport(*id, *expected, *report, ChangeFrom(p));
      out.status = r.status();
      if (r.ok()) {
        out.id = *id;
        out.version = *r;
      }
    } else if (command == "get") {
      auto id = IdArg(p, 0);
      if (!id.ok()) return bad(id.status());
      auto r = store_->Get(*id);
      out.status = r.status();
      if (r.ok()) {
        out.id = r->id;
        out.version = r->version;
        out.incident = *r;
      }
    } else if (command == "history") {
      auto id = IdArg(p, 0);
      if (!id.ok()) return bad(id.status());
      auto r = store_->History(*id);
      out.status = r.status();
      if (r.ok()) out.history = *r;
      static const std::regex kIso(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)");
      for (const HistoryEntry& e : out.history) {
        if (!std::regex_match(e.changed_at, kIso)) Fail("history changed_at \"" + e.changed_at + "\" is not ISO UTC");
      }
    } else if (command == "query" || command == "count" || command == "facts" || command == "scan_stop" ||
               command == "points") {
      size_t stop_after = 0;
      std::vector<Arg> filter_args;
      for (size_t i = 0; i < p.args.size(); ++i) {
        if (command == "scan_stop" && i == 0) {
          auto n = ParseInt(p.args[0].items.empty() ? "" : p.args[0].items[0]);
          if (!n.ok() || !p.args[0].key.empty()) return bad(InvalidArgument("scan_stop N [filter]"));
          stop_after = static_cast<size_t>(*n);
          continue;
        }
        filter_args.push_back(p.args[i]);
      }
      auto filter = ParseFilter(filter_args);
      if (!filter.ok()) return bad(filter.status());
      if (command == "count") {
        auto r = store_->Count(*filter);
        out.status = r.status();
        if (r.ok()) out.count = *r;
      } else if (command == "facts") {
        out.status = store_->ScanFacts(*filter, [&](const IncidentFacts& f) {
          out.ids.push_back(f.id);
          out.facts.push_back(f);
        });
      } else if (command == "points") {
        // ScanPoints, checked field by field against Scan (the slow,
        // obviously right reference) over the same filter.
        std::vector<IncidentPoint> points;
        out.status = store_->ScanPoints(*filter, [&](const IncidentPoint& pt) {
          out.ids.push_back(pt.id);
          points.push_back(pt);
          return Status::Ok();
        });
        if (out.status.ok()) {
          std::vector<Incident> full;
          Status s = store_->Scan(*filter, [&](const Incident& inc) {
            full.push_back(inc);
            return Status::Ok();
          });
          if (!s.ok()) return bad(s.WithContext("reference Scan"));
          if (full.size() != points.size()) {
            Fail("points: " + std::to_string(points.size()) + " points, Scan gave " + std::to_string(full.size()));
          }
          for (size_t i = 0; i < std::min(full.size(), points.size()); ++i) {
            const Incident& w = full[i];
            const IncidentPoint& g = points[i];
            const std::string at = "points: incident " + std::to_string(w.id) + ": ";
            if (g.id != w.id) Fail(at + "point has id " + std::to_string(g.id));
            if (g.date != w.date) Fail(at + "date");
            if (g.lat != w.lat || g.lon != w.lon) Fail(at + "coordinates");
            if (g.event_type != w.event_type || g.attack_type != w.attack_type || g.target != w.target) Fail(at + "types");
            if (g.status != w.status) Fail(at + "status");
            if (g.admin1 != w.admin1 || g.admin2 != w.admin2 || g.place != w.place) Fail(at + "place names");
            if (g.perpetrator != w.perpetrator) Fail(at + "perpetrator");
            if (g.killed != w.casualties.TotalKilled() || g.injured != w.casualties.TotalInjured()) {
              Fail(at + "killed/injured " + std::to_string(g.killed) + "/" + std::to_string(g.injured) + ", want " +
                   std::to_string(w.casualties.TotalKilled()) + "/" + std::to_string(w.casualties.TotalInjured()));
            }
          }
        }
      } else {
        out.status = store_->Scan(*filter, [&](const Incident& inc) -> Status {
          if (command == "scan_stop" && out.ids.size() == stop_after) {
            return FailedPrecondition("the test's sink stops the scan");
          }
          out.ids.push_back(inc.id);
          out.rows.push_back(inc);
          return Status::Ok();
        });
      }
    } else if (command == "news_window") {
      // news_window country=C [admin1=P] date_from=D date_to=D [date_end_from=D] [key=K] [exclude_url=U]
      NewsWindow w;
      for (const Arg& a : p.args) {
        auto v = Single(a);
        if (!v.ok()) return bad(v.status());
        if (a.key == "country") {
          w.country = *v;
        } else if (a.key == "admin1") {
          w.admin1 = *v;
        } else if (a.key == "key") {
          w.source_key = *v;
        } else if (a.key == "exclude_url") {
          w.exclude_source_url = *v;
        } else if (a.key == "date_from" || a.key == "date_to" || a.key == "date_end_from") {
          auto d = ParseDay(*v);
          if (!d.ok()) return bad(d.status());
          (a.key == "date_from" ? w.date_from : a.key == "date_to" ? w.date_to : w.date_end_from) = *d;
        } else {
          return bad(InvalidArgument("unknown news_window key \"" + a.key + "\""));
        }
      }
      out.status = store_->ScanNewsWindow(w, [&](const IncidentSketch& s) -> Status {
        out.ids.push_back(s.id);
        out.sketches.push_back(s);
        return Status::Ok();
      });
    } else if (command == "begin") {
      out.status = store_->Begin();
    } else if (command == "commit") {
      out.status = store_->Commit();
    } else if (command == "rollback") {
      out.status = store_->Rollback();
    } else if (command == "reopen") {
      out.status = Reopen();
    } else if (command == "watch") {
      // A second handle that never writes, as the server's cache watcher.
      auto w = Store::Open(uri_);
      out.status = w.status();
      if (w.ok()) {
        watcher_ = std::move(*w);
        auto st = watcher_->ChangeStamp();
        out.status = st.status();
        if (st.ok()) stamp_ = *st;
        auto incidents = watcher_->IncidentsStamp();
        if (out.status.ok()) out.status = incidents.status();
        if (incidents.ok()) incidents_stamp_ = *incidents;
      }
    } else if (command == "incidents_stamp") {
      // The watcher's IncidentsStamp: moved since the last incidents_stamp?
      if (watcher_ == nullptr) return bad(InvalidArgument("incidents_stamp before watch"));
      auto st = watcher_->IncidentsStamp();
      out.status = st.status();
      if (st.ok()) {
        out.stamp_moved = !incidents_stamp_ || *st != *incidents_stamp_;
        incidents_stamp_ = *st;
      }
    } else if (command == "stamp" || command == "own_stamp") {
      // stamp: the watcher's; own_stamp: this store's own handle's.
      Store* of = command == "stamp" ? watcher_.get() : store_.get();
      std::string& last = command == "stamp" ? stamp_ : own_stamp_;
      if (of == nullptr) return bad(InvalidArgument("stamp before watch"));
      auto st = of->ChangeStamp();
      out.status = st.status();
      if (st.ok()) {
        out.stamp_moved = *st != last;
        last = *st;
      }
    } else if (command == "schema_version") {
      auto r = store_->SchemaVersion();
      out.status = r.status();
      if (r.ok()) out.schema = *r;
    } else if (command == "record_import") {
      Json j = Json::parse(p.json, nullptr, false);
      if (!j.is_object()) return bad(InvalidArgument("record_import {json}"));
      ImportRecord rec;
      try {
        rec.batch_id = j.value("batch_id", "");
        rec.importer = j.value("importer", "");
        rec.file = j.value("file", "");
        rec.started_at = j.value("started_at", "");
        rec.rows_read = j.value("rows_read", int64_t{0});
        rec.rows_inserted = j.value("rows_inserted", int64_t{0});
        rec.rows_updated = j.value("rows_updated", int64_t{0});
        rec.rows_unchanged = j.value("rows_unchanged", int64_t{0});
        rec.rows_rejected = j.value("rows_rejected", int64_t{0});
      } catch (const std::exception& e) {
        return bad(InvalidArgument(e.what()));
      }
      out.status = store_->RecordImport(rec);
    } else if (command == "imports") {
      auto r = store_->Imports();
      out.status = r.status();
      if (r.ok()) {
        Json arr = Json::array();
        for (const ImportRecord& rec : *r) {
          arr.push_back(Json{{"batch_id", rec.batch_id},           {"importer", rec.importer},
                             {"file", rec.file},                   {"started_at", rec.started_at},
                             {"rows_read", rec.rows_read},         {"rows_inserted", rec.rows_inserted},
                             {"rows_updated", rec.rows_updated},   {"rows_unchanged", rec.rows_unchanged},
                             {"rows_rejected", rec.rows_rejected}});
        }
        out.json = arr;
      }
    } else if (command == "upsert_phase") {
      Json j = Json::parse(p.json, nullptr, false);
      if (!j.is_object()) return bad(InvalidArgument("upsert_phase {json}"));
      Phase ph;
      try {
        ph.key = j.value("key", "");
        auto type = ParsePhaseType(j.value("type", "other"));
        if (!type.ok()) return bad(type.status());
        ph.type = *type;
        ph.name = j.value("name", "");
        ph.parties = j.value("parties", std::vector<std::string>{});
        ph.country = j.value("country", "");
        auto start = CivilDate::Parse(j.value("start", ""));
        if (!start.ok()) return bad(start.status());
        ph.start = start->days();
        if (j.contains("end") && !j["end"].is_null()) {
          auto end = CivilDate::Parse(j["end"].get<std::string>());
          if (!end.ok()) return bad(end.status());
          ph.end = end->days();
        }
        ph.source = j.value("source", "");
        ph.notes = j.value("notes", "");
      } catch (const std::exception& e) {
        return bad(InvalidArgument(e.what()));
      }
      auto r = store_->UpsertPhase(&ph);
      out.status = r.status();
      if (r.ok()) {
        out.write = *r;
        out.id = ph.id;
      }
    } else if (command == "phases") {
      auto r = store_->Phases();
      out.status = r.status();
      if (r.ok()) {
        Json arr = Json::array();
        for (const Phase& ph : *r) {
          arr.push_back(Json{{"key", ph.key},
                             {"type", std::string(Name(ph.type))},
                             {"name", ph.name},
                             {"parties", ph.parties},
                             {"country", ph.country},
                             {"start", CivilDate(ph.start).ToString()},
                             {"end", ph.end ? Json(CivilDate(*ph.end).ToString()) : Json(nullptr)},
                             {"source", ph.source},
                             {"notes", ph.notes}});
        }
        out.json = arr;
      }
    } else if (command == "add_forecasts") {
      // A JSON array of ForecastRecord fields; days as YYYY-MM-DD.
      Json j = Json::parse(p.json, nullptr, false);
      if (!j.is_array()) return bad(InvalidArgument("add_forecasts [json, ...]"));
      std::vector<ForecastRecord> records;
      try {
        for (const Json& o : j) {
          ForecastRecord r;
          r.run = o.value("run", "");
          r.model = o.value("model", "");
          r.model_version = o.value("model_version", "");
          r.measure = o.value("measure", "incidents");
          r.unit_kind = o.value("unit_kind", "admin1");
          r.unit = o.value("unit", "");
          r.period = o.value("period", "month");
          r.target = o.value("target", "");
          r.horizon = o.value("horizon", 1);
          for (auto [key, field] : {std::pair{"issued", &r.issued}, std::pair{"train_from", &r.train_from},
                                    std::pair{"train_to", &r.train_to}}) {
            auto d = CivilDate::Parse(o.value(key, "1970-01-01"));
            if (!d.ok()) return bad(d.status());
            *field = d->days();
          }
          r.filter = o.value("filter", "");
          r.seed = o.value("seed", int64_t{0});
          r.mean = o.value("mean", 0.0);
          auto q = o.value("quantiles", std::vector<double>(7, 0.0));
          if (q.size() != 7) return bad(InvalidArgument("quantiles: 7 numbers"));
          std::copy(q.begin(), q.end(), r.quantiles.begin());
          r.p_at_least = o.value("p_at_least", std::vector<double>{});
          r.samples = o.value("samples", std::vector<int64_t>{});
          records.push_back(std::move(r));
        }
      } catch (const std::exception& e) {
        return bad(InvalidArgument(e.what()));
      }
      out.status = store_->AddForecasts(&records);
      if (out.status.ok() && !records.empty()) out.id = records.back().id;
    } else if (command == "forecasts") {
      std::string run;
      for (const Arg& a : p.args) {
        if (a.key == "run" && !a.items.empty()) run = a.items[0];
      }
      auto r = store_->Forecasts(run);
      out.status = r.status();
      if (r.ok()) {
        Json arr = Json::array();
        for (const ForecastRecord& f : *r) {
          arr.push_back(Json{{"run", f.run}, {"model", f.model}, {"model_version", f.model_version},
                             {"measure", f.measure}, {"unit_kind", f.unit_kind}, {"unit", f.unit},
                             {"period", f.period}, {"target", f.target}, {"horizon", f.horizon},
                             {"issued", CivilDate(f.issued).ToString()},
                             {"train_from", CivilDate(f.train_from).ToString()},
                             {"train_to", CivilDate(f.train_to).ToString()}, {"filter", f.filter}, {"seed", f.seed},
                             {"mean", f.mean}, {"quantiles", f.quantiles}, {"p_at_least", f.p_at_least},
                             {"samples", f.samples}});
        }
        out.json = arr;
      }
    } else if (command == "upsert_claim") {
      Json j = Json::parse(p.json, nullptr, false);
      if (!j.is_object()) return bad(InvalidArgument("upsert_claim {json}"));
      Claim c;
      try {
        c.key = j.value("key", "");
        c.source = j.value("source", "");
        c.citation = j.value("citation", "");
        auto standing = ParseClaimStanding(j.value("standing", "primary"));
        if (!standing.ok()) return bad(standing.status());
        c.standing = *standing;
        auto metric = ParseClaimMetric(j.value("metric", "attacks"));
        if (!metric.ok()) return bad(metric.status());
        c.metric = *metric;
        if (std::string cat = j.value("category", ""); !cat.empty()) {
          auto category = ParseCasualtyCategory(cat);
          if (!category.ok()) return bad(category.status());
          c.category = *category;
        }
        c.filters = j.value("filters", "");
        c.period = j.value("period", "");
        // The days follow the period unless the script states them (to
        // test that a mismatch is refused).
        if (Status ps = ParseClaimPeriod(c.period, &c.date_from, &c.date_to); !ps.ok() && !j.contains("date_from")) {
          return bad(ps);
        }
        if (j.contains("date_from")) c.date_from = j["date_from"].get<int32_t>();
        c.value = j.value("value", int64_t{0});
        c.evidence = j.value("evidence", "");
        c.notes = j.value("notes", "");
      } catch (const std::exception& e) {
        return bad(InvalidArgument(e.what()));
      }
      auto r = store_->UpsertClaim(&c);
      out.status = r.status();
      if (r.ok()) {
        out.write = *r;
        out.id = c.id;
      }
    } else if (command == "claims") {
      auto r = store_->Claims();
      out.status = r.status();
      if (r.ok()) {
        Json arr = Json::array();
        for (const Claim& c : *r) {
          arr.push_back(Json{{"key", c.key},
                             {"source", c.source},
                             {"citation", c.citation},
                             {"standing", std::string(Name(c.standing))},
                             {"metric", std::string(Name(c.metric))},
                             {"category", c.category ? std::string(Name(*c.category)) : std::string()},
                             {"filters", c.filters},
                             {"period", c.period},
                             {"from", CivilDate(c.date_from).ToString()},
                             {"to", CivilDate(c.date_to).ToString()},
                             {"value", c.value},
                             {"evidence", c.evidence},
                             {"notes", c.notes}});
        }
        out.json = arr;
      }
    } else {
      return Fail("unknown command \"" + command + "\"");
    }
    last_ = std::move(out);
  }

  // Canonical JSON of `expected` (a template + patch) against `actual`. Keys
  // id and version are compared only when the expectation states them.
  void CompareIncident(const ParsedArgs& p, size_t template_arg, const Incident& actual, const std::string& what) {
    auto j = BuildJson(p, template_arg);
    if (!j.ok()) return Fail(j.status().ToString());
    auto expected = IncidentFromJson(j->dump());
    if (!expected.ok()) return Fail("expected incident: " + expected.status().ToString());
    if (!j->contains("id")) expected->id = actual.id;
    if (!j->contains("version")) expected->version = actual.version;
    std::string want = IncidentToJson(*expected), got = IncidentToJson(actual);
    if (want != got) Fail(what + " differs\n  expected: " + want + "\n  actual:   " + got);
  }

  // Binds `$var` to `actual` the first time; compares afterwards.
  void CheckId(const std::string& expected, int64_t actual, const std::string& what) {
    if (expected.starts_with("$")) {
      // Unbound when the line was read (bound ones were substituted); a
      // variable named twice on one line is bound by the first.
      auto [it, bound] = vars_.try_emplace(expected.substr(1), actual);
      if (!bound && it->second != actual) {
        Fail(what + ": expected " + expected + " = " + std::to_string(it->second) + ", got " + std::to_string(actual));
      }
      return;
    }
    auto v = ParseInt(expected);
    if (!v.ok()) return Fail(what + ": " + v.status().ToString());
    if (*v != actual) Fail(what + ": expected " + expected + ", got " + std::to_string(actual));
  }

  Result<std::vector<int64_t>> IdList(const ParsedArgs& p, size_t from) {
    std::vector<int64_t> ids;
    for (size_t i = from; i < p.args.size(); ++i) {
      for (const std::string& item : p.args[i].items) {
        if (item == "none") continue;
        if (item.starts_with("$")) return InvalidArgument("variable " + item + " is not bound");
        ASSIGN_OR_RETURN(int64_t v, ParseInt(item));
        ids.push_back(v);
      }
    }
    return ids;
  }

  void Expect(const std::string& text) {
    if (!last_) return Fail("expect without a command before it");
    Outcome& out = *last_;
    out.checked = true;
    auto parsed = ParseArgs(text);
    if (!parsed.ok() || parsed->args.empty()) return Fail("bad expect line");
    const ParsedArgs& p = *parsed;
    const std::string kind = p.args[0].items.empty() ? "" : p.args[0].items[0];
    const std::string context = "`" + out.command + "`";

    if (kind == "error") {
      if (p.args.size() != 2) return Fail("expect error CODE");
      auto code = ParseCode(p.args[1].items[0]);
      if (!code.ok()) return Fail(code.status().ToString());
      if (out.status.code() != *code) {
        Fail(context + ": expected error " + p.args[1].items[0] + ", got " + out.status.ToString());
      }
      out.error_expected = true;
      return;
    }
    // Results are checked only from a command that succeeded, or (a scan a
    // sink stopped) one whose error an earlier expect line named.
    if (!out.status.ok() && !out.error_expected) return Fail(context + " failed: " + out.status.ToString());

    if (kind == "ok" || kind == "inserted" || kind == "updated" || kind == "unchanged") {
      if (kind != "ok") {
        if (!out.write) return Fail(context + ": not an upsert");
        if (OutcomeName(*out.write) != kind) {
          Fail(context + ": expected " + kind + ", got " + std::string(OutcomeName(*out.write)));
        }
      }
      for (size_t i = 1; i < p.args.size(); ++i) {
        const Arg& a = p.args[i];
        if (a.items.size() != 1) return Fail("expect " + kind + ": id=X version=N");
        if (a.key == "id") {
          CheckId(a.items[0], out.id, context + " id");
        } else if (a.key == "version") {
          CheckId(a.items[0], out.version, context + " version");
        } else {
          return Fail("expect " + kind + ": unknown key " + a.key);
        }
      }
    } else if (kind == "outcomes") {
      // expect outcomes inserted=$a updated=$a unchanged=$b ... (in batch order)
      if (p.args.size() - 1 != out.batch.size()) {
        return Fail(context + ": expected " + std::to_string(p.args.size() - 1) + " outcomes, got " +
                    std::to_string(out.batch.size()));
      }
      for (size_t i = 1; i < p.args.size(); ++i) {
        const Arg& a = p.args[i];
        if (a.items.size() != 1) return Fail("expect outcomes: inserted=ID updated=ID unchanged=ID ...");
        const WriteOutcome got = out.batch[i - 1];
        if (OutcomeName(got) != a.key) {
          Fail(context + ": incident " + std::to_string(i) + ": expected " + a.key + ", got " +
               std::string(OutcomeName(got)));
        }
        CheckId(a.items[0], out.ids[i - 1], context + " incident " + std::to_string(i) + " id");
      }
    } else if (kind == "batch_versions") {
      auto want = IdList(p, 1);
      if (!want.ok()) return Fail(want.status().ToString());
      std::vector<int64_t> got(out.versions.begin(), out.versions.end());
      if (*want != got) Fail(context + ": expected versions [" + Join(*want) + "], got [" + Join(got) + "]");
    } else if (kind == "ids") {
      auto ids = IdList(p, 1);
      if (!ids.ok()) return Fail(ids.status().ToString());
      if (*ids != out.ids) Fail(context + ": expected ids [" + Join(*ids) + "], got [" + Join(out.ids) + "]");
    } else if (kind == "stamp") {
      if (p.args.size() != 2 || (p.args[1].items[0] != "same" && p.args[1].items[0] != "moved")) {
        return Fail("expect stamp same|moved");
      }
      if (!out.stamp_moved) return Fail(context + ": has no stamp");
      const bool want_moved = p.args[1].items[0] == "moved";
      if (*out.stamp_moved != want_moved) {
        Fail(context + ": expected the stamp " + std::string(want_moved ? "to move" : "to stay the same"));
      }
    } else if (kind == "count" || kind == "schema") {
      std::optional<int64_t> value = out.count;
      if (kind == "schema") value = out.schema ? std::optional<int64_t>(*out.schema) : std::nullopt;
      if (p.args.size() != 2) return Fail("expect " + kind + " N");
      auto n = ParseInt(p.args[1].items[0]);
      if (!n.ok()) return Fail(n.status().ToString());
      if (!value) return Fail(context + ": has no " + kind);
      if (*value != *n) Fail(context + ": expected " + kind + " " + std::to_string(*n) + ", got " + std::to_string(*value));
    } else if (kind == "versions") {
      auto want = IdList(p, 1);
      if (!want.ok()) return Fail(want.status().ToString());
      std::vector<int64_t> got;
      for (const HistoryEntry& e : out.history) got.push_back(e.version);
      if (*want != got) Fail(context + ": expected versions [" + Join(*want) + "], got [" + Join(got) + "]");
    } else if (kind == "entry" || kind == "entry_json") {
      if (p.args.size() < 2) return Fail("expect " + kind + " VERSION ...");
      auto v = ParseInt(p.args[1].items[0]);
      if (!v.ok()) return Fail(v.status().ToString());
      auto e = std::find_if(out.history.begin(), out.history.end(),
                            [&](const HistoryEntry& h) { return h.version == *v; });
      if (e == out.history.end()) return Fail(context + ": no version " + std::to_string(*v));
      if (kind == "entry_json") return CompareIncident(p, 2, e->incident, context + " version " + std::to_string(*v));
      for (size_t i = 2; i < p.args.size(); ++i) {
        const Arg& a = p.args[i];
        const std::string want = a.items.empty() ? "" : a.items[0];
        const std::string& got = a.key == "by" ? e->changed_by : e->reason;
        if (a.key != "by" && a.key != "reason") return Fail("expect entry: by=WHO reason=TEXT");
        if (want != got) Fail(context + " version " + std::to_string(*v) + " " + a.key + ": expected \"" + want + "\", got \"" + got + "\"");
      }
    } else if (kind == "json") {
      if (out.json) {
        Json want = Json::parse(p.json, nullptr, false);
        if (want.is_discarded()) return Fail("expect json: not valid JSON");
        if (want != *out.json) Fail(context + ": expected " + want.dump() + "\n  actual:   " + out.json->dump());
      } else if (out.incident) {
        CompareIncident(p, 1, *out.incident, context);
      } else {
        Fail(context + ": has no JSON result");
      }
    } else if (kind == "has") {
      if (!out.incident) return Fail(context + ": has no incident");
      auto want = BuildJson(p, 1);
      if (!want.ok()) return Fail(want.status().ToString());
      Json got = Json::parse(IncidentToJson(*out.incident));
      for (auto it = want->begin(); it != want->end(); ++it) {
        if (!got.contains(it.key())) {
          Fail(context + ": no key " + it.key() + " in " + got.dump());
        } else if (got[it.key()] != it.value()) {
          Fail(context + ": " + it.key() + " expected " + it.value().dump() + ", got " + got[it.key()].dump());
        }
      }
    } else if (kind == "row") {
      if (p.args.size() < 2) return Fail("expect row ID [template] {json}");
      auto id = ParseInt(p.args[1].items[0]);
      if (!id.ok()) return Fail(id.status().ToString());
      auto row = std::find_if(out.rows.begin(), out.rows.end(), [&](const Incident& i) { return i.id == *id; });
      if (row == out.rows.end()) return Fail(context + ": no row " + std::to_string(*id));
      CompareIncident(p, 2, *row, context + " row " + std::to_string(*id));
    } else if (kind == "fact") {
      if (p.args.size() < 2) return Fail("expect fact ID key=value ...");
      auto id = ParseInt(p.args[1].items[0]);
      if (!id.ok()) return Fail(id.status().ToString());
      auto f = std::find_if(out.facts.begin(), out.facts.end(), [&](const IncidentFacts& x) { return x.id == *id; });
      if (f == out.facts.end()) return Fail(context + ": no facts for " + std::to_string(*id));
      auto counts = [](const std::array<int32_t, kCasualtyCategories>& a) {
        std::string s;
        for (size_t i = 0; i < a.size(); ++i) s += (i ? "," : "") + std::to_string(a[i]);
        return s;
      };
      for (size_t i = 2; i < p.args.size(); ++i) {
        const Arg& a = p.args[i];
        std::string want;
        for (size_t k = 0; k < a.items.size(); ++k) want += (k ? "," : "") + a.items[k];
        std::string got;
        if (a.key == "date") got = CivilDate(f->date).ToString();
        else if (a.key == "country") got = f->country;
        else if (a.key == "admin1") got = f->admin1;
        else if (a.key == "admin2") got = f->admin2;
        else if (a.key == "perpetrator") got = f->perpetrator;
        else if (a.key == "event_type") got = Name(f->event_type);
        else if (a.key == "attack_type") got = Name(f->attack_type);
        else if (a.key == "target") got = Name(f->target);
        else if (a.key == "killed") got = counts(f->killed);
        else if (a.key == "injured") got = counts(f->injured);
        else if (a.key == "killed_low") got = counts(f->killed_low);
        else if (a.key == "killed_high") got = counts(f->killed_high);
        else if (a.key == "injured_low") got = counts(f->injured_low);
        else if (a.key == "injured_high") got = counts(f->injured_high);
        else if (a.key == "status") got = Name(f->status);
        else if (a.key == "importer") got = f->importer;
        else if (a.key == "license") got = f->license;
        else return Fail("expect fact: unknown key " + a.key);
        if (want != got) Fail(context + " fact " + a.key + ": expected \"" + want + "\", got \"" + got + "\"");
      }
    } else if (kind == "sketch") {
      if (p.args.size() < 2) return Fail("expect sketch ID key=value ...");
      auto id = ParseInt(p.args[1].items[0]);
      if (!id.ok()) return Fail(id.status().ToString());
      auto f = std::find_if(out.sketches.begin(), out.sketches.end(),
                            [&](const IncidentSketch& x) { return x.id == *id; });
      if (f == out.sketches.end()) return Fail(context + ": no sketch for " + std::to_string(*id));
      auto counts = [](const std::array<int32_t, kCasualtyCategories>& a) {
        std::string s;
        for (size_t i = 0; i < a.size(); ++i) s += (i ? "," : "") + std::to_string(a[i]);
        return s;
      };
      auto coordinate = [](const std::optional<double>& v) { return v ? FormatCoordinate(*v) : std::string("null"); };
      for (size_t i = 2; i < p.args.size(); ++i) {
        const Arg& a = p.args[i];
        std::string want;
        for (size_t k = 0; k < a.items.size(); ++k) want += (k ? "," : "") + a.items[k];
        std::string got;
        if (a.key == "version") got = std::to_string(f->version);
        else if (a.key == "status") got = Name(f->status);
        else if (a.key == "source_key") got = f->source_key;
        else if (a.key == "date") got = CivilDate(f->date).ToString();
        else if (a.key == "date_end") got = CivilDate(f->date_end).ToString();
        else if (a.key == "country") got = f->country;
        else if (a.key == "admin1") got = f->admin1;
        else if (a.key == "admin2") got = f->admin2;
        else if (a.key == "lat") got = coordinate(f->lat);
        else if (a.key == "lon") got = coordinate(f->lon);
        else if (a.key == "geo_precision") got = Name(f->geo_precision);
        else if (a.key == "event_type") got = Name(f->event_type);
        else if (a.key == "attack_type") got = Name(f->attack_type);
        else if (a.key == "perpetrator") got = f->perpetrator;
        else if (a.key == "killed") got = counts(f->killed);
        else if (a.key == "injured") got = counts(f->injured);
        else return Fail("expect sketch: unknown key " + a.key);
        if (want != got) Fail(context + " sketch " + a.key + ": expected \"" + want + "\", got \"" + got + "\"");
      }
    } else {
      Fail("unknown expectation \"" + kind + "\"");
    }
  }

  std::string file_, uri_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Store> watcher_;  // `watch`: a second handle on the same database
  std::string stamp_, own_stamp_;
  std::optional<std::string> incidents_stamp_;  // `incidents_stamp`: the watcher's last
  std::map<std::string, int64_t> vars_;
  std::map<std::string, Json> templates_;
  std::optional<Outcome> last_;
  int line_ = 0;
  int failures_ = 0;
};

// SQLite's own checks on the file a script left behind.
void CheckSqliteFile(const std::string& path) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
  auto single = [&](const char* sql) {
    sqlite3_stmt* s = nullptr;
    std::string v = "(error)";
    if (sqlite3_prepare_v2(db, sql, -1, &s, nullptr) == SQLITE_OK) {
      int rc = sqlite3_step(s);
      if (rc == SQLITE_ROW) v = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
      if (rc == SQLITE_DONE) v = "(none)";
    } else {
      v = sqlite3_errmsg(db);
    }
    sqlite3_finalize(s);
    return v;
  };
  EXPECT_EQ(single("PRAGMA integrity_check"), "ok");
  EXPECT_EQ(single("PRAGMA foreign_key_check"), "(none)");
  EXPECT_EQ(sqlite3_exec(db, "INSERT INTO incidents_fts (incidents_fts) VALUES ('integrity-check')", nullptr, nullptr,
                         nullptr),
            SQLITE_OK)
      << sqlite3_errmsg(db);
  sqlite3_close(db);
}

struct Case {
  std::string backend;
  std::string file;
};

std::vector<Case> AllCases() {
  std::vector<Case> cases;
  for (const std::string& backend : StoreBackends()) {
    for (const std::string& file : TestFiles()) cases.push_back({backend, file});
  }
  return cases;
}

// Test names carry the case; keep GoogleTest from printing its bytes.
void PrintTo(const Case& c, std::ostream* os) { *os << c.backend << " " << c.file; }

class StoreConformance : public testing::TestWithParam<Case> {};

TEST_P(StoreConformance, Script) {
  const Case& c = GetParam();
  if (c.backend == "postgresql" && PgTestServer::SkipRequested()) GTEST_SKIP() << "FAULTLINE_SKIP_POSTGRES=1";
  const std::string path = StoreTestDir() + "/" + c.file;
  std::vector<Line> lines = ReadScript(path);
  ASSERT_FALSE(lines.empty()) << path << " is empty or unreadable";
  auto db = TestDatabase::Create(c.backend, fs::path(c.file).stem().string());
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  ScriptRunner(c.file, (*db)->uri()).Run(lines);
  if (!(*db)->sqlite_path().empty()) CheckSqliteFile((*db)->sqlite_path());
}

INSTANTIATE_TEST_SUITE_P(Files, StoreConformance, testing::ValuesIn(AllCases()),
                         [](const testing::TestParamInfo<Case>& param_info) {
                           std::string name = param_info.param.backend + "_" + fs::path(param_info.param.file).stem().string();
                           for (char& ch : name) {
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return name;
                         });

// Without this a missing test directory would run nothing and pass.
TEST(StoreConformanceFiles, Found) {
  EXPECT_GE(TestFiles().size(), 5u) << "no .test files in " << StoreTestDir();
}

}  // namespace
}  // namespace faultline
