// The HTTP API over real HTTP on loopback: every route with every role
// (401 without a token, 403 for the wrong role, success for the right one),
// conflicting edits (409), missing If-Match (428), oversized bodies (413),
// malformed filters (400), SQL-injection strings in every parameter, path
// traversal on static files, CSRF on session writes, rate limits, the audit
// log, streamed exports, map clustering, pagination and sorting — on SQLite,
// and a smoke pass on a throwaway PostgreSQL (support/pg_server).
#include <httplib.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <initializer_list>
#include <map>
#include <regex>
#include <sstream>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "analysis/stats.h"
#include "common/date.h"
#include "faultline/claim.h"
#include "faultline/phase.h"
#include "faultline/store.h"
#include "plan/allocate.h"
#include "server/accounts.h"
#include "server/server.h"
#include "support/incident_dom.h"
#include "support/pg_server.h"

namespace faultline::server {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

std::string UrlEncode(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

Incident MakeIncident(const std::string& key, const std::string& date, const std::string& admin1, int killed,
                      IncidentStatus status, double lat, double lon) {
  Incident inc;
  inc.source_key = key;
  auto d = CivilDate::Parse(date);
  inc.date = inc.date_end = d->days();
  inc.country = "PK";
  inc.admin1 = admin1;
  inc.place = admin1 == "Balochistan" ? "Quetta" : "Peshawar";
  inc.lat = lat;
  inc.lon = lon;
  inc.geo_precision = GeoPrecision::kNear;
  inc.event_type = EventType::kExplosionsRemoteViolence;
  inc.attack_type = AttackType::kSuicideBombing;
  inc.target = TargetCategory::kPolice;
  inc.status = status;
  inc.casualties.Killed(CasualtyCategory::kCivilians).best = killed;
  inc.license = "project";
  inc.provenance.importer = "test";
  Source s;
  s.outlet = "Test Times";
  s.headline = "Blast in " + admin1;
  s.evidence.push_back(Evidence{"killed.civilians", 10, 20, 0.9});
  inc.sources.push_back(s);
  return inc;
}

// One server on a fresh database, with a viewer, an analyst and an admin.
class ApiServer {
 public:
  static std::unique_ptr<ApiServer> Start(const std::string& uri, ServerOptions opt = {}) {
    auto s = std::unique_ptr<ApiServer>(new ApiServer());
    s->uri_ = uri;
    {
      auto store = Store::Open(uri);
      EXPECT_TRUE(store.ok()) << store.status().ToString();
      if (!store.ok()) return nullptr;
      int n = 0;
      for (const auto& [admin1, lat, lon] : std::vector<std::tuple<std::string, double, double>>{
               {"Balochistan", 30.2, 67.0}, {"Khyber Pakhtunkhwa", 34.0, 71.5}}) {
        for (int i = 0; i < 6; ++i, ++n) {
          Incident inc = MakeIncident("test:" + std::to_string(n), "2020-0" + std::to_string(1 + i % 9) + "-1" + std::to_string(i),
                                      admin1, n * 3 % 7, i < 2 ? IncidentStatus::kCandidate : IncidentStatus::kConfirmed,
                                      lat + i * 0.01, lon + i * 0.01);
          auto r = (*store)->Upsert(&inc, Change{"seed", ""});
          EXPECT_TRUE(r.ok()) << r.status().ToString();
          s->ids_.push_back(inc.id);
        }
      }
    }
    {
      // A phase inside the data and a published figure about it, for the
      // measure routes.
      auto store = Store::Open(uri);
      Phase ph;
      ph.key = "test-ceasefire";
      ph.type = PhaseType::kCeasefire;
      ph.name = "test ceasefire";
      ph.country = "PK";
      ph.start = CivilDate::Parse("2020-03-01")->days();
      ph.end = CivilDate::Parse("2020-04-15")->days();
      EXPECT_TRUE((*store)->UpsertPhase(&ph).ok());
      Claim cl;
      cl.key = "test:attacks-2020";
      cl.source = "Test Institute";
      cl.metric = ClaimMetric::kAttacks;
      cl.filters = "country=PK";
      cl.period = "2020";
      EXPECT_TRUE(ParseClaimPeriod(cl.period, &cl.date_from, &cl.date_to).ok());
      cl.value = 10;
      auto w = (*store)->UpsertClaim(&cl);
      EXPECT_TRUE(w.ok()) << w.status().ToString();
    }
    auto accounts = Accounts::Open(uri);
    EXPECT_TRUE(accounts.ok()) << accounts.status().ToString();
    if (!accounts.ok()) return nullptr;
    for (Role r : {Role::kViewer, Role::kAnalyst, Role::kAdmin}) {
      std::string name(Name(r));
      EXPECT_TRUE((*accounts)->AddUser(name, r, "test", "password-" + name).ok());
      s->tokens_[r] = (*accounts)->IssueToken(name, "test", "test").value();
    }
    opt.db_uri = uri;
    opt.port = 0;
    opt.web_dir = std::string(FAULTLINE_SOURCE_DIR) + "/web";
    if (opt.rate_per_second == ServerOptions{}.rate_per_second) opt.rate_per_second = 0;
    auto srv = Server::Create(opt);
    EXPECT_TRUE(srv.ok()) << srv.status().ToString();
    if (!srv.ok()) return nullptr;
    s->server_ = std::move(srv).value();
    s->port_ = s->server_->Bind().value();
    s->thread_ = std::thread([p = s.get()] { EXPECT_TRUE(p->server_->Run().ok()); });
    return s;
  }
  ~ApiServer() {
    if (server_) server_->Stop();
    if (thread_.joinable()) thread_.join();
  }

  httplib::Client Client() const {
    httplib::Client c("127.0.0.1", port_);
    c.set_url_encode(false);
    c.set_read_timeout(60, 0);
    return c;
  }
  httplib::Headers Auth(std::optional<Role> r) const {
    if (!r) return {};
    return {{"Authorization", "Bearer " + tokens_.at(*r)}};
  }
  // One request as `role` (nullopt: anonymous).
  httplib::Result Call(const std::string& method, const std::string& path, std::optional<Role> role,
                       const std::string& body = "", httplib::Headers extra = {}) const {
    auto c = Client();
    httplib::Headers h = Auth(role);
    h.insert(extra.begin(), extra.end());
    if (method == "GET") return c.Get(path, h);
    if (method == "POST") return c.Post(path, h, body, "application/json");
    if (method == "PUT") return c.Put(path, h, body, "application/json");
    return c.Delete(path, h, body, "application/json");
  }
  const std::vector<int64_t>& ids() const { return ids_; }
  const Server& server() const { return *server_; }
  const std::string& uri() const { return uri_; }
  int64_t CubeLoads() const { return server_->CubeLoads(); }
  int port() const { return port_; }

 private:
  ApiServer() = default;
  std::string uri_;
  std::vector<int64_t> ids_;
  std::map<Role, std::string> tokens_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
  int port_ = 0;
};

Json BodyOf(const httplib::Result& r) {
  if (!r) return Json();
  try {
    return Json::parse(r->body);
  } catch (...) {
    return Json();
  }
}

// A 400 invalid_argument (as the admin) whose message names `what`.
void ExpectRejected(const ApiServer& api, const std::string& method, const std::string& path, const std::string& body,
                    const std::string& what) {
  auto r = api.Call(method, path, Role::kAdmin, body);
  ASSERT_TRUE(r) << path;
  EXPECT_EQ(r->status, 400) << method << " " << path << " " << body << ": " << r->body;
  Json j = BodyOf(r);
  EXPECT_EQ(j["code"], "invalid_argument") << path;
  EXPECT_NE(j.value("message", "").find(what), std::string::npos) << path << " " << body << ": " << j.dump();
}

// A 413 payload_too_large (as the admin) for `body` POSTed to each of `paths`.
void ExpectTooLarge(const ApiServer& api, std::initializer_list<const char*> paths, const std::string& body) {
  for (const char* path : paths) {
    auto r = api.Call("POST", path, Role::kAdmin, body);
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 413) << path;
    EXPECT_EQ(BodyOf(r)["code"], "payload_too_large") << path;
  }
}

// Only `least` and the roles above it get past the role check: anonymous
// callers get 401 unauthenticated, lower roles 403 forbidden.
void ExpectOnlyFrom(const ApiServer& api, const std::string& method, const std::string& path, Role least,
                    const std::string& body = "") {
  auto anon = api.Call(method, path, std::nullopt, body);
  ASSERT_TRUE(anon) << path;
  EXPECT_EQ(anon->status, 401) << method << " " << path;
  EXPECT_EQ(BodyOf(anon)["code"], "unauthenticated") << path;
  for (Role r : {Role::kViewer, Role::kAnalyst}) {
    if (static_cast<int>(r) >= static_cast<int>(least)) continue;
    auto denied = api.Call(method, path, r, body);
    ASSERT_TRUE(denied) << path;
    EXPECT_EQ(denied->status, 403) << method << " " << path << " as " << Name(r);
    EXPECT_EQ(BodyOf(denied)["code"], "forbidden") << path;
  }
}

class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = (fs::temp_directory_path() /
           ("fl-api-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db"))
              .string();
    Clean();
  }
  void TearDown() override {
    api_.reset();
    Clean();
  }
  void Clean() {
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db_ + suffix);
  }
  void StartServer(ServerOptions opt = {}) {
    api_ = ApiServer::Start(db_, opt);
    ASSERT_NE(api_, nullptr);
  }
  std::string db_;
  std::unique_ptr<ApiServer> api_;
};

// A request that passes as the least role docs/openapi.yaml gives its
// operation (x-faultline-role), with the status it then gets.
struct RouteCase {
  std::string method;
  std::string path;  // {cN} is replaced with the n-th seeded incident's id
  int ok_status;
  std::string body;
};

// {c0}..{c11}: the id of the n-th seeded incident (0, 1, 6, 7 are candidates).
std::string Fill(std::string s, const std::vector<int64_t>& ids) {
  for (size_t n = ids.size(); n-- > 0;) {
    std::string key = "{c" + std::to_string(n) + "}";
    for (size_t p; (p = s.find(key)) != std::string::npos;) s.replace(p, key.size(), std::to_string(ids[n]));
  }
  return s;
}

// A small border for patrol plans: three segments, two units.
const std::string kBorderPlan = Json{{"kind", "patrol"},
                                     {"border_name", "test border"},
                                     {"border_csv", "id,name,length_km,risk,terrain\nn,North,100,80,2\nm,Middle,"
                                                    "150,40,1\ns,South,120,90,1.5\n"},
                                     {"units", 1},
                                     {"range_km", 200},
                                     {"days", 5}}
                                    .dump();

// A request for every operation of docs/openapi.yaml, in an order that works
// (later cases use what earlier ones made).
std::vector<RouteCase> AllRoutes() {
  return {
      {"GET", "/api/v1/health", 200, ""},
      {"GET", "/api/v1/openapi.yaml", 200, ""},
      {"POST", "/api/v1/session", 200, R"({"name":"viewer","password":"password-viewer"})"},
      {"GET", "/api/v1/session", 200, ""},
      {"GET", "/api/v1/vocabulary", 200, ""},
      {"GET", "/api/v1/incidents?limit=5", 200, ""},
      {"GET", "/api/v1/incidents/{c3}", 200, ""},
      {"GET", "/api/v1/incidents.geojson", 200, ""},
      {"GET", "/api/v1/stats?by=admin1", 200, ""},
      {"GET", "/api/v1/timeseries?interval=month", 200, ""},
      {"GET", "/api/v1/export?format=ndjson", 200, ""},
      {"GET", "/api/v1/review", 200, ""},
      {"POST", "/api/v1/incidents", 201,
       R"({"date":"2021-05-01","country":"PK","admin1":"Sindh","event_type":"battles","attack_type":"armed_assault",)"
       R"("target":"police","license":"project","status":"confirmed","geo_precision":"province"})"},
      {"PUT", "/api/v1/incidents/{c3}", 200, "PUT"},
      {"POST", "/api/v1/review/{c0}/accept", 200, "{}"},
      {"POST", "/api/v1/review/{c1}/reject", 200, "{}"},
      {"POST", "/api/v1/review/{c2}/edit", 200, R"({"set":{"killed.civilians":"9"},"reason":"recount"})"},
      {"POST", "/api/v1/review/{c6}/merge", 200, R"({"others":[{c7}]})"},
      {"POST", "/api/v1/review/{c6}/split", 200, "{}"},
      {"GET", "/api/v1/audit", 200, ""},
      {"GET", "/api/v1/users", 200, ""},
      {"POST", "/api/v1/users", 201, R"({"name":"newcomer","role":"viewer"})"},
      {"POST", "/api/v1/users/viewer/tokens", 201, R"({"label":"script"})"},
      {"DELETE", "/api/v1/users/newcomer/tokens", 200, ""},
      {"GET", "/api/v1/claims", 200, ""},
      {"POST", "/api/v1/claims/check", 200, "{}"},
      {"GET", "/api/v1/phases", 200, ""},
      {"POST", "/api/v1/phases", 201,
       R"({"key":"talks-2020","type":"talks","name":"talks","start":"2020-05-01","end":"2020-05-20"})"},
      {"GET", "/api/v1/changepoints?by=week", 200, ""},
      {"GET", "/api/v1/effects?at=2020-03-01&by=week&slope=false&season=false", 200, ""},
      {"POST", "/api/v1/forecasts?model=rolling-nb&period=week&horizon=2", 201, ""},
      {"GET", "/api/v1/forecasts", 200, ""},
      {"GET", "/api/v1/backtests?period=week&origins=2&horizon=1&models=rolling-nb", 200, ""},
      {"GET", "/api/v1/alerts?period=week", 200, ""},
      {"POST", "/api/v1/plans", 201, kBorderPlan},
      // From the forecast run above, with unit kinds.
      {"POST", "/api/v1/plans", 201,
       R"({"kind":"allocate","from_forecast":true,"horizon":2,"unit_kinds":[{"kind":"police","count":1}],"days":2})"},
      {"GET", "/api/v1/plans", 200, ""},
      {"GET", "/api/v1/plans/1", 200, ""},
      {"GET", "/api/v1/plans/1/schedule", 200, ""},
      {"GET", "/api/v1/plans/1/seed", 200, ""},
      {"DELETE", "/api/v1/session", 400, ""},  // a token is not a session: 400 at the least role
  };
}

