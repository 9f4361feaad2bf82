// AccountStore on SQLite: the users, credentials and audit_log tables of
// migration 0003_accounts, over a connection of its own.
#include <sqlite3.h>

#include <utility>

#include "store/account_columns.h"
#include "store/accounts.h"

namespace faultline {
namespace {

struct StmtDeleter {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using StmtPtr = std::unique_ptr<sqlite3_stmt, StmtDeleter>;

// The current row of a statement, for account_columns.h's readers.
struct AccountRow {
  sqlite3_stmt* s;
  int64_t Int(int i) const { return sqlite3_column_int64(s, i); }
  bool Bool(int i) const { return sqlite3_column_int(s, i) != 0; }
  bool IsNull(int i) const { return sqlite3_column_type(s, i) == SQLITE_NULL; }
  std::string Text(int i) const {
    const unsigned char* p = sqlite3_column_text(s, i);
    return p == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(p), sqlite3_column_bytes(s, i));
  }
};

class SqliteAccounts : public AccountStore {
 public:
  explicit SqliteAccounts(sqlite3* db) : db_(db) {}
  ~SqliteAccounts() override { sqlite3_close_v2(db_); }

  Result<UserRecord> AddUser(const UserRecord& user) override {
    ASSIGN_OR_RETURN(StmtPtr s, Prepare("INSERT INTO users (name, role, password_hash, disabled, created_at)"
                                        " VALUES (?, ?, ?, ?, ?)"));
    BindText(s.get(), 1, user.name);
    BindText(s.get(), 2, user.role);
    BindText(s.get(), 3, user.password_hash);
    sqlite3_bind_int(s.get(), 4, user.disabled ? 1 : 0);
    BindText(s.get(), 5, user.created_at);
    RETURN_IF_ERROR(Done(s.get(), "add user " + user.name));
    UserRecord out = user;
    out.id = sqlite3_last_insert_rowid(db_);
    return out;
  }

  Result<UserRecord> FindUser(const std::string& name) override {
    ASSIGN_OR_RETURN(StmtPtr s, Prepare(std::string(kUserSelect) + " WHERE name = ?"));
    BindText(s.get(), 1, name);
    return OneUser(s.get(), "user \"" + name + "\"");
  }

  Result<UserRecord> GetUser(int64_t id) override {
    ASSIGN_OR_RETURN(StmtPtr s, Prepare(std::string(kUserSelect) + " WHERE id = ?"));
    sqlite3_bind_int64(s.get(), 1, id);
    return OneUser(s.get(), "user " + std::to_string(id));
  }

  Result<std::vector<UserRecord>> Users() override {
    ASSIGN_OR_RETURN(StmtPtr s, Prepare(std::string(kUserSelect) + " ORDER BY id"));
    std::vector<UserRecord> out;
    int rc;
    while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) out.push_back(ReadUser(AccountRow{s.get()}));
    if (rc != SQLITE_DONE) return Error(rc, "list users");
    return out;
  }

  Status SetDisabled(int64_t user_id, bool disabled) override {
    ASSIGN_OR_RETURN(StmtPtr s, Prepare("UPDATE users SET disabled = ? WHERE id = ?"));
    sqlite3_bind_int(s.get(), 1, disabled ? 1 : 0);
    sqlite3_bind_int64(s.get(), 2, user_id);
    return Done(s.get(), "disable user");
  }

  Status SetPasswordHash(int64_t user_id, const std::string& hash) override {
    ASSIGN_OR_RETURN(StmtPtr s, Prepare("UPDATE users SET password_hash = ? WHERE id = ?"));
    BindText(s.get(), 1, hash);
    sqlite3_bind_int64(s.get(), 2, user_id);
    return Done(s.get(), "set password");
  }

