#include "cli/table.h"

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>

#include "io/native_csv.h"

namespace faultline {

void PrintRows(const std::string& format, const std::vector<std::string>& header,
               const std::vector<std::vector<std::string>>& rows, const std::vector<bool>& numeric,
               const TableStyle& style) {
  using Json = nlohmann::ordered_json;
  if (format == "csv") {
    std::cout << CsvLine(header);
    for (const auto& r : rows) std::cout << CsvLine(r);
    return;
  }
  if (format == "json") {
    Json arr = Json::array();
    for (const auto& r : rows) {
      Json o;
      for (size_t i = 0; i < header.size(); ++i) {
        if (numeric[i] && !r[i].empty()) {
          if (style.real_numbers) {
            o[header[i]] = std::strtod(r[i].c_str(), nullptr);
          } else {
            o[header[i]] = std::strtoll(r[i].c_str(), nullptr, 10);
          }
        } else {
          o[header[i]] = r[i];
        }
      }
      arr.push_back(std::move(o));
    }
    std::cout << arr.dump(2, ' ', false, Json::error_handler_t::replace) << "\n";
    return;
  }
  const size_t max_cell = std::max<size_t>(style.max_cell, 1);
  std::vector<size_t> w(header.size());
  for (size_t i = 0; i < header.size(); ++i) w[i] = header[i].size();
  for (const auto& r : rows) {
    for (size_t i = 0; i < r.size(); ++i) w[i] = std::max(w[i], std::min<size_t>(r[i].size(), max_cell));
  }
  auto line = [&](const std::vector<std::string>& r) {
    for (size_t i = 0; i < r.size(); ++i) {
      std::string cell = r[i].size() > max_cell ? r[i].substr(0, max_cell - 1) + "~" : r[i];
      std::string pad(w[i] - std::min(w[i], cell.size()), ' ');
      std::cout << (i ? "  " : "") << (numeric[i] ? pad + cell : cell + (i + 1 < r.size() ? pad : ""));
    }
    std::cout << "\n";
  };
  line(header);
  std::vector<std::string> rule;
  for (size_t x : w) rule.emplace_back(x, '-');
  line(rule);
  for (const auto& r : rows) line(r);
}

}  // namespace faultline
