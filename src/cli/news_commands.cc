#include "cli/news_commands.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "common/date.h"
#include "common/text.h"
#include "extract/article.h"
#include "extract/extractor.h"
#include "extract/fetch.h"
#include "faultline/claim.h"
#include "faultline/store.h"
#include "gazetteer/gazetteer.h"
#include "model/incident_json.h"
#include "resolve/resolver.h"
#include "resolve/review.h"

namespace faultline {
namespace {

namespace fs = std::filesystem;
using extract::Article;

// ---- ingest -------------------------------------------------------------

struct IngestArgs {
  std::vector<std::string> paths;
  bool explain = false;
  bool dry_run = false;
  bool json = false;
  std::string country;
  std::string vague = "project";
  std::string watch;
  std::vector<std::string> feeds;
  double feed_timeout = 30;
  double interval = 2.0;
  int max_polls = 0;  // 0 = forever (watch)
  std::string who = "ingest";
  bool no_claims = false;
  int batch = 100;  // documents per transaction
};

struct IngestCounts {
  int64_t documents = 0, articles = 0, skipped = 0, incidents = 0, fresh = 0, merged = 0, unchanged = 0,
          invalid = 0, phases = 0, claims = 0, claims_stored = 0;
};

Status ReadFileBytes(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(StatusCode::kIoError, "cannot open " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return Status::Ok();
}

// A statistic read from news as a stored claim: cited to the article, of
// "reported" standing (the article relays the source's figure). A figure
// about a group is read as the group with its factions and affiliates, in
// the group's home country (actors.tsv), as published counts are.
Claim ClaimFromCandidate(const Article& a, const std::string& text, const extract::ClaimCandidate& c) {
  Claim claim;
  claim.standing = ClaimStanding::kReported;
  claim.source = c.source.empty() ? (a.outlet.empty() ? a.origin : a.outlet) : c.source;
  claim.citation = a.outlet.empty() ? a.origin : a.outlet;
  if (!a.published.empty()) claim.citation += ", " + a.published;
  if (!a.title.empty()) claim.citation += ", \"" + a.title + "\"";
  if (!a.url.empty()) claim.citation += ", " + a.url;
  if (!a.outlet.empty() && a.url.empty()) claim.citation += " (" + a.origin + ")";
  if (auto m = ParseClaimMetric(c.metric); m.ok()) claim.metric = *m;
  if (!c.category.empty()) {
    if (auto cat = ParseCasualtyCategory(c.category); cat.ok()) claim.category = *cat;
  }
  ClaimFilters f;
  if (!c.actor.empty()) {
    f.perpetrator = c.actor;
    f.affiliates = true;
    if (auto actors = ActorDictionary::Default(); actors.ok()) {
      if (const Actor* actor = (*actors)->FindById(c.actor); actor != nullptr) f.country = actor->country;
    }
  }
  claim.filters = FormatClaimFilters(f);
  claim.period = c.period;
  (void)ParseClaimPeriod(c.period, &claim.date_from, &claim.date_to);  // ValidateClaim reports a bad one
  claim.value = c.value;
  if (c.evidence.begin >= 0 && c.evidence.end > c.evidence.begin && static_cast<size_t>(c.evidence.end) <= text.size()) {
    claim.evidence = text.substr(static_cast<size_t>(c.evidence.begin),
                                 static_cast<size_t>(c.evidence.end - c.evidence.begin));
  }
  claim.key = "news:" + a.origin + ":" + c.metric + (c.category.empty() ? "" : "-" + c.category) + ":" + c.actor + ":" +
              c.period + ":" + std::to_string(c.value);
  return claim;
}

class Ingester {
 public:
  Ingester(const IngestArgs& args, Store* store, const extract::Extractor* ex)
      : args_(args), store_(store), ex_(ex) {}

  // A feed over HTTP: a failure is a skipped document with its reason.
  Status Feed(const std::string& url, double timeout) {
    ++counts_.documents;
    auto body = extract::FetchUrl(url, {.timeout_seconds = timeout});
    if (!body.ok()) {
      ++counts_.skipped;
      std::fprintf(stderr, "skipped %s: %s\n", url.c_str(), body.status().message().c_str());
      return Status::Ok();
    }
    std::vector<extract::SkippedDocument> skipped;
    RETURN_IF_ERROR(InTransaction([&] {
      return extract::ReadArticles(*body, url, extract::ArticleFormat::kFeed, [&](Article&& a) { return One(a); },
                                   &skipped);
    }));
    for (const auto& s : skipped) {
      ++counts_.skipped;
      std::fprintf(stderr, "skipped %s: %s\n", s.origin.c_str(), s.reason.c_str());
    }
    return Status::Ok();
  }

  Status File(const std::string& path) {
    std::string content;
    RETURN_IF_ERROR(ReadFileBytes(path, &content));
    ++counts_.documents;
    std::vector<extract::SkippedDocument> skipped;
    auto format = extract::DetectArticleFormat(path, content);
    RETURN_IF_ERROR(InTransaction([&] {
      return extract::ReadArticles(content, fs::path(path).filename().string(), format,
                                   [&](Article&& a) { return One(a); }, &skipped);
    }));
    for (const auto& s : skipped) {
      ++counts_.skipped;
      std::fprintf(stderr, "skipped %s: %s\n", s.origin.c_str(), s.reason.c_str());
    }
    return Status::Ok();
  }

  Status One(const Article& a) {
    ++counts_.articles;
    extract::Extraction x = ex_->Extract(a);
    counts_.phases += static_cast<int64_t>(x.phases.size());
    counts_.claims += static_cast<int64_t>(x.claims.size());
    if (args_.explain) {
      std::printf("== %s\n%s\n", a.origin.c_str(), extract::Explain(x).c_str());
    }
    if (args_.json) {
      for (const auto& c : x.incidents) std::printf("%s\n", IncidentToJson(c.incident).c_str());
      for (const auto& p : x.phases) {
        nlohmann::json j = {{"record", "phase_candidate"}, {"article", a.origin}, {"kind", p.kind},
                            {"action", p.action}, {"actors", p.actors}};
        if (p.date) j["date"] = CivilDate(*p.date).ToString();
        j["evidence"] = x.text.substr(p.evidence.begin, p.evidence.end - p.evidence.begin);
        std::printf("%s\n", j.dump().c_str());
      }
      for (const auto& c : x.claims) {
        nlohmann::json j = {{"record", "claim_candidate"}, {"article", a.origin}, {"source", c.source},
                            {"metric", c.metric}, {"actor", c.actor}, {"category", c.category},
                            {"period", c.period}, {"value", c.value}};
        j["evidence"] = x.text.substr(c.evidence.begin, c.evidence.end - c.evidence.begin);
        std::printf("%s\n", j.dump().c_str());
      }
    }
    if (store_ == nullptr) {
      counts_.incidents += static_cast<int64_t>(x.incidents.size());
      return Status::Ok();
    }
    for (size_t i = 0; i < x.incidents.size(); ++i) {
      ++counts_.incidents;
      auto r = resolve::Resolve(store_, a, static_cast<int>(i + 1), x.incidents[i], {.who = args_.who});
      if (!r.ok()) return r.status();
      switch (r->resolution) {
        case resolve::Resolution::kNew: ++counts_.fresh; break;
        case resolve::Resolution::kMerged: ++counts_.merged; break;
        case resolve::Resolution::kUnchanged: ++counts_.unchanged; break;
        case resolve::Resolution::kInvalid: {
          ++counts_.invalid;
          const FieldError& e = r->errors.front();
          std::fprintf(stderr, "skipped incident %zu of %s: %s: %s%s\n", i + 1, a.origin.c_str(), e.field.c_str(),
                       e.message.c_str(), e.field == "country" ? " (pass --country)" : "");
          break;
        }
      }
    }
    if (!args_.no_claims) {
      for (const auto& c : x.claims) {
        Claim claim = ClaimFromCandidate(a, x.text, c);
        if (std::string why = ValidateClaim(claim); !why.empty()) {
          std::fprintf(stderr, "skipped claim \"%s\" of %s: %s\n", claim.key.c_str(), a.origin.c_str(), why.c_str());
          continue;
        }
        auto w = store_->UpsertClaim(&claim);
        if (!w.ok()) return w.status();
        if (*w != WriteOutcome::kUnchanged) ++counts_.claims_stored;
      }
    }
    return Status::Ok();
  }

  // One transaction per `--batch` documents (files, feed downloads): a
  // document is stored whole or not at all, and many small files cost one
  // commit per batch rather than one each. A failure rolls back the open
  // batch and stops the run; committed batches stay (re-reading them is a
  // no-op). Flush() commits what is open: at the end, and after every poll
  // so that a watched folder's news shows at once.
  Status InTransaction(const std::function<Status()>& body) {
    if (store_ == nullptr) return body();
    if (!open_) {
      RETURN_IF_ERROR(store_->Begin());
      open_ = true;
    }
    Status s = body();
    if (!s.ok()) {
      open_ = false;
      documents_in_tx_ = 0;
      (void)store_->Rollback();
      return s;
    }
    if (++documents_in_tx_ >= std::max(1, args_.batch)) return Flush();
    return Status::Ok();
  }

  Status Flush() {
    if (!open_) return Status::Ok();
    open_ = false;
    documents_in_tx_ = 0;
    return store_->Commit();
  }

  const IngestCounts& counts() const { return counts_; }

 private:
  const IngestArgs& args_;
  Store* store_;
  const extract::Extractor* ex_;
  IngestCounts counts_;
  bool open_ = false;  // a batch's transaction is open
  int documents_in_tx_ = 0;
};

std::vector<std::string> ExpandPaths(const std::vector<std::string>& paths, std::vector<std::string>* missing) {
  std::vector<std::string> out;
  for (const std::string& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<std::string> files;
      for (const auto& e : fs::recursive_directory_iterator(p, ec)) {
        if (e.is_regular_file()) files.push_back(e.path().string());
      }
      std::sort(files.begin(), files.end());
      out.insert(out.end(), files.begin(), files.end());
    } else if (fs::exists(p, ec)) {
      out.push_back(p);
    } else {
      missing->push_back(p);
    }
  }
  return out;
}

Status RunIngest(const CliContext& ctx, const IngestArgs& a) {
  extract::ExtractOptions opts;
  opts.default_country = a.country;
  if (a.vague == "acled") {
    opts.vague = extract::VagueConvention::kAcled;
  } else if (a.vague != "project") {
    return InvalidArgument("--vague: \"" + a.vague + "\" is not one of project, acled");
  }
  ASSIGN_OR_RETURN(auto ex, extract::Extractor::Create(opts));
  std::unique_ptr<Store> store;
  if (!a.dry_run) {
    ASSIGN_OR_RETURN(store, Store::Open(ctx.db_uri()));
  }
  Ingester ing(a, store.get(), ex.get());
  std::vector<std::string> missing;
  // A file that cannot be read stops the run, but the documents before it
  // are kept (a failed batch has already been rolled back; Flush is then a no-op).
  auto file = [&](const std::string& f) {
    Status s = ing.File(f);
    if (!s.ok()) (void)ing.Flush();
    return s;
  };
  for (const std::string& f : ExpandPaths(a.paths, &missing)) RETURN_IF_ERROR(file(f));
  RETURN_IF_ERROR(ing.Flush());
  if (!missing.empty()) return NotFound("no such file or folder: " + missing.front());
  if (!a.watch.empty() || !a.feeds.empty()) {
    // Poll the folder (each new or grown file once) and the feeds (items
    // already ingested are no-ops). Without --watch, feeds are read once
    // unless --polls says more.
    int polls = a.max_polls > 0 ? a.max_polls : (a.watch.empty() ? 1 : 0);
    std::set<std::pair<std::string, int64_t>> seen;
    for (int poll = 0; polls == 0 || poll < polls; ++poll) {
      if (poll > 0) std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<int>(a.interval * 1000)));
      if (!a.watch.empty()) {
        std::vector<std::string> none;
        for (const std::string& f : ExpandPaths({a.watch}, &none)) {
          std::error_code ec;
          auto size = static_cast<int64_t>(fs::file_size(f, ec));
          if (ec || !seen.insert({f, size}).second) continue;
          RETURN_IF_ERROR(file(f));
        }
      }
      for (const std::string& url : a.feeds) RETURN_IF_ERROR(ing.Feed(url, a.feed_timeout));
      RETURN_IF_ERROR(ing.Flush());
      std::fflush(stdout);
    }
  }
  const IngestCounts& c = ing.counts();
  std::fprintf(stderr,
               "ingest: %lld documents, %lld articles (%lld skipped); %lld candidate incidents: %lld new, %lld "
               "merged into existing, %lld unchanged, %lld invalid; %lld phase events, %lld statistical claims (%lld new or "
               "changed stored)%s\n",
               (long long)c.documents, (long long)c.articles, (long long)c.skipped, (long long)c.incidents,
               (long long)c.fresh, (long long)c.merged, (long long)c.unchanged, (long long)c.invalid,
               (long long)c.phases, (long long)c.claims, (long long)c.claims_stored, a.dry_run ? " (dry run: nothing written)" : "");
  return Status::Ok();
}

