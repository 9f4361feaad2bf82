#include "store/columns.h"

#include <charconv>
#include <ctime>
#include <system_error>

#include "model/incident_json.h"

namespace faultline {

std::string IncidentSelectList(std::string_view prefix) {
  std::string s;
  s.reserve(1024);
  auto add = [&](std::string_view name) {
    if (!s.empty()) s += ", ";
    s += prefix;
    s += name;
  };
  add("id");
  add("version");
  for (auto c : kContentColumns) add(c);
  return s;
}

std::string FactsSelectList() {
  std::string s = "id, date_start, country, admin1, admin2, perpetrator, event_type, attack_type, target";
  for (size_t c = 0; c < kCasualtyCategories; ++c) (s += ", ") += KilledBestColumn(c);
  for (size_t c = 0; c < kCasualtyCategories; ++c) (s += ", ") += InjuredBestColumn(c);
  s += ", status, prov_importer, license";
  // low and high of each category: kContentColumns holds them around best.
  for (size_t side = 0; side < 2; ++side) {
    for (size_t c = 0; c < kCasualtyCategories; ++c) {
      const size_t best = 20 + side * 12 + c * 3;  // index of *_best in kContentColumns
      ((s += ", ") += kContentColumns[best - 1]) += ", ";
      s += kContentColumns[best + 1];
    }
  }
  return s;
}

std::string PhaseSelectList() {
  return "id, key, type, name, parties, country, date_start, date_end, source, notes";
}

std::string ClaimSelectList() {
  return "id, key, source, citation, standing, metric, category, filters, period, date_from, date_to, value, "
         "evidence, notes";
}

std::string JoinParties(const std::vector<std::string>& parties) {
  std::string s;
  for (const auto& p : parties) {
    if (!s.empty()) s += ';';
    s += p;
  }
  return s;
}

std::vector<std::string> SplitParties(std::string_view s) {
  std::vector<std::string> out;
  while (!s.empty()) {
    size_t semi = s.find(';');
    out.emplace_back(s.substr(0, semi));
    if (semi == std::string_view::npos) break;
    s.remove_prefix(semi + 1);
  }
  return out;
}

std::string ContentColumnList() {
  std::string s;
  for (auto c : kContentColumns) {
    if (!s.empty()) s += ", ";
    s += c;
  }
  return s;
}

std::string_view KilledBestColumn(size_t c) {
  static constexpr std::string_view kNames[] = {"killed_sf_best", "killed_civ_best", "killed_mil_best",
                                                "killed_unk_best"};
  return kNames[c];
}

std::string_view InjuredBestColumn(size_t c) {
  static constexpr std::string_view kNames[] = {"injured_sf_best", "injured_civ_best", "injured_mil_best",
                                                "injured_unk_best"};
  return kNames[c];
}

std::string HistoryJson(const Incident& incident) {
  if (incident.id == 0 && incident.version == 0) return IncidentToJson(incident);
  Incident copy = incident;
  copy.id = 0;
  copy.version = 0;
  return IncidentToJson(copy);
}

std::string HistoryJsonWithSources(const Incident& incident, std::string_view sources_json) {
  Incident copy = incident;
  copy.id = 0;
  copy.version = 0;
  return IncidentToJsonWithSources(copy, sources_json);
}

std::string SourcesSearchText(const std::vector<Source>& sources) {
  std::string text;
  auto add = [&](const std::string& v) {
    if (v.empty()) return;
    if (!text.empty()) text += ' ';
    text += v;
  };
  // Outlets, then headlines: the order of the PostgreSQL expression.
  for (const Source& s : sources) add(s.outlet);
  for (const Source& s : sources) add(s.headline);
  return text;
}

namespace {

// A strict reader of one JSON text, enough to walk a sources array: it
// skips any value and hands back plain strings (no escapes) as views.
class SourcesScanner {
 public:
  explicit SourcesScanner(std::string_view s) : s_(s) {}

