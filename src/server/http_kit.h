// What every route handler of the server shares, whichever file it lives
// in: the reply a handler returns, JSON error bodies with the one table from
// status codes to HTTP statuses, query parameters with the shared checks
// (known names only, valid UTF-8, bounded lengths), the CLI's filters as
// query parameters, JSON bodies, and the least role a route needs. Handlers
// in server.cc and in the stage route files (measure_routes.cc,
// forecast_routes.cc, plan_routes.cc) use it. Only the server folder includes
// it (it includes cpp-httplib). Plain values and functions; thread-safe.
#ifndef FAULTLINE_SERVER_HTTP_KIT_H_
#define FAULTLINE_SERVER_HTTP_KIT_H_

#include <httplib.h>

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/text.h"
#include "faultline/store.h"
#include "server/accounts.h"

namespace faultline::server {

using Json = nlohmann::ordered_json;

// One line of JSON; invalid UTF-8 replaced.
std::string Dump(const Json& j);

// The one table from status codes to HTTP statuses (style.md: errors), and
// the code an error body carries ("invalid_argument", "not_found", ...).
int HttpStatus(StatusCode c);
std::string ErrorCode(StatusCode c);

// What a handler answers: a body, or (streamed) nothing because it wrote
// the response itself.
struct Reply {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  bool streamed = false;
  // Instead of body: a body shared with the response cache, sent without
  // a copy.
  std::shared_ptr<const std::string> shared_body;
};

Reply JsonReply(const Json& j, int status = 200);
// {"code": code, "message": message} with `status`.
Reply ErrorReply(int status, std::string_view code, std::string_view message);
// The status as an error body; internal details stay in the server log.
Reply ErrorReply(const Status& s);

// Query parameters with the checks every route shares: only known names,
// valid UTF-8, bounded lengths; lists repeat or use commas.
class Query {
 public:
  explicit Query(const httplib::Request& req) : req_(req) {}

  Status Allow(const std::set<std::string_view>& names) const {
    for (const auto& [k, v] : req_.params) {
      if (!names.contains(k)) {
        return InvalidArgument("unknown parameter \"" + k.substr(0, 40) + "\"");
      }
      if (v.size() > 1000) return InvalidArgument("parameter " + k + ": longer than 1000 bytes");
      if (FindInvalidUtf8(v)) return InvalidArgument("parameter " + k + ": not valid UTF-8");
    }
    return Status::Ok();
  }
  Result<std::string> One(const std::string& name, std::string fallback = "") const {
    size_t n = req_.get_param_value_count(name);
    if (n == 0) return fallback;
    if (n > 1) return InvalidArgument("parameter " + name + ": given more than once");
    return req_.get_param_value(name);
  }
  Result<std::vector<std::string>> List(const std::string& name) const {
    std::vector<std::string> out;
    size_t n = req_.get_param_value_count(name);
    for (size_t i = 0; i < n; ++i) {
      const std::string value = req_.get_param_value(name, i);
      for (std::string_view part : Split(value, ',')) {
        std::string_view t = Trim(part);
        if (!t.empty()) out.emplace_back(t);
      }
    }
    if (out.size() > 50) return InvalidArgument("parameter " + name + ": more than 50 values");
    return out;
  }
  Result<int64_t> Int(const std::string& name, int64_t fallback, int64_t min, int64_t max) const {
    ASSIGN_OR_RETURN(std::string s, One(name));
    if (s.empty()) return fallback;
    auto v = ParseInt(s);
    if (!v.ok()) return InvalidArgument("parameter " + name + ": \"" + s.substr(0, 40) + "\" is not a whole number");
    if (*v < min || *v > max) {
      return InvalidArgument("parameter " + name + ": must be between " + std::to_string(min) + " and " +
                             std::to_string(max));
    }
    return *v;
  }
  Result<bool> Bool(const std::string& name) const {
    ASSIGN_OR_RETURN(std::string s, One(name));
    if (s.empty() || s == "false" || s == "0") return false;
    if (s == "true" || s == "1") return true;
    return InvalidArgument("parameter " + name + ": expected true or false");
  }

 private:
  const httplib::Request& req_;
};

// The filter parameters (from, to, country, ... as `faultline query`), and
// those plus a route's own.
const std::set<std::string_view>& FilterParams();
std::set<std::string_view> With(std::initializer_list<std::string_view> extra);
// The store Filter the filter parameters describe; InvalidArgument naming
// the parameter.
Result<Filter> FilterFromQuery(const Query& q);

// The request body as a JSON object (an empty body is {} unless required).
// InvalidArgument for a Content-Type other than application/json, invalid
// UTF-8, or anything but a JSON object.
Result<Json> ParseBody(const httplib::Request& req, bool required);
// body[key] when it is a string, else "".
std::string BodyString(const Json& body, const char* key);
// The positive whole number in path group `group`.
Result<int64_t> PathId(const httplib::Request& req, size_t group = 1);

// The least role a route needs (kPublic: no sign-in).
enum class Access { kPublic, kViewer, kAnalyst, kAdmin };

// What a stage route handler sees: the request, the response (for headers
// and streaming), a store connection of its own for the request, who is
// calling (always signed in: stage routes are never public), the audit log,
// and the response cache's generation (it changes with every write through
// the server, so a handler can key its own caches on it).
struct RouteContext {
  const httplib::Request& req;
  httplib::Response& res;
  Store* store;
  const Principal& who;
  std::function<void(const std::string& target, std::optional<std::string> before, std::optional<std::string> after)>
      audit;
  uint64_t generation = 0;
};

struct RouteSpec {
  std::string method;   // GET, POST, PUT, DELETE
  std::string pattern;  // after /api/v1, a cpp-httplib regex: "/plans/(\\d+)"
  Access access = Access::kViewer;
  std::function<Result<Reply>(RouteContext&)> handler;
};

}  // namespace faultline::server

#endif  // FAULTLINE_SERVER_HTTP_KIT_H_
