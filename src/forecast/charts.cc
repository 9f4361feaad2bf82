#include "forecast/charts.h"

#include <cairo-svg.h>
#include <cairo.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>

namespace faultline {
namespace {

// Draws with `draw` on a surface of w x h and writes it to `path`.
Status Render(const std::string& path, double w, double h, const std::function<void(cairo_t*)>& draw) {
  const bool svg = path.size() > 4 && path.substr(path.size() - 4) == ".svg";
  const bool png = path.size() > 4 && path.substr(path.size() - 4) == ".png";
  if (!svg && !png) return InvalidArgument(path + ": charts are .png or .svg");
  cairo_surface_t* surface = svg ? cairo_svg_surface_create(path.c_str(), w, h)
                                 : cairo_image_surface_create(CAIRO_FORMAT_ARGB32, static_cast<int>(w), static_cast<int>(h));
  if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
    cairo_surface_destroy(surface);
    return IoError(path + ": cannot create the chart");
  }
  cairo_t* cr = cairo_create(surface);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  draw(cr);
  cairo_destroy(cr);
  cairo_surface_flush(surface);
  cairo_status_t st = CAIRO_STATUS_SUCCESS;
  if (png) st = cairo_surface_write_to_png(surface, path.c_str());
  cairo_surface_finish(surface);
  if (st == CAIRO_STATUS_SUCCESS) st = cairo_surface_status(surface);
  cairo_surface_destroy(surface);
  if (st != CAIRO_STATUS_SUCCESS) return IoError(path + ": " + cairo_status_to_string(st));
  return Status::Ok();
}

void Text(cairo_t* cr, double x, double y, const std::string& s, double size = 11, bool centre = false) {
  cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, size);
  cairo_text_extents_t e;
  cairo_text_extents(cr, s.c_str(), &e);
  cairo_move_to(cr, centre ? x - e.width / 2 : x, y);
  cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
  cairo_show_text(cr, s.c_str());
}

constexpr double kPanelW = 260, kPanelH = 200, kMargin = 40;

}  // namespace

Status WritePitChart(const BacktestResult& r, const std::string& path) {
  const size_t n = r.models.size(), cols = std::min<size_t>(3, std::max<size_t>(1, n));
  const size_t rows = (n + cols - 1) / cols;
  const double w = static_cast<double>(cols) * (kPanelW + kMargin) + kMargin;
  const double h = static_cast<double>(rows) * (kPanelH + kMargin * 1.5) + kMargin;
  return Render(path, w, h, [&](cairo_t* cr) {
    Text(cr, kMargin, 22, "PIT histograms (non-randomised, Czado et al. 2009): flat = calibrated", 13);
    for (size_t m = 0; m < n; ++m) {
      const auto& pit = r.models[m].pit;
      const double x0 = kMargin + static_cast<double>(m % cols) * (kPanelW + kMargin);
      const double y0 = kMargin + 10 + static_cast<double>(m / cols) * (kPanelH + kMargin * 1.5);
      const double top = std::max(2.0 / static_cast<double>(std::max<size_t>(pit.size(), 1)),
                                  pit.empty() ? 1.0 : *std::max_element(pit.begin(), pit.end()) * 1.1);
      const double bw = kPanelW / static_cast<double>(std::max<size_t>(pit.size(), 1));
      cairo_set_source_rgb(cr, 0.27, 0.45, 0.70);
      for (size_t b = 0; b < pit.size(); ++b) {
        const double bh = pit[b] / top * kPanelH;
        cairo_rectangle(cr, x0 + static_cast<double>(b) * bw + 1, y0 + kPanelH - bh, bw - 2, bh);
      }
      cairo_fill(cr);
      // The calibrated level, 1/bins.
      const double level = kPanelH - (1.0 / static_cast<double>(std::max<size_t>(pit.size(), 1))) / top * kPanelH;
      cairo_set_source_rgb(cr, 0.8, 0.2, 0.2);
      cairo_set_line_width(cr, 1.5);
      cairo_move_to(cr, x0, y0 + level);
      cairo_line_to(cr, x0 + kPanelW, y0 + level);
      cairo_stroke(cr);
      cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
      cairo_set_line_width(cr, 1);
      cairo_rectangle(cr, x0, y0, kPanelW, kPanelH);
      cairo_stroke(cr);
      Text(cr, x0 + kPanelW / 2, y0 + kPanelH + 16, r.models[m].model, 12, true);
      Text(cr, x0, y0 + kPanelH + 16, "0", 10);
      Text(cr, x0 + kPanelW - 6, y0 + kPanelH + 16, "1", 10);
    }
  });
}

