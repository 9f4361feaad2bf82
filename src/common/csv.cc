#include "common/csv.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace faultline {

namespace {
constexpr size_t kBlock = size_t{1} << 20;
}

Result<std::unique_ptr<CsvReader>> CsvReader::Open(const std::string& path, CsvOptions options) {
  if (path == "-") return std::unique_ptr<CsvReader>(new CsvReader(stdin, false, {}, options));
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return NotFound(path + ": " + std::strerror(errno));
  if (S_ISDIR(st.st_mode)) return InvalidArgument(path + ": is a directory, not a file");
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return IoError(path + ": " + std::strerror(errno));
  auto r = std::unique_ptr<CsvReader>(new CsvReader(f, true, {}, options));
  r->total_ = static_cast<uint64_t>(st.st_size);
  return r;
}

std::unique_ptr<CsvReader> CsvReader::FromString(std::string data, CsvOptions options) {
  auto r = std::unique_ptr<CsvReader>(new CsvReader(nullptr, false, std::move(data), options));
  r->total_ = r->buf_.size();
  return r;
}

CsvReader::CsvReader(std::FILE* f, bool owns, std::string mem, CsvOptions options)
    : file_(f), owns_file_(owns), options_(options), buf_(std::move(mem)) {
  if (file_ == nullptr) eof_ = true;  // memory input is already whole
  for (unsigned char c : {static_cast<unsigned char>(options_.delimiter), static_cast<unsigned char>('"'),
                          static_cast<unsigned char>('\n'), static_cast<unsigned char>('\r')}) {
    plain_stop_[c] = true;
  }
  quoted_stop_['"'] = true;
  quoted_stop_['\n'] = true;
}

bool CsvReader::TakeRun(const std::array<bool, 256>& stop, std::string* field, size_t limit) {
  const char* begin = buf_.data() + pos_;
  const char* end = buf_.data() + buf_.size();
  const char* p = begin;
  while (p < end && !stop[static_cast<unsigned char>(*p)]) ++p;
  const auto n = static_cast<size_t>(p - begin);
  pos_ += n;
  consumed_ += n;
  const size_t room = field->size() < limit ? limit - field->size() : 0;
  field->append(begin, std::min(n, room));
  return n <= room;
}

CsvReader::~CsvReader() {
  if (owns_file_ && file_ != nullptr) std::fclose(file_);
}

bool CsvReader::Fill() {
  if (eof_) return false;
  buf_.resize(kBlock);
  size_t n = std::fread(buf_.data(), 1, kBlock, file_);
  buf_.resize(n);
  pos_ = 0;
  if (n < kBlock) {
    if (std::ferror(file_)) io_status_ = IoError(std::string("read failed: ") + std::strerror(errno));
    eof_ = true;
  }
  return n > 0;
}

inline int CsvReader::Get() {
  if (pos_ >= buf_.size() && !Fill()) return -1;
  ++consumed_;
  return static_cast<unsigned char>(buf_[pos_++]);
}

inline int CsvReader::Peek() {
  if (pos_ >= buf_.size() && !Fill()) return -1;
  return static_cast<unsigned char>(buf_[pos_]);
}

CsvReader::ReadResult CsvReader::Next(CsvRecord* rec) {
  if (!started_) {
    started_ = true;
    if (Peek() == 0xEF && pos_ + 2 < buf_.size() && static_cast<unsigned char>(buf_[pos_ + 1]) == 0xBB &&
        static_cast<unsigned char>(buf_[pos_ + 2]) == 0xBF) {
      pos_ += 3;
      consumed_ += 3;
      had_bom_ = true;
    }
  }
  const char delim = options_.delimiter;
  const size_t limit = options_.max_field_bytes;
  for (;;) {
    size_t nfields = 0;
    auto& fields = rec->fields;
    auto new_field = [&]() -> std::string& {
      if (fields.size() <= nfields) fields.emplace_back();
      std::string& f = fields[nfields++];
      f.clear();
      return f;
    };
    rec->line = line_;
    rec->byte_offset = consumed_;
    rec->error = Status::Ok();
    int c = Peek();
    if (c < 0) {
      fields.clear();
      return ReadResult::kEnd;
    }
    if (c == '\n' || c == '\r') {  // empty line
      Get();
      if (c == '\r' && Peek() == '\n') Get();
      ++line_;
      ++blank_lines_;
      continue;
    }
    std::string* field = &new_field();
    bool too_long = false;
    size_t too_long_field = 0;
    uint64_t quote_line = 0;
    bool in_quotes = false;
    bool after_quote = false;  // just closed a quoted field
    for (;;) {
      // Bytes with no meaning here go to the field a run at a time; the
      // byte that ends the run is handled below.
      if (pos_ < buf_.size() && !(in_quotes ? quoted_stop_ : plain_stop_)[static_cast<unsigned char>(buf_[pos_])]) {
        if (!TakeRun(in_quotes ? quoted_stop_ : plain_stop_, field, limit) && !too_long) {
          too_long = true;
          too_long_field = nfields;
        }
        continue;
      }
      c = Get();
      if (c < 0) {
        if (in_quotes) {
          rec->error = InvalidArgument("line " + std::to_string(quote_line) + ": field " +
                                       std::to_string(nfields) +
                                       ": quoted field is never closed (unbalanced quote runs to end of input)");
        }
        break;
      }
      if (in_quotes) {
        if (c == '"') {
          if (Peek() == '"') {
            Get();
          } else {
            in_quotes = false;
            after_quote = true;
            continue;
          }
        } else if (c == '\n') {
          ++line_;
        }
        if (field->size() < limit) {
          field->push_back(static_cast<char>(c));
        } else if (!too_long) {
          too_long = true;
          too_long_field = nfields;
        }
        continue;
      }
      if (c == delim) {
        field = &new_field();
        after_quote = false;
        continue;
      }
      if (c == '\n' || c == '\r') {
        if (c == '\r' && Peek() == '\n') Get();
        ++line_;
        break;
      }
      if (c == '"' && options_.quoting && field->empty() && !after_quote) {
        in_quotes = true;
        quote_line = line_;
        continue;
      }
      // A stray quote inside an unquoted field, or text after a closing
      // quote, is kept literally: real files (PBC) do this.
      if (field->size() < limit) {
        field->push_back(static_cast<char>(c));
      } else if (!too_long) {
        too_long = true;
        too_long_field = nfields;
      }
    }
    fields.resize(nfields);
    if (rec->error.ok() && too_long) {
      rec->error = InvalidArgument("field " + std::to_string(too_long_field) + " is longer than the " +
                                   std::to_string(limit >> 20) + " MiB limit");
    }
    return rec->error.ok() ? ReadResult::kRecord : ReadResult::kMalformed;
  }
}

}  // namespace faultline
