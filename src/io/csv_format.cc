#include "io/csv_format.h"

#include <cctype>
#include <cmath>
#include <cstdio>

#include "model/incident_json.h"

#include "common/text.h"

namespace faultline {

void ColumnIndex::clear() {
  map_.clear();
  memo_ = {};
}

void ColumnIndex::emplace(std::string name, size_t index) {
  map_.emplace(std::move(name), index);
  memo_ = {};
}

size_t ColumnIndex::Find(std::string_view name) const {
  Memo& m = memo_[(reinterpret_cast<uintptr_t>(name.data()) >> 3) % memo_.size()];
  if (m.text == name.data() && m.name == name) return m.index;
  auto it = map_.find(name);
  m.text = name.data();
  m.name.assign(name);
  m.index = it == map_.end() ? kNone : it->second;
  return m.index;
}

bool RowView::Has(std::string_view column) const { return index_.Find(column) != ColumnIndex::kNone; }

std::string_view RowView::Get(std::string_view column) const {
  const size_t i = index_.Find(column);
  if (i == ColumnIndex::kNone || i >= fields_.size()) return {};
  return fields_[i];
}

std::optional<int64_t> RowView::Int(std::string_view column, RowError* error) const {
  std::string_view v = Trim(Get(column));
  if (v.empty()) return std::nullopt;
  auto r = ParseInt(v);
  if (!r.ok()) {
    if (error->reason.empty()) *error = {std::string(column), r.status().message()};
    return std::nullopt;
  }
  return *r;
}

std::optional<double> RowView::Double(std::string_view column, RowError* error) const {
  std::string_view v = Trim(Get(column));
  if (v.empty()) return std::nullopt;
  auto r = ParseDouble(v);
  if (!r.ok()) {
    if (error->reason.empty()) *error = {std::string(column), r.status().message()};
    return std::nullopt;
  }
  return *r;
}

// Memo of ResolvePlace / ResolveActor results for one import. Cleared when
// it reaches kMaxEntries, so memory stays bounded on any input.
class ResolveCache {
 public:
  static constexpr size_t kMaxEntries = 100000;
  struct PlaceResult {
    std::string admin1, admin2, place;
    GeoPrecision precision;
  };
  std::unordered_map<std::string, PlaceResult> places;
  std::unordered_map<std::string, std::string> actors;
  // CountryCode's answers by the text as given (Trim'd): a file names a
  // handful of countries, each folded once instead of once per row.
  std::unordered_map<std::string, std::optional<std::string>, ColumnNameHash, std::equal_to<>> countries;
  std::string key;  // scratch, reused
};

namespace {

// Windows-1252's characters for 0x80-0x9F (0: no character).
constexpr char16_t kCp1252High[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

}  // namespace

std::optional<TextEncoding> ParseTextEncoding(std::string_view name) {
  std::string folded;
  for (char c : name) {
    if (c != '-' && c != '_') folded += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (folded == "utf8") return TextEncoding::kUtf8;
  if (folded == "latin1" || folded == "iso88591") return TextEncoding::kLatin1;
  if (folded == "cp1252" || folded == "windows1252") return TextEncoding::kCp1252;
  return std::nullopt;
}

std::optional<size_t> Cp1252ToUtf8(std::string_view in, std::string* out) {
  out->clear();
  out->reserve(in.size() + in.size() / 8);
  for (size_t i = 0; i < in.size(); ++i) {
    const auto c = static_cast<unsigned char>(in[i]);
    uint32_t cp = c;
    if (c >= 0x80 && c < 0xA0) {
      cp = kCp1252High[c - 0x80];
      if (cp == 0) return i;
    }
    if (cp < 0x80) {
      *out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      *out += static_cast<char>(0xC0 | (cp >> 6));
      *out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      *out += static_cast<char>(0xE0 | (cp >> 12));
      *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      *out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  return std::nullopt;
}

namespace {

class CsvRowSource final : public RowSource {
 public:
  CsvRowSource(std::unique_ptr<CsvFormat> format, std::unique_ptr<CsvReader> reader, ImportContext ctx,
               TextEncoding encoding)
      : format_(std::move(format)), reader_(std::move(reader)), ctx_(std::move(ctx)), encoding_(encoding) {
    if (!ctx_.cache) ctx_.cache = std::make_shared<ResolveCache>();
    ReadHeader();
  }

  bool Next(ImportedRow* row) override {
    if (!fatal_.ok()) return false;
    for (;;) {
      auto res = reader_->Next(&rec_);
      if (res == CsvReader::ReadResult::kEnd) {
        if (!reader_->io_status().ok()) fatal_ = reader_->io_status().WithContext(ctx_.file_label);
        if (!saw_header_ && format_->fixed_columns().empty() && fatal_.ok()) {
          fatal_ = InvalidArgument(ctx_.file_label + ": the file is empty (no header line)");
        }
        return false;
      }
      if (!saw_header_) {  // header came after blank lines
        if (res == CsvReader::ReadResult::kMalformed) {
          fatal_ = InvalidArgument(ctx_.file_label + ":" + std::to_string(rec_.line) +
                                   ": header: " + rec_.error.message());
          return false;
        }
        TakeHeader();
        if (!fatal_.ok()) return false;
        continue;
      }
      Fill(res, row);
      return true;
    }
  }

  Status fatal() const override { return fatal_; }
  uint64_t bytes_consumed() const override { return reader_->bytes_consumed(); }
  uint64_t total_bytes() const override { return reader_->total_bytes(); }
  std::string_view format() const override { return format_->name(); }

 private:
  void ReadHeader() {
    auto fixed = format_->fixed_columns();
    if (!fixed.empty()) {
      columns_ = fixed;
      Index();
      saw_header_ = true;
    }
  }

  void TakeHeader() {
    saw_header_ = true;
    columns_.clear();
    for (auto& f : rec_.fields) {
      std::string name(Trim(f));
      if (encoding_ == TextEncoding::kLatin1) name = Latin1ToUtf8(name);
      if (encoding_ == TextEncoding::kCp1252) {
        std::string utf8;
        if (!Cp1252ToUtf8(name, &utf8)) name = std::move(utf8);  // a byte without a character stays as read
      }
      columns_.push_back(std::move(name));
    }
    Index();
    std::string missing;
    for (const auto& c : format_->required_columns()) {
      if (!index_.count(c)) missing += (missing.empty() ? "" : ", ") + c;
    }
    if (!missing.empty()) {
      fatal_ = InvalidArgument(ctx_.file_label + ":" + std::to_string(rec_.line) + ": header lacks column(s) " +
                               missing + " required by the " + std::string(format_->name()) + " format");
    }
  }

  void Index() {
    index_.clear();
    for (size_t i = 0; i < columns_.size(); ++i) index_.emplace(columns_[i], i);
  }

  void Reject(ImportedRow* row, std::string column, std::string reason) {
    row->kind = ImportedRow::Kind::kRejected;
    row->column = std::move(column);
    row->reason = std::move(reason);
  }

  void Fill(CsvReader::ReadResult res, ImportedRow* row) {
    row->line = rec_.line;
    // The row as read goes to raw_fields without a copy; the reader refills
    // the vector raw_fields held before (its strings keep their capacity).
    std::swap(row->raw_fields, rec_.fields);
    const std::vector<std::string>& raw = row->raw_fields;
    row->column.clear();
    row->reason.clear();
    if (res == CsvReader::ReadResult::kMalformed) {
      Reject(row, "", rec_.error.message());
      return;
    }
    if (format_->strict_column_count() && raw.size() != columns_.size()) {
      Reject(row, "", "expected " + std::to_string(columns_.size()) + " columns, found " +
                          std::to_string(raw.size()));
      return;
    }
    if (raw.size() > columns_.size()) {
      Reject(row, "", "expected at most " + std::to_string(columns_.size()) + " columns, found " +
                          std::to_string(raw.size()));
      return;
    }
    const std::vector<std::string>* fields = &raw;
    if (encoding_ != TextEncoding::kUtf8) {
      bool ascii = true;
      for (const std::string& f : raw) {
        for (unsigned char c : f) ascii &= c < 0x80;
      }
      if (!ascii) {  // rare: convert a copy, raw_fields stays the row as read
        converted_.resize(raw.size());
        for (size_t i = 0; i < raw.size(); ++i) {
          if (encoding_ == TextEncoding::kLatin1) {
            converted_[i] = Latin1ToUtf8(raw[i]);
          } else if (auto bad = Cp1252ToUtf8(raw[i], &converted_[i])) {
            char hex[8];
            std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(raw[i][*bad]));
            Reject(row, i < columns_.size() ? columns_[i] : "",
                   "byte " + std::string(hex) + " at byte " + std::to_string(*bad) +
                       " of the field is not a Windows-1252 character (is the file UTF-8 or Latin-1?)");
            return;
          }
        }
        fields = &converted_;
      }
    } else {
      for (size_t i = 0; i < raw.size(); ++i) {
        if (auto bad = FindInvalidUtf8(raw[i])) {
          Reject(row, i < columns_.size() ? columns_[i] : "",
                 "invalid UTF-8 at byte " + std::to_string(*bad) +
                     " of the field (if the file is Latin-1 or Windows-1252, pass --encoding latin1 or cp1252)");
          return;
        }
      }
    }
    RowView view(*fields, index_);
    row->incident = Incident{};
    auto err = format_->Map(view, ctx_, &row->incident);
    if (err) {
      Reject(row, err->column, err->reason);
      return;
    }
    row->kind = ImportedRow::Kind::kIncident;
    row->incident.provenance.importer = std::string(format_->name());
    row->incident.provenance.batch_id = ctx_.batch_id;
    row->incident.provenance.file = ctx_.file_label;
    row->incident.provenance.row = static_cast<int64_t>(rec_.line);
  }

  std::unique_ptr<CsvFormat> format_;
  std::unique_ptr<CsvReader> reader_;
  ImportContext ctx_;
  const TextEncoding encoding_;
  CsvRecord rec_;
  std::vector<std::string> converted_;  // a Latin-1 row converted to UTF-8
  std::vector<std::string> columns_;
  ColumnIndex index_;
  bool saw_header_ = false;
  Status fatal_;
};

}  // namespace

std::unique_ptr<RowSource> MakeCsvRowSource(std::unique_ptr<CsvFormat> format, std::unique_ptr<CsvReader> reader,
                                            const ImportContext& context) {
  const TextEncoding encoding =
      context.encoding.empty() ? format->encoding() : ParseTextEncoding(context.encoding).value_or(format->encoding());
  return std::make_unique<CsvRowSource>(std::move(format), std::move(reader), context, encoding);
}

std::optional<std::string> CountryCode(const ImportContext& ctx, std::string_view name_or_code) {
  std::string_view v = Trim(name_or_code);
  if (v.empty()) return std::nullopt;
  if (ctx.gazetteer != nullptr) {
    auto find = [&]() -> std::optional<std::string> {
      if (const Country* c = ctx.gazetteer->FindCountry(v)) return c->alpha2;
      return std::nullopt;
    };
    if (!ctx.cache) return find();
    auto& memo = ctx.cache->countries;
    if (auto it = memo.find(v); it != memo.end()) return it->second;
    if (memo.size() >= ResolveCache::kMaxEntries) memo.clear();
    return memo.emplace(std::string(v), find()).first->second;
  }
  // Without a gazetteer only an alpha-2 code can be taken as is.
  if (v.size() == 2 && std::isalpha(static_cast<unsigned char>(v[0])) && std::isalpha(static_cast<unsigned char>(v[1]))) {
    std::string code(v);
    for (char& c : code) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return code;
  }
  return std::nullopt;
}

void ResolvePlace(const ImportContext& ctx, std::string_view admin1, std::string_view admin2, std::string_view place,
                  Incident* out) {
  admin1 = Trim(admin1);
  admin2 = Trim(admin2);
  place = Trim(place);
  out->admin1 = std::string(admin1);
  out->admin2 = std::string(admin2);
  out->place = std::string(place);
  out->geo_precision = !place.empty() ? GeoPrecision::kNear
                       : !admin2.empty() ? GeoPrecision::kDistrict
                       : !admin1.empty() ? GeoPrecision::kProvince
                                         : GeoPrecision::kCountry;
  if (ctx.gazetteer == nullptr) return;
  ResolveCache* cache = ctx.cache.get();
  ResolveCache::PlaceResult* hit = nullptr;
  if (cache != nullptr) {
    std::string& k = cache->key;
    k.assign(out->country);
    for (std::string_view part : {admin1, admin2, place}) {
      k += '\x1f';
      k.append(part);
    }
    k += '\x1f';
    k += std::to_string(ctx.gazetteer->ValidityEra(out->date));
    auto it = cache->places.find(k);
    if (it == cache->places.end()) {
      if (cache->places.size() >= ResolveCache::kMaxEntries) cache->places.clear();
      PlaceMatch m = ctx.gazetteer->Resolve(out->country, admin1, admin2, place, out->date);
      ResolveCache::PlaceResult r{m.admin1 ? m.admin1->name : out->admin1, m.admin2 ? m.admin2->name : out->admin2,
                                  m.place ? m.place->name : out->place,
                                  m.precision != GeoPrecision::kCountry ? m.precision : out->geo_precision};
      it = cache->places.emplace(k, std::move(r)).first;
    }
    hit = &it->second;
    out->admin1 = hit->admin1;
    out->admin2 = hit->admin2;
    out->place = hit->place;
    out->geo_precision = hit->precision;
    return;
  }
  PlaceMatch m = ctx.gazetteer->Resolve(out->country, admin1, admin2, place, out->date);
  if (m.admin1 != nullptr) out->admin1 = m.admin1->name;
  if (m.admin2 != nullptr) out->admin2 = m.admin2->name;
  if (m.place != nullptr) out->place = m.place->name;
  if (m.precision != GeoPrecision::kCountry) out->geo_precision = m.precision;
}

namespace {
std::string DictionaryActor(const ImportContext& ctx, std::string_view name) {
  if (const Actor* a = ctx.actors->Find(name)) return a->id;
  return std::string(name);
}
}  // namespace

std::string ResolveActorWith(const ImportContext& ctx, std::string_view name,
                             std::string (*resolve)(const ImportContext&, std::string_view)) {
  std::string_view n = Trim(name);
  if (ctx.actors == nullptr || n.empty()) return std::string(n);
  if (!ctx.cache) return resolve(ctx, n);
  auto& actors = ctx.cache->actors;
  std::string& k = ctx.cache->key;
  k.assign(reinterpret_cast<const char*>(&resolve), sizeof resolve);  // one memo per rule
  k.append(n);
  auto it = actors.find(k);
  if (it != actors.end()) return it->second;
  if (actors.size() >= ResolveCache::kMaxEntries) actors.clear();
  return actors.emplace(k, resolve(ctx, n)).first->second;
}

std::string ResolveActor(const ImportContext& ctx, std::string_view name) {
  return ResolveActorWith(ctx, name, &DictionaryActor);
}

std::optional<RowError> ReadCoordinates(const RowView& row, std::string_view lat_col, std::string_view lon_col,
                                        Incident* out) {
  RowError err;
  auto lat = row.Double(lat_col, &err);
  auto lon = row.Double(lon_col, &err);
  if (!err.reason.empty()) return err;
  if (lat.has_value() != lon.has_value()) {
    return RowError{std::string(lat ? lon_col : lat_col), "latitude and longitude must both be given or both empty"};
  }
  if (lat && (*lat < -90 || *lat > 90)) {
    return RowError{std::string(lat_col), "latitude " + FormatCoordinate(*lat) + " is outside -90..90"};
  }
  if (lon && (*lon < -180 || *lon > 180)) {
    return RowError{std::string(lon_col), "longitude " + FormatCoordinate(*lon) + " is outside -180..180"};
  }
  out->lat = lat;
  out->lon = lon;
  return std::nullopt;
}

}  // namespace faultline
