// Text helpers that every parser shares: UTF-8 validation, Latin-1
// conversion, matching keys that fold case/diacritics/punctuation, and strict
// number parsing with messages fit for an error report. Stateless; thread-safe.
#ifndef FAULTLINE_COMMON_TEXT_H_
#define FAULTLINE_COMMON_TEXT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "faultline/status.h"

namespace faultline {

// Byte offset of the first invalid UTF-8 sequence, or nullopt when valid.
std::optional<size_t> FindInvalidUtf8(std::string_view s);
// Each byte as its Latin-1 code point, encoded as UTF-8.
std::string Latin1ToUtf8(std::string_view s);

// The key used for every name lookup: NFKD, case-folded, combining marks
// dropped, punctuation and hyphens turned into spaces, runs of spaces
// collapsed, trimmed. "D.I. Khan" -> "d i khan"; "Zōr Kōṯ" -> "zor kot".
std::string FoldKey(std::string_view s);
// FoldKey with all spaces removed: "Miran Shah" and "Miranshah" both -> "miranshah".
std::string FoldKeyCompact(std::string_view s);

std::string_view Trim(std::string_view s);
std::vector<std::string_view> Split(std::string_view s, char sep);
std::string ToLowerAscii(std::string_view s);
bool IEquals(std::string_view a, std::string_view b);  // ASCII case-insensitive

// Strict parses: the whole trimmed field must be the number. Error messages
// quote the (shortened) input: "\"12a\" is not a whole number".
Result<int64_t> ParseInt(std::string_view s);
Result<double> ParseDouble(std::string_view s);
// Quotes and shortens a value for an error message.
std::string QuoteForError(std::string_view s);

}  // namespace faultline

#endif  // FAULTLINE_COMMON_TEXT_H_