// An operation of docs/openapi.yaml or of the server: "GET /plans/{}" (path
// parameters blanked, after /api/v1) and the least role.
struct Operation {
  std::string key, role;
};

// The operations under `paths:` of the served openapi.yaml, each with its
// x-faultline-role.
std::vector<Operation> DocumentedOperations(const std::string& yaml) {
  std::vector<Operation> out;
  std::istringstream in(yaml);
  std::string line, path;
  bool in_paths = false;
  const std::regex path_line(R"(^  (/\S*):\s*$)"), method_line(R"(^    (get|post|put|delete|patch|head):\s*$)"),
      role_line(R"(^      x-faultline-role:\s*(\w+)\s*$)"), param(R"(\{[^}]*\})");
  std::smatch m;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] != ' ' && line[0] != '#') in_paths = line.starts_with("paths:");
    if (!in_paths) continue;
    if (std::regex_match(line, m, path_line)) {
      path = std::regex_replace(m[1].str(), param, "{}");
    } else if (std::regex_match(line, m, method_line)) {
      std::string method = m[1].str();
      for (char& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      out.push_back({method + " " + path, ""});
    } else if (std::regex_match(line, m, role_line) && !out.empty()) {
      out.back().role = m[1].str();
    }
  }
  return out;
}

// The operations the server registered, with their regex groups blanked.
std::vector<Operation> ServedOperations(const Server& server) {
  std::vector<Operation> out;
  const std::regex group(R"(\([^)]*\))");
  for (const auto& r : server.Routes()) {
    std::string p = r.pattern;
    EXPECT_TRUE(p.starts_with("/api/v1/")) << p;
    p = std::regex_replace(p.substr(7), group, "{}");
    for (size_t at; (at = p.find("\\.")) != std::string::npos;) p.replace(at, 2, ".");
    out.push_back({r.method + " " + p, r.role});
  }
  return out;
}

// The operation a case exercises, as DocumentedOperations writes it:
// "GET /incidents/{}" (query dropped, ids and user names blanked).
std::string OperationOf(const RouteCase& rc) {
  std::string p = rc.path.substr(std::string("/api/v1").size());
  p = p.substr(0, p.find('?'));
  static const std::regex id(R"(/(\{c\d+\}|\d+)(?=/|$))"), user(R"(^/users/[^/]+/)");
  p = std::regex_replace(std::regex_replace(p, id, "/{}"), user, "/users/{}/");
  return rc.method + " " + p;
}

// Every operation of docs/openapi.yaml against every caller: anonymous and a
// forged token get 401 unless the operation is public, the roles below its
// x-faultline-role 403, and that role and those above pass the role check
// (the least role gets the case's status; a higher one, on a write, a body
// the route refuses, so nothing changes twice).
TEST_F(ApiTest, EveryRouteChecksEveryRole) {
  StartServer();
  auto doc = api_->Call("GET", "/api/v1/openapi.yaml", std::nullopt);
  ASSERT_TRUE(doc);
  ASSERT_EQ(doc->status, 200);
  std::map<std::string, std::string> roles;
  for (const Operation& o : DocumentedOperations(doc->body)) roles.emplace(o.key, o.role);
  ASSERT_GT(roles.size(), 30u) << "docs/openapi.yaml: paths not found";
  const std::vector<Role> all = {Role::kViewer, Role::kAnalyst, Role::kAdmin};
  std::set<std::string> checked;
  for (const RouteCase& rc : AllRoutes()) {
    std::string path = Fill(rc.path, api_->ids());
    std::string body = Fill(rc.body, api_->ids());
    const std::string op = OperationOf(rc), label = rc.method + " " + path;
    auto documented = roles.find(op);
    if (documented == roles.end()) {
      ADD_FAILURE() << label << ": " << op << " is not in docs/openapi.yaml";
      continue;
    }
    checked.insert(op);
    std::optional<Role> least;
    if (documented->second != "public") {
      auto r = ParseRole(documented->second);
      ASSERT_TRUE(r.ok()) << op << ": x-faultline-role " << documented->second;
      least = *r;
    }
    httplib::Headers extra;
    if (body == "PUT") {
      auto got = api_->Call("GET", path, Role::kViewer);
      ASSERT_TRUE(got);
      Json inc = BodyOf(got)["incident"];
      inc["notes"] = "checked";
      body = inc.dump();
      extra = {{"If-Match", got->get_header_value("ETag")}};
    }
    if (least) {
      auto anon = api_->Call(rc.method, path, std::nullopt, body, extra);
      ASSERT_TRUE(anon) << label;
      EXPECT_EQ(anon->status, 401) << label;
      EXPECT_EQ(BodyOf(anon)["code"], "unauthenticated") << label;
      auto bad = api_->Call(rc.method, path, std::nullopt, body,
                            {{"Authorization", "Bearer flt_000000000000000000000000_forged"}});
      ASSERT_TRUE(bad);
      EXPECT_EQ(bad->status, 401) << label;
    }
    for (Role r : all) {
      if (least && r == *least) continue;
      const bool below = least && static_cast<int>(r) < static_cast<int>(*least);
      const bool reads = rc.method == "GET";
      auto got = api_->Call(rc.method, path, r, below || reads ? body : "{", extra);
      ASSERT_TRUE(got) << label;
      if (below) {
        EXPECT_EQ(got->status, 403) << label << " as " << Name(r);
        EXPECT_EQ(BodyOf(got)["code"], "forbidden") << label;
      } else if (reads) {
        EXPECT_EQ(got->status, rc.ok_status) << label << " as " << Name(r) << ": " << got->body.substr(0, 300);
      } else {
        EXPECT_NE(got->status, 401) << label << " as " << Name(r);
        EXPECT_NE(got->status, 403) << label << " as " << Name(r) << ": " << got->body.substr(0, 300);
        EXPECT_LT(got->status, 500) << label << " as " << Name(r) << ": " << got->body.substr(0, 300);
      }
    }
    auto ok = api_->Call(rc.method, path, least, body, extra);
    ASSERT_TRUE(ok) << label;
    EXPECT_EQ(ok->status, rc.ok_status) << label << ": " << ok->body.substr(0, 300);
  }
  for (const auto& [op, role] : roles) EXPECT_TRUE(checked.contains(op)) << "no case checks the roles of " << op;
}

TEST_F(ApiTest, OpenApiDocumentsExactlyTheServedRoutesWithTheirRoles) {
  StartServer();
  auto r = api_->Call("GET", "/api/v1/openapi.yaml", std::nullopt);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  std::vector<Operation> documented = DocumentedOperations(r->body), served = ServedOperations(api_->server());
  ASSERT_GT(documented.size(), 30u) << "docs/openapi.yaml: paths not found";
  std::map<std::string, std::string> doc_roles, served_roles;
  for (const auto& o : documented) {
    EXPECT_TRUE(doc_roles.emplace(o.key, o.role).second) << "documented twice: " << o.key;
    EXPECT_FALSE(o.role.empty()) << o.key << ": no x-faultline-role";
  }
  for (const auto& o : served) served_roles.emplace(o.key, o.role);
  for (const auto& [key, role] : served_roles) {
    auto it = doc_roles.find(key);
    if (it == doc_roles.end()) {
      ADD_FAILURE() << "served but not in docs/openapi.yaml: " << key;
    } else {
      EXPECT_EQ(it->second, role) << key << ": the role documented is not the role the server asks for";
    }
  }
  // Every documented operation reaches a handler: whatever it answers (400 for
  // a missing body, 404 for an unknown id), it is not the server's "no route".
  for (const auto& [key, role] : doc_roles) {
    EXPECT_TRUE(served_roles.contains(key)) << "documented but not served: " << key;
    const std::string method = key.substr(0, key.find(' '));
    std::string path = "/api/v1" + key.substr(key.find(' ') + 1);
    for (size_t at; (at = path.find("{}")) != std::string::npos;) {
      path.replace(at, 2, path.starts_with("/api/v1/users/") ? "nobody-here" : "999999");
    }
    auto got = api_->Call(method, path, Role::kAdmin);
    ASSERT_TRUE(got) << key;
    const bool no_route = got->status == 404 && BodyOf(got).value("message", "").starts_with("no route for");
    EXPECT_FALSE(no_route) << key << " -> " << got->status << " " << got->body;
    EXPECT_NE(got->status, 405) << key;
  }
}

TEST_F(ApiTest, ConflictingEditsGet409AndMissingIfMatchGets428) {
  StartServer();
  std::string path = "/api/v1/incidents/" + std::to_string(api_->ids()[4]);
  auto got = api_->Call("GET", path, Role::kAnalyst);
  ASSERT_TRUE(got);
  std::string etag = got->get_header_value("ETag");
  Json inc = BodyOf(got)["incident"];
  inc["notes"] = "first edit";
  auto first = api_->Call("PUT", path, Role::kAnalyst, inc.dump(), {{"If-Match", etag}});
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 200) << first->body;
  EXPECT_NE(first->get_header_value("ETag"), etag);
  inc["notes"] = "second edit from a stale copy";
  auto second = api_->Call("PUT", path, Role::kAdmin, inc.dump(), {{"If-Match", etag}});
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 409) << second->body;
  EXPECT_EQ(BodyOf(second)["code"], "conflict");
  auto none = api_->Call("PUT", path, Role::kAnalyst, inc.dump());
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 428);
  // The review actions honour the version too.
  auto stale = api_->Call("POST", "/api/v1/review/" + std::to_string(api_->ids()[4]) + "/reject", Role::kAnalyst,
                          R"({"version":1})");
  ASSERT_TRUE(stale);
  EXPECT_EQ(stale->status, 409) << stale->body;
  auto now = BodyOf(api_->Call("GET", path, Role::kViewer));
  EXPECT_EQ(now["incident"]["notes"], "first edit");
  EXPECT_EQ(now["history"].size(), 2u);
  EXPECT_EQ(now["history"][1]["changed_by"], "analyst");
}

// No write of the API stores an incident that ends before it starts (the
// news window, Store::ScanNewsWindow, bounds on date_end and relies on it):
// create and edit are refused with 400 naming date_end and store nothing,
// and a review edit of the date moves the end with it.
TEST_F(ApiTest, AnEndBeforeTheStartIsNeverStored) {
  StartServer();
  const std::string create =
      R"({"date":"2021-05-10","date_end":"2021-05-01","country":"PK","admin1":"Sindh","event_type":"battles",)"
      R"("attack_type":"armed_assault","target":"police","license":"project","status":"confirmed",)"
      R"("geo_precision":"province"})";
  ExpectRejected(*api_, "POST", "/api/v1/incidents", create, "date_end");
  auto may = BodyOf(api_->Call("GET", "/api/v1/incidents?from=2021-04-01&to=2021-06-30", Role::kViewer));
  EXPECT_EQ(may["incidents"].size(), 0u) << may.dump();

  const std::string path = "/api/v1/incidents/" + std::to_string(api_->ids()[4]);
  auto got = api_->Call("GET", path, Role::kAnalyst);
  ASSERT_TRUE(got);
  const Json before = BodyOf(got)["incident"];
  const int32_t start = CivilDate::Parse(before["date"].get<std::string>())->days();
  Json inc = before;
  inc["date_end"] = CivilDate(start - 1).ToString();
  auto bad = api_->Call("PUT", path, Role::kAnalyst, inc.dump(), {{"If-Match", got->get_header_value("ETag")}});
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400) << bad->body;
  EXPECT_NE(BodyOf(bad).value("message", "").find("date_end"), std::string::npos) << bad->body;
  EXPECT_EQ(BodyOf(api_->Call("GET", path, Role::kViewer))["incident"], before);

  // A span is fine; a review edit that sets the date past its end makes a
  // single day of it.
  inc["date_end"] = CivilDate(start + 5).ToString();
  auto span = api_->Call("PUT", path, Role::kAnalyst, inc.dump(), {{"If-Match", got->get_header_value("ETag")}});
  ASSERT_TRUE(span);
  ASSERT_EQ(span->status, 200) << span->body;
  EXPECT_EQ(BodyOf(span)["incident"]["date_end"], CivilDate(start + 5).ToString());
  const std::string later = CivilDate(start + 10).ToString();
  auto edit = api_->Call("POST", "/api/v1/review/" + std::to_string(api_->ids()[4]) + "/edit", Role::kAnalyst,
                         Json{{"set", {{"date", later}}}, {"reason", "date corrected"}}.dump());
  ASSERT_TRUE(edit);
  ASSERT_EQ(edit->status, 200) << edit->body;
  const Json now = BodyOf(api_->Call("GET", path, Role::kViewer))["incident"];
  EXPECT_EQ(now["date"], later);
  EXPECT_FALSE(now.contains("date_end")) << now.dump();  // written only when it differs from date
}

