#include "extract/tokens.h"

#include <array>

#include "common/text.h"
#include "extract/internal/word_table.h"

namespace faultline::extract {
namespace {

// Byte classes, the "C" locale's <cctype> answers for ASCII (the program
// never calls setlocale), looked up in one table instead of a libc call per
// byte.
enum : uint8_t { kDigit = 1, kUpper = 2, kLower = 4 };
constexpr std::array<uint8_t, 256> kByteClass = [] {
  std::array<uint8_t, 256> t{};
  for (int c = '0'; c <= '9'; ++c) t[c] = kDigit;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = kUpper;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = kLower;
  return t;
}();
// ASCII letters and digits to their lower-case form, every other ASCII
// byte to 0 (not part of a word): one look-up classifies and folds a byte.
constexpr std::array<char, 128> kWordLower = [] {
  std::array<char, 128> t{};
  for (int c = '0'; c <= '9'; ++c) t[c] = static_cast<char>(c);
  for (int c = 'a'; c <= 'z'; ++c) t[c] = static_cast<char>(c);
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = static_cast<char>(c - 'A' + 'a');
  return t;
}();
inline bool IsDigit(unsigned char c) { return kByteClass[c] == kDigit; }
inline bool IsUpper(unsigned char c) { return kByteClass[c] == kUpper; }
inline bool IsLower(unsigned char c) { return kByteClass[c] == kLower; }
inline bool IsAlpha(unsigned char c) { return (kByteClass[c] & (kUpper | kLower)) != 0; }
inline bool IsAsciiAlnum(unsigned char c) { return kByteClass[c] != 0; }

// Branch-free: +32 for 'A'..'Z' only.
inline char LowerByte(char ch) {
  auto u = static_cast<unsigned char>(ch);
  return static_cast<char>(u + ((static_cast<unsigned char>(u - 'A') < 26) << 5));
}
// The lower-case copy of a span, written straight into the token: ordinals
// ("3rd") and ASCII words too long for the scan's buffer.
void AssignLower(std::string_view w, std::string* out) {
  out->assign(w);
  for (char& ch : *out) ch = LowerByte(ch);
}

// Length of the UTF-8 sequence starting at p[0] (1 for a stray byte).
size_t SeqLen(unsigned char c) {
  if (c < 0x80) return 1;
  if (c >= 0xF0) return 4;
  if (c >= 0xE0) return 3;
  if (c >= 0xC0) return 2;
  return 1;
}

// Typographic punctuation mapped to ASCII; 0 when the sequence is a letter.
char UnicodePunct(std::string_view s) {
  if (s.size() == 3 && static_cast<unsigned char>(s[0]) == 0xE2 && static_cast<unsigned char>(s[1]) == 0x80) {
    unsigned char c = static_cast<unsigned char>(s[2]);
    if (c >= 0x90 && c <= 0x95) return '-';  // hyphens and dashes
    if (c == 0x98 || c == 0x99 || c == 0x9B) return '\'';
    if (c == 0x9C || c == 0x9D || c == 0x9F) return '"';
    if (c == 0xA6) return '.';  // ellipsis
    return ' ';                 // other general punctuation and spaces
  }
  if (s.size() == 2 && static_cast<unsigned char>(s[0]) == 0xC2) {
    unsigned char c = static_cast<unsigned char>(s[1]);
    if (c == 0xA0) return ' ';  // no-break space
    if (c == 0xAB || c == 0xBB) return '"';
  }
  return 0;
}

inline bool IsWordByteStart(std::string_view text, size_t i) {
  unsigned char c = static_cast<unsigned char>(text[i]);
  if (c < 0x80) return IsAsciiAlnum(c);
  size_t n = SeqLen(c);
  if (i + n > text.size()) return false;
  return UnicodePunct(text.substr(i, n)) == 0;
}

constexpr std::array<std::string_view, 34> kAbbreviations = {
    "mr",  "mrs", "ms",  "dr",  "lt",   "gen",  "col", "maj", "capt", "st",  "no",  "sr",
    "jr",  "prof", "gov", "sgt", "brig", "rs",  "vs",  "etc", "inc",  "co",  "jan", "feb",
    "aug", "sep", "sept", "oct", "nov", "dec",  "cdr", "hon", "insp", "govt"};

bool IsAbbreviation(const Token& t) {
  if (t.kind != TokenKind::kWord) return false;
  if (t.end - t.begin == 1) return true;  // an initial: "D.I. Khan"
  for (std::string_view a : kAbbreviations) {
    if (t.fold == a) return true;
  }
  return false;
}

}  // namespace

std::vector<Token> Tokenize(std::string_view text) {
  std::vector<Token> out;
  out.reserve(text.size() / 3 + 4);  // news runs about one token per 3.6 bytes: no regrowth
  size_t i = 0;
  bool space = true, newline = false, blank = false;
  int newlines = 0;
  while (i < text.size()) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      ++newlines;
      newline = true;
      if (newlines >= 2) blank = true;
      space = true;
      ++i;
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
      space = true;
      ++i;
      continue;
    }
    Token& t = out.emplace_back();  // filled in place; dropped below if it is a space
    t.begin = static_cast<int32_t>(i);
    t.space_before = space;
    t.newline_before = newline;
    t.blank_line_before = blank;
    if (IsDigit(c)) {
      size_t j = i;
      while (j < text.size()) {
        if (IsDigit(static_cast<unsigned char>(text[j]))) {
          ++j;
        } else if ((text[j] == ',' || text[j] == '.') && j + 1 < text.size() &&
                   IsDigit(static_cast<unsigned char>(text[j + 1])) && j > i) {
          ++j;
        } else {
          break;
        }
      }
      // "3rd", "10th", "2nd": an ordinal word, not a count.
      if (j < text.size() && IsWordByteStart(text, j)) {
        while (j < text.size() && IsWordByteStart(text, j)) j += SeqLen(static_cast<unsigned char>(text[j]));
        t.kind = TokenKind::kWord;
        AssignLower(text.substr(i, j - i), &t.fold);
      } else {
        t.kind = TokenKind::kNumber;
        t.fold.reserve(j - i);
        for (size_t k = i; k < j; ++k) {
          if (text[k] != ',') t.fold.push_back(text[k]);
        }
      }
      t.end = static_cast<int32_t>(j);
      i = j;
    } else if (IsWordByteStart(text, i)) {
      size_t j = i;
      bool ascii = true;
      // The lower-case form is written while scanning (one pass over the
      // bytes) as long as the word is ASCII and fits.
      char lower[32];
      while (j < text.size()) {
        unsigned char d = static_cast<unsigned char>(text[j]);
        if (d < 0x80) {
          char folded = kWordLower[d];
          if (folded == 0) break;
          if (j - i < sizeof lower) lower[j - i] = folded;
          ++j;
          continue;
        }
        if (!IsWordByteStart(text, j)) break;
        ascii = false;
        j += SeqLen(d);
      }
      if (j > text.size()) j = text.size();
      t.kind = TokenKind::kWord;
      std::string_view w = text.substr(i, j - i);
      if (ascii && w.size() <= sizeof lower) {
        t.fold.assign(lower, w.size());
      } else if (ascii) {
        AssignLower(w, &t.fold);
      } else {
        t.fold = FoldKeyCompact(w);
      }
      t.capitalized = !ascii || IsUpper(c);
      // Two or more letters, all upper case: impossible after a lower-case
      // first letter, so only other words are counted.
      if (!IsLower(c)) {
        // Stepping as the scan above did: bytes inside a multi-byte
        // sequence (even a malformed one) are not letters.
        int upper = 0, letters = 0;
        for (size_t k = 0; k < w.size();) {
          auto d = static_cast<unsigned char>(w[k]);
          if (IsAlpha(d)) {
            ++letters;
            upper += IsUpper(d);
          }
          k += SeqLen(d);
        }
        t.all_caps = letters >= 2 && upper == letters;
      }
      t.end = static_cast<int32_t>(j);
      i = j;
    } else {
      size_t n = SeqLen(c);
      if (i + n > text.size()) n = text.size() - i;
      char p = c < 0x80 ? static_cast<char>(c) : UnicodePunct(text.substr(i, n));
      i += n;
      if (p == ' ' || p == 0) {  // a Unicode space, or a symbol we do not use
        out.pop_back();
        space = true;
        continue;
      }
      t.kind = TokenKind::kPunct;
      t.punct = p == '`' ? '\'' : p;
      t.fold.assign(1, t.punct);
      t.end = static_cast<int32_t>(i);
    }
    t.fold_hash = WordTable::Hash(t.fold);
    space = newline = blank = false;
    newlines = 0;
  }
  return out;
}

