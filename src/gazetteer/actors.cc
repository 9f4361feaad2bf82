#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>

#include "common/csv.h"
#include "common/date.h"
#include "common/text.h"
#include "gazetteer/gazetteer.h"
#include "gazetteer/internal/tsv.h"

#ifndef FAULTLINE_DATA_DIR
#define FAULTLINE_DATA_DIR "data"
#endif

namespace faultline {
namespace {

using gazetteer_internal::ParseOptionalDate;
using gazetteer_internal::ReadTsv;
using gazetteer_internal::RowError;

constexpr std::array<std::string_view, 10> kActorColumns = {
    "id", "name", "kind", "aliases", "parent_id", "affiliations", "valid_from", "valid_to", "country", "labels"};

// The actor rows of `path` (see internal/tsv.h for the rules).
Result<std::vector<CsvRecord>> ReadActorRows(const std::string& path) { return ReadTsv(path, kActorColumns); }

std::vector<std::string> SplitList(std::string_view s) {
  std::vector<std::string> out;
  for (std::string_view a : Split(s, '|')) {
    a = Trim(a);
    if (!a.empty()) out.emplace_back(a);
  }
  return out;
}


}  // namespace

Result<std::unique_ptr<ActorDictionary>> ActorDictionary::Load(const std::string& actors_tsv) {
  ASSIGN_OR_RETURN(std::vector<CsvRecord> rows, ReadActorRows(actors_tsv));
  auto dict = std::make_unique<ActorDictionary>();
  std::vector<uint64_t> lines;
  for (CsvRecord& row : rows) {
    std::vector<std::string>& f = row.fields;
    auto fail = [&](size_t col, std::string_view reason) {
      return InvalidArgument(RowError(actors_tsv, row.line, kActorColumns[col], reason));
    };
    Actor a;
    a.id = f[0];
    if (a.id.empty()) return fail(0, "empty id");
    if (a.id.find_first_of(" |") != std::string::npos) return fail(0, QuoteForError(a.id) + " contains a space or '|'");
    if (dict->FindById(a.id) != nullptr) return fail(0, "duplicate id " + QuoteForError(a.id));
    a.name = f[1];
    if (FoldKeyCompact(a.name).empty()) return fail(1, "empty name");
    a.kind = f[2];
    if (a.kind != "group" && a.kind != "state" && a.kind != "foreign_state") {
      return fail(2, QuoteForError(a.kind) + " is not group, state or foreign_state");
    }
    a.aliases = SplitList(f[3]);
    a.parent_id = f[4];
    if (a.parent_id == a.id) return fail(4, "an actor cannot be its own parent");
    a.affiliations = SplitList(f[5]);
    auto from = ParseOptionalDate(f[6]);
    if (!from.ok()) return fail(6, from.status().message());
    a.valid_from = *from;
    auto to = ParseOptionalDate(f[7]);
    if (!to.ok()) return fail(7, to.status().message());
    a.valid_to = *to;
    if (a.valid_from && a.valid_to && *a.valid_from >= *a.valid_to) return fail(7, "not after valid_from");
    a.country = f[8];
    // "Fitna al-Khawarij@2024-07-01|khwarij@2024-07-01": names others give
    // the actor, each with the first day it was used.
    for (const std::string& item : SplitList(f[9])) {
      ActorLabel label;
      size_t at = item.rfind('@');
      label.name = std::string(Trim(std::string_view(item).substr(0, at)));
      if (FoldKeyCompact(label.name).empty()) return fail(9, "empty label in " + QuoteForError(item));
      if (at != std::string::npos) {
        auto since = ParseOptionalDate(Trim(std::string_view(item).substr(at + 1)));
        if (!since.ok() || !*since) return fail(9, QuoteForError(item) + ": expected label@YYYY-MM-DD");
        label.valid_from = *since;
      }
      a.labels.push_back(std::move(label));
    }
    if (!a.country.empty() && !(a.country.size() == 2 && std::isupper(static_cast<unsigned char>(a.country[0])) &&
                                std::isupper(static_cast<unsigned char>(a.country[1])))) {
      return fail(8, QuoteForError(a.country) + " is not an ISO alpha-2 code");
    }

    // Every spelling must name one actor only: a clash would make Find depend on file order.
    const size_t self = dict->actors_.size();
    std::vector<std::pair<std::string, size_t>> spellings = {{a.id, 0}, {a.name, 1}};
    for (const std::string& alias : a.aliases) spellings.emplace_back(alias, 3);
    for (const ActorLabel& label : a.labels) spellings.emplace_back(label.name, 9);
    for (const auto& [text, col] : spellings) {
      std::string key = FoldKeyCompact(text);
      if (key.empty()) continue;
      auto [it, inserted] = dict->index_.emplace(key, self);
      if (!inserted && it->second != self) {
        const Actor& other = dict->actors_[it->second];
        return fail(col, QuoteForError(text) + " already names " + other.id + " (line " +
                             std::to_string(lines[it->second]) + ")");
      }
    }
    dict->actors_.push_back(std::move(a));
    lines.push_back(row.line);
  }
  for (size_t i = 0; i < dict->actors_.size(); ++i) {
    const Actor& a = dict->actors_[i];
    auto fail = [&](size_t col, std::string_view reason) {
      return InvalidArgument(RowError(actors_tsv, lines[i], kActorColumns[col], reason));
    };
    if (!a.parent_id.empty() && dict->FindById(a.parent_id) == nullptr) {
      return fail(4, "unknown actor " + QuoteForError(a.parent_id));
    }
    for (const std::string& other : a.affiliations) {
      if (other == a.id) return fail(5, "an actor cannot be affiliated with itself");
      if (dict->FindById(other) == nullptr) return fail(5, "unknown actor " + QuoteForError(other));
    }
    // Parent chains must end; more steps than actors means a loop.
    const Actor* walk = &a;
    for (size_t n = 0; !walk->parent_id.empty(); ++n) {
      if (n > dict->actors_.size()) return fail(4, "parent chain loops");
      walk = dict->FindById(walk->parent_id);
    }
  }
  return dict;
}

Result<const ActorDictionary*> ActorDictionary::Default() {
  // Function-local static: initialised once, thread-safe (C++11 magic statics).
  static const Result<std::unique_ptr<ActorDictionary>> loaded = [] {
    const char* data = std::getenv("FAULTLINE_DATA");
    return Load(std::string(data && *data ? data : FAULTLINE_DATA_DIR) + "/actors.tsv");
  }();
  if (!loaded.ok()) return loaded.status();
  return static_cast<const ActorDictionary*>(loaded.value().get());
}

const Actor* ActorDictionary::Find(std::string_view name) const {
  auto lookup = [this](std::string_view text) -> const Actor* {
    std::string key = FoldKeyCompact(text);
    if (key.empty()) return nullptr;
    auto it = index_.find(key);
    return it == index_.end() ? nullptr : &actors_[it->second];
  };
  std::string_view t = Trim(name);
  if (const Actor* a = lookup(t)) return a;
  // Datasets decorate names: GTD "Tehrik-i-Taliban Pakistan (TTP)", ACLED
  // "Military Forces of Pakistan (2018-)", "Police Forces of Pakistan (2018-)
  // Counter Terrorism Department" and "TTP: Tehreek-i-Taliban Pakistan". Try
  // the most specific part first: after the parenthesis, before it, inside it;
  // for "X: Y", Y then X.
  size_t open = t.find('(');
  size_t close = open == std::string_view::npos ? open : t.find(')', open);
  if (close != std::string_view::npos) {
    for (std::string_view part : {t.substr(close + 1), t.substr(0, open), t.substr(open + 1, close - open - 1)}) {
      if (const Actor* a = lookup(part)) return a;
    }
  }
  if (size_t colon = t.find(':'); colon != std::string_view::npos) {
    for (std::string_view part : {t.substr(colon + 1), t.substr(0, colon)}) {
      if (!Trim(part).empty() && Trim(part) != t) {
        if (const Actor* a = Find(part)) return a;
      }
    }
  }
  return nullptr;
}

const Actor* ActorDictionary::FindById(std::string_view id) const {
  for (const Actor& a : actors_) {
    if (a.id == id) return &a;
  }
  return nullptr;
}

std::vector<std::string> ActorDictionary::WithAffiliates(std::string_view id) const {
  const Actor* root = FindById(id);
  if (root == nullptr) return {};
  // Breadth-first over "is a child of" and "is affiliated with"; the visited
  // list stops cycles (A affiliated with B and B with A).
  std::vector<std::string> out = {root->id};
  for (size_t i = 0; i < out.size(); ++i) {
    for (const Actor& a : actors_) {
      bool linked = a.parent_id == out[i] ||
                    std::find(a.affiliations.begin(), a.affiliations.end(), out[i]) != a.affiliations.end();
      if (linked && std::find(out.begin(), out.end(), a.id) == out.end()) out.push_back(a.id);
    }
  }
  return out;
}

}  // namespace faultline