TEST_F(ApiTest, OversizedBodiesGet413) {
  ServerOptions opt;
  opt.max_body_bytes = 4096;
  StartServer(opt);
  std::string big = R"({"name":"x","password":")" + std::string(10000, 'a') + "\"}";
  ExpectTooLarge(*api_, {"/api/v1/session", "/api/v1/incidents", "/api/v1/review/1/edit"}, big);
}

TEST_F(ApiTest, MalformedFiltersGet400WithAMessageNamingTheParameter) {
  StartServer();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"/api/v1/incidents?from=2020-13-45", "from"},
      {"/api/v1/incidents?from=2021-01-01&to=2020-01-01", "from"},
      {"/api/v1/incidents?bbox=1,2,3", "bbox"},
      {"/api/v1/incidents?bbox=a,b,c,d", "bbox"},
      {"/api/v1/incidents?bbox=10,10,0,0", "bbox"},
      {"/api/v1/incidents?limit=0", "limit"},
      {"/api/v1/incidents?limit=1000000", "limit"},
      {"/api/v1/incidents?limit=ten", "limit"},
      {"/api/v1/incidents?min_killed=-5", "min_killed"},
      {"/api/v1/incidents?event_type=picnic", "event_type"},
      {"/api/v1/incidents?attack_type=picnic", "attack_type"},
      {"/api/v1/incidents?target=picnic", "target"},
      {"/api/v1/incidents?status=lost", "status"},
      {"/api/v1/incidents?country=Atlantis", "country"},
      {"/api/v1/incidents?sort=mood", "sort"},
      {"/api/v1/incidents?order=sideways", "order"},
      {"/api/v1/incidents?cursor=xyz", "cursor"},
      {"/api/v1/incidents?sort=date&cursor=12", "cursor"},
      {"/api/v1/incidents?colour=red", "colour"},
      {"/api/v1/incidents?limit=1&limit=2", "limit"},
      {"/api/v1/incidents?text=" + std::string(300, 'x'), "text"},
      {"/api/v1/incidents?text=%FF%FE", "text"},
      {"/api/v1/incidents.geojson?zoom=99", "zoom"},
      {"/api/v1/incidents.geojson?cluster=maybe", "cluster"},
      {"/api/v1/stats?by=mood", "by"},
      {"/api/v1/stats?by=year,month,day,admin1", "by"},
      {"/api/v1/stats?measure=happiness", "measure"},
      {"/api/v1/timeseries?interval=hour", "interval"},
      {"/api/v1/export?format=pdf", "format"},
      {"/api/v1/review?limit=-1", "limit"},
      {"/api/v1/audit?limit=abc", "limit"},
  };
  for (const auto& [path, param] : cases) ExpectRejected(*api_, "GET", path, "", param);
  // Bodies too.
  for (const auto& [path, body] : std::vector<std::pair<std::string, std::string>>{
           {"/api/v1/incidents", "not json"},
           {"/api/v1/incidents", "[1,2]"},
           {"/api/v1/incidents", R"({"date":"2020-02-30","country":"PK","license":"project"})"},
           {"/api/v1/incidents", R"({"date":"2020-01-01","country":"PK","license":"project","colour":"red"})"},
           {"/api/v1/review/1/edit", R"({"set":{"mood":"happy"}})"},
           {"/api/v1/review/1/merge", R"({"others":"all"})"},
           {"/api/v1/users", R"({"name":"x y","role":"viewer"})"},
           {"/api/v1/users", R"({"name":"ok","role":"emperor"})"}}) {
    auto r = api_->Call("POST", path, Role::kAdmin, body);
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 400) << path << " " << body << ": " << r->body;
  }
}

TEST_F(ApiTest, SqlInjectionStringsInEveryParameterAreData) {
  StartServer();
  const std::vector<std::string> attacks = {
      "' OR '1'='1", "1; DROP TABLE incidents; --", "\" OR \"\"=\"", "') UNION SELECT * FROM users --",
      "1' AND SLEEP(5) --", "%' OR 1=1 --", "admin'--", "\\'; DELETE FROM credentials; --", "*) OR 1=1 --",
      "\"fts\" OR NEAR(a b)", "1 OR 1=1"};
  const std::vector<std::string> params = {
      "from", "to", "country", "admin1", "admin2", "perpetrator", "with_affiliates", "no_former", "event_type",
      "attack_type", "target", "min_killed", "text", "bbox", "status", "source", "license", "sort", "order",
      "cursor", "limit", "total"};
  int64_t before = 0;
  {
    auto store = Store::Open(db_);
    before = (*store)->Count(Filter{.statuses = {IncidentStatus::kCandidate, IncidentStatus::kConfirmed,
                                                 IncidentStatus::kRejected, IncidentStatus::kMerged}})
                 .value();
  }
  int rejected = 0, answered = 0;
  for (const std::string route : {"/api/v1/incidents", "/api/v1/stats", "/api/v1/incidents.geojson",
                                   "/api/v1/timeseries", "/api/v1/export"}) {
    for (const std::string& p : params) {
      if (route != "/api/v1/incidents" && (p == "sort" || p == "order" || p == "cursor" || p == "total")) continue;
      if (route != "/api/v1/incidents" && route != "/api/v1/export" && p == "limit") continue;
      for (const std::string& a : attacks) {
        std::string path = route + "?" + p + "=" + UrlEncode(a);
        auto r = api_->Call("GET", path, Role::kViewer);
        ASSERT_TRUE(r) << path;
        EXPECT_TRUE(r->status == 200 || r->status == 400) << path << " -> " << r->status << " " << r->body;
        if (r->status == 400) {
          ++rejected;
          EXPECT_EQ(BodyOf(r)["code"], "invalid_argument") << path;
        } else {
          ++answered;
          // A string matched as data finds nothing (no incident has these names).
          if (route == "/api/v1/incidents" && (p == "admin1" || p == "text" || p == "perpetrator")) {
            EXPECT_EQ(BodyOf(r)["incidents"].size(), 0u) << path;
          }
        }
      }
    }
  }
  EXPECT_GT(rejected, 0);
  EXPECT_GT(answered, 0);
  // Path, body and header positions.
  for (const std::string& a : attacks) {
    auto r = api_->Call("GET", "/api/v1/incidents/" + UrlEncode(a), Role::kViewer);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 404) << a;
    auto edit = api_->Call("POST", "/api/v1/review/" + std::to_string(api_->ids()[0]) + "/edit", Role::kAnalyst,
                           Json{{"set", {{"notes", a}}}, {"reason", a}}.dump());
    ASSERT_TRUE(edit);
    EXPECT_EQ(edit->status, 200) << edit->body;
    EXPECT_EQ(BodyOf(edit)["incident"]["notes"], a);
    auto signin = api_->Call("POST", "/api/v1/session", std::nullopt, Json{{"name", a}, {"password", a}}.dump());
    ASSERT_TRUE(signin);
    EXPECT_TRUE(signin->status == 401 || signin->status == 429) << signin->status;
    auto token = api_->Call("GET", "/api/v1/incidents", std::nullopt, "", {{"Authorization", "Bearer " + a}});
    ASSERT_TRUE(token);
    EXPECT_EQ(token->status, 401);
    auto user = api_->Call("POST", "/api/v1/users/" + UrlEncode(a) + "/tokens", Role::kAdmin, "{}");
    ASSERT_TRUE(user);
    EXPECT_EQ(user->status, 404);
  }
  auto store = Store::Open(db_);
  EXPECT_EQ((*store)->Count(Filter{.statuses = {IncidentStatus::kCandidate, IncidentStatus::kConfirmed,
                                                IncidentStatus::kRejected, IncidentStatus::kMerged}})
                .value(),
            before);
  auto health = api_->Call("GET", "/api/v1/users", Role::kAdmin);
  ASSERT_TRUE(health);
  EXPECT_EQ(BodyOf(health)["users"].size(), 3u);
}

TEST_F(ApiTest, StaticFilesStayInsideTheirFolders) {
  StartServer();
  auto index = api_->Call("GET", "/", std::nullopt);
  ASSERT_TRUE(index);
  EXPECT_EQ(index->status, 200);
  EXPECT_NE(index->body.find("<html"), std::string::npos);
  EXPECT_NE(index->get_header_value("Content-Security-Policy").find("default-src 'self'"), std::string::npos);
  auto leaflet = api_->Call("GET", "/vendor/leaflet/leaflet.js", std::nullopt);
  ASSERT_TRUE(leaflet);
  EXPECT_EQ(leaflet->status, 200);
  for (const char* p : {"/app/../../../../etc/passwd", "/app/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
                        "/vendor/leaflet/..%2f..%2f..%2fpackage.json", "/vendor/leaflet/../package.json",
                        "/app/..%5c..%5cetc%5cpasswd", "/..%2f..%2f..%2fetc%2fpasswd", "/%2e%2e/%2e%2e/etc/passwd",
                        "/app/%00index.html", "/node_modules/playwright-core/package.json", "/app/.git/config",
                        "/vendor/world-atlas/../../../CMakeLists.txt", "/../../etc/passwd",
                        "/app/./../../test/browser/run.sh", "/api/../app/index.html/../../../etc/passwd"}) {
    auto r = api_->Call("GET", p, std::nullopt);
    ASSERT_TRUE(r) << p;
    EXPECT_NE(r->status, 200) << p;
    EXPECT_EQ(r->body.find("root:"), std::string::npos) << p;
    EXPECT_EQ(r->body.find("\"name\""), std::string::npos) << p;
  }
}

TEST_F(ApiTest, SessionsNeedCsrfOnWritesAndCookiesAreHttpOnlyStrict) {
  StartServer();
  auto c = api_->Client();
  auto bad = c.Post("/api/v1/session", R"({"name":"analyst","password":"nope"})", "application/json");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 401);
  auto r = c.Post("/api/v1/session", R"({"name":"analyst","password":"password-analyst"})", "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  std::string cookie = r->get_header_value("Set-Cookie");
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
  std::string session = cookie.substr(0, cookie.find(';'));
  std::string csrf = BodyOf(r)["csrf_token"];
  httplib::Headers h = {{"Cookie", session}};
  auto me = c.Get("/api/v1/session", h);
  ASSERT_TRUE(me);
  EXPECT_EQ(BodyOf(me)["name"], "analyst");
  EXPECT_EQ(BodyOf(me)["csrf_token"], csrf);
  std::string accept = "/api/v1/review/" + std::to_string(api_->ids()[0]) + "/accept";
  auto no_csrf = c.Post(accept, h, "{}", "application/json");
  ASSERT_TRUE(no_csrf);
  EXPECT_EQ(no_csrf->status, 403);
  EXPECT_EQ(BodyOf(no_csrf)["code"], "csrf");
  auto wrong = c.Post(accept, {{"Cookie", session}, {"X-CSRF-Token", std::string(64, '0')}}, "{}", "application/json");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 403);
  auto form = c.Post(accept, {{"Cookie", session}, {"X-CSRF-Token", csrf}}, "a=b", "application/x-www-form-urlencoded");
  ASSERT_TRUE(form);
  EXPECT_EQ(form->status, 400);  // JSON only: a cross-site form cannot send it
  auto ok = c.Post(accept, {{"Cookie", session}, {"X-CSRF-Token", csrf}}, "{}", "application/json");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200) << ok->body;
  auto out = c.Delete("/api/v1/session", {{"Cookie", session}, {"X-CSRF-Token", csrf}});
  ASSERT_TRUE(out);
  EXPECT_EQ(out->status, 200);
  auto after = c.Get("/api/v1/session", h);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 401);
}

