#include "io/formats.h"

#include <algorithm>
#include <fstream>

#include "common/text.h"
#include "io/ndjson_source.h"

namespace faultline {
namespace {

struct FormatEntry {
  std::string_view name;
  std::unique_ptr<CsvFormat> (*make)();  // nullptr: not a CSV format
};

const FormatEntry kFormats[] = {
    {"acled", &MakeAcledFormat},        {"ucdp-ged", &MakeUcdpGedFormat}, {"gtd", &MakeGtdFormat},
    {"gdelt", &MakeGdeltFormat},        {"pbc-suicide", &MakePbcSuicideFormat},
    {"pbc-drone", &MakePbcDroneFormat}, {"csv", &MakeNativeCsvFormat}, {"ndjson", nullptr},
};

const FormatEntry* Find(std::string_view name) {
  for (const auto& f : kFormats) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

Status UnknownFormat(std::string_view name) {
  std::string list;
  for (const auto& f : kFormats) list += (list.empty() ? "" : ", ") + std::string(f.name);
  return InvalidArgument("unknown import format \"" + std::string(name) + "\" (one of: " + list + ")");
}

}  // namespace

const std::vector<std::string_view>& ImportEncodings() {
  static const std::vector<std::string_view> kNames = {"utf-8", "latin1", "cp1252"};
  return kNames;
}

namespace {

// An --encoding the format can take: a known name, and UTF-8 only for NDJSON.
Status CheckEncoding(const FormatEntry& f, const ImportContext& context) {
  if (context.encoding.empty()) return Status::Ok();
  auto e = ParseTextEncoding(context.encoding);
  if (!e) {
    return InvalidArgument("unknown encoding \"" + context.encoding + "\" (one of: utf-8, latin1, cp1252)");
  }
  if (f.make == nullptr && *e != TextEncoding::kUtf8) {
    return InvalidArgument("the " + std::string(f.name) + " format is UTF-8 only; convert the file with iconv");
  }
  return Status::Ok();
}

}  // namespace

const std::vector<std::string_view>& ImportFormats() {
  static const std::vector<std::string_view> kNames = [] {
    std::vector<std::string_view> v;
    for (const auto& f : kFormats) v.push_back(f.name);
    return v;
  }();
  return kNames;
}

Result<std::string> DetectFormat(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound(path + ": cannot open");
  std::string first;
  std::getline(in, first);
  if (first.rfind("\xEF\xBB\xBF", 0) == 0) first.erase(0, 3);
  auto has = [&](std::string_view col) { return first.find(col) != std::string::npos; };
  if (!first.empty() && first[0] == '{') return std::string("ndjson");
  if (has("event_id_cnty") && has("fatalities")) return std::string("acled");
  if (has("type_of_violence") && has("where_prec")) return std::string("ucdp-ged");
  if (has("eventid") && has("iyear") && has("nkill")) return std::string("gtd");
  if (has("Blast Day Type") || has("No. of Suicide Blasts")) return std::string("pbc-suicide");
  if (has("No of Strike") || has("Al-Qaeda")) return std::string("pbc-drone");
  if (has("source_key") && has("date_precision")) return std::string("csv");
  if (std::count(first.begin(), first.end(), '\t') >= 57) return std::string("gdelt");
  return InvalidArgument(path + ": cannot tell the format from its first line; pass --format (one of: acled, "
                         "ucdp-ged, gtd, gdelt, pbc-suicide, pbc-drone, csv, ndjson)");
}

Result<std::unique_ptr<RowSource>> OpenRowSource(std::string_view format, const std::string& path,
                                                 const ImportContext& context) {
  const FormatEntry* f = Find(format);
  if (f == nullptr) return UnknownFormat(format);
  RETURN_IF_ERROR(CheckEncoding(*f, context));
  if (f->make == nullptr) return OpenNdjsonSource(path, context);
  auto csv = f->make();
  ASSIGN_OR_RETURN(auto reader, CsvReader::Open(path, csv->csv_options()));
  return MakeCsvRowSource(std::move(csv), std::move(reader), context);
}

Result<std::unique_ptr<RowSource>> OpenRowSourceFromString(std::string_view format, std::string data,
                                                           const ImportContext& context) {
  const FormatEntry* f = Find(format);
  if (f == nullptr) return UnknownFormat(format);
  RETURN_IF_ERROR(CheckEncoding(*f, context));
  if (f->make == nullptr) return NdjsonSourceFromString(std::move(data), context);
  auto csv = f->make();
  auto reader = CsvReader::FromString(std::move(data), csv->csv_options());
  return MakeCsvRowSource(std::move(csv), std::move(reader), context);
}

}  // namespace faultline
