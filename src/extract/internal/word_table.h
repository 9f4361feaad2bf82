// A set of folded words (or word sequences) with dense ids, for the
// extractor's per-token look-ups: the cue lexicon's first words and the
// entity index's names. Open addressing over a power-of-two table with a
// hash that reads eight bytes at a time, so a look-up is one short hash, one
// probe (usually) and one comparison, with no allocation; the node-based
// std::unordered_map<std::string, ...> it replaces hashed with murmur and
// chased a pointer per bucket. Built once; const look-ups are thread-safe.
#ifndef FAULTLINE_EXTRACT_INTERNAL_WORD_TABLE_H_
#define FAULTLINE_EXTRACT_INTERNAL_WORD_TABLE_H_

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace faultline::extract {

class WordTable {
 public:
  // Hash of a word; Find with a precomputed hash skips rehashing.
  static uint64_t Hash(std::string_view w) {
    // Whole-word loads only (no byte-by-byte copy that the following load
    // would have to wait for): 8-byte chunks, the last one overlapping; a
    // short tail read as two overlapping halves or three bytes. Then
    // murmur3's 64-bit finaliser.
    constexpr uint64_t kMul = 0x9E3779B97F4A7C15ull;
    const char* p = w.data();
    size_t n = w.size();
    uint64_t h = n * kMul;
    auto load64 = [](const char* q) {
      uint64_t v;
      std::memcpy(&v, q, 8);
      return v;
    };
    auto load32 = [](const char* q) {
      uint32_t v;
      std::memcpy(&v, q, 4);
      return uint64_t{v};
    };
    if (n >= 8) {
      size_t k = 0;
      for (; k + 8 < n; k += 8) h = (h ^ load64(p + k)) * kMul;
      h = (h ^ load64(p + n - 8)) * kMul;
    } else if (n >= 4) {
      h = (h ^ (load32(p) | load32(p + n - 4) << 32)) * kMul;
    } else if (n > 0) {
      auto b = [&](size_t k) { return uint64_t{static_cast<unsigned char>(p[k])}; };
      h = (h ^ (b(0) | b(n >> 1) << 8 | b(n - 1) << 16)) * kMul;
    }
    h ^= h >> 33;
    h *= 0xFF51AFD7ED558CCDull;
    h ^= h >> 33;
    return h;
  }

  // The id of `w`, adding it (ids are 0, 1, 2... in order of first insertion).
  int32_t Insert(std::string_view w) {
    if (int32_t id = Find(w); id >= 0) return id;
    if ((words_.size() + 1) * 2 > slots_.size()) Grow();
    auto id = static_cast<int32_t>(words_.size());
    words_.emplace_back(w);
    Place(id, Hash(w));
    return id;
  }

  // The id of `w`, or -1.
  int32_t Find(std::string_view w) const { return Find(w, Hash(w)); }
  int32_t Find(std::string_view w, uint64_t hash) const {
    if (slots_.empty()) return -1;
    size_t mask = slots_.size() - 1;
    auto tag = static_cast<uint32_t>(hash >> 32);
    for (size_t s = hash & mask;; s = (s + 1) & mask) {
      Slot slot = slots_[s];
      if (slot.id < 0) return -1;
      if (slot.tag == tag && Same(words_[static_cast<size_t>(slot.id)], w)) return slot.id;
    }
  }

  size_t size() const { return words_.size(); }
  const std::string& word(int32_t id) const { return words_[static_cast<size_t>(id)]; }

 private:
  // The slot holds the hash's high half beside the id, so a probe rejects
  // other words without touching their text (for the name index, megabytes
  // that are not in cache).
  struct Slot {
    int32_t id = -1;  // -1: empty
    uint32_t tag = 0;
  };
  // a == b, inline for short words (a libc memcmp call costs more than the
  // comparison of a six-letter word).
  static bool Same(std::string_view a, std::string_view b) {
    size_t n = a.size();
    if (n != b.size()) return false;
    if (n > 16) return a == b;
    for (size_t k = 0; k < n; ++k) {
      if (a[k] != b[k]) return false;
    }
    return true;
  }
  void Place(int32_t id, uint64_t hash) {
    size_t mask = slots_.size() - 1;
    size_t s = hash & mask;
    while (slots_[s].id >= 0) s = (s + 1) & mask;
    slots_[s] = Slot{id, static_cast<uint32_t>(hash >> 32)};
  }
  void Grow() {
    slots_.assign(slots_.empty() ? 64 : slots_.size() * 2, Slot{});
    for (size_t id = 0; id < words_.size(); ++id) Place(static_cast<int32_t>(id), Hash(words_[id]));
  }

  std::vector<std::string> words_;
  std::vector<Slot> slots_;
};

}  // namespace faultline::extract

#endif  // FAULTLINE_EXTRACT_INTERNAL_WORD_TABLE_H_
