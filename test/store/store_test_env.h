// The backends the store tests run on, and a fresh, empty database on each:
// a new SQLite file in a temporary directory, or a new database on the one
// PgTestServer this test binary starts the first time it needs it (and stops
// at exit). Not thread-safe (GoogleTest runs tests one at a time).
#ifndef FAULTLINE_TEST_STORE_STORE_TEST_ENV_H_
#define FAULTLINE_TEST_STORE_STORE_TEST_ENV_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "faultline/status.h"

namespace faultline {

class PgTestServer;

// "sqlite" and "postgresql", in that order.
const std::vector<std::string>& StoreBackends();

class TestDatabase {
 public:
  // `label` names the database (letters, digits, '_' are kept).
  // FailedPrecondition/Internal from PgTestServer when PostgreSQL cannot start.
  static Result<std::unique_ptr<TestDatabase>> Create(std::string_view backend, std::string_view label);
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;
  ~TestDatabase();  // removes the SQLite directory

  const std::string& uri() const { return uri_; }
  // The SQLite file; "" on PostgreSQL.
  const std::string& sqlite_path() const { return sqlite_path_; }

 private:
  TestDatabase() = default;
  std::string uri_, sqlite_path_, dir_;
};

// The binary's PostgreSQL server, started on first use.
Result<PgTestServer*> SharedPgServer();

}  // namespace faultline

#endif  // FAULTLINE_TEST_STORE_STORE_TEST_ENV_H_