TEST_F(ApiTest, RateLimitPerToken) {
  ServerOptions opt;
  opt.rate_per_second = 0.01;
  opt.rate_burst = 3;
  StartServer(opt);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(api_->Call("GET", "/api/v1/session", Role::kViewer)->status, 200);
  auto r = api_->Call("GET", "/api/v1/session", Role::kViewer);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 429);
  EXPECT_EQ(BodyOf(r)["code"], "rate_limited");
  EXPECT_FALSE(r->get_header_value("Retry-After").empty());
  EXPECT_EQ(api_->Call("GET", "/api/v1/session", Role::kAnalyst)->status, 200);  // another token
}

TEST_F(ApiTest, EveryWriteIsAudited) {
  StartServer();
  std::string id = std::to_string(api_->ids()[1]);
  auto r = api_->Call("POST", "/api/v1/review/" + id + "/edit", Role::kAnalyst, R"({"set":["killed.civilians=12"]})");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  auto audit = BodyOf(api_->Call("GET", "/api/v1/audit?limit=5", Role::kAdmin));
  ASSERT_FALSE(audit["entries"].empty());
  const Json& e = audit["entries"][0];
  EXPECT_EQ(e["who"], "analyst");
  EXPECT_EQ(e["action"], "POST /api/v1/review/" + id + "/edit");
  EXPECT_EQ(e["target"], "incident " + id);
  EXPECT_EQ(e["after"]["killed"]["civilians"]["best"], 12);
  EXPECT_NE(e["before"]["killed"]["civilians"]["best"], 12);
  EXPECT_FALSE(e["at"].get<std::string>().empty());
}

TEST_F(ApiTest, ExportsStreamEveryMatchingRow) {
  StartServer();
  auto nd = api_->Call("GET", "/api/v1/export?format=ndjson&admin1=Balochistan", Role::kViewer);
  ASSERT_TRUE(nd);
  ASSERT_EQ(nd->status, 200);
  EXPECT_EQ(std::count(nd->body.begin(), nd->body.end(), '\n'), 6);
  EXPECT_NE(nd->get_header_value("Content-Disposition").find("attachment"), std::string::npos);
  auto csv = api_->Call("GET", "/api/v1/export?format=csv", Role::kViewer);
  ASSERT_TRUE(csv);
  EXPECT_EQ(std::count(csv->body.begin(), csv->body.end(), '\n'), 13);  // header + 12
  auto xlsx = api_->Call("GET", "/api/v1/export?format=xlsx", Role::kViewer);
  ASSERT_TRUE(xlsx);
  EXPECT_EQ(xlsx->status, 200);
  EXPECT_EQ(xlsx->body.substr(0, 2), "PK");
  auto restricted = api_->Call("GET", "/api/v1/export?allow_restricted=true", Role::kAnalyst);
  ASSERT_TRUE(restricted);
  EXPECT_EQ(restricted->status, 403);
}

TEST_F(ApiTest, ListsPageByCursorAndSort) {
  StartServer();
  std::vector<int64_t> seen;
  std::string cursor;
  for (int page = 0; page < 20; ++page) {
    auto j = BodyOf(api_->Call("GET", "/api/v1/incidents?limit=5" + (cursor.empty() ? "" : "&cursor=" + cursor),
                               Role::kViewer));
    for (const auto& inc : j["incidents"]) seen.push_back(inc["id"]);
    if (j["next_cursor"].is_null()) break;
    cursor = j["next_cursor"];
  }
  EXPECT_EQ(seen, api_->ids());
  auto sorted = BodyOf(api_->Call("GET", "/api/v1/incidents?sort=killed&limit=100&total=true", Role::kViewer));
  EXPECT_EQ(sorted["total"], 12);
  int64_t last = INT64_MAX;
  for (const auto& inc : sorted["incidents"]) {
    EXPECT_LE(inc["killed_total"].get<int64_t>(), last);
    last = inc["killed_total"];
  }
  // Sorted pages join up without gaps or repeats.
  std::set<int64_t> ids;
  cursor.clear();
  for (int page = 0; page < 20; ++page) {
    auto j = BodyOf(api_->Call("GET", "/api/v1/incidents?sort=date&order=asc&limit=5" +
                                          (cursor.empty() ? "" : "&cursor=" + cursor),
                               Role::kViewer));
    for (const auto& inc : j["incidents"]) EXPECT_TRUE(ids.insert(inc["id"].get<int64_t>()).second);
    if (j["next_cursor"].is_null()) break;
    cursor = j["next_cursor"];
  }
  EXPECT_EQ(ids.size(), 12u);
}

// The list pages are written straight into the response; they must be the
// bytes the DOM gives (nlohmann ordered_json, the writer they replaced) for
// incidents with every field, none of the optional ones, and text in other
// scripts, with quotes, backslashes and control characters.
TEST_F(ApiTest, IncidentPagesAreTheDomsBytes) {
  StartServer();
  {
    auto store = Store::Open(db_);
    ASSERT_TRUE(store.ok());
    Incident full = MakeIncident("test:full", "2021-03-01", "خیبر پختونخوا", 7, IncidentStatus::kConfirmed, 34.0151234567,
                                 71.52493);
    full.date_end = full.date + 30;
    full.date_precision = 2;  // month
    full.admin2 = "Peshawar \"City\"";
    full.place = "Qissa Khwani — قصہ خوانی \\ bazaar";
    full.sub_event_type = "Suicide bomb\tattack";
    full.perpetrator = "Tehrik-i-Taliban Pakistan";
    full.attribution = Attribution::kClaimed;
    for (size_t c = 0; c < kCasualtyCategories; ++c) {
      full.casualties.killed[c] = {static_cast<int32_t>(c), static_cast<int32_t>(c + 1), static_cast<int32_t>(c + 3)};
    }
    full.casualties.injured[1] = {std::nullopt, 12, std::nullopt};
    full.notes = "line one\nline two \x01 😀 \"quoted\" \\ back\r\n";
    full.sources.push_back(Source{"ڈان", "https://x.example/a?b=1&c=\"2\"", "2021-03-04T10:00:00Z", "Blast — \"7 killed\"",
                                  {Evidence{"killed.police", 0, 12, 0.1 + 0.2}, Evidence{"date", 3, 9, 1e-05}}});
    full.provenance = {"ndjson", "batch-1", "news/2021-03.ndjson", 42};
    Incident bare;
    bare.source_key = "test:bare";
    bare.date = bare.date_end = CivilDate::Parse("2019-12-31")->days();
    bare.country = "AF";
    bare.license = "project";
    for (Incident* inc : {&full, &bare}) {
      auto r = (*store)->Upsert(inc, Change{"seed", ""});
      ASSERT_TRUE(r.ok()) << r.status().ToString();
    }
  }
  auto store = Store::Open(db_);
  ASSERT_TRUE(store.ok());
  // The page as the DOM builds it from the stored incidents.
  auto dom_page = [&](const std::vector<int64_t>& ids, const char* next, const char* sort, const char* order,
                      std::optional<int64_t> total) {
    faultline::testing::Json page, list = faultline::testing::Json::array();
    for (int64_t id : ids) {
      auto inc = (*store)->Get(id);
      EXPECT_TRUE(inc.ok()) << inc.status().ToString();
      if (!inc.ok()) continue;
      auto j = faultline::testing::Json::parse(faultline::testing::IncidentDom(*inc));
      j["killed_total"] = inc->casualties.TotalKilled();
      j["injured_total"] = inc->casualties.TotalInjured();
      list.push_back(std::move(j));
    }
    page["incidents"] = std::move(list);
    page["next_cursor"] = next == nullptr ? faultline::testing::Json(nullptr) : faultline::testing::Json(next);
    page["sort"] = sort;
    page["order"] = order;
    if (total) page["total"] = *total;
    return faultline::testing::Dump(page);
  };
  auto ids_of = [](const httplib::Result& r) {
    std::vector<int64_t> ids;
    const Json body = BodyOf(r);
    for (const auto& inc : body["incidents"]) ids.push_back(inc["id"].get<int64_t>());
    return ids;
  };
  // Keyset pages (id order) and a sorted page with its total.
  auto all = api_->Call("GET", "/api/v1/incidents?limit=100", Role::kViewer);
  ASSERT_TRUE(all);
  ASSERT_EQ(ids_of(all).size(), 14u) << all->body;
  EXPECT_EQ(all->body, dom_page(ids_of(all), nullptr, "id", "asc", std::nullopt));
  EXPECT_NE(all->body.find("خیبر پختونخوا"), std::string::npos);  // UTF-8 kept, not \u-escaped
  auto first = api_->Call("GET", "/api/v1/incidents?limit=3&country=AF", Role::kViewer);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->body, dom_page(ids_of(first), nullptr, "id", "asc", std::nullopt));
  auto part = api_->Call("GET", "/api/v1/incidents?limit=13", Role::kViewer);
  ASSERT_TRUE(part);
  const std::string next = std::to_string(ids_of(part).back());
  EXPECT_EQ(part->body, dom_page(ids_of(part), next.c_str(), "id", "asc", std::nullopt));
  auto sorted = api_->Call("GET", "/api/v1/incidents?sort=killed&limit=4&total=true", Role::kViewer);
  ASSERT_TRUE(sorted);
  EXPECT_EQ(sorted->body, dom_page(ids_of(sorted), "o4", "killed", "desc", 14));
}

TEST_F(ApiTest, LargeSetsComeBackClusteredOnTheMap) {
  ServerOptions opt;
  opt.max_map_points = 4;
  StartServer(opt);
  auto j = BodyOf(api_->Call("GET", "/api/v1/incidents.geojson?zoom=3", Role::kViewer));
  EXPECT_EQ(j["clustered"], true);
  EXPECT_EQ(j["total"], 12);
  int64_t sum = 0;
  for (const auto& f : j["features"]) sum += f["properties"]["count"].get<int64_t>();
  EXPECT_EQ(sum, 12);
  EXPECT_LT(j["features"].size(), 12u);
  auto small = BodyOf(api_->Call("GET", "/api/v1/incidents.geojson?admin1=Balochistan&status=candidate", Role::kViewer));
  EXPECT_EQ(small["clustered"], false);
  EXPECT_EQ(small["features"].size(), 2u);
  auto never = api_->Call("GET", "/api/v1/incidents.geojson?cluster=never", Role::kViewer);
  EXPECT_EQ(never->status, 422);
}

TEST_F(ApiTest, StatsAndTimeSeriesFollowWrites) {
  StartServer();
  auto before = BodyOf(api_->Call("GET", "/api/v1/timeseries?interval=year&status=confirmed", Role::kViewer));
  EXPECT_EQ(before["totals"][0], 8);
  EXPECT_TRUE(before["phases"].is_array());
  ASSERT_EQ(api_->Call("POST", "/api/v1/review/" + std::to_string(api_->ids()[0]) + "/accept", Role::kAnalyst, "{}")->status,
            200);
  auto after = BodyOf(api_->Call("GET", "/api/v1/timeseries?interval=year&status=confirmed", Role::kViewer));
  EXPECT_EQ(after["totals"][0], 9);  // the cache was cleared by the write
  auto stats = BodyOf(api_->Call("GET", "/api/v1/stats?by=admin1&measure=incidents,killed", Role::kViewer));
  EXPECT_EQ(stats["columns"], Json({"admin1", "incidents", "killed"}));
  EXPECT_EQ(stats["rows"].size(), 2u);
}

