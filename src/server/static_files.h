// Static files of the dashboard: which request paths map to which files, and
// the checks that keep a request inside those folders (no "..", no encoded
// separators, no dot files, no symlink that leads out). Thread-safe.
#ifndef FAULTLINE_SERVER_STATIC_FILES_H_
#define FAULTLINE_SERVER_STATIC_FILES_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "faultline/status.h"

namespace faultline::server {

class StaticFiles {
 public:
  // `web_dir` holds index.html, app/ and node_modules/ (npm ci).
  explicit StaticFiles(std::string web_dir);
  // The file for a request path ("/", "/app/main.js", "/vendor/leaflet/leaflet.js").
  // NotFound when the path maps to nothing or tries to leave its folder.
  Result<std::string> Resolve(std::string_view request_path) const;
  static std::string_view ContentType(std::string_view file);

 private:
  std::string root_;
  std::vector<std::pair<std::string, std::string>> mounts_;  // url prefix -> directory
};

}  // namespace faultline::server

#endif  // FAULTLINE_SERVER_STATIC_FILES_H_
