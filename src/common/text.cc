#include "common/text.h"

#include <utf8proc.h>

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace faultline {
namespace {

// ASCII case and classes without the locale calls of <cctype> (this program
// never leaves the "C" locale, where they mean exactly this).
inline char LowerAscii(unsigned char c) {
  return static_cast<char>(static_cast<unsigned>(c - 'A') < 26u ? c + ('a' - 'A') : c);
}
inline bool AlnumAscii(unsigned char c) {
  return static_cast<unsigned>(c - '0') < 10u || static_cast<unsigned>((c | 0x20) - 'a') < 26u;
}

}  // namespace

std::optional<size_t> FindInvalidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t n = s.size(), i = 0;
  while (i < n) {
    // Nearly all text is ASCII: eight bytes at a time while no high bit is set.
    while (i + 8 <= n) {
      uint64_t word;
      std::memcpy(&word, p + i, 8);
      if ((word & 0x8080808080808080ull) != 0) break;
      i += 8;
    }
    if (i >= n) break;
    unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07;
    } else {
      return i;
    }
    if (i + len > n) return i;
    for (size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))) {
      return i;
    }
    i += len;
  }
  return std::nullopt;
}

std::string Latin1ToUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  for (unsigned char c : s) {
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

std::string FoldKey(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  // Fast path for plain ASCII, which is nearly every name.
  bool ascii = true;
  for (unsigned char c : s) ascii &= c < 0x80;
  std::string folded;
  if (ascii) {
    folded.assign(s);
  } else {
    utf8proc_uint8_t* buf = nullptr;
    auto opts = static_cast<utf8proc_option_t>(UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD |
                                               UTF8PROC_STRIPMARK | UTF8PROC_IGNORE | UTF8PROC_STABLE);
    utf8proc_ssize_t n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(s.data()),
                                      static_cast<utf8proc_ssize_t>(s.size()), &buf, opts);
    if (n >= 0 && buf != nullptr) folded.assign(reinterpret_cast<char*>(buf), static_cast<size_t>(n));
    std::free(buf);
    if (n < 0) folded = Latin1ToUtf8(s);  // invalid UTF-8: fold what we can
  }
  bool space = true;  // suppress leading spaces
  for (size_t i = 0; i < folded.size(); ++i) {
    auto c = static_cast<unsigned char>(folded[i]);
    if (c >= 0x80) {
      // Unicode punctuation and spaces ("–", "’", no-break space) separate
      // words like their ASCII cousins; letters of any script are kept.
      utf8proc_int32_t cp = 0;
      utf8proc_ssize_t len = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(folded.data() + i),
                                              static_cast<utf8proc_ssize_t>(folded.size() - i), &cp);
      if (len > 0) {
        utf8proc_category_t cat = utf8proc_category(cp);
        bool apostrophe = cp == 0x2019 || cp == 0x2018 || cp == 0x02BC;
        bool punct = cat == UTF8PROC_CATEGORY_PD || cat == UTF8PROC_CATEGORY_PS || cat == UTF8PROC_CATEGORY_PE ||
                     cat == UTF8PROC_CATEGORY_PI || cat == UTF8PROC_CATEGORY_PF || cat == UTF8PROC_CATEGORY_PO ||
                     cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_SM || cat == UTF8PROC_CATEGORY_SO;
        if (apostrophe || punct) {
          if (!apostrophe && !space) {
            out += ' ';
            space = true;
          }
          i += static_cast<size_t>(len) - 1;
          continue;
        }
        out.append(folded, i, static_cast<size_t>(len));
        space = false;
        i += static_cast<size_t>(len) - 1;
        continue;
      }
    }
    if (c < 0x80) {
      if (AlnumAscii(c)) {
        out += LowerAscii(c);
        space = false;
      } else if (c == '\'' || c == '`') {
        // apostrophes join: "Jama'at" -> "jamaat"
      } else if (!space) {
        out += ' ';
        space = true;
      }
    } else {
      out += static_cast<char>(c);  // non-Latin letters (Urdu, Pashto) kept as is
      space = false;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string FoldKeyCompact(std::string_view s) {
  std::string k = FoldKey(s);
  std::string out;
  out.reserve(k.size());
  for (char c : k) {
    if (c != ' ') out += c;
  }
  return out;
}

std::string_view Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

std::string ToLowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = LowerAscii(static_cast<unsigned char>(c));
  return out;
}

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (LowerAscii(static_cast<unsigned char>(a[i])) != LowerAscii(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

std::string QuoteForError(std::string_view s) {
  std::string out = "\"";
  size_t n = 0;
  for (char c : s) {
    if (++n > 40) {
      out += "...";
      break;
    }
    out += (static_cast<unsigned char>(c) < 0x20) ? '?' : c;
  }
  out += '"';
  return out;
}

Result<int64_t> ParseInt(std::string_view s) {
  std::string_view t = Trim(s);
  int64_t v = 0;
  const char* end = t.data() + t.size();
  auto [ptr, ec] = std::from_chars(t.data(), end, v);
  if (t.empty() || ec != std::errc() || ptr != end) {
    if (ec == std::errc::result_out_of_range) return InvalidArgument(QuoteForError(s) + " is out of range");
    return InvalidArgument(QuoteForError(s) + " is not a whole number");
  }
  return v;
}

Result<double> ParseDouble(std::string_view s) {
  std::string_view t = Trim(s);
  double v = 0;
  const char* end = t.data() + t.size();
  auto [ptr, ec] = std::from_chars(t.data(), end, v);
  if (t.empty() || ec != std::errc() || ptr != end || !std::isfinite(v)) {
    return InvalidArgument(QuoteForError(s) + " is not a number");
  }
  return v;
}

}  // namespace faultline
