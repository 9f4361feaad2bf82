#include "common/csv.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <random>

#include <unistd.h>

namespace faultline {
namespace {

std::vector<std::vector<std::string>> ReadAll(const std::string& data, CsvOptions opt = {},
                                              std::vector<std::string>* errors = nullptr) {
  auto r = CsvReader::FromString(data, opt);
  std::vector<std::vector<std::string>> rows;
  CsvRecord rec;
  for (;;) {
    auto res = r->Next(&rec);
    if (res == CsvReader::ReadResult::kEnd) break;
    if (res == CsvReader::ReadResult::kMalformed && errors) errors->push_back(rec.error.message());
    rows.push_back(rec.fields);
  }
  return rows;
}

// The reader as first written, one byte at a time: the obviously-correct
// reference the run-at-a-time reader is held to. Returns one line per
// record: kind, line, offset, fields, error.
std::vector<std::string> ReferenceRead(const std::string& in, const CsvOptions& opt) {
  std::vector<std::string> out;
  size_t pos = 0;
  uint64_t line = 1;
  if (in.size() >= 3 && in.compare(0, 3, "\xEF\xBB\xBF") == 0) pos = 3;
  auto get = [&]() -> int { return pos < in.size() ? static_cast<unsigned char>(in[pos++]) : -1; };
  auto peek = [&]() -> int { return pos < in.size() ? static_cast<unsigned char>(in[pos]) : -1; };
  for (;;) {
    std::vector<std::string> fields;
    const uint64_t rec_line = line, offset = pos;
    int c = peek();
    if (c < 0) break;
    if (c == '\n' || c == '\r') {
      get();
      if (c == '\r' && peek() == '\n') get();
      ++line;
      continue;
    }
    fields.emplace_back();
    bool too_long = false, in_quotes = false, after_quote = false;
    size_t too_long_field = 0;
    uint64_t quote_line = 0;
    std::string error;
    auto push = [&](int ch) {
      if (fields.back().size() < opt.max_field_bytes) {
        fields.back().push_back(static_cast<char>(ch));
      } else if (!too_long) {
        too_long = true;
        too_long_field = fields.size();
      }
    };
    for (;;) {
      c = get();
      if (c < 0) {
        if (in_quotes) {
          error = "line " + std::to_string(quote_line) + ": field " + std::to_string(fields.size()) +
                  ": quoted field is never closed (unbalanced quote runs to end of input)";
        }
        break;
      }
      if (in_quotes) {
        if (c == '"') {
          if (peek() == '"') {
            get();
          } else {
            in_quotes = false;
            after_quote = true;
            continue;
          }
        } else if (c == '\n') {
          ++line;
        }
        push(c);
        continue;
      }
      if (c == opt.delimiter) {
        fields.emplace_back();
        after_quote = false;
        continue;
      }
      if (c == '\n' || c == '\r') {
        if (c == '\r' && peek() == '\n') get();
        ++line;
        break;
      }
      if (c == '"' && opt.quoting && fields.back().empty() && !after_quote) {
        in_quotes = true;
        quote_line = line;
        continue;
      }
      push(c);
    }
    if (error.empty() && too_long) {
      error = "field " + std::to_string(too_long_field) + " is longer than the " +
              std::to_string(opt.max_field_bytes >> 20) + " MiB limit";
    }
    std::string r = (error.empty() ? "record " : "malformed ") + std::to_string(rec_line) + " @" +
                    std::to_string(offset) + ":";
    for (const auto& f : fields) r += " [" + f + "]";
    out.push_back(r + " " + error);
  }
  out.push_back("end blank " + std::to_string(line));
  return out;
}

std::vector<std::string> ReaderRead(CsvReader* r) {
  std::vector<std::string> out;
  CsvRecord rec;
  for (;;) {
    auto res = r->Next(&rec);
    if (res == CsvReader::ReadResult::kEnd) break;
    std::string s = (res == CsvReader::ReadResult::kRecord ? "record " : "malformed ") + std::to_string(rec.line) +
                    " @" + std::to_string(rec.byte_offset) + ":";
    for (const auto& f : rec.fields) s += " [" + f + "]";
    out.push_back(s + " " + (res == CsvReader::ReadResult::kRecord ? "" : rec.error.message()));
  }
  // The reference counts the lines it passed; the reader reports the next
  // record's line, which is the same number at the end.
  rec.line = 0;
  out.push_back("end blank " + std::to_string(r->Next(&rec) == CsvReader::ReadResult::kEnd ? rec.line : 0));
  return out;
}

std::string RandomCsv(std::mt19937& rng, size_t n, bool long_runs) {
  static constexpr std::string_view kBytes = ",\"\n\r\tab \xc3\xff";
  std::string s;
  std::uniform_int_distribution<size_t> pick(0, kBytes.size() - 1), run(1, 300);
  while (s.size() < n) {
    char c = kBytes[pick(rng)];
    if (long_runs && (c == 'a' || c == 'b')) {
      s.append(run(rng), c);
    } else {
      s += c;
    }
  }
  return s;
}

TEST(CsvReader, MatchesTheByteAtATimeReferenceOnRandomInput) {
  std::mt19937 rng(20261127);
  for (int i = 0; i < 3000; ++i) {
    CsvOptions opt;
    opt.delimiter = i % 3 == 0 ? '\t' : ',';
    opt.quoting = i % 5 != 0;
    if (i % 4 == 0) opt.max_field_bytes = 1 + i % 7;
    std::string data = RandomCsv(rng, 1 + i % 200, i % 2 == 0);
    if (i % 11 == 0) data = "\xEF\xBB\xBF" + data;
    auto reader = CsvReader::FromString(data, opt);
    ASSERT_EQ(ReaderRead(reader.get()), ReferenceRead(data, opt)) << "input " << i;
  }
}

// Runs that cross the reader's 1 MiB blocks, from a real file.
TEST(CsvReader, MatchesTheReferenceAcrossFileBlocks) {
  std::mt19937 rng(7);
  const std::string data = RandomCsv(rng, (size_t{5} << 20) / 2, true);
  const std::string path = (std::filesystem::temp_directory_path() / ("csv_blocks_test_" + std::to_string(::getpid()) + ".csv")).string();
  {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    std::fwrite(data.data(), 1, data.size(), f);
    std::fclose(f);
  }
  for (size_t limit : {size_t{16} << 20, size_t{100}}) {
    CsvOptions opt;
    opt.max_field_bytes = limit;
    auto reader = CsvReader::Open(path, opt);
    ASSERT_TRUE(reader.ok());
    auto got = ReaderRead(reader->get());
    auto want = ReferenceRead(data, opt);
    ASSERT_EQ(got.size(), want.size());
    for (size_t i = 0; i < got.size(); ++i) ASSERT_EQ(got[i], want[i]) << "record " << i;
  }
  std::filesystem::remove(path);
}

TEST(CsvReader, QuotesEscapesAndLineEnds) {
  auto rows = ReadAll("a,\"b,c\",\"d\"\"e\"\r\n1,\"multi\nline\",3\n\nx,,\n");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"a", "b,c", "d\"e"}));
  EXPECT_EQ(rows[1], (std::vector<std::string>{"1", "multi\nline", "3"}));
  EXPECT_EQ(rows[2], (std::vector<std::string>{"x", "", ""}));
}

