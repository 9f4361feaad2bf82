#include "server/http_kit.h"

#include <algorithm>

#include "common/text.h"
#include "gazetteer/filter_spec.h"

namespace faultline::server {

std::string Dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

// ---- errors ---------------------------------------------------------------

// The one table from status codes to HTTP statuses and error codes
// (style.md: errors).
int HttpStatus(StatusCode c) {
  switch (c) {
    case StatusCode::kOk: return 200;
    case StatusCode::kInvalidArgument: return 400;
    case StatusCode::kNotFound: return 404;
    case StatusCode::kAlreadyExists: return 409;
    case StatusCode::kConflict: return 409;
    case StatusCode::kFailedPrecondition: return 422;
    case StatusCode::kPermissionDenied: return 403;
    case StatusCode::kIoError: return 500;
    case StatusCode::kDataLoss: return 500;
    case StatusCode::kUnavailable: return 503;
    case StatusCode::kInternal: return 500;
  }
  return 500;
}

std::string ErrorCode(StatusCode c) {
  std::string s(StatusCodeName(c));
  std::replace(s.begin(), s.end(), ' ', '_');
  if (s == "i/o_error") s = "io_error";
  if (s == "internal_error") s = "internal";
  return s;
}

Reply JsonReply(const Json& j, int status) { return Reply{status, Dump(j), "application/json", {}, false}; }

Reply ErrorReply(int status, std::string_view code, std::string_view message) {
  Json j;
  j["code"] = code;
  j["message"] = message;
  return JsonReply(j, status);
}

Reply ErrorReply(const Status& s) {
  // Internal details (SQL, file paths) stay in the server log.
  return ErrorReply(HttpStatus(s.code()), ErrorCode(s.code()), s.message());
}




const std::set<std::string_view>& FilterParams() {
  static const std::set<std::string_view> k = {
      "from",   "to",     "country", "admin1", "admin2", "perpetrator", "with_affiliates", "no_former",
      "event_type", "attack_type", "target", "min_killed", "text", "bbox", "status", "source", "license"};
  return k;
}

std::set<std::string_view> With(std::initializer_list<std::string_view> extra) {
  std::set<std::string_view> s = FilterParams();
  s.insert(extra.begin(), extra.end());
  return s;
}

Result<Filter> FilterFromQuery(const Query& q) {
  FilterSpec spec;
  ASSIGN_OR_RETURN(spec.from, q.One("from"));
  ASSIGN_OR_RETURN(spec.to, q.One("to"));
  ASSIGN_OR_RETURN(spec.countries, q.List("country"));
  ASSIGN_OR_RETURN(spec.admin1, q.List("admin1"));
  ASSIGN_OR_RETURN(spec.admin2, q.List("admin2"));
  ASSIGN_OR_RETURN(spec.perpetrators, q.List("perpetrator"));
  ASSIGN_OR_RETURN(spec.with_affiliates, q.Bool("with_affiliates"));
  ASSIGN_OR_RETURN(spec.no_former, q.Bool("no_former"));
  ASSIGN_OR_RETURN(spec.event_types, q.List("event_type"));
  ASSIGN_OR_RETURN(spec.attack_types, q.List("attack_type"));
  ASSIGN_OR_RETURN(spec.targets, q.List("target"));
  ASSIGN_OR_RETURN(spec.min_killed, q.Int("min_killed", -1, 0, 1000000000));
  ASSIGN_OR_RETURN(spec.text, q.One("text"));
  if (spec.text.size() > 200) return InvalidArgument("parameter text: longer than 200 bytes");
  ASSIGN_OR_RETURN(spec.bbox, q.One("bbox"));
  ASSIGN_OR_RETURN(spec.statuses, q.List("status"));
  ASSIGN_OR_RETURN(spec.sources, q.List("source"));
  ASSIGN_OR_RETURN(spec.licenses, q.List("license"));
  return BuildFilter(spec, "");
}


Result<Json> ParseBody(const httplib::Request& req, bool required) {
  if (req.body.empty()) {
    if (required) return InvalidArgument("request body: a JSON object is required");
    return Json::object();
  }
  std::string ct = req.get_header_value("Content-Type");
  if (ct.rfind("application/json", 0) != 0) return InvalidArgument("request body: Content-Type must be application/json");
  if (FindInvalidUtf8(req.body)) return InvalidArgument("request body: not valid UTF-8");
  try {
    Json j = Json::parse(req.body);
    if (!j.is_object()) return InvalidArgument("request body: expected a JSON object");
    return j;
  } catch (const std::exception& e) {
    return InvalidArgument(std::string("request body: not JSON: ") + e.what());
  }
}

std::string BodyString(const Json& body, const char* key) {
  auto it = body.find(key);
  if (it == body.end() || !it->is_string()) return "";
  return it->get<std::string>();
}


Result<int64_t> PathId(const httplib::Request& req, size_t group) {
  if (req.matches.size() <= group) return InvalidArgument("missing id in the path");
  auto n = ParseInt(req.matches[group].str());
  if (!n.ok() || *n <= 0) return InvalidArgument("id in the path: expected a positive whole number");
  return *n;
}

}  // namespace faultline::server
