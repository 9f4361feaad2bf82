// A streaming RFC 4180 reader for CSV and TSV in constant memory. It reads
// the input in 1 MiB blocks, so a file of any size costs the same memory; a
// field longer than `max_field_bytes` is reported as an error for its record
// (and skipped), never buffered whole. It strips a UTF-8 BOM, accepts LF,
// CRLF and CR line ends, and reports the physical line each record starts on,
// so that an importer can say "file:line: column x: why".
//
// Not thread-safe; one reader per input.
//
//   ASSIGN_OR_RETURN(auto reader, CsvReader::Open("acled.csv", {}));
//   CsvRecord rec;
//   while (reader->Next(&rec) != CsvReader::ReadResult::kEnd) { ... }
#ifndef FAULTLINE_COMMON_CSV_H_
#define FAULTLINE_COMMON_CSV_H_

#include <array>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "faultline/status.h"

namespace faultline {

struct CsvOptions {
  char delimiter = ',';
  bool quoting = true;                       // false for GDELT's plain TSV
  size_t max_field_bytes = size_t{16} << 20;  // 16 MiB
};

struct CsvRecord {
  std::vector<std::string> fields;
  uint64_t line = 0;         // 1-based physical line where the record starts
  uint64_t byte_offset = 0;  // offset of the record's first byte in the input
  Status error;              // set when Next() returns kMalformed
};

class CsvReader {
 public:
  enum class ReadResult { kRecord, kMalformed, kEnd };

  // Opens a file ("-" is stdin). NotFound / IoError when it cannot be read.
  static Result<std::unique_ptr<CsvReader>> Open(const std::string& path, CsvOptions options);
  // Reads from memory (tests and fuzzers).
  static std::unique_ptr<CsvReader> FromString(std::string data, CsvOptions options);
  ~CsvReader();
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  // Reads the next record into `rec`. kMalformed means the record was read to
  // its end but is broken (rec->error says why); reading can continue after
  // it. Empty lines are skipped and counted in blank_lines().
  ReadResult Next(CsvRecord* rec);

  uint64_t bytes_consumed() const { return consumed_; }
  // Input size when known (files), else 0.
  uint64_t total_bytes() const { return total_; }
  uint64_t blank_lines() const { return blank_lines_; }
  bool had_bom() const { return had_bom_; }
  // An I/O error met while reading, if any (reported once Next returns kEnd).
  const Status& io_status() const { return io_status_; }

 private:
  CsvReader(std::FILE* f, bool owns, std::string mem, CsvOptions options);
  bool Fill();
  int Get();   // next byte or -1
  int Peek();  // next byte without consuming, or -1
  // Moves the bytes from pos_ up to the first one `stop` marks (or the end of
  // the buffer) into `field`, keeping at most `limit` bytes in it; returns
  // false when the run was cut short by the limit.
  bool TakeRun(const std::array<bool, 256>& stop, std::string* field, size_t limit);

  std::FILE* file_ = nullptr;
  bool owns_file_ = false;
  CsvOptions options_;
  std::string buf_;
  size_t pos_ = 0;
  uint64_t consumed_ = 0;
  uint64_t total_ = 0;
  uint64_t line_ = 1;
  uint64_t blank_lines_ = 0;
  bool had_bom_ = false;
  bool started_ = false;
  bool eof_ = false;
  Status io_status_;
  // Bytes that end a run of plain bytes outside quotes (delimiter, quote,
  // line ends) and inside them (quote, newline).
  std::array<bool, 256> plain_stop_{};
  std::array<bool, 256> quoted_stop_{};
};

}  // namespace faultline

#endif  // FAULTLINE_COMMON_CSV_H_
