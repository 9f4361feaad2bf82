#include "cli/serve_commands.h"

#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <thread>

#include "server/accounts.h"
#include "server/server.h"

#ifndef FAULTLINE_WEB_DIR
#define FAULTLINE_WEB_DIR "web"
#endif

namespace faultline {
namespace {

std::string Who() {
  if (const char* u = std::getenv("FAULTLINE_USER"); u != nullptr && *u != '\0') return std::string(u) + " (cli)";
  if (const char* u = std::getenv("USER"); u != nullptr && *u != '\0') return std::string(u) + " (cli)";
  return "cli";
}

struct ServeArgs {
  server::ServerOptions options;
  bool quiet = false;
  bool no_web = false;
};

server::Server* g_server = nullptr;

extern "C" void StopOnSignal(int) {
  // Server::Stop only flips flags and shuts the listening socket down.
  if (g_server != nullptr) g_server->Stop();
}

Status RunServe(const CliContext& ctx, ServeArgs a) {
  a.options.db_uri = ctx.db_uri();
  if (a.no_web) {
    a.options.web_dir.clear();
  } else if (a.options.web_dir.empty()) {
    const char* env = std::getenv("FAULTLINE_WEB");
    a.options.web_dir = env && *env ? env : FAULTLINE_WEB_DIR;
  }
  if (!a.quiet) {
    static std::mutex mu;
    a.options.access_log = [](const std::string& line) {
      std::lock_guard<std::mutex> lock(mu);
      std::fprintf(stderr, "%s\n", line.c_str());
    };
  }
  ASSIGN_OR_RETURN(auto srv, server::Server::Create(a.options));
  ASSIGN_OR_RETURN(int port, srv->Bind());
  const bool tls = !a.options.tls_cert.empty();
  std::printf("faultline serving %s on %s://%s:%d/ (API under /api/v1)\n", ctx.db_uri().c_str(),
              tls ? "https" : "http", a.options.bind.c_str(), port);
  if (a.options.bind != "127.0.0.1" && a.options.bind != "::1" && a.options.bind != "localhost" && !tls) {
    std::fprintf(stderr, "warning: listening on %s without TLS; put a TLS reverse proxy in front (docs/api.md)\n",
                 a.options.bind.c_str());
  }
  std::fflush(stdout);
  g_server = srv.get();
  std::signal(SIGINT, StopOnSignal);
  std::signal(SIGTERM, StopOnSignal);
  Status s = srv->Run();
  g_server = nullptr;
  return s;
}

struct UsersArgs {
  std::string action;
  std::string name;
  std::string role = "viewer";
  std::string label;
  int64_t token_id = 0;
  bool disable = false;
  bool password_stdin = false;
};

Status RunUsers(const CliContext& ctx, const UsersArgs& a) {
  ASSIGN_OR_RETURN(auto accounts, server::Accounts::Open(ctx.db_uri()));
  if (a.action == "list") {
    ASSIGN_OR_RETURN(auto users, accounts->Users());
    std::printf("%-20s %-8s %-9s %-21s %s\n", "name", "role", "disabled", "created", "live tokens");
    for (const auto& u : users) {
      ASSIGN_OR_RETURN(auto creds, accounts->Credentials(u.name));
      int live = 0;
      for (const auto& c : creds) live += c.kind == "token" && c.revoked_at.empty();
      std::printf("%-20s %-8s %-9s %-21s %d\n", u.name.c_str(), u.role.c_str(), u.disabled ? "yes" : "no",
                  u.created_at.c_str(), live);
    }
    return Status::Ok();
  }
  if (a.name.empty()) return InvalidArgument("users " + a.action + ": which user? (a name)");
  if (a.action == "add") {
    ASSIGN_OR_RETURN(server::Role role, server::ParseRole(a.role));
    std::string password;
    if (a.password_stdin) {
      std::getline(std::cin, password);
      while (!password.empty() && (password.back() == '\r' || password.back() == '\n')) password.pop_back();
    }
    ASSIGN_OR_RETURN(server::NewUser u, accounts->AddUser(a.name, role, Who(), password));
    std::printf("user %s (%s) added\n", u.user.name.c_str(), u.user.role.c_str());
    if (!a.password_stdin) {
      std::printf("password (shown once; only its hash is stored): %s\n", u.password.c_str());
    }
    return Status::Ok();
  }
  if (a.action == "token") {
    ASSIGN_OR_RETURN(std::string token, accounts->IssueToken(a.name, a.label, Who()));
    std::printf("%s\n", token.c_str());
    std::fprintf(stderr, "API token for %s (shown once; only its hash is stored). Use: Authorization: Bearer <token>\n",
                 a.name.c_str());
    return Status::Ok();
  }
  if (a.action == "revoke") {
    ASSIGN_OR_RETURN(int64_t n, accounts->Revoke(a.name, a.token_id, a.disable, Who()));
    std::printf("revoked %lld credential(s) of %s%s\n", static_cast<long long>(n), a.name.c_str(),
                a.disable ? "; the user is disabled" : "");
    return Status::Ok();
  }
  return InvalidArgument("unknown users action " + a.action);
}

}  // namespace

void AddServeCommands(CLI::App* app, const CliContext& ctx) {
  static ServeArgs sa;
  auto* serve = app->add_subcommand("serve", "serve the HTTP API (/api/v1) and the dashboard");
  serve->add_option("--bind", sa.options.bind, "address to listen on (default 127.0.0.1: this machine only)");
  serve->add_option("--port", sa.options.port, "port (default 8080; 0 = any free port)");
  serve->add_option("--web", sa.options.web_dir, "dashboard folder (default $FAULTLINE_WEB or the source tree's web/)");
  serve->add_flag("--no-web", sa.no_web, "serve the API only");
  serve->add_option("--threads", sa.options.threads, "worker threads (default 8)");
  serve->add_option("--rate-limit", sa.options.rate_per_second, "requests per second per token (0 = no limit)");
  serve->add_option("--rate-burst", sa.options.rate_burst, "requests a token may make at once");
  serve->add_option("--max-body", sa.options.max_body_bytes, "largest request body in bytes");
  serve->add_option("--cache-seconds", sa.options.cache_seconds, "stats/map cache lifetime (0 = off)");
  serve->add_option("--tls-cert", sa.options.tls_cert, "PEM certificate: serve HTTPS directly");
  serve->add_option("--tls-key", sa.options.tls_key, "PEM private key for --tls-cert");
  serve->add_flag("--secure-cookies", sa.options.secure_cookies, "mark session cookies Secure (behind a TLS proxy)");
  serve->add_flag("-q,--quiet", sa.quiet, "no access log on stderr");
  serve->callback([ctx] { ctx.run(RunServe(ctx, sa)); });

  static UsersArgs ua;
  auto* users = app->add_subcommand("users", "accounts for the API and dashboard: list, add, token, revoke");
  users->add_option("action", ua.action, "list | add NAME --role R | token NAME | revoke NAME")
      ->required()
      ->check(CLI::IsMember({"list", "add", "token", "revoke"}));
  users->add_option("name", ua.name, "user name");
  users->add_option("--role", ua.role, "viewer, analyst or admin (add)");
  users->add_flag("--password-stdin", ua.password_stdin, "read the password from stdin instead of generating one");
  users->add_option("--label", ua.label, "what the token is for (token)");
  users->add_option("--token-id", ua.token_id, "revoke only this credential (default: all of the user's)");
  users->add_flag("--disable", ua.disable, "revoke: also stop the user from signing in");
  users->callback([ctx] { ctx.run(RunUsers(ctx, ua)); });
}

}  // namespace faultline
