#include "extract/entities.h"

#include <algorithm>
#include <cctype>
#include <fstream>

#include "common/text.h"

namespace faultline::extract {
namespace {

// Words that are names of places in GeoNames but far more often English in
// news text, even capitalised at the start of a sentence.
constexpr std::string_view kNotPlaces[] = {"march", "may", "june", "august", "capital", "federal", "union",
                                           "police", "bazar", "mandi", "city", "hub", "mach", "basra", "chak",
                                           "bela", "lawa", "sann", "kamra", "diplo", "doaba", "daur", "tribal",
                                           "baloch", "frontier", "northern areas", "capital territory"};

// Demonyms that tell the country of an incident or its victims.
struct Demonym {
  std::string_view word, alpha2;
};
constexpr Demonym kDemonyms[] = {{"Pakistani", "PK"}, {"Afghan", "AF"},   {"Afghani", "AF"},  {"Chinese", "CN"},
                                 {"American", "US"},  {"Iranian", "IR"},  {"Indian", "IN"},   {"Tajik", "TJ"},
                                 {"Uzbek", "UZ"},     {"British", "GB"},  {"Russian", "RU"},  {"Saudi", "SA"}};

bool SkippableInName(const Token& t) {
  return t.kind == TokenKind::kPunct && !t.space_before &&
         (t.punct == '-' || t.punct == '.' || t.punct == '\'' || t.punct == '&' || t.punct == '/');
}

}  // namespace

EntityIndex::Key& EntityIndex::KeyFor(const std::string& folded) {
  auto id = static_cast<size_t>(names_.Insert(folded));
  if (id == keys_.size()) keys_.emplace_back();
  return keys_[id];
}

void EntityIndex::Add(const std::string& name, EntityRef ref) {
  std::string key = FoldKey(name);
  if (key.empty()) return;
  for (std::string_view bad : kNotPlaces) {
    if (key == bad && (ref.kind == EntityKind::kPlace || ref.kind == EntityKind::kAdmin1)) return;
  }
  size_t words = 1;
  for (char c : key) words += c == ' ';
  // Short all-capital aliases ("IS", "FC", "ICT") match only capitals in text.
  bool caps = name.size() <= 6;
  for (char c : name) caps = caps && !std::islower(static_cast<unsigned char>(c));
  if (caps && words == 1) KeyFor(key).acronym = true;
  if (words > 7) return;
  if (words > max_words_) max_words_ = words;
  refs_.push_back(std::make_unique<EntityRef>(std::move(ref)));
  for (size_t space = key.find(' '); space != std::string::npos; space = key.find(' ', space + 1)) {
    KeyFor(key.substr(0, space)).longer = true;
  }
  auto& v = KeyFor(key).refs;
  for (const EntityRef* r : v) {  // one reading per (kind, thing)
    if (r->kind == refs_.back()->kind && r->unit == refs_.back()->unit && r->place == refs_.back()->place &&
        r->actor == refs_.back()->actor && r->code == refs_.back()->code) {
      refs_.pop_back();
      return;
    }
  }
  v.push_back(refs_.back().get());
}

void EntityIndex::AddLowerCase(const std::string& name, const EntityRef* ref) {
  std::string key = FoldKey(name);
  if (key.empty()) return;
  lower_first_.Insert(key.substr(0, key.find(' ')));
  lower_initial_[static_cast<unsigned char>(key[0])] = true;
  for (size_t space = key.find(' '); space != std::string::npos; space = key.find(' ', space + 1)) {
    KeyFor(key.substr(0, space)).lower_prefix = true;
  }
  Key& k = KeyFor(key);
  k.lower_prefix = true;
  if (std::find(k.lower_refs.begin(), k.lower_refs.end(), ref) == k.lower_refs.end()) k.lower_refs.push_back(ref);
}

Result<std::unique_ptr<EntityIndex>> EntityIndex::Build(const Gazetteer* gazetteer, const ActorDictionary* actors,
                                                        const std::string& organisations_tsv) {
  auto idx = std::unique_ptr<EntityIndex>(new EntityIndex());
  idx->gazetteer_ = gazetteer;
  idx->actors_ = actors;
  if (gazetteer != nullptr) {
    for (const AdminUnit& u : gazetteer->units()) {
      EntityRef r{u.level == 1 ? EntityKind::kAdmin1 : EntityKind::kAdmin2, &u, nullptr, nullptr, u.country};
      idx->Add(u.name, r);
      for (const std::string& a : u.aliases) idx->Add(a, r);
    }
    for (const PopulatedPlace& p : gazetteer->places()) {
      idx->Add(p.name, EntityRef{EntityKind::kPlace, nullptr, &p, nullptr, p.country});
    }
    for (const Country& c : gazetteer->countries()) {
      EntityRef r{EntityKind::kCountry, nullptr, nullptr, nullptr, c.alpha2};
      idx->Add(c.name, r);
      if (!c.common_name.empty()) idx->Add(c.common_name, r);
    }
    idx->Add("Afghanistan", EntityRef{EntityKind::kCountry, nullptr, nullptr, nullptr, "AF"});
    for (const Demonym& d : kDemonyms) {
      idx->Add(std::string(d.word), EntityRef{EntityKind::kDemonym, nullptr, nullptr, nullptr, std::string(d.alpha2)});
    }
  }
  if (actors != nullptr) {
    for (const Actor& a : actors->actors()) {
      EntityRef r{EntityKind::kActor, nullptr, nullptr, &a, a.id};
      idx->Add(a.name, r);
      idx->Add(a.id, r);
      for (const std::string& al : a.aliases) idx->Add(al, r);
      for (const ActorLabel& label : a.labels) {
        EntityRef lr = r;
        lr.label = true;
        lr.label_from = label.valid_from;
        idx->Add(label.name, lr);
        bool lower = std::none_of(label.name.begin(), label.name.end(),
                                  [](char c) { return std::isupper(static_cast<unsigned char>(c)); });
        if (lower) {
          // The reading Add kept (or the equal one already there).
          const Key& k = idx->keys_[static_cast<size_t>(idx->names_.Find(FoldKey(label.name)))];
          for (const EntityRef* kept : k.refs) {
            if (kept->actor == &a && kept->label) idx->AddLowerCase(label.name, kept);
          }
        }
      }
    }
  }
  if (!organisations_tsv.empty()) {
    std::ifstream in(organisations_tsv);
    if (!in) return NotFound("cannot open " + organisations_tsv);
    std::string line;
    int lineno = 0;
    bool header = true;
    while (std::getline(in, line)) {
      ++lineno;
      if (line.empty() || line[0] == '#') continue;
      if (header) {
        header = false;
        continue;
      }
      std::vector<std::string_view> f = Split(line, '\t');
      if (f.size() < 2 || Trim(f[0]).empty()) {
        return InvalidArgument(organisations_tsv + ":" + std::to_string(lineno) +
                                       ": expected id<TAB>name<TAB>aliases");
      }
      std::string id(Trim(f[0]));
      EntityRef r{EntityKind::kOrganisation, nullptr, nullptr, nullptr, id};
      idx->organisation_names_[id] = std::string(Trim(f[1]));
      idx->Add(id, r);
      idx->Add(std::string(Trim(f[1])), r);
      if (f.size() > 2) {
        for (std::string_view al : Split(f[2], '|')) {
          if (!Trim(al).empty()) idx->Add(std::string(Trim(al)), r);
        }
      }
    }
  }
  return idx;
}

std::string EntityIndex::OrganisationName(const std::string& id) const {
  auto it = organisation_names_.find(id);
  return it == organisation_names_.end() ? id : it->second;
}

std::vector<EntityMatch> EntityIndex::Match(const std::vector<Token>& tokens, int32_t begin, int32_t end) const {
  std::vector<EntityMatch> out;
  std::string key;
  for (int32_t i = begin; i < end;) {
    const Token& t = tokens[i];
    // Lower-case words start only lower-case labels ("khwarij").
    bool lower = !(t.capitalized || t.all_caps);
    if (t.kind != TokenKind::kWord ||
        (lower && (!lower_initial_[static_cast<unsigned char>(t.fold[0])] || lower_first_.Find(t.fold, t.fold_hash) < 0))) {
      ++i;
      continue;
    }
    // Grow the span word by word; remember the longest that is a name.
    key.clear();
    int32_t best_end = -1;
    const std::vector<const EntityRef*>* best = nullptr;
    int32_t j = i;
    size_t words = 0;
    while (j < end && words < max_words_) {
      const Token& w = tokens[j];
      if (w.kind == TokenKind::kPunct) {
        if (SkippableInName(w) && words > 0) {
          ++j;
          continue;
        }
        break;
      }
      if (words > 0) key.push_back(' ');
      key += w.fold;
      ++words;
      ++j;
      int32_t id = words == 1 ? names_.Find(key, w.fold_hash) : names_.Find(key);
      if (id < 0) break;  // no name starts with these words
      const Key& k = keys_[static_cast<size_t>(id)];
      if (lower) {
        if (!k.lower_prefix) break;
        if (!k.lower_refs.empty()) {
          best_end = j;
          best = &k.lower_refs;
        }
        continue;
      }
      if (!k.refs.empty() && !(words == 1 && !t.all_caps && k.acronym && t.end - t.begin <= 6)) {
        best_end = j;
        best = &k.refs;
      }
      if (!k.longer) break;
    }
    if (best == nullptr) {
      ++i;
      continue;
    }
    EntityMatch m;
    m.begin = i;
    m.end = best_end;
    m.refs = std::span<const EntityRef* const>(*best);
    out.push_back(std::move(m));
    i = best_end;
  }
  return out;
}

}  // namespace faultline::extract