// Lists, stats and time series are cached (here for an hour) and stats come
// from an in-memory cube; a write through the server, or one another process
// makes straight to the database, must show in the very next answer.
TEST_F(ApiTest, CachedAnswersFollowWritesFromThisServerAndFromOutside) {
  ServerOptions opt;
  opt.cache_seconds = 3600;
  StartServer(opt);
  const std::string list = "/api/v1/incidents?limit=100&admin1=Balochistan&total=true";
  const std::string stats = "/api/v1/stats?by=admin1&measure=incidents,killed";
  const std::string series = "/api/v1/timeseries?interval=year";
  auto list0 = BodyOf(api_->Call("GET", list, Role::kViewer));
  auto stats0 = BodyOf(api_->Call("GET", stats, Role::kViewer));
  auto series0 = BodyOf(api_->Call("GET", series, Role::kViewer));
  ASSERT_EQ(list0["total"], 6);
  // Asked again with nothing written: the same bytes.
  EXPECT_EQ(BodyOf(api_->Call("GET", list, Role::kViewer)), list0);
  EXPECT_EQ(BodyOf(api_->Call("GET", stats, Role::kViewer)), stats0);

  // Another process (here another connection) writes straight to the store.
  {
    auto store = Store::Open(api_->uri());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    Incident inc = MakeIncident("outside:1", "2020-03-03", "Balochistan", 40, IncidentStatus::kConfirmed, 30.5, 67.5);
    ASSERT_TRUE((*store)->Upsert(&inc, Change{"outside", ""}).ok());
  }
  auto list1 = BodyOf(api_->Call("GET", list, Role::kViewer));
  EXPECT_EQ(list1["total"], 7);
  EXPECT_EQ(list1["incidents"].size(), 7u);
  auto stats1 = BodyOf(api_->Call("GET", stats, Role::kViewer));
  EXPECT_NE(stats1, stats0);
  EXPECT_EQ(stats1["totals"][0], stats0["totals"][0].get<int64_t>() + 1);
  EXPECT_EQ(stats1["totals"][1], stats0["totals"][1].get<int64_t>() + 40);
  auto series1 = BodyOf(api_->Call("GET", series, Role::kViewer));
  EXPECT_EQ(series1["totals"][0], series0["totals"][0].get<int64_t>() + 1);

  // An edit through the server shows in the cached page that holds it.
  const std::string path = "/api/v1/incidents/" + std::to_string(api_->ids()[3]);
  auto got = api_->Call("GET", path, Role::kAnalyst);
  Json inc = BodyOf(got)["incident"];
  inc["notes"] = "edited through the API";
  ASSERT_EQ(api_->Call("PUT", path, Role::kAnalyst, inc.dump(), {{"If-Match", got->get_header_value("ETag")}})->status,
            200);
  auto list2 = BodyOf(api_->Call("GET", list, Role::kViewer));
  bool seen = false;
  for (const auto& i : list2["incidents"]) seen |= i["id"] == api_->ids()[3] && i["notes"] == "edited through the API";
  EXPECT_TRUE(seen);

  // The cube's stats are ComputeStats's, and every cached answer is what a
  // server without a response cache gives.
  {
    auto store = Store::Open(db_);
    ASSERT_TRUE(store.ok());
    auto t = ComputeStats(store->get(), Filter{}, {Dimension::kAdmin1}, {Measure::Incidents(), Measure::Killed()});
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    auto cube_stats = BodyOf(api_->Call("GET", stats, Role::kViewer));
    ASSERT_EQ(cube_stats["rows"].size(), t->keys.size());
    for (size_t i = 0; i < t->keys.size(); ++i) {
      EXPECT_EQ(cube_stats["rows"][i], Json({t->keys[i][0], t->values[i][0], t->values[i][1]})) << i;
    }
  }
  ServerOptions fresh;
  fresh.db_uri = db_;
  fresh.port = 0;
  fresh.cache_seconds = 0;
  fresh.rate_per_second = 0;
  auto srv = Server::Create(fresh);
  ASSERT_TRUE(srv.ok()) << srv.status().ToString();
  const int port = (*srv)->Bind().value();
  std::thread run([&] { EXPECT_TRUE((*srv)->Run().ok()); });
  httplib::Client uncached("127.0.0.1", port);
  uncached.set_url_encode(false);
  for (const std::string& q : {list, stats, series, std::string("/api/v1/stats?by=month,admin1&status=confirmed"),
                               std::string("/api/v1/incidents?sort=killed&limit=3")}) {
    auto want = uncached.Get(q, api_->Auth(Role::kViewer));
    ASSERT_TRUE(want);
    EXPECT_EQ(want->status, 200) << q;
    EXPECT_EQ(api_->Call("GET", q, Role::kViewer)->body, want->body) << q;
  }
  (*srv)->Stop();
  run.join();

  // Identities are remembered too: a token revoked from outside (the CLI's
  // `users revoke`) stops working on the next request.
  ASSERT_EQ(api_->Call("GET", list, Role::kViewer)->status, 200);
  {
    auto accounts = Accounts::Open(db_);
    ASSERT_TRUE(accounts.ok());
    ASSERT_TRUE((*accounts)->Revoke("viewer", 0, false, "test").ok());
  }
  EXPECT_EQ(api_->Call("GET", list, Role::kViewer)->status, 401);
  EXPECT_EQ(api_->Call("GET", list, Role::kAnalyst)->status, 200);
}

// A sign-in writes a session and the audit log: the database moved, but no
// incident did, so the cube is not loaded again and the cached stats stay;
// a write to incidents from outside loads it again (migration 0006's
// triggers count it). Then a phase, which the cube also reads.
TEST_F(ApiTest, SignInDoesNotReloadTheCube) {
  ServerOptions opt;
  opt.cache_seconds = 3600;
  StartServer(opt);
  const std::string stats = "/api/v1/stats?by=admin1&measure=incidents";
  auto stats0 = api_->Call("GET", stats, Role::kViewer);
  ASSERT_TRUE(stats0);
  ASSERT_EQ(stats0->status, 200) << stats0->body;
  const int64_t loads = api_->CubeLoads();
  EXPECT_GE(loads, 1);

  auto c = api_->Client();
  auto in = c.Post("/api/v1/session", R"({"name":"analyst","password":"password-analyst"})", "application/json");
  ASSERT_TRUE(in);
  ASSERT_EQ(in->status, 200) << in->body;
  {
    auto store = Store::Open(db_);  // another process's write to another table
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->RecordImport(ImportRecord{"batch-x", "acled", "x.csv", "2026-01-01T00:00:00Z"}).ok());
  }
  auto stats1 = api_->Call("GET", stats, Role::kViewer);
  ASSERT_TRUE(stats1);
  EXPECT_EQ(stats1->body, stats0->body);
  EXPECT_EQ(api_->CubeLoads(), loads);
  // Identities still follow any write: the session just made works.
  std::string cookie = in->get_header_value("Set-Cookie");
  cookie = cookie.substr(0, cookie.find(';'));
  EXPECT_EQ(c.Get("/api/v1/session", {{"Cookie", cookie}})->status, 200);

  {
    auto store = Store::Open(db_);
    ASSERT_TRUE(store.ok());
    Incident inc = MakeIncident("outside:2", "2020-03-03", "Balochistan", 2, IncidentStatus::kConfirmed, 30.5, 67.5);
    ASSERT_TRUE((*store)->Upsert(&inc, Change{"outside", ""}).ok());
  }
  auto stats2 = BodyOf(api_->Call("GET", stats, Role::kViewer));
  EXPECT_EQ(stats2["totals"][0], BodyOf(stats0)["totals"][0].get<int64_t>() + 1);
  EXPECT_EQ(api_->CubeLoads(), loads + 1);

  {
    auto store = Store::Open(db_);
    ASSERT_TRUE(store.ok());
    Phase ph;
    ph.key = "test-talks";
    ph.type = PhaseType::kTalks;
    ph.name = "test talks";
    ph.country = "PK";
    ph.start = CivilDate::Parse("2020-05-01")->days();
    ph.end = CivilDate::Parse("2020-05-15")->days();
    ASSERT_TRUE((*store)->UpsertPhase(&ph).ok());
  }
  ASSERT_EQ(api_->Call("GET", stats, Role::kViewer)->status, 200);
  EXPECT_EQ(api_->CubeLoads(), loads + 2);
}

// ---- stage routes: claims, phases, change points, effects, forecasts,
// backtests, alerts, plans -----------------------------------------------------

// Weekly incidents over two years, four times as many from 2019-01-01 on: in
// Sindh exactly 1 then 4 a week (a clean change to find), in Punjab an
// overdispersed cycle with means 1.5 then 6 (what a negative-binomial fit
// needs; constant counts have no dispersion to estimate).
void SeedSeries(const std::string& uri) {
  auto store = Store::Open(uri);
  ASSERT_TRUE(store.ok());
  const int32_t start = CivilDate::Parse("2018-01-01")->days();
  const int before[4] = {0, 0, 1, 5}, after[4] = {0, 2, 6, 16};
  for (int week = 0; week < 104; ++week) {
    for (const char* region : {"Sindh", "Punjab"}) {
      const bool sindh = std::string(region) == "Sindh";
      const int per_week = sindh ? (week < 52 ? 1 : 4) : (week < 52 ? before[week % 4] : after[week % 4]);
      for (int k = 0; k < per_week; ++k) {
        Incident inc = MakeIncident(std::string("series:") + region + ":" + std::to_string(week) + ":" +
                                        std::to_string(k),
                                    "2018-01-01", region, k % 3, IncidentStatus::kConfirmed, sindh ? 25.0 : 31.5,
                                    sindh ? 68.0 : 74.3);
        inc.date = inc.date_end = start + week * 7 + k % 7;
        inc.place = sindh ? "Hyderabad" : "Lahore";
        ASSERT_TRUE((*store)->Upsert(&inc, Change{"seed", ""}).ok());
      }
    }
  }
}

TEST_F(ApiTest, StageRoutesAnswerWhatTheLibraryComputes) {
  SeedSeries(db_);
  StartServer();
  // The change-point series is the time series of the same filter, and PELT
  // finds the quadrupling at the start of 2019.
  // (Without dates the series runs to the end of the data, 2020: the zeros
  // after 2019 would be a second change.)
  const std::string span = "admin1=Sindh&from=2018-01-01&to=2019-12-29";
  auto cp = BodyOf(api_->Call("GET", "/api/v1/changepoints?by=week&" + span, Role::kViewer));
  ASSERT_TRUE(cp["series"]["points"].is_array()) << cp.dump();
  int64_t sum = 0;
  for (const auto& p : cp["series"]["points"]) sum += p["value"].get<int64_t>();
  auto ts = BodyOf(api_->Call("GET", "/api/v1/timeseries?interval=week&measure=incidents&" + span, Role::kViewer));
  EXPECT_EQ(sum, ts["totals"][0].get<int64_t>());
  EXPECT_EQ(sum, 52 + 52 * 4);
  ASSERT_EQ(cp["changepoints"].size(), 1u) << cp.dump();
  EXPECT_EQ(cp["changepoints"][0]["period"], "2019-W01");
  ASSERT_EQ(cp["segments"].size(), 2u);
  EXPECT_NEAR(cp["segments"][0]["mean"].get<double>(), 1.0, 0.05);
  EXPECT_NEAR(cp["segments"][1]["mean"].get<double>(), 4.0, 0.1);
  auto bocpd = BodyOf(api_->Call("GET", "/api/v1/changepoints?admin1=Sindh&method=bocpd", Role::kViewer));
  EXPECT_GE(bocpd["changepoints"].size(), 1u) << bocpd.dump();

  // The effect of a boundary at the change: a level ratio near 4.
  auto eff = BodyOf(api_->Call(
      "GET", "/api/v1/effects?admin1=Punjab&at=2018-12-31&from=2018-01-01&to=2019-12-29&season=false&slope=false",
      Role::kViewer));
  ASSERT_EQ(eff["effects"].size(), 1u) << eff.dump();
  EXPECT_NEAR(eff["effects"][0]["level"]["estimate"].get<double>(), 4.0, 1.0) << eff.dump();
  EXPECT_LT(eff["effects"][0]["level"]["low"].get<double>(), eff["effects"][0]["level"]["estimate"].get<double>());
  // By phase key, and an unknown phase.
  EXPECT_EQ(api_->Call("GET", "/api/v1/effects?phase=test-ceasefire&by=week&slope=false&season=false",
                       Role::kViewer)->status, 200);
  auto nophase = api_->Call("GET", "/api/v1/effects?phase=nothing-like-it", Role::kViewer);
  EXPECT_EQ(nophase->status, 404);

  // Phases: add, list, update, audited.
  auto added = api_->Call("POST", "/api/v1/phases", Role::kAnalyst,
                          R"({"key":"op-2019","type":"operation","name":"Operation Test","parties":["pakistan"],)"
                          R"("country":"PK","start":"2019-01-01"})");
  ASSERT_EQ(added->status, 201) << added->body;
  EXPECT_EQ(BodyOf(added)["phase"]["end"], nullptr);
  auto updated = api_->Call("POST", "/api/v1/phases", Role::kAnalyst,
                            R"({"key":"op-2019","type":"operation","name":"Operation Test","start":"2019-01-01",)"
                            R"("end":"2019-06-30"})");
  EXPECT_EQ(updated->status, 200);
  EXPECT_EQ(BodyOf(updated)["outcome"], "updated");
  auto phases = BodyOf(api_->Call("GET", "/api/v1/phases", Role::kViewer))["phases"];
  ASSERT_EQ(phases.size(), 2u);
  EXPECT_EQ(phases[0]["key"], "op-2019");  // by start date
  EXPECT_EQ(phases[0]["end"], "2019-06-30");
  auto audit = BodyOf(api_->Call("GET", "/api/v1/audit", Role::kAdmin))["entries"];
  ASSERT_GE(audit.size(), 2u);
  EXPECT_EQ(audit[0]["target"], "phase op-2019");
  EXPECT_EQ(audit[0]["before"]["end"], nullptr);
  EXPECT_EQ(audit[0]["after"]["end"], "2019-06-30");

  // The claims check counts what the store holds for the claim's definition.
  auto checks = BodyOf(api_->Call("POST", "/api/v1/claims/check", Role::kAnalyst, R"({"tolerance": 5})"));
  ASSERT_EQ(checks["checks"].size(), 1u) << checks.dump();
  auto pk2020 = BodyOf(api_->Call("GET", "/api/v1/incidents?country=PK&from=2020-01-01&to=2020-12-31&total=true&limit=1",
                                  Role::kViewer));
  EXPECT_EQ(checks["checks"][0]["computed"], pk2020["total"]);
  EXPECT_EQ(checks["checks"][0]["key"], "test:attacks-2020");
  EXPECT_EQ(api_->Call("POST", "/api/v1/claims/check", Role::kAnalyst, R"({"keys":["nope"]})")->status, 404);

  // Forecasts: a run is stored and read back the same; intervals are ordered.
  auto run = api_->Call("POST", "/api/v1/forecasts?period=week&model=rolling-nb&horizon=4&seed=7&" + span,
                        Role::kAnalyst);
  ASSERT_EQ(run->status, 201) << run->body;
  Json made = BodyOf(run);
  ASSERT_EQ(made["forecasts"].size(), 4u);
  for (const auto& f : made["forecasts"]) {
    EXPECT_LE(f["quantiles"]["0.05"].get<double>(), f["quantiles"]["0.50"].get<double>());
    EXPECT_LE(f["quantiles"]["0.50"].get<double>(), f["quantiles"]["0.95"].get<double>());
    EXPECT_GT(f["mean"].get<double>(), 2.0);  // the recent level is 4 a week
  }
  auto stored = BodyOf(api_->Call("GET", "/api/v1/forecasts", Role::kViewer));
  EXPECT_EQ(stored["run"], made["run"]);
  EXPECT_EQ(stored["forecasts"], made["forecasts"]);
  auto one_unit = BodyOf(api_->Call("GET", "/api/v1/forecasts?unit=Nowhere", Role::kViewer));
  EXPECT_EQ(one_unit["forecasts"].size(), 0u);
  auto unsaved = api_->Call("POST", "/api/v1/forecasts?admin1=Sindh&period=week&model=no-change&save=false",
                            Role::kAnalyst);
  EXPECT_EQ(unsaved->status, 200);
  EXPECT_EQ(BodyOf(api_->Call("GET", "/api/v1/forecasts", Role::kViewer))["run"], made["run"]);

  // Two runs of one model and seed posted in the same second are two runs,
  // each with only its own records (run ids were once stamped to the
  // second, and the second run's records joined the first's).
  const std::string again = "/api/v1/forecasts?period=week&model=rolling-nb&horizon=2&seed=3&" + span;
  Json first, second;
  for (int tries = 0; tries < 5; ++tries) {
    first = BodyOf(api_->Call("POST", again, Role::kAnalyst));
    second = BodyOf(api_->Call("POST", again, Role::kAnalyst));
    ASSERT_TRUE(first["run"].is_string() && second["run"].is_string()) << first.dump() << second.dump();
    // The stamp to the second: "20240101T000000".
    if (first["run"].get<std::string>().substr(0, 15) == second["run"].get<std::string>().substr(0, 15)) break;
  }
  ASSERT_EQ(first["run"].get<std::string>().substr(0, 15), second["run"].get<std::string>().substr(0, 15));
  EXPECT_NE(first["run"], second["run"]);
  for (const Json* posted : {&first, &second}) {
    auto got = BodyOf(api_->Call("GET", "/api/v1/forecasts?run=" + UrlEncode((*posted)["run"].get<std::string>()),
                                 Role::kViewer));
    EXPECT_EQ(got["run"], (*posted)["run"]);
    EXPECT_EQ(got["forecasts"].size(), 2u) << got.dump();
    EXPECT_EQ(got["forecasts"], (*posted)["forecasts"]);
  }
  EXPECT_EQ(BodyOf(api_->Call("GET", "/api/v1/forecasts", Role::kViewer))["run"], second["run"]);

  // Backtests score the baselines beside the models asked for.
  auto bt = BodyOf(api_->Call("GET", "/api/v1/backtests?period=week&origins=4&horizon=2&models=nb-regression&" + span,
                              Role::kViewer));
  ASSERT_TRUE(bt["models"].is_array()) << bt.dump();
  std::set<std::string> names;
  for (const auto& m : bt["models"]) names.insert(m["model"].get<std::string>());
  EXPECT_TRUE(names.contains("nb-regression") && names.contains("rolling-nb") && names.contains("no-change"));
  EXPECT_EQ(bt["origins"].size(), 4u);

  // Alerts: a rule that must fire (P(>= 1) > 0.01 at a 4-a-week unit) and one that cannot.
  std::string rules = UrlEncode(R"([{"name":"any","kind":"probability","at_least":1,"above":0.01,"horizon":1},)"
                                R"({"name":"never","kind":"probability","at_least":1000,"above":0.99,"horizon":1}])");
  auto alerts = BodyOf(api_->Call("GET", "/api/v1/alerts?period=week&" + span + "&rules=" + rules, Role::kViewer));
  ASSERT_EQ(alerts["alerts"].size(), 1u) << alerts.dump();
  EXPECT_EQ(alerts["alerts"][0]["rule"], "any");
  EXPECT_EQ(alerts["alerts"][0]["unit"], "Sindh");
}

