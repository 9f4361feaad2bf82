#include "server/static_files.h"

#include <filesystem>

namespace faultline::server {

namespace fs = std::filesystem;

StaticFiles::StaticFiles(std::string web_dir) : root_(std::move(web_dir)) {
  // Only these folders are public; node_modules as a whole is not.
  mounts_ = {
      {"/app/", root_ + "/app"},
      {"/vendor/leaflet/", root_ + "/node_modules/leaflet/dist"},
      {"/vendor/markercluster/", root_ + "/node_modules/leaflet.markercluster/dist"},
      {"/vendor/topojson/", root_ + "/node_modules/topojson-client/dist"},
      {"/vendor/world-atlas/", root_ + "/node_modules/world-atlas"},
  };
}

Result<std::string> StaticFiles::Resolve(std::string_view path) const {
  auto missing = [&] { return NotFound("no file at " + std::string(path.substr(0, 200))); };
  if (path == "/" || path == "/index.html") path = "/app/index.html";
  for (const auto& [prefix, dir] : mounts_) {
    if (!path.starts_with(prefix)) continue;
    std::string_view rest = path.substr(prefix.size());
    if (rest.empty() || rest.size() > 200) return missing();
    // Segments of [A-Za-z0-9._-] not starting with '.', joined by single '/'.
    bool segment_start = true;
    for (char c : rest) {
      bool word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
      if (c == '/') {
        if (segment_start) return missing();
        segment_start = true;
      } else if (c == '.') {
        if (segment_start) return missing();
      } else if (word) {
        segment_start = false;
      } else {
        return missing();
      }
    }
    if (segment_start) return missing();
    std::error_code ec;
    fs::path base = fs::weakly_canonical(dir, ec);
    if (ec) return missing();
    fs::path file = fs::weakly_canonical(fs::path(dir) / std::string(rest), ec);
    if (ec) return missing();
    std::string b = base.string() + "/";
    if (file.string().compare(0, b.size(), b) != 0) return missing();
    if (!fs::is_regular_file(file, ec)) return missing();
    return file.string();
  }
  return missing();
}

std::string_view StaticFiles::ContentType(std::string_view f) {
  auto ends = [&](std::string_view s) { return f.ends_with(s); };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".js") || ends(".mjs")) return "text/javascript; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".json")) return "application/json";
  if (ends(".png")) return "image/png";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".ico")) return "image/x-icon";
  if (ends(".map")) return "application/json";
  return "application/octet-stream";
}

}  // namespace faultline::server
