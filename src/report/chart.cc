#include "report/chart.h"

#include <cairo-svg.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace faultline::report {
namespace {

constexpr const char* kFont = "DejaVu Sans";

void Font(cairo_t* cr, double size, bool bold = false) {
  cairo_select_font_face(cr, kFont, CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, size);
}

double TextWidth(cairo_t* cr, const std::string& s) {
  cairo_text_extents_t e;
  cairo_text_extents(cr, s.c_str(), &e);
  return e.x_advance;
}

// Text at (x, y baseline), aligned left (0), centre (0.5) or right (1).
void Text(cairo_t* cr, double x, double y, const std::string& s, double align = 0) {
  cairo_move_to(cr, x - align * TextWidth(cr, s), y);
  cairo_show_text(cr, s.c_str());
}

// A round axis maximum and step: 1, 2 or 5 times a power of ten.
void NiceAxis(int64_t max, double* top, double* step) {
  double m = std::max<double>(1, static_cast<double>(max));
  double raw = m / 4;
  double p = std::pow(10, std::floor(std::log10(raw)));
  double f = raw / p;
  *step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
  if (*step < 1) *step = 1;
  *top = std::ceil(m / *step) * *step;
}

std::string Int(int64_t v) { return std::to_string(v); }

cairo_status_t AppendBytes(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

}  // namespace

void DrawTrend(cairo_t* cr, Box b, const TrendChart& c) {
  cairo_save(cr);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_rectangle(cr, b.x, b.y, b.w, b.h);
  cairo_fill(cr);
  const double left = b.x + 40, right = b.x + b.w - 40, top = b.y + 22, bottom = b.y + b.h - 30;
  const size_t n = c.labels.size();
  Font(cr, 9, true);
  cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
  Text(cr, b.x + 4, b.y + 12, "Incidents (bars, left axis) and killed (line, right axis) per month");
  if (n == 0) {
    Font(cr, 9);
    Text(cr, b.x + b.w / 2, b.y + b.h / 2, "no incidents in the period", 0.5);
    cairo_restore(cr);
    return;
  }
  double bar_top, bar_step, line_top, line_step;
  NiceAxis(c.bars.empty() ? 0 : *std::max_element(c.bars.begin(), c.bars.end()), &bar_top, &bar_step);
  NiceAxis(c.line.empty() ? 0 : *std::max_element(c.line.begin(), c.line.end()), &line_top, &line_step);
  const double slot = (right - left) / static_cast<double>(n);
  // Phases behind everything.
  for (size_t k = 0; k < c.spans.size(); ++k) {
    const auto& s = c.spans[k];
    if (s.first >= n) continue;
    const size_t last = std::min(s.last, n - 1);
    cairo_set_source_rgba(cr, 0.95, 0.85, 0.5, 0.45);
    cairo_rectangle(cr, left + slot * static_cast<double>(s.first), top, slot * static_cast<double>(last - s.first + 1),
                    bottom - top);
    cairo_fill(cr);
    Font(cr, 7);
    cairo_set_source_rgb(cr, 0.45, 0.35, 0.05);
    Text(cr, left + slot * static_cast<double>(s.first) + 2, top + 8 + 9 * static_cast<double>(k % 3), s.name);
  }
  // Grid and left axis.
  Font(cr, 7);
  cairo_set_line_width(cr, 0.5);
  for (double v = 0; v <= bar_top + 1e-9; v += bar_step) {
    const double y = bottom - (bottom - top) * v / bar_top;
    cairo_set_source_rgb(cr, 0.85, 0.85, 0.85);
    cairo_move_to(cr, left, y);
    cairo_line_to(cr, right, y);
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0.2, 0.3, 0.5);
    Text(cr, left - 4, y + 3, Int(static_cast<int64_t>(v)), 1);
  }
  for (double v = 0; v <= line_top + 1e-9; v += line_step) {
    const double y = bottom - (bottom - top) * v / line_top;
    cairo_set_source_rgb(cr, 0.6, 0.1, 0.1);
    Text(cr, right + 4, y + 3, Int(static_cast<int64_t>(v)));
  }
  // Bars.
  cairo_set_source_rgb(cr, 0.27, 0.45, 0.7);
  for (size_t i = 0; i < n && i < c.bars.size(); ++i) {
    const double h = (bottom - top) * static_cast<double>(c.bars[i]) / bar_top;
    cairo_rectangle(cr, left + slot * static_cast<double>(i) + slot * 0.12, bottom - h, slot * 0.76, h);
  }
  cairo_fill(cr);
  // Line.
  cairo_set_source_rgb(cr, 0.75, 0.1, 0.1);
  cairo_set_line_width(cr, 1.4);
  for (size_t i = 0; i < n && i < c.line.size(); ++i) {
    const double x = left + slot * (static_cast<double>(i) + 0.5);
    const double y = bottom - (bottom - top) * static_cast<double>(c.line[i]) / line_top;
    if (i == 0) {
      cairo_move_to(cr, x, y);
    } else {
      cairo_line_to(cr, x, y);
    }
  }
  cairo_stroke(cr);
  // X labels: at most ~12.
  cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
  Font(cr, 7);
  const size_t every = std::max<size_t>(1, (n + 11) / 12);
  for (size_t i = 0; i < n; i += every) {
    Text(cr, left + slot * (static_cast<double>(i) + 0.5), bottom + 11, c.labels[i], 0.5);
  }
  cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
  cairo_set_line_width(cr, 0.8);
  cairo_move_to(cr, left, bottom);
  cairo_line_to(cr, right, bottom);
  cairo_stroke(cr);
  cairo_restore(cr);
}