TEST_F(ApiTest, PatrolSchedulesAndSeedsStayWithAdmins) {
  SeedSeries(db_);
  StartServer();
  Json body = Json::parse(kBorderPlan);
  body["seed"] = 123456789;
  auto made = api_->Call("POST", "/api/v1/plans", Role::kAdmin, body.dump());
  ASSERT_EQ(made->status, 201) << made->body;
  const int64_t id = BodyOf(made)["id"];
  EXPECT_EQ(made->body.find("123456789"), std::string::npos) << "the seed leaked into the plan";
  const std::string base = "/api/v1/plans/" + std::to_string(id);
  // Analysts see coverage, never the schedule or the seed.
  for (const std::string& path : {base, std::string("/api/v1/plans")}) {
    auto r = api_->Call("GET", path, Role::kAnalyst);
    ASSERT_EQ(r->status, 200) << path;
    EXPECT_EQ(r->body.find("123456789"), std::string::npos) << path;
    EXPECT_EQ(r->body.find("patrol-1"), std::string::npos) << path;
  }
  Json plan = BodyOf(api_->Call("GET", base, Role::kAnalyst))["plan"];
  double coverage = 0;
  for (const auto& seg : plan["segments"]) coverage += seg["coverage"].get<double>();
  EXPECT_GT(coverage, 0);
  for (const std::string& secret : {base + "/schedule", base + "/seed"}) {
    ExpectOnlyFrom(*api_, "GET", secret, Role::kAdmin);
    auto r = api_->Call("GET", secret, Role::kAdmin);
    EXPECT_EQ(r->status, 200) << secret;
    EXPECT_EQ(r->get_header_value("Cache-Control"), "no-store");
  }
  EXPECT_EQ(BodyOf(api_->Call("GET", base + "/seed", Role::kAdmin))["seed"], 123456789);
  Json schedule = BodyOf(api_->Call("GET", base + "/schedule", Role::kAdmin))["schedule"];
  ASSERT_EQ(schedule["days"].size(), 5u);
  // The same seed draws the same schedule.
  auto again = BodyOf(api_->Call("POST", "/api/v1/plans", Role::kAdmin, body.dump()));
  Json schedule2 = BodyOf(api_->Call("GET", "/api/v1/plans/" + std::to_string(again["id"].get<int64_t>()) + "/schedule",
                                     Role::kAdmin))["schedule"];
  EXPECT_EQ(schedule["days"], schedule2["days"]);
  // Neither the audit log nor the access log holds the seed.
  auto audit = api_->Call("GET", "/api/v1/audit", Role::kAdmin);
  EXPECT_EQ(audit->body.find("123456789"), std::string::npos);
  EXPECT_NE(audit->body.find("plan " + std::to_string(id)), std::string::npos);
  EXPECT_EQ(api_->Call("POST", "/api/v1/plans", Role::kAnalyst, body.dump())->status, 403);
  EXPECT_EQ(api_->Call("GET", "/api/v1/plans/999", Role::kAnalyst)->status, 404);

  // An allocation from the incident history (districts): coverage sums to the resources.
  auto alloc = api_->Call("POST", "/api/v1/plans?admin1=Sindh", Role::kAdmin,
                          R"({"kind":"allocate","model":"sse","resources":1,"days":3,"seed":5})");
  if (alloc->status == 201) {
    double sum = 0;
    for (const auto& t : BodyOf(alloc)["plan"]["targets"]) sum += t["coverage"].get<double>();
    EXPECT_LE(sum, 1.0 + 1e-6);
    EXPECT_EQ(alloc->body.find("\"seed\""), std::string::npos);
  } else {
    // The seeded incidents carry no district: the library says so.
    EXPECT_EQ(alloc->status, 422) << alloc->body;
    EXPECT_NE(BodyOf(alloc)["message"].get<std::string>().find("district"), std::string::npos) << alloc->body;
  }
}

// Attacks in five districts of two provinces over 2020 (more in some than
// others), for allocations from the incident history.
void SeedDistricts(const std::string& uri) {
  auto store = Store::Open(uri);
  ASSERT_TRUE(store.ok());
  const std::vector<std::tuple<std::string, std::string, int>> districts = {
      {"Balochistan", "Quetta", 9}, {"Balochistan", "Kech", 4}, {"Balochistan", "Zhob", 1},
      {"Khyber Pakhtunkhwa", "Peshawar", 7}, {"Khyber Pakhtunkhwa", "Bannu", 3}};
  int n = 0;
  for (const auto& [admin1, admin2, attacks] : districts) {
    for (int k = 0; k < attacks; ++k, ++n) {
      Incident inc = MakeIncident("district:" + std::to_string(n), "2020-01-01", admin1, (n * 5) % 11,
                                  IncidentStatus::kConfirmed, 30 + n * 0.01, 68 + n * 0.01);
      inc.admin2 = admin2;
      inc.date = inc.date_end = CivilDate::Parse("2020-01-01")->days() + (n * 37) % 360;
      ASSERT_TRUE((*store)->Upsert(&inc, Change{"seed", ""}).ok());
    }
  }
}

// What the library makes of the same game, options and seed: the coverage
// (AllocationJson) and the schedule (DeploymentScheduleJson).
struct LibraryPlan {
  Json plan, schedule;
};
LibraryPlan LibraryAllocation(const ThreatGame& g, const AllocationOptions& ao, int days, uint64_t seed) {
  auto a = Allocate(g.targets, g.attackers, ao);
  EXPECT_TRUE(a.ok()) << a.status().ToString();
  if (!a.ok()) return {};
  auto drawn = DrawAllocationSchedule(*a, {}, days, seed);
  EXPECT_TRUE(drawn.ok()) << drawn.status().ToString();
  if (!drawn.ok()) return {};
  return {Json::parse(AllocationJson(*a, g.targets, {g.source, g.formula, ""}, -1)),
          Json::parse(DeploymentScheduleJson(*a, *drawn, g.targets, seed, -1))};
}

// The indices of the targets `keep` accepts.
std::vector<int> TargetsWhere(const ThreatGame& g, const std::function<bool(const Target&)>& keep) {
  std::vector<int> out;
  for (size_t t = 0; t < g.targets.size(); ++t) {
    if (keep(g.targets[t])) out.push_back(static_cast<int>(t));
  }
  return out;
}

// POSTs `body` as admin, expects 201, checks that the coverage and the
// schedule are the library's (all but the schedule note, which is the
// server's words), that only admins may post it or read its schedule and
// seed, and that analysts see the coverage without them. Returns the plan.
Json ExpectLibraryPlan(const ApiServer& api, const std::string& query, const Json& body, const LibraryPlan& lib) {
  const std::string label = query + " " + body.dump();
  ExpectOnlyFrom(api, "POST", "/api/v1/plans" + query, Role::kAdmin, body.dump());
  auto made = api.Call("POST", "/api/v1/plans" + query, Role::kAdmin, body.dump());
  EXPECT_EQ(made->status, 201) << label << ": " << made->body;
  Json plan = BodyOf(made);
  if (made->status != 201) return plan;
  Json coverage = plan["plan"], expected = lib.plan;
  coverage.erase("schedule");
  expected.erase("schedule");
  EXPECT_EQ(coverage, expected) << label;
  const std::string seed = std::to_string(body["seed"].get<uint64_t>());
  const std::string base = "/api/v1/plans/" + std::to_string(plan["id"].get<int64_t>());
  EXPECT_EQ(made->body.find(seed), std::string::npos) << "the seed leaked into the plan";
  for (const std::string& path : {base, std::string("/api/v1/plans")}) {
    auto seen = api.Call("GET", path, Role::kAnalyst);
    EXPECT_EQ(seen->status, 200) << path;
    EXPECT_EQ(seen->body.find(seed), std::string::npos) << path;
    EXPECT_EQ(seen->body.find("\"days\":[{"), std::string::npos) << path << ": a drawn schedule";
    for (const auto& k : body.value("unit_kinds", Json::array())) {
      EXPECT_EQ(seen->body.find(k["kind"].get<std::string>() + "-1"), std::string::npos) << path << ": unit names";
    }
  }
  EXPECT_EQ(BodyOf(api.Call("GET", base, Role::kAnalyst))["plan"], plan["plan"]);
  for (const std::string& secret : {base + "/schedule", base + "/seed"}) ExpectOnlyFrom(api, "GET", secret, Role::kAdmin);
  EXPECT_EQ(BodyOf(api.Call("GET", base + "/schedule", Role::kAdmin))["schedule"], lib.schedule) << label;
  EXPECT_EQ(BodyOf(api.Call("GET", base + "/seed", Role::kAdmin))["seed"], body["seed"]);
  return plan;
}