// ---- review -------------------------------------------------------------

std::string Who() {
  if (const char* u = std::getenv("FAULTLINE_USER"); u != nullptr && *u != '\0') return u;
  if (const char* u = std::getenv("USER"); u != nullptr && *u != '\0') return u;
  return "analyst";
}

std::string JoinEdits(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

struct ReviewArgs {
  std::vector<int64_t> ids;
  std::vector<std::string> edits;
  std::string reason;
  int64_t limit = 50;
};

Status RunReview(const CliContext& ctx, const std::string& action, const ReviewArgs& a) {
  ASSIGN_OR_RETURN(auto store, Store::Open(ctx.db_uri()));
  if (action == "list") {
    Filter f;
    f.statuses = {IncidentStatus::kCandidate};
    f.limit = a.limit;
    std::printf("%-6s %-10s %-22s %-18s %-16s %6s %7s %s\n", "id", "date", "place", "attack", "perpetrator",
                "killed", "sources", "headline");
    return store->Scan(f, [&](const Incident& i) {
      std::string place = i.admin2.empty() ? i.admin1 : i.admin2;
      std::string headline = i.sources.empty() ? "" : i.sources.front().headline.substr(0, 50);
      std::printf("%-6lld %-10s %-22s %-18s %-16s %6lld %7zu %s\n", (long long)i.id,
                  CivilDate(i.date).ToString().c_str(), place.substr(0, 22).c_str(),
                  std::string(Name(i.attack_type)).c_str(), i.perpetrator.c_str(),
                  (long long)i.casualties.TotalKilled(), i.sources.size(), headline.c_str());
      return Status::Ok();
    });
  }
  if (a.ids.empty()) return InvalidArgument("review " + action + ": which incident? (an id)");
  ASSIGN_OR_RETURN(Incident inc, store->Get(a.ids[0]));
  if (action == "show") {
    std::printf("%s\n", IncidentToJson(inc).c_str());
    ASSIGN_OR_RETURN(auto history, store->History(inc.id));
    std::printf("history:\n");
    for (const auto& h : history) {
      std::printf("  v%d %s %s: %s\n", h.version, h.changed_at.c_str(), h.changed_by.c_str(), h.reason.c_str());
    }
    return Status::Ok();
  }
  Change change{Who(), a.reason};
  auto why = [&](const std::string& what) { return a.reason.empty() ? what : what + ": " + a.reason; };
  if (action == "accept" || action == "reject") {
    change.reason = why(action + "ed");
    auto r = action == "accept" ? resolve::Accept(store.get(), inc.id, change) : resolve::Reject(store.get(), inc.id, change);
    RETURN_IF_ERROR(r.status());
    std::printf("incident %lld %sed\n", (long long)inc.id, action.c_str());
    return Status::Ok();
  }
  if (action == "edit") {
    change.reason = why("edited: " + JoinEdits(a.edits));
    RETURN_IF_ERROR(resolve::Edit(store.get(), inc.id, a.edits, change).status());
    std::printf("incident %lld edited\n", (long long)inc.id);
    return Status::Ok();
  }
  if (action == "merge") {
    std::vector<int64_t> others(a.ids.begin() + 1, a.ids.end());
    RETURN_IF_ERROR(resolve::Merge(store.get(), inc.id, others, change).status());
    std::printf("merged into incident %lld\n", (long long)inc.id);
    return Status::Ok();
  }
  if (action == "split") {
    ASSIGN_OR_RETURN(int64_t other, resolve::Split(store.get(), inc.id, change));
    std::printf("split incident %lld off incident %lld\n", (long long)other, (long long)inc.id);
    return Status::Ok();
  }
  return InvalidArgument("unknown review action " + action);
}

}  // namespace