Status WriteReliabilityChart(const BacktestResult& r, const std::string& path) {
  const double size = 420, w = size + 2 * kMargin + 170, h = size + 2 * kMargin + 20;
  static constexpr double kColours[][3] = {{0.5, 0.5, 0.5}, {0.6, 0.4, 0.2}, {0.2, 0.6, 0.6}, {0.27, 0.45, 0.70},
                                           {0.8, 0.2, 0.2}, {0.4, 0.7, 0.2}, {0.6, 0.3, 0.7}};
  return Render(path, w, h, [&](cairo_t* cr) {
    char title[128];
    std::snprintf(title, sizeof title, "Reliability of P(count >= %lld): forecast vs observed frequency",
                  static_cast<long long>(r.at_least));
    Text(cr, kMargin, 22, title, 13);
    const double x0 = kMargin, y0 = kMargin + 10;
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    cairo_set_line_width(cr, 1);
    cairo_rectangle(cr, x0, y0, size, size);
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0.7, 0.7, 0.7);
    cairo_move_to(cr, x0, y0 + size);
    cairo_line_to(cr, x0 + size, y0);
    cairo_stroke(cr);
    for (size_t m = 0; m < r.models.size(); ++m) {
      const auto& mm = r.models[m];
      const double* c = kColours[m % 7];
      cairo_set_source_rgb(cr, c[0], c[1], c[2]);
      cairo_set_line_width(cr, 2);
      bool first = true;
      for (size_t b = 0; b < mm.rel_count.size(); ++b) {
        if (mm.rel_count[b] <= 0) continue;
        const double fx = mm.rel_forecast[b] / mm.rel_count[b], fy = mm.rel_observed[b] / mm.rel_count[b];
        const double px = x0 + fx * size, py = y0 + size - fy * size;
        if (first) {
          cairo_move_to(cr, px, py);
        } else {
          cairo_line_to(cr, px, py);
        }
        first = false;
      }
      cairo_stroke(cr);
      for (size_t b = 0; b < mm.rel_count.size(); ++b) {
        if (mm.rel_count[b] <= 0) continue;
        const double fx = mm.rel_forecast[b] / mm.rel_count[b], fy = mm.rel_observed[b] / mm.rel_count[b];
        cairo_arc(cr, x0 + fx * size, y0 + size - fy * size, 3, 0, 2 * M_PI);
        cairo_fill(cr);
      }
      cairo_rectangle(cr, x0 + size + 20, y0 + 10 + static_cast<double>(m) * 20, 14, 10);
      cairo_fill(cr);
      Text(cr, x0 + size + 40, y0 + 20 + static_cast<double>(m) * 20, mm.model, 11);
    }
    Text(cr, x0 + size / 2, y0 + size + 28, "forecast probability", 11, true);
    Text(cr, x0, y0 + size + 14, "0", 10);
    Text(cr, x0 + size - 6, y0 + size + 14, "1", 10);
  });
}

}  // namespace faultline

#if defined(__SANITIZE_ADDRESS__)
// fontconfig (through cairo's text) keeps a process-wide cache it never
// frees; LeakSanitizer reports it at exit in any binary that draws a chart.
// Not ours to free: suppressed by library, here where the text is drawn.
extern "C" const char* __lsan_default_suppressions() { return "leak:libfontconfig\n"; }
#endif
#if defined(__SANITIZE_ADDRESS__)
extern "C" const char* __lsan_default_options() { return "print_suppressions=0"; }
#endif
