// libFuzzer targets for reading Latin-1 and Windows-1252 input
// (`faultline import --encoding latin1|cp1252`), built once per
// FUZZ_ENCODING_TARGET:
// - "decode": Latin1ToUtf8 (common/text.h) and Cp1252ToUtf8 (io/csv_format.h)
//   against glibc's iconv on every input: the same UTF-8 bytes, or for
//   cp1252 the same first byte without a character; the output is valid
//   UTF-8 either way.
// - "import": the native CSV importer over the same bytes once as latin1 and
//   once as cp1252, with import_fuzzer.cc's checks (a reason for every
//   rejected row, lines in order, reading ends) plus: every accepted
//   incident's text is valid UTF-8; latin1 rejects no row for its bytes (every
//   byte is a character); and when no byte is in 0x80-0x9F, where the two
//   encodings agree, both imports give the same rows.
// A crash, sanitizer report, failed check or hang is a bug.
#include <iconv.h>

#include <cerrno>
#include <cstdint>
#include <string>
#include <vector>

#include "common/text.h"
#include "fuzz_check.h"
#include "io/csv_format.h"
#include "io/importer.h"

#ifndef FUZZ_ENCODING_TARGET
#error "define FUZZ_ENCODING_TARGET (decode or import)"
#endif

namespace {

using faultline::fuzz::Fail;
constexpr const char* kTarget = "encoding_fuzzer(" FUZZ_ENCODING_TARGET ")";

// iconv's answer: the UTF-8, or the offset of the first byte it refuses.
struct IconvResult {
  std::string utf8;
  std::optional<size_t> bad;
};

IconvResult Iconv(const char* from, std::string_view in) {
  iconv_t cd = iconv_open("UTF-8", from);
  if (cd == reinterpret_cast<iconv_t>(-1)) Fail(kTarget, std::string("iconv cannot convert from ") + from);
  IconvResult r;
  r.utf8.resize(in.size() * 3 + 4);
  char* src = const_cast<char*>(in.data());
  size_t src_left = in.size();
  char* dst = r.utf8.data();
  size_t dst_left = r.utf8.size();
  if (iconv(cd, &src, &src_left, &dst, &dst_left) == static_cast<size_t>(-1)) {
    if (errno != EILSEQ) Fail(kTarget, "iconv failed for a reason other than a bad byte");
    r.bad = in.size() - src_left;
  }
  r.utf8.resize(r.utf8.size() - dst_left);
  iconv_close(cd);
  return r;
}

void FuzzDecode(const std::string& in) {
  const std::string latin1 = faultline::Latin1ToUtf8(in);
  if (auto bad = faultline::FindInvalidUtf8(latin1)) Fail(kTarget, "Latin1ToUtf8 wrote invalid UTF-8");
  IconvResult ref = Iconv("ISO-8859-1", in);
  if (ref.bad || ref.utf8 != latin1) Fail(kTarget, "Latin1ToUtf8 differs from iconv ISO-8859-1");

  std::string cp1252 = "left over";
  auto bad = faultline::Cp1252ToUtf8(in, &cp1252);
  ref = Iconv("CP1252", in);
  if (bad != ref.bad) {
    Fail(kTarget, "Cp1252ToUtf8 and iconv CP1252 disagree on the first byte without a character (" +
                      (bad ? std::to_string(*bad) : "none") + " vs " + (ref.bad ? std::to_string(*ref.bad) : "none") + ")");
  }
  if (!bad) {
    if (faultline::FindInvalidUtf8(cp1252)) Fail(kTarget, "Cp1252ToUtf8 wrote invalid UTF-8");
    if (cp1252 != ref.utf8) Fail(kTarget, "Cp1252ToUtf8 differs from iconv CP1252");
  }
}

const faultline::ImportContext& Context(const char* encoding) {
  static faultline::ImportContext latin1, cp1252;
  faultline::ImportContext& ctx = std::string_view(encoding) == "latin1" ? latin1 : cp1252;
  if (ctx.encoding.empty()) {
    ctx.batch_id = "fuzz";
    ctx.file_label = "fuzz-input";
    ctx.encoding = encoding;
  }
  return ctx;
}

void CheckUtf8(const std::string& s, const char* field, uint64_t line) {
  if (faultline::FindInvalidUtf8(s)) Fail(kTarget, "line " + std::to_string(line) + ": accepted " + field + " is not UTF-8");
}

std::vector<faultline::ImportedRow> Import(const std::string& data, const char* encoding) {
  auto source = faultline::OpenRowSourceFromString("csv", data, Context(encoding));
  if (!source.ok()) Fail(kTarget, "cannot open csv: " + source.status().ToString());
  std::vector<faultline::ImportedRow> rows;
  uint64_t last_line = 0;
  for (;;) {
    faultline::ImportedRow row;
    row.line = ~uint64_t{0};
    if (!(*source)->Next(&row)) break;
    if (row.line == ~uint64_t{0}) Fail(kTarget, "Next() returned true without filling a row");
    if (rows.size() + 1 > data.size() + 1) Fail(kTarget, "more rows than input bytes");
    if (row.line < last_line) Fail(kTarget, "row line went backwards");
    last_line = row.line;
    if (row.kind == faultline::ImportedRow::Kind::kRejected) {
      if (row.reason.empty()) Fail(kTarget, "rejected row without a reason");
      // The decoder's own refusal starts "byte 0x.."; other reasons may quote
      // the input, which can hold any text (the fuzzer wrote "Windows-1252"
      // into an event type once).
      if (std::string_view(encoding) == "latin1" && row.reason.rfind("byte 0x", 0) == 0 &&
          row.reason.find("is not a Windows-1252 character") != std::string::npos) {
        Fail(kTarget, "latin1 rejected a byte: " + row.reason);
      }
    } else {
      const faultline::Incident& x = row.incident;
      for (const std::string* s : {&x.source_key, &x.country, &x.admin1, &x.admin2, &x.place, &x.sub_event_type,
                                   &x.perpetrator, &x.notes, &x.license}) {
        CheckUtf8(*s, "text", row.line);
      }
      for (const auto& src : x.sources) {
        for (const std::string* s : {&src.outlet, &src.url, &src.published_at, &src.headline}) CheckUtf8(*s, "source", row.line);
      }
    }
    row.raw_fields.clear();  // the bytes as read: not part of the comparison
    rows.push_back(std::move(row));
  }
  if ((*source)->bytes_consumed() > data.size()) Fail(kTarget, "bytes_consumed() exceeds the input size");
  return rows;
}

bool SameRows(const std::vector<faultline::ImportedRow>& a, const std::vector<faultline::ImportedRow>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].kind != b[i].kind || a[i].line != b[i].line || a[i].column != b[i].column || a[i].reason != b[i].reason) {
      return false;
    }
    if (a[i].kind == faultline::ImportedRow::Kind::kIncident && !(a[i].incident == b[i].incident)) return false;
  }
  return true;
}

void FuzzImport(const std::string& data) {
  auto latin1 = Import(data, "latin1");
  auto cp1252 = Import(data, "cp1252");
  bool c1 = false;
  for (unsigned char c : data) c1 |= c >= 0x80 && c < 0xA0;
  if (!c1 && !SameRows(latin1, cp1252)) Fail(kTarget, "latin1 and cp1252 differ on input without bytes 0x80-0x9F");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return faultline::fuzz::Run(data, size, std::string_view(FUZZ_ENCODING_TARGET) == "import" ? FuzzImport : FuzzDecode);
}
