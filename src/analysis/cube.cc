#include "analysis/cube.h"

#include <algorithm>
#include <array>
#include <climits>
#include <cstring>
#include <limits>
#include <map>
#include <numeric>
#include <type_traits>

#include "common/date.h"

namespace faultline {

namespace {

enum Dict { kCountryDict, kAdmin1Dict, kAdmin2Dict, kPerpDict, kImporterDict, kLicenseDict, kDictCount };
constexpr uint32_t kDictLimit[kDictCount] = {0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFF, 0xFF};
constexpr const char* kDictName[kDictCount] = {"countries", "admin1 names", "admin2 names",
                                               "perpetrators", "importers", "licences"};
constexpr uint8_t kRemoved = 0xFF;       // status of a removed row
constexpr uint16_t kSaturated = 0xFFFF;  // a total too large for 16 bits: read the detail
constexpr uint8_t kHasDetail = 0x10;
constexpr size_t kBlock = 4096;
constexpr size_t kEventTypes = 6, kAttackTypes = 11, kTargets = 18;
// Up to this many allowed codes a column is tested with compares (which
// vectorise); more go through a byte look-up table.
constexpr size_t kFewCodes = 4;

template <size_t K, typename T>
void AndOneOfK(const T* col, size_t m, const std::vector<uint16_t>& codes, uint8_t* mask) {
  std::array<T, K> v;
  for (size_t k = 0; k < K; ++k) v[k] = static_cast<T>(codes[k]);
  for (size_t i = 0; i < m; ++i) {
    uint8_t hit = 0;
    for (size_t k = 0; k < K; ++k) hit = static_cast<uint8_t>(hit | (col[i] == v[k]));
    mask[i] &= hit;
  }
}

// mask[i] &= whether col[i] is one of `codes` (at most kFewCodes, each
// fitting T): fixed compares, no look-ups.
template <typename T>
void AndOneOf(const T* col, size_t m, const std::vector<uint16_t>& codes, uint8_t* mask) {
  switch (codes.size()) {
    case 0: std::fill(mask, mask + m, uint8_t{0}); break;
    case 1: AndOneOfK<1>(col, m, codes, mask); break;
    case 2: AndOneOfK<2>(col, m, codes, mask); break;
    case 3: AndOneOfK<3>(col, m, codes, mask); break;
    default: AndOneOfK<kFewCodes>(col, m, codes, mask); break;
  }
}

// The values in [0, 32) whose bit is set in `bits`.
std::vector<uint16_t> BitCodes(uint32_t bits) {
  std::vector<uint16_t> out;
  for (uint16_t v = 0; v < 32; ++v) {
    if ((bits >> v) & 1u) out.push_back(v);
  }
  return out;
}

// For each byte b: the positions of its set bits, in order (8 slots), and
// how many there are.
struct BitPositions {
  std::array<std::array<uint16_t, 8>, 256> at{};
  std::array<uint8_t, 256> count{};
};
constexpr BitPositions kBitPositions = [] {
  BitPositions t;
  for (size_t b = 0; b < 256; ++b) {
    uint8_t k = 0;
    for (uint16_t j = 0; j < 8; ++j) {
      if ((b >> j) & 1) t.at[b][k++] = j;
    }
    t.count[b] = k;
  }
  return t;
}();

// The offsets i < m whose mask[i] is set, in order, into sel (room for
// kBlock + 8); returns how many. mask holds 0 or 1 and is zero from m up to
// the next multiple of 8. Eight rows at a time, without branches on them:
// their mask bytes gathered into one byte (a multiplication), whose set
// bits' positions a table gives.
size_t Select(const uint8_t* mask, size_t m, uint16_t* sel) {
  size_t k = 0;
  for (size_t i = 0; i < m; i += 8) {
    uint64_t w;
    std::memcpy(&w, mask + i, sizeof w);
    const uint32_t bits = static_cast<uint32_t>((w * 0x0102040810204080ull) >> 56);  // bit j = mask[i + j]
    const auto& pos = kBitPositions.at[bits];
    uint16_t out[8];
    for (size_t j = 0; j < 8; ++j) out[j] = static_cast<uint16_t>(pos[j] + i);
    std::memcpy(sel + k, out, sizeof out);
    k += kBitPositions.count[bits];
  }
  return k;
}

}  // namespace

// Full casualty matrix of an incident the compact columns cannot hold:
// v[side][category][bound], side 0 killed 1 injured, bound low/best/high.
struct Cube::Detail {
  std::array<std::array<std::array<int32_t, 3>, kCasualtyCategories>, 2> v{};
};

// One pre-aggregate cell: the incidents of one day with one (country,
// admin1, event type, status) and their best killed and injured totals.
struct Cube::Cell {
  int64_t killed = 0, injured = 0;
  uint32_t incidents = 0;
  uint16_t country = 0, admin1 = 0;
  uint8_t event = 0, status = 0;
};

struct Cube::Columns {
  std::vector<uint32_t> id;  // ascending
  std::vector<int32_t> date;
  std::vector<uint16_t> country, admin1, admin2, perp, phase;
  std::vector<uint8_t> event, attack, target, status, importer, license, shape;
  std::vector<uint16_t> killed, injured;  // best totals, kSaturated = see detail
  std::unordered_map<uint32_t, Detail> detail;  // by id
  std::array<std::vector<std::string>, kDictCount> dict;
  std::array<std::unordered_map<std::string, uint32_t>, kDictCount> index;
  std::vector<int32_t> phase_country;  // per phase: country code, -1 = any
  std::map<int32_t, std::vector<Cell>> cells;  // by day; emptied cells stay (zero)
  int32_t min_date = INT32_MAX, max_date = INT32_MIN;  // of every row ever held

