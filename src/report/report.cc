#include "report/report.h"

#include <cairo-pdf.h>
#include <cairo.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <queue>
#include <unordered_map>

#include "common/date.h"
#include "gazetteer/gazetteer.h"

namespace faultline::report {
namespace {

// Chart sizes in points (PDF) and CSS pixels (HTML, PNG).
constexpr int kTrendW = 515, kTrendH = 220, kMapW = 515, kMapH = 400;

std::string Pretty(std::string_view name) {
  std::string s(name);
  std::replace(s.begin(), s.end(), '_', ' ');
  return s;
}

std::string Day(int32_t d) { return CivilDate(d).ToString(); }

// "+12%" / "-3%" / "" against the previous period.
std::string Change(int64_t now, int64_t before) {
  if (before <= 0) return "";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%+.0f%%", 100.0 * static_cast<double>(now - before) / static_cast<double>(before));
  return buf;
}

const std::vector<Measure>& Measures3() {
  static const std::vector<Measure> m = {Measure::Incidents(), Measure::Killed(), Measure::Injured()};
  return m;
}

// Rows sorted by incidents, then killed; the tail past `keep` summed as "other".
std::vector<ReportRow> Rows(const StatsTable& t, size_t keep, const std::function<std::string(const std::string&)>& name) {
  std::vector<ReportRow> rows;
  for (size_t i = 0; i < t.keys.size(); ++i) {
    rows.push_back({name(t.keys[i][0]), t.values[i][0], t.values[i][1], t.values[i][2]});
  }
  std::stable_sort(rows.begin(), rows.end(), [](const ReportRow& a, const ReportRow& b) {
    return a.incidents != b.incidents ? a.incidents > b.incidents : a.killed > b.killed;
  });
  if (rows.size() > keep + 1) {
    ReportRow other{"(" + std::to_string(rows.size() - keep) + " others)"};
    for (size_t i = keep; i < rows.size(); ++i) {
      other.incidents += rows[i].incidents;
      other.killed += rows[i].killed;
      other.injured += rows[i].injured;
    }
    rows.resize(keep);
    rows.push_back(other);
  }
  return rows;
}

std::string HtmlEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string MdEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += "\\|";
    else if (c == '\n') out += ' ';
    else out += c;
  }
  return out;
}

std::string Period(const ReportData& r) { return Day(r.from) + " to " + Day(r.to); }

std::string GeneratedAt() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
  return buf;
}

// The report's sections as plain tables, shared by the three formats.
struct Table {
  std::string title;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<bool> numeric;
};

Table Breakdown(const std::string& title, const std::string& what, const std::vector<ReportRow>& rows,
                const ReportRow& total) {
  Table t{title, {what, "incidents", "share", "killed", "injured"}, {}, {false, true, true, true, true}};
  for (const auto& r : rows) {
    char share[16];
    std::snprintf(share, sizeof share, "%.0f%%",
                  total.incidents > 0 ? 100.0 * static_cast<double>(r.incidents) / static_cast<double>(total.incidents)
                                      : 0.0);
    t.rows.push_back({r.name, std::to_string(r.incidents), share, std::to_string(r.killed), std::to_string(r.injured)});
  }
  return t;
}

