// PgTestServer: a throwaway PostgreSQL 15 cluster for tests. Start() runs
// initdb into a fresh temporary directory, starts `postgres` on a free
// loopback port (its unix socket in that directory too, so nothing touches
// the machine's own PostgreSQL), waits until it accepts connections and
// creates database "faultline_test". The destructor stops the server
// (immediate mode) and removes the directory.
//
// PostgreSQL refuses to run as root: when the test runs as root the server
// runs as user `postgres` (through runuser), else as the current user.
// Binaries come from $FAULTLINE_PG_BIN, default /usr/lib/postgresql/15/bin.
//
// Not thread-safe; one server per test binary is plenty.
//
//   if (PgTestServer::SkipRequested()) GTEST_SKIP();
//   auto server = PgTestServer::Start();
//   ASSERT_TRUE(server.ok()) << server.status().ToString();
//   auto uri = (*server)->CreateDatabase("case_1");
#ifndef FAULTLINE_TEST_SUPPORT_PG_SERVER_H_
#define FAULTLINE_TEST_SUPPORT_PG_SERVER_H_

#include <memory>
#include <string>
#include <vector>

#include "faultline/status.h"

namespace faultline {

class PgTestServer {
 public:
  // FailedPrecondition with what to install when the binaries or the
  // `postgres` user are missing; Internal with the server's log when it
  // does not come up.
  static Result<std::unique_ptr<PgTestServer>> Start();
  // True when FAULTLINE_SKIP_POSTGRES=1: the caller skips PostgreSQL tests.
  // Otherwise a missing PostgreSQL is a failure, never a silent skip.
  static bool SkipRequested();

  PgTestServer(const PgTestServer&) = delete;
  PgTestServer& operator=(const PgTestServer&) = delete;
  ~PgTestServer();

  // postgresql://postgres@127.0.0.1:<port>/faultline_test
  const std::string& uri() const { return uri_; }
  int port() const { return port_; }
  // Creates an empty database (name: letters, digits, '_') and returns its URI.
  Result<std::string> CreateDatabase(const std::string& name);

 private:
  PgTestServer() = default;
  std::string UriFor(const std::string& database) const;
  // Runs a PostgreSQL binary as the server's user, output appended to the log.
  int RunTool(const std::string& tool, const std::vector<std::string>& args);
  std::string ReadLog() const;

  std::string bin_dir_;
  std::string dir_;       // the temporary directory; removed by the destructor
  std::string data_dir_;  // dir_/data
  std::string log_path_;  // dir_/tool.log (initdb, pg_ctl) and dir_/server.log
  bool as_postgres_user_ = false;
  bool running_ = false;
  int port_ = 0;
  std::string uri_;
};

}  // namespace faultline

#endif  // FAULTLINE_TEST_SUPPORT_PG_SERVER_H_