TEST_F(ApiTest, PlansWithUnitKindsAndFromForecastAreTheLibrarysAndStayWithAdmins) {
  SeedDistricts(db_);
  SeedSeries(db_);
  StartServer();
  auto store = Store::Open(db_);
  ASSERT_TRUE(store.ok());
  PayoffRule rule;

  // From the incident history, with unit kinds: police only in Balochistan's
  // districts (named one by one, with the game's own names), the army
  // anywhere.
  Filter pk;
  pk.countries = {"PK"};
  auto history = GameFromHistory(store->get(), pk, {}, rule, 3, false);
  ASSERT_TRUE(history.ok()) << history.status().ToString();
  auto in_balochistan = [](const Target& t) { return t.id.find("/Balochistan/") != std::string::npos; };
  std::vector<int> police_at = TargetsWhere(*history, in_balochistan);
  ASSERT_EQ(police_at.size(), 3u);
  ASSERT_EQ(history->targets.size(), 5u);
  Json names = Json::array();
  for (int t : police_at) names.push_back(history->targets[t].name);
  Json body{{"kind", "allocate"},
            {"unit_kinds", {{{"kind", "police"}, {"count", 2}, {"effectiveness", 0.9}, {"targets", names}},
                            {{"kind", "army"}, {"count", 1}}}},
            {"days", 6},
            {"seed", 987654321}};
  AllocationOptions ao;
  ao.resources = 3;
  ao.kinds = {ResourceKind{"police", 2, 1, 0.9, police_at}, ResourceKind{"army", 1, 1, 1, {}}};
  Json plan = ExpectLibraryPlan(*api_, "?country=PK", body, LibraryAllocation(*history, ao, 6, 987654321));
  ASSERT_EQ(plan["plan"]["summary"]["unit_kinds"].size(), 2u) << plan.dump();
  // Police coverage stays inside Balochistan: a target outside it is covered
  // by the army alone, at most one unit's worth.
  double police_used = plan["plan"]["summary"]["unit_kinds"][0]["expected_slots_used"].get<double>();
  EXPECT_GT(police_used, 0);
  EXPECT_LE(police_used, 2 + 1e-9);
  // A kind of target ("district") and "*" stand for every target; capacity
  // multiplies the slots; `resources` may be given when it agrees.
  body["unit_kinds"] = {{{"kind", "fc"}, {"count", 1}, {"capacity", 2}, {"targets", {"district"}}},
                        {{"kind", "levies"}, {"count", 1}, {"effectiveness", 0.5}, {"targets", {"*"}}}};
  body["resources"] = 3;
  ao.kinds = {ResourceKind{"fc", 1, 2, 1, {}}, ResourceKind{"levies", 1, 1, 0.5, {}}};
  ExpectLibraryPlan(*api_, "?country=PK", body, LibraryAllocation(*history, ao, 6, 987654321));

  // From a stored forecast run (provinces), horizon 2, the latest run by
  // default, and with a casualty run for the consequence.
  const std::string span = "&from=2018-01-01&to=2019-12-29";
  auto run = BodyOf(api_->Call("POST", "/api/v1/forecasts?period=week&model=rolling-nb&horizon=2&unit=admin1" + span,
                               Role::kAnalyst));
  ASSERT_TRUE(run["run"].is_string()) << run.dump();
  ForecastThreatOptions fo;
  fo.run = run["run"];
  fo.horizon = 2;
  auto forecast = GameFromForecast(store->get(), Filter{}, fo, rule, 2, false);
  ASSERT_TRUE(forecast.ok()) << forecast.status().ToString();
  ASSERT_GE(forecast->targets.size(), 2u);
  const std::string first = forecast->targets[0].name;
  Json from_run{{"kind", "allocate"},
                {"from_forecast", fo.run},
                {"horizon", 2},
                {"unit_kinds", {{{"kind", "rangers"}, {"count", 1}, {"targets", {first}}},
                                {{"kind", "army"}, {"count", 1}, {"effectiveness", 0.7}}}},
                {"days", 4},
                {"seed", 1357924681}};
  ao.kinds = {ResourceKind{"rangers", 1, 1, 1, TargetsWhere(*forecast, [&](const Target& t) {
                             return t.id == first || t.name == first || t.kind == first;
                           })},
              ResourceKind{"army", 1, 1, 0.7, {}}};
  ao.resources = 2;
  LibraryPlan lib = LibraryAllocation(*forecast, ao, 4, 1357924681);
  Json made = ExpectLibraryPlan(*api_, "", from_run, lib);
  EXPECT_NE(made["plan"]["source"].get<std::string>().find(fo.run), std::string::npos) << made.dump();
  from_run["from_forecast"] = true;
  ExpectLibraryPlan(*api_, "", from_run, lib);
  // Identical units (no kinds) from the forecast, under the quantal response model.
  Json qr{{"kind", "allocate"}, {"from_forecast", fo.run}, {"horizon", 2}, {"resources", 1}, {"model", "qr"},
          {"days", 3}, {"seed", 2468013579}};
  AllocationOptions qo;
  qo.model = "qr";
  qo.resources = 1;
  qo.milp_seconds = 20;
  auto forecast1 = GameFromForecast(store->get(), Filter{}, fo, rule, 1, false);
  ASSERT_TRUE(forecast1.ok());
  ExpectLibraryPlan(*api_, "", qr, LibraryAllocation(*forecast1, qo, 3, 2468013579));

  auto killed = BodyOf(api_->Call(
      // (Run ids are stamped to the second: another seed keeps the two runs apart.)
      "POST", "/api/v1/forecasts?period=week&model=rolling-nb&horizon=2&unit=admin1&measure=killed&seed=2" + span,
      Role::kAnalyst));
  ASSERT_TRUE(killed["run"].is_string()) << killed.dump();
  fo.casualty_run = killed["run"];
  auto with_killed = GameFromForecast(store->get(), Filter{}, fo, rule, 2, false);
  ASSERT_TRUE(with_killed.ok()) << with_killed.status().ToString();
  from_run["from_forecast"] = fo.run;
  from_run["casualty_forecast"] = fo.casualty_run;
  ExpectLibraryPlan(*api_, "", from_run, LibraryAllocation(*with_killed, ao, 4, 1357924681));

  // Errors that need the game: a target no kind can match, a run that is not
  // there, a horizon the run does not have, the latest run now being of killed.
  Json bad = from_run;
  bad.erase("casualty_forecast");
  bad["unit_kinds"][0]["targets"] = {"Atlantis"};
  ExpectRejected(*api_, "POST", "/api/v1/plans", bad.dump(), "unit_kinds[0].targets: no target, name or kind");
  bad = from_run;
  bad.erase("casualty_forecast");
  bad["from_forecast"] = "no-such-run";
  auto missing = api_->Call("POST", "/api/v1/plans", Role::kAdmin, bad.dump());
  EXPECT_EQ(missing->status, 404) << missing->body;
  EXPECT_NE(BodyOf(missing)["message"].get<std::string>().find("from_forecast"), std::string::npos) << missing->body;
  bad["from_forecast"] = fo.run;
  bad["horizon"] = 9;
  ExpectRejected(*api_, "POST", "/api/v1/plans", bad.dump(), "horizon");
  bad["from_forecast"] = true;
  bad["horizon"] = 1;
  ExpectRejected(*api_, "POST", "/api/v1/plans", bad.dump(), "from_forecast");
  // Nothing secret in the audit log.
  auto audit = api_->Call("GET", "/api/v1/audit", Role::kAdmin);
  for (const char* seed : {"987654321", "1357924681", "2468013579"}) EXPECT_EQ(audit->body.find(seed), std::string::npos);
}

TEST_F(ApiTest, StageRoutesRejectMalformedInputWithTheFieldNamed) {
  StartServer();
  const std::vector<std::pair<std::string, std::string>> gets = {
      {"/api/v1/claims?x=1", "x"},
      {"/api/v1/phases?limit=3", "limit"},
      {"/api/v1/changepoints?by=hour", "by"},
      {"/api/v1/changepoints?measure=mood", "measure"},
      {"/api/v1/changepoints?method=magic", "method"},
      {"/api/v1/changepoints?penalty=-3", "penalty"},
      {"/api/v1/changepoints?min_segment=0", "min_segment"},
      {"/api/v1/changepoints?hazard=2", "hazard"},
      {"/api/v1/changepoints?max_run=999999", "max_run"},
      {"/api/v1/changepoints?from=2020-02-31", "from"},
      {"/api/v1/effects", "phase"},
      {"/api/v1/effects?at=yesterday", "at"},
      {"/api/v1/effects?at=2020-03-01&window=0", "window"},
      {"/api/v1/effects?at=2020-03-01&slope=maybe", "slope"},
      {"/api/v1/forecasts?limit=1", "limit"},
      {"/api/v1/backtests?unit=planet", "unit"},
      {"/api/v1/backtests?period=day", "period"},
      {"/api/v1/backtests?measure=injured", "measure"},
      {"/api/v1/backtests?horizon=99", "horizon"},
      {"/api/v1/backtests?origins=500", "origins"},
      {"/api/v1/backtests?samples=5", "samples"},
      {"/api/v1/backtests?models=crystal-ball", "models"},
      {"/api/v1/alerts?model=crystal-ball", "model"},
      {"/api/v1/alerts?rules=" + UrlEncode("[{\"kind\":\"weather\"}]"), "rules"},
      {"/api/v1/alerts?rules=notjson", "rules"},
      {"/api/v1/plans/1?x=1", "x"},
  };
  for (const auto& [path, param] : gets) ExpectRejected(*api_, "GET", path, "", param);
  const std::vector<std::tuple<std::string, std::string, std::string>> posts = {
      {"/api/v1/claims/check", "not json", "JSON"},
      {"/api/v1/claims/check", R"({"tolerance":"high"})", "tolerance"},
      {"/api/v1/claims/check", R"({"keys":"all"})", "keys"},
      {"/api/v1/claims/check", R"({"colour":"red"})", "colour"},
      {"/api/v1/phases", "[]", "object"},
      {"/api/v1/phases", R"({"type":"talks","name":"x","start":"2020-01-01"})", "key"},
      {"/api/v1/phases", R"({"key":"k","type":"party","name":"x","start":"2020-01-01"})", "type"},
      {"/api/v1/phases", R"({"key":"k","type":"talks","name":"x","start":"2020-01-32"})", "start"},
      {"/api/v1/phases", R"({"key":"k","type":"talks","name":"x","start":"2020-02-01","end":"2020-01-01"})", "end"},
      {"/api/v1/phases", R"({"key":"k","type":"talks","name":7,"start":"2020-01-01"})", "name"},
      {"/api/v1/phases", R"({"key":"k","type":"talks","name":"x","start":"2020-01-01","mood":"ok"})", "mood"},
      {"/api/v1/forecasts?horizon=0", "", "horizon"},
      {"/api/v1/forecasts?save=perhaps", "", "save"},
      {"/api/v1/forecasts", R"({"horizon":3})", "query parameters"},
      {"/api/v1/plans", R"({"kind":"war"})", "kind"},
      {"/api/v1/plans", R"({"kind":"patrol","units":2})", "border_csv"},
      {"/api/v1/plans", R"({"kind":"patrol","border_csv":"id,length_km,risk\na,x,1\n","units":2})", "length_km"},
      {"/api/v1/plans", R"({"kind":"patrol","border_csv":"id,length_km,risk\na,10,1\n","units":-2})", "units"},
      {"/api/v1/plans", R"({"kind":"patrol","border_csv":"id,length_km,risk\na,10,1\n","units":1,"days":100000})",
       "days"},
      {"/api/v1/plans", R"({"kind":"patrol","border_csv":"id,length_km,risk\na,10,1\n","units":1,"seed":-4})", "seed"},
      {"/api/v1/plans", R"({"kind":"allocate","model":"chess","resources":1})", "model"},
      {"/api/v1/plans", R"({"kind":"allocate","resources":1,"units":"police:x"})", "units"},
      {"/api/v1/plans", R"({"kind":"allocate"})", "resources"},
      {"/api/v1/plans", R"({"kind":"allocate","resources":1,"effectiveness":5})", "effectiveness"},
      {"/api/v1/plans", R"({"kind":"allocate","resources":1,"as_of":"soon"})", "as_of"},
      {"/api/v1/plans?country=Atlantis", R"({"kind":"allocate","resources":1})", "country"},
      // Unit kinds (checked before any game is built).
      {"/api/v1/plans", R"({"kind":"allocate","unit_kinds":"police:2"})", "unit_kinds: an array"},
      {"/api/v1/plans", R"({"kind":"allocate","unit_kinds":[]})", "unit_kinds: an array"},
      {"/api/v1/plans", R"({"kind":"allocate","unit_kinds":["police"]})", "unit_kinds[0]: an object"},
      {"/api/v1/plans", R"({"kind":"allocate","unit_kinds":[{"count":1}]})", "unit_kinds[0].kind"},
      {"/api/v1/plans", R"({"kind":"allocate","unit_kinds":[{"kind":"p"}]})", "unit_kinds[0].count"},
      {"/api/v1/plans", R"({"kind":"allocate","unit_kinds":[{"kind":"p","count":1.5}]})", "unit_kinds[0]: count"},
      {"/api/v1/plans", R"({"kind":"allocate","unit_kinds":[{"kind":"p","count":1},{"kind":"q","count":-1}]})",
       "unit_kinds[1]: count"},
      {"/api/v1/plans", R"({"kind":"allocate","unit_kinds":[{"kind":"p","count":1,"capacity":"two"}]})",
       "unit_kinds[0]: capacity"},
      {"/api/v1/plans", R"({"kind":"allocate","unit_kinds":[{"kind":"p","count":1,"effectiveness":0}]})",
       "unit_kinds[0]: effectiveness"},
      {"/api/v1/plans", R"({"kind":"allocate","unit_kinds":[{"kind":"p","count":1,"colour":"red"}]})",
       "unit_kinds[0]: unknown field \"colour\""},
      {"/api/v1/plans", R"({"kind":"allocate","unit_kinds":[{"kind":"p","count":1,"targets":"Quetta"}]})",
       "unit_kinds[0].targets"},
      {"/api/v1/plans", R"({"kind":"allocate","unit_kinds":[{"kind":"p","count":1,"targets":[]}]})",
       "unit_kinds[0].targets"},
      {"/api/v1/plans", R"({"kind":"allocate","unit_kinds":[{"kind":"p","count":1,"targets":[7]}]})",
       "unit_kinds[0].targets"},
      {"/api/v1/plans", R"({"kind":"allocate","unit_kinds":[{"kind":"p","count":1},{"kind":"p","count":2}]})",
       "unit_kinds[1].kind: \"p\" given twice"},
      {"/api/v1/plans", R"({"kind":"allocate","unit_kinds":[{"kind":"p","count":0}]})", "unit_kinds: no slots"},
      {"/api/v1/plans", R"({"kind":"allocate","unit_kinds":[{"kind":"p","count":1000,"capacity":2}]})",
       "unit_kinds: more than 1000 slots"},
      {"/api/v1/plans", R"({"kind":"allocate","model":"qr","unit_kinds":[{"kind":"p","count":1}]})",
       "unit_kinds: work with model sse"},
      {"/api/v1/plans", R"({"kind":"allocate","units":"police:1","unit_kinds":[{"kind":"p","count":1}]})",
       "unit_kinds: give units or unit_kinds"},
      {"/api/v1/plans", R"({"kind":"allocate","resources":4,"unit_kinds":[{"kind":"p","count":1}]})",
       "resources: unit_kinds give 1 slots"},
      {"/api/v1/plans", R"({"kind":"patrol","border_csv":"id,length_km,risk\na,10,1\n","units":1,"unit_kinds":[]})",
       "unknown field \"unit_kinds\""},
      // Plans from a forecast run.
      {"/api/v1/plans", R"({"kind":"allocate","resources":1,"from_forecast":7})", "from_forecast: true"},
      {"/api/v1/plans", R"({"kind":"allocate","resources":1,"from_forecast":""})", "from_forecast: true"},
      {"/api/v1/plans", R"({"kind":"allocate","resources":1,"horizon":2})", "horizon: goes with from_forecast"},
      {"/api/v1/plans", R"({"kind":"allocate","resources":1,"from_forecast":false,"horizon":2})",
       "horizon: goes with from_forecast"},
      {"/api/v1/plans", R"({"kind":"allocate","resources":1,"casualty_forecast":"r"})",
       "casualty_forecast: goes with from_forecast"},
      {"/api/v1/plans", R"({"kind":"allocate","resources":1,"from_forecast":true,"as_of":"2020-01-01"})",
       "as_of: goes with plans from the incident history"},
      {"/api/v1/plans", R"({"kind":"allocate","resources":1,"from_forecast":true,"horizon":0})", "horizon"},
      {"/api/v1/plans", R"({"kind":"allocate","resources":1,"from_forecast":true,"casualty_forecast":5})",
       "casualty_forecast"},
  };
  for (const auto& [path, body, what] : posts) ExpectRejected(*api_, "POST", path, body, what);
}

