#include "support/pg_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <pqxx/pqxx>
#include <sstream>
#include <thread>

extern char** environ;

namespace faultline {
namespace {

namespace fs = std::filesystem;

std::string ErrnoText(std::string_view what) { return std::string(what) + ": " + std::strerror(errno); }

// A loopback port nobody listens on right now. Another process may take it
// before the server binds; Start() then tries another.
Result<int> FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return IoError(ErrnoText("socket"));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    Status s = IoError(ErrnoText("bind 127.0.0.1:0"));
    close(fd);
    return s;
  }
  close(fd);
  return static_cast<int>(ntohs(addr.sin_port));
}

bool IsExecutable(const std::string& path) { return access(path.c_str(), X_OK) == 0; }

}  // namespace

bool PgTestServer::SkipRequested() {
  const char* v = std::getenv("FAULTLINE_SKIP_POSTGRES");
  return v != nullptr && std::string_view(v) == "1";
}

Result<std::unique_ptr<PgTestServer>> PgTestServer::Start() {
  std::unique_ptr<PgTestServer> s(new PgTestServer());
  const char* bin = std::getenv("FAULTLINE_PG_BIN");
  s->bin_dir_ = bin != nullptr && *bin != '\0' ? bin : "/usr/lib/postgresql/15/bin";
  for (const char* tool : {"initdb", "pg_ctl", "postgres"}) {
    if (!IsExecutable(s->bin_dir_ + "/" + tool)) {
      return FailedPrecondition("PostgreSQL server binary " + s->bin_dir_ + "/" + tool +
                                " not found: install postgresql-15 (scripts/install-deps.sh does), point "
                                "FAULTLINE_PG_BIN at its bin directory, or set FAULTLINE_SKIP_POSTGRES=1 to "
                                "skip the PostgreSQL half of the store tests");
    }
  }
  std::error_code ec;
  fs::path tmp = fs::temp_directory_path(ec);
  if (ec) tmp = "/tmp";
  std::string pattern = (tmp / "faultline-pg-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) return IoError(ErrnoText("mkdtemp " + pattern));
  s->dir_ = pattern;
  s->data_dir_ = s->dir_ + "/data";
  s->log_path_ = s->dir_ + "/tool.log";

  if (geteuid() == 0) {
    // PostgreSQL refuses to run as root.
    const passwd* pw = getpwnam("postgres");
    if (pw == nullptr) {
      return FailedPrecondition("running as root and there is no user \"postgres\" to run the test server as "
                                "(the postgresql-15 package creates it)");
    }
    if (chown(s->dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0) return IoError(ErrnoText("chown " + s->dir_));
    s->as_postgres_user_ = true;
  }

  if (s->RunTool("initdb", {"-D", s->data_dir_, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C",
                            "--no-sync", "--no-instructions"}) != 0) {
    return Internal("initdb failed in " + s->dir_ + ":\n" + s->ReadLog());
  }
  {
    // A throwaway server: durability off, small, reachable only on loopback
    // and through a socket in its own directory.
    std::ofstream conf(s->data_dir_ + "/postgresql.conf", std::ios::app);
    conf << "\n# faultline PgTestServer\n"
         << "listen_addresses = '127.0.0.1'\n"
         << "unix_socket_directories = '" << s->dir_ << "'\n"
         << "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
         << "shared_buffers = 16MB\nmax_connections = 20\n";
    if (!conf) return IoError("cannot write " + s->data_dir_ + "/postgresql.conf");
  }

  for (int attempt = 0; attempt < 5 && !s->running_; ++attempt) {
    ASSIGN_OR_RETURN(int port, FreePort());
    // -w: pg_ctl polls until the server accepts connections (or exits), up
    // to -t seconds; no fixed sleep.
    int rc = s->RunTool("pg_ctl", {"start", "-D", s->data_dir_, "-l", s->dir_ + "/server.log", "-w", "-t", "60",
                                   "-o", "-p " + std::to_string(port)});
    if (rc == 0) {
      s->running_ = true;
      s->port_ = port;
      break;
    }
    std::ifstream server_log(s->dir_ + "/server.log");
    std::stringstream text;
    text << server_log.rdbuf();
    if (text.str().find("could not bind") == std::string::npos &&
        text.str().find("already in use") == std::string::npos) {
      return Internal("PostgreSQL did not start:\n" + s->ReadLog() + "\nserver log:\n" + text.str());
    }
  }
  if (!s->running_) return Internal("PostgreSQL found no free port after 5 tries:\n" + s->ReadLog());

  // pg_ctl reported ready; confirm over TCP, polling with a deadline.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  for (;;) {
    try {
      pqxx::connection c(s->UriFor("postgres"));
      break;
    } catch (const std::exception& e) {
      if (std::chrono::steady_clock::now() > deadline) {
        return Internal(std::string("PostgreSQL started but refuses connections: ") + e.what());
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  ASSIGN_OR_RETURN(s->uri_, s->CreateDatabase("faultline_test"));
  return s;
}

PgTestServer::~PgTestServer() {
  if (running_) RunTool("pg_ctl", {"stop", "-D", data_dir_, "-m", "immediate", "-w", "-t", "30"});
  if (!dir_.empty()) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
}

std::string PgTestServer::UriFor(const std::string& database) const {
  return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/" + database;
}

Result<std::string> PgTestServer::CreateDatabase(const std::string& name) {
  if (name.empty()) return InvalidArgument("database name is empty");
  for (char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) {
      return InvalidArgument("database name \"" + name + "\": use letters, digits and '_'");
    }
  }
  try {
    pqxx::connection c(UriFor("postgres"));
    pqxx::nontransaction tx(c);
    tx.exec("CREATE DATABASE " + tx.quote_name(name));
  } catch (const std::exception& e) {
    return Internal("CREATE DATABASE " + name + ": " + e.what());
  }
  return UriFor(name);
}

int PgTestServer::RunTool(const std::string& tool, const std::vector<std::string>& args) {
  std::vector<std::string> argv;
  if (as_postgres_user_) argv = {"runuser", "-u", "postgres", "--"};
  argv.push_back(bin_dir_ + "/" + tool);
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> cargv;
  for (std::string& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                   0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  // The server's user may not be able to enter the test's working directory.
  posix_spawn_file_actions_addchdir_np(&actions, dir_.c_str());
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, cargv[0], &actions, nullptr, cargv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    std::ofstream(log_path_, std::ios::app) << "cannot run " << argv[0] << ": " << std::strerror(rc) << "\n";
    return -1;
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string PgTestServer::ReadLog() const {
  std::ifstream in(log_path_);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace faultline