  bool AtEnd() {
    SkipSpace();
    return i_ == s_.size();
  }
  bool Take(char c) {
    SkipSpace();
    if (i_ < s_.size() && s_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }
  // A string without escapes or control characters.
  bool PlainString(std::string_view* out) {
    bool escaped = false;
    SkipSpace();
    const size_t begin = i_ + 1;
    if (!String(&escaped) || escaped) return false;
    *out = s_.substr(begin, i_ - 1 - begin);
    return true;
  }
  bool SkipValue(int depth = 0) {
    if (depth > 64) return false;
    SkipSpace();
    if (i_ >= s_.size()) return false;
    const char c = s_[i_];
    if (c == '"') {
      bool escaped = false;
      return String(&escaped);
    }
    if (c == '{' || c == '[') {
      const char close = c == '{' ? '}' : ']';
      ++i_;
      if (Take(close)) return true;
      do {
        if (c == '{') {
          SkipSpace();
          bool escaped = false;
          if (i_ >= s_.size() || s_[i_] != '"' || !String(&escaped) || !Take(':')) return false;
        }
        if (!SkipValue(depth + 1)) return false;
      } while (Take(','));
      return Take(close);
    }
    return Literal();
  }

 private:
  void SkipSpace() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
  }
  // At an opening quote: moves past the closing one.
  bool String(bool* escaped) {
    SkipSpace();
    if (i_ >= s_.size() || s_[i_] != '"') return false;
    for (++i_; i_ < s_.size(); ++i_) {
      const unsigned char c = static_cast<unsigned char>(s_[i_]);
      if (c == '"') {
        ++i_;
        return true;
      }
      if (c < 0x20) return false;
      if (c == '\\') {
        *escaped = true;
        ++i_;  // the escaped character (a \u's hex digits are plain)
      }
    }
    return false;
  }
  // true, false, null or a number as JSON writes one.
  bool Literal() {
    const size_t begin = i_;
    while (i_ < s_.size() && std::string_view(",]} \t\n\r").find(s_[i_]) == std::string_view::npos) ++i_;
    const std::string_view word = s_.substr(begin, i_ - begin);
    if (word == "true" || word == "false" || word == "null") return true;
    if (word.empty() || word.front() == '+' || word.front() == '.') return false;
    double v;
    auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), v);
    return ec == std::errc() && end == word.data() + word.size();
  }

  std::string_view s_;
  size_t i_ = 0;
};

}  // namespace

bool SourcesSearchWords(std::string_view sources_json, std::string* outlets, std::string* headlines) {
  outlets->clear();
  headlines->clear();
  auto add = [](std::string* text, std::string_view v) {
    if (v.empty()) return;
    if (!text->empty()) *text += ' ';
    *text += v;
  };
  SourcesScanner j(sources_json);
  if (!j.Take('[')) return false;
  if (!j.Take(']')) {
    do {
      if (!j.Take('{')) return false;
      bool have_outlet = false, have_headline = false;
      if (!j.Take('}')) {
        do {
          std::string_view key;
          if (!j.PlainString(&key) || !j.Take(':')) return false;
          if (key == "outlet" || key == "headline") {
            bool& have = key == "outlet" ? have_outlet : have_headline;
            std::string_view value;
            if (have || !j.PlainString(&value)) return false;
            have = true;
            add(key == "outlet" ? outlets : headlines, value);
          } else if (!j.SkipValue()) {
            return false;
          }
        } while (j.Take(','));
        if (!j.Take('}')) return false;
      }
    } while (j.Take(','));
    if (!j.Take(']')) return false;
  }
  return j.AtEnd();
}

std::string NowUtc() {
  std::time_t t = std::time(nullptr);
  // Formatted once a second: every write stamps its row.
  thread_local std::time_t last = -1;
  thread_local std::string last_text;
  if (t == last) return last_text;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  last = t;
  last_text.assign(buf, n);
  return last_text;
}

namespace columns_internal {

Status BadColumn(int64_t id, std::string_view column, const Status& why) {
  return DataLoss("incident " + std::to_string(id) + ": column " + std::string(column) +
                  ": stored value cannot be read: " + why.message());
}

Result<std::vector<Source>> ParseSources(std::string_view json) { return SourcesFromJson(json); }

Result<Incident> ParseHistory(std::string_view json, int64_t id, int32_t version) {
  auto inc = IncidentFromJson(json);
  if (!inc.ok()) {
    return DataLoss("incident " + std::to_string(id) + " version " + std::to_string(version) +
                    ": stored history cannot be read: " + inc.status().message());
  }
  return inc;
}

Result<uint8_t> ParsePrecision(std::string_view s) {
  auto p = ParseDatePrecision(s);
  if (!p.ok()) return p.status();
  return static_cast<uint8_t>(*p);
}

}  // namespace columns_internal
}  // namespace faultline
