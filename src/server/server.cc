// The HTTP server: routing, authentication, roles, CSRF, rate limits, the
// audit log, error bodies, caching and the static dashboard. Route handlers
// for incidents, the map, stats, review, exports and accounts are in this
// file, grouped by resource; the measure, forecast and plan stages' routes
// are in their own files (stage_routes.h). Each turns query parameters into
// calls on the stages and their results into JSON. Only this folder
// includes the HTTP library.
#include "server/server.h"

#include <fcntl.h>
#include <httplib.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>
#include <unordered_map>

#include "analysis/cube.h"
#include "analysis/stats.h"
#include "common/date.h"
#include "common/text.h"
#include "faultline/store.h"
#include "gazetteer/filter_spec.h"
#include "gazetteer/gazetteer.h"
#include "io/exporters.h"
#include "model/incident_json.h"
#include "resolve/review.h"
#include "server/accounts.h"
#include "server/cube_holder.h"
#include "server/http_kit.h"
#include "server/openapi.h"
#include "server/rate_limiter.h"
#include "server/stage_routes.h"
#include "server/static_files.h"

namespace faultline::server {
namespace {

constexpr std::string_view kApi = "/api/v1";
constexpr std::string_view kSessionCookie = "fl_session";


// ---- connections -------------------------------------------------------------

struct Conn {
  std::unique_ptr<Store> store;
  std::unique_ptr<Accounts> accounts;
};

class Pool {
 public:
  explicit Pool(std::string uri) : uri_(std::move(uri)) {}
  Result<std::unique_ptr<Conn>> Take() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!free_.empty()) {
        auto c = std::move(free_.back());
        free_.pop_back();
        return c;
      }
    }
    auto c = std::make_unique<Conn>();
    ASSIGN_OR_RETURN(c->store, Store::Open(uri_));
    ASSIGN_OR_RETURN(c->accounts, Accounts::Open(uri_));
    return c;
  }
  void Give(std::unique_ptr<Conn> c) {
    std::lock_guard<std::mutex> lock(mu_);
    if (free_.size() < 64) free_.push_back(std::move(c));
  }
  const std::string& uri() const { return uri_; }

 private:
  std::string uri_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Conn>> free_;
};

// A connection borrowed for one request; goes back to the pool unless a
// request left it in doubt.
class Lease {
 public:
  Lease(Pool* pool, std::unique_ptr<Conn> c) : pool_(pool), c_(std::move(c)) {}
  Lease(Lease&&) = default;
  ~Lease() {
    if (c_ && !broken_) pool_->Give(std::move(c_));
  }
  Store* store() { return c_->store.get(); }
  Accounts* accounts() { return c_->accounts.get(); }
  void MarkBroken() { broken_ = true; }

 private:
  Pool* pool_;
  std::unique_ptr<Conn> c_;
  bool broken_ = false;
};

// ---- response cache ---------------------------------------------------------

class ResponseCache {
 public:
  explicit ResponseCache(int seconds) : ttl_(seconds) {}
  // The body stored under `key`, shared (never copied), or null.
  std::shared_ptr<const std::string> Get(const std::string& key) {
    if (ttl_.count() <= 0) return nullptr;
    std::lock_guard<std::mutex> lock(mu_);
    auto it = map_.find(key);
    if (it == map_.end()) return nullptr;
    if (it->second.generation != generation_ || std::chrono::steady_clock::now() - it->second.at > ttl_) {
      bytes_ -= it->second.body->size();
      map_.erase(it);
      return nullptr;
    }
    return it->second.body;
  }
  // `generation` is what Generation() said before the response was computed:
  // a write in between makes the entry stale at once.
  void Put(const std::string& key, uint64_t generation, std::shared_ptr<const std::string> body) {
    if (ttl_.count() <= 0) return;
    std::lock_guard<std::mutex> lock(mu_);
    // Bounded in entries and bytes (list pages run to ~1 MB each): full means
    // start again, which keeps memory flat under any mix of keys.
    if (map_.size() >= 512 || bytes_ + body->size() > kMaxBytes) {
      map_.clear();
      bytes_ = 0;
    }
    auto& e = map_[key];
    bytes_ = bytes_ - (e.body ? e.body->size() : 0) + body->size();
    e = Entry{std::chrono::steady_clock::now(), generation, std::move(body)};
  }
  // One computation per key at a time: concurrent misses on the same key
  // wait for the first instead of each scanning the store (a stampede on a
  // 1M-row stats query would otherwise multiply the work by the threads).
  std::shared_ptr<std::mutex> KeyLock(const std::string& key) {
    std::lock_guard<std::mutex> lock(mu_);
    if (locks_.size() > 1024) locks_.clear();
    auto& m = locks_[key];
    if (!m) m = std::make_shared<std::mutex>();
    return m;
  }
  uint64_t Generation() {
    std::lock_guard<std::mutex> lock(mu_);
    return generation_;
  }
  void Invalidate() {
    std::lock_guard<std::mutex> lock(mu_);
    ++generation_;
    map_.clear();
    bytes_ = 0;
  }

 private:
  struct Entry {
    std::chrono::steady_clock::time_point at;
    uint64_t generation;
    std::shared_ptr<const std::string> body;
  };
  static constexpr size_t kMaxBytes = size_t{64} << 20;
  std::chrono::seconds ttl_;
  std::mutex mu_;
  uint64_t generation_ = 0;
  size_t bytes_ = 0;
  std::unordered_map<std::string, Entry> map_;
  std::unordered_map<std::string, std::shared_ptr<std::mutex>> locks_;
};

// ---- freshness -----------------------------------------------------------------

// Whether the database may have changed since the last look, whoever wrote
// it (this server, the CLI, another server): one Store handle that never
// writes, polled before a cached answer is used. First its ChangeStamp
// (PRAGMA data_version on SQLite: any commit to any table); only when that
// moved, its IncidentsStamp (a counter that moves on committed writes to
// incidents and phases), so that a sign-in or an audit entry retires the
// cached identities but not the cube and the cached answers.
// Thread-safe; a poll costs one cheap statement, two after a commit.
class ChangeWatch {
 public:
  struct Moved {
    bool any = false;        // something committed (identities may be stale)
    bool incidents = false;  // incidents or phases changed (answers are stale)
  };
  explicit ChangeWatch(std::string uri) : uri_(std::move(uri)) {}
  // Both true on the first poll. Errors as Store::Open, ChangeStamp and
  // IncidentsStamp; a failed handle is reopened on the next poll.
  Result<Moved> Poll() {
    std::lock_guard<std::mutex> lock(mu_);
    if (!store_) {
      ASSIGN_OR_RETURN(store_, Store::Open(uri_));
      stamp_.reset();
      incidents_.reset();
    }
    // Read in this order: a commit after the first read moves the first
    // stamp for the next poll; one before the second is in the second.
    auto now = store_->ChangeStamp();
    if (!now.ok()) {
      store_.reset();
      return now.status();
    }
    Moved m;
    if (stamp_ && *stamp_ == *now) return m;
    auto incidents = store_->IncidentsStamp();
    if (!incidents.ok()) {
      store_.reset();
      return incidents.status();
    }
    m.any = true;
    m.incidents = !incidents_ || *incidents_ != *incidents;
    stamp_ = std::move(*now);
    incidents_ = std::move(*incidents);
    return m;
  }

 private:
  std::string uri_;
  std::mutex mu_;
  std::unique_ptr<Store> store_;
  std::optional<std::string> stamp_, incidents_;
};

// Who a token or session is, remembered between requests so that each one
// does not repeat two credential look-ups. Keyed by the secret's digest
// (never the secret); an entry is good for the identity generation it was
// made in — any commit to the database, such as a revocation, a disabled
// user or a new role, through this server or from outside (ChangeWatch),
// retires it — and
// until the credential expires. Thread-safe.
class AuthCache {
 public:
  std::optional<Principal> Find(const std::string& digest, uint64_t generation) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = map_.find(digest);
    if (it == map_.end()) return std::nullopt;
    if (it->second.generation != generation ||
        (!it->second.who.expires_at.empty() && it->second.who.expires_at <= UtcNow())) {
      map_.erase(it);
      return std::nullopt;
    }
    return it->second.who;
  }
  void Put(const std::string& digest, uint64_t generation, const Principal& who) {
    std::lock_guard<std::mutex> lock(mu_);
    if (map_.size() >= 4096) map_.clear();
    map_[digest] = Entry{generation, who};
  }

 private:
  struct Entry {
    uint64_t generation;
    Principal who;
  };
  std::mutex mu_;
  std::unordered_map<std::string, Entry> map_;
};

