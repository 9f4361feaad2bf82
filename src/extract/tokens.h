// Tokens and sentences of a news text, with byte offsets into the original
// so every extracted field can point at the words that support it.
//
// A token is a word, a number (digits with thousands separators or a decimal
// point: "1,200", "2.5") or one punctuation character. Hyphens and
// apostrophes inside words split them ("twenty-one" -> twenty, -, one) and
// set `joined` on the following token so phrase matchers can treat
// "check-post" and "check post" alike. Every word carries `fold`, its
// lower-case matching form (FoldKey for non-ASCII words), computed once.
// UTF-8 throughout: bytes >= 0x80 are word characters except the common
// typographic punctuation (curly quotes, dashes), so Urdu words tokenise as
// words. Pure functions; thread-safe.
#ifndef FAULTLINE_EXTRACT_TOKENS_H_
#define FAULTLINE_EXTRACT_TOKENS_H_

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace faultline::extract {

enum class TokenKind : uint8_t { kWord, kNumber, kPunct };

struct Token {
  int32_t begin = 0;
  int32_t end = 0;
  TokenKind kind = TokenKind::kWord;
  bool capitalized = false;  // first letter upper case (ASCII) or non-ASCII word
  bool all_caps = false;     // two or more letters, all upper case ("TTP")
  bool space_before = true;  // whitespace (or start of text) before it
  bool newline_before = false;
  bool blank_line_before = false;  // a paragraph break precedes it
  char punct = 0;                  // the ASCII punctuation, '-' for dashes, '\'' and '"' for curly quotes
  std::string fold;                // words: lower-case form; numbers: digits without separators
  uint64_t fold_hash = 0;          // WordTable::Hash(fold), so word tables look tokens up without rehashing
};

std::vector<Token> Tokenize(std::string_view text);

// True when t is the word w (w folded). Checks length and first letter
// inline: the rules ask this of many tokens, and almost every answer is no.
// Inlined where w is a literal, the comparison becomes a few instructions.
[[gnu::always_inline]] inline bool IsWord(const Token& t, std::string_view w) {
  return t.kind == TokenKind::kWord && t.fold.size() == w.size() &&
         (w.empty() || (t.fold[0] == w[0] && std::memcmp(t.fold.data() + 1, w.data() + 1, w.size() - 1) == 0));
}

// [begin, end) token index ranges of sentences. Breaks after . ! ? before a
// capital, digit or quote (not after abbreviations such as "Lt." or the
// initials of "D.I. Khan"), and at paragraph breaks.
// Longer runs of tokens are cut into pieces of this size.
inline constexpr int32_t kMaxSentenceTokens = 250;

struct Sentence {
  int32_t begin = 0;  // token indices
  int32_t end = 0;
};
std::vector<Sentence> SplitSentences(const std::vector<Token>& tokens);

}  // namespace faultline::extract

#endif  // FAULTLINE_EXTRACT_TOKENS_H_