std::vector<Table> Tables(const ReportData& r) {
  std::vector<Table> out;
  out.push_back(Breakdown("By province", "province", r.by_admin1, r.total));
  out.push_back(Breakdown("By group", "group", r.by_perpetrator, r.total));
  out.push_back(Breakdown("By target", "target", r.by_target, r.total));
  out.push_back(Breakdown("By attack type", "attack type", r.by_attack_type, r.total));
  Table largest{"Largest incidents", {"date", "place", "attack", "group", "target", "killed", "injured"}, {},
                {false, false, false, false, false, true, true}};
  for (const auto& i : r.largest) {
    largest.rows.push_back({Day(i.date), i.place, i.attack_type, i.perpetrator, i.target, std::to_string(i.killed),
                            std::to_string(i.injured)});
  }
  out.push_back(std::move(largest));
  Table phases{"Phases in the period", {"phase", "type", "from", "to", "source"}, {}, {false, false, false, false, false}};
  for (const auto& p : r.phases) {
    phases.rows.push_back({p.name, std::string(Name(p.type)), Day(p.start), p.end ? Day(*p.end) : "(open)", p.source});
  }
  out.push_back(std::move(phases));
  Table sources{"Data sources and licences",
                {"importer", "incidents", "first", "last", "licence", "attribution"}, {},
                {false, true, false, false, false, false}};
  for (const auto& s : r.sources) {
    sources.rows.push_back({s.importer, std::to_string(s.incidents), Day(s.first), Day(s.last),
                            s.license_name.empty() ? s.license : s.license_name + " (" + s.license + ")",
                            s.attribution});
  }
  out.push_back(std::move(sources));
  return out;
}

std::vector<std::pair<std::string, std::string>> Headline(const ReportData& r) {
  auto fig = [&](int64_t now, int64_t before) {
    std::string s = std::to_string(now);
    if (std::string c = Change(now, before); !c.empty()) s += " (" + c + " on the previous period: " + std::to_string(before) + ")";
    return s;
  };
  std::vector<std::pair<std::string, std::string>> out = {
      {"Incidents", fig(r.total.incidents, r.previous.incidents)},
      {"Killed", fig(r.total.killed, r.previous.killed)},
      {"Injured", fig(r.total.injured, r.previous.injured)},
  };
  static const char* kCategory[4] = {"security forces", "civilians", "militants", "unknown"};
  std::string split;
  for (int c = 0; c < 4; ++c) {
    split += (c ? ", " : "") + std::string(kCategory[c]) + " " + std::to_string(r.killed_by_category[c]);
  }
  out.emplace_back("Killed by category", split);
  return out;
}

const char* kMethod =
    "Counts are of incidents in the database whose status is candidate or confirmed and whose date falls in the "
    "period, with the filters above; killed and injured are best estimates summed. Groups are counted under their "
    "parent group (factions rolled up). The previous period is the one of the same length just before. Published "
    "figures differ by source and definition: see `faultline claims check`.";

// The longest prefix of `s` that is whole UTF-8 characters.
// (cairo refuses invalid UTF-8: it would end the document with an error.)
std::string ValidUtf8Prefix(const std::string& s) {
  size_t i = 0, ok = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) break;
    i += n;
    ok = i;
  }
  return s.substr(0, ok);
}

// ---- PDF -----------------------------------------------------------------------

