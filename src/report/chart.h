// Charts for reports, drawn with cairo onto any surface: the caller picks a
// PNG image, an SVG document or a page of a PDF. No browser, no network:
// the map is a projected scatter over the gazetteer's admin-unit centroids.
// Stateless functions; thread-safe (each call owns its surface).
//
//   std::string svg = RenderSvg(640, 260, [&](cairo_t* cr) { DrawTrend(cr, {0, 0, 640, 260}, trend); });
#ifndef FAULTLINE_REPORT_CHART_H_
#define FAULTLINE_REPORT_CHART_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "faultline/status.h"

typedef struct _cairo cairo_t;

namespace faultline::report {

struct Box {
  double x, y, w, h;
};

// Monthly counts: bars of incidents, a line of killed on its own axis;
// shaded spans (phases) behind, by index range.
struct TrendChart {
  std::vector<std::string> labels;  // "2022-01", ...
  std::vector<int64_t> bars;        // incidents
  std::vector<int64_t> line;        // killed
  struct Span {
    size_t first, last;  // inclusive indexes
    std::string name;
  };
  std::vector<Span> spans;
};
void DrawTrend(cairo_t* cr, Box box, const TrendChart& chart);

// Incidents as circles (area by killed + injured) over admin units: level-1
// centroids labelled, level-2 centroids as faint dots, a 1° graticule.
// Equirectangular with the x axis scaled by cos(mid latitude).
struct IncidentMap {
  struct Point {
    double lat, lon;
    int64_t weight;  // killed + injured
  };
  struct Unit {
    double lat, lon;
    std::string name;
    int level;
  };
  std::vector<Point> points;
  std::vector<Unit> units;
};
void DrawMap(cairo_t* cr, Box box, const IncidentMap& map);

// Horizontal bars with labels and values (a table's top rows).
struct BarChart {
  std::vector<std::string> labels;
  std::vector<int64_t> values;
};
void DrawBars(cairo_t* cr, Box box, const BarChart& chart);

// Draws `draw` on a w×h surface and returns the file's bytes.
// Internal on a cairo error.
Result<std::string> RenderPng(int w, int h, const std::function<void(cairo_t*)>& draw);
// An <svg> element (no XML declaration), fit to be inlined in HTML.
Result<std::string> RenderSvg(int w, int h, const std::function<void(cairo_t*)>& draw);

// Frees the font caches cairo and fontconfig keep for the process (they are
// otherwise released only at exit, which leak checkers report). Call once
// when no chart is being drawn any more; drawing afterwards is allowed and
// rebuilds them.
void ReleaseFontCaches();

}  // namespace faultline::report

#endif  // FAULTLINE_REPORT_CHART_H_
