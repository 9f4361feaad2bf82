#include "store/store_test_env.h"

#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>

#include "support/pg_server.h"

namespace faultline {

const std::vector<std::string>& StoreBackends() {
  static const std::vector<std::string> kBackends = {"sqlite", "postgresql"};
  return kBackends;
}

Result<PgTestServer*> SharedPgServer() {
  // Destroyed at exit, which stops the server and removes its directory.
  static std::unique_ptr<PgTestServer> server;
  static Status failure;
  static bool tried = false;
  if (!tried) {
    tried = true;
    auto started = PgTestServer::Start();
    if (started.ok()) {
      server = std::move(*started);
    } else {
      failure = started.status();
    }
  }
  if (!failure.ok()) return failure;
  return server.get();
}

Result<std::unique_ptr<TestDatabase>> TestDatabase::Create(std::string_view backend, std::string_view label) {
  std::unique_ptr<TestDatabase> db(new TestDatabase());
  std::string name;
  for (char c : label) name += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(c)) : '_';
  if (backend == "sqlite") {
    std::error_code ec;
    std::filesystem::path tmp = std::filesystem::temp_directory_path(ec);
    if (ec) tmp = "/tmp";
    std::string pattern = (tmp / "faultline-store-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) return IoError("mkdtemp " + pattern);
    db->dir_ = pattern;
    db->sqlite_path_ = db->dir_ + "/" + name + ".db";
    db->uri_ = db->sqlite_path_;
    return db;
  }
  if (backend != "postgresql") return InvalidArgument("unknown backend " + std::string(backend));
  ASSIGN_OR_RETURN(PgTestServer * server, SharedPgServer());
  static int serial = 0;
  ASSIGN_OR_RETURN(db->uri_, server->CreateDatabase("t" + std::to_string(++serial) + "_" + name.substr(0, 40)));
  return db;
}

TestDatabase::~TestDatabase() {
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

}  // namespace faultline