// A top-to-bottom page layout on an A4 cairo PDF surface.
class PdfLayout {
 public:
  explicit PdfLayout(cairo_t* cr) : cr_(cr) {}
  void Font(double size, bool bold = false) {
    cairo_select_font_face(cr_, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr_, size);
    size_ = size;
  }
  void Need(double h) {
    if (y_ + h > kBottom) {
      cairo_show_page(cr_);
      y_ = kTop;
    }
  }
  double Width(const std::string& s) {
    cairo_text_extents_t e;
    cairo_text_extents(cr_, s.c_str(), &e);
    return e.x_advance;
  }
  // Wrapped text at the current font.
  void Paragraph(const std::string& s, double gap = 4) {
    std::string line, word;
    auto flush = [&] {
      Need(size_ * 1.3);
      y_ += size_ * 1.3;
      cairo_move_to(cr_, kLeft, y_);
      cairo_show_text(cr_, line.c_str());
      line.clear();
    };
    for (size_t i = 0; i <= s.size(); ++i) {
      if (i == s.size() || s[i] == ' ') {
        std::string candidate = line.empty() ? word : line + " " + word;
        if (!line.empty() && Width(candidate) > kWidth) {
          flush();
          line = word;
        } else {
          line = candidate;
        }
        word.clear();
      } else {
        word += s[i];
      }
    }
    if (!line.empty()) flush();
    y_ += gap;
  }
  void Heading(const std::string& s) {
    Need(40);
    y_ += 10;
    cairo_set_source_rgb(cr_, 0.1, 0.2, 0.4);
    Font(13, true);
    Paragraph(s, 4);
    cairo_set_source_rgb(cr_, 0, 0, 0);
  }
  void Chart(double w, double h, const std::function<void(cairo_t*, Box)>& draw) {
    Need(h + 6);
    draw(cr_, Box{kLeft, y_ + 3, w, h});
    y_ += h + 8;
  }
  void Grid(const Table& t) {
    if (t.rows.empty()) {
      Font(8);
      Paragraph("(none)");
      return;
    }
    Font(7.5);
    // Column widths from content, capped, scaled to the page.
    std::vector<double> w(t.header.size(), 0);
    auto cell = [&](const std::string& s) { return s.size() > 60 ? s.substr(0, 59) + "…" : s; };
    Font(7.5, true);
    for (size_t i = 0; i < t.header.size(); ++i) w[i] = Width(t.header[i]) + 8;
    Font(7.5);
    for (const auto& r : t.rows) {
      for (size_t i = 0; i < r.size() && i < w.size(); ++i) w[i] = std::max(w[i], Width(cell(r[i])) + 8);
    }
    double total = 0;
    for (double x : w) total += x;
    if (total > kWidth) {
      // Narrow columns keep their width; the wide ones share what is left
      // in proportion to what they lack.
      const double fair = kWidth / static_cast<double>(w.size());
      double base = 0, excess = 0;
      for (double x : w) {
        base += std::min(x, fair);
        excess += std::max(0.0, x - fair);
      }
      for (double& x : w) x = std::min(x, fair) + (excess > 0 ? std::max(0.0, x - fair) * (kWidth - base) / excess : 0);
      total = kWidth;
    }
    const double row_h = 11;
    auto draw_row = [&](const std::vector<std::string>& r, bool head, bool shade) {
      Need(row_h);
      if (shade) {
        cairo_set_source_rgb(cr_, head ? 0.86 : 0.95, head ? 0.9 : 0.96, head ? 0.96 : 0.98);
        cairo_rectangle(cr_, kLeft, y_, std::min(total, kWidth), row_h);
        cairo_fill(cr_);
      }
      cairo_set_source_rgb(cr_, 0, 0, 0);
      Font(7.5, head);
      double x = kLeft;
      for (size_t i = 0; i < r.size() && i < w.size(); ++i) {
        std::string s = cell(r[i]);
        while (s.size() > 1 && Width(s) > w[i] - 6) s = ValidUtf8Prefix(s.substr(0, s.size() - 1));  // clip
        const double tx = t.numeric[i] && !head ? x + w[i] - 4 - Width(s) : x + 3;
        cairo_move_to(cr_, tx, y_ + 8);
        cairo_show_text(cr_, s.c_str());
        x += w[i];
      }
      y_ += row_h;
    };
    draw_row(t.header, true, true);
    for (size_t i = 0; i < t.rows.size(); ++i) draw_row(t.rows[i], false, i % 2 == 1);
    y_ += 6;
  }
  double y() const { return y_; }

 private:
  static constexpr double kLeft = 40, kWidth = 515, kTop = 40, kBottom = 800;
  cairo_t* cr_;
  double y_ = kTop;
  double size_ = 10;
};