// An incident as the API shows it: the canonical JSON plus the totals a
// table sorts by.
std::string IncidentView(const Incident& inc) {
  std::string s = IncidentToJson(inc);
  if (s.empty() || s.back() != '}') return s;
  s.pop_back();
  s += ",\"killed_total\":" + std::to_string(inc.casualties.TotalKilled()) +
       ",\"injured_total\":" + std::to_string(inc.casualties.TotalInjured()) + "}";
  return s;
}

Json IncidentJson(const Incident& inc) { return Json::parse(IncidentView(inc)); }

// If-Match: "3", W/"3" or 3 -> 3. 0 when absent.
Result<int32_t> IfMatchVersion(const httplib::Request& req) {
  if (!req.has_header("If-Match")) return 0;
  std::string v = req.get_header_value("If-Match");
  std::string_view s = Trim(v);
  if (s.starts_with("W/")) s.remove_prefix(2);
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  auto n = ParseInt(s);
  if (!n.ok() || *n <= 0 || *n > INT32_MAX) return InvalidArgument("If-Match: expected the incident version, as \"3\"");
  return static_cast<int32_t>(*n);
}

std::string Cookie(const httplib::Request& req, std::string_view name) {
  const std::string header = req.get_header_value("Cookie");
  for (std::string_view part : Split(header, ';')) {
    std::string_view p = Trim(part);
    if (p.size() > name.size() && p.substr(0, name.size()) == name && p[name.size()] == '=') {
      return std::string(p.substr(name.size() + 1));
    }
  }
  return "";
}

// ---- the server ------------------------------------------------------------


struct Ctx {
  const httplib::Request& req;
  httplib::Response& res;
  Lease& lease;
  std::optional<Principal> who;
  Store* store() { return lease.store(); }
  Accounts* accounts() { return lease.accounts(); }
  std::string user() const { return who ? who->name : "anonymous"; }
};

using Handler = std::function<Result<Reply>(Ctx&)>;

}  // namespace

struct Server::Impl {
  ServerOptions opt;
  std::unique_ptr<httplib::Server> http;
  Pool pool;
  RateLimiter limiter;
  RateLimiter signin_limiter{0.5, 20};
  ResponseCache cache;  // its generation moves when incidents or phases change
  ChangeWatch watch;
  CubeHolder cube;
  AuthCache auth_cache;
  std::atomic<uint64_t> auth_generation{0};  // moves with any commit
  std::optional<StaticFiles> files;
  int port = 0;

  explicit Impl(ServerOptions o)
      : opt(std::move(o)), pool(opt.db_uri), limiter(opt.rate_per_second, opt.rate_burst), cache(opt.cache_seconds), watch(opt.db_uri),
        cube(opt.db_uri, [](Store* store) { return Cube::Load(store); }) {}

  void Route(const char* method, const std::string& pattern, Access access, Handler h);
  std::vector<Server::ServedRoute> routes;  // as registered
  void Dispatch(Access access, const Handler& h, const httplib::Request& req, httplib::Response& res);
  void RegisterRoutes();
  void Audit(Ctx& c, const std::string& target, std::optional<std::string> before,
             std::optional<std::string> after) {
    std::string action = c.req.method + " " + c.req.path;
    Status s = c.accounts()->Audit(c.user(), action, target, std::move(before), std::move(after));
    if (!s.ok() && opt.access_log) opt.access_log("audit log write failed: " + s.ToString());
  }
  Result<Reply> Cached(Ctx& c, const std::function<Result<Reply>()>& compute);
  // Retires the known identities when ChangeWatch says the database moved,
  // and clears the response cache (and so retires the cube) when incidents
  // or phases changed. Dispatch calls it first thing in every request, and
  // again after a write.
  Status Refresh();
  // ComputeStats over the held cube.
  Result<StatsTable> CubeStats(Ctx& c, const Filter& f, const std::vector<Dimension>& by,
                               const std::vector<Measure>& measures);

  // Handlers.
  Result<Reply> Health(Ctx& c);
  Result<Reply> SignIn(Ctx& c);
  Result<Reply> SessionInfo(Ctx& c);
  Result<Reply> SignOut(Ctx& c);
  Result<Reply> Vocabulary(Ctx& c);
  Result<Reply> ListIncidents(Ctx& c);
  Result<Reply> GetIncident(Ctx& c);
  Result<Reply> CreateIncident(Ctx& c);
  Result<Reply> UpdateIncident(Ctx& c);
  Result<Reply> GeoJson(Ctx& c);
  Result<Reply> Stats(Ctx& c);
  Result<Reply> TimeSeries(Ctx& c);
  Result<Reply> ReviewQueue(Ctx& c);
  Result<Reply> ReviewAction(Ctx& c, const std::string& action);
  Result<Reply> Export(Ctx& c);
  Result<Reply> AuditLog(Ctx& c);
  Result<Reply> ListUsers(Ctx& c);
  Result<Reply> AddUser(Ctx& c);
  Result<Reply> AddToken(Ctx& c);
  Result<Reply> RevokeTokens(Ctx& c);
};

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() { Stop(); }

Result<std::unique_ptr<Server>> Server::Create(ServerOptions options) {
  if (options.tls_cert.empty() != options.tls_key.empty()) {
    return InvalidArgument("TLS needs both a certificate and a key (--tls-cert and --tls-key)");
  }
  auto impl = std::make_unique<Impl>(std::move(options));
  if (!impl->opt.web_dir.empty()) {
    std::ifstream probe(impl->opt.web_dir + "/app/index.html");
    if (!probe) return InvalidArgument("--web " + impl->opt.web_dir + ": no app/index.html there");
    impl->files.emplace(impl->opt.web_dir);
  }
  {
    // Open (and migrate) the database now, so a bad URI fails before binding.
    ASSIGN_OR_RETURN(auto first, impl->pool.Take());
    impl->pool.Give(std::move(first));
  }
  // The first look at the database, so that the first request does not see
  // it "move"; then the cube starts loading in the background, so that the
  // dashboard's first chart does not wait for a full scan.
  RETURN_IF_ERROR(impl->watch.Poll().status());
  impl->cube.Prefetch(impl->cache.Generation());
  if (!impl->opt.tls_cert.empty()) {
    impl->http = std::make_unique<httplib::SSLServer>(impl->opt.tls_cert.c_str(), impl->opt.tls_key.c_str());
    if (!impl->http->is_valid()) return InvalidArgument("TLS: cannot load the certificate or key");
  } else {
    impl->http = std::make_unique<httplib::Server>();
  }
  auto& h = *impl->http;
  int threads = std::max(1, impl->opt.threads);
  h.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  h.set_payload_max_length(impl->opt.max_body_bytes);
  h.set_read_timeout(impl->opt.timeout_seconds, 0);
  h.set_write_timeout(impl->opt.timeout_seconds, 0);
  h.set_keep_alive_max_count(1000);
  // Headers and body go out in separate writes: without TCP_NODELAY, Nagle
  // and delayed ACKs add ~40 ms to every keep-alive response.
  h.set_tcp_nodelay(true);
  h.set_default_headers({
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "no-referrer"},
      {"X-Frame-Options", "DENY"},
      // The dashboard talks to nobody but this server.
      {"Content-Security-Policy",
       "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
       "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"},
  });
  h.set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    Reply r;
    if (res.status == 413) {
      r = ErrorReply(413, "payload_too_large", "request body is larger than the server accepts");
    } else if (res.status == 404) {
      r = ErrorReply(404, "not_found", "no route for " + req.method + " " + req.path.substr(0, 200));
    } else if (res.status == 414) {
      r = ErrorReply(414, "uri_too_long", "request URI too long");
    } else {
      r = ErrorReply(res.status, "http_error", "HTTP " + std::to_string(res.status));
    }
    res.set_content(r.body, r.content_type);
    return httplib::Server::HandlerResponse::Handled;
  }));
  h.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    Reply r = ErrorReply(500, "internal", "unexpected error");
    res.status = 500;
    res.set_content(r.body, r.content_type);
  });
  Impl* raw = impl.get();
  if (raw->opt.access_log) {
    h.set_logger([raw](const httplib::Request& req, const httplib::Response& res) {
      raw->opt.access_log(req.method + " " + req.path + " " + std::to_string(res.status) + " " +
                          std::to_string(res.body.size()) + "B " + req.remote_addr);
    });
  }
  raw->RegisterRoutes();
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Result<int> Server::Bind() {
  auto& h = *impl_->http;
  if (impl_->opt.port == 0) {
    int p = h.bind_to_any_port(impl_->opt.bind);
    if (p <= 0) return IoError("cannot bind " + impl_->opt.bind);
    impl_->port = p;
  } else {
    if (!h.bind_to_port(impl_->opt.bind, impl_->opt.port)) {
      return IoError("cannot bind " + impl_->opt.bind + ":" + std::to_string(impl_->opt.port) +
                     " (in use? try --port)");
    }
    impl_->port = impl_->opt.port;
  }
  return impl_->port;
}