void DrawMap(cairo_t* cr, Box b, const IncidentMap& m) {
  cairo_save(cr);
  cairo_set_source_rgb(cr, 0.97, 0.97, 0.95);
  cairo_rectangle(cr, b.x, b.y, b.w, b.h);
  cairo_fill(cr);
  // Extent: the points, else the level-1 units; with a margin.
  double lat0 = 90, lat1 = -90, lon0 = 180, lon1 = -180;
  auto extend = [&](double lat, double lon) {
    lat0 = std::min(lat0, lat);
    lat1 = std::max(lat1, lat);
    lon0 = std::min(lon0, lon);
    lon1 = std::max(lon1, lon);
  };
  for (const auto& p : m.points) extend(p.lat, p.lon);
  if (m.points.empty()) {
    for (const auto& u : m.units) {
      if (u.level == 1) extend(u.lat, u.lon);
    }
  }
  if (lat0 > lat1) {  // nothing at all: Pakistan and Afghanistan
    lat0 = 24;
    lat1 = 38;
    lon0 = 60;
    lon1 = 77;
  }
  const double pad_lat = std::max(0.5, (lat1 - lat0) * 0.08), pad_lon = std::max(0.5, (lon1 - lon0) * 0.08);
  lat0 -= pad_lat;
  lat1 += pad_lat;
  lon0 -= pad_lon;
  lon1 += pad_lon;
  const double kx = std::cos((lat0 + lat1) / 2 * M_PI / 180);
  const double inner_w = b.w - 20, inner_h = b.h - 30;
  const double scale = std::min(inner_w / ((lon1 - lon0) * kx), inner_h / (lat1 - lat0));
  const double ox = b.x + 10 + (inner_w - (lon1 - lon0) * kx * scale) / 2;
  const double oy = b.y + 20 + (inner_h - (lat1 - lat0) * scale) / 2;
  auto X = [&](double lon) { return ox + (lon - lon0) * kx * scale; };
  auto Y = [&](double lat) { return oy + (lat1 - lat) * scale; };
  Font(cr, 9, true);
  cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
  Text(cr, b.x + 4, b.y + 12, "Incidents (circle area: killed + injured) over province and district centroids");
  // Graticule.
  Font(cr, 6);
  cairo_set_line_width(cr, 0.4);
  const double step = (lat1 - lat0) > 12 ? 2 : 1;
  for (double lat = std::ceil(lat0 / step) * step; lat <= lat1; lat += step) {
    cairo_set_source_rgb(cr, 0.85, 0.85, 0.85);
    cairo_move_to(cr, X(lon0), Y(lat));
    cairo_line_to(cr, X(lon1), Y(lat));
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0.55, 0.55, 0.55);
    char buf[16];
    std::snprintf(buf, sizeof buf, "%.0f°N", lat);
    Text(cr, X(lon0) + 2, Y(lat) - 2, buf);
  }
  for (double lon = std::ceil(lon0 / step) * step; lon <= lon1; lon += step) {
    cairo_set_source_rgb(cr, 0.85, 0.85, 0.85);
    cairo_move_to(cr, X(lon), Y(lat0));
    cairo_line_to(cr, X(lon), Y(lat1));
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0.55, 0.55, 0.55);
    char buf[16];
    std::snprintf(buf, sizeof buf, "%.0f°E", lon);
    Text(cr, X(lon) + 2, Y(lat0) - 2, buf);
  }
  auto inside = [&](double lat, double lon) { return lat >= lat0 && lat <= lat1 && lon >= lon0 && lon <= lon1; };
  // Districts, then incidents, then province labels on top.
  cairo_new_path(cr);
  cairo_set_source_rgb(cr, 0.7, 0.7, 0.7);
  for (const auto& u : m.units) {
    if (u.level != 2 || !inside(u.lat, u.lon)) continue;
    cairo_new_sub_path(cr);  // no line from the last text drawn
    cairo_arc(cr, X(u.lon), Y(u.lat), 1.0, 0, 2 * M_PI);
    cairo_fill(cr);
  }
  for (const auto& p : m.points) {
    const double r = 1.5 + std::sqrt(static_cast<double>(std::max<int64_t>(0, p.weight))) * 0.9;
    cairo_set_source_rgba(cr, 0.8, 0.1, 0.1, 0.35);
    cairo_new_sub_path(cr);
    cairo_arc(cr, X(p.lon), Y(p.lat), std::min(r, 18.0), 0, 2 * M_PI);
    cairo_fill_preserve(cr);
    cairo_set_source_rgba(cr, 0.5, 0.0, 0.0, 0.6);
    cairo_set_line_width(cr, 0.4);
    cairo_stroke(cr);
  }
  Font(cr, 7, true);
  for (const auto& u : m.units) {
    if (u.level != 1 || !inside(u.lat, u.lon)) continue;
    cairo_set_source_rgb(cr, 0.15, 0.25, 0.45);
    cairo_rectangle(cr, X(u.lon) - 1.5, Y(u.lat) - 1.5, 3, 3);
    cairo_fill(cr);
    Text(cr, X(u.lon) + 3, Y(u.lat) - 3, u.name);
  }
  cairo_set_source_rgb(cr, 0.5, 0.5, 0.5);
  cairo_set_line_width(cr, 0.6);
  cairo_rectangle(cr, X(lon0), Y(lat1), X(lon1) - X(lon0), Y(lat0) - Y(lat1));
  cairo_stroke(cr);
  cairo_restore(cr);
}

