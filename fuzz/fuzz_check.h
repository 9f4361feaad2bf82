// What the parser fuzzers (plan_fuzzer.cc, measure_fuzzer.cc,
// encoding_fuzzer.cc) share: a failed invariant prints what broke and aborts,
// so that libFuzzer keeps the input; the shape every parser error must
// have, "label:line: ..." with a line inside the input, or "label: ..."; and
// the entry point's body. A fuzzer built once per input by CMake's
// faultline_fuzzer() (FUZZ_TARGET, FUZZ_INPUT defined) also gets its name,
// its input and the dispatch to that input's check from here.
#ifndef FAULTLINE_FUZZ_FUZZ_CHECK_H_
#define FAULTLINE_FUZZ_FUZZ_CHECK_H_

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <string>
#include <string_view>

#include "common/text.h"
#include "faultline/status.h"

namespace faultline::fuzz {

[[noreturn]] inline void Fail(const char* target, const std::string& what) {
  std::fprintf(stderr, "%s: invariant broken: %s\n", target, what.c_str());
  std::abort();
}

// Lines in `text` with LF, CRLF and lone CR line ends (common/csv.h's
// count; the TSV readers end lines at LF only, which never counts more); a
// last line without a line end counts.
inline size_t LineCount(std::string_view text) {
  size_t n = 1;
  for (size_t i = 0; i < text.size(); ++i) {
    n += text[i] == '\n' || (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n'));
  }
  return n;
}

// Checks that `s` is InvalidArgument naming `label` and, when it names a
// line, one in [1, LineCount(text)]. Returns what follows "label:line: " (or
// "label: "), for checks of the field.
inline std::string_view CheckParseError(const char* target, const Status& s, const std::string& label,
                                        std::string_view text) {
  if (s.code() != StatusCode::kInvalidArgument) Fail(target, "error is not InvalidArgument: " + s.ToString());
  std::string_view m = s.message();
  if (m.substr(0, label.size() + 1) != label + ":") Fail(target, "error does not name the input: " + s.ToString());
  m.remove_prefix(label.size() + 1);
  if (!m.empty() && m[0] == ' ') return m.substr(1);
  size_t digits = 0;
  unsigned long long line = 0;
  while (digits < m.size() && m[digits] >= '0' && m[digits] <= '9' && digits < 12) {
    line = line * 10 + static_cast<unsigned>(m[digits] - '0');
    ++digits;
  }
  if (digits == 0 || m.substr(digits, 2) != ": ") Fail(target, "error has no line: " + s.ToString());
  if (line < 1 || line > LineCount(text)) Fail(target, "error names a line outside the input: " + s.ToString());
  return m.substr(digits + 2);
}

// The body of LLVMFuzzerTestOneInput: `check` on the input as a string.
inline int Run(const uint8_t* data, size_t size, void (*check)(const std::string&)) {
  check(std::string(reinterpret_cast<const char*>(data), size));
  return 0;
}

#ifdef FUZZ_INPUT
// The fuzzer's name (its CMake target), as Fail reports it, and which of
// its source's parsers it drives.
inline constexpr const char* kTarget = FUZZ_TARGET;
inline constexpr std::string_view kInput = FUZZ_INPUT;

// Fails when `s`, a parsed value that `what` names, is not UTF-8.
inline void CheckUtf8(const std::string& s, std::string_view what) {
  if (FindInvalidUtf8(s)) Fail(kTarget, std::string(what) + " is not UTF-8");
}

struct InputCheck {
  std::string_view input;
  void (*check)(const std::string&);
};
// The body of LLVMFuzzerTestOneInput: the check of the input kInput names.
inline int RunInput(const uint8_t* data, size_t size, std::initializer_list<InputCheck> checks) {
  for (const InputCheck& c : checks) {
    if (c.input == kInput) return Run(data, size, c.check);
  }
  Fail(kTarget, "FUZZ_INPUT \"" + std::string(kInput) + "\" names no input of this fuzzer");
}
#endif

}  // namespace faultline::fuzz

#endif  // FAULTLINE_FUZZ_FUZZ_CHECK_H_