Status Server::Run() {
  // A client that goes away mid-export must not kill the process.
  signal(SIGPIPE, SIG_IGN);
  if (!impl_->http->listen_after_bind()) return IoError("the server stopped listening unexpectedly");
  return Status::Ok();
}

const std::vector<Server::ServedRoute>& Server::Routes() const { return impl_->routes; }

void Server::Stop() {
  if (impl_ && impl_->http) impl_->http->stop();
}

int64_t Server::CubeLoads() const { return impl_->cube.loads(); }

namespace {

bool Allowed(Access need, Role have) {
  switch (need) {
    case Access::kPublic: return true;
    case Access::kViewer: return true;
    case Access::kAnalyst: return have == Role::kAnalyst || have == Role::kAdmin;
    case Access::kAdmin: return have == Role::kAdmin;
  }
  return false;
}

std::string_view AccessName(Access a) {
  switch (a) {
    case Access::kPublic: return "anyone";
    case Access::kViewer: return "viewer";
    case Access::kAnalyst: return "analyst";
    case Access::kAdmin: return "admin";
  }
  return "admin";
}

void Send(httplib::Response& res, Reply r) {
  if (r.streamed) return;
  res.status = r.status;
  for (const auto& [k, v] : r.headers) res.set_header(k, v);
  if (r.shared_body) {
    // A cached body goes out from the cache's own copy.
    auto body = std::move(r.shared_body);
    res.set_content_provider(body->size(), r.content_type,
                             [body](size_t offset, size_t length, httplib::DataSink& sink) {
                               return sink.write(body->data() + offset, length);
                             });
    return;
  }
  res.body = std::move(r.body);
  res.set_header("Content-Type", r.content_type);
}

}  // namespace

void Server::Impl::Route(const char* method, const std::string& pattern, Access access, Handler h) {
  auto fn = [this, access, h = std::move(h)](const httplib::Request& req, httplib::Response& res) {
    Dispatch(access, h, req, res);
  };
  std::string m = method;
  routes.push_back({m, pattern, access == Access::kPublic ? "public" : std::string(AccessName(access))});
  if (m == "GET") {
    http->Get(pattern, fn);
  } else if (m == "POST") {
    http->Post(pattern, fn);
  } else if (m == "PUT") {
    http->Put(pattern, fn);
  } else if (m == "DELETE") {
    http->Delete(pattern, fn);
  }
}

void Server::Impl::Dispatch(Access access, const Handler& h, const httplib::Request& req, httplib::Response& res) {
  auto taken = pool.Take();
  if (!taken.ok()) {
    Send(res, ErrorReply(taken.status()));
    return;
  }
  Lease lease(&pool, std::move(taken).value());
  Ctx c{req, res, lease, std::nullopt};
  const bool write = req.method != "GET" && req.method != "HEAD";
  // Whatever this request reads comes after this look for outside writes,
  // so no cached answer or identity older than them is used.
  if (Status fresh = Refresh(); !fresh.ok()) {
    Send(res, ErrorReply(fresh));
    return;
  }
  if (access != Access::kPublic) {
    std::string secret;
    std::string auth = req.get_header_value("Authorization");
    if (auth.rfind("Bearer ", 0) == 0) {
      secret = auth.substr(7);
    } else {
      secret = Cookie(req, kSessionCookie);
    }
    if (secret.empty()) {
      Reply r = ErrorReply(401, "unauthenticated", "sign in, or send Authorization: Bearer <token>");
      r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"faultline\"");
      Send(res, r);
      return;
    }
    const uint64_t generation = auth_generation.load();
    const std::string digest = SecretDigest(secret);
    std::optional<Principal> known = auth_cache.Find(digest, generation);
    Result<Principal> p = known ? Result<Principal>(std::move(*known)) : lease.accounts()->Authenticate(secret);
    if (p.ok() && !known) auth_cache.Put(digest, generation, *p);
    if (!p.ok()) {
      if (p.status().code() == StatusCode::kPermissionDenied) {
        Reply r = ErrorReply(401, "unauthenticated", p.status().message());
        r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"faultline\", error=\"invalid_token\"");
        Send(res, r);
      } else {
        lease.MarkBroken();
        Send(res, ErrorReply(p.status()));
      }
      return;
    }
    c.who = std::move(p).value();
    double wait = 0;
    if (!limiter.Allow("c" + std::to_string(c.who->credential_id), &wait)) {
      Reply r = ErrorReply(429, "rate_limited", "too many requests for this token; slow down");
      r.headers.emplace_back("Retry-After", std::to_string(static_cast<int>(std::ceil(wait))));
      Send(res, r);
      return;
    }
    if (!Allowed(access, c.who->role)) {
      Send(res, ErrorReply(403, "forbidden",
                           "this needs the " + std::string(AccessName(access)) + " role; you are " +
                               std::string(Name(c.who->role))));
      return;
    }
    if (write && c.who->session) {
      std::string csrf = req.get_header_value("X-CSRF-Token");
      if (csrf.empty() || csrf != c.who->csrf_token) {
        Send(res, ErrorReply(403, "csrf", "missing or wrong X-CSRF-Token header (GET /api/v1/session gives it)"));
        return;
      }
    }
  }
  Result<Reply> r = Reply{};
  try {
    r = h(c);
  } catch (const std::exception& e) {
    r = Internal(std::string("unexpected exception: ") + e.what());
  }
  if (!r.ok()) {
    StatusCode code = r.status().code();
    if (code == StatusCode::kInternal || code == StatusCode::kUnavailable || code == StatusCode::kDataLoss) {
      lease.MarkBroken();
      if (opt.access_log) opt.access_log("error: " + r.status().ToString());
    }
    Reply e = ErrorReply(r.status());
    if (code == StatusCode::kUnavailable) {
      // Let the client come back on a new connection: a keep-alive one
      // would hold a server thread while it waits.
      e.headers.emplace_back("Retry-After", "2");
      e.headers.emplace_back("Connection", "close");
    }
    Send(res, std::move(e));
    return;
  }
  if (write && r->status < 400) {
    // What this request wrote is committed: look again now, so that its
    // author's next read sees it. Only a write to incidents or phases
    // clears the answers; any write retires the known identities.
    if (!Refresh().ok()) {
      cache.Invalidate();
      ++auth_generation;
    }
  }
  Send(res, std::move(r).value());
}

Status Server::Impl::Refresh() {
  ASSIGN_OR_RETURN(ChangeWatch::Moved moved, watch.Poll());
  if (moved.any) ++auth_generation;
  if (moved.incidents) cache.Invalidate();
  return Status::Ok();
}

Result<StatsTable> Server::Impl::CubeStats(Ctx& c, const Filter& f, const std::vector<Dimension>& by,
                                           const std::vector<Measure>& measures) {
  if (measures.empty()) return InvalidArgument("stats needs at least one measure");
  ASSIGN_OR_RETURN(auto held, cube.Get(cache.Generation(), std::chrono::seconds(std::max(1, opt.timeout_seconds))));
  ASSIGN_OR_RETURN(auto q, held->Compile(f, c.store()));
  return held->GroupBy(*q, by, measures);
}

namespace {

// The content type of a cached answer: GeoJSON for the map, else JSON.
std::string CachedType(const std::string& path) {
  return path.ends_with(".geojson") ? "application/geo+json" : "application/json";
}

}  // namespace