void AddNewsCommands(CLI::App* app, const CliContext& ctx) {
  static IngestArgs ia;
  auto* ing = app->add_subcommand("ingest", "read news (text, HTML, RSS/Atom, NDJSON) into candidate incidents");
  ing->add_option("paths", ia.paths, "files or folders");
  ing->add_flag("--explain", ia.explain, "print each article with the evidence for every field marked");
  ing->add_flag("--dry-run", ia.dry_run, "extract and report, write nothing");
  ing->add_flag("--json", ia.json, "print each candidate incident as JSON");
  ing->add_flag("--no-claims", ia.no_claims,
                "do not store the statistical claims found (stored by default, cited to their article)");
  ing->add_option("--country", ia.country, "ISO alpha-2 country when a text names none");
  ing->add_option("--vague", ia.vague, "how to read 'dozens', 'scores': project (domain.md) or acled");
  ing->add_option("--watch", ia.watch, "keep polling DIR for new files");
  ing->add_option("--feed", ia.feeds, "an RSS/Atom feed URL to read (repeatable; polled with --polls/--interval)");
  ing->add_option("--feed-timeout", ia.feed_timeout, "seconds allowed for one feed download (default 30)");
  ing->add_option("--interval", ia.interval, "seconds between polls (--watch, --feed)");
  ing->add_option("--polls", ia.max_polls, "stop after N polls (default: run until interrupted)");
  ing->add_option("--batch", ia.batch,
                  "documents per transaction (default 100; each poll of --watch/--feed also commits)");
  ing->callback([ctx] {
    if (ia.paths.empty() && ia.watch.empty() && ia.feeds.empty()) {
      ctx.run(InvalidArgument("ingest: give files or folders, --watch DIR or --feed URL"));
      return;
    }
    ctx.run(RunIngest(ctx, ia));
  });

  static ReviewArgs ra;
  static std::string action;
  auto* rev = app->add_subcommand("review", "the review queue: list, show, accept, edit, reject, merge, split");
  rev->add_option("action", action, "list | show ID | accept ID | reject ID | edit ID field=value... | "
                                    "merge KEEP OTHER... | split ID")
      ->required()
      ->check(CLI::IsMember({"list", "show", "accept", "reject", "edit", "merge", "split"}));
  rev->add_option("ids", ra.ids, "incident ids");
  rev->add_option("--set", ra.edits, "field=value (edit)");
  rev->add_option("--reason", ra.reason, "why (kept in the history)");
  rev->add_option("--limit", ra.limit, "rows to list");
  rev->callback([ctx] { ctx.run(RunReview(ctx, action, ra)); });
}

}  // namespace faultline