Status WritePdf(const ReportData& r, const std::string& path) {
  cairo_surface_t* surface = cairo_pdf_surface_create(path.c_str(), 595, 842);
  if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
    cairo_surface_destroy(surface);
    return IoError(path + ": cannot write the PDF");
  }
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, r.options.title.c_str());
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, r.options.generated_by.c_str());
  cairo_t* cr = cairo_create(surface);
  PdfLayout page(cr);
  cairo_set_source_rgb(cr, 0.1, 0.2, 0.4);
  page.Font(20, true);
  page.Paragraph(r.options.title, 2);
  cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
  page.Font(10);
  page.Paragraph(Period(r) + (r.options.filters_text.empty() ? "" : " — " + r.options.filters_text), 2);
  page.Font(8);
  page.Paragraph("Generated by " + r.options.generated_by + " on " + GeneratedAt(), 6);
  page.Heading("Headline figures");
  for (const auto& [k, v] : Headline(r)) {
    page.Font(10, true);
    page.Paragraph(k + ": " + v, 1);
  }
  page.Need(kTrendH + 40);  // keep each heading with its chart
  page.Heading("Monthly trend");
  page.Chart(kTrendW, kTrendH, [&](cairo_t* c, Box b) { DrawTrend(c, b, r.trend); });
  page.Need(kMapH + 40);
  page.Heading("Map of incidents");
  page.Chart(kMapW, kMapH, [&](cairo_t* c, Box b) { DrawMap(c, b, r.map); });
  if (r.unmapped > 0) {
    page.Font(8);
    page.Paragraph(std::to_string(r.unmapped) + " incidents without coordinates are not on the map.");
  }
  for (Table t : Tables(r)) {
    for (auto& row : t.rows) {
      for (auto& cell : row) cell = ValidUtf8Prefix(cell);
    }
    page.Heading(t.title);
    page.Grid(t);
  }
  page.Heading("Method");
  page.Font(8.5);
  page.Paragraph(kMethod);
  cairo_show_page(cr);
  cairo_destroy(cr);
  cairo_surface_finish(surface);
  cairo_status_t st = cairo_surface_status(surface);
  cairo_surface_destroy(surface);
  if (st != CAIRO_STATUS_SUCCESS) return IoError(path + ": cairo: " + cairo_status_to_string(st));
  return Status::Ok();
}

Status WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return IoError(path + ": cannot write");
  out << bytes;
  out.close();
  if (!out) return IoError(path + ": write failed");
  return Status::Ok();
}

}  // namespace

Result<ReportFormat> ParseReportFormat(std::string_view s) {
  if (s == "html") return ReportFormat::kHtml;
  if (s == "pdf") return ReportFormat::kPdf;
  if (s == "md" || s == "markdown") return ReportFormat::kMarkdown;
  return InvalidArgument("--format: \"" + std::string(s) + "\" is not one of html, pdf, md");
}