Result<Reply> Server::Impl::Cached(Ctx& c, const std::function<Result<Reply>()>& compute) {
  std::string key = c.req.path + "?";
  for (const auto& [k, v] : c.req.params) key += k + "=" + v + "&";
  auto hit = [&](std::shared_ptr<const std::string> body, const std::string& type) {
    Reply r{200, "", type, {}, false};
    r.shared_body = std::move(body);
    return r;
  };
  if (auto body = cache.Get(key)) return hit(std::move(body), CachedType(c.req.path));
  auto key_lock = cache.KeyLock(key);
  std::lock_guard<std::mutex> one_at_a_time(*key_lock);
  if (auto body = cache.Get(key)) return hit(std::move(body), CachedType(c.req.path));
  uint64_t generation = cache.Generation();
  ASSIGN_OR_RETURN(Reply r, compute());
  if (r.status == 200) {
    auto body = std::make_shared<const std::string>(std::move(r.body));
    cache.Put(key, generation, body);
    return hit(std::move(body), r.content_type);
  }
  return r;
}

// ---- routes ------------------------------------------------------------------

void Server::Impl::RegisterRoutes() {
  const std::string a(kApi);
  auto bind = [this](Result<Reply> (Impl::*m)(Ctx&)) { return [this, m](Ctx& c) { return (this->*m)(c); }; };
  Route("GET", a + "/health", Access::kPublic, bind(&Impl::Health));
  Route("GET", a + "/openapi.yaml", Access::kPublic, [](Ctx&) -> Result<Reply> {
    return Reply{200, std::string(OpenApiYaml()), "application/yaml; charset=utf-8", {}, false};
  });
  Route("POST", a + "/session", Access::kPublic, bind(&Impl::SignIn));
  Route("GET", a + "/session", Access::kViewer, bind(&Impl::SessionInfo));
  Route("DELETE", a + "/session", Access::kViewer, bind(&Impl::SignOut));
  Route("GET", a + "/vocabulary", Access::kViewer, bind(&Impl::Vocabulary));

  Route("GET", a + "/incidents", Access::kViewer, bind(&Impl::ListIncidents));
  Route("POST", a + "/incidents", Access::kAnalyst, bind(&Impl::CreateIncident));
  Route("GET", a + "/incidents\\.geojson", Access::kViewer, bind(&Impl::GeoJson));
  Route("GET", a + "/incidents/(\\d+)", Access::kViewer, bind(&Impl::GetIncident));
  Route("PUT", a + "/incidents/(\\d+)", Access::kAnalyst, bind(&Impl::UpdateIncident));
  Route("GET", a + "/stats", Access::kViewer, bind(&Impl::Stats));
  Route("GET", a + "/timeseries", Access::kViewer, bind(&Impl::TimeSeries));
  Route("GET", a + "/export", Access::kViewer, bind(&Impl::Export));

  Route("GET", a + "/review", Access::kViewer, bind(&Impl::ReviewQueue));
  for (std::string action : {"accept", "reject", "edit", "merge", "split"}) {
    Route("POST", a + "/review/(\\d+)/" + action, Access::kAnalyst,
          [this, action](Ctx& c) { return ReviewAction(c, action); });
  }

  Route("GET", a + "/audit", Access::kAdmin, bind(&Impl::AuditLog));
  Route("GET", a + "/users", Access::kAdmin, bind(&Impl::ListUsers));
  Route("POST", a + "/users", Access::kAdmin, bind(&Impl::AddUser));
  Route("POST", a + "/users/([A-Za-z0-9._-]{1,64})/tokens", Access::kAdmin, bind(&Impl::AddToken));
  Route("DELETE", a + "/users/([A-Za-z0-9._-]{1,64})/tokens", Access::kAdmin, bind(&Impl::RevokeTokens));

  // Claims, phases, change points, effects, forecasts, backtests, alerts and
  // plans: handlers in the stage route files (stage_routes.h).
  for (RouteSpec& r : StageRoutes(opt, cache.Generation())) {
    Route(r.method.c_str(), a + r.pattern, r.access, [this, h = std::move(r.handler)](Ctx& c) -> Result<Reply> {
      RouteContext rc{c.req, c.res, c.store(), *c.who,
                      [this, &c](const std::string& target, std::optional<std::string> before,
                                 std::optional<std::string> after) { Audit(c, target, std::move(before), std::move(after)); },
                      cache.Generation()};
      return h(rc);
    });
  }

  if (files) {
    http->Get("/(?!api/).*", [this](const httplib::Request& req, httplib::Response& res) {
      auto f = files->Resolve(req.path);
      if (!f.ok()) {
        Send(res, ErrorReply(404, "not_found", "no such file"));
        return;
      }
      std::ifstream in(*f, std::ios::binary);
      std::ostringstream ss;
      ss << in.rdbuf();
      res.set_header("Cache-Control", "no-cache");
      res.set_content(ss.str(), std::string(StaticFiles::ContentType(*f)));
    });
  }
}

// ---- health, session, vocabulary ------------------------------------------

Result<Reply> Server::Impl::Health(Ctx& c) {
  RETURN_IF_ERROR(Query(c.req).Allow({}));
  ASSIGN_OR_RETURN(int schema, c.store()->SchemaVersion());
  Json j;
  j["status"] = "ok";
  j["backend"] = c.store()->Backend();
  j["schema_version"] = schema;
  return JsonReply(j);
}