std::vector<Sentence> SplitSentences(const std::vector<Token>& tokens) {
  std::vector<Sentence> out;
  out.reserve(tokens.size() / 16 + 1);  // sentences run 20-30 tokens
  int32_t start = 0;
  auto n = static_cast<int32_t>(tokens.size());
  for (int32_t i = 0; i < n; ++i) {
    // Paragraph breaks end sentences; so does sheer length, which keeps the
    // per-sentence work of the extractor bounded (linear time on any input).
    if (i > start && (tokens[i].blank_line_before || i - start >= kMaxSentenceTokens)) {
      out.push_back({start, i});
      start = i;
    }
    const Token& t = tokens[i];
    if (t.kind != TokenKind::kPunct || (t.punct != '.' && t.punct != '!' && t.punct != '?')) continue;
    int32_t j = i + 1;
    while (j < n && tokens[j].kind == TokenKind::kPunct && (tokens[j].punct == '"' || tokens[j].punct == ')' ||
                                                         tokens[j].punct == '\'') && !tokens[j].space_before) {
      ++j;
    }
    if (j >= n) continue;
    const Token& next = tokens[j];
    if (!next.space_before) continue;
    bool starts = next.capitalized || next.kind == TokenKind::kNumber ||
                  (next.kind == TokenKind::kPunct && (next.punct == '"' || next.punct == '\'' || next.punct == '('));
    if (!starts) continue;
    if (t.punct == '.' && i > 0 && IsAbbreviation(tokens[i - 1]) && !tokens[i - 1].all_caps) continue;
    out.push_back({start, j});
    start = j;
    i = j - 1;
  }
  if (start < n) out.push_back({start, n});
  return out;
}

}  // namespace faultline::extract