Result<ReportData> BuildReport(Store* store, const Cube& cube, const Filter& filter, const ReportOptions& options) {
  if (!filter.date_from || !filter.date_to) return InvalidArgument("report: needs --from and --to");
  ReportData r;
  r.options = options;
  r.from = *filter.date_from;
  r.to = *filter.date_to;
  ASSIGN_OR_RETURN(auto q, cube.Compile(filter, store));
  std::vector<Measure> head = Measures3();
  for (int c = 0; c < 4; ++c) head.push_back(Measure{Measure::Of::kKilled, static_cast<int8_t>(c), Measure::Bound::kBest});
  ASSIGN_OR_RETURN(StatsTable total, cube.GroupBy(*q, {}, head));
  r.total = {"total", total.totals[0], total.totals[1], total.totals[2]};
  for (int c = 0; c < 4; ++c) r.killed_by_category[c] = total.totals[3 + static_cast<size_t>(c)];
  Filter before = filter;
  const int32_t len = r.to - r.from + 1;
  before.date_from = r.from - len;
  before.date_to = r.from - 1;
  ASSIGN_OR_RETURN(auto qb, cube.Compile(before, store));
  ASSIGN_OR_RETURN(StatsTable prev, cube.GroupBy(*qb, {}, Measures3()));
  r.previous = {"previous", prev.totals[0], prev.totals[1], prev.totals[2]};

  const ActorDictionary* actors = nullptr;
  if (auto a = ActorDictionary::Default(); a.ok()) actors = *a;
  auto same = [](const std::string& k) { return k.empty() ? std::string("(unknown)") : k; };
  ASSIGN_OR_RETURN(StatsTable t1, cube.GroupBy(*q, {Dimension::kAdmin1}, Measures3()));
  r.by_admin1 = Rows(t1, options.rows, same);
  ASSIGN_OR_RETURN(StatsTable t2, cube.GroupBy(*q, {Dimension::kPerpetrator}, Measures3(), {.roll_up = true}));
  r.by_perpetrator = Rows(t2, options.rows, [&](const std::string& k) -> std::string {
    if (k.empty()) return "(unattributed)";
    const Actor* a = actors ? actors->FindById(k) : nullptr;
    return a && a->name != k ? a->name + " (" + k + ")" : k;
  });
  auto pretty = [](const std::string& k) { return Pretty(k); };
  ASSIGN_OR_RETURN(StatsTable t3, cube.GroupBy(*q, {Dimension::kTarget}, Measures3()));
  r.by_target = Rows(t3, options.rows, pretty);
  ASSIGN_OR_RETURN(StatsTable t4, cube.GroupBy(*q, {Dimension::kAttackType}, Measures3()));
  r.by_attack_type = Rows(t4, options.rows, pretty);

  ASSIGN_OR_RETURN(Series inc, cube.SeriesOf(*q, Period::kMonth, Measure::Incidents(), r.from, r.to));
  ASSIGN_OR_RETURN(Series killed, cube.SeriesOf(*q, Period::kMonth, Measure::Killed(), r.from, r.to));
  for (size_t i = 0; i < inc.values.size(); ++i) r.trend.labels.push_back(inc.Label(i));
  r.trend.bars = inc.values;
  r.trend.line = killed.values;
  for (const Phase& p : cube.phases()) {
    if (p.start > r.to || (p.end && *p.end < r.from)) continue;
    r.phases.push_back(p);
    const int32_t a = std::max(p.start, r.from), b = std::min(p.end.value_or(r.to), r.to);
    r.trend.spans.push_back({static_cast<size_t>(PeriodOf(Period::kMonth, a) - inc.first),
                             static_cast<size_t>(PeriodOf(Period::kMonth, b) - inc.first), p.name});
  }

  // One scan for what the cube does not hold: coordinates, places, licences.
  // Points are merged on a 0.05° grid (about 5 km) so that a million
  // incidents make a map of a few thousand circles.
  std::map<std::pair<int64_t, int64_t>, IncidentMap::Point> cells;
  auto worse = [](const ReportIncident& a, const ReportIncident& b) {
    return a.killed != b.killed ? a.killed > b.killed : a.injured != b.injured ? a.injured > b.injured : a.id < b.id;
  };
  std::priority_queue<ReportIncident, std::vector<ReportIncident>, decltype(worse)> top(worse);
  std::unordered_map<std::string, std::map<std::string, int64_t>> licenses;  // importer -> licence -> rows
  RETURN_IF_ERROR(store->Scan(filter, [&](const Incident& i) {
    const int64_t k = i.casualties.TotalKilled(), w = i.casualties.TotalInjured();
    if (i.lat && i.lon) {
      auto key = std::make_pair(std::llround(*i.lat * 20), std::llround(*i.lon * 20));
      auto [it, fresh] = cells.try_emplace(key, IncidentMap::Point{*i.lat, *i.lon, 0});
      it->second.weight += k + w;
    } else {
      ++r.unmapped;
    }
    ++licenses[i.provenance.importer][i.license];
    if (options.largest > 0) {
      ReportIncident ri;
      ri.id = i.id;
      ri.killed = k;
      ri.injured = w;
      if (top.size() < options.largest || worse(ri, top.top())) {
        ri.date = i.date;
        ri.place = !i.place.empty() ? i.place : !i.admin2.empty() ? i.admin2 : i.admin1;
        if (!i.admin1.empty() && ri.place != i.admin1) ri.place += ", " + i.admin1;
        ri.attack_type = Pretty(Name(i.attack_type));
        ri.perpetrator = i.perpetrator.empty() ? "(unattributed)" : i.perpetrator;
        ri.target = Pretty(Name(i.target));
        top.push(std::move(ri));
        if (top.size() > options.largest) top.pop();
      }
    }
    return Status::Ok();
  }));
  for (auto& [key, p] : cells) r.map.points.push_back(p);
  while (!top.empty()) {
    r.largest.push_back(top.top());
    top.pop();
  }
  std::reverse(r.largest.begin(), r.largest.end());
  if (auto gz = Gazetteer::Default(); gz.ok()) {
    for (const AdminUnit& u : (*gz)->units()) {
      if (u.lat && u.lon && (u.level == 1 || u.level == 2)) r.map.units.push_back({*u.lat, *u.lon, u.name, u.level});
    }
  }
  for (const Cube::SourceSpan& s : cube.Coverage(*q)) {
    ReportSource src{s.importer, s.incidents, s.first, s.last, "", "", ""};
    const auto& by = licenses[s.importer];
    for (const auto& [tag, n] : by) {
      src.license += (src.license.empty() ? "" : ", ") + tag;
      if (const LicenseInfo* info = FindLicense(tag); info != nullptr) {
        src.license_name += (src.license_name.empty() ? "" : ", ") + std::string(info->name);
        if (!info->attribution.empty()) {
          src.attribution += (src.attribution.empty() ? "" : " ") + std::string(info->attribution);
        }
      }
    }
    r.sources.push_back(std::move(src));
  }
  return r;
}