Result<Reply> Server::Impl::SignIn(Ctx& c) {
  double wait = 0;
  if (!signin_limiter.Allow("ip:" + c.req.remote_addr, &wait)) {
    Reply r = ErrorReply(429, "rate_limited", "too many sign-in attempts; wait a little");
    r.headers.emplace_back("Retry-After", std::to_string(static_cast<int>(std::ceil(wait))));
    return r;
  }
  ASSIGN_OR_RETURN(Json body, ParseBody(c.req, true));
  std::string name = BodyString(body, "name"), password = BodyString(body, "password");
  if (name.empty() || password.empty()) return InvalidArgument("sign-in needs \"name\" and \"password\"");
  auto s = c.accounts()->SignIn(name, password, opt.session_seconds);
  if (!s.ok()) {
    if (s.status().code() == StatusCode::kPermissionDenied) {
      return ErrorReply(401, "unauthenticated", "wrong name or password");
    }
    return s.status();
  }
  c.who = s->principal;
  Audit(c, "user " + name, std::nullopt, Dump(Json{{"session", s->principal.credential_id}}));
  Reply r = JsonReply(Json{{"name", s->principal.name},
                           {"role", Name(s->principal.role)},
                           {"csrf_token", s->principal.csrf_token},
                           {"expires_at", s->expires_at}});
  std::string cookie = std::string(kSessionCookie) + "=" + s->secret + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
                       std::to_string(opt.session_seconds);
  if (opt.secure_cookies || !opt.tls_cert.empty()) cookie += "; Secure";
  r.headers.emplace_back("Set-Cookie", cookie);
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

Result<Reply> Server::Impl::SessionInfo(Ctx& c) {
  RETURN_IF_ERROR(Query(c.req).Allow({}));
  Json j{{"name", c.who->name}, {"role", Name(c.who->role)}, {"via", c.who->session ? "session" : "token"}};
  if (c.who->session) j["csrf_token"] = c.who->csrf_token;
  Reply r = JsonReply(j);
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

Result<Reply> Server::Impl::SignOut(Ctx& c) {
  if (!c.who->session) return InvalidArgument("DELETE /session ends a dashboard session; revoke tokens instead");
  RETURN_IF_ERROR(c.accounts()->SignOut(*c.who));
  Audit(c, "user " + c.who->name, Dump(Json{{"session", c.who->credential_id}}), std::nullopt);
  Reply r = JsonReply(Json{{"signed_out", true}});
  r.headers.emplace_back("Set-Cookie", std::string(kSessionCookie) + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
  return r;
}

Result<Reply> Server::Impl::Vocabulary(Ctx& c) {
  RETURN_IF_ERROR(Query(c.req).Allow({}));
  Json j;
  auto names = [](auto first, auto last) {
    Json arr = Json::array();
    for (int i = static_cast<int>(first); i <= static_cast<int>(last); ++i) arr.push_back(Name(static_cast<decltype(first)>(i)));
    return arr;
  };
  j["event_types"] = names(EventType::kBattles, EventType::kStrategicDevelopments);
  j["attack_types"] = names(AttackType::kUnknown, AttackType::kOther);
  j["targets"] = names(TargetCategory::kUnknown, TargetCategory::kOther);
  j["statuses"] = names(IncidentStatus::kCandidate, IncidentStatus::kMerged);
  Json admin1 = Json::array();
  if (auto gz = Gazetteer::Default(); gz.ok()) {
    for (const auto& u : (*gz)->units()) {
      if (u.level == 1) admin1.push_back(Json{{"country", u.country}, {"name", u.name}});
    }
  }
  j["admin1"] = std::move(admin1);
  Json actors = Json::array();
  if (auto ad = ActorDictionary::Default(); ad.ok()) {
    for (const auto& a : (*ad)->actors()) actors.push_back(Json{{"id", a.id}, {"name", a.name}});
  }
  j["perpetrators"] = std::move(actors);
  Json formats = Json::array();
  for (auto f : ExportFormats()) formats.push_back(f);
  j["export_formats"] = std::move(formats);
  return JsonReply(j);
}

// ---- incidents ---------------------------------------------------------------

namespace {

enum class SortKey { kId, kDate, kKilled, kInjured, kAdmin1, kPerpetrator, kAttackType, kTarget };

Result<SortKey> ParseSort(std::string_view s) {
  if (s.empty() || s == "id") return SortKey::kId;
  if (s == "date") return SortKey::kDate;
  if (s == "killed") return SortKey::kKilled;
  if (s == "injured") return SortKey::kInjured;
  if (s == "admin1") return SortKey::kAdmin1;
  if (s == "perpetrator") return SortKey::kPerpetrator;
  if (s == "attack_type") return SortKey::kAttackType;
  if (s == "target") return SortKey::kTarget;
  return InvalidArgument("parameter sort: \"" + std::string(s.substr(0, 40)) +
                         "\" is not one of id, date, killed, injured, admin1, perpetrator, attack_type, target");
}

struct SortRow {
  int64_t id;
  int64_t num;
  std::string text;
};

}  // namespace

Result<Reply> Server::Impl::ListIncidents(Ctx& c) {
  Query q(c.req);
  RETURN_IF_ERROR(q.Allow(With({"sort", "order", "cursor", "limit", "total"})));
  ASSIGN_OR_RETURN(Filter f, FilterFromQuery(q));
  ASSIGN_OR_RETURN(int64_t limit, q.Int("limit", 100, 1, opt.max_page));
  ASSIGN_OR_RETURN(std::string sort_s, q.One("sort", "id"));
  ASSIGN_OR_RETURN(SortKey sort, ParseSort(sort_s));
  ASSIGN_OR_RETURN(std::string order, q.One("order", sort == SortKey::kId ? "asc" : "desc"));
  if (order != "asc" && order != "desc") return InvalidArgument("parameter order: asc or desc");
  ASSIGN_OR_RETURN(std::string cursor, q.One("cursor"));
  ASSIGN_OR_RETURN(bool want_total, q.Bool("total"));

  // Pages are cached like stats: the key is the whole query, and any write
  // (through this server or seen by ChangeWatch) clears the cache.
  return Cached(c, [&]() -> Result<Reply> {
    std::string out = "{\"incidents\":[";
    bool first = true;
    std::optional<std::string> next;
    auto add = [&](const Incident& inc) {
      out += first ? "" : ",";
      out += IncidentView(inc);
      first = false;
    };
    if (sort == SortKey::kId && order == "asc") {
      // Keyset pagination: the cursor is the last id seen.
      if (!cursor.empty()) {
        auto after = ParseInt(cursor);
        if (!after.ok() || *after < 0) return InvalidArgument("parameter cursor: not a cursor this list gave");
        f.after_id = *after;
      }
      f.limit = limit + 1;
      int64_t n = 0, last = 0;
      RETURN_IF_ERROR(c.store()->Scan(f, [&](const Incident& inc) {
        if (++n > limit) {
          next = std::to_string(last);
          return Status::Ok();
        }
        add(inc);
        last = inc.id;
        return Status::Ok();
      }));
      f.limit = 0;
      f.after_id = 0;
    } else {
      // Any other order sorts the matching facts in memory, so it is bounded:
      // the filter must leave at most max_sort_rows incidents.
      int64_t offset = 0;
      if (!cursor.empty()) {
        auto o = cursor.starts_with("o") ? ParseInt(std::string_view(cursor).substr(1)) : Result<int64_t>(InvalidArgument(""));
        if (!o.ok() || *o < 0) return InvalidArgument("parameter cursor: not a cursor this list gave");
        offset = *o;
      }
      ASSIGN_OR_RETURN(int64_t n, c.store()->Count(f));
      if (n > opt.max_sort_rows) {
        return ErrorReply(422, "too_costly",
                          "sorting by " + sort_s + " covers " + std::to_string(n) + " incidents; narrow the filter to " +
                              std::to_string(opt.max_sort_rows) + " or fewer, or sort by id");
      }
      std::vector<SortRow> rows;
      rows.reserve(static_cast<size_t>(n));
      RETURN_IF_ERROR(c.store()->ScanFacts(f, [&](const IncidentFacts& x) {
        SortRow r{x.id, 0, {}};
        switch (sort) {
          case SortKey::kId: r.num = x.id; break;
          case SortKey::kDate: r.num = x.date; break;
          case SortKey::kKilled: for (int32_t k : x.killed) r.num += k; break;
          case SortKey::kInjured: for (int32_t k : x.injured) r.num += k; break;
          case SortKey::kAdmin1: r.text = x.admin1; break;
          case SortKey::kPerpetrator: r.text = x.perpetrator; break;
          case SortKey::kAttackType: r.text = Name(x.attack_type); break;
          case SortKey::kTarget: r.text = Name(x.target); break;
        }
        rows.push_back(std::move(r));
      }));
      const bool desc = order == "desc";
      std::sort(rows.begin(), rows.end(), [desc](const SortRow& x, const SortRow& y) {
        if (x.num != y.num) return desc ? x.num > y.num : x.num < y.num;
        if (x.text != y.text) return desc ? x.text > y.text : x.text < y.text;
        return x.id < y.id;  // ties in id order, always ascending: a stable page boundary
      });
      size_t end = std::min(rows.size(), static_cast<size_t>(offset + limit));
      for (size_t i = static_cast<size_t>(std::min<int64_t>(offset, static_cast<int64_t>(rows.size()))); i < end; ++i) {
        ASSIGN_OR_RETURN(Incident inc, c.store()->Get(rows[i].id));
        add(inc);
      }
      if (end < rows.size()) next = "o" + std::to_string(end);
    }
    out += "],\"next_cursor\":" + (next ? "\"" + *next + "\"" : std::string("null"));
    out += ",\"sort\":\"" + std::string(sort == SortKey::kId ? "id" : sort_s) + "\",\"order\":\"" + order + "\"";
    if (want_total) {
      ASSIGN_OR_RETURN(int64_t total, c.store()->Count(f));
      out += ",\"total\":" + std::to_string(total);
    }
    out += "}";
    return Reply{200, std::move(out), "application/json", {}, false};
  });
}

Result<Reply> Server::Impl::GetIncident(Ctx& c) {
  RETURN_IF_ERROR(Query(c.req).Allow({}));
  ASSIGN_OR_RETURN(int64_t id, PathId(c.req));
  ASSIGN_OR_RETURN(Incident inc, c.store()->Get(id));
  ASSIGN_OR_RETURN(auto history, c.store()->History(id));
  Json j;
  j["incident"] = IncidentJson(inc);
  Json h = Json::array();
  for (const auto& e : history) {
    h.push_back(Json{{"version", e.version},
                     {"changed_at", e.changed_at},
                     {"changed_by", e.changed_by},
                     {"reason", e.reason},
                     {"incident", IncidentJson(e.incident)}});
  }
  j["history"] = std::move(h);
  Reply r = JsonReply(j);
  r.headers.emplace_back("ETag", "\"" + std::to_string(inc.version) + "\"");
  return r;
}

namespace {

// The incident in a request body: the API's incident JSON, with the
// read-only fields (id, version, totals) dropped.
Result<Incident> IncidentFromBody(Json body) {
  for (const char* k : {"id", "version", "killed_total", "injured_total"}) body.erase(k);
  auto inc = IncidentFromJson(Dump(body));
  if (!inc.ok()) return inc.status().WithContext("incident");
  return inc;
}

Status CheckValid(const Incident& inc) {
  auto errors = Validate(inc);
  if (errors.empty()) return Status::Ok();
  std::string m = "incident is not valid:";
  for (const auto& e : errors) m += " " + e.field + ": " + e.message + ";";
  m.pop_back();
  return InvalidArgument(m);
}

}  // namespace

Result<Reply> Server::Impl::CreateIncident(Ctx& c) {
  RETURN_IF_ERROR(Query(c.req).Allow({}));
  ASSIGN_OR_RETURN(Json body, ParseBody(c.req, true));
  ASSIGN_OR_RETURN(Incident inc, IncidentFromBody(std::move(body)));
  if (inc.provenance.importer.empty()) inc.provenance.importer = "api";
  RETURN_IF_ERROR(CheckValid(inc));
  ASSIGN_OR_RETURN(WriteOutcome outcome, c.store()->Upsert(&inc, Change{c.user(), "created through the API"}));
  ASSIGN_OR_RETURN(Incident stored, c.store()->Get(inc.id));
  std::string view = IncidentView(stored);
  Audit(c, "incident " + std::to_string(stored.id), std::nullopt, view);
  Json j;
  j["incident"] = Json::parse(view);
  j["outcome"] = outcome == WriteOutcome::kInserted ? "inserted" : outcome == WriteOutcome::kUpdated ? "updated" : "unchanged";
  Reply r = JsonReply(j, outcome == WriteOutcome::kInserted ? 201 : 200);
  r.headers.emplace_back("Location", std::string(kApi) + "/incidents/" + std::to_string(stored.id));
  r.headers.emplace_back("ETag", "\"" + std::to_string(stored.version) + "\"");
  return r;
}

Result<Reply> Server::Impl::UpdateIncident(Ctx& c) {
  RETURN_IF_ERROR(Query(c.req).Allow({}));
  ASSIGN_OR_RETURN(int64_t id, PathId(c.req));
  ASSIGN_OR_RETURN(int32_t expected, IfMatchVersion(c.req));
  if (expected == 0) {
    return ErrorReply(428, "precondition_required",
                      "send If-Match with the version you edited (the ETag of GET /incidents/{id})");
  }
  ASSIGN_OR_RETURN(Json body, ParseBody(c.req, true));
  if (auto it = body.find("id"); it != body.end() && (!it->is_number_integer() || it->get<int64_t>() != id)) {
    return InvalidArgument("body id does not match the path");
  }
  ASSIGN_OR_RETURN(Incident inc, IncidentFromBody(std::move(body)));
  inc.id = id;
  ASSIGN_OR_RETURN(Incident before, c.store()->Get(id));
  if (inc.provenance == Provenance{}) inc.provenance = before.provenance;
  RETURN_IF_ERROR(CheckValid(inc));
  auto updated = c.store()->Update(inc, expected, Change{c.user(), "edited through the API"});
  if (!updated.ok() && updated.status().code() == StatusCode::kConflict) {
    ASSIGN_OR_RETURN(Incident now, c.store()->Get(id));
    return ErrorReply(409, "conflict",
                      "incident " + std::to_string(id) + " is at version " + std::to_string(now.version) +
                          ", not " + std::to_string(expected) + ": someone else edited it; reload and retry");
  }
  ASSIGN_OR_RETURN(Incident after, std::move(updated));
  std::string view = IncidentView(after);
  Audit(c, "incident " + std::to_string(id), IncidentView(before), view);
  Reply r = JsonReply(Json{{"incident", Json::parse(view)}});
  r.headers.emplace_back("ETag", "\"" + std::to_string(after.version) + "\"");
  return r;
}

Result<Reply> Server::Impl::GeoJson(Ctx& c) {
  Query q(c.req);
  RETURN_IF_ERROR(q.Allow(With({"zoom", "cluster"})));
  ASSIGN_OR_RETURN(Filter f, FilterFromQuery(q));
  ASSIGN_OR_RETURN(int64_t zoom, q.Int("zoom", 5, 0, 18));
  ASSIGN_OR_RETURN(std::string cluster, q.One("cluster", "auto"));
  if (cluster != "auto" && cluster != "never" && cluster != "always") {
    return InvalidArgument("parameter cluster: auto, never or always");
  }
  if (cluster == "never" && !f.bbox) {
    // Unclustered output is bounded like any list.
    ASSIGN_OR_RETURN(int64_t n, c.store()->Count(f));
    if (n > opt.max_map_points) {
      return ErrorReply(422, "too_costly",
                        std::to_string(n) + " incidents: more than " + std::to_string(opt.max_map_points) +
                            " points need cluster=auto or a bbox");
    }
  }
  return Cached(c, [&]() -> Result<Reply> {
    struct Point {
      int64_t id;
      double lat, lon;
      std::string props;
      int64_t killed, injured;
    };
    struct Cell {
      int64_t count = 0, killed = 0, injured = 0;
      double lat = 0, lon = 0;
    };
    std::vector<Point> points;
    std::map<std::pair<int64_t, int64_t>, Cell> cells;
    int64_t with_coords = 0, without = 0;
    const double size = 360.0 / static_cast<double>(int64_t{1} << zoom) / 4.0;
    bool clustered = cluster == "always";
    auto to_cell = [&](double lat, double lon, int64_t killed, int64_t injured) {
      Cell& cell = cells[{static_cast<int64_t>(std::floor(lat / size)), static_cast<int64_t>(std::floor(lon / size))}];
      ++cell.count;
      cell.killed += killed;
      cell.injured += injured;
      cell.lat += lat;
      cell.lon += lon;
    };
    // The compact points (no notes, no sources): a million incidents
    // cluster in about a second instead of a full decode of each.
    RETURN_IF_ERROR(c.store()->ScanPoints(f, [&](const IncidentPoint& inc) {
      if (!inc.lat || !inc.lon) {
        ++without;
        return Status::Ok();
      }
      ++with_coords;
      const int64_t killed = inc.killed, injured = inc.injured;
      if (!clustered && cluster == "auto" && static_cast<int64_t>(points.size()) >= opt.max_map_points) {
        clustered = true;
        for (const auto& p : points) to_cell(p.lat, p.lon, p.killed, p.injured);
        points.clear();
        points.shrink_to_fit();
      }
      if (clustered) {
        to_cell(*inc.lat, *inc.lon, killed, injured);
        return Status::Ok();
      }
      Json p{{"id", inc.id},
             {"date", CivilDate(inc.date).ToString()},
             {"event_type", Name(inc.event_type)},
             {"attack_type", Name(inc.attack_type)},
             {"target", Name(inc.target)},
             {"status", Name(inc.status)},
             {"admin1", inc.admin1},
             {"place", inc.place.empty() ? inc.admin2 : inc.place},
             {"perpetrator", inc.perpetrator},
             {"killed", killed},
             {"injured", injured}};
      points.push_back(Point{inc.id, *inc.lat, *inc.lon, Dump(p), killed, injured});
      return Status::Ok();
    }));
    std::string out = "{\"type\":\"FeatureCollection\",\"clustered\":" + std::string(clustered ? "true" : "false") +
                      ",\"zoom\":" + std::to_string(zoom) + ",\"total\":" + std::to_string(with_coords) +
                      ",\"without_coordinates\":" + std::to_string(without) + ",\"features\":[";
    bool first = true;
    auto feature = [&](double lat, double lon, const std::string& props) {
      out += first ? "" : ",";
      first = false;
      out += "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[" + FormatCoordinate(lon) + "," +
             FormatCoordinate(lat) + "]},\"properties\":" + props + "}";
    };
    if (clustered) {
      for (const auto& [key, cell] : cells) {
        double lat = cell.lat / static_cast<double>(cell.count), lon = cell.lon / static_cast<double>(cell.count);
        feature(lat, lon,
                Dump(Json{{"cluster", true}, {"count", cell.count}, {"killed", cell.killed}, {"injured", cell.injured}}));
      }
    } else {
      for (const auto& p : points) feature(p.lat, p.lon, p.props);
    }
    out += "]}";
    return Reply{200, std::move(out), "application/geo+json", {}, false};
  });
}

// ---- stats and time series ------------------------------------------------------

Result<Reply> Server::Impl::Stats(Ctx& c) {
  Query q(c.req);
  RETURN_IF_ERROR(q.Allow(With({"by", "measure"})));
  ASSIGN_OR_RETURN(Filter f, FilterFromQuery(q));
  ASSIGN_OR_RETURN(auto by, q.List("by"));
  ASSIGN_OR_RETURN(auto ms, q.List("measure"));
  if (by.size() > 3) return InvalidArgument("parameter by: at most 3 dimensions");
  if (ms.empty()) ms = {"incidents", "killed", "injured"};
  std::vector<Dimension> dims;
  for (const auto& b : by) {
    auto d = ParseDimension(b);
    if (!d.ok()) return d.status().WithContext("parameter by");
    dims.push_back(*d);
  }
  std::vector<Measure> measures;
  for (const auto& m : ms) {
    auto x = ParseMeasure(m);
    if (!x.ok()) return x.status().WithContext("parameter measure");
    measures.push_back(*x);
  }
  return Cached(c, [&]() -> Result<Reply> {
    ASSIGN_OR_RETURN(StatsTable t, CubeStats(c, f, dims, measures));
    Json j;
    Json cols = Json::array();
    for (const auto& k : t.key_columns) cols.push_back(k);
    for (const auto& m : t.measure_columns) cols.push_back(m);
    j["columns"] = std::move(cols);
    Json rows = Json::array();
    for (size_t i = 0; i < t.keys.size(); ++i) {
      Json r = Json::array();
      for (const auto& k : t.keys[i]) r.push_back(k);
      for (int64_t v : t.values[i]) r.push_back(v);
      rows.push_back(std::move(r));
    }
    j["rows"] = std::move(rows);
    j["totals"] = t.totals;
    return JsonReply(j);
  });
}

Result<Reply> Server::Impl::TimeSeries(Ctx& c) {
  Query q(c.req);
  RETURN_IF_ERROR(q.Allow(With({"interval", "measure"})));
  ASSIGN_OR_RETURN(Filter f, FilterFromQuery(q));
  ASSIGN_OR_RETURN(std::string interval, q.One("interval", "month"));
  if (interval != "day" && interval != "week" && interval != "month" && interval != "quarter" && interval != "year") {
    return InvalidArgument("parameter interval: day, week, month, quarter or year");
  }
  ASSIGN_OR_RETURN(auto ms, q.List("measure"));
  if (ms.empty()) ms = {"incidents", "killed", "injured"};
  std::vector<Measure> measures;
  for (const auto& m : ms) {
    auto x = ParseMeasure(m);
    if (!x.ok()) return x.status().WithContext("parameter measure");
    measures.push_back(*x);
  }
  ASSIGN_OR_RETURN(Dimension dim, ParseDimension(interval));
  return Cached(c, [&]() -> Result<Reply> {
    ASSIGN_OR_RETURN(StatsTable t, CubeStats(c, f, {dim}, measures));
    Json points = Json::array();
    for (size_t i = 0; i < t.keys.size(); ++i) {
      Json p{{"period", t.keys[i][0]}};
      for (size_t m = 0; m < t.measure_columns.size(); ++m) p[t.measure_columns[m]] = t.values[i][m];
      points.push_back(std::move(p));
    }
    Json j;
    j["interval"] = interval;
    j["measures"] = t.measure_columns;
    j["points"] = std::move(points);
    j["totals"] = t.totals;
    j["phases"] = Json::array();
    if (!t.keys.empty()) {
      ASSIGN_OR_RETURN(j["phases"], PhasesOverSeries(c.store(), f, interval, t.keys.front()[0], t.keys.back()[0]));
    }
    return JsonReply(j);
  });
}

// ---- review queue -------------------------------------------------------------

Result<Reply> Server::Impl::ReviewQueue(Ctx& c) {
  Query q(c.req);
  RETURN_IF_ERROR(q.Allow({"cursor", "limit"}));
  ASSIGN_OR_RETURN(int64_t limit, q.Int("limit", 50, 1, opt.max_page));
  ASSIGN_OR_RETURN(int64_t after, q.Int("cursor", 0, 0, INT64_MAX));
  Filter f;
  f.statuses = {IncidentStatus::kCandidate};
  f.after_id = after;
  f.limit = limit + 1;
  std::string out = "{\"items\":[";
  int64_t n = 0, last = 0;
  bool more = false;
  RETURN_IF_ERROR(c.store()->Scan(f, [&](const Incident& inc) {
    if (++n > limit) {
      more = true;
      return Status::Ok();
    }
    out += (n > 1 ? "," : "") + IncidentView(inc);
    last = inc.id;
    return Status::Ok();
  }));
  Filter all;
  all.statuses = {IncidentStatus::kCandidate};
  ASSIGN_OR_RETURN(int64_t total, c.store()->Count(all));
  out += "],\"next_cursor\":" + (more ? "\"" + std::to_string(last) + "\"" : std::string("null")) +
         ",\"total\":" + std::to_string(total) + "}";
  return Reply{200, std::move(out), "application/json", {}, false};
}

Result<Reply> Server::Impl::ReviewAction(Ctx& c, const std::string& action) {
  RETURN_IF_ERROR(Query(c.req).Allow({}));
  ASSIGN_OR_RETURN(int64_t id, PathId(c.req));
  ASSIGN_OR_RETURN(Json body, ParseBody(c.req, action == "edit" || action == "merge"));
  ASSIGN_OR_RETURN(int32_t expected, IfMatchVersion(c.req));
  if (auto it = body.find("version"); it != body.end()) {
    if (!it->is_number_integer() || it->get<int64_t>() <= 0 || it->get<int64_t>() > INT32_MAX) {
      return InvalidArgument("version: a positive whole number");
    }
    expected = static_cast<int32_t>(it->get<int64_t>());
  }
  std::string reason = BodyString(body, "reason");
  if (reason.size() > 2000) return InvalidArgument("reason: longer than 2000 bytes");
  ASSIGN_OR_RETURN(Incident before, c.store()->Get(id));
  Change change{c.user(), reason.empty() ? action + " (dashboard/API)" : action + ": " + reason};
  Result<Incident> after = Status(StatusCode::kInternal, "no action");
  Json extra;
  if (action == "accept") {
    after = resolve::Accept(c.store(), id, change, expected);
  } else if (action == "reject") {
    after = resolve::Reject(c.store(), id, change, expected);
  } else if (action == "edit") {
    std::vector<std::string> sets;
    auto it = body.find("set");
    if (it == body.end()) return InvalidArgument("edit needs \"set\": {\"field\": \"value\"} or [\"field=value\"]");
    if (it->is_object()) {
      for (const auto& [k, v] : it->items()) {
        if (v.is_string()) {
          sets.push_back(k + "=" + v.get<std::string>());
        } else if (v.is_number_integer()) {
          sets.push_back(k + "=" + std::to_string(v.get<int64_t>()));
        } else {
          return InvalidArgument("set." + k + ": a string or a whole number");
        }
      }
    } else if (it->is_array()) {
      for (const auto& v : *it) {
        if (!v.is_string()) return InvalidArgument("set: an array of \"field=value\" strings");
        sets.push_back(v.get<std::string>());
      }
    } else {
      return InvalidArgument("set: an object or an array");
    }
    if (sets.empty() || sets.size() > 50) return InvalidArgument("set: 1 to 50 assignments");
    after = resolve::Edit(c.store(), id, sets, change, expected);
  } else if (action == "merge") {
    auto it = body.find("others");
    if (it == body.end() || !it->is_array() || it->empty() || it->size() > 50) {
      return InvalidArgument("merge needs \"others\": [ids] (1 to 50)");
    }
    std::vector<int64_t> others;
    for (const auto& v : *it) {
      if (!v.is_number_integer() || v.get<int64_t>() <= 0) return InvalidArgument("others: positive whole numbers");
      if (v.get<int64_t>() == id) return InvalidArgument("others: cannot merge an incident into itself");
      others.push_back(v.get<int64_t>());
    }
    if (expected != 0 && expected != before.version) {
      return Conflict("incident " + std::to_string(id) + " is at version " + std::to_string(before.version));
    }
    after = resolve::Merge(c.store(), id, others, change);
    extra["merged"] = others;
  } else if (action == "split") {
    auto other = resolve::Split(c.store(), id, change);
    if (!other.ok()) return other.status();
    extra["split_off"] = *other;
    after = c.store()->Get(id);
  }
  if (!after.ok()) return after.status();
  std::string view = IncidentView(*after);
  Audit(c, "incident " + std::to_string(id), IncidentView(before), view);
  Json j;
  j["incident"] = Json::parse(view);
  for (auto& [k, v] : extra.items()) j[k] = v;
  Reply r = JsonReply(j);
  r.headers.emplace_back("ETag", "\"" + std::to_string(after->version) + "\"");
  return r;
}

// ---- export -----------------------------------------------------------------------

namespace {

// One export running in a thread of its own, writing into a pipe that the
// response reads from: constant memory whatever the size.
struct ExportJob {
  int read_fd = -1;
  std::thread thread;
  ~ExportJob() {
    if (read_fd >= 0) close(read_fd);  // unblocks a writer whose reader went away
    if (thread.joinable()) thread.join();
  }
};

}  // namespace

Result<Reply> Server::Impl::Export(Ctx& c) {
  Query q(c.req);
  RETURN_IF_ERROR(q.Allow(With({"format", "allow_restricted", "facts_only", "limit"})));
  ASSIGN_OR_RETURN(Filter f, FilterFromQuery(q));
  ASSIGN_OR_RETURN(int64_t limit, q.Int("limit", 0, 0, INT64_MAX));
  f.limit = limit;
  ExportOptions eo;
  ASSIGN_OR_RETURN(eo.format, q.One("format", "csv"));
  ASSIGN_OR_RETURN(eo.allow_restricted, q.Bool("allow_restricted"));
  ASSIGN_OR_RETURN(eo.facts_only, q.Bool("facts_only"));
  const auto& formats = ExportFormats();
  if (std::find(formats.begin(), formats.end(), eo.format) == formats.end()) {
    return InvalidArgument("parameter format: \"" + eo.format.substr(0, 40) + "\" is not one of csv, ndjson, geojson, xlsx, acled");
  }
  if (eo.allow_restricted && c.who->role != Role::kAdmin) {
    return ErrorReply(403, "forbidden",
                      "allow_restricted redistributes rows whose licence forbids it: admin only, and only when your "
                      "own licence permits");
  }
  static const std::map<std::string, std::pair<std::string, std::string>> kTypes = {
      {"csv", {"text/csv; charset=utf-8", "csv"}},
      {"acled", {"text/csv; charset=utf-8", "csv"}},
      {"ndjson", {"application/x-ndjson", "ndjson"}},
      {"geojson", {"application/geo+json", "geojson"}},
      {"xlsx", {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"}}};
  const auto& [type, ext] = kTypes.at(eo.format);
  c.res.set_header("Content-Disposition", "attachment; filename=\"faultline-incidents." + ext + "\"");
  Audit(c, "export", std::nullopt, Dump(Json{{"format", eo.format}, {"query", c.req.target.substr(0, 1000)}}));

  std::string uri = pool.uri();
  if (eo.format == "xlsx") {
    // libxlsxwriter needs a seekable file: write it whole, then stream it.
    char tmpl[] = "/tmp/faultline-export-XXXXXX";
    int fd = mkstemp(tmpl);
    if (fd < 0) return IoError("cannot create a temporary file for the export");
    close(fd);
    std::string path = tmpl;
    auto s = ExportIncidents(c.store(), f, eo, path);
    if (!s.ok()) {
      unlink(path.c_str());
      return s.status();
    }
    auto file = std::make_shared<std::ifstream>(path, std::ios::binary);
    unlink(path.c_str());  // the open stream keeps the data
    c.res.set_chunked_content_provider(type, [file](size_t, httplib::DataSink& sink) {
      char buf[65536];
      file->read(buf, sizeof buf);
      std::streamsize n = file->gcount();
      if (n > 0 && !sink.write(buf, static_cast<size_t>(n))) return false;
      if (!*file) sink.done();
      return true;
    });
    return Reply{200, "", type, {}, true};
  }
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return IoError("cannot create a pipe for the export");
  auto job = std::make_shared<ExportJob>();
  job->read_fd = fds[0];
  int write_fd = fds[1];
  auto log = opt.access_log;
  job->thread = std::thread([uri, f, eo, write_fd, log] {
    auto store = Store::Open(uri);
    if (store.ok()) {
      auto s = ExportIncidents(store->get(), f, eo, "/proc/self/fd/" + std::to_string(write_fd));
      if (!s.ok() && log) log("export stopped: " + s.status().ToString());
    }
    close(write_fd);
  });
  c.res.set_chunked_content_provider(
      type,
      [job](size_t, httplib::DataSink& sink) {
        char buf[65536];
        ssize_t n = read(job->read_fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) return true;
        if (n < 0) return false;
        if (n == 0) {
          sink.done();
          return true;
        }
        return sink.write(buf, static_cast<size_t>(n));
      },
      [job](bool) {
        close(job->read_fd);
        job->read_fd = -1;
        if (job->thread.joinable()) job->thread.join();
      });
  return Reply{200, "", type, {}, true};
}

// ---- accounts and audit -------------------------------------------------------------

Result<Reply> Server::Impl::AuditLog(Ctx& c) {
  Query q(c.req);
  RETURN_IF_ERROR(q.Allow({"before", "limit"}));
  ASSIGN_OR_RETURN(int64_t before, q.Int("before", 0, 0, INT64_MAX));
  ASSIGN_OR_RETURN(int64_t limit, q.Int("limit", 100, 1, opt.max_page));
  ASSIGN_OR_RETURN(auto rows, c.accounts()->store()->Audit(before, limit));
  Json arr = Json::array();
  for (const auto& r : rows) {
    Json e{{"id", r.id}, {"at", r.at}, {"who", r.who}, {"action", r.action}, {"target", r.target}};
    auto parse = [](const std::optional<std::string>& s) -> Json {
      if (!s) return nullptr;
      try {
        return Json::parse(*s);
      } catch (...) {
        return *s;
      }
    };
    e["before"] = parse(r.before_json);
    e["after"] = parse(r.after_json);
    arr.push_back(std::move(e));
  }
  Json j{{"entries", std::move(arr)}};
  j["next_before"] = rows.size() == static_cast<size_t>(limit) ? Json(rows.back().id) : Json(nullptr);
  return JsonReply(j);
}

Result<Reply> Server::Impl::ListUsers(Ctx& c) {
  RETURN_IF_ERROR(Query(c.req).Allow({}));
  ASSIGN_OR_RETURN(auto users, c.accounts()->Users());
  Json arr = Json::array();
  for (const auto& u : users) {
    arr.push_back(Json{{"name", u.name}, {"role", u.role}, {"disabled", u.disabled}, {"created_at", u.created_at}});
  }
  return JsonReply(Json{{"users", std::move(arr)}});
}

Result<Reply> Server::Impl::AddUser(Ctx& c) {
  RETURN_IF_ERROR(Query(c.req).Allow({}));
  ASSIGN_OR_RETURN(Json body, ParseBody(c.req, true));
  ASSIGN_OR_RETURN(Role role, ParseRole(BodyString(body, "role")));
  ASSIGN_OR_RETURN(NewUser u, c.accounts()->AddUser(BodyString(body, "name"), role, c.user()));
  Reply r = JsonReply(Json{{"name", u.user.name}, {"role", u.user.role}, {"password", u.password}}, 201);
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

Result<Reply> Server::Impl::AddToken(Ctx& c) {
  RETURN_IF_ERROR(Query(c.req).Allow({}));
  ASSIGN_OR_RETURN(Json body, ParseBody(c.req, false));
  std::string label = BodyString(body, "label");
  if (label.size() > 200) return InvalidArgument("label: longer than 200 bytes");
  ASSIGN_OR_RETURN(std::string token, c.accounts()->IssueToken(c.req.matches[1].str(), label, c.user()));
  Reply r = JsonReply(Json{{"name", c.req.matches[1].str()}, {"token", token}}, 201);
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

Result<Reply> Server::Impl::RevokeTokens(Ctx& c) {
  Query q(c.req);
  RETURN_IF_ERROR(q.Allow({"disable", "id"}));
  ASSIGN_OR_RETURN(bool disable, q.Bool("disable"));
  ASSIGN_OR_RETURN(int64_t id, q.Int("id", 0, 0, INT64_MAX));
  ASSIGN_OR_RETURN(int64_t n, c.accounts()->Revoke(c.req.matches[1].str(), id, disable, c.user()));
  return JsonReply(Json{{"revoked", n}, {"disabled", disable}});
}

}  // namespace faultline::server
