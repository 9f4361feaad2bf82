// Server: `faultline serve` — the HTTP JSON API under /api/v1 (docs/api.md,
// docs/openapi.yaml) and the dashboard in web/, from one process. Every API
// route but health, the OpenAPI document and sign-in needs a token
// (Authorization: Bearer) or a dashboard session cookie plus X-CSRF-Token on
// writes; each route names the least role it needs (viewer < analyst <
// admin). Writes go to the audit log with who, what, when, before and after.
//
// The server keeps a small pool of Store connections (one per worker thread
// at most; Store is not thread-safe), the statistics cube of every incident
// in memory (stats and time series are grouped from it), and caches list
// pages, stats, time series, map responses and who each token is. Every
// request first asks one more, read-only, Store handle whether the database
// moved (Store::ChangeStamp): any write — through this server or another
// process — clears the caches and retires the cube before anything is read.
// The header stays free of the HTTP library: include it anywhere.
//
//   ServerOptions o;
//   o.db_uri = "faultline.db";
//   o.web_dir = "web";
//   ASSIGN_OR_RETURN(auto server, Server::Create(o));
//   ASSIGN_OR_RETURN(int port, server->Bind());
//   RETURN_IF_ERROR(server->Run());  // until Stop() from another thread
#ifndef FAULTLINE_SERVER_SERVER_H_
#define FAULTLINE_SERVER_SERVER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "faultline/status.h"

namespace faultline::server {

struct ServerOptions {
  std::string db_uri = "faultline.db";
  std::string bind = "127.0.0.1";  // loopback unless the operator says otherwise
  int port = 8080;                 // 0 = any free port (Bind() says which)
  std::string web_dir;             // dashboard files; empty = API only
  size_t max_body_bytes = 1 << 20; // larger request bodies get 413
  int64_t max_page = 1000;         // the largest `limit` a list accepts
  int64_t max_sort_rows = 200000;  // sorting other than by id needs a filter this narrow
  int64_t max_map_points = 5000;   // more points than this come back clustered
  double rate_per_second = 50;     // per token or session; 0 = no limit
  double rate_burst = 200;
  int64_t session_seconds = 12 * 3600;
  int cache_seconds = 10;          // list/stats/time series/map cache lifetime; 0 = off
  bool secure_cookies = false;     // set when TLS is in front (docs/api.md)
  std::string tls_cert, tls_key;   // both set: serve HTTPS directly
  int threads = 8;
  int timeout_seconds = 10;        // read and write timeouts per connection
  // One line per request (method, path, status, ms, user); never secrets.
  std::function<void(const std::string&)> access_log;
};

class Server {
 public:
  // Opens the database (running migrations) and checks web_dir. Errors as
  // Store::Open; InvalidArgument for a missing web_dir or half a TLS pair.
  static Result<std::unique_ptr<Server>> Create(ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds the socket; returns the port (useful with port 0). IoError when the
  // address is taken or cannot be bound.
  Result<int> Bind();
  // Serves until Stop(). Call after Bind().
  Status Run();
  // Thread-safe; makes Run() return.
  void Stop();
  // How many loads of the statistics cube have finished since Create (one
  // in the background at start-up, then one after each change to incidents
  // or phases that a stats request needed). Thread-safe; for tests.
  int64_t CubeLoads() const;

  // Every API route it serves, in the order registered: what the tests hold
  // docs/openapi.yaml against.
  struct ServedRoute {
    std::string method;   // GET, POST, PUT, DELETE
    std::string pattern;  // the cpp-httplib regex: "/api/v1/incidents/(\\d+)"
    std::string role;     // the least role: public, viewer, analyst, admin
  };
  const std::vector<ServedRoute>& Routes() const;

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace faultline::server

#endif  // FAULTLINE_SERVER_SERVER_H_