std::string RenderMarkdown(const ReportData& r, const std::string& trend_png, const std::string& map_png) {
  std::string md = "# " + MdEscape(r.options.title) + "\n\n";
  md += "**Period:** " + Period(r) + "  \n";
  if (!r.options.filters_text.empty()) md += "**Filters:** " + MdEscape(r.options.filters_text) + "  \n";
  md += "Generated by " + r.options.generated_by + " on " + GeneratedAt() + ".\n\n## Headline figures\n\n";
  for (const auto& [k, v] : Headline(r)) md += "- **" + k + ":** " + v + "\n";
  md += "\n## Monthly trend\n\n![Incidents and killed per month](" + trend_png + ")\n\n";
  md += "| month | incidents | killed |\n|---|---:|---:|\n";
  for (size_t i = 0; i < r.trend.labels.size(); ++i) {
    md += "| " + r.trend.labels[i] + " | " + std::to_string(r.trend.bars[i]) + " | " + std::to_string(r.trend.line[i]) +
          " |\n";
  }
  md += "\n## Map of incidents\n\n![Map of incidents](" + map_png + ")\n\n";
  if (r.unmapped > 0) md += std::to_string(r.unmapped) + " incidents without coordinates are not on the map.\n\n";
  for (const Table& t : Tables(r)) {
    md += "## " + t.title + "\n\n";
    if (t.rows.empty()) {
      md += "(none)\n\n";
      continue;
    }
    md += "|";
    for (const auto& h : t.header) md += " " + h + " |";
    md += "\n|";
    for (bool n : t.numeric) md += n ? "---:|" : "---|";
    md += "\n";
    for (const auto& row : t.rows) {
      md += "|";
      for (const auto& c : row) md += " " + MdEscape(c) + " |";
      md += "\n";
    }
    md += "\n";
  }
  md += "## Method\n\n" + std::string(kMethod) + "\n";
  return md;
}