TEST(CsvReader, LineNumbersCountPhysicalLines) {
  auto r = CsvReader::FromString("h\n\"a\nb\"\nc\n", {});
  CsvRecord rec;
  r->Next(&rec);
  EXPECT_EQ(rec.line, 1u);
  r->Next(&rec);
  EXPECT_EQ(rec.line, 2u);
  r->Next(&rec);
  EXPECT_EQ(rec.line, 4u);
}

TEST(CsvReader, StripsBom) {
  auto r = CsvReader::FromString("\xEF\xBB\xBFid,x\n", {});
  CsvRecord rec;
  ASSERT_EQ(r->Next(&rec), CsvReader::ReadResult::kRecord);
  EXPECT_TRUE(r->had_bom());
  EXPECT_EQ(rec.fields[0], "id");
}

TEST(CsvReader, UnbalancedQuoteIsMalformedWithStartLine) {
  std::vector<std::string> errors;
  auto rows = ReadAll("a,b\n1,\"open\n2,3\n", {}, &errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("line 2"), std::string::npos);
  EXPECT_NE(errors[0].find("never closed"), std::string::npos);
}

TEST(CsvReader, OversizedFieldIsRejectedAndReadingContinues) {
  CsvOptions opt;
  opt.max_field_bytes = 1 << 20;
  std::string big(3 << 20, 'x');
  std::vector<std::string> errors;
  auto rows = ReadAll("a,b\n1," + big + "\n2,ok\n", opt, &errors);
  ASSERT_EQ(rows.size(), 3u);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("longer than the 1 MiB limit"), std::string::npos);
  EXPECT_LE(rows[1][1].size(), size_t{1} << 20);
  EXPECT_EQ(rows[2][1], "ok");
}

TEST(CsvReader, TsvWithoutQuoting) {
  CsvOptions opt;
  opt.delimiter = '\t';
  opt.quoting = false;
  auto rows = ReadAll("1\t\"x\t3\n", opt);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][1], "\"x");
}

}  // namespace
}  // namespace faultline
