// docs/openapi.yaml, embedded at build time (src/server/CMakeLists.txt) so
// the binary serves the description of the API it implements.
#ifndef FAULTLINE_SERVER_OPENAPI_H_
#define FAULTLINE_SERVER_OPENAPI_H_

#include <string_view>

namespace faultline::server {

std::string_view OpenApiYaml();

}  // namespace faultline::server

#endif  // FAULTLINE_SERVER_OPENAPI_H_
