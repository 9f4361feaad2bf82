#include "extract/numbers.h"

#include <array>
#include <charconv>
#include <string_view>
#include <vector>

#include "extract/internal/word_table.h"

namespace faultline::extract {
namespace {

struct Word {
  std::string_view w;
  int64_t v;
};
constexpr Word kUnits[] = {{"zero", 0},      {"one", 1},        {"two", 2},       {"three", 3},    {"four", 4},
                           {"five", 5},      {"six", 6},        {"seven", 7},     {"eight", 8},    {"nine", 9},
                           {"ten", 10},      {"eleven", 11},    {"twelve", 12},   {"thirteen", 13}, {"fourteen", 14},
                           {"fifteen", 15},  {"sixteen", 16},   {"seventeen", 17}, {"eighteen", 18}, {"nineteen", 19},
                           {"twenty", 20},   {"thirty", 30},    {"forty", 40},    {"fifty", 50},   {"sixty", 60},
                           {"seventy", 70},  {"eighty", 80},    {"ninety", 90},   {"hundred", 100}, {"thousand", 1000},
                           {"million", 1000000}};

bool Is(const Token& t, std::string_view w) { return IsWord(t, w); }

// The words a count can start with: the number words (with their values)
// and the qualifiers and vague quantities ReadCount reads (value -1), with
// the word that must follow those that count only in a phrase ("at least",
// "a few"). One table look-up rejects every other word, which is nearly
// every token, before ReadCount tries its phrases one by one.
struct CountWords {
  WordTable words;
  std::vector<int64_t> value;                          // by id
  std::vector<std::array<std::string_view, 2>> next;  // by id: one of these must follow; none: anything may
  CountWords() {
    for (const Word& w : kUnits) {
      words.Insert(w.w);
      value.push_back(w.v);
      next.push_back({});
    }
    struct Starter {
      std::string_view word;
      std::array<std::string_view, 2> next;
    };
    static constexpr Starter kStarters[] = {
        {"at", {"least"}},     {"more", {"than"}}, {"over", {}},     {"above", {}},   {"nearly", {}},
        {"almost", {}},        {"up", {"to"}},     {"as", {"many"}}, {"around", {}},  {"about", {}},
        {"approximately", {}}, {"roughly", {}},    {"some", {}},     {"between", {}}, {"dozens", {}},
        {"scores", {}},        {"tens", {}},       {"hundreds", {}}, {"several", {}}, {"a", {"few", "dozen"}},
        {"dozen", {}}};
    for (const Starter& s : kStarters) {
      if (words.Insert(s.word) == static_cast<int32_t>(value.size())) {
        value.push_back(-1);
        next.push_back(s.next);
      }
    }
  }
  static const CountWords& Get() {
    static const CountWords* table = new CountWords();
    return *table;
  }
};

// False when ReadCount certainly finds no count starting at tk[i] (i < limit).
bool MayStartCount(const std::vector<Token>& tk, int32_t i, int32_t limit) {
  const Token& t = tk[i];
  if (t.kind == TokenKind::kNumber) return true;
  if (t.kind != TokenKind::kWord) return false;
  const CountWords& table = CountWords::Get();
  int32_t id = table.words.Find(t.fold, t.fold_hash);
  if (id < 0) return false;
  const auto& next = table.next[static_cast<size_t>(id)];
  if (next[0].empty()) return true;
  return i + 1 < limit && (Is(tk[i + 1], next[0]) || (!next[1].empty() && Is(tk[i + 1], next[1])));
}

std::optional<int64_t> Digits(const Token& t) {
  if (t.kind != TokenKind::kNumber) return std::nullopt;
  if (t.fold.find('.') != std::string::npos) return std::nullopt;  // "2.5": not a head count
  int64_t v = 0;
  auto [p, ec] = std::from_chars(t.fold.data(), t.fold.data() + t.fold.size(), v);
  if (ec != std::errc() || p != t.fold.data() + t.fold.size() || v > 100000000) return std::nullopt;
  return v;
}

// A plain number (digits or words) at i; sets *next past it.
std::optional<int64_t> ReadPlain(const std::vector<Token>& tk, int32_t i, int32_t limit, int32_t* next) {
  if (i >= limit) return std::nullopt;
  if (auto d = Digits(tk[i])) {
    *next = i + 1;
    // "1.2 million" is rare in casualty counts; "5 thousand" appears.
    if (*next < limit && Is(tk[*next], "thousand")) {
      ++*next;
      return *d * 1000;
    }
    return d;
  }
  int64_t total = 0, current = 0;
  bool any = false;
  int32_t j = i;
  while (j < limit) {
    const Token& t = tk[j];
    if (t.kind == TokenKind::kPunct && t.punct == '-' && !t.space_before && any && j + 1 < limit &&
        NumberWordValue(tk[j + 1]) > 0 && NumberWordValue(tk[j + 1]) < 10) {
      ++j;  // "twenty-one"
      continue;
    }
    if (any && Is(t, "and") && j + 1 < limit && NumberWordValue(tk[j + 1]) > 0 && NumberWordValue(tk[j + 1]) < 100 &&
        current >= 100) {
      ++j;  // "two hundred and fifty"
      continue;
    }
    int64_t v = NumberWordValue(t);
    if (v < 0) break;
    if (v == 100) {
      current = (current == 0 ? 1 : current) * 100;
    } else if (v >= 1000) {
      total += (current == 0 ? 1 : current) * v;
      current = 0;
    } else {
      if (any && current % 10 != 0 && current < 100) break;  // "three four": two numbers
      current += v;
    }
    any = true;
    ++j;
  }
  if (!any) return std::nullopt;
  *next = j;
  return total + current;
}

}  // namespace

int64_t NumberWordValue(const Token& t) {
  if (t.kind != TokenKind::kWord || t.fold.size() > 9) return -1;  // "seventeen" is the longest
  const CountWords& table = CountWords::Get();
  int32_t id = table.words.Find(t.fold, t.fold_hash);
  return id < 0 ? -1 : table.value[static_cast<size_t>(id)];
}

std::optional<Count> ReadCount(const std::vector<Token>& tk, int32_t i, int32_t limit, VagueConvention convention) {
  // i is -1 when a passive casualty verb opens the text (extractor.cc reads
  // the words before it); that, too, is no count.
  if (i < 0 || i >= limit || !MayStartCount(tk, i, limit)) return std::nullopt;
  Count c;
  c.begin = i;
  enum Qual { kNone, kAtLeast, kMoreThan, kUpTo, kAbout } qual = kNone;
  int32_t j = i;
  auto word = [&](int32_t k, std::string_view w) { return k < limit && Is(tk[k], w); };
  // Qualifiers.
  if (word(j, "at") && word(j + 1, "least")) {
    qual = kAtLeast;
    j += 2;
  } else if ((word(j, "more") || word(j, "over") || word(j, "above")) && word(j + 1, "than")) {
    qual = kMoreThan;
    j += 2;
  } else if (word(j, "over") || word(j, "above") || word(j, "nearly") || word(j, "almost")) {
    qual = word(j, "over") || word(j, "above") ? kMoreThan : kAbout;
    j += 1;
  } else if (word(j, "up") && word(j + 1, "to")) {
    qual = kUpTo;
    j += 2;
  } else if (word(j, "as") && word(j + 1, "many") && word(j + 2, "as")) {
    qual = kUpTo;
    j += 3;
  } else if (word(j, "around") || word(j, "about") || word(j, "approximately") || word(j, "roughly") ||
             word(j, "some") || word(j, "nearly")) {
    qual = kAbout;
    j += 1;
  }
  bool between = false;
  if (word(j, "between")) {
    between = true;
    ++j;
  }
  bool acled = convention == VagueConvention::kAcled;
  // Vague quantities.
  auto vague = [&](int64_t low, int32_t len) {
    c.low = low;
    c.best = low;
    c.vague = true;
    c.end = j + len;
    if (c.end < limit && Is(tk[c.end], "of")) ++c.end;
    return c;
  };
  if (word(j, "dozens")) return vague(acled ? 12 : 24, 1);
  if (word(j, "scores")) return vague(acled ? 20 : 40, 1);
  if (word(j, "tens")) return vague(acled ? 10 : 20, 1);
  if (word(j, "hundreds")) return vague(acled ? 100 : 200, 1);
  if (word(j, "several") || (word(j, "a") && word(j + 1, "few"))) return vague(3, word(j, "a") ? 2 : 1);
  if (word(j, "dozen")) {  // "wounded dozen others"
    c.low = c.best = 12;
    c.end = j + 1;
    return c;
  }
  if ((word(j, "a") || word(j, "one")) && word(j + 1, "dozen")) {
    c.low = c.best = 12;
    c.end = j + 2;
    if (qual == kUpTo) c.low.reset(), c.high = 12;
    return c;
  }
  int32_t next = j;
  std::optional<int64_t> v = ReadPlain(tk, j, limit, &next);
  if (!v) return std::nullopt;
  if (word(next, "dozen")) {
    *v *= 12;
    ++next;
  }
  c.end = next;
  c.best = *v;
  c.low = *v;
  // Ranges: "12-15", "six to nine", "between 200 and 500", "two or three".
  int32_t k = next;
  bool range = false;
  if (k < limit && tk[k].kind == TokenKind::kPunct && tk[k].punct == '-') {
    range = true;
  } else if (word(k, "to") || word(k, "or") || (between && word(k, "and"))) {
    range = true;
  }
  if (range) {
    int32_t after = k + 1;
    if (auto hi = ReadPlain(tk, k + 1, limit, &after); hi && *hi > *v) {
      c.high = *hi;
      c.end = after;
    }
  }
  switch (qual) {
    case kAtLeast:
      break;
    case kMoreThan:  // "more than 200": the stated figure is the best reading, high open
      break;
    case kUpTo:
      c.high = *v;
      c.low.reset();
      break;
    case kAbout:
    case kNone:
      if (!c.high && qual == kNone) c.high = *v;
      break;
  }
  return c;
}

}  // namespace faultline::extract