  void Resize(size_t n) {
    for (auto* v : {&country, &admin1, &admin2, &perp, &phase, &killed, &injured}) v->resize(n);
    for (auto* v : {&event, &attack, &target, &status, &importer, &license, &shape}) v->resize(n);
    id.resize(n);
    date.resize(n);
  }
  // Capacity back to size (growth one row at a time leaves up to half the
  // columns' bytes unused).
  void ShrinkToFit() {
    for (auto* v : {&country, &admin1, &admin2, &perp, &phase, &killed, &injured}) v->shrink_to_fit();
    for (auto* v : {&event, &attack, &target, &status, &importer, &license, &shape}) v->shrink_to_fit();
    id.shrink_to_fit();
    date.shrink_to_fit();
  }
  void InsertAt(size_t row) {
    auto ins = [row](auto& v) { v.insert(v.begin() + static_cast<std::ptrdiff_t>(row), {}); };
    for (auto* v : {&country, &admin1, &admin2, &perp, &phase, &killed, &injured}) ins(*v);
    for (auto* v : {&event, &attack, &target, &status, &importer, &license, &shape}) ins(*v);
    ins(id);
    ins(date);
  }
};

struct CompiledFilter {
  int32_t date_from = INT32_MIN, date_to = INT32_MAX;
  std::array<std::vector<uint8_t>, kDictCount> ok;  // by dictionary code; empty = any
  std::array<bool, kDictCount> restricted{};
  // The codes allowed, when at most kFewCodes are (tested by compares); else
  // `ok` is read.
  std::array<std::vector<uint16_t>, kDictCount> few;
  std::array<bool, kDictCount> use_few{};
  uint32_t event_mask = ~0u, attack_mask = ~0u, target_mask = ~0u, status_mask = 0;
  std::vector<uint16_t> status_codes;  // the statuses allowed (bits of status_mask)
  int64_t min_killed = -1;
  bool use_ids = false;
  std::vector<uint32_t> ids;  // sorted: the store's answer for text / bbox
  int64_t after_id = 0, limit = 0;
};

Cube::Cube() : c_(std::make_unique<Columns>()) {}
Cube::~Cube() = default;

Result<std::unique_ptr<Cube>> Cube::Load(Store* store) {
  auto cube = std::make_unique<Cube>();
  Filter all;
  all.statuses = {IncidentStatus::kCandidate, IncidentStatus::kConfirmed, IncidentStatus::kRejected,
                  IncidentStatus::kMerged};
  ASSIGN_OR_RETURN(std::vector<Phase> phases, store->Phases());
  cube->SetPhases(std::move(phases));
  Status first_error;
  RETURN_IF_ERROR(store->ScanFacts(all, [&](const IncidentFacts& f) {
    if (!first_error.ok()) return;
    first_error = cube->Upsert(f);
  }));
  RETURN_IF_ERROR(first_error);
  cube->ShrinkToFit();
  return cube;
}

void Cube::ShrinkToFit() {
  c_->ShrinkToFit();
  for (auto& [day, v] : c_->cells) v.shrink_to_fit();
}

uint32_t Cube::Intern(int which, const std::string& s) {
  auto& index = c_->index[static_cast<size_t>(which)];
  auto it = index.find(s);
  if (it != index.end()) return it->second;
  auto& dict = c_->dict[static_cast<size_t>(which)];
  uint32_t code = static_cast<uint32_t>(dict.size());
  if (code > kDictLimit[which]) return UINT32_MAX;
  dict.push_back(s);
  index.emplace(s, code);
  return code;
}

Status Cube::Upsert(const IncidentFacts& f) {
  if (f.id <= 0 || f.id > static_cast<int64_t>(UINT32_MAX)) {
    return InvalidArgument("cube: incident id " + std::to_string(f.id) + " is outside 1..4294967295");
  }
  const std::string* names[kDictCount] = {&f.country, &f.admin1, &f.admin2, &f.perpetrator, &f.importer, &f.license};
  uint32_t codes[kDictCount];
  for (int d = 0; d < kDictCount; ++d) {
    codes[d] = Intern(d, *names[d]);
    if (codes[d] == UINT32_MAX) {
      return InvalidArgument(std::string("cube: more distinct ") + kDictName[d] + " than it holds (" +
                             std::to_string(kDictLimit[d] + 1) + ")");
    }
  }
  Columns& c = *c_;
  const uint32_t id = static_cast<uint32_t>(f.id);
  size_t row;
  if (c.id.empty() || c.id.back() < id) {
    row = c.id.size();
    c.Resize(row + 1);
    ++live_;
  } else {
    auto it = std::lower_bound(c.id.begin(), c.id.end(), id);
    row = static_cast<size_t>(it - c.id.begin());
    if (it == c.id.end() || *it != id) {
      c.InsertAt(row);  // an id below the largest: rare (ids come from a sequence)
      ++live_;
    } else if (c.status[row] == kRemoved) {
      ++live_;
    } else {
      Aggregate(row, -1);  // the incident as it was
    }
  }
  c.id[row] = id;
  c.date[row] = f.date;
  c.min_date = std::min(c.min_date, f.date);
  c.max_date = std::max(c.max_date, f.date);
  c.country[row] = static_cast<uint16_t>(codes[kCountryDict]);
  c.admin1[row] = static_cast<uint16_t>(codes[kAdmin1Dict]);
  c.admin2[row] = static_cast<uint16_t>(codes[kAdmin2Dict]);
  c.perp[row] = static_cast<uint16_t>(codes[kPerpDict]);
  c.importer[row] = static_cast<uint8_t>(codes[kImporterDict]);
  c.license[row] = static_cast<uint8_t>(codes[kLicenseDict]);
  c.event[row] = static_cast<uint8_t>(f.event_type);
  c.attack[row] = static_cast<uint8_t>(f.attack_type);
  c.target[row] = static_cast<uint8_t>(f.target);
  c.status[row] = static_cast<uint8_t>(f.status);
  c.phase[row] = PhaseFor(f.date, c.country[row]);
  // Casualties: a category code and a 16-bit total when one category holds
  // them all and no range differs from best; else the whole matrix aside.
  bool simple = true;
  uint8_t shape = 0;
  const std::array<int32_t, kCasualtyCategories>* best[2] = {&f.killed, &f.injured};
  const std::array<int32_t, kCasualtyCategories>* low[2] = {&f.killed_low, &f.injured_low};
  const std::array<int32_t, kCasualtyCategories>* high[2] = {&f.killed_high, &f.injured_high};
  int64_t total[2] = {0, 0};
  for (int side = 0; side < 2; ++side) {
    int nonzero = 0;
    for (size_t k = 0; k < kCasualtyCategories; ++k) {
      int32_t b = (*best[side])[k];
      total[side] += b;
      if (b != 0) {
        ++nonzero;
        shape = static_cast<uint8_t>(shape | (k << (2 * side)));
      }
      if ((*low[side])[k] != b || (*high[side])[k] != b || b < 0) simple = false;
    }
    if (nonzero > 1 || total[side] >= kSaturated) simple = false;
  }
  if (simple) {
    c.detail.erase(id);
  } else {
    shape = kHasDetail;
    Detail& d = c.detail[id];
    for (int side = 0; side < 2; ++side) {
      for (size_t k = 0; k < kCasualtyCategories; ++k) {
        d.v[static_cast<size_t>(side)][k] = {(*low[side])[k], (*best[side])[k], (*high[side])[k]};
      }
    }
  }
  c.shape[row] = shape;
  c.killed[row] = static_cast<uint16_t>(std::clamp<int64_t>(total[0], 0, kSaturated));
  c.injured[row] = static_cast<uint16_t>(std::clamp<int64_t>(total[1], 0, kSaturated));
  if (!simple) {
    c.killed[row] = kSaturated;
    c.injured[row] = kSaturated;
  }
  Aggregate(row, +1);
  return Status::Ok();
}

void Cube::Aggregate(size_t row, int sign) {
  Columns& c = *c_;
  std::vector<Cell>& day = c.cells[c.date[row]];
  const uint16_t country = c.country[row], admin1 = c.admin1[row];
  const uint8_t event = c.event[row], status = c.status[row];
  auto it = std::find_if(day.begin(), day.end(), [&](const Cell& x) {
    return x.country == country && x.admin1 == admin1 && x.event == event && x.status == status;
  });
  if (it == day.end()) {
    day.push_back(Cell{.country = country, .admin1 = admin1, .event = event, .status = status});
    it = day.end() - 1;
  }
  it->incidents = static_cast<uint32_t>(static_cast<int64_t>(it->incidents) + sign);
  it->killed += sign * Value(row, Measure::Killed());
  it->injured += sign * Value(row, Measure::Injured());
}

bool Cube::Remove(int64_t id) {
  if (id <= 0 || id > static_cast<int64_t>(UINT32_MAX)) return false;
  auto it = std::lower_bound(c_->id.begin(), c_->id.end(), static_cast<uint32_t>(id));
  if (it == c_->id.end() || *it != id) return false;
  size_t row = static_cast<size_t>(it - c_->id.begin());
  if (c_->status[row] == kRemoved) return false;
  Aggregate(row, -1);
  c_->status[row] = kRemoved;  // a tombstone: no filter passes it
  c_->detail.erase(static_cast<uint32_t>(id));
  --live_;
  return true;
}

void Cube::SetPhases(std::vector<Phase> phases) {
  std::stable_sort(phases.begin(), phases.end(), [](const Phase& a, const Phase& b) { return a.start < b.start; });
  phases_ = std::move(phases);
  c_->phase_country.clear();
  for (const Phase& p : phases_) {
    c_->phase_country.push_back(p.country.empty() ? -1 : static_cast<int32_t>(Intern(kCountryDict, p.country)));
  }
  for (size_t row = 0; row < c_->id.size(); ++row) c_->phase[row] = PhaseFor(c_->date[row], c_->country[row]);
}

uint16_t Cube::PhaseFor(int32_t date, uint16_t country) const {
  // The covering phase that started last (phases_ is sorted by start); 0 = none.
  for (size_t i = phases_.size(); i-- > 0;) {
    if (phases_[i].start > date) continue;
    if (!phases_[i].Covers(date)) continue;
    int32_t pc = c_->phase_country[i];
    if (pc >= 0 && pc != country) continue;
    return static_cast<uint16_t>(std::min<size_t>(i + 1, 0xFFFF));
  }
  return 0;
}

void Cube::SetPerpetratorRollUp(std::unordered_map<std::string, std::string> parent) {
  perp_roll_up_.clear();
  for (const auto& name : c_->dict[kPerpDict]) {
    auto it = parent.find(name);
    perp_roll_up_.push_back(it == parent.end() ? name : it->second);
  }
}

size_t Cube::MemoryBytes() const {
  const Columns& c = *c_;
  size_t n = 0;
  auto add = [&n](const auto& v) { n += v.capacity() * sizeof(v[0]); };
  add(c.id);
  add(c.date);
  for (auto* v : {&c.country, &c.admin1, &c.admin2, &c.perp, &c.phase, &c.killed, &c.injured}) add(*v);
  for (auto* v : {&c.event, &c.attack, &c.target, &c.status, &c.importer, &c.license, &c.shape}) add(*v);
  n += c.detail.size() * (sizeof(Detail) + sizeof(uint32_t) + 2 * sizeof(void*)) +
       c.detail.bucket_count() * sizeof(void*);
  for (int d = 0; d < kDictCount; ++d) {
    for (const auto& s : c.dict[static_cast<size_t>(d)]) n += sizeof(std::string) * 2 + s.capacity() + 16;
  }
  for (const auto& [day, v] : c.cells) n += 48 + sizeof(v) + v.capacity() * sizeof(Cell);  // map node + vector
  return n;
}

int32_t Cube::MinDate() const { return c_->min_date == INT32_MAX ? 0 : c_->min_date; }
int32_t Cube::MaxDate() const { return c_->max_date == INT32_MIN ? 0 : c_->max_date; }

Result<std::shared_ptr<const CompiledFilter>> Cube::Compile(const Filter& f, Store* store) const {
  auto q = std::make_shared<CompiledFilter>();
  if (f.date_from) q->date_from = *f.date_from;
  if (f.date_to) q->date_to = *f.date_to;
  const std::vector<std::string>* lists[kDictCount] = {&f.countries, &f.admin1, &f.admin2,
                                                       &f.perpetrators, &f.importers, &f.licenses};
  for (int d = 0; d < kDictCount; ++d) {
    if (lists[d]->empty()) continue;
    q->restricted[static_cast<size_t>(d)] = true;
    auto& ok = q->ok[static_cast<size_t>(d)];
    ok.assign(c_->dict[static_cast<size_t>(d)].size(), 0);
    for (const auto& name : *lists[d]) {
      auto it = c_->index[static_cast<size_t>(d)].find(name);
      if (it != c_->index[static_cast<size_t>(d)].end()) ok[it->second] = 1;
    }
    if (static_cast<size_t>(std::count(ok.begin(), ok.end(), 1)) <= kFewCodes) {
      q->use_few[static_cast<size_t>(d)] = true;
      for (size_t code = 0; code < ok.size(); ++code) {
        if (ok[code]) q->few[static_cast<size_t>(d)].push_back(static_cast<uint16_t>(code));
      }
    }
  }
  auto mask = [](const auto& values) {
    if (values.empty()) return ~0u;
    uint32_t m = 0;
    for (auto v : values) m |= 1u << static_cast<unsigned>(v);
    return m;
  };
  q->event_mask = mask(f.event_types);
  q->attack_mask = mask(f.attack_types);
  q->target_mask = mask(f.targets);
  q->status_mask = f.statuses.empty() ? (1u << static_cast<unsigned>(IncidentStatus::kCandidate)) |
                                            (1u << static_cast<unsigned>(IncidentStatus::kConfirmed))
                                      : mask(f.statuses);
  q->status_codes = BitCodes(q->status_mask);  // never kRemoved
  if (f.min_killed) q->min_killed = *f.min_killed;
  q->after_id = f.after_id;
  q->limit = f.limit;
  if (!f.text.empty() || f.bbox) {
    if (store == nullptr) return InvalidArgument("cube: the text and bbox filters need the store's indexes");
    Filter g;
    g.text = f.text;
    g.bbox = f.bbox;
    g.statuses = {IncidentStatus::kCandidate, IncidentStatus::kConfirmed, IncidentStatus::kRejected,
                  IncidentStatus::kMerged};
    q->use_ids = true;
    RETURN_IF_ERROR(store->ScanFacts(g, [&](const IncidentFacts& x) {
      if (x.id > 0 && x.id <= static_cast<int64_t>(UINT32_MAX)) q->ids.push_back(static_cast<uint32_t>(x.id));
    }));
    std::sort(q->ids.begin(), q->ids.end());
  }
  return std::shared_ptr<const CompiledFilter>(std::move(q));
}

template <typename Fn>
void Cube::ForEachBlock(const CompiledFilter& q, Fn&& fn) const {
  const Columns& c = *c_;
  const size_t n = c.id.size();
  size_t begin = 0;
  if (q.after_id > 0) {
    begin = static_cast<size_t>(
        std::upper_bound(c.id.begin(), c.id.end(), static_cast<uint32_t>(std::min<int64_t>(q.after_id, UINT32_MAX))) -
        c.id.begin());
  }
  size_t id_pos = 0;
  int64_t passed = 0;
  std::array<uint8_t, kBlock> mask;
  const uint16_t* dict_cols[4] = {c.country.data(), c.admin1.data(), c.admin2.data(), c.perp.data()};
  // Each test is one pass over a column of the block; the dates only when
  // the filter narrows them.
  const bool dated = q.date_from > c.min_date || q.date_to < c.max_date;
  const bool few_statuses = q.status_codes.size() <= kFewCodes;
  const std::vector<uint16_t> enum_codes[3] = {BitCodes(q.event_mask), BitCodes(q.attack_mask),
                                               BitCodes(q.target_mask)};
  auto by_bits = [&](uint32_t bits, const std::vector<uint16_t>& codes, const uint8_t* col, size_t m) {
    if (bits == ~0u) return;
    if (codes.size() <= kFewCodes) {
      AndOneOf(col, m, codes, mask.data());
    } else {
      for (size_t i = 0; i < m; ++i) mask[i] &= static_cast<uint8_t>((bits >> (col[i] & 31)) & 1u);
    }
  };
  for (size_t b = begin; b < n; b += kBlock) {
    const size_t e = std::min(n, b + kBlock), m = e - b;
    std::fill(mask.begin() + static_cast<std::ptrdiff_t>(m),
              mask.begin() + static_cast<std::ptrdiff_t>(std::min(kBlock, (m + 7) & ~size_t{7})), uint8_t{0});
    const uint8_t* status = c.status.data() + b;
    if (few_statuses) {
      std::fill(mask.begin(), mask.begin() + static_cast<std::ptrdiff_t>(m), uint8_t{1});
      AndOneOf(status, m, q.status_codes, mask.data());
    } else {
      for (size_t i = 0; i < m; ++i) {
        mask[i] = static_cast<uint8_t>((status[i] != kRemoved) & ((q.status_mask >> (status[i] & 31)) & 1u));
      }
    }
    if (dated) {
      const int32_t* date = c.date.data() + b;
      for (size_t i = 0; i < m; ++i) mask[i] &= static_cast<uint8_t>((date[i] >= q.date_from) & (date[i] <= q.date_to));
    }
    for (int d = 0; d < kDictCount; ++d) {
      if (!q.restricted[static_cast<size_t>(d)]) continue;
      const auto& ok = q.ok[static_cast<size_t>(d)];
      auto test = [&](const auto* col) {
        if (q.use_few[static_cast<size_t>(d)]) {
          AndOneOf(col, m, q.few[static_cast<size_t>(d)], mask.data());
        } else {  // a byte look-up table by code
          const uint8_t* okp = ok.data();
          const size_t size = ok.size();
          for (size_t i = 0; i < m; ++i) mask[i] &= static_cast<uint8_t>(col[i] < size ? okp[col[i]] : 0);
        }
      };
      if (d < kImporterDict) {
        test(dict_cols[d] + b);
      } else {
        test((d == kImporterDict ? c.importer.data() : c.license.data()) + b);
      }
    }
    by_bits(q.event_mask, enum_codes[0], c.event.data() + b, m);
    by_bits(q.attack_mask, enum_codes[1], c.attack.data() + b, m);
    by_bits(q.target_mask, enum_codes[2], c.target.data() + b, m);
    if (q.min_killed >= 0) {
      Measure killed = Measure::Killed();
      for (size_t i = 0; i < m; ++i) {
        if (mask[i]) mask[i] = static_cast<uint8_t>(Value(b + i, killed) >= q.min_killed);
      }
    }
    if (q.use_ids) {
      for (size_t i = 0; i < m; ++i) {
        if (!mask[i]) continue;
        uint32_t id = c.id[b + i];
        while (id_pos < q.ids.size() && q.ids[id_pos] < id) ++id_pos;
        mask[i] = static_cast<uint8_t>(id_pos < q.ids.size() && q.ids[id_pos] == id);
      }
    }
    if (q.limit > 0) {
      for (size_t i = 0; i < m; ++i) {
        if (!mask[i]) continue;
        if (passed >= q.limit) {
          mask[i] = 0;
        } else {
          ++passed;
        }
      }
    }
    fn(b, e, mask.data());
    if (q.limit > 0 && passed >= q.limit) break;
  }
}

namespace {

// A measure the pre-aggregate holds: incidents, best killed or injured
// summed over categories.
bool CellMeasure(const Measure& m) {
  return m.of == Measure::Of::kIncidents || (m.category < 0 && m.bound == Measure::Bound::kBest);
}

}  // namespace

bool Cube::Preaggregated(const CompiledFilter& q, const std::vector<Dimension>& by,
                         const std::vector<Measure>& measures) const {
  if (q.use_ids || q.after_id > 0 || q.limit > 0 || q.min_killed >= 0) return false;
  if (q.attack_mask != ~0u || q.target_mask != ~0u) return false;
  for (int d = kAdmin2Dict; d < kDictCount; ++d) {
    if (q.restricted[static_cast<size_t>(d)]) return false;
  }
  for (Dimension d : by) {
    if (!IsPeriod(d) && d != Dimension::kCountry && d != Dimension::kAdmin1 && d != Dimension::kEventType) return false;
  }
  return std::all_of(measures.begin(), measures.end(), CellMeasure);
}

template <typename Fn>
void Cube::ForEachCell(const CompiledFilter& q, int32_t from, int32_t to, Fn&& fn) const {
  const Columns& c = *c_;
  from = std::max(from, q.date_from);
  to = std::min(to, q.date_to);
  if (to < from) return;
  // The same tests as ForEachBlock's, on the cell's key.
  const auto& ok_country = q.ok[kCountryDict];
  const auto& ok_admin1 = q.ok[kAdmin1Dict];
  const bool any_country = !q.restricted[kCountryDict], any_admin1 = !q.restricted[kAdmin1Dict];
  for (auto it = c.cells.lower_bound(from); it != c.cells.end() && it->first <= to; ++it) {
    for (const Cell& x : it->second) {
      if (x.incidents == 0) continue;
      if (!((q.status_mask >> (x.status & 31)) & 1u) || !((q.event_mask >> x.event) & 1u)) continue;
      if (!any_country && !(x.country < ok_country.size() && ok_country[x.country])) continue;
      if (!any_admin1 && !(x.admin1 < ok_admin1.size() && ok_admin1[x.admin1])) continue;
      fn(it->first, x);
    }
  }
}

int64_t Cube::Value(size_t row, const Measure& m) const {
  const Columns& c = *c_;
  if (m.of == Measure::Of::kIncidents) return 1;
  const int side = m.of == Measure::Of::kKilled ? 0 : 1;
  const uint8_t shape = c.shape[row];
  if (!(shape & kHasDetail)) {
    const int64_t total = side == 0 ? c.killed[row] : c.injured[row];
    if (m.category < 0) return total;
    return ((shape >> (2 * side)) & 3) == m.category ? total : 0;
  }
  auto it = c.detail.find(c.id[row]);
  if (it == c.detail.end()) return 0;
  const auto& v = it->second.v[static_cast<size_t>(side)];
  const size_t bound = m.bound == Measure::Bound::kLow ? 0 : m.bound == Measure::Bound::kBest ? 1 : 2;
  if (m.category >= 0) return v[static_cast<size_t>(m.category)][bound];
  int64_t s = 0;
  for (const auto& cat : v) s += cat[bound];
  return s;
}

Result<StatsTable> Cube::GroupBy(const CompiledFilter& q, const std::vector<Dimension>& by,
                                 const std::vector<Measure>& measures, GroupOptions options) const {
  if (measures.empty()) return InvalidArgument("stats needs at least one measure");
  const Columns& c = *c_;
  StatsTable t;
  for (auto d : by) t.key_columns.emplace_back(Name(d));
  for (const auto& m : measures) t.measure_columns.push_back(Name(m));
  t.totals.assign(measures.size(), 0);

  // Each dimension maps a row to a code in [0, card); codes combine in mixed radix.
  struct Coder {
    Dimension dim;
    uint64_t card = 1;
    std::vector<uint32_t> table;  // periods: by day - day0; dictionaries: code -> code (roll-up)
    int32_t day0 = 0, first_period = 0;
  };
  std::vector<Coder> coders;
  const int32_t dmin = std::max(MinDate(), q.date_from), dmax = std::min(MaxDate(), q.date_to);
  for (Dimension d : by) {
    Coder k{d};
    if (IsPeriod(d)) {
      const Period p = static_cast<Period>(static_cast<int>(d));
      k.day0 = dmin;
      if (dmax >= dmin) {
        k.first_period = PeriodOf(p, dmin);
        k.table.resize(static_cast<size_t>(dmax - dmin) + 1);
        for (int32_t day = dmin; day <= dmax; ++day) {
          k.table[static_cast<size_t>(day - dmin)] = static_cast<uint32_t>(PeriodOf(p, day) - k.first_period);
        }
        k.card = static_cast<uint64_t>(PeriodOf(p, dmax) - k.first_period) + 1;
      }
    } else {
      switch (d) {
        case Dimension::kCountry: k.card = std::max<size_t>(1, c.dict[kCountryDict].size()); break;
        case Dimension::kAdmin1: k.card = std::max<size_t>(1, c.dict[kAdmin1Dict].size()); break;
        case Dimension::kAdmin2: k.card = std::max<size_t>(1, c.dict[kAdmin2Dict].size()); break;
        case Dimension::kPerpetrator: {
          const auto& dict = c.dict[kPerpDict];
          k.card = std::max<size_t>(1, dict.size());
          if (options.roll_up && perp_roll_up_.size() == dict.size()) {
            // Map each perpetrator to the code of its parent's name (interned locally).
            std::unordered_map<std::string, uint32_t> seen;
            for (size_t i = 0; i < dict.size(); ++i) seen.emplace(dict[i], static_cast<uint32_t>(i));
            std::vector<std::string> extra;
            for (size_t i = 0; i < dict.size(); ++i) {
              auto it = seen.find(perp_roll_up_[i]);
              if (it == seen.end()) {
                it = seen.emplace(perp_roll_up_[i], static_cast<uint32_t>(dict.size() + extra.size())).first;
                extra.push_back(perp_roll_up_[i]);
              }
              k.table.push_back(it->second);
            }
            k.card = dict.size() + extra.size();
          }
          break;
        }
        case Dimension::kTarget: k.card = kTargets; break;
        case Dimension::kAttackType: k.card = kAttackTypes; break;
        case Dimension::kEventType: k.card = kEventTypes; break;
        case Dimension::kPhase: k.card = phases_.size() + 1; break;
        default: break;
      }
    }
    coders.push_back(std::move(k));
  }
  uint64_t cells = 1;
  for (const auto& k : coders) {
    if (k.card != 0 && cells > (uint64_t{1} << 40) / k.card) return InvalidArgument("stats: too many groups");
    cells *= std::max<uint64_t>(1, k.card);
  }
  const size_t nm = measures.size();
  const bool dense = cells <= (uint64_t{1} << 22);
  std::vector<int64_t> passed;                // dense: rows passing per cell
  std::vector<std::vector<int64_t>> acc(nm);  // dense: sums per measure, per cell
  std::unordered_map<uint64_t, std::vector<int64_t>> sparse;
  if (dense) {
    passed.assign(cells, 0);
    for (size_t j = 0; j < nm; ++j) {
      if (measures[j].of != Measure::Of::kIncidents) acc[j].assign(cells, 0);
    }
  }
  // Each row's cell code, one dimension at a time over a block (the loops
  // over a narrow column vectorise); uint32 codes when the cells are dense.
  // at(i) is the block offset of the i-th row coded (i itself, or the i-th
  // selected row).
  auto code_block = [&](size_t b, size_t m, auto at, auto* cell) {
    using Code = std::remove_reference_t<decltype(cell[0])>;
    std::fill(cell, cell + m, Code{0});
    for (const Coder& k : coders) {
      const Code card = static_cast<Code>(k.card);
      auto mul = [&](const auto* col) {
        col += b;
        for (size_t i = 0; i < m; ++i) cell[i] = cell[i] * card + static_cast<Code>(col[at(i)]);
      };
      switch (k.dim) {
        case Dimension::kCountry: mul(c.country.data()); break;
        case Dimension::kAdmin1: mul(c.admin1.data()); break;
        case Dimension::kAdmin2: mul(c.admin2.data()); break;
        case Dimension::kPerpetrator:
          if (k.table.empty()) {
            mul(c.perp.data());
          } else {
            const uint16_t* perp = c.perp.data() + b;
            for (size_t i = 0; i < m; ++i) cell[i] = cell[i] * card + static_cast<Code>(k.table[perp[at(i)]]);
          }
          break;
        case Dimension::kTarget: mul(c.target.data()); break;
        case Dimension::kAttackType: mul(c.attack.data()); break;
        case Dimension::kEventType: mul(c.event.data()); break;
        case Dimension::kPhase: mul(c.phase.data()); break;
        default: {  // a period: rows outside [dmin, dmax] are masked out already
          const int32_t* date = c.date.data() + b;
          const uint32_t* table = k.table.data();
          const uint32_t size = static_cast<uint32_t>(k.table.size());
          const int32_t day0 = k.day0;
          for (size_t i = 0; i < m; ++i) {
            const uint32_t off = static_cast<uint32_t>(date[at(i)] - day0);
            cell[i] = cell[i] * card + static_cast<Code>(off < size ? table[off] : 0u);
          }
        }
      }
    }
  };
  auto every = [](size_t i) { return i; };
  // How each measure is read: 1 per incident, a compact 16-bit total (the
  // detail when saturated), or Value().
  enum class Read { kOne, kTotal, kValue };
  std::vector<Read> read(nm);
  std::vector<const uint16_t*> total_col(nm, nullptr);
  for (size_t j = 0; j < nm; ++j) {
    const Measure& me = measures[j];
    if (me.of == Measure::Of::kIncidents) {
      read[j] = Read::kOne;
    } else if (me.category < 0 && me.bound == Measure::Bound::kBest) {
      read[j] = Read::kTotal;
      total_col[j] = me.of == Measure::Of::kKilled ? c.killed.data() : c.injured.data();
    } else {
      read[j] = Read::kValue;
    }
  }
  if (dense && !options.scan_rows && Preaggregated(q, by, measures)) {
    // Add up the per-day cells instead of reading rows.
    ForEachCell(q, dmin, dmax, [&](int32_t day, const Cell& x) {
      uint32_t code = 0;
      for (const Coder& k : coders) {
        uint32_t v = 0;
        switch (k.dim) {
          case Dimension::kCountry: v = x.country; break;
          case Dimension::kAdmin1: v = x.admin1; break;
          case Dimension::kEventType: v = x.event; break;
          default: v = k.table[static_cast<size_t>(day - k.day0)]; break;  // a period; day in [dmin, dmax]
        }
        code = code * static_cast<uint32_t>(k.card) + v;
      }
      passed[code] += x.incidents;
      for (size_t j = 0; j < nm; ++j) {
        if (read[j] == Read::kOne) continue;
        acc[j][code] += measures[j].of == Measure::Of::kKilled ? x.killed : x.injured;
      }
    });
    for (size_t j = 0; j < nm; ++j) {
      if (read[j] == Read::kOne) acc[j] = passed;
      for (uint64_t i = 0; i < cells; ++i) t.totals[j] += acc[j][i];
    }
  } else if (dense) {
    std::array<uint32_t, kBlock> cell;
    std::array<uint16_t, kBlock + 8> sel;
    // Adds n coded rows of the block at b to their cells cl[i]: at(i) is the
    // block offset of the i-th (as for code_block) and pass(i) its weight, 0
    // or 1. A template over both, so each way of reading a block compiles to
    // its own loops: the selected rows all pass (pass folds to 1), while
    // every row is weighted by its mask byte, branch-free (a failing row adds
    // 0 to its cell).
    auto sum_block = [&](size_t b, size_t n, auto at, auto pass, const uint32_t* cl) {
      int64_t* const count = passed.data();
      for (size_t i = 0; i < n; ++i) count[cl[i]] += pass(i);
      for (size_t j = 0; j < nm; ++j) {
        int64_t* const aj = acc[j].data();
        switch (read[j]) {
          case Read::kOne: break;  // = passed
          case Read::kTotal: {
            const uint16_t* const col = total_col[j] + b;
            bool saturated = false;
            for (size_t i = 0; i < n; ++i) {
              const uint16_t v = col[at(i)];
              aj[cl[i]] += static_cast<int64_t>(v) & -static_cast<int64_t>(pass(i));
              saturated |= v == kSaturated;
            }
            if (saturated) [[unlikely]] {  // totals too large for 16 bits, or full matrices: read the detail
              for (size_t i = 0; i < n; ++i) {
                if (col[at(i)] == kSaturated && pass(i)) aj[cl[i]] += Value(b + at(i), measures[j]) - kSaturated;
              }
            }
            break;
          }
          case Read::kValue:
            for (size_t i = 0; i < n; ++i) {
              if (pass(i)) aj[cl[i]] += Value(b + at(i), measures[j]);
            }
            break;
        }
      }
    };
    ForEachBlock(q, [&](size_t b, size_t e, const uint8_t* mask) {
      const size_t m = e - b;
      // The passing rows' offsets (unless every row is to be read anyway);
      // when fewer than half pass, only they are coded and summed.
      const size_t k = options.rows == GroupOptions::Rows::kEvery ? m : Select(mask, m, sel.data());
      if (k == 0) return;
      if (options.rows == GroupOptions::Rows::kSelected || (options.rows == GroupOptions::Rows::kAuto && 2 * k < m)) {
        const uint16_t* const s = sel.data();
        auto selected = [s](size_t i) -> size_t { return s[i]; };
        code_block(b, k, selected, cell.data());
        sum_block(b, k, selected, [](size_t) -> uint8_t { return 1; }, cell.data());
      } else {
        code_block(b, m, every, cell.data());
        sum_block(b, m, every, [mask](size_t i) -> uint8_t { return mask[i]; }, cell.data());
      }
    });
    for (size_t j = 0; j < nm; ++j) {
      if (read[j] == Read::kOne) acc[j] = passed;
      for (uint64_t i = 0; i < cells; ++i) t.totals[j] += acc[j][i];
    }
  } else {
    std::array<uint64_t, kBlock> cell;
    ForEachBlock(q, [&](size_t b, size_t e, const uint8_t* mask) {
      const size_t m = e - b;
      code_block(b, m, every, cell.data());
      for (size_t i = 0; i < m; ++i) {
        if (!mask[i]) continue;
        auto& v = sparse[cell[i]];
        if (v.empty()) v.assign(nm, 0);
        for (size_t j = 0; j < nm; ++j) {
          const int64_t x = Value(b + i, measures[j]);
          v[j] += x;
          t.totals[j] += x;
        }
      }
    });
  }

  // Rank codes so rows sort by label (periods by time).
  auto label = [&](const Coder& k, uint64_t code) -> std::string {
    if (IsPeriod(k.dim)) return PeriodLabel(static_cast<Period>(static_cast<int>(k.dim)), k.first_period + static_cast<int32_t>(code));
    switch (k.dim) {
      case Dimension::kCountry: return c.dict[kCountryDict][code];
      case Dimension::kAdmin1: return c.dict[kAdmin1Dict][code];
      case Dimension::kAdmin2: return c.dict[kAdmin2Dict][code];
      case Dimension::kPerpetrator:
        if (code < c.dict[kPerpDict].size() && k.table.empty()) return c.dict[kPerpDict][code];
        for (size_t i = 0; i < k.table.size(); ++i) {
          if (k.table[i] == code) return perp_roll_up_[i];
        }
        return {};
      case Dimension::kTarget: return std::string(Name(static_cast<TargetCategory>(code)));
      case Dimension::kAttackType: return std::string(Name(static_cast<AttackType>(code)));
      case Dimension::kEventType: return std::string(Name(static_cast<EventType>(code)));
      case Dimension::kPhase: return code == 0 ? std::string() : phases_[code - 1].key;
      default: return {};
    }
  };
  struct Out {
    std::vector<std::string> key;
    std::vector<int64_t> sortkey;
    std::vector<int64_t> values;
  };
  std::vector<Out> rows;
  auto emit = [&](uint64_t cellno, const int64_t* v) {
    Out o;
    uint64_t rest = cellno;
    o.key.resize(coders.size());
    o.sortkey.resize(coders.size());
    for (size_t d = coders.size(); d-- > 0;) {
      uint64_t code = rest % coders[d].card;
      rest /= coders[d].card;
      o.key[d] = label(coders[d], code);
      o.sortkey[d] = IsPeriod(coders[d].dim) ? static_cast<int64_t>(code) : 0;
    }
    o.values.assign(v, v + nm);
    rows.push_back(std::move(o));
  };
  if (dense) {
    std::vector<int64_t> row_values(nm);
    for (uint64_t i = 0; i < cells; ++i) {
      if (passed[i] == 0) continue;
      for (size_t j = 0; j < nm; ++j) row_values[j] = acc[j][i];
      emit(i, row_values.data());
    }
  } else {
    for (const auto& [k, v] : sparse) emit(k, v.data());
  }
  std::sort(rows.begin(), rows.end(), [&](const Out& a, const Out& b) {
    for (size_t d = 0; d < coders.size(); ++d) {
      if (IsPeriod(coders[d].dim)) {
        if (a.sortkey[d] != b.sortkey[d]) return a.sortkey[d] < b.sortkey[d];
      } else if (a.key[d] != b.key[d]) {
        return a.key[d] < b.key[d];
      }
    }
    return false;
  });
  for (auto& o : rows) {
    t.keys.push_back(std::move(o.key));
    t.values.push_back(std::move(o.values));
  }
  return t;
}

Status Cube::AddChangeColumns(const CompiledFilter& q, const std::vector<Dimension>& by,
                              const std::vector<Measure>& measures, GroupOptions options, StatsTable* t) const {
  size_t pd = by.size();
  for (size_t i = 0; i < by.size(); ++i) {
    if (IsPeriod(by[i])) {
      pd = i;
      break;
    }
  }
  if (pd == by.size()) return InvalidArgument("--change needs a period in --by (day, week, month, quarter, year)");
  const Period period = static_cast<Period>(static_cast<int>(by[pd]));
  const size_t nm = measures.size();
  for (const auto& m : measures) {
    for (const char* suffix : {"_prev", "_change_pct", "_avg4w", "_avg52w"}) t->change_columns.push_back(Name(m) + suffix);
  }
  // Daily values per group of the other dimensions, from 364 days earlier.
  CompiledFilter wide = q;
  const int32_t lo = (q.date_from != INT32_MIN ? q.date_from : MinDate()) - 364;
  const int32_t hi = q.date_to != INT32_MAX ? q.date_to : MaxDate();
  wide.date_from = lo;
  wide.limit = 0;
  std::vector<Dimension> daily_by = {Dimension::kDay};
  for (size_t i = 0; i < by.size(); ++i) {
    if (i != pd) daily_by.push_back(by[i]);
  }
  ASSIGN_OR_RETURN(StatsTable daily, GroupBy(wide, daily_by, measures, options));
  const size_t span = static_cast<size_t>(std::max(0, hi - lo + 1));
  std::map<std::vector<std::string>, std::vector<int64_t>> prefix;  // per group: (span+1) x nm prefix sums
  for (size_t r = 0; r < daily.keys.size(); ++r) {
    std::vector<std::string> other(daily.keys[r].begin() + 1, daily.keys[r].end());
    auto& v = prefix[other];
    if (v.empty()) v.assign((span + 1) * nm, 0);
    int32_t day = CivilDate::Parse(daily.keys[r][0])->days();
    size_t off = static_cast<size_t>(day - lo);
    if (off >= span) continue;
    for (size_t j = 0; j < nm; ++j) v[(off + 1) * nm + j] += daily.values[r][j];
  }
  for (auto& [k, v] : prefix) {
    for (size_t d = 1; d <= span; ++d) {
      for (size_t j = 0; j < nm; ++j) v[d * nm + j] += v[(d - 1) * nm + j];
    }
  }
  // Period labels back to indexes.
  std::unordered_map<std::string, int32_t> index_of;
  for (int32_t i = PeriodOf(period, lo); i <= PeriodOf(period, hi); ++i) index_of[PeriodLabel(period, i)] = i;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (size_t r = 0; r < t->keys.size(); ++r) {
    std::vector<double> out(4 * nm, nan);
    std::vector<std::string> other;
    for (size_t i = 0; i < by.size(); ++i) {
      if (i != pd) other.push_back(t->keys[r][i]);
    }
    auto g = prefix.find(other);
    auto pi = index_of.find(t->keys[r][pd]);
    if (g != prefix.end() && pi != index_of.end()) {
      const auto& v = g->second;
      auto sum = [&](int32_t from, int32_t to, size_t j) -> double {  // days, inclusive, clipped
        from = std::max(from, lo);
        to = std::min(to, hi);
        if (to < from) return 0;
        return static_cast<double>(v[static_cast<size_t>(to - lo + 1) * nm + j] - v[static_cast<size_t>(from - lo) * nm + j]);
      };
      const int32_t first = PeriodFirstDay(period, pi->second), last = PeriodLastDay(period, pi->second);
      const double weeks = static_cast<double>(last - first + 1) / 7;
      for (size_t j = 0; j < nm; ++j) {
        const double prev = sum(PeriodFirstDay(period, pi->second - 1), first - 1, j);
        const double now = static_cast<double>(t->values[r][j]);
        out[4 * j] = first - 1 >= lo ? prev : nan;
        out[4 * j + 1] = prev > 0 ? 100 * (now - prev) / prev : nan;
        out[4 * j + 2] = first - 28 >= MinDate() ? sum(first - 28, first - 1, j) / 4 * weeks : nan;
        out[4 * j + 3] = first - 364 >= MinDate() ? sum(first - 364, first - 1, j) / 52 * weeks : nan;
      }
    }
    t->change_values.push_back(std::move(out));
  }
  return Status::Ok();
}

std::vector<Cube::SourceSpan> Cube::Coverage(const CompiledFilter& q) const {
  const size_t n = c_->dict[kImporterDict].size();
  std::vector<SourceSpan> by(n);
  const int32_t* date = c_->date.data();
  const uint8_t* importer = c_->importer.data();
  std::array<uint16_t, kBlock + 8> sel;
  ForEachBlock(q, [&](size_t b, size_t e, const uint8_t* mask) {
    const size_t k = Select(mask, e - b, sel.data());
    for (size_t i = 0; i < k; ++i) {
      SourceSpan& s = by[importer[b + sel[i]]];
      const int32_t d = date[b + sel[i]];
      if (s.incidents++ == 0) {
        s.first = s.last = d;
      } else {
        s.first = std::min(s.first, d);
        s.last = std::max(s.last, d);
      }
    }
  });
  std::vector<SourceSpan> out;
  for (size_t k = 0; k < n; ++k) {
    if (by[k].incidents == 0) continue;
    by[k].importer = c_->dict[kImporterDict][k];
    out.push_back(std::move(by[k]));
  }
  std::sort(out.begin(), out.end(), [](const SourceSpan& a, const SourceSpan& b) { return a.importer < b.importer; });
  return out;
}

Result<Series> Cube::SeriesOf(const CompiledFilter& q, Period period, const Measure& measure,
                              std::optional<int32_t> from, std::optional<int32_t> to, GroupOptions options) const {
  int32_t lo = from ? *from : (q.date_from != INT32_MIN ? q.date_from : MinDate());
  int32_t hi = to ? *to : (q.date_to != INT32_MAX ? q.date_to : MaxDate());
  if (hi < lo) return InvalidArgument("series: the period ends before it starts");
  Series s;
  s.period = period;
  s.first = PeriodOf(period, lo);
  const int32_t last = PeriodOf(period, hi);
  s.values.assign(static_cast<size_t>(last - s.first) + 1, 0);
  std::vector<uint32_t> table(static_cast<size_t>(hi - lo) + 1);
  for (int32_t day = lo; day <= hi; ++day) table[static_cast<size_t>(day - lo)] = static_cast<uint32_t>(PeriodOf(period, day) - s.first);
  if (!options.scan_rows && Preaggregated(q, {}, {measure})) {
    ForEachCell(q, lo, hi, [&](int32_t day, const Cell& x) {
      const int64_t v = measure.of == Measure::Of::kIncidents ? x.incidents
                        : measure.of == Measure::Of::kKilled  ? x.killed
                                                              : x.injured;
      s.values[table[static_cast<size_t>(day - lo)]] += v;
    });
    return s;
  }
  const int32_t* date = c_->date.data();
  std::array<uint16_t, kBlock + 8> sel;
  ForEachBlock(q, [&](size_t b, size_t e, const uint8_t* mask) {
    const size_t k = Select(mask, e - b, sel.data());
    for (size_t i = 0; i < k; ++i) {
      const size_t row = b + sel[i];
      uint32_t off = static_cast<uint32_t>(date[row] - lo);
      if (off >= table.size()) continue;
      s.values[table[off]] += Value(row, measure);
    }
  });
  return s;
}

}  // namespace faultline