Result<std::string> RenderHtml(const ReportData& r) {
  ASSIGN_OR_RETURN(std::string trend, RenderSvg(kTrendW, kTrendH, [&](cairo_t* cr) {
                     DrawTrend(cr, Box{0, 0, kTrendW, kTrendH}, r.trend);
                   }));
  ASSIGN_OR_RETURN(std::string map, RenderSvg(kMapW, kMapH, [&](cairo_t* cr) {
                     DrawMap(cr, Box{0, 0, kMapW, kMapH}, r.map);
                   }));
  std::string h = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" +
                  HtmlEscape(r.options.title) + "</title>\n";
  h += "<style>\nbody{font-family:'DejaVu Sans',sans-serif;max-width:56em;margin:2em auto;color:#222;padding:0 1em}"
       "h1{color:#1a3366;margin-bottom:.2em}h2{color:#1a3366;border-bottom:1px solid #ccd;margin-top:1.6em}"
       "table{border-collapse:collapse;font-size:.85em;margin:.5em 0}th,td{padding:.2em .6em;border-bottom:1px "
       "solid #e4e4ee;text-align:left}td.n,th.n{text-align:right}th{background:#dde6f4}"
       ".fig{font-size:1.1em}.muted{color:#666;font-size:.85em}svg{max-width:100%;height:auto}\n</style>\n"
       "</head>\n<body>\n";
  h += "<h1>" + HtmlEscape(r.options.title) + "</h1>\n<p><strong>" + Period(r) + "</strong>";
  if (!r.options.filters_text.empty()) h += " — " + HtmlEscape(r.options.filters_text);
  h += "</p>\n<p class=\"muted\">Generated by " + HtmlEscape(r.options.generated_by) + " on " + GeneratedAt() +
       "</p>\n<h2>Headline figures</h2>\n<ul>\n";
  for (const auto& [k, v] : Headline(r)) h += "<li class=\"fig\"><strong>" + k + ":</strong> " + HtmlEscape(v) + "</li>\n";
  h += "</ul>\n<h2>Monthly trend</h2>\n<figure>\n" + trend + "\n</figure>\n<h2>Map of incidents</h2>\n<figure>\n" + map +
       "\n</figure>\n";
  if (r.unmapped > 0) {
    h += "<p class=\"muted\">" + std::to_string(r.unmapped) + " incidents without coordinates are not on the map.</p>\n";
  }
  for (const Table& t : Tables(r)) {
    h += "<h2>" + HtmlEscape(t.title) + "</h2>\n";
    if (t.rows.empty()) {
      h += "<p>(none)</p>\n";
      continue;
    }
    h += "<table>\n<tr>";
    for (size_t i = 0; i < t.header.size(); ++i) {
      h += std::string(t.numeric[i] ? "<th class=\"n\">" : "<th>") + HtmlEscape(t.header[i]) + "</th>";
    }
    h += "</tr>\n";
    for (const auto& row : t.rows) {
      h += "<tr>";
      for (size_t i = 0; i < row.size(); ++i) {
        h += std::string(t.numeric[i] ? "<td class=\"n\">" : "<td>") + HtmlEscape(row[i]) + "</td>";
      }
      h += "</tr>\n";
    }
    h += "</table>\n";
  }
  h += "<h2>Method</h2>\n<p>" + HtmlEscape(kMethod) + "</p>\n</body>\n</html>\n";
  return h;
}

Status WriteReport(const ReportData& r, ReportFormat format, const std::string& path) {
  switch (format) {
    case ReportFormat::kPdf: return WritePdf(r, path);
    case ReportFormat::kHtml: {
      ASSIGN_OR_RETURN(std::string html, RenderHtml(r));
      return WriteFile(path, html);
    }
    case ReportFormat::kMarkdown: {
      namespace fs = std::filesystem;
      const fs::path p(path);
      const std::string stem = p.stem().string();
      const std::string trend_name = stem + "-trend.png", map_name = stem + "-map.png";
      ASSIGN_OR_RETURN(std::string trend, RenderPng(kTrendW * 2, kTrendH * 2, [&](cairo_t* cr) {
                         cairo_scale(cr, 2, 2);
                         DrawTrend(cr, Box{0, 0, kTrendW, kTrendH}, r.trend);
                       }));
      ASSIGN_OR_RETURN(std::string map, RenderPng(kMapW * 2, kMapH * 2, [&](cairo_t* cr) {
                         cairo_scale(cr, 2, 2);
                         DrawMap(cr, Box{0, 0, kMapW, kMapH}, r.map);
                       }));
      RETURN_IF_ERROR(WriteFile((p.parent_path() / trend_name).string(), trend));
      RETURN_IF_ERROR(WriteFile((p.parent_path() / map_name).string(), map));
      return WriteFile(path, RenderMarkdown(r, trend_name, map_name));
    }
  }
  return InvalidArgument("report: unknown format");
}

}  // namespace faultline::report
