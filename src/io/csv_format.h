// The shared machinery of every CSV/TSV importer: header handling, column
// counts, encoding checks and row errors that name file, line and column.
// A format supplies a CsvFormat: which columns it needs and how one row maps
// to an Incident. Formats are stateless after construction; the row source
// is not thread-safe.
#ifndef FAULTLINE_IO_CSV_FORMAT_H_
#define FAULTLINE_IO_CSV_FORMAT_H_

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/csv.h"
#include "io/importer.h"

namespace faultline {

// A failure tied to one column of one row.
struct RowError {
  std::string column;
  std::string reason;
};

// Hash of a name looked up by string_view without a copy.
struct ColumnNameHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// Column name -> field index. Formats look columns up by name on every row
// with the same string literals, so a small memo keyed by the text's
// address comes before the hash map: a hit costs a short compare of the
// text (which it always makes, so any string_view is safe) instead of
// hashing it. Not thread-safe (the memo is filled by const look-ups).
class ColumnIndex {
 public:
  static constexpr size_t kNone = static_cast<size_t>(-1);
  void clear();
  void emplace(std::string name, size_t index);
  bool count(std::string_view name) const { return Find(name) != kNone; }
  // The index of column `name`, or kNone.
  size_t Find(std::string_view name) const;

 private:
  struct Memo {
    const char* text = nullptr;  // the address looked up
    std::string name;
    size_t index = kNone;
  };
  std::unordered_map<std::string, size_t, ColumnNameHash, std::equal_to<>> map_;
  mutable std::array<Memo, 64> memo_;
};

// Read access to one row by column name. Get returns "" for a column the
// header lacks; Has tells the two apart.
class RowView {
 public:
  RowView(const std::vector<std::string>& fields, const ColumnIndex& index) : fields_(fields), index_(index) {}
  bool Has(std::string_view column) const;
  std::string_view Get(std::string_view column) const;
  std::string_view At(size_t i) const { return i < fields_.size() ? std::string_view(fields_[i]) : ""; }
  size_t size() const { return fields_.size(); }

  // Typed reads that record the first failure in `error` and return nullopt.
  // An empty (or whitespace) field is nullopt without error.
  std::optional<int64_t> Int(std::string_view column, RowError* error) const;
  std::optional<double> Double(std::string_view column, RowError* error) const;

 private:
  const std::vector<std::string>& fields_;
  const ColumnIndex& index_;
};

enum class TextEncoding { kUtf8, kLatin1, kCp1252 };

// The encoding named `name` (one of ImportEncodings(), some spellings
// folded: "UTF8", "ISO-8859-1", "windows-1252"); nullopt when unknown.
std::optional<TextEncoding> ParseTextEncoding(std::string_view name);

// Windows-1252 to UTF-8. Returns the offset of the first byte that has no
// character in Windows-1252 (0x81, 0x8D, 0x8F, 0x90, 0x9D) instead, and
// leaves `out` unspecified then.
std::optional<size_t> Cp1252ToUtf8(std::string_view in, std::string* out);

class CsvFormat {
 public:
  virtual ~CsvFormat() = default;
  virtual std::string_view name() const = 0;
  virtual CsvOptions csv_options() const { return {}; }
  virtual TextEncoding encoding() const { return TextEncoding::kUtf8; }
  // Formats without a header line (GDELT) return their column names here.
  virtual std::vector<std::string> fixed_columns() const { return {}; }
  // Columns that must be present in the header.
  virtual std::vector<std::string> required_columns() const = 0;
  // Whether rows must have exactly as many fields as the header (true) or may
  // be shorter (false: missing trailing fields read as empty).
  virtual bool strict_column_count() const { return true; }
  // Maps one row. On failure returns the error (column + reason) and the row
  // is rejected; nothing is half-filled into the store.
  virtual std::optional<RowError> Map(const RowView& row, const ImportContext& ctx, Incident* out) const = 0;
};

// A RowSource over a CsvReader and a CsvFormat.
std::unique_ptr<RowSource> MakeCsvRowSource(std::unique_ptr<CsvFormat> format, std::unique_ptr<CsvReader> reader,
                                            const ImportContext& context);

// Helpers formats share.
// Country code from a name/code via the gazetteer (nullopt if unknown).
std::optional<std::string> CountryCode(const ImportContext& ctx, std::string_view name_or_code);
// Fills admin1/admin2/place (canonical names) and geo precision from loose
// text; keeps the text as given when the gazetteer does not know it.
void ResolvePlace(const ImportContext& ctx, std::string_view admin1, std::string_view admin2,
                  std::string_view place, Incident* out);
// Perpetrator: the dictionary's actor id when known, else the name as given.
std::string ResolveActor(const ImportContext& ctx, std::string_view name);
// The same with a format's own resolution rule, memoised per import.
std::string ResolveActorWith(const ImportContext& ctx, std::string_view name,
                             std::string (*resolve)(const ImportContext&, std::string_view));
// Latitude/longitude pair from two columns, range-checked; both empty = none.
std::optional<RowError> ReadCoordinates(const RowView& row, std::string_view lat_col, std::string_view lon_col,
                                        Incident* out);

}  // namespace faultline

#endif  // FAULTLINE_IO_CSV_FORMAT_H_