void DrawBars(cairo_t* cr, Box b, const BarChart& c) {
  cairo_save(cr);
  const size_t n = std::min(c.labels.size(), c.values.size());
  const int64_t max = n ? *std::max_element(c.values.begin(), c.values.begin() + static_cast<std::ptrdiff_t>(n)) : 0;
  const double row = n ? std::min(16.0, b.h / static_cast<double>(n)) : 16;
  const double label_w = b.w * 0.35, bar_w = b.w - label_w - 40;
  Font(cr, 8);
  for (size_t i = 0; i < n; ++i) {
    const double y = b.y + row * static_cast<double>(i);
    cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
    std::string label = c.labels[i].size() > 32 ? c.labels[i].substr(0, 31) + "…" : c.labels[i];
    Text(cr, b.x + label_w - 4, y + row * 0.7, label, 1);
    const double w = max > 0 ? bar_w * static_cast<double>(c.values[i]) / static_cast<double>(max) : 0;
    cairo_set_source_rgb(cr, 0.27, 0.45, 0.7);
    cairo_rectangle(cr, b.x + label_w, y + row * 0.15, w, row * 0.7);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
    Text(cr, b.x + label_w + w + 3, y + row * 0.7, Int(c.values[i]));
  }
  cairo_restore(cr);
}

Result<std::string> RenderPng(int w, int h, const std::function<void(cairo_t*)>& draw) {
  cairo_surface_t* s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
  cairo_t* cr = cairo_create(s);
  draw(cr);
  cairo_destroy(cr);
  std::string out;
  cairo_status_t st = cairo_surface_write_to_png_stream(s, &AppendBytes, &out);
  cairo_surface_destroy(s);
  if (st != CAIRO_STATUS_SUCCESS) return Internal(std::string("cairo PNG: ") + cairo_status_to_string(st));
  return out;
}

Result<std::string> RenderSvg(int w, int h, const std::function<void(cairo_t*)>& draw) {
  std::string out;
  cairo_surface_t* s = cairo_svg_surface_create_for_stream(&AppendBytes, &out, w, h);
  cairo_t* cr = cairo_create(s);
  draw(cr);
  cairo_destroy(cr);
  cairo_surface_finish(s);
  cairo_status_t st = cairo_surface_status(s);
  cairo_surface_destroy(s);
  if (st != CAIRO_STATUS_SUCCESS) return Internal(std::string("cairo SVG: ") + cairo_status_to_string(st));
  if (size_t start = out.find("<svg"); start != std::string::npos) out.erase(0, start);
  return out;
}

void ReleaseFontCaches() {
  cairo_debug_reset_static_data();
  FcFini();
}

}  // namespace faultline::report