TEST_F(ApiTest, StageRoutesHaveLimits) {
  StartServer();
  // Too many periods: 422 naming the limit, before any fitting.
  auto cp = api_->Call("GET", "/api/v1/changepoints?by=day&from=1950-01-01&to=2020-12-31", Role::kViewer);
  EXPECT_EQ(cp->status, 422) << cp->body;
  EXPECT_NE(BodyOf(cp)["message"].get<std::string>().find("limit"), std::string::npos);
  auto eff = api_->Call("GET", "/api/v1/effects?by=day&at=2000-01-01&from=1990-01-01&to=2020-01-01", Role::kViewer);
  EXPECT_EQ(eff->status, 422) << eff->body;
  EXPECT_NE(BodyOf(eff)["message"].get<std::string>().find("limit"), std::string::npos);
  auto bt = api_->Call("GET", "/api/v1/backtests?period=week&from=1990-01-01&to=2020-12-31", Role::kViewer);
  EXPECT_EQ(bt->status, 422) << bt->body;
  EXPECT_NE(BodyOf(bt)["message"].get<std::string>().find("limit"), std::string::npos);
  // Oversized bodies on the stage writes.
  ServerOptions small;
  small.max_body_bytes = 2048;
  api_.reset();
  Clean();
  StartServer(small);
  std::string big = R"({"key":"k","notes":")" + std::string(5000, 'a') + "\"}";
  ExpectTooLarge(*api_, {"/api/v1/phases", "/api/v1/claims/check", "/api/v1/plans", "/api/v1/forecasts"}, big);
}

TEST_F(ApiTest, SqlInjectionStringsInStageParametersAreData) {
  StartServer();
  const std::vector<std::string> attacks = {"' OR '1'='1", "1; DROP TABLE phases; --", "') UNION SELECT * FROM users --",
                                            "admin'--", "\\'; DELETE FROM credentials; --", "1 OR 1=1"};
  const std::vector<std::pair<std::string, std::vector<std::string>>> routes = {
      {"/api/v1/changepoints", {"from", "to", "country", "admin1", "perpetrator", "text", "by", "measure", "method",
                                "penalty", "min_segment", "hazard", "max_run"}},
      {"/api/v1/effects?at=2020-03-01&", {"phase", "at", "by", "measure", "window", "slope", "season", "admin1"}},
      {"/api/v1/forecasts", {"run", "unit"}},
      {"/api/v1/backtests", {"unit", "period", "measure", "horizon", "seed", "models", "admin1", "text"}},
      {"/api/v1/alerts", {"rules", "model", "unit", "admin2"}},
      {"/api/v1/plans/", {}},
  };
  int answered = 0, rejected = 0;
  for (const auto& [route, params] : routes) {
    for (const auto& p : params) {
      for (const auto& a : attacks) {
        std::string path = route + (route.back() == '&' ? "" : "?") + p + "=" + UrlEncode(a);
        auto r = api_->Call("GET", path, Role::kViewer);
        ASSERT_TRUE(r) << path;
        EXPECT_LT(r->status, 500) << path << " -> " << r->body;
        (r->status == 400 ? rejected : answered) += 1;
      }
    }
  }
  for (const auto& a : attacks) {
    EXPECT_EQ(api_->Call("GET", "/api/v1/plans/" + UrlEncode(a), Role::kAnalyst)->status, 404) << a;
    auto ph = api_->Call("POST", "/api/v1/phases", Role::kAnalyst,
                         Json{{"key", a}, {"type", "talks"}, {"name", a}, {"start", "2020-01-01"}, {"notes", a}}.dump());
    EXPECT_TRUE(ph->status == 201 || ph->status == 400) << ph->body;
    if (ph->status == 201) {
      EXPECT_EQ(BodyOf(ph)["phase"]["name"], a);
    }
    auto chk = api_->Call("POST", "/api/v1/claims/check", Role::kAnalyst, Json{{"keys", {a}}}.dump());
    EXPECT_EQ(chk->status, 404) << chk->body;
    auto plan = api_->Call("POST", "/api/v1/plans", Role::kAdmin,
                           Json{{"kind", "patrol"}, {"border_name", a}, {"units", 1},
                                {"border_csv", "id,name,length_km,risk\n" + std::string("a,") + "x" + ",10,1\n"}}
                               .dump());
    EXPECT_EQ(plan->status, 201) << plan->body;
    EXPECT_EQ(BodyOf(plan)["plan"]["border"], a);
  }
  EXPECT_GT(answered, 0);
  EXPECT_GT(rejected, 0);
  // Everything is still there.
  auto store = Store::Open(db_);
  EXPECT_EQ((*store)->Count(Filter{}).value(), 12);
  EXPECT_GE((*store)->Phases().value().size(), 1u);
  EXPECT_EQ(BodyOf(api_->Call("GET", "/api/v1/users", Role::kAdmin))["users"].size(), 3u);
  EXPECT_EQ(BodyOf(api_->Call("GET", "/api/v1/claims", Role::kViewer))["claims"].size(), 1u);
}

TEST(ApiPostgres, SmokePass) {
  if (PgTestServer::SkipRequested()) GTEST_SKIP() << "FAULTLINE_SKIP_POSTGRES=1";
  auto pg = PgTestServer::Start();
  ASSERT_TRUE(pg.ok()) << pg.status().ToString();
  auto uri = (*pg)->CreateDatabase("api_smoke");
  ASSERT_TRUE(uri.ok()) << uri.status().ToString();
  auto api = ApiServer::Start(*uri);
  ASSERT_NE(api, nullptr);
  auto health = BodyOf(api->Call("GET", "/api/v1/health", std::nullopt));
  EXPECT_EQ(health["backend"], "postgresql");
  auto list = BodyOf(api->Call("GET", "/api/v1/incidents?admin1=Balochistan&total=true", Role::kViewer));
  EXPECT_EQ(list["total"], 6);
  {  // a write from outside the server clears its cache (ChangeStamp on PostgreSQL)
    auto store = Store::Open(*uri);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    Incident inc = MakeIncident("outside:1", "2020-03-03", "Balochistan", 4, IncidentStatus::kConfirmed, 30.5, 67.5);
    ASSERT_TRUE((*store)->Upsert(&inc, Change{"outside", ""}).ok());
  }
  list = BodyOf(api->Call("GET", "/api/v1/incidents?admin1=Balochistan&total=true", Role::kViewer));
  EXPECT_EQ(list["total"], 7);
  EXPECT_EQ(api->Call("GET", "/api/v1/incidents", std::nullopt)->status, 401);
  EXPECT_EQ(api->Call("GET", "/api/v1/audit", Role::kAnalyst)->status, 403);
  std::string path = "/api/v1/incidents/" + std::to_string(api->ids()[5]);
  auto got = api->Call("GET", path, Role::kAnalyst);
  Json inc = BodyOf(got)["incident"];
  inc["notes"] = "pg edit";
  EXPECT_EQ(api->Call("PUT", path, Role::kAnalyst, inc.dump(), {{"If-Match", got->get_header_value("ETag")}})->status, 200);
  EXPECT_EQ(api->Call("PUT", path, Role::kAnalyst, inc.dump(), {{"If-Match", got->get_header_value("ETag")}})->status, 409);
  EXPECT_EQ(api->Call("POST", "/api/v1/review/" + std::to_string(api->ids()[0]) + "/accept", Role::kAnalyst, "{}")->status,
            200);
  auto stats = BodyOf(api->Call("GET", "/api/v1/stats?by=admin1", Role::kViewer));
  EXPECT_EQ(stats["rows"].size(), 2u);
  auto audit = BodyOf(api->Call("GET", "/api/v1/audit", Role::kAdmin));
  ASSERT_GE(audit["entries"].size(), 2u);
  EXPECT_EQ(audit["entries"][0]["who"], "analyst");
  auto nd = api->Call("GET", "/api/v1/export?format=ndjson", Role::kViewer);
  EXPECT_EQ(std::count(nd->body.begin(), nd->body.end(), '\n'), 13);  // 12 seeded, 1 written from outside
  EXPECT_EQ(api->Call("GET", "/api/v1/incidents?admin1=" + UrlEncode("' OR 1=1 --"), Role::kViewer)->status, 200);
  auto c = api->Client();
  auto s = c.Post("/api/v1/session", R"({"name":"admin","password":"password-admin"})", "application/json");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->status, 200);
}

}  // namespace
}  // namespace faultline::server