  Result<CredentialRecord> AddCredential(const CredentialRecord& c) override {
    ASSIGN_OR_RETURN(StmtPtr s, Prepare("INSERT INTO credentials (user_id, kind, lookup, secret_hash, label,"
                                        " created_at, expires_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
    sqlite3_bind_int64(s.get(), 1, c.user_id);
    BindText(s.get(), 2, c.kind);
    BindText(s.get(), 3, c.lookup);
    BindText(s.get(), 4, c.secret_hash);
    BindText(s.get(), 5, c.label);
    BindText(s.get(), 6, c.created_at);
    BindText(s.get(), 7, c.expires_at);
    BindText(s.get(), 8, c.revoked_at);
    RETURN_IF_ERROR(Done(s.get(), "add credential"));
    CredentialRecord out = c;
    out.id = sqlite3_last_insert_rowid(db_);
    return out;
  }

  Result<CredentialRecord> FindCredential(const std::string& lookup) override {
    ASSIGN_OR_RETURN(StmtPtr s, Prepare(std::string(kCredentialSelect) + " WHERE lookup = ?"));
    BindText(s.get(), 1, lookup);
    int rc = sqlite3_step(s.get());
    if (rc == SQLITE_DONE) return NotFound("no such credential");
    if (rc != SQLITE_ROW) return Error(rc, "find credential");
    return ReadCredential(AccountRow{s.get()});
  }

  Result<std::vector<CredentialRecord>> Credentials(int64_t user_id) override {
    ASSIGN_OR_RETURN(StmtPtr s, Prepare(std::string(kCredentialSelect) + " WHERE user_id = ? ORDER BY id"));
    sqlite3_bind_int64(s.get(), 1, user_id);
    std::vector<CredentialRecord> out;
    int rc;
    while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) out.push_back(ReadCredential(AccountRow{s.get()}));
    if (rc != SQLITE_DONE) return Error(rc, "list credentials");
    return out;
  }

  Result<int64_t> Revoke(int64_t user_id, int64_t credential_id, const std::string& at) override {
    ASSIGN_OR_RETURN(StmtPtr s, Prepare("UPDATE credentials SET revoked_at = ? WHERE user_id = ? AND revoked_at = ''"
                                        " AND (? = 0 OR id = ?)"));
    BindText(s.get(), 1, at);
    sqlite3_bind_int64(s.get(), 2, user_id);
    sqlite3_bind_int64(s.get(), 3, credential_id);
    sqlite3_bind_int64(s.get(), 4, credential_id);
    RETURN_IF_ERROR(Done(s.get(), "revoke"));
    return static_cast<int64_t>(sqlite3_changes(db_));
  }

  Result<int64_t> AppendAudit(const AuditRecord& r) override {
    ASSIGN_OR_RETURN(StmtPtr s, Prepare("INSERT INTO audit_log (at, who, action, target, before_json, after_json)"
                                        " VALUES (?, ?, ?, ?, ?, ?)"));
    BindText(s.get(), 1, r.at);
    BindText(s.get(), 2, r.who);
    BindText(s.get(), 3, r.action);
    BindText(s.get(), 4, r.target);
    BindOptional(s.get(), 5, r.before_json);
    BindOptional(s.get(), 6, r.after_json);
    RETURN_IF_ERROR(Done(s.get(), "append audit"));
    return static_cast<int64_t>(sqlite3_last_insert_rowid(db_));
  }

  Result<std::vector<AuditRecord>> Audit(int64_t before_id, int64_t limit) override {
    ASSIGN_OR_RETURN(StmtPtr s, Prepare(AuditSelect("") + " WHERE (? = 0 OR id < ?) ORDER BY id DESC LIMIT ?"));
    sqlite3_bind_int64(s.get(), 1, before_id);
    sqlite3_bind_int64(s.get(), 2, before_id);
    sqlite3_bind_int64(s.get(), 3, limit);
    std::vector<AuditRecord> out;
    int rc;
    while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) out.push_back(ReadAudit(AccountRow{s.get()}));
    if (rc != SQLITE_DONE) return Error(rc, "read audit log");
    return out;
  }

 private:
  Status Error(int rc, const std::string& what) {
    std::string m = "sqlite: " + what + ": " + sqlite3_errmsg(db_);
    if ((rc & 0xff) == SQLITE_CONSTRAINT) return AlreadyExists(m);
    if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED) return Unavailable(m);
    if ((rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB) return DataLoss(m);
    return Internal(m);
  }

  Result<StmtPtr> Prepare(const std::string& sql) {
    sqlite3_stmt* s = nullptr;
    int rc = sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &s, nullptr);
    if (rc != SQLITE_OK) return Error(rc, "prepare");
    return StmtPtr(s);
  }

  static void BindText(sqlite3_stmt* s, int i, const std::string& v) {
    sqlite3_bind_text(s, i, v.c_str(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  static void BindOptional(sqlite3_stmt* s, int i, const std::optional<std::string>& v) {
    if (v) {
      BindText(s, i, *v);
    } else {
      sqlite3_bind_null(s, i);
    }
  }
  Status Done(sqlite3_stmt* s, const std::string& what) {
    int rc = sqlite3_step(s);
    if (rc != SQLITE_DONE) return Error(rc, what);
    return Status::Ok();
  }

  Result<UserRecord> OneUser(sqlite3_stmt* s, const std::string& what) {
    int rc = sqlite3_step(s);
    if (rc == SQLITE_DONE) return NotFound("no " + what);
    if (rc != SQLITE_ROW) return Error(rc, "find " + what);
    return ReadUser(AccountRow{s});
  }

  sqlite3* db_;
};

}  // namespace

Result<std::unique_ptr<AccountStore>> OpenSqliteAccounts(const std::string& path) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX,
                           nullptr);
  if (rc != SQLITE_OK) {
    std::string m = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close_v2(db);
    return IoError("sqlite: " + path + ": " + m);
  }
  sqlite3_busy_timeout(db, 10000);
  sqlite3_exec(db, "PRAGMA foreign_keys = ON", nullptr, nullptr, nullptr);
  return std::unique_ptr<AccountStore>(std::make_unique<SqliteAccounts>(db));
}

}  // namespace faultline
