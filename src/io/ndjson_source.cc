#include "io/ndjson_source.h"

#include "common/csv.h"
#include "common/text.h"
#include "model/incident_json.h"

namespace faultline {
namespace {

// Lines are read with the CSV reader set to a delimiter and quote that never
// split a JSON line ('\0' delimiter, no quoting): one field per line.
CsvOptions LineOptions() {
  CsvOptions o;
  o.delimiter = '\0';
  o.quoting = false;
  return o;
}

class NdjsonSource final : public RowSource {
 public:
  NdjsonSource(std::unique_ptr<CsvReader> reader, ImportContext ctx) : reader_(std::move(reader)), ctx_(std::move(ctx)) {}

  bool Next(ImportedRow* row) override {
    auto res = reader_->Next(&rec_);
    if (res == CsvReader::ReadResult::kEnd) {
      if (!reader_->io_status().ok()) fatal_ = reader_->io_status().WithContext(ctx_.file_label);
      return false;
    }
    row->line = rec_.line;
    row->column.clear();
    row->reason.clear();
    std::string line;
    for (size_t i = 0; i < rec_.fields.size(); ++i) {
      if (i) line += '\0';
      line += rec_.fields[i];
    }
    row->raw_fields = {line};
    auto reject = [&](std::string column, std::string reason) {
      row->kind = ImportedRow::Kind::kRejected;
      row->column = std::move(column);
      row->reason = std::move(reason);
      return true;
    };
    if (res == CsvReader::ReadResult::kMalformed) return reject("", rec_.error.message());
    if (auto bad = FindInvalidUtf8(line)) return reject("", "invalid UTF-8 at byte " + std::to_string(*bad));
    auto inc = IncidentFromJson(line);
    if (!inc.ok()) {
      // Messages look like "field date: ..."; keep the field as the column.
      const std::string m = inc.status().message();
      std::string column;
      if (m.rfind("field ", 0) == 0) column = m.substr(6, m.find(':') - 6);
      return reject(column, m);
    }
    row->kind = ImportedRow::Kind::kIncident;
    row->incident = std::move(*inc);
    row->incident.id = 0;
    row->incident.version = 0;
    row->incident.provenance = {"ndjson", ctx_.batch_id, ctx_.file_label, static_cast<int64_t>(rec_.line)};
    return true;
  }

  Status fatal() const override { return fatal_; }
  uint64_t bytes_consumed() const override { return reader_->bytes_consumed(); }
  uint64_t total_bytes() const override { return reader_->total_bytes(); }
  std::string_view format() const override { return "ndjson"; }

 private:
  std::unique_ptr<CsvReader> reader_;
  ImportContext ctx_;
  CsvRecord rec_;
  Status fatal_;
};

}  // namespace

Result<std::unique_ptr<RowSource>> OpenNdjsonSource(const std::string& path, const ImportContext& context) {
  ASSIGN_OR_RETURN(auto reader, CsvReader::Open(path, LineOptions()));
  return std::unique_ptr<RowSource>(new NdjsonSource(std::move(reader), context));
}

std::unique_ptr<RowSource> NdjsonSourceFromString(std::string data, const ImportContext& context) {
  return std::make_unique<NdjsonSource>(CsvReader::FromString(std::move(data), LineOptions()), context);
}

}  // namespace faultline
